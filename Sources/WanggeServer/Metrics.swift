import Foundation

/// The service's counters, written in the Prometheus text exposition format (version 0.0.4)
/// at `GET /metrics`: requests by route template, method and status; a latency histogram by
/// route; orders ingested; the index generation.
final class ServiceMetrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    private struct RouteKey: Hashable { let route: String, method: String }
    private struct Histogram { var counts = [Int](repeating: 0, count: ServiceMetrics.buckets.count); var sum = 0.0; var total = 0 }
    private struct State {
        var requests: [RequestKey: Int] = [:]
        var latency: [RouteKey: Histogram] = [:]
        var ordersIngested = 0
        var generation = 0
    }
    private struct RequestKey: Hashable { let route: String, method: String, status: Int }
    private let state = Locked(State())
    private let started = Date()

    func record(route: String, method: String, status: Int, seconds: Double) {
        let bucket = Self.buckets.firstIndex { seconds <= $0 }
        state.withLock { s in
            s.requests[RequestKey(route: route, method: method, status: status), default: 0] += 1
            var h = s.latency[RouteKey(route: route, method: method)] ?? Histogram()
            if let bucket { h.counts[bucket] += 1 }
            h.sum += seconds
            h.total += 1
            s.latency[RouteKey(route: route, method: method)] = h
        }
    }

    func ordersIngested(_ n: Int) { state.withLock { $0.ordersIngested += n } }
    func setGeneration(_ g: Int) { state.withLock { $0.generation = g } }

    /// The exposition text.
    func text() -> String {
        let s = state.current
        func label(_ v: String) -> String { v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") }
        var out = "# HELP wangge_http_requests_total HTTP requests answered, by route template, method and status.\n# TYPE wangge_http_requests_total counter\n"
        for (k, n) in s.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "wangge_http_requests_total{route=\"\(label(k.route))\",method=\"\(k.method)\",status=\"\(k.status)\"} \(n)\n"
        }
        out += "# HELP wangge_http_request_duration_seconds Time from the request's head to the response's head, by route.\n# TYPE wangge_http_request_duration_seconds histogram\n"
        for (k, h) in s.latency.sorted(by: { ($0.key.route, $0.key.method) < ($1.key.route, $1.key.method) }) {
            let labels = "route=\"\(label(k.route))\",method=\"\(k.method)\""
            var cumulative = 0
            for (i, bound) in Self.buckets.enumerated() {
                cumulative += h.counts[i]
                out += "wangge_http_request_duration_seconds_bucket{\(labels),le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "wangge_http_request_duration_seconds_bucket{\(labels),le=\"+Inf\"} \(h.total)\n"
            out += "wangge_http_request_duration_seconds_sum{\(labels)} \(h.sum)\n"
            out += "wangge_http_request_duration_seconds_count{\(labels)} \(h.total)\n"
        }
        out += "# HELP wangge_orders_ingested_total Orders stored through POST /v1/orders.\n# TYPE wangge_orders_ingested_total counter\n"
        out += "wangge_orders_ingested_total \(s.ordersIngested)\n"
        out += "# HELP wangge_index_generation Generation of the in-memory district index (1 at start, +1 per layer import).\n# TYPE wangge_index_generation gauge\n"
        out += "wangge_index_generation \(s.generation)\n"
        out += "# HELP wangge_uptime_seconds Seconds since the server started.\n# TYPE wangge_uptime_seconds gauge\n"
        out += "wangge_uptime_seconds \(Int(Date().timeIntervalSince(started)))\n"
        return out
    }
}
