#!/usr/bin/env python3
"""Independent Gi* values for the 宝山 sample district, computed with PySAL esda.

Produced with: python3 -m venv venv && venv/bin/pip install esda==2.9.0 libpysal==4.14.1
pyproj==3.7.2 shapely==2.2.0 && venv/bin/python Tests/Fixtures/make_gi_fixture.py

Sites: each cell of GeoData/baoshan/cells.geojson, its area centroid computed by shapely
after projecting the ring to EPSG:4549 with pyproj (always_xy). Values: a deterministic
count per cell, count = (7·sequence + 3·community + 5·street_digit) mod 11, from the code
alone (no Wangge routing involved). Weights: libpysal DistanceBand, binary, threshold 200 m.
(libpysal's min_threshold_distance, the smallest band giving every cell a neighbour, is
recorded too; it is not used as the threshold because the pair that defines it sits exactly
on it, and whether that pair counts then hangs on the last bit of the centroids.)
Statistic: esda.G_Local(star=True, transform="B"); z = Zs, two-sided p = 2·(1 − Φ(|z|)).
Writes Tests/Fixtures/gi_baoshan_esda.csv: cell,count,z,p (and the band on the first line
as a comment).
"""
import csv
import json
import math
import os

import numpy as np
from esda.getisord import G_Local
from libpysal.weights import DistanceBand, min_threshold_distance
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely import transform as transform_coordinates

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
cells = json.load(open(os.path.join(root, "GeoData/baoshan/cells.geojson"), encoding="utf-8"))["features"]
to_metres = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform


def count(code):
    return (7 * int(code[12:15]) + 3 * int(code[9:12]) + 5 * int(code[8])) % 11


rows = []
for f in sorted(cells, key=lambda f: f["properties"]["code"]):
    ring = f["geometry"]["coordinates"][0]
    centroid = transform_coordinates(Polygon(ring), lambda xy: np.column_stack(to_metres(xy[:, 0], xy[:, 1]))).centroid
    rows.append((f["properties"]["code"], centroid.x, centroid.y, count(f["properties"]["code"])))

points = np.array([(x, y) for _, x, y, _ in rows])
values = np.array([c for *_, c in rows], dtype=float)
smallest = min_threshold_distance(points)
band = 200.0
weights = DistanceBand(points, threshold=band, binary=True, silence_warnings=True)
g = G_Local(values, weights, star=True, transform="B", permutations=0)
out = os.path.join(root, "Tests/Fixtures/gi_baoshan_esda.csv")
with open(out, "w", newline="", encoding="utf-8") as fh:
    fh.write(f"# band_m={band!r} smallest_band_m={float(smallest)!r}\n")
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["cell", "count", "z", "p"])
    for (code, _, _, c), z in zip(rows, g.Zs):
        w.writerow([code, c, repr(float(z)), repr(math.erfc(abs(float(z)) / math.sqrt(2)))])
print(f"wrote {out}: {len(rows)} cells, band {band:.3f} m")
