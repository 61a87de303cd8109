import Foundation
import Testing
@testable import WanggeCore
import WanggeTestSupport

/// The nearest cell found by the best-first search of ``NearestFeatureTree`` must be the one a
/// brute-force scan of every cell gives: the smallest code among the cells within 1 mm of the
/// smallest exact distance (EPSG:4549), and that distance.
@Suite struct NearestCellTests {
    static var root: URL { SampleData.root }

    /// The brute-force answer: every cell measured.
    static func bruteForce(_ index: DistrictIndex, _ m: Coordinate) -> (cell: Int, distance: Double, ties: Int) {
        let d = (0 ..< index.cells.count).map { index.cellMetricShapes.distanceToRings(m.x, m.y, of: $0) }
        let best = d.min()!
        let within = d.indices.filter { d[$0] <= best + NearestFeatureTree.tieMetres }
        return (within.min()!, best, within.count)
    }

    struct Random {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
    }

    @Test(arguments: ["baoshan", "huangpu"])
    func treeAgreesWithBruteForceOnTheSampleDistricts(district name: String) throws {
        let geojson = try Data(contentsOf: Self.root.appendingPathComponent("GeoData/\(name)/cells.geojson"))
        var district = District()
        district.cells = LayerDecoder.cells(try GeoJSON.decodeFeatureCollection(geojson), crs: .wgs84).0
        let index = try DistrictIndex(district: district)
        let router = try OrderRouter(index: index)
        let extent = try #require(index.cellExtentMetres)
        var random = Random(state: 20_261_201)
        var points: [Coordinate] = []
        // 6,000 over the extent grown by 5 % (inside cells, in gaps, just outside the outline).
        let gx = (extent.maxX - extent.minX) * 0.05, gy = (extent.maxY - extent.minY) * 0.05
        for _ in 0 ..< 6_000 {
            points.append(
                Coordinate(
                    extent.minX - gx + random.next() * (extent.maxX - extent.minX + 2 * gx),
                    extent.minY - gy + random.next() * (extent.maxY - extent.minY + 2 * gy)))
        }
        // 2,000 far away: 1–30 km from the extent's centre beyond its half-diagonal, any direction.
        let cx = (extent.minX + extent.maxX) / 2, cy = (extent.minY + extent.maxY) / 2
        let half = hypot(extent.maxX - extent.minX, extent.maxY - extent.minY) / 2
        for _ in 0 ..< 2_000 {
            let angle = random.next() * 2 * .pi, r = half + 1_000 + random.next() * 29_000
            points.append(Coordinate(cx + r * cos(angle), cy + r * sin(angle)))
        }
        // 2,000 pushed 0.5–150 m out from a cell vertex, away from the cell's centroid: where the
        // vertex is shared with a neighbour, both cells are nearest at that vertex — a tie.
        let centroids = index.cellCentroidsMetres()
        let shapes = index.cellMetricShapes
        for _ in 0 ..< 2_000 {
            let c = Int(random.next() * Double(index.cells.count))
            let start = Int(shapes.ringStart[Int(shapes.polygonStart[Int(shapes.featureStart[c])])])
            let end = Int(shapes.ringStart[Int(shapes.polygonStart[Int(shapes.featureStart[c])]) + 1])
            let v = start + Int(random.next() * Double(end - start - 1))
            let vx = shapes.xs[v], vy = shapes.ys[v]
            let dx = vx - centroids[c].x, dy = vy - centroids[c].y, length = hypot(dx, dy)
            let r = 0.5 + random.next() * 149.5
            points.append(Coordinate(vx + dx / length * r, vy + dy / length * r))
        }
        #expect(points.count == 10_000)

        var ties = 0, far = 0
        for (k, m) in points.enumerated() {
            let expected = Self.bruteForce(index, m)
            let found = try #require(router.nearestCell(to: m))
            #expect(
                found.0 == expected.cell,
                "point \(k) (\(m.x), \(m.y)): tree \(index.cells[found.0].code), brute force \(index.cells[expected.cell].code)")
            #expect(found.1 == expected.distance, "point \(k): tree \(found.1) m, brute force \(expected.distance) m")
            if expected.ties > 1 && expected.distance > 0 { ties += 1 }
            if expected.distance > 1_000 { far += 1 }
        }
        // The sample really exercised ties away from the cells and far-away points.
        #expect(ties >= 100, "only \(ties) points with several cells within 1 mm of the nearest")
        #expect(far >= 2_000)

        // Searched a block at a time (the reads of the block made first): the same answers, to
        // the bit, with points that cannot be searched among them.
        var withUnusable = points
        for k in stride(from: 5, to: withUnusable.count, by: 997) { withUnusable[k] = Coordinate(.nan, withUnusable[k].y) }
        withUnusable[11] = Coordinate(.infinity, 0)
        let scratch = NearestFeatureTree.Scratch()
        let singly = withUnusable.map { index.cellTree.nearest($0.x, $0.y, scratch: scratch) }
        #expect(singly.filter { $0 == nil }.count == 12)
        for blockSize in [1, 7, 64, 129] {
            var found: [(feature: Int, distance: Double)?] = [], inBlocks: [(feature: Int, distance: Double)?] = []
            withUnusable.withUnsafeBufferPointer { all in
                var start = 0
                while start < all.count {
                    let end = min(all.count, start + blockSize)
                    index.cellTree.nearest(UnsafeBufferPointer(rebasing: all[start ..< end]), into: &found, scratch: scratch)
                    inBlocks += found
                    start = end
                }
            }
            let same = zip(singly, inBlocks).filter { $0?.feature == $1?.feature && $0?.distance.bitPattern == $1?.distance.bitPattern }
            #expect(inBlocks.count == singly.count && same.count == singly.count, "blocks of \(blockSize)")
        }
    }

    /// Two cells equally far from a point (mirror images across the line between them), in
    /// either order of input: the smallest code wins, and distances 0.4 mm apart also tie.
    @Test func equidistantSnapGoesToTheSmallestCode() throws {
        let q = 1.0 / Double(1 << 20)
        func snap(_ v: Double) -> Double { (v / q).rounded() * q }
        func box(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Geometry {
            .polygon(Polygon(exterior: LinearRing([Coordinate(a, b), Coordinate(c, b), Coordinate(c, d), Coordinate(a, d), Coordinate(a, b)])))
        }
        let y0 = snap(31.30), y1 = snap(31.301)
        let west = box(snap(121.400), y0, snap(121.401), y1), east = box(snap(121.402), y0, snap(121.403), y1)
        for codes in [("310113102001001", "310113102001002"), ("310113102001002", "310113102001001")] {
            let district = District(cells: [Cell(code: codes.0, geometry: west), Cell(code: codes.1, geometry: east)])
            let index = try DistrictIndex(district: district)
            let router = try OrderRouter(index: index)
            // Cells are indexed by code: 0 is …001, 1 is …002. The western cell has codes.0.
            let westIndex = codes.0 == index.cells[0].code ? 0 : 1, eastIndex = 1 - westIndex
            let shapes = index.cellMetricShapes
            let westBox = shapes.boxes[westIndex], eastBox = shapes.boxes[eastIndex]
            // Halfway between the facing edges (projected edges are not exactly vertical, so
            // bisect for the point where both distances agree).
            let y = (westBox.minY + westBox.maxY) / 2
            func gap(_ x: Double) -> Double { shapes.distanceToRings(x, y, of: westIndex) - shapes.distanceToRings(x, y, of: eastIndex) }
            var lo = westBox.maxX, hi = eastBox.minX
            for _ in 0 ..< 200 { let mid = (lo + hi) / 2; if gap(mid) < 0 { lo = mid } else { hi = mid } }
            #expect(abs(gap(lo)) < 1e-6)
            let middle = try #require(router.nearestCell(to: Coordinate(lo, y)))
            #expect(index.cells[middle.0].code == "310113102001001")
            // 0.2 mm towards the larger code (distances 0.4 mm apart) is still a tie; 1 mm
            // towards it (2 mm apart) is not.
            let towardsLarger = westIndex == 1 ? -1.0 : 1.0
            let slightly = try #require(router.nearestCell(to: Coordinate(lo + towardsLarger * 0.0002, y)))
            #expect(index.cells[slightly.0].code == "310113102001001")
            let clearly = try #require(router.nearestCell(to: Coordinate(lo + towardsLarger * 0.001, y)))
            #expect(index.cells[clearly.0].code == "310113102001002")
            #expect(abs(clearly.1 - (middle.1 - 0.001)) < 1e-5)
        }
    }
}
