/// Who may read a record: anyone, or only the cohort's nodes and the lab's own editors.
public enum Visibility: String, Sendable, CaseIterable {
    case `public`
    case cohort
}

/// One version of a record as it travels between nodes, signed by its origin. The JSON value it was
/// read from is kept whole (unknown members too, in order), because the proof covers its canonical form.
///
/// A document's envelope (type, id, origin, version, updated, visibility, deleted, proof) is always
/// checked. Its content is checked against the declaration of its type: a document read with
/// `reading(_:kinds:)` whose type or content this version does not know is still a document, with
/// `kind` nil and the reason in `notUnderstood` (PROTOCOL.md, "Documents that can grow").
public struct Document: Sendable {
    /// Largest encoded document accepted anywhere (256 KiB).
    public static let maximumEncodedSize = 256 * 1024

    /// The document's `type`, as written.
    public let type: String
    /// The kind of record, when this version understands the document: its type is known and its
    /// content fits that kind's declaration.
    public let kind: RecordKind?
    /// Why this version does not understand the document; nil when it does.
    public let notUnderstood: ValidationError?
    public let id: RecordID
    public let origin: NodeSlug
    public let version: Int64
    public let updated: Timestamp
    public let visibility: Visibility
    public let isDeleted: Bool
    /// The content, with integral numbers written as integers when the document is understood.
    public let content: JSONObject
    /// The proof, absent only on a document that has not been signed yet.
    public let proof: DataIntegrityProof?
    /// The document exactly as read, proof included.
    public let json: JSONObject

    static let envelopeKeys: Set<String> = ["type", "id", "origin", "version", "updated", "visibility", "deleted", "content", "proof"]

    /// Validates a document this version must understand: a known type, content that fits it, no
    /// unknown member. A missing proof is allowed only when `requireProof` is false.
    public init(json: JSONObject, kinds: RecordKinds = .standard, requireProof: Bool = true) throws(ValidationError) {
        try self.init(json: json, kinds: kinds, requireProof: requireProof, strict: true)
    }

    /// Reads a signed document from elsewhere (a peer, a file): the envelope must be valid; a type,
    /// content or member this version does not know makes it a document it holds without understanding.
    public static func reading(_ json: JSONObject, kinds: RecordKinds = .standard) throws(ValidationError) -> Document {
        try Document(json: json, kinds: kinds, requireProof: true, strict: false)
    }

    private init(json: JSONObject, kinds: RecordKinds, requireProof: Bool, strict: Bool) throws(ValidationError) {
        let reader = FieldReader(json, path: "")
        let unknownKeys = json.keys.filter { !Self.envelopeKeys.contains($0) }
        if strict { reader.rejectUnknownKeys(Self.envelopeKeys) }
        let type: String?
        if strict {
            type = reader.parsed("type", required: true, as: { kinds.kind(type: $0)?.type }, expected: kinds.typeList)
        } else {
            type = reader.parsed("type", required: true, as: { Self.isTypeName($0) ? $0 : nil }, expected: "a type name such as \"CaseStudy\"")
        }
        let id = reader.parsed("id", required: true, as: RecordID.init, expected: "a lowercase UUID")
        let origin = reader.parsed("origin", required: true, as: NodeSlug.init, expected: "a node slug such as \"paris\" or \"mexico-city\"")
        let version = reader.integer("version", required: true, in: 1...JSONNumber.maximumSafeInteger)
        let updated = reader.parsed("updated", required: true, as: Timestamp.init, expected: "a UTC time written YYYY-MM-DDTHH:MM:SSZ")
        let visibility = reader.parsed("visibility", required: true, as: Visibility.init(rawValue:), expected: "\"public\" or \"cohort\"")
        let deleted = reader.bool("deleted", required: true)
        let contentJSON = reader.object("content", required: true)
        if deleted == true, let contentJSON, !contentJSON.isEmpty { reader.fail("content", .contentOnDeleted) }
        var proof: DataIntegrityProof?
        if let proofJSON = reader.object("proof", required: requireProof) {
            do { proof = try DataIntegrityProof(json: proofJSON) } catch { reader.absorb(error) }
        }
        // The content, against the declaration of its type.
        var kind: RecordKind?
        var content = contentJSON ?? [:]
        var notUnderstood: ValidationError?
        if let type, let deleted, let contentJSON {
            if let declared = kinds.kind(type: type) {
                do {
                    if !deleted { content = try declared.validate(contentJSON) }
                    kind = declared
                } catch {
                    if strict { reader.absorb(error) } else { notUnderstood = error }
                }
            } else {
                notUnderstood = ValidationError(path: "type", .unknownKind(type))
            }
        }
        if !unknownKeys.isEmpty, notUnderstood == nil, !strict {
            notUnderstood = ValidationError(issues: unknownKeys.map { .init(path: $0, .unknownField) })
            kind = nil
        }
        try reader.finish()
        (self.type, self.kind, self.notUnderstood, self.id, self.origin, self.version) = (type!, kind, notUnderstood, id!, origin!, version!)
        (self.updated, self.visibility, self.isDeleted, self.content) = (updated!, visibility!, deleted!, content)
        (self.proof, self.json) = (proof, json)
    }

    /// Type names: 1 to 64 ASCII letters and digits, starting with a letter.
    static func isTypeName(_ text: String) -> Bool {
        guard let first = text.utf8.first, (1...64).contains(text.utf8.count), (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) else {
            return false
        }
        return text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// True when `json` has a Tandem document's envelope (a `type` and an `origin`), whatever its type.
    public static func hasEnvelope(_ json: JSONObject) -> Bool {
        json["type"]?.stringValue != nil && json["origin"] != nil
    }

    /// What the index needs from this document; nil for tombstones and documents not understood.
    public var indexEntry: IndexEntry? {
        guard let kind, !isDeleted else { return nil }
        return kind.indexEntry(for: content)
    }

    /// An unsigned document for a new version of a record, ready to be signed by its origin;
    /// `content` nil makes a tombstone. The content is checked against `kind`.
    public static func unsigned(
        kind: RecordKind, id: RecordID, origin: NodeSlug, version: Int64, updated: Timestamp, visibility: Visibility, content: JSONObject?
    ) throws(ValidationError) -> Document {
        let checked = try content.map { (content) throws(ValidationError) in try kind.validate(content) } ?? [:]
        let json: JSONObject = [
            "type": .string(kind.type), "id": .string(id.description), "origin": .string(origin.rawValue),
            "version": .number(.integer(version)), "updated": .string(updated.description),
            "visibility": .string(visibility.rawValue), "deleted": .bool(content == nil), "content": .object(checked),
        ]
        return try Document(json: json, kinds: RecordKinds([kind]), requireProof: false)
    }
}

extension FieldReader {
    func absorb(_ error: ValidationError) {
        for issue in error.issues { checkedIssue(issue.path, issue.reason) }
    }
}
