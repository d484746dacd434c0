import Foundation
import Synchronization

/// The nonces of members' signed requests, each kept until its signature expires: a request
/// replayed within its lifetime is recognised and refused. Bounded: when full of live nonces it
/// refuses new ones rather than forgetting any (a member would need to send this many signed
/// requests in five minutes).
public final class NonceCache: Sendable {
    public static let capacity = 100_000
    private let entries = Mutex<[String: Int]>([:])

    public init() {}

    public enum Outcome: Sendable, Equatable { case fresh, replayed, full }

    /// Records `nonce` for `key` until `validUntil` (seconds since 1970); says whether it was new.
    public func record(key: String, nonce: String, validUntil: Int, now: Int = Int(Date().timeIntervalSince1970)) -> Outcome {
        entries.withLock { entries in
            let name = key + " " + nonce
            if let until = entries[name], until >= now { return .replayed }
            if entries.count >= Self.capacity { entries = entries.filter { $0.value >= now } }
            guard entries.count < Self.capacity else { return .full }
            entries[name] = validUntil
            return .fresh
        }
    }
}
