import Foundation
import TandemTestSupport
import Testing

/// A node whose disk fills up (a file-size limit stands in for it): the write or the sync that hits
/// it fails with a clear message and stores nothing half-way, reads go on, and it works again once
/// there is room.
@Suite("A full disk", .serialized)
struct DiskFullTests {
    let folder: String

    init() throws {
        folder = try temporaryFolder()
    }

    /// A text of 19,000 characters: a write of several database pages.
    static let long = String(repeating: "Une longue description de l'atelier. ", count: 500).prefix(19_000)

    /// curl's answer: the status and the body.
    func request(_ arguments: [String]) throws -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sS", "-w", "\n%{http_code}"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test("a write that finds the disk full is a 507 that says so; nothing half-way is stored, reads go on, and writes work again once there is room")
    func writeOnAFullDisk() throws {
        let port = LoopbackPort.free()!
        let data = folder + "/paris"
        let serve = try ServeProcess(arguments: ["--data-dir", data, "--port", String(port)], log: folder + "/serve.log", fileSizeLimit: 1_500_000)
        defer { serve.stop() }
        let token = try TandemProcess.run(["token", "create", "--name", "camille", "--data-dir", data]).stdout.trimmingCharacters(in: .newlines)
        let url = "https://127.0.0.1:\(port)/api/v1/cases"
        func post(_ title: String) throws -> (status: Int, body: String) {
            let body = #"{"content": {"title": "\#(title)", "summary": "s", "language": "fr", "status": "idea", "problem": "\#(Self.long)"}}"#
            return try request(["--cacert", data + "/cert.pem", "-H", "Authorization: Bearer \(token)", "-H", "Content-Type: application/json", "-d", body, url])
        }

        // Given writes until the disk is full.
        var stored = 0
        var refusal: (status: Int, body: String)?
        for index in 1...200 {
            let reply = try post("Plein \(index)")
            guard reply.status == 201 else {
                refusal = reply
                break
            }
            stored += 1
        }

        // Then the write that found it full was refused with a problem that says why, and nothing of it is stored.
        let refused = try #require(refusal, "the disk never filled up")
        #expect(refused.status == 507 && refused.body.contains("no space left to write the database"), "\(refused.body)")
        #expect(stored > 0)
        let list = try request(["--cacert", data + "/cert.pem", url + "?q=plein&limit=100"])
        #expect(list.status == 200)
        #expect(list.body.components(separatedBy: #""title":"Plein "#).count - 1 == stored)
        #expect(serve.log.contains("a write failed for lack of room") && !serve.log.contains("unexpected error"))

        // When space is freed, the same write works.
        try TandemProcess.liftFileSizeLimit(of: serve.process.processIdentifier)
        #expect(try post("Après le ménage").status == 201)
        serve.stop()
        let check = try TandemProcess.run(["check", "--data-dir", data])
        #expect(check.status == 0 && check.stdout.contains("store ok: integrity ok, search index ok, \(Samples.paris + stored + 1) records verified"), "\(check.stdout)\(check.stderr)")
    }

    @Test("a sync that finds the disk full fails with that reason and keeps its cursor where its last stored page is; it resumes once there is room")
    func syncOnAFullDisk() throws {
        // Mexico City holds 60 long records; Paris pulls them 20 a page.
        var samples = ""
        for index in 0..<60 {
            let id = String(format: "00000000-0000-4000-8000-%012x", index)
            samples += #"{"type": "CaseStudy", "id": "\#(id)", "visibility": "public", "content": {"title": "Caso \#(index)", "summary": "s", "language": "es", "status": "idea", "problem": "\#(Self.long)"}}"# + "\n"
        }
        try samples.write(toFile: folder + "/mexico-city.jsonl", atomically: true, encoding: .utf8)
        var entries = ""
        var ports: [String: Int] = [:]
        for slug in ["paris", "mexico-city"] {
            ports[slug] = LoopbackPort.free()!
            var yaml = "node:\n  slug: \(slug)\n  city: \(slug)\nhttp:\n  port: \(ports[slug]!)\ndata:\n  dir: \(folder)/\(slug)\n"
            yaml += "federation:\n  directory: cohort.yaml\nsync:\n  interval: 0\n  pageSize: 20\n"
            if slug == "mexico-city" { yaml += "samples:\n  file: mexico-city.jsonl\n" }
            try yaml.write(toFile: "\(folder)/\(slug).yaml", atomically: true, encoding: .utf8)
            entries += try TandemProcess.run(["keys", "entry", "--config", "\(folder)/\(slug).yaml"]).stdout
        }
        try ("cohort: disk\nmembers:\n" + entries).write(toFile: folder + "/cohort.yaml", atomically: true, encoding: .utf8)
        let mexico = try ServeProcess(config: folder + "/mexico-city.yaml")
        defer { mexico.stop() }

        let full = try TandemProcess.run(["sync", "--config", folder + "/paris.yaml"], fileSizeLimit: 900_000)
        let check = try TandemProcess.run(["check", "--config", folder + "/paris.yaml"])
        let resumed = try TandemProcess.run(["sync", "--config", folder + "/paris.yaml"])

        #expect(full.status == 1, "\(full.stdout)\(full.stderr)")
        #expect(full.stdout.contains("mexico-city: failed after") && full.stdout.contains("no space left to write the database"), "\(full.stdout)")
        #expect(check.status == 0 && check.stdout.contains("store ok"), "\(check.stdout)\(check.stderr)")
        // The pages stored before the disk filled up are whole, with their cursor: 20 a page.
        let before = try #require(check.stdout.firstMatch(of: /(\d+) records verified/).flatMap { Int($0.1) })
        #expect(before % 20 == 0 && before < 60, "\(check.stdout)")
        #expect(resumed.status == 0 && resumed.stdout.contains("mexico-city: \(60 - before) new"), "\(resumed.stdout)")
    }
}
