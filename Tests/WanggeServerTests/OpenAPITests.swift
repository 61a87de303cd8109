import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import WanggeCore
@testable import WanggeServer

/// The API document is complete enough for generated clients and schemathesis: names,
/// schemas, descriptions, statuses the handlers really answer.
@Suite struct OpenAPITests {
    /// Every `$ref` in `value`.
    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let o): return (o["$ref"]?.text.map { [$0] } ?? []) + o.values.flatMap(references)
        case .array(let a): return a.flatMap(references)
        default: return []
        }
    }

    @Test func everyOperationIsNamedAndEveryAnswerHasASchema() async throws {
        let fixture = try ServerFixture()
        // Declared in the route table, not made up by the document.
        let ids = fixture.service.routes.map(\.operationId)
        #expect(ids.allSatisfy { id in !id.isEmpty && id.first!.isLowercase && id.allSatisfy { $0.isLetter || $0.isNumber } }, "\(ids)")
        #expect(Set(ids).count == ids.count, "operationIds are unique")
        #expect(ids.contains("assignOrder") && ids.contains("listHotspots") && ids.contains("storeOrders"))
        try await fixture.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get, headers: fixture.headers(.reader)).json
            #expect(document["info"]?["version"] == .string(WanggeVersion.number))
            #expect(document["servers"]?.array.isEmpty == false)
            guard case .object(let schemas)? = document["components"]?["schemas"], case .object(let paths)? = document["paths"] else {
                Issue.record("no components.schemas or paths"); return
            }
            for name in [
                "Assignment", "Order", "OrderEvent", "Problem", "RejectedRow", "CellFeatureCollection", "GiStarRow", "KPIRow", "QueryRows",
                "GeocodeAnswer",
            ] {
                #expect(schemas[name] != nil, "components.schemas.\(name)")
            }
            for reference in Self.references(in: document) {
                #expect(reference.hasPrefix("#/components/schemas/") && schemas[String(reference.dropFirst(21))] != nil, "unresolved \(reference)")
            }
            var bodies = 0
            for (path, operations) in paths {
                guard case .object(let methods) = operations else { continue }
                for (method, operation) in methods {
                    let name = "\(method.uppercased()) \(path)"
                    #expect(operation["operationId"]?.text?.isEmpty == false, "\(name)")
                    guard case .object(let responses)? = operation["responses"] else { Issue.record("\(name): no responses"); continue }
                    for (status, response) in responses {
                        #expect(response["description"]?.text?.isEmpty == false, "\(name) \(status): description")
                        guard case .object(let content)? = response["content"] else { continue }
                        for (type, media) in content {
                            #expect(media["schema"] != nil, "\(name) \(status) \(type): schema")
                        }
                    }
                    if case .object(let body)? = operation["requestBody"]?["content"] {
                        bodies += 1
                        for (type, media) in body { #expect(media["schema"] != nil, "\(name) body \(type): schema") }
                    }
                }
            }
            #expect(
                bodies == 6, "POST /v1/orders, POST …/events, PUT /v1/layers/{layer}, POST /login, POST /open311/v2/requests.json|xml, and no other")
            // The users' tools: OGC API – Features, Open311 and tiles, with their own schemas.
            for (path, method, id) in [
                ("/ogcapi", "get", "getLandingPage"), ("/ogcapi/conformance", "get", "getConformance"),
                ("/ogcapi/collections", "get", "listCollections"), ("/ogcapi/collections/{collectionId}", "get", "getCollection"),
                ("/ogcapi/collections/{collectionId}/items", "get", "getFeatures"),
                ("/ogcapi/collections/{collectionId}/items/{featureId}", "get", "getFeature"),
                ("/open311/v2/discovery.json", "get", "getOpen311Discovery"), ("/open311/v2/services.json", "get", "listOpen311Services"),
                ("/open311/v2/requests.json", "get", "listServiceRequests"), ("/open311/v2/requests/{id}.json", "get", "getServiceRequest"),
                ("/open311/v2/requests.json", "post", "createServiceRequest"), ("/open311/v2/requests.xml", "post", "createServiceRequestXml"),
                ("/v1/tiles/{layer}/{z}/{x}/{y}.mvt", "get", "getTile"),
            ] {
                #expect(paths[path]?[method]?["operationId"] == .string(id), "\(method) \(path)")
            }
            let items = paths["/ogcapi/collections/{collectionId}/items"]?["get"]
            #expect(
                items?["responses"]?["200"]?["content"]?["application/geo+json"]?["schema"]?["$ref"]
                    == .string("#/components/schemas/OGCFeatureCollection"))
            let limit = items?["parameters"]?.array.first { $0["name"] == .string("limit") }
            #expect(
                limit?["schema"]?["maximum"] == .number(10_000) && limit?["schema"]?["default"] == .number(100)
                    && limit?["schema"]?["minimum"] == .number(1))
            for name in [
                "OGCFeatureCollection", "OGCCollection", "OGCCollections", "OGCLandingPage", "OGCConformance",
                "Open311Service", "Open311ServiceRequest", "Open311RequestAnswer", "Open311Error", "Open311RequestForm",
            ] {
                #expect(schemas[name] != nil, "components.schemas.\(name)")
            }
            let post = paths["/open311/v2/requests.json"]?["post"]
            #expect(
                post?["requestBody"]?["content"]?["application/x-www-form-urlencoded"]?["schema"]?["$ref"]
                    == .string("#/components/schemas/Open311RequestForm"))
            #expect(
                post?["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["items"]?["$ref"]
                    == .string("#/components/schemas/Open311RequestAnswer"))
            let services = paths["/open311/v2/services.json"]?["get"]?["parameters"]?.array ?? []
            #expect(services.contains { $0["name"] == .string("api_key") && $0["in"] == .string("query") })
            let xml = paths["/open311/v2/requests.xml"]?["get"]?["responses"]?["200"]?["content"]?["text/xml"]?["schema"]?["type"]
            #expect(xml == .string("string"))
            let tile = paths["/v1/tiles/{layer}/{z}/{x}/{y}.mvt"]?["get"]
            #expect(
                tile?["responses"]?["200"]?["content"]?["application/vnd.mapbox-vector-tile"]?["schema"]?["$ref"]
                    == .string("#/components/schemas/VectorTile"))
            #expect(schemas["VectorTile"]?["format"] == .string("binary"))
            #expect((tile?["parameters"]?.array ?? []).contains { $0["name"] == .string("crs") })
        }
    }

    /// The statuses the handlers answer to common mistakes are in the document.
    @Test func mistakesAnswerDocumentedStatuses() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get, headers: fixture.headers(.reader)).json
            let cases: [(HTTPRequest.Method, String, String, String?, String?, HTTPResponse.Status)] = [
                (.get, "/v1/orders?bogus=1", "/v1/orders", nil, nil, .badRequest),
                (.post, "/v1/orders/BS2025000001/events", "/v1/orders/{id}/events", "application/json", "[1]", .unprocessableContent),
                (.post, "/v1/orders/BS2025000001/events", "/v1/orders/{id}/events", "application/json", "{", .badRequest),
                (.get, "/v1/queries/orders_by_unit?format=geojson", "/v1/queries/{name}", nil, nil, .unprocessableContent),
                (.put, "/v1/layers/orders", "/v1/layers/{layer}", "text/csv", "id\n", .notFound),
                (.get, "/v1/layers/nothing", "/v1/layers/{layer}", nil, nil, .notFound),
                (.get, "/v1/hotspots?method=gi&level=street", "/v1/hotspots", nil, nil, .badRequest),
            ]
            for (method, uri, path, type, body, expected) in cases {
                let response = try await client.execute(
                    uri: uri, method: method, headers: fixture.headers(.admin, contentType: type),
                    body: body.map { ByteBuffer(string: $0) })
                #expect(response.status == expected, "\(method) \(uri): \(response.status) \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let documented = document["paths"]?[path]?[method.rawValue.lowercased()]?["responses"]?[String(expected.code)]
                #expect(documented?["content"]?["application/problem+json"] != nil, "\(method) \(path) documents \(expected.code)")
            }
        }
    }

    @Test func healthAndMetricsCarryTheVersion() async throws {
        let fixture = try ServerFixture()
        try await fixture.test { client in
            let health = try await client.execute(uri: "/health", method: .get).json
            #expect(health["version"] == .string(WanggeVersion.number))
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: fixture.headers(.reader)).text
            #expect(metrics.contains("wangge_build_info{version=\"\(WanggeVersion.number)\""))
        }
    }
}
