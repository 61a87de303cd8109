#!/usr/bin/env bash
# The API document against the tools users point at it, on a server on loopback over a copy
# of the sample district:
#   1. openapi-spec-validator: the document is valid OpenAPI 3.1;
#   2. schemathesis: every check (response schemas included) over ~3,000 generated requests
#      with an admin token, so the writes run too: 0 failures;
#   3. openapi-python-client: a client is generated with the 4 write operations, and its
#      parsers return typed objects.
# Python packages go into a venv under .build (created when missing). To cover more routes,
# add nothing here: schemathesis reads every operation from /openapi.json; a route group that
# needs its own data loads it in load_district below.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
WANGGE=${WANGGE:-$root/.build/debug/wangge}
EXAMPLES=${EXAMPLES:-10}   # per operation and phase: ~3,000 requests over 39 operations (1.5 min)
SEED=${SEED:-20261201}
venv=$root/.build/venv
pins=("openapi-spec-validator==0.9.0" "schemathesis==4.32.5" "openapi-python-client==0.29.1")

if ! "$venv/bin/python" - "${pins[@]}" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit(any(version(p.split("==")[0]) != p.split("==")[1] for p in sys.argv[1:]))
PY
then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${pins[@]}"
fi
[ -x "$WANGGE" ] || swift build --product wangge

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

load_district() {
  local db=$1 g=GeoData/baoshan
  for layer in units rules; do "$WANGGE" --quiet import $layer $g/$layer.csv --db "$db" >/dev/null; done
  for layer in cells zones points; do "$WANGGE" --quiet import $layer $g/$layer.geojson --db "$db" >/dev/null; done
  "$WANGGE" --quiet import addresses $g/addresses.csv --db "$db" >/dev/null
  "$WANGGE" --quiet import orders $g/orders.csv --db "$db" >/dev/null
  "$WANGGE" --quiet import events $g/events.csv --db "$db" >/dev/null
}
db=$work/baoshan.sqlite
load_district "$db"
token=$("$WANGGE" token create --db "$db" --role admin --name interop 2>/dev/null)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$WANGGE" serve --db "$db" --port "$port" --log-level error --request-timeout 120 >"$work/server.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf "$base/health" >/dev/null && break; sleep 0.2; done
curl -sf -H "Authorization: Bearer $token" "$base/openapi.json" -o "$work/openapi.json"

echo "== openapi-spec-validator"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

echo "== schemathesis (every check, $EXAMPLES examples per operation, seed $SEED)"
# Tests/Interop/schemathesis.toml says what the document cannot express (parameters that
# exclude each other, cost caps, partial=true). Heavy analytics of a debug build on a busy
# machine take seconds: the server's deadline and the response time limit are generous.
"$venv/bin/schemathesis" --config-file "$root/Tests/Interop/schemathesis.toml" run "$work/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" --checks all --max-examples "$EXAMPLES" --seed "$SEED" \
  --generation-deterministic --no-color --workers 2 --request-timeout 150 --max-response-time 150 --phases examples,coverage,fuzzing \
  --report junit --report-dir "$work/report" | tee "$work/schemathesis.txt"
if grep -q "Internal error\|request failed" "$work/server.log"; then echo "server errors:"; grep "error" "$work/server.log" | head; exit 1; fi

echo "== openapi-python-client"
( cd "$work" && "$venv/bin/openapi-python-client" generate --path openapi.json --meta none --output-path wangge_client >/dev/null )
"$venv/bin/python" - "$work" "$base" "$token" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from wangge_client import AuthenticatedClient
from wangge_client.api.assign import assign_order
from wangge_client.api.orders import store_orders, record_order_events, get_order
from wangge_client.api.layers import replace_layer
from wangge_client.api.health import get_health
from wangge_client.models import Assignment, Health, Order
client = AuthenticatedClient(base_url=sys.argv[2], token=sys.argv[3])
writes = [store_orders, record_order_events, replace_layer]
assert all(hasattr(m, "sync_detailed") for m in writes), "write operations missing"
health = get_health.sync(client=client)
assert isinstance(health, Health) and health.status == "ok", health
a = assign_order.sync(client=client, lon=121.404567, lat=31.305585, category="违法搭建")
# schemathesis may have replaced the layers by now: the type is what is checked here.
assert isinstance(a, Assignment) and a.lon == 121.404567, a
o = get_order.sync(client=client, id="BS2025000001")
assert isinstance(o, Order) and o.id == "BS2025000001", o
print(f"generated client: typed Health, Assignment (status {a.status.value}), Order; write operations {[m.__name__.split('.')[-1] for m in writes]}")
PY
echo "interop: openapi ok"
