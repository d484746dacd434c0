import CTandemSearch
import GRDB

extension Database {
    /// Runs `body`; a statement of it still running at `deadline` stops with `SQLITE_INTERRUPT`
    /// (SQLite looks at the clock every `interval` steps of its virtual machine). A read
    /// transaction stays usable after such a stop.
    func stopping<T>(at deadline: ContinuousClock.Instant, checkingEvery interval: Int32, _ body: () throws -> T) throws -> T {
        let limit = DeadlineBox(deadline)
        let context = Unmanaged.passRetained(limit)
        sqlite3_progress_handler(sqliteConnection, interval, { context in
            guard let context else { return 0 }
            return ContinuousClock.now >= Unmanaged<DeadlineBox>.fromOpaque(context).takeUnretainedValue().deadline ? 1 : 0
        }, context.toOpaque())
        defer {
            sqlite3_progress_handler(sqliteConnection, 0, nil, nil)
            context.release()
        }
        return try body()
    }
}

private final class DeadlineBox {
    let deadline: ContinuousClock.Instant
    init(_ deadline: ContinuousClock.Instant) { self.deadline = deadline }
}
