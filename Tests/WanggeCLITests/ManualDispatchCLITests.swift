import Foundation
import Testing

extension CLITests {
    /// Outside orders are transfers: no unit even inside a zone drawn past the district edge, on
    /// the manual-dispatch list with their distance, as invalid ones are; `export orders` says how
    /// many it leaves out. On the 黄浦 truth orders (``TruthOrders``).
    @Suite(.serialized) struct ManualDispatchCLITests: CLIHarness {
        /// The import says how many orders have no responsible unit, outside and invalid.
        @Test func importCountsOrdersWithoutAUnit() throws {
            let t = try TruthOrders.get()
            let imported = t.imported
            #expect(imported.status == 0, "\(imported.stderr)")
            let expected = t.truth, cases = t.cases
            let outside = expected.filter { $0[1] == "outside" }.map { $0[0] }
            let invalid = expected.filter { $0[1] == "invalid" }.map { $0[0] }
            let unrouted = expected.filter { $0[6].isEmpty }.map { $0[0] }
            #expect(expected.filter { cases[$0[0]] == "outside_zone" }.count >= 10)
            #expect(Set(unrouted).isSuperset(of: outside + invalid))
            #expect(
                imported.stderr.contains("\(unrouted.count) order(s) without a responsible unit (\(outside.count) outside, \(invalid.count) invalid)")
            )
        }

        static func list(_ status: String, db: String) throws -> [[String: Any]] {
            let run = try Self.wangge(["orders", "--db", db, "--status", status, "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        }

        /// `orders --status outside` lists every outside order, its distance stated in its reason;
        /// `--status invalid` every invalid one; no status, every order without a unit.
        @Test func outsideAndInvalidOrdersAreListed() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let expected = t.truth
            let outside = expected.filter { $0[1] == "outside" }.map { $0[0] }
            let invalid = expected.filter { $0[1] == "invalid" }.map { $0[0] }
            let unrouted = expected.filter { $0[6].isEmpty }.map { $0[0] }
            func list(_ status: String) throws -> [[String: Any]] { try Self.list(status, db: db) }
            let outsideList = try list("outside")
            #expect(outsideList.compactMap { $0["id"] as? String }.sorted() == outside.sorted())
            for row in outsideList {
                let reason = try #require(row["reason"] as? String)
                let distance = try #require(row["distance_m"] as? Double)
                #expect(distance > 50)
                #expect(reason.hasPrefix("outside the district grid (") && reason.hasSuffix(" m from the nearest cell)"), "\(reason)")
                let stated = Double(reason.dropFirst("outside the district grid (".count).prefix { $0 != " " }) ?? -1
                #expect(abs(stated - distance) <= 0.05 + 1e-9, "\(reason) vs \(distance)")
            }
            #expect(try list("invalid").compactMap { $0["id"] as? String }.sorted() == invalid.sorted())
            let all = try Self.wangge(["orders", "--db", db])
            let rows = Self.readCSV(all.stdout)
            #expect(rows.first == ["id", "received_at", "category", "assign_status", "lon", "lat", "crs", "distance_m", "reason"])
            #expect(rows.dropFirst().map { $0[0] }.sorted() == unrouted.sorted())
            #expect(try Self.wangge(["orders", "--db", db, "--status", "snapped"]).status != 0)
        }

        /// An outside order inside a squad zone: stored with route none and no unit.
        @Test func outsideOrderInAZoneHasNoUnit() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let transfer = try #require(t.truth.first { t.cases[$0[0]] == "outside_zone" })
            let stored = try Self.wangge(["orders", "--db", db, "--id", transfer[0]])
            let order = try #require(try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [String: Any])
            #expect(
                order["assign_status"] as? String == "outside" && order["unit"] as? String == "" && order["route"] as? String == "none"
                    && order["zone"] as? String == "")
        }

        /// Re-routing after a layer import applies the same rule: still no unit, same list.
        @Test func reroutingKeepsOutsideOrdersUnassigned() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let expected = t.truth
            let outside = expected.filter { $0[1] == "outside" }.map { $0[0] }
            let transfer = try #require(expected.first { t.cases[$0[0]] == "outside_zone" })
            let g2 = Self.root.appendingPathComponent("GeoData/huangpu/zones.geojson").path
            let zones = try Self.wangge(["import", "zones", g2, "--db", db])
            #expect(zones.status == 0 && zones.stdout.contains("re-routed \(expected.count) stored orders"), "\(zones.stdout)")
            let again = try Self.wangge(["orders", "--db", db, "--id", transfer[0]])
            let rerouted = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
            #expect(rerouted["unit"] as? String == "" && rerouted["route"] as? String == "none")
            #expect(try Self.list("outside", db: db).compactMap { $0["id"] as? String }.sorted() == outside.sorted())
        }

        /// export orders: the orders without a location are counted, not silently dropped.
        @Test func exportCountsOrdersWithoutALocation() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let expected = t.truth
            let invalid = expected.filter { $0[1] == "invalid" }.map { $0[0] }
            let export = try Self.wangge(["export", "orders", "--db", db, "--output", dir.appendingPathComponent("o.geojson").path])
            #expect(export.status == 0)
            #expect(
                export.stderr.contains(
                    "exported \(expected.count - invalid.count) orders; \(invalid.count) order(s) without a location were left out"),
                "\(export.stderr)")
        }
    }
}
