#!/usr/bin/env bash
# The leaders' page at district scale (make load): 5,000 cells and 100,000 orders with a
# handling history, served by `wangge serve`; prints the time to answer GET / (the first
# request, which reads the orders, and later views, which reuse them until the data changes)
# and the page size. Target: < 300 ms on the server, < 2 MB.
set -euo pipefail
cd "$(dirname "$0")/../.."
WANGGE=${WANGGE:-.build/release/wangge}
PORT=${PORT:-18181}
CITY=.build/page-city
db=$CITY/city.sqlite
if [ ! -f "$db" ]; then
  rm -rf "$CITY"
  python3 GeoData/generate.py --preset bench --cells 5000 --orders 100000 --out "$CITY" >/dev/null
  for layer in units rules; do "$WANGGE" import $layer $CITY/$layer.csv --db $db >/dev/null 2>&1; done
  for layer in cells zones points; do "$WANGGE" import $layer $CITY/$layer.geojson --db $db >/dev/null 2>&1; done
  "$WANGGE" import orders $CITY/orders.csv --db $db >/dev/null 2>&1
  # A handling history: a third of the orders closed (half of those reopened and closed again),
  # a tenth resolved late; the rest open.
  python3 - "$CITY/orders.csv" "$CITY/events.csv" <<'PY'
import csv, datetime, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f, open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out); w.writerow(["id", "status", "at"])
    for i, o in enumerate(csv.DictReader(f)):
        t = datetime.datetime.fromisoformat(o["received_at"])
        def add(status, hours): w.writerow([o["id"], status, (t + datetime.timedelta(hours=hours)).isoformat()])
        if i % 3 == 0:
            add("dispatched", 1); add("resolved", 20); add("closed", 30)
            if i % 6 == 0: add("reopened", 40); add("dispatched", 41); add("resolved", 60); add("closed", 70)
        elif i % 5 == 1:
            add("dispatched", 2); add("resolved", 100)
PY
  "$WANGGE" import events $CITY/events.csv --db $db >/dev/null 2>&1
fi
"$WANGGE" info --db $db | tr '\n' ' '; echo
operator=$("$WANGGE" token create --db $db --role operator --name "page-$$" 2>/dev/null)
"$WANGGE" serve --db $db --port "$PORT" --public-read --log-level warning 2>"$CITY/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
sleep 2   # the map of the cells is drawn in the background at start
page() {  # label, query
  curl -s -o "$CITY/page.html" -w "%{time_total} %{size_download}" "http://127.0.0.1:$PORT/$2" |
    awk -v label="$1" '{ printf "RESULT page %-34s %6.0f ms %9d bytes\n", label, $1 * 1000, $2 }'
}
page "first request after start" "?measure=count"
for m in count gi rebounds lights; do page "measure=$m" "?measure=$m"; done
page "measure=gi, a year" "?measure=gi&from=2025-01-01&to=2026-01-01"
page "one category" "?category=%E4%B9%B1%E8%AE%BE%E6%91%8A"
# A new order changes the data: the next page reads the orders again.
curl -sf -X POST "http://127.0.0.1:$PORT/v1/orders" -H "Authorization: Bearer $operator" -H "Content-Type: application/json" \
  -d "{\"id\":\"PAGE-$$-$RANDOM\",\"lon\":121.35,\"lat\":31.2,\"category\":\"乱设摊\",\"received_at\":\"2025-12-30T09:00:00+08:00\"}" >/dev/null
page "after a new order (reads again)" "?measure=count"
page "then again" "?measure=count"
kill -TERM $server; wait $server
