import TandemCore
import TandemStore

/// A translation as readers see it beside the record it translates.
public struct TranslationView: Sendable {
    public let record: StoredRecord
    public let language: String
    /// The version of the original it translates.
    public let translates: Int64
    /// Whether the original has a newer version than the one translated.
    public let isStale: Bool
}

/// A record that adapted another, and the records that adapted it in turn.
public struct AdaptationNode: Sendable {
    public let record: StoredRecord
    public let content: JSONObject
    public let adaptations: [AdaptationNode]
}

/// A record a record says it adapted: held here, or not (yet).
public struct AdaptedFrom: Sendable {
    public let reference: RecordReference
    public let record: StoredRecord?
}

extension NodeRuntime {
    /// The translations held of `record`, each with the version it translates and whether it is stale.
    public func translations(of record: StoredRecord, includeCohort: Bool) throws(StoreError) -> [TranslationView] {
        try database.translations(of: record.reference, includeCohort: includeCohort).map { translation in
            let translates = translation.translatesVersion ?? 0
            return TranslationView(record: translation, language: translation.content["language"]?.stringValue ?? "", translates: translates, isStale: translates < record.version)
        }
    }

    /// The translation of `record` to show a reader of `languages` (most wanted first): a fresh one
    /// in the first language that has one (`es` also takes `es-MX`), else a stale one; nil when the
    /// record is written in that language already, or none is held.
    public func translation(of record: StoredRecord, for languages: [String], includeCohort: Bool) throws(StoreError) -> TranslationView? {
        Self.translation(of: record, for: languages, among: try translations(of: record, includeCohort: includeCohort))
    }

    /// The same choice among translations of `record` already read.
    public static func translation(of record: StoredRecord, for languages: [String], among held: [TranslationView]) -> TranslationView? {
        for wanted in languages {
            if isWritten(record, in: wanted) { return nil }
            // The exact language before a related one (es-MX before es), a fresh one before a stale one.
            let candidates = held.filter { fits($0.language, wanted) }
                .sorted { ($0.language.lowercased() == wanted.lowercased() ? 0 : 1) < ($1.language.lowercased() == wanted.lowercased() ? 0 : 1) }
            if let best = candidates.first(where: { !$0.isStale }) ?? candidates.first { return best }
        }
        return nil
    }

    /// Whether `record` is written in `language` or a form of it (`es` and `es-MX` either way):
    /// what a reader of that language needs no translation for.
    public static func isWritten(_ record: StoredRecord, in language: String) -> Bool {
        record.content["language"]?.stringValue.map { fits($0, language) } ?? false
    }

    private static func fits(_ tag: String, _ wanted: String) -> Bool {
        let (tag, wanted) = (tag.lowercased(), wanted.lowercased())
        return tag == wanted || tag.hasPrefix(wanted + "-") || wanted.hasPrefix(tag + "-")
    }

    /// The records held that adapted `record`, each with those that adapted it, and so on: a tree
    /// at most `depth` deep, each record once (a loop a peer sent stops where it turns back).
    public func adaptations(of record: StoredRecord, includeCohort: Bool, depth: Int = 10) throws(StoreError) -> [AdaptationNode] {
        var seen: Set<RecordReference> = [record.reference]
        func children(of record: StoredRecord, depth: Int) throws(StoreError) -> [AdaptationNode] {
            guard depth > 0 else { return [] }
            var nodes: [AdaptationNode] = []
            for child in try database.linking(to: record.reference, relation: Field.adaptedFrom.name, includeCohort: includeCohort)
            where seen.insert(child.reference).inserted {
                nodes.append(AdaptationNode(record: child, content: child.content, adaptations: try children(of: child, depth: depth - 1)))
            }
            return nodes
        }
        return try children(of: record, depth: depth)
    }

    /// What `record` says it adapted, each held here (and readable by the caller) or not.
    public func adaptedFrom(_ record: StoredRecord, includeCohort: Bool) throws(StoreError) -> [AdaptedFrom] {
        return try (record.content[Field.adaptedFrom.name]?.arrayValue ?? []).compactMap(RecordReference.init).map { (reference) throws(StoreError) in
            let held = try database.record(origin: reference.origin, id: reference.id)
            let readable = held.flatMap { $0.isDeleted || !(includeCohort || $0.visibility == .public) ? nil : $0 }
            return AdaptedFrom(reference: reference, record: readable)
        }
    }
}
