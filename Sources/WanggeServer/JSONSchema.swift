import WanggeCore

/// A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), built in Swift beside the
/// routes that answer it: `GET /openapi.json` prints it, schemathesis checks the answers
/// against it. Objects list their properties in order; a property is required unless made
/// `optional`; other members are allowed (answers may grow).
struct JSONSchema: Sendable {
    /// The schema as JSON.
    var json: JSONValue

    init(_ json: JSONValue) { self.json = json }

    private init(_ members: [String: JSONValue]) { json = .object(members) }

    static let string = JSONSchema(["type": .string("string")])
    static let number = JSONSchema(["type": .string("number")])
    static let integer = JSONSchema(["type": .string("integer")])
    static let boolean = JSONSchema(["type": .string("boolean")])
    /// Anything (an answer's free-form member).
    static let any = JSONSchema([:])

    static func string(format: String? = nil, values: [String] = [], pattern: String? = nil) -> JSONSchema {
        var o: [String: JSONValue] = ["type": .string("string")]
        if let format { o["format"] = .string(format) }
        if !values.isEmpty { o["enum"] = .array(values.map(JSONValue.string)) }
        if let pattern { o["pattern"] = .string(pattern) }
        return JSONSchema(o)
    }

    /// A constant string (a GeoJSON `type`).
    static func constant(_ value: String) -> JSONSchema { JSONSchema(["type": .string("string"), "const": .string(value)]) }

    static func array(_ items: JSONSchema) -> JSONSchema { JSONSchema(["type": .string("array"), "items": items.json]) }

    /// A map from names to values of one schema.
    static func map(_ values: JSONSchema) -> JSONSchema { JSONSchema(["type": .string("object"), "additionalProperties": values.json]) }

    /// A schema of `components.schemas`.
    static func ref(_ name: String) -> JSONSchema { JSONSchema(["$ref": .string("#/components/schemas/\(name)")]) }

    static func anyOf(_ schemas: JSONSchema...) -> JSONSchema { JSONSchema(["anyOf": .array(schemas.map(\.json))]) }

    /// This schema or null.
    var orNull: JSONSchema {
        if case .object(var o) = json, case .string(let type)? = o["type"] {
            o["type"] = .array([.string(type), .string("null")])
            if case .array(let values)? = o["enum"] { o["enum"] = .array(values + [.null]) }
            return JSONSchema(o)
        }
        return JSONSchema(["anyOf": .array([json, .object(["type": .string("null")])])])
    }

    /// The same schema with a description (and, for a reference, beside it: 3.1 allows that).
    func described(_ text: String) -> JSONSchema {
        guard case .object(var o) = json else { return self }
        o["description"] = .string(text)
        return JSONSchema(o)
    }

    /// A property that may be absent: `object` leaves it out of `required`.
    var optional: JSONSchema {
        guard case .object(var o) = json else { return self }
        o["x-optional"] = .bool(true)
        return JSONSchema(o)
    }
}

extension JSONSchema {
    /// An object: every property required unless marked ``optional``.
    static func object(_ properties: KeyValuePairs<String, JSONSchema>, additional: JSONSchema? = nil) -> JSONSchema {
        var cleaned: [(String, JSONSchema)] = []
        var required: [String] = []
        for (name, schema) in properties {
            guard case .object(var o) = schema.json else { cleaned.append((name, schema)); required.append(name); continue }
            if o.removeValue(forKey: "x-optional") == nil { required.append(name) }
            cleaned.append((name, JSONSchema(.object(o))))
        }
        var o: [String: JSONValue] = [
            "type": .string("object"),
            "properties": .object(Dictionary(cleaned.map { ($0.0, $0.1.json) }, uniquingKeysWith: { a, _ in a })),
        ]
        if !required.isEmpty { o["required"] = .array(required.map(JSONValue.string)) }
        if let additional { o["additionalProperties"] = additional.json }
        return JSONSchema(.object(o))
    }
}
