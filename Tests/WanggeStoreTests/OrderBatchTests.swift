import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore

/// Order imports write in batches with SpatiaLite's triggers suspended and the spatial index
/// maintained by hand (``OrderBatch``): the database must come out exactly as the triggers
/// would have left it, and a failure must leave it as it was.
@Suite struct OrderBatchTests {
    /// Orders O`i` for `i` in `ids` at pseudo-random points over the fixture's 2×2 cells (and
    /// a margin around them), received at `hour`; those with (i + seed) % 10 == 9 have no
    /// usable coordinates.
    static func orders(_ ids: Range<Int>, seed: UInt64 = 7, hour: Int = 8) -> [UInt8] {
        var state = seed
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var csv = "id,lon,lat,category,received_at\n"
        for i in ids {
            let x = Fixture.x0 - 0.0005 + random() * (2 * Fixture.dx + 0.001)
            let y = Fixture.y0 - 0.0005 + random() * (2 * Fixture.dy + 0.001)
            let category = i % 2 == 0 ? "乱设摊" : "违法搭建"
            csv += "O\(i),\((i + Int(seed)) % 10 == 9 ? "" : "\(x)"),\(y),\(category),2025-01-01T0\(hour):00:00+08:00\n"
        }
        return Array(csv.utf8)
    }

    /// Orders the spatial index offers in `frame`, exactly filtered, against a full scan.
    static func indexedAndScanned(_ store: WanggeStore, _ frame: (Double, Double, Double, Double)) throws -> (indexed: [String], scanned: [String]) {
        let values: [SQLValue] = [.real(frame.0), .real(frame.1), .real(frame.2), .real(frame.3)]
        let indexed = try store.database.prepare(
            """
            SELECT id FROM orders WHERE ROWID IN (SELECT ROWID FROM SpatialIndex WHERE f_table_name = 'orders'
                AND f_geometry_column = 'geom' AND search_frame = BuildMbr(?1, ?2, ?3, ?4, 4326))
              AND MbrIntersects(geom, BuildMbr(?1, ?2, ?3, ?4, 4326)) = 1
            ORDER BY id
            """
        ).rows(values).map { $0[0].string ?? "" }
        let scanned = try store.database.prepare(
            """
            SELECT id FROM orders WHERE MbrIntersects(geom, BuildMbr(?1, ?2, ?3, ?4, 4326)) = 1 ORDER BY id
            """
        ).rows(values).map { $0[0].string ?? "" }
        return (indexed, scanned)
    }

    /// The spatial index agrees with the table: SpatiaLite's and SQLite's own checks, and
    /// index-driven queries over a grid of frames against full scans.
    static func expectSpatialIndexMatchesTable(_ store: WanggeStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let db = store.database
        #expect(try db.scalar("SELECT CheckSpatialIndex('orders', 'geom')").int == 1, sourceLocation: sourceLocation)
        #expect(try db.scalar("SELECT rtreecheck('idx_orders_geom')").string == "ok", sourceLocation: sourceLocation)
        #expect(try db.scalar("PRAGMA integrity_check").string == "ok", sourceLocation: sourceLocation)
        #expect(
            try db.scalar("SELECT count(*) FROM idx_orders_geom").int == db.scalar("SELECT count(*) FROM orders WHERE geom IS NOT NULL").int,
            sourceLocation: sourceLocation)
        let step = 0.0006
        for i in -1 ..< 6 {
            for j in -1 ..< 5 {
                let x = Fixture.x0 + Double(i) * step, y = Fixture.y0 + Double(j) * step
                let (indexed, scanned) = try indexedAndScanned(store, (x, y, x + step, y + step))
                #expect(indexed == scanned, "frame \(i),\(j)", sourceLocation: sourceLocation)
            }
        }
        let (all, _) = try indexedAndScanned(store, (-180, -90, 180, 90))
        #expect(all.count == (try db.scalar("SELECT count(*) FROM orders WHERE geom IS NOT NULL").int), sourceLocation: sourceLocation)
    }

    static func triggers(_ store: WanggeStore) throws -> [[SQLValue]] {
        try store.database.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders' ORDER BY name").rows()
    }

    @Test func bulkImportLeavesAValidSpatialIndexAndTheTriggers() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let triggers = try Self.triggers(store)
        #expect(triggers.count == 8)
        let report = try Importer(store: store).importLayer(.orders, bytes: Self.orders(0 ..< 500))
        #expect(report.inserted == 500 && report.updated == 0)
        #expect(try Self.triggers(store) == triggers)
        try Self.expectSpatialIndexMatchesTable(store)
        // Unusable coordinates: stored, invalid, without a point.
        #expect(
            try store.database.scalar("SELECT count(*) FROM orders WHERE assign_status = 'invalid' AND geom IS NULL AND wgs_lon IS NULL").int == 50)
        #expect(try store.database.scalar("SELECT count(*) FROM orders WHERE geom IS NULL").int == 50)
        // geometry_columns_time is stamped as the insert trigger would have.
        #expect(try store.database.scalar("SELECT last_insert > '2000' FROM geometry_columns_time WHERE f_table_name = 'orders'").int == 1)
        // The connection's settings are back.
        #expect(try store.database.scalar("PRAGMA ignore_check_constraints").int == 0)
        #expect(try store.database.scalar("PRAGMA cache_size").int == -2000)
    }

    @Test func reimportUpdatesPointsEntryByEntryAndInBulk() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        _ = try importer.importLayer(.orders, bytes: Self.orders(0 ..< 500))
        let rowids = "SELECT id, rowid FROM orders WHERE rowid <= 500 ORDER BY id"
        let before = try store.database.prepare(rowids).rows()
        #expect(before.count == 500)
        let point = "SELECT AsText(geom) FROM orders WHERE id = ?"
        let o101 = try store.database.scalar(point, [.text("O101")])

        // 20 orders move (and their time changes): few enough for entry-by-entry updates.
        let moved = try importer.importLayer(.orders, bytes: Self.orders(100 ..< 120, seed: 99, hour: 9))
        #expect(moved.inserted == 0 && moved.updated == 20)
        try Self.expectSpatialIndexMatchesTable(store)
        // O100 lost its coordinates, O102 gained them, O101 moved.
        #expect(try store.database.scalar(point, [.text("O100")]) == .null)
        #expect(try store.database.scalar(point, [.text("O102")]) != .null)
        #expect(try store.database.scalar(point, [.text("O101")]) != o101)
        #expect(try store.database.scalar("SELECT received_at FROM orders WHERE id = 'O101'").string == "2025-01-01T09:00:00+08:00")

        // All of them again with new points, plus 100 new: rebuilt in bulk.
        let again = try importer.importLayer(.orders, bytes: Self.orders(0 ..< 600, seed: 5))
        #expect(again.inserted == 100 && again.updated == 500)
        try Self.expectSpatialIndexMatchesTable(store)
        // Updated in place: same rowids, no duplicates.
        #expect(try store.database.prepare(rowids).rows() == before)
        #expect(try store.database.scalar("SELECT count(*) FROM orders").int == 600)
    }

    @Test func unchangedReimportKeepsIndexesRight() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        _ = try importer.importLayer(.orders, bytes: Self.orders(0 ..< 300))
        let byIndex = "SELECT id FROM orders INDEXED BY orders_cell WHERE cell = ?1 ORDER BY id"
        let cell = try #require(try store.database.scalar("SELECT cell FROM orders WHERE cell != '' LIMIT 1").string)
        let inCell = try store.database.prepare(byIndex).rows([.text(cell)])
        // Same times, statuses and cells: updated without touching those columns' indexes.
        let again = try importer.importLayer(.orders, bytes: Self.orders(0 ..< 300))
        #expect(again.updated == 300)
        #expect(try store.database.prepare(byIndex).rows([.text(cell)]) == inCell)
        #expect(try store.database.scalar("PRAGMA integrity_check").string == "ok")
        try Self.expectSpatialIndexMatchesTable(store)
    }

    @Test func aFailureMidwayLeavesTheDatabaseAsItWas() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        _ = try importer.importLayer(.orders, bytes: Self.orders(0 ..< 300))
        func snapshot() throws -> [[[SQLValue]]] {
            try [
                "SELECT * FROM orders ORDER BY rowid", "SELECT * FROM idx_orders_geom ORDER BY pkid",
                "SELECT name, sql FROM sqlite_master ORDER BY name", "SELECT * FROM geometry_columns_time",
            ]
            .map { try store.database.prepare($0).rows() }
        }
        let before = try snapshot()
        // A temporary trigger (not one of SpatiaLite's, so it stays) fails the write of the
        // 250th order of the file, after 249 updates and inserts.
        try store.database.execute(
            """
            CREATE TEMP TRIGGER fail_midway BEFORE UPDATE ON main.orders WHEN OLD.id = 'O249'
            BEGIN SELECT RAISE(ABORT, 'disk on fire'); END
            """)
        for file in [Self.orders(0 ..< 600, seed: 3), Self.orders(240 ..< 260, seed: 3, hour: 9)] {
            let message = "\((try? importer.importLayer(.orders, bytes: file)).map { "\($0.stored) stored" } ?? "failed")"
            #expect(message == "failed")
            #expect(try snapshot() == before)
        }
        try store.database.execute("DROP TRIGGER temp.fail_midway")
        #expect(try store.database.scalar("PRAGMA ignore_check_constraints").int == 0)
        try Self.expectSpatialIndexMatchesTable(store)
        // And the next import goes through.
        #expect(try importer.importLayer(.orders, bytes: Self.orders(240 ..< 260, seed: 3)).updated == 20)
        try Self.expectSpatialIndexMatchesTable(store)
    }

    /// The batch writes with CHECK constraints off; every status it can write must pass them.
    @Test func everyAssignmentStatusPassesTheSchemasCheck() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let insert = try store.database.prepare(
            "INSERT INTO orders (id, received_at, received_epoch, assign_status, imported_at) VALUES (?1, '', 0, ?1, '')")
        for status in AssignmentStatus.allCases { try insert.run([.text(status.rawValue)]) }
        #expect(throws: DatabaseError.self) { try insert.run([.text("lost")]) }
    }

    @Test func reroutingWritesOnlyChangedAssignments() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        _ = try importer.importLayer(.orders, bytes: Self.orders(0 ..< 300))
        let stamp = "SELECT last_update FROM geometry_columns_time WHERE f_table_name = 'orders'"
        let neverUpdated = try store.database.scalar(stamp)
        // The same zones again: every order re-routed, none changed.
        #expect(try importer.importLayer(.zones, bytes: Fixture.zones).reassigned == 300)
        #expect(try store.database.scalar(stamp) == neverUpdated)
        // Without the market zone, orders in it go to the squad or the street.
        let market = "SELECT count(*) FROM orders WHERE zone = 'MK-1'"
        #expect(try store.database.scalar(market).int ?? 0 > 0)
        let squadOnly = try Fixture.collection([Fixture.feature(["id": "SQ-1", "kind": "squad", "unit": "U-SQUAD"], polygon: [Fixture.square(0, 0)])])
        #expect(try importer.importLayer(.zones, bytes: squadOnly).reassigned == 300)
        #expect(try store.database.scalar(market).int == 0)
        #expect(try store.database.scalar(stamp) != neverUpdated)
        try Self.expectSpatialIndexMatchesTable(store)
    }
}

@Suite struct RTreeBulkLoadTests {
    /// Random boxes, some degenerate (points), some negative, around and across zero.
    static func entries(_ count: Int) -> [RTreeBulkLoad.Entry] {
        var state: UInt64 = 42
        func random() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        return (0 ..< count).map { i in
            let x = random() * 360 - 180, y = random() * 180 - 90
            let w = i % 3 == 0 ? 0 : random() * 0.01, h = i % 3 == 0 ? 0 : random() * 0.01
            return RTreeBulkLoad.Entry(id: Int64(i * 7 + 1), box: RTreeBox(minX: x, maxX: x + w, minY: y, maxY: y + h))
        }
    }

    static func database() throws -> (Database, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-rtree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = try Database(path: dir.appendingPathComponent("r.sqlite").path)
        try db.execute("CREATE VIRTUAL TABLE t USING rtree(pkid, xmin, xmax, ymin, ymax)")
        return (db, dir)
    }

    @Test func boxesRoundOutwardsExactlyAsTheRTreeModuleDoes() throws {
        let (db, dir) = try Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
        // (Not denormals: there SQLite's × (1 ± 2⁻²³) nudge is below the float spacing.)
        let values: [Double] = [0, 1, -1, 121.4000001, -121.4000001, 31.3, -31.3, 1e-30, -1e-30, 3.4e38, .pi]
        for (i, v) in values.enumerated() {
            try insert.run([.integer(Int64(i)), .real(v), .real(v), .real(v), .real(v)])
            let stored = try db.prepare("SELECT xmin, xmax FROM t WHERE pkid = ?").rows([.integer(Int64(i))])[0]
            let box = RTreeBox(minX: v, maxX: v, minY: v, maxY: v)
            #expect(stored == [.real(Double(box.minX)), .real(Double(box.maxX))], "\(v)")
            #expect(Double(box.minX) <= v && v <= Double(box.maxX))
        }
    }

    @Test(arguments: [0, 1, 51, 52, 2_000, 20_000])
    func bulkLoadedTreesAreValidAndAnswerLikeAScan(count: Int) throws {
        let (db, dir) = try Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        let entries = Self.entries(count)
        try db.transaction { try RTreeBulkLoad.replaceContent(of: "t", with: entries, in: db) }
        #expect(try db.scalar("SELECT rtreecheck('t')").string == "ok")
        #expect(try db.scalar("SELECT count(*) FROM t").int == count)
        let frames: [(Double, Double, Double, Double)] = [(-180, -90, 180, 90), (0, 0, 10, 10), (-50, -20, -45, 20), (100, 30, 101, 31)]
        let query = try db.prepare("SELECT pkid FROM t WHERE xmax >= ?1 AND xmin <= ?3 AND ymax >= ?2 AND ymin <= ?4 ORDER BY pkid")
        for f in frames {
            let expected = entries.filter {
                Double($0.box.maxX) >= f.0 && Double($0.box.minX) <= f.2 && Double($0.box.maxY) >= f.1 && Double($0.box.minY) <= f.3
            }.map(\.id).sorted()
            #expect(try query.rows([.real(f.0), .real(f.1), .real(f.2), .real(f.3)]).map { $0[0].int64 ?? -1 } == expected)
        }
        // The R*Tree module carries on from a packed tree: inserts, moves, deletes.
        try db.transaction {
            let insert = try db.prepare("INSERT OR REPLACE INTO t VALUES (?1, ?2, ?2, ?3, ?3)")
            for i in 0 ..< 300 { try insert.run([.integer(Int64(i * 5)), .real(Double(i % 50)), .real(Double(i / 50))]) }
            try db.execute("DELETE FROM t WHERE pkid % 4 = 0")
        }
        #expect(try db.scalar("SELECT rtreecheck('t')").string == "ok")
    }
}
