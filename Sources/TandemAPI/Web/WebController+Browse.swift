import Foundation
import Hummingbird
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

/// The browse page (newest records, search, filters with counts) and the cohort page.
extension WebController {
    @Sendable func browse(request: Request, context: TandemRequestContext) async throws -> Response {
        try await page(request) { page in try self.cached(page) { try self.browsePage(page) } }
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
        let counted = try database.facets(of: query, for: facetFilters.map(\.target), within: runtime.configuration.facetTimeLimit)
        let fields = RecordFields(kind: kind, language: language, pageOf: { _ in nil })
        let facets = facetFilters.map { filter -> [String: Any] in
            let selected = query.value(for: filter.target)
            // A facet not counted in time still offers the values it can name without counting: a choice's.
            let found = counted.counts[filter.target]
            let isCounted = found != nil
            var counts = found ?? []
            if !isCounted, case .choice(let choice) = filter.field.type { counts = choice.values.map { (value: $0, count: 0) } }
            var values = counts.map { count -> [String: Any] in
                ["value": count.value, "label": label(of: count.value, in: filter, fields: fields), "count": count.count, "counted": isCounted, "selected": count.value == selected]
            }
            if let selected, !values.contains(where: { ($0["value"] as? String) == selected }) {
                values.append(["value": selected, "label": label(of: selected, in: filter, fields: fields), "count": 0, "counted": isCounted, "selected": true])
            }
            return ["name": filter.name, "label": language.text("filter.\(filter.name)"), "values": values]
        }
        let items = try found.entries.compactMap { entry -> [String: Any]? in
            guard let record = entry.record else { return nil }
            var content = record.content
            var lang = content["language"]?.stringValue ?? ""
            if let translation = try runtime.translation(of: record, for: [language.rawValue], includeCohort: page.mayReadCohort) {
                for field in kind.translatableFields { if let value = translation.record.content[field.name] { content[field.name] = value } }
                lang = translation.language
            }
            var item: [String: Any] = [
                "href": "/\(kind.segment)/\(record.origin)/\(record.id)", "title": content["title"]?.stringValue ?? "", "lang": lang,
                "summary": content["summary"]?.stringValue ?? "",
                "meta": [content["lab"]?.stringValue ?? record.origin.rawValue, content["city"]?.stringValue, fields.choiceLabel(field: "status", in: content)]
                    .compactMap { $0 }.joined(separator: " · "),
            ]
            if let text = query.text, let match = entry.match {
                if let snippet = try database.snippet(of: match.translation ?? record.reference, text: text, open: Highlight.open, close: Highlight.close) {
                    item["snippet"] = Highlight.html(snippet)
                    item["snippetLang"] = match.language
                }
                if match.translation != nil { item["matched"] = language.text("browse.matchedTranslation", language.languageName(match.language)) }
            }
            return item
        }
        let heading = query.text.map { language.text("browse.results", $0) } ?? language.kindName(kind, .many)
        var values: [String: Any] = [
            "kind": kind.segment, "q": query.text ?? "", "hasQuery": query.text != nil, "facets": facets, "items": items, "hasItems": !items.isEmpty, "heading": heading,
            "tabs": kinds.map { tab -> [String: Any] in
                ["href": PageContext.url("/", [("kind", tab.segment)]), "label": language.kindName(tab, .many), "current": tab == kind]
            },
        ]
        if !counted.timedOut.isEmpty {
            let off = runtime.configuration.facetTimeLimit == .zero
            values["uncounted"] = language.text(off ? "browse.uncountedOff" : "browse.uncounted")
            // Counts a later request may still get: the page is not kept (`cached`).
            if !off { values[Self.incomplete] = true }
        }
        if parameters.contains(where: { $0.name != "cursor" }) { values["filtered"] = true; values["clear"] = PageContext.url("/", [("kind", kind.segment)]) }
        if let next = found.next { values["next"] = page.link(["cursor": PageCursor.encode(next), "lang": nil]) }
        if query.after != nil { values["first"] = page.link(["cursor": nil, "lang": nil]) }
        values["hasPages"] = found.next != nil || query.after != nil
        if page.session != nil {
            values["newRecord"] = "/\(kind.segment)/new"
            values["newLabel"] = language.kindName(kind, .new)
        }
        return .page(template: "browse", title: language.text("browse.title"), values: values)
    }

    private func label(of value: String, in filter: Filter, fields: RecordFields) -> String {
        switch filter.field.type {
        case .choice(let choice): fields.choiceLabel(value, of: choice)
        case .language: fields.language.languageName(value)
        default: value
        }
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
                // A sync error may name hosts and causes: for the node's editors, not every visitor.
                if page.session != nil, let error = status.state?.lastError { view["lastError"] = language.text("cohort.lastError", error) }
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
}
