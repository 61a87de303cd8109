import Foundation
import Testing

extension CLITests {
    /// `wangge recurrence`: repeats and rebounds per street, Knox, Gi* and kernel density of
    /// rebounds. On the 黄浦 truth orders (``TruthOrders``) and a hand-built history.
    @Suite(.serialized) struct RecurrenceCLITests: CLIHarness {
        /// Recurrence: every located order counted once per street; all truth orders share one
        /// time, so any two of a category within 50 m are repeats, and none can be a rebound.
        @Test func recurrenceCountsEachOrderOncePerStreet() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let assigned = t.assigned
            let recurrence = try Self.wangge(["recurrence", "--db", db, "--level", "street"])
            let recurrenceRows = Self.readCSV(recurrence.stdout)
            #expect(recurrenceRows.first == ["street", "name", "orders", "repeats", "rebounds", "recurrence_rate", "rebound_rate"])
            #expect(recurrenceRows.dropFirst().map { $0[1] } == ["南京东路街道", "外滩街道", "豫园街道"])
            #expect(recurrenceRows.dropFirst().reduce(0) { $0 + Int($1[2])! } == assigned.dropFirst().filter { !$0[2].isEmpty }.count)
            #expect(recurrenceRows.dropFirst().allSatisfy { $0[4] == "0" && Int($0[3])! <= Int($0[2])! })
        }

        /// Knox: one shared time, so permuting times changes nothing: expected = observed, ratio 1, p = 1.
        @Test func knoxWithOneSharedTimeIsNeutral() throws {
            let t = try TruthOrders.get()
            let (dir, db) = try t.copy()
            defer { try? FileManager.default.removeItem(at: dir) }
            let knox = Self.readCSV(
                try Self.wangge(["recurrence", "--db", db, "--knox", "--distance-bands", "2", "--time-bands", "1", "--permutations", "9"]).stdout)
            #expect(knox.first == ["distance_from_m", "distance_to_m", "days_from", "days_to", "observed", "expected", "knox_ratio", "p"])
            #expect(knox.count == 3 && Int(knox[1][4])! > 0)
            #expect(knox.dropFirst().allSatisfy { Double($0[5])! == Double($0[4])! && $0[6] == "1.000" && $0[7] == "1.0000" })
        }

        /// Rebounds built by hand: R2 comes 9 days after R1, ~10 m away, same category, and R1 was
        /// resolved in between; R3 comes 11 days after R1 (~15 m away) and 2 after R2: a rebound of
        /// R1 (resolved) though R2 is still open. Both chains are R1 → R2 and R1 → R3. Returns the
        /// directory to remove, the database and the cell `assign` gives R2.
        static func reboundHistory() throws -> (dir: URL, db: String, cell: String) {
            let dir = try Self.temporaryDirectory()
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load("huangpu", into: db)
            let orders = """
                id,lon,lat,category,received_at
                R1,121.49,31.235,乱设摊,2025-03-01T10:00:00+08:00
                R2,121.4901,31.235,乱设摊,2025-03-10T10:00:00+08:00
                R3,121.4901,31.2351,乱设摊,2025-03-12T10:00:00+08:00
                """
            #expect(try Self.wangge(["import", "orders", "-", "--db", db], stdin: orders).status == 0)
            let events = "id,status,at\nR1,resolved,2025-03-05T10:00:00+08:00\n"
            #expect(try Self.wangge(["import", "events", "-", "--db", db], stdin: events).status == 0)
            let cell = Self.readCSV(try Self.wangge(["assign", "--db", db, "--input", "-", "--output", "-"], stdin: orders).stdout)[2][2]
            return (dir, db, cell)
        }

        /// The recurrence table counts the hand-built rebounds and names both chains.
        @Test func reboundsFromTheHistory() throws {
            let (dir, db, _) = try Self.reboundHistory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let table = try Self.wangge(["recurrence", "--db", db])
            #expect(table.stderr.contains("3 order(s): 2 repeat(s), 2 rebound(s)"), "\(table.stderr)")
            #expect(table.stderr.contains("R1 → R2") && table.stderr.contains("R1 → R3"))
            let rows = Self.readCSV(table.stdout).dropFirst()
            #expect(rows.reduce(0) { $0 + Int($1[2])! } == 3 && rows.reduce(0) { $0 + Int($1[3])! } == 2 && rows.reduce(0) { $0 + Int($1[4])! } == 2)
        }

        /// Gi* of rebounds: each rebound counted in its cell.
        @Test func reboundGiCountsEachRebound() throws {
            let (dir, db, cell) = try Self.reboundHistory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let gi = Self.readCSV(try Self.wangge(["recurrence", "--db", db, "--method", "gi"]).stdout)
            #expect(gi.first == ["cell", "count", "z", "p", "bin"])
            #expect(gi.dropFirst().reduce(0) { $0 + Int($1[1])! } == 2)
            #expect(Int(gi.first { $0[0] == cell }?[1] ?? "0")! >= 1)
        }

        /// Kernel density of rebounds.
        @Test func reboundKernelDensity() throws {
            let (dir, db, _) = try Self.reboundHistory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let kde = try Self.wangge(["recurrence", "--db", db, "--method", "kde", "--bandwidth", "100", "--cell-size", "10"])
            #expect(kde.stderr.contains("kernel density of 2 rebound(s)") && Self.readCSV(kde.stdout).count > 100)
        }

        /// The same outputs as hotspots: GeoJSON cells with their rebound Gi*; the street table
        /// has no GeoJSON form.
        @Test func reboundGiAsGeoJSON() throws {
            let (dir, db, _) = try Self.reboundHistory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let geo = try Self.wangge(["recurrence", "--db", db, "--method", "gi", "--format", "geojson"])
            let features = try #require(
                (try JSONSerialization.jsonObject(with: Data(geo.stdout.utf8)) as? [String: Any])?["features"] as? [[String: Any]])
            #expect(features.count == 500)
            #expect(try Self.wangge(["recurrence", "--db", db, "--format", "geojson"]).status != 0)
        }
    }
}
