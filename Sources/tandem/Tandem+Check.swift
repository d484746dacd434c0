import ArgumentParser
import TandemCore
import TandemCrypto
import TandemStore

extension Tandem {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the node's store after a crash, a full disk or a restore.",
            discussion: """
                Runs SQLite's integrity check on the database file and FTS5's on the search index, \
                verifies the eddsa-jcs-2022 proof of every stored record and that it is the record the \
                store says it is (origin, id, version, signer), counts the records held but not understood \
                by this version (a newer kind or field: kept and relayed, not listed), and prints where \
                reading each peer's feed resumes. Prints one line per problem and exits 1 when there is \
                any; run it with the node stopped or running.
                """
        )

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let database = try await openDatabase(options)
            var problems = try await database.integrityProblems()
            let records = try database.allRecords()
            var notUnderstood = 0
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
                    if !record.isUnderstood { notUnderstood += 1 }
                } catch {
                    problems.append("\(place): \(error)")
                }
            }
            for problem in problems { print("problem: \(problem)") }
            for (peer, checkpoint) in try database.checkpoints() {
                print("\(peer): resumes after position \(checkpoint.position) of feed \(checkpoint.epoch)")
            }
            guard problems.isEmpty else {
                throw CommandFailure("\(problems.count) problem\(problems.count == 1 ? "" : "s") in the store")
            }
            let held = notUnderstood > 0 ? " (\(notUnderstood) held but not understood by this version: kept and relayed, not listed)" : ""
            print("store ok: integrity ok, search index ok, \(records.count) records verified\(held)")
        }
    }
}
