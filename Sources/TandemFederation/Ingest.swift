import Foundation
import TandemCore
import TandemCrypto
import TandemStore

/// DESIGN.md's ingest rules 1–3 for one document from a peer: size and shape, a cohort origin and
/// a key of that origin, a valid proof. Rules 4–6 (version rule, relay, one transaction per page)
/// are the store's `applyPeerPage`.
public struct Ingest: Sendable {
    public let node: NodeSlug
    public let directory: CohortDirectory
    public let keys: KeyRing

    public init(node: NodeSlug, directory: CohortDirectory, keys: KeyRing) {
        self.node = node
        self.directory = directory
        self.keys = keys
    }

    public enum Outcome: Sendable {
        /// Ready for the version rule.
        case accepted(VerifiedDocument)
        /// One of this node's own records: never taken from a peer.
        case own
        case rejected(Rejection)
    }

    /// Checks every item of a page, on all cores when the page is large.
    public func check(_ items: [JSONValue]) -> [Outcome] {
        ParallelMap.map(items) { check($0) }
    }

    public func check(_ item: JSONValue) -> Outcome {
        let text = (try? item.serialized()) ?? ""
        let object = item.objectValue
        func reject(_ reason: String) -> Outcome {
            let version: Int64? = if case .number(.integer(let value))? = object?["version"] { value } else { nil }
            return .rejected(Rejection(
                origin: object?["origin"]?.stringValue.map { String($0.prefix(100)) }, recordID: object?["id"]?.stringValue.map { String($0.prefix(100)) },
                version: version, reason: reason, document: text))
        }
        // 1. Size and shape.
        guard let object else { return reject("shape: a document must be a JSON object, not a \(item.typeName)") }
        guard text.utf8.count <= Document.maximumEncodedSize else {
            return reject("size: the document is \(text.utf8.count) bytes; a document may be at most \(Document.maximumEncodedSize)")
        }
        let document: Document
        do { document = try Document(json: object) } catch { return reject("shape: \(error)") }
        // 2. A cohort origin, and a key of that origin.
        if document.origin == node { return .own }
        guard directory.member(document.origin) != nil else {
            return reject("origin: \(document.origin) is not a member of the cohort \(directory.name)")
        }
        guard let proof = document.proof, let key = try? DIDKey(parsing: proof.verificationMethod) else {
            return reject("proof: the verificationMethod is not an Ed25519 did:key")
        }
        if let problem = keys.problem(key: key, origin: document.origin, signedAt: proof.created.flatMap(Timestamp.init)) {
            return reject("key: \(problem)")
        }
        // 3. A valid proof.
        do { try EddsaJcs2022.verify(object, signedBy: key) } catch { return reject("proof: \(error.message)") }
        return .accepted(VerifiedDocument(document: document, signer: key.description, text: text))
    }
}

/// `map` over an array on every core, for CPU-bound work such as signature checks.
public enum ParallelMap {
    public static func map<T: Sendable, R: Sendable>(_ items: [T], minimumPerChunk: Int = 16, _ transform: @Sendable (T) -> R) -> [R] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimumPerChunk * 2, cores > 1 else { return items.map(transform) }
        let chunks = min(cores, items.count / minimumPerChunk)
        let results = ResultSlots<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (items.count * chunk / chunks)..<(items.count * (chunk + 1) / chunks)
            for index in range { results.set(index, transform(items[index])) }
        }
        return results.values
    }

    /// Slots written once each, by index, from several threads; read after all writers finished.
    final class ResultSlots<R>: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<R?>
        init(count: Int) { slots = .allocate(capacity: count); slots.initialize(repeating: nil) }
        deinit { slots.deinitialize(); slots.deallocate() }
        func set(_ index: Int, _ value: R) { slots[index] = value }
        var values: [R] { slots.map { $0! } }
    }
}
