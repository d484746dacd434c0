import Foundation
import TandemCore
import TandemCrypto
import TandemStore

/// This node's own writes: every version of a local record is signed with the node's key, admitted
/// like any other document (PROTOCOL.md, "Admission") and stored. Partner records are never written here.
public struct LocalNode: Sendable {
    public let slug: NodeSlug
    public let database: AppDatabase
    public let kinds: RecordKinds
    let key: Ed25519PrivateKey
    let admission: Admission
    public var did: DIDKey { DIDKey(key.publicKey) }

    init(slug: NodeSlug, database: AppDatabase, kinds: RecordKinds, key: Ed25519PrivateKey, admission: Admission) {
        self.slug = slug
        self.database = database
        self.kinds = kinds
        self.key = key
        self.admission = admission
    }

    /// The current version of a record of `kind`, whatever its visibility.
    public func record(_ kind: RecordKind, origin: NodeSlug, id: RecordID) throws -> StoredRecord {
        guard let record = try database.record(origin: origin, id: id), record.type == kind.type else {
            throw NodeError.notFound(kind, origin, id)
        }
        return record
    }

    /// Writes version 1 of a new record.
    public func create(kind: RecordKind, id: RecordID = RecordID(), visibility: Visibility, content: JSONObject) async throws -> StoredRecord {
        try await save(kind: kind, id: id, version: 1, visibility: visibility, content: content, expectedVersion: nil)
    }

    /// Writes the next version of a local record; `expectedVersion` (from If-Match) must be the current one when given.
    public func update(_ current: StoredRecord, expectedVersion: Int64?, visibility: Visibility?, content: JSONObject) async throws -> StoredRecord {
        let kind = try writable(current, expectedVersion: expectedVersion)
        var (visibility, content) = (visibility ?? current.visibility, content)
        if kind == .translation { (visibility, content) = try retranslation(current, visibility: visibility, content: content) }
        return try await save(
            kind: kind, id: current.id, version: current.version + 1, visibility: visibility, content: content, expectedVersion: current.version)
    }

    /// Writes a signed tombstone as the next version of a local record.
    public func delete(_ current: StoredRecord, expectedVersion: Int64?) async throws -> StoredRecord {
        let kind = try writable(current, expectedVersion: expectedVersion)
        return try await save(
            kind: kind, id: current.id, version: current.version + 1, visibility: current.visibility, content: nil,
            expectedVersion: current.version)
    }

    private func writable(_ current: StoredRecord, expectedVersion: Int64?) throws(NodeError) -> RecordKind {
        guard current.origin == slug else { throw .readOnly(current.origin) }
        guard let kind = kinds.kind(type: current.type) else {
            throw NodeError(.readOnly, "this version of Tandem does not know records of type \(current.type), so it cannot change this one")
        }
        guard !current.isDeleted else { throw NodeError(.gone, "this record was deleted at version \(current.version)") }
        if let expectedVersion, expectedVersion != current.version {
            throw NodeError(.conflict, "If-Match asks for version \(expectedVersion), but the record is at version \(current.version)")
        }
        return kind
    }

    private func save(
        kind: RecordKind, id: RecordID, version: Int64, visibility: Visibility, content: JSONObject?, expectedVersion: Int64?
    ) async throws -> StoredRecord {
        if let content { try checkAdaptations(of: RecordReference(origin: slug, id: id), content: content) }
        let unsigned: Document
        do {
            unsigned = try Document.unsigned(kind: kind, id: id, origin: slug, version: version, updated: .now(), visibility: visibility, content: content)
        } catch {
            throw NodeError.invalid(error)
        }
        let signed = try EddsaJcs2022.sign(unsigned.json, with: key)
        let verified: VerifiedDocument
        switch admission.admit(.object(signed), from: .local) {
        case .admit(let document): verified = document
        case .refuse(let rejection) where rejection.rule == .size: throw NodeError(.tooLarge, "the signed record would be too large: \(rejection.detail)")
        case .refuse(let rejection): throw UnexpectedRefusal(description: "the node refused a document it signed itself: \(rejection.reason)")
        case .own: throw UnexpectedRefusal(description: "a local write was taken for a peer's")
        }
        do {
            return try await database.saveLocal(verified, expectedVersion: expectedVersion)
        } catch {
            guard error.conflictingVersion != nil else { throw error }
            throw NodeError(.conflict, "the record changed while it was being written (\(error)); read it again and retry")
        }
    }

    struct UnexpectedRefusal: Error, CustomStringConvertible {
        let description: String
    }

    /// Loads sample records (JSON Lines of `{"type", "id", "visibility", "content"}`) into an empty
    /// database, signed with this node's key; returns how many were loaded.
    public func loadSamples(from path: String) async throws -> Int {
        guard try database.isEmpty() else { return 0 }
        let bytes: [UInt8]
        if path.hasPrefix(BuiltIn.prefix) {
            guard let text = BuiltIn.file(String(path.dropFirst(BuiltIn.prefix.count))) else {
                throw ConfigurationError(key: "samples.file", "the binary carries no \(path); it has \(BuiltIn.samples.joined(separator: ", "))")
            }
            bytes = Array(text.utf8)
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError(key: "samples.file", "cannot read \(path)") }
            bytes = Array(data)
        }
        var loaded = 0
        for (line, value) in try JSONParser.parseSequence(bytes) {
            let sample = value.objectValue
            guard let kind = sample?["type"]?.stringValue.flatMap(kinds.kind(type:)),
                let id = sample?["id"]?.stringValue.flatMap(RecordID.init),
                let visibility = Visibility(rawValue: sample?["visibility"]?.stringValue ?? "public"),
                let content = sample?["content"]?.objectValue
            else { throw ConfigurationError(key: "samples.file", "\(path) line \(line): needs type, id, visibility and content") }
            do {
                _ = try await create(kind: kind, id: id, visibility: visibility, content: content)
            } catch {
                throw ConfigurationError(key: "samples.file", "\(path) line \(line): \(error)")
            }
            loaded += 1
        }
        return loaded
    }
}
