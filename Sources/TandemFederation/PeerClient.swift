import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TandemCore
import TandemCrypto

/// Why a request to a peer failed, in one line an operator can act on.
public enum PeerError: Error, CustomStringConvertible, Sendable {
    case unreachable(String)
    case tls(String)
    case timeout(String)
    case status(Int, String)
    case malformed(String)
    case refused(String)

    public var description: String {
        switch self {
        case .unreachable(let message): "unreachable: \(message)"
        case .tls(let message): "TLS: \(message)"
        case .timeout(let message): "timed out: \(message)"
        case .status(let code, let message): "HTTP \(code): \(message)"
        case .malformed(let message): "bad response: \(message)"
        case .refused(let message): message
        }
    }

    /// Worth another try in the same run: the network or the peer may recover in a moment.
    var isTransient: Bool {
        switch self {
        case .unreachable, .timeout: true
        case .status(let code, _): code >= 500 || code == 429
        case .tls, .malformed, .refused: false
        }
    }
}

/// Signed GET requests to one member, trusting its TLS certificate exactly as the directory says.
/// Each attempt, from the connection to the last byte of the body, ends within the timeout.
public final class PeerClient: Sendable {
    public let member: CohortDirectory.Member
    private let client: HTTPClient
    private let signer: Ed25519PrivateKey
    private let timeout: Duration
    private let retries: Int

    /// Connects the client, after checking a pinned certificate's fingerprint when the directory pins one.
    public static func connect(to member: CohortDirectory.Member, signer: Ed25519PrivateKey, timeout: Duration, retries: Int = 2) async throws(PeerError) -> PeerClient {
        let amount = TimeAmount(timeout)
        var tls = TLSConfiguration.makeClientConfiguration()
        switch member.trust {
        case .system:
            break
        case .caFile(let path):
            do { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path)) } catch {
                throw .tls("cannot read the CA file \(path) for \(member.slug): \(error)")
            }
        case .fingerprint(let expected):
            let certificate = try await PinnedCertificate.fetch(url: member.url, sha256: expected, timeout: amount)
            tls.trustRoots = .certificates([certificate])
            // The pin is the identity: the certificate must be exactly the pinned one, whatever names it holds.
            tls.certificateVerification = .noHostnameVerification
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: amount, read: amount)
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return PeerClient(member: member, client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration), signer: signer, timeout: timeout, retries: retries)
    }

    private init(member: CohortDirectory.Member, client: HTTPClient, signer: Ed25519PrivateKey, timeout: Duration, retries: Int) {
        self.member = member
        self.client = client
        self.signer = signer
        self.timeout = timeout
        self.retries = retries
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// GETs `path` (with its query), signed with the node key; retries transient failures (a
    /// timeout among them) twice, 0.4 and 0.8 seconds later. Returns the body when the status is 200.
    public func get(_ pathAndQuery: String, maximumBytes: Int) async throws(PeerError) -> [UInt8] {
        var attempt = 0
        while true {
            do {
                return try await getOnce(pathAndQuery, maximumBytes: maximumBytes)
            } catch where error.isTransient && attempt < retries {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(200 * (1 << attempt)))
            }
        }
    }

    private func getOnce(_ pathAndQuery: String, maximumBytes: Int) async throws(PeerError) -> [UInt8] {
        guard let url = URL(string: member.url + pathAndQuery), let host = url.host else { throw .refused("bad URL \(member.url + pathAndQuery)") }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
        var request = HTTPClientRequest(url: member.url + pathAndQuery)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        let toSign = MessageSignature.Request(method: "GET", authority: authority, path: parts[0], query: parts.count > 1 ? parts[1] : nil)
        do {
            let now = Int(Date().timeIntervalSince1970)
            let key = DIDKey(signer.publicKey).description
            let headers = try MessageSignature.sign(
                toSign, key: signer, keyID: key, created: now, expires: now + MessageSignature.lifetime, nonce: UUID().uuidString.lowercased())
            request.headers.add(name: "Signature-Input", value: headers.signatureInput)
            request.headers.add(name: "Signature", value: headers.signature)
        } catch {
            throw .refused("cannot sign the request: \(error)")
        }
        let (client, timeout, prepared) = (client, timeout, request)
        do {
            // AsyncHTTPClient's own deadline ends with the response's head; this one covers the body too.
            return try await Self.within(timeout, url: member.url) {
                let response = try await client.execute(prepared, timeout: TimeAmount(timeout))
                if let length = response.headers.first(name: "content-length").flatMap(Int.init), length > maximumBytes {
                    throw PeerError.malformed("the response is larger than \(maximumBytes) bytes (\(length))")
                }
                let body: ByteBuffer
                do { body = try await response.body.collect(upTo: maximumBytes) } catch is NIOTooManyBytesError {
                    throw PeerError.malformed("the response is larger than \(maximumBytes) bytes")
                }
                guard response.status == .ok else {
                    let text = String(buffer: body)
                    let detail = (try? JSONParser.parse(text))?.objectValue?["detail"]?.stringValue ?? String(text.prefix(200))
                    throw PeerError.status(Int(response.status.code), detail)
                }
                return Array(body.readableBytesView)
            }
        } catch let error as PeerError {
            throw error
        } catch {
            throw Self.describe(error, url: member.url)
        }
    }

    /// Runs `operation`, and fails it with a timeout when it has not finished after `limit` (the
    /// request is cancelled, its connection closed).
    static func within<T: Sendable>(_ limit: Duration, url: String, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw PeerError.timeout("\(url) did not send its whole answer within \(limit.seconds) s (sync.timeout)")
            }
            defer { group.cancelAll() }
            guard let result = try await group.next() else { throw CancellationError() }
            return result
        }
    }

    static func describe(_ error: any Error, url: String) -> PeerError {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return .timeout("no answer from \(url) in time")
            case .remoteConnectionClosed: return .unreachable("\(url) closed the connection before the response was complete")
            default: break
            }
        }
        if let error = error as? NIOSSLError { return .tls("\(url): \(error)") }
        if let error = error as? BoringSSLError { return .tls("\(url): the certificate does not match this member's trust entry (\(error))") }
        if let error = error as? NIOConnectionError {
            return .unreachable("cannot connect to \(url)" + (error.connectionErrors.first.map { ": \(reason($0.error))" } ?? ""))
        }
        if error is ChannelError || error is IOError { return .unreachable("\(url): \(reason(error))") }
        if let error = error as? HTTPParserError {
            guard error == .invalidEOFState else { return .malformed("\(url) sent an invalid HTTP response (\(error.debugDescription))") }
            return .unreachable("\(url) closed the connection before the response was complete")
        }
        return .unreachable("\(url): \(error)")
    }
}

extension Duration {
    /// The duration in seconds, as people write it: 10, 2.5.
    var seconds: String {
        let milliseconds = components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? String(milliseconds / 1000) : String(Double(milliseconds) / 1000)
    }
}

/// A system error in words ("Connection refused"), anything else as it describes itself.
private func reason(_ error: any Error) -> String {
    if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
    return "\(error)"
}

/// Fetches a peer's certificate in a TLS handshake and accepts it only when its SHA-256
/// fingerprint is the pinned one.
enum PinnedCertificate {
    static func fetch(url: String, sha256 expected: String, timeout: TimeAmount) async throws(PeerError) -> NIOSSLCertificate {
        guard let parsed = URL(string: url), let host = parsed.host else { throw .refused("bad URL \(url)") }
        let port = parsed.port ?? 443
        let seen = SeenCertificate()
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .fullVerification
            let context = try NIOSSLContext(configuration: configuration)
            let serverName = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
            let group = MultiThreadedEventLoopGroup.singleton
            let handshake = group.next().makePromise(of: Void.self)
            defer { handshake.fail(ChannelError.alreadyClosed) }  // a no-op once the handshake has ended
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName) { certificates, promise in
                            guard let leaf = certificates.first else { return promise.succeed(.failed) }
                            let fingerprint = (try? leaf.toDERBytes()).map { SHA256.hash($0).hexString } ?? ""
                            seen.set(leaf, fingerprint: fingerprint)
                            promise.succeed(fingerprint == expected ? .certificateVerified : .failed)
                            // The certificate is all this connection is for.
                            if fingerprint == expected { handshake.succeed(()) } else { handshake.fail(NIOSSLError.handshakeFailed(.sslError([]))) }
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                        try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(promise: handshake))
                    }
                }
                .connect(host: host, port: port).get()
            defer { channel.close(promise: nil) }
            let deadline = channel.eventLoop.scheduleTask(in: timeout) { handshake.fail(ChannelError.connectTimeout(timeout)) }
            defer { deadline.cancel() }
            try await handshake.futureResult.get()
        } catch {
            if let (_, fingerprint) = seen.value, fingerprint != expected {
                throw .tls("\(url) presents a certificate with SHA-256 fingerprint \(fingerprint), not the pinned \(expected)")
            }
            if case ChannelError.connectTimeout = error { throw .timeout("no TLS handshake with \(url) in time") }
            throw PeerClient.describe(error, url: url)
        }
        guard let (certificate, _) = seen.value else { throw .tls("\(url) presented no certificate") }
        return certificate
    }

    final class SeenCertificate: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: (NIOSSLCertificate, String)?
        var value: (NIOSSLCertificate, String)? { lock.withLock { stored } }
        func set(_ certificate: NIOSSLCertificate, fingerprint: String) { lock.withLock { stored = (certificate, fingerprint) } }
    }

    final class HandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let promise: EventLoopPromise<Void>
        init(promise: EventLoopPromise<Void>) { self.promise = promise }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(ChannelError.eof)
            context.fireChannelInactive()
        }
    }
}
