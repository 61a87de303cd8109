import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeStore
@testable import WanggeServer

/// The standard address layer over HTTP: `PUT`/`GET /v1/layers/addresses`, `GET /v1/geocode`,
/// and `POST /v1/orders` locating address-only orders.
@Suite struct AddressRouteTests {
    @Test func addressesAreLoadedCheckedAndUsed() async throws {
        let fixture = try ServerFixture()
        let csv = try Data(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/addresses.csv"))
        let shops = String(decoding: csv, as: UTF8.self).split(separator: "\n").filter { $0.split(separator: ",")[1] == "shop" }.count
        try await fixture.test { client in
            let reader = fixture.headers(.reader)
            // Before the layer is loaded, geocoding says what is missing.
            let early = try await client.execute(uri: "/v1/geocode?address=x", method: .get, headers: reader)
            #expect(early.status == .ok && early.json["outcome"] == .string("unmatched"))
            #expect(early.json["warnings"]?.array.first?.text?.contains("no standard addresses") == true)
            let put = try await client.execute(
                uri: "/v1/layers/addresses", method: .put, headers: fixture.headers(.admin, contentType: "text/csv"),
                body: ByteBuffer(data: csv))
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.json["stored"] == .number(6726))
            let exported = try await client.execute(uri: "/v1/layers/addresses?kind=shop", method: .get, headers: reader).json
            #expect(exported["features"]?.array.count == shops)
            #expect(exported["features"]?.array.first?["properties"]?["kind"] == .string("shop"))

            let address = "上海市宝山区大场镇场中路八百二十五号门口".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let located = try await client.execute(uri: "/v1/geocode?address=\(address)", method: .get, headers: reader).json
            #expect(located["outcome"] == .string("located") && located["located_by"] == .string("address"))
            #expect(located["match"]?["id"] == .string("BS-D-002302"))
            #expect(located["normalized"]?["locatives"] == .array([.string("门口")]))
            let chain = "全家便利店".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let ambiguous = try await client.execute(uri: "/v1/geocode?address=\(chain)", method: .get, headers: reader).json
            #expect(ambiguous["reason"] == .string("ambiguous_place"))
            #expect(
                ambiguous["candidates"]?.array.map { $0["id"] } == [.string("HS31011300034"), .string("HS31011300035"), .string("HS31011300036")])
            #expect(ambiguous["candidates"]?.array.first?["score"] == .number(1))
            let neither = try await client.execute(uri: "/v1/geocode", method: .get, headers: reader)
            #expect(neither.status == .badRequest)
            let unknown = try await client.execute(uri: "/v1/geocode?input=/etc/passwd", method: .get, headers: reader)
            #expect(unknown.status == .badRequest)

            let orders = """
                id,lon,lat,category,received_at,address
                AD-1,,,暴露垃圾,2025-06-01T08:00:00+08:00,场中路825号
                AD-2,,,暴露垃圾,2025-06-01T08:00:00+08:00,无名路1号
                """
            let posted = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: orders)
            ).json
            let rows = posted["assignments"]?.array ?? []
            #expect(rows.map { $0["located_by"] } == [.string("address"), .string("")])
            #expect(rows.map { $0["match"] } == [.string("BS-D-002302"), .string("")])
            #expect(rows.first?["status"] == .string("inside") && rows.first?["cell"]?.text?.count == 15)
            let manual = posted["manual_dispatch"]?.array ?? []
            #expect(manual.map { $0["id"] } == [.string("AD-2")])
            #expect(manual.first?["reason"]?.text?.contains("not located: unknown_road") == true)
        }
    }

    /// `wangge serve --address-far-metres`: a posted order whose address lies farther than the
    /// limit from its coordinates is flagged address_far; 0 never flags.
    @Test func servedAddressFarLimit() async throws {
        let csv = try Data(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/addresses.csv"))
        // 场中路825号 (BS-D-002302) lies kilometres from (121.4600, 31.3300).
        let order = "id,lon,lat,category,received_at,address\nFAR-1,121.4600,31.3300,暴露垃圾,2025-06-01T08:00:00+08:00,场中路825号\n"
        for (limit, flagged) in [(300.0, true), (0.0, false)] {
            let fixture = try ServerFixture { $0.addressFarMetres = limit }
            try await fixture.test { client in
                let put = try await client.execute(
                    uri: "/v1/layers/addresses", method: .put, headers: fixture.headers(.admin, contentType: "text/csv"),
                    body: ByteBuffer(data: csv))
                #expect(put.status == .ok, "\(put.text)")
                let posted = try await client.execute(
                    uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                    body: ByteBuffer(string: order)
                ).json
                let row = posted["assignments"]?.array.first
                #expect(row?["located_by"] == .string("coordinates"), "\(posted)")
                #expect((row?["match"]?.text ?? "").hasPrefix("address_far:") == flagged, "limit \(limit): \(posted)")
            }
        }
    }
}
