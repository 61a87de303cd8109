import Foundation

/// Turns parsed GeoJSON features and CSV tables into the district's model types, checking
/// each feature's attributes and converting coordinates to WGS84. Every problem is reported
/// with the feature (index and code/id) it belongs to.
public enum LayerDecoder {
    /// Converts every coordinate of `geometry` from `crs` to WGS84, or reports the first bad one.
    static func toWGS84(_ geometry: Geometry, crs: CoordinateReferenceSystem, converter: CoordinateConverter) -> Result<Geometry, CoordinateError> {
        do {
            return .success(
                try geometry.mapCoordinates { c in
                    do { return try converter.toWGS84(c, from: crs) } catch let e as CoordinateError { throw e } catch {
                        throw CoordinateError.transformFailed("\(error)")
                    }
                })
        } catch let e as CoordinateError {
            return .failure(e)
        } catch {
            return .failure(.transformFailed("\(error)"))
        }
    }

    /// Reads cells: property `code` (15 characters of [0-9A-Z]), optional `name`,
    /// `community_name`, `street_name`; Polygon or MultiPolygon.
    public static func cells(_ features: [GeoJSONFeature], crs: CoordinateReferenceSystem) -> ([Cell], ValidationReport) {
        let converter = CoordinateConverter()
        var report = ValidationReport()
        var cells: [Cell] = []
        var seen: [String: Int] = [:]
        for f in features {
            let label = f.label(key: "code")
            guard let code = (f.properties["code"]?.text ?? f.id)?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
                report.append(.error("\(label): no \"code\" property")); continue
            }
            guard Cell.isValidCode(code) else {
                report.append(
                    .error(
                        "\(label): malformed cell code \"\(code)\": expected 15 characters of [0-9A-Z] (6-digit county, 3-digit street, 3-digit community, 3-digit sequence)"
                    ))
                continue
            }
            if let first = seen[code] {
                report.append(.error("\(label): duplicate cell code \(code) (also feature \(first))")); continue
            }
            seen[code] = f.index
            guard f.geometry.polygons != nil else {
                report.append(.error("\(label): a cell must be a Polygon or MultiPolygon, not \(f.geometry.typeName)")); continue
            }
            switch toWGS84(f.geometry, crs: crs, converter: converter) {
            case .failure(let e): report.append(.error("\(label): \(e)"))
            case .success(let g):
                cells.append(
                    Cell(
                        code: code, name: f.properties["name"]?.text ?? "",
                        communityName: f.properties["community_name"]?.text ?? "",
                        streetName: f.properties["street_name"]?.text ?? "", geometry: g))
            }
        }
        return (cells, report)
    }

    /// Reads zones: properties `id`, `kind`, `unit`, optional `name`; Polygon or MultiPolygon.
    public static func zones(_ features: [GeoJSONFeature], crs: CoordinateReferenceSystem) -> ([Zone], ValidationReport) {
        let converter = CoordinateConverter()
        var report = ValidationReport()
        var zones: [Zone] = []
        var seen: [String: Int] = [:]
        for f in features {
            let label = f.label(key: "id")
            guard let id = (f.properties["id"]?.text ?? f.id)?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
                report.append(.error("\(label): no \"id\" property")); continue
            }
            if let problem = ControlCharacters.problem(in: id, field: "zone id") { report.append(.error("\(label): \(problem)")); continue }
            if let first = seen[id] { report.append(.error("\(label): duplicate zone id \(id) (also feature \(first))")); continue }
            seen[id] = f.index
            guard let kind = f.properties["kind"]?.text?.trimmingCharacters(in: .whitespaces), !kind.isEmpty else {
                report.append(.error("\(label): no \"kind\" property (e.g. squad, river, market, property)")); continue
            }
            guard kind != "street", kind != "none", !kind.contains(">") else {
                report.append(.error("\(label): zone kind \"\(kind)\" is reserved")); continue
            }
            guard let unit = f.properties["unit"]?.text?.trimmingCharacters(in: .whitespaces), !unit.isEmpty else {
                report.append(.error("\(label): no \"unit\" property")); continue
            }
            guard f.geometry.polygons != nil else {
                report.append(.error("\(label): a zone must be a Polygon or MultiPolygon, not \(f.geometry.typeName)")); continue
            }
            switch toWGS84(f.geometry, crs: crs, converter: converter) {
            case .failure(let e): report.append(.error("\(label): \(e)"))
            case .success(let g):
                zones.append(Zone(id: id, kind: kind, unit: unit, name: f.properties["name"]?.text ?? "", geometry: g))
            }
        }
        return (zones, report)
    }

    /// Reads inspection points: properties `id`, `name`, `type`, `radius_m` (≥ 0 metres);
    /// Point, LineString or Polygon (and their Multi forms).
    public static func points(_ features: [GeoJSONFeature], crs: CoordinateReferenceSystem) -> ([InspectionPoint], ValidationReport) {
        let converter = CoordinateConverter()
        var report = ValidationReport()
        var points: [InspectionPoint] = []
        var seen: [String: Int] = [:]
        for f in features {
            let label = f.label(key: "id")
            guard let id = (f.properties["id"]?.text ?? f.id)?.trimmingCharacters(in: .whitespaces), !id.isEmpty else {
                report.append(.error("\(label): no \"id\" property")); continue
            }
            if let problem = ControlCharacters.problem(in: id, field: "point id") { report.append(.error("\(label): \(problem)")); continue }
            if let first = seen[id] { report.append(.error("\(label): duplicate point id \(id) (also feature \(first))")); continue }
            seen[id] = f.index
            guard let type = f.properties["type"]?.text, !type.isEmpty else {
                report.append(.error("\(label): no \"type\" property (market, key_road, intersection, service_center, community, mall, …)")); continue
            }
            let radius = f.properties["radius_m"].map { $0.number } ?? 0
            guard let radius, radius.isFinite, radius >= 0, radius <= 10_000 else {
                report.append(
                    .error("\(label): radius_m must be a number of metres between 0 and 10000, got \(f.properties["radius_m"]?.jsonText ?? "null")"));
                continue
            }
            switch toWGS84(f.geometry, crs: crs, converter: converter) {
            case .failure(let e): report.append(.error("\(label): \(e)"))
            case .success(let g):
                points.append(InspectionPoint(id: id, name: f.properties["name"]?.text ?? "", type: type, radiusMetres: radius, geometry: g))
            }
        }
        return (points, report)
    }

    /// Reads a CSV table whose header must include `required`; rows as dictionaries by column.
    public static func table(_ bytes: [UInt8], required: [String], layer: String) throws -> [(line: Int, values: [String: String])] {
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        guard try reader.next(into: &fields) else {
            throw CSVRowError(line: 1, message: "the \(layer) file is empty; expected a header \(required.joined(separator: ","))")
        }
        let header = fields.map { reader.string($0).trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = required.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw CSVRowError(
                line: 1, message: "the \(layer) header lacks \(missing.joined(separator: ", ")); expected \(required.joined(separator: ","))")
        }
        var rows: [(Int, [String: String])] = []
        while try reader.next(into: &fields) {
            guard fields.count == header.count else {
                throw CSVRowError(line: reader.line, message: "has \(fields.count) fields, the header has \(header.count)")
            }
            var values: [String: String] = [:]
            for (name, range) in zip(header, fields) { values[name] = reader.string(range).trimmingCharacters(in: .whitespaces) }
            rows.append((reader.line, values))
        }
        return rows
    }

    /// Reads units: `id,name,kind,area,sla_hours` (`area` and `sla_hours` may be empty; 72 h by default).
    public static func units(_ bytes: [UInt8]) throws -> ([ResponsibleUnit], ValidationReport) {
        var report = ValidationReport()
        var units: [ResponsibleUnit] = []
        var seen: [String: Int] = [:]
        var areas: [String: String] = [:]
        for (line, v) in try table(bytes, required: ["id", "name", "kind"], layer: "units") {
            let id = v["id"] ?? ""
            guard !id.isEmpty else { report.append(.error("line \(line): the unit id is empty")); continue }
            if let problem = ControlCharacters.problem(in: id, field: "unit id") { report.append(.error("line \(line): \(problem)")); continue }
            if let first = seen[id] { report.append(.error("line \(line): duplicate unit id \(id) (also line \(first))")); continue }
            seen[id] = line
            let area = v["area"] ?? ""
            if !area.isEmpty {
                guard area.count == 9, area.allSatisfy(\.isNumber) else {
                    report.append(.error("line \(line): unit \(id): area \"\(area)\" is not a 9-digit street/town code")); continue
                }
                if let other = areas[area] {
                    report.append(
                        .error("line \(line): units \(other) and \(id) both answer for street \(area); the street fallback needs exactly one"))
                }
                areas[area] = id
            }
            var sla = 72.0
            if let text = v["sla_hours"], !text.isEmpty {
                guard let hours = Double(text), hours.isFinite, hours > 0, hours <= 24 * 365 else {
                    report.append(.error("line \(line): unit \(id): sla_hours \"\(text)\" must be a positive number of hours")); continue
                }
                sla = hours
            }
            units.append(ResponsibleUnit(id: id, name: v["name"] ?? "", kind: v["kind"] ?? "", area: area, slaHours: sla))
        }
        return (units, report)
    }

    /// Reads routing rules: `category,route` with route kinds separated by `>`.
    public static func rules(_ bytes: [UInt8]) throws -> ([RoutingRule], ValidationReport) {
        var report = ValidationReport()
        var rules: [RoutingRule] = []
        var seen: [String: Int] = [:]
        for (line, v) in try table(bytes, required: ["category", "route"], layer: "rules") {
            let category = v["category"] ?? ""
            guard !category.isEmpty else { report.append(.error("line \(line): the category is empty")); continue }
            if let problem = ControlCharacters.problem(in: category, field: "category") {
                report.append(.error("line \(line): \(problem)")); continue
            }
            if let first = seen[category] { report.append(.error("line \(line): duplicate category \(category) (also line \(first))")); continue }
            seen[category] = line
            let rule = RoutingRule(category: category, routeText: v["route"] ?? "")
            if rule.route.contains(where: { $0 == "street" || $0 == "none" }) {
                report.append(.error("line \(line): \(category): the street fallback is implicit; list only zone kinds in the route")); continue
            }
            if Set(rule.route).count != rule.route.count {
                report.append(.warning("line \(line): \(category): route \"\(rule.routeText)\" repeats a kind"))
            }
            rules.append(rule)
        }
        return (rules, report)
    }
}

extension LayerDecoder {
    /// The layers of a district kept as files in `directory`, as `GeoData/generate.py` writes
    /// them: cells.geojson, zones.geojson, points.geojson (WGS84), units.csv and rules.csv.
    /// Features a layer's validation rejects are left out (this is for benchmarks and tests on
    /// generated districts; `wangge import` reports them).
    public static func district(inDirectory directory: URL) throws -> District {
        func file(_ name: String) throws -> Data { try Data(contentsOf: directory.appendingPathComponent(name)) }
        var district = District()
        district.cells = cells(try GeoJSON.decodeFeatureCollection(try file("cells.geojson")), crs: .wgs84).0
        district.zones = zones(try GeoJSON.decodeFeatureCollection(try file("zones.geojson")), crs: .wgs84).0
        district.points = points(try GeoJSON.decodeFeatureCollection(try file("points.geojson")), crs: .wgs84).0
        district.units = try units([UInt8](try file("units.csv"))).0
        district.rules = try rules([UInt8](try file("rules.csv"))).0
        return district
    }
}
