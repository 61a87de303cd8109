"""Responsibility zones (squads, property companies, rivers) and inspection points, markets and
key roads over the cells."""
from .common import *  # noqa: F401,F403 (the constants and helpers)


class ZonesPoints:
    """Builds the zones and the inspection points (a part of ``District``)."""

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
                runs = [r for r in runs_of(range(self.nx + 1), lambda i: (i, j) in vset) if len(r) >= 8]
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
