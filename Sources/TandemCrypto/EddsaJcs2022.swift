import TandemCore

/// The `eddsa-jcs-2022` cryptosuite of W3C Data Integrity EdDSA Cryptosuites v1.0 (§3.3): the
/// signature is Ed25519 over SHA-256(JCS(proof options)) ‖ SHA-256(JCS(document without proof)).
public enum EddsaJcs2022 {
    public static let cryptosuite = "eddsa-jcs-2022"

    /// Returns `document` with a `proof` member appended, signed by `key` (spec §3.3.1, Create Proof).
    /// When the document has an `@context`, the proof options carry the same one, as §3.3.4 requires.
    public static func sign(
        _ document: JSONObject, with key: Ed25519PrivateKey, created: Timestamp = .now(),
        proofPurpose: String = DataIntegrityProof.assertionMethod
    ) throws(CryptoError) -> JSONObject {
        guard document["proof"] == nil else { throw .encoding("the document already has a proof") }
        let verificationMethod = DIDKey(key.publicKey).verificationMethod
        var proof = DataIntegrityProof(
            cryptosuite: cryptosuite, created: created.description, verificationMethod: verificationMethod,
            proofPurpose: proofPurpose, proofValue: "", context: document["@context"])
        let signature = try key.signature(for: try hashData(document: document, proofOptions: proof.options))
        proof = DataIntegrityProof(
            cryptosuite: cryptosuite, created: proof.created, verificationMethod: verificationMethod,
            proofPurpose: proofPurpose, proofValue: Multibase.encode(signature), context: proof.context)
        var secured = document
        secured["proof"] = .object(proof.json)
        return secured
    }

    /// Checks the proof of a secured document (spec §3.3.2, Verify Proof) and returns the key that
    /// signed it. Throws a verification error that says why a document does not verify.
    @discardableResult
    public static func verify(_ secured: JSONObject) throws(CryptoError) -> DIDKey {
        try verify(secured, signedBy: nil)
    }

    /// Checks the proof of a secured document whose proof names `key` as its verification method
    /// (a caller that already read the key from the proof, to check it belongs to the origin).
    @discardableResult
    public static func verify(_ secured: JSONObject, signedBy key: DIDKey?) throws(CryptoError) -> DIDKey {
        guard let proofValue = secured["proof"] else { throw .verification("the document has no proof") }
        guard case .object(let proofJSON) = proofValue else {
            throw .verification(proofValue.arrayValue != nil ? "proof sets (several proofs) are not supported" : "the proof is not an object")
        }
        let proof: DataIntegrityProof
        do { proof = try DataIntegrityProof(json: proofJSON) } catch { throw .verification("invalid proof: \(error)") }
        guard proof.cryptosuite == cryptosuite else {
            throw .verification("unsupported cryptosuite \"\(proof.cryptosuite)\" (only \(cryptosuite) is supported)")
        }
        guard proof.proofPurpose == DataIntegrityProof.assertionMethod else {
            throw .verification("unexpected proof purpose \"\(proof.proofPurpose)\" (expected assertionMethod)")
        }
        var document = secured
        document["proof"] = nil
        if let proofContext = proof.context {
            guard let documentContext = document["@context"], contextList(documentContext).starts(with: contextList(proofContext)) else {
                throw .verification("the proof's @context does not match the document's @context")
            }
        }
        let signer: DIDKey
        if let key {
            guard proof.verificationMethod == key.verificationMethod || proof.verificationMethod == key.description else {
                throw .verification("the proof is not by \(key)")
            }
            signer = key
        } else {
            do { signer = try DIDKey(parsing: proof.verificationMethod) } catch {
                throw .verification("bad verificationMethod: \(error.message)")
            }
        }
        let signature: [UInt8]
        do { signature = try Multibase.decode(proof.proofValue) } catch { throw .verification("bad proofValue: \(error.message)") }
        guard signature.count == 64 else {
            throw .verification("the signature is \(signature.count) bytes; an Ed25519 signature is 64")
        }
        var options = proofJSON
        options["proofValue"] = nil
        let data = try hashData(document: document, proofOptions: options)
        guard signer.publicKey.isValidSignature(signature, for: data) else {
            throw .verification("the signature does not match the document (altered, or not signed by \(signer))")
        }
        return signer
    }

    /// The 64 bytes that are signed: SHA-256 of the canonical proof options, then of the canonical document.
    public static func hashData(document: JSONObject, proofOptions: JSONObject) throws(CryptoError) -> [UInt8] {
        do {
            return SHA256.hash(try JSONValue.object(proofOptions).canonicalBytes())
                + SHA256.hash(try JSONValue.object(document).canonicalBytes())
        } catch {
            throw .encoding(error.description)
        }
    }

    private static func contextList(_ value: JSONValue) -> [JSONValue] {
        value.arrayValue ?? [value]
    }
}
