import AsyncHTTPClient
import Configuration
import Foundation
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import TandemAPI
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A real node in this process: HTTPS on 127.0.0.1, its own data folder and SQLite file.
final class BenchNode: @unchecked Sendable {
    let slug: NodeSlug
    let port: Int
    var configuration: NodeConfiguration
    private(set) var runtime: NodeRuntime
    private var group: ServiceGroup?
    private var server: Task<Void, any Error>?

    init(slug: String, folder: String, directory: String, pageSize: Int) async throws {
        self.slug = NodeSlug(slug)!
        port = try Self.freePort()
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func set(_ key: String, _ value: String) { values[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(.string(value), isSecret: false) }
        set("node.slug", slug)
        set("data.dir", folder + "/" + slug)
        set("http.port", String(port))
        set("federation.directory", directory)
        set("sync.pageSize", String(pageSize))
        set("sync.timeout", "60")
        set("log.level", "error")
        configuration = try NodeConfiguration(reader: ConfigReader(provider: InMemoryProvider(values: values)), baseDirectory: folder)
        var standalone = configuration
        standalone.directoryPath = nil
        runtime = try await NodeRuntime.prepare(standalone)
    }

    var key: Ed25519PrivateKey { get throws { try KeyFile.read(from: configuration.keyPath) } }
    var url: String { "https://127.0.0.1:\(port)" }

    func entry() throws -> String {
        CohortDirectory.entry(
            slug: slug, lab: "Bench \(slug)", city: "Bench", country: "FR", url: url, fingerprint: try runtime.certificateFingerprint,
            keys: [runtime.node.did])
    }

    func start() async throws {
        runtime = try await NodeRuntime.prepare(configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "bench-\(slug)")
        logger.logLevel = .error
        let application = try buildApplication(runtime, logger: logger) { continuation.yield($0) }
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        server = Task { try await group.run() }
        self.group = group
        var iterator = ports.makeAsyncIterator()
        _ = await iterator.next()
    }

    func stop() async throws {
        await group?.triggerGracefulShutdown()
        try await server?.value
    }

    func client() throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(runtime.tls.certificatePath))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    static func freePort() throws -> Int {
        guard let port = LoopbackPort.free() else { throw BenchError("no free port") }
        return port
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Peak resident memory of this process so far, in MiB (Linux `VmHWM`).
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes / 1024
}
