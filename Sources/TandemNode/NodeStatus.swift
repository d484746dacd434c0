import TandemCore
import TandemFederation
import TandemStore

/// One cohort member as operators see it from this node: who it is, how many of its records this
/// node holds, and how the last syncs with it went.
public struct NodeStatus: Sendable {
    public let member: CohortDirectory.Member
    public let isSelf: Bool
    /// Whether this node pulls from it (`sync.peers`); others' records come relayed.
    public let isPeer: Bool
    /// Live records of this origin held here.
    public let records: Int
    /// How many of them this version holds without understanding them (a newer kind or field): kept and relayed, not listed.
    public let notUnderstood: Int
    /// Its keys: the directory's, then those its rotation statements added.
    public let keys: [String]
    /// Nil for this node itself, and for a member never synced with.
    public let state: PeerState?

    public static func all(node: NodeSlug, directory: CohortDirectory, peers: [NodeSlug]?, database: AppDatabase) throws(StoreError) -> [NodeStatus] {
        let counts = try database.recordCounts()
        let states = try database.peerStates()
        let statements = try database.keyStatements()
        return directory.members.map { member in
            NodeStatus(
                member: member, isSelf: member.slug == node, isPeer: member.slug != node && (peers?.contains(member.slug) ?? true),
                records: counts.filter { $0.origin == member.slug }.reduce(0) { $0 + $1.count },
                notUnderstood: counts.filter { $0.origin == member.slug }.reduce(0) { $0 + $1.count - $1.understood },
                keys: member.keys.map(\.description) + statements.filter { $0.origin == member.slug }.map(\.newKey),
                state: states.first { $0.slug == member.slug })
        }
    }

    public var json: JSONObject {
        func text(_ value: CustomStringConvertible?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        var object: JSONObject = [
            "slug": .string(member.slug.rawValue), "lab": .string(member.lab), "city": .string(member.city),
            "country": .string(member.country), "url": .string(member.url), "self": .bool(isSelf), "peer": .bool(isPeer),
            "keys": .array(keys.map(JSONValue.string)), "records": .number(.integer(Int64(records))),
            "notUnderstood": .number(.integer(Int64(notUnderstood))),
        ]
        object["lastAttemptAt"] = text(state?.lastAttemptAt)
        object["lastSuccessAt"] = text(state?.lastSuccessAt)
        object["lastError"] = text(state?.lastError)
        object["lastErrorAt"] = text(state?.lastErrorAt)
        object["lag"] = state?.lag.map { .number(.integer(Int64($0))) } ?? .null
        object["quarantined"] = .number(.integer(Int64(state?.quarantined ?? 0)))
        return object
    }

    /// One line for `tandem status`.
    public var line: String {
        let held = "\(records) records held" + (notUnderstood > 0 ? " (\(notUnderstood) not understood by this version)" : "")
        if isSelf { return "\(member.slug) (this node) — \(held), \(member.url)" }
        guard let state else {
            return "\(member.slug) — \(isPeer ? "never synced" : "not pulled from (its records come relayed)"), \(held), \(member.url)"
        }
        var parts = [held]
        parts.append("last success " + (state.lastSuccessAt?.description ?? "never"))
        if let error = state.lastError, let at = state.lastErrorAt, state.lastSuccessAt.map({ at >= $0 }) ?? true {
            parts.append("last error \(at): \(error)")
        }
        parts.append("lag " + (state.lag.map(String.init) ?? "unknown"))
        parts.append("\(state.quarantined) quarantined")
        return "\(member.slug) — " + parts.joined(separator: ", ")
    }
}
