import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TandemAPI
import TandemNode
import Testing

/// A TLS connection to a node that sends exactly the bytes a test gives it, as slowly as it likes,
/// and keeps what the node answers.
final class RawConnection: Sendable {
    private let channel: any Channel
    private let box: NIOLockedValueBox<ByteBuffer>

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let box: NIOLockedValueBox<ByteBuffer>
        init(box: NIOLockedValueBox<ByteBuffer>) { self.box = box }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            box.withLockedValue { _ = $0.writeBuffer(&bytes) }
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    private init(channel: any Channel, box: NIOLockedValueBox<ByteBuffer>) {
        self.channel = channel
        self.box = box
    }

    static func open(to node: TestNode) async throws -> RawConnection {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(node.runtime.tls.certificatePath))
        let context = try NIOSSLContext(configuration: tls)
        let box = NIOLockedValueBox(ByteBuffer())
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(Collector(box: box))
                }
            }
            .connect(host: "127.0.0.1", port: node.port).get()
        return RawConnection(channel: channel, box: box)
    }

    var isOpen: Bool { channel.isActive }
    var received: String { box.withLockedValue { String(buffer: $0) } }

    /// Sends `text`; false when the node has closed the connection.
    func send(_ text: String) async -> Bool {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text))
            return true
        } catch {
            return false
        }
    }

    /// Sends `first`, then `next` every 200 ms, up to `count` times or until the node closes the
    /// connection. Returns how many of `next` went out.
    func trickle(_ first: String, then next: String, count: Int) async throws -> Int {
        guard await send(first) else { return 0 }
        for sent in 0..<count {
            try await Task.sleep(for: .milliseconds(200))
            guard isOpen, await send(next) else { return sent }
        }
        return count
    }

    /// Waits up to `limit` for the node to close the connection; true when it did.
    func closedByNode(within limit: Duration) async throws -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while isOpen, clock.now < end { try await Task.sleep(for: .milliseconds(100)) }
        return !isOpen
    }

    func close() async {
        try? await channel.close()
    }
}

@Suite("Connection and request limits", .serialized)
struct LimitsTests {
    static let shortTimeouts = ["http.idleTimeout": "1", "http.requestTimeout": "2"]

    @Test("a connection that says nothing, or trickles a request's head, is closed; others are served meanwhile")
    func idleAndSlowHead() async throws {
        try await withNode(samples: false, settings: Self.shortTimeouts) { node in
            let silent = try await RawConnection.open(to: node)
            let slowHead = try await RawConnection.open(to: node)
            // 300 header lines at 200 ms each would hold the connection for a minute.
            async let linesSent = slowHead.trickle("GET /healthz HTTP/1.1\r\nHost: localhost\r\n", then: "X-Slow: yes\r\n", count: 300)
            // The node closes idle connections after 1 s here: a GET sent on a pooled connection
            // as the node closes it fails, and is sent again, as any client does with a GET.
            func health() async throws -> Int {
                do { return try await node.get("/healthz").status } catch let error as HTTPClientError where error == .remoteConnectionClosed {
                    return try await node.get("/healthz").status
                }
            }
            #expect(try await health() == 200)
            #expect(try await silent.closedByNode(within: .seconds(60)))
            #expect(silent.received.isEmpty)
            let sent = try await linesSent
            #expect(sent < 300, "the node let a client trickle 300 header lines")
            #expect(!slowHead.isOpen)
            #expect(slowHead.received.isEmpty, "no response to a head that never finished: \(slowHead.received)")
            #expect(try await health() == 200)
        }
    }

    @Test("a client that trickles a body is cut off, with or without a token, and nothing is stored")
    func slowBody() async throws {
        try await withNode(samples: false, settings: Self.shortTimeouts) { node in
            for authorization in ["", "Authorization: Bearer \(node.editorToken)\r\n"] {
                let connection = try await RawConnection.open(to: node)
                let head = "POST /api/v1/cases HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\(authorization)Content-Length: 100000\r\n\r\n{"
                let sent = try await connection.trickle(head, then: " ", count: 300)
                #expect(sent < 300, "the node let a client trickle 300 body bytes")
                #expect(!connection.isOpen)
            }
            #expect(try await node.get("/api/v1/cases").items.isEmpty)
        }
    }

    @Test("a connection left open after a response is closed when idle")
    func idleAfterResponse() async throws {
        try await withNode(samples: false, settings: Self.shortTimeouts) { node in
            let connection = try await RawConnection.open(to: node)
            #expect(await connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"))
            #expect(try await connection.closedByNode(within: .seconds(60)))
            #expect(connection.received.hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test("an address or headers over the limits get 431 with a problem document; just under them is served")
    func oversizedHead() async throws {
        try await withNode(samples: false) { node in
            let filler = { (count: Int, bytes: Int) in (0..<count).map { ("X-Filler-\($0)", String(repeating: "b", count: bytes)) } }
            let tooLarge: [(String, String, [(String, String)])] = [
                ("a 9,000-byte address", "/api/v1/cases?q=" + String(repeating: "a", count: 9000), []),
                ("one 9,000-byte header", "/healthz", filler(1, 9000)),
                ("20 headers of 1,000 bytes", "/healthz", filler(20, 1000)),
                ("101 headers", "/healthz", filler(101, 1)),
            ]
            for (name, path, headers) in tooLarge {
                let reply = try await node.request("GET", path, headers: headers)
                #expect(reply.status == 431, "\(name)")
                #expect(reply.header("Content-Type") == "application/problem+json", "\(name)")
                #expect(try reply.json["detail"]?.stringValue?.contains("8192 bytes for the address or any one header") == true, "\(name)")
            }
            #expect(try await node.request("GET", "/healthz", headers: filler(1, 8000)).status == 200)
            #expect(try await node.request("GET", "/healthz", headers: filler(14, 1000)).status == 200)
            #expect(try await node.get("/api/v1/cases?q=" + String(repeating: "a", count: 200)).status == 200)
        }
    }

    @Test("the timeouts are read from the config and refused when they are not a number of seconds above 0")
    func timeoutSettings() throws {
        let configuration = try ConfigurationTests.configuration(["http.idleTimeout": "2.5", "http.requestTimeout": "45"])
        #expect(configuration.limits.idleTimeout == .milliseconds(2500))
        #expect(configuration.limits.requestTimeout == .seconds(45))
        #expect(configuration.yaml.contains("  idleTimeout: 2.5\n  requestTimeout: 45\n"))
        #expect(ConnectionLimits().idleTimeout == .seconds(30))
        for bad in ["0", "-1", "soon"] {
            #expect(throws: ConfigurationError.self) { try ConfigurationTests.configuration(["http.requestTimeout": bad]) }
        }
    }
}
