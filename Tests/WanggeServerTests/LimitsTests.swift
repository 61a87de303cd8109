import Dispatch
import Foundation
#if canImport(Glibc)
    import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
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
        let fixture = try ServerFixture {
            $0.workers = 1; $0.queueLimit = 4; $0.requestTimeout = 0.3
        }
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
        let fixture = try ServerFixture {
            $0.workers = 1; $0.queueLimit = 0; $0.requestTimeout = 30
        }
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
            let post = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: order))
            #expect(post.status == .ok)
        }
    }

    @Test func rejectedRowsAreCappedWithTheirTotal() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let body = "[" + Array(repeating: "1", count: 5_000).joined(separator: ",") + "]"
            let response = try await client.execute(
                uri: "/v1/orders", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
                body: ByteBuffer(string: body))
            #expect(response.status == .unprocessableContent)
            #expect(response.json["rows"]?.array.count == 100)
            #expect(response.json["rows_total"] == .number(5_000))
            #expect(response.text.count < 20_000)
            let events = try await client.execute(
                uri: "/v1/orders/none/events", method: .post, headers: fixture.headers(.operator, contentType: "application/json"),
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
            let response = try await client.execute(
                uri: "/health", method: .get, headers: [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 4 * 1024)])
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
            let big = try await client.execute(
                uri: "/login", method: .post, headers: form,
                body: ByteBuffer(string: "token=" + String(repeating: "x", count: 20_000)))
            #expect(big.status == .contentTooLarge)
            #expect(big.json["detail"]?.text?.contains("16384") == true, "\(big.text)")
            let token = fixture.tokens[.reader]!
            for evil in ["/%5Cevil.example", "//evil.example", "https://evil.example", "/%5C%5Cevil", "/%0D%0ALocation:x"] {
                let r = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(token)&next=\(evil)"))
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/", "next=\(evil)")
            }
            let good = try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(token)&next=%2Fv1%2Fsheet%3Fdate%3D2025-07-01"))
            #expect(good.headers[.location] == "/v1/sheet?date=2025-07-01")
            let page = try await client.execute(uri: "/login?next=%2F%3Fmeasure%3Dgi", method: .get)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"name="next" value="/?measure=gi""#))
            let evilPage = try await client.execute(uri: "/login?next=%2F%5Cevil.example", method: .get)
            #expect(evilPage.text.contains(#"name="next" value="/""#))
        }
    }

    /// Collects a body, as the channel would write it.
    struct Collector: ResponseBodyWriter {
        var bytes = 0
        mutating func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytes }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    @Test func durationsRunToTheEndOfTheBody() async throws {
        let fixture = try ServerFixture()
        let service = fixture.service
        let middleware = ServiceMiddleware(service: service, routes: service.routes)
        var logger = service.logger
        logger[metadataKey: "hb.request.id"] = "test-1"  // as the application sets it
        let context = WanggeContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: logger))
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/health"), body: RequestBody(buffer: ByteBuffer()))
        // A body that takes 300 ms to write after its head.
        let response = try await middleware.handle(request, context: context) { _, _ in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await Task.sleep(for: .milliseconds(300))
                    try await writer.write(ByteBuffer(string: "done"))
                    try await writer.finish(nil)
                })
        }
        #expect(!service.metrics.text().contains(#"route="/health""#))  // not yet: the body is not written
        try await response.body.write(Collector())
        let line = service.metrics.text().split(separator: "\n").first {
            $0.hasPrefix(#"wangge_http_request_duration_seconds_sum{route="/health",method="GET"}"#)
        }
        let recorded = line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
        #expect(recorded >= 0.3, "recorded \(recorded) s")
    }

    @Test func metricsHaveTheProcessAndTheBuild() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let text = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.reader)).text
            for name in [
                "process_resident_memory_bytes ", "process_cpu_seconds_total ", "process_open_fds ", "process_start_time_seconds ",
                "wangge_build_info{version=", "wangge_heavy_requests{state=\"queued\"} ", "wangge_wal_bytes ",
            ] {
                #expect(text.contains(name), "\(name)")
            }
        }
    }
}

/// Slow clients against a live server: a stalled upload meets the idle timeout, a trickling
/// one the read timeout.
@Suite struct ConnectionTimeoutTests {
    /// Connects to 127.0.0.1:`port`, sends `head`, then `trickle` one byte every 0.1 s; the
    /// seconds until the server closes the connection (nil: still open after `limit` s).
    static func secondsUntilClosed(port: Int, head: String, trickle: Bool, limit: Double) -> Double? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        _ = head.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let started = ContinuousClock.now
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now - started < .seconds(limit) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                let elapsed = ContinuousClock.now - started
                return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            }
            if trickle { _ = send(fd, "x", 1, Int32(MSG_NOSIGNAL)) }
        }
        return nil
    }

    static let upload = "POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: 1000000\r\n\r\nid,lon"

    @Test func aStalledUploadIsClosedAtTheIdleTimeout() async throws {
        let fixture = try ServerFixture {
            $0.idleTimeout = 0.5; $0.readTimeout = 60
        }
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            let closed = Self.secondsUntilClosed(port: port, head: Self.upload, trickle: false, limit: 10)
            #expect(closed != nil && closed! < 5, "closed after \(String(describing: closed)) s")
            // A stalled head too.
            let head = Self.secondsUntilClosed(port: port, head: "GET /health HTTP/1.1\r\nHost: 1", trickle: false, limit: 10)
            #expect(head != nil && head! < 5)
        }
    }

    @Test func aTricklingUploadIsCutAtTheReadTimeout() async throws {
        let fixture = try ServerFixture {
            $0.idleTimeout = 60; $0.readTimeout = 0.5
        }
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            let closed = Self.secondsUntilClosed(port: port, head: Self.upload, trickle: true, limit: 10)
            #expect(closed != nil && closed! < 5, "closed after \(String(describing: closed)) s")
        }
    }
}
