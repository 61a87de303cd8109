import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeOperations
import WanggePages
import WanggeStore
@testable import WanggeServer

@Suite struct QueryRouteTests {
    /// The HTTP route and the CLI command give the same bytes for the same parameters.
    @Test func analyticsMatchTheCommandLine() async throws {
        let fixture = try ServerFixture()
        let path = fixture.service.configuration.databasePath
        let queries = ServerFixture.root.appendingPathComponent("Queries").path
        func cli<C: ParsableCapability>(_ type: C.Type, _ arguments: [String]) throws -> [UInt8] {
            try C.parse(arguments + ["--db", path]).report(from: DatabaseFile(path: path, queriesDirectory: queries)).bytes
        }
        let expectations: [(String, [UInt8])] = [
            ("/v1/hotspots?level=street&format=csv", try cli(HotspotsParameters.self, ["--level", "street", "--format", "csv"])),
            ("/v1/hotspots?method=gi&format=json", try cli(HotspotsParameters.self, ["--method", "gi", "--format", "json"])),
            ("/v1/recurrence?level=street", try cli(RecurrenceParameters.self, ["--level", "street", "--format", "json"])),
            (
                "/v1/lights?as-of=2025-03-01T00:00:00%2B08:00&level=street",
                try cli(LightsParameters.self, ["--as-of", "2025-03-01T00:00:00+08:00", "--level", "street", "--format", "json"])
            ),
            (
                "/v1/kpi?from=2025-01-01T00:00:00%2B08:00&to=2025-04-01T00:00:00%2B08:00&by=street&format=csv",
                try cli(
                    KPIParameters.self,
                    ["--from", "2025-01-01T00:00:00+08:00", "--to", "2025-04-01T00:00:00+08:00", "--by", "street", "--format", "csv"])
            ),
            (
                "/v1/trend?from=2025-01-06T00:00:00%2B08:00&to=2025-03-03T00:00:00%2B08:00&by=unit&format=csv",
                try cli(
                    TrendParameters.self,
                    ["--from", "2025-01-06T00:00:00+08:00", "--to", "2025-03-03T00:00:00+08:00", "--by", "unit", "--format", "csv"])
            ),
            ("/v1/trend?by=category", try cli(TrendParameters.self, ["--by", "category", "--format", "json"])),
            (
                "/v1/orders?cell=310113102001005&from=2025-01-01T00:00:00%2B08:00&format=csv",
                try cli(OrdersParameters.self, ["--cell", "310113102001005", "--from", "2025-01-01T00:00:00+08:00", "--format", "csv"])
            ),
            ("/v1/orders?unit=U-BS-MK01&format=html", try cli(OrdersParameters.self, ["--unit", "U-BS-MK01", "--format", "html"])),
        ]
        try await fixture.test { client in
            for (uri, expected) in expectations {
                let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.reader))
                #expect(response.status == .ok, "\(uri)")
                #expect(Array(response.body.readableBytesView) == expected, "\(uri)")
            }
            let csv = try await client.execute(uri: "/v1/hotspots?level=street&format=csv", method: .get, headers: fixture.headers(.reader))
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("street,name,count,density_per_km2\n"))
            let geo = try await client.execute(uri: "/v1/hotspots?method=gi&format=geojson", method: .get, headers: fixture.headers(.reader))
            #expect(geo.headers[.contentType] == "application/geo+json")
            #expect(geo.json["features"]?.array.first?["properties"]?["z"] != nil)
        }
    }

    @Test func badParametersNameTheParameter() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            let cases: [(String, String)] = [
                ("/v1/hotspots?level=planet", "level"),
                ("/v1/hotspots?band=-5", "band"),
                ("/v1/hotspots?colour=red", "colour"),
                ("/v1/hotspots?db=/etc/passwd", "db"),
                ("/v1/lights", "as-of"),
                ("/v1/kpi?from=yesterday&to=2025-04-01T00:00:00%2B08:00", "from"),
                ("/v1/assign?lon=abc&lat=31.3", "lon"),
                ("/v1/assign?lon=121.4", "lat"),
                ("/v1/assign?lon=500&lat=31.3", "lon"),
                ("/v1/assign?lon=121.4&lat=31.3&crs=EPSG:99999999", "crs"),
                ("/v1/layers/orders?bbox=1,2,3", "bbox"),
                ("/v1/layers/cells?status=closed", "status"),
                ("/v1/hotspots?fdr=perhaps", "fdr"),
            ]
            for (uri, parameter) in cases {
                let response = try await client.execute(uri: uri, method: .get, headers: h)
                #expect(response.status == .badRequest, "\(uri): \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.json["parameter"] == .string(parameter), "\(uri): \(response.text)")
                #expect(response.json["detail"]?.text?.isEmpty == false)
            }
        }
    }

    @Test func namedQueriesAreListedAndRun() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let h = fixture.headers(.reader)
            let list = try await client.execute(uri: "/v1/queries", method: .get, headers: h).json
            let byId = try #require(list.array.first { $0["name"] == .string("order_by_id") })
            #expect(byId["parameters"]?.array.first?["name"] == .string("id"))
            #expect(byId["parameters"]?.array.first?["required"] == .bool(true))
            let one = try await client.execute(uri: "/v1/queries/order_by_id?id=BS2025000001", method: .get, headers: h).json
            #expect(one.array.count == 1)
            #expect(one.array.first?["category"] == .string("违法搭建"))
            let unknown = try await client.execute(uri: "/v1/queries/drop_everything", method: .get, headers: h)
            #expect(unknown.status == .notFound)
            let missing = try await client.execute(uri: "/v1/queries/order_by_id", method: .get, headers: h)
            #expect(missing.status == .badRequest)
            let badType = try await client.execute(uri: "/v1/queries/layer_orders?from=soon", method: .get, headers: h)
            #expect(badType.status == .badRequest)
            // No SQL in any answer.
            for r in [unknown, missing, badType] { #expect(!r.text.contains("SELECT") && !r.text.contains("sqlite")) }
        }
    }

    @Test func metricsCountRequestsAndOrders() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            for _ in 0 ..< 3 {
                _ = try await client.execute(uri: "/v1/assign?lon=121.4045&lat=31.3055", method: .get, headers: fixture.headers(.reader))
            }
            _ = try await client.execute(uri: "/v1/assign?lon=x&lat=31.3055", method: .get, headers: fixture.headers(.reader))
            _ = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: OrderRouteTests.order))
            let text = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.reader)).text
            #expect(text.contains(#"wangge_http_requests_total{route="/v1/assign",method="GET",status="200"} 3"#))
            #expect(text.contains(#"wangge_http_requests_total{route="/v1/assign",method="GET",status="400"} 1"#))
            #expect(text.contains(#"wangge_http_request_duration_seconds_count{route="/v1/assign",method="GET"} 4"#))
            #expect(text.contains("wangge_orders_ingested_total 1\n"))
            #expect(text.contains("wangge_index_generation 1\n"))
        }
    }
}
