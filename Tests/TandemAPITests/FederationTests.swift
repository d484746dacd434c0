import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import TandemAPI
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore
import TandemTestSupport
import Testing

/// Real nodes over HTTPS on 127.0.0.1, each with its own SQLite file, syncing through one cohort
/// directory; fake peers for the ones that lie, break or stall.
@Suite("Federation between real nodes", .serialized)
struct FederationTests {
    static let threeCities: [TestCohort.Spec] = [
        .init(slug: "paris", samples: "samples/paris.jsonl"),
        .init(slug: "mexico-city", samples: "samples/mexico-city.jsonl"),
        .init(slug: "rennes", samples: "samples/rennes.jsonl", peers: ["paris"]),
    ]

    @Test("three cities converge, edits and deletes included; Rennes learns Mexico City's records through Paris")
    func threeCitiesConverge() async throws {
        try await withCohort(Self.threeCities) { cohort in
            let (paris, mexico, rennes) = (cohort["paris"], cohort["mexico-city"], cohort["rennes"])
            let inParis = try await paris.write("Budget participatif : le vote en ligne")
            let mexicoCohortOnly = try await mexico.write("Laboratorio de datos abiertos", visibility: .cohort)
            let mexicoSample = try #require(try mexico.database.allRecords().first { $0.origin == mexico.slug && $0.type == "CaseStudy" && $0.id != mexicoCohortOnly.id })
            let edited = try await mexico.runtime.node.update(mexicoSample, expectedVersion: 1, visibility: nil, content: caseContent("Versión revisada"))
            let doomed = try await rennes.write("Hackathon à supprimer")
            _ = try await rennes.runtime.node.delete(doomed, expectedVersion: 1)

            for node in [paris, mexico, rennes] {
                for report in try await node.sync() {
                    #expect(report.succeeded, "\(node.slug) ← \(report.line)")
                    #expect(report.rejected == 0 && report.conflicts == 0, "\(node.slug) ← \(report.line)")
                }
            }

            let digest = try paris.digest()
            let expected = (Samples.paris + 1) + (Samples.mexicoCity + 1) + (Samples.rennes + 1)  // each city's samples and the one it wrote
            #expect(digest.count == expected)
            #expect(try mexico.digest() == digest)
            #expect(try rennes.digest() == digest)
            // Rennes does not pull from Mexico City: its records came through Paris, still signed by Mexico City.
            let relayed = try rennes.database.allRecords().filter { $0.origin == mexico.slug }
            #expect(relayed.count == Samples.mexicoCity + 1)
            for record in relayed {
                #expect(record.receivedFrom == paris.slug)
                let verified = try DocumentVerifier.verify(try JSONParser.parse(record.documentJSON))
                #expect(verified.signer == mexico.runtime.node.did)
                #expect(record.signer == mexico.runtime.node.did.description)
            }
            #expect(try rennes.database.record(origin: mexico.slug, id: edited.id)?.version == 2)
            #expect(try mexico.database.versions(origin: mexico.slug, id: edited.id).count == 2)
            #expect(try rennes.database.record(origin: mexico.slug, id: mexicoCohortOnly.id)?.visibility == .cohort)
            #expect(try mexico.database.record(origin: rennes.slug, id: doomed.id)?.isDeleted == true)
            #expect(try mexico.database.record(origin: paris.slug, id: inParis.id)?.version == 1)

            // Nothing new: at most two requests per peer (the descriptor and one empty page).
            for report in try await paris.sync() {
                #expect(report.requests == 2 && report.inserted == 0 && report.pages == 1, "\(report.line)")
            }
        }
    }

    @Test("a member's signature works once: a replayed, expired or nonce-less one is refused; a stranger's replay is only anonymous")
    func replayedAndExpiredSignatures() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city")]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            try await mexico.write("Solo para la cohorte", visibility: .cohort)
            let client = try Self.client(trusting: mexico)
            let path = "/federation/v1/changes"

            let signed = try Self.signedHeaders(for: mexico, path, key: try paris.key)
            let first = try await Self.get(client, mexico, path, headers: signed)
            let replay = try await Self.get(client, mexico, path, headers: signed)
            let expired = try await Self.get(client, mexico, path, headers: try Self.signedHeaders(for: mexico, path, key: try paris.key, created: Int(Date().timeIntervalSince1970) - 301))
            let noNonce = try await Self.get(client, mexico, path, headers: try Self.signedHeaders(for: mexico, path, key: try paris.key, nonce: nil))
            let stranger = try Self.signedHeaders(for: mexico, path, key: try Ed25519PrivateKey())
            let strangerFirst = try await Self.get(client, mexico, path, headers: stranger)
            let strangerReplay = try await Self.get(client, mexico, path, headers: stranger)
            try await client.shutdown()

            #expect(first.status == 200 && first.body.contains("Solo para la cohorte"))
            #expect(replay.status == 401 && replay.body.contains("replayed"), "\(replay.body)")
            #expect(expired.status == 401 && expired.body.contains("older than 300 seconds"), "\(expired.body)")
            #expect(noNonce.status == 401 && noNonce.body.contains("nonce"), "\(noNonce.body)")
            for reply in [strangerFirst, strangerReplay] {
                #expect(reply.status == 200 && !reply.body.contains("Solo para la cohorte") && reply.body.contains("\"reader\":null"), "\(reply.body)")
            }
        }
    }

    @Test("cohort records go to members' signed requests only; a bad signature is refused")
    func cohortRecordsReachMembersOnly() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city")]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let secret = try await mexico.write("Solo para la cohorte", visibility: .cohort)
            try await mexico.write("Para todos")
            let client = try Self.client(trusting: mexico)

            let anonymous = try await Self.get(client, mexico, "/federation/v1/changes")
            let stranger = try await Self.get(client, mexico, "/federation/v1/changes", signedBy: try Ed25519PrivateKey())
            let member = try await Self.get(client, mexico, "/federation/v1/changes", signedBy: try paris.key)
            var forged = try Self.signedHeaders(for: mexico, "/federation/v1/changes", key: try paris.key)
            forged[1].1 = forged[1].1.replacingOccurrences(of: ":", with: ":AAAA", options: [], range: forged[1].1.range(of: "=:"))
            let badSignature = try await Self.get(client, mexico, "/federation/v1/changes", headers: forged)

            func titles(_ body: String) throws -> [String] {
                try #require(try JSONParser.parse(body).objectValue?["items"]?.arrayValue).compactMap { $0.objectValue?["content"]?.objectValue?["title"]?.stringValue }
            }
            #expect(anonymous.status == 200 && stranger.status == 200 && member.status == 200)
            #expect(try titles(anonymous.body).contains("Para todos") && !(try titles(anonymous.body).contains("Solo para la cohorte")))
            #expect(!(try titles(stranger.body).contains("Solo para la cohorte")))
            #expect(try titles(member.body).contains("Solo para la cohorte"))
            #expect(badSignature.status == 401 && badSignature.body.contains("signature"))
            // The browse API follows the same rule.
            let memberRead = try await Self.get(client, mexico, "/api/v1/cases/mexico-city/\(secret.id)", signedBy: try paris.key)
            let anonymousRead = try await Self.get(client, mexico, "/api/v1/cases/mexico-city/\(secret.id)")
            #expect(memberRead.status == 200 && anonymousRead.status == 404)

            try await client.shutdown()
            let report = try paris.report(from: "mexico-city", try await paris.sync())
            #expect(report.succeeded && report.inserted == 2)
            #expect(try paris.database.record(origin: mexico.slug, id: secret.id) != nil)
        }
    }

    @Test("a key rotation: older and newer documents both verify on peers, each with the key that signed it")
    func keyRotation() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city")]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let before = try await paris.write("Écrit avec la première clé")
            let oldKey = paris.runtime.node.did
            #expect(try mexico.report(from: "paris", try await mexico.sync()).inserted == 1)

            try await paris.stop()
            let statement = try await NodeKeyFile.rotate(keyPath: paris.configuration.keyPath, node: paris.slug, database: paris.database)
            try await paris.start()
            let newKey = paris.runtime.node.did
            let after = try await paris.write("Écrit avec la nouvelle clé")
            #expect(newKey != oldKey && statement.previousKey == oldKey.description && statement.newKey == newKey.description)

            let report = try mexico.report(from: "paris", try await mexico.sync())
            #expect(report.succeeded && report.inserted == 1 && report.rejected == 0, "\(report.line)")
            let old = try #require(try mexico.database.record(origin: paris.slug, id: before.id))
            let new = try #require(try mexico.database.record(origin: paris.slug, id: after.id))
            #expect(try DocumentVerifier.verify(try JSONParser.parse(old.documentJSON)).signer == oldKey)
            #expect(try DocumentVerifier.verify(try JSONParser.parse(new.documentJSON)).signer == newKey)
            // Paris signs its requests with the new key now, and Mexico City accepts them as Paris'.
            let back = try paris.report(from: "mexico-city", try await paris.sync())
            #expect(back.succeeded, "\(back.line)")

            let client = try Self.client(trusting: paris)
            let descriptor = try #require(try JSONParser.parse(try await Self.get(client, paris, "/federation/v1/node").body).objectValue)
            let keys = try #require(descriptor["keys"]?.objectValue)
            #expect(keys["current"]?.stringValue == newKey.description)
            #expect(keys["earlier"]?.arrayValue?.first?.objectValue?["key"]?.stringValue == oldKey.description)
            #expect(keys["rotations"]?.arrayValue?.count == 1)
            #expect(descriptor["software"]?.objectValue?["version"]?.stringValue == TandemVersion.current)
            try await client.shutdown()
        }
    }

    @Test("lying documents are quarantined with their reason; the valid ones in the same page are stored")
    func lyingDocumentsAreQuarantined() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "paris", samples: "samples/paris.jsonl"), .init(slug: "mexico-city")], fakes: [nantes]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let stranger = try Ed25519PrivateKey()
            let good = try signedCase(origin: "nantes", title: "Un vrai cas nantais", key: nantes.key)
            var tampered = try signedCase(origin: "nantes", title: "Titre d'origine", key: nantes.key)
            tampered["content"] = .object(caseContent("Titre modifié en route"))
            let unknownOrigin = try signedCase(origin: "lyon", title: "Lyon n'est pas membre", key: stranger)
            let wrongKey = try signedCase(origin: "nantes", title: "Signé par un inconnu", key: stranger)
            let relayForgery = try signedCase(origin: "paris", title: "Paris n'a jamais écrit ça", key: nantes.key)
            let ownOrigin = try signedCase(origin: "mexico-city", version: 99, title: "Pas à nous de l'écrire", key: nantes.key)
            let equivocated = RecordID()
            let first = try signedCase(origin: "nantes", id: equivocated, title: "Première version 1", key: nantes.key)
            let stale = RecordID()
            nantes.serve([
                try nantes.page([good, tampered, unknownOrigin, wrongKey, relayForgery, ownOrigin, first, ["not": "a document"],
                    try signedCase(origin: "nantes", id: stale, version: 2, title: "Version 2", key: nantes.key)], position: 9, hasMore: true),
                try nantes.page([
                    try signedCase(origin: "nantes", id: equivocated, title: "Une autre version 1", key: nantes.key),
                    try signedCase(origin: "nantes", id: stale, version: 1, title: "Version 1, plus ancienne", key: nantes.key),
                ], position: 11),
            ])

            let reports = try await mexico.sync()
            let fromNantes = try mexico.report(from: "nantes", reports)
            #expect(fromNantes.succeeded, "\(fromNantes.line)")
            #expect(fromNantes.inserted == 3 && fromNantes.rejected == 5 && fromNantes.own == 1, "\(fromNantes.line)")
            #expect(fromNantes.conflicts == 1 && fromNantes.stale == 1, "\(fromNantes.line)")
            #expect(try mexico.report(from: "paris", reports).inserted == Samples.paris)

            let held = try mexico.database.allRecords()
            #expect(held.filter { $0.origin.rawValue == "nantes" }.count == 3)
            #expect(!held.contains { $0.origin.rawValue == "lyon" })
            #expect(held.filter { $0.origin == paris.slug }.count == Samples.paris)
            #expect(!held.contains { $0.origin == mexico.slug })
            #expect(try mexico.database.record(origin: NodeSlug("nantes")!, id: equivocated)?.documentJSON.contains("Première version 1") == true)
            #expect(try mexico.database.record(origin: NodeSlug("nantes")!, id: stale)?.version == 2)

            let reasons = try mexico.database.quarantined(peer: NodeSlug("nantes")!).map(\.rejection.reason)
            #expect(reasons.count == 6)
            // The cohort page tells a person the same: what is held of the peer, when it was last read, what was set aside.
            let cohortPage = try await mexico.request("GET", "/cohort").body
            let row = try #require(cohortPage.components(separatedBy: "<tr>").first { $0.contains(">nantes</a>") }, "\(cohortPage)")
            #expect(row.contains("<td>3</td>") && row.contains("<td>6</td>") && row.contains(" UTC</td>"), "\(row)")
            #expect(reasons.contains { $0.hasPrefix("proof: the signature does not match") })
            #expect(reasons.contains { $0.hasPrefix("origin: lyon is not a member") })
            #expect(reasons.contains { $0.hasPrefix("key: signed by did:key:") && $0.hasSuffix("which is not a key of any cohort member") })
            #expect(reasons.contains { $0.contains("a key of nantes, not of paris") })
            #expect(reasons.contains { $0.hasPrefix("shape: ") })
            #expect(reasons.contains { $0.hasPrefix("equivocation: ") })

            // The checkpoint is the last page's: a second run asks from there and gets nothing new.
            let again = try mexico.report(from: "nantes", try await mexico.sync(only: NodeSlug("nantes")))
            #expect(again.inserted == 0 && again.pages == 1)
            #expect(nantes.requests.last?.contains("since=" + FeedCursor.encode(PeerCheckpoint(epoch: "00000000-0000-4000-8000-00000000fa4e", position: 11))) == true)
        }
    }

    @Test("a rotation statement not signed by a previous key is refused, and what its key signs too")
    func forgedRotationIsRefused() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city")], fakes: [nantes]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let thief = try Ed25519PrivateKey()
            // "Paris moved to the thief's key", signed by the thief itself.
            let forged = try KeyRotation.statement(node: paris.slug, from: thief, to: try Ed25519PrivateKey().publicKey)
            nantes.rotations = [forged.statement]
            nantes.serve([try nantes.page([try signedCase(origin: "paris", title: "Par la clé volée", key: thief)])])

            let report = try mexico.report(from: "nantes", try await mexico.sync())
            #expect(report.rejected == 2 && report.inserted == 0, "\(report.line)")
            #expect(try mexico.database.keyStatements().isEmpty)
            let reasons = try mexico.database.quarantined().map(\.rejection.reason)
            #expect(reasons.contains { $0.hasPrefix("key rotation: paris: the rotation to") })
            #expect(try mexico.database.allRecords().filter { $0.origin == paris.slug }.isEmpty)
        }
    }

    @Test("a malformed, oversized, truncated, endless, slow, down or wrongly certified peer fails alone; the others sync")
    func faultyPeersFailAlone() async throws {
        let malformed = try FakePeer(slug: "lille")
        let oversized = try FakePeer(slug: "lyon")
        let truncated = try FakePeer(slug: "nantes")
        let slow = try FakePeer(slug: "grenoble")
        let impostor = try FakePeer(slug: "bordeaux")
        let endless = try FakePeer(slug: "nice")
        let downPort = try RefusingPort()
        defer { withExtendedLifetime(downPort) {} }
        let down = CohortDirectory.entry(
            slug: NodeSlug("marseille")!, lab: "Lab", city: "Marseille", country: "FR", url: "https://127.0.0.1:\(downPort.port)",
            fingerprint: String(repeating: "AB", count: 32), keys: [DIDKey(try Ed25519PrivateKey().publicKey)])
        let wrongFingerprint = try malformed.fingerprint
        try await withCohort(
            [.init(slug: "paris", samples: "samples/paris.jsonl"), .init(slug: "mexico-city", timeout: 1)],
            fakes: [malformed, oversized, truncated, slow, impostor, endless], extraMembers: [down],
            entry: { slug, text in
                // Bordeaux's entry pins another certificate than the one it presents.
                slug == "bordeaux" ? text.replacingOccurrences(of: try! impostor.fingerprint, with: wrongFingerprint) : text
            }
        ) { cohort in
            let mexico = cohort["mexico-city"]
            let valid = try signedCase(origin: "nantes", title: "Coupé en route", key: truncated.key)
            malformed.serve([.json(#"{"epoch": "not a page"#)])
            oversized.serve([.json(#"{"items": [""# + String(repeating: "x", count: FeedPage.maximumBytes) + #""]}"#)])
            truncated.serve([.truncated(try JSONValue.object(["items": .array([.object(valid)])]).serialized() + String(repeating: " ", count: 100_000))])
            slow.serve([.slow(.seconds(3), "{}")])
            endless.serve([try endless.page([try signedCase(origin: "nice", title: "Toujours la même page", key: endless.key)], position: 1, hasMore: true)])

            let reports = try await mexico.sync()
            #expect(try mexico.report(from: "paris", reports).inserted == Samples.paris)
            func failure(_ slug: String) throws -> String { try #require(try mexico.report(from: slug, reports).error, "\(slug) should fail") }
            #expect(try failure("lille").hasPrefix("bad response: the page is not valid JSON"))
            #expect(try failure("lyon").contains("larger than"))
            #expect(try failure("nantes").isEmpty == false)
            #expect(try failure("grenoble").hasPrefix("timed out"))
            #expect(try failure("marseille").hasPrefix("unreachable"))
            #expect(try failure("bordeaux").contains("not the pinned"))
            #expect(try failure("nice").contains("cursor did not move forward"))
            // Only Paris' records, and the one record of Nice's page, which is valid (its first copy was stored).
            #expect(try mexico.database.allRecords().map(\.origin.rawValue).sorted() == ["nice"] + Array(repeating: "paris", count: Samples.paris))
            let states = Dictionary(uniqueKeysWithValues: try mexico.database.peerStates().map { ($0.slug.rawValue, $0) })
            #expect(states["paris"]?.lastSuccessAt != nil && states["paris"]?.lastError == nil)
            for slug in ["lille", "lyon", "nantes", "grenoble", "marseille", "bordeaux"] {
                #expect(states[slug]?.lastError != nil && states[slug]?.lastSuccessAt == nil && states[slug]?.checkpoint == nil, "\(slug)")
            }

            // The same, as operators see it.
            let client = try Self.client(trusting: mexico)
            let nodes = try #require(try JSONParser.parse(try await Self.get(client, mexico, "/api/v1/nodes").body).objectValue?["items"]?.arrayValue)
            let lyon = try #require(nodes.first { $0.objectValue?["slug"]?.stringValue == "lyon" }?.objectValue)
            #expect(lyon["lastError"]?.stringValue?.contains("larger than") == true)
            #expect(nodes.first { $0.objectValue?["slug"]?.stringValue == "paris" }?.objectValue?["records"] == .number(.integer(Int64(Samples.paris))))
            try await client.shutdown()
        }
    }

    @Test("a peer whose database was re-created (new epoch) is read again from the start, idempotently")
    func newEpochRestartsTheCursor() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city")]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            for index in 1...5 { try await paris.write("Cas \(index)") }
            #expect(try mexico.report(from: "paris", try await mexico.sync()).inserted == 5)
            let backup = try paris.database.allRecords()
            let oldEpoch = try paris.database.epoch()

            // Paris loses its database and restores its records from a backup.
            try await paris.stop()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: paris.folder + "/tandem.sqlite" + suffix) }
            try await paris.start()
            let restored = try backup.map { record in
                let verified = try DocumentVerifier.verify(try JSONParser.parse(record.documentJSON))
                return VerifiedDocument(document: try #require(verified.document), signer: verified.signer.description)
            }
            _ = try await paris.database.apply(restored, receivedFrom: nil)
            try await paris.write("Après la restauration")
            #expect(try paris.database.epoch() != oldEpoch)

            let report = try mexico.report(from: "paris", try await mexico.sync())
            #expect(report.restarted && report.inserted == 1 && report.unchanged == 5 && report.conflicts == 0, "\(report.line)")
            #expect(try mexico.database.checkpoint(peer: paris.slug)?.epoch == (try paris.database.epoch()))
            #expect(try mexico.digest() == (try paris.digest()))
        }
    }

    @Test("a page and its cursor are stored together: a run cut off after page one resumes at page two")
    func interruptedRunResumes() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "mexico-city", timeout: 1)], fakes: [nantes]) { cohort in
            let mexico = cohort["mexico-city"]
            let pageOne = try (1...3).map { try signedCase(origin: "nantes", title: "Page un, \($0)", key: nantes.key) }
            let pageTwo = try (1...2).map { try signedCase(origin: "nantes", title: "Page deux, \($0)", key: nantes.key) }
            // The peer dies in the middle of page two: the run fails, page one stays with its cursor.
            nantes.serve([try nantes.page(pageOne, position: 3, hasMore: true), .truncated(String(repeating: " ", count: 50_000))])
            let cut = try mexico.report(from: "nantes", try await mexico.sync())
            #expect(!cut.succeeded && cut.inserted == 3, "\(cut.line)")
            #expect(try mexico.database.checkpoint(peer: NodeSlug("nantes")!)?.position == 3)

            nantes.serve([try nantes.page(pageTwo, position: 5)])
            let resumed = try mexico.report(from: "nantes", try await mexico.sync())
            #expect(resumed.succeeded && resumed.inserted == 2 && resumed.unchanged == 0, "\(resumed.line)")
            #expect(try mexico.database.allRecords().count == 5)
        }
    }

    @Test("serve's scheduled sync pulls on its own and stops cleanly; one sync at a time per data folder")
    func scheduledSyncAndLock() async throws {
        try await withCohort([.init(slug: "paris", samples: "samples/paris.jsonl"), .init(slug: "mexico-city")]) { cohort in
            let mexico = cohort["mexico-city"]
            // A second process's sync holds the folder's lock: this one refuses to start.
            let held = try FolderLock(folder: mexico.folder, name: "sync.lock", busy: "held")
            await #expect(throws: SyncError.self) { try await mexico.sync() }
            held.release()

            try await mexico.stop()
            try await mexico.start(scheduledSync: .seconds(1))
            var records = 0
            for _ in 0..<100 where records < Samples.paris {
                records = try mexico.database.allRecords().count
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(records == Samples.paris)
            #expect(try mexico.database.peerStates().first?.lastSuccessAt != nil)
            try await mexico.stop()  // returns: the sync service ends with the server
        }
    }

    // MARK: - Helpers

    static func client(trusting node: CohortNode) throws -> HTTPClient {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(node.runtime.tls.certificatePath))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
    }

    static func signedHeaders(
        for node: CohortNode, _ pathAndQuery: String, method: String = "GET", key: Ed25519PrivateKey, created: Int = Int(Date().timeIntervalSince1970),
        nonce: String? = UUID().uuidString.lowercased()
    ) throws -> [(String, String)] {
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1).map(String.init)
        let request = MessageSignature.Request(method: method, authority: "127.0.0.1:\(node.port)", path: parts[0], query: parts.count > 1 ? parts[1] : nil)
        let signed = try MessageSignature.sign(request, key: key, keyID: DIDKey(key.publicKey).description, created: created, nonce: nonce)
        return [("Signature-Input", signed.signatureInput), ("Signature", signed.signature)]
    }

    static func get(_ client: HTTPClient, _ node: CohortNode, _ path: String, signedBy key: Ed25519PrivateKey? = nil, headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: node.url + path)
        for (name, value) in try (key.map { try signedHeaders(for: node, path, key: $0) } ?? headers) { request.headers.add(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body))
    }
}
