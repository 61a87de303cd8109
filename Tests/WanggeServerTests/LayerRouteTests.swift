import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeStore
@testable import WanggeServer

@Suite struct LayerRouteTests {
    /// Twice the signed area of a ring (positive: counter-clockwise).
    static func signedArea(_ ring: [JSONValue]) -> Double {
        let p = ring.map { ($0.array[0].number ?? 0, $0.array[1].number ?? 0) }
        return zip(p, p.dropFirst()).reduce(0) { $0 + ($1.0.0 * $1.1.1 - $1.1.0 * $1.0.1) }
    }

    @Test func layersExportAsRFC7946() async throws {
        let fixture = try ServerFixture()
        let cellCount = fixture.service.snapshot.index.cells.count
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            let cells = try await client.execute(uri: "/v1/layers/cells", method: .get, headers: h)
            #expect(cells.headers[.contentType] == "application/geo+json")
            let features = cells.json["features"]?.array ?? []
            #expect(features.count == cellCount)
            for f in features {
                guard case .array(let polygons)? = f["geometry"]?["coordinates"] else { continue }
                let rings = f["geometry"]?["type"] == .string("Polygon") ? [JSONValue.array(polygons)] : polygons
                for polygon in rings {
                    for (i, ring) in polygon.array.enumerated() {
                        #expect((Self.signedArea(ring.array) > 0) == (i == 0), "exterior CCW, holes CW")
                    }
                }
            }
            // At most 7 decimals anywhere.
            #expect(cells.text.range(of: #"\.\d{8,}"#, options: .regularExpression) == nil)
            // A box keeps what meets it.
            let some =
                try await client.execute(uri: "/v1/layers/cells?bbox=121.40,31.30,121.41,31.31", method: .get, headers: h).json["features"]?.array
                ?? []
            #expect(!some.isEmpty && some.count < cellCount)
            let street = try #require(features.first?["properties"]?["street"]?.text)
            let ofStreet = try await client.execute(uri: "/v1/layers/cells?street=\(street)", method: .get, headers: h).json["features"]?.array ?? []
            #expect(ofStreet.count == features.filter { $0["properties"]?["street"] == .string(street) }.count)
            // Orders by category and time.
            let orders =
                try await client.execute(
                    uri:
                        "/v1/layers/orders?category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA&from=2025-01-01T00:00:00%2B08:00&to=2025-02-01T00:00:00%2B08:00",
                    method: .get, headers: h
                ).json["features"]?.array ?? []
            #expect(!orders.isEmpty)
            #expect(
                orders.allSatisfy { $0["properties"]?["category"] == .string("违法搭建") && ($0["properties"]?["received_at"]?.text ?? "") < "2025-02" })
            let unknown = try await client.execute(uri: "/v1/layers/roads", method: .get, headers: h)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func replacingALayerSwapsTheIndexOrChangesNothing() async throws {
        let fixture = try ServerFixture()
        let points = try Data(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/points.geojson"))
        try await fixture.test { client in
            let admin = fixture.headers(.admin, contentType: "application/geo+json")
            let broken = try await client.execute(
                uri: "/v1/layers/points", method: .put, headers: admin, body: ByteBuffer(string: #"{"type":"FeatureCollection","features":[{"#))
            #expect(broken.status == .badRequest)
            let invalid =
                #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"310113102001001"},"geometry":{"type":"Polygon","coordinates":[[[121.40,31.30],[121.41,31.31],[121.41,31.30],[121.40,31.31],[121.40,31.30]]]}}]}"#
            let rejected = try await client.execute(uri: "/v1/layers/cells", method: .put, headers: admin, body: ByteBuffer(string: invalid))
            #expect(rejected.status == .unprocessableContent)
            #expect(!(rejected.json["rows"]?.array.isEmpty ?? true))
            let health = try await client.execute(uri: "/health", method: .get).json
            #expect(health["index_generation"] == .number(1))
            #expect(health["cells"] == .number(Double(fixture.service.snapshot.index.cells.count)))
            let wrongType = try await client.execute(
                uri: "/v1/layers/points", method: .put, headers: fixture.headers(.admin, contentType: "text/csv"), body: ByteBuffer(data: points))
            #expect(wrongType.status == .unsupportedMediaType)
            let replaced = try await client.execute(uri: "/v1/layers/points", method: .put, headers: admin, body: ByteBuffer(data: points)).json
            #expect(replaced["index_generation"] == .number(2))
            #expect(try await client.execute(uri: "/health", method: .get).json["index_generation"] == .number(2))
        }
    }
}
