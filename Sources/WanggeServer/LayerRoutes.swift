import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WanggeCore
import WanggeOperations
import WanggeStore

extension WanggeService {
    /// GeoJSON export for planners (as `wangge export`) and layer replacement (as `wangge import`).
    var layerRoutes: [APIRoute] {
        let problem = ["application/problem+json"]
        return [
            APIRoute(
                method: .get, path: "/v1/layers/{layer}", role: .reader,
                summary:
                    "A layer as an RFC 7946 FeatureCollection (lon/lat, CCW exteriors, ≤ 7 decimals, each feature's id at the top level), streamed.",
                operationId: "getLayer",
                parameters: [
                    .path("layer", "The layer.", values: ExportParameters.LayerName.allCases.map(\.rawValue)),
                    .query("bbox", "minLon,minLat,maxLon,maxLat (WGS84): features whose envelope meets the box."),
                    .query("street", "cells: only this street/town code."), .query("community", "cells: only this community code."),
                    .query("kind", "zones, addresses: only this kind."), .query("unit", "zones, orders: only this unit id."),
                    .query("type", "points: only this type."), .query("cell", "orders: only this primary cell."),
                    .query("status", values: OrderStatus.allCases.map(\.rawValue), "orders: only this handling status."),
                    .query("from", "date-time", "orders: received at or after."), .query("to", "date-time", "orders: received before."),
                    .query("category", repeatable: true, "orders: only this category (repeatable)."),
                    .query("datetime", "orders: received at an RFC 3339 instant or within a closed interval start/end (.. for an open end)."),
                    .query(
                        "geometry", values: ExportParameters.PointGeometry.allCases.map(\.rawValue),
                        "points: only points drawn as this geometry (a Shapefile holds one kind)."),
                    .query("id", "Only the feature with this id (cells: its code)."),
                    .query("limit", "integer", "At most this many features (default: all)."),
                    .query("offset", "integer", "Skip this many features first."),
                    .query(
                        "crs", values: OutputCRS.allCases.map(\.rawValue),
                        "Output coordinates: wgs84 (RFC 7946, default), gcj02 (高德/腾讯) or bd09 (百度), the latter two marked by a crs_note member."),
                ],
                outcomes: [
                    .init(
                        status: 200, description: "The FeatureCollection.", mediaTypes: ["application/geo+json"],
                        schemas: ["application/geo+json": APISchemas.anyLayer]),
                    .init(status: 400, description: "A parameter is unusable.", mediaTypes: problem),
                    .init(status: 404, description: "No such layer.", mediaTypes: problem),
                ],
                handler: { [self] request, context in try await exportLayer(request, layer: try pathParameter("layer", context)) }),
            APIRoute(
                method: .put, path: "/v1/layers/{layer}", role: .admin,
                summary:
                    "Replace a layer (cells, zones, points: GeoJSON; units, rules: CSV; addresses: CSV or GeoJSON), as `wangge import`: checked, stored, stored orders re-routed, the index rebuilt and swapped in — all or nothing.",
                operationId: "replaceLayer",
                parameters: [
                    .path("layer", "The layer.", values: ["cells", "zones", "points", "units", "rules", "addresses"]),
                    .query("crs", "CRS of a GeoJSON layer's coordinates (default wgs84)."),
                    .query("strict", "boolean", "Refuse warnings too (overlaps, gaps)."),
                    .query(
                        "allow-empty", "boolean",
                        "Let an empty layer (no features, a CSV header only) replace the stored one; refused (422) otherwise."),
                ],
                bodyTypes: ["application/geo+json", "application/json", "text/csv"],
                bodySchemas: ["application/geo+json": .ref("FeatureCollection"), "application/json": .ref("FeatureCollection")],
                bodyExamples: ["text/csv": .string("id,name,kind,street\nU01,大场镇城管中队,line,310113102\n")],
                outcomes: [
                    .init(
                        status: 200, description: "Imported: rows stored, orders re-routed, the new index generation.", schema: .ref("LayerImported")),
                    .init(status: 400, description: "Unreadable body or parameter.", mediaTypes: problem),
                    .init(status: 404, description: "No such layer to replace (orders: POST /v1/orders).", mediaTypes: problem),
                    .init(status: 413, description: "Body larger than --max-body.", mediaTypes: problem),
                    .init(status: 415, description: "Wrong Content-Type for the layer.", mediaTypes: problem),
                    .init(status: 422, description: "The layer failed its checks (rows: every issue); nothing changed.", mediaTypes: problem),
                ],
                handler: { [self] request, context in try await importLayer(request, layer: try pathParameter("layer", context)) }),
        ]
    }

    private func exportLayer(_ request: Request, layer: String) async throws -> Response {
        guard ExportParameters.LayerName(rawValue: layer) != nil else {
            throw Problem.notFound("no layer \(layer); layers: \(ExportParameters.LayerName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let arguments = try [layer] + CommandArguments.arguments(request, defaultFormat: nil)
        let command = try CommandArguments.parse(ExportParameters.self, arguments, database: configuration.databasePath)
        let pool = self.pool, snapshot = self.snapshot
        var headers: HTTPFields = [:]
        // Orders without a location are left out of GeoJSON: say how many, as the CLI does.
        let notices = try await pool.reading(pool.heavy) { store in
            try command.notices(from: PooledData(store: store, catalog: pool.catalog, snapshot: snapshot, pool: pool))
        }
        if let notices {
            headers[HTTPField.Name("Wangge-Orders-Without-Location")!] = String(notices.unlocated)
            if !notices.warnings.isEmpty { headers[HTTPField.Name("Wangge-Warnings")!] = asciiJSON(notices.warnings) }
        }
        return try await streamed(contentType: "application/geo+json", headers: headers, what: "export of \(layer)") { emit in
            _ = try pool.read { store in
                try command.export(from: PooledData(store: store, catalog: pool.catalog, snapshot: snapshot, pool: pool), write: emit)
            }
        }
    }

    private func importLayer(_ request: Request, layer name: String) async throws -> Response {
        guard let layer = Layer(rawValue: name), [.cells, .zones, .points, .units, .rules, .addresses].contains(layer) else {
            throw Problem.notFound("no layer \(name) to replace; PUT takes cells, zones, points, units, rules, addresses (orders: POST /v1/orders)")
        }
        try refuseUnknownParameters(request, allowed: ["crs", "strict", "allow-empty"], route: "PUT /v1/layers/{layer}")
        let strict = try flag("strict", in: request)
        let allowEmpty = try flag("allow-empty", in: request)
        let crs = request.query("crs")
        let isGeoJSON = [.cells, .zones, .points].contains(layer)
        let (bytes, _, _) = try await body(
            of: request,
            accepting: layer == .addresses
                ? ["text/csv", "application/geo+json", "application/json"]
                : isGeoJSON ? ["application/geo+json", "application/json"] : ["text/csv"],
            what: layer == .addresses ? "the addresses layer is CSV or GeoJSON" : "the \(name) layer is \(isGeoJSON ? "GeoJSON" : "CSV")")
        let snapMetres = configuration.snapMetres, addressFarMetres = configuration.addressFarMetres
        let (report, generation) = try await pool.writing { [self] store in
            var importer = Importer(store: store, strict: strict, snapMetres: snapMetres, allowEmpty: allowEmpty)
            importer.addressFarMetres = addressFarMetres
            let report = try importer.importLayer(layer, bytes: bytes, crs: crs)
            return (report, try reloadDistrict(using: store))
        }
        logger.notice(
            "layer replaced",
            metadata: ["layer": .string(name), "rows": .stringConvertible(report.stored), "generation": .stringConvertible(generation)])
        return .json(
            .object([
                "layer": .string(name), "stored": .number(Double(report.stored)), "reassigned_orders": .number(Double(report.reassigned)),
                "warnings": .array(report.warnings.map { .string($0.message) }), "index_generation": .number(Double(generation)),
            ]))
    }
}
