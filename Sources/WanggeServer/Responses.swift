import ArgumentParser
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations

extension Response {
    /// A JSON document.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: value.jsonText + "\n")))
    }

    /// An operation's report in its format.
    static func report(_ report: Report) -> Response {
        var headers: HTTPFields = [.contentType: report.contentType]
        if let disposition = report.contentDisposition { headers[.contentDisposition] = disposition }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: report.bytes)))
    }
}

extension WanggeService {
    /// Runs command `C` parsed from the request's query parameters (plus `positional`
    /// arguments) on a pooled read connection and the current snapshot.
    func runOperation<C: ParsableCommandOperation>(_ type: C.Type, _ request: Request, positional: [String] = [], flags: Set<String> = [],
                                                     negatable: Set<String> = [], excluding: Set<String> = [],
                                                     defaultFormat: String? = "json") async throws -> Response {
        let arguments = try positional + CommandArguments.arguments(request, flags: flags, negatable: negatable, excluding: excluding,
                                                                     defaultFormat: defaultFormat)
        let command = try CommandArguments.parse(C.self, arguments, database: configuration.databasePath)
        return .report(try await report(command))
    }

    /// Runs an operation on a pooled read connection and the current snapshot.
    func report(_ command: some Operation) async throws -> Report {
        let snapshot = self.snapshot, catalog = pool.catalog, pool = self.pool, derived = self.derived
        let report = try await pool.reading { store in
            try command.report(from: PooledData(store: store, catalog: catalog, snapshot: snapshot, pool: pool, derived: derived))
        }
        for line in report.notes { logger.debug("\(line)") }
        return report
    }
}

/// A CLI command that is also an operation the server runs.
typealias ParsableCommandOperation = ParsableCommand & Operation
