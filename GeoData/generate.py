#!/usr/bin/env python3
"""Deterministic sample-data generator for Wangge (城市网格化管理).

Standard library only.  See GeoData/README.md for the file contract.

    python3 GeoData/generate.py                  # rewrite GeoData/baoshan and GeoData/huangpu
    python3 GeoData/generate.py --check          # regenerate into a temp dir, diff against committed files
    python3 GeoData/generate.py --preset bench --out DIR [--cells 40000] [--orders 1000000]
"""
import argparse
import json
import os
import sys
import tempfile
import time

from generator.common import DISTRICTS, FILES
from generator.district import build_bench, build_district, write_district


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
