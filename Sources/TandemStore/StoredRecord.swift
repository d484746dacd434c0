import GRDB
import TandemCore

/// One record as the node holds it: the current signed version and where it came from.
public struct StoredRecord: Sendable, FetchableRecord {
    /// Its position in the record table.
    public let seq: Int64
    /// The document's `type` (a kind this version may not know).
    public let type: String
    public let origin: NodeSlug
    public let id: RecordID
    public let version: Int64
    public let visibility: Visibility
    public let isDeleted: Bool
    public let updated: Timestamp
    /// Whether the version of Tandem that stored it understood its type and content (only those are listed).
    public let isUnderstood: Bool
    /// The signed document, exactly as stored (JSON text).
    public let documentJSON: String
    /// The did:key that signed this version, checked when it was stored.
    public let signer: String
    /// When this node stored (and so verified) this version.
    public let storedAt: Timestamp
    /// The peer it was pulled from; nil when it was written or imported here.
    public let receivedFrom: NodeSlug?
    /// Position in this node's change order.
    public let changeSeq: Int64
    /// Whether its origin's records are kept here from an archive (a lab that closed).
    public let isArchived: Bool
    /// For a translation: the version of the record it translates.
    public let translatesVersion: Int64?

    /// This record, as other records refer to it.
    public var reference: RecordReference { RecordReference(origin: origin, id: id) }

    /// What its view is made from, besides its signed document.
    public var stamp: RecordStamp { RecordStamp(seq: seq, changeSeq: changeSeq, isUnderstood: isUnderstood, isArchived: isArchived) }

    /// The signed document's content (empty for a tombstone or a document that is not JSON).
    public var content: JSONObject { StoredVersion.content(of: documentJSON) }

    /// What a query selects to read a record: its row, and whether its origin is archived here.
    static let columns = "record.*, \(AppDatabase.archived)"

    enum Columns {
        static let seq = Column("seq")
        static let origin = Column("origin")
        static let id = Column("id")
        static let kind = Column("kind")
        static let version = Column("version")
        static let visibility = Column("visibility")
        static let deleted = Column("deleted")
        static let updated = Column("updated")
        static let understood = Column("understood")
        static let document = Column("document")
        static let signer = Column("signer")
        static let storedAt = Column("storedAt")
        static let receivedFrom = Column("receivedFrom")
        static let changeSeq = Column("changeSeq")
    }

    public init(row: Row) throws {
        seq = try row.decode(forColumn: Columns.seq.name)
        type = try row.decode(forColumn: Columns.kind.name)
        origin = try row.decode(forColumn: Columns.origin.name)
        id = try row.decode(forColumn: Columns.id.name)
        version = try row.decode(forColumn: Columns.version.name)
        visibility = try row.decode(forColumn: Columns.visibility.name)
        isDeleted = try row.decode(forColumn: Columns.deleted.name)
        updated = try row.decode(forColumn: Columns.updated.name)
        isUnderstood = try row.decode(forColumn: Columns.understood.name)
        documentJSON = try row.decode(forColumn: Columns.document.name)
        signer = try row.decode(forColumn: Columns.signer.name)
        storedAt = try row.decode(forColumn: Columns.storedAt.name)
        receivedFrom = try row.decode(forColumn: Columns.receivedFrom.name)
        changeSeq = try row.decode(forColumn: Columns.changeSeq.name)
        isArchived = try row.decode(Bool?.self, forColumn: "archived") ?? false
        translatesVersion = try row.decode(forColumn: "translationVersion")
    }
}

/// One version of a record, current or earlier, as it was stored.
public struct StoredVersion: Sendable, FetchableRecord {
    /// The content of a signed document given as JSON text (empty when it has none).
    static func content(of documentJSON: String) -> JSONObject {
        ((try? JSONParser.parse(documentJSON).objectValue?["content"]?.objectValue) ?? nil) ?? [:]
    }

    /// This version's content.
    public var content: JSONObject { Self.content(of: documentJSON) }

    public let version: Int64
    public let visibility: Visibility
    /// The signed document of this version (JSON text).
    public let documentJSON: String
    public let signer: String
    public let storedAt: Timestamp
    public let receivedFrom: NodeSlug?

    public init(row: Row) throws {
        version = try row.decode(forColumn: "version")
        visibility = try row.decode(forColumn: "visibility")
        documentJSON = try row.decode(forColumn: "document")
        signer = try row.decode(forColumn: "signer")
        storedAt = try row.decode(forColumn: "storedAt")
        receivedFrom = try row.decode(forColumn: "receivedFrom")
    }
}

/// A document whose proof has been checked, ready to store: the caller vouches for `signer`.
public struct VerifiedDocument: Sendable {
    public let document: Document
    public let signer: String
    /// The document as JSON text, when the caller has it already (it is stored as is).
    public let text: String?

    /// `text`, when given, must be the serialization of `document.json` (compact, members in order).
    public init(document: Document, signer: String, text: String? = nil) {
        self.document = document
        self.signer = signer
        self.text = text
    }
}

/// What storing one document did, under the version rule (PROTOCOL.md, "Versions").
public enum ApplyOutcome: Sendable, Equatable {
    /// A record this node did not have.
    case inserted
    /// A higher version replaced the stored one, which stays in history.
    case updated
    /// The same version with the same content: nothing to do.
    case unchanged
    /// A lower version than the stored one: ignored.
    case stale
    /// The same version with different content: the first one is kept.
    case equivocation
}

/// Filters and paging for browsing one kind of record.
public struct RecordQuery: Sendable, Hashable {
    /// The document type listed (`CaseStudy`).
    public var type: String
    public var origin: NodeSlug?
    /// Column filters: city and country ignore ASCII case, the others match exactly.
    public var columns: [IndexColumn: String] = [:]
    /// Vocabulary filters: every one must match.
    public var terms: [IndexEntry.Term] = []
    public var updatedSince: Timestamp?
    /// Full-text search over titles, summaries and texts, ignoring case and accents.
    public var text: String?
    /// Whether `cohort` records may be shown (to local editors and cohort members).
    public var includeCohort: Bool
    public var limit: Int
    /// Show records after this position (from a previous page's `next`).
    public var after: Int64?

    public init(type: String, includeCohort: Bool = false, limit: Int = 20) {
        self.type = type
        self.includeCohort = includeCohort
        self.limit = limit
    }

    /// The value this query filters `target` by, if any.
    public func value(for target: Filter.Target) -> String? {
        switch target {
        case .column(let column): columns[column]
        case .facet(let facet): terms.first { $0.facet == facet }?.value
        }
    }
}

/// One page of records, newest first, and where the next page starts.
public struct RecordPage: Sendable {
    /// One record of a page, in order: its stamp, and the record itself unless the caller already
    /// had a view made for that stamp.
    public struct Entry: Sendable {
        public let stamp: RecordStamp
        public let reference: RecordReference
        public let record: StoredRecord?
        /// For a search or a language filter: where it matched.
        public let match: RecordMatch?
    }

    public let entries: [Entry]
    /// The position to pass as `after` for the next page; nil on the last page.
    public let next: Int64?

    /// The records read (all of the page's, unless the caller reused some).
    public var records: [StoredRecord] { entries.compactMap(\.record) }
}

/// What a view of a record is made from besides its signed document: a view made for a stamp
/// holds while the record has that stamp. Any new version or deletion gives the row the next
/// change position; filing it again may change whether it is understood; adopting its origin's
/// archive changes `isArchived`.
public struct RecordStamp: Hashable, Sendable {
    public let seq: Int64
    public let changeSeq: Int64
    public let isUnderstood: Bool
    public let isArchived: Bool
}

/// What a read checks before it shows a record: its kind, who may read it, whether it is
/// deleted, its version, and its stamp.
public struct RecordHead: Sendable {
    public let type: String
    public let visibility: Visibility
    public let isDeleted: Bool
    public let version: Int64
    public let stamp: RecordStamp
}

// The domain's value types as SQLite stores them: text, refused when it is not a valid value.
extension NodeSlug: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> NodeSlug? { String.fromDatabaseValue(value).flatMap(NodeSlug.init) }
}

extension RecordID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> RecordID? { String.fromDatabaseValue(value).flatMap(RecordID.init) }
}

extension Timestamp: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }
    public static func fromDatabaseValue(_ value: DatabaseValue) -> Timestamp? { String.fromDatabaseValue(value).flatMap(Timestamp.init) }
}

extension Visibility: DatabaseValueConvertible {}
