import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
@testable import WanggeServer

/// The bounds of issue 13: cost caps (422 naming the parameter), the request deadline, the
/// heavy routes' admission (503 with Retry-After), capped error rows, the request head limit,
/// the page cache's generations, and the small fixes of the login.
@Suite struct LimitsTests {
    @Test func costCapsAre422NamingTheParameter() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let cases: [(String, Set<String>)] = [
                ("/v1/hotspots?method=kde&cell-size=1", ["cell-size"]),
                ("/v1/hotspots?method=gi&permutations=10000", ["permutations"]),
                ("/v1/recurrence?knox=true&permutations=10000", ["permutations"]),
                ("/v1/recurrence?knox=true&permutations=9999&distance-bands=50&time-bands=50", ["permutations", "distance-bands"]),
                ("/v1/recurrence?method=kde&cell-size=1", ["cell-size"]),
                ("/v1/recurrence?radius=100000", ["radius"]),
                ("/v1/recurrence?days=100000", ["days"]),
                ("/v1/hotspots?method=kde&bandwidth=100000&cell-size=5", ["bandwidth"]),
                ("/v1/hotspots?method=emerging&step=day&from=2013-01-01T00:00:00%2B08:00&to=2026-01-01T00:00:00%2B08:00", ["step"]),
            ]
            for (uri, parameters) in cases {
                let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.reader))
                #expect(response.status == .unprocessableContent, "\(uri): \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
                #expect(parameters.contains(response.json["parameter"]?.text ?? ""), "\(uri): \(response.text)")
                let bound = response.json["expected"]?.text ?? ""
                #expect(bound.contains("≤"), "\(uri): the bound is stated")
            }
        }
    }

    /// Occupies every heavy worker until `release` is signalled (deterministic saturation,
    /// whatever the machine's speed).
    static func occupy(_ pool: WorkerPool, release: DispatchSemaphore) {
        for _ in 0 ..< pool.threads { #expect(pool.submit { release.wait() }) }
        while pool.load.running < pool.threads { usleep(1_000) }
    }

    @Test func workPastTheDeadlineIsStoppedAnd503() async throws {
        let fixture = try ServerFixture { $0.workers = 1; $0.queueLimit = 4; $0.requestTimeout = 0.3 }
        let release = DispatchSemaphore(value: 0)
        Self.occupy(fixture.service.pool.heavy, release: release)
        defer { release.signal() }
        try await fixture.test { client in
            // Queued behind the busy worker, the request meets its deadline first.
            let response = try await client.execute(uri: "/v1/hotspots", method: .get, headers: fixture.headers(.reader))
            #expect(response.status == .serviceUnavailable, "\(response.text)")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.json["type"]?.text == "tag:wangge,2026:problem:deadline-exceeded")
            #expect(response.headers[.retryAfter] != nil)
            // The server goes on answering.
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
    }

    @Test func heavyRoutesBeyondWorkersAndQueueAre503WithRetryAfter() async throws {
        let fixture = try ServerFixture { $0.workers = 1; $0.queueLimit = 0; $0.requestTimeout = 30 }
        let release = DispatchSemaphore(value: 0)
        Self.occupy(fixture.service.pool.heavy, release: release)
        defer { release.signal() }
        try await fixture.test { client in
            for uri in ["/v1/hotspots", "/v1/queries/layer_orders", "/v1/layers/cells", "/"] {
                let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(.reader))
                #expect(response.status == .serviceUnavailable, "\(uri): \(response.text)")
                #expect(response.headers[.retryAfter] == "1", "\(uri)")
                #expect(response.json["type"]?.text == "tag:wangge,2026:problem:overloaded", "\(uri)")
            }
            // Meanwhile the other routes answer: they never wait for a heavy worker.
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            let assign = try await client.execute(uri: "/v1/assign?lon=121.404567&lat=31.305585", method: .get, headers: fixture.headers(.reader))
            #expect(assign.status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.reader))
            #expect(metrics.text.contains(#"wangge_heavy_requests{state="running"} 1"#))
            let order = #"{"id":"SAT-1","lon":121.4142,"lat":31.3036,"category":"暴露垃圾","received_at":"2025-07-01T09:00:00+08:00"}"#
            let post = try await client.execute(uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                                                body: ByteBuffer(string: order))
            #expect(post.status == .ok)
        }
    }

    @Test func rejectedRowsAreCappedWithTheirTotal() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let body = "[" + Array(repeating: "1", count: 5_000).joined(separator: ",") + "]"
            let response = try await client.execute(uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                                                    body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent)
            #expect(response.json["rows"]?.array.count == 100)
            #expect(response.json["rows_total"] == .number(5_000))
            #expect(response.text.count < 20_000)
            let events = try await client.execute(uri: "/v1/orders/none/events", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                                                  body: ByteBuffer(string: body))
            // No such order: 404 before any row is listed; the rows are capped either way.
            #expect(events.text.count < 20_000)
        }
    }

    @Test func aHeadOverTheLimitIs431ProblemJSON() async throws {
        let fixture = try ServerFixture { $0.maxHeadBytes = 8 * 1024 }
        try await fixture.test(.live) { client in
            let big = String(repeating: "a", count: 12 * 1024)
            let response = try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-Padding")!: big])
            #expect(response.status == .requestHeaderFieldsTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.json["status"] == .number(431))
        }
        let small = try ServerFixture { $0.maxHeadBytes = 8 * 1024 }
        try await small.test(.live) { client in
            let response = try await client.execute(uri: "/health", method: .get, headers: [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 4 * 1024)])
            #expect(response.status == .ok)
        }
    }

    @Test func thePageCacheKeepsOneGeneration() throws {
        let derived = DerivedData()
        _ = try derived.value("orders", generation: 1, version: 1) { 1 }
        _ = try derived.value("histories", generation: 1, version: 1) { 2 }
        #expect(derived.count == 2)
        _ = try derived.value("orders", generation: 2, version: 2) { 3 }
        #expect(derived.count == 1)
        // A value computed on an older snapshot does not come back.
        _ = try derived.value("histories", generation: 1, version: 2) { 4 }
        #expect(derived.count == 1)
        #expect(try derived.value("orders", generation: 2, version: 2) { 5 } == 3)
    }

    @Test func loginLimitsRedirectsAndKeepsNext() async throws {
        let fixture = try ServerFixture()
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await fixture.test { client in
            let big = try await client.execute(uri: "/login", method: .post, headers: form,
                                               body: ByteBuffer(string: "token=" + String(repeating: "x", count: 20_000)))
            #expect(big.status == .contentTooLarge)
            #expect(big.json["detail"]?.text?.contains("16384") == true, "\(big.text)")
            let token = fixture.tokens[.reader]!
            for evil in ["/%5Cevil.example", "//evil.example", "https://evil.example", "/%5C%5Cevil", "/%0D%0ALocation:x"] {
                let r = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(token)&next=\(evil)"))
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/", "next=\(evil)")
            }
            let good = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(token)&next=%2Fv1%2Fsheet%3Fdate%3D2025-07-01"))
            #expect(good.headers[.location] == "/v1/sheet?date=2025-07-01")
            let page = try await client.execute(uri: "/login?next=%2F%3Fmeasure%3Dgi", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"name="next" value="/?measure=gi""#))
            let evilPage = try await client.execute(uri: "/login?next=%2F%5Cevil.example", method: .get)
            #expect(evilPage.text.contains(#"name="next" value="/""#))
        }
    }

    @Test func metricsHaveTheProcessAndTheBuild() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let text = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.reader)).text
            for name in ["process_resident_memory_bytes ", "process_cpu_seconds_total ", "process_open_fds ", "process_start_time_seconds ",
                         "wangge_build_info{version=", "wangge_heavy_requests{state=\"queued\"} ", "wangge_wal_bytes "] {
                #expect(text.contains(name), "\(name)")
            }
        }
    }
}
