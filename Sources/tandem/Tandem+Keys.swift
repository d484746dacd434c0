import ArgumentParser
import Foundation
import TandemCrypto
import TandemFederation
import TandemNode

extension Tandem {
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make and inspect a node's Ed25519 signing key.",
            subcommands: [Generate.self, Show.self, Rotate.self, Entry.self]
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

extension Tandem.Keys {
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the node's signing key, with a rotation statement signed by the old key.",
            discussion: """
                Stop tandem serve first. The new key replaces node.key (mode 0600); the old private key is                 deleted, and its public half stays in the key history that GET /federation/v1/node shows,                 with the statement. Peers accept the new key when they next sync, and keep verifying the                 documents the old key signed before the rotation. Nothing needs to change in the cohort                 directory, though its maintainers may add the new key when they next review it.
                """
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let configuration = try await options.load()
            guard FileManager.default.fileExists(atPath: configuration.keyPath) else {
                throw CommandFailure("no key at \(configuration.keyPath) to rotate; tandem serve makes one on first start")
            }
            guard !FolderLock.isHeld(folder: configuration.dataDirectory, name: "serve.lock") else {
                throw CommandFailure("tandem serve is running on \(configuration.dataDirectory); stop it, rotate, then start it again")
            }
            let database = try NodeRuntime.openDatabase(configuration)
            let statement = try await NodeKeyFile.rotate(keyPath: configuration.keyPath, node: configuration.slug, database: database)
            say("rotated the key of \(configuration.slug):")
            say("  retired: \(statement.previousKey)")
            say("  current: \(statement.newKey)")
            say("the rotation statement is in the node descriptor (GET /federation/v1/node); start tandem serve again")
        }
    }

    struct Entry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print this node's entry for the cohort directory (YAML), to send to the cohort's maintainers.",
            discussion: "With a self-signed certificate the entry pins its SHA-256 fingerprint; with a certificate from tls.certificate it trusts the system's CAs (edit it to pin a CA file instead)."
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            var configuration = try await options.load()
            configuration.directoryPath = nil  // a node not in the cohort yet may have no directory file at all
            let runtime = try await NodeRuntime.prepare(configuration)
            let fingerprint = configuration.certificatePath == nil ? try runtime.certificateFingerprint : nil
            print(CohortDirectory.entry(
                slug: configuration.slug, lab: configuration.lab, city: configuration.city, country: configuration.country,
                url: configuration.baseURL, fingerprint: fingerprint, keys: [runtime.node.did]))
        }
    }
}
