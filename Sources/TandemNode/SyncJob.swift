import Foundation
import Logging
import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore

#if canImport(Glibc)
import Glibc
#endif

/// How a node syncs: from its config (`sync.*`).
public struct SyncSettings: Sendable {
    /// Time between scheduled runs in `serve` (±20% jitter); nil: no scheduled sync.
    public var interval: Duration?
    /// How long one attempt of one request to a peer may take, head and body together.
    public var timeout: Duration
    /// How long one run with one peer may go on asking for pages; it then ends within one more
    /// request's worst case (3 attempts of `timeout` and 1.2 s of backoff).
    public var deadline: Duration
    /// Documents asked for per page.
    public var pageSize: Int
    /// The members to pull from; nil: every other member of the directory.
    public var peers: [NodeSlug]?

    public init(
        interval: Duration? = .seconds(300), timeout: Duration = .seconds(10), deadline: Duration = .seconds(600), pageSize: Int = FeedPage.defaultLimit,
        peers: [NodeSlug]? = nil
    ) {
        self.interval = interval
        self.timeout = timeout
        self.deadline = deadline
        self.pageSize = pageSize
        self.peers = peers
    }
}

/// What one run did with one peer.
@dynamicMemberLookup
public struct PeerSyncReport: Sendable {
    public let peer: NodeSlug
    public var error: String?
    /// What the version rule did with the documents admitted.
    public var stored = StoreTally()
    public var rejected = 0
    public var own = 0
    public var pages = 0
    public var requests = 0
    public var restarted = false
    public var lag: Int?
    public var duration: Duration = .zero

    public init(peer: NodeSlug) {
        self.peer = peer
    }

    public var succeeded: Bool { error == nil }

    public subscript<T>(dynamicMember keyPath: KeyPath<StoreTally, T>) -> T { stored[keyPath: keyPath] }

    /// One line for people: the counts, or the error.
    public var line: String {
        let seconds = String(format: "%.2f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        guard error == nil else {
            return "\(peer): failed after \(seconds) (\(requests) requests): \(error!)" + (stored.inserted + stored.updated > 0 ? "; \(stored.inserted) new and \(stored.updated) updated were stored first" : "")
        }
        var text = "\(peer): \(stored.inserted) new, \(stored.updated) updated, \(stored.deleted) deleted, \(rejected) rejected"
        if stored.unchanged > 0 { text += ", \(stored.unchanged) unchanged" }
        if stored.stale > 0 { text += ", \(stored.stale) older than stored" }
        if stored.conflicts > 0 { text += ", \(stored.conflicts) conflicting (kept the first, flagged)" }
        if stored.notUnderstood > 0 { text += ", \(stored.notUnderstood) kept without being understood by this version" }
        if own > 0 { text += ", \(own) of our own skipped" }
        text += " (\(pages) page\(pages == 1 ? "" : "s"), \(requests) requests, \(seconds))"
        if restarted { text += "; its database is new (new epoch), so it was read again from the start" }
        return text
    }

    /// The same, as one JSON object.
    public var json: String {
        var object: JSONObject = ["peer": .string(peer.rawValue), "ok": .bool(succeeded)]
        for (name, value) in [
            ("new", stored.inserted), ("updated", stored.updated), ("deleted", stored.deleted), ("rejected", rejected), ("unchanged", stored.unchanged),
            ("stale", stored.stale), ("conflicts", stored.conflicts), ("own", own), ("notUnderstood", stored.notUnderstood), ("pages", pages), ("requests", requests),
        ] { object[name] = .number(.integer(Int64(value))) }
        object["milliseconds"] = .number(.integer(Int64(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)))
        object["restarted"] = .bool(restarted)
        object["lag"] = lag.map { .number(.integer(Int64($0))) } ?? .null
        object["error"] = error.map(JSONValue.string) ?? .null
        return (try? JSONValue.object(object).serialized()) ?? "{}"
    }
}

/// Pulls once from every peer, in parallel: each peer's failure stays its own.
public struct SyncJob: Sendable {
    public let node: NodeSlug
    let key: Ed25519PrivateKey
    public let database: AppDatabase
    public let directory: CohortDirectory
    public let kinds: RecordKinds
    public let settings: SyncSettings
    /// The data folder, where the cross-process lock file lives.
    public let folder: String

    public init(
        node: NodeSlug, key: Ed25519PrivateKey, database: AppDatabase, directory: CohortDirectory, kinds: RecordKinds, settings: SyncSettings,
        folder: String
    ) {
        self.node = node
        self.key = key
        self.database = database
        self.directory = directory
        self.kinds = kinds
        self.settings = settings
        self.folder = folder
    }

    /// The members this node pulls from (or just `only`).
    public func peers(only: NodeSlug? = nil) throws(SyncError) -> [CohortDirectory.Member] {
        let others = directory.members.filter { $0.slug != node }
        if let only {
            guard let member = others.first(where: { $0.slug == only }) else {
                throw SyncError(only == node ? "\(only) is this node" : "\(only) is not a member of the cohort in \(directory.path); members: \(others.map(\.slug.rawValue).joined(separator: ", "))")
            }
            return [member]
        }
        guard let chosen = settings.peers else { return others }
        return others.filter { chosen.contains($0.slug) }
    }

    /// One run: every peer (or `only`), each report handed to `progress` as soon as it is done.
    public func run(only: NodeSlug? = nil, progress: @Sendable @escaping (PeerSyncReport) -> Void = { _ in }) async throws(SyncError) -> [PeerSyncReport] {
        let peers = try peers(only: only)
        let lock = try FolderLock(folder: folder, name: "sync.lock", busy: "another sync is running for the data folder \(folder); try again when it has finished")
        defer { lock.release() }
        return await withTaskGroup(of: PeerSyncReport.self) { group in
            for member in peers {
                group.addTask {
                    let report = await sync(with: member)
                    progress(report)
                    return report
                }
            }
            var reports: [PeerSyncReport] = []
            for await report in group { reports.append(report) }
            return reports.sorted { $0.peer < $1.peer }
        }
    }

    func sync(with member: CohortDirectory.Member) async -> PeerSyncReport {
        let clock = ContinuousClock()
        let start = clock.now
        var report = PeerSyncReport(peer: member.slug)
        do {
            let client = try await PeerClient.connect(to: member, signer: key, timeout: settings.timeout)
            do {
                try await pull(from: client, until: start + settings.deadline, into: &report)
                await client.shutdown()
            } catch {
                await client.shutdown()
                throw error
            }
            try await database.recordSyncResult(peer: member.slug, error: nil)
        } catch {
            report.error = "\(error)"
            try? await database.recordSyncResult(peer: member.slug, error: "\(error)")
        }
        report.duration = clock.now - start
        return report
    }

    private func pull(from client: PeerClient, until deadline: ContinuousClock.Instant, into report: inout PeerSyncReport) async throws {
        let member = client.member
        // The descriptor first: it brings key rotations (the peer's own and those it relays).
        report.requests += 1
        let descriptor = try NodeDescriptor.rotations(in: try await client.get("/federation/v1/node", maximumBytes: 1 << 20))
        guard descriptor.slug == member.slug else {
            throw PeerError.refused("the node at \(member.url) says it is \(descriptor.slug), not \(member.slug)")
        }
        // Documents of the archives this node keeps verify against their key histories, relayed or not.
        let trusted = directory.adding(try database.archivedOrigins())
        var keys = KeyRing(directory: trusted, statements: try database.keyStatements(), own: (node, DIDKey(key.publicKey)))
        let (accepted, refused) = keys.accept(descriptor.statements)
        try await database.saveKeyStatements(accepted, receivedFrom: member.slug)
        if !refused.isEmpty {
            try await database.quarantine(refused.map { Rejection(.keyRotation, $0.description) }, peer: member.slug)
            report.rejected += refused.count
        }
        let admission = Admission(node: node, directory: trusted, keys: keys, kinds: kinds)
        let feed = FeedIngest(peer: member.slug, node: node, admission: admission, database: database)
        let checkpoint = try database.checkpoint(peer: member.slug)
        try await feed.run(from: checkpoint, key: DIDKey(key.publicKey), until: deadline, into: &report) { checkpoint in
            var path = "/federation/v1/changes?limit=\(settings.pageSize)"
            if let checkpoint { path += "&since=" + FeedCursor.encode(checkpoint) }
            return try await client.get(path, maximumBytes: FeedPage.maximumBytes)
        }
    }
}

public struct SyncError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// An exclusive `flock` on a file in the data folder: one sync at a time, one server at a time,
/// across processes. Released by `release()`, or by the system when the process dies.
public final class FolderLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock `name` in `folder` without waiting; `busy` says what to do when it is held.
    public init(folder: String, name: String, busy: String) throws(SyncError) {
        let path = folder + "/" + name
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SyncError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw SyncError(busy)
        }
        self.descriptor = descriptor
    }

    /// Whether someone holds the lock `name` in `folder` now.
    public static func isHeld(folder: String, name: String) -> Bool {
        let descriptor = open(folder + "/" + name, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }  // never taken: the file is made by the first holder
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(descriptor, LOCK_UN)
        return false
    }

    public func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
