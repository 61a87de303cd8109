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
    /// searches so a search allocates nothing once warmed up.
    public struct Scratch {
        var keys: [Double] = []
        var entries: [Int32] = []
        var levels: [UInt8] = []
        var candidates: [(feature: Int32, distance: Double)] = []
        public init() {}
    }

    /// Squared distance from (px, py) to entry `k`'s box (0 inside or on it).
    @inline(__always)
    func boxDistanceSquared(_ px: Double, _ py: Double, _ k: Int) -> Double {
        let dx = Swift.max(minX[k] - px, 0, px - maxX[k])
        let dy = Swift.max(minY[k] - py, 0, py - maxY[k])
        return dx * dx + dy * dy
    }

    /// The nearest feature to (px, py) and its distance, with ties as the type describes;
    /// nil for an empty tree or a non-finite point. `distance(f)` is the exact distance from
    /// the point to feature f (in the boxes' units).
    public func nearest(_ px: Double, _ py: Double, scratch: inout Scratch,
                        distance: (Int) -> Double) -> (feature: Int, distance: Double)? {
        guard px.isFinite, py.isFinite, !feature.isEmpty else { return nil }
        scratch.keys.removeAll(keepingCapacity: true)
        scratch.entries.removeAll(keepingCapacity: true)
        scratch.levels.removeAll(keepingCapacity: true)
        scratch.candidates.removeAll(keepingCapacity: true)
        let margin = Self.tieMetres + Self.slackMetres
        var best = Double.infinity
        // Squared pruning bound: (best + margin)², infinite until a feature is measured.
        var bound = Double.infinity
        let root = levelStart[levelStart.count - 1] - 1
        push(&scratch, key: boxDistanceSquared(px, py, root), entry: root, level: levelStart.count - 2)
        while let (key, entry, level) = pop(&scratch) {
            if key > bound { break }
            if level == 0 {
                let f = Int(feature[entry])
                let d = distance(f)
                scratch.candidates.append((Int32(f), d))
                if d < best {
                    best = d
                    bound = (best + margin) * (best + margin)
                }
                continue
            }
            // Children of node `entry` at `level`: consecutive entries of the level below.
            let k = entry - levelStart[level]
            let first = levelStart[level - 1] + k * Self.fanout
            let end = Swift.min(levelStart[level], first + Self.fanout)
            for c in first ..< end {
                let d = boxDistanceSquared(px, py, c)
                if d <= bound { push(&scratch, key: d, entry: c, level: level - 1) }
            }
        }
        guard best.isFinite else { return nil }
        var answer = Int32.max
        for c in scratch.candidates where c.distance <= best + Self.tieMetres && c.feature < answer { answer = c.feature }
        return (Int(answer), best)
    }

    @inline(__always)
    private func push(_ s: inout Scratch, key: Double, entry: Int, level: Int) {
        s.keys.append(key); s.entries.append(Int32(entry)); s.levels.append(UInt8(level))
        var i = s.keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard s.keys[parent] > key else { break }
            s.keys.swapAt(i, parent); s.entries.swapAt(i, parent); s.levels.swapAt(i, parent)
            i = parent
        }
    }

    @inline(__always)
    private func pop(_ s: inout Scratch) -> (Double, Int, Int)? {
        guard let lastKey = s.keys.last else { return nil }
        let top = (s.keys[0], Int(s.entries[0]), Int(s.levels[0]))
        let lastEntry = s.entries.removeLast(), lastLevel = s.levels.removeLast()
        s.keys.removeLast()
        let n = s.keys.count
        guard n > 0 else { return top }
        // Sift the last entry down from the root.
        var i = 0
        while true {
            let l = 2 * i + 1
            guard l < n else { break }
            let r = l + 1
            let c = r < n && s.keys[r] < s.keys[l] ? r : l
            guard s.keys[c] < lastKey else { break }
            s.keys[i] = s.keys[c]; s.entries[i] = s.entries[c]; s.levels[i] = s.levels[c]
            i = c
        }
        s.keys[i] = lastKey; s.entries[i] = lastEntry; s.levels[i] = lastLevel
        return top
    }
}
