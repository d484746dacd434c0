/// What a record is: a practice or a case study.
public enum RecordKind: String, Sendable, CaseIterable {
    case practice = "Practice"
    case caseStudy = "CaseStudy"
}

/// Who may read a record: anyone, or only the cohort's nodes and the lab's own editors.
public enum Visibility: String, Sendable, CaseIterable {
    case `public`
    case cohort
}

/// The body of one version of a record; a deletion keeps no content.
public enum RecordContent: Sendable, Equatable {
    case practice(Practice)
    case caseStudy(CaseStudy)
    case tombstone
}

/// One version of a record as it travels between nodes, signed by its origin. The JSON it was read
/// from is kept exactly, because the proof covers those bytes' canonical form and nothing else.
public struct Document: Sendable {
    /// Largest encoded document accepted anywhere (256 KiB).
    public static let maximumEncodedSize = 256 * 1024

    public let kind: RecordKind
    public let id: RecordID
    public let origin: NodeSlug
    public let version: Int64
    public let updated: Timestamp
    public let visibility: Visibility
    public let content: RecordContent
    /// The proof, absent only on a document that has not been signed yet.
    public let proof: DataIntegrityProof?
    /// The document exactly as read, proof included.
    public let json: JSONObject

    public var isDeleted: Bool { content == .tombstone }

    static let keys: Set<String> = ["type", "id", "origin", "version", "updated", "visibility", "deleted", "content", "proof"]

    /// True when `json` claims to be a Tandem document (its `type` is one of Tandem's kinds).
    public static func isTandemDocument(_ json: JSONObject) -> Bool {
        json["type"]?.stringValue.flatMap(RecordKind.init(rawValue:)) != nil
    }

    /// Validates the document's shape and content. A missing proof is allowed only when `requireProof` is false.
    public init(json: JSONObject, requireProof: Bool = true) throws(ValidationError) {
        let reader = FieldReader(json, path: "")
        reader.rejectUnknownKeys(Self.keys)
        let kind = reader.parsed("type", required: true, as: RecordKind.init(rawValue:), expected: "\"Practice\" or \"CaseStudy\"")
        let id = reader.parsed("id", required: true, as: RecordID.init, expected: "a lowercase UUID")
        let origin = reader.parsed("origin", required: true, as: NodeSlug.init, expected: "a node slug such as \"paris\" or \"mexico-city\"")
        let version = reader.integer("version", required: true, in: 1...JSONNumber.maximumSafeInteger)
        let updated = reader.parsed("updated", required: true, as: Timestamp.init, expected: "a UTC time written YYYY-MM-DDTHH:MM:SSZ")
        let visibility = reader.parsed("visibility", required: true, as: Visibility.init(rawValue:), expected: "\"public\" or \"cohort\"")
        let deleted = reader.bool("deleted", required: true)
        let contentJSON = reader.object("content", required: true)
        var proof: DataIntegrityProof?
        if let proofJSON = reader.object("proof", required: requireProof) {
            do { proof = try DataIntegrityProof(json: proofJSON) } catch { reader.absorb(error) }
        }
        var content: RecordContent?
        if let kind, let deleted, let contentJSON {
            do {
                content = try Self.content(kind: kind, deleted: deleted, json: contentJSON)
            } catch {
                reader.absorb(error)
            }
        }
        try reader.finish()
        (self.kind, self.id, self.origin, self.version) = (kind!, id!, origin!, version!)
        (self.updated, self.visibility, self.content, self.proof, self.json) = (updated!, visibility!, content!, proof, json)
    }

    private static func content(kind: RecordKind, deleted: Bool, json: JSONObject) throws(ValidationError) -> RecordContent {
        if deleted {
            guard json.isEmpty else { throw ValidationError(path: "content", "must be empty ({}) on a deleted record") }
            return .tombstone
        }
        switch kind {
        case .practice: return .practice(try Practice(json: json))
        case .caseStudy: return .caseStudy(try CaseStudy(json: json))
        }
    }

    /// An unsigned document for a new version of a record, ready to be signed by its origin.
    public static func unsigned(
        kind: RecordKind, id: RecordID, origin: NodeSlug, version: Int64, updated: Timestamp,
        visibility: Visibility, content: RecordContent
    ) throws(ValidationError) -> Document {
        let contentJSON: JSONObject
        switch content {
        case .practice(let practice): contentJSON = practice.json
        case .caseStudy(let caseStudy): contentJSON = caseStudy.json
        case .tombstone: contentJSON = [:]
        }
        let json: JSONObject = [
            "type": .string(kind.rawValue), "id": .string(id.description), "origin": .string(origin.rawValue),
            "version": .number(.integer(version)), "updated": .string(updated.description),
            "visibility": .string(visibility.rawValue), "deleted": .bool(content == .tombstone),
            "content": .object(contentJSON),
        ]
        return try Document(json: json, requireProof: false)
    }
}

extension FieldReader {
    func absorb(_ error: ValidationError) {
        for issue in error.issues { checkedIssue(issue.path, issue.message) }
    }
}
