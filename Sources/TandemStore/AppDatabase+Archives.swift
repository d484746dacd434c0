import GRDB
import TandemCore

/// An origin whose records this node keeps from an archive: a lab that closed, and the keys its
/// archive showed it signed with (its rotation statements are kept with the others).
public struct ArchivedOrigin: Sendable, Equatable, FetchableRecord {
    public let origin: NodeSlug
    public let lab: String
    public let city: String
    public let country: String
    /// Its keys as did:key texts: those it started with; rotations link the later ones.
    public let keys: [String]
    public let adoptedAt: Timestamp

    public init(origin: NodeSlug, lab: String, city: String, country: String, keys: [String], adoptedAt: Timestamp) {
        (self.origin, self.lab, self.city, self.country, self.keys, self.adoptedAt) = (origin, lab, city, country, keys, adoptedAt)
    }

    public init(row: Row) throws {
        origin = try row.decode(forColumn: "origin")
        lab = try row.decode(forColumn: "lab")
        city = try row.decode(forColumn: "city")
        country = try row.decode(forColumn: "country")
        let keysText: String = try row.decode(forColumn: "keys")
        keys = (try? JSONParser.parse(keysText))?.arrayValue?.compactMap(\.stringValue) ?? []
        adoptedAt = try row.decode(forColumn: "adoptedAt")
    }
}

extension AppDatabase {
    /// The origins adopted from archives, by slug.
    public func archivedOrigins() throws(StoreError) -> [ArchivedOrigin] {
        try read { db in try ArchivedOrigin.fetchAll(db, sql: "SELECT * FROM archive ORDER BY origin") }
    }

    /// Adopts an archive in one transaction: its origins (those not kept yet), their rotation
    /// statements, and its documents under the version rule. All or nothing.
    public func adopt(
        origins: [ArchivedOrigin], statements: [StoredKeyStatement], documents: [VerifiedDocument]
    ) async throws(StoreError) -> [ApplyOutcome] {
        let storedAt = Timestamp.now()
        return try await write { db in
            for origin in origins {
                let keys = try JSONValue.array(origin.keys.map(JSONValue.string)).serialized()
                try db.execute(
                    sql: "INSERT INTO archive (origin, lab, city, country, keys, adoptedAt) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(origin) DO NOTHING",
                    arguments: [origin.origin, origin.lab, origin.city, origin.country, keys, origin.adoptedAt])
            }
            for statement in statements {
                try db.execute(
                    sql: "INSERT INTO key_statement (origin, newKey, previousKey, rotated, statement, receivedFrom) VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING",
                    arguments: [statement.origin, statement.newKey, statement.previousKey, statement.rotated, statement.statement])
            }
            return try documents.map { try Self.apply($0, receivedFrom: nil, storedAt: storedAt, in: db) }
        }
    }
}
