import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

public struct RecurrenceParameters: ParsableArguments, Capability {
    public init() {}

    public enum Level: String, ExpressibleByArgument, CaseIterable, Sendable { case cell, community, street, unit, point }
    public enum Method: String, ExpressibleByArgument, CaseIterable, Sendable { case table, gi, kde }

    @OptionGroup public var source: QuerySource
    @OptionGroup public var filter: OrderFilter

    @Option(help: "Metres between an order and an earlier one of the same category.")
    public var radius: Double = 50

    @Option(help: "Days between an order and an earlier one of the same category.")
    public var days: Double = 30

    @Option(help: "cell, community, street, unit or point.")
    public var level: Level = .cell

    @Option(help: "How many of the longest rebound chains to report.")
    public var chains: Int = 10

    @Option(
        help:
            "table (per area), gi (Gi* of rebound counts per cell, header cell,count,z,p,bin) or kde (density of rebounds, header as hotspots --method kde)."
    )
    public var method: Method = .table

    @OptionGroup public var giBand: DistanceBandOption
    @OptionGroup public var kernelGrid: KernelGridOptions

    @Flag(help: "Run the Knox near-repeat test instead of the per-area table.")
    public var knox = false

    @Option(name: .customLong("distance-band"), help: "Knox: width of a distance band in metres.")
    public var distanceBand: Double = 100

    @Option(name: .customLong("distance-bands"), help: "Knox: number of distance bands.")
    public var distanceBands: Int = 3

    @Option(name: .customLong("time-band"), help: "Knox: width of a time band in days.")
    public var timeBand: Double = 7

    @Option(name: .customLong("time-bands"), help: "Knox: number of time bands.")
    public var timeBands: Int = 4

    @OptionGroup public var randomisation: PermutationOptions

    @Option(help: "csv or json; with --method gi or kde also geojson.")
    public var format: AnalyticsFormat = .csv

    @OptionGroup public var byteOrderMark: BOMOption

    private var band: Double? { giBand.band }
    private var cellSize: Double? { kernelGrid.cellSize }
    private var bandwidth: Double? { kernelGrid.bandwidth }
    /// The Knox test's permutations of the times: 99 unless given.
    private var permutations: Int { randomisation.count(default: 99) }
    private var seed: UInt64 { randomisation.seed }
    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        guard radius.isFinite, radius > 0 else { throw ValidationError("--radius must be a positive number of metres") }
        guard days.isFinite, days >= 0 else { throw ValidationError("--days must be a non-negative number of days") }
        if (method == .table || knox) && format == .geojson { throw ValidationError("--format geojson maps rebounds: use --method gi or kde") }
        if method != .table && level != .cell { throw ValidationError("--method \(method.rawValue) maps rebounds over cells: leave --level at cell") }
        guard chains >= 0 else { throw ValidationError("--chains must not be negative") }
        guard distanceBand.isFinite, distanceBand > 0, timeBand.isFinite, timeBand > 0 else {
            throw ValidationError("--distance-band and --time-band must be positive")
        }
        guard (1 ... 50).contains(distanceBands), (1 ... 50).contains(timeBands) else {
            throw ValidationError("--distance-bands and --time-bands must be between 1 and 50")
        }
    }

    public func report(from data: DataSource) throws -> Report {
        var report = try figures(from: data)
        report.warn(try unknownCategoryWarnings(filter.category, from: data))
        report.filename = Report.filename(["recurrence", knox ? "knox" : method.rawValue, level.rawValue] + filter.filenameParts)
        return report
    }

    private func figures(from data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        guard radius <= CostLimits.recurrenceRadius else {
            throw CostLimitExceeded(
                parameter: "radius", limit: "≤ \(Int(CostLimits.recurrenceRadius)) m",
                message: "radius \(String(format: "%g", radius)) m: at most \(Int(CostLimits.recurrenceRadius)) m")
        }
        guard days <= CostLimits.recurrenceDays else {
            throw CostLimitExceeded(
                parameter: "days", limit: "≤ \(Int(CostLimits.recurrenceDays))",
                message: "days \(String(format: "%g", days)): at most \(Int(CostLimits.recurrenceDays))")
        }
        if knox { try CostLimits.checkPermutations(permutations) }
        if method == .kde, let cellSize, let extent = try data.index().cellExtentMetres {
            try CostLimits.checkRaster(extent: extent, cellSize: cellSize)
        }
        var orders: [Recurrence.Order] = []
        var areas: [String] = []
        var history: [String: [(status: String, at: Double)]] = [:]
        var index: DistrictIndex?
        var geometry: [String: Geometry] = [:]
        let (store, catalog) = try data.open()
        let district = try data.district()
        if method != .table { index = try data.index() }
        if format == .geojson { geometry = Dictionary(district.cells.map { ($0.code, $0.geometry) }, uniquingKeysWith: { a, _ in a }) }
        switch level {
        case .cell: areas = district.cells.map(\.code)
        case .community: areas = Array(Set(district.cells.map(\.communityCode)))
        case .street: areas = Array(Set(district.cells.map(\.streetCode)))
        case .unit: areas = district.units.map(\.id)
        case .point: areas = district.points.map(\.id)
        }
        let parameters = filter.parameters
        let rows = try catalog.run("order_histories", parameters: parameters, on: store).rows
        var positions = rows.map { Coordinate($0[3].double ?? .nan, $0[4].double ?? .nan) }
        try MetricProjection().project(&positions)
        orders = zip(rows, positions).map { row, m in
            let cell = row[5].string ?? ""
            let places: [String]
            switch level {
            case .cell: places = cell.isEmpty ? [] : [cell]
            case .community: places = cell.isEmpty ? [] : [CellCode(cell).community]
            case .street: places = cell.isEmpty ? [] : [CellCode(cell).street]
            case .unit: places = (row[6].string ?? "").isEmpty ? [] : [row[6].string!]
            case .point: places = (row[7].string ?? "").split(separator: ";").map(String.init)
            }
            return Recurrence.Order(
                id: row[0].string ?? "", category: row[1].string ?? "", received: row[2].double ?? 0, x: m.x, y: m.y, areas: places)
        }
        for e in try catalog.run("order_events", parameters: [:], on: store).rows {
            history[e[0].string ?? "", default: []].append((e[1].string ?? "", e[2].double ?? 0))
        }
        if knox { return try runKnox(orders) }
        let started = Date()
        let result = Recurrence.analyse(orders, radius: radius, days: days) { i, t in
            // The last status change at or before t (history is time-sorted).
            guard let changes = history[orders[i].id] else { return false }
            var status = "received"
            for c in changes { if c.at <= t { status = c.status } else { break } }
            return status == "resolved" || status == "closed"
        }
        let seconds = Date().timeIntervalSince(started)
        if let index { return try writeHeatmap(orders, result, index: index, geometry: geometry) }
        let table = Recurrence.byArea(orders, result, areas: areas)
        // Names beside the codes, as people use them.
        var names: [String: String] = [:]
        switch level {
        case .cell: for c in district.cells { names[c.code] = AreaNames.cellLabel(code: c.code, community: c.communityName, street: c.streetName) }
        case .community: for c in district.cells { names[c.communityCode] = c.communityName }
        case .street: for c in district.cells { names[c.streetCode] = c.streetName }
        case .unit: for u in district.units { names[u.id] = u.name }
        case .point: for p in district.points { names[p.id] = p.name }
        }
        let worst = Recurrence.worstChains(result, limit: chains)
        func rate(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        switch format {
        case .csv, .geojson:  // geojson only maps rebounds: validate() refuses it here
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: [level.rawValue, "name", "orders", "repeats", "rebounds", "recurrence_rate", "rebound_rate"])
            for r in table {
                writer.write(neutralising: [
                    r.area, names[r.area] ?? "", String(r.orders), String(r.repeats), String(r.rebounds), rate(r.recurrenceRate), rate(r.reboundRate),
                ])
            }
            report.bytes = (writer.take())
        case .json:
            func number(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }
            let rows = table.map {
                JSONValue.object([
                    level.rawValue: .string($0.area), "name": .string(names[$0.area] ?? ""), "orders": .number(Double($0.orders)),
                    "repeats": .number(Double($0.repeats)),
                    "rebounds": .number(Double($0.rebounds)), "recurrence_rate": number($0.recurrenceRate), "rebound_rate": number($0.reboundRate),
                ])
            }
            let chainValues = worst.map { chain in
                JSONValue.object([
                    "length": .number(Double(chain.count)), "category": .string(orders[chain[0]].category),
                    "orders": .array(chain.map { .string(orders[$0].id) }), "areas": .array(orders[chain.last!].areas.map(JSONValue.string)),
                ])
            }
            report.bytes =
                (Array(
                    (JSONValue.object([
                        "radius_m": .number(radius), "days": .number(days), "areas": .array(rows), "worst_chains": .array(chainValues),
                    ]).jsonText + "\n").utf8))
        }
        report.note(
            "\(orders.count) order(s): \(result.isRepeat.filter { $0 }.count) repeat(s), \(result.isRebound.filter { $0 }.count) rebound(s) within \(String(format: "%g", radius)) m and \(String(format: "%g", days)) days (\(String(format: "%.2f", seconds)) s)"
        )
        for chain in worst {
            report.note(
                "  chain of \(chain.count) \(orders[chain[0]].category) at \(orders[chain.last!].areas.joined(separator: ";")): \(chain.map { orders[$0].id }.joined(separator: " → "))"
            )
        }
        return report
    }

    /// `--knox`: the near-repeat table over the selected orders.
    private func runKnox(_ orders: [Recurrence.Order]) throws -> Report {
        var report = Report(format: format.rawValue)
        let started = Date()
        let located = orders.filter { $0.x.isFinite && $0.y.isFinite }
        let reach = distanceBand * Double(distanceBands)
        guard
            let links = SpatialWeights.linkCount(
                x: located.map(\.x), y: located.map(\.y), band: reach, limit: 2 * CostLimits.knoxPairs + located.count)
        else {
            throw CostLimitExceeded(
                parameter: "distance-bands", limit: "pairs within distance-bands × distance-band ≤ \(CostLimits.knoxPairs)",
                message:
                    "\(distanceBands) bands of \(String(format: "%g", distanceBand)) m pair more than \(CostLimits.knoxPairs) of the \(located.count) orders; fewer or narrower distance bands"
            )
        }
        let pairs = (links - located.count) / 2
        guard Double(pairs) * Double(permutations + 1) <= CostLimits.knoxPairPermutations else {
            throw CostLimitExceeded(
                parameter: "permutations", limit: "pairs × (permutations + 1) ≤ \(Int(CostLimits.knoxPairPermutations))",
                message:
                    "permutations \(permutations) over \(pairs) pairs within \(String(format: "%g", reach)) m: at most \(Int(CostLimits.knoxPairPermutations) / max(1, pairs) - 1) permutations here (pairs × (permutations + 1) ≤ \(String(format: "%.3g", CostLimits.knoxPairPermutations)))"
            )
        }
        let cells = NearRepeat.knox(
            x: orders.map(\.x), y: orders.map(\.y), days: orders.map { $0.received / 86_400 },
            distanceBand: distanceBand, distanceBands: distanceBands, timeBand: timeBand, timeBands: timeBands,
            permutations: permutations, seed: seed)
        switch format {
        case .csv, .geojson:  // geojson only maps rebounds: validate() refuses it here
            var writer = CSVWriter(bom: bom)
            writer.write(["distance_from_m", "distance_to_m", "days_from", "days_to", "observed", "expected", "knox_ratio", "p"])
            for c in cells {
                writer.write([
                    String(format: "%g", c.distanceFrom), String(format: "%g", c.distanceTo), String(format: "%g", c.daysFrom),
                    String(format: "%g", c.daysTo), String(c.observed), String(format: "%.3f", c.expected),
                    c.knoxRatio.map { String(format: "%.3f", $0) } ?? "", String(format: "%.4f", c.p),
                ])
            }
            report.bytes = (writer.take())
        case .json:
            let rows = cells.map { c in
                JSONValue.object([
                    "distance_from_m": .number(c.distanceFrom), "distance_to_m": .number(c.distanceTo), "days_from": .number(c.daysFrom),
                    "days_to": .number(c.daysTo), "observed": .number(Double(c.observed)), "expected": .number(c.expected),
                    "knox_ratio": c.knoxRatio.map(JSONValue.number) ?? .null, "p": .number(c.p),
                ])
            }
            report.bytes =
                (Array(
                    (JSONValue.object(["permutations": .number(Double(permutations)), "seed": .number(Double(seed)), "cells": .array(rows)]).jsonText
                        + "\n").utf8))
        }
        report.note(
            "Knox test over \(orders.count) order(s), \(permutations) permutations (\(String(format: "%.2f", Date().timeIntervalSince(started))) s)")
        return report
    }

    /// `--method gi|kde`: where rebounds concentrate, written as `hotspots` writes them.
    private func writeHeatmap(_ orders: [Recurrence.Order], _ result: Recurrence.Result, index: DistrictIndex, geometry: [String: Geometry]) throws
        -> Report
    {
        var report = Report(format: format.rawValue)
        let rebounds = orders.indices.filter { result.isRebound[$0] }
        let bytes: [UInt8]
        switch method {
        case .gi:
            let sites = Hotspots.sites(of: index)
            if let band {
                let located = sites.filter { $0.x.isFinite && $0.y.isFinite }
                try CostLimits.checkBand(x: located.map(\.x), y: located.map(\.y), band: band)
            }
            var counts: [String: Int] = [:]
            for j in rebounds { if let cell = orders[j].areas.first { counts[cell, default: 0] += 1 } }
            let (rows, usedBand) = Hotspots.giStar(sites: sites, counts: counts, band: band, falseDiscoveryRate: false)
            bytes = giStarOutput(
                rows, band: usedBand, bandNote: band == nil ? "smallest band giving every cell a neighbour" : "given",
                fdr: false, permutations: 0, geometry: geometry, format: format, bom: bom)
            report.note(
                "Gi* of \(rebounds.count) rebound(s) over \(rows.count) cells, distance band \(String(format: "%.1f", usedBand)) m\(band == nil ? " (smallest band giving every cell a neighbour)" : "")"
            )
        case .kde:
            guard let extent = index.cellExtentMetres else { throw OperationError.noCells }
            let x = rebounds.map { orders[$0].x }, y = rebounds.map { orders[$0].y }
            let size = cellSize ?? min(extent.maxX - extent.minX, extent.maxY - extent.minY) / 250
            guard let radius = bandwidth ?? KernelDensity.defaultBandwidth(x: x, y: y) else {
                throw OperationError("\(rebounds.count) rebound(s): too few (or all at one place) for a default bandwidth; give --bandwidth")
            }
            try CostLimits.checkKernelDensity(extent: extent, cellSize: size, bandwidth: radius, points: x.count)
            let kde = KernelDensity(x: x, y: y, extent: (extent.minX, extent.minY, extent.maxX, extent.maxY), cellSize: size, bandwidth: radius)
            bytes = try kernelDensityOutput(kde, bandwidthRule: bandwidth == nil ? "ArcGIS default" : "given", format: format, bom: bom)
            report.note(
                "kernel density of \(rebounds.count) rebound(s): \(kde.columns)×\(kde.rows) cells of \(String(format: "%.1f", size)) m, bandwidth \(String(format: "%.1f", radius)) m"
            )
        case .table:
            preconditionFailure("the table is written by run()")
        }
        report.bytes = (bytes)
        return report
    }
}
