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
    private let state = Mutex(State())
    /// At most this many connections are open; past it, a read goes through the pool.
    private let connectionLimit = 8

    private struct State {
        var idle: [Connection] = []
        var open = 0
        /// Set when a connection could not be opened, or the database was closed: no more are.
        var isOff = false
    }

    init(path: String) {
        self.path = path
    }

    /// The head of `origin/id` (nil inside when there is no such record), or nil when this reader
    /// cannot read it (the caller reads through the pool).
    func head(origin: String, id: String) -> RecordHead?? {
        enum Taken { case idle(Connection), new, none }
        let taken = state.withLock { state -> Taken in
            if let connection = state.idle.popLast() { return .idle(connection) }
            guard !state.isOff, state.open < connectionLimit else { return .none }
            state.open += 1
            return .new
        }
        let connection: Connection
        switch taken {
        case .idle(let idle): connection = idle
        case .none: return nil
        case .new:
            guard let opened = Connection(path: path) else {
                state.withLock { state in
                    state.open -= 1
                    state.isOff = true
                }
                return nil
            }
            connection = opened
        }
        let head = connection.head(origin: origin, id: id)
        state.withLock { state in
            if head != nil, !state.isOff { state.idle.append(connection) } else { state.open -= 1 }
        }
        return head
    }

    /// Closes the idle connections and opens no more (the database is being closed).
    func close() {
        state.withLock { state in
            state.isOff = true
            state.open -= state.idle.count
            state.idle = []  // Each closes as it is let go.
        }
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
            sqlite3_busy_timeout(db, Int32(AppDatabase.busyTimeout * 1000))
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
                let integer = { (column: Int) in sqlite3_column_int64(self.statement, Int32(column)) }
                return RecordHead(
                    type: kind, visibility: visibility, isDeleted: integer(2) != 0, version: integer(3), stamp: RecordStamp(integer, from: 4))
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
