import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

/// `wangge tile` (`GET /v1/tiles/{layer}/{z}/{x}/{y}.mvt`): one Mapbox Vector Tile of a layer,
/// for web maps.
public struct TileParameters: ParsableArguments, Capability {
    public init() {}

    /// The layers a tile can hold.
    public enum LayerName: String, ExpressibleByArgument, CaseIterable, Sendable { case cells, zones, points, orders, hotspots }

    @OptionGroup public var source: QuerySource
    @OptionGroup var filter: OrderFilter

    @Argument(help: "cells, zones, points, orders or hotspots.")
    var layer: LayerName

    @Argument(help: "Zoom, 0 to 24.")
    var z: String

    @Argument(help: "Column, 0 to 2^z - 1 (west to east).")
    var x: String

    @Argument(help: "Row, 0 to 2^z - 1 (north to south).")
    var y: String

    @Option(help: "Coordinates the tile is drawn in: wgs84 (the default), gcj02 (高德/腾讯 basemaps) or bd09 (百度).")
    public var crs: OutputCRS = .wgs84

    public func validate() throws {
        if let problem = TileAddress.problem(z: z, x: x, y: y) { throw ValidationError(problem.description) }
    }

    /// The tile's address (checked by ``validate()``; ``TileAddress/OutOfRange`` otherwise).
    public func address() throws -> TileAddress { try TileAddress(z: z, x: x, y: y) }

    /// The layer asked for.
    public var layerName: LayerName { layer }

    /// Whether the tile depends on the stored orders (not only on the layers): such tiles are
    /// cached per data version, the others per index generation.
    public var dependsOnOrders: Bool { layer == .orders || layer == .hotspots }

    /// A key naming this tile and its filters, for a cache.
    public var cacheKey: String {
        ([layer.rawValue, z, x, y, crs.rawValue] + filter.filenameParts + filter.category.sorted()).joined(separator: "/")
    }

    public func report(from data: DataSource) throws -> Report {
        var report = Report(format: "mvt")
        let clipper = TileClipper(tile: try address())
        var out = VectorTileLayer(name: layer.rawValue)
        // A `crs=gcj02|bd09` tile shifts each geometry before clipping: the tile grid stays Web
        // Mercator, of the shifted coordinates (what Chinese basemaps draw).
        let crs = self.crs
        func add(_ geometry: Geometry, id: String, _ properties: [(String, TileValue)]) {
            guard let g = clipper.clip(crs.apply(geometry)) else { return }
            out.add(g, id: UInt64(id), properties: properties)
        }
        switch layer {
        case .cells:
            for c in try data.district().cells {
                add(
                    c.geometry, id: c.code,
                    [
                        ("code", .string(c.code)), ("name", .string(c.name)),
                        ("community", .string(c.communityName)), ("street", .string(c.streetName)),
                    ])
            }
        case .zones:
            for zone in try data.district().zones {
                add(
                    zone.geometry, id: zone.id,
                    [("id", .string(zone.id)), ("kind", .string(zone.kind)), ("unit", .string(zone.unit)), ("name", .string(zone.name))])
            }
        case .points:
            for p in try data.district().points {
                add(
                    p.geometry, id: p.id,
                    [("id", .string(p.id)), ("name", .string(p.name)), ("type", .string(p.type)), ("radius_m", .double(p.radiusMetres))])
            }
        case .orders:
            let (store, catalog) = try data.open()
            var parameters = filter.parameters
            // The orders are stored in WGS84: a shifted tile looks for them in a box grown by more
            // than the shift (GCJ-02 and BD-09 move points well under 0.01°), the clipper
            // keeps those whose shifted point falls in the tile.
            let margin = crs == .wgs84 ? 0 : 0.01
            let box = clipper.bounds.expanded(dx: margin, dy: margin)
            parameters["min_lon"] = String(box.minX); parameters["min_lat"] = String(box.minY)
            parameters["max_lon"] = String(box.maxX); parameters["max_lat"] = String(box.maxY)
            // columns: id, category, received_at, status, assign_status, cell, street, community, unit, route, zone, points, lon, lat
            try catalog.stream("layer_orders", parameters: parameters, on: store) { r in
                guard let lon = r[12].double, let lat = r[13].double else { return }
                let id = r[0].string ?? ""
                add(
                    .point(Coordinate(lon, lat)), id: id,
                    [
                        ("id", .string(id)), ("category", .string(r[1].string ?? "")), ("received_at", .string(r[2].string ?? "")),
                        ("status", .string(r[3].string ?? "")), ("assign_status", .string(r[4].string ?? "")),
                        ("cell", .string(r[5].string ?? "")), ("unit", .string(r[8].string ?? "")),
                    ])
            }
        case .hotspots:
            let rows = try giStar(data)
            let cells = try data.district().cells
            for c in cells {
                guard let row = rows[c.code] else { continue }
                add(
                    c.geometry, id: c.code,
                    [
                        ("cell", .string(c.code)), ("count", .int(Int64(row.count))),
                        ("z", .double((row.result.z * 1e4).rounded() / 1e4)), ("p", .double((row.result.p * 1e6).rounded() / 1e6)),
                        ("bin", .int(Int64(row.result.bin))),
                    ])
            }
        }
        report.bytes = VectorTile.encode([out])
        report.note("tile \(clipper.tile.description) of \(layer.rawValue): \(out.featureCount) feature(s), \(report.bytes.count) bytes")
        report.filename = Report.filename([layer.rawValue, z, x, y])
        return report
    }

    /// Gi* per cell over the filtered orders, kept while the data is unchanged (every tile of
    /// the layer needs the same figures).
    private func giStar(_ data: DataSource) throws -> [String: Hotspots.GiRow] {
        try data.memoized("tile-gi-" + (filter.filenameParts + filter.category.sorted()).joined(separator: "/")) {
            let (store, catalog) = try data.open()
            let index = try data.index()
            let sites = zip(index.cells, index.cellCentroidsMetres()).map { Hotspots.Site(code: $0.code, area: $1.area, x: $1.x, y: $1.y) }
            guard !sites.isEmpty else { throw OperationError.noCells }
            let rows = try catalog.run("orders_by_cell", parameters: filter.parameters, on: store).rows
            let counts = Dictionary(rows.map { ($0[0].string ?? "", $0[1].int ?? 0) }, uniquingKeysWith: +)
            let gi = Hotspots.giStar(sites: sites, counts: counts, band: nil, falseDiscoveryRate: false).rows
            return Dictionary(gi.map { ($0.cell, $0) }, uniquingKeysWith: { a, _ in a })
        }
    }
}
