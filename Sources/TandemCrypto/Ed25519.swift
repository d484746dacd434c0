import COpenSSL

/// An Ed25519 public key: its 32 raw bytes (RFC 8032).
public struct Ed25519PublicKey: Hashable, Sendable {
    public let rawRepresentation: [UInt8]

    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == 32 else {
            throw .encoding("an Ed25519 public key is 32 bytes, not \(rawRepresentation.count)")
        }
        self.rawRepresentation = rawRepresentation
    }

    /// True when `signature` is this key's Ed25519 signature of `message`.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64,
            let key = rawRepresentation.withUnsafeBufferPointer({
                EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
            })
        else { return false }
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
        ERR_clear_error()
        return result == 1
    }
}

/// An Ed25519 private key, held as its 32-byte seed. Its bytes never leave this type except
/// through `pemRepresentation`, which only key files use.
public struct Ed25519PrivateKey: Sendable {
    private let seed: [UInt8]
    public let publicKey: Ed25519PublicKey

    /// A new random key from OpenSSL's generator.
    public init() throws(CryptoError) {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else { throw .openSSL("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &key) == 1, let key else {
            throw .openSSL("Ed25519 key generation")
        }
        defer { EVP_PKEY_free(key) }
        try self.init(evpKey: key)
    }

    /// The key with this 32-byte seed (the "secret key" of RFC 8032).
    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == 32 else { throw .encoding("an Ed25519 private key is 32 bytes, not \(seed.count)") }
        guard let key = seed.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count) }) else {
            throw .openSSL("reading the Ed25519 private key")
        }
        defer { EVP_PKEY_free(key) }
        try self.init(evpKey: key)
    }

    /// The key in a PKCS #8 PEM document (`-----BEGIN PRIVATE KEY-----`).
    public init(pemRepresentation pem: String) throws(CryptoError) {
        let key = try MemoryBIO.read(Array(pem.utf8)) { bio -> Result<OpaquePointer, CryptoError> in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
                ERR_clear_error()
                return .failure(.keyFile("not a PEM private key"))
            }
            return .success(key)
        }.get()
        defer { EVP_PKEY_free(key) }
        guard EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 else { throw .keyFile("the private key is not an Ed25519 key") }
        try self.init(evpKey: key)
    }

    private init(evpKey key: OpaquePointer) throws(CryptoError) {
        var seed = [UInt8](repeating: 0, count: 32)
        var seedLength = seed.count
        var publicBytes = [UInt8](repeating: 0, count: 32)
        var publicLength = publicBytes.count
        guard EVP_PKEY_get_raw_private_key(key, &seed, &seedLength) == 1, seedLength == 32,
            EVP_PKEY_get_raw_public_key(key, &publicBytes, &publicLength) == 1, publicLength == 32
        else { throw .openSSL("reading the raw Ed25519 key") }
        self.seed = seed
        self.publicKey = try Ed25519PublicKey(rawRepresentation: publicBytes)
    }

    /// The Ed25519 signature of `message` (64 bytes; deterministic, per RFC 8032).
    public func signature(for message: [UInt8]) throws(CryptoError) -> [UInt8] {
        let key = try evpKey()
        defer { EVP_PKEY_free(key) }
        guard let context = EVP_MD_CTX_new() else { throw .openSSL("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        guard EVP_DigestSignInit(context, nil, nil, nil, key) == 1,
            EVP_DigestSign(context, &signature, &length, message, message.count) == 1, length == 64
        else { throw .openSSL("Ed25519 signing") }
        return signature
    }

    /// The key as a PKCS #8 PEM document, for a key file.
    public var pemRepresentation: String {
        get throws(CryptoError) {
            let key = try evpKey()
            defer { EVP_PKEY_free(key) }
            guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("BIO_new") }
            defer { BIO_free(bio) }
            guard PEM_write_bio_PrivateKey(bio, key, nil, nil, 0, nil, nil) == 1 else { throw .openSSL("writing the PEM private key") }
            var pem = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
            let read = BIO_read(bio, &pem, Int32(pem.count))
            guard read == pem.count else { throw .openSSL("reading the PEM private key") }
            return String(decoding: pem, as: UTF8.self)
        }
    }

    private func evpKey() throws(CryptoError) -> OpaquePointer {
        guard let key = seed.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count) }) else {
            throw .openSSL("loading the Ed25519 private key")
        }
        return key
    }
}
