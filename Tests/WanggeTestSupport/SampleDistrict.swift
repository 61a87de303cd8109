import Foundation
import Synchronization
import WanggeStore

// Why a fixture loader may use the store it helps to test: the truth is the files under
// GeoData/, written by GeoData/generate.py independently of the Swift code, and every test's
// expectations come from those files (or from hand-made values), never from what this loader
// stored. The loader goes through the store's public importer exactly as `wangge import` and
// `POST /layers` do, and that importer is itself checked against the same files (ImportTests,
// SpatiaLiteAgreementTests, the ground-truth tests), so an import bug fails those tests rather
// than agreeing with itself here. Nothing here depends on the commands, analytics or server.

/// The repository's checked-in data: the sample districts (GeoData/<name>/) and the named
/// queries (Queries/), found from this file's place in Tests/WanggeTestSupport/.
public enum SampleData {
    /// The repository's root directory.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory of the repository's named queries (Queries/).
    public static var queriesDirectory: String { root.appendingPathComponent("Queries").path }

    /// The directory of a sample district (GeoData/baoshan, GeoData/huangpu).
    public static func district(_ name: String) -> URL { root.appendingPathComponent("GeoData/\(name)") }

    /// The bytes of one of a sample district's files.
    public static func file(_ name: String, of district: String = "baoshan") throws -> [UInt8] {
        Array(try Data(contentsOf: self.district(district).appendingPathComponent(name)))
    }

    /// The text of one of a sample district's files.
    public static func text(_ name: String, of district: String = "baoshan") throws -> String {
        String(decoding: try file(name, of: district), as: UTF8.self)
    }
}

/// A problem with a fixture itself (not with the code under test): a file the sample
/// district should hold was rejected.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
}

/// A database file of its own for one test, in a temporary directory the test removes.
public struct SampleStore: Sendable {
    /// The SpatiaLite file.
    public let path: String
    /// The directory holding it (and nothing the test did not put there).
    public let directory: URL

    /// A new empty temporary directory named after `prefix`, and the file `name` in it.
    public static func fresh(_ prefix: String = "wangge-test", name: String = "d.sqlite") throws -> SampleStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return SampleStore(path: directory.appendingPathComponent(name).path, directory: directory)
    }

    /// Removes the directory and everything in it.
    public func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Loads a sample district into SpatiaLite files: the one place tests do it.
public enum SampleDistrict {
    /// The district's layers in the order an import needs them (units before the zones that
    /// name them, rules before the orders they route).
    public static let layers: [(layer: Layer, file: String)] = [
        (.units, "units.csv"), (.rules, "rules.csv"), (.cells, "cells.geojson"), (.zones, "zones.geojson"), (.points, "points.geojson"),
    ]

    /// Imports `district`'s layers into the (new or empty) database at `path`, then `orders`
    /// and `events` (CSV bytes) when given. Rejected events are a broken fixture: it throws.
    public static func load(_ district: String = "baoshan", into path: String, orders: [UInt8]? = nil, events: [UInt8]? = nil) throws {
        let store = try WanggeStore(path: path)
        let importer = Importer(store: store)
        for (layer, file) in layers { _ = try importer.importLayer(layer, bytes: try SampleData.file(file, of: district)) }
        if let orders { _ = try importer.importLayer(.orders, bytes: orders) }
        if let events {
            let report = try importer.importLayer(.events, bytes: events)
            guard report.rejectedEvents.isEmpty else { throw FixtureError(description: "fixture events rejected: \(report.rejectedEvents)") }
        }
        try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// A fresh store with `district`'s layers, then `orders` and `events` when given.
    public static func fresh(_ district: String = "baoshan", orders: [UInt8]? = nil, events: [UInt8]? = nil) throws -> SampleStore {
        let store = try SampleStore.fresh("wangge-\(district)")
        do { try load(district, into: store.path, orders: orders, events: events) } catch { store.remove(); throw error }
        return store
    }

    /// Copies `district` (its layers, and its sample orders.csv when `withOrders`) to a new
    /// file at `path`. The district is imported once per test process and kept as a template
    /// that no test opens; each caller gets its own copy to change.
    public static func copy(_ district: String = "baoshan", withOrders: Bool = false, to path: String) throws {
        let template = try Self.template(district, withOrders: withOrders)
        try FileManager.default.copyItem(atPath: template, toPath: path)
    }

    /// A new temporary store holding a copy of `district` (see ``copy(_:withOrders:to:)``).
    public static func copy(_ district: String = "baoshan", withOrders: Bool = false) throws -> SampleStore {
        let store = try SampleStore.fresh("wangge-\(district)")
        do { try copy(district, withOrders: withOrders, to: store.path) } catch { store.remove(); throw error }
        return store
    }

    /// The templates made so far, by district and orders; a failure is remembered too, so
    /// every test needing that template reports it rather than retrying the import.
    private static let templates = Mutex<[String: Result<String, FixtureError>]>([:])

    private static func template(_ district: String, withOrders: Bool) throws -> String {
        let key = "\(district)\(withOrders ? "+orders" : "")"
        // Built under the lock: tests asking for the same template wait for the one import.
        return try templates.withLock { made in
            if let result = made[key] { return try result.get() }
            let result: Result<String, FixtureError>
            do {
                let store = try SampleStore.fresh("wangge-template-\(key)", name: "\(district).sqlite")
                try load(district, into: store.path, orders: withOrders ? try SampleData.file("orders.csv", of: district) : nil)
                result = .success(store.path)
            } catch {
                result = .failure(FixtureError(description: "cannot load the sample district \(key): \(error)"))
            }
            made[key] = result
            return try result.get()
        }
    }
}
