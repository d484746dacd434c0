import GRDB
import TandemCore

/// A signed-in browser: the editor token it signed in with, and the form token its pages carry.
public struct EditorSession: Sendable, Equatable {
    public let token: EditorToken
    /// The secret every form of this session carries (CSRF): a post without it is refused.
    public let csrf: String
}

extension AppDatabase {
    /// Records a session by the hash of its secret, for the editor token named `tokenName`, and
    /// forgets the sessions that have ended.
    public func createSession(hash: String, tokenName: String, csrf: String, expiresAt: Timestamp) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: "DELETE FROM session WHERE expiresAt <= ?", arguments: [Timestamp.now()])
            try db.execute(
                sql: "INSERT INTO session (hash, tokenName, csrf, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [hash, tokenName, csrf, Timestamp.now(), expiresAt])
        }
    }

    /// The live session whose secret hashes to `hash`: not expired, its token not revoked.
    public func session(hash: String) throws(StoreError) -> EditorSession? {
        try read { db in
            let sql = """
                SELECT token.*, session.csrf FROM session JOIN token ON token.name = session.tokenName
                WHERE session.hash = ? AND session.expiresAt > ? AND token.revokedAt IS NULL
                """
            guard let row = try Row.fetchOne(db, sql: sql, arguments: [hash, Timestamp.now()]) else { return nil }
            return EditorSession(token: try EditorToken(row: row), csrf: row["csrf"])
        }
    }

    /// Ends a session (sign out); nothing happens when there is none.
    public func deleteSession(hash: String) async throws(StoreError) {
        try await write { db in try db.execute(sql: "DELETE FROM session WHERE hash = ?", arguments: [hash]) }
    }
}

extension AppDatabase {
    /// Moves every session's end to the past, as if its lifetime had run out (for tests, which do
    /// not wait for a clock).
    func expireAllSessions() async throws(StoreError) {
        try await write { db in try db.execute(sql: "UPDATE session SET expiresAt = '2000-01-01T00:00:00Z'") }
    }
}
