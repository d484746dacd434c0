import AsyncHTTPClient
import Configuration
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TandemAPI
import TandemCore
import TandemCrypto
import TandemNode
import TandemStore
import Testing

/// A real node for one test: its own data folder and SQLite file, HTTPS on 127.0.0.1 at a free
/// port, the Paris sample records, and a client that trusts exactly its certificate.
final class TestNode: Sendable {
    let runtime: NodeRuntime
    let port: Int
    let client: HTTPClient
    /// A client that, as a browser shows a test, does not follow redirections by itself.
    let pageClient: HTTPClient
    let editorToken: String
    let folder: String
    private let group: ServiceGroup
    private let server: Task<Void, any Error>

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `settings` are config keys and values on top of the defaults (`http.maxBodySize`: `"65536"`).
    static func start(samples: Bool = true, settings: [String: String] = [:], kinds: RecordKinds = .standard) async throws -> TestNode {
        let folder = NSTemporaryDirectory() + "tandem-api-" + UUID().uuidString
        var values: [AbsoluteConfigKey: ConfigValue] = [
            "data.dir": .init(.string(folder), isSecret: false), "http.port": .init(.string("0"), isSecret: false),
        ]
        if samples { values["samples.file"] = .init(.string("samples/paris.jsonl"), isSecret: false) }
        // Tests compare facet counts with lists: a busy moment of the machine must not leave them uncounted.
        values["browse.facetTimeLimit"] = .init(.string("60"), isSecret: false)
        for (key, value) in settings { values[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = .init(.string(value), isSecret: false) }
        let configuration = try NodeConfiguration(
            reader: ConfigReader(provider: InMemoryProvider(values: values)),
            baseDirectory: repositoryRoot.appendingPathComponent("Config").path)
        let runtime = try await NodeRuntime.prepare(configuration, kinds: kinds)
        let token = TokenSecret.generate()
        try await runtime.database.createToken(name: "test editor", role: "editor", hash: TokenSecret.hash(token))

        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "test-node")
        logger.logLevel = .warning
        let application = try buildApplication(runtime, logger: logger) { continuation.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let server = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestNodeError("the node did not start") }

        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(runtime.tls.certificatePath))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let pageClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls, redirectConfiguration: .disallow))
        return TestNode(runtime: runtime, port: port, client: client, pageClient: pageClient, editorToken: token, folder: folder, group: group, server: server)
    }

    private init(
        runtime: NodeRuntime, port: Int, client: HTTPClient, pageClient: HTTPClient, editorToken: String, folder: String, group: ServiceGroup,
        server: Task<Void, any Error>
    ) {
        self.runtime = runtime
        self.port = port
        self.client = client
        self.pageClient = pageClient
        self.editorToken = editorToken
        self.folder = folder
        self.group = group
        self.server = server
    }

    func stop() async throws {
        try await client.shutdown()
        try await pageClient.shutdown()
        await group.triggerGracefulShutdown()
        try await server.value
    }

    var database: AppDatabase { runtime.database }

    struct Reply {
        let status: Int
        let headers: [(String, String)]
        let body: String

        var json: JSONObject {
            get throws { try #require(try JSONParser.parse(body).objectValue, "not a JSON object: \(body)") }
        }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var items: [JSONObject] {
            get throws { try #require(try json["items"]?.arrayValue).compactMap(\.objectValue) }
        }
        /// The titles of a page's records, in order.
        var titles: [String] {
            get throws { try items.compactMap { $0["document"]?.objectValue?["content"]?.objectValue?["title"]?.stringValue } }
        }
    }

    enum Caller { case anonymous, editor, token(String) }

    func request(_ method: String, _ path: String, body: String? = nil, as caller: Caller = .anonymous, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(port)\(path)")
        request.method = .init(rawValue: method)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        switch caller {
        case .anonymous: break
        case .editor: request.headers.add(name: "Authorization", value: "Bearer \(editorToken)")
        case .token(let token): request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Reply(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: bytes))
    }

    func get(_ path: String, as caller: Caller = .anonymous) async throws -> Reply {
        try await request("GET", path, as: caller)
    }
}

struct TestNodeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with a fresh node, stopping it afterwards whatever happens.
func withNode(samples: Bool = true, settings: [String: String] = [:], _ body: (TestNode) async throws -> Void) async throws {
    let node = try await TestNode.start(samples: samples, settings: settings)
    do {
        try await body(node)
    } catch {
        try await node.stop()
        throw error
    }
    try await node.stop()
}

/// The JSON body of a write: `{"visibility": …, "content": …}`.
func editBody(_ content: JSONObject, visibility: String? = nil) throws -> String {
    var body: JSONObject = ["content": .object(content)]
    body["visibility"] = visibility.map(JSONValue.string)
    return try JSONValue.object(body).serialized()
}

let spanishCase: JSONObject = [
    "title": "Participación ciudadana en la Ciudad de México",
    "summary": "Talleres abiertos con vecinas y vecinos para co-diseñar servicios.",
    "language": "es", "city": "Ciudad de México", "country": "MX", "status": "pilot",
    "methods": ["co-design"], "policyAreas": ["participación"], "tags": ["talleres"],
]
