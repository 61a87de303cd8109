import WanggeOperations

/// An order list as a page for people: the drill-down of the leaders' page and the
/// manual-dispatch list. Hooks: `#orders tbody tr[data-id]`, `#history`, `a#csv`.
struct OrderListPage {
    var title: String
    var columns: [String]
    var rows: [[String]]

    static let labels = [
        "id": "工单号", "received_at": "受理时间", "category": "类别", "status": "状态", "unit": "责任单位代码",
        "unit_name": "责任单位", "deadline": "整改期限", "cell": "网格", "address": "地址", "assign_status": "定位结果",
        "lon": "经度", "lat": "纬度", "crs": "坐标系", "distance_m": "距网格（米）", "reason": "原因",
    ]
    static let statuses = ["received": "已受理", "dispatched": "已派遣", "resolved": "已处置", "closed": "已结案", "reopened": "返工"]

    func render() -> [UInt8] {
        var w = HTMLWriter(capacity: 2_000 + rows.count * 300)
        w.raw(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>"
        )
        w.text(title); w.raw("</title>\n<style>\n"); w.raw(Self.css); w.raw("</style></head>\n<body>\n<header><h1>"); w.text(title)
        w.raw("</h1><p>共 <b id=\"count\">"); w.integer(rows.count);
        w.raw("</b> 件 · <a id=\"csv\" href=\"#\">下载 CSV</a> · <a href=\"/\">返回驾驶舱</a></p></header>\n")
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

/// `wangge orders` and `GET /v1/orders`: an order, or a list in its format (HTML: ``OrderListPage``).
extension OrdersParameters: Capability {
    public func report(from data: DataSource) throws -> Report {
        try report(from: data) { OrderListPage(title: $0, columns: $1, rows: $2).render() }
    }
}
