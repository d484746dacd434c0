import Hummingbird
import NIOCore

/// `GET /healthz`, `GET /metrics` and `GET /openapi.json`.
struct SystemController {
    let node: LocalNode
    let metrics: NodeMetrics

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("healthz") { _, _ in
            _ = try node.database.epoch()
            return Response.json("{\"status\":\"ok\",\"node\":\"\(node.slug)\"}")
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try metrics.render())))
        }
        router.get("openapi.json") { _, _ in Response.json(OpenAPIDocument.json) }
    }
}
