/// A kind of record (a practice, a case study…), declared once: its document `type`, where the API
/// serves it, and its content fields. Validation, the search index, the filters and the OpenAPI
/// schema are all read from this declaration, so a new kind is one declaration file
/// (`Kinds/<Kind>.swift`) and its name in `RecordKinds.standard`.
public struct RecordKind: Sendable, Hashable, CustomStringConvertible {
    /// The document's `type`: `CaseStudy`.
    public let type: String
    /// The API's path segment: `cases` in `/api/v1/cases`.
    public let segment: String
    /// What people call one and several: `case study`, `case studies`.
    public let singular: String
    public let plural: String
    /// The names the OpenAPI description gives its operations: `Case` in `getCase`, `Cases` in `listCases`.
    public let operationName: (one: String, many: String)
    /// What the kind is, for the OpenAPI tag.
    public let summary: String
    /// The content's fields, in the order they are shown.
    public let fields: [Field]
    /// Whether its records are browsed and written on their own (`GET` and `POST /api/v1/<segment>`);
    /// a translation is written and found through the record it translates.
    public let isStandalone: Bool

    public init(
        type: String, segment: String, singular: String, plural: String, operationName: (one: String, many: String), summary: String,
        fields: [Field], isStandalone: Bool = true
    ) {
        self.type = type
        self.segment = segment
        self.singular = singular
        self.plural = plural
        self.operationName = operationName
        self.summary = summary
        self.fields = fields
        self.isStandalone = isStandalone
    }

    /// The fields a translation carries in another language.
    public var translatableFields: [Field] { fields.filter(\.isTranslatable) }

    public var description: String { type }
    public static func == (left: RecordKind, right: RecordKind) -> Bool { left.type == right.type }
    public func hash(into hasher: inout Hasher) { hasher.combine(type) }

    /// The browse filters this kind answers: one per field that the index files in a filter column or a facet.
    public var filters: [Filter] {
        fields.compactMap { field in
            switch field.index {
            case .column(let column)?: column.filterName.map { Filter(name: $0, target: .column(column), field: field) }
            case .facet(let facet)?: Filter(name: facet, target: .facet(facet), field: field)
            default: nil
            }
        }
    }
}

/// One content field of a record kind.
public struct Field: Sendable {
    public let name: String
    public let type: FieldType
    public let isRequired: Bool
    /// How browse and search use it; nil when they do not.
    public let index: IndexRole?
    /// Whether a translation carries it in another language (texts, not terms, dates or numbers).
    public let isTranslatable: Bool
    /// What it holds, for people (the OpenAPI description).
    public let summary: String

    public init(_ name: String, _ type: FieldType, required: Bool = false, index: IndexRole? = nil, translatable: Bool = false, summary: String) {
        self.name = name
        self.type = type
        self.isRequired = required
        self.index = index
        self.isTranslatable = translatable
        self.summary = summary
    }

    /// The same field, required or not.
    public func required(_ isRequired: Bool) -> Field {
        Field(name, type, required: isRequired, index: index, translatable: isTranslatable, summary: summary)
    }
}

/// The values a field may hold.
public indirect enum FieldType: Sendable {
    /// Text of 1 to `maxLength` characters, not blank; `multiline` allows line breaks and tabs.
    case text(maxLength: Int, multiline: Bool)
    /// A BCP 47 language tag: `fr`, `es-MX`.
    case language
    /// An ISO 3166-1 alpha-2 code in capitals: `FR`.
    case country
    /// One of a named set of values.
    case choice(Choice)
    /// An integer in a range; 250.0 and 2.5e2 count as 250, as JSON Schema reads them.
    case integer(ClosedRange<Int64>)
    /// A vocabulary term: lowercase Latin letters (accents included), digits and single hyphens.
    case term
    /// `{"start", "end"}`: partial dates (`2019`, `2019-06`, `2019-06-14`), the end not before the start.
    case period
    /// `{"url", "title"}`: an http or https address and what it is.
    case link
    /// `{"origin", "id"}` (and `"version"` when `versioned`): another record, held here or not.
    case reference(versioned: Bool)
    /// An array of at most `maxCount` values of one type; `unique` refuses repeats.
    case list(FieldType, maxCount: Int, unique: Bool)
}

/// A closed set of values with a name, such as a case study's status.
public struct Choice: Sendable {
    /// The schema's name in the OpenAPI description: `CaseStatus`.
    public let name: String
    public let values: [String]

    public init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// Where the index files a field.
public enum IndexRole: Sendable, Equatable {
    /// The full-text index: the title, the summary, or any other text (steps, problem…).
    case title, summary, text
    /// A column of the record table, for filters (and, for `city` and `lab`, full-text search too).
    case column(IndexColumn)
    /// Vocabulary terms filed under a facet name, which is also the filter's name (`method`).
    case facet(String)
    /// References to other records (`origin/id`), filed under a relation name (`adaptedFrom`).
    case link(String)
    /// The record a translation translates.
    case translates
}

/// The record table's columns that a field may fill.
public enum IndexColumn: String, Sendable, CaseIterable {
    case language, city, country, lab, status

    /// The browse filter on this column; lab has none (it is searched as text).
    public var filterName: String? {
        self == .lab ? nil : rawValue
    }
}

/// A browse filter: its query parameter, and what it filters on.
public struct Filter: Sendable {
    public enum Target: Sendable, Hashable {
        case column(IndexColumn)
        case facet(String)
    }

    public let name: String
    public let target: Target
    /// The field it filters on (its type says what a value must look like).
    public let field: Field
}

/// The record kinds a build of Tandem understands. Documents of other types are kept and relayed
/// but not listed (see PROTOCOL.md, "Documents that can grow").
public struct RecordKinds: Sendable {
    public let all: [RecordKind]

    public init(_ kinds: [RecordKind]) {
        self.all = kinds
    }

    /// Every kind this version of Tandem ships.
    public static let standard = RecordKinds([.practice, .caseStudy, .translation])

    /// The kinds browsed on their own (not translations).
    public var standalone: [RecordKind] { all.filter(\.isStandalone) }

    public func kind(type: String) -> RecordKind? { all.first { $0.type == type } }

    /// Names every kind, field and index role: a database records the one its records were
    /// indexed under, and indexes them again when a build with other declarations starts.
    public var signature: String {
        all.map { kind in
            kind.type + "(" + kind.fields.map { "\($0.name):\($0.type)\($0.isRequired ? "!" : ""):\($0.index.map { "\($0)" } ?? "-")" }.joined(separator: ",") + ")"
        }.joined(separator: ";")
    }

    /// `"Practice" or "CaseStudy"`, for messages.
    public var typeList: String {
        let quoted = all.map { "\"\($0.type)\"" }
        return quoted.count > 1 ? quoted.dropLast().joined(separator: ", ") + " or " + quoted.last! : quoted.joined()
    }
}
