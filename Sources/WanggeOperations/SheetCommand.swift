import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge sheet` (`GET /v1/sheet?date=&unit=`): the daily sheet each responsible unit gets
/// from the grid centre — 每日巡查问题汇总和整改分工落实表 — its open orders of the day with
/// their deadlines, and its 3-day rectification summary.
public struct SheetCommand: ParsableCommand, Operation {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "sheet",
        abstract: "每日巡查问题汇总和整改分工落实表: each unit's open orders of a day and its 3-day rectification summary.",
        discussion: """
            The day is --date in China Standard Time: [D 00:00, D+1 00:00) +08:00. Its end, D+1 00:00 +08:00, is the reference moment of every figure.

            Rows (per responsible unit): orders routed to the unit that were received, or had a `dispatched` or `reopened` (返工) status change, during the day, and are still open at its end (their last status change before the end is not `closed`). Orders without a unit (outside every cell, invalid) are on the manual-dispatch list instead.

            deadline = received_at + sla_hours of the unit (72 h, the 3-day rule, when unknown); hours_left = deadline − the day's end, in hours (negative: overdue by that much). Sorted by deadline (most urgent first), then id.

            Summary (三日整改情况) at the day's end: open orders of the unit (any reception day), overdue and within deadline; received_3d: received in the 72 h before the end (the day and the two before); rectified_3d: with a `resolved` change in those 72 h; rectified_on_time_3d: of those, the latest such resolution by the deadline.

            Every unit is listed (one printed A4 page each), or only --unit. Address: the orders file's address column (kept in the order's attributes), else the WGS84 "lon,lat". Inspection points: the points the order touches (ids; names in HTML).

            CSV header:
              record,unit,unit_name,order_id,category,address,cell,points,point_names,
              received_at,deadline,hours_left,status,open,overdue,within_deadline,
              received_3d,rectified_3d,rectified_on_time_3d

            one `summary` record per unit (order columns empty), then its `order` records (summary columns empty), and, on the whole sheet (no --unit), last one `manual_dispatch` record whose `open` is the number of orders received during the day without a responsible unit (待人工派遣; list them with `wangge orders`).

            Times are written +08:00. The CSV starts with a UTF-8 byte order mark (--no-bom to omit); text cells that a spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return) are prefixed with '.
            """)

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case html, csv }

    @OptionGroup var source: QuerySource

    @Option(help: "The day, YYYY-MM-DD (China Standard Time, UTC+08:00).")
    var date: String

    @Option(help: "Only this responsible unit (its id).")
    var unit: String?

    @Option(help: "html (printable A4, a page per unit) or csv.")
    var format: Format = .html

    @Flag(inversion: .prefixedNo, help: "CSV: start with a UTF-8 byte order mark, so Excel reads it as UTF-8 (default: yes).")
    var bom = true

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    public func validate() throws {
        guard Self.dayStart(date) != nil else {
            throw ValidationError("--date \"\(date)\" is not a day written YYYY-MM-DD (e.g. 2025-06-03)")
        }
        if let unit, unit.isEmpty { throw ValidationError("--unit must not be empty") }
    }

    public func run() throws { try deliver(self, from: source.data(), to: output) }

    /// 00:00 +08:00 of a `YYYY-MM-DD` day, or nil for anything else.
    static func dayStart(_ text: String) -> Double? {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        return Timestamp.parse(text + "T00:00:00+08:00")
    }

    public func report(from data: DataSource) throws -> Report {
        let sheet = try DailySheet.load(date: date, unit: unit, from: data)
        var report = Report(format: format.rawValue)
        report.bytes = format == .csv ? sheet.csv(bom: bom) : sheet.html()
        report.filename = Report.filename(["sheet", date, unit ?? ""])
        let rows = sheet.units.reduce(0) { $0 + $1.orders.count }
        let overdue = sheet.units.reduce(0) { $0 + $1.orders.filter { $0.hoursLeft < 0 }.count }
        report.note("sheet for \(date): \(sheet.units.count) unit(s), \(rows) open order(s) of the day, \(overdue) overdue at \(Timestamp.format(sheet.dayEnd))"
                    + (sheet.manualDispatch.map { "; \($0) order(s) of the day need manual dispatch (待人工派遣)" } ?? ""))
        return report
    }
}

/// The daily sheet's figures, read through the named queries `daily_sheet_orders` and
/// `daily_sheet_summary` (definitions in ``SheetCommand``).
struct DailySheet {
    struct Order {
        var id: String
        var category: String
        /// The address as reported, else "lon,lat" (WGS84), else "".
        var address: String
        var cell: String
        var points: [String]
        var receivedAt: Double
        var deadline: Double
        /// Hours from the day's end to the deadline; negative: overdue.
        var hoursLeft: Double
        var status: String
    }

    struct Summary {
        var open = 0, overdue = 0, withinDeadline = 0, received3d = 0, rectified3d = 0, rectifiedOnTime3d = 0
    }

    struct UnitSheet {
        var unit: String
        var name: String
        var summary: Summary
        var orders: [Order]
    }

    var date: String
    var dayStart: Double
    var dayEnd: Double
    var units: [UnitSheet]
    /// Orders received during the day that have no responsible unit (invalid, outside the
    /// district grid, or no zone and no street unit): on the manual-dispatch list, 待人工派遣.
    /// The grid centre's own figure: nil on the sheet of one unit.
    var manualDispatch: Int?
    /// Inspection point id → name.
    var pointNames: [String: String]
    /// Cell code → (community name, street name).
    var cellNames: [String: (community: String, street: String)]

    static func load(date: String, unit: String?, from data: DataSource) throws -> DailySheet {
        guard let start = SheetCommand.dayStart(date) else { throw OperationError("--date \"\(date)\" is not a day written YYYY-MM-DD") }
        let end = start + 86_400   // China Standard Time has no daylight saving
        let (store, catalog) = try data.open()
        let district = try data.district()
        if let unit, !district.units.contains(where: { $0.id == unit }) {
            let known = district.units.map(\.id).sorted()
            throw OperationError("unknown unit \"\(unit)\"; the units are: \(known.prefix(30).joined(separator: ", "))\(known.count > 30 ? ", …" : "")", kind: .notFound)
        }
        var parameters = ["day_end": Timestamp.format(end)]
        if let unit { parameters["unit"] = unit }
        let summaries = try catalog.run("daily_sheet_summary", parameters: parameters, on: store).rows
        parameters["day_start"] = Timestamp.format(start)
        var orders: [String: [Order]] = [:]
        for r in try catalog.run("daily_sheet_orders", parameters: parameters, on: store).rows {
            var address = r[3].string ?? ""
            if address.isEmpty, let lon = r[4].double, let lat = r[5].double {
                address = String(format: "%.6f,%.6f", lon, lat)
            }
            let deadline = r[10].double ?? 0
            orders[r[0].string ?? "", default: []].append(Order(
                id: r[1].string ?? "", category: r[2].string ?? "", address: address, cell: r[6].string ?? "",
                points: (r[7].string ?? "").split(separator: ";").map(String.init),
                receivedAt: r[9].double ?? 0, deadline: deadline, hoursLeft: (deadline - end) / 3600,
                status: r[11].string ?? ""))
        }
        let units = summaries.map { r -> UnitSheet in
            let id = r[0].string ?? ""
            let s = Summary(open: r[3].int ?? 0, overdue: r[4].int ?? 0, withinDeadline: r[5].int ?? 0,
                            received3d: r[6].int ?? 0, rectified3d: r[7].int ?? 0, rectifiedOnTime3d: r[8].int ?? 0)
            return UnitSheet(unit: id, name: r[1].string ?? "", summary: s, orders: orders[id] ?? [])
        }
        let manual = unit != nil ? nil : try catalog.run("manual_dispatch", parameters: ["status": "unrouted", "from": Timestamp.format(start),
                                                                                          "to": Timestamp.format(end)], on: store).rows.count
        return DailySheet(date: date, dayStart: start, dayEnd: end, units: units, manualDispatch: manual,
                          pointNames: Dictionary(district.points.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
                          cellNames: Dictionary(district.cells.map { ($0.code, ($0.communityName, $0.streetName)) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Hours with one decimal, as printed and as written to CSV.
    static func hours(_ h: Double) -> String {
        var w = HTMLWriter(capacity: 8)
        w.fixed(h, places: 1)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// The CSV form (header in ``SheetCommand``'s discussion), for people: text cells that a
    /// spreadsheet would take for a formula (a citizen's address `=HYPERLINK(…)`) neutralised.
    func csv(bom: Bool) -> [UInt8] {
        var writer = CSVWriter(bom: bom)
        writer.write(neutralising: ["record", "unit", "unit_name", "order_id", "category", "address", "cell", "points", "point_names",
                      "received_at", "deadline", "hours_left", "status", "open", "overdue", "within_deadline",
                      "received_3d", "rectified_3d", "rectified_on_time_3d"])
        for u in units {
            let s = u.summary
            writer.write(neutralising: ["summary", u.unit, u.name, "", "", "", "", "", "", "", "", "", "",
                          String(s.open), String(s.overdue), String(s.withinDeadline), String(s.received3d),
                          String(s.rectified3d), String(s.rectifiedOnTime3d)])
            for o in u.orders {
                writer.write(neutralising: ["order", u.unit, u.name, o.id, o.category, o.address, o.cell, o.points.joined(separator: ";"),
                              o.points.map { pointNames[$0] ?? $0 }.joined(separator: ";"),
                              Timestamp.format(o.receivedAt), Timestamp.format(o.deadline), Self.hours(o.hoursLeft), o.status,
                              "", "", "", "", "", ""])
            }
        }
        if let manualDispatch {
            writer.write(neutralising: ["manual_dispatch", "", "待人工派遣", "", "", "", "", "", "", "", "", "", "",
                                        String(manualDispatch), "", "", "", "", ""])
        }
        return writer.take()
    }
}
