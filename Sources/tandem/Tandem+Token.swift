import ArgumentParser
import TandemCore
import TandemCrypto
import TandemStore

extension Tandem {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage editor tokens (stored only as hashes).",
            subcommands: [Create.self, List.self, Revoke.self]
        )
    }
}

extension Tandem.Token {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a token and print it alone on standard output, once: it cannot be shown again.")

        @Option(help: ArgumentHelp("A name to list and revoke the token by, such as a person's.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("The token's role; editor writes the node's own records.", valueName: "role"))
        var role: String = "editor"

        @OptionGroup var options: NodeOptions

        func validate() throws {
            guard role == "editor" else { throw ArgumentParser.ValidationError("unknown role \"\(role)\": the only role is editor") }
            guard !name.isEmpty, name.count <= 100, !name.contains(where: \.isNewline) else {
                throw ArgumentParser.ValidationError("the name must be one line of 1 to 100 characters")
            }
        }

        func run() async throws {
            let database = try await openDatabase(options)
            let token = TokenSecret.generate()
            try await database.createToken(name: name, role: role, hash: TokenSecret.hash(token))
            say(token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens: name, role, created, and revoked when they were.")

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let tokens = try await openDatabase(options).tokens()
            if tokens.isEmpty { say("no tokens; make one with tandem token create --name NAME --role editor") }
            for token in tokens {
                say("\(token.name)\t\(token.role)\tcreated \(token.createdAt)" + (token.revokedAt.map { "\trevoked \($0)" } ?? "\tactive"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by name; it stops working at once.")

        @Argument(help: ArgumentHelp("The token's name.", valueName: "name"))
        var name: String

        @OptionGroup var options: NodeOptions

        func run() async throws {
            try await openDatabase(options).revokeToken(name: name)
            say("revoked \(name)")
        }
    }
}
