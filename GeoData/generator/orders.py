"""The sample orders (hot spots, categories, channels, encodings, unusable rows), their handling
history, and the city-wide feed mix of the bench preset."""
import datetime
import random
from .common import *  # noqa: F401,F403 (the constants and helpers)


class Orders:
    """The orders and their status events (a part of ``District``)."""

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
