import Foundation
@testable import WanggeCore
@testable import WanggeStore
import WanggeTestSupport

/// Small hand-made layers for import tests: a 2×2 block of square cells near Baoshan.
enum Fixture {
    static let x0 = 121.40, y0 = 31.30, dx = 0.0015, dy = 0.0012

    /// The repository's named queries.
    static var queries: QueryCatalog {
        get throws { try QueryCatalog(directory: SampleData.queriesDirectory) }
    }

    static func square(_ i: Int, _ j: Int) -> [[Double]] {
        let x = x0 + Double(i) * dx, y = y0 + Double(j) * dy
        return [[x, y], [x + dx, y], [x + dx, y + dy], [x, y + dy], [x, y]]
    }

    static func feature(_ properties: [String: Any], polygon rings: [[[Double]]]) -> [String: Any] {
        ["type": "Feature", "properties": properties, "geometry": ["type": "Polygon", "coordinates": rings]]
    }

    static func collection(_ features: [[String: Any]]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features]))
    }

    /// Codes 310113102001001 … 004, laid out (0,1) (1,1) / (0,0) (1,0).
    static func cellCode(_ n: Int) -> String { "310113102001" + String(format: "%03d", n) }

    static var cells: [UInt8] {
        get throws {
            try collection(
                [(0, 1), (1, 1), (0, 0), (1, 0)].enumerated().map { n, ij in
                    feature(["code": cellCode(n + 1), "street_name": "大场镇", "community_name": "第一居委"], polygon: [square(ij.0, ij.1)])
                })
        }
    }

    static let units = """
        id,name,kind,area,sla_hours
        U-STREET,大场镇网格中心,street,310113102,72
        U-SQUAD,大场城管中队,squad,,48
        U-MARKET,场中路市场,market,,
        """

    static let rules = """
        category,route
        乱设摊,market>squad
        违法搭建,squad
        道路破损,
        """

    /// A squad zone over the western column, a market zone over the middle.
    static var zones: [UInt8] {
        get throws {
            let w = [[x0, y0], [x0 + dx, y0], [x0 + dx, y0 + 2 * dy], [x0, y0 + 2 * dy], [x0, y0]]
            let m = [
                [x0 + 0.5 * dx, y0 + 0.5 * dy], [x0 + 1.5 * dx, y0 + 0.5 * dy], [x0 + 1.5 * dx, y0 + 1.5 * dy], [x0 + 0.5 * dx, y0 + 1.5 * dy],
                [x0 + 0.5 * dx, y0 + 0.5 * dy],
            ]
            return try collection([
                feature(["id": "SQ-1", "kind": "squad", "unit": "U-SQUAD"], polygon: [w]),
                feature(["id": "MK-1", "kind": "market", "unit": "U-MARKET"], polygon: [m]),
            ])
        }
    }

    static var points: [UInt8] {
        get throws {
            try collection([
                [
                    "type": "Feature", "properties": ["id": "P-1", "name": "路口", "type": "intersection", "radius_m": 30],
                    "geometry": ["type": "Point", "coordinates": [x0 + dx, y0 + dy]],
                ]
            ])
        }
    }

    /// A fresh database with every layer loaded.
    static func store() throws -> (WanggeStore, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try WanggeStore(path: dir.appendingPathComponent("t.sqlite").path)
        let importer = Importer(store: store)
        _ = try importer.importLayer(.units, bytes: Array(units.utf8))
        _ = try importer.importLayer(.rules, bytes: Array(rules.utf8))
        _ = try importer.importLayer(.cells, bytes: cells)
        _ = try importer.importLayer(.zones, bytes: zones)
        _ = try importer.importLayer(.points, bytes: points)
        return (store, dir)
    }
}
