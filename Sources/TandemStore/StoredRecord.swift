import TandemCore

/// One record as the node holds it: the current signed version and where it came from.
public struct StoredRecord: Sendable {
    public let kind: RecordKind
    public let origin: NodeSlug
    public let id: RecordID
    public let version: Int64
    public let visibility: Visibility
    public let isDeleted: Bool
    public let updated: Timestamp
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

/// What storing one document did, under DESIGN.md's version rule.
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
public struct RecordQuery: Sendable {
    public var kind: RecordKind
    public var origin: NodeSlug?
    public var city: String?
    public var country: String?
    public var policyArea: String?
    public var method: String?
    public var status: String?
    public var language: String?
    public var tag: String?
    public var updatedSince: Timestamp?
    /// Full-text search over titles, summaries and texts, ignoring case and accents.
    public var text: String?
    /// Whether `cohort` records may be shown (to local editors and cohort members).
    public var includeCohort: Bool
    public var limit: Int
    /// Show records after this position (from a previous page's `next`).
    public var after: Int64?

    public init(kind: RecordKind, includeCohort: Bool = false, limit: Int = 20) {
        self.kind = kind
        self.includeCohort = includeCohort
        self.limit = limit
    }
}

/// One page of records, newest first, and where the next page starts.
public struct RecordPage: Sendable {
    public let records: [StoredRecord]
    /// The position to pass as `after` for the next page; nil on the last page.
    public let next: Int64?
}
