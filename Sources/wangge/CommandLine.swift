import ArgumentParser
#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import WanggeCore
import WanggeOperations
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
    guard fd >= 0 else { throw InputFileError(path: path, reason: String(cString: strerror(errno))) }
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
    if failure != 0 { throw InputFileError(path: path, reason: String(cString: strerror(failure))) }
    return bytes
}

extension TextEncoding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { ["utf-8", "gb18030"] }
}

/// The notice for an input detected as GB18030.
public func noteGB18030(name: String, notUTF8: TextDecodingError) {
    note(
        "note: \(name == "-" ? "standard input" : name): read as GB18030 (GBK); it is not UTF-8 (line \(notUTF8.line), byte offset \(notUTF8.byteOffset)). Give --encoding to choose."
    )
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

/// Set by `wangge bench` on the processes it times.
public let peakMemoryVariable = "WANGGE_REPORT_PEAK_MEMORY"

/// Prints this process's peak resident memory to standard error when `wangge bench` asks.
public func reportPeakMemoryIfAsked() {
    guard ProcessInfo.processInfo.environment[peakMemoryVariable] != nil else { return }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    note("peak_rss_kib=\(usage.ru_maxrss)")
}

/// Runs an operation for the CLI: its report to `output` (a file appears only when complete),
/// its notes to standard error; an error is printed and ends the command with a failure.
public func deliver(_ operation: some Capability, from data: DataSource, to output: String) throws {
    let report: Report
    do { report = try operation.report(from: data) } catch {
        note("error: \(error)")
        throw ExitCode(of: error)
    }
    let sink = try OutputSink(output)
    do {
        try sink.write(report.bytes)
        try sink.close()
    } catch {
        sink.discard()
        note("error: \(error)")
        throw ExitCode(of: error)
    }
    for line in report.warnings { note("warning: \(line)") }
    for line in report.notes { note(line) }
}

/// Warns of orders whose category no routing rule names (they went to the street unit, 属地兜底):
/// how many, and which categories with their counts.
func noteCategoriesWithoutRule(_ counts: [String: Int]) {
    guard !counts.isEmpty else { return }
    let list = counts.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
    note("warning: \(counts.values.reduce(0, +)) order(s) in categories without a routing rule went to the street unit: \(list)")
}
