import Foundation
import Testing

/// `wangge export` and `hotspots --format geojson` for GIS: ids, one kind of point, paging,
/// output CRS.
@Suite(.serialized) struct GISExportTests {
    static func features(_ text: String) -> [[String: Any]] {
        ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["features"] as? [[String: Any]] ?? []
    }

    @Test func exportPagesKindsAndCRS() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let all = try CLITests.wangge(["export", "points", "--db", db])
        #expect(all.status == 0)
        let points = Self.features(all.stdout)
        #expect(points.count == 23 && points.allSatisfy { ($0["id"] as? String) == (($0["properties"] as? [String: Any])?["id"] as? String) })
        // The default output is the same bytes as --crs wgs84, without a note.
        #expect(try CLITests.wangge(["export", "points", "--db", db, "--crs", "wgs84"]).stdout == all.stdout)
        #expect(!all.stdout.contains("crs_note"))
        var total = 0
        for (kind, type) in [("point", "Point"), ("line", "LineString"), ("polygon", "Polygon")] {
            let some = Self.features(try CLITests.wangge(["export", "points", "--db", db, "--geometry", kind]).stdout)
            #expect(!some.isEmpty && some.allSatisfy { ($0["geometry"] as? [String: Any])?["type"] as? String == type }, "\(kind)")
            total += some.count
        }
        #expect(total == points.count)
        let page = Self.features(try CLITests.wangge(["export", "points", "--db", db, "--limit", "5", "--offset", "10"]).stdout)
        #expect(page.map { $0["id"] as? String } == points[10 ..< 15].map { $0["id"] as? String })
        let gcj = try CLITests.wangge(["export", "points", "--db", db, "--crs", "gcj02", "--geometry", "point"])
        #expect(gcj.stdout.contains(#""crs_note":"coordinates are GCJ-02"#))
        let refused = try CLITests.wangge(["export", "cells", "--db", db, "--geometry", "point"])
        #expect(refused.status != 0 && refused.stderr.contains("--geometry does not filter cells"))
        #expect(try CLITests.wangge(["export", "points", "--db", db, "--crs", "mars"]).status != 0)
    }

    @Test func hotspotGeoJSONHasIdsAndShifts() throws {
        let dir = try CLITests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try CLITests.load("baoshan", into: db)
        let wgs = try CLITests.wangge(["hotspots", "--db", db, "--level", "street", "--format", "geojson"])
        #expect(wgs.status == 0, "\(wgs.stderr)")
        let streets = Self.features(wgs.stdout)
        #expect(!streets.isEmpty && streets.allSatisfy { ($0["id"] as? String) == (($0["properties"] as? [String: Any])?["street"] as? String) })
        let bd = try CLITests.wangge(["hotspots", "--db", db, "--level", "street", "--format", "geojson", "--crs", "bd09"])
        #expect(bd.stdout.contains(#""crs_note":"coordinates are BD-09"#) && bd.stdout != wgs.stdout)
        let csv = try CLITests.wangge(["hotspots", "--db", db, "--crs", "gcj02"])
        #expect(csv.status != 0 && csv.stderr.contains("--format geojson"))
    }
}
