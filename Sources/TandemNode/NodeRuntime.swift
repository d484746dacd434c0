import Foundation
import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore

/// A node ready to serve or to run a command: its configuration, identity, database, cohort and
/// TLS files, and the record kinds this build understands, prepared once on start.
public struct NodeRuntime: Sendable {
    public let configuration: NodeConfiguration
    public let kinds: RecordKinds
    /// This node's own writes (signed with its key).
    public let node: LocalNode
    public let tls: SelfSignedCertificate.Files
    /// The cohort this node belongs to (empty when `federation.directory` is not set).
    public let directory: CohortDirectory
    /// How many sample records this start loaded into an empty database.
    public let samplesLoaded: Int
    /// How many records held without being understood this version now understands, and indexed at start.
    public let newlyUnderstood: Int

    public var database: AppDatabase { node.database }
    public var slug: NodeSlug { node.slug }

    /// Creates the data folder, the node key and a self-signed certificate when missing, opens the
    /// database, indexes the records held that this build newly understands, and loads sample
    /// records into an empty database (unless `loadSamples` is false).
    public static func prepare(_ configuration: NodeConfiguration, kinds: RecordKinds = .standard, loadSamples: Bool = true) async throws -> NodeRuntime {
        let folder = configuration.dataDirectory
        let database = try openDatabase(configuration)
        try NodeKeyFile.finishRotation(keyPath: configuration.keyPath, database: database)
        let key: Ed25519PrivateKey
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
        let directory = try loadDirectory(configuration)
        let admission = try admission(node: configuration.slug, key: DIDKey(key.publicKey), directory: directory, kinds: kinds, database: database)
        let node = LocalNode(slug: configuration.slug, database: database, kinds: kinds, key: key, admission: admission)
        let newlyUnderstood = try await database.reindex(kinds: kinds)
        var samplesLoaded = 0
        if loadSamples, let samples = configuration.samplesPath { samplesLoaded = try await node.loadSamples(from: samples) }
        return NodeRuntime(
            configuration: configuration, kinds: kinds, node: node, tls: tls, directory: directory, samplesLoaded: samplesLoaded,
            newlyUnderstood: newlyUnderstood)
    }

    /// The admission policy as it stands now: the directory's keys and those of the archives this
    /// node keeps, the rotations it has accepted, and its own keys.
    public func admission() throws(StoreError) -> Admission {
        try Self.admission(node: slug, key: node.did, directory: directory, kinds: kinds, database: database)
    }

    private static func admission(
        node: NodeSlug, key: DIDKey, directory: CohortDirectory, kinds: RecordKinds, database: AppDatabase
    ) throws(StoreError) -> Admission {
        let trusted = directory.adding(try database.archivedOrigins())
        let keys = KeyRing(directory: trusted, statements: try database.keyStatements(), own: (node, key))
        return Admission(node: node, directory: trusted, keys: keys, kinds: kinds)
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
            guard directory.member(slug) != nil else {
                return ["\(slug) is not a member of the cohort in \(directory.path): peers will not read its cohort records or accept its requests"]
            }
            let keys = KeyRing(directory: directory, statements: try database.keyStatements())
            guard keys.owner(of: node.did) == slug, keys.retirement(of: node.did) == nil else {
                return ["this node's key \(node.did) is not \(slug)'s in \(directory.path) (nor linked to it by a rotation): peers will refuse what it signs"]
            }
            return []
        }
    }

    /// The sync job of this node, with its key, database, cohort and settings.
    public func syncJob() -> SyncJob {
        SyncJob(
            node: slug, key: node.key, database: database, directory: directory, kinds: kinds, settings: configuration.sync,
            folder: configuration.dataDirectory)
    }

    /// Every cohort member as this node sees it (what `tandem status` and `GET /api/v1/nodes` show).
    public func statuses() throws(StoreError) -> [NodeStatus] {
        try NodeStatus.all(node: slug, directory: directory, peers: configuration.sync.peers, database: database)
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
