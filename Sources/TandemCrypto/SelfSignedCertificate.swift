import COpenSSL
import Foundation

/// A self-signed TLS certificate (ECDSA P-256, valid for localhost and 127.0.0.1) that a node makes
/// for itself on first start when no certificate is configured. Its key is not the signing key.
public enum SelfSignedCertificate {
    /// The PEM files of a certificate and its key.
    public struct Files: Sendable {
        public let certificatePath: String
        public let keyPath: String

        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    /// Makes `cert.pem` and `cert-key.pem` (mode 0600) in `folder` unless both exist; returns their paths.
    public static func ensure(in folder: String, commonName: String) throws(CryptoError) -> Files {
        let files = Files(certificatePath: folder + "/cert.pem", keyPath: folder + "/cert-key.pem")
        let manager = FileManager.default
        if manager.fileExists(atPath: files.certificatePath), manager.fileExists(atPath: files.keyPath) { return files }
        let (certificate, key) = try make(commonName: commonName)
        try PrivateFile.write(Array(key.utf8), to: files.keyPath, replacing: true)
        guard manager.createFile(atPath: files.certificatePath, contents: Data(certificate.utf8)) else {
            throw .keyFile("cannot write \(files.certificatePath)")
        }
        return files
    }

    /// The SHA-256 fingerprint of the first certificate in a PEM file, as colon-separated hex.
    public static func fingerprint(ofPEMFile path: String) throws(CryptoError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw .keyFile("cannot read \(path)") }
        let certificate = try MemoryBIO.read(Array(data)) { bio -> Result<OpaquePointer, CryptoError> in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                ERR_clear_error()
                return .failure(.keyFile("\(path) holds no PEM certificate"))
            }
            return .success(certificate)
        }.get()
        defer { X509_free(certificate) }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard X509_digest(certificate, EVP_sha256(), &digest, &length) == 1 else { throw .openSSL("X509_digest") }
        return digest.map { [$0].hexString.uppercased() }.joined(separator: ":")
    }

    private static func make(commonName: String) throws(CryptoError) -> (certificate: String, key: String) {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else { throw .openSSL("EVP_PKEY_CTX_new_from_name") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_CTX_set_group_name(context, "P-256") == 1,
            EVP_PKEY_keygen(context, &key) == 1, let key
        else { throw .openSSL("P-256 key generation") }
        defer { EVP_PKEY_free(key) }

        guard let certificate = X509_new() else { throw .openSSL("X509_new") }
        defer { X509_free(certificate) }
        var serial = [UInt8](repeating: 0, count: 8)
        guard RAND_bytes(&serial, Int32(serial.count)) == 1 else { throw .openSSL("RAND_bytes") }
        let serialNumber = serial.reduce(0) { $0 << 8 | Int($1) } & 0x7FFF_FFFF_FFFF_FFFF
        let name = X509_get_subject_name(certificate)
        guard X509_set_version(certificate, 2) == 1,
            ASN1_INTEGER_set(X509_get_serialNumber(certificate), serialNumber) == 1,
            X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), 60 * 60 * 24 * 825) != nil,
            X509_set_pubkey(certificate, key) == 1,
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, name) == 1
        else { throw .openSSL("building the certificate") }
        for (nid, value) in [(NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"), (NID_basic_constraints, "critical,CA:FALSE")] {
            guard let extensionValue = X509V3_EXT_conf_nid(nil, nil, nid, value) else { throw .openSSL("certificate extension") }
            defer { X509_EXTENSION_free(extensionValue) }
            guard X509_add_ext(certificate, extensionValue, -1) == 1 else { throw .openSSL("X509_add_ext") }
        }
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else { throw .openSSL("signing the certificate") }

        let certificatePEM = try pem { PEM_write_bio_X509($0, certificate) }
        let keyPEM = try pem { PEM_write_bio_PrivateKey($0, key, nil, nil, 0, nil, nil) }
        return (certificatePEM, keyPEM)
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .openSSL("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw .openSSL("writing PEM") }
        var bytes = [UInt8](repeating: 0, count: Int(BIO_ctrl_pending(bio)))
        guard BIO_read(bio, &bytes, Int32(bytes.count)) == bytes.count else { throw .openSSL("reading PEM") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
