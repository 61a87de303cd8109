import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge export` (`GET /v1/layers/{layer}`): a stored layer as an RFC 7946 GeoJSON
/// FeatureCollection for planners' GIS.
public struct ExportCommand: ParsableCommand, Sendable {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a layer (cells, zones, points, orders, addresses) as GeoJSON for GIS (RFC 7946).",
        discussion: """
            RFC 7946: WGS84 longitude, latitude; exterior rings counter-clockwise, holes clockwise; at most 7 decimal places (about 1 cm). Features are written as they are read from the database, so exporting every order never holds them all in memory. --bbox keeps the features whose envelope meets the box (orders: whose point lies in it, edges included). Filters: cells --street, --community; zones --kind, --unit; points --type; orders --from, --to, --category, --cell, --unit, --status; addresses --kind (door, place, shop).
            """)

    public enum LayerName: String, ExpressibleByArgument, CaseIterable, Sendable { case cells, zones, points, orders, addresses }

    @Argument(help: "cells, zones, points, orders or addresses.")
    public var layer: LayerName

    @OptionGroup var source: QuerySource
    @OptionGroup var filter: OrderFilter

    @Option(help: "minLon,minLat,maxLon,maxLat (WGS84).")
    var bbox: String?

    @Option(help: "cells: only this street/town code.")
    var street: String?

    @Option(help: "cells: only this community code.")
    var community: String?

    @Option(help: "zones, addresses: only this kind.")
    var kind: String?

    @Option(help: "zones, orders: only this unit id.")
    var unit: String?

    @Option(help: "points: only this type.")
    var type: String?

    @Option(help: "orders: only this primary cell.")
    var cell: String?

    @Option(help: "orders: only this handling status (received, dispatched, resolved, closed, reopened).")
    var status: String?

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    /// The box as (minLon, minLat, maxLon, maxLat), checked.
    static func parseBox(_ text: String) throws -> (Double, Double, Double, Double) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 4, let a = parts[0], let b = parts[1], let c = parts[2], let d = parts[3],
              [a, b, c, d].allSatisfy(\.isFinite) else {
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
        let allowed: [LayerName: Set<String>] = [.cells: ["street", "community"], .zones: ["kind", "unit"], .points: ["type"], .addresses: ["kind"],
                                                 .orders: ["unit", "cell", "status", "from", "to", "category"]]
        let given: [(String, Bool)] = [("street", street != nil), ("community", community != nil), ("kind", kind != nil), ("unit", unit != nil),
                                       ("type", type != nil), ("cell", cell != nil), ("status", status != nil),
                                       ("from", filter.from != nil), ("to", filter.to != nil), ("category", !filter.category.isEmpty)]
        for (name, isGiven) in given where isGiven && !allowed[layer]!.contains(name) {
            throw ValidationError("--\(name) does not filter \(layer.rawValue); \(layer.rawValue) take \(allowed[layer]!.sorted().map { "--\($0)" }.joined(separator: ", "))")
        }
        if let status, OrderStatus(rawValue: status) == nil {
            throw ValidationError("--status \"\(status)\": expected one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    public func run() throws {
        let sink = try OutputSink(output)
        let count: Int
        do {
            count = try export(from: source.data()) { sink.write($0) }
        } catch {
            sink.discard()
            note("error: \(error)")
            throw ExitCode.failure
        }
        try sink.close()
        var summary = "exported \(count) \(layer.rawValue)"
        if let (unlocated, warnings) = try notices(from: source.data()) {
            for warning in warnings { note("warning: \(warning)") }
            if unlocated > 0 {
                summary += "; \(unlocated) order(s) without a location were left out (list them with `wangge orders --db \(source.db) --status invalid`)"
            }
        }
        note(summary)
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

    /// Writes the FeatureCollection to `write` in pieces of about 64 KiB; returns the number
    /// of features.
    @discardableResult
    public func export(from data: DataSource, write: ([UInt8]) throws -> Void) throws -> Int {
        let (store, catalog) = try data.open()
        var parameters: [String: String] = [:]
        if let bbox {
            let (a, b, c, d) = try Self.parseBox(bbox)
            (parameters["min_lon"], parameters["min_lat"], parameters["max_lon"], parameters["max_lat"]) = ("\(a)", "\(b)", "\(c)", "\(d)")
        }
        var buffer = Array(#"{"type":"FeatureCollection","features":["#.utf8)
        buffer.reserveCapacity(80_000)
        var count = 0
        func emit(_ feature: JSONValue) throws {
            if count > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: feature.jsonText.utf8)
            count += 1
            if buffer.count >= 65_536 { try write(buffer); buffer.removeAll(keepingCapacity: true) }
        }
        func geometry(_ value: SQLValue) throws -> Geometry? {
            guard case .blob(let bytes) = value else { return nil }
            return try WKB.decode(bytes)
        }
        func text(_ v: SQLValue) -> JSONValue { .string(v.string ?? "") }
        switch layer {
        case .cells:
            parameters["street"] = street ?? ""; parameters["community"] = community ?? ""
            try catalog.stream("layer_cells", parameters: parameters, on: store) { r in
                guard let g = try geometry(r[7]) else { return }
                try emit(GeoJSON.feature(g, properties: ["code": text(r[0]), "name": text(r[1]), "community": text(r[2]), "community_name": text(r[3]),
                                                         "street": text(r[4]), "street_name": text(r[5]), "area_m2": .number(((r[6].double ?? 0) * 10).rounded() / 10)]))
            }
        case .zones:
            parameters["kind"] = kind ?? ""; parameters["unit"] = unit ?? ""
            try catalog.stream("layer_zones", parameters: parameters, on: store) { r in
                guard let g = try geometry(r[5]) else { return }
                try emit(GeoJSON.feature(g, properties: ["id": text(r[0]), "kind": text(r[1]), "unit": text(r[2]), "unit_name": text(r[3]), "name": text(r[4])]))
            }
        case .points:
            parameters["type"] = type ?? ""
            try catalog.stream("layer_points", parameters: parameters, on: store) { r in
                guard let g = try geometry(r[4]) else { return }
                try emit(GeoJSON.feature(g, properties: ["id": text(r[0]), "name": text(r[1]), "type": text(r[2]), "radius_m": .number(r[3].double ?? 0)]))
            }
        case .addresses:
            parameters["kind"] = kind ?? ""
            try catalog.stream("layer_addresses", parameters: parameters, on: store) { r in
                guard let g = try geometry(r[6]) else { return }
                try emit(GeoJSON.feature(g, properties: ["id": text(r[0]), "kind": text(r[1]), "name": text(r[2]), "road": text(r[3]),
                                                         "number": text(r[4]), "street": text(r[5])]))
            }
        case .orders:
            parameters.merge(filter.parameters) { _, new in new }
            parameters["cell"] = cell ?? ""; parameters["unit"] = unit ?? ""; parameters["status"] = status ?? ""
            try catalog.stream("layer_orders", parameters: parameters, on: store) { r in
                guard let lon = r[12].double, let lat = r[13].double else { return }
                var properties: [String: JSONValue] = [:]
                for (i, name) in ["id", "category", "received_at", "status", "assign_status", "cell", "street", "community", "unit", "route", "zone", "points"].enumerated() {
                    properties[name] = text(r[i])
                }
                try emit(GeoJSON.feature(.point(Coordinate(lon, lat)), properties: properties))
            }
        }
        buffer.append(contentsOf: "]}\n".utf8)
        try write(buffer)
        return count
    }
}
