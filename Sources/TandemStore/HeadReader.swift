import CTandemSearch
import Synchronization
import TandemCore

/// Reads a record's head (what a GET checks before it sends the view kept for it) on read-only
/// SQLite connections of its own, one statement each, without GRDB's reader pool: the pool's
/// queue, semaphore and transaction were more than half of that read's cost, and the read was a
/// third of a GET. Connections are taken from a list under a lock and put back, so each is used
/// by one thread at a time; any failure answers nil and the caller reads through GRDB.
final class HeadReader: Sendable {
    static let sql = "SELECT kind, visibility, deleted, version, \(RecordStamp.columns) FROM record WHERE origin = ?1 AND id = ?2"
    private let path: String
    private let idle = Mutex<[Connection]>([])
    /// How many idle connections are kept; more are closed when put back.
    private let keep = 8

    init(path: String) {
        self.path = path
    }

    /// The head of `origin/id` (nil inside when there is no such record), or nil when the read failed.
    func head(origin: String, id: String) -> RecordHead?? {
        guard let connection = idle.withLock({ $0.popLast() }) ?? Connection(path: path) else { return nil }
        let head = connection.head(origin: origin, id: id)
        if head != nil {
            idle.withLock { idle in if idle.count < keep { idle.append(connection) } }
        }
        return head
    }

    /// One read-only connection and its prepared statement; used by one thread at a time.
    private final class Connection: @unchecked Sendable {
        private let db: OpaquePointer
        private let statement: OpaquePointer

        init?(path: String) {
            var db: OpaquePointer?
            guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db else {
                sqlite3_close_v2(db)
                return nil
            }
            sqlite3_busy_timeout(db, 10_000)
            var statement: OpaquePointer?
            guard sqlite3_prepare_v3(db, HeadReader.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
                sqlite3_close_v2(db)
                return nil
            }
            self.db = db
            self.statement = statement
        }

        deinit {
            sqlite3_finalize(statement)
            sqlite3_close_v2(db)
        }

        func head(origin: String, id: String) -> RecordHead?? {
            defer {
                sqlite3_reset(statement)
                sqlite3_clear_bindings(statement)
            }
            // SQLITE_TRANSIENT: SQLite copies the text, which lives only for this call.
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            guard sqlite3_bind_text(statement, 1, origin, -1, transient) == SQLITE_OK, sqlite3_bind_text(statement, 2, id, -1, transient) == SQLITE_OK else { return nil }
            switch sqlite3_step(statement) {
            case SQLITE_DONE:
                return .some(nil)
            case SQLITE_ROW:
                guard let kind = text(0), let visibility = text(1).flatMap(Visibility.init(rawValue:)) else { return nil }
                let integer = { (column: Int32) in sqlite3_column_int64(self.statement, column) }
                return RecordHead(
                    type: kind, visibility: visibility, isDeleted: integer(2) != 0, version: integer(3),
                    stamp: RecordStamp(seq: integer(4), changeSeq: integer(5), isUnderstood: integer(6) != 0, isArchived: integer(7) != 0))
            default:
                return nil
            }
        }

        private func text(_ column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: bytes)
        }
    }
}
