#!/usr/bin/env python3
"""Standard address layers (标准地址库) and address-only truth orders for the sample districts.

Standard library only. Reads what generate.py wrote (cells.geojson, points.geojson, the road
names in orders.csv) and the MCA names, and writes, per district:

    GeoData/<district>/addresses.csv        id,kind,name,road,number,street,lon,lat
    GeoData/<district>/truth_addresses.csv  id,address,code,case,located_by,match,gap,street,reason,candidates

    python3 GeoData/addresses.py            # rewrite both districts' files
    python3 GeoData/addresses.py --check    # regenerate in memory; exit 1 if a committed file differs

Deterministic by --seed (default 2025). See GeoData/README.md, "Standard addresses".
"""
import argparse
import csv
import io
import json
import math
import os
import random
import re
import sys

from generator.common import runs_of

HERE = os.path.dirname(os.path.abspath(__file__))
MCA = os.path.join(HERE, "..", "..", "shared", "data", "shanghai_townships_mca_2025.json")

STEP_M = 15.0          # metres between door positions along a road
SIDE_M = 10.0          # doors stand this far left and right of the road line
LANE_STEP_M = 12.0     # metres between doors inside a lane
MAX_GAP = 20           # AddressResolver's default interpolation limit

# Road roles. Names are the real road names generate.py uses, as labels only; the lines are
# synthetic: long roads cross the district (E-W at a latitude fraction, N-S at a longitude
# fraction of its extent), short roads lie inside one street.
ROADS = {
    "baoshan": {
        "long": [("长江西路", "ew", 0.12), ("汶水路", "ew", 0.32), ("场中路", "ew", 0.52), ("南大路", "ew", 0.72),
                 ("沪太路", "ns", 0.12), ("真大路", "ns", 0.37), ("共和新路", "ns", 0.62), ("江杨南路", "ns", 0.87)],
        "short": {"大场镇": ["环镇北路", "大华路"], "庙行镇": ["场北路", "聚丰园路"], "高境镇": ["纪蕴路", "广中西路"]},
    },
    "huangpu": {
        "long": [("延安东路", "ew", 0.15), ("福州路", "ew", 0.40), ("九江路", "ew", 0.60), ("南京东路", "ew", 0.82),
                 ("河南中路", "ns", 0.15), ("四川中路", "ns", 0.40), ("江西中路", "ns", 0.62), ("中山东一路", "ns", 0.88)],
        "short": {"南京东路街道": ["汉口路", "人民路"], "外滩街道": ["广东路", "福佑路"], "豫园街道": ["方浜中路", "旧校场路"]},
    },
}
PREFIX = {"baoshan": "BS", "huangpu": "HP"}
BRANDS = ["好德便利店", "联华超市", "光明邨", "老盛昌", "罗森", "来伊份", "一点点", "巴比馒头", "鲜丰水果", "华润万家"]
CHAINS = [("全家便利店", 3), ("永和大王", 2)]      # shops sharing one name, no branch: ambiguous by name
LOCATIVES = ["旁", "对面", "附近", "门口", "东侧", "西侧", "南侧", "北侧", "路口", "边上", "旁边"]
CN_DIGITS = "零一二三四五六七八九"
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def chinese(n, two="二"):
    """n in Chinese numerals as written in addresses: 12 → 十二, 105 → 一百零五, 1020 → 一千零二十."""
    assert 0 < n < 10000
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        digit = two if (d == 2 and unit >= 100) else CN_DIGITS[d]
        if not (unit == 10 and d == 1 and not out):
            out += digit
        out += name
    return out


def bigrams(s):
    return [s] if len(s) == 1 else [s[i:i + 2] for i in range(len(s) - 1)]


def dice(a, b):
    x, y = bigrams(a), bigrams(b)
    if not x and not y:
        return 1.0
    pool = {}
    for g in x:
        pool[g] = pool.get(g, 0) + 1
    common = 0
    for g in y:
        if pool.get(g, 0) > 0:
            pool[g] -= 1
            common += 1
    return 2 * common / (len(x) + len(y))


def fold(s):
    """AddressText.folded: full-width ASCII forms to ASCII, spaces dropped."""
    out = []
    for ch in s:
        o = ord(ch)
        if 0xFF01 <= o <= 0xFF5E:
            out.append(chr(o - 0xFEE0))
        elif ch in " \t\r\n\u3000\u00a0":
            continue
        else:
            out.append(ch)
    return "".join(out)


class Cells:
    """The district's cells, for street and community look-ups by strict point-in-polygon."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            fc = json.load(f)
        self.cells = []
        for feat in fc["features"]:
            ring = feat["geometry"]["coordinates"][0]
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            p = feat["properties"]
            self.cells.append((p["code"], p["street_name"], p["community_name"], ring, (min(xs), min(ys), max(xs), max(ys))))
        self.bbox = (min(c[4][0] for c in self.cells), min(c[4][1] for c in self.cells),
                     max(c[4][2] for c in self.cells), max(c[4][3] for c in self.cells))
        self.g = 0.003
        self.grid = {}
        for i, c in enumerate(self.cells):
            x0, y0, x1, y1 = c[4]
            for gx in range(int(x0 / self.g), int(x1 / self.g) + 1):
                for gy in range(int(y0 / self.g), int(y1 / self.g) + 1):
                    self.grid.setdefault((gx, gy), []).append(i)
        lat = (self.bbox[1] + self.bbox[3]) / 2
        self.my = 111132.92 - 559.82 * math.cos(2 * math.radians(lat))
        self.mx = 111412.84 * math.cos(math.radians(lat)) - 93.5 * math.cos(3 * math.radians(lat))

    def find(self, x, y):
        """(code, street name, community name) of the cell strictly containing (x, y), or None."""
        for i in self.grid.get((int(x / self.g), int(y / self.g)), []):
            code, sname, cname, ring, (x0, y0, x1, y1) = self.cells[i]
            if not (x0 < x < x1 and y0 < y < y1):
                continue
            inside = False
            for k in range(len(ring) - 1):
                (ax, ay), (bx, by) = ring[k], ring[k + 1]
                if (ay > y) != (by > y):
                    t = ax + (y - ay) * (bx - ax) / (by - ay)
                    if t == x:
                        return None   # on an edge: never used
                    if t > x:
                        inside = not inside
            if inside:
                return code, sname, cname
        return None


class District:
    def __init__(self, name, seed, mca):
        self.name = name
        self.rng = random.Random("%s:%d" % (name, seed))
        d = os.path.join(HERE, name)
        self.cells = Cells(os.path.join(d, "cells.geojson"))
        county = self.cells.cells[0][0][:6]
        self.county_name = next(x["name"] for x in mca["districts"] if x["adcode"] == county)
        self.county = county
        streets = {c[0][:9]: c[1] for c in self.cells.cells}
        for code, sname in streets.items():
            official = next(t for t in mca["townships"] if t["code_9"] == code)
            assert official["name"] == sname, (code, sname)
        self.street_code = {v: k for k, v in streets.items()}
        with open(os.path.join(d, "points.geojson"), encoding="utf-8") as f:
            self.points = json.load(f)["features"]
        # The road names generate.py gives the orders' addresses.
        names = set()
        with open(os.path.join(d, "orders.csv"), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                m = re.match(r"上海市%s(?:%s)(.+?)\d+号" % (self.county_name, "|".join(streets.values())), row["address"])
                names.add(m.group(1))
        cfg = ROADS[name]
        planned = [r[0] for r in cfg["long"]] + [r for rs in cfg["short"].values() for r in rs]
        assert sorted(planned) == sorted(names), (sorted(planned), sorted(names))
        # roads of the other district: unknown here
        self.other_roads = sorted(set(r[0] for c in ROADS.values() for r in c["long"]) |
                                  set(r for c in ROADS.values() for rs in c["short"].values() for r in rs))
        self.other_roads = [r for r in self.other_roads if r not in names]
        self.records = []       # dicts: id kind name road number street lon lat (+ internal keys)
        self.doors = {}         # road → {road number: record} for road-level entries (doors, lane entrances)
        self.lanes = {}         # road → {lane number: {inner number: record}}
        self.road_streets = {}
        self.build()

    # ---------------- geometry helpers ----------------
    def offset(self, x, y, dx_m, dy_m):
        return x + dx_m / self.cells.mx, y + dy_m / self.cells.my

    def road_line(self, orient, frac):
        x0, y0, x1, y1 = self.cells.bbox
        if orient == "ew":
            y = y0 + frac * (y1 - y0)
            n = int((x1 - x0) * self.cells.mx / STEP_M)
            return [(x0 + (k + 0.5) * STEP_M / self.cells.mx, y) for k in range(n)], (0.0, 1.0)  # left = north
        x = x0 + frac * (x1 - x0)
        n = int((y1 - y0) * self.cells.my / STEP_M)
        return [(x, y1 - (k + 0.5) * STEP_M / self.cells.my) for k in range(n)], (1.0, 0.0)     # numbered N→S, left = east

    # ---------------- the layer ----------------
    def add(self, kind, road, number, x, y, street, name="", rid=None):
        rec = {"id": rid, "kind": kind, "name": name, "road": road, "number": number, "street": street,
               "lon": "%.7f" % x, "lat": "%.7f" % y}
        self.records.append(rec)
        return rec

    def door_at(self, x, y, only_street=None):
        hit = self.cells.find(x, y)
        if hit is None or (only_street is not None and hit[1] != only_street):
            return None
        return hit

    def lay_road(self, road, positions, left, only_street=None, first=0):
        """Doors at each position (odd left, even right), some missing, some lanes."""
        rng = self.rng
        self.doors[road] = {}
        self.lanes[road] = {}
        lx, ly = left
        for k, (x, y) in enumerate(positions):
            if self.door_at(x, y, only_street) is None:
                continue
            for side, number in ((1.0, 2 * (k + first) + 1), (-1.0, 2 * (k + first) + 2)):
                dx, dy = side * SIDE_M * lx, side * SIDE_M * ly
                px, py = self.offset(x, y, dx, dy)
                hit = self.door_at(px, py, only_street)
                if hit is None:
                    continue
                r = rng.random()
                if r < 0.08:
                    continue                                     # a number the layer lacks
                if r < 0.14:                                     # a lane (弄) with doors inside
                    inner = {}
                    for j in range(1, rng.randint(3, 8) + 1):
                        lat_m = 4.0 if j % 2 else -4.0
                        qx, qy = self.offset(px, py, side * (SIDE_M + LANE_STEP_M * j) * lx + lat_m * ly,
                                             side * (SIDE_M + LANE_STEP_M * j) * ly + lat_m * lx)
                        h = self.door_at(qx, qy, only_street)
                        if h is None:
                            break
                        inner[j] = self.add("door", road, "%d弄%d号" % (number, j), qx, qy, h[0][:9])
                        inner[j]["_community"] = h[2]
                    if not inner:
                        continue
                    self.lanes[road][number] = inner
                    if rng.random() < 0.5:
                        entrance = self.add("door", road, "%d弄" % number, px, py, hit[0][:9])
                        entrance["_community"] = hit[2]
                        self.doors[road][number] = entrance
                    else:
                        self.doors[road][number] = inner[min(inner)]
                    continue
                rec = self.add("door", road, "%d号" % number, px, py, hit[0][:9])
                rec["_community"] = hit[2]
                self.doors[road][number] = rec

    def build(self):
        cfg = ROADS[self.name]
        for road, orient, frac in cfg["long"]:
            positions, left = self.road_line(orient, frac)
            self.lay_road(road, positions, left)
        for sname, roads in cfg["short"].items():
            own = [c for c in self.cells.cells if c[1] == sname]
            cxs = sorted(sum(p[0] for p in c[3][:-1]) / (len(c[3]) - 1) for c in own)
            cys = sorted(sum(p[1] for p in c[3][:-1]) / (len(c[3]) - 1) for c in own)
            for n, road in enumerate(roads):
                orient = "ew" if n == 0 else "ns"
                x0, y0, x1, y1 = self.cells.bbox
                frac = ((cys[len(cys) // 3] - y0) / (y1 - y0)) if orient == "ew" else ((cxs[2 * len(cxs) // 3] - x0) / (x1 - x0))
                positions, left = self.road_line(orient, frac)
                # the longest run of positions whose road point and both sides lie in the street
                runs = runs_of(positions, lambda p: all(
                    self.door_at(*self.offset(p[0], p[1], s * SIDE_M * left[0], s * SIDE_M * left[1]), sname) is not None
                    for s in (0.0, 1.0, -1.0)))
                run = max(runs, key=len)
                assert len(run) >= 15, (road, len(run))
                if len(run) > 50:
                    s = (len(run) - 50) // 2
                    run = run[s:s + 50]
                self.lay_road(road, run, left, only_street=sname)
        # ids in layer order
        for i, rec in enumerate(self.records, start=1):
            rec["id"] = "%s-D-%06d" % (PREFIX[self.name], i)
        for road in self.doors:
            streets = {r["street"] for r in self.records if r["kind"] == "door" and r["road"] == road}
            self.road_streets[road] = streets
        assert sum(len(self.road_streets[r]) >= 2 for r, _, _ in cfg["long"]) >= 4   # roads that cross streets
        for roads in cfg["short"].values():
            for road in roads:
                assert len(self.road_streets[road]) == 1, road
        # shops at plain doors
        plain = [r for r in self.records if r["kind"] == "door" and re.fullmatch(r"\d+号", r["number"])]
        self.shops = []
        used = set()
        picks = self.rng.sample(plain, 80)
        chain = [c for c, k in CHAINS for _ in range(k)]
        names = []
        for rec in picks:
            if len(names) < 33:
                name = "%s（%s店）" % (self.rng.choice(BRANDS), rec["road"])
                if name in used:
                    continue
                used.add(name)
            else:
                name = chain[len(names) - 33]
            names.append(name)
            x, y = self.offset(float(rec["lon"]), float(rec["lat"]), 2.0, 2.0)
            hit = self.cells.find(x, y)
            shop = self.add("shop", rec["road"], rec["number"], x, y, hit[0][:9], name=name,
                            rid="HS%s%05d" % (self.county, len(names)))
            self.shops.append(shop)
            if len(names) == 33 + len(chain):
                break
        assert len(names) == 33 + len(chain)
        # places: the inspection points
        self.places = []
        for f in self.points:
            g = f["geometry"]
            if g["type"] == "Point":
                x, y = g["coordinates"]
            elif g["type"] == "LineString":
                x, y = g["coordinates"][len(g["coordinates"]) // 2]
            else:
                ring = g["coordinates"][0]
                x = (min(p[0] for p in ring) + max(p[0] for p in ring)) / 2
                y = (min(p[1] for p in ring) + max(p[1] for p in ring)) / 2
            x, y = self.offset(x, y, 0.7, 0.5)     # off lattice vertices and edges
            hit = self.cells.find(x, y)
            assert hit is not None, f["properties"]
            place = self.add("place", "", "", x, y, hit[0][:9], name=f["properties"]["name"],
                             rid="%s-P-%s" % (PREFIX[self.name], f["properties"]["id"][3:]))
            place["_street_name"] = hit[1]
            self.places.append(place)

    def layer_csv(self):
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "kind", "name", "road", "number", "street", "lon", "lat"])
        for r in self.records:
            w.writerow([r["id"], r["kind"], r["name"], r["road"], r["number"], r["street"], r["lon"], r["lat"]])
        return out.getvalue()

    # ---------------- the truth set ----------------
    def street_name(self, code):
        return next(k for k, v in self.street_code.items() if v == code)

    def nearest(self, road, number, limit):
        """Road-level numbers of number's parity, nearest first (ties: the lower), with gaps."""
        same = sorted(k for k in self.doors[road] if k % 2 == number % 2)
        return sorted(((abs(k - number), k) for k in same), key=lambda t: (t[0], t[1]))[:limit]

    def truth_csv(self):
        rng = self.rng
        rows = []

        def row(address, case, located_by="", match="", gap="", street="", reason="", candidates="", code=""):
            rows.append([address, code, case, located_by, match, gap, street, reason, candidates])

        doors = [r for r in self.records if r["kind"] == "door"]
        plain = [r for r in doors if re.fullmatch(r"\d+号", r["number"])]
        lane_doors = [r for r in doors if re.fullmatch(r"\d+弄\d+号", r["number"])]
        prov = "上海市"
        for r in rng.sample(plain, 30) + rng.sample(lane_doors, 10):
            row(r["road"] + r["number"], "clean", "address", r["id"])
        for r in rng.sample(plain, 20):
            sname = self.street_name(r["street"])
            form = rng.randrange(3)
            prefix = prov + self.county_name + sname + (r["_community"] if form == 2 else "")
            if form == 1:
                prefix = self.county_name + sname
            row(prefix + r["road"] + r["number"], "prefixed", "address", r["id"])
        for r in rng.sample(plain, 15):
            row(r["road"] + rng.choice(["", "\u3000"]) + r["number"].translate(FULL), "fullwidth", "address", r["id"])
        for r in rng.sample(plain, 15):
            n = int(r["number"][:-1])
            row(r["road"] + chinese(n, rng.choice(["二", "两"])) + "号", "numeral", "address", r["id"])
        for r in rng.sample(plain, 15):
            row(r["road"] + r["number"] + rng.choice(LOCATIVES), "locative", "address", r["id"])
        for r in rng.sample(lane_doors, 15):
            lane, inner = map(int, re.fullmatch(r"(\d+)弄(\d+)号", r["number"]).groups())
            form = rng.randrange(4)
            text = ["%d弄%d号楼" % (lane, inner), "%d弄%d栋" % (lane, inner), "%s弄%s号" % (chinese(lane), chinese(inner)),
                    "%d弄%d号楼下" % (lane, inner)][form]
            row(r["road"] + text, "lane", "address", r["id"])
        lanes = sorted((road, lane) for road in self.lanes for lane in self.lanes[road])
        for road, lane in rng.sample(lanes, 10):
            inner = self.lanes[road][lane]
            row("%s%d弄%d号" % (road, lane, max(inner) + 5), "lane_missing", "address", self.doors[road][lane]["id"])
        for road, lane in rng.sample(lanes, 5):
            row("%s%d号" % (road, lane), "lane_as_number", "address", self.doors[road][lane]["id"])
        # numbers the layer lacks → the nearest road-level number of the same parity
        missing = []
        for road in sorted(self.doors):
            numbers = self.doors[road]
            lo, hi = min(numbers), max(numbers)
            for m in range(lo, hi + 1):
                if m not in numbers:
                    near = self.nearest(road, m, 1)
                    if near and near[0][0] <= MAX_GAP:
                        missing.append((road, m, near[0]))
        for road, m, (gap, k) in rng.sample(missing, 20):
            text = "%s%d号" % (road, m) if rng.random() < 0.7 else "%s%s号附近" % (road, chinese(m))
            row(text, "interpolated", "interpolated", self.doors[road][k]["id"], str(gap))
        for road in rng.sample(sorted(self.doors), 4):
            m = max(self.doors[road]) + rng.randint(60, 200)
            near = self.nearest(road, m, 3)
            row("%s%d号" % (road, m), "number_far", reason="number_not_found",
                candidates=";".join(self.doors[road][k]["id"] for _, k in near))
        # shops: by code, by their unique name; chains: ambiguous
        branch = [s for s in self.shops if "（" in s["name"]]
        for s in rng.sample(branch, 8):
            row(rng.choice(["", s["road"] + s["number"]]), "shop_code", "shop", s["id"], code=s["id"])
        for s in rng.sample(branch, 6):
            name = s["name"] if rng.random() < 0.5 else s["name"].replace("（", "(").replace("）", ")")
            row(name + rng.choice(["", "门口"]), "shop_name", "shop", s["id"])
        for chain, _ in CHAINS:
            same = sorted((s for s in self.shops if s["name"] == chain), key=lambda s: s["id"])
            row(chain, "ambiguous", reason="ambiguous_place", candidates=";".join(s["id"] for s in same[:3]))
        # places: every inspection point by its name, some with a locative or the district's prefix
        for p in self.places:
            row(p["name"], "place", "place", p["id"])
        for p in rng.sample(self.places, 8):
            row(p["name"] + rng.choice(["门口", "附近", "对面", "旁"]), "place_locative", "place", p["id"])
        for p in rng.sample(self.places, 6):
            row(self.county_name + p["_street_name"] + p["name"], "place_prefixed", "place", p["id"])
        # ambiguous fragments: shared by two or more place names (and no road), as a substring
        names = sorted({p["name"] for p in self.places} | {s["name"] for s in self.shops})
        roads = set(self.doors)
        fragments = {}
        starts = list(self.street_code) + [self.county_name, "上海"]
        for nm in {p["name"] for p in self.places}:
            for j in range(2, min(len(nm), 4) + 1):
                frag = nm[:j]                      # the first characters of a name, as an operator might type
                if (any(c in frag for c in "（）()/路号弄") or any(r in frag or frag in r for r in roads)
                        or any(frag.startswith(x) for x in starts) or any(frag.endswith(l) for l in LOCATIVES + ["内", "前"])):
                    continue
                fragments.setdefault(frag, set()).add(nm)
        picked, seen_sets = [], []
        for frag, hits in sorted(fragments.items(), key=lambda t: (-len(t[1]), t[0])):
            holders = {n for n in names if frag in fold(n) or (len(n) >= 2 and n in frag)}
            if len(holders) < 2 or holders in seen_sets or frag in names:
                continue
            seen_sets.append(holders)
            picked.append((frag, holders))
            if len(picked) == 3:
                break
        by_name = {}
        for r in self.places + self.shops:
            by_name.setdefault(r["name"], []).append(r)
        for frag, holders in picked:
            cands = sorted((r for n in holders for r in by_name[n]), key=lambda r: (-dice(frag, fold(r["name"])), r["id"]))[:3]
            row(frag, "ambiguous", reason="ambiguous_place", candidates=";".join(r["id"] for r in cands))
        # roads without a number
        for road in sorted(self.doors):
            streets = self.road_streets[road]
            if len(streets) == 1:
                code = next(iter(streets))
                row(rng.choice(["", self.county_name + self.street_name(code)]) + road, "road_only",
                    street=code, reason="road_in_one_street")
            else:
                row(road, "road_only", reason="road_only")
        # roads of the other district, and this district's roads under the other district's name
        for road in self.other_roads[:6]:
            row("%s%s%d号" % (rng.choice(["", prov + self.county_name]), road, rng.randint(1, 900)), "unknown_road", reason="unknown_road")
        other_county = "黄浦区" if self.name == "baoshan" else "宝山区"
        for road in rng.sample(sorted(self.doors), 3):
            row("%s%s%s%d号" % (prov, other_county, road, rng.randint(1, 900)), "unknown_road", reason="unknown_road")
        # construction check: no place or shop name lies inside an unknown-road address
        for r in rows:
            if r[2] == "unknown_road":
                text = fold(r[0])
                assert not any(n in text for n in names if len(n) >= 2), r
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "address", "code", "case", "located_by", "match", "gap", "street", "reason", "candidates"])
        for i, r in enumerate(rows, start=1):
            w.writerow(["%sA%05d" % (PREFIX[self.name], i)] + r)
        return out.getvalue()


def generate(seed):
    with open(MCA, encoding="utf-8") as f:
        mca = json.load(f)
    files = {}
    for name in ("baoshan", "huangpu"):
        d = District(name, seed, mca)
        files[os.path.join(name, "addresses.csv")] = d.layer_csv()
        files[os.path.join(name, "truth_addresses.csv")] = d.truth_csv()
    return files


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--check", action="store_true", help="regenerate in memory and compare with the committed files")
    args = ap.parse_args(argv)
    files = generate(args.seed)
    bad = 0
    for rel, text in sorted(files.items()):
        path = os.path.join(HERE, rel)
        data = text.encode("utf-8")
        if args.check:
            try:
                with open(path, "rb") as f:
                    same = f.read() == data
            except FileNotFoundError:
                same = False
            if not same:
                print("differs: GeoData/%s" % rel, file=sys.stderr)
                bad += 1
        else:
            with open(path, "wb") as f:
                f.write(data)
            print("wrote GeoData/%s (%d lines)" % (rel, text.count("\n")))
    if args.check:
        print("addresses: %s" % ("OK" if bad == 0 else "%d file(s) differ" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
