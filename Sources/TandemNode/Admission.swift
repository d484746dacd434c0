import Foundation
import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore

/// The one answer to "may this document be stored, and as what?", for documents from a peer's feed,
/// a file (`tandem import`) and this node's own writes alike (PROTOCOL.md, "Admission"). The rules,
/// in order: size and envelope; origin; key; proof. A document that passes is stored whether or not
/// this version understands its type and content; the version rule is the store's.
public struct Admission: Sendable {
    /// This node; nil when the documents are checked for no node in particular (an archive, offline).
    public let node: NodeSlug?
    public let directory: CohortDirectory
    /// Every member's keys, this node's own among them (current and retired).
    public let keys: KeyRing
    public let kinds: RecordKinds

    public init(node: NodeSlug?, directory: CohortDirectory, keys: KeyRing, kinds: RecordKinds) {
        self.node = node
        self.directory = directory
        self.keys = keys
        self.kinds = kinds
    }

    /// Where a document comes from: the rules differ only for this node's own records.
    public enum Source: Sendable, Equatable {
        /// A peer's change feed: this node's own records are never taken from a peer.
        case peer
        /// A file (`tandem import`), or this node's own write: this node's own records are taken
        /// only when signed by one of its own keys.
        case local
    }

    public enum Decision: Sendable {
        /// Ready for the version rule.
        case admit(VerifiedDocument)
        /// One of this node's own records, from a peer: skipped, never stored.
        case own
        case refuse(Rejection)
    }

    /// Decides for every item of a page, on all cores when the page is large.
    public func admit(_ items: [JSONValue], from source: Source) -> [Decision] {
        ParallelMap.map(items) { admit($0, from: source) }
    }

    public func admit(_ item: JSONValue, from source: Source) -> Decision {
        let text = (try? item.serialized()) ?? ""
        let object = item.objectValue
        func refuse(_ rule: Rejection.Rule, _ detail: String) -> Decision {
            let version: Int64? = if case .number(.integer(let value))? = object?["version"] { value } else { nil }
            return .refuse(Rejection(
                rule, detail, origin: object?["origin"]?.stringValue.map { String($0.prefix(100)) },
                recordID: object?["id"]?.stringValue.map { String($0.prefix(100)) }, version: version, document: text))
        }
        // 1. Size and envelope.
        guard let object else { return refuse(.shape, "a document must be a JSON object, not a \(item.typeName)") }
        guard text.utf8.count <= Document.maximumEncodedSize else {
            return refuse(.size, "the document is \(text.utf8.count) bytes; a document may be at most \(Document.maximumEncodedSize)")
        }
        let document: Document
        do { document = try Document.reading(object, kinds: kinds) } catch { return refuse(.shape, error.description) }
        // 2. Origin: a member, or this node itself (never from a peer).
        if document.origin == node {
            if source == .peer { return .own }
        } else if directory.member(document.origin) == nil {
            return refuse(.origin, "\(document.origin) is not a member of the cohort \(directory.name)")
        }
        // 3. A key of that origin, not retired before it signed.
        guard let proof = document.proof, let key = try? DIDKey(parsing: proof.verificationMethod) else {
            return refuse(.proof, "the verificationMethod is not an Ed25519 did:key")
        }
        if let problem = keys.problem(key: key, origin: document.origin, signedAt: proof.created.flatMap(Timestamp.init)) {
            return refuse(.key, problem)
        }
        // 4. A proof that verifies.
        do { try EddsaJcs2022.verify(object, signedBy: key) } catch { return refuse(.proof, error.message) }
        return .admit(VerifiedDocument(document: document, signer: key.description, text: text))
    }
}
