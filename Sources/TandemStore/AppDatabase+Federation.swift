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
public struct PeerCheckpoint: Sendable, Equatable {
    public let epoch: String
    public let position: Int64

    public init(epoch: String, position: Int64) {
        self.epoch = epoch
        self.position = position
    }
}

/// A peer as the sync job last saw it.
public struct PeerState: Sendable {
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
}

/// A document a peer sent that is not stored, with why.
public struct Rejection: Sendable {
    public let origin: String?
    public let recordID: String?
    public let version: Int64?
    public let reason: String
    /// The document as received (JSON text, cut at the document size limit).
    public let document: String

    public init(origin: String?, recordID: String?, version: Int64?, reason: String, document: String) {
        self.origin = origin
        self.recordID = recordID
        self.version = version
        self.reason = reason
        self.document = String(decoding: Array(document.utf8.prefix(Document.maximumEncodedSize)), as: UTF8.self)
    }
}

/// A quarantined document as operators see it.
public struct QuarantineEntry: Sendable {
    public let receivedAt: Timestamp
    public let peer: NodeSlug
    public let rejection: Rejection
}

/// A key rotation statement this node accepted: `newKey` follows `previousKey` for `origin`.
public struct StoredKeyStatement: Sendable, Equatable {
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
}

extension AppDatabase {
    /// Documents changed after `position`, oldest change first: at most `limit` of them and about
    /// `maxBytes` of JSON (always at least one). Without `includeCohort`, public records only.
    public func changes(after position: Int64, limit: Int, includeCohort: Bool, maxBytes: Int) throws(StoreError) -> ChangePage {
        let visibility = includeCohort ? "" : " AND visibility = 'public'"
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
                db, sql: "SELECT COUNT(*) FROM record WHERE changeSeq > ?\(visibility)", arguments: [last ?? position])!
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
        return try await writeWithoutBlocking { db in
            var outcomes: [ApplyOutcome] = []
            var flagged = rejections
            for verified in documents {
                let outcome = try Self.apply(verified, receivedFrom: peer, storedAt: now, in: db)
                outcomes.append(outcome)
                if outcome == .equivocation {
                    let document = verified.document
                    flagged.append(Rejection(
                        origin: document.origin.rawValue, recordID: document.id.description, version: document.version,
                        reason: "equivocation: a different document for version \(document.version) of \(document.origin)/\(document.id); the first one stored is kept",
                        document: try JSONValue.object(document.json).serialized()))
                }
            }
            for rejection in flagged {
                try Self.quarantine(rejection, peer: peer, at: now, in: db)
            }
            try db.execute(
                sql: """
                    INSERT INTO peer (slug, epoch, position, lag) VALUES (?, ?, ?, ?)
                    ON CONFLICT(slug) DO UPDATE SET epoch = excluded.epoch, position = excluded.position, lag = excluded.lag
                    """, arguments: [peer.rawValue, checkpoint.epoch, checkpoint.position, lag])
            return outcomes
        }
    }

    /// Keeps rejected documents that did not come with a page (a rotation statement, say).
    public func quarantine(_ rejections: [Rejection], peer: NodeSlug) throws(StoreError) {
        let now = Timestamp.now()
        try write { db in
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
            db, sql: "SELECT EXISTS (SELECT 1 FROM quarantine WHERE digest = ? AND peer = ? AND reason = ? AND document = ?)",
            arguments: [key, peer.rawValue, rejection.reason, rejection.document])!
        guard !known else { return }
        try db.execute(
            sql: "INSERT INTO quarantine (receivedAt, peer, origin, recordId, version, reason, document, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [time.description, peer.rawValue, rejection.origin, rejection.recordID, rejection.version, rejection.reason, rejection.document, key])
    }

    /// Where reading `peer`'s feed resumes; nil before the first page.
    public func checkpoint(peer: NodeSlug) throws(StoreError) -> PeerCheckpoint? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT epoch, position FROM peer WHERE slug = ? AND epoch IS NOT NULL", arguments: [peer.rawValue])
                .map { PeerCheckpoint(epoch: $0["epoch"], position: $0["position"]) }
        }
    }

    /// Records how a sync run with `peer` ended: success (error nil) or the error, in one line.
    public func recordSyncResult(peer: NodeSlug, error: String?) throws(StoreError) {
        let now = Timestamp.now().description
        try write { db in
            try db.execute(sql: "INSERT INTO peer (slug) VALUES (?) ON CONFLICT(slug) DO NOTHING", arguments: [peer.rawValue])
            if let error {
                try db.execute(
                    sql: "UPDATE peer SET lastAttemptAt = ?, lastError = ?, lastErrorAt = ? WHERE slug = ?",
                    arguments: [now, error, now, peer.rawValue])
            } else {
                try db.execute(
                    sql: "UPDATE peer SET lastAttemptAt = ?, lastSuccessAt = ? WHERE slug = ?", arguments: [now, now, peer.rawValue])
            }
        }
    }

    /// Every peer this node has tried to sync with, with its quarantine count.
    public func peerStates() throws(StoreError) -> [PeerState] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT peer.*, (SELECT COUNT(*) FROM quarantine WHERE quarantine.peer = peer.slug) AS quarantined
                    FROM peer ORDER BY slug
                    """
            ).compactMap { row in
                guard let slug = NodeSlug(row["slug"]) else { return nil }
                let epoch: String? = row["epoch"]
                func time(_ column: String) -> Timestamp? { (row[column] as String?).flatMap(Timestamp.init) }
                return PeerState(
                    slug: slug, checkpoint: epoch.map { PeerCheckpoint(epoch: $0, position: row["position"]) },
                    lastAttemptAt: time("lastAttemptAt"), lastSuccessAt: time("lastSuccessAt"), lastError: row["lastError"],
                    lastErrorAt: time("lastErrorAt"), lag: row["lag"], quarantined: row["quarantined"])
            }
        }
    }

    /// Quarantined documents, newest first, from one peer or all.
    public func quarantined(peer: NodeSlug? = nil, limit: Int = 100) throws(StoreError) -> [QuarantineEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM quarantine WHERE (? IS NULL OR peer = ?) ORDER BY seq DESC LIMIT ?",
                arguments: [peer?.rawValue, peer?.rawValue, limit]
            ).map { row in
                QuarantineEntry(
                    receivedAt: Timestamp(row["receivedAt"])!, peer: NodeSlug(row["peer"])!,
                    rejection: Rejection(origin: row["origin"], recordID: row["recordId"], version: row["version"], reason: row["reason"], document: row["document"]))
            }
        }
    }

    /// Every accepted key rotation statement, oldest rotation first.
    public func keyStatements() throws(StoreError) -> [StoredKeyStatement] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM key_statement ORDER BY rotated, origin").map { row in
                StoredKeyStatement(
                    origin: NodeSlug(row["origin"])!, newKey: row["newKey"], previousKey: row["previousKey"],
                    rotated: Timestamp(row["rotated"])!, statement: row["statement"])
            }
        }
    }

    /// Keeps rotation statements the caller has checked; ones already held are left as they are.
    public func saveKeyStatements(_ statements: [StoredKeyStatement], receivedFrom: NodeSlug?) throws(StoreError) {
        try write { db in
            for statement in statements {
                try db.execute(
                    sql: """
                        INSERT INTO key_statement (origin, newKey, previousKey, rotated, statement, receivedFrom)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [statement.origin.rawValue, statement.newKey, statement.previousKey, statement.rotated.description, statement.statement, receivedFrom?.rawValue])
            }
        }
    }
}
