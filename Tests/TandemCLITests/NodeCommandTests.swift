import Foundation
import TandemTestSupport
import Testing

@Suite("tandem serve, token, export and import")
struct NodeCommandTests {
    let folder: String

    init() throws {
        folder = try temporaryFolder()
    }

    @Test("a bad config value or data folder stops serve with one line naming it")
    func badConfiguration() throws {
        try "node:\n  slug: Bad Slug\n".write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        try "node: [\n".write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
        #expect(FileManager.default.createFile(atPath: folder + "/blocker", contents: Data()))

        let cases: [([String], [String: String], String)] = [
            (["serve"], ["HTTP_PORT": "abc"], "Error: config key http.port: \"abc\" is not a port number (0 to 65535)"),
            (["serve", "--config", "bad.yaml"], [:], "Error: config key node.slug: \"Bad Slug\" is not a node slug"),
            (["serve", "--config", "broken.yaml"], [:], "Error: config file broken.yaml is not valid YAML"),
            (["serve", "--config", "absent.yaml"], [:], "Error: config file absent.yaml: no such file"),
            (["serve", "--data-dir", folder + "/blocker/data"], [:], "Error: config key data.dir: cannot create the data folder"),
            (["serve"], ["LOG_LEVEL": "loud"], "Error: config key log.level"),
        ]
        for (arguments, environment, message) in cases {
            let result = try TandemProcess.run(arguments, in: folder, environment: environment)
            #expect(result.status != 0)
            #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
    }

    @Test("token create prints the token alone, once; list shows names; revoke stops it")
    func tokens() throws {
        let data = ["--data-dir", folder + "/data"]

        let created = try TandemProcess.run(["token", "create", "--name", "Camille", "--role", "editor"] + data)
        let duplicate = try TandemProcess.run(["token", "create", "--name", "Camille", "--role", "editor"] + data)
        let listed = try TandemProcess.run(["token", "list"] + data)
        let revoked = try TandemProcess.run(["token", "revoke", "Camille"] + data)
        let again = try TandemProcess.run(["token", "revoke", "Camille"] + data)
        let listedAfter = try TandemProcess.run(["token", "list"] + data)

        let token = created.stdout.trimmingCharacters(in: .newlines)
        #expect(created.status == 0)
        #expect(created.lines.count == 1)
        #expect(token.hasPrefix("tdm_") && token.count > 40)
        #expect(duplicate.status != 0)
        #expect(duplicate.stderr == "Error: a token named \"Camille\" exists already (revoked tokens keep their name)\n")
        #expect(listed.stdout.hasPrefix("Camille\teditor\tcreated "))
        #expect(!listed.stdout.contains(token))
        #expect(revoked.stdout == "revoked Camille\n")
        #expect(again.stderr == "Error: no active token named \"Camille\"\n")
        #expect(listedAfter.stdout.contains("\trevoked "))
        let database = try Data(contentsOf: URL(fileURLWithPath: folder + "/data/tandem.sqlite"))
        #expect(database.range(of: Data(token.utf8)) == nil)
    }

    @Test("export writes signed documents that verify and import into another node; a bad line imports nothing")
    func exportImport() throws {
        let samples = try String(contentsOfFile: Samples.repositoryRoot.appendingPathComponent("Config/samples/paris.jsonl").path, encoding: .utf8)
        let count = Samples.paris

        let empty = try TandemProcess.run(["export", "--data-dir", folder + "/paris"])
        #expect(empty.status == 0)
        #expect(empty.stdout.isEmpty)

        // The node's own key: import takes this node's records only when its own key signed them.
        try FileManager.default.createDirectory(atPath: folder + "/paris", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = folder + "/paris/node.pem"
        _ = try TandemProcess.run(["keys", "generate", "--out", key])
        var signed = ""
        for line in samples.split(separator: "\n") {
            let sample = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let document: [String: Any] = [
                "type": sample["type"]!, "id": sample["id"]!, "origin": "paris", "version": 1, "updated": "2026-11-21T10:00:00Z",
                "visibility": sample["visibility"]!, "deleted": false, "content": sample["content"]!,
            ]
            let text = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            signed += try TandemProcess.run(["sign", "--key", key], stdin: text).stdout
        }
        try signed.write(toFile: folder + "/signed.jsonl", atomically: true, encoding: .utf8)

        let imported = try TandemProcess.run(["import", folder + "/signed.jsonl", "--data-dir", folder + "/paris"])
        let exported = try TandemProcess.run(["export", "--data-dir", folder + "/paris"])
        let verified = try TandemProcess.run(["verify"], stdin: exported.stdout)
        let csv = try TandemProcess.run(["export", "--format", "csv", "--data-dir", folder + "/paris"])
        let practices = try TandemProcess.run(["export", "--format", "csv", "--kind", "practices", "--data-dir", folder + "/paris"])
        let translations = try TandemProcess.run(["export", "--format", "csv", "--kind", "translations", "--data-dir", folder + "/paris"])
        let reimported = try TandemProcess.run(["import", folder + "/signed.jsonl", "--data-dir", folder + "/paris"])

        #expect(imported.stdout.hasPrefix("imported \(count) documents: \(count) new, 0 updated"), "\(imported.stderr)")
        #expect(exported.lines.count == count)
        #expect(verified.status == 0)
        #expect(verified.lines.allSatisfy { $0.hasPrefix("ok (") })
        #expect(csv.lines.first?.hasPrefix("origin,id,version,updated,title,summary") == true)
        #expect(csv.lines.count == 1 + 6)
        #expect(csv.stdout.contains("\"La Transfo, Ville de Paris\""))
        // A record it names reads as origin/id, a version of it as origin/id v1.
        #expect(practices.lines.first?.hasSuffix(",adapted_from") == true)
        #expect(practices.lines.contains { $0.hasSuffix(",mexico-city/7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e01") }, "\(practices.stdout)")
        #expect(translations.lines.first?.hasPrefix("origin,id,version,updated,translation_of,language,title,summary") == true)
        #expect(translations.lines.dropFirst().map { $0.split(separator: ",").prefix(6).dropFirst(4).joined(separator: ",") }
            == [
                "mexico-city/7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9e03 v1,fr", "paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c03 v1,en",
                "paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c03 v1,es",
            ], "\(translations.stdout)")
        #expect(reimported.stdout.hasPrefix("imported \(count) documents: 0 new, 0 updated, \(count) unchanged"))

        var lines = signed.split(separator: "\n").map(String.init)
        lines[4] = lines[4].replacingOccurrences(of: "\"version\":1", with: "\"version\":2")
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/tampered.jsonl", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/fresh", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.copyItem(atPath: key, toPath: folder + "/fresh/node.pem")
        let refused = try TandemProcess.run(["import", folder + "/tampered.jsonl", "--data-dir", folder + "/fresh"])
        let afterRefusal = try TandemProcess.run(["export", "--data-dir", folder + "/fresh"])

        #expect(refused.status != 0)
        #expect(refused.stderr.hasPrefix("Error: \(folder)/tampered.jsonl line 5: the signature does not match the document"))
        #expect(refused.stderr.hasSuffix("nothing was imported\n"))
        #expect(afterRefusal.stdout.isEmpty)
    }

    @Test("import obeys the trust rules: a record of this node signed by another key, or a stranger's, imports nothing")
    func importRefusesForgeries() throws {
        try FileManager.default.createDirectory(atPath: folder + "/paris", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        _ = try TandemProcess.run(["keys", "generate", "--out", folder + "/paris/node.pem"])
        _ = try TandemProcess.run(["keys", "generate", "--out", folder + "/forger.pem"])
        func signed(origin: String, id: String, key: String) throws -> String {
            let document = #"{"type": "CaseStudy", "id": "\#(id)", "origin": "\#(origin)", "version": 1, "updated": "2026-11-21T10:00:00Z", "visibility": "public", "deleted": false, "content": {"title": "Un faux", "summary": "Planté par courriel.", "language": "fr", "status": "idea"}}"#
            return try TandemProcess.run(["sign", "--key", key], stdin: document).stdout
        }
        let own = try signed(origin: "paris", id: "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c99", key: folder + "/paris/node.pem")
        let forged = try signed(origin: "paris", id: "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c98", key: folder + "/forger.pem")
        let stranger = try signed(origin: "lyon", id: "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c97", key: folder + "/forger.pem")
        try (own + forged).write(toFile: folder + "/forged.jsonl", atomically: true, encoding: .utf8)
        try (own + stranger).write(toFile: folder + "/stranger.jsonl", atomically: true, encoding: .utf8)
        try own.write(toFile: folder + "/own.jsonl", atomically: true, encoding: .utf8)

        let forgedImport = try TandemProcess.run(["import", folder + "/forged.jsonl", "--data-dir", folder + "/paris"])
        let strangerImport = try TandemProcess.run(["import", folder + "/stranger.jsonl", "--data-dir", folder + "/paris"])
        let afterRefusals = try TandemProcess.run(["export", "--data-dir", folder + "/paris"])
        let ownImport = try TandemProcess.run(["import", folder + "/own.jsonl", "--data-dir", folder + "/paris"])

        #expect(forgedImport.status == 1)
        #expect(forgedImport.stderr.contains("forged.jsonl line 2: signed by did:key:"), "\(forgedImport.stderr)")
        #expect(forgedImport.stderr.contains("which is not a key of any cohort member") && forgedImport.stderr.hasSuffix("nothing was imported\n"))
        #expect(strangerImport.status == 1)
        #expect(strangerImport.stderr.contains("stranger.jsonl line 2: lyon is not a member of the cohort"), "\(strangerImport.stderr)")
        #expect(afterRefusals.stdout.isEmpty)
        #expect(ownImport.status == 0 && ownImport.stdout.hasPrefix("imported 1 documents: 1 new"), "\(ownImport.stderr)")
    }

    @Test("serve runs from any folder with the binary alone: the built-in Paris config and its sample records")
    func servesFromAnyFolder() throws {
        let empty = try temporaryFolder()
        let port = LoopbackPort.free()!
        let serve = try ServeProcess(arguments: ["--data-dir", folder + "/data", "--port", String(port)], log: folder + "/serve.log", in: empty)
        defer { serve.stop() }

        let cases = try curl(["--cacert", folder + "/data/cert.pem", "https://127.0.0.1:\(port)/api/v1/cases"])

        #expect(serve.log.contains("Tandem node paris (La Transfo, Ville de Paris) listening on"), "\(serve.log)")
        #expect(serve.log.contains("loaded \(Samples.paris) sample records"))
        #expect(cases?.contains("Résilience lors des vagues de chaleur") == true, "\(cases ?? "no answer")")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty).isEmpty)
    }

    @Test("with log.format json, every line serve writes is one JSON object with a time, a level and a message")
    func jsonLogs() throws {
        let port = LoopbackPort.free()!
        let serve = try ServeProcess(
            arguments: ["--data-dir", folder + "/data", "--port", String(port)], log: folder + "/serve.log",
            environment: ["LOG_FORMAT": "json", "LOG_LEVEL": "debug"])
        _ = try curl(["--cacert", folder + "/data/cert.pem", "https://127.0.0.1:\(port)/api/v1/nope"])
        serve.stop()

        let lines = serve.log.split(separator: "\n")
        #expect(lines.count >= 5)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"signing key: did:key:"#) })
        #expect(lines.contains { $0.contains(#""level":"debug""#) })
    }
}
