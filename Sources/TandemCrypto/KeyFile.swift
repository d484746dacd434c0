import Foundation

/// Private keys on disk: PEM files that only their owner can read (mode 0600).
public enum KeyFile {
    /// Writes `key` to a new file at `path` with mode 0600; never replaces an existing file.
    public static func write(_ key: Ed25519PrivateKey, to path: String) throws(CryptoError) {
        try PrivateFile.write(Array(try key.pemRepresentation.utf8), to: path, replacing: false)
    }

    /// Reads the key at `path`, refusing a file that anyone but its owner may read or write.
    public static func read(from path: String) throws(CryptoError) -> Ed25519PrivateKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw .keyFile("cannot read key file \(path): \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .keyFile("key file \(path) is not a regular file") }
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else {
            throw .keyFile(
                "key file \(path) has mode \(String(permissions, radix: 8)); other users may read it. Run `chmod 600 \(path)` if it has not leaked, or make a new key")
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw .keyFile("cannot read key file \(path): permission denied")
        }
        do {
            return try Ed25519PrivateKey(pemRepresentation: String(decoding: contents, as: UTF8.self))
        } catch {
            throw .keyFile("key file \(path): \(error.message)")
        }
    }
}

/// Files that only their owner may read: created with mode 0600 whatever the umask.
enum PrivateFile {
    static func write(_ bytes: [UInt8], to path: String, replacing: Bool) throws(CryptoError) {
        if replacing { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "the file already exists (a key is never overwritten)" : String(cString: strerror(errno))
            throw .keyFile("cannot create key file \(path): \(reason)")
        }
        defer { close(descriptor) }
        // The mode passed to open() is reduced by the umask; make it exactly 0600 whatever the umask.
        guard fchmod(descriptor, 0o600) == 0 else { throw .keyFile("cannot set mode 0600 on \(path)") }
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw .keyFile("cannot write key file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
