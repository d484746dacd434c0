/// Why a value could not be built: every problem found, each with the path of the field at fault.
public struct ValidationError: Error, CustomStringConvertible, Sendable, Equatable {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// Where the problem is, as a dotted path with array indices: `content.links[2].url`.
        public let path: String
        /// What is wrong there; `message` puts it into words.
        public let reason: Reason

        public init(path: String, _ reason: Reason) {
            self.path = path
            self.reason = reason
        }

        /// The reason in English words, as the API gives it.
        public var message: String { reason.description }

        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// Why a field was refused. Front ends put it into their reader's words; `description` is the API's.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case missing
        /// `null` given; `required` when the field must be there.
        case null(required: Bool)
        case unknownField
        /// A request body that is not a JSON object (`found` its type's name).
        case notABody(found: String)
        /// A record of a kind this version does not know.
        case unknownKind(String)
        /// A JSON value of another type: `expected` ("a string", "an object with a \"url\"…"), `found` its type's name.
        case wrongType(expected: String, found: String)
        /// A text that does not read as `expected` ("a lowercase UUID", "a date written YYYY…").
        case unreadable(expected: String)
        case notOneOf([String])
        /// A number with a fraction or an exponent; `integral` when 250.0 would have done.
        case notInteger(integral: Bool)
        case outOfRange(ClosedRange<Int64>)
        case blank
        case tooLong(Int)
        case controlCharacters(multiline: Bool)
        case notTerm
        case tooMany(Int)
        case repeated(terms: Bool)
        case endBeforeStart
        case notWebAddress
        case contentOnDeleted
        /// Set by the node, not by the writer (a translation's `translationOf`).
        case setByNode
        /// A field the original's kind does not have (`kind` in the plural).
        case notTranslatable(kind: String, field: String)
        /// A translation into the language the original is written in.
        case originalLanguage(String)
        /// A public translation of a cohort-only record.
        case mustBeCohort
        case adaptsItself
        /// `target` already adapts the record, through `through`.
        case adaptationLoop(target: String, through: String)

        public var description: String {
            switch self {
            case .missing: "is required"
            case .null(let required): required ? "is required, and must not be null" : "must not be null; leave the field out instead"
            case .unknownField: "unknown field"
            case .notABody(let found): "the body must be a JSON object with \"content\", not a \(found)"
            case .unknownKind(let type): "\"\(type)\" is not a kind of record this version of Tandem knows"
            case .wrongType(let expected, let found): "must be \(expected), not a \(found)"
            case .unreadable(let expected): "must be \(expected)"
            case .notOneOf(let values): "must be one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
            case .notInteger(let integral): integral ? "must be an integer" : "must be an integer written without a fraction or exponent"
            case .outOfRange(let range): "must be between \(range.lowerBound) and \(range.upperBound)"
            case .blank: "must not be empty"
            case .tooLong(let maxLength): "must be at most \(maxLength) characters"
            case .controlCharacters(let multiline):
                multiline ? "must not contain control characters other than line breaks and tabs" : "must be one line without control characters"
            case .notTerm: "must be a lowercase term of Latin letters (accents included), digits and single hyphens, like \"co-design\" or \"médiation\""
            case .tooMany(let maxCount): "must have at most \(maxCount) items"
            case .repeated(let terms): terms ? "must not repeat a term" : "must not repeat an item"
            case .endBeforeStart: "must not be before start"
            case .notWebAddress: "must be an http or https address"
            case .contentOnDeleted: "must be empty ({}) on a deleted record"
            case .setByNode: "is set by the node: a translation translates the record's current version"
            case .notTranslatable(let kind, let field): "\(kind) have no \(field) to translate"
            case .originalLanguage(let language): "the record is written in \(language): a translation is into another language"
            case .mustBeCohort: "must be cohort: the record it translates is cohort-only"
            case .adaptsItself: "a record cannot adapt itself"
            case .adaptationLoop(let target, let through): "\(target) already adapts this record (through \(through)): that would make a loop"
            }
        }
    }

    public let issues: [Issue]

    public init(issues: [Issue]) {
        self.issues = issues
    }

    public init(path: String, _ reason: Reason) {
        self.issues = [Issue(path: path, reason)]
    }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}

/// Reads the fields of one JSON object, collecting every problem with its path, so that a single
/// answer can name all that is wrong with a document.
final class FieldReader {
    private let object: JSONObject
    private let path: String
    private(set) var issues: [ValidationError.Issue] = []

    init(_ object: JSONObject, path: String) {
        self.object = object
        self.path = path
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String?, _ reason: ValidationError.Reason) {
        checkedIssue(key.map(fieldPath) ?? path, reason)
    }

    /// Records a problem at a full path (an array element, or a nested reader's finding).
    func checkedIssue(_ fullPath: String, _ reason: ValidationError.Reason) {
        issues.append(.init(path: fullPath, reason))
    }

    /// Fails on members that are not in `allowed`, so that a misspelt field is not silently dropped.
    func rejectUnknownKeys(_ allowed: Set<String>) {
        for key in object.keys where !allowed.contains(key) {
            fail(key, .unknownField)
        }
    }

    /// Throws the collected issues, if any.
    func finish() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues: issues) }
    }

    func value(_ key: String, required: Bool) -> JSONValue? {
        guard let value = object[key] else {
            if required { fail(key, .missing) }
            return nil
        }
        guard value != .null else {
            fail(key, .null(required: required))
            return nil
        }
        return value
    }

    func string(_ key: String, required: Bool = false, maxLength: Int, multiline: Bool = false) -> String? {
        guard let value = value(key, required: required) else { return nil }
        return checkedString(value, at: fieldPath(key), maxLength: maxLength, multiline: multiline)
    }

    /// A string that must parse into `T`, with the message to give when it does not.
    func parsed<T>(_ key: String, required: Bool = false, as parse: (String) -> T?, expected: String) -> T? {
        guard let value = value(key, required: required) else { return nil }
        return checkedParsed(value, at: fieldPath(key), as: parse, expected: expected)
    }

    func checkedParsed<T>(_ value: JSONValue, at path: String, as parse: (String) -> T?, expected: String) -> T? {
        checkedParsed(value, at: path, as: parse, refusal: .unreadable(expected: expected))
    }

    /// A string that must parse into `T`, and the reason to give when it does not.
    func checkedParsed<T>(_ value: JSONValue, at path: String, as parse: (String) -> T?, refusal: ValidationError.Reason) -> T? {
        guard let text = checkedString(value, at: path, maxLength: 200, multiline: false) else { return nil }
        guard let parsed = parse(text) else {
            checkedIssue(path, refusal)
            return nil
        }
        return parsed
    }

    /// An integer. `integral`: also 250.0 or 2.5e2, which JSON Schema reads as the integer 250 (for
    /// content an editor writes); the envelope of a signed document keeps to integers as written.
    func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int64>, integral acceptsIntegral: Bool = false) -> Int64? {
        guard let value = value(key, required: required) else { return nil }
        return checkedInteger(value, at: fieldPath(key), in: range, integral: acceptsIntegral)
    }

    func checkedInteger(_ value: JSONValue, at path: String, in range: ClosedRange<Int64>, integral acceptsIntegral: Bool) -> Int64? {
        guard case .number(let number) = value else {
            checkedIssue(path, .wrongType(expected: "an integer", found: value.typeName))
            return nil
        }
        let integral: Int64? =
            if acceptsIntegral, case .double(let value) = number, value.rounded() == value, abs(value) <= 9_007_199_254_740_991 { Int64(value) } else { nil }
        guard let integer = number.exactInteger ?? integral else {
            checkedIssue(path, .notInteger(integral: acceptsIntegral))
            return nil
        }
        guard range.contains(integer) else {
            checkedIssue(path, .outOfRange(range))
            return nil
        }
        return integer
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        guard case .bool(let bool) = value else {
            fail(key, .wrongType(expected: "a boolean", found: value.typeName))
            return nil
        }
        return bool
    }

    func object(_ key: String, required: Bool = false) -> JSONObject? {
        guard let value = value(key, required: required) else { return nil }
        return checkedObject(value, at: fieldPath(key), what: "an object")
    }

    /// An object; `what` says what was expected ("an object with a \"url\"").
    func checkedObject(_ value: JSONValue, at path: String, what: String) -> JSONObject? {
        guard case .object(let object) = value else {
            checkedIssue(path, .wrongType(expected: what, found: value.typeName))
            return nil
        }
        return object
    }

    /// Whitespace as the OpenAPI description's patterns (ECMAScript `\s`) read it, so that a text
    /// the description accepts is never refused here as empty, nor the other way round.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    func checkedString(_ value: JSONValue, at path: String, maxLength: Int, multiline: Bool) -> String? {
        guard case .string(let text) = value else {
            checkedIssue(path, .wrongType(expected: "a string", found: value.typeName))
            return nil
        }
        // Most texts start with an ASCII letter: only the others need a closer look.
        let startsVisible = text.utf8.first.map { $0 > 0x20 && $0 < 0x7F } ?? false
        if !startsVisible, text.unicodeScalars.allSatisfy(Self.isBlank) {
            checkedIssue(path, .blank)
            return nil
        }
        // One pass over the UTF-8 bytes, as this runs on every text of every document: scalars are
        // the bytes that do not continue one; control characters (general category Cc) are C0 and
        // DEL, single bytes, and C1 (U+0080–U+009F), the byte 0xC2 followed by 0x80–0x9F.
        var scalars = 0
        var forbidden = false
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if byte < 0x20 {
                if !(multiline && (byte == 0x0A || byte == 0x09 || byte == 0x0D)) { forbidden = true }
            } else if byte == 0x7F || (previous == 0xC2 && byte <= 0x9F && byte >= 0x80) {
                forbidden = true
            }
            previous = byte
        }
        if scalars > maxLength {
            checkedIssue(path, .tooLong(maxLength))
            return nil
        }
        if forbidden {
            checkedIssue(path, .controlCharacters(multiline: multiline))
            return nil
        }
        return text
    }
}

/// Slug syntaxes: node slugs are ASCII (`a-z0-9` runs joined by single hyphens); vocabulary terms
/// may also use lowercase letters of any script, so a lab can tag in French or Spanish (`médiation`).
enum Slug {
    /// Lowercase ASCII letters, digits and single hyphens inside, read as bytes: every request
    /// names an origin, so this runs on every read.
    static func isValid(_ text: String, maxLength: Int = 64) -> Bool {
        let hyphen = UInt8(ascii: "-")
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= maxLength, bytes.first != hyphen, bytes.last != hyphen else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case hyphen where previous != hyphen: break
            default: return false
            }
            previous = byte
        }
        return true
    }

    /// Vocabulary terms: lowercase Latin letters with or without accents (a–z, ß–ö, ø–ÿ, œ),
    /// digits and single hyphens, as the OpenAPI description's `Term` pattern says.
    static func isValidTerm(_ text: String) -> Bool {
        isValid(text, maxLength: 64) { character in
            character.unicodeScalars.count == 1 && isTermScalar(character.unicodeScalars.first!)
        }
    }

    private static func isTermScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x61...0x7A, 0x30...0x39, 0xDF...0xF6, 0xF8...0xFF, 0x153: true
        default: false
        }
    }

    private static func isValid(_ text: String, maxLength: Int, allowed: (Character) -> Bool) -> Bool {
        guard !text.isEmpty, text.unicodeScalars.count <= maxLength, text.first != "-", text.last != "-" else { return false }
        var previous: Character = " "
        for character in text {
            guard character == "-" ? previous != "-" : allowed(character) else { return false }
            previous = character
        }
        return true
    }
}
