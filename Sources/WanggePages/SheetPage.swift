import Foundation
import WanggeCore
import WanggeOperations

/// The printable daily sheet: one A4 landscape page per responsible unit (a page break after
/// each), self-contained (inline CSS, no script, no external asset), every text escaped.
extension DailySheet {
    static let title = "每日巡查问题汇总和整改分工落实表"

    /// How a handling status reads on the sheet.
    static func statusLabel(_ status: String) -> String {
        switch status {
        case "received": return "待派遣"
        case "dispatched": return "已派遣，整改中"
        case "resolved": return "已处置，待核查"
        case "reopened": return "返工"
        default: return status
        }
    }

    func html() -> [UInt8] {
        var w = HTMLWriter()
        w.raw("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>")
        w.text(Self.title + " " + date)
        w.raw("</title><style>\n@page { size: A4 landscape; margin: 12mm }\nbody{margin:0;")
        w.raw(PageStyle.fonts)
        w.raw(
            ";font-size:10.5pt;color:#111}\n.sheet{page-break-after:always;break-after:page;padding:4mm 0}\n.sheet:last-child{page-break-after:auto;break-after:auto}\n"
        )
        w.raw(
            "h1{font-size:17pt;text-align:center;margin:0 0 3mm;letter-spacing:.1em}\n.meta{display:flex;justify-content:space-between;margin:0 0 2mm}\n"
        )
        w.raw(
            "table{width:100%;border-collapse:collapse;table-layout:fixed}\nth,td{border:1px solid #333;padding:1.2mm 1.5mm;vertical-align:top;word-break:break-all}\n"
        )
        w.raw(
            "th{background:#eee;font-weight:600}\n.summary td{text-align:center}\n.summary{margin-bottom:3mm}\n.num{text-align:right;white-space:nowrap}\n"
        )
        w.raw(
            ".overdue .num.left{color:#b71c1c;font-weight:700}\n.none{text-align:center;color:#555;padding:6mm}\n.sign{margin-top:4mm;display:flex;gap:20mm}\n"
        )
        w.raw(
            "tr{page-break-inside:avoid;break-inside:avoid}\nthead{display:table-header-group}\n@media screen{body{max-width:290mm;margin:auto;padding:8mm}.sheet{border-bottom:2px dashed #999;margin-bottom:8mm}}\n"
        )
        w.raw("</style></head><body>\n")
        if units.isEmpty {
            w.raw("<p class=\"none\">没有责任单位。")
            if let manualDispatch { w.raw("待人工派遣 "); w.integer(manualDispatch); w.raw(" 件。") }
            w.raw("</p>")
        }
        for u in units { unitPage(u, into: &w) }
        w.raw("</body></html>\n")
        return w.bytes
    }

    private func unitPage(_ u: UnitSheet, into w: inout HTMLWriter) {
        w.raw("<section class=\"sheet\""); w.attribute("data-unit", u.unit); w.raw(">\n<h1>")
        w.text(Self.title)
        w.raw("</h1>\n<div class=\"meta\"><span>责任单位：")
        w.text(u.name.isEmpty ? u.unit : u.name); w.raw("（"); w.text(u.unit); w.raw("）</span><span>日期：")
        w.text(date); w.raw("</span><span>统计截至：")
        w.text(Self.minute(dayEnd)); w.raw("（北京时间）</span>")
        if let manualDispatch { w.raw("<span class=\"manual\">待人工派遣 "); w.integer(manualDispatch); w.raw(" 件</span>") }
        w.raw("</div>\n")
        let s = u.summary
        w.raw("<table class=\"summary\"><thead><tr><th colspan=\"3\">当前在办（截至统计时点）</th><th colspan=\"3\">近三日整改情况（")
        w.text(Self.minute(dayEnd - 3 * 86_400)); w.raw(" 至 "); w.text(Self.minute(dayEnd))
        w.raw("）</th></tr><tr><th>在办合计</th><th>其中超期</th><th>期限内</th><th>新受理</th><th>已整改</th><th>其中按期整改</th></tr></thead><tbody><tr>")
        for v in [s.open, s.overdue, s.withinDeadline, s.received3d, s.rectified3d, s.rectifiedOnTime3d] {
            w.raw("<td>"); w.integer(v); w.raw("</td>")
        }
        w.raw("</tr></tbody></table>\n")
        w.raw(
            "<table class=\"orders\"><colgroup><col style=\"width:5%\"><col style=\"width:11%\"><col style=\"width:9%\"><col style=\"width:19%\"><col style=\"width:13%\"><col style=\"width:10%\"><col style=\"width:10%\"><col style=\"width:8%\"><col style=\"width:8%\"><col style=\"width:7%\"></colgroup>\n"
        )
        w.raw(
            "<thead><tr><th>序号</th><th>工单编号</th><th>问题类别</th><th>地址/位置</th><th>所在网格</th><th>测评点位</th><th>整改期限</th><th>剩余/超期（小时）</th><th>处理状态</th><th>责任人签字</th></tr></thead>\n<tbody>\n"
        )
        if u.orders.isEmpty {
            w.raw("<tr><td colspan=\"10\" class=\"none\">当日无派遣且未结案的工单</td></tr>\n")
        }
        for (k, o) in u.orders.enumerated() {
            let late = o.hoursLeft < 0
            w.raw(late ? "<tr class=\"overdue\"" : "<tr"); w.attribute("data-order", o.id); w.raw("><td class=\"num\">")
            w.integer(k + 1); w.raw("</td><td>"); w.text(o.id); w.raw("</td><td>"); w.text(o.category)
            w.raw("</td><td>"); w.text(o.address); w.raw("</td><td>"); w.text(o.cell)
            if let names = cellNames[o.cell], !(names.community.isEmpty && names.street.isEmpty) {
                w.raw("<br>"); w.text(names.street + names.community)
            }
            w.raw("</td><td>"); w.text(o.points.map { pointNames[$0] ?? $0 }.joined(separator: "、"))
            w.raw("</td><td>"); w.text(Self.minute(o.deadline)); w.raw("</td><td class=\"num left\">")
            w.raw(late ? "超期 " : "剩余 "); w.text(Self.hours(abs(o.hoursLeft)))
            w.raw("</td><td>"); w.text(Self.statusLabel(o.status)); w.raw("</td><td></td></tr>\n")
        }
        w.raw("</tbody></table>\n<div class=\"sign\"><span>网格中心签发：</span><span>责任单位签收：</span><span>签收时间：</span></div>\n</section>\n")
    }
}

/// `wangge sheet` and `GET /v1/sheet`: the sheet as CSV, or drawn as the printable page.
extension SheetParameters: Capability {
    public func report(from data: DataSource) throws -> Report { try report(from: data) { $0.html() } }
}
