import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import WanggeCore
import WanggeOperations
import WanggeStore

/// Writes a line to standard error (progress, warnings, row problems).
public func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
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

/// Runs an operation for the CLI: its report to `output` (a file appears only when complete),
/// its notes to standard error; an error is printed and ends the command with a failure.
public func deliver(_ operation: some Capability, from data: DataSource, to output: String) throws {
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


/// `--output`: where a command writes its output (the CLI's alone: the server answers the
/// request, and refuses an `output` parameter).
struct OutputFile: ParsableArguments {
    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"
}
