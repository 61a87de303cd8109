#!/usr/bin/env bash
# The peers' rows that differ from `wangge assign`, explained: runs the peer once more with its
# tie margin set to the one Wangge's contract uses (nearest-cell distances within 1 mm are a tie
# and the smallest code wins: issue 11, README "What an answer means") and compares every row.
# The peer's own margin is 1 µm; the timed run of side_by_side.sh keeps it unchanged.
#   Tests/Peers/tie_rule.sh [WANGGE_BINARY]    (after ../shared/peers/side_by_side.sh made the city)
# Prints one line, `under the 1 mm tie rule: agree N/M`; exits non-zero when any row differs.
set -euo pipefail
BIN=${1:-.build/release/wangge}
PEERS=${PEERS:-../shared/peers}
DIR=${PEERS_DIR:-.build/peers}
CITY=$DIR/city-__cells_40000___orders_1000000___seed_2_
PY=$DIR/venv/bin/python
[ -s "$CITY/orders.csv" ] && [ -x "$PY" ] || { echo "no peers' city in $CITY: run $PEERS/side_by_side.sh first" >&2; exit 2; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT

# The contract's margin, read from the code that applies it, and the peer with that margin.
margin=$(sed -n 's/.*public static let tieMetres = \([0-9.e_-]*\).*/\1/p' Sources/WanggeCore/Geometry/NearestFeatureTree.swift | tr -d _)
[ -n "$margin" ] || { echo "cannot read NearestFeatureTree.tieMetres" >&2; exit 2; }
sed "s/^TIE_M = 1e-6 /TIE_M = $margin /" "$PEERS/shapely_assign.py" >"$T/peer.py"
grep -q "^TIE_M = $margin " "$T/peer.py" || { echo "the peer's TIE_M line changed; cannot set it to $margin" >&2; exit 2; }

"$BIN" import cells "$CITY/cells.geojson" --db "$T/db.sqlite" >"$T/import.log" 2>&1 || { tail -3 "$T/import.log"; exit 1; }
"$BIN" assign --db "$T/db.sqlite" --input "$CITY/orders.csv" --output "$T/w.csv" 2>"$T/w.log" || { tail -3 "$T/w.log"; exit 1; }
"$PY" "$T/peer.py" "$CITY/cells.geojson" "$CITY/orders.csv" "$T/s.csv" >/dev/null 2>&1
"$PY" - "$T/w.csv" "$T/w5.csv" <<'PYEOF'
import csv, sys
r = csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8-sig'))
o = csv.writer(open(sys.argv[2], 'w', newline='', encoding='utf-8'))
o.writerow(['id', 'status', 'cell', 'cells', 'distance_m'])
for x in r:
    o.writerow([x['id'], x['status'], x['cell'], x['cells'], '' if x['status'] == 'invalid' else x['distance_m']])
PYEOF
status=0
agree=$("$PY" "$PEERS/compare_outputs.py" "$T/s.csv" "$T/w5.csv" 2>&1 | tail -1) || status=$?
echo "the peer with ties within $margin m (Wangge's rule): $agree"
exit $status
