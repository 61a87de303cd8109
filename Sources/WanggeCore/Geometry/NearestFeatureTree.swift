/// A static, packed R-tree (Sort-Tile-Recursive) over the bounding boxes of planar features,
/// built once and shared read-only, for the nearest feature to a point: a best-first search
/// that visits nodes and features in increasing box distance and measures the exact distance
/// only of features whose box can still beat, or tie with, the best found so far. A point a
/// few kilometres from a grid of 40,000 cells visits a handful of nodes and measures a few
/// cells, where a window search measured thousands.
///
/// The answer is the **smallest feature index** among the features whose exact distance is
/// within ``tieMetres`` of the smallest exact distance, and that smallest distance. (Features
/// are indexed in code order, so this is "ties go to the smallest code".)
///
/// Why the pruning never changes the answer:
/// - A feature's rings lie inside its box, so the exact distance from p to the feature is at
///   least the distance from p to its box; a node's box contains its children's boxes, so the
///   distance to a node's box is a lower bound for everything below it. The search pops
///   entries in increasing order of that lower bound (a binary heap keyed on it).
/// - Let D be the smallest exact distance measured so far; D only decreases. The search stops
///   at the first popped entry whose bound exceeds D + tieMetres + ``slackMetres``: every entry
///   still queued, and everything below it, has a bound at least that large, so its exact
///   distance is more than D + tieMetres ≥ D_final + tieMetres — it can be neither the nearest
///   nor within the tie margin of the nearest. Features skipped at expansion time are skipped
///   by the same test. Everything that could be in the answer is therefore measured.
/// - Before any feature is measured, D is bounded from above by MINMAXDIST (Roussopoulos et
///   al. 1995): every side of a feature's box is touched by the feature (the box is the min
///   and max of its vertices), and every side of a node's box by a side of a child's box, so
///   some feature lies no farther from p than the farthest point of the box side nearest to p
///   along either axis. The search prunes with min(D, U) + tieMetres + slackMetres, where U is
///   the smallest such bound of the boxes expanded so far; since D_final ≤ U, the argument
///   above holds with U in place of D, and the pruning of nodes and features that the
///   measured D alone would have kept only ever drops entries that are farther than
///   D_final + tieMetres.
/// - A point inside the tree's ``NearestEntryGrid`` measures its pixel's list of features
///   instead (its centre's nearest first, then those whose box can still beat or tie with the
///   best), with no queue; the grid's own note says why that list holds every possible answer.
/// - Rounding: the box distances, MINMAXDIST and the ring distance are computed in double
///   precision from the same stored coordinates (the tree keeps a copy of the rings in tree
///   order; the arithmetic is that of ``FlatPolygons/distanceToRings(_:_:of:)``, to the bit).
///   A bound can be off the computed ring distance only by rounding (a few ulps of coordinates
///   of ~10⁶ m, i.e. ~10⁻⁹ m); ``slackMetres`` (1 µm) is far larger, so no feature is pruned
///   whose computed distance lies within the margin.
public struct NearestFeatureTree: Sendable {
    /// Exact distances within this many metres of the smallest one are ties (smallest index wins).
    public static let tieMetres = 0.001
    /// Added to every pruning bound to absorb rounding of box and ring distances (see the type).
    static let slackMetres = 1e-6
    /// Children per node.
    static let fanout = 8

    /// The tree's arrays, allocated once and read through raw pointers by the search (no
    /// closures, reference counting or bounds checks in its loop). Immutable after `init`.
    // @unchecked: raw pointers written only in init, read-only afterwards.
    final class Storage: @unchecked Sendable {
        /// Node k's box is `boxes[4k ..< 4k + 4]` = (minX, minY, maxX, maxY); leaves (features,
        /// in tree order) first, the root last.
        let boxes: UnsafeMutablePointer<Double>
        /// Level l occupies nodes `levelStart[l] ..< levelStart[l + 1]`.
        let levelStart: [Int]
        /// The feature index of each leaf.
        let feature: UnsafeMutablePointer<Int32>
        /// The ring segments of leaf i, `segmentStart[i] ..< segmentStart[i + 1]`, stored in tree
        /// order so that the features of a node lie side by side: segment s is
        /// `segments[4s ..< 4s + 4]` = (ax, ay, bx, by); a one-vertex ring is the segment (a, a).
        let segmentStart: UnsafeMutablePointer<Int32>
        let segments: UnsafeMutablePointer<Double>
        let leafCount: Int
        /// Where a search starts (``NearestEntryGrid``); set once by the tree's `init`, before
        /// the tree is shared.
        var entryGrid: NearestEntryGrid?

        init(boxes: [Double], levelStart: [Int], feature: [Int32], segmentStart: [Int32], segments: [Double]) {
            self.boxes = copyToHeap(boxes); self.levelStart = levelStart; self.feature = copyToHeap(feature)
            self.segmentStart = copyToHeap(segmentStart); self.segments = copyToHeap(segments)
            leafCount = feature.count
        }

        deinit {
            boxes.deallocate(); feature.deallocate(); segmentStart.deallocate(); segments.deallocate()
            entryGrid?.deallocate()
        }
    }

    let storage: Storage

    /// Builds the tree over the features of `shapes` (in their units: Wangge gives it the
    /// cells' EPSG:4549 copies); features without a vertex are left out and never answer.
    /// Without `entryGrid`, searches start at the root until ``adoptEntryGrid(_:)`` gives it one.
    public init(shapes: FlatPolygons, entryGrid: Bool = true) {
        let featureBoxes = shapes.boxes
        let usable = featureBoxes.indices.filter {
            let b = featureBoxes[$0]
            return b.minX.isFinite && b.maxX.isFinite && b.minY.isFinite && b.maxY.isFinite
        }
        // Sort-Tile-Recursive: slices by centre x, each slice sorted by centre y, packed by fanout.
        let m = Self.fanout
        let n = usable.count
        var leaves = usable.sorted { featureBoxes[$0].minX + featureBoxes[$0].maxX < featureBoxes[$1].minX + featureBoxes[$1].maxX }
        if n > 0 {
            let leafNodes = (n + m - 1) / m
            let slices = Int(Double(leafNodes).squareRoot().rounded(.up))
            let perSlice = slices * m
            var start = 0
            while start < n {
                let end = min(n, start + perSlice)
                leaves[start ..< end].sort { featureBoxes[$0].minY + featureBoxes[$0].maxY < featureBoxes[$1].minY + featureBoxes[$1].maxY }
                start = end
            }
        }
        var boxes: [Double] = []
        boxes.reserveCapacity(n * 4 * 8 / 7 + 8)
        for f in leaves {
            let b = featureBoxes[f]
            boxes += [b.minX, b.minY, b.maxX, b.maxY]
        }
        var levelStart = [0, n]
        // Upper levels: each node the union of `fanout` consecutive entries of the level below.
        var lower = 0 ..< n
        while lower.count > 1 {
            var k = lower.lowerBound
            while k < lower.upperBound {
                let end = min(lower.upperBound, k + m)
                var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
                for c in k ..< end {
                    x0 = Swift.min(x0, boxes[4 * c]); y0 = Swift.min(y0, boxes[4 * c + 1])
                    x1 = Swift.max(x1, boxes[4 * c + 2]); y1 = Swift.max(y1, boxes[4 * c + 3])
                }
                boxes += [x0, y0, x1, y1]
                k = end
            }
            lower = lower.upperBound ..< boxes.count / 4
            levelStart.append(boxes.count / 4)
        }
        // The leaves' segments, in leaf order.
        var segmentStart: [Int32] = [0]
        var segments: [Double] = []
        segmentStart.reserveCapacity(n + 1)
        segments.reserveCapacity(shapes.xs.count * 4)
        for f in leaves {
            let firstRing = Int(shapes.polygonStart[Int(shapes.featureStart[f])])
            let endRing = Int(shapes.polygonStart[Int(shapes.featureStart[f + 1])])
            for r in firstRing ..< endRing {
                let start = Int(shapes.ringStart[r]), end = Int(shapes.ringStart[r + 1])
                if end - start == 1 { segments += [shapes.xs[start], shapes.ys[start], shapes.xs[start], shapes.ys[start]]; continue }
                for i in start ..< Swift.max(start, end - 1) {
                    segments += [shapes.xs[i], shapes.ys[i], shapes.xs[i + 1], shapes.ys[i + 1]]
                }
            }
            segmentStart.append(Int32(segments.count / 4))
        }
        storage = Storage(
            boxes: boxes, levelStart: levelStart, feature: leaves.map { Int32($0) },
            segmentStart: segmentStart, segments: segments)
        if entryGrid { storage.entryGrid = NearestEntryGrid.build(for: self) }
    }

    /// Gives a tree built without its entry grid the one built for it (``NearestEntryGrid/build(for:)``,
    /// or that one read back by ``CellSearchImage``), before the tree is shared with other threads.
    func adoptEntryGrid(_ grid: NearestEntryGrid?) {
        storage.entryGrid?.deallocate()
        storage.entryGrid = grid
    }

    /// The number of features in the tree.
    public var count: Int { storage.leafCount }

    /// Per-thread scratch of a search (the queue and the measured candidates), reused between
    /// searches so a search allocates nothing once warmed up. One thread at a time.
    public final class Scratch {
        /// A queued node: its squared box distance, its index in the box arrays and its level.
        struct Entry { var key: Double; var node: Int32; var level: Int32 }
        /// A measured feature within the tie margin of the best distance at the time.
        struct Candidate { var feature: Int32; var distance: Double }
        // Unchecked: a router (and its scratch) is used by one thread at a time; the search reads
        // these once per call, and a dynamic exclusivity check each time costs more than that.
        @exclusivity(unchecked) fileprivate var heap: UnsafeMutablePointer<Entry>
        @exclusivity(unchecked) fileprivate var heapCapacity = 256
        @exclusivity(unchecked) fileprivate var candidates: UnsafeMutablePointer<Candidate>
        @exclusivity(unchecked) fileprivate var candidateCapacity = 64
        /// Per point of a block (``NearestFeatureTree/nearest(_:into:scratch:)``): where its
        /// entry-grid list starts, then its first leaf, then that leaf's first segment.
        @exclusivity(unchecked) fileprivate var heads: [Int32] = []
        /// The sum of the values the block's read-ahead loaded, kept so those loads are made.
        @exclusivity(unchecked) fileprivate var readAheadSum = 0

        public init() {
            heap = .allocate(capacity: heapCapacity)
            candidates = .allocate(capacity: candidateCapacity)
        }

        deinit {
            heap.deallocate()
            candidates.deallocate()
        }

        /// Doubles the queue's room (`count` entries in use).
        fileprivate func growHeap(_ count: Int) { Self.double(&heap, &heapCapacity, keeping: count) }

        /// Doubles the candidates' room (`count` in use).
        fileprivate func growCandidates(_ count: Int) { Self.double(&candidates, &candidateCapacity, keeping: count) }

        /// Moves the first `count` elements of `buffer` into one of twice `capacity`.
        private static func double<T>(_ buffer: inout UnsafeMutablePointer<T>, _ capacity: inout Int, keeping count: Int) {
            let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: buffer, count: count)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
    }

    /// ``nearest(_:_:scratch:)`` of each point of a block, `results[i]` for `points[i]`, the same
    /// answers (`results` is emptied first; reuse it from block to block).
    ///
    /// Why blocks: a search begins with reads no cache holds when points come in no spatial
    /// order — the point's pixel in the ``NearestEntryGrid`` (its list's start, then the list's
    /// first leaf: 12 MB for 40,000 cells) and that leaf's rings — each waiting on the one
    /// before. Here each of those reads is made for the whole block in a short loop of
    /// independent reads, which the processor overlaps, before the points are searched.
    public func nearest(
        _ points: UnsafeBufferPointer<Coordinate>, into results: inout [(feature: Int, distance: Double)?], scratch: Scratch
    ) {
        results.removeAll(keepingCapacity: true)
        if let grid = storage.entryGrid {
            let count = points.count
            if scratch.heads.count < count { scratch.heads = [Int32](repeating: 0, count: count) }
            let segmentStart = storage.segmentStart, segments = storage.segments
            var sum = 0
            scratch.heads.withUnsafeMutableBufferPointer { heads in
                for i in 0 ..< count {
                    // nil beyond the grid and for non-finite points.
                    heads[i] = grid.pixel(points[i].x, points[i].y).map { grid.start[$0] } ?? -1
                }
                for i in 0 ..< count where heads[i] >= 0 { heads[i] = Int32(grid.leaf(at: Int(heads[i]))) }
                for i in 0 ..< count where heads[i] >= 0 { heads[i] = segmentStart[Int(heads[i])] }
                for i in 0 ..< count where heads[i] >= 0 { sum &+= Int(truncatingIfNeeded: segments[4 * Int(heads[i])].bitPattern) }
            }
            scratch.readAheadSum = sum
        }
        for p in points { results.append(nearest(p.x, p.y, scratch: scratch)) }
    }

    /// The nearest feature to (px, py) and its exact distance — the smallest distance from the
    /// point to the segments of its rings, as ``FlatPolygons/distanceToRings(_:_:of:)``
    /// computes it, to the bit — with ties as the type describes; nil for an empty tree or a
    /// non-finite point.
    ///
    /// Nodes wait in the queue by squared box distance; the features of a leaf node are
    /// measured as soon as the node is expanded, when their box can still beat or tie with the
    /// best (the same test as at popping), which keeps the queue to nodes. The loop allocates
    /// nothing and calls nothing: the queue and the candidates live in `scratch`'s buffers,
    /// held in locals for the search, and the rings are read from the tree's own flat copy.
    public func nearest(_ px: Double, _ py: Double, scratch: Scratch) -> (feature: Int, distance: Double)? {
        let storage = self.storage
        guard px.isFinite, py.isFinite, storage.leafCount > 0 else { return nil }
        let margin = Self.tieMetres + Self.slackMetres
        var best = Double.infinity
        // Squared pruning bound: (min(best, MINMAXDIST) + margin)², infinite until a box is expanded.
        var bound = Double.infinity
        var heap = scratch.heap, heapCapacity = scratch.heapCapacity, heapCount = 0
        var candidates = scratch.candidates, candidateCapacity = scratch.candidateCapacity, candidateCount = 0
        let boxes = storage.boxes, feature = storage.feature
        let segmentStart = storage.segmentStart, segments = storage.segments
        return storage.levelStart.withUnsafeBufferPointer { levelStart in
            @inline(__always) func boxDistanceSquared(_ k: Int) -> Double {
                let b = boxes + 4 * k
                let dx = Swift.max(b[0] - px, 0, px - b[2])
                let dy = Swift.max(b[1] - py, 0, py - b[3])
                return dx * dx + dy * dy
            }
            @inline(__always) func measure(_ leaf: Int) {
                // The same arithmetic, in the same order of minima, as distanceToRings.
                var nearest = Double.infinity
                var s = Int(segmentStart[leaf]) * 4
                let end = Int(segmentStart[leaf + 1]) * 4
                while s < end {
                    nearest = Swift.min(nearest, segmentDistanceSquared(px, py, segments[s], segments[s + 1], segments[s + 2], segments[s + 3]))
                    s += 4
                }
                let d = nearest.squareRoot()
                if d <= best + Self.tieMetres {
                    if candidateCount == candidateCapacity {
                        scratch.growCandidates(candidateCount)
                        candidates = scratch.candidates; candidateCapacity = scratch.candidateCapacity
                    }
                    candidates[candidateCount] = Scratch.Candidate(feature: feature[leaf], distance: d)
                    candidateCount += 1
                }
                if d < best {
                    best = d
                    bound = Swift.min(bound, (best + margin) * (best + margin))
                }
            }
            @inline(__always) func push(_ key: Double, _ node: Int, _ level: Int) {
                if heapCount == heapCapacity {
                    scratch.growHeap(heapCount)
                    heap = scratch.heap; heapCapacity = scratch.heapCapacity
                }
                var i = heapCount
                heapCount += 1
                while i > 0 {
                    let parent = (i - 1) >> 1
                    guard heap[parent].key > key else { break }
                    heap[i] = heap[parent]
                    i = parent
                }
                heap[i] = Scratch.Entry(key: key, node: Int32(node), level: Int32(level))
            }
            @inline(__always) func pop() -> Scratch.Entry {
                let top = heap[0]
                heapCount -= 1
                let last = heap[heapCount]
                let n = heapCount
                var i = 0
                while true {
                    let l = 2 * i + 1
                    guard l < n else { break }
                    let r = l + 1
                    let c = r < n && heap[r].key < heap[l].key ? r : l
                    guard heap[c].key < last.key else { break }
                    heap[i] = heap[c]
                    i = c
                }
                if n > 0 { heap[i] = last }
                return top
            }
            let top = levelStart.count - 2
            let root = levelStart[top + 1] - 1
            if top == 0 {
                measure(root)
            } else if let grid = storage.entryGrid, let pixel = grid.pixel(px, py) {
                // The pixel's features, its centre's nearest first, then by box distance from the
                // pixel, pruned by the best so far and read only while that distance is within
                // the bound (see NearestEntryGrid): nothing is queued.
                let first = Int(grid.start[pixel]), end = Int(grid.start[pixel + 1])
                measure(grid.leaf(at: first))
                let r = grid.rectangle(of: pixel)
                for i in first + 1 ..< end {
                    let leaf = grid.leaf(at: i)
                    guard NearestEntryGrid.rectangleDistanceSquared(boxes + 4 * leaf, r.minX, r.minY, r.maxX, r.maxY) <= bound else { break }
                    if boxDistanceSquared(leaf) <= bound { measure(leaf) }
                }
            } else {
                push(boxDistanceSquared(root), root, top)
            }
            // The smallest squared MINMAXDIST seen: the nearest feature is at most this far.
            var upper = Double.infinity
            while heapCount > 0 {
                let entry = pop()
                if entry.key > bound { break }
                // Children of the node: consecutive entries of the level below.
                let level = Int(entry.level)
                let k = Int(entry.node) - levelStart[level]
                let first = levelStart[level - 1] + k * Self.fanout
                let end = Swift.min(levelStart[level], first + Self.fanout)
                // First tighten the bound by the children's MINMAXDIST, then queue or measure
                // the children that can still beat or tie with it.
                var nearestFar = upper
                for c in first ..< end {
                    let b = boxes + 4 * c
                    let minX = b[0], minY = b[1], maxX = b[2], maxY = b[3]
                    let midX = (minX + maxX) * 0.5, midY = (minY + maxY) * 0.5
                    let nearX = px <= midX ? minX : maxX, farX = px >= midX ? minX : maxX
                    let nearY = py <= midY ? minY : maxY, farY = py >= midY ? minY : maxY
                    let viaX = (px - nearX) * (px - nearX) + (py - farY) * (py - farY)
                    let viaY = (py - nearY) * (py - nearY) + (px - farX) * (px - farX)
                    nearestFar = Swift.min(nearestFar, Swift.min(viaX, viaY))
                }
                if nearestFar < upper {
                    upper = nearestFar
                    let reach = upper.squareRoot() + margin
                    bound = Swift.min(bound, reach * reach)
                }
                for c in first ..< end {
                    let d = boxDistanceSquared(c)
                    guard d <= bound else { continue }
                    if level == 1 { measure(c) } else { push(d, c, level - 1) }
                }
            }
            guard best.isFinite else { return nil }
            var answer = Int32.max
            for i in 0 ..< candidateCount where candidates[i].distance <= best + Self.tieMetres && candidates[i].feature < answer {
                answer = candidates[i].feature
            }
            return (Int(answer), best)
        }
    }
}
