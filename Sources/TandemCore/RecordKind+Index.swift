/// What browse, filters and full-text search need from one record's content.
public struct IndexEntry: Sendable {
    public var title = ""
    public var summary = ""
    /// Every other searchable text, one per line.
    public var body = ""
    public var columns: [IndexColumn: String] = [:]
    /// Vocabulary terms by facet (`("method", "co-design")`), and links by relation (`("adaptedFrom", "paris/…")`).
    public var terms: [Term] = []
    /// For a translation: the record and version it translates.
    public var translates: (origin: String, id: String, version: Int64)?

    public struct Term: Sendable, Hashable {
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
            case .link(let relation):
                entry.terms += (value.arrayValue ?? []).compactMap(RecordReference.init).map { IndexEntry.Term(facet: relation, value: $0.description) }
            case .translates:
                let object = value.objectValue
                if let origin = object?["origin"]?.stringValue, let id = object?["id"]?.stringValue, let version = object?["version"]?.numberValue?.exactInteger {
                    entry.translates = (origin, id, version)
                }
            }
        }
        entry.body = texts.joined(separator: "\n")
        return entry
    }
}
