import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

extension Hotspots.Level: ExpressibleByArgument {}

public struct HotspotsParameters: ParsableArguments, Capability {
    public init() {}

    public enum Method: String, ExpressibleByArgument, CaseIterable, Sendable { case count, gi, kde, emerging }
    public enum Step: String, ExpressibleByArgument, CaseIterable, Sendable { case day, week, month }
    public enum Weights: String, ExpressibleByArgument, CaseIterable, Sendable { case band, queen }

    @OptionGroup public var source: QuerySource
    @OptionGroup public var filter: OrderFilter

    @Option(help: "cell, community, street, unit or point (unit and point: --method count only).")
    public var level: Hotspots.Level = .cell

    @Option(help: "count (orders per area), gi (Gi* hot and cold spots), kde (kernel density) or emerging (emerging hot spots).")
    public var method: Method = .count

    @OptionGroup public var distanceBand: DistanceBandOption
    @OptionGroup public var kernelGrid: KernelGridOptions

    @Option(help: "Gi* weights: band (distance band, see --band) or queen (cells sharing any boundary point).")
    public var weights: Weights = .band

    @Option(help: "Emerging: the time step (day, week or month).")
    public var step: Step = .week

    @Option(name: .customLong("time-lag"), help: "Emerging: earlier steps in each bin's neighbourhood.")
    public var timeLag: Int = 1

    @OptionGroup public var randomisation: PermutationOptions

    @Flag(help: "Gi*: bins with the Benjamini-Hochberg false-discovery-rate correction.")
    public var fdr = false

    @Option(help: "csv, json, or geojson (cell level: one feature per cell with its figures, RFC 7946).")
    public var format: AnalyticsFormat = .csv

    @OptionGroup public var byteOrderMark: BOMOption

    @Option(
        help:
            "GeoJSON coordinates: wgs84 (RFC 7946, the default), gcj02 (高德/腾讯 basemaps) or bd09 (百度); not RFC 7946 but for wgs84, said in a crs_note member."
    )
    public var crs: OutputCRS = .wgs84

    private var band: Double? { distanceBand.band }
    private var cellSize: Double? { kernelGrid.cellSize }
    private var bandwidth: Double? { kernelGrid.bandwidth }
    /// Gi*'s conditional randomisation: none unless asked.
    private var permutations: Int { randomisation.count(default: 0) }
    private var seed: UInt64 { randomisation.seed }
    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        if crs != .wgs84 && format != .geojson { throw ValidationError("--crs \(crs.rawValue) shifts GeoJSON coordinates: use --format geojson") }
        if (level == .unit || level == .point) && method != .count {
            throw ValidationError("--level \(level.rawValue) counts orders: use --method count")
        }
        if method == .gi && level != .cell { throw ValidationError("--method gi is computed per cell: use --level cell") }
        if format == .geojson && (level == .unit || level == .point) {
            throw ValidationError("--format geojson draws areas of the grid: use --level cell, community or street")
        }
        if weights == .queen && band != nil { throw ValidationError("--band and --weights queen exclude each other") }
        if method == .emerging && level != .cell { throw ValidationError("--method emerging is computed per cell: use --level cell") }
        if method == .emerging && format == .geojson { throw ValidationError("--method emerging writes csv or json") }
        if !(0 ... 52).contains(timeLag) { throw ValidationError("--time-lag must be between 0 and 52 steps") }
        if method == .kde && level != .cell { throw ValidationError("--method kde works on a raster: leave --level at cell") }
    }

    public func report(from data: DataSource) throws -> Report {
        var report = try figures(from: data)
        report.warn(try unknownCategoryWarnings(filter.category, from: data))
        report.filename = Report.filename(["hotspots", method.rawValue, level.rawValue] + filter.filenameParts)
        return report
    }

    private func figures(from data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        try CostLimits.checkPermutations(permutations)
        if method == .kde { return try runKernelDensity(data) }
        if method == .emerging { return try runEmerging(data) }
        if level == .unit || level == .point { return try runPlaceCounts(data) }
        let sites: [Hotspots.Site]
        let counts: [String: Int]
        let geometry: [String: Geometry]
        var queen: [[Int]]?
        let (store, catalog) = try data.open()
        let district = try data.district()
        geometry = format == .geojson ? Self.areaGeometries(district.cells, level: level).mapValues { crs.apply($0) } : [:]
        let index = try data.index()
        sites = Hotspots.sites(of: index)
        if weights == .queen && method == .gi { queen = index.cellQueenNeighbours() }
        let parameters = filter.parameters
        let rows = try catalog.run("orders_by_cell", parameters: parameters, on: store).rows
        counts = Dictionary(rows.map { ($0[0].string ?? "", $0[1].int ?? 0) }, uniquingKeysWith: +)
        guard !sites.isEmpty else {
            throw OperationError.noCells
        }
        var writer = CSVWriter(bom: bom)
        var json = ""
        var features: [JSONValue] = []
        func feature(_ cell: String, _ properties: [String: JSONValue]) {
            guard let g = geometry[cell] else { return }
            features.append(GeoJSON.feature(g, id: .string(cell), properties: properties.merging([level.rawValue: .string(cell)]) { a, _ in a }))
        }
        switch method {
        case .kde, .emerging:
            preconditionFailure("kernel density and emerging hot spots have their own runners")
        case .count:
            let rows = Hotspots.counts(sites: sites, counts: counts, level: level)
            // Names as people use them: the street's, the community's, "community · street · 第N网格".
            var names: [String: String] = [:]
            for c in district.cells {
                switch level {
                case .street: names[c.streetCode] = c.streetName
                case .community: names[c.communityCode] = c.communityName
                default: names[c.code] = AreaNames.cellLabel(code: c.code, community: c.communityName, street: c.streetName)
                }
            }
            writer.write(neutralising: [level.rawValue, "name", "count", "density_per_km2"])
            for r in rows { writer.write(neutralising: [r.area, names[r.area] ?? "", String(r.count), String(format: "%.3f", r.density ?? 0)]) }
            json =
                JSONValue.array(
                    rows.map {
                        .object([
                            level.rawValue: .string($0.area), "name": .string(names[$0.area] ?? ""), "count": .number(Double($0.count)),
                            "density_per_km2": .number((($0.density ?? 0) * 1000).rounded() / 1000),
                        ])
                    }
                ).jsonText
            for r in rows {
                feature(
                    r.area,
                    [
                        "name": .string(names[r.area] ?? ""), "count": .number(Double(r.count)),
                        "density_per_km2": .number(((r.density ?? 0) * 1000).rounded() / 1000),
                    ])
            }
            report.note("\(rows.count) \(level.rawValue) area(s), \(rows.reduce(0) { $0 + $1.count }) order(s)")
        case .gi:
            let located = sites.filter { $0.x.isFinite && $0.y.isFinite }
            let x = located.map(\.x), y = located.map(\.y)
            var links = 0
            if let queen {
                links = queen.reduce(sites.count) { $0 + $1.count }
            } else if band != nil || permutations > 0, let b = band ?? SpatialWeights.smallestBandWithNeighbours(x: x, y: y) {
                links = try CostLimits.checkBand(x: x, y: y, band: b)
            }
            try CostLimits.checkGiPermutations(permutations, links: links)
            let (rows, usedBand) = Hotspots.giStar(
                sites: sites, counts: counts, band: band, falseDiscoveryRate: fdr, permutations: permutations, seed: seed, queen: queen)
            let bandNote = queen != nil ? "queen contiguity" : band == nil ? "smallest band giving every cell a neighbour" : "given"
            report.bytes =
                (giStarOutput(
                    rows, band: usedBand, bandNote: bandNote, fdr: fdr, permutations: permutations, geometry: geometry, format: format, bom: bom,
                    crs: crs))
            let weighting = queen != nil ? "queen contiguity" : "distance band \(String(format: "%.1f", usedBand)) m (\(bandNote))"
            report.note(
                "Gi* over \(rows.count) cells, \(weighting)\(fdr ? ", FDR-corrected bins" : ""): \(rows.filter { $0.result.bin > 0 }.count) hot, \(rows.filter { $0.result.bin < 0 }.count) cold"
            )
            return report
        }
        switch format {
        case .csv: report.bytes = (writer.take())
        case .json: report.bytes = (Array((json + "\n").utf8))
        case .geojson: report.bytes = (Array((GeoJSON.featureCollection(features, crs: crs).jsonText + "\n").utf8))
        }
        return report
    }

    /// `--method kde`: density of order locations over the cells' extent.
    private func runKernelDensity(_ data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        let projection = try MetricProjection()
        var points: [Coordinate] = []
        let extent: BoundingBox
        let (store, catalog) = try data.open()
        let index = try data.index()
        guard let e = index.cellExtentMetres else { throw OperationError.noCells }
        extent = e
        let parameters = filter.parameters
        points = try catalog.run("order_locations", parameters: parameters, on: store).rows.compactMap { row in
            guard let lon = row[0].double, let lat = row[1].double else { return nil }
            return Coordinate(lon, lat)
        }
        projection.project(&points)
        let x = points.map(\.x), y = points.map(\.y)
        let size = cellSize ?? min(extent.maxX - extent.minX, extent.maxY - extent.minY) / 250
        try CostLimits.checkRaster(extent: extent, cellSize: size)
        guard let radius = bandwidth ?? KernelDensity.defaultBandwidth(x: x, y: y) else {
            throw OperationError("\(points.count) located order(s): too few (or all at one place) for a default bandwidth; give --bandwidth")
        }
        try CostLimits.checkKernelDensity(extent: extent, cellSize: size, bandwidth: radius, points: points.count)
        let kde = KernelDensity(x: x, y: y, extent: (extent.minX, extent.minY, extent.maxX, extent.maxY), cellSize: size, bandwidth: radius)
        report.note(
            "kernel density of \(points.count) order(s): \(kde.columns)×\(kde.rows) cells of \(String(format: "%.1f", size)) m, bandwidth \(String(format: "%.1f", radius)) m (\(bandwidth == nil ? "ArcGIS default rule" : "given")), quartic kernel, orders per km²"
        )
        report.bytes =
            (try kernelDensityOutput(kde, bandwidthRule: bandwidth == nil ? "ArcGIS default" : "given", format: format, bom: bom, crs: crs))
        return report
    }

    /// `--method emerging`: the space-time cube of Gi* and its categories.
    private func runEmerging(_ data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        var sites: [Hotspots.Site] = []
        var orders: [(cell: String, time: Double)] = []
        let (store, catalog) = try data.open()
        let index = try data.index()
        sites = Hotspots.sites(of: index)
        let parameters = filter.parameters
        orders = try catalog.run("order_histories", parameters: parameters, on: store).rows.compactMap { r in
            guard let cell = r[5].string, !cell.isEmpty, let t = r[2].double else { return nil }
            return (cell, t)
        }
        guard !sites.isEmpty, let first = orders.map(\.time).min(), let last = orders.map(\.time).max() else {
            throw OperationError("no cells or no orders with a cell in the window")
        }
        // Step boundaries in China Standard Time.
        let start = filter.from.flatMap(Timestamp.parse) ?? Timestamp.dayStart(first)
        let end = filter.to.flatMap(Timestamp.parse) ?? (last + 1)
        func stepIndex(_ t: Double) -> Int {
            switch step {
            case .day: return Int(((t - start) / 86_400).rounded(.down))
            case .week: return Int(((t - start) / (7 * 86_400)).rounded(.down))
            case .month: return Timestamp.monthIndex(t) - Timestamp.monthIndex(start)
            }
        }
        let steps = stepIndex(end - 0.001) + 1
        guard steps >= 2, steps <= 5_000 else {
            throw OperationError("the window holds \(steps) \(step.rawValue) step(s); emerging hot spots need 2 to 5,000")
        }
        guard sites.count * steps <= CostLimits.cubeBins else {
            throw CostLimitExceeded(
                parameter: "step", limit: "cells × steps ≤ \(CostLimits.cubeBins)",
                message:
                    "\(sites.count) cells × \(steps) \(step.rawValue) steps: at most \(CostLimits.cubeBins) bins (a longer step or a shorter window)")
        }
        let order = sites.indices.sorted { sites[$0].code < sites[$1].code }
        let sorted = order.map { sites[$0] }
        let row = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1.code, $0) })
        var counts = [[Double]](repeating: [Double](repeating: 0, count: steps), count: sorted.count)
        for o in orders {
            guard let i = row[o.cell] else { continue }
            let t = stepIndex(o.time)
            if t >= 0 && t < steps { counts[i][t] += 1 }
        }
        let x = sorted.map(\.x), y = sorted.map(\.y)
        let usedBand = band ?? SpatialWeights.smallestBandWithNeighbours(x: x, y: y) ?? 0
        if band != nil { try CostLimits.checkBand(x: x, y: y, band: usedBand) }
        let weights = SpatialWeights.distanceBand(x: x, y: y, band: usedBand, includeSelf: true)
        let locations = EmergingHotSpots.analyse(counts: counts, weights: weights, timeLag: timeLag)
        switch format {
        case .json:
            let rows = zip(sorted, locations).map {
                JSONValue.object([
                    "cell": .string($0.code), "category": .string($1.category), "trend_z": .number($1.trendZ),
                    "trend_p": .number($1.trendP), "hot_steps": .number(Double($1.hotSteps)),
                    "cold_steps": .number(Double($1.coldSteps)), "final_z": .number($1.finalZ),
                ])
            }
            report.bytes =
                (Array(
                    (JSONValue.object([
                        "step": .string(step.rawValue), "steps": .number(Double(steps)), "time_lag": .number(Double(timeLag)),
                        "band_m": .number(usedBand), "cells": .array(rows),
                    ]).jsonText + "\n").utf8))
        default:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: ["cell", "category", "trend_z", "trend_p", "hot_steps", "cold_steps", "final_z"])
            for (site, l) in zip(sorted, locations) {
                writer.write(neutralising: [
                    site.code, l.category, String(format: "%.4f", l.trendZ), String(format: "%.4f", l.trendP),
                    String(l.hotSteps), String(l.coldSteps), String(format: "%.4f", l.finalZ),
                ])
            }
            report.bytes = (writer.take())
        }
        var tally: [String: Int] = [:]
        for l in locations { tally[l.category, default: 0] += 1 }
        report.note(
            "emerging hot spots: \(sorted.count) cells × \(steps) \(step.rawValue)s, band \(String(format: "%.1f", usedBand)) m, time lag \(timeLag): "
                + tally.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        return report
    }

    /// `--level unit|point`: orders per responsible unit or inspection point.
    private func runPlaceCounts(_ data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        var places: [(code: String, name: String)] = []
        var orderPlaces: [[String]] = []
        let (store, catalog) = try data.open()
        let district = try data.district()
        places = level == .unit ? district.units.map { ($0.id, $0.name) } : district.points.map { ($0.id, $0.name) }
        let parameters = filter.parameters
        orderPlaces = try catalog.run("order_places", parameters: parameters, on: store).rows.map { r in
            level == .unit ? [r[0].string ?? ""].filter { !$0.isEmpty } : (r[1].string ?? "").split(separator: ";").map(String.init)
        }
        let names = Dictionary(places.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
        let rows = Hotspots.placeCounts(places: places.map(\.code), orderPlaces: orderPlaces)
        switch format {
        case .json:
            let values = rows.map {
                JSONValue.object([level.rawValue: .string($0.area), "name": .string(names[$0.area] ?? ""), "count": .number(Double($0.count))])
            }
            report.bytes = (Array((JSONValue.array(values).jsonText + "\n").utf8))
        default:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: [level.rawValue, "name", "count"])
            for r in rows { writer.write(neutralising: [r.area, names[r.area] ?? "", String(r.count)]) }
            report.bytes = (writer.take())
        }
        report.note("\(rows.count) \(level.rawValue)(s), \(rows.reduce(0) { $0 + $1.count }) order-\(level.rawValue) pair(s)")
        return report
    }

    /// Each area's geometry at `level`: the cell's own, or the union of a community's or a
    /// street's cells.
    static func areaGeometries(_ cells: [Cell], level: Hotspots.Level) -> [String: Geometry] {
        guard level != .cell else { return Dictionary(cells.map { ($0.code, $0.geometry) }, uniquingKeysWith: { a, _ in a }) }
        var groups: [String: [Geometry]] = [:]
        for c in cells { groups[level == .community ? c.communityCode : c.streetCode, default: []].append(c.geometry) }
        let checker = GeometryChecker()
        return groups.compactMapValues { checker.union(of: $0) }
    }
}
