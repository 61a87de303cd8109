import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
@testable import WanggeServer

/// Open311 GeoReport v2 at `/open311/v2` over the sample district.
@Suite struct Open311RouteTests {
    static let form = HTTPFields([HTTPField(name: .contentType, value: "application/x-www-form-urlencoded")])

    /// A form body from name/value pairs (UTF-8, percent-encoded, spaces as `+`).
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~ ")
        return ByteBuffer(
            string: fields.map { name, value in
                name + "=" + value.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: " ", with: "+")
            }.joined(separator: "&"))
    }

    @Test func servicesAndRequestsInJSONAndXML() async throws {
        let fixture = try ServerFixture(publicRead: true)
        try await fixture.test { client in
            let services = try await client.execute(uri: "/open311/v2/services.json", method: .get)
            #expect(services.status == .ok)
            let list = services.json.array
            #expect(list.contains { $0["service_code"] == .string("乱设摊") && $0["type"] == .string("realtime") && $0["metadata"] == .bool(false) })
            #expect(
                list.count
                    == (try String(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/rules.csv"), encoding: .utf8)
                        .split(separator: "\n").count - 1))
            let xml = try await client.execute(uri: "/open311/v2/services.xml", method: .get)
            #expect(xml.headers[.contentType] == "text/xml; charset=utf-8")
            #expect(xml.text.hasPrefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>"))
            #expect(xml.text.components(separatedBy: "<service>").count - 1 == list.count)

            // Default: newest first, the 90 days up to the newest request, at most 1000.
            let requests = try await client.execute(uri: "/open311/v2/requests.json", method: .get).json.array
            #expect(!requests.isEmpty && requests.count <= 1000)
            let times = requests.compactMap { $0["requested_datetime"]?.text }.compactMap(Timestamp.parse)
            #expect(times == times.sorted(by: >))
            #expect(times.first! - times.last! <= 90 * 86_400)
            let first = try #require(requests.first)
            for field in [
                "service_request_id", "status", "service_code", "requested_datetime", "updated_datetime", "expected_datetime", "lat", "long",
                "agency_responsible", "address",
            ] {
                #expect(first[field] != nil, "\(field)")
            }
            // One request, by id, in both forms; its deadline 72 h (or the unit's SLA) after reception.
            let id = try #require(first["service_request_id"]?.text)
            let one = try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get).json.array
            #expect(one.count == 1 && one[0]["service_request_id"] == .string(id))
            let received = try #require(one[0]["requested_datetime"]?.text.flatMap(Timestamp.parse))
            let expected = try #require(one[0]["expected_datetime"]?.text.flatMap(Timestamp.parse))
            #expect(expected > received)
            let oneXML = try await client.execute(uri: "/open311/v2/requests/\(id).xml", method: .get).text
            #expect(oneXML.contains("<service_requests><request><service_request_id>\(id)</service_request_id>"))
            // Filters: ids (others ignored), service_code, status, a window.
            let two = requests.prefix(2).compactMap { $0["service_request_id"]?.text }
            let byIDs = try await client.execute(
                uri: "/open311/v2/requests.json?service_request_id=\(two.joined(separator: ","))&status=closed", method: .get
            ).json.array
            #expect(Set(byIDs.compactMap { $0["service_request_id"]?.text }) == Set(two))
            let code = try #require(first["service_code"]?.text)
            let byCode = try await client.execute(
                uri:
                    "/open311/v2/requests.json?service_code=\(code.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&start_date=2025-01-01T00:00:00%2B08:00",
                method: .get
            ).json.array
            #expect(!byCode.isEmpty && byCode.allSatisfy { $0["service_code"] == .string(code) })
            #expect(
                byCode.allSatisfy { ($0["requested_datetime"]?.text.flatMap(Timestamp.parse) ?? 0) < Timestamp.parse("2025-04-01T00:00:00+08:00")! })
            for status in ["open", "closed"] {
                let rows = try await client.execute(
                    uri: "/open311/v2/requests.json?status=\(status)&start_date=2025-01-01&end_date=2025-03-31", method: .get
                ).json.array
                #expect(rows.allSatisfy { $0["status"] == .string(status) }, "\(status)")
            }
            // Errors: the spec's list, with the status.
            let tooLong = try await client.execute(uri: "/open311/v2/requests.json?start_date=2025-01-01&end_date=2025-07-01", method: .get)
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.json.array.first?["code"] == .number(400))
            #expect(tooLong.json.array.first?["description"]?.text?.contains("90 days") == true)
            // An empty date is not a date (clients leave it out).
            let empty = try await client.execute(uri: "/open311/v2/requests.json?start_date=", method: .get)
            #expect(empty.status == .badRequest)
            #expect(empty.json.array.first?["description"]?.text?.contains("start_date is empty") == true)
            // With service_request_id the other filters are ignored, but a malformed one is still refused.
            for query in ["start_date=soon", "end_date=0054-10-2x", "status=lost"] {
                let ignored = try await client.execute(uri: "/open311/v2/requests.xml?service_request_id=BS2025000001&\(query)", method: .get)
                #expect(ignored.status == .badRequest, "\(query): \(ignored.text)")
            }
            let byID = try await client.execute(uri: "/open311/v2/requests.json?service_request_id=BS2025000001&status=closed", method: .get)
            #expect(byID.status == .ok && byID.json.array.count == 1, "\(byID.text)")
            // One request takes api_key and jurisdiction_id only: other parameters are an error of the spec's list.
            let unknown = try await client.execute(uri: "/open311/v2/requests/NOPE.json?x=1", method: .get)
            #expect(unknown.status == .badRequest && unknown.headers[.contentType] == "application/json; charset=utf-8")
            let missing = try await client.execute(uri: "/open311/v2/requests/NOPE.xml", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("<errors><error><code>404</code><description>"))
            let discovery = try await client.execute(uri: "/open311/v2/discovery.json", method: .get).json
            #expect(discovery["endpoints"]?.array.first?["specification"] == .string("http://wiki.open311.org/GeoReport_v2"))
        }
    }

    @Test func readsNeedATokenUnlessPublic() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let anonymous = try await client.execute(uri: "/open311/v2/services.json", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.json.array.first?["code"] == .number(401))
            let bad = try await client.execute(uri: "/open311/v2/requests.json?api_key=nope", method: .get)
            #expect(bad.status == .forbidden)
            let key = fixture.tokens[.reader]!
            #expect(try await client.execute(uri: "/open311/v2/services.json?api_key=\(key)", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/open311/v2/requests.json", method: .get, headers: fixture.headers(.reader)).status == .ok)
            // Discovery is open.
            #expect(try await client.execute(uri: "/open311/v2/discovery.xml", method: .get).status == .ok)
        }
    }

    /// A form POST creates an order routed exactly as `POST /v1/orders` routes the same point;
    /// the api_key must be an operator token; an address-only request is located by its address.
    @Test func postedRequestsBecomeRoutedOrders() async throws {
        let fixture = try ServerFixture(publicRead: true)
        try await fixture.test { client in
            let point = [
                ("service_code", "违法搭建"), ("lat", "31.305585"), ("long", "121.404567"), ("description", "a shed on the pavement & more"),
                ("media_url", "http://example.org/1.jpg"), ("email", "someone@example.org"), ("first_name", "张"),
            ]
            // No key, a reader's key, an unknown service, no location: refused with the spec's errors.
            let noKey = try await client.execute(uri: "/open311/v2/requests.json", method: .post, headers: Self.form, body: Self.form(point))
            #expect(noKey.status == .unauthorized)
            let reader = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: Self.form,
                body: Self.form(point + [("api_key", fixture.tokens[.reader]!)]))
            #expect(reader.status == .forbidden)
            let key = ("api_key", fixture.tokens[.operator]!)
            let unknown = try await client.execute(
                uri: "/open311/v2/requests.xml", method: .post, headers: Self.form,
                body: Self.form([key, ("service_code", "no such"), ("lat", "31.3"), ("long", "121.4")]))
            #expect(unknown.status == .badRequest)
            #expect(unknown.text.contains("<errors><error><code>400</code><description>service_code"))
            let nowhere = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: Self.form,
                body: Self.form([key, ("service_code", "违法搭建")]))
            #expect(nowhere.status == .badRequest)
            let json = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: fixture.headers(nil, contentType: "application/json"),
                body: ByteBuffer(string: "{}"))
            #expect(json.status == .unsupportedMediaType)

            // Created: a new id, never one of the stored orders'.
            let created = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: Self.form, body: Self.form(point + [key]))
            #expect(created.status == .ok)
            let answer = try #require(created.json.array.first)
            let id = try #require(answer["service_request_id"]?.text)
            #expect(id.hasPrefix("311-"))
            #expect(answer["account_id"] == .null)
            #expect(answer["service_notice"]?.text?.contains("not stored: email, first_name") == true)
            let second = try await client.execute(uri: "/open311/v2/requests.xml", method: .post, headers: Self.form, body: Self.form(point + [key]))
            #expect(second.text.contains("<service_request_id>311-"))
            #expect(!second.text.contains("<service_request_id>\(id)</service_request_id>"))

            // Routed as POST /v1/orders routes the same point and category.
            let order = try await client.execute(uri: "/v1/orders/\(id)", method: .get, headers: fixture.headers(.reader)).json
            let assigned = try await client.execute(
                uri: "/v1/assign?lon=121.404567&lat=31.305585&category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA",
                method: .get, headers: fixture.headers(.reader)
            ).json
            for field in ["cell", "unit", "zone", "street"] { #expect(order[field] == assigned[field], "\(field)") }
            #expect(order["attributes"]?["description"] == .string("a shed on the pavement & more"))
            #expect(order["attributes"]?["media_url"] == .string("http://example.org/1.jpg"))
            #expect(order["attributes"]?["email"] == nil)
            // Read back through Open311: the routed unit's name, the deadline, open.
            let request = try #require(try await client.execute(uri: "/open311/v2/requests/\(id).json", method: .get).json.array.first)
            #expect(request["status"] == .string("open"))
            #expect(request["service_code"] == .string("违法搭建"))
            #expect(request["agency_responsible"]?.text?.isEmpty == false)
            #expect(request["agency_responsible"] != assigned["unit"])  // a name, not the id
            #expect(request["lat"] == .number(31.305585))
            #expect(request["description"] == .string("a shed on the pavement & more"))

            // An address-only request is located through the standard address layer.
            let csv = try Data(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/addresses.csv"))
            let put = try await client.execute(
                uri: "/v1/layers/addresses", method: .put, headers: fixture.headers(.admin, contentType: "text/csv"),
                body: ByteBuffer(bytes: csv))
            #expect(put.status == .ok)
            let byAddress = try await client.execute(
                uri: "/open311/v2/requests.json", method: .post, headers: Self.form,
                body: Self.form([key, ("service_code", "违法搭建"), ("address_string", "长江西路327号")]))
            #expect(byAddress.status == .ok)
            let located = try #require(byAddress.json.array.first)
            #expect(located["service_notice"]?.text?.contains("located by address BS-D-000001") == true)
            let locatedID = try #require(located["service_request_id"]?.text)
            let stored = try #require(try await client.execute(uri: "/open311/v2/requests/\(locatedID).json", method: .get).json.array.first)
            #expect(stored["address"] == .string("长江西路327号"))
            #expect(stored["lat"] == .number(31.2841587))
        }
    }
}
