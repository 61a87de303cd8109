import Dispatch
import Foundation
import WanggeCore
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
///
/// The WAL is bounded: a PASSIVE checkpoint cannot reset it while commits follow each other,
/// so under sustained ingest it would grow without end. After each commit the writer looks at
/// the WAL's size; past ``walCheckpointBytes`` (a quarter of `--wal-limit`) it runs a
/// `wal_checkpoint(TRUNCATE)` before the next group — readers still on older pages make it wait
/// up to the busy timeout, ingest pauses meanwhile — and `journal_size_limit` trims the file
/// whenever SQLite resets it.
///
/// Blocking work runs on threads of its own (``WorkerPool``): `heavy` for the routes that
/// read much (analytics, queries, layers, the page), `light` for short reads (tokens, one
/// order), one `writer` thread for every write. Each pool thread has a reader at hand:
/// there are as many read-only connections as pool threads, plus one.
/// Each connection has its own SpatiaLite cache (a SpatiaLite connection is single-threaded);
/// a connection is used by one thread at a time, lent out here and given back.
// @unchecked: its connections are not Sendable; each is lent to one thread at a time under its locks.
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
    /// The heavy routes' threads and their bounded queue.
    let heavy: WorkerPool
    /// Short reads (tokens, one order): never queued behind the heavy routes.
    let light: WorkerPool
    /// The writer's thread: writes run one at a time.
    let writerThread: WorkerPool
    /// The every-second checkpoint's thread.
    private let checkpointThread: WorkerPool
    /// WAL size past which the writer checkpoints (TRUNCATE) before its next write.
    let walCheckpointBytes: Int
    private let walPath: String
    /// TRUNCATE checkpoints run by the writer, and the largest WAL seen (for /metrics).
    let walStatistics = Locked((checkpoints: 0, peakBytes: 0))

    /// Opens the writer (creating the file and migrating it when needed), a read-only
    /// connection per pool thread, and checks the named queries against the schema.
    init(path: String, queriesDirectory: String, workers: Int, queueLimit: Int, walLimitBytes: Int) throws {
        self.path = path
        walPath = path + "-wal"
        walCheckpointBytes = max(1 << 20, walLimitBytes / 4)
        heavy = WorkerPool(name: "wangge-heavy", threads: workers, queueLimit: queueLimit)
        light = WorkerPool(name: "wangge-light", threads: 2, queueLimit: 4096)
        writerThread = WorkerPool(name: "wangge-writer", threads: 1, queueLimit: .max / 2)
        // A reader for each pool thread, the background thread and the checkpoint thread.
        let readers = heavy.threads + light.threads + 2
        writer = try WanggeStore(path: path)
        try writer.database.execute("PRAGMA wal_autocheckpoint = 0")
        try writer.database.execute("PRAGMA journal_size_limit = \(walLimitBytes)")
        checkpointer = try Database(path: path)
        watcher = try Database(path: path, readOnly: true)
        catalog = try QueryCatalog(directory: queriesDirectory)
        try catalog.check(on: writer)
        idleReaders = Locked(
            try (0 ..< max(1, readers)).map { _ in
                let store = try WanggeStore(path: path, readOnly: true)
                store.database.stopWhenWorkIsCancelled()
                return store
            })
        available = DispatchSemaphore(value: max(1, readers))
        checkpointThread = WorkerPool(name: "wangge-checkpoint", threads: 1, queueLimit: 0)
        checkpoints = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "wangge.checkpoint", qos: .utility))
        checkpoints.schedule(deadline: .now() + 1, repeating: 1)
        // The timer only hands the checkpoint to a thread of its own (skipped while the last
        // one still runs): a checkpoint's I/O never holds one of Dispatch's threads.
        checkpoints.setEventHandler { [checkpointer, checkpointThread, weak self] in
            checkpointThread.submit {
                try? checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)")
                self?.everySecond.current?()
            }
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

    /// Awaits a read on `lane` (``heavy`` or ``light``) under the request's budget
    /// (``Work/budget``): 503 when the lane's queue is full or the deadline passes.
    func reading<T: Sendable>(_ lane: WorkerPool? = nil, _ body: @escaping @Sendable (WanggeStore) throws -> T) async throws -> T {
        try await (lane ?? light).run(budget: Work.budget) { try self.read(body) }
    }

    /// Awaits a write on the writer's thread (no deadline: a write, once started, commits or
    /// rolls back whole).
    func writing<T: Sendable>(_ body: @escaping @Sendable (WanggeStore) throws -> T) async throws -> T {
        try await writerThread.run(budget: nil) {
            defer { self.boundWAL() }
            return try self.write(body)
        }
    }

    /// The WAL file's size in bytes (0 when absent).
    func walBytes() -> Int {
        var info = stat()
        return stat(walPath, &info) == 0 ? Int(info.st_size) : 0
    }

    /// After a commit, on the writer's thread: past ``walCheckpointBytes``, copy the WAL
    /// back and truncate it before the next write (the bound on the WAL under sustained ingest).
    func boundWAL() {
        let size = walBytes()
        walStatistics.withLock { $0.peakBytes = max($0.peakBytes, size) }
        guard size > walCheckpointBytes else { return }
        try? write { try $0.database.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
        walStatistics.withLock { $0.checkpoints += 1 }
    }

    deinit {
        checkpoints.cancel()
        for pool in [heavy, light, writerThread, checkpointThread] { pool.stop() }
    }

    /// Checkpoints the WAL into the database file (at shutdown, so the file stands alone).
    func checkpoint() {
        checkpoints.cancel()
        try? write { try $0.database.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
