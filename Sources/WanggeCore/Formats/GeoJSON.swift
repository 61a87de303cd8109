import Foundation

/// One feature read from a GeoJSON FeatureCollection.
public struct GeoJSONFeature: Sendable {
    /// Position in the collection, 0-based.
    public var index: Int
    /// The feature's top-level `id`, if any.
    public var id: String?
    public var properties: [String: JSONValue]
    public var geometry: Geometry

    /// A label naming the feature in messages: `feature 12 (code 310113102001001)`.
    public func label(key: String) -> String {
        if let v = properties[key]?.text { return "feature \(index) (\(key) \(v))" }
        return "feature \(index)"
    }
}

/// A GeoJSON input problem, naming the feature and what is wrong.
public struct GeoJSONError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Reads RFC 7946 GeoJSON FeatureCollections.
///
/// Checked here (structure): the document is a FeatureCollection; each feature has a geometry
/// of a known type; positions are arrays of 2 or 3 finite numbers (a third ordinate is ignored);
/// line strings have ≥ 2 positions; rings have ≥ 4 positions and are closed (first == last).
/// Not checked here: coordinate ranges (the layer may be in another CRS until converted) and
/// polygon validity (see ``GeometryChecker``). Ring orientation is accepted either way.
public enum GeoJSON {
    public static func decodeFeatureCollection(_ data: Data) throws -> [GeoJSONFeature] {
        let root: JSONValue
        do {
            root = try JSONParser.parse([UInt8](data))
        } catch let error as JSONParseError {
            throw GeoJSONError("not valid JSON: \(error)")
        }
        guard case .object(let object) = root, object["type"] == .string("FeatureCollection") else {
            throw GeoJSONError("expected a GeoJSON FeatureCollection (an object with \"type\": \"FeatureCollection\")")
        }
        guard case .array(let features)? = object["features"] else {
            throw GeoJSONError("the FeatureCollection has no \"features\" array")
        }
        var result: [GeoJSONFeature] = []
        result.reserveCapacity(features.count)
        for (i, item) in features.enumerated() {
            guard case .object(let feature) = item, feature["type"] == .string("Feature") else {
                throw GeoJSONError("feature \(i): not a GeoJSON Feature object")
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let p)? = feature["properties"] { properties = p }
            let id = feature["id"]?.text
            let label = GeoJSONFeature(index: i, id: id, properties: properties, geometry: .point(Coordinate(0, 0)))
            let name = properties["code"] != nil ? label.label(key: "code") : label.label(key: "id")
            guard let g = feature["geometry"], g != .null else {
                throw GeoJSONError("\(name): geometry is missing or null")
            }
            do {
                let geometry = try decodeGeometry(g)
                result.append(GeoJSONFeature(index: i, id: id, properties: properties, geometry: geometry))
            } catch let error as GeoJSONError {
                throw GeoJSONError("\(name): \(error.message)")
            }
        }
        return result
    }

    /// Decodes a GeoJSON geometry object.
    public static func decodeGeometry(_ value: JSONValue) throws -> Geometry {
        guard case .object(let object) = value, case .string(let type)? = object["type"] else {
            throw GeoJSONError("geometry is not an object with a \"type\"")
        }
        guard let coordinates = object["coordinates"] else {
            throw GeoJSONError("\(type) has no \"coordinates\"")
        }
        switch type {
        case "Point": return .point(try position(coordinates))
        case "MultiPoint": return .multiPoint(try array(coordinates, "MultiPoint").map(position))
        case "LineString": return .lineString(try line(coordinates))
        case "MultiLineString": return .multiLineString(try array(coordinates, "MultiLineString").map(line))
        case "Polygon": return .polygon(try polygon(coordinates))
        case "MultiPolygon":
            let parts = try array(coordinates, "MultiPolygon").enumerated().map { i, p in
                do { return try polygon(p) } catch let e as GeoJSONError { throw GeoJSONError("polygon \(i): \(e.message)") }
            }
            guard !parts.isEmpty else { throw GeoJSONError("MultiPolygon has no polygons") }
            return .multiPolygon(parts)
        default:
            throw GeoJSONError("unsupported geometry type \"\(type)\"")
        }
    }

    private static func array(_ value: JSONValue, _ what: String) throws -> [JSONValue] {
        guard case .array(let a) = value else { throw GeoJSONError("\(what) coordinates are not an array") }
        return a
    }

    private static func position(_ value: JSONValue) throws -> Coordinate {
        guard case .array(let a) = value, a.count == 2 || a.count == 3 else {
            throw GeoJSONError("a position must be an array of 2 or 3 numbers, got \(value.jsonText.prefix(80))")
        }
        var numbers: [Double] = []
        for v in a {
            guard case .number(let d) = v else {
                throw GeoJSONError("a position holds a non-number: \(v.jsonText.prefix(80))")
            }
            numbers.append(d)
        }
        guard numbers[0].isFinite, numbers[1].isFinite else { throw GeoJSONError("a position holds a non-finite number") }
        return Coordinate(numbers[0], numbers[1])
    }

    private static func line(_ value: JSONValue) throws -> [Coordinate] {
        let points = try array(value, "LineString").map(position)
        guard points.count >= 2 else { throw GeoJSONError("a LineString needs at least 2 positions, has \(points.count)") }
        return points
    }

    private static func polygon(_ value: JSONValue) throws -> Polygon {
        let rings = try array(value, "Polygon")
        guard !rings.isEmpty else { throw GeoJSONError("Polygon has no rings") }
        var parsed: [LinearRing] = []
        for (i, r) in rings.enumerated() {
            let points = try array(r, "ring").map(position)
            let which = i == 0 ? "exterior ring" : "hole \(i)"
            guard points.count >= 4 else {
                throw GeoJSONError("\(which) has \(points.count) positions; a ring needs at least 4")
            }
            guard points.first == points.last else {
                throw GeoJSONError("\(which) is not closed: first position \(points.first!) differs from last \(points.last!)")
            }
            parsed.append(LinearRing(points))
        }
        return Polygon(exterior: parsed[0], holes: Array(parsed.dropFirst()))
    }

    /// Encodes a geometry as a GeoJSON geometry object following RFC 7946: exterior rings
    /// counter-clockwise, holes clockwise, at most `decimals` decimal places.
    public static func encode(_ geometry: Geometry, decimals: Int = 7) -> JSONValue {
        let scale = pow(10.0, Double(decimals))
        func pos(_ c: Coordinate) -> JSONValue { .array([.number((c.x * scale).rounded() / scale), .number((c.y * scale).rounded() / scale)]) }
        func ring(_ r: LinearRing, counterClockwise: Bool) -> JSONValue {
            let isCCW = r.signedDoubleArea > 0
            let points = isCCW == counterClockwise ? r.points : r.points.reversed()
            return .array(points.map(pos))
        }
        func poly(_ p: Polygon) -> JSONValue {
            .array([ring(p.exterior, counterClockwise: true)] + p.holes.map { ring($0, counterClockwise: false) })
        }
        let coordinates: JSONValue
        switch geometry {
        case .point(let c): coordinates = pos(c)
        case .multiPoint(let cs), .lineString(let cs): coordinates = .array(cs.map(pos))
        case .multiLineString(let ls): coordinates = .array(ls.map { .array($0.map(pos)) })
        case .polygon(let p): coordinates = poly(p)
        case .multiPolygon(let ps): coordinates = .array(ps.map(poly))
        }
        return .object(["type": .string(geometry.typeName), "coordinates": coordinates])
    }

    /// A Feature with `properties` and `geometry` (RFC 7946), and its `id` at the top level
    /// when given (cell code, zone id, order id…: what OGC clients and QGIS key features by).
    public static func feature(_ geometry: Geometry, id: JSONValue? = nil, properties: [String: JSONValue]) -> JSONValue {
        var members: [String: JSONValue] = ["type": .string("Feature"), "properties": .object(properties), "geometry": encode(geometry)]
        if let id { members["id"] = id }
        return .object(members)
    }

    /// A FeatureCollection of `features`; written in another system than WGS84 (`crs`), it
    /// carries the `"crs_note"` foreign member saying it is not RFC 7946.
    public static func featureCollection(_ features: [JSONValue], crs: OutputCRS = .wgs84) -> JSONValue {
        var members: [String: JSONValue] = ["type": .string("FeatureCollection"), "features": .array(features)]
        if let note = crs.note { members["crs_note"] = .string(note) }
        return .object(members)
    }
}
