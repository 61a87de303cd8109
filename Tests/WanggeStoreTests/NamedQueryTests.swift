import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore

@Suite struct NamedQueryTests {
    let good = """
        -- name: q
        -- description: Cells of a street.
        -- param: street text | A 9-digit street code.
        -- param: limit integer = 100 | At most this many.
        -- columns: code
        SELECT code FROM cells WHERE street = :street ORDER BY code LIMIT :limit
        """

    func catalog(_ files: [String: String]) throws -> (QueryCatalog, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-queries-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return (try QueryCatalog(directory: dir.path), dir)
    }

    func failure(_ files: [String: String], on store: WanggeStore) -> String {
        do {
            let (c, dir) = try catalog(files)
            defer { try? FileManager.default.removeItem(at: dir) }
            try c.check(on: store)
            return "no error"
        } catch { return "\(error)" }
    }

    @Test func theRepositoryQueriesAllPassTheirChecks() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Fixture.queries.check(on: store)
        #expect(
            try Fixture.queries.queries.map(\.name) == [
                "daily_sheet_orders", "daily_sheet_summary", "dashboard_events", "dashboard_orders", "latest_activity", "layer_addresses",
                "layer_cells", "layer_extents", "layer_orders", "layer_points", "layer_zones", "manual_dispatch", "open311_last_number",
                "open311_requests", "open_orders_at", "order_by_id", "order_categories", "order_events", "order_handling", "order_histories",
                "order_history", "order_locations", "order_places", "orders_by_cell", "orders_by_unit", "orders_in_area", "orders_without_location",
            ])
    }

    @Test func parametersAreBoundNeverSpliced() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (c, qdir) = try catalog(["q.sql": good])
        defer { try? FileManager.default.removeItem(at: qdir) }
        try c.check(on: store)
        let all = try c.run("q", parameters: ["street": "310113102"], on: store).rows
        #expect(all.map { $0[0].string! } == (1 ... 4).map(Fixture.cellCode))
        #expect(try c.run("q", parameters: ["street": "310113102", "limit": "2"], on: store).rows.count == 2)
        // An injection attempt is just a street code that matches nothing.
        #expect(try c.run("q", parameters: ["street": "x' OR '1'='1"], on: store).rows.isEmpty)
        #expect(throws: QueryError.self) { try c.run("q", parameters: [:], on: store) }  // required
        #expect(throws: QueryError.self) { try c.run("q", parameters: ["street": "1", "limit": "many"], on: store) }
        #expect(throws: QueryError.self) { try c.run("q", parameters: ["street": "1", "colour": "red"], on: store) }
    }

    @Test func brokenFilesAreNamed() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(
            failure(["q.sql": good.replacingOccurrences(of: "-- name: q", with: "-- name: other")], on: store)
                .contains("q.sql: the query is named \"other\" but the file is not other.sql"))
        #expect(
            failure(["q.sql": good.replacingOccurrences(of: "-- columns: code", with: "-- columns: code, street")], on: store)
                .contains("q.sql: the header declares columns code,street but the query returns code"))
        #expect(
            failure(["q.sql": good.replacingOccurrences(of: "LIMIT :limit", with: "")], on: store)
                .contains("q.sql: the header declares parameters [limit, street] but the SQL uses [street]"))
        #expect(
            failure(["q.sql": good.replacingOccurrences(of: "FROM cells", with: "FROM cellz")], on: store)
                .contains("q.sql: ")
                && failure(["q.sql": good.replacingOccurrences(of: "FROM cells", with: "FROM cellz")], on: store).contains("no such table: cellz"))
        #expect(
            failure(["q.sql": "-- name: q\n-- description: d\n-- columns: x\nDELETE FROM orders"], on: store)
                .contains("q.sql: the query writes"))
        #expect(
            failure(["q.sql": good.replacingOccurrences(of: "street text", with: "street colour")], on: store)
                .contains("q.sql:3: a parameter is declared as"))
        #expect(
            failure(["q.sql": good.replacingOccurrences(of: "-- description: Cells of a street.\n", with: "")], on: store)
                .contains("q.sql: the header has no `-- description:` line"))
    }
}
