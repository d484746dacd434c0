import Foundation
import Hummingbird
import Prometheus
import TandemStore

/// Prometheus metrics of one node: request counts and latencies by route and status, record counts.
/// Each node has its own registry (no global state), rendered at `GET /metrics`.
final class NodeMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let database: AppDatabase

    init(database: AppDatabase) {
        self.database = database
    }

    // (Not Sendable, so made where used.)
    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tandem", subsystem: "http", metricName: "requests", unitName: "total", helpText: "Requests answered, by method, route and status.")
    }
    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "tandem", subsystem: "http", metricName: "request_duration", unitName: "seconds", helpText: "Time to answer a request, by method and route.")
    }
    static var records: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "tandem", metricName: "records", unitName: "", helpText: "Records held, by kind and origin.")
    }

    func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let labels = [("method", method), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("method", method), ("route", route)],
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2)]
        ).record(duration)
    }

    /// The Prometheus text exposition, with record counts read now.
    func render() throws -> String {
        for (type, origin, count, _) in try database.recordCounts() {
            registry.makeGauge(descriptor: Self.records, labels: [("kind", type), ("origin", origin.rawValue)]).set(Int64(count))
        }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Times every request and counts it by its route pattern (never by raw path, to bound the labels).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: NodeMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: response.status.code,
            duration: ContinuousClock.now - start)
        return response
    }
}
