import GRDB
import TandemCore

extension AppDatabase {
    /// Stores documents from elsewhere (an import, a peer) in one transaction, under the version
    /// rule: higher replaces (the old stays in history), equal and identical is a no-op, equal and
    /// different keeps the first, lower is ignored.
    public func apply(_ documents: [VerifiedDocument], receivedFrom: NodeSlug?) throws(StoreError) -> [ApplyOutcome] {
        let storedAt = Timestamp.now()
        return try write { db in
            try documents.map { try Self.apply($0, receivedFrom: receivedFrom, storedAt: storedAt, in: db) }
        }
    }

    /// Stores a version written here: it must follow `expectedVersion` (nil for a new record) exactly.
    public func saveLocal(_ verified: VerifiedDocument, expectedVersion: Int64?) throws(StoreError) -> StoredRecord {
        let document = verified.document
        return try write { db in
            let current = try Int64.fetchOne(
                db, sql: "SELECT version FROM record WHERE origin = ? AND id = ?",
                arguments: [document.origin.rawValue, document.id.description])
            guard current == expectedVersion, document.version == (expectedVersion ?? 0) + 1 else {
                throw StoreError(
                    code: .versionConflict(current: current),
                    description: current.map { "the record is at version \($0)" } ?? "the record does not exist")
            }
            _ = try Self.apply(verified, receivedFrom: nil, storedAt: .now(), in: db)
            return try Self.fetchRecord(origin: document.origin, id: document.id, in: db)!
        }
    }

    /// The record's columns a document sets, in a fixed order so that statements are compiled once per connection.
    private static let columns = [
        "kind", "version", "visibility", "deleted", "updated", "title", "summary", "body", "language", "city", "country", "lab",
        "status", "document", "signer", "storedAt", "receivedFrom", "changeSeq",
    ]
    // Built once: the statement cache is keyed by the SQL text, and building it per document shows in profiles.
    private static let updateSQL = "UPDATE record SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE seq = ?"
    private static let insertSQL = "INSERT INTO record (origin, id, \(columns.joined(separator: ", "))) VALUES (?, ?\(String(repeating: ", ?", count: columns.count)))"

    static func apply(_ verified: VerifiedDocument, receivedFrom: NodeSlug?, storedAt: Timestamp, in db: Database) throws -> ApplyOutcome {
        let document = verified.document
        let json = try verified.text ?? JSONValue.object(document.json).serialized()
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, version, document FROM record WHERE origin = ? AND id = ?"),
            arguments: [document.origin.rawValue, document.id.description])
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
        let fields = IndexedFields(document)
        let values: [(any DatabaseValueConvertible)?] = [
            document.kind.rawValue, document.version, document.visibility.rawValue, document.isDeleted, document.updated.description,
            fields.title, fields.summary, fields.body, fields.language, fields.city, fields.country, fields.lab, fields.status, json,
            verified.signer, storedAt.description, receivedFrom?.rawValue, changeSeq,
        ]
        let seq: Int64
        let outcome: ApplyOutcome
        if let existing {
            seq = existing["seq"]
            try db.cachedStatement(sql: """
                INSERT INTO record_history (origin, id, version, document, signer, storedAt, receivedFrom)
                SELECT origin, id, version, document, signer, storedAt, receivedFrom FROM record WHERE seq = ?
                """).execute(arguments: [seq])
            try db.cachedStatement(sql: updateSQL).execute(arguments: StatementArguments(values + [seq]))
            try db.cachedStatement(sql: "DELETE FROM record_term WHERE recordSeq = ?").execute(arguments: [seq])
            outcome = .updated
        } else {
            try db.cachedStatement(sql: insertSQL).execute(arguments: StatementArguments([document.origin.rawValue, document.id.description] + values))
            seq = db.lastInsertedRowID
            outcome = .inserted
        }
        let term = try db.cachedStatement(sql: "INSERT INTO record_term (recordSeq, facet, term) VALUES (?, ?, ?)")
        for (facet, terms) in fields.terms {
            for value in terms {
                try term.execute(arguments: [seq, facet.rawValue, value])
            }
        }
        return outcome
    }

    /// The current version of one record, whatever its visibility (the caller decides who may see it).
    public func record(origin: NodeSlug, id: RecordID) throws(StoreError) -> StoredRecord? {
        try read { db in try Self.fetchRecord(origin: origin, id: id, in: db) }
    }

    /// Every stored version of a record before the current one, oldest first, as signed JSON.
    public func history(origin: NodeSlug, id: RecordID) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT document FROM record_history WHERE origin = ? AND id = ? ORDER BY version",
                arguments: [origin.rawValue, id.description])
        }
    }

    /// One page of records of a kind, newest first. Positions never change once given, so paging
    /// while records are written neither repeats nor skips a record that was there when paging began.
    public func records(matching query: RecordQuery) throws(StoreError) -> RecordPage {
        var conditions = ["record.kind = ?", "record.deleted = 0"]
        var arguments: StatementArguments = [query.kind.rawValue]
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append("record." + condition)
            arguments += [value]
        }
        if !query.includeCohort { add("visibility = ?", Visibility.public.rawValue) }
        add("origin = ?", query.origin?.rawValue)
        add("city = ? COLLATE NOCASE", query.city)
        add("country = ? COLLATE NOCASE", query.country)
        add("status = ?", query.status)
        add("language = ?", query.language)
        add("updated >= ?", query.updatedSince?.description)
        add("seq < ?", query.after)
        for (facet, term) in [(Facet.policyArea, query.policyArea), (.method, query.method), (.tag, query.tag)] {
            add("seq IN (SELECT recordSeq FROM record_term WHERE facet = '\(facet.rawValue)' AND term = ?)", term)
        }
        // A search walks the full-text index newest first and stops at the page's end, instead of
        // collecting every match (a common word matches thousands of records).
        var source = "record"
        var order = "record.seq"
        if let text = query.text {
            guard let pattern = FTS5Pattern(matchingAllTokensIn: text) else { return RecordPage(records: [], next: nil) }
            source = "record_fts JOIN record ON record.seq = record_fts.rowid"
            order = "record_fts.rowid"
            conditions.insert("record_fts MATCH ?", at: 0)
            arguments = StatementArguments([pattern]) + arguments
        }
        // Positions first, then the rows of one page: sorting only positions keeps a search that
        // matches thousands of records from sorting thousands of whole documents.
        let sql = "SELECT record.seq FROM \(source) WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) DESC LIMIT ?"
        arguments += [query.limit + 1]
        return try read { db in
            let positions = try Int64.fetchAll(db, sql: sql, arguments: arguments)
            let page = Array(positions.prefix(query.limit))
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM record WHERE seq IN (\(page.map { _ in "?" }.joined(separator: ","))) ORDER BY seq DESC",
                arguments: StatementArguments(page))
            return RecordPage(records: rows.map(Self.record(from:)), next: positions.count > query.limit ? page.last : nil)
        }
    }

    /// Every current record (tombstones included), in change order: what an export writes.
    public func allRecords() throws(StoreError) -> [StoredRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM record ORDER BY changeSeq").map(Self.record(from:)) }
    }

    /// How many live records of each kind and origin the node holds.
    public func recordCounts() throws(StoreError) -> [(kind: RecordKind, origin: NodeSlug, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT kind, origin, COUNT(*) AS n FROM record WHERE deleted = 0 GROUP BY kind, origin").compactMap { row in
                guard let kind = RecordKind(rawValue: row["kind"]), let origin = NodeSlug(row["origin"]) else { return nil }
                return (kind, origin, row["n"])
            }
        }
    }

    /// True when no record is stored yet (a node loads its sample records then).
    public func isEmpty() throws(StoreError) -> Bool {
        try read { db in try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM record)")! }
    }

    private static func fetchRecord(origin: NodeSlug, id: RecordID, in db: Database) throws -> StoredRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM record WHERE origin = ? AND id = ?", arguments: [origin.rawValue, id.description])
            .map(record(from:))
    }

    private static func record(from row: Row) -> StoredRecord {
        StoredRecord(
            kind: RecordKind(rawValue: row["kind"])!, origin: NodeSlug(row["origin"])!, id: RecordID(row["id"] as String)!,
            version: row["version"], visibility: Visibility(rawValue: row["visibility"])!, isDeleted: row["deleted"],
            updated: Timestamp(row["updated"])!, documentJSON: row["document"], signer: row["signer"],
            storedAt: Timestamp(row["storedAt"])!, receivedFrom: (row["receivedFrom"] as String?).flatMap(NodeSlug.init),
            changeSeq: row["changeSeq"])
    }
}

/// The vocabulary facets a record is filtered by.
enum Facet: String {
    case method, policyArea, tag
}

/// What the filters and the full-text index need from a document.
struct IndexedFields {
    var title = ""
    var summary = ""
    var body = ""
    var language: String?
    var city: String?
    var country: String?
    var lab: String?
    var status: String?
    var terms: [(Facet, [String])] = []

    init(_ document: Document) {
        let basics: RecordBasics
        var texts: [String?] = []
        switch document.content {
        case .tombstone:
            return
        case .practice(let practice):
            basics = practice.basics
            texts = [practice.description, practice.whenToUse] + practice.steps
        case .caseStudy(let caseStudy):
            basics = caseStudy.basics
            status = caseStudy.status.rawValue
            texts = [caseStudy.problem, caseStudy.approach, caseStudy.results, caseStudy.lessonsLearned] + caseStudy.partners
        }
        (title, summary, language, city, country, lab) = (basics.title, basics.summary, basics.language.description, basics.city, basics.country?.description, basics.lab)
        body = texts.compactMap { $0 }.joined(separator: "\n")
        terms = [(.method, basics.methods), (.policyArea, basics.policyAreas), (.tag, basics.tags)]
    }
}
