import Foundation
import WanggeCore

/// Wangge's SpatiaLite database: the district's layers (cells, zones, units, rules,
/// inspection points) and the work orders with their assignments, all in EPSG:4326.
public final class WanggeStore {
    public let database: Database

    /// Raised when the file is missing, was written by a newer Wangge, needs a migration a
    /// read-only open cannot make, or a migration failed.
    public struct SchemaError: WanggeError, Sendable {
        public let description: String
        /// ``ErrorKind/notFound`` for a missing file, ``ErrorKind/unavailable`` for a schema
        /// this open cannot use, ``ErrorKind/internal`` for a failed migration.
        public var kind: ErrorKind = .internal
    }

    /// Opens the database at `path`. A writable open creates the file when needed and brings
    /// the schema up to date; a read-only open requires an up-to-date schema.
    public init(path: String, readOnly: Bool = false) throws {
        if readOnly && !FileManager.default.fileExists(atPath: path) {
            throw SchemaError(description: "no database at \(path) (create it with `wangge import`)", kind: .notFound)
        }
        let opened = try Database(path: path, readOnly: readOnly)
        let version = try opened.scalar("PRAGMA user_version").int ?? 0
        if version > Schema.latestVersion {
            throw SchemaError(
                description: "\(path) has schema version \(version); this Wangge knows up to \(Schema.latestVersion): upgrade Wangge",
                kind: .unavailable)
        }
        guard version < Schema.latestVersion else { database = opened; return }
        if readOnly {
            throw SchemaError(
                description:
                    "\(path) has schema version \(version) (expected \(Schema.latestVersion)); open it once for writing (e.g. `wangge import`) to migrate",
                kind: .unavailable)
        }
        try Self.migrate(opened, from: version)
        // A migration that rewrites a table's declaration (5) leaves this connection's schema
        // cache unusable (SQLITE_SCHEMA, "no such table"); a new connection reads it afresh.
        database = try Database(path: path)
    }

    private static func migrate(_ database: Database, from version: Int) throws {
        for migration in Schema.migrations where migration.version > version {
            try database.transaction {
                for statement in Schema.statements(of: migration.sql) {
                    if statement == Schema.bumpSchemaVersion {
                        let cookie = try database.scalar("PRAGMA schema_version").int ?? 0
                        try database.execute("PRAGMA schema_version = \(cookie + 1)")
                    } else if statement.hasPrefix("SELECT") {
                        // SpatiaLite metadata functions report failure by returning 0.
                        guard try database.scalar(statement).int == 1 else {
                            throw SchemaError(description: "migration \(migration.version) failed at `\(statement)`: \(database.lastErrorMessage)")
                        }
                    } else {
                        try database.execute(statement)
                    }
                }
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    /// Refreshes SpatiaLite's statistics of `table`'s geometry (`geometry_columns_statistics`:
    /// row count and extent), which GDAL and QGIS read for a layer's extent without a scan.
    ///
    /// The row is what SpatiaLite's `UpdateLayerStatistics(table, 'geom')` writes: `count(*)`
    /// and the min/max of the geometries' MBRs. That function also scans every attribute column
    /// into `geometry_columns_field_infos` (~15 s for a million orders), which neither GDAL nor
    /// QGIS reads, so that table is not maintained. GDAL uses the row only while `last_verified`
    /// sorts after the table's latest `geometry_columns_time` stamp; both are
    /// `%Y-%m-%dT%H:%M:%fZ` text, and `last_verified` is the current time but at least 2 ms
    /// after that stamp, so a refresh in the same millisecond as the writes still counts.
    func updateLayerStatistics(_ table: String) throws {
        try database.execute(
            """
            INSERT OR REPLACE INTO geometry_columns_statistics
                (f_table_name, f_geometry_column, last_verified, row_count, extent_min_x, extent_min_y, extent_max_x, extent_max_y)
            SELECT '\(table)', 'geom',
                strftime('%Y-%m-%dT%H:%M:%fZ', max(julianday('now'), ifnull((
                    SELECT julianday(max(last_insert, last_update, last_delete)) + 0.002 / 86400 FROM geometry_columns_time
                    WHERE f_table_name = '\(table)' AND f_geometry_column = 'geom'), 0))),
                count(*), min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)), max(MbrMaxY(geom))
            FROM "\(table)"
            """)
    }

    /// The schema version of the open database.
    public var schemaVersion: Int { (try? database.scalar("PRAGMA user_version").int) ?? 0 }

    // MARK: Layers

    func replaceUnits(_ units: [ResponsibleUnit]) throws {
        try database.execute("DELETE FROM units")
        let insert = try database.prepare("INSERT INTO units (id, name, kind, area, sla_hours) VALUES (?, ?, ?, ?, ?)")
        for u in units { try insert.run([.text(u.id), .text(u.name), .text(u.kind), .text(u.area), .real(u.slaHours)]) }
    }

    func replaceRules(_ rules: [RoutingRule]) throws {
        try database.execute("DELETE FROM rules")
        let insert = try database.prepare("INSERT INTO rules (category, route) VALUES (?, ?)")
        for r in rules { try insert.run([.text(r.category), .text(r.routeText)]) }
    }

    func replaceCells(_ cells: [Cell], areas: [Double]) throws {
        try database.execute("DELETE FROM cells")
        let insert = try database.prepare(
            """
            INSERT INTO cells (code, street, community, name, community_name, street_name, area_m2, geom)
            VALUES (?, ?, ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
            """)
        for (c, area) in zip(cells, areas) {
            try insert.run([
                .text(c.code), .text(c.streetCode), .text(c.communityCode), .text(c.name),
                .text(c.communityName), .text(c.streetName), .real(area), .blob(WKB.encode(c.geometry)),
            ])
        }
    }

    func replaceZones(_ zones: [Zone]) throws {
        try database.execute("DELETE FROM zones")
        let insert = try database.prepare(
            """
            INSERT INTO zones (id, kind, unit, name, geom) VALUES (?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
            """)
        for z in zones { try insert.run([.text(z.id), .text(z.kind), .text(z.unit), .text(z.name), .blob(WKB.encode(z.geometry))]) }
    }

    func replacePoints(_ points: [InspectionPoint]) throws {
        try database.execute("DELETE FROM points")
        let insert = try database.prepare(
            """
            INSERT INTO points (id, name, type, radius_m, geom) VALUES (?, ?, ?, ?, GeomFromWKB(?, 4326))
            """)
        for p in points { try insert.run([.text(p.id), .text(p.name), .text(p.type), .real(p.radiusMetres), .blob(WKB.encode(p.geometry))]) }
    }

    /// Records that a layer changed (`wangge_meta.layers_version`, a fresh random value), so a
    /// running server notices an import made by another process and reloads its index.
    func markLayersChanged() throws {
        try database.prepare("INSERT OR REPLACE INTO wangge_meta (key, value) VALUES ('layers_version', ?1)")
            .run([.text(String(UInt64.random(in: 1 ... UInt64.max), radix: 36))])
    }

    /// The value ``markLayersChanged()`` last wrote ("" before any layer import).
    public func layersVersion() throws -> String {
        try database.scalar("SELECT value FROM wangge_meta WHERE key = 'layers_version'").string ?? ""
    }

    /// The ids of the stored units.
    public func unitIDs() throws -> Set<String> {
        Set(try database.prepare("SELECT id FROM units").rows().compactMap { $0[0].string })
    }

    /// Every stored layer, ready for ``DistrictIndex``.
    public func loadDistrict() throws -> District {
        func geometry(_ v: SQLValue, _ what: String) throws -> Geometry {
            guard case .blob(let bytes) = v else { throw SchemaError(description: "\(what) has no geometry") }
            return try WKB.decode(bytes)
        }
        var district = District()
        // In code order, as the index keeps them (it then has nothing to sort); row by row, not
        // gathered into rows first (a city has 40,000 cells).
        let cells = try database.prepare("SELECT code, name, community_name, street_name, AsBinary(geom) FROM cells ORDER BY code")
        while try cells.step() {
            let code = cells.string(0) ?? ""
            district.cells.append(
                Cell(
                    code: code, name: cells.string(1) ?? "", communityName: cells.string(2) ?? "",
                    streetName: cells.string(3) ?? "", geometry: try geometry(cells.value(4), "cell \(code)")))
        }
        cells.reset()
        for r in try database.prepare("SELECT id, kind, unit, name, AsBinary(geom) FROM zones").rows() {
            district.zones.append(
                Zone(
                    id: r[0].string ?? "", kind: r[1].string ?? "", unit: r[2].string ?? "",
                    name: r[3].string ?? "", geometry: try geometry(r[4], "zone \(r[0].string ?? "")")))
        }
        for r in try database.prepare("SELECT id, name, kind, area, sla_hours FROM units ORDER BY id").rows() {
            district.units.append(
                ResponsibleUnit(
                    id: r[0].string ?? "", name: r[1].string ?? "", kind: r[2].string ?? "",
                    area: r[3].string ?? "", slaHours: r[4].double ?? 72))
        }
        for r in try database.prepare("SELECT category, route FROM rules").rows() {
            district.rules.append(RoutingRule(category: r[0].string ?? "", routeText: r[1].string ?? ""))
        }
        for r in try database.prepare("SELECT id, name, type, radius_m, AsBinary(geom) FROM points").rows() {
            district.points.append(
                InspectionPoint(
                    id: r[0].string ?? "", name: r[1].string ?? "", type: r[2].string ?? "",
                    radiusMetres: r[3].double ?? 0, geometry: try geometry(r[4], "point \(r[0].string ?? "")")))
        }
        return district
    }

    /// Row counts of every layer.
    public func counts() throws -> [(layer: String, rows: Int)] {
        try ["cells", "zones", "units", "rules", "points", "addresses", "orders"].map { table in
            (table, try database.scalar("SELECT count(*) FROM \(table)").int ?? 0)
        }
    }
}
