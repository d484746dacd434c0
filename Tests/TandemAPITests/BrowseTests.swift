import Foundation
import Testing

@testable import TandemCore
@testable import TandemCrypto
@testable import TandemStore

@Suite("Browsing and searching a node over HTTPS", .serialized)
struct BrowseTests {
    @Test("a new node serves its Paris sample records; cohort ones only to editors")
    func samples() async throws {
        try await withNode { node in
            let anonymousCases = try await node.get("/api/v1/cases")
            let editorCases = try await node.get("/api/v1/cases", as: .editor)
            let practices = try await node.get("/api/v1/practices?limit=100", as: .editor)

            #expect(anonymousCases.status == 200)
            #expect(try anonymousCases.titles == [
                "DansMaRue : signaler et co-construire l'espace public", "Hackathon for jobs", "Améliorer la Carte Citoyenne de Paris",
                "Médiation numérique dans les bibliothèques", "Résilience lors des vagues de chaleur",
            ])
            #expect(try editorCases.titles.first == "Un budget participatif plus inclusif dans les quartiers populaires")
            #expect(try practices.items.count == 5)
            #expect(try anonymousCases.json["next"] == .null)
        }
    }

    @Test(
        "every filter narrows the list",
        arguments: [
            ("status=prototype", ["Médiation numérique dans les bibliothèques", "Résilience lors des vagues de chaleur"]),
            // Written in English, or translated into it (the citizen card case, by Paris).
            ("language=en", ["Hackathon for jobs", "Améliorer la Carte Citoyenne de Paris"]),
            ("method=hackathon", ["Hackathon for jobs"]),
            ("policyArea=participation", ["DansMaRue : signaler et co-construire l'espace public", "Améliorer la Carte Citoyenne de Paris"]),
            ("tag=m%C3%A9diation", ["Médiation numérique dans les bibliothèques"]),
            ("city=PARIS&status=implemented", ["DansMaRue : signaler et co-construire l'espace public", "Hackathon for jobs", "Améliorer la Carte Citoyenne de Paris"]),
            ("country=MX", ["Participación ciudadana en la Ciudad de México"]),
            ("origin=paris&country=MX", ["Participación ciudadana en la Ciudad de México"]),
            ("origin=mexico-city", []),
            ("updatedSince=2999-01-01", []),
            ("q=resilience", ["Résilience lors des vagues de chaleur"]),
            ("q=R%C3%89SILIENCE%20chaleur", ["Résilience lors des vagues de chaleur"]),
            ("q=bibliotheque", ["Médiation numérique dans les bibliothèques"]),
            ("q=mexico", ["Participación ciudadana en la Ciudad de México"]),
            ("q=participation", ["Participación ciudadana en la Ciudad de México"]),
            ("q=hackathon&language=en", ["Hackathon for jobs"]),
            // The index files each record's kind too, but only its texts are searched.
            ("q=casestudy", []),
            // Search words are words, never FTS5 syntax: quotes, operators, stars and brackets are read as text.
            ("q=%22r%C3%A9silience%22", ["Résilience lors des vagues de chaleur"]),
            ("q=resilience%20OR%20mexico", []),
            ("q=%22%20NEAR(%20*%20%7B", []),
            ("q=chaleur%20-%20canicule", ["Résilience lors des vagues de chaleur"]),
            ("q=translation", []),
        ])
    func filter(query: String, titles: [String]) async throws {
        try await withNode { node in
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            try #require(created.status == 201, "\(created.body)")

            let reply = try await node.get("/api/v1/cases?\(query)")

            #expect(reply.status == 200, "\(reply.body)")
            #expect(try reply.titles == titles)
        }
    }

    @Test("updatedSince keeps records written since then")
    func updatedSince() async throws {
        try await withNode { node in
            let today = String(Timestamp.now().description.prefix(10))
            let reply = try await node.get("/api/v1/cases?updatedSince=\(today)")

            #expect(try reply.titles.count == 5)
        }
    }

    @Test("paging with cursors while records are added returns every record once")
    func pagingWhileInserting() async throws {
        try await withNode { node in
            var seen: [String] = []
            var path = "/api/v1/cases?limit=2"
            var pages = 0
            while true {
                let reply = try await node.get(path)
                try #require(reply.status == 200)
                seen += try reply.titles
                _ = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
                pages += 1
                guard case .string(let next) = try reply.json["next"] else { break }
                path = "/api/v1/cases?limit=2&cursor=\(next)"
            }
            #expect(pages == 3)
            #expect(seen.count == 5)
            #expect(Set(seen).count == 5)
        }
    }

    @Test("one record carries its signed document, which verifies, and its provenance, with an ETag")
    func oneRecord() async throws {
        try await withNode { node in
            let path = "/api/v1/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c03"

            let reply = try await node.get(path)
            let etag = try #require(reply.header("ETag"))
            let notModified = try await node.request("GET", path, headers: [("If-None-Match", etag)])

            let json = try reply.json
            let document = try #require(json["document"])
            let verified = try DocumentVerifier.verify(document)
            let provenance = try #require(json["provenance"]?.objectValue)
            #expect(verified.signer == node.runtime.node.did)
            #expect(verified.document?.origin.rawValue == "paris")
            #expect(provenance["signer"] == .string(node.runtime.node.did.description))
            #expect(provenance["version"] == 1)
            #expect(provenance["receivedFrom"] == .null)
            #expect(etag == "\"v1\"")
            #expect(notModified.status == 304)
            #expect(notModified.body.isEmpty)
        }
    }

    @Test("a cohort record is hidden from anonymous callers as if it did not exist")
    func cohortHidden() async throws {
        try await withNode { node in
            let path = "/api/v1/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c06"

            let anonymous = try await node.get(path)
            let editor = try await node.get(path, as: .editor)

            #expect(anonymous.status == 404)
            #expect(editor.status == 200)
        }
    }
}
