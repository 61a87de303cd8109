import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore

/// What GIS tools read from the SpatiaLite file itself: layer statistics and column types.
@Suite struct GISStoreTests {
    /// A database written at schema version 4 (received_at TEXT) is migrated in place to
    /// version 5: received_at is declared TIMESTAMP, every row and its text kept.
    @Test func version4DatabaseGetsATimestampReceivedAt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-migrate5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v4.sqlite").path
        func receivedAtType(_ db: Database) throws -> String? {
            try db.prepare("SELECT type FROM pragma_table_info('orders') WHERE name = 'received_at'").rows().first?[0].string
        }
        do {
            let db = try Database(path: path)
            for migration in Schema.migrations where migration.version <= 4 {
                try db.transaction {
                    for statement in Schema.statements(of: migration.sql) {
                        if statement.hasPrefix("SELECT") { #expect(try db.scalar(statement).int == 1) } else { try db.execute(statement) }
                    }
                    try db.execute("PRAGMA user_version = \(migration.version)")
                }
            }
            for (id, at) in [("A", "2025-07-01T09:00:00+08:00"), ("B", "2025年7月1日 9:00"), ("C", "2025/7/1 9:00")] {
                try db.prepare(
                    "INSERT INTO orders (id, received_at, received_epoch, assign_status, imported_at, wgs_lon, wgs_lat, geom) VALUES (?, ?, 1751331600, 'inside', 'now', 121.4, 31.3, MakePoint(121.4, 31.3, 4326))"
                )
                .run([.text(id), .text(at)])
            }
            #expect(try receivedAtType(db) == "TEXT")
        }
        let store = try WanggeStore(path: path)
        #expect(store.schemaVersion == Schema.latestVersion)
        #expect(try receivedAtType(store.database) == "TIMESTAMP")
        let rows = try store.database.prepare("SELECT id, received_at, typeof(received_at) FROM orders ORDER BY id").rows()
        #expect(
            rows.map { $0.map { $0.string ?? "" } } == [
                ["A", "2025-07-01T09:00:00+08:00", "text"], ["B", "2025年7月1日 9:00", "text"], ["C", "2025/7/1 9:00", "text"],
            ])
        #expect(try store.database.scalar("PRAGMA integrity_check").string == "ok")
        // A new connection reads the new declaration, and the orders' spatial index still works.
        let reader = try WanggeStore(path: path, readOnly: true)
        #expect(try receivedAtType(reader.database) == "TIMESTAMP")
        #expect(try reader.database.scalar("SELECT count(*) FROM idx_orders_geom WHERE xmin <= 121.41 AND xmax >= 121.39").int == 3)
    }

    /// Every layer import refreshes SpatiaLite's layer statistics (row count and extent).
    @Test func layerImportsFillGeometryColumnsStatistics() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        func statistics(_ table: String) throws -> [SQLValue]? {
            try store.database.prepare(
                "SELECT row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y FROM geometry_columns_statistics WHERE f_table_name = ?"
            )
            .rows([.text(table)]).first
        }
        let cells = try #require(try statistics("cells"))
        #expect(cells[0].int == 4)
        #expect(abs((cells[1].double ?? 0) - Fixture.x0) < 1e-9 && abs((cells[2].double ?? 0) - Fixture.y0) < 1e-9)
        #expect(
            abs((cells[3].double ?? 0) - (Fixture.x0 + 2 * Fixture.dx)) < 1e-9 && abs((cells[4].double ?? 0) - (Fixture.y0 + 2 * Fixture.dy)) < 1e-9)
        #expect(try statistics("zones")?[0].int == 2)
        #expect(try statistics("points")?[0].int == 1)
        let orders = "id,lon,lat,category,received_at\nO1,\(Fixture.x0 + 0.0001),\(Fixture.y0 + 0.0001),乱设摊,2025-07-01 09:00\n"
        _ = try Importer(store: store).importLayer(.orders, bytes: Array(orders.utf8))
        let ordersRow = try #require(try statistics("orders"))
        #expect(ordersRow[0].int == 1)
        #expect(ordersRow[1].double == Fixture.x0 + 0.0001 && ordersRow[4].double == Fixture.y0 + 0.0001)
        // GDAL trusts the row only when it is newer than the layer's last change (compared as text).
        let times = try store.database.prepare(
            """
            SELECT s.last_verified, max(t.last_insert, t.last_update, t.last_delete) FROM geometry_columns_statistics s
            JOIN geometry_columns_time t USING (f_table_name, f_geometry_column) WHERE f_table_name = 'orders'
            """
        ).rows().first?.map { $0.string ?? "" }
        #expect(times?.count == 2 && times![0] > times![1] && times![1].hasPrefix("20"))
    }
}
