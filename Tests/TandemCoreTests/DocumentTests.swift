import Foundation
import Testing

@testable import TandemCore

@Suite("Tandem documents and their content")
struct DocumentTests {
    static let caseStudy: JSONObject = [
        "title": "Plan de résilience aux vagues de chaleur",
        "summary": "Prototyper avec les habitants des îlots de fraîcheur et un réseau de voisins vigilants.",
        "language": "fr",
        "city": "Paris",
        "country": "FR",
        "lab": "La Transfo",
        "status": "prototype",
        "methods": ["immersion", "prototyping"],
        "policyAreas": ["climate-adaptation"],
        "period": ["start": "2023-05", "end": "2023-09-30"],
        "participants": 250,
        "partners": ["La 27e Région"],
        "links": [["url": "https://www.la27eregion.fr", "title": "La 27e Région"]],
    ]

    static func document(content: JSONObject = caseStudy, _ changes: (inout JSONObject) -> Void = { _ in }) -> JSONObject {
        var json: JSONObject = [
            "type": "CaseStudy", "id": "0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11", "origin": "paris", "version": 3,
            "updated": "2026-11-21T10:00:00Z", "visibility": "public", "deleted": false, "content": .object(content),
        ]
        changes(&json)
        return json
    }

    @Test(
        "vocabulary terms are lowercase Latin letters (accents included), digits and single hyphens",
        arguments: [
            ("co-design", true), ("médiation", true), ("3d-printing", true), ("participación", true), (String(repeating: "a", count: 64), true),
            ("co--design", false), ("-design", false), ("design-", false), ("Design", false), ("Médiation", false), ("co design", false),
            ("", false), ("co_design", false), (String(repeating: "a", count: 65), false), ("é-", false), ("cœur", true), ("straße", true), ("город", false), ("e\u{301}", false), (String(repeating: "é", count: 64), true),
        ])
    func terms(term: String, valid: Bool) {
        #expect(Slug.isValidTerm(term) == valid, "\(term)")
    }

    @Test(
        "a record id is a UUID in lowercase, 8-4-4-4-12, and reads back as written",
        arguments: [
            ("0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11", true), ("00000000-0000-4000-8000-000000000000", true), ("ffffffff-ffff-ffff-ffff-ffffffffffff", true),
            ("0193B7C2-5E1A-7C3D-9A40-2F1E8B6D4C11", false), ("0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c1", false), ("0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c111", false),
            ("0193b7c25-e1a-7c3d-9a40-2f1e8b6d4c11", false), ("0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c1g", false), ("0193b7c2x5e1a-7c3d-9a40-2f1e8b6d4c11", false),
            ("0193b7c25e1a7c3d9a402f1e8b6d4c11", false), ("{0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c1}", false), ("", false), ("0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4cé", false),
        ])
    func recordIDs(text: String, valid: Bool) {
        #expect(RecordID(text)?.description == (valid ? text : nil))
    }

    @Test("a new record id is a fresh lowercase UUID that reads back")
    func newRecordIDs() {
        let id = RecordID()
        #expect(RecordID(id.description) == id && id != RecordID())
        #expect(UUID(uuidString: id.description) != nil)
    }

    @Test(
        "a filter time is any RFC 3339 date or date-time, read as the UTC second",
        arguments: [
            ("2026-11-01", "2026-11-01T00:00:00Z"), ("2026-11-01T08:00:00Z", "2026-11-01T08:00:00Z"),
            ("2026-11-01T09:30:00+01:30", "2026-11-01T08:00:00Z"), ("2026-11-01t08:00:00.999z", "2026-11-01T08:00:00Z"),
            ("2026-12-31T23:30:00-01:00", "2027-01-01T00:30:00Z"), ("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z"),
            ("2024-02-29", "2024-02-29T00:00:00Z"),
        ])
    func filterTime(text: String, utc: String) {
        #expect(Timestamp.rfc3339(text)?.description == utc)
    }

    @Test("a filter time that is not RFC 3339 is refused", arguments: ["0", "2026-02-30", "2026-11-01T25:00:00Z", "2026-11-01T08:00:00", "2026-11-01T08:00:00.Z", "2026-11-01T08:00:00+1:00", "2026-11-01 08:00:00Z", "0000-01-01"])
    func badFilterTime(text: String) {
        #expect(Timestamp.rfc3339(text) == nil)
    }

    @Test("an integer may be written with a zero fraction or an exponent, and is kept as an integer", arguments: [JSONValue.number(.double(250.0)), .number(.double(2.5e2))])
    func integralNumber(value: JSONValue) throws {
        var content = Self.caseStudy
        content["participants"] = value

        let document = try Document(json: Self.document(content: content), requireProof: false)

        #expect(document.kind == .caseStudy)
        #expect(document.content["participants"]?.numberValue?.exactInteger == 250)
    }

    @Test("a link is any http or https address, in any case, whatever follows the scheme", arguments: ["https://ville.fr", "HtTpS://\u{1F3FB}exemple", "http://[::1]:8080/a?b#c"])
    func validLink(url: String) throws {
        var content = Self.caseStudy
        content["links"] = [["url": .string(url)]]

        let document = try Document(json: Self.document(content: content), requireProof: false)

        #expect(document.content["links"]?.arrayValue?.first?.objectValue?["url"]?.stringValue == url)
    }

    @Test("a valid case study is understood and filed in the index as its declaration says")
    func validCaseStudy() throws {
        let document = try Document(json: Self.document(), requireProof: false)

        #expect(document.kind == .caseStudy && document.notUnderstood == nil)
        #expect(document.origin.rawValue == "paris")
        #expect(document.version == 3)
        #expect(JSONValue.object(document.content) == .object(Self.caseStudy))
        let entry = try #require(document.indexEntry)
        #expect(entry.title == "Plan de résilience aux vagues de chaleur")
        #expect(entry.columns == [.language: "fr", .city: "Paris", .country: "FR", .lab: "La Transfo", .status: "prototype"])
        #expect(entry.terms.map { "\($0.facet)=\($0.value)" } == ["method=immersion", "method=prototyping", "policyArea=climate-adaptation"])
        #expect(entry.body == "La 27e Région")
    }

    @Test(
        "invalid content is refused with the path of each field at fault",
        arguments: [
            ("title", nil, "content.title: is required"),
            ("title", "   ", "content.title: must not be empty"),
            ("title", .string(String(repeating: "a", count: 201)), "content.title: must be at most 200 characters"),
            ("title", .string(String(repeating: "é", count: 201)), "content.title: must be at most 200 characters"),
            ("title", "Deux\nlignes", "content.title: must be one line without control characters"),
            ("title", "Effacé\u{7F}", "content.title: must be one line without control characters"),
            ("title", "Ligne\u{85}suivante", "content.title: must be one line without control characters"),
            ("summary", "Nul\u{0}", "content.summary: must not contain control characters other than line breaks and tabs"),
            ("summary", "Saut\u{9F}", "content.summary: must not contain control characters other than line breaks and tabs"),
            ("status", "finished", "content.status: must be one of \"idea\""),
            ("participants", .number(.double(12.5)), "content.participants: must be an integer"),
            ("participants", .number(.integer(9_007_199_254_740_992)), "content.participants: must be between 0 and 9007199254740991"),
            ("participants", "250", "content.participants: must be an integer, not a string"),
            ("language", "French", "content.language: must be a language tag"),
            ("country", "fr", "content.country: must be an ISO 3166-1 alpha-2 code"),
            ("methods", ["Immersion"], "content.methods[0]: must be a lowercase term"),
            ("methods", ["immersion", "immersion"], "content.methods: must not repeat a term"),
            ("period", ["start": "2023-09", "end": "2023-05"], "content.period.end: must not be before start"),
            ("period", ["start": "2023-02-30"], "content.period.start: must be a date"),
            ("links", [["url": "javascript:alert(1)"]], "content.links[0].url: must be an http or https address"),
            ("links", [["url": "https://"]], "content.links[0].url: must be an http or https address"),
            ("links", [["url": "https://ville.fr/a b"]], "content.links[0].url: must be an http or https address"),
            ("links", [["url": "https://ville.fr/\u{3000}"]], "content.links[0].url: must be an http or https address"),
            ("methods", .null, "content.methods: must not be null; leave the field out instead"),
            ("summry", "typo", "content.summry: unknown field"),
        ] as [(String, JSONValue?, String)])
    func invalidContent(field: String, value: JSONValue?, message: String) {
        var content = Self.caseStudy
        content[field] = value

        let error = #expect(throws: ValidationError.self) { try Document(json: Self.document(content: content), requireProof: false) }

        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "no error")")
    }

    @Test(
        "an invalid envelope is refused with the field at fault",
        arguments: [
            ("id", "0193B7C2-5E1A-7C3D-9A40-2F1E8B6D4C11", "id: must be a lowercase UUID"),
            ("origin", "Paris", "origin: must be a node slug"),
            ("version", 0, "version: must be between 1 and 9007199254740991"),
            ("version", .number(.double(3.0)), "version: must be an integer written without a fraction"),
            ("updated", "2026-11-21 10:00", "updated: must be a UTC time"),
            ("updated", "2026-02-29T10:00:00Z", "updated: must be a UTC time"),
            ("visibility", "private", "visibility: must be \"public\" or \"cohort\""),
            ("type", "Event", "type: must be \"Practice\", \"CaseStudy\" or \"Translation\""),
            ("deleted", "no", "deleted: must be a boolean"),
            ("extra", 1, "extra: unknown field"),
        ] as [(String, JSONValue, String)])
    func invalidEnvelope(field: String, value: JSONValue, message: String) {
        let json = Self.document { $0[field] = value }

        let error = #expect(throws: ValidationError.self) { try Document(json: json, requireProof: false) }

        #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "no error")")
    }

    @Test("every problem is reported at once")
    func allIssues() {
        let json = Self.document(content: ["summary": 3, "language": "fr"]) { $0["version"] = -1 }

        let error = #expect(throws: ValidationError.self) { try Document(json: json, requireProof: false) }

        #expect(error?.issues.map(\.path).sorted() == ["content.status", "content.summary", "content.title", "version"])
    }

    @Test("a signed document needs its proof")
    func proofRequired() {
        let error = #expect(throws: ValidationError.self) { try Document(json: Self.document()) }
        #expect(error?.description == "proof: is required")
    }

    @Test("a tombstone carries no content")
    func tombstone() throws {
        let deleted = try Document(json: Self.document(content: [:]) { $0["deleted"] = true }, requireProof: false)
        #expect(deleted.isDeleted)

        let error = #expect(throws: ValidationError.self) {
            try Document(json: Self.document { $0["deleted"] = true }, requireProof: false)
        }
        #expect(error?.description == "content: must be empty ({}) on a deleted record")
    }

    @Test("a practice reads its steps and when to use it")
    func practice() throws {
        let content: JSONObject = [
            "title": "Atelier mensuel", "summary": "Un atelier par mois ouvert aux agents.", "language": "fr",
            "steps": ["Choisir un thème", "Inviter les agents"], "whenToUse": "Pour diffuser une culture de l'expérimentation.",
        ]
        let document = try Document(json: Self.document(content: content) { $0["type"] = "Practice" }, requireProof: false)

        #expect(document.kind == .practice)
        #expect(document.indexEntry?.body == "Pour diffuser une culture de l'expérimentation.\nChoisir un thème\nInviter les agents")
        #expect(JSONValue.object(document.content) == .object(content))
    }

    @Test("an unsigned document built in Swift is valid and complete")
    func unsignedBuilder() throws {
        let document = try Document.unsigned(
            kind: .caseStudy, id: RecordID(), origin: NodeSlug("nantes")!, version: 1, updated: .now(),
            visibility: .cohort, content: Self.caseStudy)

        #expect(document.json["origin"] == "nantes")
        #expect(document.proof == nil)
        #expect(Timestamp(document.updated.description) != nil)
    }

    @Test(
        "a signed document from elsewhere whose type or content this version does not know is read, kept as not understood",
        arguments: [
            ("Workshop", nil, "type: \"Workshop\" is not a kind of record this version of Tandem knows"),
            ("CaseStudy", ("budget", JSONValue.number(.integer(12_000))), "content.budget: unknown field"),
            ("CaseStudy", ("title", JSONValue.string(String(repeating: "t", count: 300))), "content.title: must be at most 200 characters"),
        ] as [(String, (String, JSONValue)?, String)])
    func notUnderstood(type: String, extra: (String, JSONValue)?, reason: String) throws {
        var content = Self.caseStudy
        if let (key, value) = extra { content[key] = value }
        var json = Self.document(content: content) { $0["type"] = .string(type) }
        json["proof"] = ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": "did:key:z6Mk", "proofPurpose": "assertionMethod", "proofValue": "z1"]

        let document = try Document.reading(json)

        #expect(document.kind == nil)
        #expect(document.type == type)
        #expect(document.notUnderstood?.description == reason)
        #expect(document.indexEntry == nil)
        #expect(throws: ValidationError.self) { try Document(json: json) }
    }

    @Test("reading leniently still refuses a bad envelope", arguments: [("version", JSONValue.number(.integer(0))), ("origin", "Paris"), ("type", "Case Study"), ("deleted", "no")])
    func lenientEnvelope(field: String, value: JSONValue) {
        var json = Self.document { $0[field] = value }
        json["proof"] = ["type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "verificationMethod": "did:key:z6Mk", "proofPurpose": "assertionMethod", "proofValue": "z1"]
        #expect(throws: ValidationError.self) { try Document.reading(json) }
    }

    @Test(
        "each kind's content schema requires what validation requires, and describes each field's limits",
        arguments: [
            ("Practice", ["title", "summary", "language"], "steps", #"{"type":"array","maxItems":50,"items":{"#),
            ("CaseStudy", ["title", "summary", "language", "status"], "participants", #"{"type":"integer","minimum":0,"maximum":9007199254740991,"#),
        ])
    func contentSchemas(type: String, required: [String], field: String, schemaPrefix: String) throws {
        let kind = try #require(RecordKinds.standard.kind(type: type))
        let schema = try #require(kind.contentSchema.objectValue)

        #expect(schema["required"] == .array(required.map(JSONValue.string)))
        #expect(schema["additionalProperties"] == false)
        #expect(try JSONValue.object(#require(schema["properties"]?.objectValue?[field]?.objectValue)).serialized().hasPrefix(schemaPrefix))
        let error = #expect(throws: ValidationError.self) { try kind.validate([:]) }
        #expect(error?.issues.map(\.path) == required.map { "content.\($0)" })
    }

    @Test("each refusal carries its reason, which front ends put into their reader's words; the API's words are made from it")
    func refusalsCarryTheirReason() throws {
        let content: JSONObject = [
            "title": "  ", "summary": "s", "language": "fr", "status": "done", "methods": ["Co Design"], "policyAreas": ["culture", "culture"],
            "participants": -1, "period": ["start": "2024-06", "end": "2024-01"], "links": [["url": "javascript:alert(1)"]], "colour": "blue",
        ]
        let error = try #require(#expect(throws: ValidationError.self) { try RecordKind.caseStudy.validate(content) })
        let reasons = Dictionary(error.issues.map { ($0.path, $0.reason) }, uniquingKeysWith: { first, _ in first })
        #expect(reasons["content.title"] == .blank)
        #expect(reasons["content.status"] == .notOneOf(["idea", "exploration", "prototype", "pilot", "implemented", "scaled", "discontinued"]))
        #expect(reasons["content.methods[0]"] == .notTerm)
        #expect(reasons["content.policyAreas"] == .repeated(terms: true))
        #expect(reasons["content.participants"] == .outOfRange(0...9_007_199_254_740_991))
        #expect(reasons["content.period.end"] == .endBeforeStart)
        #expect(reasons["content.links[0].url"] == .notWebAddress)
        #expect(reasons["content.colour"] == .unknownField)
        #expect(error.issues.first { $0.path == "content.period.end" }?.description == "content.period.end: must not be before start")
    }

    @Test("a text pattern in the description accepts exactly what validation accepts", arguments: ["Titre", " x ", "a\u{00A0}", "\u{3000}", "x\ty", "é", "\u{2009}\u{200A}", "\u{85}"])
    func textPattern(text: String) throws {
        // ICU reads \uhhhh as ECMAScript does.
        let regex = try NSRegularExpression(pattern: FieldType.textPattern(multiline: false))
        let matches = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        let valid = (try? RecordKind.practice.validate(["title": .string(text), "summary": "s", "language": "fr"])) != nil
        #expect(matches == valid, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test(
        "a node slug is lowercase ASCII letters and digits with single hyphens inside, 63 at most",
        arguments: [
            ("paris", true), ("mexico-city", true), ("lab27", true), (String(repeating: "a", count: 63), true),
            ("", false), ("Paris", false), ("-paris", false), ("paris-", false), ("mexico--city", false), ("parís", false),
            ("pa ris", false), ("pa_ris", false), (String(repeating: "a", count: 64), false), ("-", false),
        ])
    func nodeSlug(text: String, valid: Bool) {
        #expect((NodeSlug(text) != nil) == valid)
    }

    @Test(
        "a vocabulary term allows accented lowercase letters, with single hyphens inside",
        arguments: [("co-design", true), ("médiation", true), ("œuvre", true), ("co--design", false), ("-co", false), ("Design", false), ("co_design", false)])
    func term(text: String, valid: Bool) {
        #expect(Slug.isValidTerm(text) == valid)
    }
}
