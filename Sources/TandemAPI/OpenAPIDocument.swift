import TandemCore

/// The OpenAPI 3.1 description of every route this server answers, served at `GET /openapi.json`.
/// Kept beside the handlers it describes; a test checks that it lists exactly the routes served.
enum OpenAPIDocument {
    /// The methods the document lists for a request path (templates such as `{origin}` match one
    /// segment); empty when it lists no such path. A 405 answer names them in `Allow`.
    static func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.first { route in
            route.segments.count == segments.count
                && zip(route.segments, segments).allSatisfy { template, segment in template.hasPrefix("{") ? !segment.isEmpty : template == segment }
        }?.methods ?? []
    }

    private static let routes: [(segments: [Substring], methods: [String])] = {
        guard let paths = try? JSONParser.parse(json).objectValue?["paths"]?.objectValue else { return [] }
        let verbs = ["get", "put", "post", "delete", "patch", "head", "options"]
        return paths.members.map { path, operations in
            (path.split(separator: "/", omittingEmptySubsequences: false), verbs.filter { operations.objectValue?[$0] != nil }.map { $0.uppercased() })
        }
    }()

    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Tandem node API",
            "version": "1.0.0",
            "description": "A city innovation lab's node: its practices and case studies, and those of its partners, each a signed W3C Data Integrity document (eddsa-jcs-2022). Reads are open for public records; cohort records and every write need an editor token (tandem token create)."
          },
          "tags": [
            {"name": "cases", "description": "Case studies"},
            {"name": "practices", "description": "Practices and methods"},
            {"name": "federation", "description": "Between cohort nodes: who a node is, and its change feed. Requests signed with RFC 9421 HTTP Message Signatures (Ed25519, the node key; components @method @authority @path @query; keyid is the signer's did:key) by a cohort member also see cohort records."},
            {"name": "system", "description": "Health, metrics and this description"}
          ],
          "paths": {
            "/api/v1/cases": {
              "get": {"tags": ["cases"], "operationId": "listCases", "summary": "Browse and search case studies, newest first",
                "parameters": [
                  {"$ref": "#/components/parameters/origin"}, {"$ref": "#/components/parameters/city"},
                  {"$ref": "#/components/parameters/country"}, {"$ref": "#/components/parameters/policyArea"},
                  {"$ref": "#/components/parameters/method"}, {"$ref": "#/components/parameters/status"},
                  {"$ref": "#/components/parameters/language"}, {"$ref": "#/components/parameters/tag"},
                  {"$ref": "#/components/parameters/updatedSince"}, {"$ref": "#/components/parameters/q"},
                  {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}
                ],
                "responses": {"200": {"$ref": "#/components/responses/Page"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}},
              "post": {"tags": ["cases"], "operationId": "createCase", "summary": "Write version 1 of a new local case study", "security": [{"editorToken": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseStudyBody"}}}},
                "responses": {"201": {"$ref": "#/components/responses/Created"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
            },
            "/api/v1/cases/{origin}/{id}": {
              "parameters": [{"$ref": "#/components/parameters/pathOrigin"}, {"$ref": "#/components/parameters/pathId"}],
              "get": {"tags": ["cases"], "operationId": "getCase", "summary": "One case study: its signed document and provenance",
                "parameters": [{"$ref": "#/components/parameters/ifNoneMatch"}],
                "responses": {"200": {"$ref": "#/components/responses/Record"}, "304": {"description": "Not modified (If-None-Match matched)"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "410": {"$ref": "#/components/responses/Problem"}}},
              "put": {"tags": ["cases"], "operationId": "updateCase", "summary": "Write the next version of a local case study", "security": [{"editorToken": []}],
                "parameters": [{"$ref": "#/components/parameters/ifMatch"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CaseStudyBody"}}}},
                "responses": {"200": {"$ref": "#/components/responses/Record"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "410": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}},
              "delete": {"tags": ["cases"], "operationId": "deleteCase", "summary": "Write a signed tombstone as the next version of a local case study", "security": [{"editorToken": []}],
                "parameters": [{"$ref": "#/components/parameters/ifMatch"}],
                "responses": {"200": {"$ref": "#/components/responses/Record"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "410": {"$ref": "#/components/responses/Problem"}}}
            },
            "/api/v1/practices": {
              "get": {"tags": ["practices"], "operationId": "listPractices", "summary": "Browse and search practices, newest first",
                "parameters": [
                  {"$ref": "#/components/parameters/origin"}, {"$ref": "#/components/parameters/city"},
                  {"$ref": "#/components/parameters/country"}, {"$ref": "#/components/parameters/policyArea"},
                  {"$ref": "#/components/parameters/method"}, {"$ref": "#/components/parameters/language"},
                  {"$ref": "#/components/parameters/tag"}, {"$ref": "#/components/parameters/updatedSince"},
                  {"$ref": "#/components/parameters/q"}, {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}
                ],
                "responses": {"200": {"$ref": "#/components/responses/Page"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}},
              "post": {"tags": ["practices"], "operationId": "createPractice", "summary": "Write version 1 of a new local practice", "security": [{"editorToken": []}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PracticeBody"}}}},
                "responses": {"201": {"$ref": "#/components/responses/Created"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}
            },
            "/api/v1/practices/{origin}/{id}": {
              "parameters": [{"$ref": "#/components/parameters/pathOrigin"}, {"$ref": "#/components/parameters/pathId"}],
              "get": {"tags": ["practices"], "operationId": "getPractice", "summary": "One practice: its signed document and provenance",
                "parameters": [{"$ref": "#/components/parameters/ifNoneMatch"}],
                "responses": {"200": {"$ref": "#/components/responses/Record"}, "304": {"description": "Not modified (If-None-Match matched)"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "410": {"$ref": "#/components/responses/Problem"}}},
              "put": {"tags": ["practices"], "operationId": "updatePractice", "summary": "Write the next version of a local practice", "security": [{"editorToken": []}],
                "parameters": [{"$ref": "#/components/parameters/ifMatch"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PracticeBody"}}}},
                "responses": {"200": {"$ref": "#/components/responses/Record"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "410": {"$ref": "#/components/responses/Problem"}, "413": {"$ref": "#/components/responses/Problem"}, "415": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}},
              "delete": {"tags": ["practices"], "operationId": "deletePractice", "summary": "Write a signed tombstone as the next version of a local practice", "security": [{"editorToken": []}],
                "parameters": [{"$ref": "#/components/parameters/ifMatch"}],
                "responses": {"200": {"$ref": "#/components/responses/Record"}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}, "403": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "410": {"$ref": "#/components/responses/Problem"}}}
            },
            "/api/v1/nodes": {
              "get": {"tags": ["federation"], "operationId": "listNodes", "summary": "Every cohort member: records held here, last sync success and error, lag, quarantined documents",
                "responses": {"200": {"description": "The cohort as this node sees it", "content": {"application/json": {"schema": {"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/NodeStatus"}}}}}}}}}
            },
            "/federation/v1/node": {
              "get": {"tags": ["federation"], "operationId": "nodeDescriptor", "summary": "Who this node is: slug, lab, city, address, software version and key history with rotation statements",
                "responses": {"200": {"description": "The node descriptor", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NodeDescriptor"}}}}, "401": {"$ref": "#/components/responses/Problem"}}}
            },
            "/federation/v1/changes": {
              "get": {"tags": ["federation"], "operationId": "changes", "summary": "Signed documents of every record this node stores, whatever its origin, in local change order",
                "parameters": [
                  {"name": "since", "in": "query", "description": "The `next` of the previous page: the database epoch, a dot and a position. Absent: from the start. A cursor from another database (epoch) reads again from the start (`restarted`).", "schema": {"type": "string", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}[.](0|[1-9][0-9]{0,17})$"}},
                  {"name": "limit", "in": "query", "description": "At most this many documents (and about 4 MiB)", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200}}
                ],
                "responses": {"200": {"description": "One page of the feed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChangePage"}}}}, "400": {"$ref": "#/components/responses/Problem"}, "401": {"$ref": "#/components/responses/Problem"}}}
            },
            "/healthz": {
              "get": {"tags": ["system"], "operationId": "health", "summary": "Whether the node and its database answer",
                "responses": {"200": {"description": "Healthy", "content": {"application/json": {"schema": {"type": "object", "required": ["status", "node"], "properties": {"status": {"const": "ok"}, "node": {"type": "string"}}}}}}}}
            },
            "/metrics": {
              "get": {"tags": ["system"], "operationId": "metrics", "summary": "Prometheus metrics: requests by route and status, latencies, record counts",
                "responses": {"200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}
            },
            "/openapi.json": {
              "get": {"tags": ["system"], "operationId": "openapi", "summary": "This description",
                "responses": {"200": {"description": "OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}}}
            }
          },
          "components": {
            "securitySchemes": {"editorToken": {"type": "http", "scheme": "bearer", "description": "A token from `tandem token create`."}},
            "parameters": {
              "origin": {"name": "origin", "in": "query", "description": "Only records written by this node", "schema": {"$ref": "#/components/schemas/Slug"}},
              "city": {"name": "city", "in": "query", "description": "City, ignoring ASCII case", "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
              "country": {"name": "country", "in": "query", "description": "ISO 3166-1 alpha-2 code", "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
              "policyArea": {"name": "policyArea", "in": "query", "schema": {"$ref": "#/components/schemas/TermFilter"}},
              "method": {"name": "method", "in": "query", "schema": {"$ref": "#/components/schemas/TermFilter"}},
              "tag": {"name": "tag", "in": "query", "schema": {"$ref": "#/components/schemas/TermFilter"}},
              "status": {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/CaseStatus"}},
              "language": {"name": "language", "in": "query", "description": "Language tag, such as fr or es", "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
              "updatedSince": {"name": "updatedSince", "in": "query", "description": "A date (2026-11-01, midnight UTC) or an RFC 3339 time (2026-11-01T08:00:00Z, 2026-11-01T09:00:00+01:00)", "schema": {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}},
              "q": {"name": "q", "in": "query", "description": "Full-text search over titles, summaries and texts; every word must match; case and accents are ignored", "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
              "limit": {"name": "limit", "in": "query", "description": "Page size", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
              "cursor": {"name": "cursor", "in": "query", "description": "The `next` value of the previous page (a position; pages run newest first, so later pages have lower positions)", "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"}},
              "pathOrigin": {"name": "origin", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Slug"}},
              "pathId": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/Id"}},
              "ifNoneMatch": {"name": "If-None-Match", "in": "header", "description": "An ETag from an earlier answer; 304 when the record has not changed", "schema": {"type": "string"}},
              "ifMatch": {"name": "If-Match", "in": "header", "description": "The ETag (\"v3\") of the version being changed; 409 when the record is at another", "schema": {"type": "string", "pattern": "^\"v[1-9][0-9]{0,17}\"$"}}
            },
            "responses": {
              "Page": {"description": "A page of records", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
              "Record": {"description": "A record", "headers": {"ETag": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
              "Created": {"description": "The record was written", "headers": {"ETag": {"schema": {"type": "string"}}, "Location": {"schema": {"type": "string"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Record"}}}},
              "Problem": {"description": "What is wrong (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            },
            "schemas": {
              "Slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 63},
              "Id": {"type": "string", "format": "uuid", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"},
              "TermFilter": {"type": "string", "minLength": 1, "maxLength": 200},
              "Term": {"type": "string", "maxLength": 64, "pattern": "^[a-z0-9\\u00DF-\\u00F6\\u00F8-\\u00FF\\u0153]+(-[a-z0-9\\u00DF-\\u00F6\\u00F8-\\u00FF\\u0153]+)*$", "description": "Lowercase Latin letters (accents included), digits and single hyphens: co-design, médiation, participación"},
              "PartialDate": {"description": "A year (2019), a month (2019-06) or a day (2019-06-14)", "anyOf": [{"type": "string", "pattern": "^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?$"}, {"type": "string", "format": "date"}]},
              "CaseStatus": {"type": "string", "enum": ["idea", "exploration", "prototype", "pilot", "implemented", "scaled", "discontinued"]},
              "Visibility": {"type": "string", "enum": ["public", "cohort"]},
              "Link": {"type": "object", "required": ["url"], "additionalProperties": false, "properties": {"url": {"type": "string", "maxLength": 2000, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]+[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]*$"}, "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u001F\\u007F-\\u009F]*$"}}},
              "Basics": {
                "type": "object", "required": ["title", "summary", "language"],
                "properties": {
                  "title": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u001F\\u007F-\\u009F]*$"},
                  "summary": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "language": {"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
                  "lab": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u001F\\u007F-\\u009F]*$"},
                  "city": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u001F\\u007F-\\u009F]*$"},
                  "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                  "methods": {"type": "array", "maxItems": 30, "uniqueItems": true, "items": {"$ref": "#/components/schemas/Term"}},
                  "policyAreas": {"type": "array", "maxItems": 30, "uniqueItems": true, "items": {"$ref": "#/components/schemas/Term"}},
                  "tags": {"type": "array", "maxItems": 30, "uniqueItems": true, "items": {"$ref": "#/components/schemas/Term"}},
                  "links": {"type": "array", "maxItems": 20, "items": {"$ref": "#/components/schemas/Link"}}
                }
              },
              "PracticeContent": {
                "allOf": [{"$ref": "#/components/schemas/Basics"}],
                "properties": {
                  "description": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "whenToUse": {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "steps": {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u001F\\u007F-\\u009F]*$"}}
                },
                "unevaluatedProperties": false
              },
              "CaseStudyContent": {
                "allOf": [{"$ref": "#/components/schemas/Basics"}],
                "required": ["status"],
                "properties": {
                  "status": {"$ref": "#/components/schemas/CaseStatus"},
                  "problem": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "approach": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "results": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "lessonsLearned": {"type": "string", "minLength": 1, "maxLength": 20000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$"},
                  "period": {"type": "object", "required": ["start"], "additionalProperties": false, "properties": {"start": {"$ref": "#/components/schemas/PartialDate"}, "end": {"$ref": "#/components/schemas/PartialDate"}}, "description": "end, when given, is not before start"},
                  "partners": {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u001F\\u007F-\\u009F\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF][^\\u0000-\\u001F\\u007F-\\u009F]*$"}},
                  "participants": {"type": "integer", "minimum": 0, "maximum": 9007199254740991}
                },
                "unevaluatedProperties": false
              },
              "PracticeBody": {"type": "object", "required": ["content"], "additionalProperties": false, "properties": {"visibility": {"$ref": "#/components/schemas/Visibility"}, "content": {"$ref": "#/components/schemas/PracticeContent"}}},
              "CaseStudyBody": {"type": "object", "required": ["content"], "additionalProperties": false, "properties": {"visibility": {"$ref": "#/components/schemas/Visibility"}, "content": {"$ref": "#/components/schemas/CaseStudyContent"}}},
              "Proof": {
                "type": "object", "required": ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"],
                "properties": {
                  "type": {"const": "DataIntegrityProof"}, "cryptosuite": {"const": "eddsa-jcs-2022"}, "created": {"type": "string"},
                  "verificationMethod": {"type": "string", "description": "did:key:z6Mk…#z6Mk…"}, "proofPurpose": {"const": "assertionMethod"},
                  "proofValue": {"type": "string", "description": "base58btc multibase Ed25519 signature"}
                }
              },
              "Document": {
                "type": "object", "description": "One signed version of a record (W3C Data Integrity, eddsa-jcs-2022)",
                "required": ["type", "id", "origin", "version", "updated", "visibility", "deleted", "content", "proof"],
                "properties": {
                  "type": {"type": "string", "enum": ["Practice", "CaseStudy"]}, "id": {"$ref": "#/components/schemas/Id"},
                  "origin": {"$ref": "#/components/schemas/Slug"}, "version": {"type": "integer", "minimum": 1},
                  "updated": {"type": "string", "format": "date-time"}, "visibility": {"$ref": "#/components/schemas/Visibility"},
                  "deleted": {"type": "boolean"}, "content": {"type": "object"}, "proof": {"$ref": "#/components/schemas/Proof"}
                }
              },
              "Provenance": {
                "type": "object", "required": ["origin", "version", "signer", "verifiedAt", "storedAt", "receivedFrom"],
                "properties": {
                  "origin": {"$ref": "#/components/schemas/Slug"}, "version": {"type": "integer"},
                  "signer": {"type": "string", "description": "The did:key that signed this version"},
                  "verifiedAt": {"type": "string", "format": "date-time"}, "storedAt": {"type": "string", "format": "date-time"},
                  "receivedFrom": {"oneOf": [{"$ref": "#/components/schemas/Slug"}, {"type": "null"}], "description": "The peer it came from; null when written here"}
                }
              },
              "Record": {"type": "object", "required": ["document", "provenance"], "properties": {"document": {"$ref": "#/components/schemas/Document"}, "provenance": {"$ref": "#/components/schemas/Provenance"}}},
              "Page": {"type": "object", "required": ["items", "next"], "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}, "next": {"type": ["string", "null"], "description": "Pass as cursor for the next page; null on the last page"}}},
              "NodeStatus": {
                "type": "object", "required": ["slug", "lab", "city", "country", "url", "self", "peer", "keys", "records", "lastAttemptAt", "lastSuccessAt", "lastError", "lastErrorAt", "lag", "quarantined"],
                "properties": {
                  "slug": {"$ref": "#/components/schemas/Slug"}, "lab": {"type": "string"}, "city": {"type": "string"}, "country": {"type": "string"},
                  "url": {"type": "string"}, "self": {"type": "boolean"}, "peer": {"type": "boolean", "description": "Whether this node pulls from it (sync.peers)"}, "keys": {"type": "array", "items": {"type": "string"}},
                  "records": {"type": "integer", "description": "Live records of this origin held here"},
                  "lastAttemptAt": {"type": ["string", "null"]}, "lastSuccessAt": {"type": ["string", "null"]},
                  "lastError": {"type": ["string", "null"]}, "lastErrorAt": {"type": ["string", "null"]},
                  "lag": {"type": ["integer", "null"], "description": "Changes the member still had for this node at the last page read"},
                  "quarantined": {"type": "integer"}
                }
              },
              "NodeDescriptor": {
                "type": "object", "required": ["slug", "lab", "city", "country", "url", "software", "keys", "cohortRotations"],
                "properties": {
                  "slug": {"$ref": "#/components/schemas/Slug"}, "lab": {"type": "string"}, "city": {"type": "string"}, "country": {"type": "string"}, "url": {"type": "string"},
                  "software": {"type": "object", "required": ["name", "version"], "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
                  "keys": {"type": "object", "required": ["current", "earlier", "rotations"], "properties": {
                    "current": {"type": "string", "description": "did:key of the key that signs now"},
                    "earlier": {"type": "array", "items": {"type": "object", "required": ["key", "retired"], "properties": {"key": {"type": "string"}, "retired": {"type": "string"}}}},
                    "rotations": {"type": "array", "items": {"$ref": "#/components/schemas/KeyRotation"}}}},
                  "cohortRotations": {"type": "array", "description": "Rotation statements of other members this node relays", "items": {"$ref": "#/components/schemas/KeyRotation"}}
                }
              },
              "KeyRotation": {
                "type": "object", "description": "Signed (eddsa-jcs-2022) by previousKey", "required": ["type", "node", "previousKey", "newKey", "rotated", "proof"],
                "properties": {"type": {"const": "KeyRotation"}, "node": {"$ref": "#/components/schemas/Slug"}, "previousKey": {"type": "string"}, "newKey": {"type": "string"}, "rotated": {"type": "string"}, "proof": {"$ref": "#/components/schemas/Proof"}}
              },
              "ChangePage": {
                "type": "object", "required": ["epoch", "reader", "restarted", "items", "next", "hasMore", "remaining"],
                "properties": {
                  "epoch": {"type": "string", "format": "uuid", "description": "The serving database's epoch"},
                  "reader": {"oneOf": [{"$ref": "#/components/schemas/Slug"}, {"type": "null"}], "description": "The member whose signed request this page answers (cohort records included); null: public records only"},
                  "restarted": {"type": "boolean", "description": "The given cursor came from an earlier database; this page starts again from the beginning"},
                  "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
                  "next": {"type": "string", "description": "Pass as since for the next page (also when hasMore is false, to ask later for what is new)"},
                  "hasMore": {"type": "boolean"}, "remaining": {"type": "integer", "minimum": 0}
                }
              },
              "Problem": {
                "type": "object", "required": ["type", "title", "status", "detail"],
                "properties": {
                  "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"}, "detail": {"type": "string"},
                  "errors": {"type": "array", "items": {"type": "object", "required": ["path", "message"], "properties": {"path": {"type": "string"}, "message": {"type": "string"}}}}
                }
              }
            }
          }
        }
        """#
}
