import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeTestSupport
import WanggeCore
import WanggeStore
@testable import WanggeServer

/// Request text: body encodings (charset, detection, refusals with the byte offset), control
/// characters, percent-decoded path and query parameters.
@Suite struct TextRouteTests {
    /// `text` encoded as GBK (see ``TestText/gbk(_:)``).
    static func gbk(_ text: String) -> [UInt8] { TestText.gbk(text) }

    /// Every stored order's text fields, in id order (the template holds the UTF-8 sample import).
    static func storedText(_ fixture: ServerFixture) throws -> [[String]] {
        let store = try WanggeStore(path: fixture.service.configuration.databasePath, readOnly: true)
        return try store.database.prepare("SELECT id, category, attributes, received_at, received_epoch, cell, unit FROM orders ORDER BY id").rows()
            .map { row in (0 ..< 7).map { row[$0].string ?? row[$0].double.map { "\($0)" } ?? "" } }
    }

    /// The sample orders re-posted as GBK (LF and CRLF, with and without `charset`) and as UTF-8
    /// with a BOM: every stored category, attribute and time byte for byte what the UTF-8 import
    /// stored. A stray byte and a wrong charset: 400 naming the line and byte offset.
    @Test func sampleOrdersPostedInEveryEncoding() async throws {
        let fixture = try ServerFixture()
        let before = try Self.storedText(fixture)
        #expect(before.count == 5000 && before.contains { $0[1] == "违法搭建" })
        let text = try String(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/orders.csv"), encoding: .utf8)
        let utf8 = Array(text.utf8)
        let bodies: [(contentType: String, bytes: [UInt8], gb: Bool)] = [
            ("text/csv; charset=GBK", Self.gbk(text), true), ("text/csv", Self.gbk(text), true),
            ("text/csv;charset=\"gb2312\"", Self.gbk(text.replacingOccurrences(of: "\n", with: "\r\n")), true),
            ("text/csv", [0xEF, 0xBB, 0xBF] + utf8, false), ("text/csv; charset=utf-8", utf8, false),
        ]
        let line101 = utf8.indices.filter { utf8[$0] == 0x0A }[99] + 1
        let strayAt = utf8[line101...].firstIndex(where: { $0 >= 0x80 })!
        let stray = Array(utf8[..<strayAt]) + [0xFF] + Array(utf8[strayAt...])
        try await fixture.test { client in
            for body in bodies {
                let posted = try await client.execute(
                    uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: body.contentType),
                    body: ByteBuffer(bytes: body.bytes))
                #expect(posted.status == .ok, "\(body.contentType): \(posted.text.prefix(500))")
                #expect(posted.json["updated"] == .number(5000), "\(body.contentType)")
                #expect(posted.json["warnings"]?.array.contains(.string("the body was read as GB18030 (GBK)")) == body.gb, "\(body.contentType)")
                #expect(try Self.storedText(fixture) == before, "\(body.contentType)")
            }
            // A stray 0xFF: neither UTF-8 nor GB18030.
            let refused = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(bytes: stray))
            #expect(refused.status == .badRequest && refused.headers[.contentType] == "application/problem+json")
            #expect(refused.json["type"] == .string("tag:wangge,2026:problem:bad-encoding"))
            #expect(refused.json["rows"]?.array.first?["byte_offset"] == .number(Double(strayAt)))
            #expect(refused.json["rows"]?.array.first?["row"] == .number(101))
            #expect(
                refused.json["detail"]?.text?.contains(
                    "line 101, byte offset \(strayAt): not valid UTF-8 (0xFF); the text is not GB18030 (GBK) either") == true,
                "\(refused.text)")
            // GBK sent as UTF-8: refused, not garbled.
            let mislabelled = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv; charset=utf-8"),
                body: ByteBuffer(bytes: Self.gbk(text)))
            #expect(mislabelled.status == .badRequest && mislabelled.json["rows"]?.array.first?["row"] == .number(2))
            let unknown = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv; charset=latin1"),
                body: ByteBuffer(bytes: utf8))
            #expect(unknown.status == .unsupportedMediaType && unknown.json["type"] == .string("tag:wangge,2026:problem:unsupported-charset"))
            #expect(try Self.storedText(fixture) == before)
        }
    }

    /// A layer replaced with a GBK CSV (charset given, or detected) stores the same rules as the
    /// UTF-8 file; a GBK CSV labelled UTF-8 changes nothing.
    @Test func layersInGBK() async throws {
        let fixture = try ServerFixture()
        let rules = try String(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/rules.csv"), encoding: .utf8)
        let path = fixture.service.configuration.databasePath
        @Sendable func stored() throws -> [[String]] {
            let store = try WanggeStore(path: path, readOnly: true)
            return try store.database.prepare("SELECT category, route FROM rules ORDER BY category").rows().map {
                [$0[0].string ?? "", $0[1].string ?? ""]
            }
        }
        let before = try stored()
        #expect(before.count > 5 && before.contains { $0[0] == "违法搭建" })
        try await fixture.test { client in
            for contentType in ["text/csv; charset=gb2312", "text/csv"] {
                let put = try await client.execute(
                    uri: "/v1/layers/rules", method: .put, headers: fixture.headers(.admin, contentType: contentType),
                    body: ByteBuffer(bytes: Self.gbk(rules)))
                #expect(put.status == .ok && put.json["stored"] == .number(Double(before.count)), "\(contentType): \(put.text)")
                #expect(try stored() == before)
            }
            let mislabelled = try await client.execute(
                uri: "/v1/layers/rules", method: .put, headers: fixture.headers(.admin, contentType: "text/csv; charset=utf-8"),
                body: ByteBuffer(bytes: Self.gbk(rules)))
            #expect(mislabelled.status == .badRequest && mislabelled.json["type"] == .string("tag:wangge,2026:problem:bad-encoding"))
            #expect(try stored() == before)
        }
    }

    /// JSON: UTF-8 only; an invalid byte in an id is refused with its offset, so two ids that
    /// differ only there can never overwrite each other.
    @Test func jsonBodiesMustBeUTF8() async throws {
        let fixture = try ServerFixture()
        let prefix = Array(#"[{"id":"X"#.utf8)
        let rest = Array(#"","lon":121.4045,"lat":31.3055,"category":"暴露垃圾","received_at":"2025/7/1 9:00"}]"#.utf8)
        try await fixture.test { client in
            for bad: UInt8 in [0xFF, 0xFE] {
                let response = try await client.execute(
                    uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                    body: ByteBuffer(bytes: prefix + [bad] + rest))
                #expect(response.status == .badRequest && response.json["rows"]?.array.first?["byte_offset"] == .number(9))
                #expect(
                    response.json["detail"]?.text?.hasPrefix("the application/json body is not UTF-8: line 1, byte offset 9: not valid UTF-8")
                        == true, "\(response.text)")
            }
            // Valid: stored with its spreadsheet time as China Standard Time.
            let ok = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(bytes: prefix + Array("工单-1".utf8) + rest))
            #expect(ok.status == .ok && ok.json["inserted"] == .number(1), "\(ok.text)")
            // Control characters in an id or a category: the row is refused by name.
            let control =
                #"[{"id":"A\u0000B","lon":121.4045,"lat":31.3055,"category":"暴露垃圾","received_at":"2025-07-01 09:00"},"#
                + #"{"id":"C","lon":121.4045,"lat":31.3055,"category":"暴露\t垃圾","received_at":"2025-07-01 09:00"},"#
                + #"{"id":"D","lon":121.4045,"lat":31.3055,"category":"暴露垃圾","received_at":"7/1/2025"}]"#
            let refused = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: control))
            #expect(refused.status == .unprocessableContent)
            let rows = refused.json["rows"]?.array ?? []
            #expect(rows.map { $0["field"] } == [.string("id"), .string("category"), .string("received_at")])
            #expect(rows.first?["reason"] == .string(#"the id "A\u{0000}B" contains a control character (U+0000 at character 2)"#))
            #expect(rows.last?["reason"] == .string("received_at \"7/1/2025\" is not a time; expected \(Timestamp.forms)"))
            // The same through CSV.
            let csv = "id,lon,lat,category,received_at\n\"A\u{1}B\",121.4045,31.3055,暴露垃圾,2025/7/1 9:00\n"
            let csvRefused = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "text/csv"),
                body: ByteBuffer(string: csv))
            #expect(csvRefused.status == .unprocessableContent && csvRefused.json["rows"]?.array.first?["field"] == .string("id"))
        }
    }

    /// Path parameters and query names and values are percent-decoded; raw non-ASCII in a query
    /// and broken escapes are refused with a problem document saying to percent-encode.
    @Test func percentDecodedParameters() async throws {
        let fixture = try ServerFixture()
        let order = #"{"id":"工单-1","lon":121.4045,"lat":31.3055,"category":"乱设摊","received_at":"2025年7月1日 9:00"}"#
        try await fixture.test { client in
            let posted = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: order))
            #expect(posted.status == .ok)
            let found = try await client.execute(uri: "/v1/orders/%E5%B7%A5%E5%8D%95-1", method: .get, headers: fixture.headers(.reader))
            #expect(found.status == .ok && found.json["id"] == .string("工单-1"), "\(found.text)")
            #expect(found.json["received_at"] == .string("2025年7月1日 9:00"))
            let events = try await client.execute(
                uri: "/v1/orders/%E5%B7%A5%E5%8D%95-1/events", method: .post,
                headers: fixture.headers(.operator, contentType: "text/csv"), body: ByteBuffer(string: "status,at\ndispatched,2025/7/1 10:00\n"))
            #expect(events.status == .ok && events.json["applied"] == .number(1), "\(events.text)")

            // A query name and value percent-encoded: the same answer as plain ASCII and UTF-8.
            let plain = try await client.execute(
                uri: "/v1/hotspots?level=street&category=%E4%B9%B1%E8%AE%BE%E6%91%8A&from=2025-07-01T09:00&to=2025-07-01T09:01",
                method: .get, headers: fixture.headers(.reader))
            #expect(plain.status == .ok, "\(plain.text)")
            #expect(plain.json.array.reduce(0.0) { $0 + ($1["count"]?.number ?? 0) } >= 1, "\(plain.text)")
            // Names encoded too, and the times in spreadsheet forms.
            let encoded = try await client.execute(
                uri: "/v1/hotspots?%6Cevel=street&%63ategory=%E4%B9%B1%E8%AE%BE%E6%91%8A"
                    + "&from=2025%E5%B9%B47%E6%9C%881%E6%97%A5%209%3A00&to=2025%2F7%2F1%209%3A01",
                method: .get, headers: fixture.headers(.reader))
            #expect(encoded.status == .ok && encoded.text == plain.text, "\(encoded.text)")

            // Raw UTF-8 in the query: 400, problem+json, saying to percent-encode.
            let raw = try await client.execute(uri: "/v1/hotspots?category=乱设摊", method: .get, headers: fixture.headers(.reader))
            #expect(raw.status == .badRequest && raw.headers[.contentType] == "application/problem+json")
            #expect(raw.json["detail"]?.text?.contains("percent-encode") == true, "\(raw.text)")
            // A broken escape and an escape that is not UTF-8.
            for uri in ["/v1/hotspots?category=%E4%B9", "/v1/hotspots?category=%ZZ", "/v1/orders/%FF"] {
                let broken = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.reader))
                #expect(broken.status == .badRequest && broken.headers[.contentType] == "application/problem+json", "\(uri): \(broken.text)")
            }
        }
    }
}
