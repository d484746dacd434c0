import Foundation
import TandemCore
import TandemCrypto
import TandemNode
import TandemStore
import Testing

extension RecordKind {
    /// A kind a later Tandem might add: what this build does not ship.
    static let workshop = RecordKind(
        type: "Workshop", segment: "workshops", singular: "workshop", plural: "workshops", operationName: ("Workshop", "Workshops"),
        summary: "Workshops a lab runs", fields: Array(Field.shared.prefix(6)) + [Field("date", .text(maxLength: 10, multiline: false), summary: "When")])

    /// A case study as a later Tandem might declare it, with one more field.
    static let caseStudyWithBudget = RecordKind(
        type: "CaseStudy", segment: "cases", singular: "case study", plural: "case studies", operationName: ("Case", "Cases"),
        summary: "Case studies", fields: RecordKind.caseStudy.fields + [Field("budget", .integer(0...1_000_000_000), summary: "What it cost, in euros")])
}

/// Documents that can grow: a node whose build lacks a kind (or a field) keeps what a verified
/// member sends, relays it byte for byte, and lists it once a build that understands it starts.
@Suite("Forward compatibility between versions of Tandem, with real nodes over HTTPS", .serialized)
struct CompatibilityTests {
    static let newer = RecordKinds([.practice, .caseStudyWithBudget, .workshop])

    @Test("an older node keeps, relays and later lists records of a kind and a field it did not know")
    func olderNodeRelaysWhatItDoesNotUnderstand() async throws {
        try await withCohort([
            .init(slug: "paris", kinds: Self.newer),
            .init(slug: "mexico-city", peers: ["paris"]),
            .init(slug: "rennes", peers: ["mexico-city"], kinds: Self.newer),
        ]) { cohort in
            let (paris, mexico, rennes) = (cohort["paris"], cohort["mexico-city"], cohort["rennes"])
            // Given records Paris' newer build writes: a workshop, and a case study with a budget.
            let workshop = try await paris.runtime.node.create(
                kind: .workshop, visibility: .public,
                content: ["title": "Atelier des futurs", "summary": "Imaginer le quartier en 2040.", "language": "fr", "city": "Paris", "date": "2026-12-01"])
            let budgeted = try await paris.runtime.node.create(
                kind: .caseStudyWithBudget, visibility: .public,
                content: ["title": "Budget des écoles", "summary": "Les élèves votent.", "language": "fr", "status": "pilot", "budget": 25_000])

            // When Mexico City's older build pulls them, and Rennes pulls from Mexico City only.
            let fromParis = try mexico.report(from: "paris", try await mexico.sync())
            let fromMexico = try rennes.report(from: "mexico-city", try await rennes.sync())

            // Then Mexico City keeps both, says so, and does not list them.
            #expect(fromParis.succeeded && fromParis.inserted == 2 && fromParis.notUnderstood == 2 && fromParis.rejected == 0, "\(fromParis.line)")
            #expect(fromParis.line.contains("2 kept without being understood by this version"))
            #expect(try mexico.database.quarantined().isEmpty)
            let mexicoList = try await Self.get(mexico, "/api/v1/cases?q=budget")
            #expect(mexicoList.status == 200 && !mexicoList.body.contains("Budget des écoles"))
            let mexicoStatus = try #require(try mexico.runtime.statuses().first { $0.member.slug == paris.slug })
            #expect(mexicoStatus.notUnderstood == 2 && mexicoStatus.line.contains("(2 not understood by this version)"), "\(mexicoStatus.line)")
            let shown = try await Self.get(mexico, "/api/v1/cases/paris/\(budgeted.id)")
            #expect(shown.status == 200 && shown.body.contains("\"understood\":false"), "\(shown.body)")
            #expect(try await Self.get(mexico, "/api/v1/workshops").status == 404)

            // Rennes, which knows both, got them through Mexico City byte for byte, verifying, and lists them.
            #expect(fromMexico.succeeded && fromMexico.inserted == 2 && fromMexico.notUnderstood == 0, "\(fromMexico.line)")
            for original in [workshop, budgeted] {
                let relayed = try #require(try rennes.database.record(origin: paris.slug, id: original.id))
                #expect(relayed.documentJSON == original.documentJSON)
                #expect(relayed.receivedFrom == mexico.slug && relayed.isUnderstood)
                let verified = try DocumentVerifier.verify(try JSONParser.parse(relayed.documentJSON), kinds: Self.newer)
                #expect(verified.signer == paris.runtime.node.did && verified.document?.kind != nil)
            }
            #expect(try await Self.get(rennes, "/api/v1/workshops").body.contains("Atelier des futurs"))
            #expect(try await Self.get(rennes, "/api/v1/cases?q=budget").body.contains("Budget des écoles"))

            // When Mexico City starts again with a build that knows them, it lists them without a new sync.
            try await mexico.stop()
            mexico.kinds = Self.newer
            try await mexico.start()
            #expect(mexico.runtime.newlyUnderstood == 2)
            #expect(try await Self.get(mexico, "/api/v1/workshops").body.contains("Atelier des futurs"))
            #expect(try await Self.get(mexico, "/api/v1/cases?q=budget").body.contains("Budget des écoles"))
            #expect(try mexico.runtime.statuses().first { $0.member.slug == paris.slug }?.notUnderstood == 0)
        }
    }

    @Test("a local write stays strict: a field this version does not know is a 422 that names it")
    func localWritesStayStrict() async throws {
        try await withNode(samples: false) { node in
            let body = try editBody(["title": "Budget", "summary": "s", "language": "fr", "status": "pilot", "budget": 10])
            let reply = try await node.request("POST", "/api/v1/cases", body: body, as: .editor)
            #expect(reply.status == 422 && reply.body.contains("content.budget") && reply.body.contains("unknown field"), "\(reply.body)")
            #expect(try node.database.allRecords().isEmpty)
        }
    }

    static func get(_ node: CohortNode, _ path: String) async throws -> (status: Int, body: String) {
        let client = try FederationTests.client(trusting: node)
        defer { _ = client.shutdown() }
        return try await FederationTests.get(client, node, path)
    }
}
