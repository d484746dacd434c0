import AsyncHTTPClient
import Foundation
import NIOCore
import TandemCore
import TandemCrypto
import TandemFederation
import Testing

/// Every route of a node, asked by every kind of caller, against PROTOCOL.md: public records for
/// everyone, cohort records for members' signed requests and local editors only, writes for
/// editors only, partner records never writable, and a bad credential refused rather than taken
/// as anonymous.
@Suite("Who may read and write what", .serialized)
struct AuthorizationTests {
    enum Caller: String, CaseIterable, CustomStringConvertible {
        case anonymous, revokedToken = "revoked token", editor, member = "member's signature", nonMember = "non-member's signature"
        case replayed = "replayed signature", expired = "expired signature"
        var description: String { rawValue }
        /// Callers whose credential is bad: refused on every route.
        var isRefused: Bool { [.revokedToken, .replayed, .expired].contains(self) }
        var mayReadCohort: Bool { self == .editor || self == .member }
    }

    /// What a caller should get: a status and, for a list or feed, exactly these titles.
    struct Expected {
        var status: Int
        var titles: Set<String>?
    }

    struct Route {
        var method: String
        var path: String
        var body: String?
        var expected: (Caller) -> Expected
    }

    @Test("every route × anonymous, revoked token, editor, member, non-member, replayed and expired signatures")
    func matrix() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city")]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let parisPublic = try await paris.write("Paris public")
            let parisCohort = try await paris.write("Paris cohorte", visibility: .cohort)
            let mexicoPublic = try await mexico.write("México público")
            let mexicoCohort = try await mexico.write("México cohorte", visibility: .cohort)
            let toDelete = try await mexico.write("Para borrar")
            _ = try await mexico.runtime.node.create(
                kind: .practice, visibility: .cohort, content: ["title": "Práctica de la cohorte", "summary": "Solo miembros.", "language": "es"])
            // Paris translates Mexico City's public case; Mexico City pulls Paris' cases and that translation.
            #expect(try paris.report(from: "mexico-city", try await paris.sync()).succeeded)
            let parisTranslation = try await paris.runtime.node.translate(
                try #require(try paris.database.record(origin: mexico.slug, id: mexicoPublic.id)), visibility: nil,
                content: ["language": "fr", "title": "Traduction de Paris", "summary": "Le cas de Mexico en français."])
            #expect(try mexico.report(from: "paris", try await mexico.sync()).inserted == 3)
            // Mexico City translates both Paris cases (the cohort one's translation is cohort-only) and adapts the public one twice.
            let heldPublic = try #require(try mexico.database.record(origin: paris.slug, id: parisPublic.id))
            let heldCohort = try #require(try mexico.database.record(origin: paris.slug, id: parisCohort.id))
            let publicTranslation = try await mexico.runtime.node.translate(
                heldPublic, visibility: nil, content: ["language": "es", "title": "Traducción pública", "summary": "El caso de París en español."])
            let cohortTranslation = try await mexico.runtime.node.translate(
                heldCohort, visibility: nil, content: ["language": "es", "title": "Traducción reservada", "summary": "Solo para la cohorte."])
            #expect(cohortTranslation.visibility == .cohort)
            let adaptedFrom: JSONValue = [["origin": "paris", "id": .string(parisPublic.id.description)]]
            for (title, visibility) in [("Adaptación abierta", Visibility.public), ("Adaptación reservada", .cohort)] {
                var content = caseContent(title)
                content["adaptedFrom"] = adaptedFrom
                _ = try await mexico.runtime.node.create(kind: .caseStudy, visibility: visibility, content: content)
            }

            let editorToken = TokenSecret.generate()
            try await mexico.database.createToken(name: "editor", role: "editor", hash: TokenSecret.hash(editorToken))
            let revokedToken = TokenSecret.generate()
            try await mexico.database.createToken(name: "former editor", role: "editor", hash: TokenSecret.hash(revokedToken))
            try await mexico.database.revokeToken(name: "former editor")
            let memberKey = try paris.key
            let strangerKey = try Ed25519PrivateKey()

            let publicCases: Set = ["Paris public", "México público", "Para borrar", "Adaptación abierta"]
            let allCases = publicCases.union(["Paris cohorte", "México cohorte", "Adaptación reservada"])
            let publicTranslations: Set = ["Traduction de Paris", "Traducción pública"]
            func read(_ visible: Set<String>?, _ cohortOnly: Set<String>? = nil) -> (Caller) -> Expected {
                { caller in
                    caller.isRefused ? Expected(status: 401) : Expected(status: 200, titles: caller.mayReadCohort ? visible : cohortOnly)
                }
            }
            func cohortRecord(_ caller: Caller) -> Expected {
                caller.isRefused ? Expected(status: 401) : Expected(status: caller.mayReadCohort ? 200 : 404)
            }
            func write(editor status: Int) -> (Caller) -> Expected {
                { caller in Expected(status: caller == .editor ? status : 401) }
            }
            let newCase = try editBody(caseContent("Nuevo caso"))
            let edit = try editBody(["title": "México público", "summary": "Editado por un editor.", "language": "es", "status": "pilot"])
            let newTranslation = try editBody(["title": "Paris public en français", "summary": "Traduit par un éditeur.", "language": "fr"])
            let editedTranslation = try editBody(["title": "Traducción pública", "summary": "Revisada.", "language": "es"])
            let (parisCase, translations) = ("/api/v1/cases/paris", "/api/v1/translations")
            let routes: [Route] = [
                Route(method: "GET", path: "/api/v1/cases", expected: read(allCases, publicCases)),
                Route(method: "GET", path: "/api/v1/cases?q=cohorte", expected: read(["Paris cohorte", "México cohorte"], [])),
                Route(method: "GET", path: "/api/v1/practices", expected: read(["Práctica de la cohorte"], [])),
                Route(method: "GET", path: "/api/v1/cases/paris/\(parisPublic.id)", expected: read(nil, nil)),
                Route(method: "GET", path: "/api/v1/cases/paris/\(parisCohort.id)", expected: cohortRecord),
                Route(method: "GET", path: "/api/v1/cases/mexico-city/\(mexicoCohort.id)", expected: cohortRecord),
                Route(method: "GET", path: "/api/v1/cases/paris/\(parisPublic.id)/versions", expected: read(["Paris public"], ["Paris public"])),
                Route(method: "GET", path: "/api/v1/cases/paris/\(parisCohort.id)/versions", expected: cohortRecord),
                Route(method: "GET", path: "/api/v1/cases/mexico-city/\(mexicoCohort.id)/versions/1", expected: cohortRecord),
                Route(method: "GET", path: "/api/v1/cases?q=reservada", expected: read(["Paris cohorte", "Adaptación reservada"], [])),
                Route(method: "GET", path: "/api/v1/cases?language=es&facets=status,language", expected: read(["Paris public", "Paris cohorte"], ["Paris public"])),
                Route(method: "GET", path: "\(parisCase)/\(parisPublic.id)?lang=es", expected: read(nil, nil)),
                Route(method: "GET", path: "\(parisCase)/\(parisCohort.id)?lang=es", expected: cohortRecord),
                Route(method: "GET", path: "\(parisCase)/\(parisPublic.id)/translations", expected: read(["Traducción pública"], ["Traducción pública"])),
                Route(method: "GET", path: "\(parisCase)/\(parisCohort.id)/translations", expected: cohortRecord),
                Route(method: "GET", path: "/api/v1/cases/mexico-city/\(mexicoPublic.id)/translations", expected: read(["Traduction de Paris"], ["Traduction de Paris"])),
                Route(method: "GET", path: "\(parisCase)/\(parisPublic.id)/adaptations", expected: read(["Adaptación abierta", "Adaptación reservada"], ["Adaptación abierta"])),
                Route(method: "GET", path: "\(parisCase)/\(parisCohort.id)/adaptations", expected: cohortRecord),
                Route(method: "GET", path: "\(translations)/mexico-city/\(publicTranslation.id)", expected: read(nil, nil)),
                Route(method: "GET", path: "\(translations)/mexico-city/\(cohortTranslation.id)", expected: cohortRecord),
                Route(method: "GET", path: "\(translations)/mexico-city/\(cohortTranslation.id)/versions", expected: cohortRecord),
                Route(method: "GET", path: "/api/v1/translations", expected: { caller in Expected(status: caller.isRefused ? 401 : 404) }),
                Route(method: "GET", path: "/federation/v1/changes", expected: read(
                    allCases.union(publicTranslations).union(["Práctica de la cohorte", "Traducción reservada"]), publicCases.union(publicTranslations))),
                Route(method: "GET", path: "/federation/v1/node", expected: read(nil, nil)),
                Route(method: "GET", path: "/api/v1/nodes", expected: read(nil, nil)),
                Route(method: "GET", path: "/healthz", expected: read(nil, nil)),
                Route(method: "GET", path: "/metrics", expected: read(nil, nil)),
                Route(method: "GET", path: "/openapi.json", expected: read(nil, nil)),
                Route(method: "PUT", path: "/api/v1/cases/paris/\(parisPublic.id)", body: edit, expected: write(editor: 403)),
                Route(method: "DELETE", path: "/api/v1/cases/paris/\(parisCohort.id)", expected: write(editor: 403)),
                Route(method: "POST", path: "/api/v1/cases", body: newCase, expected: write(editor: 201)),
                Route(method: "PUT", path: "/api/v1/cases/mexico-city/\(mexicoPublic.id)", body: edit, expected: write(editor: 200)),
                Route(method: "DELETE", path: "/api/v1/cases/mexico-city/\(toDelete.id)", expected: write(editor: 200)),
                Route(method: "POST", path: "\(parisCase)/\(parisPublic.id)/translations", body: newTranslation, expected: write(editor: 201)),
                Route(method: "PUT", path: "\(translations)/mexico-city/\(publicTranslation.id)", body: editedTranslation, expected: write(editor: 200)),
                Route(method: "PUT", path: "\(translations)/paris/\(parisTranslation.id)", body: editedTranslation, expected: write(editor: 403)),
                Route(method: "DELETE", path: "\(translations)/paris/\(parisTranslation.id)", expected: write(editor: 403)),
                Route(method: "DELETE", path: "\(translations)/mexico-city/\(cohortTranslation.id)", expected: write(editor: 200)),
            ]

            let client = try FederationTests.client(trusting: mexico)
            defer { _ = client.shutdown() }
            func send(_ route: Route, _ headers: [(String, String)]) async throws -> (status: Int, body: String) {
                var request = HTTPClientRequest(url: mexico.url + route.path)
                request.method = .init(rawValue: route.method)
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let body = route.body {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: body))
                }
                let response = try await client.execute(request, timeout: .seconds(30))
                return (Int(response.status.code), String(buffer: try await response.body.collect(upTo: 16 << 20)))
            }
            func headers(_ caller: Caller, _ route: Route) async throws -> [(String, String)] {
                func signed(_ key: Ed25519PrivateKey, created: Int = Int(Date().timeIntervalSince1970)) throws -> [(String, String)] {
                    try FederationTests.signedHeaders(for: mexico, route.path, method: route.method, key: key, created: created)
                }
                switch caller {
                case .anonymous: return []
                case .revokedToken: return [("Authorization", "Bearer \(revokedToken)")]
                case .editor: return [("Authorization", "Bearer \(editorToken)")]
                case .member: return try signed(memberKey)
                case .nonMember: return try signed(strangerKey)
                case .expired: return try signed(memberKey, created: Int(Date().timeIntervalSince1970) - MessageSignature.lifetime - 1)
                case .replayed:
                    // The same signed request sent twice: the first use is the member's, the second a replay.
                    let headers = try signed(memberKey)
                    _ = try await send(Route(method: route.method, path: route.path, expected: { _ in Expected(status: 0) }), headers)
                    return headers
                }
            }

            var checked = 0
            // Writers last in each row, so a row's reads see the same records whatever the caller.
            let callers = Caller.allCases.filter { $0 != .editor } + [.editor]
            for route in routes {
                for caller in callers {
                    let expected = route.expected(caller)
                    let reply = try await send(route, try await headers(caller, route))
                    checked += 1
                    #expect(reply.status == expected.status, "\(route.method) \(route.path) as \(caller): \(reply.body.prefix(300))")
                    if reply.status >= 400 {
                        #expect(reply.body.contains("\"status\":\(reply.status)"), "\(route.method) \(route.path) as \(caller): not a problem document")
                    }
                    // No cohort record's title in anything a caller who may not read them gets.
                    if !caller.mayReadCohort {
                        for secret in ["Paris cohorte", "México cohorte", "Práctica de la cohorte", "Traducción reservada", "Adaptación reservada", "Solo para la cohorte"] {
                            #expect(!reply.body.contains(secret), "\(route.method) \(route.path) as \(caller) shows \(secret)")
                        }
                    }
                    if let titles = expected.titles {
                        let items = try #require(try JSONParser.parse(reply.body).objectValue?["items"]?.arrayValue)
                        let shown = Set(items.compactMap { item -> String? in
                            let object = item.objectValue
                            let document = object?["document"]?.objectValue ?? object
                            return document?["content"]?.objectValue?["title"]?.stringValue ?? object?["title"]?.stringValue
                        })
                        #expect(shown == titles, "\(route.method) \(route.path) as \(caller)")
                        // Facets count what this caller may read, no more.
                        if let statuses = try JSONParser.parse(reply.body).objectValue?["facets"]?.objectValue?["status"]?.objectValue {
                            #expect(statuses.members.compactMap { $0.value.numberValue?.exactInteger }.reduce(0, +) == Int64(shown.count), "facets of \(route.path) as \(caller)")
                        }
                    }
                    if route.path == "/federation/v1/changes", reply.status == 200 {
                        let reader = try JSONParser.parse(reply.body).objectValue?["reader"]
                        #expect(reader == (caller == .member ? .string("paris") : .null), "the feed's reader as \(caller)")
                    }
                }
            }
            #expect(checked == routes.count * Caller.allCases.count)

            // Partner records are as Paris signed them; the editor's writes are the only changes.
            #expect(try mexico.database.record(origin: paris.slug, id: parisPublic.id)?.version == 1)
            #expect(try mexico.database.record(origin: paris.slug, id: parisCohort.id)?.version == 1)
            #expect(try mexico.database.record(origin: paris.slug, id: parisTranslation.id)?.version == 1)
            #expect(try mexico.database.record(origin: mexico.slug, id: publicTranslation.id)?.version == 2)
            #expect(try mexico.database.record(origin: mexico.slug, id: cohortTranslation.id)?.isDeleted == true)
            #expect(try mexico.database.record(origin: mexico.slug, id: mexicoPublic.id)?.version == 2)
            #expect(try mexico.database.record(origin: mexico.slug, id: toDelete.id)?.version == 2)
            // Four cases (one by the editor) and a practice, two translations, two adaptations and the editor's translation.
            #expect(try mexico.database.allRecords().filter { $0.origin == mexico.slug }.count == 10)
        }
    }
}
