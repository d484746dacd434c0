import GRDB
import TandemCore

/// One page of this node's change feed: signed documents in change order.
public struct ChangePage: Sendable {
    /// The documents, as stored (JSON text), oldest change first.
    public let documents: [String]
    /// The change position of the last document, to resume after; nil when the page is empty.
    public let last: Int64?
    /// How many changes visible to the same reader come after this page.
    public let remaining: Int

    public init(documents: [String], last: Int64?, remaining: Int) {
        self.documents = documents
        self.last = last
        self.remaining = remaining
    }
}

/// How far this node has read a peer's feed: the peer database's epoch and a change position in it.
public struct PeerCheckpoint: Sendable, Equatable, FetchableRecord {
    public let epoch: String
    public let position: Int64

    public init(epoch: String, position: Int64) {
        self.epoch = epoch
        self.position = position
    }

    public init(row: Row) throws {
        epoch = try row.decode(forColumn: "epoch")
        position = try row.decode(forColumn: "position")
    }
}

/// A peer as the sync job last saw it.
public struct PeerState: Sendable, FetchableRecord {
    public let slug: NodeSlug
    public let checkpoint: PeerCheckpoint?
    public let lastAttemptAt: Timestamp?
    public let lastSuccessAt: Timestamp?
    public let lastError: String?
    public let lastErrorAt: Timestamp?
    /// Changes the peer still had for this node at the last page read.
    public let lag: Int?
    /// Documents from this peer held in quarantine.
    public let quarantined: Int

    public init(row: Row) throws {
        slug = try row.decode(forColumn: "slug")
        let epoch: String? = try row.decode(forColumn: "epoch")
        checkpoint = epoch == nil ? nil : try PeerCheckpoint(row: row)
        lastAttemptAt = try row.decode(forColumn: "lastAttemptAt")
        lastSuccessAt = try row.decode(forColumn: "lastSuccessAt")
        lastError = try row.decode(forColumn: "lastError")
        lastErrorAt = try row.decode(forColumn: "lastErrorAt")
        lag = try row.decode(forColumn: "lag")
        quarantined = try row.decode(forColumn: "quarantined")
    }
}

/// A document or statement that was not stored, with the rule it failed.
public struct Rejection: Sendable {
    /// Why: an admission rule (PROTOCOL.md §13, in the order checked), an equivocation (§6), or
    /// a refused key rotation statement (§9).
    public enum Rule: String, Sendable, CaseIterable {
        case shape, size, origin, key, proof, equivocation
        case keyRotation = "key rotation"

        /// Whether admission may decide otherwise later (after an upgrade or a directory change).
        public var isRetried: Bool { self != .equivocation && self != .keyRotation }
    }

    public let rule: Rule
    /// Why, in one line.
    public let detail: String
    public let origin: String?
    public let recordID: String?
    public let version: Int64?
    /// The document as received (JSON text, cut at the document size limit).
    public let document: String

    public init(_ rule: Rule, _ detail: String, origin: String? = nil, recordID: String? = nil, version: Int64? = nil, document: String = "") {
        self.rule = rule
        self.detail = detail
        self.origin = origin
        self.recordID = recordID
        self.version = version
        self.document = String(decoding: Array(document.utf8.prefix(Document.maximumEncodedSize)), as: UTF8.self)
    }

    /// The reason as people read it: `proof: the signature does not match…`.
    public var reason: String { "\(rule.rawValue): \(detail)" }
}

/// A quarantined document as operators see it.
public struct QuarantineEntry: Sendable, FetchableRecord {
    /// Its place in the quarantine, to release it once it passes.
    public let seq: Int64
    public let receivedAt: Timestamp
    public let peer: NodeSlug
    public let rejection: Rejection

    public init(row: Row) throws {
        seq = try row.decode(forColumn: "seq")
        receivedAt = try row.decode(forColumn: "receivedAt")
        peer = try row.decode(forColumn: "peer")
        rejection = Rejection(
            try row.decode(forColumn: "rule"), try row.decode(forColumn: "reason"), origin: try row.decode(forColumn: "origin"),
            recordID: try row.decode(forColumn: "recordId"), version: try row.decode(forColumn: "version"), document: try row.decode(forColumn: "document"))
    }
}

/// A key rotation statement this node accepted: `newKey` follows `previousKey` for `origin`.
public struct StoredKeyStatement: Sendable, Equatable, FetchableRecord {
    public let origin: NodeSlug
    public let newKey: String
    public let previousKey: String
    public let rotated: Timestamp
    /// The signed statement (JSON text), as it can be shown to other nodes.
    public let statement: String

    public init(origin: NodeSlug, newKey: String, previousKey: String, rotated: Timestamp, statement: String) {
        self.origin = origin
        self.newKey = newKey
        self.previousKey = previousKey
        self.rotated = rotated
        self.statement = statement
    }

    public init(row: Row) throws {
        origin = try row.decode(forColumn: "origin")
        newKey = try row.decode(forColumn: "newKey")
        previousKey = try row.decode(forColumn: "previousKey")
        rotated = try row.decode(forColumn: "rotated")
        statement = try row.decode(forColumn: "statement")
    }
}

extension Rejection.Rule: DatabaseValueConvertible {}

extension AppDatabase {
    /// Documents changed after `position`, oldest change first: at most `limit` of them and about
    /// `maxBytes` of JSON (always at least one). Without `includeCohort`, public records only.
    /// Documents held but not understood are served like the others: a node relays what it holds.
    /// A translation of a cohort-only record held here is as cohort-only as that record.
    public func changes(after position: Int64, limit: Int, includeCohort: Bool, maxBytes: Int) throws(StoreError) -> ChangePage {
        let visibility = includeCohort ? "" : " AND visibility = 'public' AND NOT EXISTS (SELECT 1 FROM record original WHERE "
            + "original.origin = record.translationOrigin AND original.id = record.translationId AND original.visibility = 'cohort')"
        return try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT changeSeq, document FROM record WHERE changeSeq > ?\(visibility) ORDER BY changeSeq LIMIT ?",
                arguments: [position, limit])
            var documents: [String] = []
            var last: Int64?
            var bytes = 0
            while let row = try rows.next() {
                let document: String = row["document"]
                bytes += document.utf8.count
                if bytes > maxBytes, !documents.isEmpty { break }
                documents.append(document)
                last = row["changeSeq"]
            }
            let remaining = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM record WHERE changeSeq > ?\(visibility)", arguments: [last ?? position]) ?? 0
            return ChangePage(documents: documents, last: last, remaining: remaining)
        }
    }

    /// Applies one page read from `peer` and moves that peer's checkpoint, in one transaction: a
    /// crash keeps both or neither. Rejected documents go to quarantine; an equivocation keeps the
    /// stored version and is flagged there too.
    public func applyPeerPage(
        peer: NodeSlug, documents: [VerifiedDocument], rejections: [Rejection], checkpoint: PeerCheckpoint, lag: Int
    ) async throws(StoreError) -> [ApplyOutcome] {
        let now = Timestamp.now()
        return try await write { db in
            let outcomes = try Self.apply(documents, from: peer, flagging: rejections, at: now, in: db)
            try db.execute(
                sql: """
                    INSERT INTO peer (slug, epoch, position, lag) VALUES (?, ?, ?, ?)
                    ON CONFLICT(slug) DO UPDATE SET epoch = excluded.epoch, position = excluded.position, lag = excluded.lag
                    """, arguments: [peer, checkpoint.epoch, checkpoint.position, lag])
            return outcomes
        }
    }

    /// Stores documents received from `peer` under the version rule and quarantines `rejections`
    /// and any equivocation among them.
    private static func apply(_ documents: [VerifiedDocument], from peer: NodeSlug, flagging rejections: [Rejection], at now: Timestamp, in db: Database) throws -> [ApplyOutcome] {
        var outcomes: [ApplyOutcome] = []
        var flagged = rejections
        for verified in documents {
            let outcome = try apply(verified, receivedFrom: peer, storedAt: now, in: db)
            outcomes.append(outcome)
            if outcome == .equivocation {
                let document = verified.document
                flagged.append(Rejection(
                    .equivocation, "a different document for version \(document.version) of \(document.origin)/\(document.id); the first one stored is kept",
                    origin: document.origin.rawValue, recordID: document.id.description, version: document.version,
                    document: try verified.text ?? JSONValue.object(document.json).serialized()))
            }
        }
        for rejection in flagged { try quarantine(rejection, peer: peer, at: now, in: db) }
        return outcomes
    }

    /// Keeps rejected documents that did not come with a page (a rotation statement, say).
    public func quarantine(_ rejections: [Rejection], peer: NodeSlug) async throws(StoreError) {
        let now = Timestamp.now()
        try await write { db in
            for rejection in rejections { try Self.quarantine(rejection, peer: peer, at: now, in: db) }
        }
    }

    private static func quarantine(_ rejection: Rejection, peer: NodeSlug, at time: Timestamp, in db: Database) throws {
        // The same document from the same peer for the same reason is kept once, however often it comes.
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a, to find candidates; the text itself decides
        for byte in (peer.rawValue + "\n" + rejection.reason + "\n" + rejection.document).utf8 {
            digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let key = Int64(bitPattern: digest)
        let known = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM quarantine WHERE digest = ? AND peer = ? AND rule = ? AND reason = ? AND document = ?)",
            arguments: [key, peer, rejection.rule, rejection.detail, rejection.document]) ?? false
        guard !known else { return }
        try db.execute(
            sql: "INSERT INTO quarantine (receivedAt, peer, origin, recordId, version, rule, reason, document, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [time, peer, rejection.origin, rejection.recordID, rejection.version, rejection.rule, rejection.detail, rejection.document, key])
    }

    /// Stores quarantined documents that now pass admission (after an upgrade or a directory
    /// change), as if their peer had just sent them, and takes them out of quarantine; one that
    /// conflicts with a stored version stays there. Returns each one's outcome.
    public func release(_ admitted: [(entry: QuarantineEntry, document: VerifiedDocument)]) async throws(StoreError) -> [ApplyOutcome] {
        let now = Timestamp.now()
        return try await write { db in
            try admitted.map { entry, document in
                let outcome = try Self.apply(document, receivedFrom: entry.peer, storedAt: now, in: db)
                if outcome != .equivocation { try db.execute(sql: "DELETE FROM quarantine WHERE seq = ?", arguments: [entry.seq]) }
                return outcome
            }
        }
    }

    /// Where reading `peer`'s feed resumes; nil before the first page.
    public func checkpoint(peer: NodeSlug) throws(StoreError) -> PeerCheckpoint? {
        try read { db in
            try PeerCheckpoint.fetchOne(db, sql: "SELECT epoch, position FROM peer WHERE slug = ? AND epoch IS NOT NULL", arguments: [peer])
        }
    }

    /// Records how a sync run with `peer` ended: success (error nil) or the error, in one line.
    public func recordSyncResult(peer: NodeSlug, error: String?) async throws(StoreError) {
        let now = Timestamp.now()
        try await write { db in
            try db.execute(sql: "INSERT INTO peer (slug) VALUES (?) ON CONFLICT(slug) DO NOTHING", arguments: [peer])
            if let error {
                try db.execute(sql: "UPDATE peer SET lastAttemptAt = ?, lastError = ?, lastErrorAt = ? WHERE slug = ?", arguments: [now, error, now, peer])
            } else {
                try db.execute(sql: "UPDATE peer SET lastAttemptAt = ?, lastSuccessAt = ? WHERE slug = ?", arguments: [now, now, peer])
            }
        }
    }

    /// Every peer this node has tried to sync with, with its quarantine count.
    public func peerStates() throws(StoreError) -> [PeerState] {
        try read { db in
            try PeerState.fetchAll(
                db,
                sql: """
                    SELECT peer.*, (SELECT COUNT(*) FROM quarantine WHERE quarantine.peer = peer.slug) AS quarantined
                    FROM peer ORDER BY slug
                    """)
        }
    }

    /// Quarantined documents, newest first, from one peer or all.
    public func quarantined(peer: NodeSlug? = nil, limit: Int = 100) throws(StoreError) -> [QuarantineEntry] {
        try read { db in
            try QuarantineEntry.fetchAll(
                db, sql: "SELECT * FROM quarantine WHERE (? IS NULL OR peer = ?) ORDER BY seq DESC LIMIT ?", arguments: [peer, peer, limit])
        }
    }

    /// Every quarantined document that admission may decide otherwise about now (not the
    /// equivocations, kept as evidence, nor refused rotation statements), oldest first.
    public func quarantinedForRetry() throws(StoreError) -> [QuarantineEntry] {
        let rules = Rejection.Rule.allCases.filter(\.isRetried)
        return try read { db in
            try QuarantineEntry.fetchAll(
                db, sql: "SELECT * FROM quarantine WHERE rule IN (\(rules.map { _ in "?" }.joined(separator: ","))) ORDER BY seq",
                arguments: StatementArguments(rules))
        }
    }

    /// Every accepted key rotation statement, oldest rotation first.
    public func keyStatements() throws(StoreError) -> [StoredKeyStatement] {
        try read { db in try StoredKeyStatement.fetchAll(db, sql: "SELECT * FROM key_statement ORDER BY rotated, origin") }
    }

    /// Keeps rotation statements the caller has checked; ones already held are left as they are.
    public func saveKeyStatements(_ statements: [StoredKeyStatement], receivedFrom: NodeSlug?) async throws(StoreError) {
        try await write { db in
            for statement in statements {
                try db.execute(
                    sql: """
                        INSERT INTO key_statement (origin, newKey, previousKey, rotated, statement, receivedFrom)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [statement.origin, statement.newKey, statement.previousKey, statement.rotated, statement.statement, receivedFrom])
            }
        }
    }
}
