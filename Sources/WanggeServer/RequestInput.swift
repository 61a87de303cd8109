import Foundation
import Hummingbird
import NIOCore
import WanggeCore

/// A request's query string, names and values percent-decoded as UTF-8.
///
/// Hummingbird decodes values but not names, keeps a value whose escapes are broken as it came
/// and decodes invalid UTF-8 with replacement characters; here a name or value that cannot be
/// decoded exactly, or a query holding raw non-ASCII bytes, is refused (``check(_:)``, run by
/// the middleware before any route), so no parameter is ever silently something else.
enum QueryString {
    /// The decoded `name=value` pairs of `query`, in order (a pair without `=` has an empty
    /// value; empty pairs are skipped). `+` is kept as it is, as Hummingbird does.
    static func parse(_ query: String) throws -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for item in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = item.firstIndex(of: UInt8(ascii: "="))
            let rawName = item[..<(equals ?? item.endIndex)]
            let rawValue = equals.map { item[item.index(after: $0)...] } ?? item[item.endIndex...]
            let name = try decode(rawName, what: "a parameter name")
            pairs.append((name, try decode(rawValue, what: "parameter \(name)")))
        }
        return pairs
    }

    /// 400 (problem+json) unless `query` is ASCII and every name and value percent-decodes to UTF-8.
    static func check(_ query: String?) throws {
        guard let query else { return }
        if let k = query.utf8.firstIndex(where: { $0 >= 0x80 }) {
            let offset = query.utf8.distance(from: query.utf8.startIndex, to: k)
            throw Problem.badRequest(
                "the query string holds raw non-ASCII bytes (at byte \(offset + 1)); percent-encode names and values as UTF-8 (e.g. category=%E4%B9%B1%E8%AE%BE%E6%91%8A for 乱设摊; curl -G --data-urlencode)"
            )
        }
        _ = try parse(query)
    }

    /// One percent-encoded component as UTF-8 text; 400 for a broken escape or invalid UTF-8.
    static func decode(_ raw: Substring.UTF8View.SubSequence, what: String) throws -> String {
        guard raw.contains(UInt8(ascii: "%")) else { return String(Substring(raw)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let c = raw[i]
            guard c == UInt8(ascii: "%") else { bytes.append(c); i = raw.index(after: i); continue }
            let h = raw.index(after: i)
            guard h < raw.endIndex, raw.index(after: h) < raw.endIndex,
                let high = hexValue(raw[h]), let low = hexValue(raw[raw.index(after: h)])
            else {
                throw Problem.badRequest("\(what): \"%\" must be followed by two hex digits (percent-encode a literal % as %25)")
            }
            bytes.append(high << 4 | low)
            i = raw.index(h, offsetBy: 2)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Problem.badRequest("\(what) does not percent-decode to UTF-8 text; percent-encode UTF-8 bytes")
        }
        return text
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Request {
    /// The query's parameters, percent-decoded (``QueryString``; the middleware has refused a
    /// query that cannot be decoded).
    var query: [(name: String, value: String)] { (try? QueryString.parse(uri.query ?? "")) ?? [] }

    /// The first value of parameter `name`.
    func query(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// What the hand-parsed routes read from a request: their known parameters, flags, path
/// parameters and a size-limited body of an accepted media type.
extension WanggeService {
    /// 400 for a query parameter `route` does not take.
    func refuseUnknownParameters(_ request: Request, allowed: [String], route: String) throws {
        for (key, _) in request.query where !allowed.contains(key) {
            throw Problem.badParameter(key, "unknown parameter \(key); \(route) takes \(allowed.joined(separator: ", "))")
        }
    }

    /// A flag parameter: absent or `false`/`0` is false; `true`/`1`/empty is true; else 400.
    func flag(_ name: String, in request: Request) throws -> Bool {
        guard let value = request.query(name) else { return false }
        return try Self.flag(name, value: value)
    }

    static func flag(_ name: String, value: String) throws -> Bool {
        switch value.lowercased() {
        case "", "true", "1": return true
        case "false", "0": return false
        default: throw Problem.badParameter(name, "\(name)=\(value): expected true or false", expected: "true or false")
        }
    }

    /// A path parameter, percent-decoded as UTF-8 (`/v1/orders/%E5%B7%A5%E5%8D%95-1` is order 工单-1).
    func pathParameter(_ name: String, _ context: WanggeContext) throws -> String {
        guard let raw = context.parameters.get(name), !raw.isEmpty else { throw Problem.badParameter(name, "\(name) is missing from the path") }
        return try QueryString.decode(Substring(raw).utf8[...], what: "path parameter \(name)")
    }

    /// The body as UTF-8 text, its media type (without parameters) and the encoding it was read
    /// as: 415 unless the type is one of `accepted` (`what` says why in the message) or for a
    /// `charset` other than UTF-8 and GB18030 (GBK, GB2312); 413 beyond `--max-body`, judged on
    /// `Content-Length` first and while reading. A `charset` is honoured; without one, a CSV body
    /// is detected as files are (UTF-8, else GB18030) and a JSON body must be UTF-8 (RFC 8259).
    /// Bytes invalid in the encoding: 400 naming the line and byte offset.
    func body(of request: Request, accepting accepted: [String], what: String? = nil) async throws -> (
        bytes: [UInt8], type: String, encoding: TextEncoding
    ) {
        let contentType = (request.headers[.contentType] ?? "").split(separator: ";")
        let type = contentType.first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let charset = contentType.dropFirst().compactMap { parameter -> String? in
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else { return nil }
            return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }.first
        let expected = accepted.joined(separator: " or ")
        guard accepted.contains(type) else {
            throw Problem(
                status: .unsupportedMediaType, kind: "unsupported-media-type", title: "Unsupported media type",
                detail: (what.map { $0 + "; " } ?? "Content-Type \(type.isEmpty ? "(none)" : type) is not accepted here; ") + "send \(expected)",
                expected: expected)
        }
        var forced: TextEncoding? = type == "text/csv" ? nil : .utf8
        if let charset {
            guard let encoding = TextEncoding(name: charset) else {
                throw Problem(
                    status: .unsupportedMediaType, kind: "unsupported-charset", title: "Unsupported charset",
                    detail: "charset=\(charset) is not accepted; send UTF-8, or a CSV in GB18030 (charset=gbk, gb2312 or gb18030)",
                    expected: "charset=utf-8 or charset=gb18030")
            }
            forced = encoding
        }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { throw NIOTooManyBytesError(maxBytes: limit) }
        var buffer = try await request.body.collect(upTo: limit)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            let decoded = try TextEncoding.decode(bytes, as: forced)
            if decoded.encoding == .gb18030 {
                logger.info("body read as GB18030", metadata: ["path": .string(request.uri.path), "charset": .string(charset ?? "(detected)")])
            }
            return (decoded.bytes, type, decoded.encoding)
        } catch {
            var p = Problem(
                status: .badRequest, kind: "bad-encoding", title: "Text not in its encoding",
                detail:
                    "the \(type) body \(forced == .gb18030 ? "is not GB18030" : forced == .utf8 ? "is not UTF-8" : "is neither UTF-8 nor GB18030"): \(error)",
                expected: forced == .gb18030 ? "GB18030 (GBK) text" : type == "text/csv" ? "UTF-8 or GB18030 (GBK) text" : "UTF-8 text")
            p.rows = [
                .object(["row": .number(Double(error.line)), "byte_offset": .number(Double(error.byteOffset)), "reason": .string(error.description)])
            ]
            throw p
        }
    }
}
