import ArgumentParser
import TandemCrypto

extension Tandem {
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make and inspect a node's Ed25519 signing key.",
            subcommands: [Generate.self, Show.self]
        )
    }
}

extension Tandem.Keys {
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new Ed25519 private key to a PEM file (mode 0600) and print its did:key.",
            discussion: "The file must not exist yet: a key is never overwritten."
        )

        @Option(name: .long, help: ArgumentHelp("Where to write the private key.", valueName: "path"))
        var out: String

        func run() async throws {
            let key = try Ed25519PrivateKey()
            try KeyFile.write(key, to: out)
            print(DIDKey(key.publicKey))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the did:key of the private key in a PEM file.")

        @Argument(help: ArgumentHelp("The private key file.", valueName: "path"))
        var path: String

        func run() async throws {
            print(DIDKey(try KeyFile.read(from: path).publicKey))
        }
    }
}
