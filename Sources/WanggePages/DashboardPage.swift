import Foundation
import WanggeAnalytics
import WanggeCore
import WanggeOperations

/// The leaders' screen as one HTML document: inline CSS, inline SVG, a little plain
/// JavaScript written here, no external asset (it works offline and as a saved file).
///
/// Stable hooks for browser tests: `#controls` (a GET form without an `action`, so it
/// submits to the page's own address whether served at `/` or opened as a file),
/// `#map svg path.cell` (one per cell), `#legend`, `#lights tbody tr[data-light]` (reddest
/// first), `#hotspots`, `#rebounds`, `#league` (`th[data-sort]` sorts a table), `#cell-info`.
struct DashboardPage {
    var figures: DashboardFigures
    var map: DistrictMap
    var window: DashboardWindow
    var measure: MapMeasure
    var selected: [String]
    /// The time options as given (nil: defaulted), to refill the form.
    var given: (from: String?, to: String?, asOf: String?)

    static let measureLabels: [(MapMeasure, String)] = [(.count, "工单数"), (.gi, "热点分析（Gi*）"), (.rebounds, "反弹数"), (.lights, "亮灯")]

    func render() -> [UInt8] {
        var w = HTMLWriter(capacity: 400 + map.cells.count * 360)
        w.raw(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        )
        w.raw("<title>网格化管理领导驾驶舱</title>\n<style>\n")
        w.raw(Self.css)
        w.raw("</style></head>\n<body>\n<header><h1>城市网格化管理 · 领导驾驶舱</h1>\n")
        controls(into: &w)
        w.raw("<p id=\"frame\">统计时段 <b>"); w.text(Self.minute(window.from)); w.raw("</b> 至 <b>"); w.text(Self.minute(window.to))
        w.raw("</b>（不含）· 亮灯时点 <b>"); w.text(Self.minute(window.asOf)); w.raw("</b>（北京时间）· 受理 <b>"); w.integer(figures.windowOrders)
        w.raw("</b> 件 · 在办 <b>"); w.integer(figures.open); w.raw("</b> 件 · 超期 <b class=\"late\">"); w.integer(figures.overdue)
        w.raw("</b> 件 · 待人工派遣 <b id=\"manual-dispatch\">"); w.integer(figures.manualDispatch); w.raw("</b> 件</p>\n</header>\n<main>\n")

        w.raw("<section id=\"map-panel\"><div id=\"map\">")
        let legend = MapLegend.make(measure, figures: figures.cells)
        map.svg(figures: figures.cells, legend: legend, ordersLink: ordersLink, into: &w)
        w.raw("</div>\n<div id=\"map-side\">")
        DistrictMap.legendHTML(legend, into: &w)
        w.raw("<div id=\"cell-info\">将鼠标移到网格上查看详情，点击打开该网格的工单清单。</div></div></section>\n")
        trendSection(into: &w)
        w.raw("<aside>\n")
        lightsTable(into: &w)
        hotspotsTable(into: &w)
        reboundsTable(into: &w)
        leagueTable(into: &w)
        w.raw("</aside>\n</main>\n<script>\n")
        w.raw(Self.script)
        w.raw("</script>\n</body></html>\n")
        return w.bytes
    }

    /// `&from=…&to=…[&category=…]` for a cell's orders link.
    var ordersLink: String {
        var s = "&from=" + Self.query(Timestamp.format(window.from)) + "&to=" + Self.query(Timestamp.format(window.to))
        for c in selected { s += "&category=" + Self.query(c) }
        return s
    }

    /// Percent-encodes a query value (RFC 3986 unreserved characters kept).
    static func query(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `YYYY-MM-DD HH:MM` in China Standard Time.
    static func minute(_ epoch: Double) -> String { DailySheet.minute(epoch) }

    private func controls(into w: inout HTMLWriter) {
        // The inputs show the window in force (given or defaulted), in China Standard Time; a
        // default as-of stays a default unless the user changes it (data-default).
        func local(_ epoch: Double, length: Int) -> String { String(Timestamp.format(epoch).prefix(length)) }
        w.raw("<form id=\"controls\" method=\"get\">")
        w.raw("<label>起 <input type=\"date\" name=\"from\""); w.attribute("value", local(window.from, length: 10)); w.raw("></label>")
        w.raw("<label>止（不含） <input type=\"date\" name=\"to\""); w.attribute("value", local(window.to, length: 10)); w.raw("></label>")
        w.raw("<label>亮灯时点 <input type=\"datetime-local\" name=\"as-of\""); w.attribute("value", local(window.asOf, length: 16))
        if given.asOf == nil { w.raw(" data-default") }
        w.raw("></label>")
        w.raw("<label>类别 <select name=\"category\" multiple size=\"3\">")
        for c in figures.categories {
            w.raw("<option"); w.attribute("value", c); if selected.contains(c) { w.raw(" selected") }; w.raw(">"); w.text(c); w.raw("</option>")
        }
        w.raw("</select></label><label>地图 <select name=\"measure\">")
        for (m, label) in Self.measureLabels {
            w.raw("<option"); w.attribute("value", m.rawValue); if m == measure { w.raw(" selected") }; w.raw(">"); w.text(label); w.raw("</option>")
        }
        w.raw("</select></label><button type=\"submit\">查询</button> <a href=\"?\">重置</a>")
        w.raw(" <a id=\"manual-link\" href=\"/v1/orders?status=unrouted&amp;format=html\">待人工派遣清单</a></form>\n")
    }

    /// "community · street · 第N网格" of a cell code.
    private func label(_ cell: String) -> String {
        let n = names(cell)
        return AreaNames.cellLabel(code: cell, community: n.community, street: n.street)
    }

    private func names(_ cell: String) -> (community: String, street: String) {
        // Binary search: the map's cells are sorted by code.
        var lo = 0, hi = map.cells.count
        while lo < hi { let mid = (lo + hi) / 2; if map.cells[mid].code < cell { lo = mid + 1 } else { hi = mid } }
        guard lo < map.cells.count, map.cells[lo].code == cell else { return ("", "") }
        return (map.cells[lo].communityName, map.cells[lo].streetName)
    }

    private static func header(_ columns: [(String, String)], into w: inout HTMLWriter) {
        w.raw("<thead><tr>")
        for (label, sort) in columns { w.raw("<th"); w.attribute("data-sort", sort); w.raw(">"); w.text(label); w.raw("</th>") }
        w.raw("</tr></thead><tbody>\n")
    }

    private static func numberCell(_ w: inout HTMLWriter, _ v: Int) { w.raw("<td class=\"num\">"); w.integer(v); w.raw("</td>") }

    private static func rateCell(_ w: inout HTMLWriter, _ v: Double?) {
        w.raw("<td class=\"num\" data-value=\""); if let v { w.raw(String(format: "%.4f", v)) }; w.raw("\">"); w.percent(v); w.raw("</td>")
    }

    private func lightsTable(into w: inout HTMLWriter) {
        w.raw("<section><h2>测评点位亮灯</h2><div class=\"scroll\"><table id=\"lights\" class=\"sortable\">")
        Self.header([("测评点位", "text"), ("灯", "number"), ("超期", "number"), ("期限内", "number"), ("周工单", "text")], into: &w)
        let label: [Lights.Colour: (Int, String)] = [.red: (0, "红"), .yellow: (1, "黄"), .green: (2, "绿")]
        for r in figures.lights {
            w.raw("<tr"); w.attribute("data-light", r.colour.rawValue); w.attribute("data-point", r.area); w.raw("><td>")
            w.text(r.name.isEmpty ? r.area : r.name); w.raw("</td><td data-value=\""); w.integer(label[r.colour]!.0)
            w.raw("\"><span class=\"dot "); w.raw(r.colour.rawValue); w.raw("\"></span>"); w.raw(label[r.colour]!.1); w.raw("</td>")
            Self.numberCell(&w, r.overdue); Self.numberCell(&w, r.withinDeadline)
            w.raw("<td>"); Self.sparkline((figures.pointTrends[r.area] ?? []).map { Double($0.week.orders) }, into: &w); w.raw("</td></tr>\n")
        }
        if figures.lights.isEmpty { w.raw("<tr class=\"empty\"><td colspan=\"5\">没有测评点位</td></tr>\n") }
        w.raw("</tbody></table></div></section>\n")
    }

    private func hotspotsTable(into w: inout HTMLWriter) {
        w.raw("<section><h2>热点网格 Top 10</h2><div class=\"scroll\"><table id=\"hotspots\" class=\"sortable\">")
        Self.header([("网格", "text"), ("本格工单", "number"), ("邻域工单", "number"), ("z", "number"), ("置信度", "number"), ("趋势", "text")], into: &w)
        for r in figures.hotspots {
            w.raw("<tr"); w.attribute("data-cell", r.cell); w.raw("><td"); w.attribute("title", r.cell); w.raw(">"); w.text(label(r.cell));
            w.raw("</td>")
            Self.numberCell(&w, r.count)
            w.raw("<td class=\"num\" data-value=\""); w.integer(r.neighbourhood); w.raw("\">"); w.integer(r.neighbourhood)
            w.raw("<small>（"); w.integer(r.neighbours); w.raw("格）</small></td>")
            w.raw("<td class=\"num\">"); w.fixed(r.z, places: 2); w.raw("</td><td data-value=\"")
            w.integer(r.bin); w.raw("\"><span class=\"swatch "); w.raw(GiPalette.cssClass(bin: r.bin)); w.raw("\"></span>");
            w.raw(GiPalette.entry(bin: r.bin)?.label ?? "")
            w.raw("</td><td"); w.attribute("data-trend", r.trend ?? ""); w.raw(">"); w.text(DashboardFigures.trendLabel(r.trend));
            w.raw("</td></tr>\n")
        }
        if figures.hotspots.isEmpty { w.raw("<tr class=\"empty\"><td colspan=\"6\">时段内无工单</td></tr>\n") }
        w.raw("</tbody></table></div><p class=\"note\" id=\"gi-note\">Gi* 评价的是网格及其邻域（质心 ")
        w.integer(Int(figures.band.rounded())); w.raw(" 米内的网格，含本格）的工单总量是否显著高于全区：本格工单少而邻域工单多，同样可以是热点。</p></section>\n")
    }

    private func reboundsTable(into w: inout HTMLWriter) {
        w.raw("<section><h2>易反弹网格 Top 10</h2><div class=\"scroll\"><table id=\"rebounds\" class=\"sortable\">")
        Self.header([("网格", "text"), ("工单", "number"), ("重复", "number"), ("反弹", "number"), ("反弹率", "number"), ("趋势", "text")], into: &w)
        for r in figures.rebounds {
            w.raw("<tr"); w.attribute("data-cell", r.cell); w.raw("><td"); w.attribute("title", r.cell); w.raw(">"); w.text(label(r.cell));
            w.raw("</td>")
            Self.numberCell(&w, r.orders); Self.numberCell(&w, r.repeats); Self.numberCell(&w, r.rebounds); Self.rateCell(&w, r.reboundRate)
            w.raw("<td"); w.attribute("data-trend", r.trend ?? ""); w.raw(">"); w.text(DashboardFigures.trendLabel(r.trend)); w.raw("</td></tr>\n")
        }
        if figures.rebounds.isEmpty { w.raw("<tr class=\"empty\"><td colspan=\"6\">时段内无反弹</td></tr>\n") }
        w.raw("</tbody></table></div></section>\n")
    }

    private func leagueTable(into w: inout HTMLWriter) {
        w.raw("<section><h2>责任单位考核</h2><div class=\"scroll\"><table id=\"league\" class=\"sortable\">")
        Self.header(
            [
                ("责任单位", "text"), ("应结案", "number"), ("结案率", "number"), ("按期结案率", "number"), ("返工率", "number"), ("超期在办", "number"),
                ("按期结案率周趋势", "text"),
            ], into: &w)
        for r in figures.league {
            w.raw("<tr"); w.attribute("data-unit", r.unit); w.raw("><td>"); w.text(r.name.isEmpty ? r.unit : r.name); w.raw("</td>")
            Self.numberCell(&w, r.kpi?.due ?? 0)
            Self.rateCell(&w, r.kpi?.closureRate); Self.rateCell(&w, r.kpi?.onTimeRate); Self.rateCell(&w, r.kpi?.reworkRate)
            w.raw(r.overdue > 0 ? "<td class=\"num late\">" : "<td class=\"num\">"); w.integer(r.overdue); w.raw("</td><td>")
            Self.sparkline((figures.unitTrends[r.unit] ?? []).map { $0.week.onTimeRate ?? .nan }, maximum: 1, into: &w); w.raw("</td></tr>\n")
        }
        w.raw("</tbody></table></div><p class=\"note\">应结案：整改期限落在统计时段内的工单；返工率＝结案后返工的工单 ÷ 已结案；超期在办：亮灯时点超过整改期限仍未结案。</p></section>\n")
    }

    /// A sparkline: one point per week (NaN: no value, a gap), scaled to `maximum` or the largest value.
    static func sparkline(_ values: [Double], maximum: Double? = nil, into w: inout HTMLWriter) {
        let width = 84, height = 18
        let top = maximum ?? max(1, values.filter(\.isFinite).max() ?? 1)
        w.raw("<svg class=\"spark\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" data-weeks=\"")
        w.integer(values.count); w.raw("\"><polyline points=\"")
        var first = true
        for (k, v) in values.enumerated() where v.isFinite {
            let x = values.count > 1 ? Double(k) * Double(width - 2) / Double(values.count - 1) + 1 : Double(width) / 2
            let y = Double(height - 1) - v / top * Double(height - 2)
            if !first { w.raw(" ") }
            first = false
            w.fixed(x, places: 1); w.raw(","); w.fixed(y, places: 1)
        }
        w.raw("\"/><title>")
        w.text(values.map { $0.isFinite ? (maximum == 1 ? String(format: "%.0f%%", $0 * 100) : String(Int($0))) : "—" }.joined(separator: " "))
        w.raw("</title></svg>")
    }

    /// 环比/同比 as an arrow and a signed percentage (or rate points), "—" when there is nothing to compare.
    static func delta(_ v: Double?, points: Bool, goodWhenUp: Bool, into w: inout HTMLWriter) {
        guard let v, v.isFinite else { w.raw("<span class=\"delta\">—</span>"); return }
        let up = v > 0.00005, down = v < -0.00005
        w.raw("<span class=\"delta "); w.raw(up ? (goodWhenUp ? "good" : "bad") : down ? (goodWhenUp ? "bad" : "good") : "flat"); w.raw("\">")
        w.raw(up ? "▲" : down ? "▼" : "＝"); w.raw(String(format: points ? "%+.1f个百分点" : "%+.1f%%", v * 100)); w.raw("</span>")
    }

    /// The district's weekly chart: bars of orders received, a line of 按期结案率, with the
    /// window's 环比 and 同比 above it.
    private func trendSection(into w: inout HTMLWriter) {
        guard let trend = figures.trend else { return }
        let rows = trend.rows
        w.raw("<section id=\"trend\"><h2>全区周趋势</h2><p class=\"deltas\">受理 <b>"); w.integer(trend.total.week.orders)
        w.raw("</b> 件，环比 "); Self.delta(trend.total.ordersVsPrevious, points: false, goodWhenUp: false, into: &w)
        w.raw("，同比 "); Self.delta(trend.total.ordersVsLastYear, points: false, goodWhenUp: false, into: &w)
        w.raw(" · 按期结案率 <b>"); w.percent(trend.total.week.onTimeRate); w.raw("</b>，环比 ")
        Self.delta(trend.total.onTimeVsPrevious, points: true, goodWhenUp: true, into: &w)
        w.raw("，同比 "); Self.delta(trend.total.onTimeVsLastYear, points: true, goodWhenUp: true, into: &w); w.raw("</p>\n")
        let width = 720, height = 170, left = 40, right = 40, top = 10, bottom = 30
        let plotW = Double(width - left - right), plotH = Double(height - top - bottom)
        let most = max(1, rows.map(\.week.orders).max() ?? 1)
        let slot = plotW / Double(max(rows.count, 1))
        w.raw("<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"周受理量与按期结案率\" data-weeks=\"")
        w.integer(rows.count); w.raw("\">\n")
        w.raw("<line class=\"axis\" x1=\"\(left)\" y1=\"\(height - bottom)\" x2=\"\(width - right)\" y2=\"\(height - bottom)\"/>")
        w.raw("<text class=\"tick\" x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\">"); w.integer(most); w.raw("</text>")
        w.raw("<text class=\"tick\" x=\"\(width - right + 4)\" y=\"\(top + 8)\">100%</text>")
        var line: [String] = []
        for (k, r) in rows.enumerated() {
            let h = Double(r.week.orders) / Double(most) * plotH
            let x = Double(left) + Double(k) * slot
            w.raw("<rect class=\"week\" x=\""); w.fixed(x + slot * 0.15, places: 1); w.raw("\" y=\""); w.fixed(Double(height - bottom) - h, places: 1)
            w.raw("\" width=\""); w.fixed(slot * 0.7, places: 1); w.raw("\" height=\""); w.fixed(h, places: 1); w.raw("\"")
            w.attribute("data-orders", r.week.orders); w.raw("><title>");
            w.text(String(Self.minute(r.week.from).prefix(10)) + " 起一周：受理 \(r.week.orders) 件，应结案 \(r.week.due) 件，按期结案率 ")
            w.percent(r.week.onTimeRate); w.raw("</title></rect>")
            if let rate = r.week.onTimeRate {
                line.append(String(format: "%.1f,%.1f", x + slot / 2, Double(height - bottom) - rate * plotH))
            }
            if rows.count <= 16 || k % max(1, rows.count / 12) == 0 {
                w.raw("<text class=\"tick\" x=\""); w.fixed(x + slot / 2, places: 1);
                w.raw("\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\">")
                w.text(String(Self.minute(r.week.from).dropFirst(5).prefix(5))); w.raw("</text>")
            }
        }
        w.raw("<polyline class=\"rate\" points=\""); w.raw(line.joined(separator: " ")); w.raw("\"/>\n</svg>")
        w.raw(
            "<p class=\"note\">柱：每周受理工单（自统计起始日起每 7 天一周，末周截至统计止日）；折线：当周到期工单的按期结案率（右轴）。环比：与前一等长时段相比；同比：与 52 周前同期相比，数据不足一年时为“—”。数据：<a href=\"/v1/trend?")
        w.raw("from="); w.raw(Self.query(Timestamp.format(window.from))); w.raw("&amp;to="); w.raw(Self.query(Timestamp.format(window.to)))
        for c in selected { w.raw("&amp;category="); w.raw(Self.query(c)) }
        w.raw("&amp;format=csv\">CSV</a></p></section>\n")
    }
}
