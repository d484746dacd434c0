import Hummingbird
import NIOCore
import TandemNode

/// `GET /healthz`, `GET /metrics` and `GET /openapi.json`.
struct SystemController {
    let runtime: NodeRuntime
    let metrics: NodeMetrics
    let openAPI: OpenAPIDocument

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("healthz") { _, _ in
            _ = try runtime.database.epoch()
            return Response.json("{\"status\":\"ok\",\"node\":\"\(runtime.slug)\"}")
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: try metrics.render())))
        }
        router.get("openapi.json") { _, _ in Response.json(openAPI.text) }
    }
}
