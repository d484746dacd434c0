import Foundation
import Hummingbird
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

/// A record's page: its fields, provenance, versions, translations and adaptations.
extension WebController {
    /// The address of a record's page, when it is held here, is a kind with pages, and the reader
    /// may see it (a cohort-only record is "not held" to anyone else).
    func pageAddress(_ reference: RecordReference, includeCohort: Bool) -> String? {
        guard let record = try? database.record(origin: reference.origin, id: reference.id), !record.isDeleted,
            record.visibility == .public || includeCohort, let kind = runtime.kinds.kind(type: record.type), kind.isStandalone
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

    func record(_ kind: RecordKind, context: TandemRequestContext, page: PageContext) throws -> Outcome {
        let language = page.language
        let record = try readableRecord(kind, context: context, page: page)
        let original = record.content
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        var content = original
        var textLanguage = original["language"]?.stringValue ?? ""
        var values: [String: Any] = ["kindName": language.kindName(kind, .one), "path": path]
        let showOriginal = page.query.contains { $0.name == "original" }
        // The text's language: `?in=` (a translation's link) without changing the page's own, else the page's.
        let wanted = page.query.last { $0.name == "in" && LanguageTag($0.value.lowercased()) != nil }?.value.lowercased() ?? language.rawValue
        let translations = try runtime.translations(of: record, includeCohort: page.mayReadCohort)
        if !showOriginal, let translation = NodeRuntime.translation(of: record, for: [wanted], among: translations) {
            for field in kind.translatableFields { if let value = translation.record.content[field.name] { content[field.name] = value } }
            textLanguage = translation.language
            values["translation"] = language.text("record.shownIn", language.languageName(translation.language), lab(of: translation.record.origin), translation.translates)
            if translation.isStale { values["stale"] = language.text("record.shownStale", translation.translates, record.version) }
            values["originalHref"] = PageContext.url(path, [("original", "1")])
            values["originalLabel"] = language.text("record.showOriginal", language.languageName(original["language"]?.stringValue ?? ""))
        } else if !showOriginal, let written = original["language"]?.stringValue, !NodeRuntime.isWritten(record, in: wanted) {
            // Written in another language and no translation held: the reader is told, not left guessing.
            values["untranslated"] = language.text("record.untranslated", language.languageName(wanted), language.languageName(written))
        }
        let fields = RecordFields(kind: kind, language: language, pageOf: { pageAddress($0, includeCohort: page.mayReadCohort) })
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
        values["hasTranslationsSection"] = true
        values["hasTranslations"] = !translations.isEmpty
        values["translations"] = translations.map { translation -> [String: Any] in
            [
                "href": PageContext.url(path, [("in", translation.language)]),
                "language": translation.language,
                "label": language.text("record.translationLine", language.languageName(translation.language), lab(of: translation.record.origin), translation.translates),
                "stale": translation.isStale,
            ]
        }
        let adaptedFrom = try runtime.adaptedFrom(record, includeCohort: page.mayReadCohort)
        values["hasAdaptedFrom"] = !adaptedFrom.isEmpty
        values["adaptedFrom"] = adaptedFrom.map { link -> [String: Any] in
            guard let held = link.record, let href = pageAddress(link.reference, includeCohort: page.mayReadCohort) else {
                return ["label": language.text("record.notHeld", link.reference.description)]
            }
            let content = held.content
            return ["href": href, "label": "\(content["title"]?.stringValue ?? link.reference.description) — \(content["lab"]?.stringValue ?? lab(of: held.origin))"]
        }
        let tree = try runtime.adaptations(of: record, includeCohort: page.mayReadCohort)
        values["hasAdaptationsSection"] = kind.fields.contains { $0.name == Field.adaptedFrom.name }
        values["hasChildren"] = !tree.isEmpty
        values["children"] = tree.map { branch(of: $0, fields: fields, includeCohort: page.mayReadCohort) }
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

    private func branch(of node: AdaptationNode, fields: RecordFields, includeCohort: Bool) -> [String: Any] {
        let content = node.content
        return [
            "href": pageAddress(node.record.reference, includeCohort: includeCohort) ?? "/",
            "title": content["title"]?.stringValue ?? node.record.reference.description,
            "meta": [content["lab"]?.stringValue ?? lab(of: node.record.origin), content["city"]?.stringValue, fields.choiceLabel(field: "status", in: content),
                content["period"]?.objectValue.map(fields.periodText)].compactMap { $0 }.joined(separator: " · "),
            "hasChildren": !node.adaptations.isEmpty, "children": node.adaptations.map { branch(of: $0, fields: fields, includeCohort: includeCohort) },
            // Set either way: a template looks a missing name up in the enclosing branch.
            "results": content["results"]?.stringValue ?? false,
        ]
    }
}
