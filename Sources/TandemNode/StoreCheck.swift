import TandemCore
import TandemCrypto
import TandemStore

/// What `tandem check` finds in a store (after a crash, a full disk or a restore).
public struct StoreCheck: Sendable {
    /// One line per problem; empty when the store is sound.
    public let problems: [String]
    /// How many records were read and verified.
    public let records: Int
    /// How many of them this version holds without understanding them.
    public let notUnderstood: Int
    /// Where reading each peer's feed resumes.
    public let checkpoints: [(peer: String, checkpoint: PeerCheckpoint)]

    /// SQLite's integrity check of the file, FTS5's of the search index, and every stored record's
    /// proof and identity (origin, id, version, signer as the store files it).
    public static func run(_ database: AppDatabase) async throws -> StoreCheck {
        var problems = try await database.integrityProblems()
        let records = try database.allRecords()
        for record in records {
            let place = "\(record.origin)/\(record.id) v\(record.version)"
            do {
                let verified = try DocumentVerifier.verify(try JSONParser.parse(record.documentJSON))
                guard let document = verified.document, document.origin == record.origin, document.id == record.id,
                    document.version == record.version, verified.signer.description == record.signer
                else {
                    problems.append("\(place): the stored document is not the record it is filed as")
                    continue
                }
            } catch {
                problems.append("\(place): \(error)")
            }
        }
        return StoreCheck(
            problems: problems, records: records.count, notUnderstood: records.count { !$0.isUnderstood }, checkpoints: try database.checkpoints())
    }
}
