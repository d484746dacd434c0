import Foundation
import TandemCore
import TandemCrypto
import TandemStore

/// A key rotation statement: `node` moves from `previousKey` to `newKey` at `rotated`, signed
/// (eddsa-jcs-2022) by the previous key, so anyone who trusted the old key can trust the new one.
public enum KeyRotation {
    public static let type = "KeyRotation"

    /// Makes the statement for moving from `previous` to `next`, signed by `previous`.
    public static func statement(node: NodeSlug, from previous: Ed25519PrivateKey, to next: Ed25519PublicKey, at time: Timestamp = .now()) throws -> StoredKeyStatement {
        let unsigned: JSONObject = [
            "type": .string(type), "node": .string(node.rawValue), "previousKey": .string(DIDKey(previous.publicKey).description),
            "newKey": .string(DIDKey(next).description), "rotated": .string(time.description),
        ]
        let signed = try EddsaJcs2022.sign(unsigned, with: previous, created: time)
        return StoredKeyStatement(
            origin: node, newKey: DIDKey(next).description, previousKey: DIDKey(previous.publicKey).description, rotated: time,
            statement: try JSONValue.object(signed).serialized())
    }

    /// Reads a statement and checks its proof was made by the previous key it names. Whether that
    /// key is trusted is the key ring's business.
    public static func verify(_ value: JSONValue) throws(RotationError) -> StoredKeyStatement {
        guard let object = value.objectValue, object["type"]?.stringValue == type else {
            throw RotationError("not a KeyRotation statement")
        }
        guard let node = object["node"]?.stringValue.flatMap(NodeSlug.init),
            let previous = object["previousKey"]?.stringValue.flatMap({ try? DIDKey(parsing: $0) }),
            let next = object["newKey"]?.stringValue.flatMap({ try? DIDKey(parsing: $0) }),
            let rotated = object["rotated"]?.stringValue.flatMap(Timestamp.init)
        else { throw RotationError("a KeyRotation statement needs node, previousKey, newKey (did:key) and rotated (UTC time)") }
        guard previous != next else { throw RotationError("\(node): a key cannot rotate to itself") }
        let signer: DIDKey
        do { signer = try EddsaJcs2022.verify(object) } catch { throw RotationError("\(node): the statement's proof does not verify: \(error.message)") }
        guard signer == previous else {
            throw RotationError("\(node): the rotation to \(next) is signed by \(signer), not by the previous key \(previous)")
        }
        let text = (try? JSONValue.object(object).serialized()) ?? ""
        return StoredKeyStatement(origin: node, newKey: next.description, previousKey: previous.description, rotated: rotated, statement: text)
    }
}

public struct RotationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Which keys sign for which cohort member: the directory's keys, and every key linked to one of
/// them by a chain of rotation statements. A retired key still verifies what it signed before it
/// was retired, and nothing after.
public struct KeyRing: Sendable {
    struct Entry: Sendable {
        let origin: NodeSlug
        var retired: Timestamp?
        /// The key it rotated to: a key rotates once (a second statement from it is a fork).
        var successor: DIDKey?
    }

    private var keys: [DIDKey: Entry] = [:]
    /// The statements accepted so far (from the store and from peers), for relaying.
    public private(set) var statements: [StoredKeyStatement] = []

    /// The directory's keys and the chains of `stored` statements; with `own`, also this node's
    /// own keys, listed in the directory or not: its current key and the keys its own statements
    /// (kept in its own database) retired.
    public init(directory: CohortDirectory, statements stored: [StoredKeyStatement] = [], own: (node: NodeSlug, key: DIDKey)? = nil) {
        for member in directory.members {
            for key in member.keys where keys[key] == nil { keys[key] = Entry(origin: member.slug) }
        }
        if let own {
            for statement in stored where statement.origin == own.node {
                if let previous = try? DIDKey(parsing: statement.previousKey), keys[previous] == nil { keys[previous] = Entry(origin: own.node) }
            }
        }
        _ = accept(stored.map { .success($0) })
        if let own, keys[own.key] == nil { keys[own.key] = Entry(origin: own.node) }
    }

    /// Adds the statements whose previous key is trusted for their node, in any order (a chain may
    /// arrive newest first). Returns the newly accepted ones and, for each refused one, why.
    public mutating func accept(_ candidates: [Result<StoredKeyStatement, RotationError>]) -> (accepted: [StoredKeyStatement], refused: [RotationError]) {
        var pending: [StoredKeyStatement] = []
        var refused: [RotationError] = []
        for candidate in candidates {
            switch candidate {
            case .success(let statement): pending.append(statement)
            case .failure(let error): refused.append(error)
            }
        }
        var accepted: [StoredKeyStatement] = []
        var progress = true
        while progress {
            progress = false
            pending.removeAll { statement in
                if statements.contains(where: { $0.origin == statement.origin && $0.newKey == statement.newKey }) { return true }
                guard let previous = try? DIDKey(parsing: statement.previousKey), let next = try? DIDKey(parsing: statement.newKey),
                    let entry = keys[previous], entry.origin == statement.origin
                else { return false }
                if let owner = keys[next], owner.origin != statement.origin { return false }
                if let successor = entry.successor, successor != next {
                    refused.append(RotationError(
                        "\(statement.origin): \(previous) already rotated to \(successor); a second rotation from the same key is refused (it would fork the key history)"))
                    return true
                }
                keys[previous]?.retired = min(entry.retired ?? statement.rotated, statement.rotated)
                keys[previous]?.successor = next
                if keys[next] == nil { keys[next] = Entry(origin: statement.origin) }
                statements.append(statement)
                accepted.append(statement)
                progress = true
                return true
            }
        }
        refused += pending.map { RotationError("\($0.origin): the rotation to \($0.newKey) is signed by \($0.previousKey), which is not a key of \($0.origin) in the cohort directory or its rotations") }
        return (accepted, refused)
    }

    /// The member a key belongs to, if any.
    public func owner(of key: DIDKey) -> NodeSlug? { keys[key]?.origin }

    /// When the key was retired by a rotation; nil while it is current.
    public func retirement(of key: DIDKey) -> Timestamp? { keys[key]?.retired }

    /// Why `key` may not sign for `origin` at `time`; nil when it may.
    public func problem(key: DIDKey, origin: NodeSlug, signedAt time: Timestamp?) -> String? {
        guard let entry = keys[key] else { return "signed by \(key), which is not a key of any cohort member" }
        guard entry.origin == origin else { return "signed by \(key), a key of \(entry.origin), not of \(origin)" }
        if let retired = entry.retired, time.map({ $0 > retired }) ?? true {
            return "signed by \(key) after that key of \(origin) was retired at \(retired)"
        }
        return nil
    }
}

/// The node's own key file through a rotation: the new key is written beside the old one, the
/// statement stored, then the new file replaces the old in one rename. A crash in between is
/// finished (or refused) on the next start.
public enum NodeKeyFile {
    /// Makes a new key, signs the rotation statement with the current one and stores it; returns
    /// the statement. The old private key is gone afterwards: only its public half is kept, in the history.
    public static func rotate(keyPath: String, node: NodeSlug, database: AppDatabase) async throws -> StoredKeyStatement {
        let pending = keyPath + ".next"
        guard !FileManager.default.fileExists(atPath: pending) else {
            throw RotationError("an unfinished rotation left \(pending); start the node once to finish it, or remove that file")
        }
        let current = try KeyFile.read(from: keyPath)
        let next = try Ed25519PrivateKey()
        try KeyFile.write(next, to: pending)
        let statement = try KeyRotation.statement(node: node, from: current, to: next.publicKey)
        try await database.saveKeyStatements([statement], receivedFrom: nil)
        try replace(keyPath, with: pending)
        return statement
    }

    /// Completes a rotation interrupted after its statement was stored; drops one interrupted before.
    public static func finishRotation(keyPath: String, database: AppDatabase) throws {
        let pending = keyPath + ".next"
        guard FileManager.default.fileExists(atPath: pending) else { return }
        let next = DIDKey(try KeyFile.read(from: pending).publicKey).description
        if try database.keyStatements().contains(where: { $0.newKey == next }) {
            try replace(keyPath, with: pending)
        } else {
            try FileManager.default.removeItem(atPath: pending)
        }
    }

    private static func replace(_ path: String, with pending: String) throws {
        guard rename(pending, path) == 0 else {
            throw RotationError("cannot move \(pending) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
