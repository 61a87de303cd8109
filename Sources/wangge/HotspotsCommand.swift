import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

extension Hotspots.Level: ExpressibleByArgument {}

struct HotspotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotspots",
        abstract: "Where orders concentrate: counts per area, or Getis-Ord Gi* hot and cold spots per cell.",
        discussion: """
            An order counts for its primary cell (snapped orders included); outside and invalid
            orders count for no cell; communities and streets sum their cells.
              --method count   CSV header: <level>,count,density_per_km2 (every area, zeros included)
              --method gi      CSV header: cell,count,z,p,bin (cell level). Binary distance-band
                               weights between cell area centroids in EPSG:4549 metres, the cell
                               itself included; z is Gi*, p two-sided normal, bin ±3/±2/±1 for
                               99/95/90 % confidence (--fdr: Benjamini-Hochberg bins).
            """)

    enum Method: String, ExpressibleByArgument, CaseIterable { case count, gi }
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json, geojson }

    @Option(help: "The SpatiaLite database.")
    var db: String

    @Option(help: "Orders received at or after this ISO 8601 time.")
    var from: String?

    @Option(help: "Orders received before this ISO 8601 time.")
    var to: String?

    @Option(help: "Only orders of this category (repeatable).")
    var category: [String] = []

    @Option(help: "cell, community or street.")
    var level: Hotspots.Level = .cell

    @Option(help: "count or gi.")
    var method: Method = .count

    @Option(help: "Gi* distance band in metres (default: the smallest band giving every cell a neighbour).")
    var band: Double?

    @Flag(help: "Gi*: bins with the Benjamini-Hochberg false-discovery-rate correction.")
    var fdr = false

    @Option(help: "csv, json, or geojson (cell level: one feature per cell with its figures, RFC 7946).")
    var format: Format = .csv

    @Option(help: "The queries directory (default: $WANGGE_QUERIES, else the source tree's Queries/).")
    var queries: String?

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    func validate() throws {
        if let from, Timestamp.parse(from) == nil { throw ValidationError("--from \"\(from)\" is not an ISO 8601 time (e.g. 2025-03-01T00:00:00+08:00)") }
        if let to, Timestamp.parse(to) == nil { throw ValidationError("--to \"\(to)\" is not an ISO 8601 time (e.g. 2025-04-01T00:00:00+08:00)") }
        if let band, !(band.isFinite && band > 0) { throw ValidationError("--band must be a positive number of metres") }
        if method == .gi && level != .cell { throw ValidationError("--method gi is computed per cell: use --level cell") }
        if format == .geojson && level != .cell { throw ValidationError("--format geojson draws cells: use --level cell") }
    }

    func run() throws {
        let sites: [Hotspots.Site]
        let counts: [String: Int]
        let geometry: [String: Geometry]
        do {
            let (store, catalog) = try openForQueries(db: db, queries: queries)
            let district = try store.loadDistrict()
            geometry = format == .geojson ? Dictionary(district.cells.map { ($0.code, $0.geometry) }, uniquingKeysWith: { a, _ in a }) : [:]
            let index = try DistrictIndex(district: district)
            sites = zip(index.cells, index.cellCentroidsMetres()).map { Hotspots.Site(code: $0.code, area: $1.area, x: $1.x, y: $1.y) }
            var parameters: [String: String] = ["categories": category.joined(separator: ",")]
            if let from { parameters["from"] = from }
            if let to { parameters["to"] = to }
            let rows = try catalog.run("orders_by_cell", parameters: parameters, on: store).rows
            counts = Dictionary(rows.map { ($0[0].string ?? "", $0[1].int ?? 0) }, uniquingKeysWith: +)
        } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
        guard !sites.isEmpty else {
            note("error: the database has no cells; import the cells layer first")
            throw ExitCode.failure
        }
        var writer = CSVWriter()
        var json = ""
        var features: [JSONValue] = []
        func feature(_ cell: String, _ properties: [String: JSONValue]) {
            guard let g = geometry[cell] else { return }
            features.append(GeoJSON.feature(g, properties: properties.merging(["cell": .string(cell)]) { a, _ in a }))
        }
        switch method {
        case .count:
            let rows = Hotspots.counts(sites: sites, counts: counts, level: level)
            writer.write([level.rawValue, "count", "density_per_km2"])
            for r in rows { writer.write([r.area, String(r.count), String(format: "%.3f", r.density)]) }
            json = JSONValue.array(rows.map { .object([level.rawValue: .string($0.area), "count": .number(Double($0.count)), "density_per_km2": .number(($0.density * 1000).rounded() / 1000)]) }).jsonText
            for r in rows { feature(r.area, ["count": .number(Double(r.count)), "density_per_km2": .number((r.density * 1000).rounded() / 1000)]) }
            note("\(rows.count) \(level.rawValue) area(s), \(rows.reduce(0) { $0 + $1.count }) order(s)")
        case .gi:
            let (rows, usedBand) = Hotspots.giStar(sites: sites, counts: counts, band: band, falseDiscoveryRate: fdr)
            writer.write(["cell", "count", "z", "p", "bin"])
            for r in rows { writer.write([r.cell, String(r.count), String(format: "%.6f", r.result.z), String(format: "%.6f", r.result.p), String(r.result.bin)]) }
            let bandNote = band == nil ? "smallest band giving every cell a neighbour" : "given"
            json = JSONValue.object([
                "band_m": .number((usedBand * 1000).rounded() / 1000), "band": .string(bandNote), "fdr": .bool(fdr),
                "cells": .array(rows.map { .object(["cell": .string($0.cell), "count": .number(Double($0.count)), "z": .number($0.result.z), "p": .number($0.result.p), "bin": .number(Double($0.result.bin))]) }),
            ]).jsonText
            for r in rows { feature(r.cell, ["count": .number(Double(r.count)), "z": .number(r.result.z), "p": .number(r.result.p), "bin": .number(Double(r.result.bin))]) }
            note("Gi* over \(rows.count) cells, distance band \(String(format: "%.1f", usedBand)) m (\(bandNote))\(fdr ? ", FDR-corrected bins" : ""): \(rows.filter { $0.result.bin > 0 }.count) hot, \(rows.filter { $0.result.bin < 0 }.count) cold")
        }
        let sink = try OutputSink(output)
        switch format {
        case .csv: sink.write(writer.take())
        case .json: sink.write(Array((json + "\n").utf8))
        case .geojson: sink.write(Array((JSONValue.object(["type": .string("FeatureCollection"), "features": .array(features)]).jsonText + "\n").utf8))
        }
        try sink.close()
    }
}
