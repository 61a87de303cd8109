import Foundation
import Testing
@testable import WanggeCore
@testable import WanggeOperations
import WanggeTestSupport
@testable import WanggePages

/// The daily sheet on hand-built order histories around 2025-06-03 (China Standard Time),
/// on the 宝山 layers. L1 lies inside inspection point PT-01 (共和新路菜市场) and the squad zone
/// SQ-01, so 违法搭建 there goes to U-BS-SQ01 (庙行镇城管中队, 48 h); 道路破损 has no route and at
/// L2 goes to the street unit U-310113102 (大场镇城运分中心, 72 h).
@Suite struct SheetTests {
    static let l1 = "121.405710,31.312180", l2 = "121.395195,31.301471"

    static let orders = """
        id,lon,lat,crs,category,received_at,address
        A,\(l1),,违法搭建,2025-06-03T09:00:00+08:00,共和新路1号
        B,\(l1),,违法搭建,2025-06-01T10:00:00+08:00,"共和新路2号 <b>&""东""</b>"
        C,\(l1),,违法搭建,2025-06-03T11:00:00+08:00,共和新路3号
        D,\(l1),,违法搭建,2025-06-02T09:00:00+08:00,共和新路4号
        E,\(l1),,违法搭建,2025-06-03T20:00:00+08:00,
        F,\(l1),,违法搭建,2025-05-20T08:00:00+08:00,共和新路6号
        G,\(l1),,违法搭建,2025-06-04T01:00:00+08:00,共和新路7号
        H,\(l2),,道路破损,2025-06-03T07:30:00+08:00,场联路8号
        I,,,,道路破损,2025-06-03T12:00:00+08:00,无坐标
        J,\(l1),,违法搭建,2025-06-01T00:00:00+08:00,共和新路10号
        K,\(l1),,违法搭建,2025-05-30T08:00:00+08:00,共和新路11号
        """

    static let events = """
        id,status,at
        B,dispatched,2025-06-03T08:00:00+08:00
        C,dispatched,2025-06-03T12:00:00+08:00
        C,resolved,2025-06-03T15:00:00+08:00
        C,closed,2025-06-03T18:00:00+08:00
        D,dispatched,2025-06-02T10:00:00+08:00
        E,resolved,2025-06-03T22:00:00+08:00
        F,dispatched,2025-05-20T09:00:00+08:00
        F,resolved,2025-05-21T09:00:00+08:00
        F,closed,2025-05-22T09:00:00+08:00
        F,reopened,2025-06-03T09:30:00+08:00
        F,dispatched,2025-06-03T10:00:00+08:00
        J,dispatched,2025-06-04T00:00:00+08:00
        K,dispatched,2025-05-30T09:00:00+08:00
        K,resolved,2025-06-02T12:00:00+08:00
        """

    func csvRows(_ text: String) -> [[String]] {
        var reader = CSVReader(bytes: Array(text.utf8))
        var fields: [Range<Int>] = []
        var rows: [[String]] = []
        while (try? reader.next(into: &fields)) == true { rows.append(fields.map { reader.string($0) }) }
        return rows
    }

    @Test func csvListsEachUnitsOpenOrdersOfTheDayWithDeadlinesAndSummary() throws {
        let (db, dir) = try SampleDistrict.store(orders: Array(Self.orders.utf8), events: Self.events)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = csvRows(try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03", "--format", "csv"], db: db))
        #expect(
            rows[0] == [
                "record", "unit", "unit_name", "order_id", "category", "address", "cell", "points", "point_names",
                "received_at", "deadline", "hours_left", "status", "open", "overdue", "within_deadline",
                "received_3d", "rectified_3d", "rectified_on_time_3d",
            ])
        // Every unit has its summary record, in id order; the order records follow their unit's.
        let summaries = rows.dropFirst().filter { $0[0] == "summary" }
        #expect(summaries.count == 18)
        #expect(summaries.map { $0[1] } == summaries.map { $0[1] }.sorted())
        let squad = try #require(summaries.first { $0[1] == "U-BS-SQ01" })
        // open: A B D E F J K (C closed, G later); overdue: B F J K; 3 days: A B C D E J received,
        // C E K resolved, K late.
        #expect(Array(squad[13...]) == ["7", "4", "3", "6", "3", "2"])
        #expect(squad[2] == "庙行镇城管中队")
        let street = try #require(summaries.first { $0[1] == "U-310113102" })
        #expect(Array(street[13...]) == ["1", "0", "1", "1", "0", "0"])
        #expect(
            summaries.filter { $0[1] != "U-BS-SQ01" && $0[1] != "U-310113102" }.allSatisfy { Array($0[13...]) == ["0", "0", "0", "0", "0", "0"] })

        let orders = rows.filter { $0[0] == "order" }
        // Dispatched that day and open at its end, most urgent first: F (reopened that day), B
        // (dispatched that day), A, E (received that day; E resolved, awaiting verification).
        // Not C (closed), D (dispatched the day before), G (next day), I (no unit), J (dispatched
        // at 00:00 of the next day), K (nothing that day).
        #expect(
            orders.map { [$0[1], $0[3]] } == [
                ["U-310113102", "H"], ["U-BS-SQ01", "F"], ["U-BS-SQ01", "B"], ["U-BS-SQ01", "A"], ["U-BS-SQ01", "E"],
            ])
        let byID = Dictionary(uniqueKeysWithValues: orders.map { ($0[3], $0) })
        #expect(
            byID["F"].map { [$0[9], $0[10], $0[11], $0[12]] } == ["2025-05-20T08:00:00+08:00", "2025-05-22T08:00:00+08:00", "-304.0", "dispatched"])
        #expect(byID["B"].map { [$0[10], $0[11], $0[12]] } == ["2025-06-03T10:00:00+08:00", "-14.0", "dispatched"])
        #expect(byID["A"].map { [$0[10], $0[11], $0[12]] } == ["2025-06-05T09:00:00+08:00", "33.0", "received"])
        #expect(byID["E"].map { [$0[10], $0[11], $0[12]] } == ["2025-06-05T20:00:00+08:00", "44.0", "resolved"])
        #expect(byID["H"].map { [$0[2], $0[4], $0[5], $0[10], $0[11]] } == ["大场镇城运分中心", "道路破损", "场联路8号", "2025-06-06T07:30:00+08:00", "55.5"])
        // Address as reported (CSV-quoted), else the WGS84 location; the inspection point by id and name.
        #expect(byID["B"]?[5] == "共和新路2号 <b>&\"东\"</b>")
        #expect(byID["E"]?[5] == "121.405710,31.312180")
        #expect(byID["A"].map { [$0[7], $0[8]] } == ["PT-01", "共和新路菜市场"])
        #expect(byID["A"]?[6].hasPrefix("310113112") == true)  // a 庙行镇 cell
        #expect(orders.allSatisfy { $0[13...].allSatisfy(\.isEmpty) })
    }

    @Test func oneUnitAndUnknownUnits() throws {
        let (db, dir) = try SampleDistrict.store(orders: Array(Self.orders.utf8), events: Self.events)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = csvRows(try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03", "--format", "csv", "--unit", "U-BS-SQ01"], db: db))
        #expect(rows.dropFirst().map { [$0[0], $0[3]] } == [["summary", ""], ["order", "F"], ["order", "B"], ["order", "A"], ["order", "E"]])
        // The next day: F, B, A, E were not dispatched on it; the summary moves on.
        let next = csvRows(try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-04", "--format", "csv", "--unit", "U-BS-SQ01"], db: db))
        #expect(next.dropFirst().map { [$0[0], $0[3]] } == [["summary", ""], ["order", "J"], ["order", "G"]])
        #expect(next.last?[11] == "25.0")  // G: received 06-04 01:00, 48 h, end of day 06-05 00:00
        #expect(next[1][13...].map { $0 } == ["8", "5", "3", "5", "3", "2"])

        #expect {
            _ = try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03", "--unit", "U-NOPE"], db: db)
        } throws: { error in
            (error as? OperationError)?.kind == .notFound && "\(error)".contains("unknown unit \"U-NOPE\"") && "\(error)".contains("U-BS-SQ01")
        }
        #expect(throws: (any Error).self) { try SheetParameters.parse(["--db", db, "--date", "2025-6-3"]) }
        #expect(throws: (any Error).self) { try SheetParameters.parse(["--db", db, "--date", "2025-06-03T00:00"]) }
    }

    @Test func htmlIsAPrintablePagePerUnitWithEscapedText() throws {
        let (db, dir) = try SampleDistrict.store(orders: Array(Self.orders.utf8), events: Self.events)
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = try SampleDistrict.run(SheetParameters.self, ["--date", "2025-06-03"], db: db)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("@page { size: A4"))
        #expect(html.contains("page-break-after:always"))
        #expect(html.components(separatedBy: "<section class=\"sheet\"").count - 1 == 18)
        #expect(html.components(separatedBy: "<h1>每日巡查问题汇总和整改分工落实表</h1>").count - 1 == 18)
        #expect(html.contains("共和新路2号 &lt;b&gt;&amp;&quot;东&quot;&lt;/b&gt;"))
        #expect(!html.contains("<b>&"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script") && !html.contains("<link"))
        // The squad's page lists F, B, A, E in that order, B and F overdue.
        let page = try #require(
            html.components(separatedBy: "data-unit=\"U-BS-SQ01\"").dropFirst().first?.components(separatedBy: "</section>").first)
        let ids = page.components(separatedBy: "data-order=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(ids == ["F", "B", "A", "E"])
        #expect(
            page.contains("<tr class=\"overdue\" data-order=\"F\"") && page.contains("<tr class=\"overdue\" data-order=\"B\"")
                && page.contains("<tr data-order=\"A\""))
        #expect(page.contains("超期 304.0") && page.contains("剩余 33.0") && page.contains("已处置，待核查"))
        #expect(page.contains("<td>7</td><td>4</td><td>3</td><td>6</td><td>3</td><td>2</td>"))
    }
}
