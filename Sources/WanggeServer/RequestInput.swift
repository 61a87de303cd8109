import Hummingbird
import NIOCore

/// What the hand-parsed routes read from a request: their known parameters, flags, path
/// parameters and a size-limited body of an accepted media type.
extension WanggeService {
    /// 400 for a query parameter `route` does not take.
    func refuseUnknownParameters(_ request: Request, allowed: [String], route: String) throws {
        for (key, _) in request.uri.queryParameters where !allowed.contains(String(key)) {
            throw Problem.badParameter(String(key), "unknown parameter \(key); \(route) takes \(allowed.joined(separator: ", "))")
        }
    }

    /// A flag parameter: absent or `false`/`0` is false; `true`/`1`/empty is true; else 400.
    func flag(_ name: String, in request: Request) throws -> Bool {
        guard let value = request.uri.queryParameters[Substring(name)] else { return false }
        return try Self.flag(name, value: String(value))
    }

    static func flag(_ name: String, value: String) throws -> Bool {
        switch value.lowercased() {
        case "", "true", "1": return true
        case "false", "0": return false
        default: throw Problem.badParameter(name, "\(name)=\(value): expected true or false", expected: "true or false")
        }
    }

    func pathParameter(_ name: String, _ context: WanggeContext) throws -> String {
        guard let value = context.parameters.get(name), !value.isEmpty else { throw Problem.badParameter(name, "\(name) is missing from the path") }
        return value
    }

    /// The body and its media type (without parameters such as `charset`): 415 unless it is one
    /// of `accepted` (`what` says why in the message), 413 beyond `--max-body`, judged on
    /// `Content-Length` first and while reading.
    func body(of request: Request, accepting accepted: [String], what: String? = nil) async throws -> (bytes: [UInt8], type: String) {
        let type = (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let expected = accepted.joined(separator: " or ")
        guard accepted.contains(type) else {
            throw Problem(status: .unsupportedMediaType, kind: "unsupported-media-type", title: "Unsupported media type",
                          detail: (what.map { $0 + "; " } ?? "Content-Type \(type.isEmpty ? "(none)" : type) is not accepted here; ") + "send \(expected)",
                          expected: expected)
        }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw NIOTooManyBytesError(maxBytes: limit) }
        var buffer = try await request.body.collect(upTo: limit)
        return (buffer.readBytes(length: buffer.readableBytes) ?? [], type)
    }
}
