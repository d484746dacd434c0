import Foundation
import GRDB
import TandemCore

/// The node's database: one SQLite file in WAL mode, migrated when opened. Everything the node
/// stores goes through the intent-named methods of its extensions; no SQL leaves this target.
public struct AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// Each facet's counts for a query, or that it was not counted in time, until the next change to the records.
    let facetCache = QueryCache<FacetKey, FacetOutcome>()
    /// Which records a query found (positions and where each matched), until the next change.
    let pageCache = QueryCache<RecordQuery, [(seq: Int64, match: RecordMatch?)]>()
    /// How many records between a full page of direct matches and the page's start a search
    /// looks into one by one for a matching translation, before it reads every matching
    /// translation instead (both give the same page; tests try each).
    var translationProbeLimit = 2000
    /// The record heads a GET reads, on connections of their own (nil in memory).
    let heads: HeadReader?
    /// How many SQLite virtual machine steps a time-limited statement runs between looks at the clock.
    var progressInterval: Int32 = 1000

    /// Opens (creating when needed) the database file `tandem.sqlite` in `folder`.
    public static func open(folder: String) throws(StoreError) -> AppDatabase {
        do {
            let path = folder + "/tandem.sqlite"
            return try AppDatabase(try DatabasePool(path: path, configuration: configuration), headsAt: path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .unavailable("cannot open the database in \(folder): \(Self.describe(error))")
        }
    }

    /// A database in memory, for tests that do not need a file.
    public static func inMemory() throws(StoreError) -> AppDatabase {
        do { return try AppDatabase(try DatabaseQueue(configuration: configuration)) } catch { throw .unavailable("\(error)") }
    }

    /// Seconds a connection waits for a busy writer before it fails.
    static let busyTimeout: TimeInterval = 10

    /// Every connection waits for a busy writer instead of failing, and knows the search tokenizer.
    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in try SearchTokenizer.register(on: db) }
        return configuration
    }

    init(_ writer: any DatabaseWriter, headsAt path: String? = nil) throws(StoreError) {
        self.writer = writer
        self.heads = path.map(HeadReader.init(path:))
        do { try Self.migrator.migrate(writer) } catch { throw .unavailable("cannot migrate the database: \(Self.describe(error))") }
    }

    static func describe(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? "\(error)"
    }

    /// The schema, one migration per change; a migration that has shipped is never edited.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: records, history, search, tokens") { db in
            try db.create(table: "meta") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
            // The epoch names this database; a restored or re-created one gets a new one, so peers start over.
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('epoch', ?)", arguments: [UUID().uuidString.lowercased()])

            try db.create(table: "record") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("origin", .text).notNull()
                t.column("id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("visibility", .text).notNull()
                t.column("deleted", .boolean).notNull()
                t.column("updated", .text).notNull()
                t.column("title", .text).notNull()
                t.column("summary", .text).notNull()
                t.column("body", .text).notNull()
                t.column("language", .text)
                t.column("city", .text)
                t.column("country", .text)
                t.column("lab", .text)
                t.column("status", .text)
                t.column("document", .text).notNull()
                t.column("signer", .text).notNull()
                t.column("storedAt", .text).notNull()
                t.column("receivedFrom", .text)
                t.column("changeSeq", .integer).notNull().unique()
                t.uniqueKey(["origin", "id"])
            }
            try db.create(index: "record_kind_seq", on: "record", columns: ["kind", "deleted", "seq"])
            try db.create(table: "record_term") { t in
                t.column("recordSeq", .integer).notNull().references("record", column: "seq", onDelete: .cascade)
                t.column("facet", .text).notNull()
                t.column("term", .text).notNull()
                t.primaryKey(["recordSeq", "facet", "term"])
            }
            try db.create(index: "record_term_lookup", on: "record_term", columns: ["facet", "term", "recordSeq"])
            try db.create(virtualTable: "record_fts", using: FTS5()) { t in
                t.synchronize(withTable: "record")
                t.tokenizer = SearchTokenizer.descriptor
                t.column("title")
                t.column("summary")
                t.column("body")
                t.column("city")
                t.column("lab")
            }
            try db.create(table: "record_history") { t in
                t.column("origin", .text).notNull()
                t.column("id", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("document", .text).notNull()
                t.column("signer", .text).notNull()
                t.column("storedAt", .text).notNull()
                t.column("receivedFrom", .text)
                t.primaryKey(["origin", "id", "version"])
            }
            try db.create(table: "token") { t in
                t.primaryKey("name", .text)
                t.column("role", .text).notNull()
                t.column("hash", .text).notNull().unique()
                t.column("createdAt", .text).notNull()
                t.column("revokedAt", .text)
            }
        }
        migrator.registerMigration("v2: peers, quarantine, key statements") { db in
            // How far this node has read each peer's feed, and how the last runs went.
            try db.create(table: "peer") { t in
                t.primaryKey("slug", .text)
                t.column("epoch", .text)
                t.column("position", .integer).notNull().defaults(to: 0)
                t.column("lastAttemptAt", .text)
                t.column("lastSuccessAt", .text)
                t.column("lastError", .text)
                t.column("lastErrorAt", .text)
                t.column("lag", .integer)
            }
            // Documents a peer sent that were not stored, and equivocations (kept-first, flagged).
            try db.create(table: "quarantine") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("receivedAt", .text).notNull()
                t.column("peer", .text).notNull()
                t.column("origin", .text)
                t.column("recordId", .text)
                t.column("version", .integer)
                t.column("reason", .text).notNull()
                t.column("document", .text).notNull()
                t.column("digest", .integer).notNull()
            }
            try db.create(index: "quarantine_peer", on: "quarantine", columns: ["peer", "seq"])
            try db.create(index: "quarantine_digest", on: "quarantine", columns: ["digest"])
            // Key rotation statements accepted for every origin, this node's own included.
            try db.create(table: "key_statement") { t in
                t.column("origin", .text).notNull()
                t.column("newKey", .text).notNull()
                t.column("previousKey", .text).notNull()
                t.column("rotated", .text).notNull()
                t.column("statement", .text).notNull()
                t.column("receivedFrom", .text)
                t.primaryKey(["origin", "newKey"])
            }
        }
        migrator.registerMigration("v3: documents held but not understood, visibility of earlier versions, quarantine rules") { db in
            // Documents whose type or content this version does not know are kept (and relayed), not
            // listed. `reindex(kinds:)` decides for each record when the kind declarations change.
            try db.alter(table: "record") { t in t.add(column: "understood", .boolean).notNull().defaults(to: true) }
            try db.alter(table: "record_history") { t in t.add(column: "visibility", .text).notNull().defaults(to: "public") }
            try db.execute(sql: "UPDATE record_history SET visibility = json_extract(document, '$.visibility')")
            // The rule a quarantined document failed, typed; `reason` keeps only the detail.
            try db.alter(table: "quarantine") { t in t.add(column: "rule", .text).notNull().defaults(to: Rejection.Rule.shape.rawValue) }
            for rule in Rejection.Rule.allCases {
                let prefix = rule.rawValue + ": "
                try db.execute(
                    sql: "UPDATE quarantine SET rule = ?, reason = substr(reason, ?) WHERE substr(reason, 1, ?) = ?",
                    arguments: [rule.rawValue, prefix.utf8.count + 1, prefix.utf8.count, prefix])
            }
        }
        migrator.registerMigration("v4: archives adopted from labs that closed") { db in
            // Origins whose records this node keeps from an archive (tandem import --bundle), with
            // the key history the archive carried: their records verify against it, read-only.
            try db.create(table: "archive") { t in
                t.primaryKey("origin", .text)
                t.column("lab", .text).notNull()
                t.column("city", .text).notNull()
                t.column("country", .text).notNull()
                t.column("keys", .text).notNull()
                t.column("adoptedAt", .text).notNull()
            }
        }
        migrator.registerMigration("v5: translations linked to the record they translate") { db in
            try db.alter(table: "record") { t in
                t.add(column: "translationOrigin", .text)
                t.add(column: "translationId", .text)
                t.add(column: "translationVersion", .integer)
            }
            try db.create(index: "record_translation", on: "record", columns: ["translationOrigin", "translationId"])
            // Declarations changed: every record is filed again at the next start (reindex).
            try db.execute(sql: "DELETE FROM meta WHERE key = 'kinds'")
        }
        migrator.registerMigration("v7: the search index knows each record's kind") { db in
            // A search through translations intersected with the index's own list of translations
            // instead of reading every record that matches (98 searches a second at 20,000 records).
            try db.dropFTS5SynchronizationTriggers(forTable: "record_fts")
            try db.drop(table: "record_fts")
            try db.create(virtualTable: "record_fts", using: FTS5()) { t in
                t.synchronize(withTable: "record")
                t.tokenizer = SearchTokenizer.descriptor
                for column in ["title", "summary", "body", "city", "lab", "kind"] { t.column(column) }
            }
        }
        migrator.registerMigration("v6: browser sessions of editors") { db in
            // Only the hash of a session's secret is kept, as for tokens; a session ends with its token.
            try db.create(table: "session") { t in
                t.primaryKey("hash", .text)
                t.column("tokenName", .text).notNull().references("token", column: "name", onDelete: .cascade)
                t.column("csrf", .text).notNull()
                t.column("createdAt", .text).notNull()
                t.column("expiresAt", .text).notNull()
            }
        }
        migrator.registerMigration("v8: lists and translations found by indexes alone, without reading a record") { db in
            // A record's row holds its document, which spills over several pages, and the columns
            // added after it (the translation's link, `understood`) are read only by walking them.
            // A search through translations looks at every matching translation (by its position)
            // or at every translation of a record (by its link): both are answered by an index alone.
            let columns = ["kind", "deleted", "understood", "visibility", "language", "origin", "id"]
            // Every list asks for live, understood records of a kind, newest first: `understood`
            // is in the index, so finding a page reads no record's overflow pages.
            try db.drop(index: "record_kind_seq")
            try db.create(index: "record_kind_seq", on: "record", columns: ["kind", "deleted", "understood", "seq"])
            try db.drop(index: "record_translation")
            try db.create(
                index: "record_translation", on: "record", columns: ["translationOrigin", "translationId"] + columns,
                condition: Column("translationOrigin") != nil)
            try db.create(
                index: "record_translation_seq", on: "record", columns: ["seq", "translationOrigin", "translationId"] + columns,
                condition: Column("kind") == RecordKind.translation.type)
        }
        return migrator
    }

    /// The epoch of this database: a UUID made when it was created.
    public func epoch() throws(StoreError) -> String {
        try read { db in
            guard let epoch = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") else {
                throw StoreError.unavailable("the database has no epoch")
            }
            return epoch
        }
    }

    /// Writes a consistent copy of the whole database to a new file at `path` with SQLite's online
    /// backup, while the node goes on reading and writing (the copy is one snapshot), as one
    /// self-contained file (no write-ahead log beside it). Returns the copy's epoch and record count.
    public func backup(to path: String) async throws(StoreError) -> (epoch: String, records: Int) {
        do {
            let destination = try DatabaseQueue(path: path)
            try writer.backup(to: destination)
            let summary = try await destination.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                return (try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'epoch'") ?? "", try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record") ?? 0)
            }
            try destination.close()
            return summary
        } catch {
            throw .unavailable("cannot back up the database to \(path): \(Self.describe(error))")
        }
    }

    /// Moves everything in the write-ahead log into the file, and closes it (a restore closes the
    /// copy it prepared before moving the file into place).
    public func close() throws(StoreError) {
        heads?.close()
        do {
            _ = try writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try writer.close()
        } catch {
            throw .unavailable("cannot close the database: \(Self.describe(error))")
        }
    }

    /// Gives this database a new epoch, as a restored copy must: the positions it gives from now on
    /// may repeat ones its peers have already read, so a new epoch makes them read again from the start.
    public func startNewEpoch() async throws(StoreError) -> String {
        let epoch = UUID().uuidString.lowercased()
        try await write { db in try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'epoch'", arguments: [epoch]) }
        return epoch
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`) and FTS5's check of the search
    /// index against the records: empty when both are sound, else what they found.
    public func integrityProblems() async throws(StoreError) -> [String] {
        let file = try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        var problems = file == ["ok"] ? [] : file
        do {
            // FTS5 runs its check as a write to the index table; it changes nothing.
            try await write { db in try db.execute(sql: "INSERT INTO record_fts(record_fts) VALUES ('integrity-check')") }
        } catch {
            problems.append("the search index does not match the records: \(error)")
        }
        return problems
    }

    /// Every peer whose feed this node has read, with where reading resumes.
    public func checkpoints() throws(StoreError) -> [(peer: String, checkpoint: PeerCheckpoint)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT slug, epoch, position FROM peer WHERE epoch IS NOT NULL ORDER BY slug")
                .map { (peer: try $0.decode(forColumn: "slug"), checkpoint: try PeerCheckpoint(row: $0)) }
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.read(body) } catch { throw StoreError(error) }
    }

    /// A read of one statement. SQLite runs a single statement on one snapshot of the database,
    /// so it needs no transaction around it (two fewer statements on the hottest reads).
    func readStatement<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try writer.unsafeRead(body) } catch { throw StoreError(error) }
    }

    /// A write that suspends instead of holding a thread while it waits for and runs on the writer.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await writer.write(body) } catch { throw StoreError(error) }
    }
}

/// A storage failure, in the domain's words: the caller never sees an SQLite error.
public struct StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Code: Sendable, Equatable {
        case unavailable
        case versionConflict(current: Int64?)
        case notFound
        case tokenExists
        case diskFull
    }

    let code: Code
    public let description: String

    /// The version stored now, when a write expected another one.
    public var conflictingVersion: Int64?? {
        if case .versionConflict(let current) = code { current } else { nil }
    }

    /// SQLite could not write for lack of room (a full disk, a quota, a file-size limit): the
    /// transaction was rolled back whole, and the same write works once there is room.
    public var isDiskFull: Bool { code == .diskFull }

    static func unavailable(_ message: String) -> StoreError { StoreError(code: .unavailable, description: message) }
    static func notFound(_ message: String) -> StoreError { StoreError(code: .notFound, description: message) }

    init(code: Code, description: String) {
        self.code = code
        self.description = description
    }

    init(_ error: any Error) {
        if let error = error as? StoreError {
            self = error
        } else if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL || error.extendedResultCode == .SQLITE_IOERR_WRITE {
            // A write cut short by ENOSPC is SQLITE_FULL; one refused outright (EFBIG over a
            // file-size limit, EDQUOT over a quota) is SQLITE_IOERR_WRITE.
            self = StoreError(
                code: .diskFull,
                description: "no space left to write the database (the disk is full, or over a quota or file-size limit): nothing of this write was stored; free some space and try again")
        } else {
            self = .unavailable("database error: \(AppDatabase.describe(error))")
        }
    }
}
