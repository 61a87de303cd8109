import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Per connection, between the HTTP decoder and the request handling: a head over the limit
/// is answered 431 with a problem document (NIO's decoder refuses it; without this handler the
/// client would get an empty 400), and a request whose body has not fully arrived
/// `readTimeout` after its head is cut off (the connection closed), so a slow upload cannot
/// hold a connection and a worker for ever. Silence between requests, or in the middle of a
/// head, is the idle timeout's business (`HTTP1Channel.Configuration.idleTimeout`).
final class RequestLimitsHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let maxHeadBytes: Int
    let readTimeout: TimeAmount
    private var readDeadline: Scheduled<Void>?

    init(maxHeadBytes: Int, readTimeout: TimeAmount) {
        self.maxHeadBytes = maxHeadBytes
        self.readTimeout = readTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readDeadline?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            readDeadline = context.eventLoop.scheduleTask(in: readTimeout) {
                loopBound.value.close(promise: nil)
            }
        case .end:
            readDeadline?.cancel()
            readDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        readDeadline?.cancel()
        readDeadline = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError, parseError == .headerOverflow else {
            context.fireErrorCaught(error)
            return
        }
        let text =
            #"{"type":"tag:wangge,2026:problem:head-too-large","title":"Request header fields too large","status":431,"#
            + #""detail":"the request head exceeds \#(maxHeadBytes) bytes (wangge serve --max-head)"}"# + "\n"
        let body = ByteBuffer(string: text)
        let head = HTTPResponse(
            status: .requestHeaderFieldsTooLarge,
            headerFields: [.contentType: "application/problem+json", .contentLength: String(body.readableBytes), .connection: "close"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
