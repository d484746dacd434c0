/// The fields that practices and case studies share: what they are, where, and how to find them.
public struct RecordBasics: Sendable, Equatable {
    public let title: String
    public let summary: String
    public let language: LanguageTag
    public let lab: String?
    public let city: String?
    public let country: CountryCode?
    public let methods: [String]
    public let policyAreas: [String]
    public let tags: [String]
    public let links: [Link]

    static let keys: Set<String> = ["title", "summary", "language", "lab", "city", "country", "methods", "policyAreas", "tags", "links"]

    init?(_ reader: FieldReader) {
        let title = reader.string("title", required: true, maxLength: 200)
        let summary = reader.string("summary", required: true, maxLength: 2_000, multiline: true)
        let language = reader.parsed("language", required: true, as: LanguageTag.init, expected: "a language tag such as \"fr\", \"es\" or \"en\"")
        let lab = reader.string("lab", maxLength: 200)
        let city = reader.string("city", maxLength: 100)
        let country = reader.parsed("country", as: CountryCode.init, expected: "an ISO 3166-1 alpha-2 code in capitals, such as \"FR\"")
        methods = reader.termList("methods")
        policyAreas = reader.termList("policyAreas")
        tags = reader.termList("tags")
        links = reader.list("links", maxCount: 20) { Link($0, path: $1, reader: reader) }
        guard let title, let summary, let language else { return nil }
        (self.title, self.summary, self.language, self.lab, self.city, self.country) = (title, summary, language, lab, city, country)
    }

    func write(to object: inout JSONObject) {
        object["title"] = .string(title)
        object["summary"] = .string(summary)
        object["language"] = .string(language.description)
        object["lab"] = lab.map(JSONValue.string)
        object["city"] = city.map(JSONValue.string)
        object["country"] = country.map { .string($0.description) }
        for (key, terms) in [("methods", methods), ("policyAreas", policyAreas), ("tags", tags)] where !terms.isEmpty {
            object[key] = .array(terms.map(JSONValue.string))
        }
        if !links.isEmpty { object["links"] = .array(links.map { .object($0.json) }) }
    }
}

/// A web page about a record: a report, a video, the project's site.
public struct Link: Sendable, Equatable {
    public let url: String
    public let title: String?

    init?(_ value: JSONValue, path: String, reader: FieldReader) {
        guard case .object(let object) = value else {
            reader.checkedIssue(path, "must be an object with a \"url\", not a \(value.typeName)")
            return nil
        }
        let fields = FieldReader(object, path: path)
        fields.rejectUnknownKeys(["url", "title"])
        let url = fields.string("url", required: true, maxLength: 2_000)
        title = fields.string("title", maxLength: 200)
        if let url, !Link.isWebAddress(url) { fields.fail("url", "must be an http or https address") }
        reader.absorb(fields)
        guard let url, fields.issues.isEmpty else { return nil }
        self.url = url
    }

    var json: JSONObject {
        var object: JSONObject = ["url": .string(url)]
        object["title"] = title.map(JSONValue.string)
        return object
    }

    /// `http://` or `https://` (any case), a host, and no whitespace: read on bytes, because a
    /// combining mark after "://" would make Swift see another last character than "/".
    static func isWebAddress(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let lowered = { (byte: UInt8) in (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        guard let scheme = ["https://", "http://"].first(where: { bytes.count >= $0.utf8.count && zip(bytes, $0.utf8).allSatisfy { lowered($0) == $1 } }) else {
            return false
        }
        let host = bytes.dropFirst(scheme.utf8.count).prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        return !host.isEmpty && !text.unicodeScalars.contains(where: FieldReader.isBlank)
    }
}

/// A method or best practice a lab uses and shares: what it is, when to use it, how, step by step.
public struct Practice: Sendable, Equatable {
    public let basics: RecordBasics
    public let description: String?
    public let whenToUse: String?
    public let steps: [String]

    static let keys = RecordBasics.keys.union(["description", "whenToUse", "steps"])

    /// Validates practice content; `path` prefixes the field paths in errors.
    public init(json: JSONObject, path: String = "content") throws(ValidationError) {
        let reader = FieldReader(json, path: path)
        reader.rejectUnknownKeys(Practice.keys)
        let basics = RecordBasics(reader)
        description = reader.string("description", maxLength: 20_000, multiline: true)
        whenToUse = reader.string("whenToUse", maxLength: 4_000, multiline: true)
        steps = reader.stringList("steps", maxCount: 50, maxLength: 2_000)
        try reader.finish()
        self.basics = basics!
    }

    public var json: JSONObject {
        var object = JSONObject()
        basics.write(to: &object)
        object["description"] = description.map(JSONValue.string)
        object["whenToUse"] = whenToUse.map(JSONValue.string)
        if !steps.isEmpty { object["steps"] = .array(steps.map(JSONValue.string)) }
        return object
    }
}

/// Where a case stands, from first idea to scaled up (or stopped).
public enum CaseStatus: String, Sendable, CaseIterable {
    case idea, exploration, prototype, pilot, implemented, scaled, discontinued
}

/// When a case ran: a start and, once it ended, an end, each to the year, month or day.
public struct Period: Sendable, Equatable {
    public let start: PartialDate
    public let end: PartialDate?
}

/// A project a lab ran, told so another city can learn from it: the problem, what was tried, with
/// whom, what came of it and what the lab would do differently.
public struct CaseStudy: Sendable, Equatable {
    public let basics: RecordBasics
    public let status: CaseStatus
    public let problem: String?
    public let approach: String?
    public let results: String?
    public let lessonsLearned: String?
    public let period: Period?
    public let partners: [String]
    public let participants: Int64?

    static let keys = RecordBasics.keys.union(["status", "problem", "approach", "results", "lessonsLearned", "period", "partners", "participants"])

    /// Validates case-study content; `path` prefixes the field paths in errors.
    public init(json: JSONObject, path: String = "content") throws(ValidationError) {
        let reader = FieldReader(json, path: path)
        reader.rejectUnknownKeys(CaseStudy.keys)
        let basics = RecordBasics(reader)
        let status = reader.parsed(
            "status", required: true, as: CaseStatus.init(rawValue:),
            expected: "one of " + CaseStatus.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        problem = reader.string("problem", maxLength: 20_000, multiline: true)
        approach = reader.string("approach", maxLength: 20_000, multiline: true)
        results = reader.string("results", maxLength: 20_000, multiline: true)
        lessonsLearned = reader.string("lessonsLearned", maxLength: 20_000, multiline: true)
        partners = reader.stringList("partners", maxCount: 50, maxLength: 200)
        participants = reader.integer("participants", in: 0...JSONNumber.maximumSafeInteger, integral: true)
        period = reader.object("period").flatMap { CaseStudy.period($0, path: reader.fieldPath("period"), reader: reader) }
        try reader.finish()
        (self.basics, self.status) = (basics!, status!)
    }

    private static func period(_ object: JSONObject, path: String, reader: FieldReader) -> Period? {
        let fields = FieldReader(object, path: path)
        fields.rejectUnknownKeys(["start", "end"])
        let expected = "a date written YYYY, YYYY-MM or YYYY-MM-DD"
        let start = fields.parsed("start", required: true, as: PartialDate.init, expected: expected)
        let end = fields.parsed("end", as: PartialDate.init, expected: expected)
        if let start, let end, end < start { fields.fail("end", "must not be before start") }
        reader.absorb(fields)
        guard let start, fields.issues.isEmpty else { return nil }
        return Period(start: start, end: end)
    }

    public var json: JSONObject {
        var object = JSONObject()
        basics.write(to: &object)
        object["status"] = .string(status.rawValue)
        object["problem"] = problem.map(JSONValue.string)
        object["approach"] = approach.map(JSONValue.string)
        object["results"] = results.map(JSONValue.string)
        object["lessonsLearned"] = lessonsLearned.map(JSONValue.string)
        if let period {
            var value: JSONObject = ["start": .string(period.start.description)]
            value["end"] = period.end.map { .string($0.description) }
            object["period"] = .object(value)
        }
        if !partners.isEmpty { object["partners"] = .array(partners.map(JSONValue.string)) }
        object["participants"] = participants.map { .number(.integer($0)) }
        return object
    }
}

extension JSONNumber {
    /// 2^53 − 1: the largest integer I-JSON (RFC 7493) and ECMAScript hold exactly, and so the largest a document may carry.
    public static let maximumSafeInteger: Int64 = 9_007_199_254_740_991
}

extension FieldReader {
    /// Takes the issues a nested reader found.
    func absorb(_ nested: FieldReader) {
        absorb(ValidationError(issues: nested.issues))
    }
}
