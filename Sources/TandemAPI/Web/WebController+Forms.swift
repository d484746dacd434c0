import Foundation
import Hummingbird
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

/// Editors' forms: create, edit (with conflicts), delete after confirming, translate.
extension WebController {
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

    func newRecord(_ kind: RecordKind, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        let path = "/\(kind.segment)/new"
        if let login = requireSession(page, back: path) { return login }
        let language = page.language
        let fields = RecordFields(kind: kind, language: language, pageOf: { pageAddress($0, includeCohort: true) })
        let editable = Self.editable(kind)
        var typed: [String: String] = ["language": language.rawValue, "city": runtime.configuration.city, "country": runtime.configuration.country, "lab": runtime.configuration.lab]
        if let adapted = page.query.last(where: { $0.name == "adaptedFrom" })?.value, RecordReference(string: adapted) != nil { typed["adaptedFrom"] = adapted }
        var errors: [String: String] = [:]
        if let form {
            typed = form.values
            var created: StoredRecord?
            errors = try await submit(form, editable, fields) { content in
                created = try await node.create(kind: kind, visibility: Visibility(rawValue: form["visibility"] ?? "") ?? .public, content: content)
            }
            if let created { return .redirect("/\(kind.segment)/\(created.origin)/\(created.id)") }
        }
        let title = language.text("form.newTitle", language.kindName(kind, .one))
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
        let inputs = recordFields.inputs(editable, values: typed, errors: errors)
        var values: [String: Any] = [
            "heading": title, "action": action, "cancel": cancel, "inputs": inputs + extra, "hasErrors": !errors.isEmpty,
            "errors": inputs.compactMap { input -> [String: Any]? in
                guard let error = input["error"] else { return nil }
                return ["id": input["id"] ?? "", "line": recordFields.language.text("form.errorLine", input["label"] as? String ?? "", error as? String ?? "")]
            },
        ]
        if let version { values["version"] = version }
        values.merge(more) { $1 }
        return .page(template: "form", title: title, values: values, status: status)
    }

    func edit(_ kind: RecordKind, context: TandemRequestContext, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        var record = try readableRecord(kind, context: context, page: page)
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        if let login = requireSession(page, back: "\(path)/edit") { return login }
        guard record.origin == runtime.slug else { return errorOutcome(page.language.text("error.readOnly", lab(of: record.origin)), .forbidden, page) }
        let language = page.language
        let fields = RecordFields(kind: kind, language: language, pageOf: { pageAddress($0, includeCohort: true) })
        let editable = Self.editable(kind)
        var typed: [String: String] = ["visibility": record.visibility.rawValue]
        for field in editable { for input in fields.formValues(field, record.content[field.name]) { typed[input.name] = input.value } }
        var errors: [String: String] = [:]
        var more: [String: Any] = [:]
        if let form {
            typed = form.values
            let expected = try Self.version(in: form, page: page)
            do {
                errors = try await submit(form, editable, fields) { content in
                    _ = try await node.update(record, expectedVersion: expected, visibility: Visibility(rawValue: form["visibility"] ?? ""), content: content)
                }
                if errors.isEmpty { return .redirect(path) }
            } catch let error as NodeError where error.reason == .conflict {
                // Keep what they typed; show the version that won (read again: it may be newer
                // still); publishing again overwrites it knowingly.
                record = try readableRecord(kind, context: context, page: page)
                let theirs = record.content
                let theirLanguage = theirs["language"]?.stringValue
                more["conflict"] = language.text("form.conflict", record.version)
                more["theirsHeading"] = language.text("form.theirs", record.version)
                more["fields"] = [["label": language.text("field.title"), "text": theirs["title"]?.stringValue ?? "", "lang": theirLanguage ?? false]]
                    + fields.display(theirs, textLanguage: theirLanguage)
            }
        }
        return formPage(
            title: language.text("form.editTitle", record.content["title"]?.stringValue ?? ""), action: "\(path)/edit", cancel: path, fields: editable, typed: typed,
            errors: errors, recordFields: fields, extra: [visibilityInput(language, current: typed["visibility"] ?? "public")], version: record.version, more: more,
            status: more["conflict"] != nil ? .conflict : (errors.isEmpty ? .ok : .unprocessableContent))
    }

    /// The version a form edits (its hidden `version`): without it a write could overwrite a newer
    /// version unseen, so a form that lacks it is refused.
    static func version(in form: WebForm, page: PageContext) throws(Problem) -> Int64 {
        guard let text = form["version"], let version = Int64(text), version >= 1 else { throw Problem.badRequest(page.language.text("error.badVersion")) }
        return version
    }

    /// An error page. Nothing went wrong when a record was deleted or an address holds nothing: the heading says what it is.
    func errorOutcome(_ message: String, _ status: HTTPResponse.Status, _ page: PageContext) -> Outcome {
        let heading = page.language.text(status == .gone ? "error.goneTitle" : status == .notFound ? "error.notFoundTitle" : "error.title")
        return .page(template: "error", title: heading, values: ["heading": heading, "message": message], status: status)
    }

    func delete(_ kind: RecordKind, context: TandemRequestContext, page: inout PageContext, form: WebForm?) async throws -> Outcome {
        let record = try readableRecord(kind, context: context, page: page)
        let path = "/\(kind.segment)/\(record.origin)/\(record.id)"
        if let login = requireSession(page, back: "\(path)/delete") { return login }
        guard record.origin == runtime.slug else { return errorOutcome(page.language.text("error.readOnly", lab(of: record.origin)), .forbidden, page) }
        if let form {
            _ = try await node.delete(record, expectedVersion: try Self.version(in: form, page: page))
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
        let fields = RecordFields(kind: .translation, language: language, pageOf: { pageAddress($0, includeCohort: true) })
        // The language it is translated into, then the texts the original's kind translates.
        let editable = RecordKind.translation.fields.filter { $0.name == "language" } + kind.translatableFields
        let written = record.content["language"]?.stringValue
        var typed: [String: String] = ["language": written == language.rawValue ? "" : language.rawValue]
        var errors: [String: String] = [:]
        if let form {
            typed = form.values
            var translation: StoredRecord?
            errors = try await submit(form, editable, fields) { content in translation = try await node.translate(record, visibility: nil, content: content) }
            if let translation {
                // The record in the translation's language; the pages stay in the editor's.
                return .redirect(translation.content["language"]?.stringValue.map { PageContext.url(path, [("in", $0)]) } ?? path)
            }
        }
        let originalFields = RecordFields(kind: kind, language: language, pageOf: { pageAddress($0, includeCohort: true) })
        return formPage(
            title: language.text("form.translateTitle", record.content["title"]?.stringValue ?? ""), action: "\(path)/translate", cancel: path, fields: editable,
            typed: typed, errors: errors, recordFields: originalFields,
            more: ["intro": language.text("form.translateIntro")], status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
