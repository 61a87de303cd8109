/// Queen contiguity: two features are neighbours when their boundaries share at least one
/// point (a vertex or any part of an edge), decided exactly with ``orientation(_:_:_:_:_:_:)``
/// on the stored coordinates — no tolerance, so cells that only nearly touch are not neighbours.
extension FlatPolygons {
    /// For each feature, its queen neighbours (itself excluded), ascending.
    public func queenNeighbours() -> [[Int]] {
        let grid = BucketGrid(boxes: boxes, bucketsPerFeature: 1)
        var result = [[Int]](repeating: [], count: count)
        var seen = [Int](repeating: -1, count: count)
        for a in 0 ..< count {
            let box = boxes[a]
            guard box.minX.isFinite else { continue }
            grid.forEachCandidate(in: box) { b in
                guard b > a, seen[b] != a else { return }
                seen[b] = a
                guard boxes[b].intersects(box), boundariesTouch(a, b) else { return }
                result[a].append(b)
                result[b].append(a)
            }
        }
        return result.map { $0.sorted() }
    }

    /// Whether any edge of `a` meets any edge of `b` (closed segments).
    func boundariesTouch(_ a: Int, _ b: Int) -> Bool {
        var edgesB: [(Double, Double, Double, Double)] = []
        forEachEdge(of: b) { edgesB.append(($0, $1, $2, $3)) }
        var touch = false
        forEachEdge(of: a) { ax, ay, bx, by in
            guard !touch else { return }
            for (cx, cy, dx, dy) in edgesB where segmentsMeet(ax, ay, bx, by, cx, cy, dx, dy) { touch = true; return }
        }
        return touch
    }

    func forEachEdge(of feature: Int, _ body: (Double, Double, Double, Double) -> Void) {
        let firstRing = Int(polygonStart[Int(featureStart[feature])])
        let endRing = Int(polygonStart[Int(featureStart[feature + 1])])
        for r in firstRing ..< endRing {
            let start = Int(ringStart[r]), end = Int(ringStart[r + 1])
            for i in start ..< max(start, end - 1) { body(xs[i], ys[i], xs[i + 1], ys[i + 1]) }
        }
    }
}

/// Whether closed segments ab and cd share a point, exactly.
func segmentsMeet(
    _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
    _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double
) -> Bool {
    guard max(ax, bx) >= min(cx, dx), max(cx, dx) >= min(ax, bx),
        max(ay, by) >= min(cy, dy), max(cy, dy) >= min(ay, by)
    else { return false }
    let o1 = orientation(ax, ay, bx, by, cx, cy), o2 = orientation(ax, ay, bx, by, dx, dy)
    let o3 = orientation(cx, cy, dx, dy, ax, ay), o4 = orientation(cx, cy, dx, dy, bx, by)
    if o1 == 0 && o2 == 0 {
        // Collinear: the boxes overlap (checked above) on a common line, so they share a point.
        return true
    }
    return o1 * o2 <= 0 && o3 * o4 <= 0
}

extension DistrictIndex {
    /// Queen neighbours of every cell (in `cells` order), from the exact geometry.
    public func cellQueenNeighbours() -> [[Int]] { cellShapes.queenNeighbours() }
}
