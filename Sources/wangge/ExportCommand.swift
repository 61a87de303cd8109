import ArgumentParser
import WanggeOperations
import WanggeCore
import WanggeStore

/// `wangge export`: ``ExportParameters`` from the command line, the output to `--output`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a layer (cells, zones, points, orders, addresses) as GeoJSON for GIS (RFC 7946).",
        discussion: """
            RFC 7946: WGS84 longitude, latitude; exterior rings counter-clockwise, holes clockwise; at most 7 decimal places (about 1 cm). Features are written as they are read from the database, so exporting every order never holds them all in memory. --bbox keeps the features whose envelope meets the box (orders: whose point lies in it, edges included). Filters: cells --street, --community; zones --kind, --unit; points --type; orders --from, --to, --category, --cell, --unit, --status; addresses --kind (door, place, shop).

            --geometry point|line|polygon keeps the points drawn as one kind (a Shapefile holds one). Every feature has its id (cell code, zone, point, order or address id) at the top level and in its properties. --limit and --offset page through the features (in code, id or time order); --datetime takes an OGC/RFC 3339 instant or closed interval (2025-06-01T00:00:00+08:00/.., ../…). --crs gcj02|bd09 writes coordinates for 高德/腾讯 or 百度 basemaps: not RFC 7946, said in a "crs_note" member of the FeatureCollection.
            """)

    @OptionGroup var parameters: ExportParameters
    @OptionGroup var destination: OutputFile

    func run() throws {
        let sink = try OutputSink(destination.output)
        let count: Int
        do {
            count = try parameters.export(from: parameters.source.data()) { try sink.write($0) }
        } catch {
            sink.discard()
            note("error: \(error)")
            throw ExitCode(of: error)
        }
        try sink.close()
        var summary = "exported \(count) \(parameters.layer.rawValue)"
        if let (unlocated, warnings) = try parameters.notices(from: parameters.source.data()) {
            for warning in warnings { note("warning: \(warning)") }
            if unlocated > 0 {
                summary +=
                    "; \(unlocated) order(s) without a location were left out (list them with `wangge orders --db \(parameters.source.db) --status invalid`)"
            }
        }
        note(summary)
    }
}
