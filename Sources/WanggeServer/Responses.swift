import ArgumentParser
import HTTPTypes
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
