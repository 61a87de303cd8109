import CSQLite
import CSpatiaLite
import Foundation
import WanggeCore

/// An error from SQLite or SpatiaLite, with the statement that failed.
public struct DatabaseError: WanggeError, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " (in: \($0.prefix(200)))" } ?? "")
    }

    /// By SQLite's primary result code: a file that cannot be opened is not found, one that is
    /// not a database is bad input, a busy, locked, full or read-only database is unavailable;
    /// anything else is internal.
    public var kind: ErrorKind {
        switch code & 0xFF {
        case SQLITE_CANTOPEN, SQLITE_PERM: .notFound
        case SQLITE_NOTADB, SQLITE_CORRUPT: .badInput
        case SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR, SQLITE_INTERRUPT: .unavailable
        default: .internal
        }
    }
}

/// One SQLite connection with SpatiaLite loaded.
///
/// SQLite and SpatiaLite behaviour this type relies on, stated once:
/// - SpatiaLite is linked as a library (not loaded as an extension) and initialised with
///   `spatialite_init_ex(db, cache, 0)`: each connection owns its own SpatiaLite cache
///   (`spatialite_alloc_connection`), released by `spatialite_cleanup_ex` after `sqlite3_close`.
///   SpatiaLite's geometry functions therefore never share state between connections.
/// - Writable connections switch the database to WAL (`PRAGMA journal_mode=WAL`, persistent
///   in the file), so readers on other connections never block the single writer and see the
///   last committed state. `synchronous=NORMAL` is the WAL-safe setting: a power loss can
///   lose the last transactions but never corrupts the file.
/// - `busy_timeout` is 5 s: a second writer waits instead of failing at once with SQLITE_BUSY.
/// - `foreign_keys=ON` per connection (SQLite's default is off).
/// - Read-only connections are opened with `SQLITE_OPEN_READONLY`: any write fails with
///   SQLITE_READONLY, whatever the SQL says.
/// - A connection is used by one thread at a time (`SQLITE_OPEN_NOMUTEX`); the type is not Sendable.
public final class Database {
    /// The raw handle, for statements.
    let handle: OpaquePointer
    private let spatialiteCache: UnsafeMutableRawPointer?
    public let path: String
    public let isReadOnly: Bool

    /// Opens (creating when `readOnly` is false) the database at `path`.
    public init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw DatabaseError(code: rc, message: "\(message): \(path)", sql: nil)
        }
        self.handle = db
        self.path = path
        self.isReadOnly = readOnly
        let cache = spatialite_alloc_connection()
        spatialite_init_ex(db, cache, 0)
        self.spatialiteCache = cache
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA foreign_keys = ON")
        if !readOnly {
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
        }
    }

    /// Makes a long statement on this connection stop (SQLITE_INTERRUPT) once the work running
    /// it is cancelled (``Work/isCancelled``: the server's request deadline, or its shutdown).
    /// Checked every 10,000 virtual-machine steps, a few times a millisecond.
    public func stopWhenWorkIsCancelled() {
        sqlite3_progress_handler(handle, 10_000, { _ in Work.isCancelled ? 1 : 0 }, nil)
    }

    deinit {
        sqlite3_close_v2(handle)
        if let spatialiteCache { spatialite_cleanup_ex(spatialiteCache) }
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw DatabaseError(code: rc, message: message, sql: sql)
        }
    }

    /// Prepares one statement.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `body` in a transaction (`BEGIN IMMEDIATE`, so the write lock is taken up front
    /// and a concurrent writer waits at the start rather than failing at commit). Commits
    /// when `body` returns, rolls back when it throws: the work lands whole or not at all.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` inside a savepoint (`SAVEPOINT`, which nests inside a transaction): released
    /// when `body` returns, rolled back to and released when it throws, so `body`'s changes,
    /// schema changes included, land whole or not at all even if the caller carries on.
    /// Outside a transaction a savepoint is itself a (deferred) transaction.
    public func savepoint<T>(_ name: String, _ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try execute("RELEASE \(name)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(name)")
            try? execute("RELEASE \(name)")
            throw error
        }
    }

    /// The first column of the first row of `sql`, or nil.
    public func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.step() ? statement.value(0) : .null
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the row the last successful INSERT on this connection added.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

/// A value bound to or read from SQLite.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var string: String? {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        default: return nil
        }
    }

    public var double: Double? {
        switch self {
        case .real(let d): return d
        case .integer(let i): return Double(i)
        case .text(let s): return Double(s)
        default: return nil
        }
    }

    public var int64: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    public var int: Int? {
        switch self {
        case .integer(let i): return Int(i)
        case .real(let d): return Int(exactly: d)
        case .text(let s): return Int(s)
        default: return nil
        }
    }
}

/// SQLite's destructor constant telling it to copy bound text and blobs.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. Parameters are always bound, never spliced into SQL text.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw DatabaseError(code: rc, message: database.lastErrorMessage, sql: sql)
        }
        self.handle = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement and binds `values` to its parameters ?1, ?2, ….
    public func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (i, value) in values.enumerated() { try bind(value, at: Int32(i + 1)) }
    }

    /// Binds one value at a 1-based parameter index.
    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let i): rc = sqlite3_bind_int64(handle, index, i)
        case .real(let d): rc = sqlite3_bind_double(handle, index, d)
        case .text(let s):
            // The UTF-8 in place, with its length: no C-string copy, no strlen. An empty text
            // still needs a non-NULL pointer (NULL would bind SQL NULL).
            var text = s
            rc = text.withUTF8 { utf8 in
                utf8.isEmpty
                    ? sqlite3_bind_text(handle, index, "", 0, SQLITE_TRANSIENT)
                    : utf8.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            }
        case .blob(let b):
            rc = b.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
        }
        guard rc == SQLITE_OK else { throw DatabaseError(code: rc, message: database.lastErrorMessage, sql: sql) }
    }

    /// Resets the statement so it can be bound and run again (bindings are kept).
    public func reset() { sqlite3_reset(handle) }

    /// Steps once: true when a row is available.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw DatabaseError(code: rc, message: database.lastErrorMessage, sql: sql)
        }
    }

    /// Binds `values`, runs the statement to completion and resets it.
    public func run(_ values: [SQLValue]) throws {
        try bind(values)
        while try step() {}
        sqlite3_reset(handle)
    }

    /// The rows of the statement with `values` bound, as arrays of values.
    public func rows(_ values: [SQLValue] = []) throws -> [[SQLValue]] {
        try bind(values)
        var result: [[SQLValue]] = []
        while try step() { result.append((0 ..< columnCount).map { value($0) }) }
        sqlite3_reset(handle)
        return result
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The names of the statement's parameters, in index order, with their `:`/`@`/`$`
    /// prefix removed (`sqlite3_bind_parameter_name`; nil for anonymous `?` parameters).
    public var parameterNames: [String?] {
        (1 ... max(1, Int(sqlite3_bind_parameter_count(handle)))).prefix(Int(sqlite3_bind_parameter_count(handle))).map { i in
            sqlite3_bind_parameter_name(handle, Int32(i)).map { String(String(cString: $0).dropFirst()) }
        }
    }

    /// Whether the statement only reads (`sqlite3_stmt_readonly`).
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    public func columnName(_ i: Int) -> String { String(cString: sqlite3_column_name(handle, Int32(i))) }

    /// The value of column `i` of the current row.
    public func value(_ i: Int) -> SQLValue {
        let index = Int32(i)
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    public func string(_ i: Int) -> String? { value(i).string }
    public func double(_ i: Int) -> Double? { value(i).double }
}
