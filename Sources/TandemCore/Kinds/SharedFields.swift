extension Field {
    /// The fields every practice and case study has: what it is, in which language, where, and how to find it.
    public static let shared: [Field] = [
        Field("title", .text(maxLength: 200, multiline: false), required: true, index: .title, translatable: true, summary: "What it is called"),
        Field("summary", .text(maxLength: 2_000, multiline: true), required: true, index: .summary, translatable: true, summary: "What it is, in a few lines"),
        Field("language", .language, required: true, index: .column(.language), summary: "The language it is written in, such as fr or es"),
        Field("lab", .text(maxLength: 200, multiline: false), index: .column(.lab), summary: "The lab that wrote it"),
        Field("city", .text(maxLength: 100, multiline: false), index: .column(.city), summary: "The city, as its people write it"),
        Field("country", .country, index: .column(.country), summary: "ISO 3166-1 alpha-2 code, such as FR or MX"),
        Field("methods", .list(.term, maxCount: 30, unique: true), index: .facet("method"), summary: "The methods used: immersion, co-design…"),
        Field("policyAreas", .list(.term, maxCount: 30, unique: true), index: .facet("policyArea"), summary: "The policy areas: participation, climate-adaptation…"),
        Field("tags", .list(.term, maxCount: 30, unique: true), index: .facet("tag"), summary: "Free tags"),
        Field("links", .list(.link, maxCount: 20, unique: false), summary: "Web pages about it: reports, videos, the project's site"),
    ]

    /// The records a practice or case study adapted, in any city: what it learned from.
    public static let adaptedFrom = Field(
        "adaptedFrom", .list(.reference(versioned: false), maxCount: 10, unique: true), index: .link("adaptedFrom"),
        summary: "The records it adapted, held here or not: {origin, id}")
}
