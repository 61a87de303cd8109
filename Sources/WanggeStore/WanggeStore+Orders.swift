import Foundation
import WanggeCore

/// The work orders of ``WanggeStore``: writing them with their assignments in batches, reading
/// them back in rowid order, and re-routing them after a layer changes.
extension WanggeStore {
    /// The columns an import writes. Every order statement binds column `i` of this list as
    /// ?`i + 1` and the order's rowid as ?23: with `?NNN` parameters a statement has every
    /// number up to its largest, used or not, so one binding code serves them all.
    static let orderColumns = [
        "id", "lon", "lat", "crs", "category", "received_at", "received_epoch", "attributes",
        "assign_status", "cell", "cells", "street", "community", "unit", "route", "zone", "distance_m", "points",
        "invalid_reason", "wgs_lon", "wgs_lat", "imported_at",
    ]
    /// `assign_status` … `invalid_reason`: what routing decides, bound by ``bindAssignment(_:_:to:)``.
    static let assignmentColumns = 8 ... 18
    /// The indexed columns (`orders_received`, `orders_assign_status`, `orders_cell`).
    static let indexedOrderColumns: Set = ["received_epoch", "assign_status", "cell"]
    /// The order's point from ?20 (`wgs_lon`) and ?21 (`wgs_lat`), NULL without a location.
    static let orderGeometry = "CASE WHEN ?20 IS NULL THEN NULL ELSE MakePoint(?20, ?21, 4326) END"

    /// `column = ?n, …` for the given ``orderColumns``.
    static func setting(_ columns: some Sequence<Int>) -> String {
        columns.map { "\(orderColumns[$0]) = ?\($0 + 1)" }.joined(separator: ", ")
    }

    /// Inserts or updates orders (by id, unique within `records`) with their assignments;
    /// returns, per record, whether it was new.
    func upsertOrders(_ records: [WorkOrderRecord], _ assignments: [Assignment], index: DistrictIndex, importedAt: String) throws -> [Bool] {
        let hasOrders = try database.scalar("SELECT EXISTS (SELECT 1 FROM orders)").int == 1
        return try writeOrders(importedAt: importedAt) { writer in
            try writer.upsert(records, assignments, index: index) { _ in hasOrders }
        }
    }

    /// Runs `body` with an ``OrderWriter``: every order it writes is one ``OrderBatch`` (the
    /// per-row triggers' work done once, at the end, for all of them).
    func writeOrders<T>(importedAt: String, progress: ((String) -> Void)? = nil, _ body: (OrderWriter) throws -> T) throws -> T {
        try OrderBatch.run(in: database, progress: progress) { batch in
            let writer = try OrderWriter(store: self, batch: batch, importedAt: importedAt)
            let result = try body(writer)
            try batch.stamp(inserted: writer.inserted > 0, updated: writer.updated > 0)
            return result
        }
    }

    /// Inserts and updates orders inside one ``OrderBatch``, block after block.
    ///
    /// SQLite rewrites the entries of every index whose column an UPDATE sets, even to an
    /// equal value, so an order whose time, status and cell are unchanged (the usual
    /// re-import) is updated without setting them.
    final class OrderWriter {
        private let store: WanggeStore
        private let batch: OrderBatch
        private let importedAt: String
        private let insert: Statement, updateAll: Statement, updateUnindexed: Statement, find: Statement
        private(set) var inserted = 0
        private(set) var updated = 0

        init(store: WanggeStore, batch: OrderBatch, importedAt: String) throws {
            self.store = store
            self.batch = batch
            self.importedAt = importedAt
            let database = store.database
            let columns = WanggeStore.orderColumns.indices
            insert = try database.prepare(
                """
                INSERT INTO orders (\(WanggeStore.orderColumns.joined(separator: ", ")), geom)
                VALUES (\(columns.map { "?\($0 + 1)" }.joined(separator: ", ")), \(WanggeStore.orderGeometry))
                """)
            updateAll = try database.prepare(
                """
                UPDATE orders SET \(WanggeStore.setting(columns.dropFirst())), geom = \(WanggeStore.orderGeometry) WHERE rowid = ?23
                """)
            updateUnindexed = try database.prepare(
                """
                UPDATE orders SET \(WanggeStore.setting(columns.dropFirst().filter { !WanggeStore.indexedOrderColumns.contains(WanggeStore.orderColumns[$0]) })),
                    geom = \(WanggeStore.orderGeometry)
                WHERE rowid = ?23
                """)
            find = try database.prepare(
                """
                SELECT rowid, wgs_lon, wgs_lat, received_epoch IS ?7 AND assign_status IS ?9 AND cell IS ?10 FROM orders WHERE id = ?1
                """)
        }

        /// Inserts or updates `records` (ids unique within them) with their assignments;
        /// returns, per record, whether it was new. `mayBeStored(id)` false promises that no
        /// stored order has the id, which skips looking it up (an import into an empty table).
        func upsert(
            _ records: [WorkOrderRecord], _ assignments: [Assignment], index: DistrictIndex,
            mayBeStored: (String) -> Bool
        ) throws -> [Bool] {
            let database = store.database
            var isNew = [Bool](repeating: false, count: records.count)
            for (n, (r, a)) in zip(records, assignments).enumerated() {
                let row = AssignmentRow(a, in: index)
                var stored: (rowid: Int64, location: Coordinate?, sameIndexed: Bool)?
                if mayBeStored(r.id) {
                    find.reset()
                    try find.bind(.text(r.id), at: 1)
                    try find.bind(r.receivedAt.map(SQLValue.real) ?? .null, at: 7)
                    try find.bind(.text(row.status), at: 9)
                    try find.bind(.text(row.cell), at: 10)
                    if try find.step() { stored = (find.value(0).int64 ?? 0, WanggeStore.location(find, at: 1), find.value(3).int == 1) }
                    find.reset()
                }
                let statement = stored.map { $0.sameIndexed ? updateUnindexed : updateAll } ?? insert
                statement.reset()
                try statement.bind(.text(r.id), at: 1)
                try statement.bind(.text(r.lonText), at: 2)
                try statement.bind(.text(r.latText), at: 3)
                try statement.bind(.text(r.crsText), at: 4)
                try statement.bind(.text(r.category), at: 5)
                try statement.bind(.text(r.receivedAtText), at: 6)
                try statement.bind(r.receivedAt.map(SQLValue.real) ?? .null, at: 7)
                try statement.bind(.text(r.attributesJSON), at: 8)
                try store.bindAssignment(row, a, to: statement)
                try statement.bind(.text(importedAt), at: 22)
                if let stored { try statement.bind(.integer(stored.rowid), at: 23) }
                while try statement.step() {}
                if let stored {
                    updated += 1
                    if a.location != stored.location { batch.relocate(stored.rowid, to: a.location) }
                } else {
                    inserted += 1
                    isNew[n] = true
                    if a.location != nil { batch.relocate(database.lastInsertRowID, to: a.location, isNew: true) }
                }
            }
            return isNew
        }
    }

    /// The location stored in columns `i` (`wgs_lon`) and `i + 1` (`wgs_lat`) of the current row.
    static func location(_ s: Statement, at i: Int) -> Coordinate? {
        guard let x = s.double(i), let y = s.double(i + 1) else { return nil }
        return Coordinate(x, y)
    }

    /// Binds ``assignmentColumns`` (?9 … ?19) and the location (?20 `wgs_lon`, ?21 `wgs_lat`).
    func bindAssignment(_ row: AssignmentRow, _ a: Assignment, to s: Statement) throws {
        let texts = [row.status, row.cell, row.cells, row.street, row.community, row.unit, row.route, row.zone]
        for (i, t) in texts.enumerated() { try s.bind(.text(t), at: 9 + Int32(i)) }
        try s.bind(a.distanceMetres.flatMap { $0.isFinite ? SQLValue.real(($0 * 1000).rounded() / 1000) : nil } ?? .null, at: 17)
        try s.bind(.text(row.points), at: 18)
        try s.bind(a.invalidReason.map(SQLValue.text) ?? .null, at: 19)
        try s.bind(a.location.map { SQLValue.real($0.x) } ?? .null, at: 20)
        try s.bind(a.location.map { SQLValue.real($0.y) } ?? .null, at: 21)
    }

    /// The stored orders' routing inputs with their rowids and stored locations, for
    /// re-assignment after a layer changes.
    struct StoredOrders {
        var rowids: [Int64] = []
        var records: [WorkOrderRecord] = []
        var locations: [Coordinate?] = []
    }

    /// Stored orders after `rowid`, at most `limit` of them, in rowid order (see ``StoredOrders``).
    func storedOrders(after rowid: Int64 = 0, limit: Int = Int(Int32.max)) throws -> StoredOrders {
        let statement = try database.prepare(
            """
            SELECT rowid, id, lon, lat, crs, category, wgs_lon, wgs_lat FROM orders WHERE rowid > ?1 ORDER BY rowid LIMIT ?2
            """)
        try statement.bind([.integer(rowid), .integer(Int64(limit))])
        var orders = StoredOrders()
        while try statement.step() {
            orders.rowids.append(statement.value(0).int64 ?? 0)
            orders.records.append(
                WorkOrderRecord(
                    line: orders.records.count + 1, id: statement.string(1) ?? "", lonText: statement.string(2) ?? "",
                    latText: statement.string(3) ?? "", crsText: statement.string(4) ?? "",
                    category: statement.string(5) ?? ""))
            orders.locations.append(Self.location(statement, at: 6))
        }
        return orders
    }

    /// Re-routes every stored order against `index` block by block (bounded memory, the
    /// routing of each block on all cores), in one ``OrderBatch``. Only orders whose assignment
    /// changed are written (SQLite rewrites a row and its index entries on any UPDATE, even to
    /// equal values), and their points only where the new location differs from the stored
    /// one. `locate` may change the assignments of a block first (orders located by their
    /// address). Returns how many orders were re-routed; `progress` gets the running count.
    func reassignOrders(
        index: DistrictIndex, snapMetres: Double, blockSize: Int = 1 << 16,
        locate: ((_ orders: StoredOrders, _ assignments: inout [Assignment]) throws -> Void)? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws -> Int {
        try OrderBatch.run(in: database) { batch in
            let changed = Self.assignmentColumns.map { "\(Self.orderColumns[$0]) IS NOT ?\($0 + 1)" }.joined(separator: " OR ")
            let reassign = try database.prepare(
                """
                UPDATE orders SET \(Self.setting(Self.assignmentColumns)) WHERE rowid = ?23 AND (\(changed))
                """)
            let relocate = try database.prepare(
                """
                UPDATE orders SET wgs_lon = ?20, wgs_lat = ?21, geom = \(Self.orderGeometry) WHERE rowid = ?23
                """)
            let routers = OrderRouterPool(index: index, snapMetres: snapMetres)
            var updated = 0, routed = 0
            var last: Int64 = 0
            while true {
                let orders = try storedOrders(after: last, limit: blockSize)
                guard let lastRowid = orders.rowids.last else { break }
                last = lastRowid
                var assignments = try index.assign(orders.records, routers: routers)
                try locate?(orders, &assignments)
                for (i, a) in assignments.enumerated() {
                    let row = AssignmentRow(a, in: index), rowid = orders.rowids[i]
                    func write(_ statement: Statement) throws {
                        statement.reset()
                        try bindAssignment(row, a, to: statement)
                        try statement.bind(.integer(rowid), at: 23)
                        while try statement.step() {}
                        updated += database.changes
                    }
                    try write(reassign)
                    if a.location != orders.locations[i] {
                        try write(relocate)
                        batch.relocate(rowid, to: a.location)
                    }
                }
                routed += orders.rowids.count
                progress?(routed)
            }
            try batch.stamp(inserted: false, updated: updated > 0)
            return routed
        }
    }
}
