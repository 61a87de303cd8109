import WanggeAnalytics
/// The leaders' screen's stylesheet and script, written inline into the page (no external asset).
extension DashboardPage {
    /// The CSS of the Gi* swatches of `entries`, on one line.
    static func swatches(_ entries: [GiPalette.Entry]) -> String {
        entries.map { ".swatch.\($0.cssClass){background:\($0.colour)}" }.joined()
    }

    static let css = """
        *{box-sizing:border-box}
        body{margin:0;\(PageStyle.fonts);font-size:14px;color:#1d2733;background:#eef1f5}
        header{background:#12324f;color:#fff;padding:10px 16px}
        header h1{margin:0 0 6px;font-size:20px;letter-spacing:.05em}
        #controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center}
        #controls label{display:flex;gap:4px;align-items:center}
        #controls select,#controls input{font:inherit;padding:2px 4px}
        #controls a{color:#cfe3ff}
        #frame{margin:6px 0 0;color:#dbe6f2}
        #frame b{color:#fff}
        #frame .late{color:#ff8a80}
        main{display:grid;grid-template-columns:minmax(0,3fr) minmax(360px,2fr);gap:12px;padding:12px}
        section{background:#fff;border-radius:6px;padding:8px 10px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        aside{display:grid;gap:12px;align-content:start}
        h2{font-size:15px;margin:0 0 6px}
        #map-panel{display:flex;gap:10px;align-items:flex-start}
        #map{flex:1;min-width:0}
        #map svg{width:100%;height:auto;max-height:82vh;display:block;background:#fafbfc}
        #map-side{width:190px;flex:none}
        .cell{stroke:#fff;stroke-width:.4px;vector-effect:non-scaling-stroke;fill-rule:evenodd;cursor:pointer}
        .cell:hover,.cell.selected{stroke:#111;stroke-width:2px}
        .street{fill:none;stroke:#243447;stroke-width:1.6px;vector-effect:non-scaling-stroke;pointer-events:none;fill-rule:evenodd}
        .street-label{fill:#243447;font-weight:600;text-anchor:middle;paint-order:stroke;stroke:#fff;stroke-width:3px;vector-effect:non-scaling-stroke;pointer-events:none}
        .scale{fill:none;stroke:#111;stroke-width:2px;vector-effect:non-scaling-stroke}
        .scale-label{fill:#111}
        #legend h3{font-size:14px;margin:0 0 4px}
        #legend ul{list-style:none;margin:0;padding:0}
        #legend li{display:flex;align-items:center;gap:6px;margin:2px 0}
        .swatch{display:inline-block;width:14px;height:14px;border:1px solid #999;flex:none;vertical-align:middle}
        .swatch.line{border:none;border-top:2px solid #243447;height:0}
        #cell-info{margin-top:10px;font-size:13px;white-space:pre-line;color:#34495e}
        .scroll{max-height:300px;overflow:auto}
        table{border-collapse:collapse;width:100%;font-size:13px}
        th,td{padding:3px 6px;border-bottom:1px solid #e3e7ec;text-align:left;white-space:nowrap}
        th{background:#f5f7fa;position:sticky;top:0}
        th[data-sort]{cursor:pointer}
        th[aria-sort=ascending]::after{content:" ▲"}
        th[aria-sort=descending]::after{content:" ▼"}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        .late{color:#c62828;font-weight:700}
        tr[data-cell]{cursor:pointer}
        .dot{display:inline-block;width:11px;height:11px;border-radius:50%;margin-right:4px;vertical-align:-1px}
        .dot.red{background:#e53935}.dot.yellow{background:#fbc02d}.dot.green{background:#43a047}
        \(DashboardPage.swatches(GiPalette.entries.filter { $0.bin >= 0 }))
        \(DashboardPage.swatches(GiPalette.entries.filter { $0.bin < 0 }))
        .note{font-size:12px;color:#5b6b7c;margin:6px 0 0}
        .empty td{color:#777;text-align:center}
        main{grid-template-rows:auto 1fr}
        #map-panel,#trend{grid-column:1;align-self:start}
        aside{grid-column:2;grid-row:1 / span 2;min-width:0}
        aside section{min-width:0}
        .chart{width:100%;height:auto;display:block}
        .chart rect.week{fill:#7aa6d6}
        .chart .rate{fill:none;stroke:#c62828;stroke-width:2px}
        .chart .axis{stroke:#555}
        .chart .tick{font-size:11px;fill:#555}
        .spark polyline{fill:none;stroke:#12324f;stroke-width:1.5px}
        .deltas{margin:0 0 4px}
        .delta.good{color:#2e7d32}.delta.bad{color:#c62828}.delta.flat{color:#555}
        #manual-link{margin-left:8px}
        @media (max-width:1100px){main{grid-template-columns:1fr}aside{grid-column:1;grid-row:auto}}
        @media print{
          @page{size:A4 landscape;margin:8mm}
          body{background:#fff;font-size:11px}
          header{background:#fff;color:#000;padding:0 0 4px;border-bottom:2px solid #12324f}
          #controls{display:none}
          #frame,#frame b{color:#000}
          main{grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:6px;padding:4px 0}
          section{box-shadow:none;border:1px solid #ccc;break-inside:avoid}
          .scroll{max-height:none;overflow:visible}
          #map svg{max-height:120mm}
          #cell-info{display:none}
          table{font-size:10px}
          th{position:static}
        }

        """

    /// Sortable tables, the hover box, and cells opening their orders. Plain ES5, written here.
    static let script = """
        (function () {
          function value(row, i) {
            var c = row.cells[i];
            if (!c) return null;
            var v = c.hasAttribute('data-value') ? c.getAttribute('data-value') : c.textContent;
            return v;
          }
          // Sorting a table; the sort is kept in the URL's fragment (#sort=TABLE:COLUMN:asc|desc)
          // so a bookmarked or forwarded link opens the same view.
          function sortBy(table, th, ascending) {
            var i = Array.prototype.indexOf.call(th.parentNode.children, th);
            var numeric = th.getAttribute('data-sort') === 'number';
            Array.prototype.forEach.call(table.querySelectorAll('th[aria-sort]'), function (h) { h.removeAttribute('aria-sort'); });
            th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
            var body = table.tBodies[0];
            var rows = Array.prototype.filter.call(body.rows, function (r) { return !r.classList.contains('empty'); });
            rows.sort(function (a, b) {
              var x = value(a, i), y = value(b, i);
              if (numeric) {
                x = x === '' || x === null ? NaN : parseFloat(x);
                y = y === '' || y === null ? NaN : parseFloat(y);
                if (isNaN(x) || isNaN(y)) return isNaN(x) - isNaN(y);   // no value: always last
                return ascending ? x - y : y - x;
              }
              var order = String(x).localeCompare(String(y), 'zh-CN');
              return ascending ? order : -order;
            });
            rows.forEach(function (r) { body.appendChild(r); });
          }
          var tables = document.querySelectorAll('table.sortable');
          Array.prototype.forEach.call(tables, function (table) {
            Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (th) {
              th.addEventListener('click', function () {
                var ascending = th.getAttribute('aria-sort') !== 'ascending';
                sortBy(table, th, ascending);
                var column = Array.prototype.indexOf.call(th.parentNode.children, th);
                if (table.id && window.history && history.replaceState) {
                  history.replaceState(null, '', '#sort=' + table.id + ':' + column + ':' + (ascending ? 'asc' : 'desc'));
                }
              });
            });
          });
          var wanted = /^#sort=([\\w-]+):(\\d+):(asc|desc)$/.exec(window.location.hash);
          if (wanted) {
            var table = document.getElementById(wanted[1]);
            var th = table && table.tHead ? table.tHead.rows[0].cells[parseInt(wanted[2], 10)] : null;
            if (th && th.hasAttribute('data-sort')) sortBy(table, th, wanted[3] === 'asc');
          }
          var svg = document.querySelector('#map svg');
          var info = document.getElementById('cell-info');
          if (!svg) return;
          svg.addEventListener('mouseover', function (e) {
            var p = e.target.closest ? e.target.closest('path.cell') : null;
            if (p && info) info.textContent = p.querySelector('title').textContent;
          });
          svg.addEventListener('click', function (e) {
            var p = e.target.closest ? e.target.closest('path.cell') : null;
            if (!p) return;
            window.location.href = '/v1/orders?format=html&cell=' + encodeURIComponent(p.getAttribute('data-cell')) + svg.getAttribute('data-orders-link');
          });
          // Drill-down from the tables: a unit's or an inspection point's orders in the window.
          function list(selector, attribute, key) {
            Array.prototype.forEach.call(document.querySelectorAll(selector), function (row) {
              row.addEventListener('dblclick', go);
              var first = row.cells[0];
              var a = document.createElement('a');
              a.href = '/v1/orders?format=html&' + key + '=' + encodeURIComponent(row.getAttribute(attribute)) + svg.getAttribute('data-orders-link');
              a.textContent = first.textContent; first.textContent = ''; first.appendChild(a);
              function go() { window.location.href = a.href; }
            });
          }
          list('#league tbody tr[data-unit]', 'data-unit', 'unit');
          list('#lights tbody tr[data-point]', 'data-point', 'point');
          // A default as-of is sent only when changed: it follows the window otherwise.
          var form = document.getElementById('controls');
          var asOf = form && form.querySelector('input[name="as-of"][data-default]');
          if (asOf) form.addEventListener('submit', function () { if (asOf.value === asOf.defaultValue) asOf.disabled = true; });
          var selected = null;
          Array.prototype.forEach.call(document.querySelectorAll('tr[data-cell]'), function (row) {
            row.addEventListener('click', function () {
              if (selected) selected.classList.remove('selected');
              selected = svg.querySelector('path.cell[data-cell="' + row.getAttribute('data-cell') + '"]');
              if (selected) { selected.classList.add('selected'); selected.parentNode.appendChild(selected); }
              if (selected && info) info.textContent = selected.querySelector('title').textContent;
            });
          });
        })();

        """
}
