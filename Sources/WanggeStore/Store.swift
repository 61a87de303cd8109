import Foundation
import WanggeCore

/// Wangge's SpatiaLite database: the district's layers (cells, zones, units, rules,
/// inspection points) and the work orders with their assignments, all in EPSG:4326.
public final class WanggeStore {
    public let database: Database

    /// Raised when the file was written by a newer Wangge or is not a Wangge database.
    public struct SchemaError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Opens the database at `path`. A writable open creates the file when needed and brings
    /// the schema up to date; a read-only open requires an up-to-date schema.
    public init(path: String, readOnly: Bool = false) throws {
        if readOnly && !FileManager.default.fileExists(atPath: path) {
            throw SchemaError(description: "no database at \(path) (create it with `wangge import`)")
        }
        database = try Database(path: path, readOnly: readOnly)
        let version = try database.scalar("PRAGMA user_version").int ?? 0
        if version > Schema.latestVersion {
            throw SchemaError(description: "\(path) has schema version \(version); this Wangge knows up to \(Schema.latestVersion): upgrade Wangge")
        }
        if version < Schema.latestVersion {
            if readOnly {
                throw SchemaError(description: "\(path) has schema version \(version) (expected \(Schema.latestVersion)); open it once for writing (e.g. `wangge import`) to migrate")
            }
            try migrate(from: version)
        }
    }

    private func migrate(from version: Int) throws {
        for migration in Schema.migrations where migration.version > version {
            try database.transaction {
                for statement in Schema.statements(of: migration.sql) {
                    if statement.hasPrefix("SELECT") {
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
        let insert = try database.prepare("""
            INSERT INTO cells (code, street, community, name, community_name, street_name, area_m2, geom)
            VALUES (?, ?, ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
            """)
        for (c, area) in zip(cells, areas) {
            try insert.run([.text(c.code), .text(c.streetCode), .text(c.communityCode), .text(c.name),
                            .text(c.communityName), .text(c.streetName), .real(area), .blob(WKB.encode(c.geometry))])
        }
    }

    func replaceZones(_ zones: [Zone]) throws {
        try database.execute("DELETE FROM zones")
        let insert = try database.prepare("""
            INSERT INTO zones (id, kind, unit, name, geom) VALUES (?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))
            """)
        for z in zones { try insert.run([.text(z.id), .text(z.kind), .text(z.unit), .text(z.name), .blob(WKB.encode(z.geometry))]) }
    }

    func replacePoints(_ points: [InspectionPoint]) throws {
        try database.execute("DELETE FROM points")
        let insert = try database.prepare("""
            INSERT INTO points (id, name, type, radius_m, geom) VALUES (?, ?, ?, ?, GeomFromWKB(?, 4326))
            """)
        for p in points { try insert.run([.text(p.id), .text(p.name), .text(p.type), .real(p.radiusMetres), .blob(WKB.encode(p.geometry))]) }
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
        for r in try database.prepare("SELECT code, name, community_name, street_name, AsBinary(geom) FROM cells").rows() {
            district.cells.append(Cell(code: r[0].string ?? "", name: r[1].string ?? "", communityName: r[2].string ?? "",
                                       streetName: r[3].string ?? "", geometry: try geometry(r[4], "cell \(r[0].string ?? "")")))
        }
        for r in try database.prepare("SELECT id, kind, unit, name, AsBinary(geom) FROM zones").rows() {
            district.zones.append(Zone(id: r[0].string ?? "", kind: r[1].string ?? "", unit: r[2].string ?? "",
                                       name: r[3].string ?? "", geometry: try geometry(r[4], "zone \(r[0].string ?? "")")))
        }
        for r in try database.prepare("SELECT id, name, kind, area, sla_hours FROM units ORDER BY id").rows() {
            district.units.append(ResponsibleUnit(id: r[0].string ?? "", name: r[1].string ?? "", kind: r[2].string ?? "",
                                                  area: r[3].string ?? "", slaHours: r[4].double ?? 72))
        }
        for r in try database.prepare("SELECT category, route FROM rules").rows() {
            district.rules.append(RoutingRule(category: r[0].string ?? "", routeText: r[1].string ?? ""))
        }
        for r in try database.prepare("SELECT id, name, type, radius_m, AsBinary(geom) FROM points").rows() {
            district.points.append(InspectionPoint(id: r[0].string ?? "", name: r[1].string ?? "", type: r[2].string ?? "",
                                                   radiusMetres: r[3].double ?? 0, geometry: try geometry(r[4], "point \(r[0].string ?? "")")))
        }
        return district
    }

    /// Row counts of every layer.
    public func counts() throws -> [(layer: String, rows: Int)] {
        try ["cells", "zones", "units", "rules", "points", "orders"].map { table in
            (table, try database.scalar("SELECT count(*) FROM \(table)").int ?? 0)
        }
    }

    // MARK: Orders

    /// Inserts or updates orders (by id) with their assignments.
    func upsertOrders(_ records: [WorkOrderRecord], _ assignments: [Assignment], index: DistrictIndex, importedAt: String) throws {
        let statement = try database.prepare("""
            INSERT INTO orders (id, lon, lat, crs, category, received_at, received_epoch, attributes,
                assign_status, cell, cells, street, community, unit, route, zone, distance_m, points, invalid_reason,
                wgs_lon, wgs_lat, imported_at, geom)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                CASE WHEN ?20 IS NULL THEN NULL ELSE MakePoint(?20, ?21, 4326) END)
            ON CONFLICT (id) DO UPDATE SET lon = excluded.lon, lat = excluded.lat, crs = excluded.crs,
                category = excluded.category, received_at = excluded.received_at, received_epoch = excluded.received_epoch,
                attributes = excluded.attributes, assign_status = excluded.assign_status, cell = excluded.cell,
                cells = excluded.cells, street = excluded.street, community = excluded.community, unit = excluded.unit,
                route = excluded.route, zone = excluded.zone, distance_m = excluded.distance_m, points = excluded.points,
                invalid_reason = excluded.invalid_reason, wgs_lon = excluded.wgs_lon, wgs_lat = excluded.wgs_lat,
                imported_at = excluded.imported_at, geom = excluded.geom
            """)
        for (r, a) in zip(records, assignments) {
            let row = AssignmentRow(a, in: index)
            statement.reset()
            try statement.bind(.text(r.id), at: 1)
            try statement.bind(.text(r.lonText), at: 2)
            try statement.bind(.text(r.latText), at: 3)
            try statement.bind(.text(r.crsText), at: 4)
            try statement.bind(.text(r.category), at: 5)
            try statement.bind(.text(r.receivedAtText), at: 6)
            try statement.bind(r.receivedAt.map(SQLValue.real) ?? .null, at: 7)
            try statement.bind(.text(r.attributesJSON), at: 8)
            try bindAssignment(row, a, to: statement, from: 9)
            try statement.bind(.text(importedAt), at: 22)
            while try statement.step() {}
        }
    }

    /// Binds status…invalid_reason, wgs_lon, wgs_lat at parameters `first` … `first + 12`.
    private func bindAssignment(_ row: AssignmentRow, _ a: Assignment, to s: Statement, from first: Int32) throws {
        let texts = [row.status, row.cell, row.cells, row.street, row.community, row.unit, row.route, row.zone]
        for (i, t) in texts.enumerated() { try s.bind(.text(t), at: first + Int32(i)) }
        try s.bind(a.distanceMetres.flatMap { $0.isFinite ? SQLValue.real(($0 * 1000).rounded() / 1000) : nil } ?? .null, at: first + 8)
        try s.bind(.text(row.points), at: first + 9)
        try s.bind(a.invalidReason.map(SQLValue.text) ?? .null, at: first + 10)
        try s.bind(a.location.map { SQLValue.real($0.x) } ?? .null, at: first + 11)
        try s.bind(a.location.map { SQLValue.real($0.y) } ?? .null, at: first + 12)
    }

    /// Every stored order's routing inputs, for re-assignment after a layer changes.
    func storedOrderInputs() throws -> [WorkOrderRecord] {
        let statement = try database.prepare("SELECT id, lon, lat, crs, category FROM orders ORDER BY rowid")
        try statement.bind([])
        var records: [WorkOrderRecord] = []
        while try statement.step() {
            records.append(WorkOrderRecord(line: records.count + 1, id: statement.string(0) ?? "", lonText: statement.string(1) ?? "",
                                           latText: statement.string(2) ?? "", crsText: statement.string(3) ?? "",
                                           category: statement.string(4) ?? ""))
        }
        return records
    }

    /// Writes new assignments for stored orders.
    func updateAssignments(_ records: [WorkOrderRecord], _ assignments: [Assignment], index: DistrictIndex) throws {
        let statement = try database.prepare("""
            UPDATE orders SET assign_status = ?1, cell = ?2, cells = ?3, street = ?4, community = ?5, unit = ?6, route = ?7,
                zone = ?8, distance_m = ?9, points = ?10, invalid_reason = ?11, wgs_lon = ?12, wgs_lat = ?13,
                geom = CASE WHEN ?12 IS NULL THEN NULL ELSE MakePoint(?12, ?13, 4326) END
            WHERE id = ?14
            """)
        for (r, a) in zip(records, assignments) {
            statement.reset()
            try bindAssignment(AssignmentRow(a, in: index), a, to: statement, from: 1)
            try statement.bind(.text(r.id), at: 14)
            while try statement.step() {}
        }
    }

    /// Orders whose coordinates were unusable: the manual-dispatch list.
    public func ordersNeedingManualDispatch() throws -> [[String]] {
        try database.prepare("""
            SELECT id, received_at, category, lon, lat, crs, invalid_reason FROM orders
            WHERE assign_status = 'invalid' ORDER BY received_epoch, id
            """).rows().map { $0.map { $0.string ?? "" } }
    }
}
