import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations
import WanggeStore

/// OGC API – Features Part 1 (Core, GeoJSON, OpenAPI 3.0) at ``FeatureAPI/base``, over the
/// layers of `GET /v1/layers/{layer}` and through the same export (`wangge export`): QGIS and
/// GDAL open `OAPIF:http://host/ogcapi`. Items are paged (`limit`, `offset`, `next` links) with
/// `numberMatched`; orders take `datetime`. Read like `/v1/layers` (reader role, open under
/// `--public-read`).
enum FeatureAPI {
    static let base = "/ogcapi"
    /// Features per page without `limit`.
    static let defaultLimit = 100
    /// Features per page at most: a larger `limit` is answered with this many (as the standard
    /// asks), the `next` link leading on.
    static let maximumLimit = 10_000
    static let crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    static let conformance = [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]
    /// Each collection's title and description.
    static let collections: [(layer: ExportParameters.LayerName, title: String, description: String)] = [
        (.cells, "Grid cells (单元网格)", "The unit grid cells, by 15-digit code, with their community and street."),
        (.zones, "Responsibility zones (责任区)", "Zones and the unit responsible in each."),
        (.points, "Inspection points (测评点位)", "Inspection points: points, lines or polygons (filter with geometry=point|line|polygon)."),
        (.orders, "Work orders (12345 工单)", "Located work orders with their routing; datetime filters received_at."),
        (.addresses, "Standard addresses (标准地址库)", "Doors, places and shops of the address gazetteer."),
    ]
    /// Each collection's filters, as on `GET /v1/layers/{layer}`.
    static let filters: [ExportParameters.LayerName: [String]] = [
        .cells: ["street", "community"], .zones: ["kind", "unit"], .points: ["type", "geometry"], .addresses: ["kind"],
        .orders: ["category", "cell", "unit", "status", "from", "to", "datetime"],
    ]
}

extension WanggeService {
    var featureRoutes: [APIRoute] {
        let problem = ["application/problem+json"]
        let json = ["application/json"]
        let format = APIRoute.Parameter.query("f", values: ["json"], "The representation: JSON (GeoJSON for features), the only one.")
        let collection = APIRoute.Parameter.path("collectionId", "The collection (a layer).", values: FeatureAPI.collections.map(\.layer.rawValue))
        let bad = APIRoute.Outcome(
            status: 400, description: "A parameter is unknown or unusable (bbox, limit, offset, datetime, crs, a filter).", mediaTypes: problem)
        let missing = APIRoute.Outcome(status: 404, description: "No such collection, or no such feature in it.", mediaTypes: problem)
        let busy = APIRoute.Outcome(
            status: 503,
            description: "Every heavy worker busy and the queue full (Retry-After), or the request outlived the server's request timeout.",
            mediaTypes: problem)
        let base = FeatureAPI.base
        return [
            APIRoute(
                method: .get, path: base, role: .reader,
                summary: "OGC API – Features landing page: links to the API document, the conformance classes and the collections.",
                operationId: "getLandingPage",
                parameters: [format],
                outcomes: [.init(status: 200, description: "The landing page.", mediaTypes: json, schema: .ref("OGCLandingPage")), bad],
                handler: { [self] request, _ in try featureLandingPage(request) }),
            APIRoute(
                method: .get, path: base + "/conformance", role: .reader,
                summary: "OGC API – Features conformance classes: Core, GeoJSON, OpenAPI 3.0.",
                operationId: "getConformance",
                parameters: [format],
                outcomes: [.init(status: 200, description: "The conformance classes.", mediaTypes: json, schema: .ref("OGCConformance")), bad],
                handler: { [self] request, _ in
                    try checkFeatureParameters(request, allowed: [])
                    return .json(.object(["conformsTo": .array(FeatureAPI.conformance.map(JSONValue.string))]))
                }),
            APIRoute(
                method: .get, path: base + "/collections", role: .reader,
                summary: "OGC API – Features collections: cells, zones, points, orders, addresses, with their extents.",
                operationId: "listCollections",
                parameters: [format],
                outcomes: [.init(status: 200, description: "The collections.", mediaTypes: json, schema: .ref("OGCCollections")), bad, busy],
                handler: { [self] request, _ in try await featureCollections(request, only: nil) }),
            APIRoute(
                method: .get, path: base + "/collections/{collectionId}", role: .reader,
                summary: "One OGC API – Features collection: its extent (spatial; temporal for orders), CRS and links.",
                operationId: "getCollection",
                parameters: [collection, format],
                outcomes: [.init(status: 200, description: "The collection.", mediaTypes: json, schema: .ref("OGCCollection")), bad, missing, busy],
                handler: { [self] request, context in
                    try await featureCollections(request, only: try featureLayer(try pathParameter("collectionId", context)))
                }),
            APIRoute(
                method: .get, path: base + "/collections/{collectionId}/items", role: .reader,
                summary:
                    "A page of a collection's features as GeoJSON, with numberMatched, numberReturned and next/prev/self/alternate links, streamed (as `wangge export`).",
                operationId: "getFeatures",
                parameters: [
                    collection,
                    .query("bbox", "minLon,minLat,maxLon,maxLat (CRS84): features whose envelope meets the box."),
                    .query(
                        "limit", "integer",
                        "Features per page: 1 to \(FeatureAPI.maximumLimit) (default \(FeatureAPI.defaultLimit); a larger value is answered with \(FeatureAPI.maximumLimit))."
                    )
                    .bounded(1, Double(FeatureAPI.maximumLimit)).defaulting(to: Double(FeatureAPI.defaultLimit)),
                    .query("offset", "integer", "Features to skip (the next link sets it).").bounded(0),
                    .query("datetime", "orders: received at an RFC 3339 instant, or within a closed interval start/end (.. for an open end)."),
                    .query(
                        "crs", values: OutputCRS.allCases.map(\.rawValue),
                        "Output coordinates: wgs84 (CRS84, default), gcj02 (高德/腾讯) or bd09 (百度), the latter two marked by a crs_note member."),
                    .query("street", "cells: only this street/town code."), .query("community", "cells: only this community code."),
                    .query("kind", "zones, addresses: only this kind."), .query("unit", "zones, orders: only this unit id."),
                    .query("type", "points: only this type."),
                    .query(
                        "geometry", values: ExportParameters.PointGeometry.allCases.map(\.rawValue), "points: only points drawn as this geometry."),
                    .query("cell", "orders: only this primary cell."),
                    .query("status", values: OrderStatus.allCases.map(\.rawValue), "orders: only this handling status."),
                    .query("from", "date-time", "orders: received at or after."), .query("to", "date-time", "orders: received before."),
                    .query("category", repeatable: true, "orders: only this category (repeatable)."),
                    format,
                ],
                outcomes: [
                    .init(
                        status: 200, description: "The page of features.", mediaTypes: ["application/geo+json"],
                        schemas: ["application/geo+json": .ref("OGCFeatureCollection")]), bad, missing, busy,
                ],
                handler: { [self] request, context in
                    try await featureItems(request, layer: try featureLayer(try pathParameter("collectionId", context)))
                }),
            APIRoute(
                method: .get, path: base + "/collections/{collectionId}/items/{featureId}", role: .reader,
                summary: "One feature by its id (cell code; zone, point, order or address id) as GeoJSON.",
                operationId: "getFeature",
                parameters: [
                    collection, .path("featureId", "The feature's id."),
                    .query("crs", values: OutputCRS.allCases.map(\.rawValue), "Output coordinates (as for items)."), format,
                ],
                outcomes: [
                    .init(
                        status: 200, description: "The feature.", mediaTypes: ["application/geo+json"],
                        schemas: ["application/geo+json": .ref("OGCFeature")]), bad, missing, busy,
                ],
                handler: { [self] request, context in
                    try await featureItem(
                        request, layer: try featureLayer(try pathParameter("collectionId", context)),
                        id: try pathParameter("featureId", context))
                }),
        ]
    }

    // MARK: Handlers

    private func featureLandingPage(_ request: Request) throws -> Response {
        try checkFeatureParameters(request, allowed: [])
        let root = featureRoot(request)
        return .json(
            .object([
                "title": .string("Wangge (网格) grid-management layers"),
                "description": .string(
                    "The district's grid cells, responsibility zones, inspection points, standard addresses and located work orders as OGC API – Features."
                ),
                "links": .array([
                    Self.link(root + FeatureAPI.base, "self", "application/json", "This page"),
                    Self.link(root + "/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.0", "The API definition"),
                    Self.link(root + FeatureAPI.base + "/conformance", "conformance", "application/json", "Conformance classes"),
                    Self.link(root + FeatureAPI.base + "/collections", "data", "application/json", "The collections"),
                ]),
            ]))
    }

    private func featureCollections(_ request: Request, only: ExportParameters.LayerName?) async throws -> Response {
        try checkFeatureParameters(request, allowed: [])
        let pool = self.pool
        let extents = try await pool.reading { store in try pool.catalog.run("layer_extents", parameters: [:], on: store).rows }
        let root = featureRoot(request)
        var byLayer: [String: [SQLValue]] = [:]
        for row in extents { byLayer[row[0].string ?? ""] = row }
        func describe(_ entry: (layer: ExportParameters.LayerName, title: String, description: String)) -> JSONValue {
            let url = root + FeatureAPI.base + "/collections/" + entry.layer.rawValue
            var extent: [String: JSONValue] = [:]
            if let row = byLayer[entry.layer.rawValue], let a = row[1].double, let b = row[2].double, let c = row[3].double, let d = row[4].double {
                extent["spatial"] = .object(["bbox": .array([.array([a, b, c, d].map(JSONValue.number))]), "crs": .string(FeatureAPI.crs84)])
            }
            if entry.layer == .orders {
                let row = byLayer["orders"]
                let interval = [row?[5].double, row?[6].double].map { $0.map { JSONValue.string(Self.rfc3339($0)) } ?? .null }
                extent["temporal"] = .object([
                    "interval": .array([.array(interval)]), "trs": .string("http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"),
                ])
            }
            return .object([
                "id": .string(entry.layer.rawValue), "title": .string(entry.title), "description": .string(entry.description),
                "itemType": .string("feature"), "extent": .object(extent),
                "crs": .array([.string(FeatureAPI.crs84)]), "storageCrs": .string(FeatureAPI.crs84),
                "links": .array([
                    Self.link(url, only == nil ? "child" : "self", "application/json", entry.title),
                    Self.link(url + "/items", "items", "application/geo+json", "Its features"),
                    Self.link(
                        root + "/v1/layers/" + entry.layer.rawValue, "alternate", "application/geo+json",
                        "The whole layer in one answer (wangge export)"),
                ]),
            ])
        }
        if let only, let entry = FeatureAPI.collections.first(where: { $0.layer == only }) { return .json(describe(entry)) }
        return .json(
            .object([
                "collections": .array(FeatureAPI.collections.map(describe)),
                "links": .array([Self.link(root + FeatureAPI.base + "/collections", "self", "application/json", "The collections")]),
            ]))
    }

    private func featureItems(_ request: Request, layer: ExportParameters.LayerName) async throws -> Response {
        let filters = FeatureAPI.filters[layer] ?? []
        try checkFeatureParameters(request, allowed: ["bbox", "limit", "offset", "crs"] + filters, layer: layer)
        let limit = try featureCount("limit", in: request, minimum: 1) ?? FeatureAPI.defaultLimit
        let offset = try featureCount("offset", in: request, minimum: 0) ?? 0
        let pageSize = min(limit, FeatureAPI.maximumLimit)
        var arguments = [layer.rawValue, "--limit=\(pageSize)", "--offset=\(offset)"]
        for (name, value) in request.query where !["f", "limit", "offset"].contains(name) {
            arguments.append("--\(name)=\(value)")
        }
        let command = try CommandArguments.parse(ExportParameters.self, arguments, database: configuration.databasePath)
        let pool = self.pool, snapshot = self.snapshot
        let matched = try await pool.reading(pool.heavy) { store in
            try command.matched(from: PooledData(store: store, catalog: pool.catalog, snapshot: snapshot, pool: pool))
        }
        let root = featureRoot(request)
        let itemsURL = root + FeatureAPI.base + "/collections/" + layer.rawValue + "/items"
        let kept = request.query.filter { !["f", "limit", "offset"].contains($0.name) }
        func page(_ offset: Int) -> String {
            itemsURL + "?"
                + (kept + [("limit", String(pageSize)), ("offset", String(offset))]).map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(
                    separator: "&")
        }
        let alternate =
            root + "/v1/layers/" + layer.rawValue
            + (kept.isEmpty ? "" : "?" + kept.map { "\(percentEncoded($0.name))=\(percentEncoded($0.value))" }.joined(separator: "&"))
        let stamp = Self.rfc3339(Date().timeIntervalSince1970)
        let always = [
            Self.link(page(offset), "self", "application/geo+json", "This page"),
            Self.link(alternate, "alternate", "application/geo+json", "Every matching feature in one answer (wangge export)"),
            Self.link(root + FeatureAPI.base + "/collections/" + layer.rawValue, "collection", "application/json", "The collection"),
        ]
        let next = Self.link(page(offset + pageSize), "next", "application/geo+json", "The next page")
        let prev = offset > 0 ? Self.link(page(max(0, offset - pageSize)), "prev", "application/geo+json", "The previous page") : nil
        return try await streamed(contentType: "application/geo+json", what: "OGC items of \(layer.rawValue)") { emit in
            _ = try pool.read { store in
                try command.export(
                    from: PooledData(store: store, catalog: pool.catalog, snapshot: snapshot, pool: pool),
                    members: { returned in
                        var links = always
                        if offset + returned < matched { links.append(next) }
                        if let prev { links.append(prev) }
                        return [
                            "numberMatched": .number(Double(matched)), "numberReturned": .number(Double(returned)),
                            "timeStamp": .string(stamp), "links": .array(links),
                        ]
                    }, write: emit)
            }
        }
    }

    private func featureItem(_ request: Request, layer: ExportParameters.LayerName, id: String) async throws -> Response {
        try checkFeatureParameters(request, allowed: ["crs"])
        var arguments = [layer.rawValue, "--id=\(id)", "--limit=1"]
        if let crs = request.query("crs") { arguments.append("--crs=\(crs)") }
        let command = try CommandArguments.parse(ExportParameters.self, arguments, database: configuration.databasePath)
        let pool = self.pool, snapshot = self.snapshot
        let found = try await pool.reading(pool.heavy) { store in
            var feature: JSONValue?
            try command.features(from: PooledData(store: store, catalog: pool.catalog, snapshot: snapshot, pool: pool)) { feature = $0 }
            return feature
        }
        guard case .object(var members)? = found else {
            throw Problem.notFound("no feature \(id) in collection \(layer.rawValue)")
        }
        let root = featureRoot(request)
        let collection = root + FeatureAPI.base + "/collections/" + layer.rawValue
        members["links"] = .array([
            Self.link(collection + "/items/" + percentEncoded(id), "self", "application/geo+json", "This feature"),
            Self.link(collection, "collection", "application/json", "The collection"),
        ])
        if let note = command.crs.note { members["crs_note"] = .string(note) }
        return Response(
            status: .ok, headers: [.contentType: "application/geo+json"],
            body: .init(byteBuffer: ByteBuffer(string: JSONValue.object(members).jsonText + "\n")))
    }

    // MARK: Helpers

    /// The collection named in the path: 404 naming the collections otherwise.
    func featureLayer(_ name: String) throws -> ExportParameters.LayerName {
        guard let layer = ExportParameters.LayerName(rawValue: name) else {
            throw Problem.notFound("no collection \(name); collections: \(FeatureAPI.collections.map(\.layer.rawValue).joined(separator: ", "))")
        }
        return layer
    }

    /// 400 for a parameter the resource does not take (OGC API asks for it) and for an `f`
    /// other than json.
    private func checkFeatureParameters(_ request: Request, allowed: [String], layer: ExportParameters.LayerName? = nil) throws {
        for (name, value) in request.query {
            if name == "f" {
                guard ["json", "geojson"].contains(value.lowercased()) else {
                    throw Problem.badParameter("f", "f=\(value): only json is served", expected: "json")
                }
                continue
            }
            guard allowed.contains(name) else {
                let what = layer.map { "collection \($0.rawValue)" } ?? "this resource"
                throw Problem.badParameter(name, "unknown parameter \(name); \(what) takes \((allowed + ["f"]).joined(separator: ", "))")
            }
        }
    }

    /// A non-negative integer parameter (`limit`, `offset`) of at least `minimum`; nil when absent.
    private func featureCount(_ name: String, in request: Request, minimum: Int) throws -> Int? {
        guard let text = request.query(name) else { return nil }
        guard let value = Int(text), value >= minimum else {
            throw Problem.badParameter(name, "\(name)=\(text): expected an integer of at least \(minimum)", expected: "an integer ≥ \(minimum)")
        }
        return value
    }

    /// `scheme://host` of the request, for absolute links (X-Forwarded-Proto honoured).
    private func featureRoot(_ request: Request) -> String {
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? "http"
        let host = request.head.authority ?? "localhost"
        return "\(scheme)://\(host)"
    }

    /// `text` percent-encoded for a query name, value or path segment (RFC 3986 unreserved kept).
    private func percentEncoded(_ text: String) -> String {
        var unreserved = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0) ..< Unicode.Scalar(128)))
        unreserved.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func link(_ href: String, _ rel: String, _ type: String, _ title: String) -> JSONValue {
        .object(["href": .string(href), "rel": .string(rel), "type": .string(type), "title": .string(title)])
    }

    private static func rfc3339(_ epoch: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: epoch.rounded(.down)))
    }
}
