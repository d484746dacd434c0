import CTandemSearch
import GRDB

/// Full-text tokens that match across French, Spanish and English: unicode61 with
/// `remove_diacritics 2` (so "resilience" finds "résilience" and "mexico" finds "México"), then a
/// light stem shared by both the index and the query, so that "participation" finds
/// "Participación" and "participaciones", and a plural finds its singular. The tokenizer itself is
/// C (`CTandemSearch`): it runs on every token of every stored document.
enum SearchTokenizer {
    static let descriptor = FTS5TokenizerDescriptor(components: ["tandem"])

    /// Makes the tokenizer known to a connection; every connection needs it before touching the index.
    static func register(on db: Database) throws {
        let code = tandem_search_register(db.sqliteConnection)
        guard code == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot register the search tokenizer") }
    }

    /// The stem the index and queries use for one token that unicode61 already lowercased and stripped of accents.
    static func stem(_ token: String) -> String {
        let bytes = Array(token.utf8)
        var out = [CChar](repeating: 0, count: bytes.count)
        let length = bytes.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { tandem_search_stem($0.baseAddress, Int32(bytes.count), &out) }
        }
        return String(decoding: out.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
