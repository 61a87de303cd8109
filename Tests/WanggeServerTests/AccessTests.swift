import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
import WanggeStore
@testable import WanggeServer

/// One example request per route: the route table, the OpenAPI document and these examples
/// must list the same routes.
let examples: [String: (uri: String, contentType: String?, body: String?)] = [
    "GET /": ("/?measure=gi&from=2025-01-01&to=2025-04-01", nil, nil),
    "GET /v1/sheet": ("/v1/sheet?date=2025-03-03&format=csv", nil, nil),
    "GET /login": ("/login", nil, nil),
    "POST /login": ("/login", "application/x-www-form-urlencoded", "token=READER&next=%2F%3Fmeasure%3Dgi"),
    "GET /health": ("/health", nil, nil),
    "GET /metrics": ("/metrics", nil, nil),
    "GET /openapi.json": ("/openapi.json", nil, nil),
    "GET /v1/assign": ("/v1/assign?lon=121.404567&lat=31.305585&category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA", nil, nil),
    "GET /v1/geocode": ("/v1/geocode?address=%E5%9C%BA%E4%B8%AD%E8%B7%AF825%E5%8F%B7", nil, nil),
    "POST /v1/orders": (
        "/v1/orders", "application/json",
        #"{"id":"T-1","lon":121.4045,"lat":31.3055,"category":"暴露垃圾","received_at":"2025-06-01T08:00:00+08:00"}"#
    ),
    "GET /v1/orders": ("/v1/orders?status=invalid", nil, nil),
    "GET /v1/orders/{id}": ("/v1/orders/BS2025000001", nil, nil),
    "POST /v1/orders/{id}/events": (
        "/v1/orders/BS2025000001/events", "application/json",
        #"{"status":"dispatched","at":"2025-01-01T08:00:00+08:00","note":"派单"}"#
    ),
    "GET /v1/hotspots": ("/v1/hotspots?level=street", nil, nil),
    "GET /v1/recurrence": ("/v1/recurrence?level=street", nil, nil),
    "GET /v1/lights": ("/v1/lights?as-of=2025-03-01T00:00:00%2B08:00", nil, nil),
    "GET /v1/kpi": ("/v1/kpi?from=2025-01-01T00:00:00%2B08:00&to=2025-04-01T00:00:00%2B08:00", nil, nil),
    "GET /v1/trend": ("/v1/trend?from=2025-01-06T00:00:00%2B08:00&to=2025-03-03T00:00:00%2B08:00&by=street", nil, nil),
    "GET /v1/layers/{layer}": ("/v1/layers/points", nil, nil),
    "PUT /v1/layers/{layer}": ("/v1/layers/rules", "text/csv", nil),
    "GET /v1/queries": ("/v1/queries", nil, nil),
    "GET /v1/queries/{name}": ("/v1/queries/orders_by_unit", nil, nil),
    "GET /ogcapi": ("/ogcapi", nil, nil),
    "GET /ogcapi/conformance": ("/ogcapi/conformance", nil, nil),
    "GET /ogcapi/collections": ("/ogcapi/collections", nil, nil),
    "GET /ogcapi/collections/{collectionId}": ("/ogcapi/collections/orders", nil, nil),
    "GET /ogcapi/collections/{collectionId}/items": ("/ogcapi/collections/cells/items?limit=5", nil, nil),
    "GET /ogcapi/collections/{collectionId}/items/{featureId}": ("/ogcapi/collections/orders/items/BS2025000001", nil, nil),
    "GET /v1/tiles/{layer}/{z}/{x}/{y}.mvt": ("/v1/tiles/cells/13/6858/3345.mvt", nil, nil),
    // Open311 checks its own credentials (api_key, as 311 clients send it; or a bearer token).
    "GET /open311/v2/discovery.json": ("/open311/v2/discovery.json", nil, nil),
    "GET /open311/v2/discovery.xml": ("/open311/v2/discovery.xml", nil, nil),
    "GET /open311/v2/services.json": ("/open311/v2/services.json?api_key=READER", nil, nil),
    "GET /open311/v2/services.xml": ("/open311/v2/services.xml?api_key=READER", nil, nil),
    "GET /open311/v2/requests.json": ("/open311/v2/requests.json?api_key=READER", nil, nil),
    "GET /open311/v2/requests.xml": ("/open311/v2/requests.xml?api_key=READER", nil, nil),
    "GET /open311/v2/requests/{id}.json": ("/open311/v2/requests/BS2025000001.json?api_key=READER", nil, nil),
    "GET /open311/v2/requests/{id}.xml": ("/open311/v2/requests/BS2025000001.xml?api_key=READER", nil, nil),
    "POST /open311/v2/requests.json": (
        "/open311/v2/requests.json", "application/x-www-form-urlencoded",
        "api_key=OPERATOR&service_code=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA&lat=31.305585&long=121.404567"
    ),
    "POST /open311/v2/requests.xml": (
        "/open311/v2/requests.xml", "application/x-www-form-urlencoded",
        "api_key=OPERATOR&service_code=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA&address_string=%E9%95%BF%E6%B1%9F%E8%A5%BF%E8%B7%AF327%E5%8F%B7"
    ),
]

@Suite struct AccessTests {
    @Test func openAPIDocumentsExactlyTheServedRoutes() async throws {
        let fixture = try ServerFixture()
        let served = Set(fixture.service.routes.map { "\($0.method.rawValue) \($0.path)" })
        try await fixture.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get, headers: fixture.headers(.reader)).json
            #expect(document["openapi"] == .string("3.1.0"))
            guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return }
            var documented: Set<String> = []
            for (path, operations) in paths {
                guard case .object(let methods) = operations else { continue }
                for (method, operation) in methods {
                    documented.insert("\(method.uppercased()) \(path)")
                    // Every parameter is described, every response has a description.
                    for p in operation["parameters"]?.array ?? [] { #expect(p["description"]?.text?.isEmpty == false) }
                    guard case .object(let responses)? = operation["responses"] else { Issue.record("\(method) \(path): no responses"); continue }
                    #expect(responses.keys.contains { $0.hasPrefix("2") || $0.hasPrefix("3") }, "\(method) \(path) documents its success")
                    #expect(responses.values.allSatisfy { $0["description"]?.text?.isEmpty == false })
                }
            }
            #expect(documented == served)
            #expect(Set(examples.keys) == served, "every route needs an example request in AccessTests")
            // A path the router does not serve is a 404 problem.
            let missing = try await client.execute(uri: "/v1/nothing", method: .get, headers: fixture.headers(.admin))
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
    }

    /// Every route, every role: 401 without a token, 403 below the route's role, 2xx at or above.
    @Test func everyRouteChecksEveryRole() async throws {
        let fixture = try ServerFixture()
        let routes = fixture.service.routes
        let rules = try String(contentsOf: ServerFixture.root.appendingPathComponent("GeoData/baoshan/rules.csv"), encoding: .utf8)
        try await fixture.test { client in
            for route in routes {
                let key = "\(route.method.rawValue) \(route.path)"
                let example = try #require(examples[key])
                let body = (example.body ?? (route.method == .put ? rules : nil))?.replacingOccurrences(of: "READER", with: fixture.tokens[.reader]!)
                    .replacingOccurrences(of: "OPERATOR", with: fixture.tokens[.operator]!)
                let uri = example.uri.replacingOccurrences(of: "READER", with: fixture.tokens[.reader]!)
                func send(_ role: Role?, token: String? = nil) async throws -> TestResponse {
                    var headers = fixture.headers(role, contentType: example.contentType)
                    if let token { headers[.authorization] = "Bearer \(token)" }
                    return try await client.execute(uri: uri, method: route.method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                }
                let anonymous = try await send(nil)
                if route.role == nil {
                    #expect((200 ..< 400).contains(Int(anonymous.status.code)), "\(key) is open")
                } else if route.loginPage {
                    #expect(anonymous.status == .seeOther, "\(key) without a token: to the login form")
                    #expect(anonymous.headers[.location]?.hasPrefix("/login?next=") == true)
                } else {
                    #expect(anonymous.status == .unauthorized, "\(key) without a token")
                    #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="wangge""#)
                    #expect(anonymous.json["status"] == .number(401))
                    let forged = try await send(nil, token: "wg_" + String(repeating: "0", count: 64))
                    #expect(forged.status == .unauthorized, "\(key) with an unknown token")
                }
                for role in Role.allCases {
                    let response = try await send(role)
                    if let required = route.role, role < required {
                        #expect(response.status == .forbidden, "\(key) as \(role.rawValue)")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    } else {
                        #expect(
                            (200 ..< (route.role == nil ? 400 : 300)).contains(Int(response.status.code)),
                            "\(key) as \(role.rawValue): \(response.status.code) \(response.text.prefix(300))")
                    }
                }
            }
        }
    }

    @Test func publicReadOpensGetsOnly() async throws {
        let fixture = try ServerFixture(publicRead: true)
        try await fixture.test { client in
            let get = try await client.execute(uri: "/v1/hotspots?level=street", method: .get)
            #expect(get.status == .ok)
            let post = try await client.execute(
                uri: "/v1/orders", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: examples["POST /v1/orders"]!.body!))
            #expect(post.status == .unauthorized)
        }
    }

    @Test func revokedTokensStopWorking() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            #expect(try await client.execute(uri: "/v1/queries", method: .get, headers: fixture.headers(.reader)).status == .ok)
            try WanggeStore(path: fixture.service.configuration.databasePath).revokeToken(name: "test-reader")
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.execute(uri: "/v1/queries", method: .get, headers: fixture.headers(.reader)).status == .unauthorized)
        }
    }

    @Test func loginSetsTheCookieThePageAccepts() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let refused = try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=wg_nothing"))
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("令牌无效"))
            let accepted = try await client.execute(
                uri: "/login", method: .post, headers: form,
                body: ByteBuffer(string: "token=\(fixture.tokens[.reader]!)&next=https://evil.example/"))
            #expect(accepted.status == .seeOther)
            #expect(accepted.headers[.location] == "/")
            let cookie = try #require(accepted.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: String(cookie.split(separator: ";")[0])])
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.text.contains("<svg"))
            // A cookie, even an operator's, does not let a browser write.
            let operatorLogin = try await client.execute(
                uri: "/login", method: .post, headers: form,
                body: ByteBuffer(string: "token=\(fixture.tokens[.operator]!)"))
            let operatorCookie = String(try #require(operatorLogin.headers[.setCookie]).split(separator: ";")[0])
            let post = try await client.execute(
                uri: "/v1/orders", method: .post, headers: [.cookie: operatorCookie, .contentType: "application/json"],
                body: ByteBuffer(string: examples["POST /v1/orders"]!.body!))
            #expect(post.status == .unauthorized)
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let response = try await client.execute(uri: "/v1/orders", method: .delete, headers: fixture.headers(.admin))
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == "POST, GET, HEAD")
            #expect(response.json["title"] == .string("Method not allowed"))
            // The 405 is counted under its route, not as an unknown path.
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.reader))
            let text = String(buffer: metrics.body)
            #expect(text.contains(#"wangge_http_requests_total{route="/v1/orders",method="DELETE",status="405"} 1"#))
            #expect(!text.contains("NotFound"))
        }
    }

    @Test func headAnswersEveryGETRouteWithoutABody() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            for uri in ["/health", "/v1/layers/cells", "/v1/hotspots", "/openapi.json"] {
                let response = try await client.execute(uri: uri, method: .head, headers: fixture.headers(.reader))
                #expect(response.status == .ok, "HEAD \(uri)")
                #expect(response.body.readableBytes == 0, "HEAD \(uri)")
            }
        }
    }

    @Test func healthAnswersWhateverTokenIsSent() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let bearer = try await client.execute(uri: "/health", method: .get, headers: [.authorization: "Bearer not-a-token"])
            #expect(bearer.status == .ok)
            let cookie = try await client.execute(uri: "/health", method: .get, headers: [.cookie: "wangge_token=revoked-or-unknown"])
            #expect(cookie.status == .ok)
            let malformed = try await client.execute(uri: "/health", method: .get, headers: [.authorization: "Basic eDp5"])
            #expect(malformed.status == .ok)
            // Elsewhere a bad token is still refused.
            let refused = try await client.execute(uri: "/v1/hotspots", method: .get, headers: [.authorization: "Bearer not-a-token"])
            #expect(refused.status == .unauthorized)
        }
    }
}
