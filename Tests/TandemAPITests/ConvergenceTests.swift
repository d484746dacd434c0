import Foundation
import TandemCore
import TandemFederation
import TandemNode
import Testing

/// A seeded random source, so a failing run can be replayed with the seed it prints.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Five nodes converge", .serialized)
struct ConvergenceTests {
    @Test("random writes, translations, adaptations, edits and deletes on five nodes, some down for rounds: two rounds after all are back, all hold the same records and relate them alike")
    func fiveNodesConverge() async throws {
        // TANDEM_TEST_SEED replays a run.
        let seed = ProcessInfo.processInfo.environment["TANDEM_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        print("convergence test: seed \(seed)")
        var random = SeededGenerator(seed: seed)
        let slugs = ["paris", "mexico-city", "rennes", "nantes", "lyon"]
        // Nantes reads only Paris, and Lyon only Nantes: what they learn of the others is relayed.
        let peers = ["nantes": ["paris"], "lyon": ["nantes"]]
        try await withCohort(slugs.map { TestCohort.Spec(slug: $0, peers: peers[$0], timeout: 2) }) { cohort in
            let nodes = slugs.map { cohort[$0] }
            var down: Set<String> = []
            var operations = (writes: 0, translations: 0, adaptations: 0, edits: 0, deletes: 0, syncs: 0, failedPeers: 0, stops: 0)

            for round in 1...6 {
                // One or two nodes are unreachable this round (stopped: connections refused).
                let nextDown = Set(slugs.shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random)))
                for node in nodes where down.contains(node.slug.rawValue) && !nextDown.contains(node.slug.rawValue) { try await node.start() }
                for node in nodes where nextDown.contains(node.slug.rawValue) && !down.contains(node.slug.rawValue) {
                    try await node.stop()
                    operations.stops += 1
                }
                down = nextDown

                // Every node, up or cut off, takes local writes (some adapting or translating a case it holds, of any city), edits and deletes.
                for node in nodes {
                    for _ in 0..<Int.random(in: 1...4, using: &random) {
                        let local = try node.database.allRecords().filter { $0.origin == node.slug && !$0.isDeleted }
                        let cases = try node.database.allRecords().filter { $0.type == RecordKind.caseStudy.type && !$0.isDeleted }
                        let roll = Int.random(in: 0..<10, using: &random)
                        if roll < 4 || local.isEmpty {
                            let visibility: Visibility = Bool.random(using: &random) ? .public : .cohort
                            var content = caseContent("\(node.slug) round \(round) case \(operations.writes)")
                            if Bool.random(using: &random), let adapted = cases.randomElement(using: &random) {
                                content["adaptedFrom"] = [["origin": .string(adapted.origin.rawValue), "id": .string(adapted.id.description)]]
                                operations.adaptations += 1
                            }
                            _ = try await node.runtime.node.create(kind: .caseStudy, visibility: visibility, content: content)
                            operations.writes += 1
                        } else if roll < 5, let original = cases.randomElement(using: &random) {
                            _ = try await node.runtime.node.translate(original, visibility: nil, content: Self.translation("\(node.slug) round \(round)"))
                            operations.writes += 1
                            operations.translations += 1
                        } else if roll < 8, let record = local.randomElement(using: &random) {
                            let translated = record.type == RecordKind.translation.type
                            _ = try await node.runtime.node.update(
                                record, expectedVersion: record.version, visibility: nil,
                                content: translated ? Self.translation("\(node.slug) revised in round \(round)") : caseContent("\(node.slug) edited in round \(round)"))
                            operations.edits += 1
                        } else if let record = local.randomElement(using: &random) {
                            _ = try await node.runtime.node.delete(record, expectedVersion: record.version)
                            operations.deletes += 1
                        }
                    }
                }

                // The nodes that are up sync; their down peers fail alone.
                for node in nodes where !down.contains(node.slug.rawValue) {
                    let reports = try await node.sync()
                    operations.syncs += 1
                    for report in reports {
                        #expect(report.succeeded != down.contains(report.peer.rawValue), "round \(round), \(node.slug) from \(report.peer): \(report.line)")
                        if !report.succeeded { operations.failedPeers += 1 }
                    }
                }
            }

            // All back; at most two rounds of every node syncing once.
            for node in nodes where down.contains(node.slug.rawValue) { try await node.start() }
            var rounds = 0
            var digests: [[String]] = []
            while rounds < 2 {
                rounds += 1
                for node in nodes {
                    for report in try await node.sync() { #expect(report.succeeded, "final round \(rounds), \(node.slug): \(report.line)") }
                }
                digests = try nodes.map { try $0.digest() }
                if Set(digests).count == 1 { break }
            }
            #expect(Set(digests).count == 1, "seed \(seed): after \(rounds) rounds the nodes hold \(digests.map(\.count)) records")
            #expect(digests[0].count == operations.writes)
            // And they relate them alike: the same translations (of the same versions, equally stale) and adaptation trees.
            let relations = try nodes.map(Self.relations)
            #expect(Set(relations).count == 1, "seed \(seed): the nodes relate their records differently")
            print("convergence test: \(operations.writes) writes (\(operations.translations) translations, \(operations.adaptations) adaptations), \(operations.edits) edits, \(operations.deletes) deletes, \(operations.stops) stops, \(operations.syncs) syncs in 6 rounds (\(operations.failedPeers) peer reads failed on down nodes); converged in \(rounds) round(s) on \(digests[0].count) records")
        }
    }

    static func translation(_ text: String) -> JSONObject {
        ["language": "es", "title": .string("Traducción: \(text)"), "summary": "Una traducción escrita en una prueba."]
    }

    /// Every live case's translations (which version each translates, stale or not) and adaptation tree, as the node answers them.
    static func relations(_ node: CohortNode) throws -> [String] {
        func tree(_ nodes: [AdaptationNode]) -> String {
            nodes.map { "\($0.record.origin)/\($0.record.id)(\(tree($0.adaptations)))" }.sorted().joined(separator: ",")
        }
        return try node.database.allRecords().filter { $0.type == RecordKind.caseStudy.type && !$0.isDeleted }.map { record in
            let translations = try node.runtime.translations(of: record, includeCohort: true)
                .map { "\($0.record.origin)/\($0.record.id)@\($0.translates)\($0.isStale ? " stale" : "")" }.sorted()
            return "\(record.origin)/\(record.id): \(translations) adapted by \(tree(try node.runtime.adaptations(of: record, includeCohort: true)))"
        }.sorted()
    }
}
