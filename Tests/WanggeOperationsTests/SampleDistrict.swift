import Foundation
@testable import WanggeCore
@testable import WanggeOperations
@testable import WanggePages
@testable import WanggeStore

/// Temporary stores built from the 宝山 sample district (GeoData/baoshan), with the
/// repository's named queries.
enum SampleDistrict {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var baoshan: URL { root.appendingPathComponent("GeoData/baoshan") }
    static var queries: String { root.appendingPathComponent("Queries").path }

    static func file(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: baoshan.appendingPathComponent(name)))
    }

    /// A fresh database file with the sample's units, rules, cells, zones and inspection
    /// points, then `orders` and `events` (CSV text) when given. Returns its path and the
    /// directory to remove.
    static func store(orders: [UInt8]? = nil, events: String? = nil) throws -> (path: String, dir: URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("d.sqlite").path
        let store = try WanggeStore(path: path)
        let importer = Importer(store: store)
        _ = try importer.importLayer(.units, bytes: try file("units.csv"))
        _ = try importer.importLayer(.rules, bytes: try file("rules.csv"))
        _ = try importer.importLayer(.cells, bytes: try file("cells.geojson"))
        _ = try importer.importLayer(.zones, bytes: try file("zones.geojson"))
        _ = try importer.importLayer(.points, bytes: try file("points.geojson"))
        if let orders { _ = try importer.importLayer(.orders, bytes: orders) }
        if let events {
            let report = try importer.importLayer(.events, bytes: Array(events.utf8))
            precondition(report.rejectedEvents.isEmpty, "fixture events rejected: \(report.rejectedEvents)")
        }
        return (path, dir)
    }

    static func source(_ path: String) -> DatabaseFile { DatabaseFile(path: path, queriesDirectory: queries) }

    /// Runs a command as the CLI would parse it, on `path`, and returns its output as text.
    static func run<C: ParsableOperation>(_ type: C.Type, _ arguments: [String], db path: String) throws -> String {
        let command = try C.parse(["--db", path, "--queries", queries] + arguments)
        return String(decoding: try command.report(from: source(path)).bytes, as: UTF8.self)
    }
}

/// A parameter set that is also a capability (every one in WanggeOperations, with WanggePages' pages).
protocol ParsableOperation: Capability {
    static func parse(_ arguments: [String]?) throws -> Self
}

extension SheetParameters: ParsableOperation {}
extension DashboardParameters: ParsableOperation {}
extension LightsParameters: ParsableOperation {}
extension KPIParameters: ParsableOperation {}
extension HotspotsParameters: ParsableOperation {}
extension RecurrenceParameters: ParsableOperation {}
extension TrendParameters: ParsableOperation {}
extension OrdersParameters: ParsableOperation {}
