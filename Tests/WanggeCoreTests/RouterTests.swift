import Testing
@testable import WanggeCore

/// Routing rules on a hand-made district: two cells side by side, zones of two kinds.
@Suite struct RouterTests {
    static let q = 1.0 / Double(1 << 20)
    static func snap(_ v: Double) -> Double { (v / q).rounded() * q }
    static let x0 = snap(121.40), x1 = snap(121.4015), x2 = snap(121.403), y0 = snap(31.30), y1 = snap(31.3012)

    static func box(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> Geometry {
        .polygon(Polygon(exterior: LinearRing([Coordinate(a, b), Coordinate(c, b), Coordinate(c, d), Coordinate(a, d), Coordinate(a, b)])))
    }

    static let district = District(
        cells: [
            Cell(code: "310113102001002", geometry: box(x1, y0, x2, y1)),
            Cell(code: "310113102001001", geometry: box(x0, y0, x1, y1)),
        ],
        zones: [
            Zone(id: "MK-2", kind: "market", unit: "U-M2", geometry: box(x0, y0, x1, y1)),
            Zone(id: "MK-1", kind: "market", unit: "U-M1", geometry: box(x0, y0, x1, y1)),
            Zone(id: "SQ-1", kind: "squad", unit: "U-SQ", geometry: box(x0 - 0.01, y0 - 0.01, x2 + 0.01, y1 + 0.01)),
        ],
        units: [
            ResponsibleUnit(id: "U-ST", name: "大场镇", kind: "street", area: "310113102"),
            ResponsibleUnit(id: "U-M1", name: "m1", kind: "market"), ResponsibleUnit(id: "U-M2", name: "m2", kind: "market"),
            ResponsibleUnit(id: "U-SQ", name: "sq", kind: "squad"),
        ],
        rules: [
            RoutingRule(category: "乱设摊", routeText: "market>squad"), RoutingRule(category: "道路破损", routeText: ""),
            RoutingRule(category: "河道漂浮物", routeText: "river"),
        ],
        points: [
            InspectionPoint(id: "P-B", name: "路口", type: "intersection", radiusMetres: 20, geometry: .point(Coordinate(x1, y1))),
            InspectionPoint(id: "P-A", name: "市场", type: "market", radiusMetres: 0, geometry: box(x0, y0, x1, y1)),
        ])

    let index: DistrictIndex
    let router: OrderRouter

    init() throws {
        index = try DistrictIndex(district: Self.district)
        router = try OrderRouter(index: index)
    }

    func row(_ lon: Double, _ lat: Double, _ category: String, crs: CoordinateReferenceSystem = .wgs84) -> AssignmentRow {
        AssignmentRow(router.assign(Coordinate(lon, lat), crs: crs, category: category), in: index)
    }

    @Test func insideFirstRouteKindSmallestZone() {
        let r = row((Self.x0 + Self.x1) / 2, (Self.y0 + Self.y1) / 2, "乱设摊")
        #expect(r.fields == ["inside", "310113102001001", "310113102001001", "310113102", "310113102001", "U-M1", "market", "MK-1", "0", "P-A"])
    }

    @Test func sharedEdgeGoesToSmallestCode() {
        let r = row(Self.x1, (Self.y0 + Self.y1) / 2, "道路破损")
        #expect(r.status == "boundary")
        #expect(r.cell == "310113102001001")
        #expect(r.cells == "310113102001001;310113102001002")
        #expect(r.unit == "U-ST" && r.route == "street" && r.zone == "")
    }

    @Test func secondRouteKindAndMissingKind() {
        let east = row((Self.x1 + Self.x2) / 2, (Self.y0 + Self.y1) / 2, "乱设摊")
        #expect([east.unit, east.route, east.zone] == ["U-SQ", "squad", "SQ-1"])
        // A route naming a kind with no zones falls back to the street.
        let river = row((Self.x1 + Self.x2) / 2, (Self.y0 + Self.y1) / 2, "河道漂浮物")
        #expect([river.unit, river.route, river.zone] == ["U-ST", "street", ""])
    }

    @Test func unknownCategoryGoesToStreetAndIsFlagged() {
        let a = router.assign(wgs84: Coordinate((Self.x1 + Self.x2) / 2, (Self.y0 + Self.y1) / 2), category: "其他")
        #expect(a.categoryHasNoRule)
        #expect(AssignmentRow(a, in: index).route == "street")
    }

    @Test func snappedAndOutsideDistances() throws {
        // 30 m and 80 m due south of the bottom edge (measured in EPSG:4549).
        let projection = try MetricProjection()
        let edge = projection.project(Coordinate((Self.x0 + Self.x1) / 2, Self.y0))
        let near = projection.unproject(Coordinate(edge.x, edge.y - 30))
        let far = projection.unproject(Coordinate(edge.x, edge.y - 80))
        let snapped = row(near.x, near.y, "乱设摊")
        #expect(snapped.status == "snapped" && snapped.cell == "310113102001001" && snapped.cells == "")
        #expect(abs(Double(snapped.distance)! - 30) < 0.01)
        // The squad zone still covers the snapped point: zones are tried at the order's own location.
        #expect(snapped.route == "squad")
        let outside = row(far.x, far.y, "道路破损")
        #expect(outside.status == "outside" && outside.cell == "" && outside.street == "" && outside.route == "none" && outside.unit == "")
        #expect(abs(Double(outside.distance)! - 80) < 0.01)
    }

    @Test func inspectionPointRadius() throws {
        let projection = try MetricProjection()
        let corner = projection.project(Coordinate(Self.x1, Self.y1))
        let inside = projection.unproject(Coordinate(corner.x + 19, corner.y + 1))  // ~19.03 m from P-B, outside the cells
        let outside = projection.unproject(Coordinate(corner.x + 21, corner.y))
        #expect(row(inside.x, inside.y, "道路破损").points == "P-B")
        #expect(row(outside.x, outside.y, "道路破损").points == "")
        // On the market polygon's boundary (radius 0) and near the corner: both points.
        #expect(row(Self.x1, Self.y1, "道路破损").points == "P-A;P-B")
    }

    @Test func invalidCoordinates() {
        for (lon, lat) in [(Double.nan, 31.3), (121.4, .infinity), (181.0, 31.3), (121.4, -90.5)] {
            let a = router.assign(Coordinate(lon, lat), crs: .wgs84, category: "乱设摊")
            #expect(a.status == .invalid)
            #expect(a.invalidReason != nil)
            #expect(AssignmentRow(a, in: index).fields == ["invalid", "", "", "", "", "", "none", "", "", ""])
        }
    }

    @Test func gcj02InputIsConvertedBeforeRouting() {
        let p = Coordinate((Self.x1 + Self.x2) / 2, (Self.y0 + Self.y1) / 2)
        let shifted = ChinaOffset.gcj02(fromWGS84: p)
        #expect(row(shifted.x, shifted.y, "道路破损", crs: .gcj02).cell == "310113102001002")
        // Read as WGS84, the same numbers land ~500 m away: outside.
        #expect(row(shifted.x, shifted.y, "道路破损").status == "outside")
    }

    /// The ordinal indexing per-status tables is each status's place in `allCases`.
    @Test func statusOrdinalIsItsPlaceInAllCases() {
        #expect(AssignmentStatus.allCases.map(\.ordinal) == Array(AssignmentStatus.allCases.indices))
    }
}
