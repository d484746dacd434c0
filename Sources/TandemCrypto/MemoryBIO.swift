import COpenSSL

/// OpenSSL's read-only memory BIO reads the bytes it is given in place, without a copy: it must
/// not outlive them. A release build frees a Swift array as soon as it is last used, so a BIO made
/// inside `withUnsafeBufferPointer` and used after it reads freed memory (seen: `tandem import`
/// in a release build failed to read a valid key file). Everything that reads the BIO runs here.
enum MemoryBIO {
    static func read<T>(_ bytes: [UInt8], _ body: (OpaquePointer) -> Result<T, CryptoError>) -> Result<T, CryptoError> {
        bytes.withUnsafeBufferPointer { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return .failure(.openSSL("BIO_new_mem_buf")) }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }
}
