import Testing
@testable import WanggeCore

@Suite struct PlanarAreaTests {
    static func ring(_ points: [(Double, Double)]) -> LinearRing { LinearRing((points + [points[0]]).map { Coordinate($0.0, $0.1) }) }

    /// Holes subtract whatever their orientation, parts add, and the centroid is the
    /// area-weighted one (here worked by hand), also far from the origin.
    @Test func holesSubtractAndPartsAdd() {
        let shell = Self.ring([(0, 0), (10, 0), (10, 10), (0, 10)])
        let hole = Self.ring([(6, 6), (8, 6), (8, 8), (6, 8)])  // counter-clockwise, like the shell
        let square = Geometry.polygon(Polygon(exterior: shell, holes: [hole]))
        let a = square.areaCentroid { $0 }
        // 100 m² centred on (5, 5) less 4 m² centred on (7, 7): 96 m² at (5 - 8/96, 5 - 8/96).
        #expect(a.area == 96)
        #expect(abs(a.x - (500 - 28) / 96) < 1e-12 && abs(a.y - (500 - 28) / 96) < 1e-12)
        let far = square.areaCentroid { Coordinate($0.x + 500_000, $0.y + 3_400_000) }
        #expect(far.area == 96)
        #expect(abs(far.x - 500_000 - a.x) < 1e-9 && abs(far.y - 3_400_000 - a.y) < 1e-9)
        let two = Geometry.multiPolygon([Polygon(exterior: shell), Polygon(exterior: Self.ring([(20, 0), (20, 10), (30, 10), (30, 0)]))])
        let both = two.areaCentroid { $0 }
        #expect(both.area == 200 && both.x == 15 && both.y == 5)
        // No polygon: no area, no centroid.
        let point = Geometry.point(Coordinate(1, 1)).areaCentroid { $0 }
        #expect(point.area == 0 && point.x.isNaN)
    }
}
