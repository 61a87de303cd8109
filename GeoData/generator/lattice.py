"""The district's ground: the jittered lattice, the blob of kept quads, streets and communities,
the cells and their codes, and exact point location on them."""
import heapq
import math
from .common import *  # noqa: F401,F403 (the constants and helpers)


class Lattice:
    """Builds and queries the cells (a part of ``District``)."""

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
