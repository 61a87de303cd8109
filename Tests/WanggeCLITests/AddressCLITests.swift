import Foundation
import Testing

/// The address gazetteer end to end: `wangge import addresses`, then `wangge assign` and
/// `wangge import orders` of address-only orders.
@Suite struct AddressCLITests {
    typealias CLI = CLITests

    /// A district with its standard address layer.
    static func load(_ district: String, into db: String) throws {
        try CLI.load(district, into: db)
        let run = try CLI.wangge(["import", "addresses", CLI.root.appendingPathComponent("GeoData/\(district)/addresses.csv").path, "--db", db])
        #expect(run.status == 0, "import addresses: \(run.stderr)")
        #expect(run.stdout.hasPrefix("imported "))
        // `wangge info` counts the layer with the others.
        let rows =
            try String(contentsOf: CLI.root.appendingPathComponent("GeoData/\(district)/addresses.csv"), encoding: .utf8)
            .split(separator: "\n").count - 1
        #expect(try CLI.wangge(["info", "--db", db]).stdout.contains("addresses\t\(rows)\n"))
    }

    /// The truth set as an orders file without coordinates: id,lon,lat,category,received_at,address,code.
    static func truthOrders(_ rows: [[String: String]]) -> String {
        "id,lon,lat,category,received_at,address,code\n"
            + rows.map { "\($0["id"]!),,,暴露垃圾,2025-06-01T10:00:00+08:00,\($0["address"]!),\($0["code"]!)\n" }.joined()
    }

    static func truthRows(_ district: String) throws -> [[String: String]] {
        let lines = CLI.readCSV(try String(contentsOf: CLI.root.appendingPathComponent("GeoData/\(district)/truth_addresses.csv"), encoding: .utf8))
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    /// Every truth row routed as expected through `wangge assign`: located ones at the expected
    /// address (`located_by`, `match`), road-only ones in one street at the street unit, the
    /// others invalid for manual dispatch with the expected reason and candidates on stderr;
    /// none resolved to a wrong address.
    @Test(arguments: ["baoshan", "huangpu"])
    func truthSetThroughAssign(district: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load(district, into: db)
        let truth = try Self.truthRows(district)
        #expect(truth.count > 200)
        let run = try CLI.wangge(["assign", "--db", db, "--input", "-", "--output", "-"], stdin: Self.truthOrders(truth))
        #expect(run.status == 0, "\(run.stderr)")
        let out = CLI.readCSV(run.stdout)
        #expect(out.first?.suffix(2) == ["located_by", "match"])
        #expect(out.count == truth.count + 1)
        let header = out[0]
        func field(_ row: [String], _ name: String) -> String { row[header.firstIndex(of: name)!] }
        let errors = run.stderr.split(separator: "\n").map(String.init)
        var wrong = 0, differing: [String] = []
        for (line, (e, a)) in zip(truth, out.dropFirst()).enumerated() {
            let match = field(a, "match"), locatedBy = field(a, "located_by"), status = field(a, "status")
            if !match.isEmpty && match != e["match"]! { wrong += 1 }
            let ok: Bool
            if !e["located_by"]!.isEmpty {
                ok = locatedBy == e["located_by"]! && match == e["match"]! && status != "invalid" && !field(a, "unit").isEmpty
            } else if e["reason"]! == "road_in_one_street" {
                ok =
                    status == "inside" && field(a, "route") == "street" && field(a, "street") == e["street"]! && field(a, "cell").isEmpty
                    && field(a, "unit") == "U-" + e["street"]! && locatedBy.isEmpty && match.isEmpty
            } else {
                let message = errors.first { $0.hasPrefix("line \(line + 2): order \(e["id"]!): invalid: ") } ?? ""
                let candidates = e["candidates"]!.split(separator: ";").map(String.init)
                ok =
                    status == "invalid" && locatedBy.isEmpty && match.isEmpty && message.contains("not located: \(e["reason"]!)")
                    && candidates.allSatisfy { message.contains($0) }
                    && (candidates.isEmpty || message.contains("candidates: \(candidates[0]) "))
            }
            if !ok { differing.append("\(e["id"]!) \(e["address"]!): \(a)") }
        }
        #expect(wrong == 0)
        #expect(differing.isEmpty, "\(differing.count) rows differ, first: \(differing.prefix(5))")
        #expect(run.stderr.contains("located by address: "))
    }

    /// `import orders` stores address-located orders with their point and how they were found;
    /// unlocated ones are on the manual-dispatch list with the reason; an order whose address
    /// lies far from its coordinates keeps them, flagged; re-importing cells keeps address
    /// locations.
    @Test func importOrdersLocatesByAddress() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load("baoshan", into: db)
        let truth = try Self.truthRows("baoshan")
        let clean = truth.first { $0["case"] == "clean" }!, unknown = truth.first { $0["case"] == "unknown_road" }!
        // F1: coordinates of another clean address 1 km+ away from its own address.
        let far = truth.filter { $0["case"] == "clean" }
        let orders = """
            id,lon,lat,category,received_at,address,code
            A1,,,暴露垃圾,2025-06-01T10:00:00+08:00,\(clean["address"]!),
            A2,,,暴露垃圾,2025-06-01T10:00:00+08:00,\(unknown["address"]!),
            F1,121.4600,31.3300,暴露垃圾,2025-06-01T10:00:00+08:00,\(far[0]["address"]!),

            """
        let file = dir.appendingPathComponent("orders.csv")
        try Data(orders.utf8).write(to: file)
        let run = try CLI.wangge(["import", "orders", file.path, "--db", db])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("located by address: 0 shop, 0 place, 1 address, 0 interpolated"))
        #expect(run.stderr.contains("order A2: \(unknown["address"].map { "lon is empty; address \"\($0)\" not located: unknown_road" }!)"))
        let manual = try CLI.wangge(["orders", "--db", db, "--status", "invalid"])
        #expect(manual.stdout.contains("A2,") && manual.stdout.contains("unknown_road") && !manual.stdout.contains("A1,"))
        // A1 has the door's point; F1 keeps its coordinates (flagged address_far).
        let door = try #require(
            CLI.readCSV(try String(contentsOf: CLI.root.appendingPathComponent("GeoData/baoshan/addresses.csv"), encoding: .utf8))
                .first { $0[0] == clean["match"]! })
        let export = try CLI.wangge(["export", "orders", "--db", db, "--output", "-"])
        #expect(export.stdout.contains("[\(door[6]),\(door[7])]"))
        #expect(export.stdout.contains("[121.46,31.33]"))
        #expect(run.stdout.contains("1 address_far (coordinates kept; the address lies more than 300 m away)"))
        // The limit is configurable: 0 never flags.
        let unflagged = try CLI.wangge(["import", "orders", file.path, "--db", db, "--address-far-meters", "0"])
        #expect(unflagged.status == 0 && !unflagged.stdout.contains("address_far"))
        #expect(unflagged.stdout.contains("1 address, 0 interpolated"))
        // The metric spelling and a smaller limit: still flagged at 100 m, as at 300 m.
        let metres = try CLI.wangge(["import", "orders", file.path, "--db", db, "--address-far-metres", "100"])
        #expect(
            metres.status == 0 && metres.stdout.contains("1 address_far (coordinates kept; the address lies more than 100 m away)"),
            "\(metres.stdout)")
        #expect(try CLI.wangge(["import", "orders", file.path, "--db", db, "--address-far-metres=-1"]).status == 64)
        // Re-importing cells re-routes stored orders: A1 stays located by its address.
        let cells = try CLI.wangge(["import", "cells", CLI.root.appendingPathComponent("GeoData/baoshan/cells.geojson").path, "--db", db])
        #expect(cells.status == 0)
        let again = try CLI.wangge(["export", "orders", "--db", db, "--output", "-"])
        #expect(again.stdout.contains("[\(door[6]),\(door[7])]"))
    }

    /// `wangge geocode`: one address as JSON, a CSV of addresses as CSV.
    @Test func geocodeOneAndMany() throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("d.sqlite").path
        try Self.load("baoshan", into: db)
        let one = try CLI.wangge(["geocode", "--db", db, "--address", "宝山区场中路８２５号旁"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.contains(#""located_by":"address""#) && one.stdout.contains(#""id":"BS-D-002302""#))
        let many = try CLI.wangge(["geocode", "--db", db, "--input", "-"], stdin: "id,address,code\n1,场中路825号,\n2,全家便利店,\n3,,HS31011300034\n")
        #expect(many.status == 0, "\(many.stderr)")
        let rows = CLI.readCSV(many.stdout)
        #expect(
            rows.first == ["id", "address", "code", "outcome", "located_by", "match", "label", "gap", "street", "reason", "lon", "lat", "candidates"])
        #expect(
            rows.dropFirst().map { [$0[3], $0[4], $0[5]] } == [
                ["located", "address", "BS-D-002302"], ["ambiguous", "", ""], ["located", "shop", "HS31011300034"],
            ])
        #expect(rows[2][12] == "HS31011300034:1.00;HS31011300035:1.00;HS31011300036:1.00")
        #expect(many.stderr.contains("geocoded 3 address(es): 1 shop, 0 place, 1 address"))
        let neither = try CLI.wangge(["geocode", "--db", db])
        #expect(neither.status != 0)
    }
}
