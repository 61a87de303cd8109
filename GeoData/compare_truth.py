#!/usr/bin/env python3
"""Compare `wangge assign` output with a ground-truth file, field by field.

Usage: compare_truth.py EXPECTED.csv ACTUAL.csv
distance_m agrees within 0.05 m + 0.1 % (see GeoData/README.md); every other field exactly.
Exits 1 on any disagreement, printing the first few.
"""
import csv
import sys


def agree(field, expected, actual):
    if field == "distance_m" and expected and actual:
        e, a = float(expected), float(actual)
        return abs(e - a) <= 0.05 + 0.001 * e
    return expected == actual


def main(expected_path, actual_path):
    with open(expected_path, newline="", encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    with open(actual_path, newline="", encoding="utf-8") as f:
        actual = list(csv.DictReader(f))
    if len(expected) != len(actual):
        print(f"row count differs: expected {len(expected)}, got {len(actual)}")
        return 1
    bad = []
    for e, a in zip(expected, actual):
        for field in e:
            if not agree(field, e[field], a.get(field)):
                bad.append(f"{e['id']}: {field} expected {e[field]!r}, got {a.get(field)!r}")
    print(f"ground truth: {len(expected) - len({b.split(':')[0] for b in bad})}/{len(expected)} rows agree")
    for b in bad[:20]:
        print("  " + b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
