import Foundation
import Hummingbird
import WanggeCore

/// An error answered as `application/problem+json` (RFC 9457): a `type` naming the kind of
/// problem, a `title`, the `status`, a `detail` for this occurrence, and where it applies —
/// the `parameter` at fault with what was `expected`, or the `rows` that failed validation.
/// Nothing from SQLite or the stack ever goes into one.
struct Problem: Error, HTTPResponseError, CustomStringConvertible {
    let status: HTTPResponse.Status
    let kind: String
    let title: String
    let detail: String
    var parameter: String?
    var expected: String?
    var rows: [JSONValue]?
    var headers: HTTPFields = [:]

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
        Problem(status: .unauthorized, kind: "unauthorized", title: "Unauthorized", detail: detail,
                headers: [.wwwAuthenticate: #"Bearer realm="wangge""#])
    }

    static func forbidden(_ detail: String) -> Problem {
        Problem(status: .forbidden, kind: "forbidden", title: "Forbidden", detail: detail)
    }

    static func internalError(_ requestID: String) -> Problem {
        Problem(status: .internalServerError, kind: "internal-error", title: "Internal error",
                detail: "the server could not complete the request; it is logged as request \(requestID)")
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "type": .string("tag:wangge,2026:problem:\(kind)"), "title": .string(title),
            "status": .number(Double(status.code)), "detail": .string(detail),
        ]
        if let parameter { o["parameter"] = .string(parameter) }
        if let expected { o["expected"] = .string(expected) }
        if let rows { o["rows"] = .array(rows) }
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
