import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeStore
@testable import WanggeServer

/// Outside orders on the manual-dispatch list over HTTP, CSV downloads for Excel, empty layers
/// refused, unknown categories warned about.
@Suite struct TransferRouteTests {
    /// The first 宝山 ground-truth row of `case`: (lon, lat, category, expected distance).
    static func truthRow(case wanted: String) throws -> (lon: String, lat: String, category: String, distance: Double) {
        let g = ServerFixture.root.appendingPathComponent("GeoData/baoshan")
        let orders = try String(contentsOf: g.appendingPathComponent("truth_orders.csv"), encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let expected = try String(contentsOf: g.appendingPathComponent("truth_expected.csv"), encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let row = try #require(orders.firstIndex { $0.last == wanted })
        return (orders[row][1], orders[row][2], orders[row][4], Double(expected[row][9]) ?? .nan)
    }

    @Test func outsideOrdersArePostedForManualDispatchAndListed() async throws {
        let fixture = try ServerFixture()
        let far = try Self.truthRow(case: "outside_zone")
        let body = """
            [{"id":"OUT-1","lon":\(far.lon),"lat":\(far.lat),"category":"\(far.category)","received_at":"2025-06-01T08:00:00+08:00"},
             {"id":"IN-1","lon":121.404567,"lat":31.305585,"category":"违法搭建","received_at":"2025-06-01T08:00:00+08:00"},
             {"id":"BAD-1","lon":"abc","lat":31.3,"category":"违法搭建","received_at":"2025-06-01T08:00:00+08:00"}]
            """
        try await fixture.test { client in
            let posted = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: body)
            ).json
            let manual = posted["manual_dispatch"]?.array ?? []
            #expect(manual.map { $0["id"] } == [.string("OUT-1"), .string("BAD-1")])
            #expect(manual.map { $0["assign_status"] } == [.string("outside"), .string("invalid")])
            let reason = manual.first?["reason"]?.text ?? ""
            #expect(reason.hasPrefix("outside the district grid (") && reason.hasSuffix(" m from the nearest cell)"), "\(reason)")
            let stated = Double(reason.dropFirst("outside the district grid (".count).prefix { $0 != " " }) ?? -1
            #expect(abs(stated - far.distance) <= 0.1 + 0.001 * far.distance, "\(reason): the truth says \(far.distance) m")
            // The transfer is routed to nobody, though a squad zone covers its location.
            let out = posted["assignments"]?.array.first { $0["id"] == .string("OUT-1") }
            #expect(
                out?["status"] == .string("outside") && out?["unit"] == .string("") && out?["route"] == .string("none") && out?["zone"] == .string("")
            )

            let reader = fixture.headers(.reader)
            let outside = try await client.execute(uri: "/v1/orders?status=outside", method: .get, headers: reader).json.array
            let listed = try #require(outside.first { $0["id"] == .string("OUT-1") })
            #expect(listed["reason"]?.text == reason)  // the same words from the stored columns
            #expect(listed["assign_status"] == .string("outside"))
            #expect(outside.allSatisfy { $0["assign_status"] == .string("outside") })
            let invalid = try await client.execute(uri: "/v1/orders?status=invalid", method: .get, headers: reader).json.array
            #expect(invalid.contains { $0["id"] == .string("BAD-1") } && !invalid.contains { $0["id"] == .string("OUT-1") })
            let unrouted = try await client.execute(uri: "/v1/orders", method: .get, headers: reader).json.array
            let unroutedIDs = Set(unrouted.compactMap { $0["id"]?.text })
            #expect(unroutedIDs.contains("OUT-1") && unroutedIDs.contains("BAD-1"))
            #expect(!unrouted.contains { $0["id"] == .string("IN-1") })
            let bogus = try await client.execute(uri: "/v1/orders?status=lost", method: .get, headers: reader)
            #expect(bogus.status == .badRequest && bogus.json["parameter"] == .string("status"))
            let csv = try await client.execute(uri: "/v1/orders?status=outside&format=csv", method: .get, headers: reader)
            #expect(csv.headers[.contentDisposition] == #"attachment; filename="orders-outside.csv""#)
            #expect(csv.text.hasPrefix("id,received_at,category,assign_status,"))  // a data export: no BOM
            let withBOM = try await client.execute(uri: "/v1/orders?status=outside&format=csv&bom=true", method: .get, headers: reader)
            #expect(Array(withBOM.body.readableBytesView.prefix(3)) == [0xEF, 0xBB, 0xBF])
        }
    }

    @Test func csvAnswersAreDownloadsForExcel() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let reader = fixture.headers(.reader)
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            let cases: [(uri: String, filename: String, bom: Bool)] = [
                ("/v1/sheet?date=2025-03-03&format=csv", "sheet-2025-03-03.csv", true),
                ("/v1/sheet?date=2025-03-03&format=csv&unit=U-BS-SQ01", "sheet-2025-03-03-U-BS-SQ01.csv", true),
                ("/v1/sheet?date=2025-03-03&format=csv&bom=false", "sheet-2025-03-03.csv", false),
                ("/v1/kpi?from=2025-06-01&to=2025-07-01&format=csv", "kpi-unit-2025-06-01-2025-07-01.csv", true),
                ("/v1/kpi?from=2025-06-01&to=2025-07-01&format=csv&bom=false", "kpi-unit-2025-06-01-2025-07-01.csv", false),
                ("/v1/lights?as-of=2025-06-30&format=csv", "lights-point-2025-06-30.csv", true),
                ("/v1/hotspots?level=street&format=csv", "hotspots-count-street.csv", false),
                ("/v1/hotspots?method=gi&format=csv&bom=true&from=2025-06-01", "hotspots-gi-cell-from-2025-06-01.csv", true),
                ("/v1/recurrence?level=street&format=csv", "recurrence-table-street.csv", false),
                ("/v1/queries/orders_by_unit?format=csv", "query-orders_by_unit.csv", false),
            ]
            for c in cases {
                let response = try await client.execute(uri: c.uri, method: .get, headers: reader)
                #expect(response.status == .ok, "\(c.uri): \(response.text.prefix(200))")
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8", "\(c.uri)")
                #expect(response.headers[.contentDisposition] == "attachment; filename=\"\(c.filename)\"", "\(c.uri)")
                #expect((Array(response.body.readableBytesView.prefix(3)) == bom) == c.bom, "\(c.uri)")
            }
            // JSON and HTML answers are not downloads.
            let json = try await client.execute(uri: "/v1/kpi?from=2025-06-01&to=2025-07-01", method: .get, headers: reader)
            #expect(json.headers[.contentDisposition] == nil)
            let html = try await client.execute(uri: "/v1/sheet?date=2025-03-03", method: .get, headers: reader)
            #expect(html.headers[.contentDisposition] == nil)
            #expect(html.text.contains("待人工派遣 "))
        }
    }

    @Test func emptyLayersAreRefusedAndNothingChanges() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let geo = fixture.headers(.admin, contentType: "application/geo+json")
            let empty = #"{"type":"FeatureCollection","features":[]}"#
            let refused = try await client.execute(uri: "/v1/layers/zones", method: .put, headers: geo, body: ByteBuffer(string: empty))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["detail"]?.text?.contains("the zones layer was not imported") == true)
            #expect(refused.json["rows"]?.array.first?["reason"]?.text?.contains("allow-empty=true") == true)
            let rules = try await client.execute(
                uri: "/v1/layers/rules", method: .put, headers: fixture.headers(.admin, contentType: "text/csv"),
                body: ByteBuffer(string: "category,route\n"))
            #expect(rules.status == .unprocessableContent)
            #expect(rules.json["detail"]?.text?.contains("the rules layer was not imported") == true)
            // Nothing replaced: the index is the first one, its zones and rules intact.
            let health = try await client.execute(uri: "/health", method: .get).json
            #expect(health["index_generation"] == .number(1))
            #expect(!fixture.service.snapshot.index.zones.isEmpty)
            let allowed = try await client.execute(
                uri: "/v1/layers/zones?allow-empty=true", method: .put, headers: geo, body: ByteBuffer(string: empty))
            #expect(allowed.status == .ok)
            #expect(allowed.json["stored"] == .number(0))
            #expect(fixture.service.snapshot.index.zones.isEmpty)
        }
    }

    @Test func unknownCategoriesAreWarnedAboutInJSON() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let typo = try await client.execute(
                uri: "/v1/hotspots?method=gi&category=%E4%B9%B1%E6%91%86%E6%91%8A", method: .get, headers: fixture.headers(.reader)
            ).json
            let warnings = typo["warnings"]?.array ?? []
            #expect(warnings.count == 1)
            #expect(warnings.first?.text?.contains("乱摆摊") == true)
            let known = try await client.execute(
                uri: "/v1/hotspots?method=gi&category=%E4%B9%B1%E8%AE%BE%E6%91%8A", method: .get, headers: fixture.headers(.reader)
            ).json
            #expect(known["warnings"] == nil)
            #expect(known["cells"] != nil)
            // Answers that cannot carry a member (a JSON array, CSV) carry the warnings in a
            // header: a JSON array in ASCII.
            for uri in [
                "/v1/hotspots?level=street&category=%E4%B9%B1%E6%91%86%E6%91%8A",
                "/v1/hotspots?level=street&format=csv&category=%E4%B9%B1%E6%91%86%E6%91%8A",
            ] {
                let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.reader))
                let header = try #require(response.headers[HTTPField.Name("Wangge-Warnings")!])
                let ascii = header.unicodeScalars.allSatisfy { $0.isASCII }
                #expect(ascii)
                let parsed = try JSONParser.parse(Array(header.utf8))
                #expect(parsed.array.count == 1 && parsed.array.first?.text?.contains("category \"乱摆摊\"") == true, "\(header)")
            }
            // The orders layer as GeoJSON says how many orders it leaves out for want of a location.
            let invalid = try await client.execute(uri: "/v1/orders?status=invalid", method: .get, headers: fixture.headers(.reader)).json.array
            #expect(invalid.count > 0)
            let layer = try await client.execute(
                uri: "/v1/layers/orders?category=%E4%B9%B1%E6%91%86%E6%91%8A", method: .get, headers: fixture.headers(.reader))
            #expect(layer.headers[HTTPField.Name("Wangge-Orders-Without-Location")!] == "0")
            #expect(layer.headers[HTTPField.Name("Wangge-Warnings")!]?.contains("\\u4e71") == true)  // 乱
            let all = try await client.execute(uri: "/v1/layers/orders", method: .get, headers: fixture.headers(.reader))
            #expect(all.headers[HTTPField.Name("Wangge-Orders-Without-Location")!] == String(invalid.count))
            #expect(all.headers[HTTPField.Name("Wangge-Warnings")!] == nil)
            let plain = try await client.execute(uri: "/v1/hotspots?level=street", method: .get, headers: fixture.headers(.reader))
            #expect(plain.headers[HTTPField.Name("Wangge-Warnings")!] == nil)
        }
    }
}
