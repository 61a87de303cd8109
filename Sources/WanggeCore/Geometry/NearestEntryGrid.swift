import Foundation

/// A coarse grid over the features' extent, grown on every side, that hands a nearest search
/// the few features that can answer for a point of each pixel, the likeliest one first, so the
/// search needs no queue and no walk down the ``NearestFeatureTree``.
///
/// For each pixel R (a closed rectangle) with centre c, the build finds f_c, the feature
/// nearest to c (the tree's own search), and the reach
/// U_R = dist(c, f_c) + R's half diagonal + 2 · ``NearestFeatureTree/slackMetres``.
/// For any point p of R, dist(p, nearest) ≤ dist(p, f_c) ≤ dist(c, f_c) + |p − c| ≤ U_R (the
/// triangle inequality; the slack absorbs rounding of the computed distance and of placing p
/// in its pixel). R lists f_c first, then every other feature whose box lies within
/// U_R + tieMetres + 2 · slackMetres of R (rectangle-to-rectangle distance).
///
/// Why a search of that list alone is exact: a feature f that can be in the answer has
/// dist(p, f) ≤ D_final + tieMetres ≤ U_R + tieMetres. Its box contains it, so the box lies
/// within that distance of p, and the distance from R to the box is at most the distance from
/// p ∈ R to it: f is on R's list, up to rounding, which the second slack covers. The search
/// measures f_c, then each listed feature whose box distance from p is within
/// D + tieMetres + slackMetres of the best distance D measured so far; a feature it skips has
/// an exact distance beyond D + tieMetres ≥ D_final + tieMetres, as in the tree's argument.
/// Points outside the grid start at the tree's root.
///
/// After f_c, a list is sorted by each box's distance from R (``rectangleDistanceSquared``,
/// the same arithmetic in the build and the search). That distance is a lower bound of the
/// box's distance from any p ∈ R, so once it exceeds the search's pruning bound, every later
/// entry's box is farther still and the search stops reading the list: those features would
/// have been skipped one by one. (p lies in R up to rounding of ~10⁻⁹ m, far below the
/// bound's ``NearestFeatureTree/slackMetres``.)
struct NearestEntryGrid {
    let x0: Double, y0: Double, size: Double
    let nx: Int, ny: Int
    /// Pixel i = ix + nx · iy lists the leaves (features, by their position in the tree)
    /// `leaf(at: start[i]) ..< leaf(at: start[i + 1])`, its centre's nearest first.
    let start: UnsafeMutablePointer<Int32>
    /// The listed leaves, two bytes each while the tree has at most 65,536 (half the memory a
    /// search reads at random; one of the two is nil).
    private let narrowLeaves: UnsafeMutablePointer<UInt16>?
    private let wideLeaves: UnsafeMutablePointer<Int32>?

    /// A grid of `nx` × `ny` pixels of `size` from (x0, y0) listing `leaves` (of a tree of
    /// `leafCount` leaves) from `start` (nx · ny + 1 offsets).
    init(x0: Double, y0: Double, size: Double, nx: Int, ny: Int, start: [Int32], leaves: [Int32], leafCount: Int) {
        self.x0 = x0; self.y0 = y0; self.size = size; self.nx = nx; self.ny = ny
        self.start = copyToHeap(start)
        if leafCount <= 1 << 16 {
            narrowLeaves = copyToHeap(leaves.map { UInt16(truncatingIfNeeded: $0) })
            wideLeaves = nil
        } else {
            narrowLeaves = nil
            wideLeaves = copyToHeap(leaves)
        }
    }

    /// Listed leaf `i` (an index into the concatenated lists).
    @inline(__always) func leaf(at i: Int) -> Int {
        if let narrowLeaves { return Int(narrowLeaves[i]) }
        return Int(wideLeaves.unsafelyUnwrapped[i])
    }

    /// Every listed leaf, list after list.
    var allLeaves: [Int32] { (0 ..< Int(start[nx * ny])).map { Int32(leaf(at: $0)) } }

    /// The most pixels per side.
    static let maxSide = 512

    /// The grid over `tree`'s root box grown on each side by half its larger side, with pixels
    /// of about one feature's side (at most ``maxSide`` a side); nil for a tree of one feature.
    static func build(for tree: NearestFeatureTree) -> NearestEntryGrid? {
        let storage = tree.storage
        let levels = storage.levelStart
        guard levels.count >= 3, storage.leafCount > 0 else { return nil }
        let boxes = storage.boxes
        let root = levels[levels.count - 1] - 1
        let rb = boxes + 4 * root
        let width = rb[2] - rb[0], height = rb[3] - rb[1]
        let grow = Swift.max(width, height) / 2
        let spanX = width + 2 * grow, spanY = height + 2 * grow
        guard spanX > 0, spanY > 0, spanX.isFinite, spanY.isFinite else { return nil }
        let featureSide = (width * height / Double(storage.leafCount)).squareRoot()
        var size = Swift.max(featureSide, Swift.max(spanX, spanY) / Double(maxSide))
        if !(size > 0) { size = Swift.max(spanX, spanY) / Double(maxSide) }
        let pixelSize = size
        let nx = Swift.max(1, Int((spanX / size).rounded(.up))), ny = Swift.max(1, Int((spanY / size).rounded(.up)))
        let x0 = rb[0] - grow, y0 = rb[1] - grow
        let slack = NearestFeatureTree.slackMetres
        let margin = NearestFeatureTree.tieMetres + 2 * slack
        let halfDiagonal = (size * size * 2).squareRoot() / 2
        let top = levels.count - 2
        var leafOfFeature = [Int32](repeating: -1, count: storage.leafCount)
        for leaf in 0 ..< storage.leafCount { leafOfFeature[Int(storage.feature[leaf])] = Int32(leaf) }
        let leafOf = leafOfFeature
        // Rows of pixels on all cores (each pixel's list is a function of the tree alone), joined in order.
        let rows = Parallel.chunks(0 ..< ny, pieces: Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) * 4) {
            rowRange -> (counts: [Int32], leaves: [Int32])? in
            let scratch = NearestFeatureTree.Scratch()
            let boxes = tree.storage.boxes, size = pixelSize
            var counts: [Int32] = []
            var leaves: [Int32] = []
            counts.reserveCapacity(nx * rowRange.count)
            var stack: [(node: Int, level: Int)] = []
            var keyed: [(key: Double, leaf: Int32)] = []
            for iy in rowRange {
                for ix in 0 ..< nx {
                    let minX = x0 + Double(ix) * size, minY = y0 + Double(iy) * size
                    let maxX = minX + size, maxY = minY + size
                    guard let near = tree.nearest((minX + maxX) / 2, (minY + maxY) / 2, scratch: scratch) else { return nil }
                    let u = near.distance + halfDiagonal + 2 * slack
                    let limit = (u + margin) * (u + margin)
                    let first = leafOf[near.feature]
                    let before = leaves.count
                    leaves.append(first)
                    stack.removeAll(keepingCapacity: true)
                    stack.append((root, top))
                    while let entry = stack.popLast() {
                        let node = entry.node, level = entry.level
                        let b = boxes + 4 * node
                        let dx = Swift.max(b[0] - maxX, 0, minX - b[2])
                        let dy = Swift.max(b[1] - maxY, 0, minY - b[3])
                        guard dx * dx + dy * dy <= limit else { continue }
                        if level == 0 {
                            if node != Int(first) { leaves.append(Int32(node)) }
                            continue
                        }
                        let k = node - levels[level]
                        let firstChild = levels[level - 1] + k * NearestFeatureTree.fanout
                        for c in firstChild ..< Swift.min(levels[level], firstChild + NearestFeatureTree.fanout) {
                            stack.append((c, level - 1))
                        }
                    }
                    // After the first, nearest box first (ties in tree order): the search stops at
                    // the first box beyond its bound.
                    keyed.removeAll(keepingCapacity: true)
                    for leaf in leaves[(before + 1)...] {
                        keyed.append((rectangleDistanceSquared(boxes + 4 * Int(leaf), minX, minY, maxX, maxY), leaf))
                    }
                    keyed.sort { $0.key < $1.key || ($0.key == $1.key && $0.leaf < $1.leaf) }
                    for (k, entry) in keyed.enumerated() { leaves[before + 1 + k] = entry.leaf }
                    counts.append(Int32(leaves.count - before))
                }
            }
            return (counts, leaves)
        }
        var start: [Int32] = [0]
        var leaves: [Int32] = []
        start.reserveCapacity(nx * ny + 1)
        for row in rows {
            guard let row else { return nil }
            for c in row.counts { start.append(start[start.count - 1] + c) }
            leaves += row.leaves
        }
        return NearestEntryGrid(x0: x0, y0: y0, size: size, nx: nx, ny: ny, start: start, leaves: leaves, leafCount: storage.leafCount)
    }

    /// The squared distance between `box` (minX, minY, maxX, maxY) and the rectangle given by
    /// its corners: the key a pixel's list is sorted by, computed alike by the build and the search.
    @inline(__always) static func rectangleDistanceSquared(
        _ box: UnsafePointer<Double>, _ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double
    ) -> Double {
        let dx = Swift.max(box[0] - maxX, 0, minX - box[2])
        let dy = Swift.max(box[1] - maxY, 0, minY - box[3])
        return dx * dx + dy * dy
    }

    /// Pixel `pixel`'s rectangle, as the build computed it.
    @inline(__always) func rectangle(of pixel: Int) -> (minX: Double, minY: Double, maxX: Double, maxY: Double) {
        let ix = pixel % nx, iy = pixel / nx
        let minX = x0 + Double(ix) * size, minY = y0 + Double(iy) * size
        return (minX, minY, minX + size, minY + size)
    }

    /// The pixel holding (px, py), or nil outside the grid.
    @inline(__always) func pixel(_ px: Double, _ py: Double) -> Int? {
        let fx = (px - x0) / size, fy = (py - y0) / size
        guard fx >= 0, fy >= 0, fx < Double(nx), fy < Double(ny) else { return nil }
        return Int(fx) + nx * Int(fy)
    }

    func deallocate() {
        start.deallocate(); narrowLeaves?.deallocate(); wideLeaves?.deallocate()
    }
}
