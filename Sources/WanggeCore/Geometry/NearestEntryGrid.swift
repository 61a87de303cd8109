import Foundation

/// A coarse grid over the features' extent, grown on every side, through which a nearest
/// search starts next to the leaves instead of at the root of the ``NearestFeatureTree``.
///
/// Each pixel R (a closed rectangle) keeps:
/// - a reach U_R: the exact distance from R's centre c to its nearest feature, plus R's half
///   diagonal, plus twice ``NearestFeatureTree/slackMetres``. For any point p of R,
///   dist(p, nearest) ≤ dist(p, f_c) ≤ dist(c, f_c) + |p − c| ≤ U_R (the triangle inequality;
///   the slack absorbs rounding of the computed distance and of placing p in its pixel), so
///   U_R bounds D_final from above as MINMAXDIST does;
/// - the leaf nodes (level 1 of the tree: the parents of the features) whose box lies within
///   U_R + tieMetres + 2 · slackMetres of R (rectangle-to-rectangle distance).
///
/// Why starting from that list is exact: a feature f that can be in the answer has
/// dist(p, f) ≤ D_final + tieMetres ≤ U_R + tieMetres. Its box lies within that distance of p
/// (it contains the feature), its leaf node's box contains its box, and the distance from R to
/// a box is at most the distance from p ∈ R to it — so f's leaf node is on R's list, up to
/// rounding, which the second slack covers. The search queues the listed nodes with their own
/// box distance from p and prunes with U_R from the start; from there the argument of
/// ``NearestFeatureTree`` holds unchanged (every feature not under a queued entry is already
/// known to be out of the answer, and the bound only ever exceeds D_final + tieMetres).
/// Points outside the grid start at the root.
struct NearestEntryGrid {
    let x0: Double, y0: Double, size: Double
    let nx: Int, ny: Int
    /// Pixel i = ix + nx · iy lists `nodes[start[i] ..< start[i + 1]]` and has reach `reach[i]`.
    let start: UnsafeMutablePointer<Int32>
    let nodes: UnsafeMutablePointer<Int32>
    let reach: UnsafeMutablePointer<Double>

    /// The most pixels per side.
    static let maxSide = 512

    /// The grid over `storage`'s root box grown on each side by half its larger side, with
    /// pixels of about one feature's side (at most ``maxSide`` a side); nil for a tree without a leaf-node level.
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
        // Rows of pixels on all cores (each pixel's entry is a function of the tree alone), joined in order.
        let rows = Parallel.chunks(0 ..< ny, pieces: Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) * 4) {
            rowRange -> (counts: [Int32], nodes: [Int32], reach: [Double])? in
            let scratch = NearestFeatureTree.Scratch()
            let boxes = tree.storage.boxes, size = pixelSize
            var counts: [Int32] = []
            var nodes: [Int32] = []
            var reach: [Double] = []
            counts.reserveCapacity(nx * rowRange.count)
            reach.reserveCapacity(nx * rowRange.count)
            var stack: [(node: Int, level: Int)] = []
            for iy in rowRange {
                for ix in 0 ..< nx {
                    let minX = x0 + Double(ix) * size, minY = y0 + Double(iy) * size
                    let maxX = minX + size, maxY = minY + size
                    guard let near = tree.nearest((minX + maxX) / 2, (minY + maxY) / 2, scratch: scratch) else { return nil }
                    let u = near.distance + halfDiagonal + 2 * slack
                    reach.append(u)
                    let limit = (u + margin) * (u + margin)
                    let before = nodes.count
                    stack.removeAll(keepingCapacity: true)
                    stack.append((root, top))
                    while let entry = stack.popLast() {
                        let node = entry.node, level = entry.level
                        let b = boxes + 4 * node
                        let dx = Swift.max(b[0] - maxX, 0, minX - b[2])
                        let dy = Swift.max(b[1] - maxY, 0, minY - b[3])
                        guard dx * dx + dy * dy <= limit else { continue }
                        if level == 1 { nodes.append(Int32(node)); continue }
                        let k = node - levels[level]
                        let first = levels[level - 1] + k * NearestFeatureTree.fanout
                        for c in first ..< Swift.min(levels[level], first + NearestFeatureTree.fanout) { stack.append((c, level - 1)) }
                    }
                    counts.append(Int32(nodes.count - before))
                }
            }
            return (counts, nodes, reach)
        }
        var start: [Int32] = [0]
        var nodes: [Int32] = []
        var reach: [Double] = []
        start.reserveCapacity(nx * ny + 1)
        reach.reserveCapacity(nx * ny)
        for row in rows {
            guard let row else { return nil }
            for c in row.counts { start.append(start[start.count - 1] + c) }
            nodes += row.nodes
            reach += row.reach
        }
        return NearestEntryGrid(
            x0: x0, y0: y0, size: size, nx: nx, ny: ny, start: copyToHeap(start), nodes: copyToHeap(nodes), reach: copyToHeap(reach))
    }

    /// The pixel holding (px, py), or nil outside the grid.
    @inline(__always) func pixel(_ px: Double, _ py: Double) -> Int? {
        let fx = (px - x0) / size, fy = (py - y0) / size
        guard fx >= 0, fy >= 0, fx < Double(nx), fy < Double(ny) else { return nil }
        return Int(fx) + nx * Int(fy)
    }

    func deallocate() {
        start.deallocate(); nodes.deallocate(); reach.deallocate()
    }
}
