import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

public struct KPIParameters: ParsableArguments, Capability {
    public init() {}

    public enum Grouping: String, ExpressibleByArgument, CaseIterable, Sendable { case unit, street }
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json }

    @OptionGroup public var source: QuerySource

    @Option(help: "Start of the period (ISO 8601, inclusive).")
    public var from: String

    @Option(help: "End of the period (ISO 8601, exclusive).")
    public var to: String

    @Option(help: "unit or street.")
    public var by: Grouping = .unit

    @Option(help: "csv or json.")
    public var format: Format = .csv

    @OptionGroup public var byteOrderMark: ExcelBOMOption

    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        guard let start = Timestamp.parse(from) else {
            throw ValidationError("--from \"\(from)\" is not a time; expected \(Timestamp.forms), or a date")
        }
        guard let end = Timestamp.parse(to) else { throw ValidationError("--to \"\(to)\" is not a time; expected \(Timestamp.forms), or a date") }
        guard start < end else { throw ValidationError("--from must be earlier than --to") }
    }

    public func report(from data: DataSource) throws -> Report {
        var report = Report(format: format.rawValue)
        report.filename = Report.filename(["kpi", by.rawValue, from, to])
        let orders: [UnitKPI.DueOrder]
        let (store, catalog) = try data.open()
        let streetNames = by == .street ? Dictionary(AreaNames.streets(try data.district()), uniquingKeysWith: { a, _ in a }) : [:]
        orders = try catalog.run("order_handling", parameters: ["from": from, "to": to], on: store).rows.map { r in
            let group = by == .unit ? (r[1].string ?? "") : (r[3].string ?? "")
            let name = group.isEmpty ? (by == .unit ? "(no unit)" : "(no cell)") : (by == .unit ? (r[2].string ?? "") : (streetNames[group] ?? ""))
            return UnitKPI.DueOrder(
                group: group, name: name, received: r[4].double ?? 0,
                deadline: r[5].double ?? 0, firstClosed: r[6].double, closedAtEnd: (r[7].int ?? 0) != 0,
                reopened: r[8].int ?? 0)
        }
        let table = UnitKPI.table(orders)
        func rate(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        func hours(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "" }
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: [
                by.rawValue, "name", "due", "closed", "closed_on_time", "reopened", "late", "closure_rate", "on_time_rate",
                "rework_rate", "late_rate", "median_hours_to_close", "p90_hours_to_close",
            ])
            for r in table {
                writer.write(neutralising: [
                    r.group, r.name, String(r.due), String(r.closed), String(r.closedOnTime), String(r.reopened), String(r.late),
                    rate(r.closureRate), rate(r.onTimeRate), rate(r.reworkRate), rate(r.lateRate),
                    hours(r.medianHoursToClose), hours(r.p90HoursToClose),
                ])
            }
            report.bytes = (writer.take())
        case .json:
            func number(_ v: Double?) -> JSONValue { v.map(JSONValue.number) ?? .null }
            let rows = table.map { r in
                JSONValue.object([
                    by.rawValue: .string(r.group), "name": .string(r.name), "due": .number(Double(r.due)), "closed": .number(Double(r.closed)),
                    "closed_on_time": .number(Double(r.closedOnTime)), "reopened": .number(Double(r.reopened)), "late": .number(Double(r.late)),
                    "closure_rate": number(r.closureRate), "on_time_rate": number(r.onTimeRate), "rework_rate": number(r.reworkRate),
                    "late_rate": number(r.lateRate), "median_hours_to_close": number(r.medianHoursToClose),
                    "p90_hours_to_close": number(r.p90HoursToClose),
                ])
            }
            report.bytes =
                (Array(
                    (JSONValue.object(["from": .string(from), "to": .string(to), "by": .string(by.rawValue), "rows": .array(rows)]).jsonText + "\n")
                        .utf8))
        }
        report.note("\(table.count) \(by.rawValue)(s), \(orders.count) order(s) due in [\(from), \(to))")
        return report
    }
}
