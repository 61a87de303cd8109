import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeStore
@testable import WanggeServer

/// OGC API – Features at /ogcapi, output CRS and the GIS niceties of the layer routes.
@Suite struct FeatureRouteTests {
    @Test func landingConformanceAndCollections() async throws {
        let fixture = try ServerFixture(publicRead: true)
        try await fixture.test { client in
            let landing = try await client.execute(uri: "/ogcapi", method: .get)
            #expect(landing.status == .ok)
            let links = landing.json["links"]?.array ?? []
            let serviceDesc = links.first { $0["rel"] == .string("service-desc") }
            #expect(serviceDesc?["href"]?.text?.hasSuffix("/openapi.json") == true)
            #expect(links.contains { $0["rel"] == .string("data") && $0["href"]?.text?.hasSuffix("/ogcapi/collections") == true })
            let conformance = try await client.execute(uri: "/ogcapi/conformance", method: .get).json["conformsTo"]?.array ?? []
            #expect(conformance.contains(.string("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core")))
            #expect(conformance.contains(.string("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson")))
            let collections = try await client.execute(uri: "/ogcapi/collections", method: .get).json["collections"]?.array ?? []
            #expect(collections.compactMap { $0["id"]?.text } == ["cells", "zones", "points", "orders", "addresses"])
            let cells = try await client.execute(uri: "/ogcapi/collections/cells", method: .get).json
            let bbox = cells["extent"]?["spatial"]?["bbox"]?.array.first?.array.compactMap(\.number) ?? []
            #expect(bbox.count == 4)
            // The sample district lies in Baoshan, about 121.3–121.5 E, 31.2–31.4 N.
            #expect(bbox.count == 4 && bbox[0] > 121.2 && bbox[2] < 121.6 && bbox[1] > 31.1 && bbox[3] < 31.5 && bbox[0] < bbox[2])
            #expect(cells["crs"]?.array == [.string(FeatureAPI.crs84)])
            let orders = try await client.execute(uri: "/ogcapi/collections/orders", method: .get).json
            let interval = orders["extent"]?["temporal"]?["interval"]?.array.first?.array.compactMap(\.text) ?? []
            // The first sample order was received at 2025-01-01T07:11:00+08:00.
            #expect(interval.count == 2 && interval.first == "2024-12-31T23:11:00Z" && interval[0] < interval[1])
            let missing = try await client.execute(uri: "/ogcapi/collections/roads", method: .get)
            #expect(missing.status == .notFound && missing.headers[.contentType] == "application/problem+json")
            // In the API document, with every status described.
            let document = try await client.execute(uri: "/openapi.json", method: .get).json
            let items = document["paths"]?["/ogcapi/collections/{collectionId}/items"]?["get"]
            #expect(items?["responses"]?["400"] != nil && items?["responses"]?["404"] != nil)
        }
    }

    @Test func itemsArePagedWithCountsAndLinks() async throws {
        let fixture = try ServerFixture()
        let cellCount = fixture.service.snapshot.index.cells.count
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            #expect(try await client.execute(uri: "/ogcapi/collections/cells/items", method: .get).status == .unauthorized)
            let first = try await client.execute(uri: "/ogcapi/collections/cells/items?limit=500", method: .get, headers: h)
            #expect(first.status == .ok && first.headers[.contentType] == "application/geo+json")
            #expect(first.json["numberMatched"]?.number == Double(cellCount))
            #expect(first.json["numberReturned"]?.number == 500)
            #expect(first.json["timeStamp"]?.text?.hasSuffix("Z") == true)
            // Follow the next links to the end: every cell once, ids at the top level.
            var ids: [String] = [], next: String? = "/ogcapi/collections/cells/items?limit=500", pages = 0
            while let url = next {
                let page = try await client.execute(uri: url, method: .get, headers: h).json
                for feature in page["features"]?.array ?? [] {
                    #expect(feature["id"] == feature["properties"]?["code"])
                    ids.append(feature["id"]?.text ?? "")
                }
                let links = page["links"]?.array ?? []
                #expect(links.contains { $0["rel"] == .string("self") } && links.contains { $0["rel"] == .string("alternate") })
                next = links.first { $0["rel"] == .string("next") }?["href"]?.text.map { String($0[$0.range(of: "/ogcapi")!.lowerBound...]) }
                pages += 1
            }
            #expect(pages == (cellCount + 499) / 500)
            #expect(ids.count == cellCount && Set(ids).count == cellCount && ids == ids.sorted())
            // Default page size, and a limit over the maximum answered with the maximum.
            #expect(
                try await client.execute(uri: "/ogcapi/collections/orders/items", method: .get, headers: h).json["numberReturned"]?.number
                    == Double(FeatureAPI.defaultLimit))
            let big = try await client.execute(uri: "/ogcapi/collections/orders/items?limit=1000000", method: .get, headers: h).json
            #expect(big["numberReturned"]?.number == Double(min(FeatureAPI.maximumLimit, Int(big["numberMatched"]?.number ?? 0))))
            // A box and a filter narrow numberMatched as on /v1/layers.
            let boxed = try await client.execute(
                uri: "/ogcapi/collections/cells/items?bbox=121.40,31.30,121.41,31.31&limit=10000", method: .get, headers: h
            ).json
            let layer = try await client.execute(uri: "/v1/layers/cells?bbox=121.40,31.30,121.41,31.31", method: .get, headers: h).json
            #expect(boxed["numberMatched"]?.number == Double(layer["features"]?.array.count ?? -1) && (boxed["numberMatched"]?.number ?? 0) > 0)
        }
    }

    @Test func ordersByDatetimeAndOneItemById() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            let january =
                try await client.execute(uri: "/v1/layers/orders?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z", method: .get, headers: h).json[
                    "features"]?.array ?? []
            let interval = try await client.execute(
                uri: "/ogcapi/collections/orders/items?datetime=2025-01-01T00:00:00Z/2025-01-31T23:59:59Z&limit=10000", method: .get, headers: h
            ).json
            #expect(!january.isEmpty && interval["numberMatched"]?.number == Double(january.count))
            let open = try await client.execute(
                uri: "/ogcapi/collections/orders/items?datetime=../2025-01-31T23:59:59Z&limit=1", method: .get, headers: h
            ).json
            let before =
                try await client.execute(uri: "/v1/layers/orders?to=2025-01-01T00:00:00Z", method: .get, headers: h).json["features"]?.array.count
                ?? 0
            #expect(open["numberMatched"]?.number == Double(january.count + before) && open["numberReturned"]?.number == 1)
            // An instant: the orders received then, the first January order among them.
            let order = try #require(january.first)
            let at = try #require(order["properties"]?["received_at"]?.text)
            let instant = try await client.execute(
                uri: "/ogcapi/collections/orders/items?datetime=\(at.replacingOccurrences(of: "+", with: "%2B"))", method: .get, headers: h
            ).json
            #expect((instant["features"]?.array ?? []).contains { $0["id"] == order["id"] })
            // One item, and its GCJ-02 form shifted by the formulas.
            let id = try #require(order["id"]?.text)
            let item = try await client.execute(uri: "/ogcapi/collections/orders/items/\(id)", method: .get, headers: h)
            #expect(item.status == .ok && item.headers[.contentType] == "application/geo+json")
            #expect(item.json["id"] == .string(id) && item.json["geometry"] == order["geometry"])
            let shifted = try await client.execute(uri: "/ogcapi/collections/orders/items/\(id)?crs=gcj02", method: .get, headers: h).json
            let wgs = order["geometry"]?["coordinates"]?.array.compactMap(\.number) ?? []
            let gcj = shifted["geometry"]?["coordinates"]?.array.compactMap(\.number) ?? []
            let expected = ChinaOffset.gcj02(fromWGS84: Coordinate(wgs[0], wgs[1]))
            #expect(gcj.count == 2 && abs(gcj[0] - expected.x) < 1e-7 && abs(gcj[1] - expected.y) < 1e-7)
            #expect(shifted["crs_note"]?.text?.contains("GCJ-02") == true)
            let none = try await client.execute(uri: "/ogcapi/collections/orders/items/NO-SUCH-ORDER", method: .get, headers: h)
            #expect(none.status == .notFound && none.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func badParametersAreProblems() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            for (query, parameter) in [
                ("collections/cells/items?bbox=121.4,31.3,121.5", "bbox"), ("collections/cells/items?bbox=121.5,31.3,121.4,31.4", "bbox"),
                ("collections/cells/items?limit=0", "limit"), ("collections/cells/items?limit=ten", "limit"),
                ("collections/cells/items?offset=-1", "offset"), ("collections/orders/items?datetime=yesterday", "datetime"),
                ("collections/orders/items?datetime=2025-02-01T00:00:00Z/2025-01-01T00:00:00Z", "datetime"),
                ("collections/cells/items?datetime=2025-01-01T00:00:00Z", "datetime"), ("collections/cells/items?colour=red", "colour"),
                ("collections/cells/items?crs=epsg:3857", "crs"), ("collections/cells/items?f=html", "f"),
            ] {
                let answer = try await client.execute(uri: "/ogcapi/" + query, method: .get, headers: h)
                #expect(answer.status == .badRequest, "\(query)")
                #expect(answer.headers[.contentType] == "application/problem+json", "\(query)")
                #expect(answer.json["parameter"] == .string(parameter), "\(query): \(answer.text)")
            }
            #expect(try await client.execute(uri: "/ogcapi/collections/roads/items", method: .get, headers: h).status == .notFound)
            #expect(try await client.execute(uri: "/ogcapi/collections/cells/items/999", method: .get, headers: h).status == .notFound)
        }
    }

    @Test func layerOutputCRSAndPointGeometries() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            // The default output is WGS84 and the same bytes as crs=wgs84, without a note.
            let plain = try await client.execute(uri: "/v1/layers/points", method: .get, headers: h)
            let wgs = try await client.execute(uri: "/v1/layers/points?crs=wgs84", method: .get, headers: h)
            #expect(plain.text == wgs.text && !plain.text.contains("crs_note"))
            let bd = try await client.execute(uri: "/v1/layers/points?crs=bd09", method: .get, headers: h).json
            #expect(bd["crs_note"]?.text?.contains("BD-09") == true)
            let first = plain.json["features"]?.array.first { $0["geometry"]?["type"] == .string("Point") }
            let shifted = bd["features"]?.array.first { $0["id"] == first?["id"] }
            let p = first?["geometry"]?["coordinates"]?.array.compactMap(\.number) ?? [],
                q = shifted?["geometry"]?["coordinates"]?.array.compactMap(\.number) ?? []
            let expected = ChinaOffset.bd09(fromWGS84: Coordinate(p[0], p[1]))
            #expect(q.count == 2 && abs(q[0] - expected.x) < 1e-7 && abs(q[1] - expected.y) < 1e-7)
            // geometry= keeps one kind of point; the three kinds make up the layer.
            var total = 0
            for (kind, type) in [("point", "Point"), ("line", "LineString"), ("polygon", "Polygon")] {
                let features =
                    try await client.execute(uri: "/v1/layers/points?geometry=\(kind)", method: .get, headers: h).json["features"]?.array ?? []
                #expect(!features.isEmpty && features.allSatisfy { $0["geometry"]?["type"] == .string(type) }, "\(kind)")
                let ogc = try await client.execute(uri: "/ogcapi/collections/points/items?geometry=\(kind)", method: .get, headers: h).json
                #expect(ogc["numberMatched"]?.number == Double(features.count))
                total += features.count
            }
            #expect(total == plain.json["features"]?.array.count)
            let wrong = try await client.execute(uri: "/v1/layers/cells?geometry=point", method: .get, headers: h)
            #expect(wrong.status == .badRequest)
            // Every layer's features carry their id at the top level.
            for layer in ["cells", "zones", "points", "orders"] {
                let features = try await client.execute(uri: "/v1/layers/\(layer)", method: .get, headers: h).json["features"]?.array ?? []
                #expect(
                    !features.isEmpty && features.allSatisfy { $0["id"] != nil && $0["id"] == $0["properties"]?[layer == "cells" ? "code" : "id"] },
                    "\(layer)")
            }
        }
    }
}
