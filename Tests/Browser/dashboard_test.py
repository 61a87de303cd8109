#!/usr/bin/env python3
"""The leaders' page in a real browser (make test, when Chromium is installed).

Starts `wangge serve` on the 宝山 sample district (layers, its 5,000 orders and a handling
history for the first 3,000 of them), loads the page in headless Chromium, and checks the DOM
after its scripts ran: every cell drawn exactly once, the legend, the lights reddest first,
the league table sorted by the column the URL names; then saves a screenshot under
.build/browser/. Exits non-zero on any failure.
"""
import csv
import datetime
import html.parser
import os
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
    # A handling history: the first 3,000 orders dispatched after 1 h, resolved after a day
    # and (every other one) closed after two.
    with open(os.path.join(DISTRICT, "orders.csv"), newline="", encoding="utf-8") as f:
        orders = list(csv.DictReader(f))[:3000]
    events = os.path.join(work, "events.csv")
    with open(events, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "status", "at"])
        for n, o in enumerate(orders):
            t = datetime.datetime.fromisoformat(o["received_at"])
            w.writerow([o["id"], "dispatched", (t + datetime.timedelta(hours=1)).isoformat()])
            w.writerow([o["id"], "resolved", (t + datetime.timedelta(hours=24 + n % 90)).isoformat()])
            if n % 2 == 0:
                w.writerow([o["id"], "closed", (t + datetime.timedelta(hours=120)).isoformat()])
    run("import", "events", events, "--db", db)
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
        shot = os.path.join(OUT, "dashboard.png")
        if os.path.exists(shot):
            os.remove(shot)
        subprocess.run([chromium, *flags, "--window-size=1600,1100", f"--screenshot={shot}", url],
                       capture_output=True, timeout=120)
        with open(shot, "rb") as f:
            png = f.read()
        check(png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000, f"screenshot saved to {os.path.relpath(shot, ROOT)} ({len(png):,} bytes)")
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
