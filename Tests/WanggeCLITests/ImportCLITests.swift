import Foundation
import Testing
import WanggeTestSupport

extension CLITests {
    /// `wangge import`: what it reports, orders stored twice, broken and empty layers.
    @Suite(.serialized) struct ImportCLITests: CLIHarness {
        /// Importing the 黄浦 sample orders reports how many are new, then updated on a second
        /// import; `info` counts them; the orders without a unit are announced for manual dispatch.
        @Test func importReportsNewThenUpdatedOrders() throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load("huangpu", into: db)
            let orders = Self.root.appendingPathComponent("GeoData/huangpu/orders.csv").path
            let first = try Self.wangge(["import", "orders", orders, "--db", db])
            #expect(first.status == 0, "\(first.stderr)")
            let total = try String(contentsOfFile: orders, encoding: .utf8).split(separator: "\n").count - 1
            #expect(first.stdout.contains("imported \(total) orders (\(total) new, 0 updated)"))
            #expect(first.stderr.contains("without a responsible unit") && first.stderr.contains("stored for manual dispatch"))
            let again = try Self.wangge(["import", "orders", orders, "--db", db])
            #expect(again.stdout.contains("imported \(total) orders (0 new, \(total) updated)"))
            let info = try Self.wangge(["info", "--db", db])
            #expect(info.stdout.contains("orders\t\(total)"))
        }

        /// `wangge orders --status invalid` lists the imported orders left for manual dispatch.
        @Test func invalidOrdersAreListedForManualDispatch() throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try SampleDistrict.copy("huangpu", withOrders: true, to: db)
            let manual = try Self.wangge(["orders", "--db", db, "--status", "invalid"])
            let lines = Self.readCSV(manual.stdout)
            #expect(lines.first == ["id", "received_at", "category", "assign_status", "lon", "lat", "crs", "distance_m", "reason"])
            #expect(lines.count > 1)
        }

        /// A broken layer fails with a message and leaves the database as it was.
        @Test func brokenLayerLeavesTheDatabaseAsItWas() throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try SampleDistrict.copy("huangpu", withOrders: true, to: db)
            let info = try Self.wangge(["info", "--db", db])
            let broken = dir.appendingPathComponent("broken.geojson")
            try Data(
                #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#
                    .utf8
            ).write(to: broken)
            let failed = try Self.wangge(["import", "cells", broken.path, "--db", db])
            #expect(failed.status != 0)
            #expect(failed.stderr.contains("malformed cell code \"X\""))
            let after = try Self.wangge(["info", "--db", db])
            #expect(after.stdout == info.stdout)
        }

        /// An empty file does not replace a layer (it would wipe it and re-route every order)
        /// unless --allow-empty.
        @Test func emptyLayersAreRefusedUnlessAllowed() throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load("huangpu", into: db)
            let info = try Self.wangge(["info", "--db", db]).stdout
            let empty = dir.appendingPathComponent("empty.geojson")
            try Data(#"{"type":"FeatureCollection","features":[]}"#.utf8).write(to: empty)
            let rules = dir.appendingPathComponent("rules.csv")
            try Data("category,route\n".utf8).write(to: rules)
            for (layer, file) in [("zones", empty.path), ("cells", empty.path), ("points", empty.path), ("rules", rules.path)] {
                let run = try Self.wangge(["import", layer, file, "--db", db])
                #expect(run.status == 65, "\(layer)")
                #expect(
                    run.stderr.contains("the \(layer) layer was not imported") && run.stderr.contains("the file holds no \(layer)")
                        && run.stderr.contains("--allow-empty"), "\(run.stderr)")
            }
            #expect(try Self.wangge(["info", "--db", db]).stdout == info)
            let allowed = try Self.wangge(["import", "zones", empty.path, "--db", db, "--allow-empty"])
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(try Self.wangge(["info", "--db", db]).stdout.contains("zones\t0\n"))
        }
    }
}
