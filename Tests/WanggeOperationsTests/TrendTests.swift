import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeOperations
@testable import WanggeStore
import WanggeTestSupport

/// `wangge trend`, the page's trend chart and the drill-down lists on the 宝山 sample with its
/// shipped handling history (GeoData/baoshan/events.csv).
@Suite(.serialized) struct TrendTests {
    /// One store for the suite, made on first use; a failure to make it fails every test that needs it.
    static let loaded = Result { () throws -> (path: String, dir: URL) in
        let orders = try SampleDistrict.file("orders.csv")
        let events = String(decoding: try SampleDistrict.file("events.csv"), as: UTF8.self)
        return try SampleDistrict.store(orders: orders, events: events)
    }
    static var fixture: (path: String, dir: URL) { get throws { try loaded.get() } }

    func csv(_ text: String) -> [[String]] {
        var reader = CSVReader(bytes: Array(text.utf8))
        var fields: [Range<Int>] = []
        var rows: [[String]] = []
        while (try? reader.next(into: &fields)) == true { rows.append(fields.map { reader.string($0) }) }
        return rows
    }

    @Test func eachWeekIsTheKPIOfThatWeek() throws {
        let db = try Self.fixture.path
        let rows = csv(try SampleDistrict.run(TrendParameters.self, ["--from", "2025-01-01", "--to", "2025-07-01", "--no-bom"], db: db))
        #expect(rows.first == TrendParameters.header(.district))
        let weeks = rows.dropFirst()
        #expect(weeks.count == 26)
        #expect(weeks.map { $0[2] } == (1 ... 26).map(String.init))
        #expect(weeks.first?[3] == "2025-01-01T00:00:00+08:00" && weeks.last?[4] == "2025-07-01T00:00:00+08:00")
        #expect(weeks.allSatisfy { $0[0] == "310113" && $0[1] == "全区" })
        // Orders received per week add up to the window's orders.
        let received = try WanggeStore(path: db, readOnly: true).database
            .scalar("SELECT count(*) FROM orders WHERE received_at >= '2025-01-01' AND received_at < '2025-07-01'").int!
        #expect(weeks.reduce(0) { $0 + Int($1[5])! } == received)
        // Week 10 is `kpi` over that week, summed over every unit (orders without one included).
        let w = weeks[weeks.startIndex + 9]
        let kpi = csv(try SampleDistrict.run(KPIParameters.self, ["--from", w[3], "--to", w[4], "--no-bom"], db: db)).dropFirst()
        #expect(Int(w[6])! == kpi.reduce(0) { $0 + Int($1[2])! })
        #expect(Int(w[7])! == kpi.reduce(0) { $0 + Int($1[3])! })
        #expect(Int(w[8])! == kpi.reduce(0) { $0 + Int($1[4])! })
        #expect(Int(w[6])! > 50 && Int(w[8])! < Int(w[6])! && Int(w[8])! > Int(w[6])! / 2, "a living history: most, not all, on time")
        // 环比 of week 10 against week 9; no 同比 (the data starts in 2025).
        let previous = weeks[weeks.startIndex + 8]
        let change = (Double(w[5])! - Double(previous[5])!) / Double(previous[5])!
        #expect(abs(Double(w[11])! - change) < 0.00006)
        #expect(weeks.allSatisfy { $0[12].isEmpty && $0[14].isEmpty })

        // Per unit: the unit's row is its `kpi` row.
        let units = csv(
            try SampleDistrict.run(TrendParameters.self, ["--from", "2025-01-01", "--to", "2025-07-01", "--by", "unit", "--no-bom"], db: db)
        ).dropFirst()
        #expect(units.count == 18 * 26)
        for k in kpi {
            guard let row = units.first(where: { $0[0] == k[0] && $0[3] == w[3] }) else { continue }
            #expect([row[6], row[7], row[8]] == [k[2], k[3], k[4]], "\(k[0])")
            #expect(row[1] == k[1])
        }
        // Per street, with the streets' names; JSON as well.
        let streets = csv(
            try SampleDistrict.run(TrendParameters.self, ["--from", "2025-06-02", "--to", "2025-06-30", "--by", "street", "--no-bom"], db: db)
        ).dropFirst()
        #expect(Set(streets.map { $0[1] }) == ["大场镇", "庙行镇", "高境镇"])
        #expect(streets.count == 3 * 4)
        let json = try JSONParser.parse(Array(try SampleDistrict.run(TrendParameters.self, ["--by", "point", "--format", "json"], db: db).utf8))
        guard case .object(let top) = json, case .array(let series)? = top["series"], case .object(let first)? = series.first,
            case .array(let firstWeeks)? = first["weeks"]
        else { Issue.record("unexpected JSON"); return }
        #expect(series.count == 23)
        #expect(firstWeeks.count == 12)
        #expect(throws: (any Error).self) { try TrendParameters.parse(["--db", "x", "--by", "community"]) }
        #expect(throws: (any Error).self) { try TrendParameters.parse(["--db", "x", "--from", "2025-07-01", "--to", "2025-01-01"]) }
    }

    @Test func thePageDrawsTheWeeksOfItsWindow() throws {
        let html = try SampleDistrict.run(DashboardParameters.self, ["--from", "2025-01-01", "--to", "2025-07-01"], db: Self.fixture.path)
        #expect(html.contains("<section id=\"trend\">"))
        #expect(html.contains("data-weeks=\"26\">"))
        let bars = html.components(separatedBy: "<rect class=\"week\"").dropFirst()
        #expect(bars.count == 26)
        let weekly = csv(
            try SampleDistrict.run(TrendParameters.self, ["--from", "2025-01-01", "--to", "2025-07-01", "--no-bom"], db: Self.fixture.path)
        ).dropFirst()
        #expect(bars.map { $0.components(separatedBy: "data-orders=\"")[1].prefix { $0 != "\"" } }.map(String.init) == weekly.map { $0[5] })
        // Hot spots explain Gi*: the cell's own count and its neighbourhood's, and a note.
        #expect(html.contains("<th data-sort=\"number\">本格工单</th><th data-sort=\"number\">邻域工单</th>"))
        #expect(html.contains("id=\"gi-note\">Gi* 评价的是网格及其邻域"))
        // Cells are named as people name them.
        #expect(html.contains("<title>") && html.contains(" · 大场镇 · 第"))
        // The lights of the living sample are not all one colour at the end of its history.
        let end = try SampleDistrict.run(DashboardParameters.self, [], db: Self.fixture.path)
        for light in ["red", "yellow", "green"] { #expect(end.contains("data-light=\"\(light)\" data-point"), "\(light)") }
    }

    @Test func aCellsListIsItsOrdersInTheWindow() throws {
        let db = try Self.fixture.path
        let store = try WanggeStore(path: db, readOnly: true)
        let cell = try store.database.scalar("SELECT cell FROM orders WHERE cell != '' GROUP BY cell ORDER BY count(*) DESC, cell LIMIT 1").string!
        let window = ["--from", "2025-01-01", "--to", "2025-07-01"]
        let list = csv(try SampleDistrict.run(OrdersParameters.self, ["--cell", cell] + window, db: db))
        #expect(list.first == ["id", "received_at", "category", "status", "unit", "unit_name", "deadline", "cell", "address"])
        let expected = try store.database.scalar(
            "SELECT count(*) FROM orders WHERE cell = '\(cell)' AND received_at >= '2025-01-01' AND received_at < '2025-07-01'"
        ).int!
        #expect(list.count - 1 == expected && expected > 3)
        #expect(list.dropFirst().allSatisfy { $0[7] == cell && !$0[5].isEmpty && $0[8].hasPrefix("上海市宝山区") })
        let html = try SampleDistrict.run(OrdersParameters.self, ["--cell", cell, "--format", "html"] + window, db: db)
        let ids = html.components(separatedBy: "<tr data-id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids == list.dropFirst().map { $0[0] })
        #expect(html.contains("<h1>网格 ") && html.contains("（\(cell)） 的工单"))
        // A unit, a street and an inspection point, and the manual-dispatch list as a page.
        let unit = csv(try SampleDistrict.run(OrdersParameters.self, ["--unit", "U-BS-MK01"] + window, db: db)).dropFirst()
        #expect(!unit.isEmpty && unit.allSatisfy { $0[4] == "U-BS-MK01" && $0[5] == "共和新路菜市场管理方" })
        let street = csv(try SampleDistrict.run(OrdersParameters.self, ["--street", "310113102"] + window, db: db)).dropFirst()
        #expect(street.count > unit.count && street.allSatisfy { $0[7].hasPrefix("310113102") })
        let point = csv(try SampleDistrict.run(OrdersParameters.self, ["--point", "PT-01"] + window, db: db)).dropFirst()
        #expect(!point.isEmpty)
        let manual = try SampleDistrict.run(OrdersParameters.self, ["--status", "outside", "--format", "html"], db: db)
        #expect(manual.contains("待人工派遣工单 · 网格外（转办）") && manual.contains("<tr data-id=\"BS2025"))
        #expect(throws: (any Error).self) { try OrdersParameters.parse(["--db", "x", "--cell", "31011310"]) }
    }
}
