import ArgumentParser
import Dispatch
import HTTPTypes
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations
import WanggePages

extension Response {
    /// A JSON document.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.jsonText + "\n")))
    }

    /// An operation's report in its format.
    static func report(_ report: Report) -> Response {
        var headers: HTTPFields = [.contentType: report.contentType]
        if let disposition = report.contentDisposition { headers[.contentDisposition] = disposition }
        if !report.warnings.isEmpty, let name = HTTPField.Name("Wangge-Warnings") { headers[name] = asciiJSON(report.warnings) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: report.bytes)))
    }
}

/// A JSON array of strings in ASCII (every other character as `\uXXXX`, UTF-16), fit for an
/// HTTP header: the warnings of an answer whatever its format (a CSV or a JSON array cannot
/// carry a `warnings` member).
func asciiJSON(_ strings: [String]) -> String {
    var out = "["
    for (i, string) in strings.enumerated() {
        if i > 0 { out += "," }
        out += "\""
        for unit in string.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x20 ..< 0x7F: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += "\\u" + String(repeating: "0", count: 4 - String(unit, radix: 16).count) + String(unit, radix: 16)
            }
        }
        out += "\""
    }
    return out + "]"
}

extension WanggeService {
    /// Runs the capability whose parameter set `C` is parsed from the request's query parameters (plus `positional`
    /// arguments) on a pooled read connection and the current snapshot.
    func runOperation<C: ParsableCapability>(
        _ type: C.Type, _ request: Request, positional: [String] = [], flags: Set<String> = [],
        negatable: Set<String> = [], excluding: Set<String> = [],
        defaultFormat: String? = "json", on lane: WorkerPool? = nil
    ) async throws -> Response {
        let arguments =
            try positional
            + CommandArguments.arguments(
                request, flags: flags, negatable: negatable, excluding: excluding,
                defaultFormat: defaultFormat)
        let command = try CommandArguments.parse(C.self, arguments, database: configuration.databasePath)
        return .report(try await report(command, on: lane))
    }

    /// Runs an operation on a pooled read connection and the current snapshot, on the heavy
    /// workers unless another pool is given.
    func report(_ command: some Capability, on lane: WorkerPool? = nil) async throws -> Report {
        let snapshot = self.snapshot, catalog = pool.catalog, pool = self.pool, derived = self.derived
        let report = try await pool.reading(lane ?? pool.heavy) { store in
            try command.report(from: PooledData(store: store, catalog: catalog, snapshot: snapshot, pool: pool, derived: derived))
        }
        for line in report.notes { logger.debug("\(line)") }
        return report
    }
}

extension WanggeService {
    /// A response whose body `produce` writes in pieces on a heavy worker thread, at most 8
    /// pieces (≈ 512 KiB) ahead of the client: memory stays flat whatever the size. Admission
    /// is decided now (503 when the heavy queue is full), and the head waits for the first
    /// piece, so an error before any output (an unknown parameter, the deadline) is still a
    /// problem document. The request's budget follows the work: at the deadline or shutdown
    /// the stream stops (the connection is closed, the status having gone out), and a client
    /// that stops reading holds the thread no longer than that.
    func streamed(
        contentType: String, headers extra: HTTPFields = [:], what: String,
        _ produce: @escaping @Sendable (_ emit: ([UInt8]) throws -> Void) throws -> Void
    ) async throws -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        headers.append(contentsOf: extra)
        if Self.headOnly { return Response(status: .ok, headers: headers) }
        let budget = Work.budget ?? WorkBudget(seconds: configuration.requestTimeout, parent: lifetime)
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let ahead = DispatchSemaphore(value: 8)
        let abandoned = Locked(false)
        let accepted = pool.heavy.submit {
            do {
                guard !budget.isCancelled else { throw WorkCancelled() }
                try Work.$budget.withValue(budget) {
                    try produce { bytes in
                        // Wait for the client, a second at a time, while the budget lasts.
                        while ahead.wait(timeout: .now() + 1) == .timedOut {
                            if budget.isCancelled || abandoned.current { throw WorkCancelled() }
                        }
                        if abandoned.current || budget.isCancelled { throw WorkCancelled() }
                        continuation.yield(ByteBuffer(bytes: bytes))
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        guard accepted else { throw Problem.overloaded(pool.heavy.name) }
        let pieces = Pieces(stream.makeAsyncIterator())
        let first: ByteBuffer?
        do {
            first = try await pieces.next()
        } catch {
            abandoned.withLock { $0 = true }
            for _ in 0 ..< 9 { ahead.signal() }
            if error is WorkCancelled { throw budget.isPastDeadline ? Problem.deadlineExceeded(pool.heavy.name) : Problem.shuttingDown() }
            throw error
        }
        let logger = self.logger
        let body = ResponseBody { writer in
            defer {
                abandoned.withLock { $0 = true }
                for _ in 0 ..< 9 { ahead.signal() }
            }
            do {
                if let first {
                    try await writer.write(first)
                    ahead.signal()
                }
                while let piece = try await pieces.next() {
                    try await writer.write(piece)
                    ahead.signal()
                }
                try await writer.finish(nil)
            } catch {
                logger.warning("\(what) stopped: \(error)")
                throw error
            }
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// A stream's iterator, handed from the handler (first piece) to the body (the rest); the
/// actor keeps it isolated while either task awaits the next piece.
private actor Pieces {
    private var iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
    init(_ iterator: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> ByteBuffer? {
        // The iterator is a handle on the stream's shared state: a copy advances it too.
        var current = iterator
        defer { iterator = current }
        return try await current.next(isolation: self)
    }
}

/// A capability's parameter set, parsed from a request's query parameters (as the CLI parses its options).
typealias ParsableCapability = ParsableArguments & Capability
