import Foundation
import TandemCore
import TandemCrypto
import TandemNode

/// Realistic signed case studies: French, Spanish and English texts of about 1.5 KB, the
/// vocabulary the samples use, signed by one origin's key (on every core). One document in ten is
/// a translation of the one before it, and one in ten a case that adapted the one two before it.
enum Corpus {
    static let cities = [("Paris", "FR"), ("Ciudad de México", "MX"), ("Rennes", "FR"), ("Nantes", "FR"), ("Lyon", "FR")]
    static let methods = ["immersion", "observation", "interviews", "prototyping", "co-design", "user-testing", "hackathon"]
    static let areas = ["participation", "climate-adaptation", "digital-inclusion", "open-data", "public-procurement", "mobility"]
    static let words: [String: [String]] = [
        "fr": ["atelier", "habitants", "résilience", "chaleur", "quartier", "médiation", "numérique", "bibliothèque", "agents",
               "service", "usagers", "prototype", "participation", "carte", "citoyenne", "données", "marchés", "école"],
        "es": ["taller", "vecinos", "participación", "ciudad", "laboratorio", "movilidad", "datos", "abiertos", "servicio",
               "prototipo", "diseño", "colonia", "mercado", "escuela", "transporte", "ciudadana"],
        "en": ["workshop", "residents", "heatwave", "resilience", "library", "digital", "inclusion", "service", "prototype",
               "participation", "open", "data", "procurement", "neighbourhood", "testing", "school"],
    ]

    static func sentence(_ language: String, _ seed: Int, words count: Int) -> String {
        let list = words[language]!
        var generator = SplitMix(seed: UInt64(seed))
        return (0..<count).map { _ in list[Int(generator.next() % UInt64(list.count))] }.joined(separator: " ")
    }

    /// The content of document `index`.
    static func content(_ index: Int) -> JSONObject {
        let language = ["fr", "es", "en"][index % 3]
        let (city, country) = cities[index % cities.count]
        return [
            "title": .string("\(sentence(language, index, words: 5).capitalized) \(index)"),
            "summary": .string(sentence(language, index &+ 1, words: 30)),
            "language": .string(language), "city": .string(city), "country": .string(country),
            "lab": .string("Laboratoire \(city)"), "status": .string(Choice.caseStatus.values[index % Choice.caseStatus.values.count]),
            "methods": .array([.string(methods[index % methods.count]), .string(methods[(index / 7) % methods.count])].uniqued()),
            "policyAreas": .array([.string(areas[index % areas.count])]),
            "problem": .string(sentence(language, index &+ 2, words: 60)),
            "approach": .string(sentence(language, index &+ 3, words: 60)),
            "results": .string(sentence(language, index &+ 4, words: 40)),
            "participants": .number(.integer(Int64(10 + index % 300))),
        ]
    }

    /// The content of document `index` when it is a translation (`index % 10 == 2`) of the one before.
    static func translation(_ index: Int, origin: NodeSlug) -> JSONObject {
        let language = ["fr", "es", "en"][index % 3]  // the original (index - 1) is in the language before
        return [
            "translationOf": ["origin": .string(origin.rawValue), "id": .string(id(index - 1).description), "version": 1],
            "language": .string(language),
            "title": .string("\(sentence(language, index, words: 5).capitalized) \(index - 1)"),
            "summary": .string(sentence(language, index &+ 1, words: 30)),
            "problem": .string(sentence(language, index &+ 2, words: 60)),
            "approach": .string(sentence(language, index &+ 3, words: 60)),
        ]
    }

    static func id(_ number: Int) -> RecordID {
        RecordID(UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", number))!)
    }

    /// `count` signed documents (JSON text), version 1, from `origin`, ids derived from `offset + index`.
    static func make(count: Int, offset: Int = 0, origin: NodeSlug, key: Ed25519PrivateKey) -> [String] {
        ParallelMap.map(Array(0..<count)) { index in
            let number = offset + index
            var (kind, body) = (RecordKind.caseStudy, content(number))
            if number % 10 == 2, index >= 1 {
                (kind, body) = (.translation, translation(number, origin: origin))
            } else if number % 10 == 3, index >= 2 {
                body["adaptedFrom"] = [["origin": .string(origin.rawValue), "id": .string(id(number - 2).description)]]
            }
            let document = try! Document.unsigned(
                kind: kind, id: id(number), origin: origin, version: 1, updated: Timestamp("2026-11-01T10:00:00Z")!,
                visibility: number % 10 == 0 ? .cohort : .public, content: body)
            let signed = try! EddsaJcs2022.sign(document.json, with: key, created: Timestamp("2026-11-01T10:00:00Z")!)
            return try! JSONValue.object(signed).serialized()
        }
    }
}

extension Array where Element == JSONValue {
    func uniqued() -> [JSONValue] {
        var seen: [JSONValue] = []
        for value in self where !seen.contains(value) { seen.append(value) }
        return seen
    }
}

/// A small deterministic generator, so every run measures the same documents.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state = state &+ 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
