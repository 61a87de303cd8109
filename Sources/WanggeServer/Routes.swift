import Hummingbird
import WanggeCore
import WanggeStore

/// One route of the API: what the router serves and what `GET /openapi.json` describes come
/// from the same list, so the two cannot drift apart.
struct APIRoute: Sendable {
    /// A query or path parameter, as documented.
    struct Parameter: Sendable {
        enum Location: String, Sendable { case query, path }
        var name: String
        var location: Location = .query
        var type: String = "string"
        var required = false
        var values: [String] = []
        var repeatable = false
        var description: String
        /// Bounds of a number, and a pattern of a string, as documented (the handler checks them).
        var minimum: Double? = nil
        var maximum: Double? = nil
        var pattern: String? = nil
        /// The value used when the parameter is absent, as documented (`default`).
        var defaultValue: Double? = nil
    }

    /// A response, as documented.
    struct Outcome: Sendable {
        var status: Int
        var description: String
        var mediaTypes: [String] = ["application/json"]
        /// The schema of the `application/json` answer.
        var schema: JSONSchema? = nil
        /// The schemas of other JSON media types (`application/geo+json`: a generic
        /// FeatureCollection when not given). Text types are strings, problem+json a Problem.
        var schemas: [String: JSONSchema] = [:]
        /// An example of the first media type's answer.
        var example: JSONValue? = nil
    }

    let method: HTTPRequest.Method
    /// OpenAPI template, e.g. `/v1/orders/{id}`.
    let path: String
    /// The least role allowed; nil: open to all (`/health`).
    let role: Role?
    let summary: String
    /// The stable name of the operation in the API document (`assignOrder`, `listHotspots`):
    /// what generated clients call their methods.
    var operationId = ""
    var parameters: [Parameter] = []
    /// Accepted request media types (POST, PUT).
    var bodyTypes: [String] = []
    /// The schema of each body media type (text types default to a string).
    var bodySchemas: [String: JSONSchema] = [:]
    /// An example body per media type (a CSV body: a string).
    var bodyExamples: [String: JSONValue] = [:]
    var outcomes: [Outcome]
    /// A page for people: without a token, a redirect to the login form instead of a 401.
    var loginPage = false
    let handler: @Sendable (Request, WanggeContext) async throws -> Response

    /// Whether `path` (a concrete request path) fits this route's template.
    func matches(_ requestPath: String) -> Bool {
        let template = path.split(separator: "/", omittingEmptySubsequences: false)
        let actual = requestPath.split(separator: "/", omittingEmptySubsequences: false)
        guard template.count == actual.count else { return false }
        return zip(template, actual).allSatisfy { t, a in t.hasPrefix("{") ? !a.isEmpty : t == a }
    }

    /// The template in Hummingbird's syntax (`{id}` is accepted as is).
    var routerPath: RouterPath { RouterPath(path) }
}

extension APIRoute.Parameter {
    /// The same parameter with the bounds its handler enforces.
    func bounded(_ minimum: Double?, _ maximum: Double? = nil) -> Self {
        var p = self
        p.minimum = minimum
        p.maximum = maximum
        return p
    }
    /// The same parameter with the value its handler uses when it is absent.
    func defaulting(to value: Double) -> Self {
        var p = self
        p.defaultValue = value
        return p
    }
    static func path(_ name: String, _ description: String, values: [String] = []) -> Self {
        .init(name: name, location: .path, required: true, values: values, description: description)
    }
    static func query(
        _ name: String, _ type: String, required: Bool = false, values: [String] = [],
        repeatable: Bool = false, _ description: String
    ) -> Self {
        .init(name: name, type: type, required: required, values: values, repeatable: repeatable, description: description)
    }
    static func query(_ name: String, required: Bool = false, values: [String] = [], repeatable: Bool = false, _ description: String) -> Self {
        .init(name: name, type: "string", required: required, values: values, repeatable: repeatable, description: description)
    }
}
