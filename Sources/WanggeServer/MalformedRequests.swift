import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import WanggeCore

/// Answers a request the HTTP/1 parser refuses with a problem document and a log line.
///
/// SwiftNIO's parser (llhttp) refuses a request line whose URL holds raw non-ASCII bytes —
/// `?category=乱设摊` typed unencoded — before any route or middleware sees it, and Hummingbird
/// then answers an empty 400 and logs nothing. This handler sits after the HTTP codec: when the
/// parser fails and no request is in flight on the connection, it answers 400
/// `application/problem+json` saying what to do (percent-encode), logs it, and closes the
/// connection, as the parser's own answer would. A refused request pipelined behind one still
/// being answered is answered once that answer has ended, so answers never interleave.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let logger: Logger
    /// Requests whose head has been read and whose answer has not ended.
    private var inFlight = 0
    /// A parser error waiting for the answers in flight to end.
    private var pending: HTTPParserError?

    init(logger: Logger) { self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { inFlight += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        inFlight -= 1
        context.write(data, promise: promise)
        if inFlight == 0, let error = pending {
            pending = nil
            refuse(context: context, error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        if inFlight > 0 { pending = parseError } else { refuse(context: context, parseError) }
    }

    /// Writes the problem document and closes the connection.
    private func refuse(context: ChannelHandlerContext, _ parseError: HTTPParserError) {
        let problem = Self.problem(for: parseError)
        logger.warning(
            "request refused by the HTTP parser",
            metadata: [
                "error": .string("\(parseError)"), "remote": .string(context.remoteAddress.map { "\($0)" } ?? "-"), "status": "400",
            ])
        let body = ByteBuffer(string: problem.json.jsonText + "\n")
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: "application/problem+json", .contentLength: "\(body.readableBytes)", .connection: "close", .server: "wangge",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    /// The problem document for a request the parser refused.
    static func problem(for error: HTTPParserError) -> Problem {
        switch error {
        case .invalidURL, .invalidCharactersUsed, .invalidPath:
            return .badRequest(
                "the request line cannot be read: its URL holds raw non-ASCII bytes, spaces or control characters; "
                    + "percent-encode path and query names and values as UTF-8 (e.g. category=%E4%B9%B1%E8%AE%BE%E6%91%8A for 乱设摊; curl -G --data-urlencode)"
            )
        default:
            return .badRequest("the request is not valid HTTP/1.1 (\(error))")
        }
    }
}
