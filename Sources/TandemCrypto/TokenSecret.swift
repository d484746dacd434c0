import COpenSSL

/// Bearer tokens for editors: 32 random bytes, shown once, stored only as a SHA-256 hash. A plain
/// hash suffices because the secret is random (no dictionary to guess from).
public enum TokenSecret {
    public static let prefix = "tdm_"

    /// A new token from OpenSSL's random generator: `tdm_` + base58btc.
    public static func generate() -> String {
        prefix + randomText()
    }

    /// 32 bytes from OpenSSL's random generator, in base58btc: a secret safe in a cookie or a form.
    public static func randomText() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        precondition(RAND_bytes(&bytes, Int32(bytes.count)) == 1, "OpenSSL's random generator failed")
        return Base58.encode(bytes)
    }

    /// The hash under which a token is stored and looked up.
    public static func hash(_ token: String) -> String {
        SHA256.hash(Array(token.utf8)).hexString
    }
}
