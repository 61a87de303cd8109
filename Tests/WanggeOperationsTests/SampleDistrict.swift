import Foundation
@testable import WanggeCore
@testable import WanggeOperations
@testable import WanggePages
@testable import WanggeStore
import WanggeTestSupport

/// The 宝山 sample district (GeoData/baoshan) as the operations tests use it: stores loaded
/// by WanggeTestSupport, the repository's named queries, and commands run as the CLI parses them.
extension SampleDistrict {
    static var baoshan: URL { SampleData.district("baoshan") }
    static var queries: String { SampleData.queriesDirectory }

    static func file(_ name: String) throws -> [UInt8] { try SampleData.file(name, of: "baoshan") }

    /// A fresh database file with the sample's units, rules, cells, zones and inspection
    /// points, then `orders` and `events` (CSV text) when given. Returns its path and the
    /// directory to remove.
    static func store(orders: [UInt8]? = nil, events: String? = nil) throws -> (path: String, dir: URL) {
        // Layers alone: a copy of the process's template; with orders or events, a fresh import.
        let store =
            try orders == nil && events == nil
            ? copy("baoshan") : fresh("baoshan", orders: orders, events: events.map { Array($0.utf8) })
        return (store.path, store.directory)
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
