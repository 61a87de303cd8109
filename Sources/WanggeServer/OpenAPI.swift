import WanggeCore

extension WanggeService {
    /// The OpenAPI 3.1 document of ``routes``: every route, parameter, body and response.
    func openAPIDocument() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            var operation: [String: JSONValue] = [
                "summary": .string(route.summary),
                "operationId": .string(route.method.rawValue.lowercased() + route.path.split(separator: "/").map { $0.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "") }.joined(separator: "_").replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")),
                "parameters": .array(route.parameters.map { p in
                    var schema: [String: JSONValue]
                    switch p.type {
                    case "number", "integer", "boolean": schema = ["type": .string(p.type)]
                    case "date-time": schema = ["type": .string("string"), "format": .string("date-time")]
                    default: schema = ["type": .string("string")]
                    }
                    if !p.values.isEmpty { schema["enum"] = .array(p.values.map(JSONValue.string)) }
                    if p.repeatable { schema = ["type": .string("array"), "items": .object(schema)] }
                    return .object(["name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required),
                                    "description": .string(p.description), "schema": .object(schema)])
                }),
                "responses": .object(Dictionary(uniqueKeysWithValues: (route.outcomes + commonOutcomes(route)).map { o in
                    (String(o.status), JSONValue.object(["description": .string(o.description),
                                                          "content": .object(Dictionary(uniqueKeysWithValues: o.mediaTypes.map { ($0, JSONValue.object([:])) }))]))
                })),
            ]
            if let role = route.role {
                operation["security"] = .array([.object(["bearer": .array([])])])
                operation["x-wangge-role"] = .string(role.rawValue)
            } else {
                operation["security"] = .array([])
            }
            if !route.bodyTypes.isEmpty {
                operation["requestBody"] = .object(["required": .bool(true), "content": .object(Dictionary(uniqueKeysWithValues: route.bodyTypes.map { ($0, JSONValue.object([:])) }))])
            }
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = .object(operation)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("Wangge"), "version": .string("1"),
                             "description": .string("Grid-management analytics: route 12345 work orders to their grid cell and responsible unit; hot spots, recurrence, lights, KPIs; GeoJSON layers. Every route is also a `wangge` command with the same parameters. Errors are application/problem+json (RFC 9457).")]),
            "components": .object(["securitySchemes": .object(["bearer": .object(["type": .string("http"), "scheme": .string("bearer"),
                                                                                   "description": .string("A token from `wangge token create --role reader|operator|admin`.")])])]),
            "paths": .object(paths.mapValues { .object($0) }),
        ])
    }

    /// 401 and 403 for every route behind a token.
    private func commonOutcomes(_ route: APIRoute) -> [APIRoute.Outcome] {
        guard route.role != nil else { return [] }
        let given = Set(route.outcomes.map(\.status))
        return [APIRoute.Outcome(status: 401, description: "No valid token.", mediaTypes: ["application/problem+json"]),
                APIRoute.Outcome(status: 403, description: "The token's role is below \(route.role!.rawValue).", mediaTypes: ["application/problem+json"])]
            .filter { !given.contains($0.status) }
    }
}
