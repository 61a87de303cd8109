import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import WanggeCore
import WanggeOperations
import WanggePages
import WanggeStore

/// How `wangge serve` runs.
public struct ServerConfiguration: Sendable {
    public var databasePath: String
    public var queriesDirectory: String
    public var host = "127.0.0.1"
    public var port = 8080
    /// Opens every GET to requests without a token (a demo); writes still need one.
    public var publicRead = false
    /// The largest request body accepted (413 beyond).
    public var maxBodyBytes = 10 * 1024 * 1024
    /// Threads for the heavy routes (analytics, queries, layers, the page): at most this many
    /// run at once.
    public var workers = max(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Heavy requests waiting for a worker at most; beyond, 503 with `Retry-After`.
    public var queueLimit = 16
    /// Seconds a request's work may take; then it is stopped and answered 503.
    public var requestTimeout = 30.0
    /// Seconds a connection may stay silent (no request, or a request's head or body stalled)
    /// before it is closed.
    public var idleTimeout = 15.0
    /// Seconds from a request's head to the end of its body at most (a slow upload is cut).
    public var readTimeout = 60.0
    /// The largest request head (request line and header fields), in bytes; 431 beyond.
    public var maxHeadBytes = 32 * 1024
    /// The WAL's bound in bytes: `journal_size_limit`, and the writer checkpoints (TRUNCATE)
    /// when the WAL passes a quarter of it.
    public var walLimitBytes = 256 << 20
    /// Seconds from SIGTERM to exit at most (the database is checkpointed first).
    public var shutdownGrace = 8.0
    /// Orders outside every cell snap to the nearest cell within this distance.
    public var snapMetres = 50.0
    /// Posted orders whose address resolves farther than this from their coordinates are
    /// flagged `address_far` (as `--address-far-metres` of `import orders`).
    public var addressFarMetres = 300.0
    public var logLevel: Logger.Level = .info

    public init(databasePath: String, queriesDirectory: String) {
        self.databasePath = databasePath
        self.queriesDirectory = queriesDirectory
    }
}

/// The Wangge HTTP service over one SpatiaLite database: the connections, the district
/// snapshot, tokens and metrics, and the routes built over them.
public final class WanggeService: Sendable {
    let configuration: ServerConfiguration
    let pool: ConnectionPool
    let tokens: TokenCache
    let metrics = ServiceMetrics()
    let logger: Logger
    let ingest: IngestQueue
    let derived = DerivedData()
    /// Encoded vector tiles (`/v1/tiles`), by data version.
    let tiles = TileCache()
    /// The last number n given to an Open311 request id `311-n` by this process.
    let open311Numbers = Locked(0)
    /// Cancelled at shutdown: every request's budget ends with it.
    let lifetime = WorkBudget(seconds: .infinity)
    private let current: Locked<DistrictSnapshot>

    /// Opens the database (creating and migrating it when needed), checks the named queries
    /// and builds the district index.
    public init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        var logger = Logger(label: "wangge")
        logger.logLevel = configuration.logLevel
        self.logger = logger
        pool = try ConnectionPool(
            path: configuration.databasePath, queriesDirectory: configuration.queriesDirectory,
            workers: configuration.workers, queueLimit: configuration.queueLimit, walLimitBytes: configuration.walLimitBytes)
        tokens = TokenCache(pool: pool)
        let (district, index, version) = try pool.write { store in
            let district = try store.loadDistrict()
            return (district, try store.districtIndex(for: district), try store.layersVersion())
        }
        let current = Locked(
            DistrictSnapshot(generation: 1, layersVersion: version, district: district, index: index, snapMetres: configuration.snapMetres))
        self.current = current
        ingest = IngestQueue(pool: pool, snapMetres: configuration.snapMetres, addressFarMetres: configuration.addressFarMetres) { current.current }
        metrics.setGeneration(1)
        metrics.gauges.withLock { [pool] gauges in
            gauges.append {
                let (queued, running) = pool.heavy.load
                let wal = pool.walStatistics.current
                return "# HELP wangge_heavy_requests Heavy requests running and waiting for a worker.\n# TYPE wangge_heavy_requests gauge\n"
                    + "wangge_heavy_requests{state=\"running\"} \(running)\nwangge_heavy_requests{state=\"queued\"} \(queued)\n"
                    + "# HELP wangge_wal_bytes Size of the WAL file.\n# TYPE wangge_wal_bytes gauge\nwangge_wal_bytes \(pool.walBytes())\n"
                    + "# HELP wangge_wal_peak_bytes Largest WAL seen by the writer after a commit.\n# TYPE wangge_wal_peak_bytes gauge\nwangge_wal_peak_bytes \(wal.peakBytes)\n"
                    + "# HELP wangge_wal_checkpoints_total TRUNCATE checkpoints run by the writer to bound the WAL.\n# TYPE wangge_wal_checkpoints_total counter\nwangge_wal_checkpoints_total \(wal.checkpoints)\n"
            }
        }
        pool.everySecond.withLock { $0 = { [weak self] in self?.reloadIfLayersChanged() } }
        // The leaders' page reads every order and status change once per data version: read
        // them now, so the first page after start is as fast as the next ones.
        let path = configuration.databasePath
        Task.detached(priority: .utility) { [weak self] in
            guard let self, let command = try? DashboardParameters.parse(["--db", path]) else { return }
            _ = try? await self.report(command, on: WorkerPool.background)
        }
    }

    /// Reloads the district when another process (`wangge import`) replaced a layer.
    private func reloadIfLayersChanged() {
        do {
            let stored = try pool.read { try $0.layersVersion() }
            guard stored != snapshot.layersVersion else { return }
            let generation = try pool.write { store -> Int? in
                try store.layersVersion() == snapshot.layersVersion ? nil : try reloadDistrict(using: store)
            }
            if let generation {
                logger.notice("layers changed in the database; index reloaded", metadata: ["generation": .stringConvertible(generation)])
            }
        } catch {
            logger.error("checking for layer changes failed: \(error)")
        }
    }

    /// The district the service routes against now.
    var snapshot: DistrictSnapshot { current.current }

    /// Re-reads the layers with the writer (the caller holds it) and swaps in a new snapshot.
    func reloadDistrict(using store: WanggeStore) throws -> Int {
        let generation = snapshot.generation + 1
        let district = try store.loadDistrict()
        let next = DistrictSnapshot(
            generation: generation, layersVersion: try store.layersVersion(), district: district,
            index: try store.districtIndex(for: district), snapMetres: configuration.snapMetres)
        current.withLock { $0 = next }
        metrics.setGeneration(generation)
        return generation
    }

    /// Every route, in the order the API document lists them.
    var routes: [APIRoute] {
        pageRoutes + systemRoutes + routingRoutes + geocodeRoutes + orderRoutes + analyticsRoutes + layerRoutes + tileRoutes + queryRoutes
            + featureRoutes + open311Routes
    }

    /// The router: the routes behind the service middleware (logs, metrics, tokens, problems).
    func router() -> Hummingbird.Router<WanggeContext> {
        let router = Hummingbird.Router(context: WanggeContext.self)
        let table = routes
        // Outermost: gzip sees every answer, problem documents included.
        router.add(middleware: CompressionMiddleware<WanggeContext>())
        router.add(middleware: ServiceMiddleware(service: self, routes: table))
        for route in table {
            let handler = route.handler
            let required = route.role
            let publicRead = configuration.publicRead
            let loginPage = route.loginPage
            let respond: @Sendable (Request, WanggeContext) async throws -> Response = { request, context in
                if loginPage && context.role == nil && !(publicRead && (request.method == .get || request.method == .head)) {
                    let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                    return Response(
                        status: .seeOther,
                        headers: [.location: "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")])
                }
                try Self.authorize(required, method: request.method, context: context, publicRead: publicRead)
                return try await handler(request, context)
            }
            router.on(route.routerPath, method: route.method, use: respond)
            if route.method == .get {
                // HEAD: the GET's status and headers, without its body (a streamed body is
                // not even produced).
                router.on(route.routerPath, method: .head) { request, context -> Response in
                    var response = try await Self.$headOnly.withValue(true) { try await respond(request, context) }
                    response.body = ResponseBody()
                    return response
                }
            }
        }
        return router
    }

    /// Set while a HEAD request runs its GET's handler: streamed bodies are then not produced.
    @TaskLocal static var headOnly = false

    /// 401 without a valid token, 403 when its role is below the route's.
    static func authorize(_ required: Role?, method: HTTPRequest.Method, context: WanggeContext, publicRead: Bool) throws {
        guard let required else { return }
        if publicRead && required == .reader && (method == .get || method == .head) { return }
        guard let role = context.role else {
            throw Problem.unauthorized(
                "this route needs a token with the \(required.rawValue) role: send Authorization: Bearer <token> (create one with `wangge token create`)"
            )
        }
        guard role >= required else {
            throw Problem.forbidden("this route needs the \(required.rawValue) role; the token presented has \(role.rawValue)")
        }
    }

    /// The application, for `run()` and for tests.
    public func application() -> some ApplicationProtocol {
        let limits = (head: configuration.maxHeadBytes, read: configuration.readTimeout)
        let logger = self.logger
        let http = HTTP1Channel.Configuration(
            // A head over the limit is answered 431 first; any other parser error 400 (percent-encode).
            additionalChannelHandlers: [
                RequestLimitsHandler(maxHeadBytes: limits.head, readTimeout: .milliseconds(Int64(limits.read * 1000))),
                MalformedRequestHandler(logger: logger),
            ],
            idleTimeout: .milliseconds(Int64(configuration.idleTimeout * 1000)),
            // NIO's decoder refuses a larger head; RequestLimitsHandler answers it 431.
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.head, maxHeaderListSize: limits.head))
        return Application(
            router: router(),
            server: .http1(configuration: http),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "wangge"),
            onServerRunning: { [logger, configuration] _ in
                logger.notice("listening", metadata: ["address": "http://\(configuration.host):\(configuration.port)"])
            },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT: then stops accepting, calls off the work in flight
    /// (its requests are answered 503), checkpoints the WAL and closes the database. Should
    /// connections linger past `shutdownGrace` seconds (a stalled upload), the database is
    /// checkpointed and the process exits anyway.
    public func run() async throws {
        let grace = configuration.shutdownGrace
        let signals = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                guard !lifetime.isCancelled else { return }
                logger.notice("stopping: work in flight called off")
                lifetime.cancel()
                DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [self] in
                    pool.checkpoint()
                    logger.notice("stopped after \(grace) s with connections still open; database checkpointed")
                    exit(0)
                }
            }
            source.resume()
            return source
        }
        defer { for signal in signals { signal.cancel() } }
        try await application().runService(gracefulShutdownSignals: [.sigterm, .sigint])
        lifetime.cancel()
        pool.checkpoint()
        logger.notice("stopped; database checkpointed")
    }
}
