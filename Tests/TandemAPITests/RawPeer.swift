import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TandemCore
import TandemCrypto
import TandemFederation
import TandemTestSupport

/// A cohort member that is not a web server: raw TLS on 127.0.0.1 that answers the node descriptor
/// at once and the change feed as a test scripts it, down to the byte (slowly, or cut off).
final class RawPeer: Sendable {
    enum Behaviour: Sendable {
        /// The status line and headers a byte at a time, then the body.
        case trickleHead(Duration)
        /// The head at once, then the body a byte at a time.
        case trickleBody(Duration)
        /// The head and half the body, then the connection closes.
        case stopMidBody
    }

    let slug: NodeSlug
    let key: Ed25519PrivateKey
    let port: Int
    let tls: SelfSignedCertificate.Files
    let behaviour: Behaviour
    private let channel: NIOLockedValueBox<(any Channel)?> = NIOLockedValueBox(nil)

    init(slug: String, behaviour: Behaviour) throws {
        self.slug = NodeSlug(slug)!
        self.behaviour = behaviour
        key = try Ed25519PrivateKey()
        port = try freePort()
        let folder = NSTemporaryDirectory() + "tandem-raw-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        tls = try SelfSignedCertificate.ensure(in: folder, commonName: "raw \(slug)")
    }

    /// Its cohort directory entry, pinning its certificate.
    var entry: String {
        get throws {
            CohortDirectory.entry(
                slug: slug, lab: "Raw \(slug)", city: "Nowhere", country: "FR", url: "https://127.0.0.1:\(port)",
                fingerprint: try SelfSignedCertificate.fingerprint(ofPEMFile: tls.certificatePath), keys: [DIDKey(key.publicKey)])
        }
    }

    /// A page holding one record it signed: what would be stored if the answer ever arrived whole.
    var page: String {
        get throws {
            try FakePeer.pageJSON([try signedCase(origin: slug.rawValue, title: "Jamais reçu en entier", key: key)])
        }
    }

    func start() async throws {
        let context = try NIOSSLContext(configuration: .makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.keyPath, format: .pem))))
        let descriptor = #"{"slug":"\#(slug)","keys":{"current":"\#(DIDKey(key.publicKey))","earlier":[],"rotations":[]},"cohortRotations":[]}"#
        let (page, behaviour) = (try self.page, behaviour)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(Answerer(descriptor: descriptor, page: page, behaviour: behaviour))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        channel.withLockedValue { $0 = server }
    }

    func stop() async throws {
        try await channel.withLockedValue { $0 }?.close()
    }

    /// Reads one request's head, then writes the scripted answer and closes.
    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let descriptor: String
        let page: String
        let behaviour: Behaviour
        var request = ""

        init(descriptor: String, page: String, behaviour: Behaviour) {
            (self.descriptor, self.page, self.behaviour) = (descriptor, page, behaviour)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            request += String(buffer: unwrapInboundIn(data))
            guard request.contains("\r\n\r\n") else { return }
            let isDescriptor = request.hasPrefix("GET /federation/v1/node ")
            let body = Array((isDescriptor ? descriptor : page).utf8)
            let head = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
            request = ""
            switch (isDescriptor, behaviour) {
            case (true, _): write(head + body, at: nil, then: true, context: context)
            case (false, .trickleHead(let interval)): write(head, at: interval, then: false, context: context) { self.write(body, at: nil, then: true, context: context) }
            case (false, .trickleBody(let interval)):
                write(head, at: nil, then: false, context: context)
                write(body, at: interval, then: true, context: context)
            case (false, .stopMidBody): write(head + body.prefix(body.count / 2), at: nil, then: true, context: context)
            }
        }

        /// Writes `bytes` at once (`interval` nil) or a byte every `interval`; closes when `close`.
        func write(_ bytes: [UInt8], at interval: Duration?, then close: Bool, context: ChannelHandlerContext, done: @escaping () -> Void = {}) {
            let channel = context.channel
            guard let interval else {
                channel.writeAndFlush(ByteBuffer(bytes: bytes)).whenComplete { _ in
                    if close { channel.close(promise: nil) }
                    done()
                }
                return
            }
            func next(_ index: Int) {
                guard channel.isActive else { return }
                guard index < bytes.count else {
                    if close { channel.close(promise: nil) }
                    return done()
                }
                channel.writeAndFlush(ByteBuffer(bytes: [bytes[index]]), promise: nil)
                channel.eventLoop.scheduleTask(in: TimeAmount(interval)) { next(index + 1) }
            }
            next(0)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}
