#!/usr/bin/env python3
"""The leaders' page in a real browser (make test, when Chromium is installed).

Starts `wangge serve` on the 宝山 sample district (layers, its 5,000 orders and the sample's
handling history, GeoData/baoshan/events.csv), loads the page in headless Chromium, and
checks the DOM after its scripts ran: every cell drawn exactly once, the legend, the lights
reddest first and not all one colour, the league table sorted by the column the URL names,
the trend chart's weeks, the inputs showing the URL's window, the drill-down list of a cell
equal to `wangge orders --cell`; then saves screenshots of the page and the drill-down at
1400×1000 and the page printed on A4 under .build/browser/. Exits non-zero on any failure.
"""
import csv
import html.parser
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WANGGE = os.environ.get("WANGGE", os.path.join(ROOT, ".build/debug/wangge"))
OUT = os.path.join(ROOT, ".build/browser")
DISTRICT = os.path.join(ROOT, "GeoData/baoshan")
failures = []


def check(condition, message):
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures.append(message)


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(*args):
    result = subprocess.run([WANGGE, *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"wangge {' '.join(args)} failed: {result.stderr}")
    return result.stdout


class Page(html.parser.HTMLParser):
    """The elements the checks need, in document order."""

    def __init__(self):
        super().__init__()
        self.stack = []          # ids of the open elements
        self.cells = []          # data-cell of every path.cell inside #map
        self.legend_items = 0
        self.lights = []         # data-light of #lights tbody rows
        self.league = []         # cells of #league tbody rows
        self.league_sort = {}    # th index -> aria-sort
        self.row = None
        self.cell_text = None
        self.th_index = -1

    def inside(self, element_id):
        return element_id in self.stack

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(a.get("id", ""))
        classes = (a.get("class") or "").split()
        if tag == "path" and "cell" in classes and self.inside("map"):
            self.cells.append(a.get("data-cell"))
        if tag == "li" and self.inside("legend"):
            self.legend_items += 1
        if tag == "tr" and self.inside("lights") and "data-light" in a:
            self.lights.append(a["data-light"])
        if self.inside("league"):
            if tag == "th":
                self.th_index += 1
                if a.get("aria-sort"):
                    self.league_sort[self.th_index] = a["aria-sort"]
            if tag == "tr" and "data-unit" in a:
                self.row = []
                self.league.append(self.row)
            if tag == "td" and self.row is not None:
                self.cell_text = a.get("data-value", "")
                self.row.append(self.cell_text)

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_data(self, data):
        if self.row is not None and self.row and self.cell_text == "" and self.inside("league"):
            self.row[-1] += data.strip()


class Elements(html.parser.HTMLParser):
    """Every start tag as (tag, attributes, ids of the open elements), void elements closed."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, text):
        super().__init__()
        self.stack, self.items = [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.items.append((tag, a, [i for _, i in self.stack]))
        if tag not in self.VOID:
            self.stack.append((tag, a.get("id", "")))

    def handle_startendtag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.items.append((tag, a, [i for _, i in self.stack]))

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    chromium = browser()
    if not chromium:
        print("skipped: no Chromium (apt-get install chromium; make test installs it)")
        return 0
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="wangge-browser-")
    db = os.path.join(work, "d.sqlite")
    for layer, file in [("units", "units.csv"), ("rules", "rules.csv"), ("cells", "cells.geojson"),
                        ("zones", "zones.geojson"), ("points", "points.geojson"), ("orders", "orders.csv")]:
        run("import", layer, os.path.join(DISTRICT, file), "--db", db)
    run("import", "events", os.path.join(DISTRICT, "events.csv"), "--db", db)
    cells = run("query", "layer_cells", "--db", db, "--format", "csv").splitlines()[1:]
    codes = sorted(line.split(",")[0] for line in cells)

    port = free_port()
    server = subprocess.Popen([WANGGE, "serve", "--db", db, "--port", str(port), "--public-read", "--log-level", "warning"])
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        url = base + "/?measure=gi&from=2025-01-01&to=2025-07-01&as-of=2025-06-30T18:00:00%2B08:00#sort=league:1:asc"
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 f"--user-data-dir={os.path.join(work, 'profile')}", "--virtual-time-budget=3000"]
        dom = subprocess.run([chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
        check(len(dom) > 100_000, f"the page loaded in Chromium ({len(dom):,} characters of DOM)")
        page = Page()
        page.feed(dom)
        check(len(page.cells) == len(codes), f"{len(page.cells)} cells drawn, {len(codes)} stored")
        check(sorted(page.cells) == codes, "every stored cell drawn exactly once")
        check(page.legend_items >= 7, f"the Gi* legend lists its {page.legend_items} classes")
        severity = {"red": 0, "yellow": 1, "green": 2, "grey": 3}
        ranks = [severity.get(light, 9) for light in page.lights]
        check(len(ranks) > 0 and ranks == sorted(ranks), f"{len(ranks)} lights, reddest first ({', '.join(sorted(set(page.lights)))})")
        column = [float(r[1]) for r in page.league if len(r) > 1 and r[1] != ""]
        check(len(column) > 1 and column == sorted(column), f"league table sorted by 应结案 ascending as the URL asks ({len(column)} units)")
        check(page.league_sort.get(1) == "ascending", "the sorted column is marked aria-sort=ascending")
        check(len(set(page.lights)) >= 2, f"the lights are not all one colour on 2025-06-30 ({', '.join(sorted(set(page.lights)))})")

        # The inputs show the URL's window and measure.
        elements = Elements(dom)
        value = lambda name: next((a.get("value") for t, a, _ in elements.items if t == "input" and a.get("name") == name), None)
        check(value("from") == "2025-01-01" and value("to") == "2025-07-01", f"the date inputs show the URL's window ({value('from')}, {value('to')})")
        check(value("as-of") == "2025-06-30T18:00", f"the as-of input shows the URL's moment ({value('as-of')})")
        chosen = [a.get("value") for t, a, ids in elements.items if t == "option" and "selected" in a and "controls" in ids]
        check("gi" in chosen, f"the measure select shows gi ({chosen})")

        # The district's trend chart: one bar per week of the window (181 days: 26 weeks).
        weeks = [a for t, a, ids in elements.items if t == "rect" and "week" in (a.get("class") or "").split() and "trend" in ids]
        check(len(weeks) == 26, f"the trend chart draws {len(weeks)} weeks of 2025-01-01..2025-07-01 (26 expected)")
        trend_csv = run("trend", "--db", db, "--from", "2025-01-01", "--to", "2025-07-01", "--no-bom")
        trend_rows = list(csv.DictReader(trend_csv.splitlines()))
        check([int(a.get("data-orders")) for a in weeks] == [int(r["orders"]) for r in trend_rows],
              "its bars are the weekly orders of `wangge trend`")
        sparks = [a for t, a, ids in elements.items if t == "svg" and "spark" in (a.get("class") or "").split() and "league" in ids]
        check(len(sparks) == len(page.league) and all(a.get("data-weeks") == "26" for a in sparks),
              f"every unit of the league has a 26-week sparkline ({len(sparks)})")
        check(any("gi-note" == a.get("id") for t, a, _ in elements.items), "the hot spots carry a note on what Gi* rates")

        # The page as the demo opens it: the end of the sample's history, lights on the map.
        demo = Elements(subprocess.run([chromium, *flags, "--dump-dom", base + "/?measure=lights"], capture_output=True, text=True, timeout=120).stdout)
        board = [a["data-light"] for t, a, ids in demo.items if t == "tr" and "data-light" in a and "lights" in ids]
        mapped = {a.get("data-light") for t, a, ids in demo.items if t == "path" and "cell" in (a.get("class") or "").split()}
        check({"red", "yellow", "green"} <= set(board) | mapped,
              f"the demo shows red, yellow and green (board: {sorted(set(board))}, map: {sorted(mapped)})")
        defaults = [a.get("value") for t, a, _ in demo.items if t == "input" and a.get("name") in ("from", "to", "as-of")]
        check(len(defaults) == 3 and all(defaults), f"the inputs show the default window ({defaults})")

        # The drill-down of the busiest cell: the list `wangge orders --cell` gives.
        busiest = max(elements.items, key=lambda e: int(e[1].get("data-orders") or 0) if e[0] == "path" else -1)[1]["data-cell"]
        window = ["--from", "2025-01-01T00:00:00+08:00", "--to", "2025-07-01T00:00:00+08:00"]
        listed = list(csv.DictReader(run("orders", "--db", db, "--cell", busiest, *window).splitlines()))
        drill = base + "/v1/orders?format=html&cell=" + busiest + "&from=2025-01-01T00%3A00%3A00%2B08%3A00&to=2025-07-01T00%3A00%3A00%2B08%3A00"
        drilled = Elements(subprocess.run([chromium, *flags, "--dump-dom", drill], capture_output=True, text=True, timeout=120).stdout)
        ids = [a["data-id"] for t, a, where in drilled.items if t == "tr" and "data-id" in a and "orders" in where]
        check(len(listed) > 3 and ids == [r["id"] for r in listed],
              f"the drill-down of cell {busiest} lists the {len(ids)} orders of `wangge orders --cell` ({len(listed)})")
        link = next((a.get("data-orders-link") for t, a, _ in elements.items if t == "svg" and a.get("data-orders-link")), "")
        check(link.startswith("&from=2025-01-01") and "&to=2025-07-01" in link, f"a click on a cell opens its list for the window ({link})")

        for name, address, extra in [("dashboard.png", url, []), ("drilldown.png", drill, [])]:
            shot = os.path.join(OUT, name)
            if os.path.exists(shot):
                os.remove(shot)
            subprocess.run([chromium, *flags, "--window-size=1400,1000", f"--screenshot={shot}", *extra, address],
                           capture_output=True, timeout=120)
            with open(shot, "rb") as f:
                png = f.read()
            check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000, f"screenshot saved to {os.path.relpath(shot, ROOT)} ({len(png):,} bytes)")
        for name, address in [("dashboard-a4.pdf", url), ("drilldown-a4.pdf", drill)]:
            pdf = os.path.join(OUT, name)
            if os.path.exists(pdf):
                os.remove(pdf)
            subprocess.run([chromium, *flags, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", address], capture_output=True, timeout=120)
            with open(pdf, "rb") as f:
                doc = f.read()
            # A4 landscape: 842 × 595 points.
            box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", doc)
            size = (float(box.group(1)), float(box.group(2))) if box else (0, 0)
            check(doc[:5] == b"%PDF-" and abs(size[0] - 842) < 2 and abs(size[1] - 595) < 2,
                  f"A4 landscape print saved to {os.path.relpath(pdf, ROOT)} ({len(doc):,} bytes, {size[0]:.0f}×{size[1]:.0f} pt)")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"{len(failures)} browser check(s) failed")
        return 1
    print("browser checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
