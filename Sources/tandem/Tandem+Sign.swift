import ArgumentParser
import TandemCore
import TandemCrypto

extension Tandem {
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign one JSON document with an eddsa-jcs-2022 proof.",
            discussion: """
                Reads one JSON object (from FILE, or standard input) and writes it to standard output with \
                a "proof" member appended. A Tandem document (one with a type and an origin) must be a \
                valid Practice or CaseStudy before it is signed. A document that has a proof already is \
                refused.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The Ed25519 private key file (PEM, mode 0600).", valueName: "path"))
        var key: String

        @Flag(name: .long, help: "Indent the output instead of writing one line.")
        var pretty = false

        @Argument(help: ArgumentHelp("The document to sign; standard input when absent.", valueName: "file"))
        var file: String?

        func run() async throws {
            let privateKey = try KeyFile.read(from: key)
            let input = try InputFile.read(file)
            let value: JSONValue
            do { value = try JSONParser.parse(input.bytes) } catch { throw CommandFailure("\(input.name): \(error)") }
            guard case .object(let document) = value else {
                throw CommandFailure("\(input.name): a document must be a JSON object, not a \(value.typeName)")
            }
            if Document.hasEnvelope(document) {
                do { _ = try Document(json: document, requireProof: false) } catch {
                    throw CommandFailure("\(input.name): not a valid Tandem document: \(error)")
                }
            }
            let signed: JSONObject
            do { signed = try EddsaJcs2022.sign(document, with: privateKey) } catch { throw CommandFailure("\(input.name): \(error)") }
            print(try JSONValue.object(signed).serialized(pretty: pretty))
        }
    }
}
