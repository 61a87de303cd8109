import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore
import WanggeTestSupport

/// The in-memory index must agree exactly with SpatiaLite's own `ST_Covers` (GEOS) on which
/// cells cover a point: random points over each sample district, plus points placed on cell
/// edges and vertices, where a careless test goes wrong.
@Suite struct SpatiaLiteAgreementTests {
    @Test(arguments: ["baoshan", "huangpu"])
    func coveringCellsAgreeWithSTCovers(district: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-agree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try WanggeStore(path: dir.appendingPathComponent("d.sqlite").path)
        let cells = try SampleData.file("cells.geojson", of: district)
        _ = try Importer(store: store).importLayer(.cells, bytes: cells)
        let district = try store.loadDistrict()
        let index = try DistrictIndex(district: district)
        let router = try OrderRouter(index: index)

        var seed: UInt64 = 20_251_123
        func random() -> Double {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let box = index.cellGridExtent
        var points = (0 ..< 10_000).map { _ in
            Coordinate(box.minX + random() * (box.maxX - box.minX), box.minY + random() * (box.maxY - box.minY))
        }
        // Points on edges (t = k/8) and at vertices of random cells.
        for _ in 0 ..< 2_000 {
            let cell = district.cells[Int(random() * Double(district.cells.count))]
            let ring = cell.geometry.polygons![0].exterior.points
            let i = Int(random() * Double(ring.count - 1))
            let a = ring[i], b = ring[i + 1], t = Double(Int(random() * 9)) / 8
            points.append(Coordinate(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
        }

        let query = try store.database.prepare(
            """
            SELECT code FROM cells
            WHERE ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'cells' AND f_geometry_column = 'geom'
                            AND search_frame = BuildMbr(?1 - 1e-6, ?2 - 1e-6, ?1 + 1e-6, ?2 + 1e-6, 4326))
              AND ST_Covers(geom, MakePoint(?1, ?2, 4326)) = 1
            ORDER BY code
            """)
        var disagreements: [String] = []
        var boundaryPoints = 0
        for p in points {
            let ours = router.assign(wgs84: p, category: "").coveringCells.map { index.cells[$0].code }
            if ours.count > 1 { boundaryPoints += 1 }
            let theirs = try query.rows([.real(p.x), .real(p.y)]).map { $0[0].string ?? "" }
            if ours != theirs { disagreements.append("(\(p.x) \(p.y)): ours \(ours), ST_Covers \(theirs)") }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements: \(disagreements.prefix(5))")
        #expect(points.count == 12_000)
        // The edge points really exercise shared boundaries.
        #expect(boundaryPoints > 1_000)
    }
}
