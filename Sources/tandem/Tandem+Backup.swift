import ArgumentParser
import TandemNode

extension Tandem {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back up the node into a new folder, while it runs.",
            discussion: """
                Writes DIR/tandem.sqlite, a consistent copy of the database taken with SQLite's online \\
                backup while tandem serve and tandem sync go on; DIR/node.pem, the signing key (mode \\
                0600); the self-signed TLS certificate and its key, when the node made them; and \\
                DIR/backup.json, what the backup holds. DIR must be new or empty. Keep it as safe as the \\
                key: whoever has it can sign as this node. Put it back with tandem restore.
                """
        )

        @Argument(help: ArgumentHelp("The folder to write the backup into (new or empty).", valueName: "dir"))
        var folder: String

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let manifest = try await NodeBackup.make(try await options.load(), to: folder)
            say("backed up \(manifest.node) into \(folder): \(manifest.records) records, epoch \(manifest.epoch), the key and the certificate")
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a backup back, with the node stopped, under a new epoch.",
            discussion: """
                Checks the backup's database (SQLite's and the search index's integrity checks), gives \\
                it a new epoch, and puts it, the key and the self-signed certificate in place; what they \\
                replace is kept beside as <file>.before-restore-<time>. The new epoch tells every peer \\
                that this node's feed starts again: they read it from the start, so nothing written \\
                after the restore is skipped. Stop tandem serve first (restore refuses while it runs). \\
                Records written after the backup are not in it; peers that pulled them keep them.
                """
        )

        @Argument(help: ArgumentHelp("A folder tandem backup wrote.", valueName: "dir"))
        var folder: String

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let restored = try await NodeBackup.restore(from: folder, into: try await options.load())
            say("restored \(restored.manifest.node) from the backup of \(restored.manifest.made): \(restored.manifest.records) records")
            say("new epoch \(restored.epoch) (was \(restored.manifest.epoch)): peers will read this node's feed again from the start")
            for path in restored.keptAside { say("kept aside: \(path)") }
        }
    }
}
