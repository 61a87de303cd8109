import Foundation
import Testing
import WanggeAnalytics
@testable import WanggeCore
@testable import WanggeOperations
@testable import WanggePages
@testable import WanggeStore
import WanggeTestSupport

/// The leaders' screen on the 宝山 sample (1,200 cells, 5,000 orders of 2025) with a
/// deterministic handling history, checked against the single-purpose commands.
@Suite(.serialized) struct DashboardTests {
    /// Status changes for the sample's orders: every third closed on time (every sixth of
    /// those reopened and closed again), every fifth-plus-one resolved late and left open.
    static func events(_ orders: [UInt8]) -> String {
        var reader = CSVReader(bytes: orders)
        var fields: [Range<Int>] = []
        _ = try? reader.next(into: &fields)
        var lines = ["id,status,at"]
        var i = 0
        while (try? reader.next(into: &fields)) == true {
            defer { i += 1 }
            let id = reader.string(fields[0])
            guard let t = Timestamp.parse(reader.string(fields[5])) else { continue }
            func add(_ status: String, _ hours: Double) { lines.append("\(id),\(status),\(Timestamp.format(t + hours * 3600))") }
            if i % 3 == 0 {
                add("dispatched", 1); add("resolved", 20); add("closed", 30)
                if i % 6 == 0 { add("reopened", 40); add("dispatched", 41); add("resolved", 60); add("closed", 70) }
            } else if i % 5 == 1 {
                add("dispatched", 2); add("resolved", 100)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One store for the suite (importing 5,000 orders takes a moment), made on first use; a
    /// failure to make it fails every test that needs it.
    static let loaded = Result { () throws -> (path: String, dir: URL) in
        let orders = try SampleDistrict.file("orders.csv")
        return try SampleDistrict.store(orders: orders, events: events(orders))
    }
    static var fixture: (path: String, dir: URL) { get throws { try loaded.get() } }

    static let window = ["--from", "2025-01-01", "--to", "2026-01-01", "--as-of", "2025-12-31T12:00:00+08:00"]

    func csv(_ text: String) -> [[String]] {
        var reader = CSVReader(bytes: Array(text.utf8))
        var fields: [Range<Int>] = []
        var rows: [[String]] = []
        while (try? reader.next(into: &fields)) == true { rows.append(fields.map { reader.string($0) }) }
        return rows
    }

    /// The `<tr …>` tags of a table's body.
    func rows(_ html: String, table id: String) throws -> [Substring] {
        let start = try #require(html.range(of: "<table id=\"\(id)\""))
        let table = html[start.lowerBound...]
        let body = table[table.range(of: "<tbody>")!.upperBound ..< table.range(of: "</tbody>")!.lowerBound]
        return body.components(separatedBy: "<tr").dropFirst().filter { !$0.hasPrefix(" class=\"empty\"") }.map { Substring($0) }
    }

    func attribute(_ tag: Substring, _ name: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test func thePageHasEveryPartWithStableHooksAndNoExternalAsset() throws {
        let html = try SampleDistrict.run(DashboardParameters.self, Self.window + ["--measure", "gi"], db: Self.fixture.path)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for hook in [
            "<form id=\"controls\" method=\"get\">", "<div id=\"map\"><svg ", "<div id=\"legend\">", "<table id=\"lights\"",
            "<table id=\"hotspots\"", "<table id=\"rebounds\"", "<table id=\"league\"", "<div id=\"cell-info\">", "<script>",
        ] {
            #expect(html.contains(hook), "\(hook)")
        }
        #expect(html.components(separatedBy: "<path class=\"cell ").count - 1 == 1200)
        #expect(!html.contains("action=") && !html.contains("<base"))
        #expect(!html.contains("https://") && !html.contains("src=") && !html.contains("<link"))
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http://") == false)
        #expect(html.contains("<th data-sort=\"number\">按期结案率</th>"))
        #expect(html.contains("data-orders-link=\"&amp;from=2025-01-01T00:00:00%2B08:00&amp;to=2026-01-01T00:00:00%2B08:00\""))
        // The form keeps what was asked.
        #expect(html.contains("<option value=\"gi\" selected>"))
        #expect(html.contains("name=\"from\" value=\"2025-01-01\"") && html.contains("name=\"as-of\" value=\"2025-12-31T12:00\""))
        #expect(html.utf8.count < 2_000_000)
    }

    @Test func lightsAreTheLightsCommandsReddestFirst() throws {
        let html = try SampleDistrict.run(DashboardParameters.self, Self.window, db: Self.fixture.path)
        let lights = csv(try SampleDistrict.run(LightsParameters.self, ["--as-of", "2025-12-31T12:00:00+08:00"], db: Self.fixture.path)).dropFirst()
        let trs = try rows(html, table: "lights")
        #expect(trs.count == 23)
        #expect(trs.map { attribute($0, "data-point") ?? "" } == lights.map { $0[0] })
        #expect(trs.map { attribute($0, "data-light") ?? "" } == lights.map { $0[2] })
        let rank = trs.map { ["red": 0, "yellow": 1, "green": 2][attribute($0, "data-light") ?? ""] ?? 9 }
        #expect(rank == rank.sorted())
        #expect(rank.first == 0)
        #expect(lights.first.map { trs[0].contains("<td class=\"num\">\($0[3])</td><td class=\"num\">\($0[4])</td>") } == true)
    }

    @Test func leagueRatesAreTheKPICommands() throws {
        let html = try SampleDistrict.run(DashboardParameters.self, Self.window, db: Self.fixture.path)
        let kpi = Dictionary(
            uniqueKeysWithValues: csv(
                try SampleDistrict.run(KPIParameters.self, ["--from", "2025-01-01", "--to", "2026-01-01"], db: Self.fixture.path)
            )
            .dropFirst().map { ($0[0], $0) })
        let trs = try rows(html, table: "league")
        #expect(trs.count == 18)
        var compared = 0
        for tr in trs {
            let unit = try #require(attribute(tr, "data-unit"))
            let values = tr.components(separatedBy: "data-value=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            guard let k = kpi[unit] else { #expect(values == ["", "", ""]); continue }
            #expect(tr.contains("<td class=\"num\">\(k[2])</td>"), "\(unit) due")
            #expect(values == [k[7], k[8], k[9]], "\(unit)")
            compared += 1
        }
        #expect(compared >= 10)
        // Sorted by overdue orders at as-of, most first.
        let overdue = trs.map { Int($0.components(separatedBy: "<td class=\"num").last!.split(separator: ">")[1].prefix { $0.isNumber })! }
        #expect(overdue == overdue.sorted(by: >))
        #expect(overdue.first! > 0)
    }

    @Test func mapHotspotsAndReboundsAreTheAnalyticsCommands() throws {
        let html = try SampleDistrict.run(DashboardParameters.self, Self.window + ["--measure", "gi"], db: Self.fixture.path)
        let gi = csv(
            try SampleDistrict.run(HotspotsParameters.self, ["--method", "gi", "--from", "2025-01-01", "--to", "2026-01-01"], db: Self.fixture.path)
        ).dropFirst()
        let bins = Dictionary(uniqueKeysWithValues: gi.map { ($0[0], Int($0[4])!) })
        let counts = Dictionary(uniqueKeysWithValues: gi.map { ($0[0], $0[1]) })
        var hot = 0
        for piece in html.components(separatedBy: "<path class=\"cell ").dropFirst() {
            let tag = piece.prefix { $0 != ">" }
            let cell = try #require(attribute(tag, "data-cell"))
            let bin = try #require(bins[cell])
            #expect(tag.hasPrefix(GiPalette.cssClass(bin: bin) + "\""), "\(cell)")
            #expect(attribute(tag, "data-orders") == counts[cell])
            #expect(attribute(tag, "data-street") == String(cell.prefix(9)) && attribute(tag, "data-community") == String(cell.prefix(12)))
            if bin == 3 { hot += 1 }
        }
        #expect(hot > 0)
        // Top 10 hot spots: the highest z of `hotspots --method gi`.
        let top = gi.sorted { (Double($0[2])!, $1[0]) > (Double($1[2])!, $0[0]) }.prefix(10).map { $0[0] }
        #expect(try rows(html, table: "hotspots").map { attribute($0, "data-cell") ?? "" } == top)
        // Top 10 rebounding cells: the most rebounds of `recurrence` (50 m, 30 days).
        let recurrence = csv(
            try SampleDistrict.run(RecurrenceParameters.self, ["--from", "2025-01-01", "--to", "2026-01-01"], db: Self.fixture.path)
        ).dropFirst()
            .filter { Int($0[4])! > 0 }
            .sorted { (Int($0[4])!, Double($0[6]) ?? 0, $1[0]) > (Int($1[4])!, Double($1[6]) ?? 0, $0[0]) }
        #expect(recurrence.count >= 10)
        let rebounds = try rows(html, table: "rebounds")
        #expect(rebounds.map { attribute($0, "data-cell") ?? "" } == recurrence.prefix(10).map { $0[0] })
        #expect(rebounds.first.map { $0.contains("<td class=\"num\">\(recurrence.first![4])</td>") } == true)
        #expect(rebounds.allSatisfy { attribute($0, "data-trend").map { !$0.isEmpty } ?? false })
    }

    @Test func categoriesAndDefaultsNarrowTheWindow() throws {
        let html = try SampleDistrict.run(
            DashboardParameters.self, Self.window + ["--category", "违法搭建", "--measure", "lights"], db: Self.fixture.path)
        let counts = csv(
            try SampleDistrict.run(
                HotspotsParameters.self, ["--from", "2025-01-01", "--to", "2026-01-01", "--category", "违法搭建"], db: Self.fixture.path)
        ).dropFirst()
        let expected = Dictionary(uniqueKeysWithValues: counts.map { ($0[0], $0[2]) })
        var total = 0
        for piece in html.components(separatedBy: "<path class=\"cell ").dropFirst() {
            let tag = piece.prefix { $0 != ">" }
            #expect(attribute(tag, "data-orders") == expected[attribute(tag, "data-cell") ?? ""])
            total += Int(attribute(tag, "data-orders") ?? "") ?? 0
            let light = attribute(tag, "data-light") ?? ""
            #expect(tag.hasPrefix(["red": "lr", "yellow": "ly", "green": "lg", "grey": "lx"][light]! + "\""))
        }
        #expect(total > 0 && total == counts.reduce(0) { $0 + Int($1[2])! })
        #expect(html.contains("<option value=\"违法搭建\" selected>"))
        #expect(html.contains("&amp;category=%E8%BF%9D%E6%B3%95%E6%90%AD%E5%BB%BA\""))

        // Defaults: as-of is the last recorded moment; the window the 30 days up to the end of its day.
        let plain = try SampleDistrict.run(DashboardParameters.self, [], db: Self.fixture.path)
        let store = try WanggeStore(path: Self.fixture.path, readOnly: true)
        let last = try store.database.scalar(
            "SELECT max(m) FROM (SELECT max(received_epoch) AS m FROM orders UNION ALL SELECT max(at_epoch) FROM order_events)"
        ).double!
        let end = Timestamp.dayStart(last) + 86_400
        #expect(
            plain.contains(
                "<p id=\"frame\">统计时段 <b>\(DailySheet.minute(end - 30 * 86_400))</b> 至 <b>\(DailySheet.minute(end))</b>（不含）· 亮灯时点 <b>\(DailySheet.minute(last))</b>"
            ))
        // An empty form field is the default, not an error.
        let empty = try SampleDistrict.run(DashboardParameters.self, ["--from", "", "--to", "", "--as-of", ""], db: Self.fixture.path)
        #expect(empty == plain)
        #expect(throws: (any Error).self) { try DashboardParameters.parse(["--db", "x", "--from", "yesterday"]) }
        #expect(throws: (any Error).self) { try DashboardParameters.parse(["--db", "x", "--measure", "heat"]) }
    }
}
