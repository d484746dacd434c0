import TandemCore
import TandemNode

/// The OpenAPI 3.1 description of every route this server answers, served at `GET /openapi.json`.
/// The record routes, their filters and content schemas are generated from the record kinds'
/// declarations; the fixed routes are written out below. A test checks that it lists exactly the
/// routes served, and Schemathesis fuzzes the server against it.
struct OpenAPIDocument: Sendable {
    /// The description as served.
    let text: String
    private let routes: [(segments: [Substring], methods: [String])]

    init(kinds: RecordKinds) {
        var document = (try? JSONParser.parse(Self.fixed).objectValue) ?? [:]
        var paths = JSONObject()
        var parameters = document.members(at: "components", "parameters")
        var schemas = FieldType.sharedSchemas
        var tags: [JSONValue] = []
        for kind in kinds.all {
            tags.append(["name": .string(kind.segment), "description": .string(kind.summary)])
            for (path, item) in Self.paths(for: kind) { paths[path] = item }
            for filter in kind.filters where parameters[filter.name] == nil { parameters[filter.name] = Self.parameter(for: filter) }
            for choice in kind.choices { schemas[choice.name] = choice.schema }
            for (name, schema) in Self.schemas(for: kind, in: kinds) { schemas[name] = schema }
        }
        for (path, item) in document.members(at: "paths").members { paths[path] = item }
        // Any request whose address or headers are over the connection limits gets 431, whatever its route.
        for (path, item) in paths.members {
            guard var operations = item.objectValue else { continue }
            for (method, operation) in operations.members where method != "parameters" {
                guard var object = operation.objectValue, var responses = object["responses"]?.objectValue else { continue }
                responses["431"] = ["$ref": "#/components/responses/Problem"]
                object["responses"] = .object(responses)
                operations[method] = .object(object)
            }
            paths[path] = .object(operations)
        }
        for (name, schema) in document.members(at: "components", "schemas").members { schemas[name] = schema }
        for (name, schema) in Self.relationSchemas.members { schemas[name] = schema }
        var components = document.members(at: "components")
        components["parameters"] = .object(parameters)
        components["schemas"] = .object(schemas)
        document["components"] = .object(components)
        document["paths"] = .object(paths)
        document["tags"] = .array(tags + (document["tags"]?.arrayValue ?? []))
        text = (try? JSONValue.object(document).serialized()) ?? "{}"
        let verbs = ["get", "put", "post", "delete", "patch", "head", "options"]
        routes = paths.members.map { path, operations in
            (path.split(separator: "/", omittingEmptySubsequences: false), verbs.filter { operations.objectValue?[$0] != nil }.map { $0.uppercased() })
        }
    }

    /// The methods the document lists for a request path (templates such as `{origin}` match one
    /// segment); empty when it lists no such path. A 405 answer names them in `Allow`.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in template.hasPrefix("{") ? !segment.isEmpty : template == segment }
        }?.methods ?? []
    }

    static func responses(_ status: Int, _ name: String, _ codes: [Int], notModified: Bool = false) -> JSONValue {
        var responses: JSONObject = [String(status): ["$ref": .string("#/components/responses/\(name)")]]
        if notModified { responses["304"] = ["description": "Not modified (If-None-Match matched)"] }
        for (code, problem) in problems(codes).members { responses[code] = problem }
        return .object(responses)
    }

    /// A problem document answer for each status code.
    static func problems(_ codes: [Int]) -> JSONObject {
        JSONObject(codes.map { (key: String($0), value: ["$ref": "#/components/responses/Problem"]) })
    }

    /// A browse filter's query parameter: one of a choice's values, or text of 1 to 200 characters.
    private static func parameter(for filter: Filter) -> JSONValue {
        var type = filter.field.type
        while case .list(let element, _, _) = type { type = element }
        let schema: JSONValue = if case .choice(let choice) = type { .string("#/components/schemas/\(choice.name)").reference } else { ["$ref": "#/components/schemas/TermFilter"] }
        var description = filter.field.summary
        if case .column(let column) = filter.target, column == .city || column == .country { description += ", ignoring ASCII case" }
        if case .facet = filter.target { description = "Records with this term among their \(filter.field.name)" }
        return ["name": .string(filter.name), "in": "query", "description": .string(description), "schema": schema]
    }

    /// What does not depend on the record kinds: the federation and system routes, and the shared parts.
    static let fixed = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "Tandem node API", "version": "1.0.0", "description": "A city innovation lab's node: its practices and case studies, and those of its partners, each a signed W3C Data Integrity document (eddsa-jcs-2022). Reads are open for public records; cohort records and every write need an editor token (tandem token create)."},
          "tags": [
            {"name": "federation", "description": "Between cohort nodes: who a node is, and its change feed. Requests signed with RFC 9421 HTTP Message Signatures (Ed25519, the node key; components @method @authority @path @query; keyid is the signer's did:key) by a cohort member also see cohort records."},
            {"name": "system", "description": "Health, metrics and this description"}
          ],
          "paths": {
            "/api/v1/nodes": {"get": {"tags": ["federation"], "operationId": "listNodes", "summary": "Every cohort member: records held here, last sync success and error, lag, quarantined documents", "responses": {"200": {"description": "The cohort as this node sees it", "content": {"application/json": {"schema": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/NodeStatus"}}}}}}}}}},
            "/federation/v1/node": {"get": {"tags": ["federation"], "operationId": "nodeDescriptor", "summary": "Who this node is: slug, lab, city, address, software version and key history with rotation statements", "responses": {"200": {"description": "The node descriptor", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeDescriptor"}}}}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/federation/v1/changes": {"get": {"tags": ["federation"], "operationId": "changes", "summary": "Signed documents of every record this node stores, whatever its origin, in local change order", "parameters": [{"name": "since", "in": "query", "description": "The `next` of the previous page: the database epoch, a dot and a position. Absent: from the start. A cursor from another database (epoch) reads again from the start (`restarted`).", "schema": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[.](0|[1-9][0-9]{0,17})$"}}, {"name": "limit", "in": "query", "description": "At most this many documents (and about 4 MiB)", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200}}], "responses": {"200": {"description": "One page of the feed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChangePage"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}}},
            "/healthz": {"get": {"tags": ["system"], "operationId": "health", "summary": "Whether the node and its database answer", "responses": {"200": {"description": "Healthy", "content": {"application/json": {"schema": {"type": "object", "required": ["status", "node"], "properties": {"status": {"const": "ok"}, "node": {"type": "string"}}}}}}}}},
            "/metrics": {"get": {"tags": ["system"], "operationId": "metrics", "summary": "Prometheus metrics: requests by route and status, latencies, record counts", "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"tags": ["system"], "operationId": "openapi", "summary": "This description", "responses": {"200": {"description": "OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
          },
          "components": {
            "securitySchemes": {
              "editorToken": {"type": "http", "scheme": "bearer", "description": "A token from `tandem token create`."}
            },
            "parameters": {
              "origin": {"name": "origin", "in": "query", "description": "Only records written by this node", "schema": {"$ref": "#/components/schemas/Slug"}},
              "updatedSince": {"name": "updatedSince", "in": "query", "description": "A date (2026-11-01, midnight UTC) or an RFC 3339 time (2026-11-01T08:00:00Z, 2026-11-01T09:00:00+01:00)", "schema": {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}},
              "q": {"name": "q", "in": "query", "description": "Full-text search over titles, summaries and texts; every word must match; case and accents are ignored", "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
              "limit": {"name": "limit", "in": "query", "description": "Page size", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
              "cursor": {"name": "cursor", "in": "query", "description": "The `next` value of the previous page (a position; pages run newest first, so later pages have lower positions)", "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"}},
              "pathOrigin": {"name": "origin", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Slug"}},
              "pathId": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}},
              "ifNoneMatch": {"name": "If-None-Match", "in": "header", "description": "An ETag from an earlier answer; 304 when the record has not changed", "schema": {"type": "string"}},
              "ifMatch": {"name": "If-Match", "in": "header", "description": "The ETag (\"v3\") of the version being changed; 409 when the record is at another", "schema": {"type": "string", "pattern": "^\"v[1-9][0-9]{0,17}\"$"}},
              "pathVersion": {"name": "version", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1, "maximum": 9007199254740991}},
              "lang": {"name": "lang", "in": "query", "description": "Attach the best translation held into this language (a BCP 47 tag: es, es-MX; read in any case, as ES or es-mx); takes precedence over Accept-Language", "schema": {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}},
              "acceptLanguage": {"name": "Accept-Language", "in": "header", "description": "The reader's languages, as a browser sends them (es-MX, fr;q=0.8): attach the best translation held for the first that has one", "schema": {"type": "string"}}
            },
            "responses": {
              "Page": {"description": "A page of records", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
              "Record": {"description": "A record", "headers": {"ETag": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
              "Created": {"description": "The record was written", "headers": {"ETag": {"schema": {"type": "string"}}, "Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
              "Problem": {"description": "What is wrong (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
              "Versions": {"description": "Every version of the record held here, oldest first", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Versions"}}}},
              "Version": {"description": "One version of the record", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Version"}}}}
            },
            "schemas": {
              "TermFilter": {"type": "string", "minLength": 1, "maxLength": 200},
              "Visibility": {"type": "string", "enum": ["public", "cohort"]},
              "Proof": {"type": "object", "required": ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"], "properties": {"type": {"const": "DataIntegrityProof"}, "cryptosuite": {"const": "eddsa-jcs-2022"}, "created": {"type": "string"}, "verificationMethod": {"type": "string", "description": "did:key:z6Mk…#z6Mk…"}, "proofPurpose": {"const": "assertionMethod"}, "proofValue": {"type": "string", "description": "base58btc multibase Ed25519 signature"}}},
              "Document": {"type": "object", "description": "One signed version of a record (W3C Data Integrity, eddsa-jcs-2022)", "required": ["type", "id", "origin", "version", "updated", "visibility", "deleted", "content", "proof"], "properties": {"type": {"type": "string", "description": "The record's kind: Practice, CaseStudy, or a kind a newer version of Tandem knows"}, "id": {"$ref": "#/components/schemas/Id"}, "origin": {"$ref": "#/components/schemas/Slug"}, "version": {"type": "integer", "minimum": 1}, "updated": {"type": "string", "format": "date-time"}, "visibility": {"$ref": "#/components/schemas/Visibility"}, "deleted": {"type": "boolean"}, "content": {"type": "object"}, "proof": {"$ref": "#/components/schemas/Proof"}}},
              "Provenance": {"type": "object", "required": ["origin", "version", "signer", "verifiedAt", "storedAt", "receivedFrom", "understood", "archived"], "properties": {"origin": {"$ref": "#/components/schemas/Slug"}, "version": {"type": "integer"}, "signer": {"type": "string", "description": "The did:key that signed this version"}, "verifiedAt": {"type": "string", "format": "date-time"}, "storedAt": {"type": "string", "format": "date-time"}, "receivedFrom": {"oneOf": [{"$ref": "#/components/schemas/Slug"}, {"type": "null"}], "description": "The peer it came from; null when written here"}, "understood": {"type": "boolean", "description": "Whether this version of Tandem understands the document's type and content; one it does not is kept and relayed, not listed"}, "archived": {"type": "boolean", "description": "Whether this node keeps its origin's records from an archive (a lab that closed, tandem import --bundle): read-only, checked against the archive's key history"}}},
              "NodeStatus": {"type": "object", "required": ["slug", "lab", "city", "country", "url", "self", "peer", "keys", "records", "lastAttemptAt", "lastSuccessAt", "lastError", "lastErrorAt", "lag", "quarantined", "notUnderstood"], "properties": {"slug": {"$ref": "#/components/schemas/Slug"}, "lab": {"type": "string"}, "city": {"type": "string"}, "country": {"type": "string"}, "url": {"type": "string"}, "self": {"type": "boolean"}, "peer": {"type": "boolean", "description": "Whether this node pulls from it (sync.peers)"}, "keys": {"type": "array", "items": {"type": "string"}}, "records": {"type": "integer", "description": "Live records of this origin held here"}, "lastAttemptAt": {"type": ["string", "null"]}, "lastSuccessAt": {"type": ["string", "null"]}, "lastError": {"type": ["string", "null"]}, "lastErrorAt": {"type": ["string", "null"]}, "lag": {"type": ["integer", "null"], "description": "Changes the member still had for this node at the last page read"}, "quarantined": {"type": "integer"}, "notUnderstood": {"type": "integer", "description": "How many of its records this node holds without understanding them (a newer kind or field): kept and relayed, not listed"}}},
              "NodeDescriptor": {"type": "object", "required": ["slug", "lab", "city", "country", "url", "software", "keys", "cohortRotations"], "properties": {"slug": {"$ref": "#/components/schemas/Slug"}, "lab": {"type": "string"}, "city": {"type": "string"}, "country": {"type": "string"}, "url": {"type": "string"}, "software": {"type": "object", "required": ["name", "version"], "properties": {"name": {"type": "string"}, "version": {"type": "string"}}}, "keys": {"type": "object", "required": ["current", "earlier", "rotations"], "properties": {"current": {"type": "string", "description": "did:key of the key that signs now"}, "earlier": {"type": "array", "items": {"type": "object", "required": ["key", "retired"], "properties": {"key": {"type": "string"}, "retired": {"type": "string"}}}}, "rotations": {"type": "array", "items": {"$ref": "#/components/schemas/KeyRotation"}}}}, "cohortRotations": {"type": "array", "description": "Rotation statements of other members this node relays", "items": {"$ref": "#/components/schemas/KeyRotation"}}}},
              "KeyRotation": {"type": "object", "description": "Signed (eddsa-jcs-2022) by previousKey", "required": ["type", "node", "previousKey", "newKey", "rotated", "proof"], "properties": {"type": {"const": "KeyRotation"}, "node": {"$ref": "#/components/schemas/Slug"}, "previousKey": {"type": "string"}, "newKey": {"type": "string"}, "rotated": {"type": "string"}, "proof": {"$ref": "#/components/schemas/Proof"}}},
              "ChangePage": {"type": "object", "required": ["epoch", "reader", "restarted", "items", "next", "hasMore", "remaining"], "properties": {"epoch": {"type": "string", "format": "uuid", "description": "The serving database's epoch"}, "reader": {"oneOf": [{"$ref": "#/components/schemas/Slug"}, {"type": "null"}], "description": "The member whose signed request this page answers (cohort records included); null: public records only"}, "restarted": {"type": "boolean", "description": "The given cursor came from an earlier database; this page starts again from the beginning"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}}, "next": {"type": "string", "description": "Pass as since for the next page (also when hasMore is false, to ask later for what is new)"}, "hasMore": {"type": "boolean"}, "remaining": {"type": "integer", "minimum": 0}}},
              "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object", "required": ["path", "message"], "properties": {"path": {"type": "string"}, "message": {"type": "string"}}}}}},
              "Version": {"type": "object", "required": ["version", "document", "provenance"], "properties": {"version": {"type": "integer", "minimum": 1}, "document": {"$ref": "#/components/schemas/Document"}, "provenance": {"$ref": "#/components/schemas/Provenance"}}},
              "Versions": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "description": "Every version held, oldest first", "items": {"$ref": "#/components/schemas/Version"}}}}
            }
          }
        }
        """#
}

extension JSONObject {
    /// The object at a path of keys, or an empty one.
    func members(at keys: String...) -> JSONObject {
        keys.reduce(self as JSONObject?) { $0?[$1]?.objectValue } ?? [:]
    }
}

extension JSONValue {
    /// `{"$ref": self}`, for a string that is a reference.
    var reference: JSONValue { ["$ref": self] }
    /// A reference to a parameter of the components, by name.
    var parameterReference: JSONValue { .string("#/components/parameters/" + (stringValue ?? "")).reference }
    /// A reference to a schema of the components, by name.
    var schemaReference: JSONValue { .string("#/components/schemas/" + (stringValue ?? "")).reference }

    /// An object with another's members added.
    func merging(_ other: JSONObject) -> JSONValue {
        var object = objectValue ?? [:]
        for (key, value) in other.members { object[key] = value }
        return .object(object)
    }
}
