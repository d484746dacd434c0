import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

/// The node's pages for people: browse and search, a record's page, the cohort, and signed-in
/// editors' forms. Server-rendered, no script; outside `/api/`, out of the OpenAPI description.
/// Like the JSON API, it only maps HTTP to the node's domain layer and back.
struct WebController {
    let runtime: NodeRuntime
    /// Pages already rendered, for the state of the records they were rendered from.
    /// Rendered pages by reader and address, each valid for the change generation it was rendered at.
    let renderedPages = QueryCache<String, (content: String, title: String)>(capacity: 256)

    static let pageSize = 20
    /// The filters the browse page shows with counts.
    static let browseFacets = ["city", "country", "status", "method", "policyArea", "language"]

    var node: LocalNode { runtime.node }
    var database: AppDatabase { runtime.database }

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("/", use: browse)
        router.get("assets/tandem.css", use: stylesheet)
        router.get("cohort", use: cohort)
        router.get("sign-in", use: signInPage)
        router.post("sign-in", use: signIn)
        router.post("sign-out", use: signOut)
        for kind in runtime.kinds.standalone {
            let group = router.group(RouterPath(kind.segment))
            group.get("new") { request, _ in try await self.page(request) { try await self.newRecord(kind, page: &$0, form: nil) } }
            group.post("new") { request, _ in try await self.posted(request) { try await self.newRecord(kind, page: &$0, form: $1) } }
            group.get(":origin/:id") { request, context in
                try await self.page(request) { page in try self.cached(page) { try self.record(kind, context: context, page: page) } }
            }
            group.get(":origin/:id/edit") { request, context in
                try await self.page(request) { try await self.edit(kind, context: context, page: &$0, form: nil) }
            }
            group.post(":origin/:id/edit") { request, context in
                try await self.posted(request) { try await self.edit(kind, context: context, page: &$0, form: $1) }
            }
            group.get(":origin/:id/delete") { request, context in
                try await self.page(request) { try await self.delete(kind, context: context, page: &$0, form: nil) }
            }
            group.post(":origin/:id/delete") { request, context in
                try await self.posted(request) { try await self.delete(kind, context: context, page: &$0, form: $1) }
            }
            group.get(":origin/:id/translate") { request, context in
                try await self.page(request) { try await self.translate(kind, context: context, page: &$0, form: nil) }
            }
            group.post(":origin/:id/translate") { request, context in
                try await self.posted(request) { try await self.translate(kind, context: context, page: &$0, form: $1) }
            }
        }
    }

    // MARK: Answers

    /// What a page handler gives back: a page to render, or a redirection after a form.
    enum Outcome {
        case page(template: String, title: String, values: [String: Any], status: HTTPResponse.Status = .ok, notice: String? = nil)
        /// A page's content rendered already (from `renderedPages`).
        case rendered(content: String, title: String)
        case redirect(String)
    }

    /// The value a page sets when it lacks something a later request may get: it is not kept.
    static let incomplete = "incomplete"

    /// A page that is the same for every reader of one language and kind (visitor or editor)
    /// until a record changes: rendered once per change generation, then served from memory.
    func cached(_ page: PageContext, _ make: () throws -> Outcome) throws -> Outcome {
        let generation = try database.changeGeneration()
        let key = "\(page.language.rawValue)|\(page.session != nil)|\(page.path)?"
            + page.query.filter { $0.name != "lang" }.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        if let hit = renderedPages.value(for: key, generation: generation) { return .rendered(content: hit.content, title: hit.title) }
        let outcome = try make()
        guard case .page(let template, let title, let values, .ok, nil) = outcome else { return outcome }
        let content = renderContent(template, values, page: page)
        // A page shown without what a later request may still get (facets not counted in time) is
        // not kept: they are counted again when the facets' own rule says so, not after the next change.
        if values[Self.incomplete] == nil { renderedPages.store((content, title), for: key, generation: generation) }
        return .rendered(content: content, title: title)
    }

    /// A page's own template, with the texts of its language.
    func renderContent(_ template: String, _ values: [String: Any], page: PageContext) -> String {
        var values = values
        values["t"] = Self.templateTexts[page.language] ?? [:]
        values["csrf"] = page.formToken
        return Templates.render(template, values)
    }

    /// Answers a GET: the page, or an error page in the reader's language.
    func page(_ request: Request, _ body: (inout PageContext) async throws -> Outcome) async throws -> Response {
        var page = try PageContext(request, database: database)
        do {
            return render(try await body(&page), page: page)
        } catch {
            return render(errorPage(error, page: page), page: page)
        }
    }

    /// Answers a POST: refused unless the form carries the page's form token (CSRF).
    func posted(_ request: Request, _ body: (inout PageContext, WebForm) async throws -> Outcome) async throws -> Response {
        var page = try PageContext(request, database: database)
        do {
            let form = try await Self.form(request, limit: runtime.configuration.maxBodySize)
            guard page.acceptsForm(form) else {
                // A session that ended made the token stale: say so, rather than blame the form.
                if page.sessionEnded {
                    // Back to the form's page (its GET shares the path), or home from signing out.
                    let back = request.uri.path == "/sign-out" ? "/" : request.uri.path
                    return render(signInOutcome(page: page, back: back, error: page.language.text("signIn.expired"), status: .unauthorized), page: page)
                }
                return render(errorOutcome(page.language.text("error.csrf"), .forbidden, page), page: page)
            }
            return render(try await body(&page, form), page: page)
        } catch {
            return render(errorPage(error, page: page), page: page)
        }
    }

    func render(_ outcome: Outcome, page: PageContext) -> Response {
        var headers = Self.securityHeaders
        let (status, content, title, pageNotice): (HTTPResponse.Status, String, String, String?)
        switch outcome {
        case .redirect(let location):
            headers[.location] = location
            var response = Response(status: .seeOther, headers: headers)
            for cookie in page.cookies { response.setCookie(cookie) }
            return response
        case .page(let template, let pageTitle, let values, let pageStatus, let notice):
            (status, content, title, pageNotice) = (pageStatus, renderContent(template, values, page: page), pageTitle, notice)
        case .rendered(let rendered, let pageTitle):
            (status, content, title, pageNotice) = (.ok, rendered, pageTitle, nil)
        }
        var layout: [String: Any] = [
            "lang": page.language.rawValue, "title": title, "t": Self.templateTexts[page.language] ?? [:], "csrf": page.formToken, "content": content,
            "node": "\(runtime.configuration.lab) · \(runtime.configuration.city)",
            "languages": PageLanguage.allCases.map { language -> [String: Any] in
                ["code": language.rawValue, "name": language.name, "href": page.link(["lang": language.rawValue]), "current": language == page.language]
            },
        ]
        if let session = page.session { layout["editor"] = page.language.text("nav.signedInAs", session.token.name) }
        // A session cookie that no longer opens one: say so on whatever page it came to.
        if let notice = pageNotice ?? (page.sessionEnded ? page.language.text("signIn.expired") : nil) { layout["notice"] = notice }
        headers[.contentType] = "text/html; charset=utf-8"
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Templates.render("layout", layout))))
        for cookie in page.cookies { response.setCookie(cookie) }
        return response
    }

    /// Every page: no script at all, styles and forms from this node only, never framed; pages
    /// that may show a signed-in editor's view are not cached.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        .init("X-Content-Type-Options")!: "nosniff",
        .init("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
        .vary: "Cookie, Accept-Language",
    ]

    /// The catalogues as templates read them: `t.browse_title` for `browse.title`.
    static let templateTexts: [PageLanguage: [String: String]] = Dictionary(uniqueKeysWithValues: PageLanguage.allCases.map { language in
        (language, Dictionary(uniqueKeysWithValues: language.catalogue.map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) }))
    })

    func errorPage(_ error: any Error, page: PageContext) -> Outcome {
        let language = page.language
        func failed(_ message: String, _ status: HTTPResponse.Status) -> Outcome { errorOutcome(message, status, page) }
        switch error {
        case let error as NodeError:
            // The API's status for the reason; the words in the page's language where there are some.
            let status = Problem(error).status
            switch error.reason {
            case .notFound: return failed(language.text("error.notFound"), status)
            case .gone: return failed(language.text("error.gone"), status)
            case .conflict: return failed(language.text("error.conflict"), status)
            case .tooLarge: return failed(language.text("error.tooLarge"), status)
            default: return failed(error.message, status)
            }
        case let problem as Problem:
            switch problem.status {
            case .notFound: return failed(language.text("error.notFound"), problem.status)
            case .contentTooLarge: return failed(language.text("error.tooLarge"), problem.status)
            // The node's own words say what in the address it could not read; the page's language says what happened.
            case .badRequest: return failed(language.text("error.badAddress", problem.detail), problem.status)
            default: return failed(problem.detail, problem.status)
            }
        case let error as StoreError where error.isDiskFull:
            return failed(language.text("error.noRoom"), HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"))
        default:
            return failed(language.text("error.title"), .internalServerError)
        }
    }

    static func form(_ request: Request, limit: Int) async throws -> WebForm {
        WebForm(String(decoding: try await RequestBody.collect(request, limit: limit).readableBytesView, as: UTF8.self))
    }

    @Sendable func stylesheet(request: Request, context: TandemRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600", .init("X-Content-Type-Options")!: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css)))
    }
}
