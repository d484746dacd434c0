import Foundation
import TandemCore
import TandemNode
import TandemStore
import Testing

/// Backups taken while a node writes, restored under a new epoch: nothing the node writes after a
/// restore is skipped by its peers.
@Suite("Backup and restore", .serialized)
struct BackupTests {
    @Test("a backup taken while editors write restores to a store that passes the check, under a new epoch")
    func backupDuringWrites() async throws {
        try await withCohort([.init(slug: "paris", samples: "samples/paris.jsonl")]) { cohort in
            let paris = cohort["paris"]
            let folder = cohort.folder + "/backup"
            // Given editors writing, when a backup is taken in the middle.
            async let writes: [StoredRecord] = (1...40).asyncMap { try await paris.write("Écrit pendant la sauvegarde \($0)") }
            try await Task.sleep(for: .milliseconds(20))
            let manifest = try await NodeBackup.make(paris.configuration, to: folder)
            let written = try await writes

            // Then the backup holds a consistent snapshot: the samples and some of the writes.
            #expect(try manifest.node == "paris" && manifest.epoch == paris.database.epoch())
            #expect(manifest.records >= 11 && manifest.records <= 11 + written.count, "\(manifest.records)")
            let mode = try FileManager.default.attributesOfItem(atPath: folder + "/node.pem")[.posixPermissions] as? Int
            #expect(mode == 0o600)
            await #expect(throws: BackupError.self) { try await NodeBackup.make(paris.configuration, to: folder) }

            // And restored into another data folder, it passes the store check, under a new epoch.
            var elsewhere = paris.configuration
            elsewhere.dataDirectory = cohort.folder + "/restored"
            elsewhere.keyPath = elsewhere.dataDirectory + "/node.pem"
            let restored = try await NodeBackup.restore(from: folder, into: elsewhere)
            let database = try AppDatabase.open(folder: elsewhere.dataDirectory)
            let check = try await StoreCheck.run(database)
            #expect(check.problems.isEmpty, "\(check.problems)")
            #expect(check.records == manifest.records)
            #expect(try database.epoch() == restored.epoch && restored.epoch != manifest.epoch)
            #expect(FileManager.default.contentsEqual(atPath: elsewhere.keyPath, andPath: paris.configuration.keyPath))
        }
    }

    @Test("a peer that synced before the backup, and again after the restore and new writes, ends up with every record")
    func peersReadARestoredNodeAgain() async throws {
        try await withCohort([.init(slug: "paris"), .init(slug: "mexico-city", peers: ["paris"])]) { cohort in
            let (paris, mexico) = (cohort["paris"], cohort["mexico-city"])
            var titles: [String] = []
            for title in ["Avant 1", "Avant 2", "Avant 3"] { try await paris.write(title); titles.append(title) }
            let folder = cohort.folder + "/backup"
            _ = try await NodeBackup.make(paris.configuration, to: folder)
            for title in ["Après la sauvegarde 1", "Après la sauvegarde 2"] { try await paris.write(title); titles.append(title) }
            #expect(try mexico.report(from: "paris", try await mexico.sync()).inserted == 5)

            // Paris loses its disk: it is restored from the backup, which lacks the last two records.
            try await paris.stop()
            await #expect(throws: BackupError.self) { try await NodeBackup.restore(from: folder, into: mexico.configuration) }
            let restored = try await NodeBackup.restore(from: folder, into: paris.configuration)
            try await paris.start()
            #expect(try paris.database.allRecords().count == 3)
            #expect(restored.keptAside.contains { $0.contains("/tandem.sqlite.before-restore-") })
            // Its next writes take positions Mexico City's cursor has already passed, in the old epoch.
            for title in ["Après la restauration 1", "Après la restauration 2"] { try await paris.write(title); titles.append(title) }

            let report = try mexico.report(from: "paris", try await mexico.sync())

            #expect(report.succeeded && report.restarted && report.inserted == 2, "\(report.line)")
            let held = try mexico.database.allRecords().filter { $0.origin == paris.slug }.compactMap {
                try JSONParser.parse($0.documentJSON).objectValue?["content"]?.objectValue?["title"]?.stringValue
            }
            #expect(Set(held) == Set(titles))
        }
    }
}

extension ClosedRange where Bound == Int {
    /// The results of `transform` on each number, one after the other.
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for number in self { results.append(try await transform(number)) }
        return results
    }
}
