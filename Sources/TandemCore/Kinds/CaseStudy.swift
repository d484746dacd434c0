extension RecordKind {
    /// A project a lab ran, told so another city can learn from it: the problem, what was tried, with
    /// whom, what came of it and what the lab would do differently.
    public static let caseStudy = RecordKind(
        type: "CaseStudy", segment: "cases", singular: "case study", plural: "case studies",
        operationName: ("Case", "Cases"), summary: "Case studies",
        fields: Field.shared + [
            Field("status", .choice(.caseStatus), required: true, index: .column(.status), summary: "Where the case stands"),
            Field("problem", .text(maxLength: 20_000, multiline: true), index: .text, translatable: true, summary: "The problem it took on"),
            Field("approach", .text(maxLength: 20_000, multiline: true), index: .text, translatable: true, summary: "What was tried"),
            Field("results", .text(maxLength: 20_000, multiline: true), index: .text, translatable: true, summary: "What came of it"),
            Field("lessonsLearned", .text(maxLength: 20_000, multiline: true), index: .text, translatable: true, summary: "What the lab would do differently"),
            Field("period", .period, summary: "When it ran"),
            Field("partners", .list(.text(maxLength: 200, multiline: false), maxCount: 50, unique: false), index: .text, summary: "Who took part"),
            Field("participants", .integer(0...JSONNumber.maximumSafeInteger), summary: "How many people took part"),
            .adaptedFrom,
        ])
}

extension Choice {
    /// Where a case stands, from first idea to scaled up (or stopped).
    public static let caseStatus = Choice(
        name: "CaseStatus", values: ["idea", "exploration", "prototype", "pilot", "implemented", "scaled", "discontinued"])
}
