import Foundation
import TandemCore
import TandemFederation
import TandemNode
import TandemStore
import TandemTestSupport
import Testing

/// Translations and adaptations between cities, as lab staff read them through the API of real
/// nodes that sync over HTTPS.
@Suite("Translations, adaptations and facets")
struct RelationsTests {
    static let frenchCase: JSONObject = [
        "title": "Vagues de chaleur", "summary": "Repérer les personnes isolées pendant la canicule.",
        "language": "fr", "city": "Paris", "country": "FR", "status": "prototype", "methods": ["co-design"],
    ]
    static let spanish: JSONObject = ["language": "es", "title": "Olas de calor", "summary": "Identificar a las personas aisladas durante el calor extremo."]

    /// The translations a node lists for a record: (origin, language, version translated, stale).
    static func translations(_ node: CohortNode, of path: String) async throws -> [(origin: String, language: String, translates: Int64, stale: Bool)] {
        let reply = try await node.request("GET", path + "/translations")
        #expect(reply.status == 200, "\(node.slug): \(reply.body)")
        return try reply.items.map { item in
            (
                item["provenance"]?.objectValue?["origin"]?.stringValue ?? "", item["language"]?.stringValue ?? "",
                item["translates"]?.numberValue?.exactInteger ?? 0, item["stale"]?.boolValue ?? false
            )
        }
    }

    @Test("a lab translates a partner's case: it travels signed, is attached for ?lang and Accept-Language, and turns stale on every node when the original is edited")
    func translationsTravelAndGoStale() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city"), .init(slug: "rennes", peers: ["mexico-city"])]) { cohort in
            let (paris, mexico, rennes) = (cohort["paris"], cohort["mexico-city"], cohort["rennes"])
            let parisToken = try await paris.editorToken()
            let mexicoToken = try await mexico.editorToken()
            let created = try await paris.request("POST", "/api/v1/cases", body: try editBody(Self.frenchCase), token: parisToken)
            let original = try #require(created.header("Location"))
            _ = try await mexico.sync()

            // Mexico City translates Paris' case: the translation is Mexico City's, of version 1.
            let translated = try await mexico.request("POST", original + "/translations", body: try editBody(Self.spanish), token: mexicoToken)
            #expect(translated.status == 201, "\(translated.body)")
            let location = try #require(translated.header("Location"))
            #expect(location.hasPrefix("/api/v1/translations/mexico-city/"))
            let content = try #require(try translated.json["document"]?.objectValue?["content"]?.objectValue)
            #expect(content["translationOf"] == ["origin": "paris", "id": .string(String(original.split(separator: "/").last!)), "version": 1])
            for node in [paris, rennes] { _ = try await node.sync() }

            for node in [paris, mexico, rennes] {
                #expect(try await Self.translations(node, of: original).map { "\($0.origin) \($0.language) v\($0.translates) \($0.stale)" } == ["mexico-city es v1 false"])
                let inSpanish = try await node.request("GET", original + "?lang=es")
                let attached = try #require(try inSpanish.json["translation"]?.objectValue, "\(node.slug): \(inSpanish.body)")
                #expect(attached["document"]?.objectValue?["content"]?.objectValue?["title"] == "Olas de calor")
                #expect(try inSpanish.json["document"]?.objectValue?["content"]?.objectValue?["title"] == "Vagues de chaleur")
                #expect(inSpanish.header("Vary") == "Accept-Language" && inSpanish.header("ETag") == nil)
                // A browser's header: Mexican Spanish first, then French, which the record is written in.
                let browser = try await node.request("GET", original, headers: [("Accept-Language", "es-MX, fr;q=0.8, en;q=0.5")])
                #expect(try browser.json["translation"]?.objectValue?["language"] == "es")
                let french = try await node.request("GET", original, headers: [("Accept-Language", "fr-FR,es;q=0.9")])
                #expect(try french.json["translation"] == nil && french.header("ETag") != nil)
                #expect(try await node.request("GET", original + "?lang=de").json["translation"] == nil)
                #expect(try await node.request("GET", original + "?lang=ES").json["translation"]?.objectValue?["language"] == "es")
                // Weights order the header, not its order; an entry with an unreadable or out-of-range weight is left out.
                for (header, attached) in [("fr;q=0.1, es;q=0.9", true), ("es;q=abc, de", false), ("es;q=5", false), ("es;q=0, *", false)] {
                    let reply = try await node.request("GET", original, headers: [("Accept-Language", header)])
                    #expect((try reply.json["translation"] != nil) == attached, "\(node.slug) Accept-Language: \(header)")
                }
                #expect(try await node.request("GET", original + "?lang=not a tag").status == 400)
            }

            // Paris edits its case: after the next sync every node says the translation is stale, and still attaches it, saying so.
            var edited = Self.frenchCase
            edited["summary"] = "Repérer et accueillir au frais les personnes isolées pendant la canicule."
            #expect(try await paris.request("PUT", original, body: try editBody(edited), token: parisToken).status == 200)
            for node in [mexico, rennes] { _ = try await node.sync() }
            for node in [paris, mexico, rennes] {
                #expect(try await Self.translations(node, of: original).map { "\($0.translates) \($0.stale)" } == ["1 true"], "\(node.slug)")
                #expect(try await node.request("GET", original + "?lang=es").json["translation"]?.objectValue?["stale"] == true, "\(node.slug)")
            }

            // Mexico City revises its translation: it now translates version 2, fresh everywhere once synced.
            var revised = Self.spanish
            revised["summary"] = "Identificar y recibir en lugares frescos a las personas aisladas."
            let put = try await mexico.request("PUT", location, body: try editBody(revised), token: mexicoToken)
            #expect(try put.json["document"]?.objectValue?["content"]?.objectValue?["translationOf"]?.objectValue?["version"] == 2, "\(put.body)")
            for node in [paris, rennes] { _ = try await node.sync() }
            for node in [paris, mexico, rennes] {
                #expect(try await Self.translations(node, of: original).map { "\($0.translates) \($0.stale)" } == ["2 false"], "\(node.slug)")
            }

            // Paris may not edit Mexico City's translation; Mexico City deletes it and the tombstone travels.
            #expect(try await paris.request("DELETE", location, token: parisToken).status == 403)
            #expect(try await mexico.request("DELETE", location, token: mexicoToken).status == 200)
            for node in [paris, rennes] { _ = try await node.sync() }
            for node in [paris, mexico, rennes] {
                #expect(try await Self.translations(node, of: original).isEmpty, "\(node.slug)")
                #expect(try await node.request("GET", original + "?lang=es").json["translation"] == nil)
                #expect(try await node.request("GET", location).status == 410)
            }
        }
    }

    @Test("a translation that arrives before its original is kept, and linked when the original arrives")
    func translationBeforeOriginal() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city", peers: ["nantes", "paris"])], fakes: [nantes]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let original = try await paris.runtime.node.create(kind: .caseStudy, visibility: .public, content: Self.frenchCase)
            var content = Self.spanish
            content["translationOf"] = ["origin": "paris", "id": .string(original.id.description), "version": 1]
            let translation = try signed(.translation, origin: "nantes", content: content, key: nantes.key)
            nantes.serve([try nantes.page([translation])])

            #expect(try mexico.report(from: "nantes", try await mexico.sync(only: nantes.slug)).inserted == 1)
            let path = "/api/v1/cases/paris/\(original.id)"
            let address = "/api/v1/translations/nantes/\(translation["id"]!.stringValue!)"
            #expect(try await mexico.request("GET", path).status == 404)
            #expect(try await mexico.request("GET", address).status == 200)

            #expect(try mexico.report(from: "paris", try await mexico.sync(only: paris.slug)).inserted == 1)
            #expect(try await Self.translations(mexico, of: path).map { "\($0.origin) \($0.language) v\($0.translates) \($0.stale)" } == ["nantes es v1 false"])
            #expect(try await mexico.request("GET", "/api/v1/cases?q=calor").titles == ["Vagues de chaleur"])
        }
    }

    @Test("a Spanish search finds a French case through its translation and says so; language=es finds it too; cohort-only translations stay hidden")
    func searchThroughTranslations() async throws {
        try await withNode(samples: false) { node in
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(Self.frenchCase), as: .editor)
            let original = try #require(created.header("Location"))
            let other = try await node.request("POST", "/api/v1/cases", body: try editBody(spanishCase), as: .editor)
            #expect(other.status == 201)
            let translated = try await node.request("POST", original + "/translations", body: try editBody(Self.spanish), as: .editor)
            #expect(translated.status == 201)
            let cohortOnly = try await node.request("POST", original + "/translations", body: try editBody(["language": "en", "title": "Heatwaves and libraries", "summary": "Members only."], visibility: "cohort"), as: .editor)
            #expect(cohortOnly.status == 201, "\(cohortOnly.body)")

            let search = try await node.get("/api/v1/cases?q=calor")
            #expect(try search.titles == ["Vagues de chaleur"])
            let match = try #require(try search.items.first?["match"]?.objectValue)
            #expect(match["in"] == "translation" && match["language"] == "es")
            #expect(match["translation"]?.objectValue?["origin"] == "paris")
            let direct = try await node.get("/api/v1/cases?q=canicule")
            #expect(try direct.items.first?["match"] == ["language": "fr", "in": "original"])
            // Both words at once: one in the original, one in the translation, is no match; the record answers once when both match.
            #expect(try await node.get("/api/v1/cases?q=calor%20canicule").titles.isEmpty)
            #expect(try await node.get("/api/v1/cases?q=calor%20olas").titles == ["Vagues de chaleur"])

            let spanishOnes = try await node.get("/api/v1/cases?language=es")
            #expect(try Set(spanishOnes.titles) == ["Vagues de chaleur", "Participación ciudadana en la Ciudad de México"])
            let viaTranslation = try spanishOnes.items.first { $0["document"]?.objectValue?["content"]?.objectValue?["language"] == "fr" }
            #expect(viaTranslation?["match"]?.objectValue?["in"] == "translation")
            #expect(try await node.get("/api/v1/cases?language=es&q=calor").titles == ["Vagues de chaleur"])
            #expect(try await node.get("/api/v1/cases?language=fr&q=calor").titles.isEmpty)
            // Under a search, the language facet counts the languages the matching texts are in, as language= finds them.
            #expect(try await node.get("/api/v1/cases?q=calor&facets=language").json["facets"] == ["language": ["es": 1]])
            #expect(try await node.get("/api/v1/cases?q=canicule&facets=language").json["facets"] == ["language": ["fr": 1]])

            // The cohort-only translation: found by an editor, never by an anonymous reader, nor counted for one.
            #expect(try await node.get("/api/v1/cases?q=libraries").titles.isEmpty)
            #expect(try await node.get("/api/v1/cases?q=libraries", as: .editor).titles == ["Vagues de chaleur"])
            #expect(try await node.get("/api/v1/cases?language=en").titles.isEmpty)
            #expect(try await node.get("/api/v1/cases?facets=language").json["facets"] == ["language": ["es": 2, "fr": 1]])
            #expect(try await node.get("/api/v1/cases?facets=language", as: .editor).json["facets"] == ["language": ["es": 2, "en": 1, "fr": 1]])
            #expect(try await node.get(original + "/translations").items.count == 1)
            #expect(try await node.get(original + "?lang=en").json["translation"] == nil)
            #expect(try await node.get(original + "?lang=en", as: .editor).json["translation"] != nil)
        }
    }

    @Test("a search through translations pages one record at a time, however many of its translations match")
    func searchPagesOncePerRecord() async throws {
        try await withNode(samples: false) { node in
            var originals: [String] = []
            for title in ["Canicule au marché", "Canicule à l'école"] {
                let created = try await node.request("POST", "/api/v1/cases", body: try editBody(Self.frenchCase.merging(["title": .string(title)])), as: .editor)
                originals.append(try #require(created.header("Location")))
            }
            // The newer case has two Spanish translations that match, the older one.
            for (original, title) in [(originals[0], "Calor en el mercado"), (originals[1], "Calor en la escuela"), (originals[1], "Olas de calor en la escuela")] {
                let translated = try await node.request("POST", original + "/translations", body: try editBody(Self.spanish.merging(["title": .string(title)])), as: .editor)
                #expect(translated.status == 201)
            }
            var titles: [String] = []
            var cursor: String?
            repeat {
                let page = try await node.get("/api/v1/cases?q=calor&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(try page.items.count == 1, "\(page.body)")
                titles += try page.titles
                cursor = try page.json["next"]?.stringValue
            } while cursor != nil && titles.count < 5
            #expect(titles == ["Canicule à l'école", "Canicule au marché"])
        }
    }

    @Test("a partner's public translation of a cohort-only record is read as that record is: hidden from anonymous readers")
    func translationOfCohortRecordStaysHidden() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city", peers: ["nantes", "paris"])], fakes: [nantes]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            let original = try await paris.runtime.node.create(kind: .caseStudy, visibility: .cohort, content: Self.frenchCase)
            var content = Self.spanish
            content["translationOf"] = ["origin": "paris", "id": .string(original.id.description), "version": 1]
            let translation = try signed(.translation, origin: "nantes", content: content, key: nantes.key)
            nantes.serve([try nantes.page([translation])])
            for report in try await mexico.sync() { #expect(report.succeeded, "\(report.line)") }

            let address = "/api/v1/translations/nantes/\(translation["id"]!.stringValue!)"
            let token = try await mexico.editorToken()
            #expect(try await mexico.request("GET", address).status == 404)
            #expect(try await mexico.request("GET", address + "/versions").status == 404)
            #expect(try await mexico.request("GET", "/api/v1/cases?q=calor").titles.isEmpty)
            #expect(try await mexico.request("GET", address, token: token).status == 200)
            #expect(try await mexico.request("GET", "/api/v1/cases?q=calor", token: token).titles == ["Vagues de chaleur"])
            // Nor does Mexico City's public change feed relay it; a member's signed read does.
            let translationID = translation["id"]!.stringValue!
            #expect(try await mexico.request("GET", "/federation/v1/changes").body.contains(translationID) == false)
            let signedHeaders = try FederationTests.signedHeaders(for: mexico, "/federation/v1/changes", key: try paris.key)
            #expect(try await mexico.request("GET", "/federation/v1/changes", headers: signedHeaders).body.contains(translationID))
        }
    }

    @Test("each facet counts exactly what the list gives with that filter, over every page, searched or not")
    func facetsAgreeWithTheList() async throws {
        try await withNode { node in
            // Regional tags: a case written in es-MX, and an es-MX translation of a French case, are Spanish to a reader.
            let mexican: JSONObject = [
                "title": "Presupuesto participativo en Iztapalapa", "summary": "Participación de las vecinas en el presupuesto.",
                "language": "es-MX", "city": "Ciudad de México", "country": "MX", "status": "implemented",
            ]
            #expect(try await node.request("POST", "/api/v1/cases", body: try editBody(mexican), as: .editor).status == 201)
            let heatwave = "/api/v1/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01"
            let translation: JSONObject = ["language": "es-MX", "title": "Resiliencia ante las olas de calor", "summary": "Un taller co-diseñó soluciones."]
            #expect(try await node.request("POST", heatwave + "/translations", body: try editBody(translation), as: .editor).status == 201)
            let languages = try #require(try await node.get("/api/v1/cases?facets=language").json["facets"]?.objectValue?["language"]?.objectValue)
            #expect(languages["es-MX"] == nil && languages["es"] != nil, "\(languages)")
            let mexicanSpanish = try await node.get("/api/v1/cases?language=es-mx").items.map { $0["document"]?.objectValue?["content"]?.objectValue?["title"]?.stringValue ?? "" }
            #expect(Set(mexicanSpanish) == ["Presupuesto participativo en Iztapalapa", "Résilience lors des vagues de chaleur"], "\(mexicanSpanish)")

            let names = ["city", "country", "status", "method", "policyArea", "tag", "language"]
            for base in ["", "q=participation", "country=FR", "status=implemented", "method=co-design"] {
                let reply = try await node.get("/api/v1/cases?\(base)&facets=\(names.joined(separator: ","))")
                #expect(reply.status == 200, "\(reply.body)")
                let facets = try #require(try reply.json["facets"]?.objectValue, "\(base)")
                #expect(facets.keys == names)
                #expect(try reply.json["facetsTimedOut"] == [])
                // A facet of the filter already given counts the other values those records have: no list to compare with.
                for (name, counts) in facets.members where !base.hasPrefix(name + "=") {
                    for (value, count) in try #require(counts.objectValue).members {
                        let filter = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
                        var all: [JSONObject] = []
                        var cursor: String?
                        repeat {
                            let page = try await node.get("/api/v1/cases?\(base)&\(name)=\(filter)&limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                            all += try page.items
                            cursor = try page.json["next"]?.stringValue
                        } while cursor != nil
                        #expect(Int64(all.count) == count.numberValue?.exactInteger, "\(base) \(name)=\(value): \(all.map { $0["document"]?.objectValue?["id"]?.stringValue ?? "" })")
                    }
                }
            }
            #expect(try await node.get("/api/v1/cases?facets=colour").status == 400)
            #expect(try await node.get("/api/v1/cases").json["facetsTimedOut"] == nil)
            #expect(try await node.get("/api/v1/practices?facets=status").status == 400)
        }
    }

    @Test("facets not counted within browse.facetTimeLimit are named and left out; the list and the browse page still answer")
    func facetsPastTheTimeLimit() async throws {
        // A limit of 0 counts none: what a count that ran out of time gives, without waiting for one.
        try await withNode(settings: ["browse.facetTimeLimit": "0"]) { node in
            let reply = try await node.get("/api/v1/cases?facets=status,method")
            #expect(reply.status == 200)
            #expect(try reply.json["facets"] == [:])
            #expect(try reply.json["facetsTimedOut"] == ["status", "method"])
            #expect(try reply.items.map { $0["document"] } == (try await node.get("/api/v1/cases").items.map { $0["document"] }))
            #expect(try !reply.items.isEmpty)

            let page = try await node.request("GET", "/", headers: [("Accept-Language", "en")])
            #expect(page.status == 200)
            #expect(page.body.contains("Filters are shown without counts: this node does not count them."))
            // A choice's values are still offered; a free value (a city) is not known without counting.
            #expect(page.body.contains("<option value=\"pilot\">Pilot</option>"), "\(page.body)")
            #expect(!page.body.contains("<option value=\"Paris\">"))
        }
    }

    @Test("a translation is refused (422) when it does not fit: wrong field, own language, a version given, too little; cohort records' translations are cohort-only")
    func translationRules() async throws {
        try await withNode(samples: false) { node in
            let cohortCase = try await node.request("POST", "/api/v1/cases", body: try editBody(Self.frenchCase, visibility: "cohort"), as: .editor)
            let original = try #require(cohortCase.header("Location"))
            let practice = try await node.request(
                "POST", "/api/v1/practices", body: try editBody(["title": "Immersion", "summary": "Vivre le service.", "language": "fr"]), as: .editor)
            let practicePath = try #require(practice.header("Location"))

            let refusals: [(path: String, body: String, field: String, message: String)] = [
                (original, try editBody(Self.spanish, visibility: "public"), "visibility", "must be cohort"),
                (practicePath, try editBody(Self.spanish.merging(["problem": "El problema."])), "content.problem", "practices have no problem to translate"),
                (original, try editBody(Self.spanish.merging(["language": "fr"])), "content.language", "a translation is into another language"),
                (original, try editBody(Self.spanish.merging(["translationOf": ["origin": "paris", "id": "x", "version": 1]])), "content.translationOf", "is set by the node"),
                (original, try editBody(["language": "es", "title": "Olas de calor"]), "content.summary", "required"),
                (original, try editBody(Self.spanish.merging(["status": "pilot"])), "content.status", "unknown field"),
            ]
            for refusal in refusals {
                let reply = try await node.request("POST", refusal.path + "/translations", body: refusal.body, as: .editor)
                #expect(reply.status == 422, "\(refusal.field): \(reply.body)")
                #expect(reply.header("Content-Type") == "application/problem+json")
                #expect(reply.body.contains(refusal.field) && reply.body.contains(refusal.message), "\(reply.body)")
            }
            #expect(try await node.get(original + "/translations", as: .editor).items.isEmpty)

            let accepted = try await node.request("POST", original + "/translations", body: try editBody(Self.spanish), as: .editor)
            #expect(accepted.status == 201)
            #expect(try accepted.json["document"]?.objectValue?["visibility"] == "cohort")
            let translation = try #require(accepted.header("Location"))
            let given = try await node.request("PUT", translation, body: try editBody(Self.spanish.merging(["translationOf": ["origin": "paris", "id": "x", "version": 1]])), as: .editor)
            #expect(given.status == 422 && given.body.contains("content.translationOf"), "\(given.body)")
            #expect(try await node.get(translation).status == 404)
            #expect(try await node.get(translation, as: .editor).status == 200)
            // A translation is read with its original: not listed on its own, and not translated in turn.
            #expect(try await node.get("/api/v1/translations").status == 404)
            #expect(try await node.request("POST", translation + "/translations", body: try editBody(Self.spanish), as: .editor).status == 404)
            #expect(try await node.request("POST", "/api/v1/cases/paris/\(RecordID())/translations", body: try editBody(Self.spanish), as: .editor).status == 404)
            #expect(try await node.request("POST", original + "/translations", body: try editBody(Self.spanish)).status == 401)

            #expect(try await node.request("DELETE", original, as: .editor).status == 200)
            let gone = try await node.request("POST", original + "/translations", body: try editBody(Self.spanish), as: .editor)
            #expect(gone.status == 410, "\(gone.body)")
            #expect(try await node.get(original + "/translations", as: .editor).status == 410)
        }
    }

    @Test("adaptations read as a tree across three cities; a record not held is shown as such; itself or a loop is refused, and a loop from a peer is harmless")
    func adaptationTree() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city"), .init(slug: "rennes")], fakes: [nantes]) { cohort in
            let (paris, mexico, rennes) = (cohort["paris"], cohort["mexico-city"], cohort["rennes"])
            let tokens = (paris: try await paris.editorToken(), mexico: try await mexico.editorToken(), rennes: try await rennes.editorToken())
            func adapting(_ title: String, from references: [String], more: JSONObject = [:]) throws -> String {
                var content = caseContent(title)
                for (name, value) in more.members { content[name] = value }
                content["adaptedFrom"] = .array(references.map { reference in
                    let parts = reference.split(separator: "/").suffix(2).map(String.init)
                    return ["origin": .string(parts[0]), "id": .string(parts[1])]
                })
                return try editBody(content)
            }
            let hackathon = try #require(try await paris.request("POST", "/api/v1/cases", body: try editBody(caseContent("Hackathon pour l'emploi")), token: tokens.paris).header("Location"))
            // What a reader of the tree compares: where, who, how far it got, when, and what came of it.
            let mexicoCity: JSONObject = [
                "city": "Ciudad de México", "lab": "Laboratorio para la Ciudad", "status": "implemented",
                "period": ["start": "2024-03", "end": "2024-06-30"], "results": "Cuarenta personas encontraron empleo.",
            ]
            _ = try await mexico.sync()
            let hackaton = try #require(try await mexico.request("POST", "/api/v1/cases", body: try adapting("Hackatón por el empleo", from: [hackathon], more: mexicoCity), token: tokens.mexico).header("Location"))
            _ = try await rennes.sync()
            let notHeld = "/api/v1/cases/lille/\(RecordID())"
            let rennesOne = try await rennes.request("POST", "/api/v1/cases", body: try adapting("Hackathon des contrats", from: [hackaton, notHeld]), token: tokens.rennes)
            #expect(rennesOne.status == 201, "\(rennesOne.body)")
            let rennesPath = try #require(rennesOne.header("Location"))
            for node in [paris, mexico] { _ = try await node.sync() }

            for node in [paris, mexico, rennes] {
                let tree = try await node.request("GET", hackathon + "/adaptations")
                let first = try #require(try tree.items.first, "\(node.slug): \(tree.body)")
                #expect(first["origin"] == "mexico-city" && first["title"] == "Hackatón por el empleo" && first["held"] == true)
                for (name, value) in mexicoCity.members { #expect(first[name] == value, "\(node.slug): \(name)") }
                let second = try #require(first["adaptations"]?.arrayValue?.first?.objectValue)
                #expect(second["origin"] == "rennes" && second["adaptations"] == [])
                #expect(try tree.json["adaptedFrom"] == [])
            }
            let sources = try #require(try await rennes.request("GET", rennesPath + "/adaptations").json["adaptedFrom"]?.arrayValue)
            #expect(sources.map { "\($0.objectValue?["origin"]?.stringValue ?? "") \($0.objectValue?["held"]?.boolValue ?? false)" } == ["mexico-city true", "lille false"])

            // Refused at write time: itself, a loop through the records held, too many, the same twice.
            let rennesID = String(rennesPath.split(separator: "/").last!)
            let refusals: [(CohortNode, String, String, String, String)] = [
                (rennes, tokens.rennes, rennesPath, try adapting("Hackathon des contrats", from: [rennesPath]), "cannot adapt itself"),
                (paris, tokens.paris, hackathon, try adapting("Hackathon pour l'emploi", from: [rennesPath]), "that would make a loop"),
                (rennes, tokens.rennes, rennesPath, try adapting("Hackathon des contrats", from: (0..<11).map { _ in "/api/v1/cases/lille/\(RecordID())" }), "at most 10"),
                (rennes, tokens.rennes, rennesPath, try adapting("Hackathon des contrats", from: [hackaton, hackaton]), "must not repeat"),
            ]
            for (node, token, path, body, message) in refusals {
                let reply = try await node.request("PUT", path, body: body, token: token)
                #expect(reply.status == 422 && reply.body.contains("content.adaptedFrom") && reply.body.contains(message), "\(reply.body)")
            }
            #expect(try paris.database.record(origin: paris.slug, id: RecordID(String(hackathon.split(separator: "/").last!))!)?.version == 1)
            #expect(try rennes.database.record(origin: rennes.slug, id: RecordID(rennesID)!)?.version == 1)

            // A loop a peer signed (each of its records adapts the other) is stored and read without going round.
            let (first, second) = (RecordID(), RecordID())
            func looping(_ id: RecordID, _ other: RecordID, _ title: String) throws -> JSONObject {
                var content = caseContent(title)
                content["adaptedFrom"] = [["origin": "nantes", "id": .string(other.description)]]
                return try signed(.caseStudy, origin: "nantes", id: id, content: content, key: nantes.key)
            }
            nantes.serve([try nantes.page([try looping(first, second, "Boucle A"), try looping(second, first, "Boucle B")])])
            #expect(try mexico.report(from: "nantes", try await mexico.sync(only: nantes.slug)).inserted == 2)
            let loop = try await mexico.request("GET", "/api/v1/cases/nantes/\(first)/adaptations")
            #expect(loop.status == 200)
            #expect(try loop.items.map { "\($0["title"]?.stringValue ?? "") \($0["adaptations"]?.arrayValue?.count ?? -1)" } == ["Boucle B 0"])
        }
    }
}

extension JSONObject {
    /// This object with `other`'s members set on it.
    fileprivate func merging(_ other: JSONObject) -> JSONObject {
        var merged = self
        for (key, value) in other.members { merged[key] = value }
        return merged
    }
}
