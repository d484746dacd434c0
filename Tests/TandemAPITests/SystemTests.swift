import Foundation
import Testing

@testable import TandemAPI
@testable import TandemCore
import TandemFederation
import TandemNode
import TandemStore

@Suite("Health, metrics and the OpenAPI description", .serialized)
struct SystemTests {
    @Test("healthz answers, and metrics count requests by route and records by kind")
    func healthAndMetrics() async throws {
        try await withNode { node in
            let health = try await node.get("/healthz")
            _ = try await node.get("/api/v1/cases")
            _ = try await node.get("/api/v1/cases?limit=0")

            let metrics = try await node.get("/metrics")

            #expect(JSONValue.object(try health.json) == ["status": "ok", "node": "paris"])
            #expect(metrics.status == 200)
            #expect(metrics.body.contains(#"tandem_http_requests_total{method="GET",route="/api/v1/cases",status="200"} 1"#))
            #expect(metrics.body.contains(#"tandem_http_requests_total{method="GET",route="/api/v1/cases",status="400"} 1"#))
            #expect(metrics.body.contains(#"tandem_records{kind="CaseStudy",origin="paris"} 6"#))
            #expect(metrics.body.contains("tandem_http_request_duration_seconds_bucket"))
        }
    }

    /// A request for every operation of the OpenAPI description, and what it should answer.
    static let operations: [(method: String, path: String, body: String?, caller: TestNode.Caller, status: Int)] = [
        ("GET", "/api/v1/cases", nil, .anonymous, 200),
        ("POST", "/api/v1/cases", #"{"content": {"title": "t", "summary": "s", "language": "fr", "status": "idea"}}"#, .editor, 201),
        ("GET", "/api/v1/cases/{origin}/{id}", nil, .anonymous, 200),
        ("GET", "/api/v1/cases/{origin}/{id}/versions", nil, .anonymous, 200),
        ("GET", "/api/v1/cases/{origin}/{id}/versions/{version}", nil, .anonymous, 200),
        ("PUT", "/api/v1/cases/{origin}/{id}", #"{"content": {"title": "t2", "summary": "s", "language": "fr", "status": "idea"}}"#, .editor, 200),
        ("POST", "/api/v1/cases/{origin}/{id}/translations", #"{"content": {"title": "t", "summary": "s", "language": "es"}}"#, .editor, 201),
        ("GET", "/api/v1/cases/{origin}/{id}/translations", nil, .anonymous, 200),
        ("GET", "/api/v1/cases/{origin}/{id}/adaptations", nil, .anonymous, 200),
        ("GET", "/api/v1/translations/{origin}/{id}", nil, .anonymous, 200),
        ("GET", "/api/v1/translations/{origin}/{id}/versions", nil, .anonymous, 200),
        ("GET", "/api/v1/translations/{origin}/{id}/versions/{version}", nil, .anonymous, 200),
        ("PUT", "/api/v1/translations/{origin}/{id}", #"{"content": {"title": "t2", "summary": "s", "language": "es"}}"#, .editor, 200),
        ("DELETE", "/api/v1/translations/{origin}/{id}", nil, .editor, 200),
        ("DELETE", "/api/v1/cases/{origin}/{id}", nil, .editor, 200),
        ("GET", "/api/v1/practices", nil, .anonymous, 200),
        ("POST", "/api/v1/practices", #"{"content": {"title": "t", "summary": "s", "language": "fr"}}"#, .editor, 201),
        ("GET", "/api/v1/practices/{origin}/{id}", nil, .anonymous, 200),
        ("GET", "/api/v1/practices/{origin}/{id}/versions", nil, .anonymous, 200),
        ("GET", "/api/v1/practices/{origin}/{id}/versions/{version}", nil, .anonymous, 200),
        ("PUT", "/api/v1/practices/{origin}/{id}", #"{"content": {"title": "t2", "summary": "s", "language": "fr"}}"#, .editor, 200),
        ("POST", "/api/v1/practices/{origin}/{id}/translations", #"{"content": {"title": "t", "summary": "s", "language": "en"}}"#, .editor, 201),
        ("GET", "/api/v1/practices/{origin}/{id}/translations", nil, .anonymous, 200),
        ("GET", "/api/v1/practices/{origin}/{id}/adaptations", nil, .anonymous, 200),
        ("DELETE", "/api/v1/practices/{origin}/{id}", nil, .editor, 200),
        ("GET", "/api/v1/nodes", nil, .anonymous, 200),
        ("GET", "/federation/v1/node", nil, .anonymous, 200),
        ("GET", "/federation/v1/changes", nil, .anonymous, 200),
        ("GET", "/healthz", nil, .anonymous, 200),
        ("GET", "/metrics", nil, .anonymous, 200),
        ("GET", "/openapi.json", nil, .anonymous, 200),
    ]

    @Test("the cursor shapes the description gives are the ones the server reads, and every value of that shape is read")
    func cursorPatterns() throws {
        let spec = try JSONParser.parse(OpenAPIDocument(kinds: .standard).text)
        func at(_ value: JSONValue?, _ keys: String...) -> JSONValue? { keys.reduce(value) { $0?.objectValue?[$1] } }
        let cursor = at(spec, "components", "parameters", "cursor", "schema", "pattern")?.stringValue
        let parameters = at(spec, "paths", "/federation/v1/changes", "get", "parameters")?.arrayValue ?? []
        let since = at(parameters.first { at($0, "name") == "since" }, "schema", "pattern")?.stringValue

        #expect(cursor == PageCursor.pattern)
        #expect(since == FeedCursor.pattern)
        for text in ["1", "20", "999999999999999999"] { #expect(PageCursor.decode(text) != nil, "\(text)") }
        for text in ["0", "01", "-1", "1e3", "9999999999999999999", "cA"] { #expect(PageCursor.decode(text) == nil, "\(text)") }
        for text in ["00000000-0000-4000-8000-000000000000.0", "0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11.999999999999999999"] {
            #expect(FeedCursor.decode(text) != nil, "\(text)")
        }
        for text in ["00000000-0000-4000-8000-000000000000", "x.1", "00000000-0000-4000-8000-000000000000.-1", ""] { #expect(FeedCursor.decode(text) == nil, "\(text)") }
        let checkpoint = PeerCheckpoint(epoch: "0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11", position: 42)
        #expect(FeedCursor.decode(FeedCursor.encode(checkpoint)) == checkpoint)
        // A cursor Tandem 0.4 gave (base64url of epoch:position) still resumes.
        #expect(FeedCursor.decode("MDE5M2I3YzItNWUxYS03YzNkLTlhNDAtMmYxZThiNmQ0YzExOjQy") == checkpoint)
    }

    @Test("every $ref of openapi.json points at a definition it holds")
    func referencesResolve() throws {
        let spec = try JSONParser.parse(OpenAPIDocument(kinds: .standard).text)
        var references: [String] = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let object):
                for (key, member) in object.members {
                    if key == "$ref", let reference = member.stringValue { references.append(reference) } else { walk(member) }
                }
            case .array(let items): items.forEach(walk)
            default: break
            }
        }
        walk(spec)
        #expect(references.count > 100)
        for reference in Set(references) {
            #expect(reference.hasPrefix("#/"), "\(reference)")
            let target = reference.dropFirst(2).split(separator: "/").reduce(Optional(spec)) { $0?.objectValue?[String($1)] }
            #expect(target != nil, "\(reference) points at nothing")
        }
    }

    @Test("openapi.json is OpenAPI 3.1, lists exactly the operations served, and each answers as documented")
    func openAPIMatchesServer() async throws {
        try await withNode(samples: false) { node in
            let spec = try await node.get("/openapi.json").json
            let paths = try #require(spec["paths"]?.objectValue)
            let documented = Set(paths.members.flatMap { path, item in
                (item.objectValue?.keys ?? []).filter { $0 != "parameters" }.map { "\($0.uppercased()) \(path)" }
            })
            #expect(spec["openapi"] == "3.1.0")
            #expect(documented == Set(Self.operations.map { "\($0.method) \($0.path)" }))

            var created: [String: String] = [:]
            for operation in Self.operations {
                // The record each {origin}/{id} names is the last one created of the kind its path starts with.
                let kind = operation.path.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""
                let path = operation.path.replacingOccurrences(of: "/{origin}/{id}", with: String((created[kind] ?? "").dropFirst("/api/v1/\(kind)".count)))
                    .replacingOccurrences(of: "{version}", with: "1")
                let reply = try await node.request(operation.method, path, body: operation.body, as: operation.caller)
                if operation.method == "POST", let location = reply.header("Location") {
                    created[location.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""] = location
                }

                let responses = try #require(paths[operation.path]?.objectValue?[operation.method.lowercased()]?.objectValue?["responses"]?.objectValue)
                #expect(reply.status == operation.status, "\(operation.method) \(path): \(reply.body)")
                #expect(responses[String(reply.status)] != nil, "\(operation.method) \(operation.path) answered \(reply.status), which is not documented")
            }
        }
    }
}
