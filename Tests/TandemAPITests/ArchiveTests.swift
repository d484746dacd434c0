import AsyncHTTPClient
import Foundation
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore
import Testing

/// Archives that outlive a lab: every version of its records and its key history, checked offline,
/// and adopted by another node that keeps them read-only, still signed by their origin.
@Suite("Archives of a lab that closed", .serialized)
struct ArchiveTests {
    /// Mexico City writes, rotates its key, writes and edits again; Paris pulls before and after:
    /// it holds 4 versions of 3 records, signed by two keys.
    static func mexicoHistory(_ cohort: TestCohort) async throws -> [StoredRecord] {
        let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
        let first = try await mexico.write("Laboratorio de datos abiertos")
        try await mexico.write("Mapa de la ciudad")
        #expect(try paris.report(from: "mexico-city", try await paris.sync()).inserted == 2)
        try await mexico.stop()
        _ = try await NodeKeyFile.rotate(keyPath: mexico.configuration.keyPath, node: mexico.slug, database: mexico.database)
        try await mexico.start()
        try await mexico.write("Escrito con la nueva llave")
        _ = try await mexico.runtime.node.update(first, expectedVersion: 1, visibility: nil, content: caseContent("Laboratorio de datos abiertos, revisado"))
        let after = try paris.report(from: "mexico-city", try await paris.sync())
        #expect(after.inserted == 1 && after.updated == 1, "\(after.line)")
        return try paris.database.allRecords().filter { $0.origin == mexico.slug }
    }

    static func lines(_ folder: String) throws -> [String] {
        try String(contentsOfFile: folder + "/documents.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    /// The line with its document's title changed after it was signed.
    static func altered(_ line: String) throws -> String {
        var object = try #require(try JSONParser.parse(line).objectValue)
        var content = try #require(object["content"]?.objectValue)
        content["title"] = "Título cambiado después de firmar"
        object["content"] = .object(content)
        return try JSONValue.object(object).serialized()
    }

    @Test("an archive of a lab that rotated its key verifies offline; a tampered, foreign or unlinked document does not")
    func archiveVerifiesOffline() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city", peers: [])]) { cohort in
            let paris = cohort["paris"]
            _ = try await Self.mexicoHistory(cohort)
            let folder = cohort.folder + "/archive"

            let summary = try NodeBundle.export(paris.runtime, origin: NodeSlug("mexico-city"), to: folder)
            let check = try NodeBundle.verify(folder: folder)

            #expect(summary.origins.map(\.rawValue) == ["mexico-city"] && summary.documents == 4)
            #expect(check.problems.isEmpty && check.documents == 4, "\(check.problems)")
            let origin = try #require(try JSONParser.parse(try String(contentsOfFile: folder + "/origins/mexico-city.json", encoding: .utf8)).objectValue)
            #expect(origin["rotations"]?.arrayValue?.count == 1 && origin["keys"]?.arrayValue?.count == 1)
            #expect(FileManager.default.fileExists(atPath: folder + "/README.md"))
            #expect(throws: BundleError.self) { try NodeBundle.export(paris.runtime, origin: nil, to: folder) }

            // Altered after signing, signed by a stranger, or signed by a key whose rotation is not in the archive: each named.
            var lines = try Self.lines(folder)
            lines[0] = try Self.altered(lines[0])
            lines.append(try JSONValue.object(try signedCase(origin: "mexico-city", title: "Falso", key: try Ed25519PrivateKey())).serialized())
            try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/documents.jsonl", atomically: true, encoding: .utf8)
            let tampered = try NodeBundle.verify(folder: folder)
            #expect(tampered.problems.count == 2, "\(tampered.problems)")
            #expect(tampered.problems.contains { $0.hasPrefix("documents.jsonl line 1: proof: the signature does not match") })
            #expect(tampered.problems.contains { $0.hasPrefix("documents.jsonl line 5: key: signed by did:key:") })

            let unlinked = cohort.folder + "/unlinked"
            _ = try NodeBundle.export(paris.runtime, origin: NodeSlug("mexico-city"), to: unlinked)
            var file = origin
            file["rotations"] = []
            try JSONValue.object(file).serialized().write(toFile: unlinked + "/origins/mexico-city.json", atomically: true, encoding: .utf8)
            let withoutRotation = try NodeBundle.verify(folder: unlinked)
            // The two documents the new key signed: the record written after the rotation, and the edit.
            #expect(withoutRotation.problems.count == 2 && withoutRotation.problems.allSatisfy { $0.contains("not a key of any cohort member") }, "\(withoutRotation.problems)")
        }
    }

    @Test("another node adopts a closed lab's archive: its records keep their origin and signatures, are archived, read-only, and fed to peers")
    func anotherNodeAdoptsTheArchive() async throws {
        let folder = NSTemporaryDirectory() + "tandem-archive-" + UUID().uuidString
        var originals: [StoredRecord] = []
        var mexicoKeys: [String] = []
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city", peers: [])]) { cohort in
            originals = try await Self.mexicoHistory(cohort)
            mexicoKeys = try cohort["paris"].database.keyStatements().filter { $0.origin.rawValue == "mexico-city" }.flatMap { [$0.previousKey, $0.newKey] }
            _ = try NodeBundle.export(cohort["paris"].runtime, origin: NodeSlug("mexico-city"), to: folder)
        }
        // The Mexico City lab has closed: Rennes and Lyon's cohort does not list it.
        try await withCohort([.init(slug: "rennes"), .init(slug: "lyon", peers: ["rennes"])]) { cohort in
            let (rennes, lyon) = (cohort["rennes"], cohort["lyon"])
            let tampered = folder + "-tampered"
            try FileManager.default.copyItem(atPath: folder, toPath: tampered)
            var lines = try Self.lines(tampered)
            lines[1] = try Self.altered(lines[1])
            try (lines.joined(separator: "\n") + "\n").write(toFile: tampered + "/documents.jsonl", atomically: true, encoding: .utf8)
            await #expect(throws: ImportRefusal.self) { try await rennes.runtime.adoptBundle(at: tampered) }
            #expect(try rennes.database.allRecords().isEmpty && rennes.database.archivedOrigins().isEmpty)

            let adoption = try await rennes.runtime.adoptBundle(at: folder)

            #expect(adoption.adopted.map(\.rawValue) == ["mexico-city"])
            // Four versions of three records: the later version of one replaces its first.
            #expect(adoption.stored.inserted == 3 && adoption.stored.updated == 1, "\(adoption.stored)")
            for original in originals {
                let kept = try #require(try rennes.database.record(origin: NodeSlug("mexico-city")!, id: original.id))
                #expect(kept.documentJSON == original.documentJSON && kept.signer == original.signer && kept.isArchived && kept.receivedFrom == nil)
                #expect(mexicoKeys.contains(kept.signer))
            }
            let edited = try #require(originals.first { $0.version == 2 })
            #expect(try rennes.database.versions(origin: NodeSlug("mexico-city")!, id: edited.id).count == 2)
            let client = try FederationTests.client(trusting: rennes)
            defer { _ = client.shutdown() }
            let shown = try await FederationTests.get(client, rennes, "/api/v1/cases/mexico-city/\(originals[0].id)")
            #expect(shown.status == 200 && shown.body.contains(#""archived":true"#) && shown.body.contains(#""receivedFrom":null"#), "\(shown.body)")
            let token = TokenSecret.generate()
            try await rennes.database.createToken(name: "editor", role: "editor", hash: TokenSecret.hash(token))
            var edit = HTTPClientRequest(url: rennes.url + "/api/v1/cases/mexico-city/\(originals[0].id)")
            edit.method = .DELETE
            edit.headers.add(name: "Authorization", value: "Bearer \(token)")
            #expect(try await client.execute(edit, timeout: .seconds(30)).status.code == 403)

            // Lyon, which does not keep the archive, refuses what Rennes relays (3 records and Mexico
            // City's rotation statement); once it adopts the archive too, retry takes the records.
            let relayed = try lyon.report(from: "rennes", try await lyon.sync())
            #expect(relayed.rejected == 4 && relayed.inserted == 0, "\(relayed.line)")
            _ = try await lyon.runtime.adoptBundle(at: folder)
            let retry = try await lyon.runtime.retryQuarantine()
            #expect(retry.stored.unchanged == 3 && retry.stillRefused == 0, "\(retry)")
            #expect(try lyon.database.quarantined().map(\.rejection.rule) == [.keyRotation])
        }
    }
}
