import CZlib
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
@testable import WanggeServer

/// gzip answers: when the client accepts them, for compressible answers worth it, streamed
/// ones included; the bytes inflate to the plain answer.
@Suite struct CompressionTests {
    /// `bytes` inflated from gzip (the test's own zlib call, not the server's writer).
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        #expect(inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { inflateEnd(&stream) }
        var input = bytes, output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output += target.prefix(target.count - Int(stream.avail_out))
                }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else { throw GzipStream.Failure(code: status) }
        return output
    }

    @Test func acceptEncodingHonoursQValues() {
        #expect(AcceptEncoding(["gzip, deflate, br"]).allowsGzip)
        #expect(AcceptEncoding(["br;q=1.0, gzip;q=0.5"]).allowsGzip)
        #expect(!AcceptEncoding(["gzip;q=0"]).allowsGzip)
        #expect(!AcceptEncoding(["gzip;q=0, *"]).allowsGzip)
        #expect(AcceptEncoding(["*"]).allowsGzip)
        #expect(!AcceptEncoding(["*;q=0"]).allowsGzip)
        #expect(!AcceptEncoding([]).allowsGzip)
        #expect(!AcceptEncoding(["identity"]).allowsGzip)
        #expect(AcceptEncoding(["GZIP ; Q=0.3"]).allowsGzip)
        #expect(AcceptEncoding(["gzip"]).allowsIdentity)
        #expect(!AcceptEncoding(["gzip, identity;q=0"]).allowsIdentity)
        #expect(!AcceptEncoding(["gzip, *;q=0"]).allowsIdentity)
        #expect(CompressionMiddleware<WanggeContext>.isCompressible("application/geo+json"))
        #expect(CompressionMiddleware<WanggeContext>.isCompressible("text/csv; charset=utf-8"))
        #expect(!CompressionMiddleware<WanggeContext>.isCompressible("image/png"))
        #expect(!CompressionMiddleware<WanggeContext>.isCompressible("application/gzip"))
    }

    @Test func largeAndStreamedAnswersAreGzippedWhenAccepted() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            var headers = fixture.headers(.reader)
            let plain = try await client.execute(uri: "/v1/layers/cells", method: .get, headers: headers)
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(plain.headers[.vary] == "Accept-Encoding")
            headers[.acceptEncoding] = "br;q=1, gzip;q=0.8"
            // The layer is streamed (no Content-Length): compressed as it streams.
            let zipped = try await client.execute(uri: "/v1/layers/cells", method: .get, headers: headers)
            #expect(zipped.status == .ok)
            #expect(zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.headers[.vary] == "Accept-Encoding")
            #expect(zipped.headers[.contentLength] == nil || zipped.headers[.contentLength] == String(zipped.body.readableBytes))
            let inflated = try Self.gunzip(Array(buffer: zipped.body))
            #expect(inflated == Array(buffer: plain.body))
            #expect(zipped.body.readableBytes * 5 < plain.body.readableBytes, "\(zipped.body.readableBytes) of \(plain.body.readableBytes) bytes")
            // A whole answer (Content-Length known) above the threshold.
            let hotspots = try await client.execute(uri: "/v1/hotspots?format=csv", method: .get, headers: headers)
            #expect(hotspots.headers[.contentEncoding] == "gzip")
            #expect(String(decoding: try Self.gunzip(Array(buffer: hotspots.body)), as: UTF8.self).hasPrefix("cell,name,count"))
            // Refused by q=0: plain.
            headers[.acceptEncoding] = "gzip;q=0"
            #expect(try await client.execute(uri: "/v1/layers/cells", method: .get, headers: headers).headers[.contentEncoding] == nil)
        }
    }

    @Test func smallAnswersGoPlainUnlessIdentityIsRefused() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let small = try await client.execute(uri: "/health", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(small.headers[.contentEncoding] == nil)
            #expect(small.headers[.vary] == "Accept-Encoding")
            #expect(small.json["status"] == .string("ok"))
            let refused = try await client.execute(uri: "/health", method: .get, headers: [.acceptEncoding: "gzip, identity;q=0"])
            #expect(refused.headers[.contentEncoding] == "gzip")
            let health = try Self.gunzip(Array(buffer: refused.body))
            #expect(String(decoding: health, as: UTF8.self).contains("\"status\":\"ok\""))
        }
    }
}
