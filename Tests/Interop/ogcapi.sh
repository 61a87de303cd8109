#!/usr/bin/env bash
# Users' GIS tools against Wangge (make test): `wangge serve --public-read` on the sample
# district on a free loopback port, read through
#   * GDAL's OGC API – Features driver: `ogrinfo -so OAPIF:…/ogcapi <layer>` counts equal to
#     `wangge info` (cells, zones, points) and `wangge export` (orders, addresses: located
#     ones), every cell paged through by ogr2ogr, a bbox of orders, and one feature;
#   * OWSLib's owslib.ogcapi.features.Features (collections, items with limit/offset, one item);
#   * the SpatiaLite file itself: received_at read as DateTime, layer statistics filled;
#   * `wangge export points --geometry point|line|polygon` converted to a Shapefile each.
# Needs gdal-bin (apt) and OWSLib (pip, into .build/venv, created here when missing).
#   WANGGE=.build/debug/wangge  Tests/Interop/ogcapi.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
WANGGE=${WANGGE:-$(swift build --show-bin-path)/wangge}
WORK=.build/interop-ogcapi
VENV=.build/venv
command -v ogrinfo >/dev/null || { echo "ogrinfo is missing (apt-get install gdal-bin, or make deps EXTRA_PACKAGES=gdal-bin)"; exit 1; }
[ -x "$WANGGE" ] || { echo "$WANGGE is missing (swift build)"; exit 1; }
if ! "$VENV/bin/python" -c 'import owslib' 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q OWSLib
fi

rm -rf "$WORK" && mkdir -p "$WORK"
db=$WORK/district.sqlite
g=GeoData/baoshan
for layer in units rules; do "$WANGGE" import $layer $g/$layer.csv --db $db >/dev/null 2>&1; done
for layer in cells zones points; do "$WANGGE" import $layer $g/$layer.geojson --db $db >/dev/null 2>&1; done
"$WANGGE" import addresses $g/addresses.csv --db $db >/dev/null 2>&1
"$WANGGE" import orders $g/orders.csv --db $db >/dev/null 2>&1

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WANGGE" serve --db $db --port "$port" --public-read --log-level warning 2>"$WORK/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "the server did not start:"; cat "$WORK/server.log"; exit 1; }
url=http://127.0.0.1:$port/ogcapi
failures=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1: $3"; else echo "FAIL $1: expected $2, got $3"; failures=$((failures + 1)); fi
}

# Expected counts: `wangge info` for the layers it lists; `wangge export` for orders (located
# ones: the others are on the manual-dispatch list) and addresses.
info=$("$WANGGE" info --db $db)
expected() {
  case $1 in
    cells|zones|points) awk -v l="$1" '$1 == l { print $2 }' <<<"$info" ;;
    *) "$WANGGE" export "$1" --db $db --output /dev/null 2>&1 | sed -n "s/^exported \([0-9]*\) $1.*/\1/p" ;;
  esac
}
for layer in cells zones points orders addresses; do
  want=$(expected $layer)
  got=$(ogrinfo -ro -so "OAPIF:$url" "$layer" 2>"$WORK/ogrinfo-$layer.err" | sed -n 's/^Feature Count: //p')
  check "ogrinfo -so OAPIF $layer feature count" "$want" "$got"
done
check "wangge info orders ≥ located orders" 1 "$([ "$(awk '$1 == "orders" { print $2 }' <<<"$info")" -ge "$(expected orders)" ] && echo 1 || echo 0)"

# Every cell through GDAL's paging (next links), pages of 500.
ogr2ogr -f GeoJSON "$WORK/cells.geojson" "OAPIF:$url" cells -oo PAGE_SIZE=500 2>"$WORK/ogr2ogr-cells.err"
check "ogr2ogr OAPIF cells, paged" "$(expected cells)" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$WORK/cells.geojson")"
# A bbox of orders, as `wangge export --bbox` (points: the same test on both sides).
box="121.40 31.29 121.42 31.31"
ogr2ogr -f GeoJSON "$WORK/orders-box.geojson" "OAPIF:$url" orders -spat $box -oo PAGE_SIZE=1000 2>"$WORK/ogr2ogr-orders.err"
want=$("$WANGGE" export orders --db $db --bbox "${box// /,}" --output /dev/null 2>&1 | sed -n 's/^exported \([0-9]*\) orders.*/\1/p')
check "ogr2ogr OAPIF orders in $box" "$want" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$WORK/orders-box.geojson")"

# OWSLib's OGC API – Features client.
"$WANGGE" export cells --db $db --output "$WORK/cells-export.geojson" 2>/dev/null
"$VENV/bin/python" - "$url" "$WORK/cells-export.geojson" <<'PY' || failures=$((failures + 1))
import json, sys
from owslib.ogcapi.features import Features
url, export = sys.argv[1], json.load(open(sys.argv[2]))
api = Features(url)
ids = [c["id"] for c in api.collections()["collections"]]
assert ids == ["cells", "zones", "points", "orders", "addresses"], ids
assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
page = api.collection_items("cells", limit=10, offset=10)
assert page["numberReturned"] == 10 and page["numberMatched"] == len(export["features"]), (page["numberReturned"], page["numberMatched"])
want = [f["id"] for f in export["features"][10:20]]
assert [f["id"] for f in page["features"]] == want, [f["id"] for f in page["features"]]
one = api.collection_item("cells", want[0])
assert one["id"] == want[0] and one["properties"]["code"] == want[0] and one["geometry"] == export["features"][10]["geometry"]
print(f"ok   OWSLib: {len(ids)} collections, cells items limit=10 offset=10, item {want[0]}")
PY

# The SpatiaLite file as QGIS opens it.
check "received_at type in the SpatiaLite file" "received_at: DateTime" "$(ogrinfo -ro -so $db orders 2>/dev/null | grep -o '^received_at: DateTime' || true)"
check "geometry_columns_statistics rows of cells" "$(expected cells)" "$(sqlite3 $db "SELECT row_count FROM geometry_columns_statistics WHERE f_table_name = 'cells'")"

# A Shapefile per kind of inspection point.
total=0
for kind in point line polygon; do
  "$WANGGE" export points --db $db --geometry $kind --output "$WORK/points-$kind.geojson" 2>/dev/null
  ogr2ogr -f 'ESRI Shapefile' -lco ENCODING=UTF-8 "$WORK/points-$kind.shp" "$WORK/points-$kind.geojson" 2>"$WORK/shp-$kind.err"
  n=$(ogrinfo -ro -so "$WORK/points-$kind.shp" "points-$kind" | sed -n 's/^Feature Count: //p')
  want=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["features"]))' "$WORK/points-$kind.geojson")
  check "Shapefile of $kind points" "$want" "$n"
  total=$((total + n))
done
check "the three Shapefiles hold every point" "$(expected points)" "$total"

if [ "$failures" -gt 0 ]; then echo "$failures interop check(s) failed (logs in $WORK)"; exit 1; fi
echo "every interop check passed"
