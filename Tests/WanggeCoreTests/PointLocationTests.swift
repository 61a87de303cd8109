import Testing
@testable import WanggeCore

func closedRing(_ pts: [(Double, Double)]) -> LinearRing {
    LinearRing((pts + [pts[0]]).map { Coordinate($0.0, $0.1) })
}

@Suite struct PointLocationTests {
    let squareWithHole = Polygon(
        exterior: closedRing([(0, 0), (10, 0), (10, 10), (0, 10)]),
        holes: [closedRing([(3, 3), (3, 6), (6, 6), (6, 3)])])

    @Test func squareWithHoleLocations() {
        var shapes = FlatPolygons()
        shapes.append([squareWithHole])
        #expect(shapes.locate(1, 1, in: 0) == .interior)
        #expect(shapes.locate(0, 5, in: 0) == .boundary)  // left edge
        #expect(shapes.locate(10, 10, in: 0) == .boundary)  // vertex
        #expect(shapes.locate(5, 0, in: 0) == .boundary)  // bottom edge (horizontal)
        #expect(shapes.locate(4, 4, in: 0) == .exterior)  // inside the hole
        #expect(shapes.locate(3, 4, in: 0) == .boundary)  // on the hole's ring
        #expect(shapes.locate(6, 6, in: 0) == .boundary)  // hole vertex
        #expect(shapes.locate(11, 5, in: 0) == .exterior)
        #expect(shapes.locate(-1, 0, in: 0) == .exterior)  // on the line of an edge, beyond it
        #expect(shapes.locate(5, 10.000000000000002, in: 0) == .exterior)
        #expect(shapes.locate(5, 9.999999999999998, in: 0) == .interior)
    }

    @Test func multiPolygonTakesBestPart() {
        var shapes = FlatPolygons()
        shapes.append([
            Polygon(exterior: closedRing([(0, 0), (1, 0), (1, 1), (0, 1)])),
            Polygon(exterior: closedRing([(2, 0), (3, 0), (3, 1), (2, 1)])),
        ])
        #expect(shapes.locate(0.5, 0.5, in: 0) == .interior)
        #expect(shapes.locate(2.5, 0.5, in: 0) == .interior)
        #expect(shapes.locate(1.5, 0.5, in: 0) == .exterior)
        #expect(shapes.locate(2, 0.5, in: 0) == .boundary)
    }

    /// Two cells sharing a slanted edge with awkward coordinates: every point exactly on the
    /// edge is on the boundary of both, and every point off it is covered by exactly one
    /// (or neither, outside the pair). A textbook ray-casting test with a division fails here.
    @Test func sharedEdgeIsExact() {
        let q = 1.0 / Double(1 << 20)
        func snap(_ v: Double) -> Double { (v / q).rounded() * q }
        let a = Coordinate(snap(121.4013), snap(31.29017)), b = Coordinate(snap(121.40281), snap(31.29133))
        let left = Coordinate(snap(121.4001), snap(31.2915)), right = Coordinate(snap(121.4035), snap(31.2899))
        var shapes = FlatPolygons()
        shapes.append([Polygon(exterior: LinearRing([a, b, left, a]))])
        shapes.append([Polygon(exterior: LinearRing([a, right, b, a]))])
        for k in 1 ..< 64 {
            let t = Double(k) / 64
            let px = a.x + (b.x - a.x) * t, py = a.y + (b.y - a.y) * t
            #expect(shapes.locate(px, py, in: 0) == .boundary)
            #expect(shapes.locate(px, py, in: 1) == .boundary)
            for (x, y) in [(px.nextUp, py), (px.nextDown, py), (px, py.nextUp), (px, py.nextDown)] {
                let l0 = shapes.locate(x, y, in: 0), l1 = shapes.locate(x, y, in: 1)
                #expect([l0, l1].filter { $0 == .interior }.count == 1, "point (\(x), \(y)) must be inside exactly one cell")
                #expect(l0 != .boundary && l1 != .boundary)
            }
        }
    }

    @Test func distanceToRings() {
        var shapes = FlatPolygons()
        shapes.append([Polygon(exterior: closedRing([(0, 0), (10, 0), (10, 10), (0, 10)]))])
        shapes.append([Polygon(exterior: LinearRing([Coordinate(20, 20)]))])  // a point
        shapes.append([Polygon(exterior: LinearRing([Coordinate(0, 20), Coordinate(10, 20)]))])  // a line
        #expect(shapes.distanceToRings(13, 14, of: 0) == 5)
        #expect(shapes.distanceToRings(5, -2, of: 0) == 2)
        #expect(shapes.distanceToRings(23, 24, of: 1) == 5)
        #expect(shapes.distanceToRings(5, 23, of: 2) == 3)
        #expect(shapes.distanceToRings(13, 24, of: 2) == 5)
    }

    /// The grid never misses a covering feature: compare with a brute-force scan.
    @Test func bucketGridIsConservative() {
        var shapes = FlatPolygons()
        var seed: UInt64 = 7
        func random() -> Double { seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Double(seed >> 11) / Double(1 << 53) }
        for i in 0 ..< 30 {
            for j in 0 ..< 30 {
                let x = Double(i) * 0.0015 + 121.4, y = Double(j) * 0.0012 + 31.3
                let s = 0.0003 + random() * 0.0015
                shapes.append([Polygon(exterior: closedRing([(x, y), (x + s, y), (x + s, y + s * 0.9), (x, y + s * 0.9)]))])
            }
        }
        let grid = BucketGrid(boxes: shapes.boxes)
        for _ in 0 ..< 20_000 {
            let x = 121.399 + random() * 0.048, y = 31.299 + random() * 0.039
            var fromGrid: [Int] = []
            grid.forEachCandidate(x, y) { if shapes.locate(x, y, in: $0).isCovered { fromGrid.append($0) } }
            let brute = (0 ..< shapes.count).filter { shapes.locate(x, y, in: $0).isCovered }
            #expect(fromGrid == brute)
        }
    }
}

@Suite struct AreaCentroidTests {
    /// 10×10 square (area 100, centroid (5, 5)) minus the hole [0,2]×[0,2] wound clockwise:
    /// area 96, centroid ((100·5 − 4·1) / 96, same) = (5.1667, 5.1667).
    @Test func holeSubtractsWhateverItsOrientation() {
        var shapes = FlatPolygons()
        shapes.append([
            Polygon(
                exterior: closedRing([(0, 0), (10, 0), (10, 10), (0, 10)]),
                holes: [closedRing([(0, 0), (0, 2), (2, 2), (2, 0)])])
        ])
        shapes.append([Polygon(exterior: closedRing([(0, 10), (10, 10), (10, 0), (0, 0)]))])  // clockwise shell
        let holed = shapes.areaCentroid(of: 0)
        #expect(holed.area == 96)
        #expect(abs(holed.x - 496.0 / 96) < 1e-12 && abs(holed.y - 496.0 / 96) < 1e-12)
        let clockwise = shapes.areaCentroid(of: 1)
        #expect(clockwise.area == 100 && clockwise.x == 5 && clockwise.y == 5)
    }
}

@Suite struct ContiguityTests {
    /// A 3×3 block of unit squares plus one square touching the block only at the corner (3, 3),
    /// one sharing only half an edge, and one a hair (1 ulp) away.
    @Test func queenNeighboursAreExact() {
        var shapes = FlatPolygons()
        for j in 0 ..< 3 {
            for i in 0 ..< 3 {
                let x = Double(i), y = Double(j)
                shapes.append([Polygon(exterior: closedRing([(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]))])
            }
        }
        shapes.append([Polygon(exterior: closedRing([(3, 3), (4, 3), (4, 4), (3, 4)]))])  // 9: corner of 8
        shapes.append([Polygon(exterior: closedRing([(3, 0.5), (4, 0.5), (4, 1.5), (3, 1.5)]))])  // 10: half edges of 2 and 5
        let gap = 3.0.nextUp
        shapes.append([Polygon(exterior: closedRing([(gap, 2.2), (4, 2.2), (4, 2.8), (gap, 2.8)]))])  // 11: 1 ulp from 8
        let n = shapes.queenNeighbours()
        #expect(n[4] == [0, 1, 2, 3, 5, 6, 7, 8])  // the centre touches all eight
        #expect(n[0] == [1, 3, 4])  // a corner cell: two edges and one vertex
        #expect(n[8] == [4, 5, 7, 9])  // 9 by its corner only; 11 not (1 ulp)
        #expect(n[10] == [2, 5])
        #expect(n[11] == [])
    }
}
