import Foundation

/// A tile's address in the XYZ scheme of web maps: zoom `z`, column `x` from the antimeridian
/// eastwards, row `y` from the north, over Web Mercator (EPSG:3857) cut at ±85.0511°.
public struct TileAddress: Hashable, Sendable, CustomStringConvertible {
    public let z: Int
    public let x: Int
    public let y: Int

    /// The deepest zoom served (a tile then spans about 2.4 m at the equator).
    public static let maxZoom = 24

    /// A z/x/y out of range: the parameter and why.
    public struct OutOfRange: Error, CustomStringConvertible, Sendable {
        public let parameter: String
        public let description: String
    }

    /// Checks `z` in 0…``maxZoom`` and `x`, `y` in 0 ..< 2^z.
    public init(z: Int, x: Int, y: Int) throws(OutOfRange) {
        guard (0 ... Self.maxZoom).contains(z) else {
            throw OutOfRange(parameter: "z", description: "zoom \(z) is out of range: 0 to \(Self.maxZoom)")
        }
        let n = 1 << z
        guard (0 ..< n).contains(x) else { throw OutOfRange(parameter: "x", description: "x \(x) is out of range at zoom \(z): 0 to \(n - 1)") }
        guard (0 ..< n).contains(y) else { throw OutOfRange(parameter: "y", description: "y \(y) is out of range at zoom \(z): 0 to \(n - 1)") }
        self.z = z; self.x = x; self.y = y
    }

    /// Reads `z`, `x`, `y` as written in a URL or on a command line (decimal integers).
    public init(z: String, x: String, y: String) throws(OutOfRange) {
        func integer(_ text: String, _ name: String) throws(OutOfRange) -> Int {
            guard !text.isEmpty, text.utf8.allSatisfy({ (0x30 ... 0x39).contains($0) }), text.utf8.count <= 9, let v = Int(text) else {
                throw OutOfRange(parameter: name, description: "\(name) \"\(text)\" is not a non-negative integer")
            }
            return v
        }
        try self.init(z: try integer(z, "z"), x: try integer(x, "x"), y: try integer(y, "y"))
    }

    /// Why `z`, `x`, `y` (as written) are not a tile's address, or nil when they are.
    public static func problem(z: String, x: String, y: String) -> OutOfRange? {
        do { _ = try TileAddress(z: z, x: x, y: y) } catch { return error }
        return nil
    }

    public var description: String { "\(z)/\(x)/\(y)" }

    /// Latitudes beyond this are not on the Web Mercator square.
    static let maxLatitude = 85.051_128_779_806_59

    /// The position of `c` (WGS84 lon/lat) in this tile's grid of `extent` units, y down.
    public func project(_ c: Coordinate, extent: Int) -> (x: Double, y: Double) {
        let scale = Double(1 << z)
        let lat = min(max(c.y, -Self.maxLatitude), Self.maxLatitude) * .pi / 180
        let mx = (c.x + 180) / 360
        let my = (1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2
        return ((mx * scale - Double(x)) * Double(extent), (my * scale - Double(y)) * Double(extent))
    }

    /// The lon/lat box of the tile grown by `buffer` units of `extent` on each side: what may
    /// reach into the tile.
    public func bounds(buffer: Int, extent: Int) -> BoundingBox {
        let scale = Double(1 << z)
        let margin = Double(buffer) / Double(extent)
        func lon(_ column: Double) -> Double { column / scale * 360 - 180 }
        func lat(_ row: Double) -> Double {
            let clamped = min(max(row / scale, 0), 1)
            return atan(sinh(.pi * (1 - 2 * clamped))) * 180 / .pi
        }
        return BoundingBox(
            minX: max(-180, lon(Double(x) - margin)), minY: lat(Double(y + 1) + margin),
            maxX: min(180, lon(Double(x + 1) + margin)), maxY: lat(Double(y) - margin))
    }
}
