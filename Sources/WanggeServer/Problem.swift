import Foundation
import Hummingbird
import WanggeCore

/// An error answered as `application/problem+json` (RFC 9457): a `type` naming the kind of
/// problem, a `title`, the `status`, a `detail` for this occurrence, and where it applies —
/// the `parameter` at fault with what was `expected`, or the `rows` that failed validation
/// (at most ``rowLimit`` of them, with `rows_total` counting them all, so a huge bad body
/// cannot make a huge answer). Nothing from SQLite or the stack ever goes into one.
struct Problem: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let kind: String
    let title: String
    let detail: String
    var parameter: String?
    var expected: String?
    var rows: [JSONValue]? {
        didSet { rowsTotal = rows?.count }
    }
    /// How many rows failed, when more than the ones listed.
    var rowsTotal: Int?
    var headers: HTTPFields = [:]

    /// Rows listed in one answer at most.
    static let rowLimit = 100

    /// Sets the rows: the first ``rowLimit`` listed, `total` (default: all of them) counted.
    mutating func setRows<S: Sequence>(_ rows: S, total: Int) where S.Element == JSONValue {
        self.rows = Array(rows.prefix(Self.rowLimit))
        rowsTotal = total
    }

    var description: String { "\(status.code) \(title): \(detail)" }

    static func badParameter(_ name: String, _ detail: String, expected: String? = nil) -> Problem {
        Problem(status: .badRequest, kind: "bad-parameter", title: "Bad parameter", detail: detail, parameter: name, expected: expected)
    }

    static func badRequest(_ detail: String) -> Problem {
        Problem(status: .badRequest, kind: "bad-request", title: "Bad request", detail: detail)
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, kind: "not-found", title: "Not found", detail: detail)
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(
            status: .unauthorized, kind: "unauthorized", title: "Unauthorized", detail: detail,
            headers: [.wwwAuthenticate: #"Bearer realm="wangge""#])
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, kind: "forbidden", title: "Forbidden", detail: detail)
    }

    /// 503: the heavy routes' threads and queue are full.
    static func overloaded(_ pool: String) -> Problem {
        Problem(
            status: .serviceUnavailable, kind: "overloaded", title: "Overloaded",
            detail: "every worker is busy and the queue is full (wangge serve --workers, --queue); retry shortly",
            headers: [.retryAfter: "1"])
    }

    /// 503: the request's work outlived `wangge serve --request-timeout` and was stopped.
    static func deadlineExceeded(_ pool: String) -> Problem {
        Problem(
            status: .serviceUnavailable, kind: "deadline-exceeded", title: "Deadline exceeded",
            detail:
                "the request's work took longer than the server's request timeout (wangge serve --request-timeout) and was stopped; narrow the request",
            headers: [.retryAfter: "5"])
    }

    /// 503: the server is stopping.
    static func shuttingDown() -> Problem {
        Problem(
            status: .serviceUnavailable, kind: "shutting-down", title: "Shutting down",
            detail: "the server is stopping; its work was called off", headers: [.retryAfter: "5", .connection: "close"])
    }

    /// 503: something the request needs is busy or unavailable (logged as `requestID`).
    static func unavailable(_ requestID: String) -> Problem {
        Problem(
            status: .serviceUnavailable, kind: "unavailable", title: "Unavailable",
            detail: "a resource the request needs is busy or unavailable; retry shortly (logged as request \(requestID))",
            headers: [.retryAfter: "5"])
    }

    static func internalError(_ requestID: String) -> Problem {
        Problem(
            status: .internalServerError, kind: "internal-error", title: "Internal error",
            detail: "the server could not complete the request; it is logged as request \(requestID)")
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "type": .string("tag:wangge,2026:problem:\(kind)"), "title": .string(title),
            "status": .number(Double(status.code)), "detail": .string(detail),
        ]
        if let parameter { o["parameter"] = .string(parameter) }
        if let expected { o["expected"] = .string(expected) }
        if let rows {
            o["rows"] = .array(Array(rows.prefix(Self.rowLimit)))
            o["rows_total"] = .number(Double(max(rowsTotal ?? rows.count, rows.count)))
        }
        return .object(o)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var object = json
        if case .object(var o) = object { o["instance"] = .string(request.uri.path); object = .object(o) }
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: object.jsonText + "\n")))
    }
}

extension Problem {
    /// The answer to an error of Wangge: the status its ``ErrorKind`` maps to (below), its
    /// code, title, parameter and rows. Internal and unavailable errors are not described:
    /// the middleware logs them and answers ``internalError(_:)`` or ``unavailable(_:)``.
    init(_ error: any WanggeError) {
        self.init(
            status: Self.status(of: error.kind), kind: error.code, title: error.title, detail: error.description,
            parameter: error.parameter, expected: error.expected)
        if !error.rows.isEmpty { setRows(error.rows.map(\.json), total: max(error.rowsTotal, error.rows.count)) }
    }

    /// The HTTP status of each kind of error; the one place that decides it.
    static func status(of kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .badInput: .badRequest
        case .invalidRows, .unanswerable: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}
