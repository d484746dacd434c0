/// The JSON Schema (2020-12, as OpenAPI 3.1 reads it) of what `validate` accepts, derived from the
/// same declarations, so the description and the server agree on every value. Texts are patterns
/// on ECMAScript's `\s`, as `FieldReader.isBlank` reads blanks.
extension RecordKind {
    /// The schema of this kind's content. It refers to `FieldType.sharedSchemas` and to each
    /// choice by name, under `#/components/schemas/`.
    public var contentSchema: JSONValue { Self.schema(of: fields) }

    /// The schema of an object holding `fields`, and nothing else.
    public static func schema(of fields: [Field]) -> JSONValue {
        var properties = JSONObject()
        for field in fields {
            var schema = field.type.schema
            if case .object(var object) = schema, object["$ref"] == nil {
                object["description"] = object["description"] ?? .string(field.summary)
                schema = .object(object)
            }
            properties[field.name] = schema
        }
        return [
            "type": "object", "required": .array(fields.filter(\.isRequired).map { .string($0.name) }), "additionalProperties": false,
            "properties": .object(properties),
        ]
    }

    /// The named choices its fields use (each is a schema of its own).
    public var choices: [Choice] {
        var found: [Choice] = []
        for field in fields {
            var type = field.type
            while case .list(let element, _, _) = type { type = element }
            if case .choice(let choice) = type, !found.contains(where: { $0.name == choice.name }) { found.append(choice) }
        }
        return found
    }
}

extension Choice {
    public var schema: JSONValue { ["type": "string", "enum": .array(values.map(JSONValue.string))] }
}

extension FieldType {
    static func reference(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    public var schema: JSONValue {
        switch self {
        case .text(let maxLength, let multiline):
            return ["type": "string", "minLength": 1, "maxLength": .number(.integer(Int64(maxLength))), "pattern": .string(Self.textPattern(multiline: multiline))]
        case .language: return ["type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"]
        case .country: return ["type": "string", "pattern": "^[A-Z]{2}$"]
        case .choice(let choice): return Self.reference(choice.name)
        case .integer(let range):
            return ["type": "integer", "minimum": .number(.integer(range.lowerBound)), "maximum": .number(.integer(range.upperBound))]
        case .term: return Self.reference("Term")
        case .period: return Self.reference("Period")
        case .link: return Self.reference("Link")
        case .reference(let versioned): return Self.reference(versioned ? "VersionReference" : "RecordReference")
        case .list(let element, let maxCount, let unique):
            var schema: JSONObject = ["type": "array", "maxItems": .number(.integer(Int64(maxCount))), "items": element.schema]
            if unique { schema["uniqueItems"] = true }
            return .object(schema)
        }
    }

    /// Characters a text never holds: controls (C0, DEL, C1), and line breaks and tabs unless multiline.
    private static func excluded(multiline: Bool) -> String {
        multiline ? "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F" : "\\u0000-\\u001F\\u007F-\\u009F"
    }

    /// What ECMAScript's `\s` matches, besides the controls (`FieldReader.isBlank`).
    static let blanks = "\\u0020\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF"

    /// A text with at least one character that is neither blank nor a control.
    static func textPattern(multiline: Bool) -> String {
        let allowed = "[^\(excluded(multiline: multiline))]*"
        return "^\(allowed)[^\\u0000-\\u001F\\u007F-\\u009F\(blanks)]\(allowed)$"
    }

    /// The schemas field types refer to by name.
    public static let sharedSchemas: JSONObject = [
        "Slug": ["type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 63],
        "Id": ["type": "string", "format": "uuid", "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"],
        "Term": [
            "type": "string", "maxLength": 64, "pattern": "^[a-z0-9\\u00DF-\\u00F6\\u00F8-\\u00FF\\u0153]+(-[a-z0-9\\u00DF-\\u00F6\\u00F8-\\u00FF\\u0153]+)*$",
            "description": "Lowercase Latin letters (accents included), digits and single hyphens: co-design, médiation, participación",
        ],
        "PartialDate": [
            "description": "A year (2019), a month (2019-06) or a day (2019-06-14)",
            "anyOf": [
                ["type": "string", "pattern": "^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})(-(0[1-9]|1[0-2]))?$"],
                ["type": "string", "format": "date"],
            ],
        ],
        "Period": [
            "type": "object", "required": ["start"], "additionalProperties": false, "description": "end, when given, is not before start",
            "properties": ["start": reference("PartialDate"), "end": reference("PartialDate")],
        ],
        "Link": [
            "type": "object", "required": ["url"], "additionalProperties": false,
            "properties": [
                "url": [
                    "type": "string", "maxLength": 2000,
                    "pattern": .string("^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\u0000-\\u001F\\u007F-\\u009F\(blanks)]+[^\\u0000-\\u001F\\u007F-\\u009F\(blanks)]*$"),
                ],
                "title": FieldType.text(maxLength: 200, multiline: false).schema,
            ],
        ],
        "RecordReference": [
            "type": "object", "required": ["origin", "id"], "additionalProperties": false, "description": "Another record, by its origin and id",
            "properties": ["origin": reference("Slug"), "id": reference("Id")],
        ],
        "VersionReference": [
            "type": "object", "required": ["origin", "id", "version"], "additionalProperties": false, "description": "One version of another record",
            "properties": [
                "origin": reference("Slug"), "id": reference("Id"),
                "version": ["type": "integer", "minimum": 1, "maximum": .number(.integer(JSONNumber.maximumSafeInteger))],
            ],
        ],
    ]
}
