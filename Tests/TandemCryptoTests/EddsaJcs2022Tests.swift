import Testing

@testable import TandemCore
@testable import TandemCrypto

@Suite("eddsa-jcs-2022 proofs")
struct EddsaJcs2022Tests {
    static let privateKeyMultibase = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"

    static func object(_ name: String) throws -> JSONObject {
        try #require(try JSONParser.parse(try W3CVector.text(name)).objectValue)
    }

    @Test("every intermediate value of the W3C vector is reproduced byte for byte")
    func intermediateValues() throws {
        let unsigned = try Self.object("unsigned.json")
        let proofOptions = try Self.object("proofConfigJCS.json")

        let canonicalDocument = try JSONValue.object(unsigned).canonicalString()
        let canonicalProof = try JSONValue.object(proofOptions).canonicalString()
        let hashData = try EddsaJcs2022.hashData(document: unsigned, proofOptions: proofOptions)
        let key = try DIDKey.privateKey(multibase: Self.privateKeyMultibase)
        let signature = try key.signature(for: hashData)

        #expect(canonicalDocument == (try W3CVector.text("canonDocJCS.txt")))
        #expect(canonicalProof == (try W3CVector.text("proofCanonJCS.txt")))
        #expect(SHA256.hash(Array(canonicalDocument.utf8)).hexString == (try W3CVector.text("docHashJCS.txt")))
        #expect(SHA256.hash(Array(canonicalProof.utf8)).hexString == (try W3CVector.text("proofHashJCS.txt")))
        #expect(hashData.hexString == (try W3CVector.text("combinedHashJCS.txt")))
        #expect(signature.hexString == (try W3CVector.text("sigHexJCS.txt")))
        #expect(Multibase.encode(signature) == (try W3CVector.text("sigBTC58JCS.txt")))
    }

    @Test("signing the unsigned vector yields the published signed document, @context copied into the proof")
    func signVector() throws {
        let key = try DIDKey.privateKey(multibase: Self.privateKeyMultibase)

        let signed = try EddsaJcs2022.sign(try Self.object("unsigned.json"), with: key, created: Timestamp("2023-02-24T23:36:38Z")!)

        #expect(JSONValue.object(signed) == .object(try Self.object("signedJCS.json")))
    }

    @Test("the published signed document verifies, signed by the published key")
    func verifyVector() throws {
        let signer = try EddsaJcs2022.verify(try Self.object("signedJCS.json"))
        #expect(signer.multibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    }

    /// Every leaf of the signed vector, as a path of keys and indices.
    static func leafPaths(_ value: JSONValue, _ prefix: [PathStep] = []) -> [[PathStep]] {
        switch value {
        case .object(let object): object.members.flatMap { leafPaths($0.value, prefix + [.key($0.key)]) }
        case .array(let elements): elements.indices.flatMap { leafPaths(elements[$0], prefix + [.index($0)]) }
        default: [prefix]
        }
    }

    enum PathStep { case key(String), index(Int) }

    static func altering(_ value: JSONValue, at path: ArraySlice<PathStep>) -> JSONValue {
        guard let step = path.first else {
            switch value {
            case .string(let text): return .string(text.isEmpty ? "x" : String(text.dropLast()) + (text.last == "A" ? "B" : "A"))
            case .bool(let bool): return .bool(!bool)
            case .number(let number): return .number(.double(number.doubleValue + 1))
            default: return .string("altered")
            }
        }
        switch (value, step) {
        case (.object(var object), .key(let key)):
            object[key] = altering(object[key]!, at: path.dropFirst())
            return .object(object)
        case (.array(var elements), .index(let index)):
            elements[index] = altering(elements[index], at: path.dropFirst())
            return .array(elements)
        default:
            return value
        }
    }

    @Test("changing any single field of the signed vector makes it fail")
    func everyAlterationFails() throws {
        let signed = JSONValue.object(try Self.object("signedJCS.json"))
        let paths = Self.leafPaths(signed)

        for path in paths {
            let altered = try #require(Self.altering(signed, at: path[...]).objectValue)
            #expect(throws: CryptoError.self, "altering \(path) must break the proof") { try EddsaJcs2022.verify(altered) }
        }
        #expect(paths.count == 19)
    }

    @Test("adding or removing a member also breaks the proof")
    func addRemove() throws {
        var added = try Self.object("signedJCS.json")
        added["note"] = "x"
        var removed = try Self.object("signedJCS.json")
        removed["description"] = nil

        #expect(throws: CryptoError.self) { try EddsaJcs2022.verify(added) }
        #expect(throws: CryptoError.self) { try EddsaJcs2022.verify(removed) }
    }

    @Test("documents with keys and strings outside the Basic Multilingual Plane sign and verify")
    func nonBMP() throws {
        let key = try Ed25519PrivateKey()
        let document = try #require(
            try JSONParser.parse(#"{"😂": "𝄞 musique", "\ufb33": "dalet", "ciudad": "México", "n": 9007199254740991}"#).objectValue)

        let signed = try EddsaJcs2022.sign(document, with: key)
        let reparsed = try #require(try JSONParser.parse(try JSONValue.object(signed).serialized(pretty: true)).objectValue)

        #expect(try EddsaJcs2022.verify(reparsed) == DIDKey(key.publicKey))
    }

    @Test(
        "a bad proof is refused with the reason",
        arguments: [
            ("proofValue", JSONValue.string("z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfj"), "the signature is"),
            ("proofValue", "u2HnFSSPPB", "unsupported multibase prefix 'u'"),
            ("proofValue", "z0OIl", "invalid base58btc character"),
            ("cryptosuite", "ecdsa-rdfc-2019", "unsupported cryptosuite \"ecdsa-rdfc-2019\""),
            ("type", "Ed25519Signature2020", "must be \"DataIntegrityProof\""),
            ("proofPurpose", "authentication", "unexpected proof purpose"),
            ("verificationMethod", "https://vc.example/keys/1", "bad verificationMethod: not a did:key"),
            ("@context", ["https://www.w3.org/ns/credentials/v2", "https://example.com/other"], "@context does not match"),
        ] as [(String, JSONValue, String)])
    func badProof(field: String, value: JSONValue, reason: String) throws {
        var signed = try Self.object("signedJCS.json")
        var proof = try #require(signed["proof"]?.objectValue)
        proof[field] = value
        signed["proof"] = .object(proof)

        let error = #expect(throws: CryptoError.self) { try EddsaJcs2022.verify(signed) }

        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("a missing proof or a proof set is refused")
    func missingProof() throws {
        var signed = try Self.object("signedJCS.json")
        let proof = try #require(signed["proof"])
        signed["proof"] = nil
        #expect(throws: CryptoError.verification("the document has no proof")) { try EddsaJcs2022.verify(signed) }
        signed["proof"] = .array([proof])
        #expect(throws: CryptoError.verification("proof sets (several proofs) are not supported")) { try EddsaJcs2022.verify(signed) }
    }
}
