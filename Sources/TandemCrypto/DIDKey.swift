/// A `did:key` identifier for an Ed25519 public key: multicodec 0xed01 + the raw key, in multibase
/// base58btc (`did:key:z6Mk…`). Its verification method is `did:key:z6Mk…#z6Mk…`.
public struct DIDKey: Hashable, Sendable, CustomStringConvertible {
    static let ed25519PublicKeyCodec: [UInt8] = [0xED, 0x01]
    static let ed25519PrivateKeyCodec: [UInt8] = [0x80, 0x26]

    public let publicKey: Ed25519PublicKey
    /// The multibase multikey: `z6Mk…`. Kept as parsed: base58btc decoding is one-to-one, so the
    /// text read is the key's only spelling, and naming a signer costs no re-encoding.
    public let multibase: String

    public init(_ publicKey: Ed25519PublicKey) {
        self.publicKey = publicKey
        multibase = Multibase.encode(DIDKey.ed25519PublicKeyCodec + publicKey.rawRepresentation)
    }

    public static func == (left: DIDKey, right: DIDKey) -> Bool { left.publicKey == right.publicKey }
    public func hash(into hasher: inout Hasher) { hasher.combine(publicKey) }

    /// Reads `did:key:z…` or a verification method `did:key:z…#z…` whose fragment names the same key.
    public init(parsing text: String) throws(CryptoError) {
        guard text.hasPrefix("did:key:") else { throw .encoding("not a did:key: \"\(text.prefix(80))\"") }
        let parts = text.dropFirst("did:key:".count).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let identifier = String(parts[0])
        if parts.count == 2, parts[1] != parts[0] {
            throw .encoding("the did:key fragment does not name the same key as the identifier")
        }
        self.publicKey = try DIDKey.publicKey(multibase: identifier)
        self.multibase = identifier
    }

    /// An Ed25519 public key from its multibase multikey form (`z6Mk…`).
    public static func publicKey(multibase: String) throws(CryptoError) -> Ed25519PublicKey {
        let bytes = try Multibase.decode(multibase)
        guard bytes.count >= 2, Array(bytes.prefix(2)) == ed25519PublicKeyCodec else {
            throw .encoding("the did:key is not an Ed25519 key (multicodec 0xed01)")
        }
        guard bytes.count == 34 else { throw .encoding("the did:key holds \(bytes.count - 2) key bytes, not 32") }
        return try Ed25519PublicKey(rawRepresentation: Array(bytes.dropFirst(2)))
    }

    /// An Ed25519 private key from its multibase multikey form (multicodec 0x1300, `z3u2…`).
    public static func privateKey(multibase: String) throws(CryptoError) -> Ed25519PrivateKey {
        let bytes = try Multibase.decode(multibase)
        guard bytes.count == 34, Array(bytes.prefix(2)) == ed25519PrivateKeyCodec else {
            throw .encoding("not an Ed25519 private multikey (multicodec 0x1300, 32 bytes)")
        }
        return try Ed25519PrivateKey(seed: Array(bytes.dropFirst(2)))
    }

    public var description: String { "did:key:\(multibase)" }

    /// The verification method that names this key in a proof.
    public var verificationMethod: String { "did:key:\(multibase)#\(multibase)" }
}
