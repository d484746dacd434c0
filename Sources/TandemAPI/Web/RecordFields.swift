import TandemCore
import TandemStore

/// A record's fields for people, read from its kind's declaration: shown on its page, written in
/// its forms, and read back from a posted form into content. A new kind or field needs no page code.
struct RecordFields {
    let kind: RecordKind
    let language: PageLanguage
    /// The address of a record's page when it is held here (nil otherwise).
    let pageOf: (RecordReference) -> String?

    func label(_ field: Field) -> String { language.text("field.\(field.name)") }

    // MARK: Showing

    /// Every field with a value, but the title (the page's heading), as the `fields` template shows them.
    func display(_ content: JSONObject, textLanguage: String?) -> [[String: Any]] {
        kind.fields.filter { $0.name != "title" }.compactMap { field in
            guard let value = content[field.name] else { return nil }
            var view: [String: Any] = ["label": label(field)]
            // Set either way: a template looks a missing name up in the enclosing page.
            if field.isTranslatable, let textLanguage { view["lang"] = textLanguage } else { view["lang"] = false }
            switch (field.type, value) {
            case (.text(_, let multiline), .string(let text)):
                if multiline { view["paragraphs"] = Self.paragraphs(text) } else { view["text"] = text }
            case (.language, .string(let tag)): view["text"] = language.languageName(tag)
            case (.choice(let choice), .string(let value)): view["text"] = choiceLabel(value, of: choice)
            case (.integer, .number(let number)): view["text"] = Self.text(number)
            case (.period, .object(let period)): view["text"] = periodText(period)
            case (.link, .object(let link)): view.merge(["hasLinks": true, "links": [linkView(link)]]) { $1 }
            case (.reference, _):
                if let reference = RecordReference(value) { view.merge(["hasReferences": true, "references": [referenceView(reference)]]) { $1 } }
            case (.list(.term, _, _), .array(let items)): view.merge(["hasList": true, "list": items.compactMap(\.stringValue)]) { $1 }
            case (.list(.text, _, _), .array(let items)):
                let texts = items.compactMap(\.stringValue)
                if field.name == "steps" { view.merge(["hasSteps": true, "steps": texts]) { $1 } } else { view.merge(["hasList": true, "list": texts]) { $1 } }
            case (.list(.link, _, _), .array(let items)):
                view.merge(["hasLinks": true, "links": items.compactMap(\.objectValue).map(linkView)]) { $1 }
            case (.list(.reference, _, _), .array(let items)):
                view.merge(["hasReferences": true, "references": items.compactMap(RecordReference.init).map(referenceView)]) { $1 }
            case (_, .string(let text)): view["text"] = text
            default: view["text"] = (try? value.serialized()) ?? ""
            }
            return view
        }
    }

    /// A field's value as one line of text, for the table of what changed between two versions.
    func plainText(_ field: Field, _ value: JSONValue?) -> String {
        guard let value else { return language.text("record.absent") }
        switch (field.type, value) {
        case (.choice(let choice), .string(let value)): return choiceLabel(value, of: choice)
        case (.language, .string(let tag)): return language.languageName(tag)
        case (.period, .object(let period)): return periodText(period)
        default: return formValues(field, value).map(\.value).joined(separator: " – ")
        }
    }

    /// A value of a closed set in the page's language (`CaseStatus.pilot`), else the value itself.
    func choiceLabel(_ value: String, of choice: Choice) -> String {
        language.catalogue["\(choice.name).\(value)"] ?? value
    }

    /// The label of the value `content` holds in the choice field `name`, when it has one.
    func choiceLabel(field name: String, in content: JSONObject) -> String? {
        guard let field = kind.fields.first(where: { $0.name == name }), case .choice(let choice) = field.type,
            let value = content[name]?.stringValue
        else { return nil }
        return choiceLabel(value, of: choice)
    }

    func periodText(_ period: JSONObject) -> String {
        switch (period["start"]?.stringValue, period["end"]?.stringValue) {
        case (let start?, let end?): "\(start) – \(end)"
        case (let start?, nil): language.text("period.since", start)
        case (nil, let end?): language.text("period.until", end)
        default: ""
        }
    }

    /// A link shown as a link only when it is an http(s) address; anything else is shown as text.
    private func linkView(_ link: JSONObject) -> [String: Any] {
        let url = link["url"]?.stringValue ?? ""
        let title = link["title"]?.stringValue ?? url
        return Self.isWebAddress(url) ? ["href": url, "label": title] : ["label": "\(title) (\(url))"]
    }

    private func referenceView(_ reference: RecordReference) -> [String: Any] {
        guard let href = pageOf(reference) else { return ["label": language.text("record.notHeld", reference.description)] }
        return ["href": href, "label": reference.description]
    }

    static func text(_ number: JSONNumber) -> String {
        number.exactInteger.map(String.init) ?? String(number.doubleValue)
    }

    static func isWebAddress(_ url: String) -> Bool {
        let lowered = url.lowercased()
        return (lowered.hasPrefix("https://") || lowered.hasPrefix("http://")) && !url.contains(where: { $0.isWhitespace })
    }

    /// Paragraphs separated by blank lines; lines within one are kept (the stylesheet shows them).
    static func paragraphs(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    // MARK: Writing

    /// The inputs a field is written in, with their names and current text: one, or two for a period.
    func formValues(_ field: Field, _ value: JSONValue?) -> [(name: String, value: String)] {
        switch field.type {
        case .period:
            let period = value?.objectValue
            return [("\(field.name).start", period?["start"]?.stringValue ?? ""), ("\(field.name).end", period?["end"]?.stringValue ?? "")]
        case .list(.term, _, _):
            return [(field.name, value?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? "")]
        case .list(.text, _, _):
            return [(field.name, value?.arrayValue?.compactMap(\.stringValue).joined(separator: "\n") ?? "")]
        case .list(.link, _, _):
            let lines = value?.arrayValue?.compactMap(\.objectValue).map { "\($0["url"]?.stringValue ?? "") \($0["title"]?.stringValue ?? "")" }
            return [(field.name, lines?.joined(separator: "\n") ?? "")]
        case .list(.reference, _, _):
            return [(field.name, value?.arrayValue?.compactMap(RecordReference.init).map(\.description).joined(separator: "\n") ?? "")]
        case .integer:
            return [(field.name, value?.numberValue.map(Self.text) ?? "")]
        default:
            return [(field.name, value?.stringValue ?? "")]
        }
    }

    /// The form's inputs for `fields`, filled from `values` (what the user typed, or the record),
    /// with each field's error next to it.
    func inputs(_ fields: [Field], values: [String: String], errors: [String: String]) -> [[String: Any]] {
        fields.flatMap { field -> [[String: Any]] in
            formValues(field, nil).map { input in
                let id = "field-" + input.name.replacingOccurrences(of: ".", with: "-")
                var view: [String: Any] = ["id": id, "name": input.name, "value": values[input.name] ?? "", "required": field.isRequired]
                var label = label(field)
                var hint: String?
                switch field.type {
                case .period:
                    label += " — " + language.text(input.name.hasSuffix(".start") ? "period.start" : "period.end")
                    hint = language.text("hint.date")
                    view["isLine"] = true
                case .text(_, let multiline):
                    view[multiline ? "isArea" : "isLine"] = true
                    view["rows"] = field.name == "summary" ? 4 : 8
                case .language: hint = language.text("hint.language"); view["isLine"] = true
                case .country: hint = language.text("hint.country"); view["isLine"] = true
                case .integer: view["isNumber"] = true
                case .choice(let choice):
                    view["isChoice"] = true
                    let current = values[input.name] ?? ""
                    view["options"] = ([""] + choice.values).map { value -> [String: Any] in
                        ["value": value, "label": value.isEmpty ? "—" : choiceLabel(value, of: choice), "selected": value == current]
                    }
                case .list(.term, _, _): hint = language.text("hint.terms"); view["isLine"] = true
                case .list(.link, _, _): hint = language.text("hint.links"); view["isArea"] = true; view["rows"] = 3
                case .list(.reference, _, _): hint = language.text("hint.references"); view["isArea"] = true; view["rows"] = 2
                case .list: hint = language.text("hint.lines"); view["isArea"] = true; view["rows"] = 5
                default: view["isLine"] = true
                }
                view["label"] = label
                if let hint { view["hint"] = hint }
                if let error = errors[input.name] { view["error"] = error }
                let described = [hint.map { _ in "\(id)-hint" }, errors[input.name].map { _ in "\(id)-error" }].compactMap { $0 }
                if !described.isEmpty { view["describedBy"] = described.joined(separator: " ") }
                return view
            }
        }
    }

    /// The content a form describes, for `fields`; a blank input leaves its field out. Inputs that
    /// cannot be read (a number that is not one, a reference that is not origin/id) are errors
    /// under their input's name, in the page's language.
    func content(_ fields: [Field], from form: WebForm) -> (content: JSONObject, errors: [String: String]) {
        var content = JSONObject()
        var errors: [String: String] = [:]
        for field in fields {
            let text = (form[field.name] ?? "").replacingOccurrences(of: "\r\n", with: "\n")
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            func lines() -> [String] { text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
            switch field.type {
            case .period:
                var period = JSONObject()
                for part in ["start", "end"] {
                    let value = (form["\(field.name).\(part)"] ?? "").trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { period[part] = .string(value) }
                }
                if !period.isEmpty { content[field.name] = .object(period) }
            case .integer:
                guard !trimmed.isEmpty else { continue }
                if let number = Int64(trimmed) { content[field.name] = .number(.integer(number)) } else { errors[field.name] = language.text("v.integer") }
            case .list(.term, _, _):
                let terms = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                if !terms.isEmpty { content[field.name] = .array(terms.map(JSONValue.string)) }
            case .list(.link, _, _):
                let links = lines().map { line -> JSONValue in
                    let parts = line.split(maxSplits: 1, whereSeparator: \.isWhitespace).map(String.init)
                    return ["url": .string(parts[0]), "title": .string(parts.count > 1 ? parts[1] : parts[0])]
                }
                if !links.isEmpty { content[field.name] = .array(links) }
            case .list(.reference, _, _):
                var references: [JSONValue] = []
                for line in lines() {
                    guard let reference = RecordReference(string: line) else {
                        errors[field.name] = language.text("v.reference")
                        continue
                    }
                    references.append(["origin": .string(reference.origin.rawValue), "id": .string(reference.id.description)])
                }
                if !references.isEmpty { content[field.name] = .array(references) }
            case .list:
                let items = lines()
                if !items.isEmpty { content[field.name] = .array(items.map(JSONValue.string)) }
            case .text(_, let multiline):
                if !trimmed.isEmpty { content[field.name] = .string(multiline ? trimmed : text.trimmingCharacters(in: .whitespaces)) }
            default:
                if !trimmed.isEmpty { content[field.name] = .string(trimmed) }
            }
        }
        return (content, errors)
    }

    /// The node's reasons a field was refused, under the input they belong to, in the page's language.
    func errors(_ issues: [ValidationError.Issue], fields: [Field]) -> [String: String] {
        var errors: [String: String] = [:]
        for issue in issues {
            var path = issue.path
            if path.hasPrefix("content.") { path.removeFirst("content.".count) }
            let name = String(path.prefix { $0 != "." && $0 != "[" })
            guard let field = fields.first(where: { $0.name == name }) else { continue }
            var input = field.name
            if case .period = field.type { input = path.hasSuffix(".end") ? "\(name).end" : "\(name).start" }
            if errors[input] == nil { errors[input] = localized(issue.reason, field: field) }
        }
        return errors
    }

    /// The node's reason in the page's language; the few that only the API's own callers meet, in
    /// the node's words.
    func localized(_ reason: ValidationError.Reason, field: Field) -> String {
        switch reason {
        case .missing, .null(required: true): return language.text("v.required")
        case .blank: return language.text("v.empty")
        case .tooLong(let maxLength): return language.text("v.maxLength", maxLength)
        case .controlCharacters(multiline: false): return language.text("v.oneLine")
        case .notOneOf(let values): return language.text("v.oneOf", values.joined(separator: ", "))
        case .originalLanguage: return language.text("v.ownLanguage")
        case .notTerm: return language.text("v.term")
        case .tooMany(let maxCount): return language.text("v.maxItems", maxCount)
        case .repeated: return language.text("v.repeat")
        case .outOfRange(let range): return language.text("v.range", range.lowerBound, range.upperBound)
        case .notInteger: return language.text("v.integer")
        case .endBeforeStart: return language.text("v.endBeforeStart")
        case .adaptsItself: return language.text("v.adaptItself")
        case .adaptationLoop(let target, _): return language.text("v.adaptLoop", target)
        case .unreadable:
            switch field.type {
            case .language: return language.text("v.language")
            case .country: return language.text("v.country")
            case .period: return language.text("v.date")
            case .list(.link, _, _), .link: return language.text("v.link")
            default: return reason.description
            }
        case .notWebAddress: return language.text("v.link")
        default: return reason.description
        }
    }
}

/// Search matches as HTML: the text escaped, then FTS5's markers turned into `<mark>`.
enum Highlight {
    // Control characters: validation keeps them out of every text the index holds, so a record
    // cannot bring its own markers.
    static let open = "\u{1}"
    static let close = "\u{2}"

    static func html(_ snippet: String) -> String {
        escaped(snippet).replacingOccurrences(of: open, with: "<mark>").replacingOccurrences(of: close, with: "</mark>")
    }

    /// Text made safe inside an element or a quoted attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
