import Foundation
import Testing

extension CLITests {
    /// `wangge hotspots` counts stored orders by the cell their assignment gave them, filtered by
    /// category and time, per street, unit and inspection point; Gi* lists every cell; kernel
    /// density; emerging hot spots. On the 黄浦 truth orders (``TruthOrders``) and sample orders.
    @Suite(.serialized) struct HotspotsCLITests: CLIHarness {
        /// Stored orders counted per street by the cell their assignment gave them, filtered by category.
        @Test func streetCountsOfACategory() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let expected = t.expected
            #expect(t.imported.status == 0, "\(t.imported.stderr)")
            #expect(expected.values.reduce(0, +) > 50)
            let run = try Self.wangge(["hotspots", "--db", db, "--level", "street", "--category", "乱设摊"])
            #expect(run.status == 0, "\(run.stderr)")
            let rows = Self.readCSV(run.stdout)
            #expect(rows.first == ["street", "name", "count", "density_per_km2"])
            #expect(rows.dropFirst().map { $0[0] } == ["310101002", "310101013", "310101018"])
            #expect(rows.dropFirst().map { $0[1] } == ["南京东路街道", "外滩街道", "豫园街道"])
            for row in rows.dropFirst() { #expect(Int(row[2]) == expected[row[0]] ?? 0, "\(row)") }
        }

        /// A window after every order: every street still listed, with zero.
        @Test func windowAfterEveryOrderListsZeros() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let later = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--level", "street", "--from", "2025-07-01T00:00:00+08:00"]).stdout)
            #expect(later.dropFirst().map { $0[2] } == ["0", "0", "0"])
        }

        /// Gi* lists every cell with its count, z, p and bin, and says which distance band it used.
        @Test func giListsEveryCell() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let assigned = t.assigned
            let gi = try Self.wangge(["hotspots", "--db", db, "--method", "gi"])
            let giRows = Self.readCSV(gi.stdout)
            #expect(giRows.first == ["cell", "count", "z", "p", "bin"])
            #expect(giRows.count == 501)
            #expect(giRows.dropFirst().reduce(0) { $0 + Int($1[1])! } == assigned.dropFirst().filter { !$0[2].isEmpty }.count)
            #expect(giRows.dropFirst().allSatisfy { (-3 ... 3).contains(Int($0[4])!) && Double($0[3])! <= 1 })
            #expect(gi.stderr.contains("distance band") && gi.stderr.contains("smallest band giving every cell a neighbour"))
        }

        /// Permutations add p_sim; the same seed gives the same values.
        @Test func permutationsAddASeededPSim() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let permuted = try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--permutations", "99", "--seed", "7"])
            let permutedRows = Self.readCSV(permuted.stdout)
            #expect(permutedRows.first == ["cell", "count", "z", "p", "bin", "p_sim"])
            #expect(permutedRows.dropFirst().allSatisfy { (0.01 ... 0.5).contains(Double($0[5])!) })
            #expect(try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--permutations", "99", "--seed", "7"]).stdout == permuted.stdout)
        }

        /// GeoJSON for planners: one feature per cell, the same figures as the CSV.
        @Test func giGeoJSONHasTheFiguresOfTheCSV() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let giRows = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--method", "gi"]).stdout)
            let geo = try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--format", "geojson"])
            let collection = try #require(try JSONSerialization.jsonObject(with: Data(geo.stdout.utf8)) as? [String: Any])
            let features = try #require(collection["features"] as? [[String: Any]])
            #expect(features.count == 500)
            let firstProperties = try #require(features.first?["properties"] as? [String: Any])
            #expect(firstProperties["cell"] as? String == giRows[1][0])
            #expect((firstProperties["count"] as? NSNumber)?.intValue == Int(giRows[1][1]))
            #expect((features.first?["geometry"] as? [String: Any])?["type"] as? String == "MultiPolygon")
        }

        /// Gi* is computed over cells: asking for it per street is refused.
        @Test func giPerStreetIsRefused() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--level", "street"]).status != 0)
        }

        /// Streets drawn as the union of their cells, with their counts.
        @Test func streetGeoJSONIsTheUnionOfItsCells() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let expected = t.expected
            let streetsGeo = try Self.wangge(["hotspots", "--db", db, "--level", "street", "--format", "geojson", "--category", "乱设摊"])
            let streetFeatures = try #require(
                (try JSONSerialization.jsonObject(with: Data(streetsGeo.stdout.utf8)) as? [String: Any])?["features"] as? [[String: Any]])
            #expect(streetFeatures.count == 3)
            for f in streetFeatures {
                let properties = try #require(f["properties"] as? [String: Any])
                let code = try #require(properties["street"] as? String)
                #expect((properties["count"] as? NSNumber)?.intValue == expected[code] ?? 0)
                #expect(["Polygon", "MultiPolygon"].contains((f["geometry"] as? [String: Any])?["type"] as? String ?? ""))
            }
        }

        /// Per responsible unit: the assign output's unit column.
        @Test func countsPerResponsibleUnit() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let assigned = t.assigned
            let categoryOf = t.categoryOf
            var byUnit: [String: Int] = [:]
            for row in assigned.dropFirst() where categoryOf[row[0]] == "乱设摊" {
                if !row[6].isEmpty { byUnit[row[6], default: 0] += 1 }
            }
            let units = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--level", "unit", "--category", "乱设摊"]).stdout)
            #expect(units.first == ["unit", "name", "count"] && units.count == 13)
            for row in units.dropFirst() { #expect(Int(row[2]) == byUnit[row[0]] ?? 0, "\(row)") }
        }

        /// Per inspection point: the assign output's points column.
        @Test func countsPerInspectionPoint() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let assigned = t.assigned
            let categoryOf = t.categoryOf
            var byPoint: [String: Int] = [:]
            for row in assigned.dropFirst() where categoryOf[row[0]] == "乱设摊" {
                for p in row[10].split(separator: ";") { byPoint[String(p), default: 0] += 1 }
            }
            let points = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--level", "point", "--category", "乱设摊"]).stdout)
            #expect(points.count == 20 && byPoint.values.reduce(0, +) > 0)
            for row in points.dropFirst() { #expect(Int(row[2]) == byPoint[row[0]] ?? 0, "\(row)") }
        }

        /// Kernel density: every located order counted; the raster holds about all of them
        /// (sum × cell area), less what the kernel spreads beyond the cells' extent.
        @Test func kernelDensityHoldsTheLocatedOrders() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let assigned = t.assigned
            let located = assigned.dropFirst().filter { $0[1] != "invalid" }.count
            let kde = try Self.wangge(["hotspots", "--db", db, "--method", "kde", "--cell-size", "10", "--bandwidth", "100"])
            #expect(kde.status == 0, "\(kde.stderr)")
            #expect(kde.stderr.contains("kernel density of \(located) order(s)") && kde.stderr.contains("cells of 10.0 m, bandwidth 100.0 m (given)"))
            let kdeRows = Self.readCSV(kde.stdout)
            #expect(kdeRows.first == ["row", "column", "x", "y", "lon", "lat", "density_per_km2"])
            let mass = kdeRows.dropFirst().reduce(0.0) { $0 + Double($1[6])! } * (10 * 10 / 1e6)
            let inside = assigned.dropFirst().filter { $0[1] == "inside" || $0[1] == "boundary" }.count
            #expect(mass > 0.9 * Double(inside) && mass < Double(located) + 0.5, "mass \(mass), \(inside) inside, \(located) located")
        }

        /// A typo in a category filter is warned about; the command still answers.
        @Test func unknownCategoryIsWarnedAbout() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let typo = try Self.wangge(["hotspots", "--db", db, "--level", "street", "--category", "乱摆摊"])
            #expect(typo.status == 0)
            #expect(typo.stderr.contains("warning: category \"乱摆摊\": no stored order has it and no routing rule names it"))
            #expect(!(try Self.wangge(["hotspots", "--db", db, "--level", "street", "--category", "乱设摊"]).stderr.contains("warning")))
        }

        /// A time that is not one is named with the option and the expected form.
        @Test func badTimeIsNamed() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(
                try Self.wangge(["hotspots", "--db", db, "--from", "yesterday"]).stderr.contains(
                    "--from \"yesterday\" is not a time; expected ISO 8601"))
        }

        /// Emerging hot spots over the 黄浦 sample's year of orders, month by month.
        @Test func emergingHotSpotsOverAYear() throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load("huangpu", into: db)
            #expect(
                try Self.wangge(["import", "orders", Self.root.appendingPathComponent("GeoData/huangpu/orders.csv").path, "--db", db]).status == 0)
            let run = try Self.wangge([
                "hotspots", "--db", db, "--method", "emerging", "--step", "month",
                "--from", "2025-01-01T00:00:00+08:00", "--to", "2026-01-01T00:00:00+08:00",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("500 cells × 12 months"))
            let rows = Self.readCSV(run.stdout)
            #expect(rows.first == ["cell", "category", "trend_z", "trend_p", "hot_steps", "cold_steps", "final_z"])
            #expect(rows.count == 501)
            let kinds = ["new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical"]
            let allowed = Set(kinds.flatMap { ["\($0) hot spot", "\($0) cold spot"] } + ["no pattern"])
            #expect(rows.dropFirst().allSatisfy { allowed.contains($0[1]) && Int($0[4])! <= 12 })
            let single = try Self.wangge([
                "hotspots", "--db", db, "--method", "emerging", "--step", "month",
                "--from", "2025-03-01T00:00:00+08:00", "--to", "2025-03-20T00:00:00+08:00",
            ])
            #expect(single.status != 0 && single.stderr.contains("emerging hot spots need 2 to 5,000"))
        }
    }
}
