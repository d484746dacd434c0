import TandemCore

/// Checks any JSON document secured with an eddsa-jcs-2022 proof and, when it is a Tandem
/// document, its envelope as well (`tandem verify`, `tandem check`). A Tandem document whose type or
/// content this version does not know verifies; its `document` says it is not understood.
public enum DocumentVerifier {
    public struct Verified: Sendable {
        /// The key that signed the document.
        public let signer: DIDKey
        /// The Tandem document, when the input was one (see `Document.notUnderstood`).
        public let document: Document?
    }

    /// Why a document is not valid, in one line.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let reason: String
        public var description: String { reason }
    }

    public static func verify(_ value: JSONValue, kinds: RecordKinds = .standard) throws(Failure) -> Verified {
        guard case .object(let object) = value else {
            throw Failure(reason: "a document must be a JSON object, not a \(value.typeName)")
        }
        var document: Document?
        if Document.hasEnvelope(object) {
            let size = (try? value.serialized())?.utf8.count ?? 0
            guard size <= Document.maximumEncodedSize else {
                throw Failure(reason: "the document is \(size) bytes; a Tandem document may be at most \(Document.maximumEncodedSize)")
            }
            do { document = try Document.reading(object, kinds: kinds) } catch {
                throw Failure(reason: "not a valid Tandem document: \(error)")
            }
        }
        do {
            return Verified(signer: try EddsaJcs2022.verify(object), document: document)
        } catch {
            throw Failure(reason: error.message)
        }
    }
}
