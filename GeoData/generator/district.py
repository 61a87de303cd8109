"""A sample district: the parts (lattice, zones and points, truth, orders) put together, its
files, and the two presets (the sample districts, the bench city)."""
import csv
import math
import os
import random
from .common import *  # noqa: F401,F403 (the constants and helpers)
from .lattice import Lattice
from .orders import Orders, feed_mix
from .truth import Truth
from .zones_points import ZonesPoints


class District(Lattice, ZonesPoints, Truth, Orders):
    """One district: its configuration, random state and everything built from them."""

    def __init__(self, key, cfg, seed, bench=False):
        self.key = key
        self.cfg = cfg
        self.bench = bench
        self.rng = random.Random("wangge-%s-%d" % (key, seed))
        self.nx, self.ny = cfg["nx"], cfg["ny"]
        self.lon0, self.lat0 = cfg["lon0"], cfg["lat0"]
        self.mx, self.my = metric(self.lat0 + self.ny * DY / 2.0)
        # the true place of every order (before the crs encoding), for the handling history;
        # None for unusable coordinates. Recorded by build_orders for the sample districts only.
        self.order_places = None


    # ---------------- output ----------------
    def files(self, with_truth=True):
        out = {}
        feats = []
        for c in self.cells:
            feats.append({"type": "Feature",
                          "properties": {"code": c["code"], "name": c["name"], "community_name": c["community_name"],
                                         "street_name": c["street_name"]},
                          "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in c["ring"]]]}})
        out["cells.geojson"] = feature_collection(feats)
        feats = []
        for z in self.zones:
            feats.append({"type": "Feature", "properties": {"id": z["id"], "kind": z["kind"], "unit": z["unit"], "name": z["name"]},
                          "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in z["ring"]]]}})
        out["zones.geojson"] = feature_collection(feats)
        feats = []
        for p in self.points:
            g = p["geom"]
            if g[0] == "Point":
                geom = {"type": "Point", "coordinates": list(g[1])}
            elif g[0] == "LineString":
                geom = {"type": "LineString", "coordinates": [list(t) for t in g[1]]}
            else:
                geom = {"type": "Polygon", "coordinates": [[list(t) for t in g[1]]]}
            feats.append({"type": "Feature", "properties": {"id": p["id"], "name": p["name"], "type": p["type"], "radius_m": p["radius"]},
                          "geometry": geom})
        out["points.geojson"] = feature_collection(feats)
        out["units.csv"] = csv_text(["id", "name", "kind", "area", "sla_hours"],
                                    [(u["id"], u["name"], u["kind"], u["area"], u["sla"]) for u in self.units])
        out["rules.csv"] = csv_text(["category", "route"], RULES)
        if isinstance(self.orders, list):
            out["orders.csv"] = csv_text(ORDER_HEADER, self.orders)
        if getattr(self, "events", None) is not None:
            out["events.csv"] = csv_text(["id", "status", "at", "note"], self.events)
        if with_truth:
            pre = self.cfg["prefix"]
            tor, tex = [], []
            for k, (lon, lat, crs, cat, case, e) in enumerate(self.truth_rows, start=1):
                tid = "%sT%05d" % (pre, k)
                tor.append((tid, lon, lat, crs, cat, TRUTH_TIME, case))
                tex.append((tid, e["status"], e["cell"], e["cells"], e["street"], e["community"], e["unit"], e["route"],
                            e["zone"], e["distance_m"], e["points"],
                            # located_by, match: routed by coordinates (none has an address).
                            "" if e["status"] == "invalid" else "coordinates", ""))
            out["truth_orders.csv"] = csv_text(["id", "lon", "lat", "crs", "category", "received_at", "case"], tor)
            out["truth_expected.csv"] = csv_text(["id", "status", "cell", "cells", "street", "community", "unit", "route",
                                                  "zone", "distance_m", "points", "located_by", "match"], tex)
        return out


def build_district(key, seed):
    d = District(key, DISTRICTS[key], seed)
    d.build_lattice()
    d.build_blob()
    d.build_regions()
    d.build_cells()
    d.build_outline_info()
    d.build_zones()
    d.build_truth()
    d.order_places = []
    d.orders = list(d.build_orders(d.cfg["n_orders"]))
    d.events = d.build_events(seed)
    return d


def write_district(d, outdir, with_truth=True):
    os.makedirs(outdir, exist_ok=True)
    files = d.files(with_truth)
    for name, text in files.items():
        write_text(os.path.join(outdir, name), text)
    if not isinstance(d.orders, list):
        with open(os.path.join(outdir, "orders.csv"), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            w.writerow(ORDER_HEADER)
            n = 0
            for row in d.orders:
                w.writerow(row)
                n += 1
        d.n_orders_written = n
    return files


# --------------------------------------------------------------------------------------
# bench preset
# --------------------------------------------------------------------------------------
def build_bench(seed, ncells, norders):
    side = max(20, int(round(math.sqrt(ncells))))
    sb = 50
    nsx = (side + sb - 1) // sb
    streets = []
    for k in range(nsx * nsx):
        streets.append(("310199%03d" % (k + 1), "基准%02d街道" % (k + 1), 0, 0))
    cfg = {
        "prefix": "BX", "county": "310199", "county_name": "基准区", "streets": streets,
        "lon0": 121.30, "lat0": 31.10, "nx": side, "ny": side,
        "squads": (2, 2), "rivers": [("基准一号河", 0.72, 0.62, 0.40), ("基准二号河", 0.30, 0.22, 0.65)],
        "n_markets": 12, "n_property": 40, "n_orders": norders,
        "n_intersections": 6, "n_roads": 3, "n_community_pts": 3, "n_malls": 4,
        "roads": ["一号路", "二号路", "三号路", "四号路", "五号路", "六号路", "七号路", "八号路", "九号路", "十号路"],
        "property_companies": ["基准物业一", "基准物业二", "基准物业三", "基准物业四"],
    }
    d = District("bench", cfg, seed, bench=True)
    d.build_lattice()
    d.kept = set((i, j) for i in range(side) for j in range(side))
    d.build_regions()
    d.build_cells()
    # bench outline/vertex info (cheap version)
    V = d.V
    d.vertex_cells = {(i, j): None for i in range(side + 1) for j in range(side + 1)}
    xs = [V[i][j][0] for i in range(side + 1) for j in range(side + 1)]
    ys = [V[i][j][1] for i in range(side + 1) for j in range(side + 1)]
    d.bbox = (min(xs), min(ys), max(xs), max(ys))
    d.build_zones()
    d.orders = feed_mix(d, d.build_orders(norders), seed)  # generator, streamed to disk
    return d
