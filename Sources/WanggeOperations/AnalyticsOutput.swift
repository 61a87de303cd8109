import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore

/// The output formats of the analytics commands.
public enum AnalyticsFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json, geojson }

/// A Gi* result per cell as CSV (`cell,count,z,p,bin[,p_sim]`), JSON, or GeoJSON (one feature
/// per cell drawn from `geometry`, with the same figures).
func giStarOutput(
    _ rows: [Hotspots.GiRow], band: Double, bandNote: String, fdr: Bool, permutations: Int,
    geometry: [String: Geometry], format: AnalyticsFormat, bom: Bool = false, crs: OutputCRS = .wgs84
) -> [UInt8] {
    func properties(_ r: Hotspots.GiRow) -> [String: JSONValue] {
        [
            "cell": .string(r.cell), "count": .number(Double(r.count)), "z": .number(r.result.z), "p": .number(r.result.p),
            "bin": .number(Double(r.result.bin)), "p_sim": r.pSim.map(JSONValue.number) ?? .null,
        ]
    }
    switch format {
    case .csv:
        var writer = CSVWriter(bom: bom)
        writer.write(neutralising: ["cell", "count", "z", "p", "bin"] + (permutations > 0 ? ["p_sim"] : []))
        for r in rows {
            writer.write(
                neutralising: [r.cell, String(r.count), String(format: "%.6f", r.result.z), String(format: "%.6f", r.result.p), String(r.result.bin)]
                    + (r.pSim.map { [String(format: "%.6f", $0)] } ?? []))
        }
        return writer.take()
    case .json:
        return Array(
            (JSONValue.object([
                "band_m": .number((band * 1000).rounded() / 1000), "band": .string(bandNote), "fdr": .bool(fdr),
                "permutations": .number(Double(permutations)), "cells": .array(rows.map { .object(properties($0)) }),
            ]).jsonText + "\n").utf8)
    case .geojson:
        let features = rows.compactMap { r in geometry[r.cell].map { GeoJSON.feature($0, id: .string(r.cell), properties: properties(r)) } }
        return Array((GeoJSON.featureCollection(features, crs: crs).jsonText + "\n").utf8)
    }
}

/// A kernel density raster as CSV (`row,column,x,y,lon,lat,density_per_km2`, non-zero cells),
/// JSON (the grid and its parameters), or GeoJSON (one square per non-zero raster cell, its id
/// `row * columns + column`; coordinates in `crs`).
func kernelDensityOutput(_ kde: KernelDensity, bandwidthRule: String, format: AnalyticsFormat, bom: Bool = false, crs: OutputCRS = .wgs84) throws
    -> [UInt8]
{
    let projection = try MetricProjection()
    var writer = CSVWriter(bom: bom)
    var features: [JSONValue] = []
    var objects: [JSONValue] = []
    if format == .csv { writer.write(["row", "column", "x", "y", "lon", "lat", "density_per_km2"]) }
    for row in 0 ..< kde.rows {
        for column in 0 ..< kde.columns {
            let value = kde.density[row * kde.columns + column]
            guard value > 0 else { continue }
            let c = kde.centre(row: row, column: column)
            let rounded = (value * 1000).rounded() / 1000
            switch format {
            case .csv:
                let ll = projection.unproject(Coordinate(c.x, c.y))
                writer.write([
                    String(row), String(column), String(format: "%.1f", c.x), String(format: "%.1f", c.y),
                    String(format: "%.7f", ll.x), String(format: "%.7f", ll.y), String(format: "%.3f", value),
                ])
            case .json:
                objects.append(.object(["row": .number(Double(row)), "column": .number(Double(column)), "density_per_km2": .number(rounded)]))
            case .geojson:
                let h = kde.cellSize / 2
                let corners = [(-h, -h), (h, -h), (h, h), (-h, h), (-h, -h)].map { projection.unproject(Coordinate(c.x + $0.0, c.y + $0.1)) }
                features.append(
                    GeoJSON.feature(
                        crs.apply(.polygon(Polygon(exterior: LinearRing(corners)))), id: .number(Double(row * kde.columns + column)),
                        properties: ["row": .number(Double(row)), "column": .number(Double(column)), "density_per_km2": .number(rounded)]))
            }
        }
    }
    switch format {
    case .csv: return writer.take()
    case .json:
        return Array(
            (JSONValue.object([
                "cell_size_m": .number(kde.cellSize), "bandwidth_m": .number(kde.bandwidth), "kernel": .string("quartic"),
                "bandwidth_rule": .string(bandwidthRule), "rows": .number(Double(kde.rows)), "columns": .number(Double(kde.columns)),
                "origin_epsg4549": .array([.number(kde.originX), .number(kde.originY)]), "cells": .array(objects),
            ]).jsonText + "\n").utf8)
    case .geojson:
        return Array((GeoJSON.featureCollection(features, crs: crs).jsonText + "\n").utf8)
    }
}
