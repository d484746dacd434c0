import GRDB
import TandemCore

extension AppDatabase {
    /// Stores documents from elsewhere (an import, an archive) in one transaction, under the
    /// version rule: higher replaces (the old stays in history), equal and identical is a no-op,
    /// equal and different keeps the first, lower is ignored.
    public func apply(_ documents: [VerifiedDocument], receivedFrom: NodeSlug?) async throws(StoreError) -> [ApplyOutcome] {
        let storedAt = Timestamp.now()
        return try await write { db in
            try documents.map { try Self.apply($0, receivedFrom: receivedFrom, storedAt: storedAt, in: db) }
        }
    }

    /// Stores a version written here: it must follow `expectedVersion` (nil for a new record) exactly.
    public func saveLocal(_ verified: VerifiedDocument, expectedVersion: Int64?) async throws(StoreError) -> StoredRecord {
        let document = verified.document
        return try await write { db in
            let current = try Int64.fetchOne(
                db, sql: "SELECT version FROM record WHERE origin = ? AND id = ?", arguments: [document.origin, document.id])
            guard current == expectedVersion, document.version == (expectedVersion ?? 0) + 1 else {
                throw StoreError(
                    code: .versionConflict(current: current),
                    description: current.map { "the record is at version \($0)" } ?? "the record does not exist")
            }
            _ = try Self.apply(verified, receivedFrom: nil, storedAt: .now(), in: db)
            guard let stored = try Self.fetchRecord(origin: document.origin, id: document.id, in: db) else {
                throw StoreError.unavailable("the record written was not found")
            }
            return stored
        }
    }

    static func apply(_ verified: VerifiedDocument, receivedFrom: NodeSlug?, storedAt: Timestamp, in db: Database) throws -> ApplyOutcome {
        let document = verified.document
        let json = try verified.text ?? JSONValue.object(document.json).serialized()
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, version, document FROM record WHERE origin = ? AND id = ?"),
            arguments: [document.origin, document.id])
        if let existing {
            let storedVersion: Int64 = existing["version"]
            guard document.version >= storedVersion else { return .stale }
            if document.version == storedVersion {
                let storedDocument: String = existing["document"]
                if storedDocument == json { return .unchanged }
                return try JSONParser.parse(storedDocument) == .object(document.json) ? .unchanged : .equivocation
            }
        }
        let changeSeq = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(changeSeq), 0) + 1 FROM record"))!
        var row = RecordRow(verified, json: json, receivedFrom: receivedFrom, storedAt: storedAt, changeSeq: changeSeq)
        if let existing {
            row.seq = existing["seq"]
            try db.cachedStatement(sql: """
                INSERT INTO record_history (origin, id, version, visibility, document, signer, storedAt, receivedFrom)
                SELECT origin, id, version, visibility, document, signer, storedAt, receivedFrom FROM record WHERE seq = ?
                """).execute(arguments: [row.seq])
            try row.update(db)
            return .updated
        }
        try row.insert(db)
        return .inserted
    }

    /// The current version of one record, whatever its visibility (the caller decides who may see it).
    public func record(origin: NodeSlug, id: RecordID) throws(StoreError) -> StoredRecord? {
        try read { db in try Self.fetchRecord(origin: origin, id: id, in: db) }
    }

    /// What a read checks before it shows the record `origin/id`, without reading its document.
    public func head(origin: NodeSlug, id: RecordID) throws(StoreError) -> RecordHead? {
        if let heads, let head = heads.head(origin: origin.rawValue, id: id.description) { return head }
        return try headThroughPool(origin: origin, id: id)
    }

    /// `head(origin:id:)` read through GRDB's pool: in memory, and when the head reader cannot read.
    func headThroughPool(origin: NodeSlug, id: RecordID) throws(StoreError) -> RecordHead? {
        try readStatement { db in
            try Row.fetchOne(
                db.cachedStatement(sql: HeadReader.sql),
                arguments: [origin, id]
            ).map { row in
                RecordHead(
                    type: row[0], visibility: try row.decode(Visibility.self, atIndex: 1), isDeleted: row[2], version: row[3], stamp: RecordStamp(row, from: 4))
            }
        }
    }

    /// Every stored version of a record, the current one included, oldest first.
    public func versions(origin: NodeSlug, id: RecordID) throws(StoreError) -> [StoredVersion] {
        try read { db in
            try StoredVersion.fetchAll(
                db,
                sql: """
                    SELECT version, visibility, document, signer, storedAt, receivedFrom FROM record_history WHERE origin = ? AND id = ?
                    UNION ALL SELECT version, visibility, document, signer, storedAt, receivedFrom FROM record WHERE origin = ? AND id = ?
                    ORDER BY version
                    """, arguments: [origin, id, origin, id])
        }
    }

    /// Every version held of the records of `origin` (or of all), as signed JSON text, record after
    /// record, oldest version first: what an archive holds.
    public func allVersions(origin: NodeSlug?) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT document FROM (
                        SELECT origin, id, version, document FROM record_history UNION ALL SELECT origin, id, version, document FROM record
                    ) WHERE ? IS NULL OR origin = ? ORDER BY origin, id, version
                    """, arguments: [origin, origin])
        }
    }

    /// Every current record (tombstones included), in change order: what an export writes.
    public func allRecords() throws(StoreError) -> [StoredRecord] {
        try read { db in try StoredRecord.fetchAll(db, sql: "SELECT \(StoredRecord.columns) FROM record ORDER BY changeSeq") }
    }

    /// How many live records of each type and origin the node holds, and how many of them it understood.
    public func recordCounts() throws(StoreError) -> [(type: String, origin: NodeSlug, count: Int, understood: Int)] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT kind, origin, COUNT(*) AS n, SUM(understood) AS understood FROM record WHERE deleted = 0 GROUP BY kind, origin"
            ).map { row in
                (try row.decode(forColumn: "kind"), try row.decode(forColumn: "origin"), try row.decode(forColumn: "n"), try row.decode(forColumn: "understood"))
            }
        }
    }

    /// True when no record is stored yet (a node loads its sample records then).
    public func isEmpty() throws(StoreError) -> Bool {
        try read { db in try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record)")! }
    }

    /// When the record kinds this build declares are not those the records were indexed under
    /// (an upgrade, or a downgrade), decides again for every record whether this build understands
    /// it, and indexes it accordingly: listed and searched, or kept and relayed only. Returns how
    /// many records it newly understands (0 when the declarations did not change).
    public func reindex(kinds: RecordKinds) async throws(StoreError) -> Int {
        let signature = kinds.signature
        let indexed = try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'kinds'") }
        guard indexed != signature else { return 0 }
        // In batches, each its own transaction, so a large store neither holds every document in
        // memory nor keeps the writer for long; the signature is stored last, so an interrupted
        // pass is done again on the next start.
        var newlyUnderstood = 0
        var after: Int64 = 0
        while true {
            let start = after
            let batch = try await write { db -> (last: Int64?, newlyUnderstood: Int) in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM record WHERE seq > ? ORDER BY seq LIMIT 500", arguments: [start])
                var newly = 0
                for row in rows {
                    var record = try RecordRow(row: row)
                    let wasUnderstood: Bool = row["understood"]
                    guard let object = try? JSONParser.parse(record.document).objectValue, let document = try? Document.reading(object, kinds: kinds) else {
                        continue
                    }
                    record.index(document)
                    if record.understood, !wasUnderstood { newly += 1 }
                    try record.update(db)
                }
                return (rows.last.map { $0["seq"] }, newly)
            }
            newlyUnderstood += batch.newlyUnderstood
            // Filing records again keeps their change positions: what was found before may not hold.
            facetCache.removeAll()
            pageCache.removeAll()
            guard let last = batch.last else { break }
            after = last
        }
        try await write { db in
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('kinds', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [signature])
        }
        return newlyUnderstood
    }

    static func fetchRecord(origin: NodeSlug, id: RecordID, in db: Database) throws -> StoredRecord? {
        try StoredRecord.fetchOne(db.cachedStatement(sql: "SELECT \(StoredRecord.columns) FROM record WHERE origin = ? AND id = ?"), arguments: [origin, id])
    }
}

/// A row of the record table with its search terms, as a stored document fills them. Written
/// through cached statements with fixed columns (compiled once per connection).
struct RecordRow {
    var seq: Int64?
    let origin: NodeSlug
    let id: RecordID
    let type: String
    let version: Int64
    let visibility: Visibility
    let deleted: Bool
    let updated: Timestamp
    var entry = IndexEntry()
    var understood = false
    let document: String
    let signer: String
    let storedAt: Timestamp
    let receivedFrom: NodeSlug?
    let changeSeq: Int64

    init(_ verified: VerifiedDocument, json: String, receivedFrom: NodeSlug?, storedAt: Timestamp, changeSeq: Int64) {
        let document = verified.document
        (origin, id, type, version, visibility) = (document.origin, document.id, document.type, document.version, document.visibility)
        (deleted, updated, self.document, signer) = (document.isDeleted, document.updated, json, verified.signer)
        (self.storedAt, self.receivedFrom, self.changeSeq) = (storedAt, receivedFrom, changeSeq)
        index(document)
    }

    /// A row as stored (its index entry is not read back: `index` sets it anew).
    init(row: Row) throws {
        seq = try row.decode(forColumn: "seq")
        let record = try StoredRecord(row: row)
        (origin, id, type, version, visibility) = (record.origin, record.id, record.type, record.version, record.visibility)
        (deleted, updated, document, signer) = (record.isDeleted, record.updated, record.documentJSON, record.signer)
        (storedAt, receivedFrom, changeSeq) = (record.storedAt, record.receivedFrom, record.changeSeq)
    }

    /// Files the document's content: only one this version understands is listed and searched.
    mutating func index(_ document: Document) {
        understood = document.kind != nil
        entry = document.indexEntry ?? IndexEntry()
    }

    // Built once: the statement cache is keyed by the SQL text, and building it per document shows in profiles.
    private static let columns = [
        "kind", "version", "visibility", "deleted", "updated", "understood", "title", "summary", "body", "language", "city", "country",
        "lab", "status", "document", "signer", "storedAt", "receivedFrom", "changeSeq", "translationOrigin", "translationId", "translationVersion",
    ]
    private static let insertSQL = "INSERT INTO record (origin, id, \(columns.joined(separator: ", "))) VALUES (?, ?\(String(repeating: ", ?", count: columns.count)))"
    private static let updateSQL = "UPDATE record SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE seq = ?"

    private var values: StatementArguments {
        [
            type, version, visibility, deleted, updated, understood, entry.title, entry.summary, entry.body, entry.columns[.language],
            entry.columns[.city], entry.columns[.country], entry.columns[.lab], entry.columns[.status], document, signer, storedAt,
            receivedFrom, changeSeq, entry.translates?.origin, entry.translates?.id, entry.translates?.version,
        ]
    }

    mutating func insert(_ db: Database) throws {
        try db.cachedStatement(sql: Self.insertSQL).execute(arguments: [origin, id] + values)
        seq = db.lastInsertedRowID
        try insertTerms(db)
    }

    func update(_ db: Database) throws {
        try db.cachedStatement(sql: Self.updateSQL).execute(arguments: values + [seq])
        try db.cachedStatement(sql: "DELETE FROM record_term WHERE recordSeq = ?").execute(arguments: [seq])
        try insertTerms(db)
    }

    private func insertTerms(_ db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO record_term (recordSeq, facet, term) VALUES (?, ?, ?)")
        for term in entry.terms {
            try statement.execute(arguments: [seq, term.facet, term.value])
        }
    }
}
