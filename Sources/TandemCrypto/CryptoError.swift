import COpenSSL

/// A failure in key handling, encoding or signature checking, with a message fit for one line.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Code: Sendable, Equatable {
        case keyFile
        case encoding
        case verification
        case openSSL
    }

    let code: Code
    public let message: String

    public var description: String { message }

    static func keyFile(_ message: String) -> CryptoError { CryptoError(code: .keyFile, message: message) }
    static func encoding(_ message: String) -> CryptoError { CryptoError(code: .encoding, message: message) }
    static func verification(_ message: String) -> CryptoError { CryptoError(code: .verification, message: message) }

    /// An OpenSSL call failed: `operation` and the first reason on OpenSSL's error queue.
    static func openSSL(_ operation: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return CryptoError(code: .openSSL, message: "\(operation) failed in OpenSSL") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CryptoError(code: .openSSL, message: "\(operation) failed in OpenSSL: \(reason)")
    }
}
