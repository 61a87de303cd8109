#!/usr/bin/env bash
# Open311 GeoReport v2 and vector tiles read by the users' own tools (make test):
#   - the `georeport` client (PyPI) lists the services, the requests and one request; the
#     spec's form-encoded POST (curl) creates a request, read back through the client;
#   - `mapbox-vector-tile` (PyPI) decodes a tile of every layer: features > 0, properties there;
#     a crs=gcj02 cells tile has every whole cell moved by one shift, the CLI's the same bytes;
#   - GDAL's MVT driver (`ogrinfo`, gdal-bin) reads a tile written by `wangge tile`.
# Serves the 宝山 sample district with `wangge serve --public-read` on a free loopback port.
# Python packages go into a venv under .build/venv (made when missing). Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
WANGGE=${WANGGE:-.build/debug/wangge}
VENV=.build/venv
WORK=.build/interop
rm -rf "$WORK" && mkdir -p "$WORK"

if ! "$VENV/bin/python" -c "import georeport, mapbox_vector_tile" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q georeport mapbox-vector-tile
fi

db=$WORK/baoshan.sqlite; g=GeoData/baoshan
for layer in units rules; do "$WANGGE" import $layer $g/$layer.csv --db $db >/dev/null 2>&1; done
for layer in cells zones points; do "$WANGGE" import $layer $g/$layer.geojson --db $db >/dev/null 2>&1; done
"$WANGGE" import addresses $g/addresses.csv --db $db >/dev/null 2>&1
"$WANGGE" import orders $g/orders.csv --db $db >/dev/null 2>&1
"$WANGGE" import events $g/events.csv --db $db >/dev/null 2>&1
operator=$("$WANGGE" token create --db $db --role operator --name interop 2>/dev/null)

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WANGGE" serve --db $db --port "$port" --public-read --log-level warning 2>"$WORK/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$port"

# The spec's form POST: a point, then an address only (located through the standard address layer).
curl -sf -X POST "$base/open311/v2/requests.json" \
  --data-urlencode "api_key=$operator" --data-urlencode "service_code=违法搭建" \
  -d lat=31.305585 -d long=121.404567 --data-urlencode "description=interop check" >"$WORK/posted.json"
curl -sf -X POST "$base/open311/v2/requests.xml" \
  --data-urlencode "api_key=$operator" --data-urlencode "service_code=违法搭建" \
  --data-urlencode "address_string=长江西路327号" >"$WORK/posted.xml"

# Tiles of every layer at zoom 13 around the first sample order, and one written by the CLI.
tile=13/6858/3345
for layer in cells zones points orders hotspots; do
  curl -sf "$base/v1/tiles/$layer/$tile.mvt" -o "$WORK/$layer.mvt"
done
"$WANGGE" tile cells 13 6858 3345 --db $db --output "$WORK/cli-cells.mvt" 2>/dev/null
# The same tile for a GCJ-02 basemap, by the CLI and over HTTP.
"$WANGGE" tile cells 13 6858 3345 --crs gcj02 --db $db --output "$WORK/cli-cells-gcj02.mvt" 2>/dev/null
curl -sf "$base/v1/tiles/cells/13/6858/3345.mvt?crs=gcj02" -o "$WORK/cells-gcj02.mvt"

"$VENV/bin/python" - "$base" "$WORK" <<'PY'
import json, sys, xml.etree.ElementTree as ET
import mapbox_vector_tile
from georeport import GeoReport

base, work = sys.argv[1], sys.argv[2]
failures = []
def check(ok, message):
    print(("ok    " if ok else "FAIL  ") + message)
    if not ok: failures.append(message)

client = GeoReport(base + "/open311/v2")
services = client.get_service_list()
check(len(services) > 0 and all(s["type"] == "realtime" for s in services), f"georeport: {len(services)} services")
requests = client.get_service_requests()
check(0 < len(requests) <= 1000, f"georeport: {len(requests)} requests (default window)")
sample = client.get_service_requests(start_date="2025-10-01T00:00:00+08:00", end_date="2025-12-29T00:00:00+08:00", status="open")
check(len(sample) > 0 and all(r["status"] == "open" for r in sample), f"georeport: {len(sample)} open requests of the sample's last quarter")
first = requests[0]
one = client.get_service_request(first["service_request_id"])
check(one["service_request_id"] == first["service_request_id"] and one["expected_datetime"], "georeport: one request with its deadline")
posted = json.load(open(f"{work}/posted.json"))[0]
check(posted["service_request_id"].startswith("311-"), f"form POST created {posted['service_request_id']}: {posted['service_notice']}")
back = client.get_service_request(posted["service_request_id"])
check(back["service_code"] == "违法搭建" and back["agency_responsible"] and back["status"] == "open",
      f"georeport: the posted request, agency {back['agency_responsible']}")
located = ET.parse(f"{work}/posted.xml").getroot().find("request/service_request_id").text
xml_client = GeoReport(base + "/open311/v2", output_format="xml")
by_address = xml_client.get_service_request(located)
check(by_address["address"] == "长江西路327号" and by_address["lat"], f"georeport (xml): {located} located by its address_string")

expected = {"cells": "code", "zones": "kind", "points": "type", "orders": "category", "hotspots": "bin"}
for layer, key in expected.items():
    decoded = mapbox_vector_tile.decode(open(f"{work}/{layer}.mvt", "rb").read())
    features = decoded.get(layer, {}).get("features", [])
    check(len(features) > 0 and all(key in f["properties"] for f in features),
          f"mapbox-vector-tile: {layer}: {len(features)} features with {key}")
# crs=gcj02: every cell wholly inside both tiles moved by one shift (GCJ-02 moves Shanghai
# some 500 m: hundreds of units at zoom 13), the CLI's tile the same bytes as the server's.
def rings(path):
    layer = mapbox_vector_tile.decode(open(path, "rb").read())["cells"]
    out = {}
    for f in layer["features"]:
        g = f["geometry"]
        parts = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        points = [p for part in parts for ring in part for p in ring]
        if len(parts) == 1 and all(0 <= x <= 4096 and 0 <= y <= 4096 for x, y in points):
            out[f["properties"]["code"]] = (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))
    return out
plain, shifted = rings(f"{work}/cells.mvt"), rings(f"{work}/cells-gcj02.mvt")
shifts = sorted((round(shifted[c][0] - plain[c][0]), round(shifted[c][1] - plain[c][1])) for c in plain.keys() & shifted.keys())
dx, dy = shifts[len(shifts) // 2] if shifts else (0, 0)
same = sum(abs(x - dx) <= 3 and abs(y - dy) <= 3 for x, y in shifts)
check(len(shifts) > 50 and abs(dx) + abs(dy) > 100 and same >= 0.9 * len(shifts),
      f"mapbox-vector-tile: crs=gcj02 moves {same} of {len(shifts)} whole cells by ({dx}, {dy}) units")
check(open(f"{work}/cli-cells-gcj02.mvt", "rb").read() == open(f"{work}/cells-gcj02.mvt", "rb").read(),
      "wangge tile --crs gcj02: the same tile as GET …?crs=gcj02")
sys.exit(1 if failures else 0)
PY

# GDAL's MVT driver on the CLI's tile (the file name gives no z/x/y: extent 4096 assumed).
info=$(ogrinfo -ro -al -so "$WORK/cli-cells.mvt" 2>&1)
count=$(grep -m1 "Feature Count" <<<"$info" | grep -o '[0-9]*$' || echo 0)
if [ "${count:-0}" -gt 0 ]; then echo "ok    ogrinfo (MVT driver): cells layer, $count features"; else echo "FAIL  ogrinfo: $info"; exit 1; fi
