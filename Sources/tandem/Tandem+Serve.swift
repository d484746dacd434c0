import ArgumentParser
import Hummingbird
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TandemAPI

extension Tandem {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the node: its HTTPS API for browsing, searching and editing records.",
            discussion: """
                On first start with an empty data folder, serve makes the node's signing key, a \
                self-signed TLS certificate (unless tls.certificate and tls.key are set) and loads the \
                sample records named by samples.file. It prints the address, the node's did:key and the \
                certificate's SHA-256 fingerprint. Stop it with Ctrl-C (SIGINT) or SIGTERM.
                """
        )

        @OptionGroup var options: NodeOptions

        @Option(help: ArgumentHelp("Address to listen on; overrides http.host.", valueName: "host"))
        var host: String?

        @Option(help: ArgumentHelp("Port to listen on; overrides http.port.", valueName: "port"))
        var port: Int?

        func run() async throws {
            let configuration = try await options.load(overrides: ["http.host": host, "http.port": port.map(String.init)])
            var logger = Logger(label: "tandem")
            logger.logLevel = configuration.logLevel
            let runtime = try NodeRuntime.prepare(configuration)
            let application = try buildApplication(runtime, logger: logger) { port in
                say("Tandem node \(configuration.slug) (\(configuration.lab)) listening on https://\(configuration.host):\(port)")
            }
            say("signing key: \(runtime.node.did)")
            say("TLS certificate: \(runtime.tls.certificatePath)")
            say("TLS certificate SHA-256 fingerprint: \(try runtime.certificateFingerprint)")
            say("data: \(configuration.dataDirectory)/tandem.sqlite")
            if runtime.samplesLoaded > 0 { say("loaded \(runtime.samplesLoaded) sample records into the empty database") }
            let group = ServiceGroup(
                configuration: .init(services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
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
