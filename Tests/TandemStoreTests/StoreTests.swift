import Foundation
import Testing

@testable import TandemCore
@testable import TandemStore

/// A database in its own folder on disk, as a node has it.
func temporaryDatabase() throws -> (AppDatabase, String) {
    let folder = NSTemporaryDirectory() + "tandem-store-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return (try AppDatabase.open(folder: folder), folder)
}

func caseStudy(
    id: RecordID = RecordID(), origin: String = "paris", version: Int64 = 1, title: String, summary: String = "Un résumé.",
    language: String = "fr", city: String = "Paris", status: String = "pilot", methods: [String] = [], visibility: Visibility = .public,
    deleted: Bool = false
) throws -> VerifiedDocument {
    let content: JSONObject? =
        deleted
        ? nil
        : [
            "title": .string(title), "summary": .string(summary), "language": .string(language), "city": .string(city),
            "status": .string(status), "methods": .array(methods.map(JSONValue.string)),
        ]
    let document = try Document.unsigned(
        kind: .caseStudy, id: id, origin: NodeSlug(origin)!, version: version, updated: .now(), visibility: visibility, content: content)
    return VerifiedDocument(document: document, signer: "did:key:z6MkTest\(origin)")
}

@Suite("Record storage on SQLite")
struct StoreTests {
    @Test("a database has an epoch that stays when reopened and differs from another database's")
    func epoch() throws {
        let (database, folder) = try temporaryDatabase()
        let (other, _) = try temporaryDatabase()

        let epoch = try database.epoch()

        #expect(try AppDatabase.open(folder: folder).epoch() == epoch)
        #expect(try other.epoch() != epoch)
        #expect(UUID(uuidString: epoch) != nil)
    }

    @Test("the version rule: higher replaces and keeps history, same is a no-op, different same version keeps the first, lower is ignored")
    func versionRule() async throws {
        let (database, _) = try temporaryDatabase()
        let id = RecordID()
        let v1 = try caseStudy(id: id, title: "Version un")
        let v2 = try caseStudy(id: id, version: 2, title: "Version deux")
        let forgedV2 = try caseStudy(id: id, version: 2, title: "Une autre version deux")

        let outcomes = try await database.apply([v1, v2, v2, forgedV2, v1], receivedFrom: NodeSlug("mexico-city"))

        #expect(outcomes == [.inserted, .updated, .unchanged, .equivocation, .stale])
        let stored = try #require(try database.record(origin: NodeSlug("paris")!, id: id))
        #expect(stored.version == 2)
        #expect(stored.documentJSON.contains("Version deux"))
        #expect(stored.receivedFrom?.rawValue == "mexico-city")
        let versions = try database.versions(origin: NodeSlug("paris")!, id: id)
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions[0].documentJSON.contains("Version un") && versions[1].documentJSON.contains("Version deux"))
        #expect(versions.allSatisfy { $0.receivedFrom?.rawValue == "mexico-city" && $0.visibility == .public })
    }

    @Test("a local write must follow the version it expects")
    func localWriteConflict() async throws {
        let (database, _) = try temporaryDatabase()
        let id = RecordID()
        _ = try await database.saveLocal(try caseStudy(id: id, title: "Premier"), expectedVersion: nil)

        let again = await #expect(throws: StoreError.self) { try await database.saveLocal(try caseStudy(id: id, title: "Doublon"), expectedVersion: nil) }
        let stored = try await database.saveLocal(try caseStudy(id: id, version: 2, title: "Second"), expectedVersion: 1)

        #expect(again?.conflictingVersion == .some(1))
        #expect(stored.version == 2)
    }

    @Test(
        "search ignores accents and case, and matches across French, Spanish and English spellings",
        arguments: [
            ("resilience", "Plan de résilience aux vagues de chaleur"),
            ("RÉSILIENCE", "Plan de résilience aux vagues de chaleur"),
            ("mexico", "Participación ciudadana en México"),
            ("participation", "Participación ciudadana en México"),
            ("participacion ciudadana", "Participación ciudadana en México"),
            ("bibliotheques", "Médiation numérique"),
            ("hackathons", "Hackathon for jobs"),
        ])
    func search(query: String, title: String) async throws {
        let (database, _) = try temporaryDatabase()
        _ = try await database.apply(
            [
                try caseStudy(title: "Plan de résilience aux vagues de chaleur"),
                try caseStudy(origin: "mexico-city", title: "Participación ciudadana en México", language: "es", city: "Ciudad de México"),
                try caseStudy(title: "Médiation numérique", summary: "Accueil dans les bibliothèques de la Ville."),
                try caseStudy(title: "Hackathon for jobs", language: "en"),
            ], receivedFrom: nil)
        var search = RecordQuery(type: "CaseStudy")
        search.text = query

        let page = try database.records(matching: search)

        #expect(page.records.map { $0.documentJSON.contains(title) } == [true], "\(query)")
    }

    @Test(
        "the stem shared by the index and queries",
        arguments: [
            ("participaciones", "participation"), ("participacion", "participation"), ("participations", "participation"),
            ("bibliotheques", "bibliotheque"), ("class", "class"), ("access", "access"), ("labs", "labs"), ("mesas", "mesa"),
            ("ñandus", "ñandu"), ("ñus", "ñus"), ("", ""),
        ])
    func stem(token: String, stem: String) {
        #expect(SearchTokenizer.stem(token) == stem)
    }

    @Test("a word longer than the tokenizer's stack buffer is indexed and found by its singular")
    func longWord() async throws {
        let (database, _) = try temporaryDatabase()
        let word = String(repeating: "participe", count: 40)
        _ = try await database.apply([try caseStudy(title: "Le mot", summary: "Un mot de \(word.utf8.count + 1) lettres : \(word)s."), try caseStudy(title: "Autre chose")], receivedFrom: nil)
        var search = RecordQuery(type: "CaseStudy")
        search.text = word

        let page = try database.records(matching: search)

        #expect(page.records.map { $0.documentJSON.contains("Le mot") } == [true])
    }

    @Test("a search through translations gives the same pages whether it looks from each record's side or walks the matching translations")
    func searchThroughTranslationsEitherWay() async throws {
        let (database, folder) = try temporaryDatabase()
        // Eight cases, oldest first: "calor" is in the text of 1, 2, 3 and 5, and in a Spanish
        // translation of 2, 6 and 8; 7 has a translation without it.
        let spanish: Set = [1, 2, 3, 5]
        let originals = try (1...8).map { number in
            try caseStudy(title: "Cas \(number)", summary: spanish.contains(number) ? "Olas de calor en el barrio." : "Un résumé.", language: spanish.contains(number) ? "es" : "fr")
        }
        _ = try await database.apply(originals, receivedFrom: nil)
        let translations = try [(2, "Calor en el mercado"), (6, "Olas de calor"), (7, "El mercado"), (8, "Calor en la escuela")].map { number, title in
            let original = originals[number - 1].document
            let document = try Document.unsigned(
                kind: .translation, id: RecordID(), origin: NodeSlug("paris")!, version: 1, updated: .now(), visibility: .public,
                content: [
                    "translationOf": ["origin": "paris", "id": .string(original.id.description), "version": 1],
                    "language": "es", "title": .string(title), "summary": "Una traducción.",
                ])
            return VerifiedDocument(document: document, signer: "did:key:z6MkTestparis")
        }
        _ = try await database.apply(translations, receivedFrom: nil)

        // Paged by 2, the first page's direct matches (5, 3, 2) fill it down to 2: 6 and 8 are
        // found newer than that; by 10, the direct matches do not fill a page.
        for (probeLimit, limit) in [(2000, 2), (0, 2), (2000, 10)] {
            // Opened again for each: pages already found are kept per opened database.
            var database = try AppDatabase.open(folder: folder)
            database.translationProbeLimit = probeLimit
            var query = RecordQuery(type: "CaseStudy", limit: limit)
            query.text = "calor"
            var found: [String] = []
            repeat {
                let page = try database.records(matching: query)
                found += page.entries.map { entry in
                    let title = entry.record?.content["title"]?.stringValue ?? "?"
                    return entry.match?.translation == nil ? title : title + " (translation)"
                }
                query.after = page.next
            } while query.after != nil && found.count < 20
            #expect(
                found == ["Cas 8 (translation)", "Cas 6 (translation)", "Cas 5", "Cas 3", "Cas 2", "Cas 1"],
                "probe limit \(probeLimit), pages of \(limit)")
        }
    }

    @Test("facet counting stops at its time limit, even inside a statement; counts are kept until the next change, a request with more time counts what one with less could not, and the reader goes on serving")
    func facetCountingStopsAtItsTimeLimit() async throws {
        var (database, _) = try temporaryDatabase()
        _ = try await database.apply(try (1...40).map { try caseStudy(title: "Cas \($0)", status: $0 % 3 == 0 ? "implemented" : "pilot") }, receivedFrom: nil)
        // The clock is looked at after every step of SQLite's machine, and the limit (a nanosecond)
        // has passed by the first: the count stops inside its statement.
        database.progressInterval = 1
        let query = RecordQuery(type: "CaseStudy")
        let targets: [Filter.Target] = [.column(.status), .column(.city)]

        let stopped = try database.facets(of: query, for: targets, within: .nanoseconds(1))
        #expect(stopped.counts.isEmpty && stopped.timedOut == targets)
        // The same connections read on: the stop ended one statement, not the reader.
        #expect(try database.records(matching: RecordQuery(type: "CaseStudy", limit: 50)).entries.count == 40)
        #expect(try database.facets(of: query, for: targets, within: .nanoseconds(1)).timedOut == targets)
        // A request with more time counts what one with less could not, and its counts are kept.
        let counted = try database.facets(of: query, for: targets, within: .seconds(60))
        #expect(counted.timedOut.isEmpty)
        #expect(counted.counts[.column(.status)]?.map { "\($0.value) \($0.count)" } == ["pilot 27", "implemented 13"])
        #expect(counted.counts[.column(.city)]?.map { "\($0.value) \($0.count)" } == ["Paris 40"])
        #expect(try database.facets(of: query, for: targets, within: .nanoseconds(1)).counts.count == 2)
        // A limit of zero counts nothing, even what is kept.
        #expect(try database.facets(of: query, for: targets, within: .zero).timedOut == targets)

        _ = try await database.apply([try caseStudy(title: "Cas 41", status: "implemented")], receivedFrom: nil)
        #expect(try database.facets(of: query, for: targets, within: .nanoseconds(1)).timedOut == targets)
        #expect(try database.facets(of: query, for: targets, within: .seconds(60)).counts[.column(.status)]?.map(\.count) == [27, 14])
    }

    @Test("a record's head read on the head reader's own connections is the pool's, through every change, and sees each write at once")
    func headsOnTheirOwnConnections() async throws {
        let (database, _) = try temporaryDatabase()
        let heads = try #require(database.heads)
        let id = RecordID()
        func both() throws -> (own: String, pool: String) {
            let own = try #require(heads.head(origin: "paris", id: id.description), "the head reader could not read")
            func text(_ head: RecordHead?) -> String {
                head.map { "\($0.type) \($0.visibility) deleted:\($0.isDeleted) v\($0.version) \($0.stamp)" } ?? "none"
            }
            return (text(own), text(try database.headThroughPool(origin: NodeSlug("paris")!, id: id)))
        }
        var seen: [String] = []
        for change in [
            try caseStudy(id: id, title: "Cas"), try caseStudy(id: id, version: 2, title: "Cas modifié", visibility: .cohort),
            try caseStudy(id: id, version: 3, title: "", deleted: true),
        ] {
            let before = try both()
            _ = try await database.apply([change], receivedFrom: nil)
            let after = try both()
            #expect(after.own == after.pool)
            #expect(after.own != before.own)
            seen.append(after.own)
        }
        #expect(seen[0].hasPrefix("CaseStudy public deleted:false v1"))
        #expect(seen[1].hasPrefix("CaseStudy cohort deleted:false v2"))
        #expect(seen[2].hasPrefix("CaseStudy public deleted:true v3"))
        #expect(try database.head(origin: NodeSlug("paris")!, id: RecordID()) == nil)
        // Closed (as the database is), the reader opens nothing more, and reads go through the pool.
        heads.close()
        #expect(heads.head(origin: "paris", id: id.description) == nil)
        #expect(try database.head(origin: NodeSlug("paris")!, id: id)?.version == 3)
    }

    @Test("paging while records are written neither repeats nor skips a record")
    func pagingWhileWriting() async throws {
        let (database, _) = try temporaryDatabase()
        let first = try (1...7).map { try caseStudy(title: "Cas \($0)") }
        _ = try await database.apply(first, receivedFrom: nil)
        var query = RecordQuery(type: "CaseStudy", limit: 3)

        var seen: [String] = []
        var round = 0
        repeat {
            let page = try database.records(matching: query)
            seen += page.records.map { $0.id.description }
            _ = try await database.apply([try caseStudy(title: "Écrit pendant la page \(round)")], receivedFrom: nil)
            if round == 0 {
                // An update of a record already seen must not make it come back.
                let updated = try caseStudy(id: page.records[0].id, version: 2, title: "Cas 7 modifié")
                _ = try await database.apply([updated], receivedFrom: nil)
            }
            round += 1
            query.after = page.next
        } while query.after != nil

        #expect(seen.count == 7)
        #expect(Set(seen) == Set(first.map(\.document.id.description)))
    }

    @Test("tombstones and cohort records are left out unless asked for")
    func visibility() async throws {
        let (database, _) = try temporaryDatabase()
        let gone = RecordID()
        _ = try await database.apply(
            [
                try caseStudy(title: "Public"), try caseStudy(title: "Cohorte", visibility: .cohort),
                try caseStudy(id: gone, title: "Supprimé"), try caseStudy(id: gone, version: 2, title: "", deleted: true),
            ], receivedFrom: nil)

        let anonymous = try database.records(matching: RecordQuery(type: "CaseStudy"))
        let editor = try database.records(matching: RecordQuery(type: "CaseStudy", includeCohort: true))

        #expect(anonymous.records.count == 1)
        #expect(editor.records.count == 2)
        #expect(try database.record(origin: NodeSlug("paris")!, id: gone)?.isDeleted == true)
    }

    @Test("tokens are found by hash only while active")
    func tokens() async throws {
        let (database, _) = try temporaryDatabase()
        try await database.createToken(name: "Camille", role: "editor", hash: "abc123")

        #expect(try database.activeToken(hash: "abc123")?.name == "Camille")
        await #expect(throws: StoreError.self) { try await database.createToken(name: "Camille", role: "editor", hash: "other") }
        try await database.revokeToken(name: "Camille")
        #expect(try database.activeToken(hash: "abc123") == nil)
        #expect(try database.tokens().first?.revokedAt != nil)
        await #expect(throws: StoreError.self) { try await database.revokeToken(name: "Camille") }
    }

    @Test("a document this version does not understand is kept and fed to peers, not listed; a version that understands it indexes it")
    func documentsNotUnderstood() async throws {
        let (database, folder) = try temporaryDatabase()
        let workshop: JSONObject = [
            "type": "Workshop", "id": .string(RecordID().description), "origin": "paris", "version": 1, "updated": "2026-11-21T10:00:00Z",
            "visibility": "public", "deleted": false, "content": ["title": "Atelier de quartier", "summary": "Un atelier.", "language": "fr"],
            "proof": ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": "did:key:z6Mk#z6Mk", "proofPurpose": "assertionMethod", "proofValue": "z1"],
        ]
        let document = try Document.reading(workshop)
        #expect(document.kind == nil && document.notUnderstood != nil)

        _ = try await database.apply([VerifiedDocument(document: document, signer: "did:key:z6MkTest")], receivedFrom: NodeSlug("rennes"))

        var query = RecordQuery(type: "Workshop")
        query.text = "atelier"
        #expect(try database.records(matching: query).records.isEmpty)
        #expect(try database.records(matching: RecordQuery(type: "Workshop")).records.isEmpty)
        #expect(try database.changes(after: 0, limit: 10, includeCohort: false, maxBytes: 1 << 20).documents.count == 1)
        #expect(try database.recordCounts().map { "\($0.type) \($0.count) \($0.understood)" } == ["Workshop 1 0"])
        #expect(try await database.reindex(kinds: .standard) == 0)

        let workshops = RecordKinds([.caseStudy, RecordKind(
            type: "Workshop", segment: "workshops", singular: "workshop", plural: "workshops", operationName: ("Workshop", "Workshops"),
            summary: "Workshops", fields: Array(Field.shared.prefix(3)))])
        let reopened = try AppDatabase.open(folder: folder)
        #expect(try await reopened.reindex(kinds: workshops) == 1)
        #expect(try reopened.records(matching: query).records.map(\.id) == [document.id])
        #expect(try reopened.recordCounts().map { "\($0.type) \($0.count) \($0.understood)" } == ["Workshop 1 1"])
        #expect(try await reopened.reindex(kinds: workshops) == 0)

        // A build without the kind again (a downgrade) stops listing it, and still holds it.
        #expect(try await reopened.reindex(kinds: .standard) == 0)
        #expect(try reopened.records(matching: query).records.isEmpty)
        #expect(try reopened.recordCounts().map { "\($0.type) \($0.count) \($0.understood)" } == ["Workshop 1 0"])
    }
}
