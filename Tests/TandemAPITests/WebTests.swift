import AsyncHTTPClient
import Foundation
import NIOCore
@testable import TandemAPI
import TandemCore
@testable import TandemStore
import Testing

/// A browser without a browser: keeps cookies as a browser does for one site, sends forms, and
/// reads back what a person would see.
final class PageBrowser: @unchecked Sendable {
    let node: TestNode
    let acceptLanguage: String?
    private(set) var cookies: [String: String] = [:]

    init(_ node: TestNode, acceptLanguage: String? = nil) {
        self.node = node
        self.acceptLanguage = acceptLanguage
    }

    struct Page {
        let status: Int
        let headers: [(String, String)]
        let html: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var setCookies: [String] { headers.filter { $0.0.lowercased() == "set-cookie" }.map(\.1) }
        /// The form token the page's forms carry.
        var formToken: String? { Self.first(#"name="csrf" value="([^"]*)""#, in: html) }
        /// The text of the element with this id (its inner HTML), if any.
        func element(id: String) -> String? { Self.first(#"id="\#(id)"[^>]*>([^<]*)<"#, in: html) }
        static func first(_ pattern: String, in text: String) -> String? {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), let range = Range(match.range(at: 1), in: text)
            else { return nil }
            return String(text[range])
        }
    }

    func get(_ path: String) async throws -> Page { try await send("GET", path, form: nil) }

    func post(_ path: String, _ form: [(String, String)]) async throws -> Page { try await send("POST", path, form: form) }

    private func send(_ method: String, _ path: String, form: [(String, String)]?) async throws -> Page {
        var request = HTTPClientRequest(url: "https://127.0.0.1:\(node.port)\(path)")
        request.method = .init(rawValue: method)
        if let acceptLanguage { request.headers.add(name: "Accept-Language", value: acceptLanguage) }
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let body = form.map { "\(PageContext.percentEncoded($0.0))=\(PageContext.percentEncoded($0.1))" }.joined(separator: "&")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await node.pageClient.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 8 * 1024 * 1024)
        let page = Page(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, html: String(buffer: bytes))
        for header in page.setCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }

    /// Opens the sign-in page and signs in with `token`; the answer to the form.
    @discardableResult
    func signIn(_ token: String) async throws -> Page {
        let form = try await get("/sign-in")
        return try await post("/sign-in", [("csrf", form.formToken ?? ""), ("token", token), ("back", "/")])
    }

    func setCookie(_ name: String, _ value: String?) { cookies[name] = value }
}

@Suite("Pages for people: reading, signing in, writing")
struct WebTests {
    static let heatwave = "/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01"

    @Test("every page is escaped for its context: a record titled <script>, a hostile summary and search render inert, with no script allowed")
    func hostileTextIsInert() async throws {
        try await withNode { node in
            let hostile: JSONObject = [
                "title": "<script>alert(1)</script>", "summary": "\"><img src=x onerror=alert(2)> alert canicule", "language": "fr", "status": "idea",
                "lab": "<b>Lab</b>", "tags": ["alert"], "links": [["url": "https://example.org/?a=\"><script>alert(3)</script>", "title": "<i>report</i>"]],
            ]
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(hostile), as: .editor)
            #expect(created.status == 201, "\(created.body)")
            let path = try #require(created.header("Location")).replacingOccurrences(of: "/api/v1", with: "")
            let browser = PageBrowser(node)
            for address in [path, "/", "/?q=alert", "/?q=%3Cscript%3E", "/?tag=alert"] {
                let page = try await browser.get(address)
                #expect(page.status == 200, "\(address)")
                #expect(!page.html.contains("<script"), "\(address)")
                #expect(!page.html.contains("<img"), "\(address)")
                #expect(!page.html.contains("<b>Lab"), "\(address)")
                #expect(page.html.range(of: #"<[^>]*\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(address): an event handler attribute")
                #expect(!page.html.contains("style="), "\(address): inline style")
                let policy = try #require(page.header("Content-Security-Policy"))
                #expect(policy.contains("default-src 'none'") && !policy.contains("unsafe-inline") && !policy.contains("script-src"))
                #expect(page.header("X-Content-Type-Options") == "nosniff")
            }
            let record = try await browser.get(path)
            #expect(record.html.contains("<h1 lang=\"fr\">&lt;script&gt;alert(1)&lt;/script&gt;</h1>"))
            #expect(record.html.contains("href=\"https://example.org/?a=&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;\""))
            // A search highlights the words found and nothing else: the text around them stays escaped.
            let search = try await browser.get("/?q=canicule%20alert")
            #expect(search.html.contains("&lt;img src=x onerror=<mark>alert</mark>(2)&gt; <mark>alert</mark> <mark>canicule</mark>"), "\(search.html)")
        }
    }

    @Test("a link is a link only when it is an http(s) address: javascript: and data: addresses show as text")
    func onlyWebLinks() {
        let fields = RecordFields(kind: .caseStudy, language: .en, pageOf: { _ in nil })
        let links: JSONValue = [
            ["url": "javascript:alert(1)", "title": "one"], ["url": "JaVaScRiPt:alert(1)", "title": "two"],
            ["url": "data:text/html,<script>alert(1)</script>", "title": "three"], ["url": "https://example.org/", "title": "four"],
        ]
        let shown = fields.display(["links": links], textLanguage: "en")
        let items = try? #require(shown.first?["links"] as? [[String: Any]])
        #expect(items?.compactMap { $0["href"] as? String } == ["https://example.org/"])
        #expect(items?.map { $0["label"] as? String ?? "" } == ["one (javascript:alert(1))", "two (JaVaScRiPt:alert(1))", "three (data:text/html,<script>alert(1)</script>)", "four"])
        // Rendered, the texts are escaped.
        let html = Templates.render("fields", ["fields": shown])
        #expect(!html.contains("<script") && html.contains("&lt;script&gt;") && !html.contains("href=\"javascript") && !html.contains("href=\"JaVaScRiPt"))
    }

    @Test("the page's language: Accept-Language first, then the switcher, remembered in a cookie; a record shows its translation in that language")
    func languageChoice() async throws {
        try await withNode { node in
            let spanish = PageBrowser(node, acceptLanguage: "es-MX,es;q=0.9,en;q=0.5")
            var page = try await spanish.get("/")
            #expect(page.html.contains("<html lang=\"es\">") && page.html.contains("Casos y prácticas de todas las ciudades"))
            #expect(try await PageBrowser(node, acceptLanguage: "de, fr;q=0.5").get("/").html.contains("<html lang=\"fr\">"))
            #expect(try await PageBrowser(node, acceptLanguage: "de").get("/").html.contains("<html lang=\"en\">"))
            // The switcher: a link per language; the choice is kept over Accept-Language.
            #expect(page.html.contains("href=\"/?lang=fr\" lang=\"fr\" hreflang=\"fr\">Français</a>"))
            page = try await spanish.get("/?lang=fr")
            #expect(page.html.contains("<html lang=\"fr\">") && page.setCookies.contains { $0.hasPrefix("__Host-tandem_lang=fr;") })
            page = try await spanish.get("/cohort")
            #expect(page.html.contains("<html lang=\"fr\">") && page.html.contains("La cohorte"))
            page = try await spanish.get("/?lang=xx")
            #expect(page.status == 200 && page.html.contains("<html lang=\"fr\">"))

            // No Spanish translation held yet: the case is shown in French, and the page says so.
            let untranslated = try await PageBrowser(node, acceptLanguage: "es").get(Self.heatwave)
            #expect(untranslated.html.contains("<h1 lang=\"fr\">Résilience lors des vagues de chaleur</h1>"))
            #expect(untranslated.html.contains("Este nodo aún no tiene una traducción al español: el registro se muestra tal como se escribió, en francés."))
            // A Spanish translation of the heat-wave case: a Spanish reader gets it, saying whose it is and of which version.
            let translation: JSONObject = ["language": "es", "title": "Resiliencia ante las olas de calor", "summary": "Un taller co-diseñó soluciones con agentes."]
            let posted = try await node.request("POST", "/api/v1\(Self.heatwave)/translations", body: try editBody(translation), as: .editor)
            #expect(posted.status == 201, "\(posted.body)")
            page = try await PageBrowser(node, acceptLanguage: "es").get(Self.heatwave)
            #expect(page.html.contains("<h1 lang=\"es\">Resiliencia ante las olas de calor</h1>"))
            #expect(page.html.contains("Mostrado en español: traducido por La Transfo, Ville de Paris a partir de la versión 1."))
            #expect(page.html.contains("Leer el original (francés)"))
            // Once the original changes, the page still shows the translation, and says it is of an older version.
            var edited = try await node.get("/api/v1\(Self.heatwave)").json["document"]?.objectValue?["content"]?.objectValue ?? [:]
            edited["summary"] = "Le dispositif a été reconduit."
            #expect(try await node.request("PUT", "/api/v1\(Self.heatwave)", body: try editBody(edited), as: .editor).status == 200)
            page = try await PageBrowser(node, acceptLanguage: "es").get(Self.heatwave)
            #expect(page.html.contains("<h1 lang=\"es\">Resiliencia ante las olas de calor</h1>"))
            #expect(page.html.contains("Esta traducción es de la versión 1; el original va en la versión 2 y cambió desde entonces."))
            let original = try await PageBrowser(node, acceptLanguage: "es").get(Self.heatwave + "?original=1")
            #expect(original.html.contains("<h1 lang=\"fr\">Résilience lors des vagues de chaleur</h1>"))
            let french = try await PageBrowser(node, acceptLanguage: "fr").get(Self.heatwave)
            #expect(french.html.contains("<h1 lang=\"fr\">Résilience lors des vagues de chaleur</h1>"))
            #expect(french.html.contains("espagnol, par La Transfo, Ville de Paris, de la version 1"))
            #expect(!french.html.contains("traduction en français"), "the French reader reads it as written, with no notice")
        }
    }

    @Test("a form without its token is refused, whoever posts it: no record is written")
    func formsNeedTheirToken() async throws {
        try await withNode { node in
            let before = try node.database.recordCounts().reduce(0) { $0 + $1.count }
            let browser = PageBrowser(node)
            // Signing in needs the sign-in page's token too.
            var page = try await browser.post("/sign-in", [("token", node.editorToken)])
            #expect(page.status == 403 && browser.cookies["__Host-tandem_session"] == nil)
            page = try await browser.signIn(node.editorToken)
            #expect(page.status == 303 && browser.cookies["__Host-tandem_session"] != nil, "\(page.status) \(page.headers) \(browser.cookies) \(page.html)")
            let form = try await browser.get("/cases/new")
            #expect(form.status == 200)
            let token = try #require(form.formToken)
            let content = [("title", "Un cas"), ("summary", "Un résumé"), ("language", "fr"), ("status", "idea")]
            for forged in [[], [("csrf", "")], [("csrf", "forged")], [("csrf", String(token.dropLast()))]] {
                page = try await browser.post("/cases/new", forged + content)
                #expect(page.status == 403, "\(forged)")
                #expect(page.html.contains("<h1>Something went wrong</h1>") && page.html.contains("This form has expired or did not come from this site"))
            }
            // Another visitor's token (from the anonymous form cookie) does not open this session's forms.
            let stranger = PageBrowser(node)
            let strangerToken = try #require(try await stranger.get("/sign-in").formToken)
            #expect(try await browser.post("/cases/new", [("csrf", strangerToken)] + content).status == 403)
            #expect(try await browser.post("/sign-out", []).status == 403)
            #expect(try node.database.recordCounts().reduce(0) { $0 + $1.count } == before)
            // A form larger than the node takes is refused whole (the body's limit; a slow body is the connection's).
            let large = try await browser.post("/cases/new", [("csrf", token), ("summary", String(repeating: "a", count: 1_100_000))] + content)
            #expect(large.status == 413)
            // With its token, the same form publishes.
            page = try await browser.post("/cases/new", [("csrf", token)] + content)
            #expect(page.status == 303 && page.header("Location")?.hasPrefix("/cases/paris/") == true)
            #expect(try node.database.recordCounts().reduce(0) { $0 + $1.count } == before + 1)
        }
    }

    @Test("a session is a cookie only this site sends over HTTPS; it ends when it expires, at sign-out, and when its token is revoked")
    func sessionsEnd() async throws {
        try await withNode(settings: ["web.sessionLifetime": "600"]) { node in
            let browser = PageBrowser(node)
            let signedIn = try await browser.signIn(node.editorToken)
            let cookie = try #require(signedIn.setCookies.first { $0.hasPrefix("__Host-tandem_session=") })
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=600"] { #expect(cookie.contains(attribute), "\(cookie)") }
            #expect(!cookie.contains(node.editorToken) && !signedIn.html.contains(node.editorToken))
            #expect(try await browser.get("/cases/new").status == 200)
            // The browser would drop the cookie at Max-Age; the node refuses it too once the session
            // is over. Its end is moved to the past in the database, rather than waited for.
            try await node.database.expireAllSessions()
            let expired = try await browser.get("/cases/new")
            #expect(expired.status == 401 && expired.html.contains("Your session has ended. Sign in again."))
            #expect(browser.cookies["__Host-tandem_session"] == nil)
        }
        try await withNode { node in
            let browser = PageBrowser(node)
            try await browser.signIn(node.editorToken)
            let session = try #require(browser.cookies["__Host-tandem_session"])
            var page = try await browser.get("/")
            #expect(page.html.contains("Signed in as test editor"))
            page = try await browser.post("/sign-out", [("csrf", page.formToken ?? "")])
            #expect(page.status == 303 && browser.cookies["__Host-tandem_session"] == nil)
            #expect(try await browser.get("/").html.contains("href=\"/sign-in\""))
            // The old cookie, replayed, opens nothing.
            browser.setCookie("__Host-tandem_session", session)
            #expect(try await browser.get("/cases/new").status == 401)

            // Revoking the token ends its sessions at once.
            let other = PageBrowser(node)
            try await other.signIn(node.editorToken)
            #expect(try await other.get("/cases/new").status == 200)
            try await node.database.revokeToken(name: "test editor")
            #expect(try await other.get("/cases/new").status == 401)
            #expect(try await PageBrowser(node).signIn(node.editorToken).status == 401)
        }
    }

    @Test("writing: an error shows next to its field in the page's language and keeps what was typed; a conflict shows the other version; translate; delete after confirming")
    func writing() async throws {
        try await withNode { node in
            let browser = PageBrowser(node, acceptLanguage: "fr")
            try await browser.signIn(node.editorToken)
            var form = try await browser.get("/cases/new")
            #expect(form.html.contains("<label for=\"field-title\">Titre <span class=\"required\">(obligatoire)</span></label>"))
            var page = try await browser.post("/cases/new", [("csrf", form.formToken ?? ""), ("summary", "Des ateliers ouverts"), ("language", "fr"), ("status", "pilot")])
            #expect(page.status == 422)
            #expect(page.element(id: "field-title-error") == "est obligatoire")
            #expect(page.html.contains("aria-describedby=\"field-title-error\" aria-invalid=\"true\""))
            #expect(page.html.contains(">Des ateliers ouverts</textarea>"))
            // The node's other reasons are in the page's language too, each under its field.
            page = try await browser.post("/cases/new", [
                ("csrf", form.formToken ?? ""), ("title", "Ateliers"), ("summary", "Des ateliers"), ("language", "fr"), ("status", "pilot"),
                ("methods", "Co Design"), ("policyAreas", "culture, culture"), ("period.start", "2024-06"), ("period.end", "2024-01"), ("participants", "-3"),
            ])
            #expect(page.status == 422)
            #expect(page.element(id: "field-methods-error") == "doit être des mots en minuscules reliés par des traits d’union, comme co-design ou médiation")
            #expect(page.element(id: "field-policyAreas-error") == "ne doit pas nommer deux fois le même")
            #expect(page.element(id: "field-period.end-error") == "ne doit pas précéder le début")
            #expect(page.element(id: "field-participants-error")?.hasPrefix("doit être entre 0 et ") == true, "\(page.element(id: "field-participants-error") ?? "none")")
            page = try await browser.post(
                "/cases/new", [("csrf", form.formToken ?? ""), ("title", "Ateliers ouverts"), ("summary", "Des ateliers ouverts"), ("language", "fr"), ("status", "pilot")])
            #expect(page.status == 303)
            let path = try #require(page.header("Location"))
            page = try await browser.get(path)
            #expect(page.html.contains("<h1 lang=\"fr\">Ateliers ouverts</h1>") && page.html.contains("Expérimentation"))
            let edit = try await browser.get(path + "/edit")
            page = try await browser.post(path + "/edit", [
                ("csrf", edit.formToken ?? ""), ("version", "1"), ("title", "Ateliers ouverts"), ("summary", "Des ateliers ouverts"), ("language", "fr"), ("status", "pilot"),
                ("adaptedFrom", path.split(separator: "/").suffix(2).joined(separator: "/")),
            ])
            #expect(page.status == 422 && page.element(id: "field-adaptedFrom-error") == "une fiche ne peut pas s’adapter elle-même")

            // Two editors open the form; the first publishes; the second sees the conflict, keeps their text, and can publish over it.
            let other = PageBrowser(node, acceptLanguage: "en")
            try await other.signIn(node.editorToken)
            let mine = try await browser.get(path + "/edit")
            let theirs = try await other.get(path + "/edit")
            func fields(_ summary: String) -> [(String, String)] { [("title", "Ateliers ouverts"), ("summary", summary), ("language", "fr"), ("status", "pilot")] }
            page = try await other.post(path + "/edit", [("csrf", theirs.formToken ?? ""), ("version", "1")] + fields("Leur résumé"))
            #expect(page.status == 303)
            page = try await browser.post(path + "/edit", [("csrf", mine.formToken ?? ""), ("version", "1")] + fields("Mon résumé"))
            #expect(page.status == 409)
            #expect(page.html.contains("la version 2 est maintenant la version actuelle"))
            #expect(page.html.contains(">Mon résumé</textarea>") && page.html.contains("<p>Leur résumé</p>"))
            #expect(page.html.contains("name=\"version\" value=\"2\""))
            // A form without the version it edits is refused rather than written over whatever is there.
            #expect(try await browser.post(path + "/edit", [("csrf", mine.formToken ?? "")] + fields("Mon résumé")).status == 400)
            #expect(try await browser.post(path + "/edit", [("csrf", mine.formToken ?? ""), ("version", "two")] + fields("Mon résumé")).status == 400)
            page = try await browser.post(path + "/edit", [("csrf", mine.formToken ?? ""), ("version", "2")] + fields("Mon résumé"))
            #expect(page.status == 303)
            page = try await browser.get(path + "?from=2&to=3")
            #expect(page.html.contains("<tr><th scope=\"row\">Résumé</th><td>Leur résumé</td><td>Mon résumé</td></tr>"))

            // Translate it into Spanish: the editor then reads the record in Spanish, the pages around it stay in French.
            form = try await browser.get(path + "/translate")
            page = try await browser.post(path + "/translate", [("csrf", form.formToken ?? ""), ("language", "fr"), ("title", "Talleres"), ("summary", "Talleres abiertos")])
            #expect(page.status == 422 && page.element(id: "field-language-error") == "est la langue de l’original : traduisez dans une autre")
            page = try await browser.post(path + "/translate", [("csrf", form.formToken ?? ""), ("language", "es"), ("title", "Talleres abiertos"), ("summary", "Talleres abiertos a todos")])
            #expect(page.status == 303 && page.header("Location") == path + "?in=es")
            let translated = try await browser.get(path + "?in=es")
            #expect(translated.html.contains("<h1 lang=\"es\">Talleres abiertos</h1>") && translated.html.contains("<html lang=\"fr\">"))
            #expect(translated.html.contains("<a href=\"\(path)?in=es\" hreflang=\"es\">espagnol, par"))
            #expect(try await browser.get(path).html.contains("<html lang=\"fr\">"), "reading a translation did not change the pages' language")
            #expect(try await browser.get(path + "?in=ES-mx").html.contains("<h1 lang=\"es\">Talleres abiertos</h1>"), "a tag is read in any case")
            // A language no translation is held in: shown as written, and said so.
            #expect(try await browser.get(path + "?in=de").html.contains("Ce nœud n’en a pas encore de traduction en allemand"))

            // Delete, after a confirmation page.
            page = try await browser.get(path + "/delete?lang=en")
            #expect(page.html.contains("Delete “Ateliers ouverts”?"))
            page = try await browser.post(path + "/delete", [("csrf", page.formToken ?? ""), ("version", "3")])
            #expect(page.status == 303)
            page = try await browser.get(path)
            #expect(page.status == 410 && page.html.contains("<h1>Deleted</h1>") && page.html.contains("This record was deleted."))
        }
    }

    @Test("browse: search ignoring accents with highlights, facet counts as the API counts them, cursor pages, the cohort")
    func browsing() async throws {
        try await withNode { node in
            let browser = PageBrowser(node)
            var page = try await browser.get("/?q=resilience")
            #expect(page.html.contains(">Résilience lors des vagues de chaleur</a></h3>"))
            #expect(page.html.contains("<mark>Résilience</mark>"))
            // A match in a translation says so. The citizen card case is written in French; "tarjeta" is in its Spanish
            // translation, and the English reader gets its title from its English one.
            page = try await browser.get("/?q=tarjeta")
            #expect(page.html.contains(">Improving the Paris Citizen Card</a></h3>") && page.html.contains("<p class=\"matched\">Found in its Spanish translation</p>"))
            // Every link of the home page and of a record's page leads somewhere on this node (a reader of its own, so its language stays).
            let crawler = PageBrowser(node)
            for address in ["/", Self.heatwave] {
                let html = try await crawler.get(address).html
                let links = Set(html.matches(of: /href="(\/[^"]*)"/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") })
                #expect(links.count > 5 && links.contains("/openapi.json"), "\(links)")
                for link in links { #expect(try await PageBrowser(node).get(link).status == 200, "\(address) links to \(link)") }
            }
            // The counts shown are the API's facet counts.
            let api = try await node.get("/api/v1/cases?facets=status,method")
            let statuses = try #require(try api.json["facets"]?.objectValue?["status"]?.objectValue)
            page = try await browser.get("/")
            #expect(!statuses.isEmpty)
            for (status, count) in statuses.members {
                let label = RecordFields(kind: .caseStudy, language: .en, pageOf: { _ in nil }).choiceLabel(status, of: .caseStatus)
                #expect(page.html.contains("<option value=\"\(status)\">\(label) (\(count.numberValue?.exactInteger ?? -1))</option>"), "\(status)")
            }
            page = try await browser.get("/?status=prototype&method=&city=&status=implemented")
            #expect(page.html.contains("<option value=\"prototype\" selected>") && !page.html.contains("<option value=\"implemented\" selected>"))
            #expect(try await node.get("/api/v1/cases?status=prototype").titles.allSatisfy { page.html.contains(">\($0.replacingOccurrences(of: "'", with: "&#39;"))</a></h3>") })
            // Pages of 20: the first page links to the next, which links back to the first.
            for number in 1...21 {
                let content: JSONObject = ["title": .string("Atelier \(number)"), "summary": "Un atelier.", "language": "fr", "status": "idea"]
                #expect(try await node.request("POST", "/api/v1/cases", body: try editBody(content), as: .editor).status == 201)
            }
            page = try await browser.get("/")
            let next = try #require(PageBrowser.Page.first(#"<a href="([^"]*)" rel="next">"#, in: page.html)).replacingOccurrences(of: "&amp;", with: "&")
            #expect(page.html.contains(">Atelier 21</a>") && !page.html.contains(">Atelier 1</a>"))
            page = try await browser.get(next)
            #expect(page.html.contains(">Atelier 1</a>") && page.html.contains(">Back to the newest</a>"))
            #expect(try await browser.get("/?kind=practices").html.contains("aria-current=\"page\">Practices</a>"))
            // What is not the page's (a tracking tag, a practices-only filter on the cases tab) is ignored; a bad value says why.
            #expect(try await browser.get("/?utm_source=newsletter&steps=x").status == 200)
            page = try await browser.get("/?status=bogus")
            #expect(page.status == 400 && page.html.contains("This address asks for something the node cannot read: status must be one of idea, exploration"))
            page = try await PageBrowser(node, acceptLanguage: "es").get("/cases/paris/NOT-AN-ID")
            #expect(page.status == 400 && page.html.contains("Esta dirección pide algo que el nodo no sabe leer (en inglés: "), "\(page.html)")
            page = try await browser.get("/cohort")
            #expect(page.status == 200 && page.html.contains("La Transfo, Ville de Paris (this node)"))
            // Pages are kept rendered until a record changes, apart for editors and visitors.
            let editor = PageBrowser(node)
            try await editor.signIn(node.editorToken)
            #expect(try await editor.get(Self.heatwave).html.contains("/edit\">Edit</a>"))
            #expect(try await browser.get(Self.heatwave).html.contains("/edit\">Edit</a>") == false)
            var heatwave = try await node.get("/api/v1\(Self.heatwave)").json["document"]?.objectValue?["content"]?.objectValue ?? [:]
            heatwave["title"] = "Résilience face aux canicules"
            #expect(try await node.request("PUT", "/api/v1\(Self.heatwave)", body: try editBody(heatwave), as: .editor).status == 200)
            #expect(try await browser.get(Self.heatwave).html.contains("<h1 lang=\"fr\">Résilience face aux canicules</h1>"))
            #expect(try await browser.get("/?q=canicules").html.contains(">Résilience face aux canicules</a></h3>"))
            // Nothing at an address is a page too, in the reader's language.
            page = try await PageBrowser(node, acceptLanguage: "es").get("/cases/paris/00000000-0000-4000-8000-000000000000")
            #expect(page.status == 404 && page.html.contains("<h1>No encontrado</h1>") && page.html.contains("No hay nada en esta dirección."))
        }
    }

    @Test("cohort-only records stay hidden from visitors on every page; members' editors see them")
    func cohortOnlyStaysHidden() async throws {
        try await withNode { node in
            let hidden = "/cases/paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c06"
            let title = "Un budget participatif plus inclusif"
            // A public case that says it adapted the cohort-only one, and a translation of the cohort-only one.
            let adapting: JSONObject = [
                "title": "Budget des quartiers", "summary": "Un budget participatif adapté.", "language": "fr", "status": "idea",
                "adaptedFrom": [["origin": "paris", "id": "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c06"]],
            ]
            let created = try await node.request("POST", "/api/v1/cases", body: try editBody(adapting), as: .editor)
            let adaptingPath = try #require(created.header("Location")).replacingOccurrences(of: "/api/v1", with: "")
            let translation: JSONObject = ["language": "es", "title": "Presupuesto participativo más inclusivo", "summary": "Barrios populares."]
            #expect(try await node.request("POST", "/api/v1\(hidden)/translations", body: try editBody(translation), as: .editor).status == 201)
            let visitor = PageBrowser(node, acceptLanguage: "es")
            #expect(try await visitor.get(hidden).status == 404)
            for address in ["/", "/?q=budget", "/?q=presupuesto", "/?lang=es&q=inclusivo", "/cohort", adaptingPath] {
                let page = try await visitor.get(address)
                #expect(page.status == 200, "\(address)")
                #expect(!page.html.contains(title) && !page.html.contains("Presupuesto participativo") && !page.html.contains("href=\"\(hidden)\""), "\(address)")
            }
            #expect(try await visitor.get(adaptingPath).html.contains("paris/9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c06 (todavía no está en este nodo)"))
            let editor = PageBrowser(node, acceptLanguage: "es")
            try await editor.signIn(node.editorToken)
            #expect(try await editor.get(hidden).html.contains("<h1 lang=\"es\">Presupuesto participativo más inclusivo</h1>"))
            #expect(try await editor.get(adaptingPath).html.contains("href=\"\(hidden)\""))
            // Listed to the editor, in Spanish: its translation's title.
            #expect(try await editor.get("/?q=budget").html.contains(">Presupuesto participativo más inclusivo</a></h3>"))
        }
    }

    @Test("after signing in, only a path on this site is a place to go back to")
    func signInGoesBackOnlyHere() async throws {
        #expect(WebController.safeBack("/cases/new") == "/cases/new")
        #expect(WebController.safeBack("/?q=a&kind=practices") == "/?q=a&kind=practices")
        for hostile in ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example", "evil", "/ /evil", "", nil] {
            #expect(WebController.safeBack(hostile) == "/", "\(String(describing: hostile))")
        }
        try await withNode { node in
            let browser = PageBrowser(node)
            let form = try await browser.get("/sign-in?back=%2F%09%2Fevil.example")
            let page = try await browser.post("/sign-in", [("csrf", form.formToken ?? ""), ("token", node.editorToken), ("back", "/\t/evil.example")])
            #expect(page.status == 303 && page.header("Location") == "/")
        }
    }

    @Test("a browser's query is read as a form: + is a space, in a search and in a filter")
    func plusIsASpace() async throws {
        try await withNode { node in
            let content: JSONObject = ["title": "Ateliers ouverts", "summary": "Des ateliers.", "language": "fr", "status": "idea", "city": "Ciudad de México"]
            #expect(try await node.request("POST", "/api/v1/cases", body: try editBody(content), as: .editor).status == 201)
            let browser = PageBrowser(node)
            var page = try await browser.get("/?q=ateliers+ouverts")
            #expect(page.html.contains("Results for “ateliers ouverts”") && page.html.contains(">Ateliers ouverts</a></h3>"))
            page = try await browser.get("/?city=Ciudad+de+M%C3%A9xico")
            #expect(page.html.contains("<option value=\"Ciudad de México\" selected>Ciudad de México (1)</option>"))
            #expect(page.html.contains(">Ateliers ouverts</a></h3>") && !page.html.contains("Résilience"))
            // A literal + is still one, written %2B.
            #expect(try await browser.get("/?q=C%2B%2B").status == 200)
        }
    }

    @Test("the catalogues: the same texts in French, Spanish and English, and every text a template or a declared field asks for")
    func catalogues() {
        let keys = Set(Catalogue.english.keys)
        #expect(Set(Catalogue.french.keys) == keys)
        #expect(Set(Catalogue.spanish.keys) == keys)
        for (name, template) in Templates.sources {
            let regex = try! NSRegularExpression(pattern: #"\{\{[#^/]?t\.([A-Za-z_]+)\}\}"#)
            for match in regex.matches(in: template, range: NSRange(template.startIndex..., in: template)) {
                let key = (template as NSString).substring(with: match.range(at: 1)).replacingOccurrences(of: "_", with: ".")
                #expect(keys.contains(key), "template \(name) asks for \(key)")
            }
        }
        for kind in RecordKinds.standard.all {
            for field in kind.fields where !(kind == .translation && field.name == "translationOf") {
                #expect(keys.contains("field.\(field.name)"), "no label for \(kind.type).\(field.name)")
                if case .choice(let choice) = field.type { for value in choice.values { #expect(keys.contains("\(choice.name).\(value)"), "\(value)") } }
            }
        }
        for kind in RecordKinds.standard.standalone {
            for form in ["one", "many", "new"] { #expect(keys.contains("kind.\(kind.type).\(form)"), "\(kind.type) \(form)") }
        }
        // One pass: a value holding a placeholder stays as it is.
        #expect(PageLanguage.en.text("record.signed", 2, "Lab {3}", "paris") == "Version 2 was signed by the key of Lab {3} (paris):")
        for filter in WebController.browseFacets { #expect(keys.contains("filter.\(filter)")) }
    }
}
