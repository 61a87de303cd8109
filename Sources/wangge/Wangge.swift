import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge`: route 12345 work orders to grid cells and responsible units.
@main
struct Wangge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wangge",
        abstract: "Grid-management analytics: route 12345 work orders to their grid cell and responsible unit.",
        discussion: """
            Load a district's layers, then route orders:
              wangge import units units.csv --db district.sqlite
              wangge import rules rules.csv --db district.sqlite
              wangge import cells cells.geojson --db district.sqlite
              wangge import zones zones.geojson --db district.sqlite
              wangge import points points.geojson --db district.sqlite
              wangge import orders orders.csv --db district.sqlite
              wangge assign --db district.sqlite --input orders.csv --output -
            """,
        subcommands: [ImportCommand.self, AssignCommand.self, OrdersCommand.self, HotspotsCommand.self, LightsCommand.self, KPICommand.self, RecurrenceCommand.self, QueryCommand.self, InfoCommand.self, BenchCommand.self]
    )
}

/// Writes a line to standard error (progress, warnings, row problems).
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Reads a whole file, or standard input for "-".
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
        return [UInt8](try FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd() ?? Data())
    }
    // A regular file is read straight into the array: one pass, no intermediate copy.
    let size = Int(info.st_size)
    var failure: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = 0
        while count < size {
            let n = read(fd, buffer.baseAddress! + count, size - count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failure = n < 0 ? errno : 0; break }
            count += n
        }
    }
    if failure != 0 { throw ValidationError("cannot read \(path): \(String(cString: strerror(failure)))") }
    return bytes
}

/// A destination for output: a file (written whole, then moved into place) or standard output.
struct OutputSink {
    let path: String
    private let handle: FileHandle
    private let temporary: String?

    init(_ path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardOutput
            temporary = nil
        } else {
            let tmp = path + ".partial"
            guard FileManager.default.createFile(atPath: tmp, contents: nil) else {
                throw ValidationError("cannot write \(path)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp))
            temporary = tmp
        }
    }

    func write(_ bytes: [UInt8]) { handle.write(Data(bytes)) }

    /// Abandons a file output after an error (nothing appears at `path`).
    func discard() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// Finishes the output: a file appears only once complete.
    func close() throws {
        guard let temporary else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}

/// Set by `wangge bench` on the processes it times.
let peakMemoryVariable = "WANGGE_REPORT_PEAK_MEMORY"

/// Prints this process's peak resident memory to standard error when `wangge bench` asks.
func reportPeakMemoryIfAsked() {
    guard ProcessInfo.processInfo.environment[peakMemoryVariable] != nil else { return }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    note("peak_rss_kib=\(usage.ru_maxrss)")
}

/// The `Queries/` directory: `--queries`, else `$WANGGE_QUERIES`, else the `Queries/` of the
/// source tree the binary was built in (found by walking up from the executable to a folder
/// holding `Package.swift` and `Queries/`), else `./Queries`.
func queriesDirectory(_ option: String?) -> String {
    if let option { return option }
    if let variable = ProcessInfo.processInfo.environment["WANGGE_QUERIES"], !variable.isEmpty { return variable }
    var dir = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0 ..< 6 {
        let queries = dir.appendingPathComponent("Queries").path
        if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path),
           FileManager.default.fileExists(atPath: queries) { return queries }
        dir.deleteLastPathComponent()
    }
    return "Queries"
}

/// Opens the database read-only and loads and checks the named queries against it.
func openForQueries(db: String, queries: String?) throws -> (WanggeStore, QueryCatalog) {
    let store = try WanggeStore(path: db, readOnly: true)
    let catalog = try QueryCatalog(directory: queriesDirectory(queries))
    try catalog.check(on: store)
    return (store, catalog)
}

/// `--db` and `--queries`: the database, read through the named queries.
struct QuerySource: ParsableArguments {
    @Option(help: "The SpatiaLite database (opened read-only).")
    var db: String

    @Option(help: "The queries directory (default: $WANGGE_QUERIES, else the source tree's Queries/).")
    var queries: String?

    /// Opens the database read-only with the checked named queries.
    func open() throws -> (WanggeStore, QueryCatalog) { try openForQueries(db: db, queries: queries) }
}

/// `--from`, `--to`, `--category`: which stored orders, as the named queries' parameters.
struct OrderFilter: ParsableArguments {
    @Option(help: "Orders received at or after this ISO 8601 time.")
    var from: String?

    @Option(help: "Orders received before this ISO 8601 time.")
    var to: String?

    @Option(help: "Only orders of this category (repeatable).")
    var category: [String] = []

    func validate() throws {
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from \"\(from)\" is not an ISO 8601 time (e.g. 2025-03-01T00:00:00+08:00)") }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to \"\(to)\" is not an ISO 8601 time (e.g. 2025-04-01T00:00:00+08:00)") }
    }

    /// `from`, `to` and `categories` for a named query.
    var parameters: [String: String] {
        var p = ["categories": category.joined(separator: ",")]
        if let from { p["from"] = from }
        if let to { p["to"] = to }
        return p
    }
}
