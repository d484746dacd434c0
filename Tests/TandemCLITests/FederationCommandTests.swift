import Foundation
import TandemTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `tandem serve` process on a free port, stopped with SIGTERM (or killed) by the test. What it
/// prints goes to a file, so a chatty log level never fills a pipe and stalls it.
final class ServeProcess {
    let process = Process()
    let logPath: String

    convenience init(config: String, environment: [String: String] = [:]) throws {
        try self.init(arguments: ["--config", config], log: config + "." + UUID().uuidString + ".log", environment: environment)
    }

    /// `tandem serve` with `arguments`, run in `folder` (default: this one), writing to `log`.
    /// `tandem serve` with `arguments`, run in `folder` (default: this one), writing to `log`; with
    /// `fileSizeLimit`, under that limit on the size of the files it writes (see `TandemProcess.command`).
    init(arguments: [String], log logPath: String, in folder: String? = nil, environment: [String: String] = [:], fileSizeLimit: Int? = nil) throws {
        self.logPath = logPath
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        (process.executableURL, process.arguments) = try TandemProcess.command(["serve"] + arguments, fileSizeLimit: fileSizeLimit)
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        // Wait for the line that says it listens (or for the process to end).
        while !self.log.contains("listening on") {
            guard process.isRunning else { throw TestFailure("serve ended before listening: \(self.log)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Everything it has printed so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// Runs curl (installed by .ci/run) and returns its output; nil when the request failed.
func curl(_ arguments: [String]) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["curl", "-sS", "--fail-with-body"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

/// Three nodes run as a new user runs them: configs, `keys entry` for the directory, `serve`,
/// curl for the writes, `sync`, `status`, `quarantine list`, `keys rotate`, `export | verify`.
@Suite("tandem sync, status, quarantine and keys rotate, with real node processes", .serialized)
struct FederationCommandTests {
    let folder: String

    init() throws {
        folder = try temporaryFolder()
    }

    static func freePort() -> Int { LoopbackPort.free()! }

    static var samples: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/samples").path
    }

    /// Writes `<slug>.yaml` for each city and the cohort directory from `tandem keys entry`.
    func makeCohort(_ cities: [(slug: String, samples: String?, peers: String?)]) throws -> [String: Int] {
        var ports: [String: Int] = [:]
        var entries: [String] = []
        for city in cities {
            let port = Self.freePort()
            ports[city.slug] = port
            var yaml = "node:\n  slug: \(city.slug)\n  city: \(city.slug)\nhttp:\n  port: \(port)\ndata:\n  dir: \(folder)/\(city.slug)\n"
            yaml += "federation:\n  directory: cohort.yaml\nsync:\n  interval: 0\n  pageSize: 50\n"
            if let peers = city.peers { yaml += "  peers: \(peers)\n" }
            if let samples = city.samples { yaml += "samples:\n  file: \(samples)\n" }
            try yaml.write(toFile: "\(folder)/\(city.slug).yaml", atomically: true, encoding: .utf8)
            let entry = try TandemProcess.run(["keys", "entry", "--config", "\(folder)/\(city.slug).yaml"])
            #expect(entry.status == 0, "\(entry.stderr)")
            entries.append(entry.stdout)
        }
        try ("cohort: cli-test\nmembers:\n" + entries.joined()).write(toFile: folder + "/cohort.yaml", atomically: true, encoding: .utf8)
        return ports
    }

    func config(_ slug: String) -> [String] { ["--config", "\(folder)/\(slug).yaml"] }

    /// (origin/id, version) of every record a node holds, from `tandem export`.
    func held(_ slug: String) throws -> [String: Int] {
        let export = try TandemProcess.run(["export"] + config(slug))
        var records: [String: Int] = [:]
        for line in export.lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            records["\(object["origin"]!)/\(object["id"]!)"] = object["version"] as? Int
        }
        return records
    }

    func post(_ title: String, to slug: String, port: Int, token: String) throws -> String {
        let body = #"{"content": {"title": "\#(title)", "summary": "Écrit par un test.", "language": "fr", "status": "pilot"}}"#
        let reply = try #require(try curl([
            "--cacert", "\(folder)/\(slug)/cert.pem", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
            "-d", body, "https://127.0.0.1:\(port)/api/v1/cases",
        ]))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])
        return try #require((object["document"] as? [String: Any])?["id"] as? String)
    }

    @Test("three node processes converge through tandem sync; a down peer fails alone; a rotated key keeps old records valid")
    func threeNodesConverge() throws {
        let ports = try makeCohort([
            ("paris", Self.samples + "/paris.jsonl", nil), ("mexico-city", Self.samples + "/mexico-city.jsonl", nil),
            ("rennes", Self.samples + "/rennes.jsonl", "paris"),
        ])
        var nodes = try ["paris", "mexico-city", "rennes"].reduce(into: [String: ServeProcess]()) { $0[$1] = try ServeProcess(config: "\(folder)/\($1).yaml") }
        defer { nodes.values.forEach { $0.stop() } }

        let token = try TandemProcess.run(["token", "create", "--name", "test"] + config("mexico-city")).stdout.trimmingCharacters(in: .newlines)
        let written = try post("Mercado de ideas", to: "mexico-city", port: ports["mexico-city"]!, token: token)
        _ = try #require(try curl([
            "--cacert", "\(folder)/mexico-city/cert.pem", "-H", "Authorization: Bearer \(token)", "-X", "DELETE",
            "https://127.0.0.1:\(ports["mexico-city"]!)/api/v1/cases/mexico-city/\(written)",
        ]))

        let paris = try TandemProcess.run(["sync"] + config("paris"))
        #expect(paris.status == 0, "\(paris.stdout)\(paris.stderr)")
        #expect(paris.lines.first == "syncing paris with mexico-city, rennes")
        #expect(paris.lines.contains { $0.hasPrefix("mexico-city: \(Samples.mexicoCity + 1) new, 0 updated, 1 deleted, 0 rejected (1 page, 2 requests, ") })
        #expect(paris.lines.contains { $0.hasPrefix("rennes: \(Samples.rennes) new, 0 updated, 0 deleted, 0 rejected") })
        #expect(paris.lines.last?.hasPrefix("synced 2 of 2 peers in ") == true)
        let mexico = try TandemProcess.run(["sync", "--json"] + config("mexico-city"))
        #expect(mexico.status == 0 && mexico.lines.count == 2, "\(mexico.stdout)")
        #expect(mexico.lines.allSatisfy { $0.hasPrefix("{") && $0.contains(#""ok":true"#) })
        let rennes = try TandemProcess.run(["sync"] + config("rennes"))
        #expect(rennes.lines.contains { $0.hasPrefix("paris: \(Samples.paris + Samples.mexicoCity + 1) new,") }, "\(rennes.stdout)")

        let expected = try held("paris")
        #expect(expected.count == Samples.paris + Samples.mexicoCity + 1 + Samples.rennes)
        #expect(try held("mexico-city") == expected)
        #expect(try held("rennes") == expected)
        #expect(expected["mexico-city/\(written)"] == 2)
        let verified = try TandemProcess.run(["verify"], stdin: try TandemProcess.run(["export"] + config("rennes")).stdout)
        #expect(verified.status == 0 && verified.lines.count == expected.count && verified.lines.allSatisfy { $0.hasPrefix("ok") }, "\(verified.stdout)")

        // Mexico City goes down: Paris' sync says so, exits 1, and still syncs Rennes.
        nodes["mexico-city"]?.stop()
        let partial = try TandemProcess.run(["sync"] + config("paris"))
        #expect(partial.status == 1)
        #expect(partial.lines.contains { $0.hasPrefix("mexico-city: failed after ") && $0.contains("unreachable") }, "\(partial.stdout)")
        #expect(partial.lines.contains { $0.hasPrefix("rennes: 0 new") })
        let status = try TandemProcess.run(["status"] + config("paris"))
        #expect(status.lines.contains { $0.hasPrefix("  mexico-city — \(Samples.mexicoCity) records held, last success 20") && $0.contains("last error") && $0.contains("Connection refused") }, "\(status.stdout)")
        #expect(status.lines.contains { $0.hasPrefix("  paris (this node) — \(Samples.paris) records") })
        #expect(try TandemProcess.run(["quarantine", "list"] + config("paris")).stdout == "nothing in quarantine\n")

        // Rotation: refused while serving; then the new key signs, and Rennes keeps both generations valid.
        let busy = try TandemProcess.run(["keys", "rotate"] + config("paris"))
        #expect(busy.status != 0 && busy.stderr.contains("tandem serve is running"))
        nodes["paris"]?.stop()
        let rotated = try TandemProcess.run(["keys", "rotate"] + config("paris"))
        #expect(rotated.status == 0 && rotated.lines.first == "rotated the key of paris:", "\(rotated.stderr)")
        nodes["paris"] = try ServeProcess(config: "\(folder)/paris.yaml")
        let parisToken = try TandemProcess.run(["token", "create", "--name", "test"] + config("paris")).stdout.trimmingCharacters(in: .newlines)
        let afterRotation = try post("Après la rotation", to: "paris", port: ports["paris"]!, token: parisToken)
        let again = try TandemProcess.run(["sync"] + config("rennes"))
        #expect(again.status == 0 && again.lines.contains { $0.hasPrefix("paris: 1 new,") }, "\(again.stdout)")
        let export = try TandemProcess.run(["export"] + config("rennes")).stdout
        let checked = try TandemProcess.run(["verify"], stdin: export)
        #expect(try held("rennes")["paris/\(afterRotation)"] == 1)
        #expect(checked.status == 0 && checked.lines.count == expected.count + 1, "\(checked.stdout)")
    }

    @Test("a sync killed with SIGKILL at random points: each time the store checks out and its cursor covers only stored records; the next run completes")
    func killedSyncResumes() throws {
        let count = 1500
        var lines: [String] = []
        for index in 0..<count {
            lines.append(#"{"type": "CaseStudy", "id": "\#(UUID().uuidString.lowercased())", "visibility": "public", "content": {"title": "Cas numéro \#(index)", "summary": "Un cas pour remplir le flux.", "language": "fr", "status": "idea"}}"#)
        }
        try lines.joined(separator: "\n").write(toFile: folder + "/many.jsonl", atomically: true, encoding: .utf8)
        let ports = try makeCohort([("paris", folder + "/many.jsonl", nil), ("mexico-city", nil, nil)])
        let paris = try ServeProcess(config: "\(folder)/paris.yaml")
        defer { paris.stop() }

        // How long a whole sync takes here; kill points are drawn from that span. A run that ends
        // before its kill point (there was little left) starts the next one from an empty store.
        let started = Date()
        #expect(try TandemProcess.run(["sync"] + config("mexico-city")).status == 0)
        let duration = Date().timeIntervalSince(started)
        func emptyStore() throws {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: "\(folder)/mexico-city/tandem.sqlite\(suffix)") }
        }
        try emptyStore()
        let delays = (0..<8).map { _ in Double.random(in: 0.05...max(0.1, duration * 0.9)) }
        print("crash test: a whole sync takes \(String(format: "%.2f", duration)) s; killing tandem sync after \(delays.map { String(format: "%.2f s", $0) }.joined(separator: ", "))")
        var kills = 0
        for delay in delays {
            let process = Process()
            process.executableURL = try TandemProcess.executable
            process.arguments = ["sync"] + config("mexico-city")
            process.standardOutput = Pipe()
            process.standardError = Pipe()
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            let killed = process.isRunning
            if killed {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()

            // SQLite's integrity check, the search index and every stored record's proof.
            let check = try TandemProcess.run(["check"] + config("mexico-city"))
            #expect(check.status == 0 && check.stdout.contains("store ok"), "after a kill at \(delay) s: \(check.stdout) \(check.stderr)")
            // Every document of Paris's feed up to the saved cursor is stored: the cursor never runs ahead.
            if let line = check.lines.first(where: { $0.hasPrefix("paris: resumes after position ") }) {
                let position = try #require(Int(line.split(separator: " ")[4]), "\(line)")
                let fed = try feed(port: try #require(ports["paris"]), slug: "paris", upTo: position)
                let held = try held("mexico-city")
                #expect(fed.count == position)
                #expect(fed.filter { held[$0] == nil }.isEmpty, "after a kill at \(delay) s the cursor says \(position) but \(fed.filter { held[$0] == nil }.count) of those are not stored")
            }
            if !killed { try emptyStore() }
        }
        #expect(kills > 0, "no run was still going at its kill point")
        let final = try TandemProcess.run(["sync"] + config("mexico-city"))
        #expect(final.status == 0, "\(final.stdout)")
        #expect(try held("mexico-city").count == count, "after \(kills) kills: \(final.stdout)")
        #expect(try TandemProcess.run(["check"] + config("mexico-city")).stdout.contains("store ok: integrity ok, search index ok, \(count) records verified"))
        let status = try TandemProcess.run(["status", "--json"] + config("mexico-city"))
        #expect(status.lines.contains { $0.contains(#""slug":"paris""#) && $0.contains(#""lag":0"#) })
        print("crash test: \(kills) kills of \(delays.count) runs; final sync: \(final.stdout.split(separator: "\n").first ?? "")")
    }

    @Test("a full workout (serve at trace level, tokens, edits, bad credentials, a sync) shows no token and no private key anywhere")
    func secretsStaySecret() throws {
        let ports = try makeCohort([("paris", Self.samples + "/paris.jsonl", nil), ("mexico-city", Self.samples + "/mexico-city.jsonl", nil)])
        let trace = ["LOG_LEVEL": "trace"]
        let nodes = try ["paris", "mexico-city"].map { try ServeProcess(config: "\(folder)/\($0).yaml", environment: trace) }
        defer { nodes.forEach { $0.stop() } }

        // Everything a user or an operator would see: command output, then every answer, headers included.
        var seen: [(String, String)] = []
        func tandem(_ arguments: [String]) throws -> TandemProcess.Output {
            let output = try TandemProcess.run(arguments, environment: trace)
            seen.append(("tandem \(arguments.joined(separator: " "))", output.stdout + output.stderr))
            return output
        }
        func call(_ slug: String, _ method: String, _ path: String, headers: [String] = [], body: String? = nil) throws -> String {
            var arguments = ["-sS", "-i", "-X", method, "--cacert", "\(folder)/\(slug)/cert.pem"]
            for header in headers { arguments += ["-H", header] }
            if let body { arguments += ["-H", "Content-Type: application/json", "-d", body] }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["curl"] + arguments + ["https://127.0.0.1:\(ports[slug]!)\(path)"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let reply = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            seen.append(("\(method) \(slug)\(path)", reply))
            return reply
        }

        // `token create` prints the token, once, to its maker: that output is the one place it belongs.
        func newToken(_ name: String, _ slug: String) throws -> String {
            let output = try TandemProcess.run(["token", "create", "--name", name] + config(slug), environment: trace)
            #expect(output.status == 0 && output.lines.count == 1, "\(output.stdout)\(output.stderr)")
            return output.stdout.trimmingCharacters(in: .newlines)
        }
        let token = try newToken("editor", "paris")
        let former = try newToken("former", "paris")
        let partnerToken = try newToken("editor", "mexico-city")
        #expect(try tandem(["token", "revoke", "former"] + config("paris")).status == 0)
        _ = try tandem(["token", "list"] + config("paris"))

        let body = #"{"visibility": "cohort", "content": {"title": "Atelier secret", "summary": "Réservé à la cohorte.", "language": "fr", "status": "pilot"}}"#
        let created = try call("paris", "POST", "/api/v1/cases", headers: ["Authorization: Bearer \(token)"], body: body)
        #expect(created.hasPrefix("HTTP/1.1 201"), "\(created)")
        let id = try #require(created.range(of: #""id":"[0-9a-f-]{36}""#, options: .regularExpression).map { String(created[$0].dropFirst(6).dropLast()) })
        _ = try call("paris", "PUT", "/api/v1/cases/paris/\(id)", headers: ["Authorization: Bearer \(token)", "If-Match: \"v1\""], body: body)
        _ = try call("paris", "GET", "/api/v1/cases/paris/\(id)", headers: ["Authorization: Bearer \(token)"])
        _ = try call("paris", "GET", "/api/v1/cases?q=atelier", headers: ["Authorization: Bearer \(token)"])
        _ = try call("mexico-city", "POST", "/api/v1/cases", headers: ["Authorization: Bearer \(partnerToken)"], body: body)
        // Bad credentials: revoked, unknown, without "Bearer", in a query string.
        for header in ["Authorization: Bearer \(former)", "Authorization: Bearer \(token)x", "Authorization: \(token)", "Authorization: Basic \(token)"] {
            #expect(try call("paris", "POST", "/api/v1/cases", headers: [header], body: body).hasPrefix("HTTP/1.1 401"))
        }
        _ = try call("paris", "GET", "/api/v1/cases?token=\(token)")
        for path in ["/api/v1/nodes", "/metrics", "/federation/v1/node", "/federation/v1/changes", "/healthz", "/openapi.json"] {
            _ = try call("paris", "GET", path, headers: ["Authorization: Bearer \(token)"])
        }
        #expect(try tandem(["sync"] + config("mexico-city")).status == 0)
        #expect(try tandem(["sync"] + config("paris")).status == 0)
        _ = try call("paris", "DELETE", "/api/v1/cases/paris/\(id)", headers: ["Authorization: Bearer \(token)"])
        for command in [["status"], ["status", "--json"], ["quarantine", "list"], ["export"], ["keys", "entry"], ["check"]] {
            _ = try tandem(command + config("paris"))
        }
        _ = try tandem(["keys", "show", "\(folder)/paris/node.pem"])
        nodes.forEach { $0.stop() }
        for (slug, node) in zip(["paris", "mexico-city"], nodes) { seen.append(("the \(slug) node's log", node.log)) }

        // The secrets, in every spelling they could leak in.
        var secrets: [(String, String)] = [("paris's editor token", token), ("the revoked token", former), ("mexico-city's token", partnerToken)]
        for slug in ["paris", "mexico-city"] {
            let path = "\(folder)/\(slug)/node.pem"
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, "\(path) is not 0600")
            let pem = try String(contentsOfFile: path, encoding: .utf8)
            let base64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            let der = try #require(Data(base64Encoded: base64))
            let seed = der.suffix(32)
            secrets += [
                ("\(slug)'s key file", base64),
                ("\(slug)'s private key in hex", seed.map { String(format: "%02x", $0) }.joined()),
                ("\(slug)'s private key in base64", String(seed.base64EncodedString().dropLast())),
                ("\(slug)'s private key in base64url",
                    String(seed.base64EncodedString().dropLast().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))),
            ]
        }
        #expect(seen.count >= 25)
        #expect(nodes[0].log.contains("trace"), "the log was not at trace level: \(nodes[0].log.prefix(500))")
        for (source, text) in seen {
            // Issue.record, not #expect: a failure must not print the text, and the secret with it.
            for (secret, value) in secrets where text.contains(value) { Issue.record("\(source) shows \(secret)") }
        }
        // Tokens are stored only as hashes: not in the database file or its write-ahead log.
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/paris/tandem.sqlite\(suffix)"))) ?? Data()
            #expect(bytes.range(of: Data(token.utf8)) == nil && bytes.range(of: Data(former.utf8)) == nil, "tandem.sqlite\(suffix) holds a token")
        }
        print("secrets test: \(seen.count) outputs, answers and logs (\(seen.map(\.1.utf8.count).reduce(0, +)) bytes) searched for \(secrets.count) secret spellings")
    }

    /// origin/id of the first `count` documents of a node's feed, read anonymously over HTTPS.
    func feed(port: Int, slug: String, upTo count: Int) throws -> [String] {
        var documents: [String] = []
        var since: String?
        while documents.count < count {
            let limit = min(1000, count - documents.count)
            let url = "https://127.0.0.1:\(port)/federation/v1/changes?limit=\(limit)" + (since.map { "&since=\($0)" } ?? "")
            let body = try #require(try curl(["--cacert", "\(folder)/\(slug)/cert.pem", url]))
            let page = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            let items = try #require(page["items"] as? [[String: Any]])
            guard !items.isEmpty else { break }
            documents += items.map { "\($0["origin"]!)/\($0["id"]!)" }
            since = page["next"] as? String
        }
        return documents
    }
}

@Suite("tandem demo")
struct DemoCommandTests {
    @Test("demo, run from a folder with no Config (the binary alone), starts three cities, syncs them once, prints what to try, and Ctrl-C stops all three")
    func demo() throws {
        let folder = try temporaryFolder()
        let base = 20000 + Int.random(in: 0..<30000)
        let process = Process()
        process.executableURL = try TandemProcess.executable
        process.currentDirectoryURL = URL(fileURLWithPath: try temporaryFolder())
        process.arguments = ["demo", "--dir", folder, "--base-port", String(base)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var seen = ""
        while !seen.contains("Ctrl-C stops all three nodes.") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            seen += String(decoding: data, as: UTF8.self)
        }
        // What the demo says it did, it did: the records are there over HTTPS, checked with the printed certificate.
        let relayed = try curl(["--cacert", folder + "/rennes/cert.pem", "https://127.0.0.1:\(base + 2)/api/v1/cases?origin=mexico-city"])
        let rennes = { (path: String) throws -> [String: Any] in
            let body = try #require(try curl(["--cacert", folder + "/rennes/cert.pem", "https://127.0.0.1:\(base + 2)/api/v1/" + path]), "\(path)")
            return try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(path)")
        }
        // Every read the demo prints to try answers, as printed (the writes need a token made first).
        let reads = seen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("curl --cacert ") && !$0.contains(" -H ") }
        #expect(reads.count >= 10, "\(reads)")
        for line in reads {
            let words = line.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
            #expect(try curl(Array(words.dropFirst())) != nil, "\(line)")
        }
        // Rennes, after one round, answers a Paris case in Spanish with the Mexico City lab's translation and the version it translates.
        let heatwave = "cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01"
        let inSpanish = try rennes(heatwave + "?lang=es")
        let original = try #require(inSpanish["document"] as? [String: Any])
        let translation = try #require(inSpanish["translation"] as? [String: Any], "\(inSpanish)")
        let translated = try #require(translation["document"] as? [String: Any])
        #expect((original["content"] as? [String: Any])?["language"] as? String == "fr")
        #expect(translated["origin"] as? String == "mexico-city" && translation["language"] as? String == "es")
        #expect(translation["translates"] as? Int == original["version"] as? Int && translation["stale"] as? Bool == false)
        // A Spanish word finds that case, written only in French, through its translation.
        let search = try #require(try rennes("cases?q=calor")["items"] as? [[String: Any]])
        let found = try #require(search.first { ($0["document"] as? [String: Any])?["id"] as? String == "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01" })
        #expect(!String(describing: original["content"]!).contains("calor"))
        #expect((found["match"] as? [String: Any])?["in"] as? String == "translation" && (found["match"] as? [String: Any])?["language"] as? String == "es")
        // Paris' jobs hackathon, adapted by Mexico City, then by Rennes, reads as a tree.
        let tree = try rennes("cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c04/adaptations")
        let byMexico = try #require((tree["items"] as? [[String: Any]])?.first, "\(tree)")
        #expect(byMexico["origin"] as? String == "mexico-city" && byMexico["held"] as? Bool == true)
        #expect((byMexico["adaptations"] as? [[String: Any]])?.first?["origin"] as? String == "rennes", "\(tree)")
        // Each facet count is what the list gives with that filter.
        let facets = try #require(try rennes("cases?facets=city,country,status,method,policyArea,language")["facets"] as? [String: [String: Int]])
        #expect(facets.keys.sorted() == ["city", "country", "language", "method", "policyArea", "status"])
        for (facet, counts) in facets {
            for (value, count) in counts {
                let query = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                let listed = try #require(try rennes("cases?limit=100&\(facet)=\(query)")["items"] as? [[String: Any]])
                #expect(listed.count == count, "\(facet)=\(value)")
            }
        }
        // Spanish: Mexico City's 3 cases, Mexico City's translation of the Paris heat-wave case, Paris' own of its citizen card case.
        #expect(facets["language"]?["es"] == 5 && facets["city"]?["Paris"] == 5, "\(facets)")
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        #expect(seen.contains("  paris pulled from mexico-city: \(Samples.mexicoCity) new, 0 updated, 0 deleted, 0 rejected"), "\(seen)")
        #expect(seen.contains("  rennes pulled from paris: \(Samples.paris + Samples.mexicoCity) new, 0 updated, 0 deleted, 0 rejected"), "\(seen)")
        #expect(seen.contains("curl --cacert \(folder)/rennes/cert.pem 'https://127.0.0.1:\(base + 2)/api/v1/\(heatwave)?lang=es'"))
        #expect(seen.contains("curl --cacert \(folder)/rennes/cert.pem 'https://127.0.0.1:\(base + 2)/api/v1/cases?origin=mexico-city'"))
        #expect(relayed?.contains(#""receivedFrom":"paris""#) == true, "\(relayed ?? "no answer")")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/cohort.yaml"))
        let status = try TandemProcess.run(["status", "--config", folder + "/rennes.yaml"])
        #expect(status.lines.contains { $0.hasPrefix("  paris — \(Samples.paris) records held, last success ") }, "\(status.stdout)")
    }
}
