import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import WanggeCore
import WanggeStore

/// Writes a line to standard error (progress, warnings, row problems); under `wangge --quiet`
/// only errors (lines starting `error`).
public func note(_ message: String) {
    if Notes.quiet && !message.hasPrefix("error") { return }
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// The form of a command's summary: a line for people, or one JSON object for scripts.
public enum SummaryFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

/// A CSV header for `--help`: the names comma-separated, indented, cut after a comma so no
/// line passes 78 columns (ArgumentParser would break a long line without spaces badly).
public func helpColumns<S: Sequence<String>>(_ names: S, indent: Int = 2) -> String {
    let pad = String(repeating: " ", count: indent)
    var lines: [String] = [], line = pad
    for name in names {
        if line.count > indent && line.count + name.count + 1 > 78 { lines.append(line); line = pad }
        line += name + ","
    }
    lines.append(String(line.dropLast()))
    return lines.joined(separator: "\n")
}

/// How much `note` writes.
public enum Notes {
    /// Set once at start by `wangge --quiet`, before any command runs.
    nonisolated(unsafe) public static var quiet = false
}

/// Reads a whole file, or standard input for "-".
public func readInput(_ path: String) throws -> [UInt8] {
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

extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { ["utf-8", "gb18030"] }
}

/// `--encoding`: the encoding of an input file, when it must not be detected.
public struct EncodingOption: ParsableArguments, Sendable {
    @Option(help: "The input's encoding: utf-8 or gb18030 (also gbk, gb2312). Default: UTF-8 when the file is valid UTF-8 (a BOM is skipped), else GB18030, with a notice.")
    public var encoding: TextEncoding?

    public init() {}

    /// `bytes` as UTF-8: decoded as `--encoding` says, or detected (``TextEncoding/decode(_:as:)``);
    /// a file read as GB18030 is noted on standard error.
    public func decode(_ bytes: [UInt8], name: String) throws(TextDecodingError) -> [UInt8] {
        let decoded = try TextEncoding.decode(bytes, as: encoding)
        if let notUTF8 = decoded.notUTF8 { noteGB18030(name: name, notUTF8: notUTF8) }
        return decoded.bytes
    }
}

/// The notice for an input detected as GB18030.
public func noteGB18030(name: String, notUTF8: TextDecodingError) {
    note("note: \(name == "-" ? "standard input" : name): read as GB18030 (GBK); it is not UTF-8 (line \(notUTF8.line), byte offset \(notUTF8.byteOffset)). Give --encoding to choose.")
}

/// A file read block by block (a streamed import); closed when the reader goes away.
public final class FileBlockReader {
    private let fd: Int32
    private let path: String

    public init(path: String) throws {
        fd = open(path, O_RDONLY)
        self.path = path
        guard fd >= 0 else { throw ValidationError("cannot read \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Up to `count` more bytes; empty at the end of the file.
    public func read(_ count: Int) throws -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
            filled = 0
            while filled < count {
                let n = Glibc.read(fd, buffer.baseAddress! + filled, count - filled)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : 0; break }
                filled += n
            }
        }
        if failure != 0 { throw ValidationError("cannot read \(path): \(String(cString: strerror(failure)))") }
        return bytes
    }
}

/// Whether the file at `path` is valid UTF-8 throughout, checked block by block in bounded
/// memory (each block cut after its last line feed, which is never part of a UTF-8 or a
/// GB18030 character): a streamed import needs to know before it starts.
public func fileIsUTF8(_ path: String) throws -> Bool {
    let reader = try FileBlockReader(path: path)
    var pending: [UInt8] = []
    while true {
        let block = try reader.read(8 << 20)
        if block.isEmpty { break }
        pending += block
        guard let lastLineFeed = pending.lastIndex(of: 0x0A) else { continue }
        let bad = pending.withUnsafeBufferPointer { TextEncoding.invalidUTF8(UnsafeBufferPointer(rebasing: $0[..<(lastLineFeed + 1)])) }
        if bad != nil { return false }
        pending.removeFirst(lastLineFeed + 1)
    }
    return pending.withUnsafeBufferPointer { TextEncoding.invalidUTF8($0) } == nil
}

/// A destination for output: a file (written whole, then moved into place) or standard output.
public struct OutputSink {
    public let path: String
    private let handle: FileHandle
    private let temporary: String?

    public init(_ path: String) throws {
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

    public func write(_ bytes: [UInt8]) { handle.write(Data(bytes)) }

    /// Abandons a file output after an error (nothing appears at `path`).
    public func discard() {
        guard let temporary else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// Finishes the output: a file appears only once complete.
    public func close() throws {
        guard let temporary else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }
}

/// Set by `wangge bench` on the processes it times.
public let peakMemoryVariable = "WANGGE_REPORT_PEAK_MEMORY"

/// Prints this process's peak resident memory to standard error when `wangge bench` asks.
public func reportPeakMemoryIfAsked() {
    guard ProcessInfo.processInfo.environment[peakMemoryVariable] != nil else { return }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    note("peak_rss_kib=\(usage.ru_maxrss)")
}

/// The `Queries/` directory: `--queries`, else `$WANGGE_QUERIES`, else the `Queries/` of the
/// source tree the binary was built in (found by walking up from the executable to a folder
/// holding `Package.swift` and `Queries/`), else `./Queries`.
public func queriesDirectory(_ option: String?) -> String {
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

/// `--db` and `--queries`: the database, read through the named queries.
public struct QuerySource: ParsableArguments, Sendable {
    @Option(help: "The SpatiaLite database (opened read-only).")
    public var db: String

    @Option(help: "The queries directory (default: $WANGGE_QUERIES, else the source tree's Queries/).")
    public var queries: String?

    public init() {}

    /// The database file read-only with the checked named queries, opened on first use.
    public func data() -> DatabaseFile { DatabaseFile(path: db, queriesDirectory: queriesDirectory(queries)) }
}

/// `--from`, `--to`, `--category`: which stored orders, as the named queries' parameters.
public struct OrderFilter: ParsableArguments, Sendable {
    public init() {}

    @Option(help: "Orders received at or after this time: ISO 8601, 2025-07-01 09:00, 2025/7/1 9:00, 2025年7月1日 9:00 or a bare date (China Standard Time unless a zone is given).")
    public var from: String?

    @Option(help: "Orders received before this time (the same forms as --from).")
    public var to: String?

    @Option(help: "Only orders of this category (repeatable).")
    public var category: [String] = []

    public func validate() throws {
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from \"\(from)\" is not a time; expected \(Timestamp.forms), or a date") }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to \"\(to)\" is not a time; expected \(Timestamp.forms), or a date") }
    }

    /// The window for a download's file name (`from-2025-06-01`, `to-…`).
    public var filenameParts: [String] {
        (from.map { ["from", $0] } ?? []) + (to.map { ["to", $0] } ?? [])
    }

    /// `from`, `to` and `categories` for a named query.
    public var parameters: [String: String] {
        var p = ["categories": category.joined(separator: ",")]
        if let from { p["from"] = from }
        if let to { p["to"] = to }
        return p
    }
}

/// Runs an operation for the CLI: its report to `output` (a file appears only when complete),
/// its notes to standard error; an error is printed and ends the command with a failure.
public func deliver(_ operation: some Operation, from data: DataSource, to output: String) throws {
    let report: Report
    do { report = try operation.report(from: data) } catch {
        note("error: \(error)")
        throw ExitCode.failure
    }
    let sink = try OutputSink(output)
    sink.write(report.bytes)
    try sink.close()
    for line in report.warnings { note("warning: \(line)") }
    for line in report.notes { note(line) }
}

/// Warnings for filter categories that no stored order has and no routing rule names — most
/// likely a typo (`乱摆摊` for `乱设摊`), which would otherwise silently give zeros.
public func unknownCategoryWarnings(_ categories: [String], from data: DataSource) throws -> [String] {
    guard !categories.isEmpty else { return [] }
    let known: Set<String> = try data.memoized("known-categories") {
        let (store, catalog) = try data.open()
        let stored = try catalog.run("order_categories", parameters: [:], on: store).rows.compactMap { $0[0].string }
        return Set(stored).union(try data.district().rules.map(\.category))
    }
    return categories.filter { !known.contains($0) }.map {
        "category \"\($0)\": no stored order has it and no routing rule names it (a typo?); it matches nothing"
    }
}
