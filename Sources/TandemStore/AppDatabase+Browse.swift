import GRDB
import Synchronization
import TandemCore

/// Where a listed record matched a search or a language filter: its own text, or a translation's.
public struct RecordMatch: Sendable, Equatable {
    /// The language of the text that matched.
    public let language: String
    /// The translation that matched, when it was not the record itself.
    public let translation: RecordReference?
}

extension AppDatabase {
    /// One page of records of a kind, newest first. Positions never change once given, so paging
    /// while records are written neither repeats nor skips a record that was there when paging began.
    /// Only records this version understood are listed. A search (`text`) and a language filter
    /// also find a record through its translations, and say where each record matched.
    ///
    /// `reusing` is asked about each record of the page by its stamp: for those it answers true
    /// (the caller has a view made for that stamp), the record is not read.
    public func records(matching query: RecordQuery, reusing: (RecordStamp) -> Bool = { _ in false }) throws(StoreError) -> RecordPage {
        let limit = query.limit + 1
        if let text = query.text, Self.textPattern(text) == nil { return RecordPage(entries: [], next: nil) }
        return try read { db in
            // Which records a query finds holds until a record changes: a search asked again
            // (a popular word, a page of results reloaded) is not run again.
            let generation = try Self.changeGeneration(db)
            let key = query
            let found: [(seq: Int64, match: RecordMatch?)]
            if let kept = pageCache.value(for: key, generation: generation) {
                found = kept
            } else {
                let direct = try Self.rows(db, Self.direct(query, paged: true), limit: limit)
                if query.text != nil {
                    // Each branch walks newest first and stops at the page's end; the page is the newest of both.
                    let translated = try Self.rows(db, Self.throughTranslations(query, page: direct.count == limit ? direct.last?.seq : nil, probeLimit: translationProbeLimit, db), limit: limit)
                    var best: [Int64: RecordMatch?] = [:]
                    for (seq, match) in direct + translated where best[seq] == nil { best[seq] = match }
                    found = best.sorted { $0.key > $1.key }.prefix(limit).map { ($0.key, $0.value) }
                } else {
                    found = direct
                }
                pageCache.store(found, for: key, generation: generation)
            }
            let page = Array(found.prefix(query.limit))
            let places = page.map { _ in "?" }.joined(separator: ",")
            // Each row is decoded where the cursor stands (fetchAll copied every row first: 13 % of a list page).
            let heads = try Array(Row.fetchCursor(
                db.cachedStatement(sql: "SELECT origin, id, \(RecordStamp.columns) FROM record WHERE seq IN (\(places))"),
                arguments: StatementArguments(page.map(\.seq))
            ).map { row in
                (
                    stamp: RecordStamp(row, from: 2),
                    reference: RecordReference(origin: try row.decode(NodeSlug.self, atIndex: 0), id: try row.decode(RecordID.self, atIndex: 1))
                )
            })
            let wanted = heads.filter { !reusing($0.stamp) }.map(\.stamp.seq)
            let records = try StoredRecord.fetchAll(
                db.cachedStatement(sql: "SELECT \(StoredRecord.columns) FROM record WHERE seq IN (\(wanted.map { _ in "?" }.joined(separator: ",")))"),
                arguments: StatementArguments(wanted))
            let read = Dictionary(uniqueKeysWithValues: records.map { ($0.seq, $0) })
            let bySeq = Dictionary(uniqueKeysWithValues: heads.map { ($0.stamp.seq, $0) })
            let entries = page.compactMap { found -> RecordPage.Entry? in
                guard let head = bySeq[found.seq] else { return nil }
                return RecordPage.Entry(stamp: head.stamp, reference: head.reference, record: read[found.seq], match: found.match)
            }
            return RecordPage(entries: entries, next: found.count > query.limit ? page.last?.seq : nil)
        }
    }

    /// Whether the record's origin is kept here from an archive, as a selected column.
    static let archived = "EXISTS (SELECT 1 FROM archive WHERE archive.origin = record.origin) AS archived"
}

extension RecordStamp {
    /// What a query selects to read a record's stamp, in this order.
    static let columns = "seq, changeSeq, understood, \(AppDatabase.archived)"

    /// The stamp in `row`, whose `columns` start at index `start`.
    init(_ row: Row, from start: Int) {
        self.init({ row[$0] }, from: start)
    }

    /// The stamp in a row whose `columns` start at index `start`, each read by `integer`.
    init(_ integer: (Int) -> Int64, from start: Int) {
        self.init(seq: integer(start), changeSeq: integer(start + 1), isUnderstood: integer(start + 2) != 0, isArchived: integer(start + 3) != 0)
    }
}

extension AppDatabase {
    /// The position of the last change to the records: any write, sync or deletion moves it, so
    /// whatever was computed from the records at one generation holds until it moves.
    public func changeGeneration() throws(StoreError) -> Int64 {
        try read { db in try Self.changeGeneration(db) }
    }

    static func changeGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(changeSeq) FROM record")) ?? 0
    }

    /// Where `text` matches the record's own text, in its best column: a few words around the
    /// match, each matching word between `open` and `close` (FTS5's snippet). Nil when nothing matches.
    public func snippet(of record: RecordReference, text: String, open: String, close: String) throws(StoreError) -> String? {
        guard let pattern = Self.textPattern(text) else { return nil }
        return try read { db in
            try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT snippet(record_fts, -1, ?, ?, '…', 24) FROM record_fts
                        WHERE rowid = (SELECT seq FROM record WHERE origin = ? AND id = ?) AND record_fts MATCH ?
                        """), arguments: [open, close, record.origin, record.id, pattern])
        }
    }

    /// The live translations held of a record, oldest first; cohort-only ones only with `includeCohort`.
    /// (Without statistics SQLite preferred the kind index, which walks every translation: 5 ms a
    /// call at 20,000 records; the translation index finds them in microseconds.)
    public func translations(of original: RecordReference, includeCohort: Bool) throws(StoreError) -> [StoredRecord] {
        try read { db in
            try StoredRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(StoredRecord.columns) FROM record INDEXED BY record_translation
                        WHERE translationOrigin = ? AND translationId = ? AND kind = 'Translation' AND deleted = 0 AND understood = 1\(includeCohort ? "" : " AND visibility = 'public'") ORDER BY seq
                        """), arguments: [original.origin, original.id])
        }
    }

    /// The live records held that name `target` among those they relate to (`adaptedFrom`), oldest first.
    public func linking(to target: RecordReference, relation: String, includeCohort: Bool) throws(StoreError) -> [StoredRecord] {
        try read { db in
            try StoredRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(StoredRecord.columns) FROM record WHERE seq IN (SELECT recordSeq FROM record_term WHERE facet = ? AND term = ?)
                        AND deleted = 0 AND understood = 1\(includeCohort ? "" : " AND visibility = 'public'") ORDER BY seq
                        """), arguments: [relation, target.description])
        }
    }

    /// The records a record relates to (`adaptedFrom`), as the index filed them: `origin/id` texts.
    public func links(of record: RecordReference, relation: String) throws(StoreError) -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT term FROM record_term WHERE facet = ? AND recordSeq = (SELECT seq FROM record WHERE origin = ? AND id = ?)",
                arguments: [relation, record.origin, record.id])
        }
    }

    /// A query's SQL and arguments, selecting `seq` and where it matched.
    struct Selection {
        var sql: String
        var arguments: StatementArguments

        /// The records this selects, as `seq` alone.
        var sequences: Selection { Selection(sql: "SELECT seq FROM (\(sql))", arguments: arguments) }
    }

    private static func rows(_ db: Database, _ selection: Selection, limit: Int) throws -> [(seq: Int64, match: RecordMatch?)] {
        // Cached: a browse or a search asks the same few shapes of query again and again, and
        // compiling them (with GRDB's authorizer) was a good part of their cost.
        try Row.fetchAll(db.cachedStatement(sql: selection.sql + " LIMIT ?"), arguments: selection.arguments + [limit]).map { row in
            let language: String? = row["matchLanguage"]
            let translation: String? = row["matchTranslation"]
            let match = language.map { RecordMatch(language: $0, translation: translation.flatMap(RecordReference.init(string:))) }
            return (row["seq"], match)
        }
    }

    /// The language tag in `column` is `language`, in any case, or a regional form of it: `es`
    /// finds `es-MX` too, as a reader of Spanish would. (Compared, not matched with LIKE: the
    /// filter's value is any text.)
    static func language(_ column: String, is language: String) -> Selection {
        Selection(
            sql: "(\(column) = ? COLLATE NOCASE OR substr(\(column), 1, length(?) + 1) = (? || '-') COLLATE NOCASE)",
            arguments: [language, language, language])
    }

    /// A language tag's primary language in SQL, in lowercase: what the language facet counts under.
    static func primaryLanguage(_ column: String) -> String {
        "lower(CASE WHEN instr(\(column), '-') > 0 THEN substr(\(column), 1, instr(\(column), '-') - 1) ELSE \(column) END)"
    }

    /// `t` is a live translation of `r` this caller may read.
    static func translationJoin(_ r: String, _ t: String, includeCohort: Bool) -> String {
        "\(t).translationOrigin = \(r).origin AND \(t).translationId = \(r).id AND \(t).kind = 'Translation' AND \(t).deleted = 0 AND \(t).understood = 1"
            + (includeCohort ? "" : " AND \(t).visibility = 'public'")
    }

    /// Records found by their own text (a search) or their filters, with the language filter read
    /// as "written in it, or translated into it".
    static func direct(_ query: RecordQuery, paged: Bool) -> Selection {
        var (conditions, arguments) = filters(query, alias: "r", paged: paged)
        var source = "record r"
        var order = "r.seq"
        var match = "NULL AS matchLanguage, NULL AS matchTranslation"
        if query.text == nil, paged, let term = query.terms.first {
            // A page filtered by a term walks that term's index, which holds its records'
            // positions in order, newest first: it stops at the page's end however many records
            // have the term. (Read as a list, the term's records were all sorted first: 0.3 s at
            // 20,000 records, seconds at a million.)
            source = "record_term m CROSS JOIN record r ON r.seq = m.recordSeq"
            order = "m.recordSeq"
            var walk = ["m.facet = ?", "m.term = ?"]
            var bounds: StatementArguments = [term.facet, term.value]
            if let after = query.after {
                walk.append("m.recordSeq < ?")
                bounds += [after]
            }
            conditions.insert(contentsOf: walk, at: 0)
            arguments = bounds + arguments
        }
        if let text = query.text {
            // The index's matches lead: led by the kind's index, SQLite ran the full-text query
            // once per record of the kind (0.36 s for a common word at 20,000 records, against 14 ms).
            source = "record_fts CROSS JOIN record r ON r.seq = record_fts.rowid"
            order = "record_fts.rowid"
            conditions.insert("record_fts MATCH ?", at: 0)
            arguments = [Self.textPattern(text) ?? "\"\""] + arguments
            match = "r.language AS matchLanguage, NULL AS matchTranslation"
            if let language = query.columns[.language] {
                let written = Self.language("r.language", is: language)
                conditions.append(written.sql)
                arguments += written.arguments
            }
        } else if let language = query.columns[.language] {
            let (written, translatedInto) = (Self.language("r.language", is: language), Self.language("t.language", is: language))
            let translated = Selection(
                sql: "SELECT t.origin || '/' || t.id FROM record t WHERE \(translationJoin("r", "t", includeCohort: query.includeCohort)) AND \(translatedInto.sql)",
                arguments: translatedInto.arguments)
            conditions.append("(\(written.sql) OR EXISTS (\(translated.sql)))")
            arguments += written.arguments + translated.arguments
            let select = "SELECT r.seq AS seq, ? AS matchLanguage, CASE WHEN \(written.sql) THEN NULL ELSE (\(translated.sql) LIMIT 1) END AS matchTranslation"
            return Selection(
                sql: "\(select) FROM \(source) WHERE \(conditions.joined(separator: " AND "))\(paged ? " ORDER BY \(order) DESC" : "")",
                arguments: [language] + written.arguments + translated.arguments + arguments)
        }
        return Selection(
            sql: "SELECT r.seq AS seq, \(match) FROM \(source) WHERE \(conditions.joined(separator: " AND "))\(paged ? " ORDER BY \(order) DESC" : "")",
            arguments: arguments)
    }

    /// A page of records found by the text of a translation of theirs (in the filtered language,
    /// if any), when the direct matches already fill a page down to position `page` (or nil).
    ///
    /// Only records newer than `page` can still enter the page. When they are few (a common word:
    /// the direct matches are the newest records), each one's translations are matched from the
    /// record's side, by the index of links; otherwise every matching translation is read and
    /// grouped by its record (a rare word matches few). Both give the same rows.
    private static func throughTranslations(_ query: RecordQuery, page: Int64?, probeLimit: Int, _ db: Database) throws -> Selection {
        guard let page else { return throughTranslations(query, paged: true) }
        var (conditions, arguments) = filters(query, alias: "r", paged: true)
        conditions.append("r.seq > ?")
        arguments += [page]
        let candidates = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM (SELECT 1 FROM record r WHERE \(conditions.joined(separator: " AND ")) LIMIT ?)"),
            arguments: arguments + [probeLimit + 1]) ?? 0
        guard candidates <= probeLimit else { return throughTranslations(query, paged: true, newerThan: page) }
        return throughTranslations(query, paged: true, newerThan: page, fromRecords: true)
    }

    /// Records found by the text of a translation of theirs (in the filtered language, if any),
    /// newer than `newerThan` when given; `fromRecords` walks the records and looks up each one's
    /// translations, instead of walking the matching translations.
    static func throughTranslations(_ query: RecordQuery, paged: Bool, newerThan: Int64? = nil, fromRecords: Bool = false) -> Selection {
        var (conditions, arguments) = filters(query, alias: "r", paged: paged)
        conditions.insert("record_fts MATCH ? AND t.kind = 'Translation' AND t.deleted = 0 AND t.understood = 1" + (query.includeCohort ? "" : " AND t.visibility = 'public'"), at: 0)
        // Walking translations, the index's list of them narrows the match; from a record's side
        // its translations are already known.
        let words = Self.textPattern(query.text ?? "")
        arguments = [(fromRecords ? words : words.map { "kind : \"\(RecordKind.translation.type)\" AND " + $0 }) ?? "\"\""] + arguments
        if let language = query.columns[.language] {
            let translatedInto = Self.language("t.language", is: language)
            conditions.append(translatedInto.sql)
            arguments += translatedInto.arguments
        }
        if let newerThan {
            conditions.append("r.seq > ?")
            arguments += [newerThan]
        }
        // The indexes named hold every column read from a translation: its row is never read.
        let source =
            fromRecords
            ? "record r CROSS JOIN record t INDEXED BY record_translation ON t.translationOrigin = r.origin AND t.translationId = r.id CROSS JOIN record_fts ON record_fts.rowid = t.seq"
            : "record_fts JOIN record t INDEXED BY record_translation_seq ON t.seq = record_fts.rowid JOIN record r ON r.origin = t.translationOrigin AND r.id = t.translationId"
        // Paged: one row per record (however many of its translations match), naming its oldest
        // matching translation (SQLite takes the bare columns from the row where MIN(t.seq) is).
        // Not paged: a row per matching translation, so facets see every language it matched in.
        let sql = """
            SELECT r.seq AS seq, t.language AS matchLanguage, t.origin || '/' || t.id AS matchTranslation\(paged ? ", MIN(t.seq) AS firstTranslation" : "")
            FROM \(source)
            WHERE \(conditions.joined(separator: " AND "))\(paged ? " GROUP BY r.seq ORDER BY r.seq DESC" : "")
            """
        return Selection(sql: sql, arguments: arguments)
    }

    /// The conditions every listed record meets, on the table aliased `alias`: its kind, live and
    /// understood, visible to the caller, and the query's filters (but the language, read apart).
    private static func filters(_ query: RecordQuery, alias r: String, paged: Bool) -> (conditions: [String], arguments: StatementArguments) {
        var conditions = ["\(r).kind = ?", "\(r).deleted = 0", "\(r).understood = 1"]
        var arguments: StatementArguments = [query.type]
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append("\(r)." + condition)
            arguments += [value]
        }
        if !query.includeCohort { add("visibility = ?", Visibility.public) }
        add("origin = ?", query.origin)
        for column in IndexColumn.allCases where column != .language {
            add("\(column.rawValue) = ?" + (caseInsensitiveColumns.contains(column) ? " COLLATE NOCASE" : ""), query.columns[column])
        }
        add("updated >= ?", query.updatedSince)
        if paged { add("seq < ?", query.after) }
        for term in query.terms {
            // A page checks each record it walks (and stops at its end); counting over every
            // record reads each term's records as one list.
            conditions.append(
                paged
                    ? "EXISTS (SELECT 1 FROM record_term WHERE facet = ? AND term = ? AND recordSeq = \(r).seq)"
                    : "\(r).seq IN (SELECT recordSeq FROM record_term WHERE facet = ? AND term = ?)")
            arguments += [term.facet, term.value]
        }
        return (conditions, arguments)
    }

    /// A search's words, all of them, in a record's texts: its kind (also in the index, so that a
    /// search through translations reads only theirs) is never searched as text.
    ///
    /// The words are cut where unicode61 cuts them (at anything but a letter, a digit or a mark)
    /// and each is quoted, so no word is read as FTS5 syntax; the index's tokenizer then folds
    /// accents and stems each as it does the records. (GRDB's `FTS5Pattern(matchingAllTokensIn:)`
    /// does the same by opening an SQLite database in memory on every call: most of a search's cost.)
    static func textPattern(_ text: String) -> String? {
        let words = text.unicodeScalars.split { !isWordScalar($0) }.map { String(String.UnicodeScalarView($0)) }
        guard !words.isEmpty else { return nil }
        return "{title summary body city lab} : (" + words.map { "\"\($0)\"" }.joined(separator: " ") + ")"
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            true
        default:
            false
        }
    }

    /// Columns whose filters ignore ASCII case ("paris" finds "Paris").
    static let caseInsensitiveColumns: Set<IndexColumn> = [.city, .country]
}

/// What was computed from the records (a query's page positions, facet counts, a rendered page),
/// each valid for the state of the records it was computed in: the last change position then.
/// Bounded: when full it starts again empty.
public final class QueryCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (generation: Int64, value: Value)]>([:])
    private let capacity: Int

    public init(capacity: Int = 512) {
        self.capacity = capacity
    }

    public func value(for key: Key, generation: Int64) -> Value? {
        entries.withLock { entries in entries[key].flatMap { $0.generation == generation ? $0.value : nil } }
    }

    /// Forgets everything: for a change that takes no change position (filing records again).
    func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    public func store(_ value: Value, for key: Key, generation: Int64) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (generation, value)
        }
    }
}
