import WanggeCore

/// A batch of order writes (an import, a re-routing), with SQLite's and SpatiaLite's per-row
/// work on `orders` replaced by work done once for the batch.
///
/// `AddGeometryColumn` and `CreateSpatialIndex` keep a geometry column in step with per-row
/// triggers named after the table and column. On insert and on update (`ggi_`/`ggu_`,
/// `tmi_`/`tmu_`, `gii_`/`giu_orders_geom`) they:
/// - check the geometry's type and SRID against `geometry_columns` (`GeometryConstraints`);
/// - stamp `geometry_columns_time.last_insert` / `last_update` with the current time;
/// - delete the row's R*Tree entry and re-add it with `RTreeAlign`, which formats an INSERT
///   as text and runs it through `sqlite3_exec`: one SQL compilation per row.
/// On 100,000 bench orders they took ~80 µs of the ~95 µs each order write took (the
/// R*Tree ~60 µs). ``run(in:_:)`` drops these six triggers for the batch and does their work:
/// - the writers only write NULL or `MakePoint(x, y, 4326)`, a POINT in SRID 4326, so no
///   geometry can break the constraints;
/// - ``stamp(inserted:updated:)`` stamps the times once, as the triggers' last firing would;
/// - the writers report each order whose point changed (``relocate(_:to:)``) and the R*Tree
///   `idx_orders_geom` (`pkid` = the order's rowid) is brought in line at the end: entry by
///   entry (`INSERT OR REPLACE`, which the R*Tree module honours by replacing the entry with
///   that `pkid`; `DELETE` for an order left without a point), or, when at least an eighth of
///   the entries change (an R*Tree insertion costs about eight entries of a rebuild), rebuilt
///   whole by ``RTreeBulkLoad`` from the MBRs of the non-NULL `geom`s, as `CreateSpatialIndex`
///   fills it.
/// Into an empty `orders` (a first import) the secondary indexes (`orders_received`,
/// `orders_cell`, …: every index with SQL text, so not the primary key's) are dropped too and
/// created again after the writes: one sort per index instead of a B-tree insertion per row
/// and index. `CREATE INDEX` reads the same rows the inserts would have indexed, so the indexes
/// end up with the same entries. (The writers look orders up by `id` only, whose primary-key
/// index stays.) The triggers come back with their exact text from `sqlite_master`, the indexes
/// likewise. The drop, the writes and
/// the restore share one savepoint: SQLite's DDL is transactional, so a failure rolls all of
/// it back, triggers and indexes included, and other connections (WAL readers see committed
/// states only) never see `orders` without its triggers or indexes. The delete triggers stay: the writers never delete.
///
/// Two connection settings hold for the batch and are restored after it:
/// - `PRAGMA ignore_check_constraints = ON`. The only CHECK on `orders` is `assign_status IN
///   (…five values…)`, which SQLite evaluates by building a temporary B-tree of the list once
///   per statement run, so once per row (~4 µs). The writers write `assign_status` only from
///   `AssignmentStatus.rawValue`, the same five values (a test holds both lists together).
///   Changing the setting expires the connection's prepared statements; SQLite recompiles
///   them, without or again with the checks, when they next run.
/// - A page cache (`PRAGMA cache_size`) of at least ``cacheKiB`` KiB: with SQLite's default
///   2 MiB the inserts into `orders`' four indexes keep evicting and re-reading index pages
///   (a million-order import took ~20 % longer; caches above 64 MiB gained nothing).
final class OrderBatch {
    /// The triggers whose work the batch takes over.
    static let suspendedTriggers = ["ggi", "ggu", "tmi", "tmu", "gii", "giu"].map { "\($0)_orders_geom" }
    static let cacheKiB = 64 * 1024

    private let database: Database
    private var relocations: [(rowid: Int64, location: Coordinate?, isNew: Bool)] = []

    private init(database: Database) {
        self.database = database
    }

    /// Runs `body`, which writes orders through statements it prepares, as a batch (see the type).
    /// `progress` hears of the work done after `body` (the spatial index, the secondary indexes).
    static func run<T>(in database: Database, progress: ((String) -> Void)? = nil, _ body: (OrderBatch) throws -> T) throws -> T {
        // cache_size < 0 is in KiB (SQLite's default is -2000), > 0 in pages (left as set).
        let cacheSize = try database.scalar("PRAGMA cache_size").int ?? -2000
        let ignoresChecks = try database.scalar("PRAGMA ignore_check_constraints").int ?? 0
        let batchCacheSize = cacheSize < 0 ? min(cacheSize, -cacheKiB) : cacheSize
        try database.execute("PRAGMA cache_size = \(batchCacheSize); PRAGMA ignore_check_constraints = ON")
        defer { try? database.execute("PRAGMA cache_size = \(cacheSize); PRAGMA ignore_check_constraints = \(ignoresChecks)") }
        return try database.savepoint("order_batch") {
            let names = suspendedTriggers.map { "'\($0)'" }.joined(separator: ", ")
            let triggers = try database.prepare(
                """
                SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'orders' AND name IN (\(names))
                """
            ).rows().map { (name: $0[0].string ?? "", sql: $0[1].string ?? "") }
            for trigger in triggers { try database.execute("DROP TRIGGER \"\(trigger.name)\"") }
            // Into an empty table, the secondary indexes are built once at the end (see the type).
            let isEmpty = try database.scalar("SELECT EXISTS (SELECT 1 FROM orders)").int != 1
            let indexes =
                isEmpty
                ? try database.prepare(
                    """
                    SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders' AND sql IS NOT NULL
                    """
                ).rows().map { (name: $0[0].string ?? "", sql: $0[1].string ?? "") } : []
            for index in indexes { try database.execute("DROP INDEX \"\(index.name)\"") }
            let batch = OrderBatch(database: database)
            let result = try body(batch)
            try batch.updateSpatialIndex(progress: progress)
            if !indexes.isEmpty { progress?("building the indexes \(indexes.map(\.name).joined(separator: ", "))") }
            for index in indexes { try database.execute(index.sql) }
            for trigger in triggers { try database.execute(trigger.sql) }
            return result
        }
    }

    /// Notes that the order at `rowid` now has its point at `location`, or no geometry (nil);
    /// `isNew`: the order was inserted by this batch, so the R*Tree has no entry for it yet.
    func relocate(_ rowid: Int64, to location: Coordinate?, isNew: Bool = false) {
        relocations.append((rowid, location, isNew))
    }

    /// Stamps `geometry_columns_time` for `orders.geom` as the suspended triggers would have.
    func stamp(inserted: Bool, updated: Bool) throws {
        let columns = (inserted ? ["last_insert"] : []) + (updated ? ["last_update"] : [])
        guard !columns.isEmpty else { return }
        try database.execute(
            """
            UPDATE geometry_columns_time SET \(columns.map { "\($0) = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" }.joined(separator: ", "))
            WHERE Lower(f_table_name) = 'orders' AND Lower(f_geometry_column) = 'geom'
            """)
    }

    /// The Morton (Z-order) code of a WGS84 point on a 2^16 × 2^16 grid over the globe.
    static func zOrder(_ p: Coordinate) -> UInt32 {
        func spread(_ v: UInt32) -> UInt32 {
            var x = v & 0xFFFF
            x = (x | (x << 8)) & 0x00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333
            return (x | (x << 1)) & 0x5555_5555
        }
        let gx = UInt32(max(0, min(65_535, (p.x + 180) / 360 * 65_536)))
        let gy = UInt32(max(0, min(65_535, (p.y + 90) / 180 * 65_536)))
        return spread(gx) | (spread(gy) << 1)
    }

    /// Brings `idx_orders_geom` in line with the relocations (see the type).
    private func updateSpatialIndex(progress: ((String) -> Void)?) throws {
        guard !relocations.isEmpty else { return }
        let entryCount = try database.scalar("SELECT count(*) FROM idx_orders_geom_rowid").int ?? 0
        progress?("updating the spatial index for \(relocations.count) order location(s)")
        if relocations.count * 8 >= entryCount {
            let geometries = try database.prepare(
                """
                SELECT rowid, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM orders WHERE geom IS NOT NULL
                """)
            try geometries.bind([])
            var entries: [RTreeBulkLoad.Entry] = []
            while try geometries.step() {
                let box = RTreeBox(
                    minX: geometries.double(1) ?? 0, maxX: geometries.double(2) ?? 0,
                    minY: geometries.double(3) ?? 0, maxY: geometries.double(4) ?? 0)
                entries.append(.init(id: geometries.value(0).int64 ?? 0, box: box))
            }
            try RTreeBulkLoad.replaceContent(of: "idx_orders_geom", with: entries, in: database)
        } else {
            let place = try database.prepare("INSERT OR REPLACE INTO idx_orders_geom (pkid, xmin, xmax, ymin, ymax) VALUES (?1, ?2, ?2, ?3, ?3)")
            let add = try database.prepare("INSERT INTO idx_orders_geom (pkid, xmin, xmax, ymin, ymax) VALUES (?1, ?2, ?2, ?3, ?3)")
            let remove = try database.prepare("DELETE FROM idx_orders_geom WHERE pkid = ?1")
            // In Z-order of their points, consecutive entries mostly land in the same leaves.
            let ordered = relocations.sorted { a, b in
                switch (a.location, b.location) {
                case let (p?, q?): return Self.zOrder(p) < Self.zOrder(q)
                case (nil, _?): return true
                default: return false
                }
            }
            for (rowid, location, isNew) in ordered {
                if let location {
                    // A new order has no entry: a plain INSERT skips OR REPLACE's lookup.
                    try (isNew ? add : place).run([.integer(rowid), .real(location.x), .real(location.y)])
                } else {
                    try remove.run([.integer(rowid)])
                }
            }
        }
    }
}
