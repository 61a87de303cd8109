import ArgumentParser
import Foundation
import Logging
import WanggeOperations
import WanggeServer
import WanggeStore

/// `wangge serve`: the HTTP API over a database.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API (/v1/…, /openapi.json, /metrics, /health) over the database.",
        discussion: """
            Every request but /health needs `Authorization: Bearer <token>` (wangge token create); --public-read opens the GET routes for a demo. Blocking work runs on threads of its own: --workers for the heavy routes (analytics, queries, layers, the page), --queue more waiting, then 503 with Retry-After; every request's work stops at --request-timeout (503). SIGTERM or SIGINT: stop accepting, call off the work in flight, checkpoint and close the database, and exit within 10 s.
            """)

    @Option(help: "The SpatiaLite database (created and migrated when needed).")
    var db: String

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port: Int = 8080

    @Flag(name: .customLong("public-read"), help: "Answer GET requests without a token (writes still need one).")
    var publicRead = false

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes (413 beyond).")
    var maxBody: Int = 10 * 1024 * 1024

    @Option(help: "Threads for the heavy routes (analytics, queries, layers, the page): at most this many run at once.")
    var workers: Int = max(2, ProcessInfo.processInfo.activeProcessorCount)

    @Option(help: "Heavy requests waiting for a worker at most; beyond, 503 with Retry-After.")
    var queue: Int = 16

    @Option(name: .customLong("request-timeout"), help: "Seconds a request's work may take; then it is stopped and answered 503.")
    var requestTimeout: Double = 30

    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a connection may stay silent (between requests, or a stalled head or body) before it is closed.")
    var idleTimeout: Double = 15

    @Option(name: .customLong("read-timeout"), help: "Seconds from a request's head to the end of its body at most.")
    var readTimeout: Double = 60

    @Option(name: .customLong("max-head"), help: "Largest request head (request line and header fields) in bytes (431 beyond).")
    var maxHead: Int = 32 * 1024

    @Option(
        name: .customLong("wal-limit"),
        help: "Bound on the WAL in MB: journal_size_limit, and a TRUNCATE checkpoint between ingest groups past a quarter of it.")
    var walLimit: Int = 256

    @OptionGroup var snap: SnapOption

    @OptionGroup var addressFar: AddressFarOption

    @Option(name: .customLong("log-level"), help: "trace, debug, info (every request), notice, warning, error.")
    var logLevel: String = "info"

    @Option(help: "The queries directory (default: $WANGGE_QUERIES, else the source tree's Queries/).")
    var queries: String?

    func validate() throws {
        guard (1 ... 65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes") }
        guard (1 ... 256).contains(workers) else { throw ValidationError("--workers must be between 1 and 256") }
        guard (0 ... 100_000).contains(queue) else { throw ValidationError("--queue must be between 0 and 100000") }
        for (name, value) in [("request-timeout", requestTimeout), ("idle-timeout", idleTimeout), ("read-timeout", readTimeout)] {
            guard value.isFinite, value >= 0.01, value <= 86_400 else { throw ValidationError("--\(name) must be between 0.01 and 86400 seconds") }
        }
        guard (1024 ... 1 << 20).contains(maxHead) else { throw ValidationError("--max-head must be between 1024 and 1048576 bytes") }
        guard (4 ... 1 << 20).contains(walLimit) else { throw ValidationError("--wal-limit must be at least 4 MB") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        var configuration = ServerConfiguration(databasePath: db, queriesDirectory: queriesDirectory(queries))
        configuration.host = host
        configuration.port = port
        configuration.publicRead = publicRead
        configuration.snapMetres = snap.metres
        configuration.addressFarMetres = addressFar.metres
        configuration.maxBodyBytes = maxBody
        configuration.workers = workers
        configuration.queueLimit = queue
        configuration.requestTimeout = requestTimeout
        configuration.idleTimeout = idleTimeout
        configuration.readTimeout = readTimeout
        configuration.maxHeadBytes = maxHead
        configuration.walLimitBytes = walLimit << 20
        configuration.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let service: WanggeService
        do { service = try WanggeService(configuration: configuration) } catch {
            note("error: \(error)")
            throw ExitCode(of: error)
        }
        try await service.run()
    }
}
