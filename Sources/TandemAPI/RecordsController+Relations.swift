import Hummingbird
import TandemCore
import TandemNode
import TandemStore

/// A record's translations and adaptations: `…/{origin}/{id}/translations`, `…/adaptations`,
/// and the translation a reader's language asks for (`?lang=es`, `Accept-Language`).
extension RecordsController {
    @Sendable func translations(request: Request, context: TandemRequestContext) async throws -> Response {
        let (origin, id) = try Self.identity(context)
        let record = try readable(try node.record(kind, origin: origin, id: id), context: context)
        let items = try runtime.translations(of: record, includeCohort: context.mayReadCohort).map(Self.view)
        return .json("{\"items\":[" + items.joined(separator: ",") + "]}")
    }

    @Sendable func translate(request: Request, context: TandemRequestContext) async throws -> Response {
        try requireEditor(context)
        let (origin, id) = try Self.identity(context)
        let body = try EditBody(try await JSONBody.read(request, limit: maxBodySize))
        let original = try readable(try node.record(kind, origin: origin, id: id), context: context)
        let translation = try await node.translate(original, visibility: body.visibility, content: body.content)
        let location = "/api/v1/\(RecordKind.translation.segment)/\(translation.origin)/\(translation.id)"
        return .json(Self.view(translation), status: .created, headers: [.eTag: Self.etag(translation), .location: location])
    }

    @Sendable func adaptations(request: Request, context: TandemRequestContext) async throws -> Response {
        let (origin, id) = try Self.identity(context)
        let record = try readable(try node.record(kind, origin: origin, id: id), context: context)
        let tree = try runtime.adaptations(of: record, includeCohort: context.mayReadCohort)
        let sources = try runtime.adaptedFrom(record, includeCohort: context.mayReadCohort)
        let object: JSONObject = [
            "record": .object(Self.summary(record, content: Self.content(of: record))),
            "adaptedFrom": .array(sources.map { source in
                source.record.map { .object(Self.summary($0, content: Self.content(of: $0))) }
                    ?? .object(["origin": .string(source.reference.origin.rawValue), "id": .string(source.reference.id.description), "held": false])
            }),
            "items": .array(tree.map(Self.node)),
        ]
        return .json(try JSONValue.object(object).serialized())
    }

    /// The languages a reader asks for, most wanted first: `?lang=` alone, else `Accept-Language`
    /// by its q-values; nil when neither is given.
    static func wantedLanguages(_ request: Request) throws(Problem) -> [String]? {
        if let lang = request.uri.queryParameters["lang"].map({ String($0).lowercased() }) {
            guard LanguageTag(lang) != nil else { throw .badRequest("lang must be a language tag such as es, fr or en") }
            return [lang]
        }
        guard let header = request.headers[.acceptLanguage] else { return nil }
        return acceptedLanguages(header)
    }

    /// The languages an `Accept-Language` field asks for, most wanted first; nil when it names none.
    static func acceptedLanguages(_ header: String) -> [String]? {
        // RFC 9110 §12.5.4: a tag and an optional weight from 0 to 1; an entry whose weight cannot be read is left out.
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), tag != "*", LanguageTag(tag) != nil else { return nil }
            let weight = pieces.dropFirst().first { $0.hasPrefix("q=") }.map { Double($0.dropFirst(2)) } ?? 1
            guard let weight, (0...1).contains(weight), weight > 0 else { return nil }
            return (tag, weight)
        }
        let languages = ranked.enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }.map(\.element.0)
        return languages.isEmpty ? nil : languages
    }

    /// A translation as the API shows it: its document and provenance, its language, the version
    /// of the original it translates, and whether the original has moved on since.
    static func view(_ translation: TranslationView) -> String {
        let record = view(translation.record)
        return opened(record) + ",\"language\":\"\(translation.language)\",\"translates\":\(translation.translates),\"stale\":\(translation.isStale)}"
    }

    /// A record with the translation a reader asked for.
    static func view(_ record: StoredRecord, translation: TranslationView) -> String {
        opened(view(record)) + ",\"translation\":" + view(translation) + "}"
    }

    static func content(of record: StoredRecord) -> JSONObject {
        record.content
    }

    /// Who did what where: a record in an adaptation tree.
    static func summary(_ record: StoredRecord, content: JSONObject) -> JSONObject {
        var summary: JSONObject = [
            "origin": .string(record.origin.rawValue), "id": .string(record.id.description), "type": .string(record.type), "held": true,
        ]
        for field in ["title", "city", "lab", "status", "period", "results"] { summary[field] = content[field] }
        return summary
    }

    static func node(_ node: AdaptationNode) -> JSONValue {
        var object = summary(node.record, content: node.content)
        object["adaptations"] = .array(node.adaptations.map(Self.node))
        return .object(object)
    }
}
