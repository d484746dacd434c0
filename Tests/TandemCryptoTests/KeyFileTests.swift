import Foundation
import Testing

@testable import TandemCrypto

@Suite("Private key files")
struct KeyFileTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "tandem-keys-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("a key is written with mode 0600 whatever the umask, and reads back")
    func writeAndRead() throws {
        let path = folder + "/node.pem"
        let key = try Ed25519PrivateKey()
        let previous = umask(0)
        defer { umask(previous) }

        try KeyFile.write(key, to: path)

        #expect(try mode(path) == 0o600)
        #expect(try KeyFile.read(from: path).publicKey == key.publicKey)
    }

    @Test("an existing file is never overwritten")
    func noOverwrite() throws {
        let path = folder + "/node.pem"
        try KeyFile.write(try Ed25519PrivateKey(), to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        let error = #expect(throws: CryptoError.self) { try KeyFile.write(try Ed25519PrivateKey(), to: path) }

        #expect(error?.message.contains("already exists") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("a key that other users can read is refused", arguments: [0o644, 0o640, 0o604, 0o660])
    func readableByOthers(mode: Int) throws {
        let path = folder + "/node.pem"
        try KeyFile.write(try Ed25519PrivateKey(), to: path)
        chmod(path, mode_t(mode))

        let error = #expect(throws: CryptoError.self) { try KeyFile.read(from: path) }

        #expect(error?.message.contains("other users may read it") == true, "\(error?.message ?? "")")
    }

    @Test("a missing file or one that is not a key is refused with a clear message")
    func badFiles() throws {
        let missing = #expect(throws: CryptoError.self) { try KeyFile.read(from: folder + "/absent.pem") }
        #expect(missing?.message == "cannot read key file \(folder)/absent.pem: no such file")

        let garbage = folder + "/garbage.pem"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data("not a key".utf8), attributes: [.posixPermissions: 0o600]))
        let error = #expect(throws: CryptoError.self) { try KeyFile.read(from: garbage) }
        #expect(error?.message == "key file \(garbage): not a PEM private key")
    }
}
