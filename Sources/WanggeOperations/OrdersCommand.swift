import ArgumentParser
import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeStore

/// `wangge orders` (`GET /v1/orders/{id}`, `GET /v1/orders?status=…`, `GET /v1/orders?cell=…`):
/// one stored order with its handling history, the orders of one area (the leaders' page's
/// drill-down), or the manual-dispatch list: orders without a responsible unit.
public struct OrdersCommand: ParsableCommand, Operation {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Show one stored order with its history (--id), the orders of a cell, street, unit or point, or those that need manual dispatch.",
        discussion: """
            --id ID: the order as received and as routed, its handling status and every status change (JSON). --cell, --street, --unit or --point (any combination; with --from, --to, --category): the orders of that area received in the window, oldest first, with their current status, unit and deadline (received_at + sla_hours of the unit, 72 h when unknown). CSV header: id,received_at,category,status,unit,unit_name,deadline,cell,address Otherwise the manual-dispatch list (人工派遣), oldest first, by --status: invalid (unusable coordinates), outside (outside the district grid: farther than the snap distance from every cell; never given a unit), unrouted (default: every order without a responsible unit, those two included). CSV header: id,received_at,category,assign_status,lon,lat,crs,distance_m,reason --format html writes either list as a page for people (an order's history opens on click).
            """)

    /// Which orders the manual-dispatch list shows.
    public enum DispatchStatus: String, ExpressibleByArgument, CaseIterable, Sendable { case invalid, outside, unrouted }

    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable { case csv, json, html }

    @OptionGroup var source: QuerySource

    @Option(help: "One order, by id (JSON with its history).")
    var id: String?

    @Option(help: "Which orders need manual dispatch: invalid, outside or unrouted (every order without a unit).")
    var status: DispatchStatus = .unrouted

    @Option(help: "The orders whose primary cell is this one (15-digit code).")
    var cell: String?

    @Option(help: "The orders whose cell lies in this street (9-digit code).")
    var street: String?

    @Option(help: "The orders routed to this unit (id).")
    var unit: String?

    @Option(help: "The orders touching this inspection point (id).")
    var point: String?

    @Option(help: "Orders received at or after this time (ISO 8601).")
    var from: String?

    @Option(help: "Orders received before this time (ISO 8601).")
    var to: String?

    @Option(help: "Only orders of this category (repeatable; area lists).")
    var category: [String] = []

    @Option(help: "csv, json or html (--id: json).")
    var format: Format = .csv

    @Flag(help: "CSV: start with a UTF-8 byte order mark, for Excel (data exports have none by default).")
    var bom = false

    @Option(help: "Output file, or - for standard output.")
    var output: String = "-"

    public func validate() throws {
        if let id, id.isEmpty { throw ValidationError("--id must not be empty") }
        for (name, value) in [("from", from), ("to", to)] {
            if let v = value, !v.isEmpty, Timestamp.parse(v) == nil { throw ValidationError("--\(name) \"\(v)\" is not an ISO 8601 time") }
        }
        if let c = cell, !c.isEmpty, c.count != 15 || !c.allSatisfy(\.isASCII) { throw ValidationError("--cell \"\(c)\" is not a 15-digit cell code") }
        if let s = street, !s.isEmpty, s.count != 9 || !s.allSatisfy(\.isASCII) { throw ValidationError("--street \"\(s)\" is not a 9-digit street code") }
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

    public func run() throws { try deliver(self, from: source.data(), to: output) }

    public func report(from data: DataSource) throws -> Report {
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
            let rows = result.rows.map { r in [r[0].csvText, r[1].csvText, r[2].csvText, r[3].csvText, r[4].csvText, r[5].csvText,
                                               r[6].double.map(Timestamp.format) ?? "", r[7].csvText, r[8].csvText] }
            let columns = ["id", "received_at", "category", "status", "unit", "unit_name", "deadline", "cell", "address"]
            let what = ["cell", "street", "unit", "point"].compactMap { k in area[k].map { "\(k) \($0)" } }.joined(separator: ", ")
            report.filename = Report.filename(["orders"] + ["cell", "street", "unit", "point"].compactMap { area[$0] } + [from ?? "", to ?? ""])
            try write(columns: columns, rows: rows, title: try areaTitle(data: data), into: &report)
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
            try write(columns: result.columns, rows: result.rows.map { $0.map(\.csvText) },
                      title: "待人工派遣工单 · " + titles[status]!, into: &report)
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

extension OrdersCommand {
    /// The area of an area list as people name it: the cell as "community · street · 第N网格",
    /// the street, unit or inspection point by name, with the window.
    private func areaTitle(data: DataSource) throws -> String {
        let district = try data.district()
        var parts: [String] = []
        if let c = area["cell"] {
            let found = district.cells.first { $0.code == c }
            parts.append("网格 " + DistrictMap.cellLabel(code: c, community: found?.communityName ?? "", street: found?.streetName ?? "") + "（\(c)）")
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
    private func write(columns: [String], rows: [[String]], title: String, into report: inout Report) throws {
        switch format {
        case .csv:
            var writer = CSVWriter(bom: bom)
            writer.write(neutralising: columns)
            for r in rows { writer.write(neutralising: r) }
            report.bytes = writer.take()
        case .json:
            report.json(.array(rows.map { r in .object(Dictionary(uniqueKeysWithValues: zip(columns, r.map(JSONValue.string)))) }))
        case .html:
            report.bytes = OrderListPage(title: title, columns: columns, rows: rows).render()
        }
    }
}

/// An order list as a page for people: the drill-down of the leaders' page and the
/// manual-dispatch list. Hooks: `#orders tbody tr[data-id]`, `#history`, `a#csv`.
struct OrderListPage {
    var title: String
    var columns: [String]
    var rows: [[String]]

    static let labels = ["id": "工单号", "received_at": "受理时间", "category": "类别", "status": "状态", "unit": "责任单位代码",
                         "unit_name": "责任单位", "deadline": "整改期限", "cell": "网格", "address": "地址", "assign_status": "定位结果",
                         "lon": "经度", "lat": "纬度", "crs": "坐标系", "distance_m": "距网格（米）", "reason": "原因"]
    static let statuses = ["received": "已受理", "dispatched": "已派遣", "resolved": "已处置", "closed": "已结案", "reopened": "返工"]

    func render() -> [UInt8] {
        var w = HTMLWriter(capacity: 2_000 + rows.count * 300)
        w.raw("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>")
        w.text(title); w.raw("</title>\n<style>\n"); w.raw(Self.css); w.raw("</style></head>\n<body>\n<header><h1>"); w.text(title)
        w.raw("</h1><p>共 <b id=\"count\">"); w.integer(rows.count); w.raw("</b> 件 · <a id=\"csv\" href=\"#\">下载 CSV</a> · <a href=\"/\">返回驾驶舱</a></p></header>\n")
        w.raw("<main><table id=\"orders\"><thead><tr>")
        for c in columns { w.raw("<th"); w.attribute("data-column", c); w.raw(">"); w.text(Self.labels[c] ?? c); w.raw("</th>") }
        w.raw("</tr></thead><tbody>\n")
        let statusColumn = columns.firstIndex(of: "status")
        for r in rows {
            w.raw("<tr"); w.attribute("data-id", r.first ?? ""); w.raw(">")
            for (k, v) in r.enumerated() {
                w.raw("<td>"); w.text(k == statusColumn ? (Self.statuses[v] ?? v) : v); w.raw("</td>")
            }
            w.raw("</tr>\n")
        }
        if rows.isEmpty { w.raw("<tr class=\"empty\"><td colspan=\"\(columns.count)\">没有工单</td></tr>\n") }
        w.raw("</tbody></table>\n<section id=\"history\" hidden><h2></h2><ol></ol></section></main>\n<script>\n")
        w.raw(Self.script); w.raw("</script>\n</body></html>\n")
        return w.bytes
    }

    static let css = """
        body{margin:0;\(PageStyle.fonts);font-size:14px;color:#1d2733;background:#eef1f5}
        header{background:#12324f;color:#fff;padding:10px 16px}
        header h1{margin:0 0 4px;font-size:18px}
        header a{color:#cfe3ff}
        main{padding:12px;display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:12px;align-items:start}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
        th,td{padding:3px 6px;border-bottom:1px solid #e3e7ec;text-align:left;white-space:nowrap}
        th{background:#f5f7fa;position:sticky;top:0}
        tbody tr[data-id]{cursor:pointer}
        tbody tr.selected{background:#fff3c4}
        #history{background:#fff;border-radius:6px;padding:8px 10px;position:sticky;top:8px}
        #history h2{font-size:15px;margin:0 0 6px}
        .empty td{color:#777;text-align:center}
        @media print{@page{size:A4 landscape;margin:8mm}body{background:#fff;font-size:10px}header{background:#fff;color:#000}
          header a{display:none}main{display:block;padding:0}#history{display:none}th{position:static}}

        """

    /// Clicking a row shows the order's history; the CSV link is this page's address with format=csv.
    static let script = """
        (function () {
          var csv = document.getElementById('csv');
          var q = new URLSearchParams(window.location.search);
          q.set('format', 'csv');
          csv.href = window.location.pathname + '?' + q.toString();
          var names = {received: '已受理', dispatched: '已派遣', resolved: '已处置', closed: '已结案', reopened: '返工'};
          var box = document.getElementById('history');
          var selected = null;
          Array.prototype.forEach.call(document.querySelectorAll('#orders tbody tr[data-id]'), function (row) {
            row.addEventListener('click', function () {
              if (selected) selected.classList.remove('selected');
              selected = row; row.classList.add('selected');
              var id = row.getAttribute('data-id');
              fetch('/v1/orders/' + encodeURIComponent(id), {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (o) {
                box.hidden = false;
                box.querySelector('h2').textContent = id + ' · ' + (o.category || '') + ' · 受理 ' + (o.received_at || '');
                var list = box.querySelector('ol');
                list.textContent = '';
                (o.history || []).forEach(function (e) {
                  var li = document.createElement('li');
                  li.textContent = e.at + ' ' + (names[e.status] || e.status) + (e.note ? '（' + e.note + '）' : '');
                  list.appendChild(li);
                });
                if (!(o.history || []).length) { var li = document.createElement('li'); li.textContent = '尚无处置记录'; list.appendChild(li); }
              });
            });
          });
        })();

        """
}

/// `wangge info`: the schema version and layer sizes.
public struct InfoCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the database's schema version and layer sizes.")

    @Option(help: "The SpatiaLite database.")
    var db: String

    @Option(help: "text (tab-separated lines) or json (one object: schema_version, layers).")
    var format: SummaryFormat = .text

    public func run() throws {
        do {
            let store = try WanggeStore(path: db, readOnly: true)
            let counts = try store.counts()
            if format == .json {
                print(JSONValue.object(["schema_version": .number(Double(store.schemaVersion)),
                                        "layers": .object(Dictionary(counts.map { ($0.0, JSONValue.number(Double($0.1))) }, uniquingKeysWith: { a, _ in a }))]).jsonText)
                return
            }
            print("schema_version\t\(store.schemaVersion)")
            for (layer, rows) in counts { print("\(layer)\t\(rows)") }
        } catch {
            note("error: \(error)")
            throw ExitCode.failure
        }
    }
}
