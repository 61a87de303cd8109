/// A position in a layer's coordinate system: `x` is longitude (or easting),
/// `y` is latitude (or northing). Wangge stores everything in EPSG:4326, lon/lat order
/// as RFC 7946 requires.
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var x: Double
    public var y: Double

    @inlinable public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }

    /// True when both ordinates are finite and form a valid WGS84 longitude/latitude.
    public var isValidLonLat: Bool {
        x.isFinite && y.isFinite && x >= -180 && x <= 180 && y >= -90 && y <= 90
    }

    public var description: String { "(\(x) \(y))" }
}

/// A closed ring: the first position is repeated as the last (RFC 7946 §3.1.6).
public struct LinearRing: Hashable, Sendable {
    public var points: [Coordinate]

    public init(_ points: [Coordinate]) { self.points = points }

    /// Twice the signed area (shoelace); positive for counter-clockwise rings.
    public var signedDoubleArea: Double {
        var sum = 0.0
        for i in 0 ..< max(points.count - 1, 0) {
            let a = points[i], b = points[i + 1]
            sum += a.x * b.y - b.x * a.y
        }
        return sum
    }
}

/// A polygon: one exterior ring and zero or more holes.
public struct Polygon: Hashable, Sendable {
    public var exterior: LinearRing
    public var holes: [LinearRing]

    public init(exterior: LinearRing, holes: [LinearRing] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    public var rings: [LinearRing] { [exterior] + holes }
}

/// The geometries Wangge's layers hold. Cells and zones are (multi)polygons; inspection
/// points may be points, lines or polygons.
public enum Geometry: Hashable, Sendable {
    case point(Coordinate)
    case lineString([Coordinate])
    case polygon(Polygon)
    case multiPoint([Coordinate])
    case multiLineString([[Coordinate]])
    case multiPolygon([Polygon])

    /// The polygons of a polygonal geometry, or nil for points and lines.
    public var polygons: [Polygon]? {
        switch self {
        case .polygon(let p): return [p]
        case .multiPolygon(let ps): return ps
        default: return nil
        }
    }

    /// Every position of the geometry, in order.
    public var allCoordinates: [Coordinate] {
        switch self {
        case .point(let c): return [c]
        case .lineString(let cs), .multiPoint(let cs): return cs
        case .multiLineString(let ls): return ls.flatMap { $0 }
        case .polygon(let p): return p.rings.flatMap(\.points)
        case .multiPolygon(let ps): return ps.flatMap { $0.rings.flatMap(\.points) }
        }
    }

    /// The geometry with `transform` applied to every position.
    public func mapCoordinates(_ transform: (Coordinate) throws -> Coordinate) rethrows -> Geometry {
        func ring(_ r: LinearRing) throws -> LinearRing { LinearRing(try r.points.map(transform)) }
        func poly(_ p: Polygon) throws -> Polygon {
            Polygon(exterior: try ring(p.exterior), holes: try p.holes.map(ring))
        }
        switch self {
        case .point(let c): return .point(try transform(c))
        case .lineString(let cs): return .lineString(try cs.map(transform))
        case .multiPoint(let cs): return .multiPoint(try cs.map(transform))
        case .multiLineString(let ls): return .multiLineString(try ls.map { try $0.map(transform) })
        case .polygon(let p): return .polygon(try poly(p))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(poly))
        }
    }

    /// The OGC type name, as SpatiaLite and GeoJSON spell it.
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .lineString: return "LineString"
        case .polygon: return "Polygon"
        case .multiPoint: return "MultiPoint"
        case .multiLineString: return "MultiLineString"
        case .multiPolygon: return "MultiPolygon"
        }
    }

    /// The bounding box, or nil for an empty geometry.
    public var boundingBox: BoundingBox? { BoundingBox(allCoordinates) }
}

/// An axis-aligned box, closed on every side.
public struct BoundingBox: Hashable, Sendable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }

    public init?<S: Sequence>(_ coordinates: S) where S.Element == Coordinate {
        var it = coordinates.makeIterator()
        guard let first = it.next() else { return nil }
        var box = BoundingBox(minX: first.x, minY: first.y, maxX: first.x, maxY: first.y)
        while let c = it.next() { box.include(c) }
        self = box
    }

    public mutating func include(_ c: Coordinate) {
        minX = Swift.min(minX, c.x); maxX = Swift.max(maxX, c.x)
        minY = Swift.min(minY, c.y); maxY = Swift.max(maxY, c.y)
    }

    public mutating func include(_ b: BoundingBox) {
        minX = Swift.min(minX, b.minX); maxX = Swift.max(maxX, b.maxX)
        minY = Swift.min(minY, b.minY); maxY = Swift.max(maxY, b.maxY)
    }

    @inlinable public func contains(_ c: Coordinate) -> Bool {
        c.x >= minX && c.x <= maxX && c.y >= minY && c.y <= maxY
    }

    public func intersects(_ b: BoundingBox) -> Bool {
        minX <= b.maxX && b.minX <= maxX && minY <= b.maxY && b.minY <= maxY
    }

    /// The box grown by `dx` and `dy` on each side.
    public func expanded(dx: Double, dy: Double) -> BoundingBox {
        BoundingBox(minX: minX - dx, minY: minY - dy, maxX: maxX + dx, maxY: maxY + dy)
    }
}
