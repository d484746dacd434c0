extension RecordKind {
    /// Checks `content` against this kind's fields and names every field at fault (`content.links[2].url`).
    /// Returns the content with integral numbers written as integers (250.0 becomes 250).
    public func validate(_ content: JSONObject, path: String = "content") throws(ValidationError) -> JSONObject {
        let reader = FieldReader(content, path: path)
        reader.rejectUnknownKeys(fieldNames)
        var normalized = content
        for field in fields {
            guard let value = reader.value(field.name, required: field.isRequired) else { continue }
            if let checked = field.type.check(value, at: reader.fieldPath(field.name), reader: reader) { normalized[field.name] = checked }
        }
        try reader.finish()
        return normalized
    }

    /// The names of the content's fields.
    public var fieldNames: Set<String> { Set(fields.map(\.name)) }
}

extension FieldType {
    /// The value if it fits this type (integral numbers as integers); nil after recording why it does not.
    func check(_ value: JSONValue, at path: String, reader: FieldReader) -> JSONValue? {
        switch self {
        case .text(let maxLength, let multiline):
            return reader.checkedString(value, at: path, maxLength: maxLength, multiline: multiline).map { _ in value }
        case .language:
            return reader.checkedParsed(value, at: path, as: LanguageTag.init, expected: "a language tag such as \"fr\", \"es\" or \"en\"").map { _ in value }
        case .country:
            return reader.checkedParsed(value, at: path, as: CountryCode.init, expected: "an ISO 3166-1 alpha-2 code in capitals, such as \"FR\"").map { _ in value }
        case .choice(let choice):
            return reader.checkedParsed(value, at: path, as: { choice.values.contains($0) ? $0 : nil }, refusal: .notOneOf(choice.values)).map { _ in value }
        case .integer(let range):
            return reader.checkedInteger(value, at: path, in: range, integral: true).map { .number(.integer($0)) }
        case .term:
            guard let term = reader.checkedString(value, at: path, maxLength: 64, multiline: false) else { return nil }
            guard Slug.isValidTerm(term) else {
                reader.checkedIssue(path, .notTerm)
                return nil
            }
            return value
        case .period:
            return Self.checkPeriod(value, at: path, reader: reader)
        case .link:
            return Self.checkLink(value, at: path, reader: reader)
        case .reference(let versioned):
            return Self.checkReference(value, at: path, versioned: versioned, reader: reader)
        case .list(let element, let maxCount, let unique):
            guard case .array(let items) = value else {
                reader.checkedIssue(path, .wrongType(expected: "an array", found: value.typeName))
                return nil
            }
            guard items.count <= maxCount else {
                reader.checkedIssue(path, .tooMany(maxCount))
                return nil
            }
            let checked = items.enumerated().map { element.check($1, at: "\(path)[\($0)]", reader: reader) }
            if unique, Set(items.map { (try? $0.canonicalString()) ?? "" }).count != items.count {
                reader.checkedIssue(path, .repeated(terms: element.isTerm))
            }
            let kept = checked.compactMap { $0 }
            return kept.count == items.count ? .array(kept) : nil
        }
    }

    private var isTerm: Bool {
        if case .term = self { true } else { false }
    }

    private static func checkPeriod(_ value: JSONValue, at path: String, reader: FieldReader) -> JSONValue? {
        guard let object = reader.checkedObject(value, at: path, what: "an object") else { return nil }
        let fields = FieldReader(object, path: path)
        fields.rejectUnknownKeys(["start", "end"])
        let expected = "a date written YYYY, YYYY-MM or YYYY-MM-DD"
        let start = fields.parsed("start", required: true, as: PartialDate.init, expected: expected)
        let end = fields.parsed("end", as: PartialDate.init, expected: expected)
        if let start, let end, end < start { fields.fail("end", .endBeforeStart) }
        reader.absorb(fields)
        return fields.issues.isEmpty ? value : nil
    }

    private static func checkLink(_ value: JSONValue, at path: String, reader: FieldReader) -> JSONValue? {
        guard let object = reader.checkedObject(value, at: path, what: "an object with a \"url\"") else { return nil }
        let fields = FieldReader(object, path: path)
        fields.rejectUnknownKeys(["url", "title"])
        let url = fields.string("url", required: true, maxLength: 2_000)
        _ = fields.string("title", maxLength: 200)
        if let url, !Link.isWebAddress(url) { fields.fail("url", .notWebAddress) }
        reader.absorb(fields)
        return fields.issues.isEmpty ? value : nil
    }
}

extension FieldType {
    fileprivate static func checkReference(_ value: JSONValue, at path: String, versioned: Bool, reader: FieldReader) -> JSONValue? {
        let what = versioned ? "an object with origin, id and version" : "an object with origin and id"
        guard let object = reader.checkedObject(value, at: path, what: what) else { return nil }
        let fields = FieldReader(object, path: path)
        fields.rejectUnknownKeys(versioned ? ["origin", "id", "version"] : ["origin", "id"])
        _ = fields.parsed("origin", required: true, as: NodeSlug.init, expected: "a node slug such as \"paris\" or \"mexico-city\"")
        _ = fields.parsed("id", required: true, as: RecordID.init, expected: "a lowercase UUID")
        if versioned { _ = fields.integer("version", required: true, in: 1...JSONNumber.maximumSafeInteger) }
        reader.absorb(fields)
        return fields.issues.isEmpty ? value : nil
    }
}

/// A reference to a record, read from content that fits its kind: `{"origin", "id"}`.
public struct RecordReference: Sendable, Hashable, CustomStringConvertible {
    public let origin: NodeSlug
    public let id: RecordID

    public init(origin: NodeSlug, id: RecordID) {
        self.origin = origin
        self.id = id
    }

    /// Nil unless `value` is a reference object.
    public init?(_ value: JSONValue) {
        guard let object = value.objectValue, let origin = object["origin"]?.stringValue.flatMap(NodeSlug.init),
            let id = object["id"]?.stringValue.flatMap(RecordID.init)
        else { return nil }
        self.init(origin: origin, id: id)
    }

    /// Nil unless `text` is `origin/id`.
    public init?(string text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let origin = NodeSlug(String(parts[0])), let id = RecordID(String(parts[1])) else { return nil }
        self.init(origin: origin, id: id)
    }

    /// `origin/id`, as the index files a link.
    public var description: String { "\(origin)/\(id)" }
}

/// A web page about a record: an http or https address.
public enum Link {
    /// `http://` or `https://` (any case), a host, and no whitespace: read on bytes, because a
    /// combining mark after "://" would make Swift see another last character than "/".
    public static func isWebAddress(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let lowered = { (byte: UInt8) in (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        guard let scheme = ["https://", "http://"].first(where: { bytes.count >= $0.utf8.count && zip(bytes, $0.utf8).allSatisfy { lowered($0) == $1 } }) else {
            return false
        }
        let host = bytes.dropFirst(scheme.utf8.count).prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        return !host.isEmpty && !text.unicodeScalars.contains(where: FieldReader.isBlank)
    }
}

extension JSONNumber {
    /// 2^53 − 1: the largest integer I-JSON (RFC 7493) and ECMAScript hold exactly, and so the largest a document may carry.
    public static let maximumSafeInteger: Int64 = 9_007_199_254_740_991
}

extension FieldReader {
    /// Takes the issues a nested reader found.
    func absorb(_ nested: FieldReader) {
        for issue in nested.issues { checkedIssue(issue.path, issue.reason) }
    }
}
