import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

/// `wangge trend` (`GET /v1/trend`): weekly order counts and closing rates, with 环比 and 同比,
/// for the district or per street, unit, category or inspection point — the figures behind the
/// leaders' page's trend charts.
public struct TrendParameters: ParsableArguments, Capability {
    public init() {}

    /// What one trend series covers.
    public enum Grouping: String, ExpressibleByArgument, CaseIterable, Sendable { case district, street, unit, category, point }
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json }

    @OptionGroup public var source: QuerySource

    @Option(help: "Start of the first week (ISO 8601; default: 12 weeks before --to).")
    public var from: String?

    @Option(help: "End of the last week, exclusive (ISO 8601; default: the end of the last recorded day).")
    public var to: String?

    @Option(help: "district, street, unit, category or point.")
    public var by: Grouping = .district

    @Option(help: "Only orders of this category (repeatable).")
    public var category: [String] = []

    @Option(help: "csv or json.")
    public var format: Format = .csv

    @OptionGroup public var byteOrderMark: ExcelBOMOption

    private var bom: Bool { byteOrderMark.bom }

    private static func given(_ s: String?) -> String? { s.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }

    public func validate() throws {
        for (name, value) in [("from", from), ("to", to)] {
            if let v = Self.given(value), Timestamp.parse(v) == nil {
                throw ValidationError("--\(name) \"\(v)\" is not an ISO 8601 time (e.g. 2025-06-01 or 2025-06-30T18:00:00+08:00)")
            }
        }
        if let f = Self.given(from).flatMap(Timestamp.parse), let t = Self.given(to).flatMap(Timestamp.parse), f >= t {
            throw ValidationError("--from must be earlier than --to")
        }
        if let f = Self.given(from).flatMap(Timestamp.parse), let t = Self.given(to).flatMap(Timestamp.parse), t - f > 366 * 86_400 * 5 {
            throw ValidationError("--from and --to are more than five years apart")
        }
    }

    /// One series: an area and its weekly rows.
    package struct Series: Sendable {
        package var code: String
        package var name: String
        package var rows: [WeeklyTrend.Row]
        package var total: WeeklyTrend.Row
    }

    /// The series of `by` over [from, to) for `categories` (empty: all), from the orders the
    /// leaders' page reads (kept by the server while the data is unchanged).
    static func series(by: Grouping, from: Double, to: Double, categories: [String], data: DataSource) throws -> [Series] {
        try series(by: [by], from: from, to: to, categories: categories, data: data)[by] ?? []
    }

    /// The series of several groupings at once: one pass over the stored orders.
    static func series(by groupings: [Grouping], from: Double, to: Double, categories: [String], data: DataSource) throws -> [Grouping: [Series]] {
        let district = try data.district()
        let cells = district.cells.map(\.code).sorted()
        let stored = try DashboardFigures.stored(data: data, cells: cells, district: district)
        let wanted = Set(categories)
        let earliest = stored.orders.lazy.map(\.received).min()
        // Only orders that can count: received or due from the period before the window (环比),
        // or from a year before it when the data reaches back that far (同比).
        var lo = min(from - (to - from), from - WeeklyTrend.week)
        if let earliest, earliest <= to - WeeklyTrend.year { lo = min(lo, from - WeeklyTrend.year) }
        var groups = [[String: [WeeklyTrend.Order]]](repeating: [:], count: groupings.count)
        for (i, o) in stored.orders.enumerated()
        where (o.received >= lo || o.deadline >= lo) && o.received < to
            && (wanted.isEmpty || wanted.contains(o.category))
        {
            let item = WeeklyTrend.Order(
                received: o.received, deadline: o.deadline,
                changes: stored.history[i].map { ($0.at, $0.status == .closed) })
            for (g, by) in groupings.enumerated() {
                switch by {
                case .district: groups[g]["", default: []].append(item)
                case .street: if let c = o.cell { groups[g][CellCode(cells[c]).street, default: []].append(item) }
                case .unit: if !o.unit.isEmpty { groups[g][o.unit, default: []].append(item) }
                case .category: groups[g][o.category, default: []].append(item)
                case .point: for p in o.points.split(separator: ";") { groups[g][String(p), default: []].append(item) }
                }
            }
        }
        var out: [Grouping: [Series]] = [:]
        for (g, by) in groupings.enumerated() {
            var list = groups[g]
            let areas: [(String, String)]
            switch by {
            case .district:
                let county = district.cells.first.map { String($0.code.prefix(6)) } ?? ""
                areas = [(county, "全区")]
                list = [county: list[""] ?? []]
            case .street: areas = AreaNames.streets(district).sorted { $0.0 < $1.0 }
            case .unit: areas = district.units.sorted { $0.id < $1.id }.map { ($0.id, $0.name) }
            case .category: areas = Set(list.keys).union(categories).sorted().map { ($0, $0) }
            case .point: areas = district.points.sorted { $0.id < $1.id }.map { ($0.id, $0.name) }
            }
            out[by] = areas.map { code, name in
                let figures = WeeklyTrend.series(list[code] ?? [], from: from, to: to, earliest: earliest)
                return Series(code: code, name: name, rows: figures.rows, total: figures.total)
            }
        }
        return out
    }

    /// [from, to) with the defaults filled in.
    func window(data: DataSource) throws -> (from: Double, to: Double) {
        var end = Self.given(to).flatMap(Timestamp.parse)
        if end == nil {
            let (store, catalog) = try data.open()
            let last = try catalog.run("latest_activity", parameters: [:], on: store).rows.first?.first?.double
            end = Timestamp.dayStart(last ?? Date().timeIntervalSince1970) + 86_400
        }
        let start = Self.given(from).flatMap(Timestamp.parse) ?? end! - 12 * WeeklyTrend.week
        return (start, end!)
    }

    public func report(from data: DataSource) throws -> Report {
        let (start, end) = try window(data: data)
        let categories = category.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let series = try Self.series(by: by, from: start, to: end, categories: categories, data: data)
        var report = Report(format: format.rawValue)
        report.filename = Report.filename(["trend", by.rawValue, Timestamp.format(start), Timestamp.format(end)])
        func rate(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: Self.header(by))
            for s in series {
                for (k, r) in s.rows.enumerated() {
                    writer.write(neutralising: [
                        s.code, s.name, String(k + 1), Timestamp.format(r.week.from), Timestamp.format(r.week.to),
                        String(r.week.orders), String(r.week.due), String(r.week.closed), String(r.week.closedOnTime),
                        rate(r.week.closureRate), rate(r.week.onTimeRate), rate(r.ordersVsPrevious), rate(r.ordersVsLastYear),
                        rate(r.onTimeVsPrevious), rate(r.onTimeVsLastYear),
                    ])
                }
            }
            report.bytes = writer.take()
        case .json:
            func number(_ v: Double?) -> JSONValue { v.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .null }
            func object(_ r: WeeklyTrend.Row, week: Int?) -> JSONValue {
                var o: [String: JSONValue] = [
                    "from": .string(Timestamp.format(r.week.from)), "to": .string(Timestamp.format(r.week.to)),
                    "orders": .number(Double(r.week.orders)), "due": .number(Double(r.week.due)), "closed": .number(Double(r.week.closed)),
                    "closed_on_time": .number(Double(r.week.closedOnTime)), "closure_rate": number(r.week.closureRate),
                    "on_time_rate": number(r.week.onTimeRate), "orders_vs_prev": number(r.ordersVsPrevious),
                    "orders_vs_last_year": number(r.ordersVsLastYear), "on_time_rate_vs_prev": number(r.onTimeVsPrevious),
                    "on_time_rate_vs_last_year": number(r.onTimeVsLastYear),
                ]
                if let week { o["week"] = .number(Double(week)) }
                return .object(o)
            }
            report.json(
                .object([
                    "from": .string(Timestamp.format(start)), "to": .string(Timestamp.format(end)), "by": .string(by.rawValue),
                    "series": .array(
                        series.map { s in
                            .object([
                                by.rawValue: .string(s.code), "name": .string(s.name), "total": object(s.total, week: nil),
                                "weeks": .array(s.rows.enumerated().map { object($1, week: $0 + 1) }),
                            ])
                        }),
                ]))
        }
        report.warn(try unknownCategoryWarnings(categories, from: data))
        report.note(
            "trend: \(series.count) \(by.rawValue)(s) × \(series.first?.rows.count ?? 0) week(s) in [\(Timestamp.format(start)), \(Timestamp.format(end)))"
        )
        return report
    }

    static func header(_ by: Grouping) -> [String] {
        [
            by.rawValue, "name", "week", "from", "to", "orders", "due", "closed", "closed_on_time", "closure_rate", "on_time_rate",
            "orders_vs_prev", "orders_vs_last_year", "on_time_rate_vs_prev", "on_time_rate_vs_last_year",
        ]
    }
}
