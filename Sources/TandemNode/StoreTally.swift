import TandemCore
import TandemStore

/// How many stored documents had each outcome of the version rule, for a sync, an import or a retry.
public struct StoreTally: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    /// Inserted or updated tombstones.
    public var deleted = 0
    public var unchanged = 0
    public var stale = 0
    /// Equivocations: the stored version was kept and the other flagged.
    public var conflicts = 0
    /// Inserted or updated documents this version does not understand (kept and relayed, not listed).
    public var notUnderstood = 0

    public init() {}

    init(_ documents: [VerifiedDocument], _ outcomes: [ApplyOutcome]) {
        for (document, outcome) in zip(documents, outcomes) { count(document.document, outcome) }
    }

    mutating func count(_ document: Document, _ outcome: ApplyOutcome) {
        switch outcome {
        case .inserted: inserted += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        case .stale: stale += 1
        case .equivocation: conflicts += 1
        }
        if outcome == .inserted || outcome == .updated {
            if document.isDeleted { deleted += 1 }
            if document.kind == nil { notUnderstood += 1 }
        }
    }
}
