/// Mapbox Vector Tile 2.1 encoding (https://github.com/mapbox/vector-tile-spec/tree/master/2.1),
/// written by hand: a tile is a protocol-buffers message of layers; a layer holds its features,
/// a table of property keys and one of values; a feature's properties are pairs of indexes
/// into those tables, its geometry a stream of commands (MoveTo, LineTo, ClosePath) with
/// zigzag-encoded deltas in the tile's integer grid (`extent` units a side, y down).
public enum VectorTile {
    /// The tile grid's side in units (the spec's default).
    public static let defaultExtent = 4096
    /// The media type of an encoded tile.
    public static let mediaType = "application/vnd.mapbox-vector-tile"

    /// A tile holding `layers` (layers without features are left out, as the spec allows).
    public static func encode(_ layers: [VectorTileLayer]) -> [UInt8] {
        var out = ProtobufWriter()
        for layer in layers where layer.featureCount > 0 { out.message(3, layer.encoded()) }
        return out.bytes
    }
}

/// A property value of a feature, in the types MVT carries.
public enum TileValue: Hashable, Sendable {
    case string(String)
    case double(Double)
    case int(Int64)
    case bool(Bool)
}

/// A position in a tile's integer grid (x right, y down; may lie in the buffer outside
/// `0 ..< extent`).
public struct TilePoint: Hashable, Sendable {
    public var x: Int32
    public var y: Int32
    public init(_ x: Int32, _ y: Int32) { self.x = x; self.y = y }
}

/// A feature's geometry in tile units, ready to encode: points; lines; or polygons as rings,
/// each exterior (positive area by the surveyor's formula in tile coordinates: clockwise on
/// screen, y down) followed by its holes (negative area), without the closing point.
public enum TileGeometry: Hashable, Sendable {
    case points([TilePoint])
    case lines([[TilePoint]])
    case polygons([[TilePoint]])

    /// The MVT `GeomType`: 1 point, 2 linestring, 3 polygon.
    var typeCode: UInt64 {
        switch self {
        case .points: return 1
        case .lines: return 2
        case .polygons: return 3
        }
    }

    /// The command stream: `[MoveTo n][x y]…` for points; per line `[MoveTo 1][x y][LineTo n-1]…`;
    /// per ring the same plus `[ClosePath 1]`. Parameters are zigzag deltas from the cursor.
    var commands: [UInt32] {
        var out: [UInt32] = []
        var cursor = TilePoint(0, 0)
        func command(_ id: UInt32, _ count: Int) { out.append(id & 0x7 | UInt32(count) << 3) }
        func move(to p: TilePoint) {
            out.append(zigzag(Int64(p.x) - Int64(cursor.x)))
            out.append(zigzag(Int64(p.y) - Int64(cursor.y)))
            cursor = p
        }
        switch self {
        case .points(let points):
            guard !points.isEmpty else { return [] }
            command(1, points.count)
            points.forEach(move)
        case .lines(let lines):
            for line in lines where line.count >= 2 {
                command(1, 1); move(to: line[0])
                command(2, line.count - 1); line.dropFirst().forEach(move)
            }
        case .polygons(let rings):
            for ring in rings where ring.count >= 3 {
                command(1, 1); move(to: ring[0])
                command(2, ring.count - 1); ring.dropFirst().forEach(move)
                command(7, 1)
            }
        }
        return out
    }

    private func zigzag(_ n: Int64) -> UInt32 { UInt32(truncatingIfNeeded: (n << 1) ^ (n >> 63)) }
}

/// One layer of a tile being built: features are added one at a time; keys and values are
/// shared through the layer's tables.
public struct VectorTileLayer: Sendable {
    public let name: String
    public let extent: Int
    public private(set) var featureCount = 0
    private var keys: [String] = []
    private var keyIndex: [String: UInt32] = [:]
    private var values: [TileValue] = []
    private var valueIndex: [TileValue: UInt32] = [:]
    private var features = ProtobufWriter()

    public init(name: String, extent: Int = VectorTile.defaultExtent) {
        self.name = name
        self.extent = extent
    }

    /// Adds a feature (an empty geometry is skipped). `id` is the spec's optional numeric id.
    public mutating func add(_ geometry: TileGeometry, id: UInt64? = nil, properties: [(String, TileValue)]) {
        let commands = geometry.commands
        guard !commands.isEmpty else { return }
        var tags: [UInt32] = []
        for (key, value) in properties {
            if keyIndex[key] == nil {
                keyIndex[key] = UInt32(keys.count)
                keys.append(key)
            }
            if valueIndex[value] == nil {
                valueIndex[value] = UInt32(values.count)
                values.append(value)
            }
            tags += [keyIndex[key]!, valueIndex[value]!]
        }
        var feature = ProtobufWriter()
        if let id { feature.varint(1, id) }
        if !tags.isEmpty { feature.packed(2, tags) }
        feature.varint(3, geometry.typeCode)
        feature.packed(4, commands)
        features.message(2, feature.bytes)
        featureCount += 1
    }

    /// The `Layer` message: version 2, name, features, keys, values, extent.
    func encoded() -> [UInt8] {
        var out = ProtobufWriter()
        out.varint(15, 2)
        out.string(1, name)
        out.bytes += features.bytes
        for key in keys { out.string(3, key) }
        for value in values {
            var v = ProtobufWriter()
            switch value {
            case .string(let s): v.string(1, s)
            case .double(let d): v.fixed64(3, d.bitPattern)
            case .int(let i): v.varint(6, UInt64((i << 1) ^ (i >> 63)))  // sint_value, zigzag
            case .bool(let b): v.varint(7, b ? 1 : 0)
            }
            out.message(4, v.bytes)
        }
        out.varint(5, UInt64(extent))
        return out.bytes
    }
}

/// The few protocol-buffers encodings a tile needs: varints, length-delimited fields, packed
/// repeated varints, fixed 64-bit.
struct ProtobufWriter: Sendable {
    var bytes: [UInt8] = []

    mutating func rawVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func tag(_ field: Int, _ wireType: UInt64) { rawVarint(UInt64(field) << 3 | wireType) }

    mutating func varint(_ field: Int, _ value: UInt64) {
        tag(field, 0)
        rawVarint(value)
    }

    mutating func fixed64(_ field: Int, _ value: UInt64) {
        tag(field, 1)
        for i in 0 ..< 8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    mutating func message(_ field: Int, _ content: [UInt8]) {
        tag(field, 2)
        rawVarint(UInt64(content.count))
        bytes += content
    }

    mutating func string(_ field: Int, _ text: String) { message(field, Array(text.utf8)) }

    mutating func packed(_ field: Int, _ values: [UInt32]) {
        var inner = ProtobufWriter()
        for v in values { inner.rawVarint(UInt64(v)) }
        message(field, inner.bytes)
    }
}
