import Foundation
import TandemCore
import TandemCrypto
import TandemStore

/// This node's own writes: every version of a local record is signed with the node's key before
/// it is stored. Partner records are never written here.
public struct LocalNode: Sendable {
    public let slug: NodeSlug
    public let database: AppDatabase
    let key: Ed25519PrivateKey
    public var did: DIDKey { DIDKey(key.publicKey) }

    public init(slug: NodeSlug, database: AppDatabase, key: Ed25519PrivateKey) {
        self.slug = slug
        self.database = database
        self.key = key
    }

    /// Writes version 1 of a new record.
    public func create(kind: RecordKind, id: RecordID = RecordID(), visibility: Visibility, content: JSONObject) throws -> StoredRecord {
        try save(kind: kind, id: id, version: 1, visibility: visibility, content: try Self.content(kind: kind, json: content), expectedVersion: nil)
    }

    /// Writes the next version of a local record; `expectedVersion` (from If-Match) must be the current one when given.
    public func update(_ current: StoredRecord, expectedVersion: Int64?, visibility: Visibility?, content: JSONObject) throws -> StoredRecord {
        try checkWritable(current, expectedVersion: expectedVersion)
        return try save(
            kind: current.kind, id: current.id, version: current.version + 1, visibility: visibility ?? current.visibility,
            content: try Self.content(kind: current.kind, json: content), expectedVersion: current.version)
    }

    /// Writes a signed tombstone as the next version of a local record.
    public func delete(_ current: StoredRecord, expectedVersion: Int64?) throws -> StoredRecord {
        try checkWritable(current, expectedVersion: expectedVersion)
        return try save(
            kind: current.kind, id: current.id, version: current.version + 1, visibility: current.visibility, content: .tombstone,
            expectedVersion: current.version)
    }

    private func checkWritable(_ current: StoredRecord, expectedVersion: Int64?) throws {
        guard current.origin == slug else {
            throw Problem.readOnly(current.origin)
        }
        guard !current.isDeleted else { throw Problem(.gone, "this record was deleted at version \(current.version)") }
        if let expectedVersion, expectedVersion != current.version {
            throw Problem(.conflict, "If-Match asks for version \(expectedVersion), but the record is at version \(current.version)")
        }
    }

    private func save(kind: RecordKind, id: RecordID, version: Int64, visibility: Visibility, content: RecordContent, expectedVersion: Int64?) throws -> StoredRecord {
        let unsigned = try Document.unsigned(kind: kind, id: id, origin: slug, version: version, updated: .now(), visibility: visibility, content: content)
        let signed = try EddsaJcs2022.sign(unsigned.json, with: key)
        let size = try JSONValue.object(signed).serialized().utf8.count
        guard size <= Document.maximumEncodedSize else {
            throw Problem(.contentTooLarge, "the signed record would be \(size) bytes; a record may be at most \(Document.maximumEncodedSize)")
        }
        do {
            return try database.saveLocal(VerifiedDocument(document: try Document(json: signed), signer: did.description), expectedVersion: expectedVersion)
        } catch let error as StoreError where error.conflictingVersion != nil {
            throw Problem(.conflict, "the record changed while it was being written (\(error.description)); read it again and retry")
        }
    }

    static func content(kind: RecordKind, json: JSONObject) throws(ValidationError) -> RecordContent {
        switch kind {
        case .practice: .practice(try Practice(json: json))
        case .caseStudy: .caseStudy(try CaseStudy(json: json))
        }
    }

    /// Loads sample records (JSON Lines of `{"type", "id", "visibility", "content"}`) into an empty
    /// database, signed with this node's key; returns how many were loaded.
    public func loadSamples(from path: String) throws -> Int {
        guard try database.isEmpty() else { return 0 }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: "samples.file", "cannot read \(path)")
        }
        var loaded = 0
        for (line, value) in try JSONParser.parseSequence(Array(data)) {
            let reader = value.objectValue
            guard let kind = reader?["type"]?.stringValue.flatMap(RecordKind.init(rawValue:)),
                let id = reader?["id"]?.stringValue.flatMap(RecordID.init),
                let visibility = Visibility(rawValue: reader?["visibility"]?.stringValue ?? "public"),
                let content = reader?["content"]?.objectValue
            else { throw ConfigurationError(key: "samples.file", "\(path) line \(line): needs type, id, visibility and content") }
            do {
                _ = try create(kind: kind, id: id, visibility: visibility, content: content)
            } catch {
                throw ConfigurationError(key: "samples.file", "\(path) line \(line): \(error)")
            }
            loaded += 1
        }
        return loaded
    }
}
