import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
@testable import WanggeServer

/// `GET /v1/tiles/{layer}/{z}/{x}/{y}.mvt` over the sample district (宝山, around 121.40°E 31.30°N).
@Suite struct TileRouteTests {
    /// The zoom-13 tile holding 121.404567°E 31.305585°N (the sample's first order).
    static let tile = "13/6858/3345"

    /// Layer names and feature counts of an MVT (a minimal reader: layer name, feature count,
    /// keys), independent of the encoder.
    static func layers(_ bytes: [UInt8]) -> [(name: String, features: Int, keys: [String])] {
        var out: [(String, Int, [String])] = []
        var i = 0
        func varint(_ b: [UInt8], _ i: inout Int) -> Int {
            var v = 0, shift = 0
            while true { let c = b[i]; i += 1; v |= Int(c & 0x7F) << shift; if c < 0x80 { return v }; shift += 7 }
        }
        while i < bytes.count {
            _ = varint(bytes, &i)
            let n = varint(bytes, &i)
            let layer = Array(bytes[i ..< i + n]); i += n
            var j = 0, name = "", features = 0, keys: [String] = []
            while j < layer.count {
                let tag = varint(layer, &j)
                if tag & 7 == 0 { _ = varint(layer, &j); continue }
                let m = varint(layer, &j)
                let content = Array(layer[j ..< j + m]); j += m
                switch tag >> 3 {
                case 1: name = String(decoding: content, as: UTF8.self)
                case 2: features += 1
                case 3: keys.append(String(decoding: content, as: UTF8.self))
                default: break
                }
            }
            out.append((name, features, keys))
        }
        return out
    }

    @Test func everyLayerHasFeaturesWithTheirProperties() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let expected = [
                "cells": ["code", "name", "community", "street"], "zones": ["id", "kind", "unit", "name"],
                "points": ["id", "name", "type", "radius_m"], "orders": ["id", "category", "received_at", "status", "assign_status", "cell", "unit"],
                "hotspots": ["cell", "count", "z", "p", "bin"],
            ]
            for (layer, keys) in expected {
                let r = try await client.execute(uri: "/v1/tiles/\(layer)/\(Self.tile).mvt", method: .get, headers: fixture.headers(.reader))
                #expect(r.status == .ok, "\(layer)")
                #expect(r.headers[.contentType] == "application/vnd.mapbox-vector-tile")
                let decoded = Self.layers(Array(buffer: r.body))
                #expect(decoded.count == 1 && decoded.first?.name == layer)
                #expect((decoded.first?.features ?? 0) > 0, "\(layer)")
                #expect(Set(decoded.first?.keys ?? []) == Set(keys), "\(layer)")
            }
        }
    }

    /// Each feature's id and first position (the MoveTo of its geometry), in tile units.
    static func firstPositions(_ bytes: [UInt8]) -> [UInt64: (x: Int, y: Int)] {
        func varint(_ b: [UInt8], _ i: inout Int) -> Int {
            var v = 0, shift = 0
            while true { let c = b[i]; i += 1; v |= Int(c & 0x7F) << shift; if c < 0x80 { return v }; shift += 7 }
        }
        func zigzag(_ n: Int) -> Int { (n >> 1) ^ -(n & 1) }
        /// The length-delimited members of `b` with their field number.
        func members(_ b: [UInt8]) -> [(field: Int, value: Int, content: [UInt8])] {
            var out: [(Int, Int, [UInt8])] = [], i = 0
            while i < b.count {
                let tag = varint(b, &i)
                if tag & 7 == 0 { out.append((tag >> 3, varint(b, &i), [])); continue }
                let n = varint(b, &i)
                out.append((tag >> 3, 0, Array(b[i ..< i + n]))); i += n
            }
            return out
        }
        var out: [UInt64: (x: Int, y: Int)] = [:]
        for layer in members(bytes) where layer.field == 3 {
            for feature in members(layer.content) where feature.field == 2 {
                let fields = members(feature.content)
                guard let id = fields.first(where: { $0.field == 1 })?.value,
                    let geometry = fields.first(where: { $0.field == 4 })?.content
                else { continue }
                var i = 0
                let command = varint(geometry, &i)
                guard command & 7 == 1 else { continue }
                let x = zigzag(varint(geometry, &i)), y = zigzag(varint(geometry, &i))
                out[UInt64(id)] = (x, y)
            }
        }
        return out
    }

    /// `crs=gcj02` shifts each geometry before it is projected: a cell's tile position moves by
    /// what OutputCRS moves its vertex; without crs the tile is the WGS84 one, cached apart.
    @Test func shiftedTilesMoveByTheOffset() async throws {
        let fixture = try ServerFixture()
        let z = 13, extent = 4096
        // A cell wholly inside one zoom-13 tile, shifted or not (well away from its edges).
        func tile(of c: Coordinate) -> (x: Int, y: Int) {
            let lat = c.y * .pi / 180, n = Double(1 << z)
            return (Int((c.x + 180) / 360 * n), Int((1 - log(tan(lat) + 1 / cos(lat)) / .pi) / 2 * n))
        }
        let cell = try #require(
            fixture.service.snapshot.district.cells.first { cell in
                let vertices = cell.geometry.allCoordinates
                let t = tile(of: vertices[0])
                guard let address = try? TileAddress(z: z, x: t.x, y: t.y) else { return false }
                return (vertices + vertices.map(OutputCRS.gcj02.apply)).allSatisfy { c in
                    let p = address.project(c, extent: extent)
                    return (200 ... Double(extent - 200)).contains(p.x) && (200 ... Double(extent - 200)).contains(p.y)
                }
            })
        let vertex = cell.geometry.allCoordinates[0]
        let t = tile(of: vertex)
        let address = try TileAddress(z: z, x: t.x, y: t.y)
        let plain = address.project(vertex, extent: extent), shifted = address.project(OutputCRS.gcj02.apply(vertex), extent: extent)
        let expected = (x: shifted.x - plain.x, y: shifted.y - plain.y)
        // GCJ-02 moves Shanghai a few hundred metres: hundreds of tile units at zoom 13.
        #expect(abs(expected.x) + abs(expected.y) > 100, "\(expected)")
        try await fixture.test { client in
            let reader = fixture.headers(.reader)
            let uri = "/v1/tiles/cells/\(address).mvt"
            let wgs84 = try await client.execute(uri: uri, method: .get, headers: reader)
            let gcj02 = try await client.execute(uri: uri + "?crs=gcj02", method: .get, headers: reader)
            #expect(gcj02.headers[HTTPField.Name("Wangge-Tile-Cache")!] == "miss", "the crs is part of the cache key")
            let explicit = try await client.execute(uri: uri + "?crs=wgs84", method: .get, headers: reader)
            #expect(wgs84.status == .ok && gcj02.status == .ok)
            #expect(Array(buffer: explicit.body) == Array(buffer: wgs84.body), "no crs: the WGS84 tile")
            #expect(Array(buffer: gcj02.body) != Array(buffer: wgs84.body))
            let id = try #require(UInt64(cell.code))
            let before = try #require(Self.firstPositions(Array(buffer: wgs84.body))[id])
            let after = try #require(Self.firstPositions(Array(buffer: gcj02.body))[id])
            // The WGS84 tile starts at one of the cell's vertices projected as they are (to the unit).
            let vertices = cell.geometry.allCoordinates.map { address.project($0, extent: extent) }
            #expect(vertices.contains { abs(Double(before.x) - $0.x) <= 1 && abs(Double(before.y) - $0.y) <= 1 }, "\(before)")
            #expect(abs(Double(after.x - before.x) - expected.x) <= 1.5, "\(after) - \(before) vs \(expected)")
            #expect(abs(Double(after.y - before.y) - expected.y) <= 1.5, "\(after) - \(before) vs \(expected)")
            // An unknown crs is a 400 naming it.
            let bad = try await client.execute(uri: uri + "?crs=mars", method: .get, headers: reader)
            #expect(bad.status == .badRequest)
            #expect(bad.json["parameter"] == .string("crs"))
        }
    }

    @Test func statusesAndCaching() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let reader = fixture.headers(.reader)
            // Out of range, not integers: 400 naming the parameter; unknown layer: 404.
            for (path, parameter) in [("/v1/tiles/cells/25/0/0.mvt", "z"), ("/v1/tiles/cells/3/8/0.mvt", "x"), ("/v1/tiles/cells/3/0/x.mvt", "y")] {
                let r = try await client.execute(uri: path, method: .get, headers: reader)
                #expect(r.status == .badRequest, "\(path)")
                #expect(r.json["parameter"] == .string(parameter))
            }
            #expect(try await client.execute(uri: "/v1/tiles/roads/3/0/0.mvt", method: .get, headers: reader).status == .notFound)
            // Without a token: 401.
            #expect(try await client.execute(uri: "/v1/tiles/cells/\(Self.tile).mvt", method: .get).status == .unauthorized)
            // Far from the district (the Atlantic): no content.
            let empty = try await client.execute(uri: "/v1/tiles/cells/13/4000/4000.mvt", method: .get, headers: reader)
            #expect(empty.status == .noContent)
            #expect(empty.body.readableBytes == 0)
            // The second request is served from the cache, byte for byte.
            let first = try await client.execute(uri: "/v1/tiles/orders/\(Self.tile).mvt", method: .get, headers: reader)
            let second = try await client.execute(uri: "/v1/tiles/orders/\(Self.tile).mvt", method: .get, headers: reader)
            #expect(first.headers[HTTPField.Name("Wangge-Tile-Cache")!] == "miss")
            #expect(second.headers[HTTPField.Name("Wangge-Tile-Cache")!] == "hit")
            #expect(first.body == second.body)
            // A new order changes the data version: the orders tile is made again, with one more feature.
            let before = Self.layers(Array(buffer: first.body))[0].features
            let order = #"{"id":"TILE-1","lon":121.404567,"lat":31.305585,"category":"违法搭建","received_at":"2025-06-01T08:00:00+08:00"}"#
            let posted = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: order))
            #expect(posted.status == .ok)
            let third = try await client.execute(uri: "/v1/tiles/orders/\(Self.tile).mvt", method: .get, headers: reader)
            #expect(third.headers[HTTPField.Name("Wangge-Tile-Cache")!] == "miss")
            #expect(Self.layers(Array(buffer: third.body))[0].features == before + 1)
            // A category filter narrows the orders.
            let filtered = try await client.execute(
                uri: "/v1/tiles/orders/\(Self.tile).mvt?category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA", method: .get, headers: reader)
            #expect(filtered.status == .ok)
            #expect(Self.layers(Array(buffer: filtered.body))[0].features < before + 1)
        }
    }

    @Test func theCacheDropsTheLeastRecentlyUsed() {
        let cache = TileCache(maxEntries: 2, maxBytes: 1000)
        cache.store("a", validity: "1", bytes: [1])
        cache.store("b", validity: "1", bytes: [2])
        #expect(cache.bytes("a", validity: "1") == [1])  // a is now the most recent
        cache.store("c", validity: "1", bytes: [3])
        #expect(cache.bytes("b", validity: "1") == nil)
        #expect(cache.bytes("a", validity: "1") == [1])
        #expect(cache.bytes("a", validity: "2") == nil)  // another data version: a miss
        cache.store("d", validity: "1", bytes: [UInt8](repeating: 0, count: 1000))  // over the byte bound: older ones go
        #expect(cache.count == 1)
        #expect(cache.bytes("d", validity: "1")?.count == 1000)
    }
}
