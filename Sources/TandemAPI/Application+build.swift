import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore

/// A node ready to serve: its configuration, identity, database and TLS files, prepared on start.
public struct NodeRuntime: Sendable {
    public let configuration: NodeConfiguration
    public let node: LocalNode
    public let tls: SelfSignedCertificate.Files
    /// How many sample records this start loaded into an empty database.
    public let samplesLoaded: Int
    /// The cohort this node belongs to (empty when `federation.directory` is not set).
    public let directory: CohortDirectory

    /// Creates the data folder, the node key and a self-signed certificate when missing, opens the
    /// database and loads sample records into it when it is empty.
    public static func prepare(_ configuration: NodeConfiguration) throws -> NodeRuntime {
        let folder = configuration.dataDirectory
        let database = try openDatabase(configuration)
        let key: Ed25519PrivateKey
        try NodeKeyFile.finishRotation(keyPath: configuration.keyPath, database: database)
        if FileManager.default.fileExists(atPath: configuration.keyPath) {
            key = try KeyFile.read(from: configuration.keyPath)
        } else {
            key = try Ed25519PrivateKey()
            try KeyFile.write(key, to: configuration.keyPath)
        }
        let tls: SelfSignedCertificate.Files
        if let certificate = configuration.certificatePath, let certificateKey = configuration.certificateKeyPath {
            tls = SelfSignedCertificate.Files(certificatePath: certificate, keyPath: certificateKey)
        } else {
            tls = try SelfSignedCertificate.ensure(in: folder, commonName: "tandem \(configuration.slug)")
        }
        let node = LocalNode(slug: configuration.slug, database: database, key: key)
        let directory = try loadDirectory(configuration)
        let samplesLoaded = try configuration.samplesPath.map { try node.loadSamples(from: $0) } ?? 0
        return NodeRuntime(configuration: configuration, node: node, tls: tls, samplesLoaded: samplesLoaded, directory: directory)
    }

    /// The cohort directory named by `federation.directory`, or an empty cohort.
    public static func loadDirectory(_ configuration: NodeConfiguration) throws -> CohortDirectory {
        guard let path = configuration.directoryPath else { return .alone() }
        do { return try CohortDirectory.load(path: path) } catch { throw ConfigurationError(key: "federation.directory", error.description) }
    }

    /// What an operator should know about this node's place in its cohort, one line each.
    public var federationWarnings: [String] {
        get throws {
            guard configuration.directoryPath != nil else { return [] }
            guard directory.member(node.slug) != nil else {
                return ["\(node.slug) is not a member of the cohort in \(directory.path): peers will not read its cohort records or accept its requests"]
            }
            let keys = KeyRing(directory: directory, statements: try node.database.keyStatements())
            guard keys.owner(of: node.did) == node.slug, keys.retirement(of: node.did) == nil else {
                return ["this node's key \(node.did) is not \(node.slug)'s in \(directory.path) (nor linked to it by a rotation): peers will refuse what it signs"]
            }
            return []
        }
    }

    /// The sync job of this node, with its key, database, cohort and settings.
    public func syncJob() -> SyncJob {
        SyncJob(
            node: node.slug, key: node.key, database: node.database, directory: directory, settings: configuration.sync,
            folder: configuration.dataDirectory)
    }

    /// Creates the data folder (mode 0700) when missing and opens its database, for commands that
    /// need the records or tokens but not the node's keys.
    public static func openDatabase(_ configuration: NodeConfiguration) throws -> AppDatabase {
        let folder = configuration.dataDirectory
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError(key: "data.dir", "cannot create the data folder \(folder): \((error as NSError).localizedDescription)")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw ConfigurationError(key: "data.dir", "the data folder \(folder) is not writable")
        }
        return try AppDatabase.open(folder: folder)
    }

    /// The certificate's SHA-256 fingerprint, for people and peers to pin.
    public var certificateFingerprint: String {
        get throws { try SelfSignedCertificate.fingerprint(ofPEMFile: tls.certificatePath) }
    }
}

/// The router of a node: browse and edit APIs, health, metrics and the OpenAPI description.
public func buildRouter(_ runtime: NodeRuntime) -> Router<TandemRequestContext> {
    let router = Router(context: TandemRequestContext.self)
    let metrics = NodeMetrics(database: runtime.node.database)
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: EditorAuthentication(database: runtime.node.database))
    router.add(middleware: PeerAuthentication(database: runtime.node.database, directory: runtime.directory))
    for kind in RecordKind.allCases {
        RecordsController(kind: kind, node: runtime.node, maxBodySize: runtime.configuration.maxBodySize)
            .addRoutes(to: router.group(RouterPath("api/v1/\(RecordsController.segment(kind))")))
    }
    FederationController(node: runtime.node, configuration: runtime.configuration).addRoutes(to: router.group("federation/v1"))
    NodesController(node: runtime.node, directory: runtime.directory, peers: runtime.configuration.sync.peers).addRoutes(to: router)
    SystemController(node: runtime.node, metrics: metrics).addRoutes(to: router)
    return router
}

/// The HTTPS application of a node. `onServerRunning` gets the bound port (useful with port 0).
public func buildApplication(_ runtime: NodeRuntime, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(runtime.tls.certificatePath).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: runtime.tls.keyPath, format: .pem)))
    let configuration = runtime.configuration
    return Application(
        router: buildRouter(runtime),
        server: try .tls(.http1(configuration: configuration.limits.http1), tlsConfiguration: tlsConfiguration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tandem"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
