import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

/// `wangge orders` (`GET /v1/orders/{id}`, `GET /v1/orders?status=…`, `GET /v1/orders?cell=…`):
/// one stored order with its handling history, the orders of one area (the leaders' page's
/// drill-down), or the manual-dispatch list: orders without a responsible unit.
public struct OrdersParameters: ParsableArguments, Sendable {
    public init() {}

    /// Which orders the manual-dispatch list shows.
    public enum DispatchStatus: String, ExpressibleByArgument, CaseIterable, Sendable { case invalid, outside, unrouted }

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json, html }

    @OptionGroup public var source: QuerySource

    @Option(help: "One order, by id (JSON with its history).")
    public var id: String?

    @Option(help: "Which orders need manual dispatch: invalid, outside or unrouted (every order without a unit).")
    public var status: DispatchStatus = .unrouted

    @Option(help: "The orders whose primary cell is this one (15-digit code).")
    public var cell: String?

    @Option(help: "The orders whose cell lies in this street (9-digit code).")
    public var street: String?

    @Option(help: "The orders routed to this unit (id).")
    public var unit: String?

    @Option(help: "The orders touching this inspection point (id).")
    public var point: String?

    @Option(help: "Orders received at or after this time (ISO 8601).")
    public var from: String?

    @Option(help: "Orders received before this time (ISO 8601).")
    public var to: String?

    @Option(help: "Only orders of this category (repeatable; area lists).")
    public var category: [String] = []

    @Option(help: "csv, json or html (--id: json).")
    public var format: Format = .csv

    @OptionGroup public var byteOrderMark: BOMOption

    private var bom: Bool { byteOrderMark.bom }

    public func validate() throws {
        if let id, id.isEmpty { throw ValidationError("--id must not be empty") }
        for (name, value) in [("from", from), ("to", to)] {
            if let v = value, !v.isEmpty, Timestamp.parse(v) == nil { throw ValidationError("--\(name) \"\(v)\" is not an ISO 8601 time") }
        }
        if let c = cell, !c.isEmpty, c.count != 15 || !c.allSatisfy(\.isASCII) {
            throw ValidationError("--cell \"\(c)\" is not a 15-digit cell code")
        }
        if let s = street, !s.isEmpty, s.count != 9 || !s.allSatisfy(\.isASCII) {
            throw ValidationError("--street \"\(s)\" is not a 9-digit street code")
        }
    }

    /// The area filters given (empty values count as not given).
    private var area: [String: String] {
        var a: [String: String] = [:]
        for (k, v) in [("cell", cell), ("street", street), ("unit", unit), ("point", point)] { if let v, !v.isEmpty { a[k] = v } }
        return a
    }

    private var window: [String: String] {
        var w: [String: String] = [:]
        if let from, !from.isEmpty { w["from"] = from }
        if let to, !to.isEmpty { w["to"] = to }
        return w
    }

    /// An order list for people, drawn from its title, columns and rows (WanggePages' page).
    package typealias ListPage = (_ title: String, _ columns: [String], _ rows: [[String]]) -> [UInt8]

    /// The order, or the list in `--format`; `page` draws a list as HTML (WanggePages'
    /// ``Capability`` conformance gives it).
    package func report(from data: DataSource, page: ListPage) throws -> Report {
        let (store, catalog) = try data.open()
        if let id {
            var report = Report(format: "json")
            let order = try catalog.run("order_by_id", parameters: ["id": id], on: store)
            guard let row = order.rows.first else { throw OperationError("no stored order has id \"\(id)\"", kind: .notFound) }
            var object = Dictionary(uniqueKeysWithValues: zip(order.columns, row.map(\.json)))
            if case .string(let text)? = object["attributes"], let parsed = try? JSONParser.parse(Array(text.utf8)) { object["attributes"] = parsed }
            let history = try catalog.run("order_history", parameters: ["id": id], on: store)
            object["history"] = .array(history.rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(history.columns, r.map(\.json)))) })
            report.json(.object(object))
            report.note("order \(id): \(row[6].string ?? "") , \(history.rows.count) status change(s)")
            return report
        }
        var report = Report(format: format.rawValue)
        if !area.isEmpty {
            let categories = category.filter { !$0.isEmpty }
            var parameters = area.merging(window) { a, _ in a }
            parameters["categories"] = categories.joined(separator: ",")
            let result = try catalog.run("orders_in_area", parameters: parameters, on: store)
            let rows = result.rows.map { r in
                [
                    r[0].csvText, r[1].csvText, r[2].csvText, r[3].csvText, r[4].csvText, r[5].csvText,
                    r[6].double.map(Timestamp.format) ?? "", r[7].csvText, r[8].csvText,
                ]
            }
            let columns = ["id", "received_at", "category", "status", "unit", "unit_name", "deadline", "cell", "address"]
            let what = ["cell", "street", "unit", "point"].compactMap { k in area[k].map { "\(k) \($0)" } }.joined(separator: ", ")
            report.filename = Report.filename(["orders"] + ["cell", "street", "unit", "point"].compactMap { area[$0] } + [from ?? "", to ?? ""])
            try write(columns: columns, rows: rows, title: try areaTitle(data: data), page: page, into: &report)
            report.warn(try unknownCategoryWarnings(categories, from: data))
            report.note("\(rows.count) order(s) of \(what)")
            return report
        }
        report.filename = Report.filename(["orders", status.rawValue])
        var parameters = window
        parameters["status"] = status.rawValue
        let result = try catalog.run("manual_dispatch", parameters: parameters, on: store)
        if format == .html {
            let titles: [DispatchStatus: String] = [.invalid: "坐标无效", .outside: "网格外（转办）", .unrouted: "无责任单位"]
            try write(
                columns: result.columns, rows: result.rows.map { $0.map(\.csvText) },
                title: "待人工派遣工单 · " + titles[status]!, page: page, into: &report)
            report.note("\(result.rows.count) order(s) need manual dispatch (\(status.rawValue))")
            return report
        }
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(result.columns)
            for r in result.rows { writer.write(r.map(\.csvText)) }
            report.bytes = writer.take()
        case .json:
            report.json(.array(result.rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(result.columns, r.map(\.json)))) }))
        case .html: break
        }
        report.note("\(result.rows.count) order(s) need manual dispatch (\(status.rawValue))")
        return report
    }
}

extension OrdersParameters {
    /// The area of an area list as people name it: the cell as "community · street · 第N网格",
    /// the street, unit or inspection point by name, with the window.
    private func areaTitle(data: DataSource) throws -> String {
        let district = try data.district()
        var parts: [String] = []
        if let c = area["cell"] {
            let found = district.cells.first { $0.code == c }
            parts.append("网格 " + AreaNames.cellLabel(code: c, community: found?.communityName ?? "", street: found?.streetName ?? "") + "（\(c)）")
        }
        if let s = area["street"] {
            parts.append("街道 " + (AreaNames.streets(district).first { $0.0 == s }?.1 ?? s) + "（\(s)）")
        }
        if let u = area["unit"] { parts.append("责任单位 " + (district.units.first { $0.id == u }?.name ?? u) + "（\(u)）") }
        if let p = area["point"] { parts.append("测评点位 " + (district.points.first { $0.id == p }?.name ?? p) + "（\(p)）") }
        var title = parts.joined(separator: " · ") + " 的工单"
        if let f = window["from"], let t = Timestamp.parse(f) { title += " · 受理自 " + DailySheet.minute(t) }
        if let e = window["to"], let t = Timestamp.parse(e) { title += " 至 " + DailySheet.minute(t) + "（不含）" }
        return title
    }

    /// Writes a list in the chosen format: CSV, JSON (an array of objects), or an HTML page
    /// (a table; clicking an order's row shows its history from `GET /v1/orders/{id}`).
    private func write(columns: [String], rows: [[String]], title: String, page: ListPage, into report: inout Report) throws {
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: columns)
            for r in rows { writer.write(neutralising: r) }
            report.bytes = writer.take()
        case .json:
            report.json(.array(rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(columns, r.map(JSONValue.string)))) }))
        case .html:
            report.bytes = page(title, columns, rows)
        }
    }
}
