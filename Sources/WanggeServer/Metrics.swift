import Foundation
import WanggeCore

/// The service's counters, written in the Prometheus text exposition format (version 0.0.4)
/// at `GET /metrics`: requests by route template, method and status; a latency histogram by
/// route (to the end of the body); orders ingested; the index generation; the heavy workers'
/// load and the WAL; the process (`process_*`, as Prometheus's client libraries name them);
/// the build.
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
    /// Gauges read when the text is written (workers, WAL), set by the service.
    let gauges = Locked<[@Sendable () -> String]>([])

    /// The version reported by `wangge_build_info`.
    static let version = WanggeVersion.number

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
        func label(_ v: String) -> String {
            v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
        }
        var out =
            "# HELP wangge_http_requests_total HTTP requests answered, by route template, method and status.\n# TYPE wangge_http_requests_total counter\n"
        for (k, n) in s.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "wangge_http_requests_total{route=\"\(label(k.route))\",method=\"\(k.method)\",status=\"\(k.status)\"} \(n)\n"
        }
        out +=
            "# HELP wangge_http_request_duration_seconds Time from the request's head to the end of the response's body, by route.\n# TYPE wangge_http_request_duration_seconds histogram\n"
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
        out +=
            "# HELP wangge_index_generation Generation of the in-memory district index (1 at start, +1 per layer import).\n# TYPE wangge_index_generation gauge\n"
        out += "wangge_index_generation \(s.generation)\n"
        out += "# HELP wangge_uptime_seconds Seconds since the server started.\n# TYPE wangge_uptime_seconds gauge\n"
        out += "wangge_uptime_seconds \(Int(Date().timeIntervalSince(started)))\n"
        for gauge in gauges.current { out += gauge() }
        out += Self.processText(started: started)
        return out
    }

    /// The `process_*` metrics of this process (Linux: /proc) and `wangge_build_info`.
    static func processText(started: Date) -> String {
        var out = ""
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        out += "# HELP process_cpu_seconds_total User and system CPU time spent in seconds.\n# TYPE process_cpu_seconds_total counter\n"
        out += "process_cpu_seconds_total \(cpu)\n"
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        {
            out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n# TYPE process_resident_memory_bytes gauge\n"
            out += "process_resident_memory_bytes \(pages * Int(sysconf(Int32(_SC_PAGESIZE))))\n"
        }
        if let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            out += "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n"
            out += "process_open_fds \(fds.count)\n"
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            out += "# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\n"
            out += "process_max_fds \(limit.rlim_cur)\n"
        }
        out += "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.\n# TYPE process_start_time_seconds gauge\n"
        out += "process_start_time_seconds \(Int(started.timeIntervalSince1970))\n"
        #if compiler(>=6.3)
            let swift = "6.3"
        #elseif compiler(>=6.2)
            let swift = "6.2"
        #else
            let swift = "6.1"
        #endif
        out += "# HELP wangge_build_info The running build: version and compiler (always 1).\n# TYPE wangge_build_info gauge\n"
        out += "wangge_build_info{version=\"\(version)\",swift=\"\(swift)\"} 1\n"
        return out
    }
}
