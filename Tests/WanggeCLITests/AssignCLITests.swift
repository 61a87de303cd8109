import Foundation
import Testing

extension CLITests {
    /// `wangge assign`: agreement with the ground truth, standard input and output, rows it
    /// cannot route, the byte order mark.
    @Suite(.serialized) struct AssignCLITests: CLIHarness {
        /// 100 % agreement with the ground truth built by construction in GeoData/ (distance
        /// within 0.05 m + 0.1 %, see GeoData/README.md).
        @Test(arguments: ["baoshan", "huangpu"])
        func groundTruth(district: String) throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load(district, into: db)
            let g = Self.root.appendingPathComponent("GeoData/\(district)")
            let out = dir.appendingPathComponent("out.csv").path
            let run = try Self.wangge(["assign", "--db", db, "--input", g.appendingPathComponent("truth_orders.csv").path, "--output", out])
            #expect(run.status == 0, "\(run.stderr)")
            let expected = Self.readCSV(try String(contentsOf: g.appendingPathComponent("truth_expected.csv"), encoding: .utf8))
            let actual = Self.readCSV(try String(contentsOfFile: out, encoding: .utf8))
            #expect(
                actual.first == [
                    "id", "status", "cell", "cells", "street", "community", "unit", "route", "zone", "distance_m", "points", "located_by", "match",
                ])
            #expect(expected.first == actual.first)
            #expect(expected.count == actual.count)
            #expect(expected.count > 1000)
            var disagreements: [String] = []
            for (e, a) in zip(expected.dropFirst(), actual.dropFirst()) {
                for (i, name) in expected[0].enumerated() where e[i] != a[i] {
                    if name == "distance_m", let x = Double(e[i]), let y = Double(a[i]), abs(x - y) <= 0.05 + 0.001 * x { continue }
                    disagreements.append("\(e[0]) \(name): expected \(e[i]), got \(a[i])")
                }
            }
            #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, first: \(disagreements.prefix(10))")
            // Invalid truth rows are reported on stderr with their line numbers.
            let invalid = expected.filter { $0[1] == "invalid" }.count
            #expect(invalid > 0)
            #expect(run.stderr.split(separator: "\n").filter { $0.hasPrefix("line ") && $0.contains(": invalid: ") }.count == invalid)
        }

        /// The mixed rows `assign` reads from standard input (header first): one inside, four
        /// invalid for four reasons, one far outside.
        static let mixedRows = """
            id,lon,lat,category,received_at,crs
            T1,121.49,31.235,道路破损,2025-05-01T10:00:00+08:00,
            T2,abc,31.2,道路破损,2025-05-01T10:00:00+08:00,
            T3,121.49,31.235,道路破损,2025-05-01T10:00:00+08:00,EPSG:999999
            T4,1e400,31.2,道路破损,2025-05-01T10:00:00+08:00,
            T5,121.0,31.0,道路破损,2025-05-01T10:00:00+08:00,
            T6,121.49
            """

        /// `assign` of ``mixedRows`` through pipes on the 黄浦 layers: the directory to remove, the
        /// database and the run.
        static func assignMixedRows() throws -> (dir: URL, db: String, run: Run) {
            let dir = try Self.temporaryDirectory()
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load("huangpu", into: db)
            return (dir, db, try Self.wangge(["assign", "--db", db, "--input", "-", "--output", "-"], stdin: Self.mixedRows))
        }

        /// Every row answered in order through pipes; the invalid ones on stderr with their line.
        @Test func assignThroughPipesAndInvalidRows() throws {
            let (dir, _, run) = try Self.assignMixedRows()
            defer { try? FileManager.default.removeItem(at: dir) }
            #expect(run.status == 0)
            let rows = Self.readCSV(run.stdout)
            #expect(rows.map { $0[0] } == ["id", "T1", "T2", "T3", "T4", "T5", "T6"])
            #expect(rows.map { $0[1] } == ["status", "inside", "invalid", "invalid", "invalid", "outside", "invalid"])
            #expect(rows[1][6].hasPrefix("U-") && rows[1][7] == "street")  // 道路破损: street fallback
            #expect(rows[5][7] == "none" && rows[5][2].isEmpty && (Double(rows[5][9]) ?? 0) > 10_000)
            #expect(run.stderr.contains("line 3: order T2: invalid: lon \"abc\" is not a number"))
            #expect(run.stderr.contains("line 4: order T3: invalid:") && run.stderr.contains("EPSG:999999"))
            #expect(run.stderr.contains("line 5: order T4: invalid:"))
            #expect(run.stderr.contains("line 7: order T6: invalid: has 2 fields, the header has 6"))
        }

        /// --bom: the same rows after a UTF-8 byte order mark, the fields untouched.
        @Test func bomPrecedesTheSameRows() throws {
            let (dir, db, run) = try Self.assignMixedRows()
            defer { try? FileManager.default.removeItem(at: dir) }
            let withBOM = try Self.wangge(["assign", "--db", db, "--input", "-", "--output", "-", "--bom"], stdin: Self.mixedRows)
            #expect(withBOM.stdout == "\u{FEFF}" + run.stdout)
        }

        /// Orders in a category no routing rule names go to the street unit (属地兜底), and
        /// both `assign` and `import orders` say how many and which categories, in the same words.
        @Test func categoriesWithoutARuleAreCounted() throws {
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let db = dir.appendingPathComponent("d.sqlite").path
            try Self.load("baoshan", into: db)
            let file = dir.appendingPathComponent("orders.csv")
            try Data(
                """
                id,lon,lat,category,received_at
                N1,121.404567,31.305585,无此类别,2025-07-01T09:00:00+08:00
                N2,121.404567,31.305585,无此类别,2025-07-01T09:05:00+08:00
                N3,121.404567,31.305585,另一类,2025-07-01T09:10:00+08:00

                """.utf8
            ).write(to: file)
            let warning = "warning: 3 order(s) in categories without a routing rule went to the street unit: 另一类 (1), 无此类别 (2)"
            let assign = try Self.wangge(["assign", "--db", db, "--input", file.path, "--output", "-"])
            #expect(assign.status == 0 && assign.stderr.contains(warning), "\(assign.stderr)")
            #expect(Self.readCSV(assign.stdout).dropFirst().allSatisfy { $0[7] == "street" }, "\(assign.stdout)")
            let imported = try Self.wangge(["import", "orders", file.path, "--db", db])
            #expect(imported.status == 0 && imported.stderr.contains(warning), "\(imported.stderr)")
        }
    }
}
