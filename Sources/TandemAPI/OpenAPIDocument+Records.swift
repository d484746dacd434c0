import TandemCore

/// The record routes of the OpenAPI description, from each kind's declaration.
extension OpenAPIDocument {
    /// The routes of one kind of record: browse and create (a standalone kind), read, change and
    /// delete one, its versions, and a standalone record's translations and adaptations.
    static func paths(for kind: RecordKind) -> [(String, JSONValue)] {
        let (one, many, tag) = (kind.operationName.one, kind.operationName.many, JSONValue.array([.string(kind.segment)]))
        let body: JSONValue = ["required": true, "content": ["application/json": ["schema": JSONValue.string("\(kind.type)Body").schemaReference]]]
        let editor: JSONValue = [["editorToken": []]]
        let base = "/api/v1/\(kind.segment)"
        let record: JSONValue = ["parameters": [.string("pathOrigin").parameterReference, .string("pathId").parameterReference]]
        let readParameters: [JSONValue] = [.string("ifNoneMatch").parameterReference] + (kind.isStandalone ? [.string("lang").parameterReference, .string("acceptLanguage").parameterReference] : [])
        var paths: [(String, JSONValue)] = [
            ("\(base)/{origin}/{id}", record.merging([
                "get": [
                    "tags": tag, "operationId": .string("get\(one)"),
                    "summary": .string("One \(kind.singular): its signed document and provenance" + (kind.isStandalone ? ", with the translation a reader's language asks for" : "")),
                    "parameters": .array(readParameters), "responses": responses(200, "Record", [400, 401, 404, 410], notModified: true),
                ],
                "put": [
                    "tags": tag, "operationId": .string("update\(one)"), "summary": .string("Write the next version of a local \(kind.singular)"),
                    "security": editor, "parameters": [.string("ifMatch").parameterReference], "requestBody": body,
                    "responses": responses(200, "Record", [400, 401, 403, 404, 409, 410, 413, 415, 422, 507]),
                ],
                "delete": [
                    "tags": tag, "operationId": .string("delete\(one)"),
                    "summary": .string("Write a signed tombstone as the next version of a local \(kind.singular)"), "security": editor,
                    "parameters": [.string("ifMatch").parameterReference], "responses": responses(200, "Record", [400, 401, 403, 404, 409, 410, 507]),
                ],
            ])),
            ("\(base)/{origin}/{id}/versions", record.merging([
                "get": [
                    "tags": tag, "operationId": .string("list\(one)Versions"),
                    "summary": .string("Every version of a \(kind.singular) held here, oldest first, each signed, with its provenance"),
                    "responses": responses(200, "Versions", [400, 401, 404, 410]).merging([
                        // So that stateful fuzzing reads a version that exists: the first one listed.
                        "200": [
                            "description": "Every version of the record held here, oldest first",
                            "content": ["application/json": ["schema": JSONValue.string("Versions").schemaReference]],
                            "links": [
                                "getVersion": [
                                    "operationId": .string("get\(one)Version"),
                                    "parameters": ["origin": "$request.path.origin", "id": "$request.path.id", "version": "$response.body#/items/0/version"],
                                ]
                            ],
                        ]
                    ]),
                ]
            ])),
            ("\(base)/{origin}/{id}/versions/{version}", [
                "parameters": [.string("pathOrigin").parameterReference, .string("pathId").parameterReference, .string("pathVersion").parameterReference],
                "get": [
                    "tags": tag, "operationId": .string("get\(one)Version"), "summary": .string("One version of a \(kind.singular), as it was signed"),
                    "responses": responses(200, "Version", [400, 401, 404, 410]),
                ],
            ]),
        ]
        guard kind.isStandalone else { return paths }
        let filters = ["origin"] + kind.filters.map(\.name) + ["updatedSince", "q", "limit", "cursor"]
        let names = kind.filters.map(\.name).joined(separator: "|")
        let facets: JSONValue = [
            "name": "facets", "in": "query",
            "description": .string("Counts for these filters (names separated by commas) over every record found, not one page: \(kind.filters.map(\.name).joined(separator: ", ")). Those not counted within the node's time limit are named in facetsTimedOut"),
            "schema": ["type": "string", "pattern": .string("^(\(names))(,(\(names)))*$"), "maxLength": 200],
        ]
        paths.insert(
            (base, [
                "get": [
                    "tags": tag, "operationId": .string("list\(many)"),
                    "summary": .string("Browse and search \(kind.plural), newest first; a search and the language filter also find them through their translations"),
                    "parameters": .array(filters.map { JSONValue.string($0).parameterReference } + [facets]), "responses": responses(200, "Page", [400, 401]),
                ],
                "post": [
                    "tags": tag, "operationId": .string("create\(one)"), "summary": .string("Write version 1 of a new local \(kind.singular)"),
                    "security": editor, "requestBody": body, "responses": responses(201, "Created", [400, 401, 413, 415, 422, 507]),
                ],
            ]), at: 0)
        let translationBody: JSONValue = [
            "required": true, "content": ["application/json": ["schema": JSONValue.string("\(kind.type)TranslationBody").schemaReference]],
        ]
        let translationLink: JSONValue = ["origin": "$response.body#/document/origin", "id": "$response.body#/document/id"]
        paths += [
            ("\(base)/{origin}/{id}/translations", record.merging([
                "get": [
                    "tags": tag, "operationId": .string("list\(one)Translations"),
                    "summary": .string("Every translation held of a \(kind.singular): its language, the version it translates, and whether that is stale"),
                    "responses": JSONValue.object(["200": ["description": "The translations", "content": ["application/json": ["schema": JSONValue.string("Translations").schemaReference]]]])
                        .merging(problems([400, 401, 404, 410])),
                ],
                "post": [
                    "tags": tag, "operationId": .string("translate\(one)"),
                    "summary": .string("Write a translation of the \(kind.singular)'s current version, signed by this node (any member's record)"),
                    "security": editor, "requestBody": translationBody,
                    "responses": responses(201, "Created", [400, 401, 404, 410, 413, 415, 422, 507]).merging([
                        // The translation is a record of its own kind: what can be done with it next.
                        "201": [
                            "description": "The translation was written: a record of this node, at its own address (Location)",
                            "headers": ["ETag": ["schema": ["type": "string"]], "Location": ["schema": ["type": "string"]]],
                            "content": ["application/json": ["schema": JSONValue.string("Record").schemaReference]],
                            "links": JSONValue.object(JSONObject(
                                ["get", "update", "delete", "list"].map { verb in
                                    let operation = "\(verb)\(RecordKind.translation.operationName.one)\(verb == "list" ? "Versions" : "")"
                                    return (key: operation, value: ["operationId": .string(operation), "parameters": translationLink])
                                })),
                        ]
                    ]),
                ],
            ])),
            ("\(base)/{origin}/{id}/adaptations", record.merging([
                "get": [
                    "tags": tag, "operationId": .string("list\(one)Adaptations"),
                    "summary": .string("The records held that adapted a \(kind.singular), each with those that adapted it in turn (a tree), and what it adapted"),
                    "responses": JSONValue.object(["200": ["description": "The adaptation tree", "content": ["application/json": ["schema": JSONValue.string("Adaptations").schemaReference]]]])
                        .merging(problems([400, 401, 404, 410])),
                ]
            ])),
        ]
        return paths
    }

    /// The content and body schemas of a kind: a body holds what an editor writes (a translation's
    /// `translationOf` is the node's to set), and a standalone kind's translations have theirs.
    static func schemas(for kind: RecordKind, in kinds: RecordKinds) -> [(String, JSONValue)] {
        let written = kind.fields.filter { $0.index != .translates }
        let content = written.count == kind.fields.count ? "\(kind.type)Content" : "\(kind.type)Text"
        var schemas: [(String, JSONValue)] = [
            ("\(kind.type)Content", kind.contentSchema), (content, RecordKind.schema(of: written)), ("\(kind.type)Body", body(content)),
        ]
        if kind.isStandalone, let translation = kinds.all.first(where: { !$0.isStandalone }) {
            let translatable = Set(kind.translatableFields.map(\.name))
            let fields = translation.fields.filter { $0.index != .translates && ($0.name == "language" || translatable.contains($0.name)) }
            schemas += [("\(kind.type)TranslationText", RecordKind.schema(of: fields)), ("\(kind.type)TranslationBody", body("\(kind.type)TranslationText"))]
        }
        return schemas
    }

    private static func body(_ content: String) -> JSONValue {
        [
            "type": "object", "required": ["content"], "additionalProperties": false,
            "properties": ["visibility": JSONValue.string("Visibility").schemaReference, "content": JSONValue.string(content).schemaReference],
        ]
    }

    /// What the relation routes answer: a list's items and facets, translations, adaptations.
    static let relationSchemas: JSONObject = [
        "Match": [
            "type": "object", "required": ["language", "in"], "description": "Where a record matched a search or the language filter",
            "properties": [
                "language": ["type": "string"], "in": ["type": "string", "enum": ["original", "translation"]],
                "translation": JSONValue.string("RecordReference").schemaReference,
            ],
        ],
        "ListedRecord": [
            "type": "object", "required": ["document", "provenance"],
            "properties": [
                "document": JSONValue.string("Document").schemaReference, "provenance": JSONValue.string("Provenance").schemaReference,
                "match": JSONValue.string("Match").schemaReference,
            ],
        ],
        "Page": [
            "type": "object", "required": ["items", "next"],
            "properties": [
                "items": ["type": "array", "items": JSONValue.string("ListedRecord").schemaReference],
                "next": ["type": ["string", "null"], "description": "Pass as cursor for the next page; null on the last page"],
                "facets": [
                    "type": "object", "description": "For each facet asked for and counted (not in facetsTimedOut), each value and how many records found have it",
                    "additionalProperties": ["type": "object", "additionalProperties": ["type": "integer", "minimum": 1]],
                ],
                "facetsTimedOut": [
                    "type": "array", "items": ["type": "string"],
                    "description": "The facets asked for that were not counted within the node's time limit (browse.facetTimeLimit): they are absent from facets",
                ],
            ],
        ],
        "Record": [
            "type": "object", "required": ["document", "provenance"],
            "properties": [
                "document": JSONValue.string("Document").schemaReference, "provenance": JSONValue.string("Provenance").schemaReference,
                "translation": JSONValue.string("TranslationItem").schemaReference,
            ],
        ],
        "TranslationItem": [
            "type": "object", "required": ["document", "provenance", "language", "translates", "stale"],
            "properties": [
                "document": JSONValue.string("Document").schemaReference, "provenance": JSONValue.string("Provenance").schemaReference,
                "language": ["type": "string"], "translates": ["type": "integer", "description": "The version of the original it translates"],
                "stale": ["type": "boolean", "description": "Whether the original has a newer version than the one translated"],
            ],
        ],
        "Translations": ["type": "object", "required": ["items"], "properties": ["items": ["type": "array", "items": JSONValue.string("TranslationItem").schemaReference]]],
        "AdaptedRecord": [
            "type": "object", "required": ["origin", "id", "held"], "description": "A record in an adaptation tree; held false when this node does not hold it (yet)",
            "properties": [
                "origin": JSONValue.string("Slug").schemaReference, "id": JSONValue.string("Id").schemaReference, "type": ["type": "string"], "held": ["type": "boolean"],
                "title": ["type": "string"], "city": ["type": "string"], "lab": ["type": "string"], "status": ["type": "string"], "period": JSONValue.string("Period").schemaReference,
                "results": ["type": "string"], "adaptations": ["type": "array", "items": JSONValue.string("AdaptedRecord").schemaReference],
            ],
        ],
        "Adaptations": [
            "type": "object", "required": ["record", "adaptedFrom", "items"],
            "properties": [
                "record": JSONValue.string("AdaptedRecord").schemaReference,
                "adaptedFrom": ["type": "array", "description": "What the record says it adapted", "items": JSONValue.string("AdaptedRecord").schemaReference],
                "items": ["type": "array", "description": "The records held that adapted it, with theirs", "items": JSONValue.string("AdaptedRecord").schemaReference],
            ],
        ],
    ]
}
