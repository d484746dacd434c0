import Foundation
import TandemFederation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A `tandem serve` process on a free port, stopped with SIGTERM (or killed) by the test.
final class ServeProcess {
    let process = Process()
    let output = Pipe()

    init(config: String) throws {
        process.executableURL = try TandemProcess.executable
        process.arguments = ["serve", "--config", config]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Wait for the line that says it listens (or for the process to end).
        var seen = ""
        while !seen.contains("listening on") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { throw TestFailure("serve ended before listening: \(seen)") }
            seen += String(decoding: data, as: UTF8.self)
        }
    }

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
        #expect(paris.lines.contains { $0.hasPrefix("mexico-city: 4 new, 0 updated, 1 deleted, 0 rejected (1 page, 2 requests, ") })
        #expect(paris.lines.contains { $0.hasPrefix("rennes: 2 new, 0 updated, 0 deleted, 0 rejected") })
        #expect(paris.lines.last?.hasPrefix("synced 2 of 2 peers in ") == true)
        let mexico = try TandemProcess.run(["sync", "--json"] + config("mexico-city"))
        #expect(mexico.status == 0 && mexico.lines.count == 2, "\(mexico.stdout)")
        #expect(mexico.lines.allSatisfy { $0.hasPrefix("{") && $0.contains(#""ok":true"#) })
        let rennes = try TandemProcess.run(["sync"] + config("rennes"))
        #expect(rennes.lines.contains { $0.hasPrefix("paris: 15 new,") }, "\(rennes.stdout)")

        let expected = try held("paris")
        #expect(expected.count == 11 + 4 + 2)
        #expect(try held("mexico-city") == expected)
        #expect(try held("rennes") == expected)
        #expect(expected["mexico-city/\(written)"] == 2)
        let verified = try TandemProcess.run(["verify"], stdin: try TandemProcess.run(["export"] + config("rennes")).stdout)
        #expect(verified.status == 0 && verified.lines.count == 17 && verified.lines.allSatisfy { $0.hasPrefix("ok") }, "\(verified.stdout)")

        // Mexico City goes down: Paris' sync says so, exits 1, and still syncs Rennes.
        nodes["mexico-city"]?.stop()
        let partial = try TandemProcess.run(["sync"] + config("paris"))
        #expect(partial.status == 1)
        #expect(partial.lines.contains { $0.hasPrefix("mexico-city: failed after ") && $0.contains("unreachable") }, "\(partial.stdout)")
        #expect(partial.lines.contains { $0.hasPrefix("rennes: 0 new") })
        let status = try TandemProcess.run(["status"] + config("paris"))
        #expect(status.lines.contains { $0.hasPrefix("  mexico-city — 3 records held, last success 20") && $0.contains("last error") && $0.contains("Connection refused") }, "\(status.stdout)")
        #expect(status.lines.contains { $0.hasPrefix("  paris (this node) — 11 records") })
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
        #expect(checked.status == 0 && checked.lines.count == 18, "\(checked.stdout)")
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
    @Test("demo starts three cities, syncs them once, prints what to try, and Ctrl-C stops all three")
    func demo() throws {
        let folder = try temporaryFolder()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let base = 20000 + Int.random(in: 0..<30000)
        let process = Process()
        process.executableURL = try TandemProcess.executable
        process.arguments = ["demo", "--dir", folder, "--configs", root + "/Config", "--base-port", String(base)]
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
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        #expect(seen.contains("  paris pulled from mexico-city: 3 new, 0 updated, 0 deleted, 0 rejected"), "\(seen)")
        #expect(seen.contains("  rennes pulled from paris: 14 new, 0 updated, 0 deleted, 0 rejected"), "\(seen)")
        #expect(seen.contains("curl --cacert \(folder)/rennes/cert.pem 'https://127.0.0.1:\(base + 2)/api/v1/cases?origin=mexico-city'"))
        #expect(relayed?.contains(#""receivedFrom":"paris""#) == true, "\(relayed ?? "no answer")")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/cohort.yaml"))
        let status = try TandemProcess.run(["status", "--config", folder + "/rennes.yaml"])
        #expect(status.lines.contains { $0.hasPrefix("  paris — 11 records held, last success ") }, "\(status.stdout)")
    }
}
