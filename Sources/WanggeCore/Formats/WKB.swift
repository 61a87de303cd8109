/// Well-Known Binary (OGC Simple Features, 2D), the exchange format between the core and
/// SpatiaLite (`GeomFromWKB` / `AsBinary`). Writing is little-endian; reading accepts both
/// byte orders and ignores Z/M ordinates (ISO and EWKB-style flags).
public enum WKB {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public static func encode(_ geometry: Geometry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        write(geometry, into: &out)
        return out
    }

    private static func write(_ geometry: Geometry, into out: inout [UInt8]) {
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func f64(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        func header(_ type: UInt32) { out.append(1); u32(type) }
        func points(_ cs: [Coordinate]) { u32(UInt32(cs.count)); for c in cs { f64(c.x); f64(c.y) } }
        func polygon(_ p: Polygon) { header(3); u32(UInt32(p.rings.count)); for r in p.rings { points(r.points) } }
        switch geometry {
        case .point(let c): header(1); f64(c.x); f64(c.y)
        case .lineString(let cs): header(2); points(cs)
        case .polygon(let p): polygon(p)
        case .multiPoint(let cs): header(4); u32(UInt32(cs.count)); for c in cs { header(1); f64(c.x); f64(c.y) }
        case .multiLineString(let ls): header(5); u32(UInt32(ls.count)); for l in ls { header(2); points(l) }
        case .multiPolygon(let ps): header(6); u32(UInt32(ps.count)); for p in ps { polygon(p) }
        }
    }

    public static func decode(_ bytes: [UInt8]) throws -> Geometry {
        var reader = Reader(bytes: bytes)
        return try reader.geometry()
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var littleEndian = true

        mutating func byte() throws -> UInt8 {
            guard offset < bytes.count else { throw Error(description: "WKB ends early at byte \(offset)") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func u32() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw Error(description: "WKB ends early at byte \(offset)") }
            var v: UInt32 = 0
            for i in 0 ..< 4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
            offset += 4
            return littleEndian ? v : v.byteSwapped
        }

        mutating func f64() throws -> Double {
            guard offset + 8 <= bytes.count else { throw Error(description: "WKB ends early at byte \(offset)") }
            var v: UInt64 = 0
            for i in 0 ..< 8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return Double(bitPattern: littleEndian ? v : v.byteSwapped)
        }

        mutating func geometry() throws -> Geometry {
            littleEndian = try byte() == 1
            var type = try u32()
            var dims = 2
            if type & 0x8000_0000 != 0 { dims += 1 }  // EWKB Z
            if type & 0x4000_0000 != 0 { dims += 1 }  // EWKB M
            type &= 0x0FFF_FFFF
            if type >= 3000 { dims = 4; type -= 3000 } else if type >= 2000 { dims = 3; type -= 2000 } else if type >= 1000 { dims = 3; type -= 1000 }
            func position() throws -> Coordinate {
                let c = Coordinate(try f64(), try f64())
                for _ in 2 ..< dims { _ = try f64() }
                return c
            }
            func positions() throws -> [Coordinate] {
                let n = Int(try u32())
                guard n <= bytes.count else { throw Error(description: "WKB count \(n) exceeds the data") }
                return try (0 ..< n).map { _ in try position() }
            }
            func polygonBody() throws -> Polygon {
                let n = Int(try u32())
                guard n >= 1, n <= bytes.count else { throw Error(description: "WKB polygon with \(n) rings") }
                let rings = try (0 ..< n).map { _ in LinearRing(try positions()) }
                return Polygon(exterior: rings[0], holes: Array(rings.dropFirst()))
            }
            func parts<T>(_ expected: UInt32, _ body: (inout Reader) throws -> T) throws -> [T] {
                let n = Int(try u32())
                guard n <= bytes.count else { throw Error(description: "WKB count \(n) exceeds the data") }
                var result: [T] = []
                for _ in 0 ..< n {
                    var sub = Reader(bytes: bytes, offset: offset)
                    sub.littleEndian = try sub.byte() == 1
                    let t = try sub.u32() & 0x0FFF_FFFF
                    guard t % 1000 == expected else { throw Error(description: "WKB part of type \(t) in a collection of \(expected)") }
                    sub.offset = offset
                    let part = try body(&sub)
                    offset = sub.offset
                    result.append(part)
                }
                return result
            }
            switch type {
            case 1: return .point(try position())
            case 2: return .lineString(try positions())
            case 3: return .polygon(try polygonBody())
            case 4:
                return .multiPoint(
                    try parts(1) { r in
                        if case .point(let c) = try r.geometry() { return c }; throw Error(description: "bad MultiPoint part")
                    })
            case 5:
                return .multiLineString(
                    try parts(2) { r in
                        if case .lineString(let l) = try r.geometry() { return l }; throw Error(description: "bad MultiLineString part")
                    })
            case 6:
                return .multiPolygon(
                    try parts(3) { r in
                        if case .polygon(let p) = try r.geometry() { return p }; throw Error(description: "bad MultiPolygon part")
                    })
            default: throw Error(description: "unsupported WKB geometry type \(type)")
            }
        }
    }
}
