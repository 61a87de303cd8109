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
            let expected = ["cells": ["code", "name", "community", "street"], "zones": ["id", "kind", "unit", "name"],
                            "points": ["id", "name", "type", "radius_m"], "orders": ["id", "category", "received_at", "status", "assign_status", "cell", "unit"],
                            "hotspots": ["cell", "count", "z", "p", "bin"]]
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
            let posted = try await client.execute(uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                                                  body: ByteBuffer(string: order))
            #expect(posted.status == .ok)
            let third = try await client.execute(uri: "/v1/tiles/orders/\(Self.tile).mvt", method: .get, headers: reader)
            #expect(third.headers[HTTPField.Name("Wangge-Tile-Cache")!] == "miss")
            #expect(Self.layers(Array(buffer: third.body))[0].features == before + 1)
            // A category filter narrows the orders.
            let filtered = try await client.execute(uri: "/v1/tiles/orders/\(Self.tile).mvt?category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA", method: .get, headers: reader)
            #expect(filtered.status == .ok)
            #expect(Self.layers(Array(buffer: filtered.body))[0].features < before + 1)
        }
    }

    @Test func theCacheDropsTheLeastRecentlyUsed() {
        let cache = TileCache(maxEntries: 2, maxBytes: 1000)
        cache.store("a", validity: "1", bytes: [1])
        cache.store("b", validity: "1", bytes: [2])
        #expect(cache.bytes("a", validity: "1") == [1])   // a is now the most recent
        cache.store("c", validity: "1", bytes: [3])
        #expect(cache.bytes("b", validity: "1") == nil)
        #expect(cache.bytes("a", validity: "1") == [1])
        #expect(cache.bytes("a", validity: "2") == nil)   // another data version: a miss
        cache.store("d", validity: "1", bytes: [UInt8](repeating: 0, count: 1000))   // over the byte bound: older ones go
        #expect(cache.count == 1)
        #expect(cache.bytes("d", validity: "1")?.count == 1000)
    }
}
