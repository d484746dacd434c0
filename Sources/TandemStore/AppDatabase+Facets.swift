import GRDB
import TandemCore

/// The counts of one facet over the records a query finds: each value and how many records have it.
public typealias FacetCounts = [(value: String, count: Int)]

/// Facet counts for a query, and the facets that could not be counted in time.
public struct FacetResult: Sendable {
    /// Each value of each counted facet and how many records found have it, most frequent first.
    public var counts: [Filter.Target: FacetCounts] = [:]
    /// The facets still being counted when the time limit passed: their counts are left out.
    public var timedOut: [Filter.Target] = []
}

extension AppDatabase {
    /// How many of the records `query` finds (all of them, not one page) have each value of each
    /// facet. The language facet counts a record under its own language and each it is translated
    /// into; a search counts it under the languages its matching texts are in, as `language=` then
    /// finds it.
    ///
    /// Counting reads every record found, so it stops at `timeLimit` (for all the facets together):
    /// the facets not counted by then are `timedOut`. Counts hold until the next change to the
    /// records. A facet not counted is not tried again until the next change either, unless a
    /// request has more time left for it, or a minute has passed (a busy moment may have stopped
    /// it). A limit of zero counts nothing.
    public func facets(of query: RecordQuery, for targets: [Filter.Target], within timeLimit: Duration) throws(StoreError) -> FacetResult {
        // Every page of the query: the cursor and the page's size do not change the counts.
        var all = query
        all.after = nil
        all.limit = 0
        if let text = query.text, Self.textPattern(text) == nil { return FacetResult(counts: Dictionary(uniqueKeysWithValues: targets.map { ($0, []) })) }
        if timeLimit <= .zero { return FacetResult(timedOut: targets) }
        let now = ContinuousClock.now
        let deadline = now + timeLimit
        return try read { db in
            let generation = try Self.changeGeneration(db)
            var result = FacetResult()
            var pending: [Filter.Target] = []
            for target in targets {
                switch facetCache.value(for: FacetKey(query: all, target: target), generation: generation) {
                case .counted(let counts)?:
                    result.counts[target] = counts
                case .timedOut(let had, let at)? where timeLimit <= had && now - at < Self.countAgainAfter:
                    break
                default:
                    if !pending.contains(target) { pending.append(target) }
                }
            }
            if !pending.isEmpty {
                // The facets left are counted together, in one statement over one reading of the
                // records found (each facet reading them again was most of the cost: 0.36 s a facet
                // for a common word at 20,000 records).
                let counting = Self.counting(pending, of: all)
                var counted: [Filter.Target: FacetCounts]?
                do {
                    counted = try db.stopping(at: deadline, checkingEvery: progressInterval) {
                        var counts = Dictionary(uniqueKeysWithValues: pending.map { ($0, FacetCounts()) })
                        for row in try Row.fetchAll(db, sql: counting.sql, arguments: counting.arguments) {
                            counts[pending[row[0] as Int], default: []].append((value: row[1], count: row[2]))
                        }
                        return counts.mapValues { $0.sorted { $0.count != $1.count ? $0.count > $1.count : $0.value < $1.value } }
                    }
                } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
                    counted = nil
                }
                for target in pending {
                    let counts = counted?[target]
                    result.counts[target] = counts
                    facetCache.store(counts.map(FacetOutcome.counted) ?? .timedOut(budget: timeLimit, at: now), for: FacetKey(query: all, target: target), generation: generation)
                }
            }
            // In the order asked for.
            result.timedOut = targets.filter { result.counts[$0] == nil }
            return result
        }
    }

    /// One statement counting each of `targets` over every record `query` finds: rows of the
    /// target's index in `targets`, a value and its count. The records found are read once.
    private static func counting(_ targets: [Filter.Target], of query: RecordQuery) -> Selection {
        var arguments: StatementArguments = []
        var tables: [String]
        if query.text != nil {
            // A search's records with each language a matching text of theirs is in.
            let (direct, through) = (Self.direct(query, paged: false), Self.throughTranslations(query, paged: false))
            tables = [
                "hits(seq, language) AS MATERIALIZED (SELECT seq, matchLanguage FROM (\(direct.sql)) UNION SELECT seq, matchLanguage FROM (\(through.sql)))",
                "matched(seq) AS MATERIALIZED (SELECT DISTINCT seq FROM hits)",
            ]
            arguments += direct.arguments + through.arguments
        } else {
            let set = Self.direct(query, paged: false).sequences
            tables = ["matched(seq) AS MATERIALIZED (\(set.sql))"]
            arguments += set.arguments
        }
        var counts: [String] = []
        for (index, target) in targets.enumerated() {
            switch target {
            case .column(.language) where query.text != nil:
                // Under its primary language, as `language=` finds it (es-MX under es); a record once per language.
                counts.append("SELECT \(index), \(Self.primaryLanguage("language")), COUNT(DISTINCT seq) FROM hits WHERE language IS NOT NULL GROUP BY 2")
            case .column(.language):
                // The translations are joined to the matched set, not filtered by `IN matched`:
                // SQLite ran that list once per translation (17 s at 20,000 records).
                tables.append(
                    """
                    written(seq, value) AS (
                        SELECT seq, language FROM record WHERE seq IN matched
                        UNION SELECT r.seq, t.language FROM matched m JOIN record r ON r.seq = m.seq
                        JOIN record t ON \(Self.translationJoin("r", "t", includeCohort: query.includeCohort)))
                    """)
                counts.append("SELECT \(index), \(Self.primaryLanguage("value")), COUNT(DISTINCT seq) FROM written WHERE value IS NOT NULL GROUP BY 2")
            case .column(let column):
                // Grouped as the filter compares: "paris" and "Paris" are one city.
                let collation = Self.caseInsensitiveColumns.contains(column) ? " COLLATE NOCASE" : ""
                counts.append("SELECT \(index), \(column.rawValue), COUNT(*) FROM record WHERE seq IN matched AND \(column.rawValue) IS NOT NULL GROUP BY 2\(collation)")
            case .facet(let facet):
                counts.append("SELECT \(index), term, COUNT(*) FROM record_term WHERE facet = ? AND recordSeq IN matched GROUP BY term")
                arguments += [facet]
            }
        }
        return Selection(sql: "WITH \(tables.joined(separator: ", ")) \(counts.joined(separator: " UNION ALL "))", arguments: arguments)
    }

    /// How long a facet not counted in time is answered as such before it is counted again.
    static let countAgainAfter = Duration.seconds(60)
}

/// One facet of one query (every page of it): what a facet count is kept under.
struct FacetKey: Hashable, Sendable {
    let query: RecordQuery
    let target: Filter.Target
}

/// What counting one facet of one query gave: its counts, or none within `budget`, counted `at`.
enum FacetOutcome: Sendable {
    case counted(FacetCounts)
    case timedOut(budget: Duration, at: ContinuousClock.Instant)
}
