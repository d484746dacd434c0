import Foundation
import Testing

@Suite("tandem keys, sign and verify")
struct SigningCommandTests {
    let folder: String

    init() throws {
        folder = try temporaryFolder()
    }

    static let caseStudy = #"""
        {"type": "CaseStudy", "id": "0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11", "origin": "paris", "version": 1,
         "updated": "2026-11-21T10:00:00Z", "visibility": "public", "deleted": false,
         "content": {"title": "Médiation numérique en bibliothèque 📚", "summary": "Des agents formés accompagnent les usagers éloignés du numérique.",
                     "language": "fr", "status": "pilot", "city": "Paris", "country": "FR", "tags": ["médiation", "bibliothèques"]}}
        """#

    func generateKey(_ name: String = "node.pem") throws -> (path: String, did: String) {
        let result = try TandemProcess.run(["keys", "generate", "--out", name], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return (folder + "/" + name, result.stdout.trimmingCharacters(in: .newlines))
    }

    @Test("keys generate writes a 0600 key and prints its did:key; keys show prints the same")
    func generateAndShow() throws {
        let (path, did) = try generateKey()

        let shown = try TandemProcess.run(["keys", "show", path])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int

        #expect(did.hasPrefix("did:key:z6Mk"))
        #expect(shown.stdout == did + "\n")
        #expect(mode == 0o600)
        #expect(!shown.stdout.contains("PRIVATE"))
    }

    @Test("keys generate never overwrites a key")
    func noOverwrite() throws {
        let (path, _) = try generateKey()
        let before = try String(contentsOfFile: path, encoding: .utf8)

        let again = try TandemProcess.run(["keys", "generate", "--out", path])

        #expect(again.status != 0)
        #expect(again.stderr == "Error: cannot create key file \(path): the file already exists (a key is never overwritten)\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
    }

    @Test("a world-readable, missing or bogus key file stops the command with one line")
    func badKeyFiles() throws {
        let (path, _) = try generateKey()
        chmod(path, 0o644)
        let bogus = folder + "/bogus.pem"
        #expect(FileManager.default.createFile(atPath: bogus, contents: Data("hello".utf8), attributes: [.posixPermissions: 0o600]))

        for (arguments, message) in [
            (["keys", "show", path], "has mode 644; other users may read it"),
            (["sign", "--key", path], "has mode 644; other users may read it"),
            (["keys", "show", folder + "/absent.pem"], "no such file"),
            (["keys", "show", bogus], "not a PEM private key"),
        ] {
            let result = try TandemProcess.run(arguments, stdin: Self.caseStudy)
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }

    @Test("a document signed by tandem sign verifies with tandem verify, including text outside the BMP")
    func signThenVerify() throws {
        let (key, did) = try generateKey()

        let signed = try TandemProcess.run(["sign", "--key", key], stdin: Self.caseStudy)
        try signed.stdout.write(toFile: folder + "/signed.json", atomically: true, encoding: .utf8)
        let verified = try TandemProcess.run(["verify", folder + "/signed.json"])

        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.lines.count == 1)
        #expect(signed.stdout.contains("\"verificationMethod\":\"\(did)#"))
        #expect(verified.status == 0)
        #expect(verified.stdout == "ok (\(folder)/signed.json line 1, CaseStudy paris/0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11 v1, signed by \(did))\n")
    }

    @Test("the W3C signed vector verifies, and fails once any value in it is changed")
    func w3cVector() throws {
        let url = try #require(Bundle.module.url(forResource: "Vectors/signedJCS", withExtension: "json"))
        let original = try String(contentsOf: url, encoding: .utf8)

        let accepted = try TandemProcess.run(["verify", url.path])
        let altered = try TandemProcess.run(["verify"], stdin: original.replacingOccurrences(of: "The School of Examples", with: "The School of Exemples"))

        #expect(accepted.status == 0)
        #expect(accepted.stdout.hasPrefix("ok ("))
        #expect(altered.status == 1)
        #expect(altered.stdout.hasPrefix("invalid: the signature does not match the document"))
    }

    @Test("JSON Lines: one line per document, bad ones named, exit 1 when any failed")
    func jsonLines() throws {
        let (key, _) = try generateKey()
        let first = try TandemProcess.run(["sign", "--key", key], stdin: Self.caseStudy).stdout
        let second = try TandemProcess.run(["sign", "--key", key], stdin: #"{"note": "hors Tandem", "n": 1}"#).stdout
        let tampered = first.replacingOccurrences(of: "\"version\":1", with: "\"version\":2")
        let lines = first + second + tampered + "{\"broken\": \n" + "\n"

        let result = try TandemProcess.run(["verify"], stdin: lines)

        #expect(result.status == 1)
        try #require(result.lines.count == 4)
        #expect(result.lines[0].hasPrefix("ok (stdin line 1, CaseStudy"))
        #expect(result.lines[1].hasPrefix("ok (stdin line 2, signed by did:key:"))
        #expect(result.lines[2].hasPrefix("invalid: the signature does not match the document"))
        #expect(result.lines[2].hasSuffix("(stdin line 3)"))
        #expect(result.lines[3] == "invalid: malformed JSON at line 1, column 12: unexpected end of input, expected a value (stdin line 4)")
    }

    @Test("bad input to verify gets a reason and a non-zero exit, never a crash")
    func badInput() throws {
        let cases: [(String, String)] = [
            ("{\n  \"a\": [1, 2,\n}", "invalid: malformed JSON at line 3, column 1: unexpected character '}', expected a value (stdin line 1)"),
            ("[1, 2]", "invalid: a document must be a JSON object, not a array (stdin line 1)"),
            (#"{"name": "no proof"}"#, "invalid: the document has no proof (stdin line 1)"),
            (
                #"{"type": "CaseStudy", "origin": "Paris"}"#,
                "invalid: not a valid Tandem document: id: is required; origin: must be a node slug such as \"paris\" or \"mexico-city\"; version: is required; updated: is required; visibility: is required; deleted: is required; content: is required; proof: is required (stdin line 1)"
            ),
        ]
        for (input, expected) in cases {
            let result = try TandemProcess.run(["verify"], stdin: input)
            #expect(result.status == 1)
            #expect(result.stdout == expected + "\n")
        }
        let empty = try TandemProcess.run(["verify"], stdin: "  \n")
        #expect(empty.status != 0)
        #expect(empty.stderr == "Error: no document to verify in the input\n")
        let missing = try TandemProcess.run(["verify", folder + "/absent.json"])
        #expect(missing.status != 0)
        #expect(missing.stderr == "Error: \(folder)/absent.json: no such file\n")
    }

    @Test("sign refuses an invalid Tandem document, malformed JSON, and a document already signed")
    func signRefusals() throws {
        let (key, _) = try generateKey()
        let signed = try TandemProcess.run(["sign", "--key", key], stdin: Self.caseStudy).stdout

        let invalid = try TandemProcess.run(["sign", "--key", key], stdin: Self.caseStudy.replacingOccurrences(of: "\"pilot\"", with: "\"done\""))
        let malformed = try TandemProcess.run(["sign", "--key", key], stdin: "{\"a\": }")
        let twice = try TandemProcess.run(["sign", "--key", key], stdin: signed)

        #expect(invalid.status != 0)
        #expect(invalid.stderr.hasPrefix("Error: stdin: not a valid Tandem document: content.status: must be one of \"idea\""))
        #expect(malformed.stderr == "Error: stdin: malformed JSON at line 1, column 7: unexpected character '}', expected a value\n")
        #expect(twice.stderr == "Error: stdin: the document already has a proof\n")
        #expect([invalid, malformed, twice].allSatisfy { $0.stdout.isEmpty && $0.status != 0 })
    }
}
