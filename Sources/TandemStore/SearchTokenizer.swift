import GRDB

/// Full-text tokens that match across French, Spanish and English: unicode61 with
/// `remove_diacritics 2` (so "resilience" finds "résilience" and "mexico" finds "México"), then a
/// light stem shared by both the index and the query, so that "participation" finds
/// "Participación" and "participaciones", and a plural finds its singular.
final class SearchTokenizer: FTS5WrapperTokenizer {
    static let name = "tandem"
    let wrappedTokenizer: any FTS5Tokenizer

    init(db: Database, arguments: [String]) throws {
        wrappedTokenizer = try db.makeTokenizer(.unicode61(diacritics: .remove))
    }

    func accept(token: String, flags: FTS5TokenFlags, for tokenization: FTS5Tokenization, tokenCallback: FTS5WrapperTokenCallback) throws {
        try tokenCallback(Self.stem(token), flags)
    }

    /// The stem of a token that unicode61 already lowercased and stripped of accents.
    static func stem(_ token: String) -> String {
        guard token.count > 4 else { return token }
        for (suffix, replacement) in [("ciones", "tion"), ("cion", "tion"), ("tions", "tion")] where token.hasSuffix(suffix) {
            return String(token.dropLast(suffix.count)) + replacement
        }
        return token.hasSuffix("s") && !token.hasSuffix("ss") ? String(token.dropLast()) : token
    }
}
