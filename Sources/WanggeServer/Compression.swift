import CZlib
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip for the answers worth it: a compressible media type (JSON, GeoJSON, CSV, HTML, SVG,
/// text, vector tiles), at least ``minimumBytes`` long or streamed (length unknown), when the
/// request's `Accept-Encoding` accepts gzip. A streamed answer goes through deflate piece by
/// piece — the body is never held whole. Every compressible answer carries
/// `Vary: Accept-Encoding`, whether compressed or not, so caches keep both forms apart.
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Answers shorter than this go as they are (their gzip header and the work cost more
    /// than they save), unless the client refuses identity (`identity;q=0`).
    static var minimumBytes: Int { 1400 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.headers[.contentEncoding] == nil,
            let type = response.headers[.contentType], Self.isCompressible(type)
        else { return response }
        Self.addVary(to: &response.headers)
        guard request.method != .head, response.status != .noContent, response.status != .notModified else { return response }
        let accepted = AcceptEncoding(request.headers[values: .acceptEncoding])
        guard accepted.allowsGzip else { return response }
        if let length = response.body.contentLength, length < Self.minimumBytes && accepted.allowsIdentity { return response }
        let body = response.body
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        response.body = ResponseBody { writer in
            try await body.write(GzipBodyWriter(parent: writer))
        }
        return response
    }

    /// Whether answers of this `Content-Type` shrink under gzip (text, JSON, GeoJSON, CSV,
    /// HTML, SVG, XML, Mapbox vector tiles); images, archives and the like do not.
    static func isCompressible(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if type.hasPrefix("text/") || type.hasSuffix("+json") || type.hasSuffix("+xml") { return true }
        return [
            "application/json", "application/xml", "application/javascript", "application/vnd.mapbox-vector-tile",
            "application/x-protobuf", "image/svg+xml",
        ].contains(type)
    }

    private static func addVary(to headers: inout HTTPFields) {
        let present = headers[values: .vary].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if !present.contains("accept-encoding") && !present.contains("*") { headers.append(HTTPField(name: .vary, value: "Accept-Encoding")) }
    }
}

/// A request's `Accept-Encoding` (RFC 9110 §12.5.3): the codings with their q-values.
struct AcceptEncoding: Equatable {
    /// q-value per coding, lower-cased; `*` for any other.
    private(set) var weights: [String: Double] = [:]

    init(_ fields: [String]) {
        for element in fields.flatMap({ $0.split(separator: ",") }) {
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let coding = parts.first?.lowercased(), !coding.isEmpty else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2 && pair[0].lowercased() == "q" { q = Double(pair[1]).map { min(max($0, 0), 1) } ?? 0 }
            }
            weights[coding] = q
        }
    }

    /// gzip (or x-gzip) named with q > 0, or `*` with q > 0 and gzip not named.
    var allowsGzip: Bool {
        if let q = weights["gzip"] ?? weights["x-gzip"] { return q > 0 }
        return (weights["*"] ?? 0) > 0
    }

    /// identity is acceptable unless refused by name (`identity;q=0`) or by `*;q=0` without naming it.
    var allowsIdentity: Bool {
        if let q = weights["identity"] { return q > 0 }
        if let q = weights["*"] { return q > 0 }
        return true
    }
}

/// Writes a body through deflate (gzip format) to `parent`: each piece written is compressed
/// as it comes; `finish` flushes the rest and the gzip trailer.
struct GzipBodyWriter: ResponseBodyWriter {
    var parent: any ResponseBodyWriter
    private let stream = GzipStream()

    init(parent: any ResponseBodyWriter) { self.parent = parent }

    mutating func write(_ buffer: ByteBuffer) async throws {
        let out = try stream.compress(buffer, finish: false)
        if out.readableBytes > 0 { try await parent.write(out) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        let out = try stream.compress(ByteBuffer(), finish: true)
        if out.readableBytes > 0 { try await parent.write(out) }
        try await parent.finish(trailingHeaders)
    }
}

/// A zlib deflate stream producing gzip (RFC 1952), level 6 by default.
// @unchecked: the z_stream is used by one response writer at a time, never concurrently.
final class GzipStream: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib deflate failed (\(code))" }
    }

    private var stream = z_stream()
    private var ended = false

    init(level: Int32 = Z_DEFAULT_COMPRESSION) {
        // windowBits 15 + 16: the gzip wrapper; memLevel 8 is zlib's default.
        let status = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed (\(status))")
    }

    deinit { if !ended { deflateEnd(&stream) } }

    /// Compresses `input`; with `finish`, ends the stream (the rest and the trailer).
    func compress(_ input: ByteBuffer, finish: Bool) throws -> ByteBuffer {
        var output = ByteBuffer()
        var input = input
        let flush = finish ? Z_FINISH : Z_NO_FLUSH
        try input.withUnsafeMutableReadableBytes { source in
            stream.next_in = source.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = UInt32(source.count)
            var status = Z_OK
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 * 1024) { target in
                    stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = UInt32(target.count)
                    status = deflate(&stream, flush)
                    return target.count - Int(stream.avail_out)
                }
                // Z_BUF_ERROR: no progress possible (all input taken, nothing pending) — done.
                guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else { throw Failure(code: status) }
            } while finish ? status != Z_STREAM_END : (stream.avail_in > 0 || stream.avail_out == 0) && status != Z_BUF_ERROR
            stream.next_in = nil
        }
        if finish {
            deflateEnd(&stream)
            ended = true
        }
        return output
    }
}
