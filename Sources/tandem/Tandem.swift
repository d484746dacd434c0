import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

@main
struct Tandem: AsyncParsableCommand {
    /// Runs the command given. A file-size limit (`ulimit -f`) makes writes over it fail, and the
    /// store says the disk is full, rather than SIGXFSZ killing the node mid-write.
    ///
    /// `serve` runs its tasks on the event loops that carry its connections (NIO's global
    /// executor), so a request's handler does not hop to another thread pool and back.
    static func main() async {
        signal(SIGXFSZ, SIG_IGN)
        if CommandLine.arguments.dropFirst().first == "serve" {
            _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        }
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        abstract: "Tandem: the node that a city innovation lab runs to share practices and case studies with its partners.",
        discussion: """
            Records are signed W3C Data Integrity documents (eddsa-jcs-2022: RFC 8785 canonical JSON, \
            SHA-256, Ed25519 through OpenSSL), so anyone can check who wrote them.
            """,
        subcommands: [
            Serve.self, Sync.self, Status.self, Quarantine.self, Demo.self, Token.self, Export.self, Import.self, Backup.self, Restore.self,
            Keys.self, Sign.self, Verify.self, Check.self,
        ]
    )
}

/// A failure the user can act on, shown as one line (`Error: …`) with a non-zero exit.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
