#!/usr/bin/env python3
"""Deterministic sample-data generator for Wangge (城市网格化管理).

Standard library only.  See GeoData/README.md for the file contract.

    python3 GeoData/generate.py                  # rewrite GeoData/baoshan and GeoData/huangpu
    python3 GeoData/generate.py --check          # regenerate into a temp dir, diff against committed files
    python3 GeoData/generate.py --preset bench --out DIR [--cells 40000] [--orders 1000000]
"""
import argparse
import csv
import datetime
import heapq
import io
import json
import math
import os
import random
import sys
import tempfile
import time
from fractions import Fraction

# --------------------------------------------------------------------------------------
# constants
# --------------------------------------------------------------------------------------
Q = 2.0 ** -20            # coordinate quantum (degrees); every vertex is an integer multiple of Q
DX = 0.0015               # lattice spacing, longitude (deg)
DY = 0.0012               # lattice spacing, latitude (deg)
JITTER = 0.16             # max jitter as a fraction of the spacing (<= 18 %)
MIN_CELL_AREA = 10000.0   # m^2
MAX_CELL_AREA = 40000.0   # m^2
MAX_MERGED_AREA = 39000.0
SNAP_LIMIT_M = 50.0
TRUTH_TIME = "2025-06-01T10:00:00+08:00"

# WGS84
WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563

# real names/codes (民政部 2025 乡镇级区划, copied from shared/data/shanghai_townships_mca_2025.json)
DISTRICTS = {
    "baoshan": {
        "prefix": "BS", "county": "310113", "county_name": "宝山区",
        # (code_9, name, seed position as fraction of lattice x, y)
        "streets": [("310113102", "大场镇", 0.32, 0.30),
                    ("310113112", "庙行镇", 0.35, 0.80),
                    ("310113111", "高境镇", 0.80, 0.55)],
        "lon0": 121.390, "lat0": 31.272, "nx": 52, "ny": 54,
        "target_quads": 1400, "target_cells": 1200, "quads_per_community": 70,
        "squads": (2, 2),
        # (name, y1 frac, y2 frac, turn x frac)
        "rivers": [("走马塘", 0.74, 0.64, 0.42), ("西泗塘", 0.30, 0.20, 0.60)],
        "n_markets": 5, "n_property": 10, "n_orders": 5000,
        "n_intersections": 5, "n_roads": 3, "n_community_pts": 4, "n_malls": 3,
        "roads": ["沪太路", "场中路", "汶水路", "共和新路", "长江西路", "纪蕴路", "大华路",
                  "真大路", "环镇北路", "场北路", "南大路", "江杨南路", "聚丰园路", "广中西路"],
        "property_companies": ["宝祥物业", "康居物业", "华庭物业", "嘉和物业"],
    },
    "huangpu": {
        "prefix": "HP", "county": "310101", "county_name": "黄浦区",
        "streets": [("310101013", "外滩街道", 0.80, 0.60),
                    ("310101002", "南京东路街道", 0.30, 0.75),
                    ("310101018", "豫园街道", 0.45, 0.20)],
        "lon0": 121.4595, "lat0": 31.2158, "nx": 34, "ny": 32,
        "target_quads": 580, "target_cells": 500, "quads_per_community": 45,
        "squads": (2, 1),
        "rivers": [("苏州河", 0.84, 0.76, 0.55)],
        "n_markets": 3, "n_property": 7, "n_orders": 3000,
        "n_intersections": 4, "n_roads": 3, "n_community_pts": 3, "n_malls": 3,
        "roads": ["南京东路", "中山东一路", "九江路", "汉口路", "福州路", "河南中路", "四川中路",
                  "江西中路", "方浜中路", "人民路", "福佑路", "旧校场路", "广东路", "延安东路"],
        "property_companies": ["外滩物业", "申江物业", "豫华物业"],
    },
}

COMMUNITY_NAME_POOL = [
    "乐安", "康泰", "和顺", "祥和", "锦绣", "翠湖", "春晖", "文华", "明珠", "瑞丰", "嘉园", "丰泽",
    "新苑", "馨园", "怡景", "金桥", "银杏", "紫藤", "青松", "海棠", "华庭", "秀水", "清风", "景苑",
    "兴业", "宏达", "福安", "永和", "长乐", "安居", "广德", "华盛", "欣荣", "凯旋", "东升", "南苑",
    "西城", "北辰", "新华", "友谊", "复兴", "振兴", "建设", "晨光", "朝阳", "桂花", "玉兰", "香樟",
]

# category, route  (rules.csv)
RULES = [
    ("乱设摊", "market>squad"),
    ("占道经营", "market>squad"),
    ("暴露垃圾", "property>squad"),
    ("违法搭建", "squad"),
    ("道路破损", ""),
    ("井盖缺失", ""),
    ("河道漂浮物", "river"),
    ("噪声扰民", "property"),
    ("乱张贴", "squad"),
    ("共享单车乱停放", ""),
    ("绿化损坏", "property>squad"),
    ("油烟扰民", "squad"),
    ("非机动车乱停放", "property"),
    ("违规户外广告", "squad"),
    ("河岸垃圾", "river>squad"),
    ("小区公共设施损坏", "property"),
    ("积水", ""),
    ("店招店牌破损", "market>squad"),
]
RULE_MAP = dict(RULES)
UNKNOWN_CATEGORIES = ["其他", "咨询建议"]
CATEGORY_WEIGHTS = {
    "乱设摊": 9, "占道经营": 9, "暴露垃圾": 12, "违法搭建": 4, "道路破损": 6, "井盖缺失": 2,
    "河道漂浮物": 2, "噪声扰民": 6, "乱张贴": 5, "共享单车乱停放": 8, "绿化损坏": 3, "油烟扰民": 3,
    "非机动车乱停放": 7, "违规户外广告": 3, "河岸垃圾": 2, "小区公共设施损坏": 5, "积水": 2,
    "店招店牌破损": 2,
}
CHANNELS = [("12345热线", 40), ("随申办", 20), ("网格巡查", 25), ("网格员上报", 10), ("微信公众号", 5)]

CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

ORDER_HEADER = ["id", "lon", "lat", "crs", "category", "received_at", "address", "channel", "description"]
FILES = ["cells.geojson", "zones.geojson", "points.geojson", "units.csv", "rules.csv",
         "orders.csv", "truth_orders.csv", "truth_expected.csv", "events.csv"]
CST = datetime.timezone(datetime.timedelta(hours=8))
# The moment the sample's handling history stops: later changes are not recorded, so orders
# still being handled then are open (yellow within their deadline, red past it).
HISTORY_END = datetime.datetime(2025, 12, 31, 23, 59, tzinfo=CST)


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------
def snap(v):
    return round(v / Q) * Q


def is_q(v):
    return (Fraction(v) / Fraction(Q)).denominator == 1


def metric(lat):
    """metres per degree (lon, lat) on the WGS84 ellipsoid at latitude `lat`."""
    e2 = WGS84_F * (2 - WGS84_F)
    s = math.sin(math.radians(lat))
    w = 1 - e2 * s * s
    n = WGS84_A / math.sqrt(w)
    m = WGS84_A * (1 - e2) / (w * math.sqrt(w))
    return n * math.cos(math.radians(lat)) * math.pi / 180.0, m * math.pi / 180.0


def cross_exact(a, b, p):
    ax, ay = Fraction(a[0]), Fraction(a[1])
    return (Fraction(b[0]) - ax) * (Fraction(p[1]) - ay) - (Fraction(b[1]) - ay) * (Fraction(p[0]) - ax)


def on_segment_exact(p, a, b):
    if cross_exact(a, b, p) != 0:
        return False
    return (min(a[0], b[0]) <= p[0] <= max(a[0], b[0])) and (min(a[1], b[1]) <= p[1] <= max(a[1], b[1]))


def ring_area_deg(ring):
    s = 0.0
    for k in range(len(ring) - 1):
        s += ring[k][0] * ring[k + 1][1] - ring[k + 1][0] * ring[k][1]
    return s / 2.0


def ring_area_exact(ring):
    s = Fraction(0)
    for k in range(len(ring) - 1):
        s += Fraction(ring[k][0]) * Fraction(ring[k + 1][1]) - Fraction(ring[k + 1][0]) * Fraction(ring[k][1])
    return s / 2


def fmt_dist(d):
    return "%.3f" % d


# GCJ-02 / BD-09 (public formulas)
GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323
X_PI = math.pi * 3000.0 / 180.0


def _out_of_china(lon, lat):
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    if _out_of_china(lon, lat):
        return lon, lat
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - GCJ_EE * magic * magic
    sm = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sm) * math.pi)
    dlon = (dlon * 180.0) / (GCJ_A / sm * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def gcj02_to_bd09(lon, lat):
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * X_PI)
    th = math.atan2(lat, lon) + 0.000003 * math.cos(lon * X_PI)
    return z * math.cos(th) + 0.0065, z * math.sin(th) + 0.006


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def feature_collection(features):
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


# --------------------------------------------------------------------------------------
# district model
# --------------------------------------------------------------------------------------
class District:
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

    # ---------------- metric helpers ----------------
    def seg_dist(self, p, a, b):
        ax, ay = (a[0] - p[0]) * self.mx, (a[1] - p[1]) * self.my
        bx, by = (b[0] - p[0]) * self.mx, (b[1] - p[1]) * self.my
        dx, dy = bx - ax, by - ay
        L = dx * dx + dy * dy
        t = 0.0 if L == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / L))
        cx, cy = ax + t * dx, ay + t * dy
        return math.hypot(cx, cy)

    def pt_dist(self, p, a):
        return math.hypot((a[0] - p[0]) * self.mx, (a[1] - p[1]) * self.my)

    def area_m2(self, ring):
        return ring_area_deg(ring) * self.mx * self.my

    # ---------------- lattice ----------------
    def build_lattice(self):
        rng = self.rng
        nx, ny = self.nx, self.ny
        base = lambda i, j: (self.lon0 + i * DX, self.lat0 + j * DY)

        def draw(i, j):
            bx, by = base(i, j)
            return (snap(bx + rng.uniform(-JITTER, JITTER) * DX), snap(by + rng.uniform(-JITTER, JITTER) * DY))

        V = [[draw(i, j) for j in range(ny + 1)] for i in range(nx + 1)]
        self.V = V
        for _ in range(50):
            bad = [(i, j) for i in range(nx) for j in range(ny) if not self.quad_ok(i, j, exact=not self.bench)]
            if not bad:
                break
            for (i, j) in bad:
                for (a, b) in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)):
                    V[a][b] = draw(a, b)
        else:
            raise AssertionError("could not build a convex lattice")
        for i in range(nx + 1):
            for j in range(ny + 1):
                assert is_q(V[i][j][0]) and is_q(V[i][j][1])

    def quad_pts(self, i, j):
        V = self.V
        return [V[i][j], V[i + 1][j], V[i + 1][j + 1], V[i][j + 1]]

    def quad_ok(self, i, j, exact=True):
        pts = self.quad_pts(i, j)
        for k in range(4):
            a, b, c = pts[k], pts[(k + 1) % 4], pts[(k + 2) % 4]
            if exact:
                if cross_exact(a, b, c) <= 0:
                    return False
            else:  # exact anyway: all values are multiples of Q with few significant bits
                if (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) <= 0:
                    return False
        area = self.area_m2(pts + [pts[0]])
        return MIN_CELL_AREA * 1.05 <= area <= MAX_CELL_AREA * 0.6

    # ---------------- blob ----------------
    def build_blob(self):
        rng = self.rng
        nx, ny = self.nx, self.ny
        ph = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
        noise = [[rng.uniform(-1, 1) for _ in range(ny)] for _ in range(nx)]
        rr, thr = {}, {}
        for i in range(nx):
            for j in range(ny):
                x = (i + 0.5 - nx / 2.0) / (nx / 2.0)
                y = (j + 0.5 - ny / 2.0) / (ny / 2.0)
                th = math.atan2(y, x)
                rr[(i, j)] = math.hypot(x, y)
                thr[(i, j)] = (1 + 0.10 * math.sin(2 * th + ph[0]) + 0.06 * math.sin(3 * th + ph[1])
                               + 0.04 * math.sin(5 * th + ph[2])), noise[i][j] * 0.035

        def kept_for(s):
            k = set()
            for (i, j), r in rr.items():
                if 0 < i < nx - 1 and 0 < j < ny - 1:
                    f, nz = thr[(i, j)]
                    if r < s * f + nz:
                        k.add((i, j))
            return self.clean(k)

        lo, hi = 0.3, 1.2
        target = self.cfg["target_quads"]
        for _ in range(30):
            mid = (lo + hi) / 2
            if len(kept_for(mid)) < target:
                lo = mid
            else:
                hi = mid
        cand = [kept_for(lo), kept_for(hi)]
        self.kept = min(cand, key=lambda k: abs(len(k) - target))
        self.check_blob()

    def clean(self, kept):
        nx, ny = self.nx, self.ny
        kept = set(kept)
        while True:
            if not kept:
                return kept
            # largest 4-connected component
            seen, best = set(), []
            for q in sorted(kept):
                if q in seen:
                    continue
                comp, stack = [], [q]
                seen.add(q)
                while stack:
                    c = stack.pop()
                    comp.append(c)
                    for nb in ((c[0] + 1, c[1]), (c[0] - 1, c[1]), (c[0], c[1] + 1), (c[0], c[1] - 1)):
                        if nb in kept and nb not in seen:
                            seen.add(nb)
                            stack.append(nb)
                if len(comp) > len(best):
                    best = comp
            kept = set(best)
            # fill holes
            outside = set()
            stack = [(-1, -1)]
            outside.add((-1, -1))
            while stack:
                c = stack.pop()
                for nb in ((c[0] + 1, c[1]), (c[0] - 1, c[1]), (c[0], c[1] + 1), (c[0], c[1] - 1)):
                    if -1 <= nb[0] <= nx and -1 <= nb[1] <= ny and nb not in kept and nb not in outside:
                        outside.add(nb)
                        stack.append(nb)
            changed = False
            for i in range(nx):
                for j in range(ny):
                    if (i, j) not in kept and (i, j) not in outside:
                        kept.add((i, j))
                        changed = True
            # corner-only contacts
            for i in range(nx - 1):
                for j in range(ny - 1):
                    a, b = (i, j) in kept, (i + 1, j + 1) in kept
                    c, d = (i + 1, j) in kept, (i, j + 1) in kept
                    if (a and b and not c and not d) or (c and d and not a and not b):
                        kept.add((i + 1, j) if (a and b) else (i, j))
                        changed = True
            if not changed:
                return kept

    def check_blob(self):
        kept = self.kept
        for (i, j) in kept:
            assert 0 < i < self.nx - 1 and 0 < j < self.ny - 1
        for i in range(self.nx - 1):
            for j in range(self.ny - 1):
                a, b = (i, j) in kept, (i + 1, j + 1) in kept
                c, d = (i + 1, j) in kept, (i, j + 1) in kept
                assert not ((a and b and not c and not d) or (c and d and not a and not b)), "corner contact"
        assert self.clean(kept) == kept

    # ---------------- regions ----------------
    def grow(self, quads, seeds, weight):
        """multi-source Dijkstra on the 4-neighbour graph -> every region is connected."""
        heap, lab, cnt = [], {}, 0
        for k, s in enumerate(seeds):
            heap.append((0.0, cnt, s, k))
            cnt += 1
        heapq.heapify(heap)
        while heap:
            c, _, q, k = heapq.heappop(heap)
            if q in lab:
                continue
            lab[q] = k
            for nb in ((q[0] + 1, q[1]), (q[0] - 1, q[1]), (q[0], q[1] + 1), (q[0], q[1] - 1)):
                if nb in quads and nb not in lab:
                    cnt += 1
                    heapq.heappush(heap, (c + (weight[q] + weight[nb]) / 2.0, cnt, nb, k))
        assert len(lab) == len(quads)
        return lab

    def nearest_quad(self, quads, fx, fy):
        tx, ty = fx * self.nx, fy * self.ny
        return min(quads, key=lambda q: ((q[0] + 0.5 - tx) ** 2 + (q[1] + 0.5 - ty) ** 2, q))

    def build_regions(self):
        rng = self.rng
        kept = self.kept
        order = sorted(kept)
        weight = {q: rng.uniform(0.6, 1.4) for q in order}
        streets = self.cfg["streets"]
        if self.bench:
            self.street_of, self.comm_of = self.bench_regions()
            return
        seeds = []
        for (_, _, fx, fy) in streets:
            s = self.nearest_quad(order, fx, fy)
            assert s not in seeds
            seeds.append(s)
        self.street_of = self.grow(kept, seeds, weight)
        # communities inside each street (Lloyd-relaxed seeds, then Dijkstra growth)
        self.comm_of = {}
        for si in range(len(streets)):
            sq = [q for q in order if self.street_of[q] == si]
            sset = set(sq)
            k = max(4, min(8, int(round(len(sq) / float(self.cfg["quads_per_community"])))))
            cs = rng.sample(sq, k)
            for _ in range(6):
                groups = [[] for _ in range(k)]
                for q in sq:
                    g = min(range(k), key=lambda t: ((q[0] - cs[t][0]) ** 2 + (q[1] - cs[t][1]) ** 2, t))
                    groups[g].append(q)
                new = []
                for g in range(k):
                    if not groups[g]:
                        new.append(cs[g])
                        continue
                    mx = sum(q[0] for q in groups[g]) / len(groups[g])
                    my = sum(q[1] for q in groups[g]) / len(groups[g])
                    new.append(min(groups[g], key=lambda q: ((q[0] - mx) ** 2 + (q[1] - my) ** 2, q)))
                if len(set(new)) < k:
                    break
                cs = new
            lab = self.grow(sset, cs, weight)
            for q in sq:
                self.comm_of[q] = (si, lab[q])

    def bench_regions(self):
        street_of, comm_of = {}, {}
        sb = 50
        cb = 10
        nsx = (self.nx + sb - 1) // sb
        for (i, j) in self.kept:
            s = (j // sb) * nsx + (i // sb)
            street_of[(i, j)] = s
            ci = (i % sb) // cb
            cj = (j % sb) // cb
            comm_of[(i, j)] = (s, cj * (sb // cb) + ci)
        return street_of, comm_of

    # ---------------- cells ----------------
    def build_cells(self):
        rng = self.rng
        order = sorted(self.kept)
        cell_of_quad = {}
        cells = []
        merges_wanted = 0 if self.bench else max(0, len(order) - self.cfg["target_cells"])
        qarea = {q: self.area_m2(self.quad_pts(*q) + [self.quad_pts(*q)[0]]) for q in order}
        shuffled = order[:]
        rng.shuffle(shuffled)
        merged = 0
        for q in shuffled:
            if merged >= merges_wanted:
                break
            if q in cell_of_quad:
                continue
            opts = [(q[0] + 1, q[1]), (q[0], q[1] + 1)]
            rng.shuffle(opts)
            for nb in opts:
                if (nb in self.kept and nb not in cell_of_quad and self.comm_of[nb] == self.comm_of[q]
                        and qarea[q] + qarea[nb] <= MAX_MERGED_AREA):
                    idx = len(cells)
                    cells.append({"quads": [q, nb]})
                    cell_of_quad[q] = cell_of_quad[nb] = idx
                    merged += 1
                    break
        for q in order:
            if q not in cell_of_quad:
                cell_of_quad[q] = len(cells)
                cells.append({"quads": [q]})
        V = self.V
        for c in cells:
            qs = c["quads"]
            i, j = qs[0]
            if len(qs) == 1:
                ids = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            elif qs[1] == (i + 1, j):
                ids = [(i, j), (i + 1, j), (i + 2, j), (i + 2, j + 1), (i + 1, j + 1), (i, j + 1)]
            else:
                ids = [(i, j), (i + 1, j), (i + 1, j + 1), (i + 1, j + 2), (i, j + 2), (i, j + 1)]
            c["vids"] = ids
            c["ring"] = [V[a][b] for (a, b) in ids] + [V[ids[0][0]][ids[0][1]]]
            c["street"], c["comm"] = self.street_of[qs[0]], self.comm_of[qs[0]][1]
            cyi = sum(q[1] + 0.5 for q in qs) / len(qs)
            c["row"] = int(math.floor(cyi))
            area = ring_area_deg(c["ring"])
            cx = sum(p[0] for p in c["ring"][:-1]) / (len(c["ring"]) - 1)
            cy = sum(p[1] for p in c["ring"][:-1]) / (len(c["ring"]) - 1)
            c["cx"], c["cy"] = cx, cy
            c["area_m2"] = area * self.mx * self.my
        self.cells = cells
        self.cell_of_quad = cell_of_quad
        self.assign_codes()
        self.check_cells()

    def assign_codes(self):
        rng = self.rng
        streets = self.cfg["streets"]
        pool = COMMUNITY_NAME_POOL[:]
        rng.shuffle(pool)
        pool_i = 0
        self.communities = {}  # (si, ci) -> dict(code12, name)
        by_comm = {}
        for c in self.cells:
            by_comm.setdefault((c["street"], c["comm"]), []).append(c)
        for si, (scode, sname, _, _) in enumerate(streets):
            comms = sorted({c["comm"] for c in self.cells if c["street"] == si})
            cent = {}
            for cm in comms:
                cs = by_comm[(si, cm)]
                cent[cm] = (sum(c["cy"] for c in cs) / len(cs), sum(c["cx"] for c in cs) / len(cs))
            if self.bench:
                ordered = comms
            else:
                band = 10 * DY
                ordered = sorted(comms, key=lambda cm: (-math.floor((cent[cm][0] - self.lat0) / band), cent[cm][1], cm))
            for n, cm in enumerate(ordered, start=1):
                if self.bench:
                    name = "第%d居委会" % n
                else:
                    name = pool[pool_i] + "居委会"
                    pool_i += 1
                self.communities[(si, cm)] = {"code": "%s%03d" % (scode, n), "name": name}
            for cm in comms:
                cs = by_comm[(si, cm)]
                cs.sort(key=lambda c: (-c["row"], c["cx"], c["quads"][0]))
                assert len(cs) <= 999
                for k, c in enumerate(cs, start=1):
                    info = self.communities[(si, cm)]
                    c["code"] = "%s%03d" % (info["code"], k)
                    c["street_name"] = sname
                    c["community_name"] = info["name"]
                    c["name"] = "%s%s第%03d网格" % (sname, info["name"], k)
        self.cells.sort(key=lambda c: c["code"])
        idx = {id(c): n for n, c in enumerate(self.cells)}
        # rebuild quad -> cell index after sorting
        for n, c in enumerate(self.cells):
            for q in c["quads"]:
                self.cell_of_quad[q] = n
        self.code_index = {c["code"]: n for n, c in enumerate(self.cells)}

    def check_cells(self):
        codes = [c["code"] for c in self.cells]
        assert len(set(codes)) == len(codes)
        for c in self.cells:
            assert len(c["code"]) == 15 and c["code"].isdigit()
            ring = c["ring"]
            assert ring[0] == ring[-1]
            assert MIN_CELL_AREA <= c["area_m2"] <= MAX_CELL_AREA, (c["code"], c["area_m2"])
            if self.bench:
                assert ring_area_deg(ring) > 0
            else:
                assert ring_area_exact(ring) > 0
        # vertex sets: every lattice vertex on a cell's boundary is a ring vertex (conformal)
        if not self.bench:
            for c in self.cells:
                vs = set(c["vids"])
                for (i, j) in c["quads"]:
                    for v in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)):
                        # only the two interior-edge endpoints are shared between constituent quads;
                        # all 4 corners of every quad are ring vertices
                        assert v in vs
            # streets/communities contiguous (through 4-neighbour quads)
            groups = {}
            for q in self.kept:
                groups.setdefault(("s", self.street_of[q]), set()).add(q)
                groups.setdefault(("c",) + self.comm_of[q], set()).add(q)
            for g, qs in groups.items():
                start = min(qs)
                seen, st = {start}, [start]
                while st:
                    c = st.pop()
                    for nb in ((c[0] + 1, c[1]), (c[0] - 1, c[1]), (c[0], c[1] + 1), (c[0], c[1] - 1)):
                        if nb in qs and nb not in seen:
                            seen.add(nb)
                            st.append(nb)
                assert seen == qs, ("region not contiguous", g)

    # ---------------- district geometry helpers ----------------
    def build_outline_info(self):
        kept = self.kept
        V = self.V
        self.outline_edges = []  # (a, b, cell index, (vid_a, vid_b))
        self.shared_edges = []   # (a, b, cellA, cellB)
        self.internal_edges = []  # merged-cell internal edges (a, b, cell)
        for (i, j) in sorted(kept):
            ci = self.cell_of_quad[(i, j)]
            edges = [((i, j), (i + 1, j), (i, j - 1)), ((i + 1, j), (i + 1, j + 1), (i + 1, j)),
                     ((i + 1, j + 1), (i, j + 1), (i, j + 1)), ((i, j + 1), (i, j), (i - 1, j))]
            for (va, vb, nb) in edges:
                a, b = V[va[0]][va[1]], V[vb[0]][vb[1]]
                if nb not in kept:
                    self.outline_edges.append((a, b, ci, (va, vb)))
                elif (i, j) < nb:
                    cj = self.cell_of_quad[nb]
                    if ci == cj:
                        self.internal_edges.append((a, b, ci))
                    else:
                        self.shared_edges.append((a, b, ci, cj))
        verts = {}
        for (i, j) in kept:
            for v in ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)):
                verts.setdefault(v, set()).add(self.cell_of_quad[(i, j)])
        self.vertex_cells = verts
        ov = set()
        for e in self.outline_edges:
            ov.add(e[3][0])
            ov.add(e[3][1])
        self.outline_vids = sorted(ov)
        xs = [V[i][j][0] for (i, j) in verts]
        ys = [V[i][j][1] for (i, j) in verts]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))

    def quads_near(self, p):
        i0 = int(math.floor((p[0] - self.lon0) / DX))
        j0 = int(math.floor((p[1] - self.lat0) / DY))
        out = []
        for i in range(i0 - 2, i0 + 3):
            for j in range(j0 - 2, j0 + 3):
                if (i, j) in self.kept:
                    out.append((i, j))
        return out

    def locate_exact(self, p):
        """exact cover test against the lattice: returns (sorted cell codes, on_boundary)."""
        cover = set()
        for q in self.quads_near(p):
            pts = self.quad_pts(*q)
            if not (min(t[0] for t in pts) <= p[0] <= max(t[0] for t in pts)
                    and min(t[1] for t in pts) <= p[1] <= max(t[1] for t in pts)):
                continue
            ok = True
            for k in range(4):
                if cross_exact(pts[k], pts[(k + 1) % 4], p) < 0:
                    ok = False
                    break
            if ok:
                cover.add(self.cell_of_quad[q])
        codes = sorted(self.cells[c]["code"] for c in cover)
        boundary = False
        if len(cover) > 1:
            boundary = True
        elif len(cover) == 1:
            ring = self.cells[next(iter(cover))]["ring"]
            for k in range(len(ring) - 1):
                if on_segment_exact(p, ring[k], ring[k + 1]):
                    boundary = True
                    break
        return codes, boundary

    def nearest_cells(self, p):
        best, cells = None, set()
        for (a, b, ci, _) in self.outline_edges:
            d = self.seg_dist(p, a, b)
            if best is None or d < best - 1e-7:
                best, cells = d, {ci}
            elif abs(d - best) <= 1e-7:
                cells.add(ci)
        return best, sorted(self.cells[c]["code"] for c in cells)

    def rand_in_quad(self, q, lo=0.12, hi=0.88):
        pts = self.quad_pts(*q)
        u, v = self.rng.uniform(lo, hi), self.rng.uniform(lo, hi)
        x = (1 - u) * (1 - v) * pts[0][0] + u * (1 - v) * pts[1][0] + u * v * pts[2][0] + (1 - u) * v * pts[3][0]
        y = (1 - u) * (1 - v) * pts[0][1] + u * (1 - v) * pts[1][1] + u * v * pts[2][1] + (1 - u) * v * pts[3][1]
        return (snap(x), snap(y))

    def quad_edge_margin(self, p, q):
        pts = self.quad_pts(*q)
        return min(self.seg_dist(p, pts[k], pts[(k + 1) % 4]) for k in range(4))

    def quad_center(self, q):
        pts = self.quad_pts(*q)
        return (sum(t[0] for t in pts) / 4.0, sum(t[1] for t in pts) / 4.0)

    # ---------------- zones ----------------
    def rect(self, x0, y0, x1, y1):
        x0, y0, x1, y1 = snap(x0), snap(y0), snap(x1), snap(y1)
        assert x0 < x1 and y0 < y1
        return (x0, y0, x1, y1)

    @staticmethod
    def rect_ring(r):
        x0, y0, x1, y1 = r
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]

    @staticmethod
    def rects_overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    def build_zones(self):
        rng = self.rng
        cfg = self.cfg
        prefix = cfg["prefix"]
        bx0, by0, bx1, by1 = self.bbox
        e = 0.002
        X0, Y0, X1, Y1 = snap(bx0 - e), snap(by0 - e), snap(bx1 + e), snap(by1 + e)
        self.zbox = (X0, Y0, X1, Y1)
        self.units = []
        self.zones = []
        streets = cfg["streets"]
        for (scode, sname, _, _) in streets:
            self.units.append({"id": "U-%s" % scode, "name": "%s城运分中心" % sname, "kind": "street",
                               "area": scode, "sla": 72})
        # squads
        sx, sy = cfg["squads"]
        xs = [X0] + [snap(X0 + (X1 - X0) * (k / float(sx)) + rng.uniform(-0.1, 0.1) * (X1 - X0) / sx)
                     for k in range(1, sx)] + [X1]
        ys = [Y0] + [snap(Y0 + (Y1 - Y0) * (k / float(sy)) + rng.uniform(-0.1, 0.1) * (Y1 - Y0) / sy)
                     for k in range(1, sy)] + [Y1]
        squad_rects = []
        for jy in range(sy - 1, -1, -1):       # north first
            for ix in range(sx):               # then west -> east
                squad_rects.append((xs[ix], ys[jy], xs[ix + 1], ys[jy + 1]))
        used_names = {}
        for n, r in enumerate(squad_rects, start=1):
            # name after the street with the most cell centroids inside
            cnt = {}
            for c in self.cells:
                if r[0] <= c["cx"] <= r[2] and r[1] <= c["cy"] <= r[3]:
                    cnt[c["street_name"]] = cnt.get(c["street_name"], 0) + 1
            sname = max(sorted(cnt), key=lambda s: cnt[s]) if cnt else cfg["county_name"]
            used_names[sname] = used_names.get(sname, 0) + 1
            uname = "%s城管中队" % sname if used_names[sname] == 1 else "%s城管%s中队" % (sname, CN_NUM[used_names[sname] - 1])
            uid = "U-%s-SQ%02d" % (prefix, n)
            self.units.append({"id": uid, "name": uname, "kind": "squad", "area": "", "sla": 48 if n == 1 else 72})
            self.zones.append({"id": "SQ-%02d" % n, "kind": "squad", "unit": uid, "name": uname + "责任区",
                               "rects": [r], "ring": self.rect_ring(r)})
        # rivers (Z-shaped strips ~30 m wide)
        hx, hy = snap(15.0 / self.mx), snap(15.0 / self.my)
        for n, (rname, f1, f2, ft) in enumerate(cfg["rivers"], start=1):
            y1 = snap(by0 + (by1 - by0) * f1)
            y2 = snap(by0 + (by1 - by0) * f2)
            xt = snap(bx0 + (bx1 - bx0) * ft)
            assert y2 + hy < y1 - hy
            rects = [(X0, y1 - hy, xt + hx, y1 + hy), (xt - hx, y2 - hy, xt + hx, y1 + hy), (xt - hx, y2 - hy, X1, y2 + hy)]
            ring = [(X0, y1 - hy), (xt - hx, y1 - hy), (xt - hx, y2 - hy), (X1, y2 - hy), (X1, y2 + hy),
                    (xt + hx, y2 + hy), (xt + hx, y1 + hy), (X0, y1 + hy), (X0, y1 - hy)]
            assert ring_area_exact(ring) > 0
            uid = "U-%s-RV%02d" % (prefix, n)
            self.units.append({"id": uid, "name": "%s河长办" % rname, "kind": "river", "area": "", "sla": 48})
            self.zones.append({"id": "RV-%02d" % n, "kind": "river", "unit": uid, "name": "%s河长段" % rname,
                               "rects": rects, "ring": ring})
        self.build_points_and_markets()
        # property zones
        comps = cfg["property_companies"]
        comp_units = []
        for n, cname in enumerate(comps, start=1):
            uid = "U-%s-PM%02d" % (prefix, n)
            comp_units.append(uid)
            self.units.append({"id": uid, "name": cname, "kind": "property", "area": "", "sla": 24 if n == 2 else 72})
        prects = []
        inner = sorted(q for q in self.kept if all(nb in self.kept for nb in self.nbrs8(q)))
        tries = 0
        while len(prects) < cfg["n_property"]:
            tries += 1
            assert tries < 20000
            q = rng.choice(inner)
            cx, cy = self.quad_center(q)
            w = rng.uniform(150, 300) / self.mx
            h = rng.uniform(150, 300) / self.my
            r = self.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if not (self.bbox[0] <= r[0] and r[2] <= self.bbox[2] and self.bbox[1] <= r[1] and r[3] <= self.bbox[3]):
                continue
            if any(self.rects_overlap(r, o) for o in prects):
                continue
            prects.append(r)
        prects.sort(key=lambda r: (-r[3], r[0]))
        suffixes = ["苑", "花园", "新村", "公寓", "小区", "家园", "名邸", "城"]
        pnames = rng.sample(COMMUNITY_NAME_POOL, len(prects))
        for n, r in enumerate(prects, start=1):
            nm = pnames[n - 1] + rng.choice(suffixes)
            self.zones.append({"id": "PR-%02d" % n, "kind": "property", "unit": comp_units[(n - 1) % len(comp_units)],
                               "name": nm, "rects": [r], "ring": self.rect_ring(r)})
        self.check_zones()

    def nbrs8(self, q):
        return [(q[0] + a, q[1] + b) for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0)]

    def check_zones(self):
        for z in self.zones:
            for p in z["ring"]:
                assert is_q(p[0]) and is_q(p[1])
            assert z["ring"][0] == z["ring"][-1] and ring_area_exact(z["ring"]) > 0
        kinds = {}
        for z in self.zones:
            kinds.setdefault(z["kind"], []).append(z)
        for k, zs in kinds.items():
            for a in range(len(zs)):
                for b in range(a + 1, len(zs)):
                    for ra in zs[a]["rects"]:
                        for rb in zs[b]["rects"]:
                            assert not self.rects_overlap(ra, rb), ("zones overlap", zs[a]["id"], zs[b]["id"])
        self.zones_by_kind = kinds

    # ---------------- inspection points + markets ----------------
    def build_points_and_markets(self):
        rng = self.rng
        cfg = self.cfg
        prefix = cfg["prefix"]
        kept = self.kept
        V = self.V
        inner = sorted(q for q in kept if all(nb in kept for nb in self.nbrs8(q)))
        inner2 = [q for q in inner if all(nb in kept for nb in ((q[0] + a, q[1] + b) for a in range(-3, 4) for b in range(-3, 4)))]
        roads = cfg["roads"]
        pts = []
        # markets + market zones
        mrects = []
        tries = 0
        while len(mrects) < cfg["n_markets"]:
            tries += 1
            assert tries < 20000
            q = rng.choice(inner2)
            cx, cy = self.quad_center(q)
            w, h = rng.uniform(40, 80) / self.mx, rng.uniform(30, 60) / self.my
            poly = self.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            m = rng.uniform(60, 100)
            zr = self.rect(poly[0] - m / self.mx, poly[1] - m / self.my, poly[2] + m / self.mx, poly[3] + m / self.my)
            if any(self.rects_overlap(zr, o[1]) for o in mrects):
                continue
            mrects.append((poly, zr))
        mrects.sort(key=lambda t: (-t[1][3], t[1][0]))
        self.market_polys = []
        for n, (poly, zr) in enumerate(mrects, start=1):
            road = roads[(n * 3) % len(roads)]
            name = "%s菜市场" % road
            uid = "U-%s-MK%02d" % (prefix, n)
            self.units.append({"id": uid, "name": "%s管理方" % name, "kind": "market", "area": "", "sla": 24})
            self.zones.append({"id": "MK-%02d" % n, "kind": "market", "unit": uid, "name": "%s周边" % name,
                               "rects": [zr], "ring": self.rect_ring(zr)})
            pts.append({"type": "market", "name": name, "geom": ("Polygon", self.rect_ring(poly)),
                        "radius": rng.choice([50, 60, 80])})
        # key roads: along a row of lattice vertices inside the district
        vset = set(self.vertex_cells)
        used_rows = set()
        for n in range(cfg["n_roads"]):
            for _ in range(1000):
                j = rng.randint(2, self.ny - 2)
                if j in used_rows or (j - 1) in used_rows or (j + 1) in used_rows:
                    continue
                runs, cur = [], []
                for i in range(self.nx + 1):
                    if (i, j) in vset:
                        cur.append(i)
                    else:
                        if cur:
                            runs.append(cur)
                        cur = []
                if cur:
                    runs.append(cur)
                runs = [r for r in runs if len(r) >= 8]
                if not runs:
                    continue
                run = rng.choice(runs)
                L = rng.randint(6, min(12, len(run)))
                s = rng.randint(0, len(run) - L)
                line = [V[i][j] for i in run[s:s + L]]
                used_rows.add(j)
                pts.append({"type": "key_road", "name": "%s（重点道路）" % roads[(5 * n + 1) % len(roads)],
                            "geom": ("LineString", line), "radius": rng.choice([30, 40, 50])})
                break
        # intersections: interior lattice vertices
        ivs = sorted(v for v, cs in self.vertex_cells.items()
                     if all(q in kept for q in ((v[0] - 1, v[1] - 1), (v[0], v[1] - 1), (v[0] - 1, v[1]), (v[0], v[1]))))
        for n, v in enumerate(rng.sample(ivs, cfg["n_intersections"])):
            r1, r2 = roads[(2 * n) % len(roads)], roads[(2 * n + 7) % len(roads)]
            pts.append({"type": "intersection", "name": "%s/%s路口" % (r1, r2), "geom": ("Point", V[v[0]][v[1]]),
                        "radius": rng.choice([30, 40, 60])})
        # service centres: one per street
        for si, (scode, sname, _, _) in enumerate(cfg["streets"]):
            cand = [q for q in inner if self.street_of[q] == si]
            q = rng.choice(cand)
            c = self.rand_in_quad(q, 0.3, 0.7)
            pts.append({"type": "service_center", "name": "%s社区事务受理服务中心" % sname, "geom": ("Point", c),
                        "radius": rng.choice([20, 25, 30])})
        # community polygons and malls
        for typ, cnt, lo, hi, rad in (("community", cfg["n_community_pts"], 150, 250, [20, 30, 40]),
                                      ("mall", cfg["n_malls"], 80, 150, [50, 80, 100])):
            for n in range(cnt):
                q = rng.choice(inner2)
                cx, cy = self.quad_center(q)
                w, h = rng.uniform(lo, hi) / self.mx, rng.uniform(lo, hi) / self.my
                poly = self.rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                if typ == "community":
                    name = rng.choice(COMMUNITY_NAME_POOL) + rng.choice(["小区", "新村", "花园"])
                else:
                    name = "%s%s" % (roads[(3 * n + 2) % len(roads)].replace("路", ""), rng.choice(["广场", "购物中心", "商厦"]))
                pts.append({"type": typ, "name": name, "geom": ("Polygon", self.rect_ring(poly)), "radius": rng.choice(rad)})
        assert 15 <= len(pts) <= 30 or self.bench
        for n, p in enumerate(pts, start=1):
            p["id"] = "PT-%02d" % n
            assert 20 <= p["radius"] <= 100
            g = p["geom"]
            coords = [g[1]] if g[0] == "Point" else g[1]
            for c in coords:
                assert is_q(c[0]) and is_q(c[1])
            if g[0] == "Polygon":
                assert ring_area_exact(g[1]) > 0
        self.points = pts

    def geom_dist(self, p, g):
        kind, c = g
        if kind == "Point":
            return self.pt_dist(p, c)
        if kind == "LineString":
            return min(self.seg_dist(p, c[k], c[k + 1]) for k in range(len(c) - 1))
        # axis-aligned rectangle polygons only
        xs = [t[0] for t in c]
        ys = [t[1] for t in c]
        if min(xs) <= p[0] <= max(xs) and min(ys) <= p[1] <= max(ys):
            return 0.0
        return min(self.seg_dist(p, c[k], c[k + 1]) for k in range(len(c) - 1))

    # ---------------- answers ----------------
    def zones_covering(self, p, kind):
        out = []
        for z in self.zones_by_kind.get(kind, []):
            for (x0, y0, x1, y1) in z["rects"]:
                if x0 <= p[0] <= x1 and y0 <= p[1] <= y1:
                    out.append(z)
                    break
        return sorted(out, key=lambda z: z["id"])

    def route(self, p, category, cell):
        r = RULE_MAP.get(category)
        if r:
            for kind in r.split(">"):
                zs = self.zones_covering(p, kind)
                if zs:
                    return zs[0]["unit"], kind, zs[0]["id"]
        if cell:
            for u in self.units:
                if u["area"] == cell[:9]:
                    return u["id"], "street", ""
        return "", "none", ""

    def points_within(self, p):
        return ";".join(sorted(pt["id"] for pt in self.points if self.geom_dist(p, pt["geom"]) <= pt["radius"]))

    def margin(self, p):
        m = float("inf")
        for z in self.zones:
            r = z["ring"]
            for k in range(len(r) - 1):
                m = min(m, self.seg_dist(p, r[k], r[k + 1]))
        for pt in self.points:
            m = min(m, abs(self.geom_dist(p, pt["geom"]) - pt["radius"]))
        return m

    def expected(self, p, category, tie=None):
        """`tie`: the codes of cells known to be equidistant from p (see truth_ties), whose
        distances this class's single metric cannot tell apart to the millimetre."""
        codes, boundary = self.locate_exact(p)
        if codes:
            status = "boundary" if boundary else "inside"
            cell, cells, dist = codes[0], ";".join(codes), "0"
        else:
            d, near = self.nearest_cells(p)
            if tie:
                near = sorted(tie)
            dist = fmt_dist(d)
            assert abs(d - SNAP_LIMIT_M) >= 0.9, d
            if d <= SNAP_LIMIT_M:
                status, cell, cells = "snapped", near[0], ""
            else:
                status, cell, cells = "outside", "", ""
        # Zone routing and the street fallback only for an order with a cell: an outside order
        # is a transfer (manual dispatch), even where a zone drawn past the edge covers it.
        unit, route, zone = self.route(p, category, cell) if cell else ("", "none", "")
        return {"status": status, "cell": cell, "cells": cells, "street": cell[:9], "community": cell[:12],
                "unit": unit, "route": route, "zone": zone, "distance_m": dist, "points": self.points_within(p)}

    # ---------------- truth ----------------
    def build_truth(self):
        rng = self.rng
        cats = [c for c, _ in RULES]
        rows = []  # (lon_str, lat_str, crs, category, case, expected)

        def add(p, case, exp_checks=None, crs=None, cat=None, margin_min=1.0, enc=None):
            if self.margin(p) < margin_min:
                return False
            cat = cat or rng.choice(cats)
            e = self.expected(p, cat)
            if exp_checks:
                for k, v in exp_checks.items():
                    assert e[k] == v, (case, p, k, e[k], v)
            if enc is None:
                crs = crs if crs is not None else rng.choice(["", "wgs84"])
                rows.append((repr(p[0]), repr(p[1]), crs, cat, case, e))
            else:
                rows.append((enc[0], enc[1], enc[2], cat, case, e))
            return True

        cells = self.cells
        # interior: centroid of three consecutive vertices of a constituent quad
        for ci in rng.sample(range(len(cells)), min(250, len(cells))):
            c = cells[ci]
            q = rng.choice(c["quads"])
            pts = self.quad_pts(*q)
            k = rng.randrange(4)
            a, b, d = pts[k], pts[(k + 1) % 4], pts[(k + 2) % 4]
            p = ((a[0] + b[0] + d[0]) / 3.0, (a[1] + b[1] + d[1]) / 3.0)
            add(p, "interior", {"status": "inside", "cells": c["code"], "cell": c["code"]})
        # interior: points on the dissolved internal edge of merged cells
        ie = self.internal_edges[:]
        for (a, b, ci) in rng.sample(ie, min(60, len(ie))):
            k = rng.randint(1, 7)
            p = (a[0] + (b[0] - a[0]) * k / 8.0, a[1] + (b[1] - a[1]) * k / 8.0)
            assert on_segment_exact(p, a, b)
            add(p, "interior", {"status": "inside", "cells": cells[ci]["code"]})
        # edge: shared edges between two cells
        for (a, b, ci, cj) in rng.sample(self.shared_edges, min(300, len(self.shared_edges))):
            k = rng.randint(1, 7)
            p = (a[0] + (b[0] - a[0]) * k / 8.0, a[1] + (b[1] - a[1]) * k / 8.0)
            assert on_segment_exact(p, a, b)
            codes = sorted([cells[ci]["code"], cells[cj]["code"]])
            add(p, "edge", {"status": "boundary", "cells": ";".join(codes), "cell": codes[0], "distance_m": "0"})
        # vertex: lattice vertices shared by 2-4 cells
        vs = sorted(v for v, cs in self.vertex_cells.items() if len(cs) >= 2)
        for v in rng.sample(vs, min(250, len(vs))):
            p = self.V[v[0]][v[1]]
            codes = sorted(cells[c]["code"] for c in self.vertex_cells[v])
            for c in self.vertex_cells[v]:
                assert any(on_segment_exact(p, cells[c]["ring"][k], cells[c]["ring"][k + 1]) for k in range(len(cells[c]["ring"]) - 1))
            add(p, "vertex", {"status": "boundary", "cells": ";".join(codes), "cell": codes[0]})
        # outline: points on outline edges (t = k/8, k = 0..7)
        oe = [(e, k) for e in self.outline_edges for k in range(8)]
        for ((a, b, ci, _), k) in rng.sample(oe, min(200, len(oe))):
            p = (a[0] + (b[0] - a[0]) * k / 8.0, a[1] + (b[1] - a[1]) * k / 8.0)
            assert on_segment_exact(p, a, b)
            exp = {"status": "boundary"}
            if k > 0:
                exp["cells"] = cells[ci]["code"]
            add(p, "outline", exp)
        # outside: due W/E/N/S of the extreme vertices, plus hull-vertex normals
        self.truth_outside(add)
        # gcj02 / bd09
        quads = sorted(self.kept)
        for crs, n in (("gcj02", 80), ("bd09", 80)):
            got = 0
            for _ in range(5000):
                if got >= n:
                    break
                q = rng.choice(quads)
                p = self.rand_in_quad(q)
                if self.quad_edge_margin(p, q) < 5.0:
                    continue
                g = wgs84_to_gcj02(*p)
                if crs == "bd09":
                    g = gcj02_to_bd09(*g)
                enc = ("%.9f" % g[0], "%.9f" % g[1], crs)
                if add(p, crs, {"status": "inside", "cells": cells[self.cell_of_quad[q]]["code"]}, margin_min=5.0, enc=enc):
                    got += 1
        # zone: exercise every route branch for every category (+ unknown categories)
        self.truth_zones(add)
        # point: near inspection points, inside and outside radius
        for pt in self.points:
            near = [q for q in quads if self.geom_dist(self.quad_center(q), pt["geom"]) <= pt["radius"] + 120]
            want = {"in": 4, "out": 4}
            for _ in range(3000):
                if want["in"] <= 0 and want["out"] <= 0:
                    break
                q = rng.choice(near)
                p = self.rand_in_quad(q, 0.02, 0.98)
                d = self.geom_dist(p, pt["geom"])
                side = "in" if d <= pt["radius"] else "out"
                if want[side] <= 0 or d > pt["radius"] + 60:
                    continue
                if add(p, "point", {"status": "inside", "cells": cells[self.cell_of_quad[q]]["code"]}):
                    assert (pt["id"] in self.points_within(p).split(";")) == (side == "in")
                    want[side] -= 1
        # zone_edge: exactly on the line between squads (covered by two squads -> smallest id)
        sq = self.zones_by_kind["squad"]
        xsplit = sq[0]["rects"][0][2]
        for _ in range(200):
            if sum(1 for r in rows if r[4] == "zone_edge") >= 6:
                break
            q = rng.choice(quads)
            p = self.rand_in_quad(q)
            p = (xsplit, p[1])
            codes, boundary = self.locate_exact(p)
            if not codes or boundary:
                continue
            # only squad/street routes, keep away from other zone edges
            others = [z for z in self.zones if z["kind"] != "squad"]
            if min(self.seg_dist(p, z["ring"][k], z["ring"][k + 1]) for z in others for k in range(len(z["ring"]) - 1)) < 1.0:
                continue
            if min(abs(self.geom_dist(p, t["geom"]) - t["radius"]) for t in self.points) < 1.0:
                continue
            cat = rng.choice(["违法搭建", "乱张贴", "油烟扰民", "违规户外广告"])
            e = self.expected(p, cat)
            assert e["route"] == "squad"
            rows.append((repr(p[0]), repr(p[1]), "", cat, "zone_edge", e))
        # invalid
        inv = [("", "31.3", ""), ("121.43", "", ""), ("NaN", "31.3", ""), ("121.43", "NaN", ""), ("inf", "31.3", ""),
               ("121.43", "-inf", ""), ("200", "31.3", ""), ("-200", "31.3", ""), ("121.43", "-91", ""),
               ("121.43", "95", ""), ("999", "999", ""), ("abc", "31.3", ""), ("121.43", "31,3", ""),
               ("121°26'", "31.3", ""), ("nan", "nan", "wgs84"), ("", "", "gcj02")]
        c0 = cells[len(cells) // 2]
        good = (repr(c0["cx"]), repr(c0["cy"]))
        inv += [(good[0], good[1], "EPSG:999999"), (good[0], good[1], "mars"), (good[0], good[1], "EPSG:4326x"),
                (good[0], good[1], "utm")]
        for (lon, lat, crs) in inv:
            e = {"status": "invalid", "cell": "", "cells": "", "street": "", "community": "", "unit": "",
                 "route": "none", "zone": "", "distance_m": "", "points": ""}
            rows.append((lon, lat, crs, rng.choice(cats), "invalid", e))
        # Appended last, with their own generator, so the rows above and orders.csv (drawn from
        # self.rng after the truth) stay as they were.
        self.truth_outside_zone(rows)
        self.truth_ties(rows)
        self.truth_rows = rows

    def truth_outside_zone(self, rows):
        """outside_zone: outside orders (51-180 m due W/E/N/S of the extreme outline vertices)
        that lie inside a squad or river zone drawn past the district edge, in a category whose
        route names that kind: route none, no unit, on the manual-dispatch list."""
        V = self.V
        ov = self.outline_vids
        rng = random.Random("wangge-%s-truth-outside-zone" % self.key)
        dirs = [(lambda v: (V[v[0]][v[1]][0], V[v[0]][v[1]][1]), (-1, 0)),
                (lambda v: (-V[v[0]][v[1]][0], V[v[0]][v[1]][1]), (1, 0)),
                (lambda v: (-V[v[0]][v[1]][1], V[v[0]][v[1]][0]), (0, 1)),
                (lambda v: (V[v[0]][v[1]][1], V[v[0]][v[1]][0]), (0, -1))]
        zoned = [c for c, r in RULES if r]
        for (key, u) in dirs:
            v = min(ov, key=key)
            P = V[v[0]][v[1]]
            for d in (60, 110, 170):
                p = (snap(P[0] + u[0] * d / self.mx), snap(P[1] + u[1] * d / self.my))
                dd, _ = self.nearest_cells(p)
                if dd <= SNAP_LIMIT_M + 1 or self.margin(p) < 1.0:
                    continue
                cats = [c for c in zoned if any(self.zones_covering(p, k) for k in RULE_MAP[c].split(">"))]
                if not cats:
                    continue
                cat = rng.choice(cats)
                e = self.expected(p, cat)
                assert e["status"] == "outside" and e["unit"] == "" and e["route"] == "none", e
                rows.append((repr(p[0]), repr(p[1]), "", cat, "outside_zone", e))

    def truth_ties(self, rows):
        """tie: snapped orders equidistant from two cells; the smallest code wins.
        (a) At an outline vertex P shared by exactly two cells, each with one outline edge ending
        there, where the outline does not turn inwards: a point on the bisector of the two
        outward normals has P itself as its nearest point on both cells.
        (b) In a notch of the outline (the outline turns inwards at P, between two cells): a
        point on the bisector of the outside wedge is at the same distance from both edges,
        with its nearest points inside the two edges, so the two distances are computed along
        different segments and agree only to rounding. The bisector is taken in the local
        metric at P's latitude (conformal to EPSG:4549 up to ~1e-7 over these distances)."""
        V = self.V
        rng = random.Random("wangge-%s-truth-ties" % self.key)
        at = {}
        for (a, b, ci, (va, vb)) in self.outline_edges:
            at.setdefault(va, []).append(("out", a, b, ci))
            at.setdefault(vb, []).append(("in", a, b, ci))
        convex, notches = [], []
        for v in self.outline_vids:
            es = at.get(v, [])
            if len(es) != 2 or {e[0] for e in es} != {"in", "out"}:
                continue
            e_in = next(e for e in es if e[0] == "in")
            e_out = next(e for e in es if e[0] == "out")
            if e_in[3] == e_out[3]:
                continue
            P = V[v[0]][v[1]]
            lmx, lmy = metric(P[1])
            d1 = ((e_in[2][0] - e_in[1][0]) * lmx, (e_in[2][1] - e_in[1][1]) * lmy)
            d2 = ((e_out[2][0] - e_out[1][0]) * lmx, (e_out[2][1] - e_out[1][1]) * lmy)
            l1, l2 = math.hypot(*d1), math.hypot(*d2)
            n1, n2 = (d1[1] / l1, -d1[0] / l1), (d2[1] / l2, -d2[0] / l2)   # outward: to the right
            bis = (n1[0] + n2[0], n1[1] + n2[1])
            lb = math.hypot(*bis)
            u = (bis[0] / lb, bis[1] / lb)
            turn = (d1[0] * d2[1] - d1[1] * d2[0]) / (l1 * l2)
            if turn >= -1e-9 and self.vertex_cells[v] == {e_in[3], e_out[3]}:
                convex.append((v, u))
            elif turn < -0.2:
                # The outside wedge between the rays P->a of e_in and P->b of e_out.
                w1, w2 = (-d1[0] / l1, -d1[1] / l1), (d2[0] / l2, d2[1] / l2)
                half = math.acos(max(-1.0, min(1.0, w1[0] * w2[0] + w1[1] * w2[1]))) / 2
                notches.append((v, u, half, min(l1, l2), (e_in, e_out), (lmx, lmy)))
        got = 0
        for (v, u) in rng.sample(convex, len(convex)):
            if got >= 6:
                break
            P = V[v[0]][v[1]]
            d = rng.choice([8, 15, 25, 35, 45])
            p = (P[0] + u[0] * d / self.mx, P[1] + u[1] * d / self.my)
            dd, near = self.nearest_cells(p)
            codes = sorted(self.cells[c]["code"] for c in self.vertex_cells[v])
            if near != codes or abs(dd - self.pt_dist(p, P)) > 1e-6 or self.margin(p) < 1.0:
                continue
            cat = rng.choice([c for c, _ in RULES])
            e = self.expected(p, cat)
            assert e["status"] == "snapped" and e["cell"] == codes[0], (e, codes)
            rows.append((repr(p[0]), repr(p[1]), "", cat, "tie", e))
            got += 1
        got = 0
        for (v, u, half, shortest, (e_in, e_out), (lmx, lmy)) in rng.sample(notches, len(notches)):
            if got >= 12:
                break
            P = V[v[0]][v[1]]
            d = rng.choice([5, 10, 15, 20, 30])
            r = d / math.sin(half)
            if r * math.cos(half) > shortest - 2:
                continue   # the nearest points must lie inside the two edges
            p = (P[0] + u[0] * r / lmx, P[1] + u[1] * r / lmy)
            def local(a, b):
                ax, ay = (a[0] - p[0]) * lmx, (a[1] - p[1]) * lmy
                bx, by = (b[0] - p[0]) * lmx, (b[1] - p[1]) * lmy
                dx, dy = bx - ax, by - ay
                t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
                return math.hypot(ax + t * dx, ay + t * dy)
            da, db = local(e_in[1], e_in[2]), local(e_out[1], e_out[2])
            assert abs(da - db) < 1e-6 and abs(da - d) < 1e-6, (da, db, d)
            if self.locate_exact(p)[0] or self.margin(p) < 1.0:
                continue
            tie = sorted([self.cells[e_in[3]]["code"], self.cells[e_out[3]]["code"]])
            dd, near = self.nearest_cells(p)
            # No third cell nearer (by more than the metrics can differ), none as near.
            others = [c for (a, b, ci, _) in self.outline_edges if self.cells[ci]["code"] not in tie
                      for c in [self.seg_dist(p, a, b)]]
            if abs(dd - d) > 0.02 or (others and min(others) < d + 1.0):
                continue
            cat = rng.choice([c for c, _ in RULES])
            e = self.expected(p, cat, tie=tie)
            assert e["status"] == "snapped" and e["cell"] == tie[0], (e, tie)
            rows.append((repr(p[0]), repr(p[1]), "", cat, "tie", e))
            got += 1

    def truth_outside(self, add):
        V = self.V
        ov = self.outline_vids
        dists = [10, 30, 49, 51, 80, 250, 1000]
        dirs = [("W", lambda v: (V[v[0]][v[1]][0], V[v[0]][v[1]][1]), (-1, 0)),
                ("E", lambda v: (-V[v[0]][v[1]][0], V[v[0]][v[1]][1]), (1, 0)),
                ("N", lambda v: (-V[v[0]][v[1]][1], V[v[0]][v[1]][0]), (0, 1)),
                ("S", lambda v: (V[v[0]][v[1]][1], V[v[0]][v[1]][0]), (0, -1))]
        for (name, key, u) in dirs:
            v = min(ov, key=key)
            P = V[v[0]][v[1]]
            vcodes = sorted(self.cells[c]["code"] for c in self.vertex_cells[v])
            for d in dists:
                p = (P[0] + u[0] * d / self.mx, P[1] + u[1] * d / self.my)
                dd, near = self.nearest_cells(p)
                exact_d = self.pt_dist(p, P)
                assert abs(dd - exact_d) < 1e-6 and abs(exact_d - d) < 1e-6, (dd, exact_d, d)
                assert near == vcodes, (near, vcodes)
                if d < SNAP_LIMIT_M:
                    add(p, "outside", {"status": "snapped", "cell": vcodes[0], "cells": "", "distance_m": fmt_dist(exact_d)})
                else:
                    add(p, "outside", {"status": "outside", "cell": "", "cells": "", "distance_m": fmt_dist(exact_d)})
        # convex-hull vertices: direction = bisector of the outward normals (metric space)
        pts = sorted(set((V[a][b][0] * self.mx, V[a][b][1] * self.my, (a, b)) for (a, b) in ov))
        hull = []
        for pnt in pts + pts[::-1][1:]:
            pass
        # monotone chain
        def crs(o, a, b):
            return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
        lower, upper = [], []
        for p in pts:
            while len(lower) >= 2 and crs(lower[-2], lower[-1], p) <= 0:
                lower.pop()
            lower.append(p)
        for p in reversed(pts):
            while len(upper) >= 2 and crs(upper[-2], upper[-1], p) <= 0:
                upper.pop()
            upper.append(p)
        hull = lower[:-1] + upper[:-1]  # CCW
        cand = []
        n = len(hull)
        for k in range(n):
            a, b, c = hull[k - 1], hull[k], hull[(k + 1) % n]
            e1 = (b[0] - a[0], b[1] - a[1])
            e2 = (c[0] - b[0], c[1] - b[1])
            n1 = (e1[1], -e1[0])
            n2 = (e2[1], -e2[0])
            l1, l2 = math.hypot(*n1), math.hypot(*n2)
            n1 = (n1[0] / l1, n1[1] / l1)
            n2 = (n2[0] / l2, n2[1] / l2)
            ang = math.acos(max(-1.0, min(1.0, n1[0] * n2[0] + n1[1] * n2[1])))
            if ang < math.radians(20):
                continue
            bis = (n1[0] + n2[0], n1[1] + n2[1])
            lb = math.hypot(*bis)
            cand.append((b[2], (bis[0] / lb, bis[1] / lb)))
        rng = self.rng
        for (v, u) in rng.sample(cand, min(10, len(cand))):
            P = V[v[0]][v[1]]
            vcodes = sorted(self.cells[c]["code"] for c in self.vertex_cells[v])
            for d in rng.sample([12, 25, 40, 60, 120, 400], 2):
                p = (P[0] + u[0] * d / self.mx, P[1] + u[1] * d / self.my)
                dd, near = self.nearest_cells(p)
                exact_d = self.pt_dist(p, P)
                assert abs(dd - exact_d) < 1e-6 and near == vcodes, (dd, exact_d, near, vcodes)
                st = "snapped" if exact_d < SNAP_LIMIT_M else "outside"
                add(p, "outside", {"status": st, "cell": vcodes[0] if st == "snapped" else "", "distance_m": fmt_dist(exact_d)})

    def truth_zones(self, add):
        rng = self.rng
        quads = sorted(self.kept)
        cats = [c for c, _ in RULES] + UNKNOWN_CATEGORIES
        pools = {}
        for kind, zs in self.zones_by_kind.items():
            if kind == "squad":
                pools[kind] = quads
                continue
            pool = []
            for q in quads:
                c = self.quad_center(q)
                for z in zs:
                    x0, y0, x1, y1 = z["rects"][0] if len(z["rects"]) == 1 else (
                        min(r[0] for r in z["rects"]), min(r[1] for r in z["rects"]),
                        max(r[2] for r in z["rects"]), max(r[3] for r in z["rects"]))
                    if x0 - DX <= c[0] <= x1 + DX and y0 - DY <= c[1] <= y1 + DY:
                        pool.append(q)
                        break
            pools[kind] = pool
        for cat in cats:
            r = RULE_MAP.get(cat, "")
            kinds = r.split(">") if r else []
            branches = [("hit", k) for k in kinds] + [("fallback", None)]
            for (br, kind) in branches:
                pool = pools[kind] if br == "hit" else quads
                if not pool:
                    continue
                got = 0
                for _ in range(400):
                    if got >= 4:
                        break
                    q = rng.choice(pool)
                    p = self.rand_in_quad(q, 0.02, 0.98)
                    e_route = self.route(p, cat, self.cells[self.cell_of_quad[q]]["code"])
                    ok = (e_route[1] == kind) if br == "hit" else (e_route[1] == "street")
                    if not ok:
                        continue
                    if add(p, "zone", {"status": "inside", "cells": self.cells[self.cell_of_quad[q]]["code"]}, cat=cat):
                        got += 1

    # ---------------- orders ----------------
    def build_orders(self, n, rng=None):
        rng = rng or self.rng
        cfg = self.cfg
        quads = sorted(self.kept)
        cats = [c for c, _ in RULES]
        cw = []
        for c in cats:
            cw.append((cw[-1] if cw else 0) + CATEGORY_WEIGHTS[c])
        market_cats = ["乱设摊", "占道经营", "店招店牌破损", "暴露垃圾", "共享单车乱停放"]
        chans = [c for c, _ in CHANNELS]
        chw = []
        for _, w in CHANNELS:
            chw.append((chw[-1] if chw else 0) + w)
        roads = cfg["roads"]
        hot = []
        for pt in self.points:
            if pt["type"] in ("market", "intersection", "mall"):
                g = pt["geom"]
                c = g[1] if g[0] == "Point" else (sum(t[0] for t in g[1][:-1]) / (len(g[1]) - 1),
                                                  sum(t[1] for t in g[1][:-1]) / (len(g[1]) - 1))
                hot.append((c, 3.0 if pt["type"] == "market" else 1.5, pt["type"]))
        hw = []
        for h in hot:
            hw.append((hw[-1] if hw else 0) + h[1])
        street_names = [s[1] for s in cfg["streets"]]
        bx0, by0, bx1, by1 = self.bbox
        hour_w = []
        for w in [1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 10, 12, 13, 12, 11, 10, 8, 6, 4, 3, 2, 1]:
            hour_w.append((hour_w[-1] if hour_w else 0) + w)
        landmarks = ["近公交站", "小区门口", "菜场旁", "学校对面", "地铁站出口", "沿街商铺前"]
        descs = ["{c}，请尽快处理", "市民反映{c}问题，已持续多日", "{c}，影响通行", "巡查发现{c}",
                 "市民来电称\"{c}\"，要求处理", "{c}，多次反映未解决"]
        quad_cells = self.cell_of_quad
        base = []
        for k in range(n):
            r = rng.random()
            if r < 0.35 and hot:
                h = rng.choices(hot, cum_weights=hw)[0]
                x = h[0][0] + rng.gauss(0, 40.0) / self.mx
                y = h[0][1] + rng.gauss(0, 40.0) / self.my
                cat = rng.choice(market_cats) if (h[2] == "market" and rng.random() < 0.7) else rng.choices(cats, cum_weights=cw)[0]
                q = (int((x - self.lon0) // DX), int((y - self.lat0) // DY))
            else:
                q = rng.choice(quads)
                pts = self.quad_pts(*q)
                u, v = rng.random(), rng.random()
                x = (1 - u) * (1 - v) * pts[0][0] + u * (1 - v) * pts[1][0] + u * v * pts[2][0] + (1 - u) * v * pts[3][0]
                y = (1 - u) * (1 - v) * pts[0][1] + u * (1 - v) * pts[1][1] + u * v * pts[2][1] + (1 - u) * v * pts[3][1]
                cat = rng.choices(cats, cum_weights=cw)[0]
            if rng.random() < 0.01:
                cat = rng.choice(UNKNOWN_CATEGORIES)
            day = rng.randrange(365)
            minute = rng.choices(range(24), cum_weights=hour_w)[0] * 60 + rng.randrange(60)
            ci = quad_cells.get(q)
            sname = self.cells[ci]["street_name"] if ci is not None else rng.choice(street_names)
            base.append([day * 1440 + minute, x, y, cat, sname])
            # repeats at (almost) the same place within a few days
            if rng.random() < 0.08 and len(base) < n:
                t = base[-1][0] + rng.randint(600, 5 * 1440)
                if t < 365 * 1440:
                    base.append([t, x + rng.uniform(-8, 8) / self.mx, y + rng.uniform(-8, 8) / self.my, cat, sname])
            if len(base) >= n:
                break
        base = base[:n]
        base.sort(key=lambda b: b[0])
        month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for k, (t, x, y, cat, sname) in enumerate(base, start=1):
            day, minute = divmod(t, 1440)
            m = 0
            while day >= month_days[m]:
                day -= month_days[m]
                m += 1
            ts = "2025-%02d-%02dT%02d:%02d:00+08:00" % (m + 1, day + 1, minute // 60, minute % 60)
            r = rng.random()
            crs = "gcj02" if r < 0.03 else ("bd09" if r < 0.05 else ("wgs84" if r < 0.40 else ""))
            r2 = rng.random()
            if r2 < 0.01:  # a bit outside the district
                side = rng.randrange(4)
                off = rng.uniform(100, 600)
                if side == 0:
                    x, y = bx0 - off / self.mx, rng.uniform(by0, by1)
                elif side == 1:
                    x, y = bx1 + off / self.mx, rng.uniform(by0, by1)
                elif side == 2:
                    x, y = rng.uniform(bx0, bx1), by0 - off / self.my
                else:
                    x, y = rng.uniform(bx0, bx1), by1 + off / self.my
            if self.order_places is not None:
                self.order_places.append(None if 0.01 <= r2 < 0.02 else (x, y))
            if crs == "gcj02":
                x, y = wgs84_to_gcj02(x, y)
            elif crs == "bd09":
                x, y = gcj02_to_bd09(*wgs84_to_gcj02(x, y))
            lon, lat = "%.6f" % x, "%.6f" % y
            if 0.01 <= r2 < 0.02:  # unusable coordinates
                lon, lat = rng.choice([("", ""), ("NaN", "NaN"), ("999", lat), (lon, "95"), ("abc", lat), (lon, "")])
            road = rng.choice(roads)
            addr = "上海市%s%s%s%d号" % (cfg["county_name"], sname, road, rng.randint(1, 1800))
            if rng.random() < 0.15:
                addr += "," + rng.choice(landmarks)
            desc = rng.choice(descs).format(c=cat)
            yield ("%s2025%06d" % (cfg["prefix"], k), lon, lat, crs, cat, ts, addr,
                   rng.choices(chans, cum_weights=chw)[0], desc)

    # ---------------- handling history ----------------
    def build_events(self, seed):
        """A year of handling (events.csv, the `wangge import events` format), consistent with
        the routing rules: each order goes to the unit the truth rules give its true place, is
        dispatched within hours, and most are closed within that unit's sla_hours; each unit has
        its own share of late closures; some closed orders are reopened (返工) and handled
        again; a few of the last month stall. Orders without a unit (unusable coordinates, outside the grid) stay
        received: they are for manual dispatch. Changes after HISTORY_END are not recorded.
        A generator of its own, so every other file is unchanged by it."""
        rng = random.Random("wangge-events-%s-%d" % (self.key, seed))
        sla = {u["id"]: u["sla"] for u in self.units}
        late_share = {uid: rng.choice([0.04, 0.08, 0.12, 0.2, 0.3]) for uid in sorted(sla)}
        rows = []
        hour = datetime.timedelta(hours=1)

        def at(t):
            return t.replace(second=0, microsecond=0).isoformat()

        for order, place in zip(self.orders, self.order_places):
            if place is None:
                continue
            codes, _ = self.locate_exact(place)
            if codes:
                cell = codes[0]
            else:
                d, near = self.nearest_cells(place)
                if d > SNAP_LIMIT_M:
                    continue
                cell = near[0]
            unit = self.route(place, order[4], cell)[0]
            if not unit:
                continue
            hours = sla[unit]
            received = datetime.datetime.fromisoformat(order[5])
            deadline = received + hours * hour
            events = []
            t = received + rng.uniform(0.2, 4.0) * hour
            events.append(("dispatched", t, ""))
            r = rng.random()
            if r < 0.05 and HISTORY_END - received < datetime.timedelta(days=30):
                pass  # stalls in the last month: dispatched, not resolved when the history ends
            elif r < 0.05 + late_share[unit]:
                t = deadline + rng.uniform(2, 120) * hour
                events.append(("resolved", t, "已处置（超期）"))
                t += rng.uniform(1, 24) * hour
                events.append(("closed", t, "核查结案"))
            else:
                t = t + rng.uniform(0.1, 0.6) * (deadline - t)
                events.append(("resolved", t, "已处置"))
                t = t + rng.uniform(0.2, 0.9) * (deadline - t)
                events.append(("closed", t, "核查结案"))
            if events[-1][0] == "closed" and rng.random() < 0.06:
                t += rng.uniform(4, 72) * hour
                events.append(("reopened", t, "返工：复查未通过"))
                t += rng.uniform(0.5, 6) * hour
                events.append(("dispatched", t, ""))
                t += rng.uniform(4, 48) * hour
                events.append(("resolved", t, "返工处置"))
                t += rng.uniform(1, 24) * hour
                events.append(("closed", t, "返工核查结案"))
            for status, when, note in events:
                if when > HISTORY_END:
                    break
                rows.append((order[0], status, at(when), note))
        return rows

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


# Shares of the bench orders moved to where a city-wide 12345 feed puts them (the rest keep
# build_orders' positions: hot spots, cells, 1 % a little outside, 1 % unusable, 5 % GCJ-02/BD-09).
FEED_OUTSIDE = 0.25      # outside the grid, 0-5 km beyond its bounding box
FEED_NEAR = 0.03         # outside the outline by 5 cm - 120 m (the snap zone and just past it)
FEED_EDGE = 0.03         # exactly on the midpoint of an edge shared by two cells
FEED_VERTEX = 0.02       # exactly on a lattice vertex (shared by up to four cells)


def feed_mix(d, rows, seed):
    """The bench orders with a city-wide feed's positions: FEED_OUTSIDE of them 0-5 km outside
    the grid, FEED_NEAR within 120 m of the outline, FEED_EDGE and FEED_VERTEX exactly on
    shared edges and vertices (written with repr(), so they parse back to the same doubles;
    crs empty, i.e. WGS84). Row order, ids, times and categories are kept."""
    rng = random.Random("wangge-feed-%d" % seed)
    V, nx, ny = d.V, d.nx, d.ny
    bx0, by0, bx1, by1 = d.bbox

    def outline_edge(side):
        # A cell edge on the outline and the outward unit direction (axis-aligned).
        if side == 0:
            i = rng.randrange(nx)
            return V[i][0], V[i + 1][0], (0.0, -1.0)
        if side == 1:
            i = rng.randrange(nx)
            return V[i][ny], V[i + 1][ny], (0.0, 1.0)
        if side == 2:
            j = rng.randrange(ny)
            return V[0][j], V[0][j + 1], (-1.0, 0.0)
        j = rng.randrange(ny)
        return V[nx][j], V[nx][j + 1], (1.0, 0.0)

    for row in rows:
        r = rng.random()
        if r < FEED_OUTSIDE:
            side, u, off = rng.randrange(4), rng.random(), rng.uniform(0, 5000)
            if side == 0:
                x, y = bx0 + u * (bx1 - bx0), by0 - off / d.my
            elif side == 1:
                x, y = bx0 + u * (bx1 - bx0), by1 + off / d.my
            elif side == 2:
                x, y = bx0 - off / d.mx, by0 + u * (by1 - by0)
            else:
                x, y = bx1 + off / d.mx, by0 + u * (by1 - by0)
            lon, lat = "%.7f" % x, "%.7f" % y
        elif r < FEED_OUTSIDE + FEED_NEAR:
            a, b, (ox, oy) = outline_edge(rng.randrange(4))
            t, off = rng.random(), rng.uniform(0.05, 120)
            lon = "%.7f" % (a[0] + t * (b[0] - a[0]) + ox * off / d.mx)
            lat = "%.7f" % (a[1] + t * (b[1] - a[1]) + oy * off / d.my)
        elif r < FEED_OUTSIDE + FEED_NEAR + FEED_EDGE:
            # An inner lattice edge: vertical (i in 1..nx-1) or horizontal (j in 1..ny-1).
            if rng.random() < 0.5:
                i, j = rng.randrange(1, nx), rng.randrange(ny)
                a, b = V[i][j], V[i][j + 1]
            else:
                i, j = rng.randrange(nx), rng.randrange(1, ny)
                a, b = V[i][j], V[i + 1][j]
            # Multiples of 2^-20 near 121 and 31: the sum and the halving are exact.
            lon, lat = repr((a[0] + b[0]) / 2), repr((a[1] + b[1]) / 2)
        elif r < FEED_OUTSIDE + FEED_NEAR + FEED_EDGE + FEED_VERTEX:
            v = V[rng.randrange(nx + 1)][rng.randrange(ny + 1)]
            lon, lat = repr(v[0]), repr(v[1])
        else:
            yield row
            continue
        yield (row[0], lon, lat, "") + tuple(row[4:])


# --------------------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--check", action="store_true", help="regenerate into a temp dir and compare with committed files")
    ap.add_argument("--preset", choices=["sample", "bench"], default="sample")
    ap.add_argument("--out", help="output directory (default: the directory of this script)")
    ap.add_argument("--cells", type=int, default=40000)
    ap.add_argument("--orders", type=int, default=1000000)
    args = ap.parse_args(argv)
    here = os.path.dirname(os.path.abspath(__file__))

    if args.preset == "bench":
        if not args.out:
            ap.error("--preset bench needs --out DIR")
        t0 = time.time()
        d = build_bench(args.seed, args.cells, args.orders)
        write_district(d, args.out, with_truth=False)
        print("bench: %d cells, %d zones, %d points, %d orders -> %s (%.1f s)"
              % (len(d.cells), len(d.zones), len(d.points), d.n_orders_written, args.out, time.time() - t0))
        return 0

    if args.check:
        tmp = tempfile.mkdtemp(prefix="wangge-geodata-")
        bad = 0
        for key in DISTRICTS:
            d = build_district(key, args.seed)
            write_district(d, os.path.join(tmp, key))
            for name in FILES:
                a = os.path.join(here, key, name)
                b = os.path.join(tmp, key, name)
                if not os.path.exists(a):
                    print("MISSING %s/%s" % (key, name))
                    bad += 1
                    continue
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    if fa.read() != fb.read():
                        print("DIFFERS %s/%s" % (key, name))
                        bad += 1
        for key in DISTRICTS:
            for name in FILES:
                os.remove(os.path.join(tmp, key, name))
            os.rmdir(os.path.join(tmp, key))
        os.rmdir(tmp)
        if bad:
            print("GeoData check FAILED (%d files); run python3 GeoData/generate.py" % bad)
            return 1
        print("GeoData check OK")
        return 0

    root = args.out or here
    for key in DISTRICTS:
        d = build_district(key, args.seed)
        write_district(d, os.path.join(root, key))
        cases = {}
        for r in d.truth_rows:
            cases[r[4]] = cases.get(r[4], 0) + 1
        print("%s: %d quads, %d cells, %d communities, %d zones, %d units, %d points, %d orders, %d truth rows %s"
              % (key, len(d.kept), len(d.cells), len(d.communities), len(d.zones), len(d.units), len(d.points),
                 len(d.orders), len(d.truth_rows), json.dumps(cases, ensure_ascii=False)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
