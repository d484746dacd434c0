/// What browse, filters and full-text search need from one record's content.
public struct IndexEntry: Sendable, Equatable {
    public var title = ""
    public var summary = ""
    /// Every other searchable text, one per line.
    public var body = ""
    public var columns: [IndexColumn: String] = [:]
    /// Vocabulary terms by facet: `("method", "co-design")`.
    public var terms: [Term] = []

    public struct Term: Sendable, Equatable {
        public let facet: String
        public let value: String

        public init(facet: String, value: String) {
            self.facet = facet
            self.value = value
        }
    }

    public init() {}
}

extension RecordKind {
    /// Files content that fits this kind (see `validate`) as its fields' index roles say.
    public func indexEntry(for content: JSONObject) -> IndexEntry {
        var entry = IndexEntry()
        var texts: [String] = []
        for field in fields {
            guard let role = field.index, let value = content[field.name] else { continue }
            switch role {
            case .title: entry.title = value.stringValue ?? ""
            case .summary: entry.summary = value.stringValue ?? ""
            case .text: texts += value.arrayValue?.compactMap(\.stringValue) ?? value.stringValue.map { [$0] } ?? []
            case .column(let column): entry.columns[column] = value.stringValue
            case .facet(let facet):
                entry.terms += (value.arrayValue ?? []).compactMap { $0.stringValue.map { IndexEntry.Term(facet: facet, value: $0) } }
            }
        }
        entry.body = texts.joined(separator: "\n")
        return entry
    }
}
