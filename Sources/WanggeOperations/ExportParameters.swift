import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge export` (`GET /v1/layers/{layer}`): a stored layer as an RFC 7946 GeoJSON
/// FeatureCollection for planners' GIS.
public struct ExportParameters: ParsableArguments, Sendable {
    public init() {}

    public enum LayerName: String, ExpressibleByArgument, CaseIterable, Sendable { case cells, zones, points, orders, addresses }

    @Argument(help: "cells, zones, points, orders or addresses.")
    public var layer: LayerName

    @OptionGroup public var source: QuerySource
    @OptionGroup public var filter: OrderFilter

    @Option(help: "minLon,minLat,maxLon,maxLat (WGS84).")
    public var bbox: String?

    @Option(help: "cells: only this street/town code.")
    public var street: String?

    @Option(help: "cells: only this community code.")
    public var community: String?

    @Option(help: "zones, addresses: only this kind.")
    public var kind: String?

    @Option(help: "zones, orders: only this unit id.")
    public var unit: String?

    @Option(help: "points: only this type.")
    public var type: String?

    @Option(help: "orders: only this primary cell.")
    public var cell: String?

    @Option(help: "orders: only this handling status (received, dispatched, resolved, closed, reopened).")
    public var status: String?

    @Option(help: "points: only points drawn as this geometry: point, line or polygon.")
    public var geometry: PointGeometry?

    @Option(help: "Only the feature with this id (cells: its code).")
    public var id: String?

    @Option(help: "orders: received at this RFC 3339 instant, or within this closed interval (start/end, either may be ..).")
    public var datetime: String?

    @Option(help: "At most this many features (paging; default: all).")
    public var limit: Int?

    @Option(help: "Skip this many features first (paging).")
    public var offset: Int = 0

    @Option(help: "Output coordinates: wgs84 (RFC 7946, the default), gcj02 (高德/腾讯 basemaps) or bd09 (百度).")
    public var crs: OutputCRS = .wgs84

    /// What an inspection point is drawn as (`--geometry`): a Shapefile holds one kind.
    public enum PointGeometry: String, ExpressibleByArgument, CaseIterable, Sendable { case point, line, polygon }

    /// The layer's feature id, as the top-level `id` of each feature.
    public var idProperty: String { layer == .cells ? "code" : "id" }

    /// An OGC API / RFC 3339 `datetime`: an instant, or `start/end` with `..` or nothing for an
    /// open end; both ends inclusive. Returns the bounds as the texts given (nil: open).
    public static func parseDatetime(_ text: String) throws -> (from: String?, until: String?) {
        func bound(_ part: Substring) throws -> String? {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t == ".." { return nil }
            guard Timestamp.parse(t) != nil else {
                throw ValidationError(
                    "--datetime \"\(text)\": \"\(t)\" is not a time; expected an RFC 3339 instant (2025-06-01T08:00:00+08:00) or an interval start/end with .. for an open end"
                )
            }
            return t
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let at = try bound(parts[0]) else { throw ValidationError("--datetime \"\(text)\": expected an instant or an interval start/end") }
            return (at, at)
        case 2:
            let (a, b) = (try bound(parts[0]), try bound(parts[1]))
            if let a, let b, Timestamp.parse(a)! > Timestamp.parse(b)! {
                throw ValidationError("--datetime \"\(text)\": the interval ends before it starts")
            }
            return (a, b)
        default:
            throw ValidationError("--datetime \"\(text)\": expected an instant or one interval start/end")
        }
    }

    /// The box as (minLon, minLat, maxLon, maxLat), checked.
    static func parseBox(_ text: String) throws -> (Double, Double, Double, Double) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let a = parts[0], let b = parts[1], let c = parts[2], let d = parts[3],
            [a, b, c, d].allSatisfy(\.isFinite)
        else {
            throw ValidationError("--bbox \"\(text)\": expected minLon,minLat,maxLon,maxLat (four numbers)")
        }
        guard (-180 ... 180).contains(a), (-180 ... 180).contains(c), (-90 ... 90).contains(b), (-90 ... 90).contains(d) else {
            throw ValidationError("--bbox \"\(text)\": longitudes must be within -180…180 and latitudes within -90…90")
        }
        guard a <= c, b <= d else { throw ValidationError("--bbox \"\(text)\": minLon must not exceed maxLon, nor minLat maxLat") }
        return (a, b, c, d)
    }

    public func validate() throws {
        if let bbox { _ = try Self.parseBox(bbox) }
        let allowed: [LayerName: Set<String>] = [
            .cells: ["street", "community"], .zones: ["kind", "unit"], .points: ["type", "geometry"], .addresses: ["kind"],
            .orders: ["unit", "cell", "status", "from", "to", "category", "datetime"],
        ]
        let given: [(String, Bool)] = [
            ("street", street != nil), ("community", community != nil), ("kind", kind != nil), ("unit", unit != nil),
            ("type", type != nil), ("cell", cell != nil), ("status", status != nil),
            ("geometry", geometry != nil), ("datetime", datetime != nil),
            ("from", filter.from != nil), ("to", filter.to != nil), ("category", !filter.category.isEmpty),
        ]
        for (name, isGiven) in given where isGiven && !allowed[layer]!.contains(name) {
            throw ValidationError(
                "--\(name) does not filter \(layer.rawValue); \(layer.rawValue) take \(allowed[layer]!.sorted().map { "--\($0)" }.joined(separator: ", "))"
            )
        }
        if let limit, limit < 0 { throw ValidationError("--limit \(limit): expected 0 or more features") }
        if offset < 0 { throw ValidationError("--offset \(offset): expected 0 or more features") }
        if let datetime { _ = try Self.parseDatetime(datetime) }
        if let status, OrderStatus(rawValue: status) == nil {
            throw ValidationError("--status \"\(status)\": expected one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// For the orders layer: how many orders the export leaves out for having no location,
    /// and warnings about filter categories that match nothing; nil for the other layers.
    public func notices(from data: DataSource) throws -> (unlocated: Int, warnings: [String])? {
        guard layer == .orders else { return nil }
        return (try unlocatedOrders(from: data), try unknownCategoryWarnings(filter.category, from: data))
    }

    /// How many orders the orders export leaves out for having no location, under the same
    /// filters but the box.
    public func unlocatedOrders(from data: DataSource) throws -> Int {
        let (store, catalog) = try data.open()
        var parameters = filter.parameters
        parameters["cell"] = cell ?? ""; parameters["unit"] = unit ?? ""; parameters["status"] = status ?? ""
        return try catalog.run("orders_without_location", parameters: parameters, on: store).rows.first?[0].int ?? 0
    }

    /// The named query behind the layer and its parameters (filters, box, paging).
    func layerQuery(paged: Bool = true) throws -> (name: String, parameters: [String: String]) {
        var parameters: [String: String] = ["id": id ?? ""]
        if paged {
            if let limit { parameters["limit"] = String(limit) }
            parameters["offset"] = String(offset)
        }
        if let bbox {
            let (a, b, c, d) = try Self.parseBox(bbox)
            (parameters["min_lon"], parameters["min_lat"], parameters["max_lon"], parameters["max_lat"]) = ("\(a)", "\(b)", "\(c)", "\(d)")
        }
        switch layer {
        case .cells: parameters["street"] = street ?? ""; parameters["community"] = community ?? ""
        case .zones: parameters["kind"] = kind ?? ""; parameters["unit"] = unit ?? ""
        case .points: parameters["type"] = type ?? ""; parameters["geometry"] = geometry?.rawValue ?? ""
        case .addresses: parameters["kind"] = kind ?? ""
        case .orders:
            parameters.merge(filter.parameters) { _, new in new }
            parameters["cell"] = cell ?? ""; parameters["unit"] = unit ?? ""; parameters["status"] = status ?? ""
            if let datetime {
                let (from, until) = try Self.parseDatetime(datetime)
                if let from { parameters["since"] = from }
                if let until { parameters["until"] = until }
            }
        }
        return ("layer_\(layer.rawValue)", parameters)
    }

    /// How many features the filters and box select, before paging (OGC `numberMatched`).
    public func matched(from data: DataSource) throws -> Int {
        let (store, catalog) = try data.open()
        let (name, parameters) = try layerQuery(paged: false)
        return try catalog.count(name, parameters: parameters, on: store)
    }

    /// Writes the FeatureCollection to `write` in pieces of about 64 KiB; returns the number
    /// of features. `members` adds foreign members after the features (OGC API's
    /// `numberReturned`, `links`…), given the number written.
    @discardableResult
    public func export(
        from data: DataSource, members: (Int) -> [String: JSONValue] = { _ in [:] },
        write: ([UInt8]) throws -> Void
    ) throws -> Int {
        var buffer = Array(#"{"type":"FeatureCollection","features":["#.utf8)
        buffer.reserveCapacity(80_000)
        var count = 0
        try features(from: data) { feature in
            if count > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: feature.jsonText.utf8)
            count += 1
            if buffer.count >= 65_536 { try write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        buffer.append(UInt8(ascii: "]"))
        var extra = members(count)
        if let note = crs.note { extra["crs_note"] = .string(note) }
        for key in extra.keys.sorted() {
            buffer.append(contentsOf: ",\(JSONValue.string(key).jsonText):\(extra[key]!.jsonText)".utf8)
        }
        buffer.append(contentsOf: "}\n".utf8)
        try write(buffer)
        return count
    }

    /// Hands each selected feature (GeoJSON, in ``crs``, with its top-level `id`) to `emit` as
    /// SQLite steps the rows.
    public func features(from data: DataSource, emit: (JSONValue) throws -> Void) throws {
        let (store, catalog) = try data.open()
        let (query, parameters) = try layerQuery()
        func geometry(_ value: SQLValue) throws -> Geometry? {
            guard case .blob(let bytes) = value else { return nil }
            return crs.apply(try WKB.decode(bytes))
        }
        func text(_ v: SQLValue) -> JSONValue { .string(v.string ?? "") }
        func feature(_ g: Geometry, properties: [String: JSONValue]) throws {
            try emit(GeoJSON.feature(g, id: properties[idProperty], properties: properties))
        }
        switch layer {
        case .cells:
            try catalog.stream(query, parameters: parameters, on: store) { r in
                guard let g = try geometry(r[7]) else { return }
                try feature(
                    g,
                    properties: [
                        "code": text(r[0]), "name": text(r[1]), "community": text(r[2]), "community_name": text(r[3]),
                        "street": text(r[4]), "street_name": text(r[5]), "area_m2": .number(((r[6].double ?? 0) * 10).rounded() / 10),
                    ])
            }
        case .zones:
            try catalog.stream(query, parameters: parameters, on: store) { r in
                guard let g = try geometry(r[5]) else { return }
                try feature(g, properties: ["id": text(r[0]), "kind": text(r[1]), "unit": text(r[2]), "unit_name": text(r[3]), "name": text(r[4])])
            }
        case .points:
            try catalog.stream(query, parameters: parameters, on: store) { r in
                guard let g = try geometry(r[4]) else { return }
                try feature(g, properties: ["id": text(r[0]), "name": text(r[1]), "type": text(r[2]), "radius_m": .number(r[3].double ?? 0)])
            }
        case .addresses:
            try catalog.stream(query, parameters: parameters, on: store) { r in
                guard let g = try geometry(r[6]) else { return }
                try feature(
                    g,
                    properties: [
                        "id": text(r[0]), "kind": text(r[1]), "name": text(r[2]), "road": text(r[3]),
                        "number": text(r[4]), "street": text(r[5]),
                    ])
            }
        case .orders:
            try catalog.stream(query, parameters: parameters, on: store) { r in
                guard let lon = r[12].double, let lat = r[13].double else { return }
                var properties: [String: JSONValue] = [:]
                for (i, name) in [
                    "id", "category", "received_at", "status", "assign_status", "cell", "street", "community", "unit", "route", "zone", "points",
                ].enumerated() {
                    properties[name] = text(r[i])
                }
                try feature(crs.apply(.point(Coordinate(lon, lat))), properties: properties)
            }
        }
    }
}

extension OutputCRS: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
