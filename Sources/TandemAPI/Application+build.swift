import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

/// The router of a node: browse and edit APIs, health, metrics, the OpenAPI description, and the
/// pages people read and write in a browser.
public func buildRouter(_ runtime: NodeRuntime) -> Router<TandemRequestContext> {
    let router = Router(context: TandemRequestContext.self)
    let metrics = NodeMetrics(database: runtime.database)
    let openAPI = OpenAPIDocument(kinds: runtime.kinds)
    router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
    router.add(middleware: ProblemMiddleware(openAPI: openAPI))
    router.add(middleware: EditorAuthentication(database: runtime.database))
    router.add(middleware: PeerAuthentication(database: runtime.database, directory: runtime.directory))
    let rendered = RenderedRecords()
    for kind in runtime.kinds.all {
        RecordsController(kind: kind, runtime: runtime, maxBodySize: runtime.configuration.maxBodySize, rendered: rendered)
            .addRoutes(to: router.group(RouterPath("api/v1/\(kind.segment)")))
    }
    FederationController(runtime: runtime).addRoutes(to: router.group("federation/v1"))
    NodesController(runtime: runtime).addRoutes(to: router)
    SystemController(runtime: runtime, metrics: metrics, openAPI: openAPI).addRoutes(to: router)
    WebController(runtime: runtime).addRoutes(to: router)
    return router
}

/// The HTTPS application of a node. `onServerRunning` gets the bound port (useful with port 0).
public func buildApplication(_ runtime: NodeRuntime, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
    let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
        certificateChain: try NIOSSLCertificate.fromPEMFile(runtime.tls.certificatePath).map { .certificate($0) },
        privateKey: .privateKey(try NIOSSLPrivateKey(file: runtime.tls.keyPath, format: .pem)))
    let configuration = runtime.configuration
    return Application(
        router: buildRouter(runtime),
        server: try .tls(.http1(configuration: configuration.limits.http1), tlsConfiguration: tlsConfiguration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "tandem"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}
