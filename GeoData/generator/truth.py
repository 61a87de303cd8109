"""The ground truth: the answer a correct router gives for a point (cells, unit, route, zone,
distance, points) and the truth orders placed by construction on every kind of case."""
import math
import random
from .common import *  # noqa: F401,F403 (the constants and helpers)


class Truth:
    """Answers and truth orders (a part of ``District``)."""

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
