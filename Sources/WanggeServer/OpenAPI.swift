import WanggeCore

extension WanggeService {
    /// The OpenAPI 3.1 document of ``routes``: every route with its `operationId`,
    /// parameters, request bodies (schemas and examples) and every status it answers (with
    /// the answer's schema), and the named schemas of ``APISchemas``.
    func openAPIDocument() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            var operation: [String: JSONValue] = [
                "summary": .string(route.summary),
                "operationId": .string(route.operationId.isEmpty ? Self.fallbackOperationId(route) : route.operationId),
                "tags": .array([.string(Self.tag(of: route.path))]),
                "parameters": .array(route.parameters.map(Self.parameterDocument)),
                "responses": .object(
                    Dictionary(
                        (route.outcomes + commonOutcomes(route)).map { o in
                            (String(o.status), Self.responseDocument(o))
                        }, uniquingKeysWith: { first, _ in first })),
            ]
            if let role = route.role {
                // A page for people answers a browser without a token with the login form:
                // the token is optional there (a redirect, not a 401).
                operation["security"] = .array([.object(["bearer": .array([])])] + (route.loginPage ? [.object([:])] : []))
                operation["x-wangge-role"] = .string(role.rawValue)
            } else {
                operation["security"] = .array([])
            }
            if !route.bodyTypes.isEmpty {
                operation["requestBody"] = .object([
                    "required": .bool(true),
                    "content": .object(
                        Dictionary(
                            uniqueKeysWithValues: route.bodyTypes.map { type in
                                var media: [String: JSONValue] = ["schema": (route.bodySchemas[type] ?? Self.defaultSchema(type)).json]
                                if let example = route.bodyExamples[type] { media["example"] = example }
                                return (type, JSONValue.object(media))
                            })),
                ])
            }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = .object(operation)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Wangge"), "version": .string(WanggeVersion.number),
                "description": .string(
                    "Grid-management analytics: route 12345 work orders to their grid cell and responsible unit; hot spots, recurrence, lights, KPIs; GeoJSON layers. Every route is also a `wangge` command with the same parameters. Errors are application/problem+json (RFC 9457). Answers over 1,400 bytes are gzip-compressed when Accept-Encoding allows it."
                ),
            ]),
            "servers": .array([.object(["url": .string("/"), "description": .string("This server (the host the document was read from).")])]),
            "components": .object([
                "securitySchemes": .object([
                    "bearer": .object([
                        "type": .string("http"), "scheme": .string("bearer"),
                        "description": .string("A token from `wangge token create --role reader|operator|admin`."),
                    ])
                ]),
                "schemas": .object(APISchemas.all.mapValues(\.json)),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
        ])
    }

    /// A parameter: its schema from its type, allowed values and repetition.
    private static func parameterDocument(_ p: APIRoute.Parameter) -> JSONValue {
        var schema: [String: JSONValue]
        switch p.type {
        case "number", "integer", "boolean": schema = ["type": .string(p.type)]
        case "date-time": schema = ["type": .string("string"), "format": .string("date-time")]
        default: schema = ["type": .string("string")]
        }
        if let minimum = p.minimum { schema["minimum"] = .number(minimum) }
        if let maximum = p.maximum { schema["maximum"] = .number(maximum) }
        if let pattern = p.pattern { schema["pattern"] = .string(pattern) }
        if let value = p.defaultValue { schema["default"] = .number(value) }
        if !p.values.isEmpty { schema["enum"] = .array(p.values.map(JSONValue.string)) }
        if p.repeatable { schema = ["type": .string("array"), "items": .object(schema)] }
        var o: [String: JSONValue] = [
            "name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required),
            "description": .string(p.description), "schema": .object(schema),
        ]
        if p.repeatable { o["explode"] = .bool(true); o["style"] = .string("form") }
        return .object(o)
    }

    /// A response: each media type with its schema, the first with the example.
    private static func responseDocument(_ o: APIRoute.Outcome) -> JSONValue {
        var content: [String: JSONValue] = [:]
        for (i, type) in o.mediaTypes.enumerated() {
            var media: [String: JSONValue] = [:]
            if let schema = o.documentedSchema(for: type) { media["schema"] = schema.json }
            if i == 0, let example = o.example ?? Self.problemExample(o, type: type) { media["example"] = example }
            content[type] = .object(media)
        }
        var response: [String: JSONValue] = ["description": .string(o.description), "content": .object(content)]
        if content.isEmpty { response.removeValue(forKey: "content") }
        return .object(response)
    }

    /// A problem answer's example, made from its status and description.
    private static func problemExample(_ o: APIRoute.Outcome, type: String) -> JSONValue? {
        guard type == "application/problem+json" else { return nil }
        return .object([
            "type": .string("tag:wangge,2026:problem:\(APISchemas.problemKind(o.status))"),
            "title": .string(APISchemas.problemTitle(o.status)), "status": .number(Double(o.status)),
            "detail": .string(o.description),
        ])
    }

    /// The schema of a body media type without one declared: text is a string.
    static func defaultSchema(_ type: String) -> JSONSchema {
        type.hasPrefix("text/") || type == "application/x-www-form-urlencoded" ? .string : .any
    }

    /// The first path segment after the version: the group of the route in the document.
    private static func tag(of path: String) -> String {
        let parts = path.split(separator: "/")
        if parts.first == "v1" { return parts.dropFirst().first.map(String.init) ?? "v1" }
        return parts.first.map(String.init) ?? "pages"
    }

    /// For a route without ``APIRoute/operationId``: method and path in camel case.
    static func fallbackOperationId(_ route: APIRoute) -> String {
        let words = route.path.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        return route.method.rawValue.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The statuses every route may answer besides its own: 400 for a malformed query string,
    /// 401 and 403 for every route behind a token, 503 when the server is stopping.
    func commonOutcomes(_ route: APIRoute) -> [APIRoute.Outcome] {
        let given = Set(route.outcomes.map(\.status))
        let problem = ["application/problem+json"]
        var common = [
            APIRoute.Outcome(
                status: 400,
                description: "A malformed query string (raw non-ASCII bytes, a broken percent escape, invalid UTF-8) or an unusable parameter.",
                mediaTypes: problem)
        ]
        if let role = route.role {
            common += [
                APIRoute.Outcome(status: 401, description: "No valid token.", mediaTypes: problem),
                APIRoute.Outcome(status: 403, description: "The token's role is below \(role.rawValue).", mediaTypes: problem),
            ]
        }
        common.append(
            APIRoute.Outcome(
                status: 503, description: "The server is stopping, or the request outlived the server's request timeout (Retry-After).",
                mediaTypes: problem))
        return common.filter { !given.contains($0.status) }
    }
}

extension APIRoute.Outcome {
    /// The schema answered in `mediaType`: declared, or the default of the type.
    func documentedSchema(for mediaType: String) -> JSONSchema? {
        if let declared = schemas[mediaType] { return declared }
        switch mediaType {
        case "application/json": return schema
        case "application/problem+json": return .ref("Problem")
        case "application/geo+json": return .ref("FeatureCollection")
        case _ where mediaType.hasPrefix("text/"): return .string
        default: return nil
        }
    }
}
