import TandemCore

/// Checks any JSON document secured with an eddsa-jcs-2022 proof and, when it is a Tandem
/// document, its shape as well, so that `tandem verify` and every ingest path agree on what is valid.
public enum DocumentVerifier {
    public struct Verified: Sendable {
        /// The key that signed the document.
        public let signer: DIDKey
        /// The Tandem document, when the input was one.
        public let document: Document?
    }

    /// Why a document is not valid, in one line.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let reason: String
        public var description: String { reason }
    }

    public static func verify(_ value: JSONValue) throws(Failure) -> Verified {
        guard case .object(let object) = value else {
            throw Failure(reason: "a document must be a JSON object, not a \(value.typeName)")
        }
        var document: Document?
        if Document.isTandemDocument(object) {
            do { document = try Document(json: object) } catch {
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
