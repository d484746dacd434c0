import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TandemAPI
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore
import TandemTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A port free on 127.0.0.1 now, for nodes whose address must be in the directory before they start.
func freePort() throws -> Int {
    guard let port = LoopbackPort.free() else { throw TestNodeError("cannot find a free port") }
    return port
}

/// A port on 127.0.0.1 that refuses connections while this value lives: bound but never listening,
/// so no other test running alongside can take it (a port that was merely free could be).
final class RefusingPort: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        guard let socket = LoopbackPort.bound() else { throw TestNodeError("cannot reserve a port") }
        descriptor = socket.descriptor
        port = socket.port
    }

    deinit { close(descriptor) }
}

/// One member of a test cohort: a real node (HTTPS, SQLite file) whose data folder outlives
/// restarts, so a test can stop it, rotate its key or re-create its database, and start it again.
/// While it is not serving, its port is held bound (connections are refused), so that no server
/// of another test running alongside takes it before it starts again.
final class CohortNode: @unchecked Sendable {
    let slug: NodeSlug
    let folder: String
    let port: Int
    /// The socket holding the port while the node is not serving.
    private var reservation: Int32?
    var configuration: NodeConfiguration
    private(set) var runtime: NodeRuntime
    private var group: ServiceGroup?
    private var server: Task<Void, any Error>?

    /// The record kinds its build understands (a test may leave one out, as an older version would).
    var kinds: RecordKinds

    /// `reservation` is a socket bound to `port`, held until the node first starts.
    init(slug: NodeSlug, folder: String, port: Int, reservation: Int32, configuration: NodeConfiguration, kinds: RecordKinds) async throws {
        self.slug = slug
        self.folder = folder
        self.port = port
        self.reservation = reservation
        self.configuration = configuration
        self.kinds = kinds
        var standalone = configuration
        standalone.directoryPath = nil
        runtime = try await NodeRuntime.prepare(standalone, kinds: kinds)
    }

    var database: AppDatabase { runtime.database }
    /// The node's current signing key, read from its key file.
    var key: Ed25519PrivateKey { get throws { try KeyFile.read(from: configuration.keyPath) } }
    var url: String { "https://127.0.0.1:\(port)" }

    /// Starts serving; with `scheduledSync`, also the sync service `serve` runs (first run at once).
    func start(scheduledSync: Duration? = nil) async throws {
        runtime = try await NodeRuntime.prepare(configuration, kinds: kinds)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "cohort-\(slug)")
        logger.logLevel = .critical
        let application = try buildApplication(runtime, logger: logger) { continuation.yield($0) }
        var services: [any Service] = [application]
        if let scheduledSync { services.append(SyncService(job: runtime.syncJob(), interval: scheduledSync, logger: logger, firstRunAfter: .zero)) }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        if let reservation { close(reservation) }
        reservation = nil
        // A server that stops before it listens (its port taken after all) ends the wait for its port.
        let server = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        self.server = server
        self.group = group
        var iterator = ports.makeAsyncIterator()
        guard await iterator.next() != nil else {
            self.group = nil
            self.server = nil
            let failure = await server.result
            throw TestNodeError("\(slug) did not start on port \(port): \(failure)")
        }
    }

    func stop() async throws {
        guard let group, let server else { return }
        await group.triggerGracefulShutdown()
        try await server.value
        self.group = nil
        self.server = nil
        guard let socket = LoopbackPort.bound(port: port) else { throw TestNodeError("\(slug) cannot hold its port \(port) while stopped") }
        reservation = socket.descriptor
    }

    deinit {
        if let reservation { close(reservation) }
    }

    /// One sync run, as `tandem sync` does it.
    func sync(only: NodeSlug? = nil) async throws -> [PeerSyncReport] {
        try await runtime.syncJob().run(only: only)
    }

    func report(from peer: String, _ reports: [PeerSyncReport]) throws -> PeerSyncReport {
        try #require(reports.first { $0.peer.rawValue == peer }, "no report for \(peer)")
    }

    /// Writes a new local record through the node's own signed-write path.
    @discardableResult
    func write(_ title: String, visibility: Visibility = .public) async throws -> StoredRecord {
        try await runtime.node.create(kind: .caseStudy, visibility: visibility, content: caseContent(title))
    }

    /// (origin, id, version) of every record held, tombstones included: equal digests, equal nodes.
    func digest() throws -> [String] {
        try database.allRecords().map { "\($0.origin)/\($0.id)/v\($0.version)" }.sorted()
    }
}

func caseContent(_ title: String) -> JSONObject {
    ["title": .string(title), "summary": "A case written in a test.", "language": "en", "status": "pilot"]
}

/// A signed case study document from `origin`, signed by `key`.
func signedCase(origin: String, id: RecordID = RecordID(), version: Int64 = 1, title: String, key: Ed25519PrivateKey, deleted: Bool = false) throws -> JSONObject {
    try signed(.caseStudy, origin: origin, id: id, version: version, content: deleted ? nil : caseContent(title), key: key)
}

/// A signed public document of `kind` from `origin`, signed by `key` (a tombstone when `content` is nil).
func signed(_ kind: RecordKind, origin: String, id: RecordID = RecordID(), version: Int64 = 1, content: JSONObject?, key: Ed25519PrivateKey) throws -> JSONObject {
    let unsigned = try Document.unsigned(kind: kind, id: id, origin: NodeSlug(origin)!, version: version, updated: .now(), visibility: .public, content: content)
    return try EddsaJcs2022.sign(unsigned.json, with: key)
}

/// A node that is not Tandem: a real HTTPS server with its own key and certificate, listed in the
/// cohort directory, that answers the federation routes however a test scripts it (lying,
/// malformed, slow, truncated).
final class FakePeer: @unchecked Sendable {
    enum Answer {
        case json(String)
        case status(Int, String)
        /// Sleeps before answering, to be slower than a reader's timeout.
        case slow(Duration, String)
        /// Announces a body, sends part of it, then breaks the connection.
        case truncated(String)
    }

    let slug: NodeSlug
    let key: Ed25519PrivateKey
    let port: Int
    let folder: String
    let tls: SelfSignedCertificate.Files
    private let lock = NSLock()
    private var pages: [Answer] = []
    private var relayed: [String] = []
    /// Rotation statements the fake's descriptor relays (JSON texts).
    var rotations: [String] {
        get { lock.withLock { relayed } }
        set { lock.withLock { relayed = newValue } }
    }
    private(set) var requests: [String] = []
    private var group: ServiceGroup?
    private var server: Task<Void, any Error>?

    init(slug: String) throws {
        self.slug = NodeSlug(slug)!
        key = try Ed25519PrivateKey()
        port = try freePort()
        folder = NSTemporaryDirectory() + "tandem-fake-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        tls = try SelfSignedCertificate.ensure(in: folder, commonName: "fake \(slug)")
    }

    /// The answers to successive change-feed requests; the last one repeats.
    func serve(_ answers: [Answer]) {
        lock.withLock { pages = answers }
    }

    /// A page of documents as a Tandem feed would serve it.
    func page(_ documents: [JSONObject], position: Int64 = 1, hasMore: Bool = false) throws -> Answer {
        .json(try Self.pageJSON(documents, position: position, hasMore: hasMore))
    }

    /// The JSON of a feed page served to Mexico City, as a Tandem feed would write it.
    static func pageJSON(_ documents: [JSONObject], position: Int64 = 1, hasMore: Bool = false) throws -> String {
        let epoch = "00000000-0000-4000-8000-00000000fa4e"
        let next = FeedCursor.encode(PeerCheckpoint(epoch: epoch, position: position))
        let items = try documents.map { try JSONValue.object($0).serialized() }.joined(separator: ",")
        return #"{"epoch":"\#(epoch)","reader":"mexico-city","restarted":false,"items":[\#(items)],"next":"\#(next)","hasMore":\#(hasMore),"remaining":\#(hasMore ? 1 : 0)}"#
    }

    private func nextAnswer(for uri: String) -> Answer {
        lock.withLock {
            requests.append(uri)
            return pages.count > 1 ? pages.removeFirst() : (pages.first ?? .status(404, "{}"))
        }
    }

    var requestCount: Int { lock.withLock { requests.count } }

    func start() async throws {
        let router = Router()
        router.get("federation/v1/node") { _, _ in
            let descriptor = #"{"slug":"\#(self.slug)","keys":{"current":"\#(DIDKey(self.key.publicKey))","earlier":[],"rotations":[]},"cohortRotations":[\#(self.rotations.joined(separator: ","))]}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: descriptor))) }
        router.get("federation/v1/changes") { request, _ -> Response in
            switch self.nextAnswer(for: request.uri.description) {
            case .json(let body):
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
            case .status(let code, let body):
                return Response(status: .init(code: code), body: .init(byteBuffer: ByteBuffer(string: body)))
            case .slow(let delay, let body):
                try await Task.sleep(for: delay)
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: body)))
            case .truncated(let body):
                let half = ByteBuffer(string: String(body.prefix(body.count / 2)))
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(contentLength: body.utf8.count) { writer in
                    try await writer.write(half)
                    throw TestNodeError("the fake peer breaks the connection on purpose")
                })
            }
        }
        let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)))
        var logger = Logger(label: "fake-\(slug)")
        logger.logLevel = .critical
        let (started, continuation) = AsyncStream.makeStream(of: Void.self)
        let application = Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tlsConfiguration),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { _ in continuation.yield() }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        server = Task { try await group.run() }
        self.group = group
        var iterator = started.makeAsyncIterator()
        await iterator.next()
    }

    func stop() async throws {
        await group?.triggerGracefulShutdown()
        try await server?.value
    }

    var fingerprint: String { get throws { try SelfSignedCertificate.fingerprint(ofPEMFile: tls.certificatePath) } }
}

/// Real nodes that trust each other through one cohort directory file, plus any fake peers.
final class TestCohort: @unchecked Sendable {
    let folder: String
    let nodes: [CohortNode]
    let fakes: [FakePeer]

    struct Spec {
        var slug: String
        var samples: String?
        var peers: [String]?
        var timeout: Double = 5
        var deadline: Double = 600
        var pageSize: Int = 200
        var kinds: RecordKinds = .standard
    }

    /// Starts the nodes of `specs` and the fake peers, with a directory listing them all.
    /// `entries` may change a member's directory entry (say, pin the wrong fingerprint).
    static func start(
        _ specs: [Spec], fakes: [FakePeer] = [], extraMembers: [String] = [],
        entry: (String, String) -> String = { _, text in text }
    ) async throws -> TestCohort {
        let folder = NSTemporaryDirectory() + "tandem-cohort-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let directoryPath = folder + "/cohort.yaml"
        var nodes: [CohortNode] = []
        var entries: [String] = []
        for spec in specs {
            guard let reserved = LoopbackPort.bound() else { throw TestNodeError("cannot reserve a port") }
            let port = reserved.port
            var values: [AbsoluteConfigKey: ConfigValue] = [:]
            func set(_ key: String, _ value: String) { values[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(.string(value), isSecret: false) }
            set("node.slug", spec.slug)
            set("node.city", spec.slug.capitalized)
            set("node.lab", "Lab of \(spec.slug)")
            set("data.dir", folder + "/" + spec.slug)
            set("http.port", String(port))
            set("federation.directory", directoryPath)
            set("sync.timeout", String(spec.timeout))
            set("sync.deadline", String(spec.deadline))
            set("sync.pageSize", String(spec.pageSize))
            set("browse.facetTimeLimit", "60")
            if let samples = spec.samples { set("samples.file", samples) }
            if let peers = spec.peers { set("sync.peers", peers.joined(separator: ",")) }
            let configuration = try NodeConfiguration(
                reader: ConfigReader(provider: InMemoryProvider(values: values)),
                baseDirectory: TestNode.repositoryRoot.appendingPathComponent("Config").path)
            let node = try await CohortNode(
                slug: NodeSlug(spec.slug)!, folder: folder + "/" + spec.slug, port: port, reservation: reserved.descriptor, configuration: configuration, kinds: spec.kinds)
            nodes.append(node)
            entries.append(entry(spec.slug, CohortDirectory.entry(
                slug: node.slug, lab: "Lab of \(spec.slug)", city: spec.slug.capitalized, country: "FR", url: node.url,
                fingerprint: try SelfSignedCertificate.fingerprint(ofPEMFile: node.runtime.tls.certificatePath), keys: [node.runtime.node.did])))
        }
        for fake in fakes {
            entries.append(entry(fake.slug.rawValue, CohortDirectory.entry(
                slug: fake.slug, lab: "Fake \(fake.slug)", city: "Nowhere", country: "FR", url: "https://127.0.0.1:\(fake.port)",
                fingerprint: try fake.fingerprint, keys: [DIDKey(fake.key.publicKey)])))
        }
        entries += extraMembers
        try ("cohort: test\nmembers:\n" + entries.joined(separator: "\n") + "\n").write(toFile: directoryPath, atomically: true, encoding: .utf8)
        for node in nodes { try await node.start() }
        for fake in fakes { try await fake.start() }
        return TestCohort(folder: folder, nodes: nodes, fakes: fakes)
    }

    private init(folder: String, nodes: [CohortNode], fakes: [FakePeer]) {
        self.folder = folder
        self.nodes = nodes
        self.fakes = fakes
    }

    subscript(slug: String) -> CohortNode { nodes.first { $0.slug.rawValue == slug }! }

    func stop() async throws {
        for node in nodes { try await node.stop() }
        for fake in fakes { try await fake.stop() }
    }
}

/// Runs `body` with a started cohort, stopping every node afterwards whatever happens.
func withCohort(
    _ specs: [TestCohort.Spec], fakes: [FakePeer] = [], extraMembers: [String] = [], entry: @escaping (String, String) -> String = { _, text in text },
    _ body: (TestCohort) async throws -> Void
) async throws {
    let cohort = try await TestCohort.start(specs, fakes: fakes, extraMembers: extraMembers, entry: entry)
    do {
        try await body(cohort)
    } catch {
        try? await cohort.stop()
        throw error
    }
    try await cohort.stop()
}

extension CohortNode {
    /// A new editor token for this node's API.
    func editorToken() async throws -> String {
        let token = TokenSecret.generate()
        try await database.createToken(name: "editor \(UUID().uuidString.prefix(8))", role: "editor", hash: TokenSecret.hash(token))
        return token
    }

    /// A request to this node's API over HTTPS, trusting its certificate, as a person with curl sends it.
    func request(_ method: String, _ path: String, body: String? = nil, token: String? = nil, headers: [(String, String)] = []) async throws -> TestNode.Reply {
        let client = try FederationTests.client(trusting: self)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: url + path)
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return TestNode.Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: bytes))
    }
}
