import Foundation
import TandemCore
import TandemCrypto
import Testing

@testable import TandemFederation

/// RFC 9421 Appendix B.2.6 (ed25519): the signature base and the signature, byte for byte.
@Suite struct MessageSignatureTests {
    struct Vector {
        let request: MessageSignature.Request
        let components: [String]
        let parameters: String
        let base: String
        let signatureInput: String
        let signature: String
        let key: Ed25519PrivateKey
        let publicKey: Ed25519PublicKey

        static func load() throws -> Vector {
            let url = try #require(Bundle.module.url(forResource: "rfc9421-b26", withExtension: "json", subdirectory: "Vectors"))
            let json = try #require(try JSONParser.parse(Array(try Data(contentsOf: url))).objectValue)
            let request = try #require(json["request"]?.objectValue)
            let targetURI = try #require(request["targetURI"]?.stringValue)
            let target = try #require(URL(string: targetURI))
            let headerObject = try #require(request["headers"]?.objectValue)
            let headers = headerObject.members.map { (name: $0.0, value: $0.1.stringValue ?? "") }
            let input = try #require(json["signatureInput"]?.stringValue)
            let method = try #require(request["method"]?.stringValue)
            let host = try #require(target.host)
            let parsed = try MessageSignature.Input(parsing: input)
            var x = try #require(json["publicKeyJWK"]?.objectValue?["x"]?.stringValue).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            x += String(repeating: "=", count: (4 - x.count % 4) % 4)
            return Vector(
                request: .init(method: method, authority: host, path: target.path, query: target.query, headers: headers),
                components: parsed.components, parameters: parsed.serialized, base: try #require(json["signatureBase"]?.stringValue),
                signatureInput: input, signature: try #require(json["signature"]?.stringValue),
                key: try Ed25519PrivateKey(pemRepresentation: try #require(json["privateKeyPEM"]?.stringValue)),
                publicKey: try Ed25519PublicKey(rawRepresentation: Array(try #require(Data(base64Encoded: x)))))
        }
    }

    @Test func signatureBaseMatchesTheRFC() throws {
        let vector = try Vector.load()
        #expect(vector.components == ["date", "@method", "@path", "@authority", "content-type", "content-length"])
        #expect(try MessageSignature.base(for: vector.request, components: vector.components, parameters: vector.parameters) == vector.base)
    }

    @Test func signingReproducesTheRFCSignature() throws {
        let vector = try Vector.load()
        #expect(vector.key.publicKey == vector.publicKey)
        let headers = try MessageSignature.sign(
            vector.request, key: vector.key, keyID: "test-key-ed25519", label: "sig-b26", components: vector.components, created: 1_618_884_473,
            algorithm: nil)
        #expect(headers.signatureInput == vector.signatureInput)
        #expect(headers.signature == vector.signature)
    }

    @Test func theRFCSignatureVerifiesAndAnAlteredOneDoesNot() throws {
        let vector = try Vector.load()
        let signature = try MessageSignature.signatureBytes(vector.signature, label: "sig-b26")
        #expect(vector.publicKey.isValidSignature(signature, for: Array(vector.base.utf8)))
        #expect(!vector.publicKey.isValidSignature(signature, for: Array(vector.base.replacingOccurrences(of: "/foo", with: "/bar").utf8)))
    }

    @Test func tandemRequestsVerifyOnlyAsSigned() throws {
        let key = try Ed25519PrivateKey()
        let did = DIDKey(key.publicKey).description
        let request = MessageSignature.Request(method: "GET", authority: "127.0.0.1:8443", path: "/federation/v1/changes", query: "limit=200")
        let now = 1_800_000_000
        let headers = try MessageSignature.sign(request, key: key, keyID: did, created: now, expires: now + 300, nonce: "n1")
        let verified = try MessageSignature.verify(request, signatureInput: headers.signatureInput, signature: headers.signature, now: now + 10)
        #expect(verified.key == DIDKey(key.publicKey))

        var otherCursor = request
        otherCursor.query = "limit=200&since=abc"
        #expect(throws: SignatureError.self) {
            try MessageSignature.verify(otherCursor, signatureInput: headers.signatureInput, signature: headers.signature, now: now + 10)
        }
        #expect(throws: SignatureError.self) {
            try MessageSignature.verify(request, signatureInput: headers.signatureInput, signature: headers.signature, now: now + 400)
        }
        let narrow = try MessageSignature.sign(request, key: key, keyID: did, components: ["@method", "@path"], created: now)
        #expect(throws: SignatureError.self) {
            try MessageSignature.verify(request, signatureInput: narrow.signatureInput, signature: narrow.signature, now: now)
        }
    }

    @Test("parameters are read as RFC 8941 says: a ';', '=' or ',' inside a quoted string is text, not a separator")
    func quotedParametersAreText() throws {
        let key = try Ed25519PrivateKey()
        let request = MessageSignature.Request(method: "GET", authority: "127.0.0.1:8443", path: "/federation/v1/node", query: nil)
        let now = 1_800_000_000
        let nonce = "a;keyid=\"did:key:z6Mkforged\",b"

        let headers = try MessageSignature.sign(request, key: key, keyID: DIDKey(key.publicKey).description, created: now, nonce: nonce)
        let verified = try MessageSignature.verify(request, signatureInput: headers.signatureInput, signature: headers.signature, now: now)

        #expect(verified.nonce == nonce)
        #expect(verified.key == DIDKey(key.publicKey))
    }

    @Test(
        "a malformed Signature-Input or Signature is refused with what is wrong",
        arguments: [
            ("tandem=(\"@method\";created=1", "tandem=:AAAA:", "not a structured-field dictionary"),
            ("tandem=\"@method\"", "tandem=:AAAA:", "a label and a list of components"),
            ("tandem=(\"@method\";sf \"@path\");created=1", "tandem=:AAAA:", "without parameters"),
            ("tandem=(\"@method\" \"@authority\" \"@path\" \"@query\");created=\"soon\"", "tandem=:AAAA:", "created must be an integer"),
        ])
    func malformedHeaders(input: String, signature: String, message: String) {
        let request = MessageSignature.Request(method: "GET", authority: "127.0.0.1:8443", path: "/", query: nil)
        let error = #expect(throws: SignatureError.self) { try MessageSignature.verify(request, signatureInput: input, signature: signature) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "no error")")
    }
}
