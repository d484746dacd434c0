import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import TandemNode

extension ConnectionLimits {
    /// The HTTP/1 server configuration that enforces these limits.
    var http1: HTTP1Channel.Configuration {
        let requestTimeout = TimeAmount(requestTimeout)
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestLimitHandler(requestTimeout: requestTimeout)],
            idleTimeout: TimeAmount(idleTimeout),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: Self.maximumFieldBytes, maxHeaderListSize: Self.maximumHeaderBytes,
                maxHeaderFieldCount: Self.maximumFieldCount))
    }
}

/// Closes a connection whose request is not read and answered within the request timeout, and
/// answers a request whose head is over the size limits with 431 instead of an empty 400.
final class RequestLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let requestTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var requestsUnanswered = 0
    private var reading = false

    init(requestTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestsUnanswered += 1
            reading = true
            if deadline == nil {
                let channel = context.channel
                deadline = context.eventLoop.scheduleTask(in: requestTimeout) { channel.close(promise: nil) }
            }
        case .body: break
        case .end:
            reading = false
            cancelWhenDone()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            requestsUnanswered = max(0, requestsUnanswered - 1)
            cancelWhenDone()
        }
        context.write(data, promise: promise)
    }

    /// The deadline holds until every request is both read to its end and answered: a response
    /// written early (a 401 before the body) does not let the client go on trickling the body.
    private func cancelWhenDone() {
        guard !reading, requestsUnanswered == 0 else { return }
        deadline?.cancel()
        deadline = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Only when no response is under way can this handler write one of its own.
        guard let parseError = error as? HTTPParserError, parseError == .headerOverflow, requestsUnanswered == 0, !reading else {
            context.fireErrorCaught(error)
            return
        }
        let problem = Problem(
            .init(code: 431), title: "Request Header Fields Too Large",
            "the request's address and headers are too large: at most \(ConnectionLimits.maximumFieldBytes) bytes for the address or any one header, \(ConnectionLimits.maximumHeaderBytes) bytes in all, and \(ConnectionLimits.maximumFieldCount) headers")
        let body = problem.body
        let head = HTTPResponse(
            status: problem.status,
            headerFields: [.contentType: "application/problem+json", .contentLength: String(body.readableBytes), .connection: "close"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
