import Foundation
import Testing

/// End-to-end tests: the real `wangge` executable on temporary databases.
@Suite(.serialized) struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `wangge` binary built beside this test bundle.
    static var executable: URL {
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += [root.appendingPathComponent(".build/debug")]
        for dir in candidates {
            let url = dir.appendingPathComponent("wangge")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return root.appendingPathComponent(".build/debug/wangge")
    }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    @discardableResult
    static func wangge(_ arguments: [String], stdin: String? = nil, stdinBytes: [UInt8]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        if let stdinBytes { input.fileHandleForWriting.write(Data(stdinBytes)) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("wangge-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Loads a sample district into a new database.
    static func load(_ district: String, into db: String) throws {
        let g = root.appendingPathComponent("GeoData/\(district)").path
        for (layer, file) in [("units", "units.csv"), ("rules", "rules.csv"), ("cells", "cells.geojson"), ("zones", "zones.geojson"), ("points", "points.geojson")] {
            let run = try wangge(["import", layer, "\(g)/\(file)", "--db", db])
            #expect(run.status == 0, "import \(layer): \(run.stderr)")
        }
    }

    static func readCSV(_ text: String) -> [[String]] {
        // Ground-truth and output files never quote (no commas in their fields).
        text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

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
        #expect(actual.first == ["id", "status", "cell", "cells", "street", "community", "unit", "route", "zone", "distance_m", "points", "located_by", "match"])
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

    @Test func assignThroughPipesAndInvalidRows() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load("huangpu", into: db)
        let input = """
            id,lon,lat,category,received_at,crs
            T1,121.49,31.235,道路破损,2025-05-01T10:00:00+08:00,
            T2,abc,31.2,道路破损,2025-05-01T10:00:00+08:00,
            T3,121.49,31.235,道路破损,2025-05-01T10:00:00+08:00,EPSG:999999
            T4,1e400,31.2,道路破损,2025-05-01T10:00:00+08:00,
            T5,121.0,31.0,道路破损,2025-05-01T10:00:00+08:00,
            T6,121.49
            """
        let run = try Self.wangge(["assign", "--db", db, "--input", "-", "--output", "-"], stdin: input)
        #expect(run.status == 0)
        let rows = Self.readCSV(run.stdout)
        #expect(rows.map { $0[0] } == ["id", "T1", "T2", "T3", "T4", "T5", "T6"])
        #expect(rows.map { $0[1] } == ["status", "inside", "invalid", "invalid", "invalid", "outside", "invalid"])
        #expect(rows[1][6].hasPrefix("U-") && rows[1][7] == "street")   // 道路破损: street fallback
        #expect(rows[5][7] == "none" && rows[5][2].isEmpty && (Double(rows[5][9]) ?? 0) > 10_000)
        #expect(run.stderr.contains("line 3: order T2: invalid: lon \"abc\" is not a number"))
        #expect(run.stderr.contains("line 4: order T3: invalid:") && run.stderr.contains("EPSG:999999"))
        // --bom: the same rows after a UTF-8 byte order mark, the fields untouched.
        let withBOM = try Self.wangge(["assign", "--db", db, "--input", "-", "--output", "-", "--bom"], stdin: input)
        #expect(withBOM.stdout == "\u{FEFF}" + run.stdout)
        #expect(run.stderr.contains("line 5: order T4: invalid:"))
        #expect(run.stderr.contains("line 7: order T6: invalid: has 2 fields, the header has 6"))
    }

    @Test func importReportsAndManualDispatchList() throws {
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
        let manual = try Self.wangge(["orders", "--db", db, "--status", "invalid"])
        let lines = Self.readCSV(manual.stdout)
        #expect(lines.first == ["id", "received_at", "category", "assign_status", "lon", "lat", "crs", "distance_m", "reason"])
        #expect(lines.count > 1)
        // A broken layer fails with a message and leaves the database as it was.
        let broken = dir.appendingPathComponent("broken.geojson")
        try Data(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"X"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#.utf8).write(to: broken)
        let failed = try Self.wangge(["import", "cells", broken.path, "--db", db])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("malformed cell code \"X\""))
        let after = try Self.wangge(["info", "--db", db])
        #expect(after.stdout == info.stdout)
    }

    /// Outside orders are transfers: no unit even inside a zone drawn past the district edge,
    /// on the manual-dispatch list with their distance, as invalid ones are; `export orders`
    /// says how many it leaves out; a category that matches nothing is warned about.
    @Test func outsideOrdersGoToTheManualDispatchList() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load("huangpu", into: db)
        let g = Self.root.appendingPathComponent("GeoData/huangpu")
        let imported = try Self.wangge(["import", "orders", g.appendingPathComponent("truth_orders.csv").path, "--db", db])
        #expect(imported.status == 0, "\(imported.stderr)")
        let expected = Self.readCSV(try String(contentsOf: g.appendingPathComponent("truth_expected.csv"), encoding: .utf8)).dropFirst()
        let cases = Dictionary(uniqueKeysWithValues: Self.readCSV(try String(contentsOf: g.appendingPathComponent("truth_orders.csv"), encoding: .utf8))
            .dropFirst().map { ($0[0], $0.last!) })
        let outside = expected.filter { $0[1] == "outside" }.map { $0[0] }
        let invalid = expected.filter { $0[1] == "invalid" }.map { $0[0] }
        let unrouted = expected.filter { $0[6].isEmpty }.map { $0[0] }
        #expect(expected.filter { cases[$0[0]] == "outside_zone" }.count >= 10)
        #expect(Set(unrouted).isSuperset(of: outside + invalid))
        #expect(imported.stderr.contains("\(unrouted.count) order(s) without a responsible unit (\(outside.count) outside, \(invalid.count) invalid)"))

        func list(_ status: String) throws -> [[String: Any]] {
            let run = try Self.wangge(["orders", "--db", db, "--status", status, "--format", "json"])
            #expect(run.status == 0, "\(run.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        }
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

        // An outside order inside a squad zone: stored with route none and no unit.
        let transfer = try #require(expected.first { cases[$0[0]] == "outside_zone" })
        let stored = try Self.wangge(["orders", "--db", db, "--id", transfer[0]])
        let order = try #require(try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [String: Any])
        #expect(order["assign_status"] as? String == "outside" && order["unit"] as? String == "" && order["route"] as? String == "none"
                && order["zone"] as? String == "")

        // Re-routing after a layer import applies the same rule: still no unit, same list.
        let g2 = Self.root.appendingPathComponent("GeoData/huangpu/zones.geojson").path
        let zones = try Self.wangge(["import", "zones", g2, "--db", db])
        #expect(zones.status == 0 && zones.stdout.contains("re-routed \(expected.count) stored orders"), "\(zones.stdout)")
        let again = try Self.wangge(["orders", "--db", db, "--id", transfer[0]])
        let rerouted = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(rerouted["unit"] as? String == "" && rerouted["route"] as? String == "none")
        #expect(try list("outside").compactMap { $0["id"] as? String }.sorted() == outside.sorted())

        // export orders: the orders without a location are counted, not silently dropped.
        let export = try Self.wangge(["export", "orders", "--db", db, "--output", dir.appendingPathComponent("o.geojson").path])
        #expect(export.status == 0)
        #expect(export.stderr.contains("exported \(expected.count - invalid.count) orders; \(invalid.count) order(s) without a location were left out"), "\(export.stderr)")
        // A typo in a category filter is warned about; the command still answers.
        let typo = try Self.wangge(["hotspots", "--db", db, "--level", "street", "--category", "乱摆摊"])
        #expect(typo.status == 0)
        #expect(typo.stderr.contains("warning: category \"乱摆摊\": no stored order has it and no routing rule names it"))
        #expect(!(try Self.wangge(["hotspots", "--db", db, "--level", "street", "--category", "乱设摊"]).stderr.contains("warning")))
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
            #expect(run.stderr.contains("the \(layer) layer was not imported") && run.stderr.contains("the file holds no \(layer)")
                    && run.stderr.contains("--allow-empty"), "\(run.stderr)")
        }
        #expect(try Self.wangge(["info", "--db", db]).stdout == info)
        let allowed = try Self.wangge(["import", "zones", empty.path, "--db", db, "--allow-empty"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try Self.wangge(["info", "--db", db]).stdout.contains("zones\t0\n"))
    }

    /// `wangge hotspots` counts stored orders by the cell their assignment gave them, filtered
    /// by category and time; Gi* lists every cell.
    @Test func hotspotsCountStoredOrders() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load("huangpu", into: db)
        let orders = Self.root.appendingPathComponent("GeoData/huangpu/truth_orders.csv").path
        #expect(try Self.wangge(["import", "orders", orders, "--db", db]).status == 0)
        let assigned = Self.readCSV(try Self.wangge(["assign", "--db", db, "--input", orders, "--output", "-"]).stdout)
        let input = Self.readCSV(try String(contentsOfFile: orders, encoding: .utf8))
        let categoryOf = Dictionary(input.dropFirst().filter { $0.count == 7 }.map { ($0[0], $0[4]) }, uniquingKeysWith: { a, _ in a })
        var expected: [String: Int] = [:]
        for row in assigned.dropFirst() where !row[2].isEmpty && categoryOf[row[0]] == "乱设摊" { expected[row[4], default: 0] += 1 }
        #expect(expected.values.reduce(0, +) > 50)

        let run = try Self.wangge(["hotspots", "--db", db, "--level", "street", "--category", "乱设摊"])
        #expect(run.status == 0, "\(run.stderr)")
        let rows = Self.readCSV(run.stdout)
        #expect(rows.first == ["street", "name", "count", "density_per_km2"])
        #expect(rows.dropFirst().map { $0[0] } == ["310101002", "310101013", "310101018"])
        #expect(rows.dropFirst().map { $0[1] } == ["南京东路街道", "外滩街道", "豫园街道"])
        for row in rows.dropFirst() { #expect(Int(row[2]) == expected[row[0]] ?? 0, "\(row)") }

        // A window after every order: every street still listed, with zero.
        let later = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--level", "street", "--from", "2025-07-01T00:00:00+08:00"]).stdout)
        #expect(later.dropFirst().map { $0[2] } == ["0", "0", "0"])

        let gi = try Self.wangge(["hotspots", "--db", db, "--method", "gi"])
        let giRows = Self.readCSV(gi.stdout)
        #expect(giRows.first == ["cell", "count", "z", "p", "bin"])
        #expect(giRows.count == 501)
        #expect(giRows.dropFirst().reduce(0) { $0 + Int($1[1])! } == assigned.dropFirst().filter { !$0[2].isEmpty }.count)
        #expect(giRows.dropFirst().allSatisfy { (-3 ... 3).contains(Int($0[4])!) && Double($0[3])! <= 1 })
        #expect(gi.stderr.contains("distance band") && gi.stderr.contains("smallest band giving every cell a neighbour"))
        // Permutations add p_sim; the same seed gives the same values.
        let permuted = try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--permutations", "99", "--seed", "7"])
        let permutedRows = Self.readCSV(permuted.stdout)
        #expect(permutedRows.first == ["cell", "count", "z", "p", "bin", "p_sim"])
        #expect(permutedRows.dropFirst().allSatisfy { (0.01 ... 0.5).contains(Double($0[5])!) })
        #expect(try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--permutations", "99", "--seed", "7"]).stdout == permuted.stdout)

        // GeoJSON for planners: one feature per cell, the same figures as the CSV.
        let geo = try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--format", "geojson"])
        let collection = try #require(try JSONSerialization.jsonObject(with: Data(geo.stdout.utf8)) as? [String: Any])
        let features = try #require(collection["features"] as? [[String: Any]])
        #expect(features.count == 500)
        let firstProperties = try #require(features.first?["properties"] as? [String: Any])
        #expect(firstProperties["cell"] as? String == giRows[1][0])
        #expect((firstProperties["count"] as? NSNumber)?.intValue == Int(giRows[1][1]))
        #expect((features.first?["geometry"] as? [String: Any])?["type"] as? String == "MultiPolygon")
        #expect(try Self.wangge(["hotspots", "--db", db, "--method", "gi", "--level", "street"]).status != 0)
        // Streets drawn as the union of their cells, with their counts.
        let streetsGeo = try Self.wangge(["hotspots", "--db", db, "--level", "street", "--format", "geojson", "--category", "乱设摊"])
        let streetFeatures = try #require((try JSONSerialization.jsonObject(with: Data(streetsGeo.stdout.utf8)) as? [String: Any])?["features"] as? [[String: Any]])
        #expect(streetFeatures.count == 3)
        for f in streetFeatures {
            let properties = try #require(f["properties"] as? [String: Any])
            let code = try #require(properties["street"] as? String)
            #expect((properties["count"] as? NSNumber)?.intValue == expected[code] ?? 0)
            #expect(["Polygon", "MultiPolygon"].contains((f["geometry"] as? [String: Any])?["type"] as? String ?? ""))
        }
        // Per responsible unit and per inspection point: the assign output's unit and points columns.
        var byUnit: [String: Int] = [:], byPoint: [String: Int] = [:]
        for row in assigned.dropFirst() where categoryOf[row[0]] == "乱设摊" {
            if !row[6].isEmpty { byUnit[row[6], default: 0] += 1 }
            for p in row[10].split(separator: ";") { byPoint[String(p), default: 0] += 1 }
        }
        let units = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--level", "unit", "--category", "乱设摊"]).stdout)
        #expect(units.first == ["unit", "name", "count"] && units.count == 13)
        for row in units.dropFirst() { #expect(Int(row[2]) == byUnit[row[0]] ?? 0, "\(row)") }
        let points = Self.readCSV(try Self.wangge(["hotspots", "--db", db, "--level", "point", "--category", "乱设摊"]).stdout)
        #expect(points.count == 20 && byPoint.values.reduce(0, +) > 0)
        for row in points.dropFirst() { #expect(Int(row[2]) == byPoint[row[0]] ?? 0, "\(row)") }

        // Kernel density: every located order counted; the raster holds about all of them
        // (sum × cell area), less what the kernel spreads beyond the cells' extent.
        let located = assigned.dropFirst().filter { $0[1] != "invalid" }.count
        let kde = try Self.wangge(["hotspots", "--db", db, "--method", "kde", "--cell-size", "10", "--bandwidth", "100"])
        #expect(kde.status == 0, "\(kde.stderr)")
        #expect(kde.stderr.contains("kernel density of \(located) order(s)") && kde.stderr.contains("cells of 10.0 m, bandwidth 100.0 m (given)"))
        let kdeRows = Self.readCSV(kde.stdout)
        #expect(kdeRows.first == ["row", "column", "x", "y", "lon", "lat", "density_per_km2"])
        let mass = kdeRows.dropFirst().reduce(0.0) { $0 + Double($1[6])! } * (10 * 10 / 1e6)
        let inside = assigned.dropFirst().filter { $0[1] == "inside" || $0[1] == "boundary" }.count
        #expect(mass > 0.9 * Double(inside) && mass < Double(located) + 0.5, "mass \(mass), \(inside) inside, \(located) located")

        // Lights: every truth order was received 2025-06-01 10:00 and none has events, so 4
        // days later each is open past the 72 h default: every street with orders is red.
        let lights = try Self.wangge(["lights", "--db", db, "--as-of", "2025-06-05T10:00:00+08:00", "--level", "street"])
        // A CSV for people: it starts with the UTF-8 byte order mark, for Excel.
        #expect(lights.stdout.hasPrefix("\u{FEFF}street,name,"))
        let lightRows = Self.readCSV(String(lights.stdout.drop { $0 == "\u{FEFF}" }))
        #expect(lightRows.first == ["street", "name", "light", "overdue", "open_within_deadline"])
        #expect(lightRows.dropFirst().map { $0[2] } == ["red", "red", "red"])
        #expect(lightRows.dropFirst().reduce(0) { $0 + Int($1[3])! } == assigned.dropFirst().filter { !$0[2].isEmpty }.count)
        let before = Self.readCSV(try Self.wangge(["lights", "--db", db, "--as-of", "2025-06-01T09:59:59+08:00", "--level", "street"]).stdout)
        #expect(before.dropFirst().map { $0[2] } == ["green", "green", "green"])

        // Recurrence: every located order counted once per street; all truth orders share one
        // time, so any two of a category within 50 m are repeats, and none can be a rebound.
        let recurrence = try Self.wangge(["recurrence", "--db", db, "--level", "street"])
        let recurrenceRows = Self.readCSV(recurrence.stdout)
        #expect(recurrenceRows.first == ["street", "name", "orders", "repeats", "rebounds", "recurrence_rate", "rebound_rate"])
        #expect(recurrenceRows.dropFirst().map { $0[1] } == ["南京东路街道", "外滩街道", "豫园街道"])
        #expect(recurrenceRows.dropFirst().reduce(0) { $0 + Int($1[2])! } == assigned.dropFirst().filter { !$0[2].isEmpty }.count)
        #expect(recurrenceRows.dropFirst().allSatisfy { $0[4] == "0" && Int($0[3])! <= Int($0[2])! })

        // Knox: one shared time, so permuting times changes nothing: expected = observed, ratio 1, p = 1.
        let knox = Self.readCSV(try Self.wangge(["recurrence", "--db", db, "--knox", "--distance-bands", "2", "--time-bands", "1", "--permutations", "9"]).stdout)
        #expect(knox.first == ["distance_from_m", "distance_to_m", "days_from", "days_to", "observed", "expected", "knox_ratio", "p"])
        #expect(knox.count == 3 && Int(knox[1][4])! > 0)
        #expect(knox.dropFirst().allSatisfy { Double($0[5])! == Double($0[4])! && $0[6] == "1.000" && $0[7] == "1.0000" })

        // The same counts through the named query the command runs.
        let named = Self.readCSV(try Self.wangge(["query", "orders_by_cell", "--db", db, "--param", "categories=乱设摊"]).stdout)
        #expect(named.first == ["cell", "count"])
        #expect(named.dropFirst().reduce(0) { $0 + Int($1[1])! } == expected.values.reduce(0, +))
        let listing = try Self.wangge(["query", "--list", "--db", db])
        #expect(listing.stdout.contains("orders_by_cell") && listing.stdout.contains("--param from=<time> (default: null)"))
        let broken = try Self.wangge(["query", "orders_by_cell", "--db", db, "--queries", "/nonexistent"])
        #expect(broken.status != 0 && broken.stderr.contains("cannot read the queries directory /nonexistent"))
        #expect(try Self.wangge(["hotspots", "--db", db, "--from", "yesterday"]).stderr.contains("--from \"yesterday\" is not a time; expected ISO 8601"))
    }

    /// Emerging hot spots over the 黄浦 sample's year of orders, month by month.
    @Test func emergingHotSpotsOverAYear() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load("huangpu", into: db)
        #expect(try Self.wangge(["import", "orders", Self.root.appendingPathComponent("GeoData/huangpu/orders.csv").path, "--db", db]).status == 0)
        let run = try Self.wangge(["hotspots", "--db", db, "--method", "emerging", "--step", "month",
                                   "--from", "2025-01-01T00:00:00+08:00", "--to", "2026-01-01T00:00:00+08:00"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("500 cells × 12 months"))
        let rows = Self.readCSV(run.stdout)
        #expect(rows.first == ["cell", "category", "trend_z", "trend_p", "hot_steps", "cold_steps", "final_z"])
        #expect(rows.count == 501)
        let kinds = ["new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical"]
        let allowed = Set(kinds.flatMap { ["\($0) hot spot", "\($0) cold spot"] } + ["no pattern"])
        #expect(rows.dropFirst().allSatisfy { allowed.contains($0[1]) && Int($0[4])! <= 12 })
        let single = try Self.wangge(["hotspots", "--db", db, "--method", "emerging", "--step", "month",
                                      "--from", "2025-03-01T00:00:00+08:00", "--to", "2025-03-20T00:00:00+08:00"])
        #expect(single.status != 0 && single.stderr.contains("emerging hot spots need 2 to 5,000"))
    }

    /// Rebounds built by hand: R2 comes 9 days after R1, ~10 m away, same category, and R1 was
    /// resolved in between; R3 comes 11 days after R1 (~15 m away) and 2 after R2: a rebound of
    /// R1 (resolved) though R2 is still open. Both chains are R1 → R2 and R1 → R3.
    @Test func reboundsFromTheHistory() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
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

        let table = try Self.wangge(["recurrence", "--db", db])
        #expect(table.stderr.contains("3 order(s): 2 repeat(s), 2 rebound(s)"), "\(table.stderr)")
        #expect(table.stderr.contains("R1 → R2") && table.stderr.contains("R1 → R3"))
        let rows = Self.readCSV(table.stdout).dropFirst()
        #expect(rows.reduce(0) { $0 + Int($1[2])! } == 3 && rows.reduce(0) { $0 + Int($1[3])! } == 2 && rows.reduce(0) { $0 + Int($1[4])! } == 2)

        let gi = Self.readCSV(try Self.wangge(["recurrence", "--db", db, "--method", "gi"]).stdout)
        #expect(gi.first == ["cell", "count", "z", "p", "bin"])
        #expect(gi.dropFirst().reduce(0) { $0 + Int($1[1])! } == 2)
        #expect(Int(gi.first { $0[0] == cell }?[1] ?? "0")! >= 1)
        let kde = try Self.wangge(["recurrence", "--db", db, "--method", "kde", "--bandwidth", "100", "--cell-size", "10"])
        #expect(kde.stderr.contains("kernel density of 2 rebound(s)") && Self.readCSV(kde.stdout).count > 100)
        // The same outputs as hotspots: GeoJSON cells with their rebound Gi*.
        let geo = try Self.wangge(["recurrence", "--db", db, "--method", "gi", "--format", "geojson"])
        let features = try #require((try JSONSerialization.jsonObject(with: Data(geo.stdout.utf8)) as? [String: Any])?["features"] as? [[String: Any]])
        #expect(features.count == 500)
        #expect(try Self.wangge(["recurrence", "--db", db, "--format", "geojson"]).status != 0)
    }
}
