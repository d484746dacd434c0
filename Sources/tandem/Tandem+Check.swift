import ArgumentParser
import TandemNode

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
            let check = try await StoreCheck.run(try await openDatabase(options))
            for problem in check.problems { print("problem: \(problem)") }
            for (peer, checkpoint) in check.checkpoints {
                print("\(peer): resumes after position \(checkpoint.position) of feed \(checkpoint.epoch)")
            }
            guard check.problems.isEmpty else {
                throw CommandFailure("\(check.problems.count) problem\(check.problems.count == 1 ? "" : "s") in the store")
            }
            let held = check.notUnderstood > 0 ? " (\(check.notUnderstood) held but not understood by this version: kept and relayed, not listed)" : ""
            print("store ok: integrity ok, search index ok, \(check.records) records verified\(held)")
        }
    }
}
