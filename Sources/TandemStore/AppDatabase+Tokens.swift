import GRDB
import TandemCore

/// An editor's API token as stored: its name and role, never the token itself (only its hash).
public struct EditorToken: Sendable, Equatable, FetchableRecord {
    public let name: String
    public let role: String
    public let createdAt: Timestamp
    public let revokedAt: Timestamp?

    public init(row: Row) throws {
        name = try row.decode(forColumn: "name")
        role = try row.decode(forColumn: "role")
        createdAt = try row.decode(forColumn: "createdAt")
        revokedAt = try row.decode(forColumn: "revokedAt")
    }
}

extension AppDatabase {
    /// Records a new token by the hash of its secret. Names are unique, revoked ones included.
    public func createToken(name: String, role: String, hash: String) async throws(StoreError) {
        try await write { db in
            guard try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM token WHERE name = ?)", arguments: [name]) ?? false) else {
                throw StoreError(code: .tokenExists, description: "a token named \"\(name)\" exists already (revoked tokens keep their name)")
            }
            try db.execute(sql: "INSERT INTO token (name, role, hash, createdAt) VALUES (?, ?, ?, ?)", arguments: [name, role, hash, Timestamp.now()])
        }
    }

    public func tokens() throws(StoreError) -> [EditorToken] {
        try read { db in try EditorToken.fetchAll(db, sql: "SELECT * FROM token ORDER BY createdAt, name") }
    }

    /// Revokes the token named `name`; a revoked token stays listed but opens nothing.
    public func revokeToken(name: String) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "UPDATE token SET revokedAt = ? WHERE name = ? AND revokedAt IS NULL", arguments: [Timestamp.now(), name])
            guard db.changesCount == 1 else {
                throw StoreError.notFound("no active token named \"\(name)\"")
            }
        }
    }

    /// The active token whose secret hashes to `hash`, if any. Every active token is compared, each
    /// in constant time, so the answer takes as long whichever token matches and however closely.
    public func activeToken(hash: String) throws(StoreError) -> EditorToken? {
        let rows = try read { db in try Row.fetchAll(db, sql: "SELECT * FROM token WHERE revokedAt IS NULL") }
        var found: EditorToken?
        for row in rows where ConstantTime.equal(row["hash"] as String, hash) {
            do { found = try EditorToken(row: row) } catch { throw StoreError(error) }
        }
        return found
    }
}
