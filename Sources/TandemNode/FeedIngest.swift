import TandemCore
import TandemCrypto
import TandemFederation
import TandemStore

/// Reads a peer's change feed into the store, page after page, as a two-stage pipeline: the next
/// page is fetched, decoded and admitted (on all cores) while the one before it is stored (the
/// version rule and the peer's cursor, in one transaction). Pages are stored in feed order,
/// each only after the one before it, so the stored cursor never points past what was stored.
public struct FeedIngest: Sendable {
    /// The peer whose feed this is.
    public let peer: NodeSlug
    /// This node: the reader every page must say it served.
    public let node: NodeSlug
    public let admission: Admission
    public let database: AppDatabase

    /// A bound on one run with one peer (a million documents at the default page size).
    public static let maximumPages = 5000

    public init(peer: NodeSlug, node: NodeSlug, admission: Admission, database: AppDatabase) {
        self.peer = peer
        self.node = node
        self.admission = admission
        self.database = database
    }

    /// Reads from `checkpoint` until the feed says it has no more, or until `deadline`, after
    /// which no page is asked for (those read are stored; the next run resumes). `fetch` returns
    /// the encoded page after a cursor (nil: from the start); `key` names this node's key in the
    /// error a public-only page gets.
    public func run(
        from checkpoint: PeerCheckpoint?, key: DIDKey, until deadline: ContinuousClock.Instant, into report: inout PeerSyncReport,
        fetch: (PeerCheckpoint?) async throws -> [UInt8]
    ) async throws {
        var checkpoint = checkpoint
        var pages = 0
        var storing: Storing?
        do {
            while true {
                guard ContinuousClock.now < deadline else {
                    throw PeerError.timeout("the run went past sync.deadline with more to read; the \(pages) pages read are stored and the next run resumes after them")
                }
                report.requests += 1
                let page = try FeedPage.decode(try await fetch(checkpoint))
                try accept(page, after: checkpoint, pages: pages, key: key, report: &report)
                pages += 1
                let checked = check(page)
                try await Self.finish(&storing, into: &report)
                let (database, peer) = (database, peer)
                storing = Storing(page: checked, outcomes: Task {
                    try await database.applyPeerPage(
                        peer: peer, documents: checked.documents, rejections: checked.rejections, checkpoint: checked.next, lag: checked.remaining)
                })
                checkpoint = page.next
                guard page.hasMore, !page.items.isEmpty else { break }
            }
            try await Self.finish(&storing, into: &report)
        } catch {
            // The page being stored when the next one failed is kept (with its cursor) and counted;
            // if storing it failed too, that is the error to report.
            try await Self.finish(&storing, into: &report)
            throw error
        }
    }

    /// A page handed to the store, and the outcomes it will give.
    struct Storing {
        let page: CheckedPage
        let outcomes: Task<[ApplyOutcome], any Error>
    }

    /// Waits for the page being stored, if any, and counts what storing it did.
    private static func finish(_ storing: inout Storing?, into report: inout PeerSyncReport) async throws {
        guard let current = storing else { return }
        storing = nil
        tally(current.page, try await current.outcomes.value, into: &report)
    }

    /// A page's documents after admission.
    struct CheckedPage: Sendable {
        var documents: [VerifiedDocument] = []
        var rejections: [Rejection] = []
        var own = 0
        let next: PeerCheckpoint
        let remaining: Int
    }

    /// Refuses a page that was served to someone else, does not move forward, or one too many.
    private func accept(_ page: FeedPage.Decoded, after checkpoint: PeerCheckpoint?, pages: Int, key: DIDKey, report: inout PeerSyncReport) throws {
        guard page.reader == node else {
            throw PeerError.refused(
                "\(peer) served its public records only: it does not know this node's key \(key) as \(node)'s (yet); nothing was stored, so cohort records are not skipped")
        }
        if let checkpoint, checkpoint.epoch != page.epoch { report.restarted = true }
        // A feed that does not move forward, or never ends, is a broken or lying peer: stop here.
        if page.hasMore, let checkpoint, checkpoint.epoch == page.epoch, page.next.position <= checkpoint.position {
            throw PeerError.malformed("the feed says it has more but its cursor did not move forward")
        }
        if pages >= Self.maximumPages {
            throw PeerError.malformed("more than \(Self.maximumPages) pages in one run; the rest waits for the next run")
        }
    }

    private func check(_ page: FeedPage.Decoded) -> CheckedPage {
        var checked = CheckedPage(next: page.next, remaining: page.remaining)
        for decision in admission.admit(page.items, from: .peer) {
            switch decision {
            case .admit(let document): checked.documents.append(document)
            case .own: checked.own += 1
            case .refuse(let rejection): checked.rejections.append(rejection)
            }
        }
        return checked
    }

    private static func tally(_ page: CheckedPage, _ outcomes: [ApplyOutcome], into report: inout PeerSyncReport) {
        for (document, outcome) in zip(page.documents, outcomes) { report.stored.count(document.document, outcome) }
        report.own += page.own
        report.rejected += page.rejections.count
        report.pages += 1
        report.lag = page.remaining
    }
}
