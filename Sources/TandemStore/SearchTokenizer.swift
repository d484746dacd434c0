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
        var token = token
        // Fast path for ASCII tokens (nearly all of them after unicode61): the same rules on bytes.
        if let stemmed = token.withUTF8({ utf8 -> String?? in
            guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard utf8.count > 4 else { return .some(nil) }
            func ends(_ suffix: String) -> Bool { utf8.count >= suffix.utf8.count && utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) }
            for (suffix, replacement) in [("ciones", "tion"), ("cion", "tion"), ("tions", "tion")] where ends(suffix) {
                return String(decoding: utf8.dropLast(suffix.utf8.count), as: UTF8.self) + replacement
            }
            return ends("s") && !ends("ss") ? String(decoding: utf8.dropLast(), as: UTF8.self) : .some(nil)
        }) {
            return stemmed ?? token
        }
        guard token.count > 4 else { return token }
        for (suffix, replacement) in [("ciones", "tion"), ("cion", "tion"), ("tions", "tion")] where token.hasSuffix(suffix) {
            return String(token.dropLast(suffix.count)) + replacement
        }
        return token.hasSuffix("s") && !token.hasSuffix("ss") ? String(token.dropLast()) : token
    }
}
