import Foundation
import TandemCore
import TandemFederation
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
    @Test("random writes, edits and deletes on five nodes, some down for rounds: two rounds after all are back, all hold the same records")
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
            var operations = (writes: 0, edits: 0, deletes: 0, syncs: 0, failedPeers: 0, stops: 0)

            for round in 1...6 {
                // One or two nodes are unreachable this round (stopped: connections refused).
                let nextDown = Set(slugs.shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random)))
                for node in nodes where down.contains(node.slug.rawValue) && !nextDown.contains(node.slug.rawValue) { try await node.start() }
                for node in nodes where nextDown.contains(node.slug.rawValue) && !down.contains(node.slug.rawValue) {
                    try await node.stop()
                    operations.stops += 1
                }
                down = nextDown

                // Every node, up or cut off, takes local writes, edits and deletes.
                for node in nodes {
                    for _ in 0..<Int.random(in: 1...4, using: &random) {
                        let local = try node.database.allRecords().filter { $0.origin == node.slug && !$0.isDeleted }
                        let roll = Int.random(in: 0..<10, using: &random)
                        if roll < 5 || local.isEmpty {
                            let visibility: Visibility = Bool.random(using: &random) ? .public : .cohort
                            try await node.write("\(node.slug) round \(round) case \(operations.writes)", visibility: visibility)
                            operations.writes += 1
                        } else if roll < 8, let record = local.randomElement(using: &random) {
                            try await node.runtime.node.update(
                                record, expectedVersion: record.version, visibility: nil,
                                content: caseContent("\(node.slug) edited in round \(round)"))
                            operations.edits += 1
                        } else if let record = local.randomElement(using: &random) {
                            try await node.runtime.node.delete(record, expectedVersion: record.version)
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
            print("convergence test: \(operations.writes) writes, \(operations.edits) edits, \(operations.deletes) deletes, \(operations.stops) stops, \(operations.syncs) syncs in 6 rounds (\(operations.failedPeers) peer reads failed on down nodes); converged in \(rounds) round(s) on \(digests[0].count) records")
        }
    }
}
