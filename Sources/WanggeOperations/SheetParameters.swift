import ArgumentParser
import Foundation
import WanggeCore
import WanggeStore

/// `wangge sheet` (`GET /v1/sheet?date=&unit=`): the daily sheet each responsible unit gets
/// from the grid centre — 每日巡查问题汇总和整改分工落实表 — its open orders of the day with
/// their deadlines, and its 3-day rectification summary.
public struct SheetParameters: ParsableArguments, Sendable {
    public init() {}

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case html, csv }

    @OptionGroup public var source: QuerySource

    @Option(help: "The day, YYYY-MM-DD (China Standard Time, UTC+08:00).")
    public var date: String

    @Option(help: "Only this responsible unit (its id).")
    public var unit: String?

    @Option(help: "html (printable A4, a page per unit) or csv.")
    public var format: Format = .html

    @OptionGroup public var byteOrderMark: ExcelBOMOption

    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        guard Self.dayStart(date) != nil else {
            throw ValidationError("--date \"\(date)\" is not a day written YYYY-MM-DD (e.g. 2025-06-03)")
        }
        if let unit, unit.isEmpty { throw ValidationError("--unit must not be empty") }
    }

    /// 00:00 +08:00 of a `YYYY-MM-DD` day, or nil for anything else.
    static func dayStart(_ text: String) -> Double? {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 0x2D, u[7] == 0x2D else { return nil }
        return Timestamp.parse(text + "T00:00:00+08:00")
    }

    /// The sheet as CSV, or as the page `html` draws (WanggePages' ``Capability`` conformance).
    package func report(from data: DataSource, html: (DailySheet) -> [UInt8]) throws -> Report {
        let sheet = try DailySheet.load(date: date, unit: unit, from: data)
        var report = Report(format: format.rawValue)
        report.bytes = format == .csv ? sheet.csv(bom: bom) : html(sheet)
        report.filename = Report.filename(["sheet", date, unit ?? ""])
        let rows = sheet.units.reduce(0) { $0 + $1.orders.count }
        let overdue = sheet.units.reduce(0) { $0 + $1.orders.filter { $0.hoursLeft < 0 }.count }
        report.note(
            "sheet for \(date): \(sheet.units.count) unit(s), \(rows) open order(s) of the day, \(overdue) overdue at \(Timestamp.format(sheet.dayEnd))"
                + (sheet.manualDispatch.map { "; \($0) order(s) of the day need manual dispatch (待人工派遣)" } ?? ""))
        return report
    }
}
