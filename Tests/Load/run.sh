#!/usr/bin/env bash
# The load test of `wangge serve` (make load): wrk on loopback beside the server, bounded in
# time. Prints requests/s and latency percentiles for GET /v1/assign and orders/s for
# POST /v1/orders in batches of 1,000, then stops the server with SIGTERM and checks that it
# shut down cleanly.
#   WANGGE=.build/release/wangge  DURATION=15  CONNECTIONS=32  PORT=18080  Tests/Load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
WANGGE=${WANGGE:-.build/release/wangge}
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-32}
POSTERS=${POSTERS:-8}
PORT=${PORT:-18080}
WORK=.build/load
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk, or make load)"; exit 1; }
[ -x "$WANGGE" ] || { echo "$WANGGE is missing (make build)"; exit 1; }

rm -rf "$WORK" && mkdir -p "$WORK"
db=$WORK/district.sqlite
g=GeoData/baoshan
for layer in units rules; do "$WANGGE" import $layer $g/$layer.csv --db $db >/dev/null 2>&1; done
for layer in cells zones points; do "$WANGGE" import $layer $g/$layer.geojson --db $db >/dev/null 2>&1; done
"$WANGGE" import orders $g/orders.csv --db $db >/dev/null 2>&1
reader=$("$WANGGE" token create --db $db --role reader --name load-reader 2>/dev/null)
operator=$("$WANGGE" token create --db $db --role operator --name load-operator 2>/dev/null)

"$WANGGE" serve --db $db --port "$PORT" --log-level "${LOG_LEVEL:-warning}" 2>"$WORK/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { echo "the server did not start:"; cat "$WORK/server.log"; exit 1; }

echo "== GET /v1/assign: $CONNECTIONS connections, ${DURATION}s (warm-up 3s first)"
WANGGE_TOKEN=$reader timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d3s -s Tests/Load/assign.lua "http://127.0.0.1:$PORT" >/dev/null
WANGGE_TOKEN=$reader timeout $((DURATION + 30)) wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s Tests/Load/assign.lua "http://127.0.0.1:$PORT" | grep RESULT

echo "== POST /v1/orders: batches of 1,000, $POSTERS connections, ${DURATION}s"
WANGGE_TOKEN=$operator timeout $((DURATION + 60)) wrk -t1 -c"$POSTERS" -d"${DURATION}s" --timeout 30s --latency -s Tests/Load/ingest.lua "http://127.0.0.1:$PORT" | grep RESULT
echo "orders stored: $(curl -sf -H "Authorization: Bearer $reader" "http://127.0.0.1:$PORT/metrics" | grep '^wangge_orders_ingested_total')"

kill -TERM $server
for _ in $(seq 1 100); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
if kill -0 $server 2>/dev/null; then echo "the server did not stop within 10 s of SIGTERM"; exit 1; fi
wait $server && echo "server stopped cleanly on SIGTERM" || { echo "server exited with status $?"; exit 1; }
