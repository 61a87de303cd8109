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
/// - Rounding: the box distance and the ring distance are computed in double precision from
///   the same stored coordinates. The box bound can exceed the computed ring distance only by
///   rounding (a few ulps of coordinates of ~10⁶ m, i.e. ~10⁻⁹ m); ``slackMetres`` (1 µm) is
///   far larger, so no feature is pruned whose computed distance lies within the margin.
public struct NearestFeatureTree: Sendable {
    /// Exact distances within this many metres of the smallest one are ties (smallest index wins).
    public static let tieMetres = 0.001
    /// Added to every pruning bound to absorb rounding of box and ring distances (see the type).
    static let slackMetres = 1e-6
    /// Children per node.
    static let fanout = 8

    /// Boxes of every level, leaves (features, in tree order) first, the root last.
    @usableFromInline let minX: [Double], minY: [Double], maxX: [Double], maxY: [Double]
    /// Level l occupies `levelStart[l] ..< levelStart[l + 1]` of the box arrays.
    @usableFromInline let levelStart: [Int]
    /// The feature index of each leaf entry.
    @usableFromInline let feature: [Int32]

    /// Builds the tree over `boxes` (feature i has box `boxes[i]`); features whose box is not
    /// finite (no geometry) are left out and never answer.
    public init(boxes: [BoundingBox]) {
        let usable = boxes.indices.filter {
            let b = boxes[$0]
            return b.minX.isFinite && b.maxX.isFinite && b.minY.isFinite && b.maxY.isFinite
        }
        // Sort-Tile-Recursive: slices by centre x, each slice sorted by centre y, packed by fanout.
        let m = Self.fanout
        let n = usable.count
        var leaves = usable.sorted { boxes[$0].minX + boxes[$0].maxX < boxes[$1].minX + boxes[$1].maxX }
        if n > 0 {
            let leafNodes = (n + m - 1) / m
            let slices = Int(Double(leafNodes).squareRoot().rounded(.up))
            let perSlice = slices * m
            var start = 0
            while start < n {
                let end = min(n, start + perSlice)
                leaves[start ..< end].sort { boxes[$0].minY + boxes[$0].maxY < boxes[$1].minY + boxes[$1].maxY }
                start = end
            }
        }
        var minX = leaves.map { boxes[$0].minX }, minY = leaves.map { boxes[$0].minY }
        var maxX = leaves.map { boxes[$0].maxX }, maxY = leaves.map { boxes[$0].maxY }
        var levelStart = [0, n]
        // Upper levels: each node the union of `fanout` consecutive entries of the level below.
        var lower = 0 ..< n
        while lower.count > 1 {
            var k = lower.lowerBound
            while k < lower.upperBound {
                let end = min(lower.upperBound, k + m)
                var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
                for c in k ..< end {
                    x0 = Swift.min(x0, minX[c]); y0 = Swift.min(y0, minY[c])
                    x1 = Swift.max(x1, maxX[c]); y1 = Swift.max(y1, maxY[c])
                }
                minX.append(x0); minY.append(y0); maxX.append(x1); maxY.append(y1)
                k = end
            }
            lower = lower.upperBound ..< minX.count
            levelStart.append(minX.count)
        }
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
        self.levelStart = levelStart
        self.feature = leaves.map { Int32($0) }
    }

    /// The number of features in the tree.
    public var count: Int { feature.count }

    /// Per-thread scratch of a search (the queue and the measured candidates), reused between
    /// searches so a search allocates nothing once warmed up. One thread at a time.
    public final class Scratch {
        /// A queued node: its squared box distance, its index in the box arrays and its level.
        struct Entry { var key: Double; var node: Int32; var level: Int32 }
        fileprivate var heap: UnsafeMutablePointer<Entry>
        fileprivate var capacity = 256
        fileprivate var count = 0
        /// Measured features within the tie margin of the best distance at the time.
        fileprivate var candidates: [(feature: Int32, distance: Double)] = []

        public init() {
            heap = .allocate(capacity: capacity)
        }

        deinit { heap.deallocate() }

        @inline(__always)
        fileprivate func push(_ key: Double, _ node: Int, _ level: Int) {
            if count == capacity {
                let grown = UnsafeMutablePointer<Entry>.allocate(capacity: capacity * 2)
                grown.moveInitialize(from: heap, count: count)
                heap.deallocate()
                heap = grown
                capacity *= 2
            }
            var i = count
            count += 1
            while i > 0 {
                let parent = (i - 1) >> 1
                guard heap[parent].key > key else { break }
                heap[i] = heap[parent]
                i = parent
            }
            heap[i] = Entry(key: key, node: Int32(node), level: Int32(level))
        }

        @inline(__always)
        fileprivate func pop() -> Entry? {
            guard count > 0 else { return nil }
            let top = heap[0]
            count -= 1
            let last = heap[count]
            let n = count
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
    }

    /// The nearest feature to (px, py) and its distance, with ties as the type describes;
    /// nil for an empty tree or a non-finite point. `distance(f)` is the exact distance from
    /// the point to feature f (in the boxes' units).
    ///
    /// Nodes wait in the queue by box distance; the features of a leaf node are measured as
    /// soon as the node is expanded, when their box can still beat or tie with the best (the
    /// same test as at popping), which keeps the queue to nodes.
    public func nearest(_ px: Double, _ py: Double, scratch: Scratch,
                        distance: (Int) -> Double) -> (feature: Int, distance: Double)? {
        guard px.isFinite, py.isFinite, !feature.isEmpty else { return nil }
        scratch.count = 0
        scratch.candidates.removeAll(keepingCapacity: true)
        let margin = Self.tieMetres + Self.slackMetres
        var best = Double.infinity
        // Squared pruning bound: (best + margin)², infinite until a feature is measured.
        var bound = Double.infinity
        return minX.withUnsafeBufferPointer { x0 in minY.withUnsafeBufferPointer { y0 in
        maxX.withUnsafeBufferPointer { x1 in maxY.withUnsafeBufferPointer { y1 in
        levelStart.withUnsafeBufferPointer { levelStart in feature.withUnsafeBufferPointer { feature in
            @inline(__always) func boxDistanceSquared(_ k: Int) -> Double {
                let dx = Swift.max(x0[k] - px, 0, px - x1[k])
                let dy = Swift.max(y0[k] - py, 0, py - y1[k])
                return dx * dx + dy * dy
            }
            @inline(__always) func measure(_ leaf: Int) {
                let f = Int(feature[leaf])
                let d = distance(f)
                if d <= best + Self.tieMetres { scratch.candidates.append((Int32(f), d)) }
                if d < best {
                    best = d
                    bound = (best + margin) * (best + margin)
                }
            }
            let top = levelStart.count - 2
            let root = levelStart[top + 1] - 1
            if top == 0 {
                measure(root)
            } else {
                scratch.push(boxDistanceSquared(root), root, top)
            }
            while let entry = scratch.pop() {
                if entry.key > bound { break }
                // Children of the node: consecutive entries of the level below.
                let level = Int(entry.level)
                let k = Int(entry.node) - levelStart[level]
                let first = levelStart[level - 1] + k * Self.fanout
                let end = Swift.min(levelStart[level], first + Self.fanout)
                for c in first ..< end {
                    let d = boxDistanceSquared(c)
                    guard d <= bound else { continue }
                    if level == 1 { measure(c) } else { scratch.push(d, c, level - 1) }
                }
            }
            guard best.isFinite else { return nil }
            var answer = Int32.max
            for c in scratch.candidates where c.distance <= best + Self.tieMetres && c.feature < answer { answer = c.feature }
            return (Int(answer), best)
        } } } } } }
    }
}
