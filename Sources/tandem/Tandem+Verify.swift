import ArgumentParser
import TandemCore
import TandemCrypto
import TandemNode

extension Tandem {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the eddsa-jcs-2022 proofs of signed documents.",
            discussion: """
                Each input is one JSON document or JSON Lines of documents (standard input when no FILE is \
                given). Prints one line per document, "ok" or "invalid: <reason>", followed by where it \
                came from, and exits 0 only when every document verified. Any document secured with an \
                eddsa-jcs-2022 proof whose verificationMethod is a did:key is checked; a Tandem document \
                must also have a valid envelope (type, id, origin, version, updated, visibility, deleted, \
                content). One whose type or content this version does not know verifies, with a note.
                """
        )

        @Argument(help: ArgumentHelp("Files to check; standard input when none.", valueName: "file"))
        var files: [String] = []

        @Option(help: ArgumentHelp("Check the archive in this folder (tandem export --bundle) against the key histories it carries, offline.", valueName: "dir"))
        var bundle: String?

        func run() async throws {
            if let bundle {
                let check = try NodeBundle.verify(folder: bundle)
                for problem in check.problems { print("invalid: \(problem)") }
                guard check.problems.isEmpty else { throw CommandFailure("\(check.problems.count) of the archive's documents or statements do not verify") }
                print("ok: \(check.documents) documents of \(check.origins.map(\.rawValue).joined(separator: ", ")) verify against the key histories in \(bundle)")
                return
            }
            var checked = 0
            var failed = 0
            for name in files.isEmpty ? [nil] : files.map(Optional.some) {
                let input = try InputFile.read(name)
                for entry in DocumentStream.entries(in: input.bytes) {
                    checked += 1
                    let place = "\(input.name) line \(entry.line)"
                    do {
                        let verified = try DocumentVerifier.verify(try entry.value.get())
                        let label = verified.document.map { "\($0.type) \($0.origin)/\($0.id) v\($0.version), " } ?? ""
                        let note = verified.document?.notUnderstood.map { "; this version of Tandem does not understand it: \($0)" } ?? ""
                        print("ok (\(place), \(label)signed by \(verified.signer)\(note))")
                    } catch {
                        failed += 1
                        print("invalid: \(error) (\(place))")
                    }
                }
            }
            guard checked > 0 else { throw CommandFailure("no document to verify in the input") }
            if failed > 0 { throw ExitCode(1) }
        }
    }
}

/// The documents of one input: a single JSON document (indented or not) or JSON Lines.
enum DocumentStream {
    struct Entry {
        let line: Int
        let value: Result<JSONValue, JSONParseError>
    }

    static func entries(in bytes: [UInt8]) -> [Entry] {
        do {
            return try JSONParser.parseSequence(bytes).map { Entry(line: $0.line, value: .success($0.value)) }
        } catch {
            // Malformed somewhere: read it line by line, so one bad line of JSON Lines does not hide
            // the others. A single indented document that is malformed reports its one error.
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            let firstLine = lines.first(where: { !$0.allSatisfy(isWhitespace) })
            guard let firstLine, (try? JSONParser.parse(Array(firstLine))) != nil else {
                return [Entry(line: 1, value: .failure(error))]
            }
            return lines.enumerated().compactMap { index, line in
                guard !line.allSatisfy(isWhitespace) else { return nil }
                return Entry(line: index + 1, value: Result { () throws(JSONParseError) in try JSONParser.parse(Array(line)) })
            }
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D
    }
}
