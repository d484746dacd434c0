import Testing

@testable import TandemCrypto

@Suite("did:key and multibase")
struct DIDKeyTests {
    @Test("the W3C key pair decodes, and its private key derives its public key")
    func w3cKeyPair() throws {
        let privateKey = try DIDKey.privateKey(multibase: "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")

        #expect(DIDKey(privateKey.publicKey).multibase == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    }

    @Test("a did:key and its verification method round-trip")
    func roundTrip() throws {
        let key = try Ed25519PrivateKey().publicKey
        let did = DIDKey(key)

        #expect(did.description.hasPrefix("did:key:z6Mk"))
        #expect(try DIDKey(parsing: did.description).publicKey == key)
        #expect(try DIDKey(parsing: did.verificationMethod).publicKey == key)
    }

    @Test("base58btc keeps leading zero bytes")
    func leadingZeros() {
        let bytes: [UInt8] = [0, 0, 1, 2, 255]
        #expect(Base58.decode(Base58.encode(bytes)) == bytes)
        #expect(Base58.encode([0, 0]) == "11")
    }

    @Test(
        "bad identifiers are refused with the reason",
        arguments: [
            ("did:web:example.com", "not a did:key"),
            ("did:key:m6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "unsupported multibase prefix 'm'"),
            ("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ0", "invalid base58btc character"),
            ("did:key:z2DQUz8yxybcgY49o2TDENNPqPQBbVynuU6CcNCWtSMrwMx", "holds 31 key bytes, not 32"),
            ("did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", "not an Ed25519 key"),
            ("did:key:", "empty multibase value"),
            (
                "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6Mkq6QZsmESst6VSJJwxk3FLKZSoyV6uJeHZmthWwWVaXZR",
                "fragment does not name the same key"
            ),
        ])
    func badIdentifier(text: String, reason: String) {
        let error = #expect(throws: CryptoError.self) { try DIDKey(parsing: text) }
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }
}
