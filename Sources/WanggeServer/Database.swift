import Dispatch
import Foundation
import WanggeCore
import WanggeOperations
import WanggeStore

/// The service's SQLite connections: one writer, a pool of read-only readers, a checkpointer.
///
/// The database runs in WAL mode (set by the writer's open), where readers see the last
/// committed state and never wait for the writer, and the writer never waits for readers.
/// A commit appends pages to the WAL (`synchronous = NORMAL`: no fsync at commit; a power
/// loss may lose the last commits, never corrupt the file). SQLite's automatic checkpoint
/// would copy the WAL back into the database file, fsyncs included, inside the commit that
/// crosses 1,000 pages — on a request's time. The writer therefore has it off
/// (`wal_autocheckpoint = 0`) and a connection of its own runs `wal_checkpoint(PASSIVE)`
/// every second on a background queue (PASSIVE never waits for readers or the writer); at
/// shutdown a TRUNCATE checkpoint leaves the database file whole and the WAL empty.
/// Each connection has its own SpatiaLite cache (a SpatiaLite connection is single-threaded);
/// a connection is used by one thread at a time, lent out here and given back.
final class ConnectionPool: @unchecked Sendable {
    let path: String
    let catalog: QueryCatalog
    private let writer: WanggeStore
    private let checkpointer: Database
    private let watcher: Database
    private let watcherLock = NSLock()
    private let checkpoints: DispatchSourceTimer
    private let writerLock = NSLock()
    private let idleReaders: Locked<[WanggeStore]>
    private let available: DispatchSemaphore
    /// Where reads run: concurrent, bounded by the number of readers.
    let readQueue = DispatchQueue(label: "wangge.read", attributes: .concurrent)
    /// Where writes run, one at a time.
    let writeQueue = DispatchQueue(label: "wangge.write")

    /// Opens the writer (creating the file and migrating it when needed) and `readers`
    /// read-only connections, and checks the named queries against the schema.
    init(path: String, queriesDirectory: String, readers: Int) throws {
        self.path = path
        writer = try WanggeStore(path: path)
        try writer.database.execute("PRAGMA wal_autocheckpoint = 0")
        checkpointer = try Database(path: path)
        watcher = try Database(path: path, readOnly: true)
        catalog = try QueryCatalog(directory: queriesDirectory)
        try catalog.check(on: writer)
        idleReaders = Locked(try (0 ..< max(1, readers)).map { _ in try WanggeStore(path: path, readOnly: true) })
        available = DispatchSemaphore(value: max(1, readers))
        checkpoints = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "wangge.checkpoint", qos: .utility))
        checkpoints.schedule(deadline: .now() + 1, repeating: 1)
        checkpoints.setEventHandler { [checkpointer, weak self] in
            try? checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self?.everySecond.current?()
        }
        checkpoints.resume()
    }

    /// Run every second on the checkpoint queue (the service watches for layer imports made by
    /// other processes).
    let everySecond = Locked<(@Sendable () -> Void)?>(nil)

    /// Runs `body` with a read-only connection (waiting for one when all are lent).
    func read<T>(_ body: (WanggeStore) throws -> T) throws -> T {
        available.wait()
        let store = idleReaders.withLock { $0.removeLast() }
        defer {
            idleReaders.withLock { $0.append(store) }
            available.signal()
        }
        return try body(store)
    }

    /// Runs `body` with the writer, one writer at a time.
    func write<T>(_ body: (WanggeStore) throws -> T) throws -> T {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try body(writer)
    }

    /// SQLite's data version as seen by a connection that never writes: it changes with every
    /// commit, by this process's writer or by another process (`PRAGMA data_version`).
    func dataVersion() throws -> Int64 {
        watcherLock.lock()
        defer { watcherLock.unlock() }
        return try watcher.scalar("PRAGMA data_version").int64 ?? 0
    }

    /// Awaits a read on ``readQueue``.
    func reading<T: Sendable>(_ body: @escaping @Sendable (WanggeStore) throws -> T) async throws -> T {
        try await offload(on: readQueue) { try self.read(body) }
    }

    /// Awaits a write on ``writeQueue``.
    func writing<T: Sendable>(_ body: @escaping @Sendable (WanggeStore) throws -> T) async throws -> T {
        try await offload(on: writeQueue) { try self.write(body) }
    }

    /// Checkpoints the WAL into the database file (at shutdown, so the file stands alone).
    func checkpoint() {
        checkpoints.cancel()
        try? write { try $0.database.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}

/// The district as the service routes against it: layers, index and a pool of routers,
/// numbered by generation. A layer import builds a new one and swaps it in; requests that
/// hold the old one finish on it.
final class DistrictSnapshot: @unchecked Sendable {
    let generation: Int
    /// `wangge_meta.layers_version` when the layers were read.
    let layersVersion: String
    let district: District
    let index: DistrictIndex
    let snapMetres: Double
    private let routers: Locked<[Router]>

    init(generation: Int, layersVersion: String, district: District, snapMetres: Double) throws {
        self.generation = generation
        self.layersVersion = layersVersion
        self.district = district
        self.index = try DistrictIndex(district: district)
        self.snapMetres = snapMetres
        self.routers = Locked([])
        // The leaders' map of these cells (projection, street outlines) is drawn ahead, so the
        // first page request does not wait for it.
        let index = self.index
        DispatchQueue.global(qos: .utility).async { DashboardCommand.prepareMap(for: index, cells: district.cells) }
    }

    /// Runs `body` with a router of its own (routers hold per-thread scratch and PROJ state).
    func withRouter<T>(_ body: (Router) throws -> T) throws -> T {
        let router = try routers.withLock { $0.popLast() } ?? Router(index: index, snapMetres: snapMetres)
        defer { routers.withLock { $0.append(router) } }
        return try body(router)
    }
}

/// Values derived from the stored data (the leaders' page's orders and histories), kept until
/// the next commit: each is stored with the data version it was computed at, and a request
/// at another version computes it again.
final class DerivedData: Sendable {
    private let values = Locked<[String: (version: Int64, value: any Sendable)]>([:])

    func value<T: Sendable>(_ key: String, version: Int64, _ compute: () throws -> T) throws -> T {
        if let hit = values.withLock({ $0[key] }), hit.version == version, let value = hit.value as? T { return value }
        let value = try compute()
        values.withLock { $0[key] = (version, value) }
        return value
    }
}

/// A ``DataSource`` over a lent read-only connection and the current snapshot: operations run
/// by the server read through the pool, never rebuild the index, and share derived data.
struct PooledData: DataSource {
    let store: WanggeStore
    let catalog: QueryCatalog
    let snapshot: DistrictSnapshot
    var pool: ConnectionPool?
    var derived: DerivedData?

    func open() throws -> (WanggeStore, QueryCatalog) { (store, catalog) }
    func district() throws -> District { snapshot.district }
    func index() throws -> DistrictIndex { snapshot.index }

    func memoized<T: Sendable>(_ key: String, _ compute: () throws -> T) throws -> T {
        guard let pool, let derived else { return try compute() }
        // The version is read before the data: a commit in between makes the value look
        // older than it is (recomputed next time), never newer.
        let version = try pool.dataVersion()
        return try derived.value("\(snapshot.generation)/\(key)", version: version, compute)
    }
}
