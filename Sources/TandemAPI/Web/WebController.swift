import Foundation
import Hummingbird
import NIOCore
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
            group.get("new") { request, _ in try await self.page(request) { try await self.newRecord(kind, request: request, page: &$0, form: nil) } }
            group.post("new") { request, _ in try await self.posted(request) { try await self.newRecord(kind, request: request, page: &$0, form: $1) } }
            group.get(":origin/:id") { request, context in try await self.page(request) { try self.record(kind, request: request, context: context, page: $0) } }
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
        case redirect(String)
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
                if page.sessionEnded { return render(signInOutcome(page: page, back: request.uri.path, error: page.language.text("signIn.expired"), status: .unauthorized), page: page) }
                return render(.page(template: "error", title: page.language.text("error.title"), values: ["message": page.language.text("error.csrf")], status: .forbidden), page: page)
            }
            return render(try await body(&page, form), page: page)
        } catch {
            return render(errorPage(error, page: page), page: page)
        }
    }

    func render(_ outcome: Outcome, page: PageContext) -> Response {
        var headers = Self.securityHeaders
        let status: HTTPResponse.Status
        let body: String
        switch outcome {
        case .redirect(let location):
            status = .seeOther
            headers[.location] = location
            body = ""
        case .page(let template, let title, var values, let pageStatus, let notice):
            status = pageStatus
            let texts = Self.templateTexts[page.language] ?? [:]
            values["t"] = texts
            values["csrf"] = page.formToken
            let content = Templates.render(template, values)
            var layout: [String: Any] = [
                "lang": page.language.rawValue, "title": title, "t": texts, "csrf": page.formToken, "content": content,
                "node": "\(runtime.configuration.lab) · \(runtime.configuration.city)",
                "languages": PageLanguage.allCases.map { language -> [String: Any] in
                    ["code": language.rawValue, "name": language.name, "href": page.link(["lang": language.rawValue]), "current": language == page.language]
                },
            ]
            if let session = page.session { layout["editor"] = page.language.text("nav.signedInAs", session.token.name) }
            if let notice { layout["notice"] = notice }
            body = Templates.render("layout", layout)
            headers[.contentType] = "text/html; charset=utf-8"
        }
        var response = Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
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
        func failed(_ message: String, _ status: HTTPResponse.Status) -> Outcome {
            .page(template: "error", title: language.text("error.title"), values: ["message": message], status: status)
        }
        switch error {
        case let error as NodeError:
            switch error.reason {
            case .notFound: return failed(language.text("error.notFound"), .notFound)
            case .gone: return failed(language.text("error.gone"), .gone)
            default: return failed(error.message, .unprocessableContent)
            }
        case let problem as Problem:
            return failed(problem.status == .notFound ? language.text("error.notFound") : problem.detail, problem.status)
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
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css)))
    }

    // MARK: Reading

    @Sendable func browse(request: Request, context: TandemRequestContext) async throws -> Response {
        try await page(request) { page in try self.browsePage(page) }
    }

    func browsePage(_ page: PageContext) throws -> Outcome {
        let language = page.language
        // Case studies first: what most readers come for.
        let kinds = runtime.kinds.standalone.sorted { ($0 == .caseStudy ? 0 : 1) < ($1 == .caseStudy ? 0 : 1) }
        let kind = page.query.last { $0.name == "kind" }.flatMap { wanted in kinds.first { $0.segment == wanted.value } } ?? kinds.first { $0 == .caseStudy } ?? kinds[0]
        // The browse form sends every filter, "any" as an empty value: those are no filter. Other
        // parameters (a link's tracking tag, the switcher's lang) are not the page's to refuse.
        let known = Set(["origin", "q", "cursor", "updatedSince"] + kind.filters.map(\.name))
        let parameters = page.query.filter { known.contains($0.name) && !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }
        var (query, _) = try RecordsController.query(kind, kinds: runtime.kinds, parameters: parameters, includeCohort: page.mayReadCohort)
        query.limit = Self.pageSize
        let found = try database.records(matching: query)
        let facetFilters = kind.filters.filter { Self.browseFacets.contains($0.name) }
        let counts = try database.facets(of: query, for: facetFilters.map(\.target))
        let fields = RecordFields(kind: kind, language: language, pageOf: { _ in nil })
        let facets = facetFilters.map { filter -> [String: Any] in
            let selected = parameters.last { $0.name == filter.name }?.value
            var values = (counts[filter.target] ?? []).map { count -> [String: Any] in
                ["value": count.value, "label": label(of: count.value, in: filter, fields: fields), "count": count.count, "selected": count.value == selected]
            }
            if let selected, !values.contains(where: { ($0["value"] as? String) == selected }) {
                values.append(["value": selected, "label": label(of: selected, in: filter, fields: fields), "count": 0, "selected": true])
            }
            return ["name": filter.name, "label": language.text("filter.\(filter.name)"), "values": values]
        }
        let items = try found.records.map { record -> [String: Any] in
            var content = record.content
            var lang = content["language"]?.stringValue ?? ""
            if let translation = try runtime.translation(of: record, for: [language.rawValue], includeCohort: page.mayReadCohort) {
                for field in kind.translatableFields { if let value = translation.record.content[field.name] { content[field.name] = value } }
                lang = translation.language
            }
            var item: [String: Any] = [
                "href": "/\(kind.segment)/\(record.origin)/\(record.id)", "title": content["title"]?.stringValue ?? "", "lang": lang,
                "summary": content["summary"]?.stringValue ?? "",
                "meta": [content["lab"]?.stringValue ?? record.origin.rawValue, content["city"]?.stringValue, content["status"]?.stringValue.map(fields.choiceLabel)]
                    .compactMap { $0 }.joined(separator: " · "),
            ]
            if let text = query.text, let match = found.matches[record.reference] {
                if let snippet = try database.snippet(of: match.translation ?? record.reference, text: text, open: Highlight.open, close: Highlight.close) {
                    item["snippet"] = Highlight.html(snippet)
                    item["snippetLang"] = match.language
                }
                if match.translation != nil { item["matched"] = language.text("browse.matchedTranslation", language.languageName(match.language)) }
            }
            return item
        }
        let heading = query.text.map { language.text("browse.results", $0) } ?? language.text(kind == .caseStudy ? "kind.cases" : "kind.practices")
        var values: [String: Any] = [
            "kind": kind.segment, "q": query.text ?? "", "facets": facets, "items": items, "hasItems": !items.isEmpty, "heading": heading,
            "tabs": kinds.map { tab -> [String: Any] in
                ["href": PageContext.url("/", [("kind", tab.segment)]), "label": language.text(tab == .caseStudy ? "kind.cases" : "kind.practices"), "current": tab == kind]
            },
        ]
        if parameters.contains(where: { $0.name != "cursor" }) { values["filtered"] = true; values["clear"] = PageContext.url("/", [("kind", kind.segment)]) }
        if let next = found.next { values["next"] = page.link(["cursor": PageCursor.encode(next), "lang": nil]) }
        if query.after != nil { values["first"] = page.link(["cursor": nil, "lang": nil]) }
        if page.session != nil {
            values["newRecord"] = "/\(kind.segment)/new"
            values["newLabel"] = language.text(kind == .caseStudy ? "kind.newCase" : "kind.newPractice")
        }
        return .page(template: "browse", title: language.text("browse.title"), values: values, notice: page.sessionEnded ? language.text("signIn.expired") : nil)
    }

    private func label(of value: String, in filter: Filter, fields: RecordFields) -> String {
        switch filter.field.type {
        case .choice: fields.choiceLabel(value)
        case .language: fields.language.languageName(value)
        default: value
        }
    }

    /// The address of a record's page, when it is held here and is a kind with pages.
    func pageAddress(_ reference: RecordReference) -> String? {
        guard let record = try? database.record(origin: reference.origin, id: reference.id), !record.isDeleted,
            let kind = runtime.kinds.kind(type: record.type), kind.isStandalone
        else { return nil }
        return "/\(kind.segment)/\(reference.origin)/\(reference.id)"
    }

    func readableRecord(_ kind: RecordKind, context: TandemRequestContext, page: PageContext) throws -> StoredRecord {
        let (origin, id) = try RecordsController.identity(context)
        let record = try node.record(kind, origin: origin, id: id)
        guard record.visibility == .public || page.mayReadCohort else { throw Problem.notFound("no \(kind.singular) \(origin)/\(id)") }
        guard !record.isDeleted else { throw Problem(.gone, page.language.text("error.gone")) }
        return record
    }

    func lab(of origin: NodeSlug) -> String {
        if origin == runtime.slug { return runtime.configuration.lab }
        return runtime.directory.members.first { $0.slug == origin }?.lab ?? origin.rawValue
    }

    static func date(_ timestamp: Timestamp) -> String {
        let text = timestamp.description
        return "\(text.prefix(10)) \(text.dropFirst(11).prefix(5)) UTC"
    }

    func record(_ kind: RecordKind, request: Request, context: TandemRequestContext, page: PageContext) throws -> Outcome {
        let language = page.language
        let record = try readableRecord(kind, context: context, page: page)
        let original = record.content
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        var content = original
        var textLanguage = original["language"]?.stringValue ?? ""
        var values: [String: Any] = ["kindName": language.text(kind == .caseStudy ? "kind.case" : "kind.practice"), "path": path]
        let showOriginal = page.query.contains { $0.name == "original" }
        if !showOriginal, let translation = try runtime.translation(of: record, for: [language.rawValue], includeCohort: page.mayReadCohort) {
            for field in kind.translatableFields { if let value = translation.record.content[field.name] { content[field.name] = value } }
            textLanguage = translation.language
            values["translation"] = language.text("record.shownIn", language.languageName(translation.language), lab(of: translation.record.origin), translation.translates)
            if translation.isStale { values["stale"] = language.text("record.shownStale", translation.translates, record.version) }
            values["originalHref"] = PageContext.url(path, [("original", "1")])
            values["originalLabel"] = language.text("record.showOriginal", language.languageName(original["language"]?.stringValue ?? ""))
        }
        let fields = RecordFields(kind: kind, language: language, pageOf: pageAddress)
        values["title"] = content["title"]?.stringValue ?? ""
        values["lang"] = textLanguage
        values["fields"] = fields.display(content, textLanguage: textLanguage)
        values["about"] = language.text(
            "record.about", values["kindName"] as? String ?? "", content["lab"]?.stringValue ?? lab(of: record.origin), content["city"]?.stringValue ?? "")
        values["cohortOnly"] = record.visibility == .cohort
        if page.session != nil {
            values["canWrite"] = true
            if record.origin == runtime.slug, !record.isArchived {
                values["canEdit"] = true
                values["editHref"] = "\(path)/edit"
                values["deleteHref"] = "\(path)/delete"
            }
            values["translateHref"] = "\(path)/translate"
            values["adaptHref"] = PageContext.url("/\(kind.segment)/new", [("adaptedFrom", record.reference.description)])
        }
        // Translations, what it adapted, who adapted it.
        let translations = try runtime.translations(of: record, includeCohort: page.mayReadCohort)
        values["hasTranslationsSection"] = true
        values["hasTranslations"] = !translations.isEmpty
        values["translations"] = translations.map { translation -> [String: Any] in
            let pageLanguage = PageLanguage(rawValue: String(translation.language.lowercased().split(separator: "-")[0]))
            return [
                "href": pageLanguage.map { PageContext.url(path, [("lang", $0.rawValue)]) } ?? "/api/v1/\(RecordKind.translation.segment)/\(translation.record.origin)/\(translation.record.id)",
                "language": translation.language,
                "label": language.text("record.translationLine", language.languageName(translation.language), lab(of: translation.record.origin), translation.translates),
                "stale": translation.isStale,
            ]
        }
        let adaptedFrom = try runtime.adaptedFrom(record, includeCohort: page.mayReadCohort)
        values["hasAdaptedFrom"] = !adaptedFrom.isEmpty
        values["adaptedFrom"] = adaptedFrom.map { link -> [String: Any] in
            guard let held = link.record, let href = pageAddress(link.reference) else { return ["label": language.text("record.notHeld", link.reference.description)] }
            let content = held.content
            return ["href": href, "label": "\(content["title"]?.stringValue ?? link.reference.description) — \(content["lab"]?.stringValue ?? lab(of: held.origin))"]
        }
        let tree = try runtime.adaptations(of: record, includeCohort: page.mayReadCohort)
        values["hasAdaptationsSection"] = kind.fields.contains { $0.name == Field.adaptedFrom.name }
        values["hasChildren"] = !tree.isEmpty
        values["children"] = tree.map { branch(of: $0, fields: fields) }
        // Versions, and what changed between two of them.
        let versions = try database.versions(origin: record.origin, id: record.id).filter { $0.visibility == .public || page.mayReadCohort }
        values["versions"] = versions.map { ["label": language.text("record.versionLine", $0.version, Self.date($0.storedAt))] }
        if versions.count > 1 {
            let numbers = versions.map(\.version)
            func chosen(_ name: String, _ fallback: Int64) -> Int64 {
                page.query.last { $0.name == name }.flatMap { Int64($0.value) }.flatMap { numbers.contains($0) ? $0 : nil } ?? fallback
            }
            let from = chosen("from", numbers[numbers.count - 2])
            let to = chosen("to", numbers[numbers.count - 1])
            values["canCompare"] = true
            values["fromOptions"] = numbers.map { ["value": $0, "selected": $0 == from] }
            values["toOptions"] = numbers.map { ["value": $0, "selected": $0 == to] }
            if page.query.contains(where: { $0.name == "from" || $0.name == "to" }),
                let before = versions.first(where: { $0.version == from })?.content, let after = versions.first(where: { $0.version == to })?.content
            {
                let rows = kind.fields.filter { before[$0.name] != after[$0.name] }.map { field -> [String: Any] in
                    ["label": fields.label(field), "before": fields.plainText(field, before[field.name]), "after": fields.plainText(field, after[field.name])]
                }
                values["changes"] = ["heading": language.text("record.changes", from, to), "rows": rows, "hasRows": !rows.isEmpty] as [String: Any]
            }
        }
        // Provenance, in plain words.
        values["signed"] = language.text("record.signed", record.version, lab(of: record.origin), record.origin.rawValue)
        values["signer"] = record.signer
        values["received"] = record.receivedFrom.map { language.text("record.receivedFrom", lab(of: $0), Self.date(record.storedAt)) }
            ?? language.text("record.writtenHere", Self.date(record.storedAt))
        if record.isArchived { values["archived"] = language.text("record.archived", lab(of: record.origin)) }
        values["documentPath"] = "/api/v1/\(kind.segment)/\(record.origin)/\(record.id)"
        values["documentURL"] = runtime.configuration.baseURL + "/api/v1/\(kind.segment)/\(record.origin)/\(record.id)"
        return .page(template: "record", title: values["title"] as? String ?? "", values: values)
    }

    private func branch(of node: AdaptationNode, fields: RecordFields) -> [String: Any] {
        let content = node.content
        var view: [String: Any] = [
            "href": pageAddress(node.record.reference) ?? "/", "title": content["title"]?.stringValue ?? node.record.reference.description,
            "meta": [content["lab"]?.stringValue ?? lab(of: node.record.origin), content["city"]?.stringValue, content["status"]?.stringValue.map(fields.choiceLabel),
                content["period"]?.objectValue.map(fields.periodText)].compactMap { $0 }.joined(separator: " · "),
            "hasChildren": !node.adaptations.isEmpty, "children": node.adaptations.map { branch(of: $0, fields: fields) },
        ]
        if let results = content["results"]?.stringValue { view["results"] = results }
        return view
    }

    @Sendable func cohort(request: Request, context: TandemRequestContext) async throws -> Response {
        try await page(request) { page in
            let language = page.language
            let statuses = try runtime.statuses()
            var members = statuses.map { status -> [String: Any] in
                var lastSync = language.text("cohort.never")
                if status.isSelf { lastSync = "—" } else if !status.isPeer { lastSync = language.text("cohort.relayed") }
                if let success = status.state?.lastSuccessAt { lastSync = Self.date(success) }
                var view: [String: Any] = [
                    "lab": status.member.lab, "slug": status.member.slug.rawValue, "city": status.member.city, "country": status.member.country,
                    "records": status.records, "lastSync": lastSync, "isSelf": status.isSelf,
                    "lag": status.state?.lag.map(String.init) ?? "—", "quarantined": status.state?.quarantined ?? 0,
                    "browse": PageContext.url("/", [("origin", status.member.slug.rawValue)]),
                ]
                if let error = status.state?.lastError { view["lastError"] = language.text("cohort.lastError", error) }
                return view
            }
            if !statuses.contains(where: \.isSelf) {
                // A node alone (no cohort directory) still lists itself.
                let held = try database.recordCounts().filter { $0.origin == runtime.slug }.reduce(0) { $0 + $1.count }
                let configuration = runtime.configuration
                members.insert(
                    [
                        "lab": configuration.lab, "slug": runtime.slug.rawValue, "city": configuration.city, "country": configuration.country, "records": held,
                        "lastSync": "—", "isSelf": true, "lag": "—", "quarantined": 0, "browse": PageContext.url("/", [("origin", runtime.slug.rawValue)]),
                    ], at: 0)
            }
            return .page(template: "cohort", title: language.text("cohort.title"), values: ["members": members])
        }
    }

    // MARK: Signing in

    var sessionHours: Int { max(1, Int(runtime.configuration.sessionLifetime.components.seconds / 3600)) }

    func signInOutcome(page: PageContext, back: String, error: String?, status: HTTPResponse.Status = .ok) -> Outcome {
        var values: [String: Any] = ["back": back, "help": page.language.text("signIn.help", sessionHours)]
        if let error { values["error"] = error }
        return .page(template: "signIn", title: page.language.text("signIn.title"), values: values, status: status)
    }

    /// Only a path on this site (`/…`, not `//host…`) is a place to go back to.
    static func safeBack(_ back: String?) -> String {
        guard let back, back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\") else { return "/" }
        return back
    }

    @Sendable func signInPage(request: Request, context: TandemRequestContext) async throws -> Response {
        try await page(request) { page in
            let back = Self.safeBack(page.query.last { $0.name == "back" }?.value)
            return signInOutcome(page: page, back: back, error: page.sessionEnded ? page.language.text("signIn.expired") : nil)
        }
    }

    @Sendable func signIn(request: Request, context: TandemRequestContext) async throws -> Response {
        try await posted(request) { page, form in
            let back = Self.safeBack(form["back"])
            let secret = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty, let token = try database.activeToken(hash: TokenSecret.hash(secret)) else {
                return signInOutcome(page: page, back: back, error: page.language.text("signIn.refused"), status: .unauthorized)
            }
            let session = TokenSecret.randomText()
            let lifetime = runtime.configuration.sessionLifetime
            let expires = Timestamp(Date().addingTimeInterval(Double(lifetime.components.seconds) + Double(lifetime.components.attoseconds) / 1e18))
            try await database.createSession(hash: TokenSecret.hash(session), tokenName: token.name, csrf: TokenSecret.randomText(), expiresAt: expires)
            page.cookies.append(PageContext.cookie(PageContext.sessionCookie, session, maxAge: Int(lifetime.components.seconds)))
            context.logger.info("an editor signed in to the pages", metadata: ["editor": "\(token.name)"])
            return .redirect(back)
        }
    }

    @Sendable func signOut(request: Request, context: TandemRequestContext) async throws -> Response {
        try await posted(request) { page, _ in
            if let secret = request.cookies[PageContext.sessionCookie]?.value { try await database.deleteSession(hash: TokenSecret.hash(secret)) }
            page.cookies.append(PageContext.cookie(PageContext.sessionCookie, "", maxAge: 0))
            return .redirect("/")
        }
    }

    // MARK: Writing

    /// The signed-in editor, or the sign-in page that brings them back here.
    func requireSession(_ page: PageContext, back: String) -> Outcome? {
        guard page.session == nil else { return nil }
        let error = page.language.text(page.sessionEnded ? "signIn.expired" : "signIn.needed")
        return signInOutcome(page: page, back: back, error: error, status: .unauthorized)
    }

    /// The fields an editor writes for `kind`: all but what the node sets itself.
    static func editable(_ kind: RecordKind) -> [Field] {
        kind.fields.filter { if case .reference(versioned: true) = $0.type { false } else { true } }
    }

    func visibilityInput(_ language: PageLanguage, current: String) -> [String: Any] {
        [
            "id": "field-visibility", "name": "visibility", "label": language.text("field.visibility"), "isChoice": true, "required": true,
            "options": ["public", "cohort"].map { ["value": $0, "label": language.text("visibility.\($0)"), "selected": $0 == current] },
        ]
    }

    func newRecord(_ kind: RecordKind, request: Request, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        let path = "/\(kind.segment)/new"
        if let login = requireSession(page, back: path) { return login }
        let language = page.language
        let fields = RecordFields(kind: kind, language: language, pageOf: pageAddress)
        let editable = Self.editable(kind)
        var typed: [String: String] = ["language": language.rawValue, "city": runtime.configuration.city, "country": runtime.configuration.country, "lab": runtime.configuration.lab]
        if let adapted = page.query.last(where: { $0.name == "adaptedFrom" })?.value, RecordReference(string: adapted) != nil { typed["adaptedFrom"] = adapted }
        var errors: [String: String] = [:]
        if let form {
            typed = RecordFields.typed(form)
            var created: StoredRecord?
            errors = try await submit(form, editable, fields) { content in
                created = try await node.create(kind: kind, visibility: Visibility(rawValue: form["visibility"] ?? "") ?? .public, content: content)
            }
            if let created { return .redirect("/\(kind.segment)/\(created.origin)/\(created.id)") }
        }
        let title = language.text("form.newTitle", language.text(kind == .caseStudy ? "kind.case" : "kind.practice"))
        return formPage(
            title: title, action: path, cancel: PageContext.url("/", [("kind", kind.segment)]), fields: editable, typed: typed, errors: errors, recordFields: fields,
            extra: [visibilityInput(language, current: typed["visibility"] ?? "public")], status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    /// Reads a posted form's content for `editable` and, when it reads, runs `write` with it.
    /// Answers the errors to show by input: empty when the content was written. A refusal other
    /// than invalid content (a conflict, a full disk) is thrown.
    func submit(_ form: WebForm, _ editable: [Field], _ fields: RecordFields, write: (JSONObject) async throws -> Void) async throws -> [String: String] {
        let read = fields.content(editable, from: form)
        guard read.errors.isEmpty else { return read.errors }
        do {
            try await write(read.content)
            return [:]
        } catch let error as NodeError where error.reason == .invalid {
            let errors = fields.errors(error.issues, fields: editable)
            if errors.isEmpty { throw error }
            return errors
        }
    }

    func formPage(
        title: String, action: String, cancel: String, fields editable: [Field], typed: [String: String], errors: [String: String], recordFields: RecordFields,
        extra: [[String: Any]] = [], version: Int64? = nil, more: [String: Any] = [:], status: HTTPResponse.Status = .ok
    ) -> Outcome {
        var values: [String: Any] = [
            "heading": title, "action": action, "cancel": cancel,
            "inputs": recordFields.inputs(editable, values: typed, errors: errors) + extra,
            "hasErrors": !errors.isEmpty,
            "errors": recordFields.inputs(editable, values: typed, errors: errors).compactMap { input -> [String: Any]? in
                guard let error = input["error"] else { return nil }
                return ["id": input["id"] ?? "", "line": recordFields.language.text("form.errorLine", input["label"] as? String ?? "", error as? String ?? "")]
            },
        ]
        if let version { values["version"] = version }
        values.merge(more) { $1 }
        return .page(template: "form", title: title, values: values, status: status)
    }

    func edit(_ kind: RecordKind, context: TandemRequestContext, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        let record = try readableRecord(kind, context: context, page: page)
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        if let login = requireSession(page, back: "\(path)/edit") { return login }
        guard record.origin == runtime.slug else { return errorOutcome(page.language.text("error.readOnly", lab(of: record.origin)), .forbidden, page) }
        let language = page.language
        let fields = RecordFields(kind: kind, language: language, pageOf: pageAddress)
        let editable = Self.editable(kind)
        var typed: [String: String] = ["visibility": record.visibility.rawValue]
        for field in editable { for input in fields.formValues(field, record.content[field.name]) { typed[input.name] = input.value } }
        var errors: [String: String] = [:]
        var version = record.version
        var more: [String: Any] = [:]
        if let form {
            typed = RecordFields.typed(form)
            do {
                errors = try await submit(form, editable, fields) { content in
                    _ = try await node.update(
                        record, expectedVersion: form["version"].flatMap { Int64($0) } ?? record.version,
                        visibility: Visibility(rawValue: form["visibility"] ?? ""), content: content)
                }
                if errors.isEmpty { return .redirect(path) }
            } catch let error as NodeError where error.reason == .conflict {
                    // Keep what they typed; show the version that won; publishing again overwrites it knowingly.
                    more["conflict"] = language.text("form.conflict", record.version)
                    more["theirsHeading"] = language.text("form.theirs", record.version)
                    more["fields"] = [["label": language.text("field.title"), "text": record.content["title"]?.stringValue ?? ""]]
                        + fields.display(record.content, textLanguage: record.content["language"]?.stringValue)
                version = record.version
            }
        }
        let hasProblem = !errors.isEmpty || more["conflict"] != nil
        return formPage(
            title: language.text("form.editTitle", record.content["title"]?.stringValue ?? ""), action: "\(path)/edit", cancel: path, fields: editable, typed: typed,
            errors: errors, recordFields: fields, extra: [visibilityInput(language, current: typed["visibility"] ?? "public")], version: version, more: more,
            status: more["conflict"] != nil ? .conflict : (hasProblem ? .unprocessableContent : .ok))
    }

    func errorOutcome(_ message: String, _ status: HTTPResponse.Status, _ page: PageContext) -> Outcome {
        .page(template: "error", title: page.language.text("error.title"), values: ["message": message], status: status)
    }

    func delete(_ kind: RecordKind, context: TandemRequestContext, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        let record = try readableRecord(kind, context: context, page: page)
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        if let login = requireSession(page, back: "\(path)/delete") { return login }
        guard record.origin == runtime.slug else { return errorOutcome(page.language.text("error.readOnly", lab(of: record.origin)), .forbidden, page) }
        if let form {
            _ = try await node.delete(record, expectedVersion: form["version"].flatMap { Int64($0) } ?? record.version)
            return .redirect(PageContext.url("/", [("kind", kind.segment)]))
        }
        let title = page.language.text("delete.title", record.content["title"]?.stringValue ?? "")
        return .page(template: "confirmDelete", title: title, values: ["heading": title, "action": "\(path)/delete", "cancel": path, "version": record.version])
    }

    func translate(_ kind: RecordKind, context: TandemRequestContext, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        let record = try readableRecord(kind, context: context, page: page)
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        if let login = requireSession(page, back: "\(path)/translate") { return login }
        let language = page.language
        let fields = RecordFields(kind: .translation, language: language, pageOf: pageAddress)
        let editable = [RecordKind.translation.fields.first { $0.name == "language" }!] + kind.translatableFields
        let written = record.content["language"]?.stringValue
        var typed: [String: String] = ["language": written == language.rawValue ? "" : language.rawValue]
        var errors: [String: String] = [:]
        if let form {
            typed = RecordFields.typed(form)
            var translation: StoredRecord?
            errors = try await submit(form, editable, fields) { content in translation = try await node.translate(record, visibility: nil, content: content) }
            if let translation {
                let code = translation.content["language"]?.stringValue.flatMap { PageLanguage(rawValue: String($0.lowercased().split(separator: "-")[0])) }
                return .redirect(code.map { PageContext.url(path, [("lang", $0.rawValue)]) } ?? path)
            }
        }
        let originalFields = RecordFields(kind: kind, language: language, pageOf: pageAddress)
        return formPage(
            title: language.text("form.translateTitle", record.content["title"]?.stringValue ?? ""), action: "\(path)/translate", cancel: path, fields: editable,
            typed: typed, errors: errors, recordFields: originalFields,
            more: ["intro": language.text("form.translateIntro")], status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
