import Foundation
import TandemCore
import TandemFederation
import TandemNode
import TandemStore
import TandemTestSupport
import Testing

/// Deadlines that hold: every request to a peer, head and body together, ends within
/// `sync.timeout`; a run with one peer stops asking for pages after `sync.deadline`. A peer that
/// trickles fails alone, and stores nothing it did not send whole.
@Suite("Deadlines that hold against slow and broken peers", .serialized)
struct DeadlineTests {
    @Test("a peer that trickles its answer's head or body, or stops in the middle of it, fails alone; the others sync", .timeLimit(.minutes(2)))
    func tricklingPeersFailAlone() async throws {
        let peers = [
            try RawPeer(slug: "lille", behaviour: .trickleHead(.milliseconds(100))),
            try RawPeer(slug: "nantes", behaviour: .trickleBody(.milliseconds(100))),
            try RawPeer(slug: "lyon", behaviour: .stopMidBody),
        ]
        for peer in peers { try await peer.start() }
        defer { Task { for peer in peers { try? await peer.stop() } } }
        try await withCohort(
            [.init(slug: "paris", samples: "samples/paris.jsonl"), .init(slug: "mexico-city", timeout: 1)], extraMembers: try peers.map { try $0.entry }
        ) { cohort in
            let mexico = cohort["mexico-city"]

            let reports = try await mexico.sync()

            let paris = try mexico.report(from: "paris", reports)
            #expect(paris.succeeded && paris.inserted == Samples.paris, "\(paris.line)")
            for (slug, failure) in [("lille", "timed out"), ("nantes", "timed out"), ("lyon", "closed the connection before the response was complete")] {
                let report = try mexico.report(from: slug, reports)
                #expect(!report.succeeded && report.inserted == 0, "\(report.line)")
                #expect(report.error?.contains(failure) == true, "\(slug): \(report.line)")
                #expect(try mexico.database.checkpoint(peer: NodeSlug(slug)!) == nil)
            }
            let nantes = try mexico.report(from: "nantes", reports)
            #expect(nantes.error?.contains("did not send its whole answer within 1 s (sync.timeout)") == true, "\(nantes.line)")
            #expect(try mexico.database.allRecords().allSatisfy { ["paris", "mexico-city"].contains($0.origin.rawValue) })
            #expect(try mexico.runtime.statuses().first { $0.member.slug.rawValue == "nantes" }?.state?.lastError?.contains("timed out") == true)
        }
    }

    @Test("a run that goes past sync.deadline stops asking for pages, keeps those it read, and the next run resumes after them", .timeLimit(.minutes(2)))
    func runDeadline() async throws {
        let nantes = try FakePeer(slug: "nantes")
        try await withCohort([.init(slug: "mexico-city", timeout: 2, deadline: 1)], fakes: [nantes]) { cohort in
            let mexico = cohort["mexico-city"]
            // An endless feed, each page slow but well within sync.timeout.
            let pages = try (1...40).map { position in
                FakePeer.Answer.slow(
                    .milliseconds(300),
                    try FakePeer.pageJSON([try signedCase(origin: "nantes", title: "Page \(position)", key: nantes.key)], position: Int64(position), hasMore: true))
            }
            nantes.serve(pages)

            let first = try mexico.report(from: "nantes", try await mexico.sync())

            #expect(!first.succeeded && first.error?.contains("went past sync.deadline") == true, "\(first.line)")
            #expect(first.pages >= 1 && first.pages < 40 && first.inserted == first.pages, "\(first.line)")
            let checkpoint = try #require(try mexico.database.checkpoint(peer: nantes.slug))
            #expect(checkpoint.position == Int64(first.pages))
            #expect(try mexico.database.allRecords().count == first.pages)

            let second = try mexico.report(from: "nantes", try await mexico.sync())
            #expect(second.inserted >= 1, "\(second.line)")
            #expect(nantes.requests.contains { $0.contains("since=" + FeedCursor.encode(checkpoint)) })
        }
    }
}
