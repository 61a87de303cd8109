import WanggeCore

/// The named schemas of the API document (`components.schemas`), referred to by the routes'
/// outcomes as `.ref("Name")`. A new group of routes adds its schemas as one more dictionary
/// in ``all`` (e.g. `ogcFeatures`, `open311`) and refers to them the same way.
enum APISchemas {
    /// Every named schema: one dictionary per group of routes.
    static var all: [String: JSONSchema] {
        [core, orders, layers, analytics, queries, ogcFeatures, open311, tiles].reduce(into: [:]) { all, group in
            all.merge(group) { first, _ in first }
        }
    }

    /// A text, a number or null: the value of a column of a named query (SQLite's types).
    static let cellValue = JSONSchema(.object(["type": .array([.string("string"), .string("number"), .string("integer"), .string("null")])]))
    /// A figure that may be missing (NaN or no data are written as null).
    static let figure = JSONSchema.number.orNull
    static let count = JSONSchema.integer

    /// The `type` member of a problem of `status`, as the handlers answer it (``Problem``).
    static func problemKind(_ status: Int) -> String {
        switch status {
        case 400: "bad-parameter"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not-found"
        case 405: "method-not-allowed"
        case 413: "body-too-large"
        case 415: "unsupported-media-type"
        case 422: "invalid-rows"
        case 503: "overloaded"
        default: "internal-error"
        }
    }

    static func problemTitle(_ status: Int) -> String {
        switch status {
        case 400: "Bad parameter"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not found"
        case 405: "Method not allowed"
        case 413: "Body too large"
        case 415: "Unsupported media type"
        case 422: "Invalid rows"
        case 503: "Overloaded"
        default: "Internal error"
        }
    }

    // MARK: Shared

    static let core: [String: JSONSchema] = [
        "Problem": .object([
            "type": .string.described("tag:wangge,2026:problem:<kind>: the kind of problem (bad-parameter, not-found, invalid-rows, cost-limit, …)."),
            "title": .string, "status": .integer, "detail": .string.described("What went wrong in this request, and how to fix it."),
            "instance": JSONSchema.string.described("The request path.").optional,
            "parameter": JSONSchema.string.described("The parameter at fault.").optional,
            "expected": JSONSchema.string.described("What the parameter takes.").optional,
            "rows": JSONSchema.array(.ref("RejectedRow")).described("The rows at fault, at most 100.").optional,
            "rows_total": JSONSchema.integer.described("How many rows are at fault, listed or not.").optional,
        ]).described("An error (RFC 9457 problem details)."),
        "RejectedRow": .object([
            "row": JSONSchema.integer.described("The row (1-based element of a JSON array, or line of a CSV body).").optional,
            "id": JSONSchema.string.described("The order id, when the row has one.").optional,
            "field": JSONSchema.string.described("The field at fault.").optional,
            "byte_offset": JSONSchema.integer.optional,
            "reason": .string,
        ]).described("A row refused, and why."),
        "Health": .object([
            "status": .constant("ok"), "index_generation": .integer, "cells": .integer,
            "version": JSONSchema.string.described("The build's version (as `wangge --version`)."),
        ]),
        "OpenAPIDocument": JSONSchema.object(["openapi": .string, "info": .any, "paths": .any]).described("An OpenAPI 3.1 document."),
        "Assignment": .object([
            "status": JSONSchema.string(values: AssignmentStatus.allCases.map(\.rawValue)).described("How the location was routed."),
            "cell": .string, "cells": JSONSchema.string.described("Every cell the location touches, ;-separated."),
            "street": .string, "community": .string, "unit": .string,
            "route": JSONSchema.string.described("How the unit was chosen (zone, street, …)."),
            "zone": .string, "distance_m": figure.described("Metres to the cell, when snapped (0 inside)."),
            "points": JSONSchema.string.described("Inspection points within reach, ;-separated."),
            "cell_name": .string, "community_name": .string, "street_name": .string, "unit_name": .string,
            "point_names": .array(.string), "lon": figure, "lat": figure,
            "invalid_reason": JSONSchema.string.optional, "category_has_no_rule": JSONSchema.boolean.optional,
        ]).described("Where one location routes: its cell, responsible unit and inspection points."),
        "GeocodeAnswer": .object([
            "outcome": .string, "located_by": .string, "match": JSONSchema.ref("StandardAddress").orNull, "gap": figure,
            "street": .string, "reason": .string, "needs_manual_dispatch": .boolean,
            "normalized": .object([
                "text": .string, "road": .string, "number": .string, "prefixes": .array(.string),
                "locatives": .array(.string), "remark": .string,
            ]),
            "candidates": .array(.ref("StandardAddress")),
            "warnings": JSONSchema.array(.string).optional,
        ]).described("How an address or code resolves against the standard address layer."),
        "StandardAddress": JSONSchema.object(["id": .string]).described(
            "A standard address (door, place or shop) with its fields; candidates add a score."),
    ]

    // MARK: Orders

    static let orders: [String: JSONSchema] = [
        "OrderInput": .object([
            "id": JSONSchema.anyOf(JSONSchema(.object(["type": .string("string"), "minLength": .number(1)])), .integer).described(
                "The order id (a string, or an integer)."),
            "lon": JSONSchema.anyOf(.number, .string, JSONSchema(.object(["type": .string("null")]))).described(
                "Longitude, or x in crs; missing or unusable: the order is stored invalid (or located by its address)."
            ).optional,
            "lat": JSONSchema.anyOf(.number, .string, JSONSchema(.object(["type": .string("null")]))).described("Latitude, or y in crs.").optional,
            "category": .string, "received_at": JSONSchema.string.described("ISO 8601 time (or 2025/7/1 9:00, an Excel serial)."),
            "crs": JSONSchema.string.orNull.optional, "status": JSONSchema.string.orNull.optional,
            "resolved_at": JSONSchema.string.orNull.optional, "closed_at": JSONSchema.string.orNull.optional,
            "address": JSONSchema.any.described("The address as typed (kept as an attribute; locates an order without coordinates).").optional,
        ]).described("An order to store: the columns of `wangge import orders`; other members are kept as attributes."),
        "OrdersStored": .object([
            "stored": .integer, "inserted": .integer, "updated": .integer,
            "status_counts": .map(.integer), "assignments": .array(.ref("StoredAssignment")),
            "rejected": .array(.ref("RejectedRow")), "rejected_total": .integer,
            "manual_dispatch": .array(.object(["id": .string, "assign_status": .string, "reason": .string])),
            "categories_without_rule": .map(.integer),
            "refused_status_changes": .array(.ref("RejectedRow")), "warnings": .array(.string),
        ]).described("What a POST of orders stored, and how each was routed."),
        "StoredAssignment": JSONSchema.object([
            "id": .string, "status": .string, "cell": .string, "unit": .string, "distance_m": figure,
            "located_by": .string, "match": .string,
        ]).described("One stored order's routing (the fields of a `wangge assign` row)."),
        "OrderEventInput": .object([
            "status": JSONSchema.string.described("One of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", ")) (any case)."),
            "at": JSONSchema.string.described("ISO 8601 time."), "note": JSONSchema.any.described("A note (text).").optional,
            "id": JSONSchema.any.described("The order id (must be the path's, when given).").optional,
        ]).described("A status change of an order."),
        "OrderEvent": .object(["seq": cellValue, "status": cellValue, "at": cellValue, "note": cellValue])
            .described("A recorded status change."),
        "Order": .object([
            "id": .string, "received_at": cellValue, "category": cellValue, "lon": cellValue, "lat": cellValue, "crs": cellValue,
            "status": cellValue, "assign_status": cellValue, "cell": cellValue, "cells": cellValue, "street": cellValue,
            "community": cellValue, "unit": cellValue, "route": cellValue, "zone": cellValue, "distance_m": cellValue,
            "points": cellValue, "invalid_reason": cellValue, "wgs_lon": cellValue, "wgs_lat": cellValue,
            "attributes": JSONSchema.any.described("The order's other columns, as received."),
            "imported_at": cellValue, "history": .array(.ref("OrderEvent")),
        ]).described("An order as received and routed, with its handling history."),
        "OrderWithEvents": JSONSchema.anyOf(
            .ref("Order"),
            .object([
                "applied": .integer, "refused": .array(.ref("RejectedRow")),
            ])
        ).described("The order after the events, with how many applied and those refused."),
        "OrderListItem": JSONSchema.object(["id": .string], additional: cellValue)
            .described("One order of a list: id, received_at, category, status or assign_status, unit, cell, … (text or numbers)."),
    ]

    // MARK: Layers

    static func feature(_ properties: JSONSchema, id: JSONSchema? = nil) -> JSONSchema {
        .object(["type": .constant("Feature"), "geometry": .ref("Geometry"), "properties": properties])
    }

    static func featureCollection(_ feature: JSONSchema) -> JSONSchema {
        .object(["type": .constant("FeatureCollection"), "features": .array(feature)])
    }

    static let layers: [String: JSONSchema] = [
        "Geometry": JSONSchema.object([
            "type": .string(values: ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]),
            "coordinates": JSONSchema.array(.any).optional, "geometries": JSONSchema.array(.any).optional,
        ]).described("An RFC 7946 geometry (WGS84 lon/lat)."),
        "Feature": feature(.map(.any)).described("An RFC 7946 feature."),
        "FeatureCollection": featureCollection(.ref("Feature")).described("An RFC 7946 FeatureCollection."),
        "CellFeatureCollection": featureCollection(
            feature(
                .object([
                    "code": JSONSchema.string.described("The 15-digit cell code."), "name": .string, "community": .string, "community_name": .string,
                    "street": .string, "street_name": .string, "area_m2": .number,
                ]))
        ).described("The grid cells."),
        "ZoneFeatureCollection": featureCollection(
            feature(.object(["id": .string, "kind": .string, "unit": .string, "unit_name": .string, "name": .string]))
        )
        .described("The responsibility zones."),
        "PointFeatureCollection": featureCollection(feature(.object(["id": .string, "name": .string, "type": .string, "radius_m": .number])))
            .described("The inspection points."),
        "AddressFeatureCollection": featureCollection(
            feature(.object(["id": .string, "kind": .string, "name": .string, "road": .string, "number": .string, "street": .string]))
        )
        .described("The standard addresses."),
        "OrderFeatureCollection": featureCollection(
            feature(
                .object([
                    "id": .string, "category": .string, "received_at": .string, "status": .string, "assign_status": .string, "cell": .string,
                    "street": .string, "community": .string, "unit": .string, "route": .string, "zone": .string, "points": .string,
                ]))
        ).described("The located orders (points)."),
        "LayerImported": .object([
            "layer": .string, "stored": .integer, "reassigned_orders": .integer, "warnings": .array(.string), "index_generation": .integer,
        ]).described("A replaced layer: rows stored, orders re-routed, the new index generation."),
    ]

    /// One layer's FeatureCollection, any of them (`GET /v1/layers/{layer}`).
    static let anyLayer = JSONSchema.anyOf(
        .ref("CellFeatureCollection"), .ref("ZoneFeatureCollection"), .ref("PointFeatureCollection"),
        .ref("OrderFeatureCollection"), .ref("AddressFeatureCollection"))

    // MARK: Analytics

    /// A row of counts per area: the area's code under the level's name (cell, street, …).
    static let areaRow = JSONSchema.object(["name": .string], additional: .any)

    static let analytics: [String: JSONSchema] = [
        "AreaCount": JSONSchema.object(["name": .string, "count": .integer, "density_per_km2": JSONSchema.number.optional], additional: .any)
            .described("Orders in one area; the area's code under the level's name (cell, community, street, unit, point)."),
        "GiStarRow": .object([
            "cell": .string, "count": .integer, "z": figure, "p": figure,
            "bin": JSONSchema.integer.described("-3…3: cold to hot at 99/95/90 % confidence, 0 not significant."), "p_sim": figure,
        ]),
        "GiStar": .object(["band_m": .number, "band": .string, "fdr": .boolean, "permutations": .integer, "cells": .array(.ref("GiStarRow"))])
            .described("Getis-Ord Gi* hot and cold spots per cell."),
        "KernelDensity": .object([
            "cell_size_m": .number, "bandwidth_m": .number, "kernel": .string, "bandwidth_rule": .string, "rows": .integer, "columns": .integer,
            "origin_epsg4549": .array(.number), "cells": .array(.object(["row": .integer, "column": .integer, "density_per_km2": .number])),
        ]).described("A kernel density raster (non-zero cells)."),
        "EmergingHotSpots": .object([
            "step": .string, "steps": .integer, "time_lag": .integer, "band_m": .number,
            "cells": .array(
                .object([
                    "cell": .string, "category": .string, "trend_z": figure, "trend_p": figure,
                    "hot_steps": .integer, "cold_steps": .integer, "final_z": figure,
                ])),
        ]).described("Emerging hot spots: each cell's category and trend."),
        "Hotspots": JSONSchema.anyOf(.array(.ref("AreaCount")), .ref("GiStar"), .ref("KernelDensity"), .ref("EmergingHotSpots"))
            .described("By method: counts per area (an array), Gi*, kernel density or emerging hot spots."),
        "RecurrenceTable": .object([
            "radius_m": .number, "days": .number,
            "areas": .array(
                JSONSchema.object(
                    [
                        "name": .string, "orders": .integer, "repeats": .integer, "rebounds": .integer,
                        "recurrence_rate": figure, "rebound_rate": figure,
                    ], additional: .any)),
            "worst_chains": .array(.object(["length": .integer, "category": .string, "orders": .array(.string), "areas": .array(.string)])),
        ]).described("Repeats and rebounds per area, and the longest rebound chains."),
        "KnoxTable": .object([
            "permutations": .integer, "seed": .integer,
            "cells": .array(
                .object([
                    "distance_from_m": .number, "distance_to_m": .number, "days_from": .number, "days_to": .number,
                    "observed": .integer, "expected": .number, "knox_ratio": figure, "p": .number,
                ])),
        ]).described("The Knox near-repeat test."),
        "Recurrence": JSONSchema.anyOf(.ref("RecurrenceTable"), .ref("KnoxTable"), .ref("GiStar"), .ref("KernelDensity"))
            .described("The recurrence table, the Knox test, or Gi*/KDE of rebounds."),
        "Lights": .object([
            "as_of": .string, "level": .string,
            "lights": .array(JSONSchema.object(["name": .string, "light": .string(values: ["red", "yellow", "green"])], additional: .any)),
        ]).described("亮灯: red / yellow / green per inspection point or area, reddest first."),
        "KPIRow": JSONSchema.object(
            [
                "name": .string, "due": .integer, "closed": .integer, "closed_on_time": .integer, "reopened": .integer, "late": .integer,
                "closure_rate": figure, "on_time_rate": figure, "rework_rate": figure, "late_rate": figure,
                "median_hours_to_close": figure, "p90_hours_to_close": figure,
            ], additional: .any
        ).described("Handling figures of one unit or street (its id under `unit` or `street`)."),
        "KPI": .object(["from": .string, "to": .string, "by": .string, "rows": .array(.ref("KPIRow"))]),
        "Trend": JSONSchema.object([:], additional: .any).described("Weekly series: per week, orders, 结案率 and 按期结案率 with 环比 and 同比."),
    ]

    // MARK: Named queries

    static let queries: [String: JSONSchema] = [
        "QueryCatalogue": JSONSchema.array(
            .object([
                "name": .string, "description": .string,
                "parameters": .array(JSONSchema.object(["name": .string], additional: .any)), "columns": .array(.string),
            ])
        ).described("The named queries with their parameters and columns."),
        "QueryRows": JSONSchema.array(.map(cellValue)).described("A named query's rows: one object per row, column name to value."),
    ]

    // MARK: OGC API – Features

    static let ogcFeatures: [String: JSONSchema] = [
        "Link": .object([
            "href": .string, "rel": .string, "type": JSONSchema.string.optional, "title": JSONSchema.string.optional,
        ]).described("A link of OGC API – Features (RFC 8288 in JSON)."),
        "OGCLandingPage": .object([
            "title": JSONSchema.string.optional, "description": JSONSchema.string.optional,
            "links": JSONSchema.array(.ref("Link")).described("service-desc, conformance and data among them."),
        ]).described("The OGC API – Features landing page."),
        "OGCConformance": .object(["conformsTo": .array(.string)]).described("The conformance classes the API implements."),
        "OGCCollection": .object([
            "id": .string, "title": .string, "description": .string, "itemType": .constant("feature"),
            "extent": .object([
                "spatial": JSONSchema.object(["bbox": .array(.array(.number)), "crs": .string]).optional,
                "temporal": JSONSchema.object(["interval": .array(.array(JSONSchema.string.orNull)), "trs": .string]).optional,
            ]),
            "crs": .array(.string), "storageCrs": .string, "links": .array(.ref("Link")),
        ]).described("One collection (a layer): its extent, CRS and links."),
        "OGCCollections": .object(["collections": .array(.ref("OGCCollection")), "links": .array(.ref("Link"))])
            .described("The collections."),
        "OGCFeatureCollection": .object([
            "type": .constant("FeatureCollection"), "features": .array(.ref("Feature")),
            "numberMatched": .integer, "numberReturned": .integer, "timeStamp": .string(format: "date-time"),
            "links": JSONSchema.array(.ref("Link")).described("self, alternate, collection; next and prev when there are more."),
            "crs_note": JSONSchema.string.described("Coordinates are not WGS84 (crs=gcj02|bd09).").optional,
        ]).described("A page of a collection's features (GeoJSON) with its counts and links."),
        "OGCFeature": .object([
            "type": .constant("Feature"), "geometry": .ref("Geometry"), "properties": .map(.any),
            "links": .array(.ref("Link")),
            "crs_note": JSONSchema.string.described("Coordinates are not WGS84 (crs=gcj02|bd09).").optional,
        ]).described("One feature (GeoJSON) with its links."),
    ]

    // MARK: Open311 GeoReport v2

    static let open311: [String: JSONSchema] = [
        "Open311Discovery": .object([
            "changeset": .string, "contact": .string, "key_service": .string,
            "endpoints": .array(
                .object(["specification": .string, "url": .string, "changeset": .string, "type": .string, "formats": .array(.string)])),
        ]).described("Open311 service discovery."),
        "Open311Service": .object([
            "service_code": .string, "service_name": .string, "description": .string, "metadata": .boolean,
            "type": .string(values: ["realtime", "batch", "blackbox"]), "keywords": JSONSchema.string.orNull, "group": JSONSchema.string.orNull,
        ]).described("An Open311 service: a routing rule's category."),
        "Open311ServiceRequest": .object([
            "service_request_id": .string, "status": .string(values: ["open", "closed"]), "status_notes": .string,
            "service_name": .string, "service_code": .string, "description": JSONSchema.string.orNull,
            "agency_responsible": JSONSchema.string.orNull, "service_notice": JSONSchema.string.orNull,
            "requested_datetime": JSONSchema.string.orNull, "updated_datetime": JSONSchema.string.orNull,
            "expected_datetime": JSONSchema.string.orNull, "address": JSONSchema.string.orNull, "address_id": JSONSchema.string.orNull,
            "zipcode": JSONSchema.string.orNull, "lat": JSONSchema.number.orNull, "long": JSONSchema.number.orNull,
            "media_url": JSONSchema.string.orNull,
        ]).described("An Open311 service request: a stored order."),
        "Open311RequestAnswer": .object([
            "service_request_id": .string, "service_notice": .string, "account_id": JSONSchema.string.orNull,
        ]).described("The answer to a posted service request: its id and where it was routed."),
        "Open311Error": .object(["code": JSONSchema.integer.described("The HTTP status."), "description": .string])
            .described("An Open311 error."),
        "Open311RequestForm": JSONSchema.object([
            "api_key": JSONSchema.string.described("An operator token (or send Authorization: Bearer).").optional,
            "jurisdiction_id": JSONSchema.string.described("Accepted and ignored.").optional,
            "service_code": JSONSchema.string.described("The service (a category of GET services)."),
            "lat": JSONSchema.number.described("WGS84 latitude (with long).").optional,
            "long": JSONSchema.number.described("WGS84 longitude (with lat).").optional,
            "address_string": JSONSchema.string.described("The address as typed: locates the request without lat/long.").optional,
            "address_id": JSONSchema.string.described("A shop or place code of the standard address layer.").optional,
            "description": JSONSchema.string.described("At most 4000 characters.").optional,
            "media_url": JSONSchema.string.optional,
            "email": JSONSchema.string.described("Not stored.").optional, "device_id": JSONSchema.string.described("Not stored.").optional,
            "account_id": JSONSchema.string.described("Not stored.").optional, "first_name": JSONSchema.string.described("Not stored.").optional,
            "last_name": JSONSchema.string.described("Not stored.").optional, "phone": JSONSchema.string.described("Not stored.").optional,
        ]).described("The form of a posted Open311 service request."),
    ]

    // MARK: Tiles

    static let tiles: [String: JSONSchema] = [
        "VectorTile": JSONSchema.string(format: "binary").described("A Mapbox Vector Tile 2.1 (protobuf).")
    ]
}
