import ArgumentParser
import Hummingbird
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TandemAPI
import TandemNode

extension Tandem {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the node: its HTTPS API for browsing, searching and editing records.",
            discussion: """
                On first start with an empty data folder, serve makes the node's signing key, a \
                self-signed TLS certificate (unless tls.certificate and tls.key are set) and loads the \
                sample records named by samples.file. It prints the address, the node's did:key and the \
                certificate's SHA-256 fingerprint. With federation.directory set, it also pulls from its \
                peers every sync.interval (see tandem sync). Stop it with Ctrl-C (SIGINT) or SIGTERM.
                """
        )

        @OptionGroup var options: NodeOptions

        @Option(help: ArgumentHelp("Address to listen on; overrides http.host.", valueName: "host"))
        var host: String?

        @Option(help: ArgumentHelp("Port to listen on; overrides http.port.", valueName: "port"))
        var port: Int?

        func run() async throws {
            let configuration = try await options.load(overrides: ["http.host": host, "http.port": port.map(String.init)])
            let logger = configuration.logger(label: "tandem")
            // What serve tells at start: plain lines, or log records when logs are JSON.
            let say = Announcer(logger: configuration.logsJSON ? logger : nil)
            let runtime = try await NodeRuntime.prepare(configuration)
            let lock = try FolderLock(
                folder: configuration.dataDirectory, name: "serve.lock",
                busy: "another tandem serve is using the data folder \(configuration.dataDirectory)")
            defer { lock.release() }
            let application = try buildApplication(runtime, logger: logger) { port in
                say("Tandem node \(configuration.slug) (\(configuration.lab)) listening on https://\(configuration.host):\(port)")
            }
            say("signing key: \(runtime.node.did)")
            say("TLS certificate: \(runtime.tls.certificatePath)")
            say("TLS certificate SHA-256 fingerprint: \(try runtime.certificateFingerprint)")
            say("data: \(configuration.dataDirectory)/tandem.sqlite")
            if runtime.samplesLoaded > 0 { say("loaded \(runtime.samplesLoaded) sample records into the empty database") }
            if runtime.newlyUnderstood > 0 { say("indexed \(runtime.newlyUnderstood) records held from peers that this version now understands") }
            var services: [any Service] = [application]
            if configuration.directoryPath != nil {
                let peers = try runtime.syncJob().peers()
                if let interval = configuration.sync.interval, !peers.isEmpty {
                    services.append(SyncService(job: runtime.syncJob(), interval: interval, logger: logger))
                    say("cohort \(runtime.directory.name): syncing with \(peers.map(\.slug.rawValue).joined(separator: ", ")) every \(interval) (±20%)")
                } else {
                    say("cohort \(runtime.directory.name): no scheduled sync (\(peers.isEmpty ? "no peers" : "sync.interval is 0"))")
                }
                for warning in try runtime.federationWarnings { say("warning: \(warning)") }
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            do {
                try await group.run()
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                throw CommandFailure("cannot listen on \(configuration.host):\(configuration.port): the address is already in use (is another node running?)")
            } catch {
                throw CommandFailure("the node stopped: \(error)")
            }
        }
    }
}

/// Lines a command tells its user: printed, or logged when logs are JSON lines (so every line a
/// log collector reads is JSON).
struct Announcer: Sendable {
    let logger: Logger?

    func callAsFunction(_ line: String) {
        if let logger { logger.info("\(line)") } else { tandem.say(line) }
    }
}
