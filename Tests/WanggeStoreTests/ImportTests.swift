import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeStore

@Suite struct ImportTests {
    func rejection(_ body: () throws -> Void) -> String {
        do { try body(); return "accepted" } catch { return "\(error)" }
    }

    /// A database written at schema version 1 gains the handling columns and the event
    /// history when opened for writing, its orders kept.
    @Test func version1DatabasesAreMigrated() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v1.sqlite").path
        do {
            let db = try Database(path: path)
            try db.transaction {
                for statement in Schema.statements(of: Schema.migrations[0].sql) {
                    if statement.hasPrefix("SELECT") { #expect(try db.scalar(statement).int == 1) } else { try db.execute(statement) }
                }
                try db.execute("PRAGMA user_version = 1")
            }
            try db.execute(
                "INSERT INTO orders (id, received_at, received_epoch, assign_status, imported_at) VALUES ('X', '2025-01-01', 0, 'invalid', 'now')")
        }
        #expect(throws: WanggeStore.SchemaError.self) { try WanggeStore(path: path, readOnly: true) }
        let store = try WanggeStore(path: path)
        #expect(store.schemaVersion == Schema.latestVersion)
        #expect(try store.database.scalar("SELECT count(*) FROM tokens").int == 0)
        #expect(try store.database.scalar("SELECT count(*) FROM addresses").int == 0)
        #expect(try store.database.scalar("SELECT located_by || address_match FROM orders WHERE id = 'X'").string == "")
        #expect(try store.database.scalar("SELECT status FROM orders WHERE id = 'X'").string == "received")
        #expect(try store.database.scalar("SELECT count(*) FROM order_events").int == 0)
    }

    @Test func schemaIsCreatedWithSpatialIndexes() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(store.schemaVersion == Schema.latestVersion)
        #expect(Schema.latestVersion == 6)
        let indexed = try store.database.prepare("SELECT f_table_name FROM geometry_columns WHERE spatial_index_enabled = 1 ORDER BY 1").rows()
        #expect(indexed.map { $0[0].string ?? "" } == ["addresses", "cells", "orders", "points", "zones"])
        #expect(try store.database.scalar("PRAGMA journal_mode").string == "wal")
        let counts = Dictionary(uniqueKeysWithValues: try store.counts().map { ($0.layer, $0.rows) })
        #expect(counts == ["cells": 4, "zones": 2, "units": 3, "rules": 3, "points": 1, "addresses": 0, "orders": 0])
        // Areas are measured in EPSG:4549 square metres: 0.0015° × 0.0012° near 31.3° N ≈ 142.7 m × 133.1 m.
        let area = try #require(try store.database.scalar("SELECT area_m2 FROM cells WHERE code = ?", [.text(Fixture.cellCode(1))]).double)
        #expect(abs(area - 19_000) < 150)
    }

    @Test func bowTieCellIsRejectedWithTheLocation() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = 121.40, y = 31.30
        let bowTie = try Fixture.collection([
            Fixture.feature(["code": "310113102001009"], polygon: [[[x, y], [x + 0.001, y + 0.001], [x + 0.001, y], [x, y + 0.001], [x, y]]])
        ])
        let message = rejection { _ = try Importer(store: store).importLayer(.cells, bytes: bowTie) }
        #expect(message.contains("cell 310113102001009: invalid polygon: Self-intersection"))
        #expect(message.contains("121.4005"))
        // Nothing already stored was lost.
        #expect(try store.database.scalar("SELECT count(*) FROM cells").int == 4)
    }

    @Test func malformedAndDuplicateCodes() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = try Fixture.collection([
            Fixture.feature(["code": "31011310200100"], polygon: [Fixture.square(0, 0)]),
            Fixture.feature(["code": "310113102001a01"], polygon: [Fixture.square(1, 0)]),
            Fixture.feature(["code": "310113102001001"], polygon: [Fixture.square(0, 1)]),
            Fixture.feature(["code": "310113102001001"], polygon: [Fixture.square(1, 1)]),
        ])
        let message = rejection { _ = try Importer(store: store).importLayer(.cells, bytes: bad) }
        #expect(message.contains("feature 0 (code 31011310200100): malformed cell code"))
        #expect(message.contains("feature 1 (code 310113102001a01): malformed cell code"))
        #expect(message.contains("feature 3 (code 310113102001001): duplicate cell code 310113102001001 (also feature 2)"))
    }

    @Test func overlapsAndGapsAreWarningsUnlessStrict() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Cell 2 widened by 0.0002° over cell 1's column: ~19 m × 133 m overlap. Cells 3 and 4
        // with a hole between four cells of a 3×3 block are built below.
        var rings = [(0, 1), (1, 1), (0, 0), (1, 0)].map { Fixture.square($0.0, $0.1) }
        rings[1][0][0] -= 0.0002; rings[1][3][0] -= 0.0002; rings[1][4][0] -= 0.0002
        let overlapping = try Fixture.collection(
            rings.enumerated().map { Fixture.feature(["code": Fixture.cellCode($0.offset + 1)], polygon: [$0.element]) })
        let report = try Importer(store: store).importLayer(.cells, bytes: overlapping)
        #expect(report.warnings.count == 1)
        #expect(report.warnings[0].message.contains("cells 310113102001001 and 310113102001002 overlap by"))
        let strict = rejection { _ = try Importer(store: store, strict: true).importLayer(.cells, bytes: overlapping) }
        #expect(strict.contains("(--strict)"))

        // A 3×3 block without its centre: a hole inside street 310113102.
        var ring3: [[[Double]]] = []
        for j in 0 ..< 3 { for i in 0 ..< 3 where !(i == 1 && j == 1) { ring3.append(Fixture.square(i, j)) } }
        let holed = try Fixture.collection(
            ring3.enumerated().map { Fixture.feature(["code": Fixture.cellCode($0.offset + 1)], polygon: [$0.element]) })
        let gapReport = try Importer(store: store).importLayer(.cells, bytes: holed)
        #expect(
            gapReport.warnings.map(\.message).contains { $0.hasPrefix("street 310113102: a hole of 1") && $0.contains("m² between its cells") },
            "\(gapReport.warnings)")
    }

    @Test func zonesNeedKnownUnitsAndSameKindZonesShouldNotOverlap() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let zones = try Fixture.collection([
            Fixture.feature(["id": "SQ-1", "kind": "squad", "unit": "U-NOBODY"], polygon: [Fixture.square(0, 0)])
        ])
        #expect(
            rejection { _ = try Importer(store: store).importLayer(.zones, bytes: zones) }
                .contains("zone SQ-1: unknown unit \"U-NOBODY\""))
        let overlapping = try Fixture.collection([
            Fixture.feature(["id": "SQ-1", "kind": "squad", "unit": "U-SQUAD"], polygon: [Fixture.square(0, 0)]),
            Fixture.feature(["id": "SQ-2", "kind": "squad", "unit": "U-SQUAD"], polygon: [Fixture.square(0, 0)]),
            Fixture.feature(["id": "MK-1", "kind": "market", "unit": "U-MARKET"], polygon: [Fixture.square(0, 0)]),
        ])
        let report = try Importer(store: store).importLayer(.zones, bytes: overlapping)
        #expect(report.warnings.map(\.message).count == 1)
        #expect(report.warnings.first?.message.hasPrefix("squad zones SQ-1 and SQ-2 overlap by") == true)
        // Dropping a unit a zone still names is refused.
        let fewerUnits = "id,name,kind,area,sla_hours\nU-STREET,x,street,310113102,72\nU-SQUAD,y,squad,,\n"
        #expect(
            rejection { _ = try Importer(store: store).importLayer(.units, bytes: Array(fewerUnits.utf8)) }
                .contains("zone MK-1 refers to unit U-MARKET, which this file no longer has"))
    }

    @Test func brokenFilesFailWithLineNumbers() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let importer = Importer(store: store)
        #expect(
            rejection { _ = try importer.importLayer(.orders, bytes: Array("id,lon,lat\n1,2,3\n".utf8)) }
                .contains("line 1: the header lacks category, received_at"))
        let wrongCount = "id,lon,lat,category,received_at\nA,121.4,31.3,违法搭建,2025-01-01T08:00:00+08:00\nB,121.4,31.3\n"
        #expect(
            rejection { _ = try importer.importLayer(.orders, bytes: Array(wrongCount.utf8)) }
                .contains("line 3: has 3 fields, the header has 5"))
        let noID = "id,lon,lat,category,received_at\nA,121.4,31.3,违法搭建,2025-01-01T08:00:00+08:00\n,121.4,31.3,违法搭建,2025-01-01T08:00:00+08:00\n"
        #expect(rejection { _ = try importer.importLayer(.orders, bytes: Array(noID.utf8)) }.contains("line 3: the order id is empty"))
        let badTime = "id,lon,lat,category,received_at\nA,121.4,31.3,违法搭建,last tuesday\n"
        #expect(
            rejection { _ = try importer.importLayer(.orders, bytes: Array(badTime.utf8)) }
                .contains("line 2: order A: received_at \"last tuesday\" is not a time; expected ISO 8601"))
        #expect(
            rejection { _ = try importer.importLayer(.cells, bytes: Array("{\"type\": \"FeatureCollection\", \"features\": [".utf8)) }
                .contains("not valid JSON"))
        #expect(
            rejection { _ = try importer.importLayer(.units, bytes: Array("id,name\nA,B\n".utf8)) }
                .contains("the units header lacks kind"))
        #expect(
            rejection { _ = try importer.importLayer(.rules, bytes: Array("category,route\n违法搭建,squad>street\n".utf8)) }
                .contains("the street fallback is implicit"))
        #expect(try store.database.scalar("SELECT count(*) FROM orders").int == 0)
        #expect(try store.database.scalar("SELECT count(*) FROM rules").int == 3)
    }

    @Test func ordersAreNeverDroppedAndReimportUpdates() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = Fixture.x0 + 0.0009, y = Fixture.y0 + 0.0008
        let csv = """
            id,lon,lat,category,received_at,crs,address
            A,\(x),\(y),乱设摊,2025-01-01T08:00:00+08:00,,"场中路 1 号, 东侧"
            B,NaN,31.3,违法搭建,2025-01-01T09:00:00+08:00,,
            C,,31.3,违法搭建,2025-01-01T09:00:00+08:00,,
            D,200,31.3,违法搭建,2025-01-01T09:00:00+08:00,,
            E,\(x),\(y),违法搭建,2025-01-01T09:00:00+08:00,mars,
            F,\(x),\(y),其他,2025-01-01T10:00:00+08:00,,
            """
        let importer = Importer(store: store)
        let report = try importer.importLayer(.orders, bytes: Array(csv.utf8))
        #expect(report.inserted == 6 && report.updated == 0)
        #expect(report.invalidOrders.map(\.id) == ["B", "C", "D", "E"])
        #expect(report.invalidOrders[2].reason.contains("200"))
        #expect(report.categoriesWithoutRule == ["其他": 1])
        let rows = try store.database.prepare("SELECT id, assign_status, cell, unit, route, zone, attributes FROM orders ORDER BY id").rows()
        #expect(rows.count == 6)
        // A is in the bottom-left cell (code 003), inside the market zone (first in its route).
        #expect(rows[0].map { $0.string ?? "" } == ["A", "inside", Fixture.cellCode(3), "U-MARKET", "market", "MK-1", #"{"address":"场中路 1 号, 东侧"}"#])
        #expect(rows[5].map { $0.string ?? "" }.prefix(6) == ["F", "inside", Fixture.cellCode(3), "U-STREET", "street", ""])
        let manual = try Fixture.queries.run("manual_dispatch", parameters: [:], on: store).rows.map { $0.map { $0.string ?? "" } }
        #expect(manual.map { $0[0] } == ["B", "C", "D", "E"])
        #expect(manual[3][6].contains("mars"))

        // Re-import: B fixed, A moved: updated, not duplicated.
        let fix = "id,lon,lat,category,received_at\nB,\(x),\(y),违法搭建,2025-01-01T09:00:00+08:00\n"
        let second = try importer.importLayer(.orders, bytes: Array(fix.utf8))
        #expect(second.inserted == 0 && second.updated == 1)
        #expect(try store.database.scalar("SELECT count(*) FROM orders").int == 6)
        #expect(
            try store.database.scalar("SELECT assign_status || ' ' || unit || ' ' || route FROM orders WHERE id = 'B'").string
                == "inside U-SQUAD squad")

        // A layer change re-routes stored orders: without the market zone, A goes to the squad.
        let squadOnly = try Fixture.collection([Fixture.feature(["id": "SQ-1", "kind": "squad", "unit": "U-SQUAD"], polygon: [Fixture.square(0, 0)])])
        let rerouted = try importer.importLayer(.zones, bytes: squadOnly)
        #expect(rerouted.reassigned == 6)
        #expect(try store.database.scalar("SELECT unit || ' ' || route || ' ' || zone FROM orders WHERE id = 'A'").string == "U-SQUAD squad SQ-1")
    }

    /// A streamed import lists only the first ``ImportReport/manualDispatchListLimit``
    /// manual-dispatch orders (bounded memory), counts them all per reason and status, and
    /// stores every one on the manual-dispatch list; a batch of records lists them all.
    @Test func streamedImportBoundsTheManualDispatchList() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let limit = ImportReport.manualDispatchListLimit
        var csv = "id,lon,lat,category,received_at\n"
        for i in 0 ..< limit + 7 { csv += "M\(i),200,31.3,违法搭建,2025-01-01T09:00:00+08:00\n" }
        csv += "N0,\(Fixture.x0 + 0.0009),\(Fixture.y0 + 0.0008),违法搭建,2025-01-01T09:00:00+08:00\n"
        let indexes = { try store.database.prepare("SELECT name, sql FROM sqlite_master WHERE tbl_name = 'orders' ORDER BY name").rows() }
        let schema = try indexes()
        let report = try Importer(store: store).importOrders(WorkOrderStream(bytes: Array(csv.utf8), mode: .strict, blockSize: 4_096))
        // Into the empty table the indexes were dropped and made again: the same, and in use.
        #expect(try indexes() == schema)
        #expect(
            try store.database.scalar("SELECT count(*) FROM orders INDEXED BY orders_assign_status WHERE assign_status = 'invalid'").int == limit + 7)
        #expect(report.stored == limit + 8)
        #expect(report.manualDispatchCount == limit + 7)
        #expect(report.manualDispatch.count == limit)
        #expect(report.manualDispatch.first?.id == "M0" && report.manualDispatch.first?.line == 2)
        #expect(report.manualDispatch.last?.id == "M\(limit - 1)")
        #expect(report.manualDispatchByStatus == [.invalid: limit + 7])
        #expect(report.manualDispatchByReason.values.reduce(0, +) == limit + 7)
        #expect(report.manualDispatchByReason.keys.allSatisfy { $0.contains("200") })
        let manual = try Fixture.queries.run("manual_dispatch", parameters: [:], on: store).rows
        #expect(manual.count == limit + 7)
    }

    /// An orders file read in many small blocks lands as one read would: the last row of a
    /// repeated id kept (blocks apart), each id counted once as new or updated, errors with the
    /// line of one sequential pass, and a bad row in a late block leaving nothing of the file.
    @Test func streamedImportInSmallBlocks() throws {
        let (store, dir) = try Fixture.store()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = Fixture.x0 + 0.0009, y = Fixture.y0 + 0.0008
        var csv = "id,lon,lat,category,received_at,note\n"
        for i in 0 ..< 300 { csv += "O\(i),\(x),\(y),乱设摊,2025-01-01T08:00:00+08:00,\"line\nbreak\"\n" }
        csv += "O5,\(x),\(y),违法搭建,2025-01-02T08:00:00+08:00,last\n"
        let importer = Importer(store: store)
        let report = try importer.importOrders(WorkOrderStream(bytes: Array(csv.utf8), mode: .strict, blockSize: 256))
        #expect(report.stored == 300 && report.inserted == 300 && report.updated == 0)
        #expect(report.statusCounts.values.reduce(0, +) == 300)
        #expect(report.warnings.map(\.message) == ["1 row(s) repeat an order id already in this file; the last row of each id was kept"])
        #expect(try store.database.scalar("SELECT count(*) FROM orders").int == 300)
        #expect(try store.database.scalar("SELECT category || ' ' || attributes FROM orders WHERE id = 'O5'").string == #"违法搭建 {"note":"last"}"#)
        #expect(try store.database.scalar("SELECT count(*) FROM idx_orders_geom").int == 300)

        let again = try importer.importOrders(WorkOrderStream(bytes: Array(csv.utf8), mode: .strict, blockSize: 256))
        #expect(again.stored == 300 && again.inserted == 0 && again.updated == 300)
        #expect(try store.database.scalar("SELECT count(*) FROM orders").int == 300)

        var bad = "id,lon,lat,category,received_at,note\n"
        for i in 0 ..< 200 { bad += "N\(i),\(x),\(y),乱设摊,2025-01-01T08:00:00+08:00,\"line\nbreak\"\n" }
        bad += "N200,121.4\n"
        #expect(
            rejection { _ = try importer.importOrders(WorkOrderStream(bytes: Array(bad.utf8), mode: .strict, blockSize: 256)) }
                .contains("line 402: has 2 fields, the header has 6"))
        #expect(try store.database.scalar("SELECT count(*) FROM orders").int == 300)
        #expect(try store.database.scalar("SELECT count(*) FROM orders WHERE id LIKE 'N%'").int == 0)
    }
}
