import Foundation
import Hummingbird
import Logging
import WanggeCore
import WanggeOperations
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
    /// Read-only connections in the pool.
    public var readers = 2 * ProcessInfo.processInfo.activeProcessorCount
    /// Orders outside every cell snap to the nearest cell within this distance.
    public var snapMetres = 50.0
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
    private let current: Locked<DistrictSnapshot>

    /// Opens the database (creating and migrating it when needed), checks the named queries
    /// and builds the district index.
    public init(configuration: ServerConfiguration) throws {
        self.configuration = configuration
        var logger = Logger(label: "wangge")
        logger.logLevel = configuration.logLevel
        self.logger = logger
        pool = try ConnectionPool(path: configuration.databasePath, queriesDirectory: configuration.queriesDirectory,
                                  readers: configuration.readers)
        tokens = TokenCache(pool: pool)
        let (district, version) = try pool.write { store in (try store.loadDistrict(), try store.layersVersion()) }
        let current = Locked(try DistrictSnapshot(generation: 1, layersVersion: version, district: district, snapMetres: configuration.snapMetres))
        self.current = current
        ingest = IngestQueue(pool: pool, snapMetres: configuration.snapMetres) { current.current }
        metrics.setGeneration(1)
        pool.everySecond.withLock { $0 = { [weak self] in self?.reloadIfLayersChanged() } }
        // The leaders' page reads every order and status change once per data version: read
        // them now, so the first page after start is as fast as the next ones.
        let path = configuration.databasePath
        Task.detached(priority: .utility) { [weak self] in
            guard let self, let command = try? DashboardCommand.parse(["--db", path]) else { return }
            _ = try? await self.report(command)
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
            if let generation { logger.notice("layers changed in the database; index reloaded", metadata: ["generation": .stringConvertible(generation)]) }
        } catch {
            logger.error("checking for layer changes failed: \(error)")
        }
    }

    /// The district the service routes against now.
    var snapshot: DistrictSnapshot { current.current }

    /// Re-reads the layers with the writer (the caller holds it) and swaps in a new snapshot.
    func reloadDistrict(using store: WanggeStore) throws -> Int {
        let generation = snapshot.generation + 1
        let next = try DistrictSnapshot(generation: generation, layersVersion: try store.layersVersion(), district: try store.loadDistrict(),
                                        snapMetres: configuration.snapMetres)
        current.withLock { $0 = next }
        metrics.setGeneration(generation)
        return generation
    }

    /// Every route, in the order the API document lists them.
    var routes: [APIRoute] { pageRoutes + systemRoutes + routingRoutes + geocodeRoutes + orderRoutes + analyticsRoutes + layerRoutes + queryRoutes }

    /// The router: the routes behind the service middleware (logs, metrics, tokens, problems).
    func router() -> Hummingbird.Router<WanggeContext> {
        let router = Hummingbird.Router(context: WanggeContext.self)
        let table = routes
        router.add(middleware: ServiceMiddleware(service: self, routes: table))
        for route in table {
            let handler = route.handler
            let required = route.role
            let publicRead = configuration.publicRead
            let loginPage = route.loginPage
            router.on(route.routerPath, method: route.method) { request, context -> Response in
                if loginPage && context.role == nil && !(publicRead && request.method == .get) {
                    let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                    return Response(status: .seeOther, headers: [.location: "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")])
                }
                try Self.authorize(required, method: request.method, context: context, publicRead: publicRead)
                return try await handler(request, context)
            }
        }
        return router
    }

    /// 401 without a valid token, 403 when its role is below the route's.
    static func authorize(_ required: Role?, method: HTTPRequest.Method, context: WanggeContext, publicRead: Bool) throws {
        guard let required else { return }
        if publicRead && required == .reader && (method == .get || method == .head) { return }
        guard let role = context.role else {
            throw Problem.unauthorized("this route needs a token with the \(required.rawValue) role: send Authorization: Bearer <token> (create one with `wangge token create`)")
        }
        guard role >= required else {
            throw Problem.forbidden("this route needs the \(required.rawValue) role; the token presented has \(role.rawValue)")
        }
    }

    /// The application, for `run()` and for tests.
    public func application() -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "wangge"),
                    onServerRunning: { [logger, configuration] _ in
                        logger.notice("listening", metadata: ["address": "http://\(configuration.host):\(configuration.port)"])
                    },
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT: then stops accepting, lets requests in flight finish,
    /// checkpoints the WAL and closes the database.
    public func run() async throws {
        try await application().runService(gracefulShutdownSignals: [.sigterm, .sigint])
        pool.checkpoint()
        logger.notice("stopped; database checkpointed")
    }
}
