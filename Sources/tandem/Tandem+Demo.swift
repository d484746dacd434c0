import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import TandemAPI
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode

extension Tandem {
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the demo cohort: Paris, Mexico City and Rennes, syncing with each other.",
            discussion: """
                Starts the three nodes of Config/default.yaml, Config/mexico-city.yaml and \
                Config/rennes.yaml (or of the copies the binary carries, when there is no Config \
                folder here) in one process, each with its own data folder, key, self-signed \
                certificate and sample records under DIR. It writes DIR/cohort.yaml (the cohort \
                directory, with each node's did:key and pinned certificate fingerprint) and \
                DIR/<slug>.yaml (each node's config, for tandem sync, token, status… --config). Rennes \
                pulls from Paris only, so it learns Mexico City's records through Paris. After one sync \
                round it prints what to try, then syncs every minute until Ctrl-C stops all three. \
                Run it again with the same --dir to continue where it stopped.
                """
        )

        @Option(help: ArgumentHelp("Where the nodes keep their data (default: a new temporary folder).", valueName: "dir"))
        var dir: String?

        @Option(help: ArgumentHelp("The folder with the demo cities' configs (default: Config when it holds them, else the binary's copies).", valueName: "dir"))
        var configs: String?

        @Option(name: .customLong("base-port"), help: ArgumentHelp("Listen on this port and the next two instead of the configs' ports (8443-8445).", valueName: "port"))
        var basePort: Int?

        func validate() throws {
            if let basePort, !(1...65533).contains(basePort) { throw ValidationError("--base-port must be from 1 to 65533") }
        }


        func run() async throws {
            let folder = URL(fileURLWithPath: dir ?? NSTemporaryDirectory() + "tandem-demo-" + String(UUID().uuidString.prefix(8)).lowercased())
                .standardizedFileURL.path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let cohortPath = folder + "/cohort.yaml"

            // Each city's config, with its data under the demo folder; keys and certificates made first.
            var configurations: [NodeConfiguration] = []
            var entries: [String] = []
            let configFolder = configs ?? (BuiltIn.cities.allSatisfy { FileManager.default.fileExists(atPath: "Config/" + $0) } ? "Config" : nil)
            for (index, file) in BuiltIn.cities.enumerated() {
                // A city's config: from the folder, or the copy the binary carries.
                func options(_ arguments: [String]) throws -> NodeOptions {
                    try NodeOptions.parse((configFolder.map { ["--config", $0 + "/" + file] } ?? []) + arguments)
                }
                let builtIn = configFolder == nil ? file : nil
                let base = try await options([]).load(builtIn: builtIn)
                var configuration = try await options(["--data-dir", folder + "/" + base.slug.rawValue])
                    .load(overrides: ["http.port": basePort.map { String($0 + index) }], builtIn: builtIn)
                configuration.directoryPath = nil
                let runtime = try await NodeRuntime.prepare(configuration)
                entries.append(CohortDirectory.entry(
                    slug: configuration.slug, lab: configuration.lab, city: configuration.city, country: configuration.country,
                    url: configuration.baseURL, fingerprint: try runtime.certificateFingerprint, keys: [runtime.node.did]))
                configuration.directoryPath = cohortPath
                configuration.sync.interval = .seconds(60)
                configurations.append(configuration)
            }
            // Written on every start: the keys and certificates stay, the ports may change.
            let header = """
                # The demo cohort, written by tandem demo: each member's did:key and the SHA-256 fingerprint
                # of its self-signed certificate. A real cohort keeps this file in Federation/ (see its README).
                cohort: demo
                members:

                """
            try (header + entries.joined(separator: "\n") + "\n").write(toFile: cohortPath, atomically: true, encoding: .utf8)
            for configuration in configurations {
                try configuration.yaml.write(toFile: "\(folder)/\(configuration.slug).yaml", atomically: true, encoding: .utf8)
            }

            // The three nodes in one service group; Ctrl-C stops them all.
            var services: [any Service] = []
            var runtimes: [NodeRuntime] = []
            var locks: [FolderLock] = []
            defer { locks.forEach { $0.release() } }
            let (started, startedContinuation) = AsyncStream.makeStream(of: Int.self)
            for configuration in configurations {
                let runtime = try await NodeRuntime.prepare(configuration)
                for warning in try runtime.federationWarnings { say("warning: \(warning)") }
                locks.append(try FolderLock(folder: configuration.dataDirectory, name: "serve.lock", busy: "another tandem serve is using \(configuration.dataDirectory)"))
                var logger = Logger(label: "tandem.\(configuration.slug)")
                logger.logLevel = .warning
                services.append(try buildApplication(runtime, logger: logger) { port in startedContinuation.yield(port) })
                services.append(SyncService(job: runtime.syncJob(), interval: .seconds(60), logger: logger, firstRunAfter: .seconds(60)))
                runtimes.append(runtime)
            }
            var logger = Logger(label: "tandem.demo")
            logger.logLevel = .warning
            let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    defer { startedContinuation.finish() }
                    do { try await group.run() } catch {
                        throw CommandFailure("the demo stopped: \(error) (are its ports free? is tandem serve running? --base-port picks others)")
                    }
                }
                var iterator = started.makeAsyncIterator()
                for _ in runtimes {
                    guard await iterator.next() != nil else {
                        try await tasks.next()
                        return
                    }
                }
                do {
                    try await firstRound(runtimes, folder: folder)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                try await tasks.next()
            }
        }

        /// Paris' heatwave case (translated into Spanish by Mexico City) and jobs hackathon (adapted by Mexico City, then Rennes).
        static let heatwave = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c01"
        static let hackathon = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c04"
        /// Mexico City's Spanish translation of the heatwave case, at its own address.
        static let heatwaveInSpanish = "7d2e3f40-1a2b-4c3d-9e4f-5a6b7c8d9f01"

        private func firstRound(_ runtimes: [NodeRuntime], folder: String) async throws {
            let command = CommandLine.arguments[0]
            say("demo cohort in \(folder):")
            for runtime in runtimes {
                say("  \(runtime.configuration.slug.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(runtime.configuration.baseURL)  (\(runtime.configuration.lab))")
            }
            say("first sync round:")
            for runtime in runtimes {
                for report in try await runtime.syncJob().run() {
                    say("  \(runtime.configuration.slug) pulled from \(report.line)")
                }
            }
            func url(_ slug: String) -> String { runtimes.first { $0.configuration.slug.rawValue == slug }?.configuration.baseURL ?? "" }
            say("""

                try it (the nodes sync every minute; tandem sync pulls at once):
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases?origin=mexico-city'
                  curl --cacert \(folder)/paris/cert.pem \(url("paris"))/api/v1/nodes
                  # A Paris case with the Mexico City lab's Spanish translation, and the version it translates:
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases/paris/\(Self.heatwave)?lang=es'
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases/paris/\(Self.heatwave)/translations'
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/translations/mexico-city/\(Self.heatwaveInSpanish)'
                  # A Spanish search finds the French case through its translation; language=es finds what is written in Spanish or translated into it; facets count what a browse page filters:
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases?q=calor'
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases?language=es'
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases?facets=city,country,status,method,policyArea,language'
                  # Paris' jobs hackathon, adapted by Mexico City, then by Rennes; and every version of a record:
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases/paris/\(Self.hackathon)/adaptations'
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases/paris/\(Self.hackathon)/versions'
                  TOKEN=$(\(command) token create --name demo --config \(folder)/mexico-city.yaml)
                  curl --cacert \(folder)/mexico-city/cert.pem -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                    -d '{"content": {"title": "Mercado de ideas", "summary": "Una feria de prototipos.", "language": "es", "status": "pilot"}}' \\
                    \(url("mexico-city"))/api/v1/cases
                  # The Mexico City lab translates Paris' jobs hackathon into Spanish: its own signed record, linked to the version it translates.
                  curl --cacert \(folder)/mexico-city/cert.pem -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                    -d '{"content": {"language": "es", "title": "Hackatón por el empleo", "summary": "Un fin de semana en el que desarrolladores y buscadores de empleo crean juntos herramientas para encontrar trabajo."}}' \\
                    \(url("mexico-city"))/api/v1/cases/paris/\(Self.hackathon)/translations
                  \(command) sync --config \(folder)/paris.yaml
                  \(command) sync --config \(folder)/rennes.yaml
                  curl --cacert \(folder)/rennes/cert.pem '\(url("rennes"))/api/v1/cases/paris/\(Self.hackathon)?lang=es'
                  \(command) status --config \(folder)/rennes.yaml
                Ctrl-C stops all three nodes.
                """)
        }
    }
}
