import TandemCore
import TandemStore

/// The rules of this node's writes that relate records: translations and adaptations.
extension LocalNode {
    /// Writes a translation of `original` (its current version), signed by this node, whatever
    /// the original's origin. `content` holds the language and the original kind's translated
    /// texts (title and summary at least); a translation of a cohort-only record is cohort-only.
    public func translate(_ original: StoredRecord, visibility: Visibility?, content: JSONObject) async throws -> StoredRecord {
        let (visibility, content) = try translation(of: original, visibility: visibility, content: content)
        return try await create(kind: .translation, visibility: visibility, content: content)
    }

    /// The next version of translation `current`: it translates the original's current version
    /// when the original is held (the translator has read that one), else the version it did.
    func retranslation(_ current: StoredRecord, visibility: Visibility, content: JSONObject) throws -> (Visibility, JSONObject) {
        guard content["translationOf"] == nil else {
            throw NodeError.invalid(ValidationError(issues: [
                .init(path: "content.translationOf", .setByNode)
            ]))
        }
        let previous = try JSONParser.parse(current.documentJSON).objectValue?["content"]?.objectValue?["translationOf"]
        guard let target = previous.flatMap(RecordReference.init) else { return (visibility, content) }
        if let original = try database.record(origin: target.origin, id: target.id), !original.isDeleted, original.isUnderstood {
            return try translation(of: original, visibility: visibility, content: content)
        }
        var kept = content
        kept["translationOf"] = previous
        return (visibility, kept)
    }

    /// The content and visibility of a translation of `original`, checked against it.
    private func translation(of original: StoredRecord, visibility: Visibility?, content: JSONObject) throws -> (Visibility, JSONObject) {
        guard let kind = kinds.kind(type: original.type), kind.isStandalone, original.isUnderstood else {
            throw NodeError(.invalid, "\(original.origin)/\(original.id) is not a record this version can translate")
        }
        guard !original.isDeleted else { throw NodeError(.gone, "\(original.origin)/\(original.id) was deleted at version \(original.version)") }
        var issues: [ValidationError.Issue] = []
        if content["translationOf"] != nil {
            issues.append(.init(path: "content.translationOf", .setByNode))
        }
        let translatable = Set(kind.translatableFields.map(\.name))
        for key in content.keys where key != "language" && key != "translationOf" && !translatable.contains(key) && RecordKind.translation.fieldNames.contains(key) {
            issues.append(.init(path: "content.\(key)", .notTranslatable(kind: kind.plural, field: key)))
        }
        let written = try JSONParser.parse(original.documentJSON).objectValue?["content"]?.objectValue?["language"]?.stringValue
        if let language = content["language"]?.stringValue, language == written {
            issues.append(.init(path: "content.language", .originalLanguage(language)))
        }
        if original.visibility == .cohort, visibility == .public {
            issues.append(.init(path: "visibility", .mustBeCohort))
        }
        guard issues.isEmpty else { throw NodeError.invalid(ValidationError(issues: issues)) }
        var translated: JSONObject = [
            "translationOf": ["origin": .string(original.origin.rawValue), "id": .string(original.id.description), "version": .number(.integer(original.version))]
        ]
        for (key, value) in content.members where key != "translationOf" { translated[key] = value }
        return (original.visibility == .cohort ? .cohort : visibility ?? .public, translated)
    }

    /// Refuses an `adaptedFrom` that names the record itself, or a record that (through the
    /// records held) already adapts it: adaptations form a tree, never a loop.
    func checkAdaptations(of record: RecordReference, content: JSONObject) throws {
        guard let targets = content[Field.adaptedFrom.name]?.arrayValue else { return }
        var issues: [ValidationError.Issue] = []
        for (index, value) in targets.enumerated() {
            guard let target = RecordReference(value) else { continue }
            let path = "content.\(Field.adaptedFrom.name)[\(index)]"
            if target == record {
                issues.append(.init(path: path, .adaptsItself))
                continue
            }
            // Follow what the target adapted, and what that adapted, among the records held.
            var seen: Set<String> = [target.description]
            var frontier = [target]
            while let next = frontier.popLast() {
                for link in try database.links(of: next, relation: Field.adaptedFrom.name) where seen.insert(link).inserted {
                    guard link != record.description else {
                        issues.append(.init(path: path, .adaptationLoop(target: target.description, through: next.description)))
                        frontier = []
                        break
                    }
                    if let reference = RecordReference(string: link) { frontier.append(reference) }
                }
            }
        }
        guard issues.isEmpty else { throw NodeError.invalid(ValidationError(issues: issues)) }
    }
}
