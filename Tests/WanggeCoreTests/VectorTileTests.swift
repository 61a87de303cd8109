import Foundation
import Testing
@testable import WanggeCore

/// A tiny MVT reader written from the specification, independent of the encoder: enough to
/// check layers, features, properties and geometry commands.
struct DecodedTile {
    struct Feature {
        var id: UInt64?
        var type: UInt64 = 0
        var tags: [UInt64] = []
        var commands: [UInt64] = []
    }
    struct Layer {
        var version: UInt64 = 1
        var name = ""
        var extent: UInt64 = 4096
        var keys: [String] = []
        var values: [TileValue] = []
        var features: [Feature] = []

        func properties(_ f: Feature) -> [String: TileValue] {
            var out: [String: TileValue] = [:]
            for i in stride(from: 0, to: f.tags.count, by: 2) { out[keys[Int(f.tags[i])]] = values[Int(f.tags[i + 1])] }
            return out
        }
    }
    var layers: [Layer] = []

    struct Reader {
        let bytes: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        var atEnd: Bool { i >= bytes.count }
        mutating func varint() -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                let b = bytes[i]; i += 1
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
        }
        mutating func field() -> (Int, Int) { let t = varint(); return (Int(t >> 3), Int(t & 7)) }
        mutating func chunk() -> [UInt8] { let n = Int(varint()); defer { i += n }; return Array(bytes[i ..< i + n]) }
        mutating func fixed64() -> UInt64 { var v: UInt64 = 0; for k in 0 ..< 8 { v |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }; i += 8; return v }
        static func packed(_ b: [UInt8]) -> [UInt64] {
            var r = Reader(b); var out: [UInt64] = []; while !r.atEnd { out.append(r.varint()) }; return out
        }
    }

    init(_ bytes: [UInt8]) {
        var r = Reader(bytes)
        while !r.atEnd {
            let (f, _) = r.field()
            precondition(f == 3, "a tile holds only layers")
            var l = Reader(r.chunk()), layer = Layer()
            while !l.atEnd {
                let (field, wire) = l.field()
                switch (field, wire) {
                case (15, 0): layer.version = l.varint()
                case (1, 2): layer.name = String(decoding: l.chunk(), as: UTF8.self)
                case (5, 0): layer.extent = l.varint()
                case (3, 2): layer.keys.append(String(decoding: l.chunk(), as: UTF8.self))
                case (4, 2):
                    var v = Reader(l.chunk())
                    let (vf, _) = v.field()
                    switch vf {
                    case 1: layer.values.append(.string(String(decoding: v.chunk(), as: UTF8.self)))
                    case 3: layer.values.append(.double(Double(bitPattern: v.fixed64())))
                    case 6: let z = v.varint(); layer.values.append(.int(Int64(z >> 1) ^ -Int64(z & 1)))
                    case 7: layer.values.append(.bool(v.varint() != 0))
                    default: Issue.record("unexpected value field \(vf)")
                    }
                case (2, 2):
                    var fr = Reader(l.chunk()), feature = Feature()
                    while !fr.atEnd {
                        switch fr.field() {
                        case (1, 0): feature.id = fr.varint()
                        case (2, 2): feature.tags = Reader.packed(fr.chunk())
                        case (3, 0): feature.type = fr.varint()
                        case (4, 2): feature.commands = Reader.packed(fr.chunk())
                        case let other: Issue.record("unexpected feature field \(other)")
                        }
                    }
                    layer.features.append(feature)
                default: Issue.record("unexpected layer field \(field)/\(wire)")
                }
            }
            layers.append(layer)
        }
    }

    /// A feature's geometry as parts (points, lines or rings) of absolute positions.
    static func parts(_ commands: [UInt64]) -> [[TilePoint]] {
        var parts: [[TilePoint]] = [], current: [TilePoint] = []
        var x: Int64 = 0, y: Int64 = 0, i = 0
        func unzig(_ v: UInt64) -> Int64 { Int64(v >> 1) ^ -Int64(v & 1) }
        while i < commands.count {
            let id = commands[i] & 7, count = Int(commands[i] >> 3); i += 1
            switch id {
            case 1, 2:
                if id == 1 && !current.isEmpty { parts.append(current); current = [] }
                for _ in 0 ..< count {
                    x += unzig(commands[i]); y += unzig(commands[i + 1]); i += 2
                    current.append(TilePoint(Int32(x), Int32(y)))
                }
            case 7: parts.append(current); current = []
            default: Issue.record("unknown command \(id)")
            }
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }
}

@Suite struct VectorTileTests {
    /// The specification's own example (section 4.3.5): a square exterior ring
    /// (3,6) (8,12) (20,34) closed, encoded as 9 3 6 18 5 6 12 22 15.
    @Test func commandsOfTheSpecificationsPolygon() {
        let g = TileGeometry.polygons([[TilePoint(3, 6), TilePoint(8, 12), TilePoint(20, 34)]])
        #expect(g.commands == [9, 6, 12, 18, 10, 12, 24, 44, 15])
        let point = TileGeometry.points([TilePoint(25, 17)])
        #expect(point.commands == [9, 50, 34])
        let line = TileGeometry.lines([[TilePoint(2, 2), TilePoint(2, 10), TilePoint(10, 10)]])
        #expect(line.commands == [9, 4, 4, 18, 0, 16, 16, 0])
    }

    @Test func layerRoundTrip() {
        var layer = VectorTileLayer(name: "cells")
        layer.add(
            .polygons([[TilePoint(0, 0), TilePoint(100, 0), TilePoint(100, 100), TilePoint(0, 100)]]), id: 310_113_102_001_005,
            properties: [("code", .string("310113102001005")), ("z", .double(2.5)), ("bin", .int(-3)), ("hot", .bool(true))])
        layer.add(.points([TilePoint(-5, 4100)]), properties: [("code", .string("x")), ("bin", .int(-3))])
        layer.add(.points([]), properties: [])  // nothing to draw: skipped
        let tile = DecodedTile(VectorTile.encode([layer, VectorTileLayer(name: "empty")]))
        #expect(tile.layers.count == 1)
        let l = tile.layers[0]
        #expect(l.name == "cells" && l.version == 2 && l.extent == 4096)
        #expect(l.features.count == 2)
        #expect(l.keys == ["code", "z", "bin", "hot"])
        #expect(l.values.count == 5)  // -3 shared by both features
        #expect(l.features[0].id == 310_113_102_001_005 && l.features[0].type == 3)
        #expect(l.properties(l.features[0]) == ["code": .string("310113102001005"), "z": .double(2.5), "bin": .int(-3), "hot": .bool(true)])
        #expect(l.properties(l.features[1]) == ["code": .string("x"), "bin": .int(-3)])
        #expect(l.features[1].id == nil && l.features[1].type == 1)
        #expect(DecodedTile.parts(l.features[1].commands) == [[TilePoint(-5, 4100)]])
        #expect(DecodedTile.parts(l.features[0].commands) == [[TilePoint(0, 0), TilePoint(100, 0), TilePoint(100, 100), TilePoint(0, 100)]])
    }

    @Test func tileAddressesAreChecked() throws {
        #expect(throws: TileAddress.OutOfRange.self) { try TileAddress(z: 25, x: 0, y: 0) }
        #expect(throws: TileAddress.OutOfRange.self) { try TileAddress(z: 2, x: 4, y: 0) }
        #expect(throws: TileAddress.OutOfRange.self) { try TileAddress(z: 2, x: 0, y: -1) }
        #expect(throws: TileAddress.OutOfRange.self) { try TileAddress(z: "3", x: "1.5", y: "0") }
        do { _ = try TileAddress(z: "1", x: "x", y: "0"); Issue.record("x accepted") } catch { #expect(error.parameter == "x") }
        let t = try TileAddress(z: "14", x: "13722", y: "6692")
        #expect(t.description == "14/13722/6692")
    }

    /// Web Mercator: the tile of Shanghai at zoom 14, and corners landing on the grid's edges.
    @Test func projection() throws {
        let world = try TileAddress(z: 0, x: 0, y: 0)
        let corner = world.project(Coordinate(-180, 85.05112877980659), extent: 4096)
        #expect(abs(corner.x) < 1e-9 && abs(corner.y) < 1e-6)
        let centre = world.project(Coordinate(0, 0), extent: 4096)
        #expect(abs(centre.x - 2048) < 1e-9 && abs(centre.y - 2048) < 1e-9)
        // 121.4°E 31.3°N at zoom 14 is tile 13717/6690 (x = floor((lon+180)/360·2^z)).
        let z = 14, n = Double(1 << z)
        let lon = 121.4, lat = 31.3
        let x = Int(((lon + 180) / 360 * n).rounded(.down))
        let phi = lat * .pi / 180
        let mercator: Double = log(tan(phi) + 1 / cos(phi))
        let y = Int(((1 - mercator / .pi) / 2 * n).rounded(.down))
        #expect(x == 13717 && y == 6690)
        let tile = try TileAddress(z: z, x: x, y: y)
        let p = tile.project(Coordinate(lon, lat), extent: 4096)
        #expect((0 ..< 4096).contains(p.x) && (0 ..< 4096).contains(p.y))
        let b = tile.bounds(buffer: 0, extent: 4096)
        #expect(b.minX <= lon && lon <= b.maxX && b.minY <= lat && lat <= b.maxY)
        #expect(b.maxY > b.minY)
    }

    /// A polygon larger than the tile is cut to the tile and its buffer; a CCW lon/lat ring
    /// (RFC 7946) comes out with positive area in tile coordinates (clockwise on screen), its
    /// hole negative; a polygon outside the tile gives nothing.
    @Test func clippingAndWinding() throws {
        let tile = try TileAddress(z: 14, x: 13717, y: 6690)
        let clipper = TileClipper(tile: tile)
        let b = tile.bounds(buffer: 0, extent: 4096)
        let (w, s, e, n) = (b.minX, b.minY, b.maxX, b.maxY)
        let dx = e - w, dy = n - s
        // Exterior CCW in lon/lat, twice the tile's size; a hole in the tile's middle (CW).
        let exterior = LinearRing([
            Coordinate(w - dx, s - dy), Coordinate(e + dx, s - dy), Coordinate(e + dx, n + dy), Coordinate(w - dx, n + dy),
            Coordinate(w - dx, s - dy),
        ])
        let hole = LinearRing([
            Coordinate(w + dx * 0.4, s + dy * 0.4), Coordinate(w + dx * 0.4, s + dy * 0.6), Coordinate(w + dx * 0.6, s + dy * 0.6),
            Coordinate(w + dx * 0.6, s + dy * 0.4), Coordinate(w + dx * 0.4, s + dy * 0.4),
        ])
        guard case .polygons(let rings)? = clipper.clip(.polygon(Polygon(exterior: exterior, holes: [hole]))) else {
            Issue.record("no polygon"); return
        }
        #expect(rings.count == 2)
        #expect(clipper.area(rings[0]) > 0 && clipper.area(rings[1]) < 0)
        // The exterior is the buffered tile's square exactly.
        #expect(Set(rings[0]) == [TilePoint(-64, -64), TilePoint(4160, -64), TilePoint(4160, 4160), TilePoint(-64, 4160)])
        #expect(rings[1].allSatisfy { (1600 ... 2500).contains($0.x) && (1600 ... 2500).contains($0.y) })
        // Far away: nothing.
        let away = Geometry.polygon(Polygon(exterior: LinearRing([Coordinate(0, 0), Coordinate(1, 0), Coordinate(1, 1), Coordinate(0, 0)])))
        #expect(clipper.clip(away) == nil)
        // A line crossing the tile is cut at the buffer's edges; a point outside is dropped.
        guard case .lines(let lines)? = clipper.clip(.lineString([Coordinate(w - dx, s + dy / 2), Coordinate(e + dx, s + dy / 2)])) else {
            Issue.record("no line"); return
        }
        #expect(lines.count == 1 && lines[0].count == 2 && lines[0][0].x == -64 && lines[0][1].x == 4160)
        #expect(clipper.clip(.point(Coordinate(e + dx, n))) == nil)
        guard case .points(let kept)? = clipper.clip(.multiPoint([Coordinate(w + dx / 2, s + dy / 2), Coordinate(e + dx, n)])) else {
            Issue.record("no points"); return
        }
        #expect(kept.count == 1 && abs(kept[0].x - 2048) <= 1 && (1900 ... 2200).contains(kept[0].y))
    }

    /// Simplification per zoom: a ring with a vertex less than the tolerance off a straight edge
    /// loses it; a polygon smaller than a pixel at a low zoom disappears.
    @Test func simplification() throws {
        let tile = try TileAddress(z: 14, x: 13717, y: 6690)
        let clipper = TileClipper(tile: tile)
        let b = tile.bounds(buffer: 0, extent: 4096)
        let (w, s) = (b.minX, b.minY)
        let u = (b.maxX - b.minX) / 4096  // one tile unit in degrees of longitude
        let v = (b.maxY - b.minY) / 4096
        // A square of 1000 units with one extra vertex 1 unit off its bottom edge's middle.
        let ring = LinearRing([
            Coordinate(w + 1000 * u, s + 1000 * v), Coordinate(w + 1500 * u, s + 999 * v), Coordinate(w + 2000 * u, s + 1000 * v),
            Coordinate(w + 2000 * u, s + 2000 * v), Coordinate(w + 1000 * u, s + 2000 * v), Coordinate(w + 1000 * u, s + 1000 * v),
        ])
        guard case .polygons(let rings)? = clipper.clip(.polygon(Polygon(exterior: ring))) else { Issue.record("no polygon"); return }
        #expect(rings.count == 1 && rings[0].count == 4)
        let low = TileClipper(tile: try TileAddress(z: 4, x: 13717 >> 10, y: 6690 >> 10))
        #expect(low.clip(.polygon(Polygon(exterior: ring))) == nil)
    }
}
