import ArgumentParser
import Foundation
import TandemCore
import TandemFederation
import TandemNode
import TandemStore

extension Tandem {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull once from every peer of the cohort: new, changed and deleted records.",
            discussion: """
                Reads federation.directory for the cohort and pulls from every other member (or those \
                in sync.peers, or --peer), all at once, each with its own timeouts and retries. Every \
                document is checked against its origin's key before it is stored; rejected ones go to \
                quarantine (tandem quarantine list). Prints one line per peer as it finishes, and exits \
                1 when any peer failed (the others are synced all the same). Only one sync runs at a \
                time per data folder. Run it from cron or a systemd timer, or let tandem serve run it \
                every sync.interval.
                """
        )

        @OptionGroup var options: NodeOptions

        @Option(help: ArgumentHelp("Pull from this member only.", valueName: "slug"))
        var peer: String?

        @Flag(help: "Print one JSON object per peer instead of a line of text.")
        var json = false

        func run() async throws {
            let configuration = try await options.load()
            guard configuration.directoryPath != nil else {
                throw CommandFailure("no cohort: set federation.directory in the config (see Federation/README.md), or try tandem demo")
            }
            var only: NodeSlug?
            if let peer {
                guard let slug = NodeSlug(peer) else { throw CommandFailure("--peer \(peer): not a node slug") }
                only = slug
            }
            let runtime = try await NodeRuntime.prepare(configuration)
            for warning in try runtime.federationWarnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            let job = runtime.syncJob()
            let peers = try job.peers(only: only)
            guard !peers.isEmpty else {
                say("no peers to sync with in \(runtime.directory.path)")
                return
            }
            if !json { say("syncing \(configuration.slug) with \(peers.map(\.slug.rawValue).joined(separator: ", "))") }
            let clock = ContinuousClock()
            let start = clock.now
            let json = json
            let reports = try await job.run(only: only) { report in say(json ? report.json : report.line) }
            let failed = reports.filter { !$0.succeeded }
            if !json {
                let elapsed = clock.now - start
                say("synced \(reports.count - failed.count) of \(reports.count) peers in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 2))))")
            }
            if !failed.isEmpty { throw ExitCode(1) }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every cohort member: records held, last sync success and error, lag, quarantine.",
            discussion: "The same information as GET /api/v1/nodes, read from the data folder (the node need not be running)."
        )

        @OptionGroup var options: NodeOptions

        @Flag(help: "Print one JSON object per member.")
        var json = false

        func run() async throws {
            let configuration = try await options.load()
            let database = try NodeRuntime.openDatabase(configuration)
            let directory = try NodeRuntime.loadDirectory(configuration)
            guard configuration.directoryPath != nil else {
                say("\(configuration.slug) is not in a cohort (federation.directory is not set)")
                return
            }
            if !json { say("cohort \(directory.name) (\(directory.path)), seen from \(configuration.slug):") }
            for status in try NodeStatus.all(node: configuration.slug, directory: directory, peers: configuration.sync.peers, database: database) {
                say(json ? try JSONValue.object(status.json).serialized() : "  " + status.line)
            }
        }
    }

    struct Quarantine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Documents peers sent that were not stored, and why.",
            subcommands: [List.self, Retry.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List quarantined documents, newest first: when, from which peer, which record, and the reason.",
                discussion: "Tampered, forged, unknown-origin, malformed or oversized documents, refused key rotations, and equivocations (a second, different document for a version already stored: the first one is kept)."
            )

            @OptionGroup var options: NodeOptions

            @Option(help: ArgumentHelp("Only documents from this peer.", valueName: "slug"))
            var peer: String?

            @Option(help: "How many to show.")
            var limit = 50

            @Flag(help: "Print one JSON object per document, the document itself included.")
            var json = false

            func run() async throws {
                var slug: NodeSlug?
                if let peer {
                    guard let parsed = NodeSlug(peer) else { throw CommandFailure("--peer \(peer): not a node slug") }
                    slug = parsed
                }
                guard (1...10_000).contains(limit) else { throw CommandFailure("--limit must be from 1 to 10000") }
                let entries = try await openDatabase(options).quarantined(peer: slug, limit: limit)
                if entries.isEmpty, !json { say("nothing in quarantine" + (peer.map { " from \($0)" } ?? "")) }
                for entry in entries {
                    let rejection = entry.rejection
                    let record = [rejection.origin, rejection.recordID].compactMap { $0 }.joined(separator: "/")
                        + (rejection.version.map { " v\($0)" } ?? "")
                    if json {
                        var object: JSONObject = ["receivedAt": .string(entry.receivedAt.description), "peer": .string(entry.peer.rawValue), "reason": .string(rejection.reason)]
                        object["origin"] = rejection.origin.map(JSONValue.string) ?? .null
                        object["id"] = rejection.recordID.map(JSONValue.string) ?? .null
                        object["version"] = rejection.version.map { .number(.integer($0)) } ?? .null
                        object["document"] = .string(rejection.document)
                        say(try JSONValue.object(object).serialized())
                    } else {
                        say("\(entry.receivedAt) from \(entry.peer)" + (record.isEmpty ? "" : " \(record)") + ": \(rejection.reason)")
                    }
                }
            }
        }
    
        struct Retry: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Run admission again on every quarantined document and store those that now pass.",
                discussion: """
                    After an upgrade, or once the cohort directory lists a new member or key, documents that \
                    were refused may pass. Each is checked again as if its peer had just sent it (origin, key, \
                    proof) and, when it passes, stored under the version rule and taken out of quarantine. A \
                    conflicting version stays in quarantine. Prints what happened; the node may be running.
                    """
            )

            @OptionGroup var options: NodeOptions

            func run() async throws {
                let runtime = try await NodeRuntime.prepare(try await options.load(), loadSamples: false)
                let retry = try await runtime.retryQuarantine()
                let stored = retry.stored
                let passed = stored.inserted + stored.updated + stored.unchanged + stored.stale + stored.conflicts
                var line = "\(passed) of \(passed + retry.stillRefused) quarantined documents now pass: \(stored.inserted) new, \(stored.updated) updated, "
                line += "\(stored.unchanged + stored.stale) already held or older than stored, \(stored.conflicts) conflicting with a stored version (kept in quarantine); \(retry.stillRefused) still refused"
                say(line)
            }
        }
    }
}
