#!/usr/bin/env bash
# The service under abuse (make abuse): the bounds of issue 13, measured on loopback beside a
# release `wangge serve`. One line per case:
#   health-p99      /health p99 while 8 heavy analytics requests run          target < 50 ms
#   wal             WAL peak and orders/s during DURATION s of ingest at full speed
#                                                                   target ≤ 256 MB, ≥ 20k/s
#   wal-unbounded   the same with the bound lifted (--wal-limit 1 TB): the cost of the bound
#                   (not in the default CASES)
#   bad-body-rss    RSS growth for a 10 MB malformed body to POST /v1/orders    target < 50 MB
#   query-rss       RSS growth for GET /v1/queries/layer_orders on the 1M bench city
#                                                                              target < 200 MB
#   sigterm         SIGTERM to exit under load (heavy requests and ingest)       target < 10 s
#   stalled         1,000 stalled uploads closed within the idle timeout (5 s here)
# Every load is bounded in time (timeout/wrk -d) and count; nothing leaves 127.0.0.1.
#   WANGGE=.build/release/wangge  DURATION=300  PORT=18280  CASES="health wal body query sigterm stalled"  Tests/Load/abuse.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
WANGGE=${WANGGE:-.build/release/wangge}
DURATION=${DURATION:-300}
PORT=${PORT:-18280}
CASES=${CASES:-health wal body query sigterm stalled}
BENCH_CITY=${BENCH_CITY:-.build/bench-city}
WORK=.build/abuse
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk, or make load)"; exit 1; }
[ -x "$WANGGE" ] || { echo "$WANGGE is missing (make build)"; exit 1; }
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"

rm -rf "$WORK" && mkdir -p "$WORK"
g=GeoData/baoshan
sample=$WORK/sample.sqlite
for layer in units rules; do "$WANGGE" import $layer $g/$layer.csv --db $sample >/dev/null 2>&1; done
for layer in cells zones points; do "$WANGGE" import $layer $g/$layer.geojson --db $sample >/dev/null 2>&1; done
"$WANGGE" import orders $g/orders.csv --db $sample >/dev/null 2>&1
reader=$("$WANGGE" token create --db $sample --role reader --name abuse-reader 2>/dev/null)
operator=$("$WANGGE" token create --db $sample --role operator --name abuse-operator 2>/dev/null)

server=""
cleanup() { [ -n "$server" ] && kill -9 "$server" 2>/dev/null || true; jobs -p | xargs -r kill 2>/dev/null || true; }
trap cleanup EXIT

# start DB [serve options…]: a fresh server on $PORT; waits until /health answers.
start() {
  local db=$1; shift
  "$WANGGE" serve --db "$db" --port "$PORT" --log-level warning "$@" 2>>"$WORK/server.log" &
  server=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "the server did not start:"; tail -5 "$WORK/server.log"; exit 1
}
stop() { kill -TERM "$server" 2>/dev/null || true; for _ in $(seq 1 150); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done; kill -9 "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=""; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
# Heavy analytics for the sample district: each runs for seconds (the permutations are within
# the caps), the server's deadline (30 s) stops what runs longer.
heavy_url="http://127.0.0.1:$PORT/v1/recurrence?knox=true&permutations=999&distance-bands=10&distance-band=100"

for case in $CASES; do
  case $case in
  health)
    start $sample
    for i in $(seq 1 8); do timeout 60 curl -s -o /dev/null -H "Authorization: Bearer $reader" "$heavy_url" & done
    sleep 1
    out=$(timeout 40 wrk -t1 -c4 -d10s --latency "http://127.0.0.1:$PORT/health")
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
    metrics=$(curl -s -H "Authorization: Bearer $reader" "http://127.0.0.1:$PORT/metrics")
    running=$(echo "$metrics" | awk -F' ' '/^wangge_heavy_requests\{state="running"\}/ {print $2}')
    echo "health-p99: /health p99 $p99 ($rps requests/s, 4 connections, 10 s) while 8 heavy requests ran ($running on workers, the rest queued or refused); target < 50 ms"
    wait $(jobs -p | grep -v "^$server\$") 2>/dev/null || true
    stop
    ;;
  wal|wal-unbounded)
    # wal-unbounded: the same ingest with the WAL bound lifted (the policy before issue 13:
    # PASSIVE checkpoints only), for the cost of the bound.
    db=$WORK/ingest.sqlite
    rm -f $db $db-wal $db-shm
    cp $sample $db
    if [ $case = wal ]; then start $db; else start $db --wal-limit 1048576; fi
    peak=0
    ( while kill -0 $server 2>/dev/null; do s=$(stat -c %s "$db-wal" 2>/dev/null || echo 0); echo "$s"; sleep 0.25; done ) > "$WORK/wal.samples" &
    sampler=$!
    out=$(WANGGE_TOKEN=$operator WANGGE_BATCH=1000 timeout $((DURATION + 60)) wrk -t1 -c8 -d"${DURATION}s" --timeout 30s --latency -s Tests/Load/ingest.lua "http://127.0.0.1:$PORT" | grep RESULT || true)
    kill $sampler 2>/dev/null || true
    peak=$(sort -n "$WORK/wal.samples" | tail -1)
    metrics=$(curl -s -H "Authorization: Bearer $reader" "http://127.0.0.1:$PORT/metrics")
    checkpoints=$(echo "$metrics" | awk '/^wangge_wal_checkpoints_total/ {print $2}')
    rate=$(echo "$out" | sed -n 's/.*RESULT *//p')
    echo "$case: WAL peak $(mb $((peak / 1024))) MB over ${DURATION} s of ingest (8 connections × batches of 1,000; $checkpoints TRUNCATE checkpoints); ingest: $rate; database $(mb $(( $(stat -c %s $db) / 1024 ))) MB; target ≤ 256 MB, ≥ 20k orders/s"
    stop
    ;;
  body)
    start $sample
    python3 -c "import sys; sys.stdout.write('[' + ','.join(['1'] * 5_200_000) + ']')" > "$WORK/bad.json"
    curl -s -o /dev/null -H "Authorization: Bearer $reader" "http://127.0.0.1:$PORT/v1/hotspots"   # warm
    before=$(rss_kib $server); hwm0=$(hwm_kib $server)
    size=$(timeout 120 curl -s -o "$WORK/bad.answer" -w '%{http_code} %{size_download} %{time_total}' -H "Authorization: Bearer $operator" \
      -H "Content-Type: application/json" --data-binary @"$WORK/bad.json" "http://127.0.0.1:$PORT/v1/orders")
    after=$(rss_kib $server); hwm=$(hwm_kib $server)
    read -r code bytes seconds <<<"$size"
    growth=$(( (hwm > hwm0 ? hwm : hwm0) - before ))
    echo "bad-body-rss: a $(mb $(( $(stat -c %s $WORK/bad.json) / 1024 ))) MB body of 5.2M non-objects → $code, $bytes-byte answer in ${seconds} s; RSS $(mb $before) → peak $(mb $hwm) MB (growth ≤ $(mb $growth) MB), $(mb $after) MB after; target < 50 MB"
    stop
    ;;
  query)
    city=$WORK/../bench-city.sqlite
    if [ ! -f "$city" ]; then
      [ -f "$BENCH_CITY/orders.csv" ] || python3 GeoData/generate.py --preset bench --out "$BENCH_CITY" >/dev/null
      for layer in units rules; do "$WANGGE" import $layer $BENCH_CITY/$layer.csv --db $city.partial >/dev/null 2>&1; done
      for layer in cells zones points; do "$WANGGE" import $layer $BENCH_CITY/$layer.geojson --db $city.partial >/dev/null 2>&1; done
      "$WANGGE" import orders $BENCH_CITY/orders.csv --db $city.partial >/dev/null 2>&1
      mv $city.partial $city; rm -f $city.partial-wal $city.partial-shm
    fi
    token=$("$WANGGE" token create --db $city --role reader --name "abuse-$RANDOM$RANDOM" 2>/dev/null)
    start $city
    # The server reads the page's data ahead at start (every order, once per data version):
    # wait until its memory settles, so the growth measured is the query's.
    prev=0
    for _ in $(seq 1 120); do now=$(rss_kib $server); [ $((now - prev)) -lt 2048 ] && [ $((prev - now)) -lt 2048 ] && break; prev=$now; sleep 1; done
    for format in json csv; do
      before=$(rss_kib $server)
      ( peak=0; while true; do r=$(rss_kib $server 2>/dev/null || echo 0); [ "$r" -gt "$peak" ] && { peak=$r; echo $peak > "$WORK/rss.peak"; }; sleep 0.05; done ) &
      sampler=$!
      result=$(timeout 300 curl -s -o /dev/null -w '%{http_code} %{size_download} %{time_total}' -H "Authorization: Bearer $token" \
        "http://127.0.0.1:$PORT/v1/queries/layer_orders?format=$format")
      kill $sampler 2>/dev/null || true; wait $sampler 2>/dev/null || true
      peak=$(cat "$WORK/rss.peak")
      read -r code bytes seconds <<<"$result"
      echo "query-rss: GET /v1/queries/layer_orders?format=$format on the bench city (1M orders) → $code, $(mb $((bytes / 1024))) MB in ${seconds} s; RSS $(mb $before) MB → peak $(mb $peak) MB (growth $(mb $((peak - before))) MB, sampled every 50 ms); target < 200 MB"
    done
    stop
    ;;
  sigterm)
    db=$WORK/sigterm.sqlite
    cp $sample $db
    start $db
    for i in $(seq 1 6); do timeout 60 curl -s -o /dev/null -H "Authorization: Bearer $reader" "$heavy_url" & done
    WANGGE_TOKEN=$operator timeout 30 wrk -t1 -c8 -d20s --timeout 30s -s Tests/Load/ingest.lua "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
    sleep 3
    t0=$(date +%s.%N)
    kill -TERM $server
    while kill -0 $server 2>/dev/null; do sleep 0.02; done
    t1=$(date +%s.%N)
    status=0; wait $server || status=$?
    server=""
    wal=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
    echo "sigterm: exit $(awk -v a=$t0 -v b=$t1 'BEGIN { printf "%.2f", b - a }') s after SIGTERM under load (6 heavy requests, ingest at 8 connections), status $status, WAL $wal bytes after; target < 10 s"
    wait 2>/dev/null || true
    ;;
  stalled)
    start $sample --idle-timeout 5
    fds0=$(ls /proc/$server/fd | wc -l)
    python3 - "$PORT" "$server" "$fds0" <<'PY'
import os, socket, sys, time
port, pid, fds0 = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
socks = []
for i in range(1000):
    s = socket.create_connection(("127.0.0.1", port))
    # A stalled upload: the head, then 10 bytes of a 1 MB body, then nothing.
    s.sendall(b"POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\nContent-Length: 1000000\r\n\r\nid,lon,lat")
    socks.append(s)
t0 = time.time()
time.sleep(0.5)
held = len(os.listdir(f"/proc/{pid}/fd"))
closed_at = {}
deadline = t0 + 20
for s in socks: s.setblocking(False)
while len(closed_at) < len(socks) and time.time() < deadline:
    for k, s in enumerate(socks):
        if k in closed_at: continue
        try:
            data = s.recv(65536)
            if data == b"": closed_at[k] = time.time() - t0
        except BlockingIOError:
            pass
        except OSError:
            closed_at[k] = time.time() - t0
    time.sleep(0.1)
after = len(os.listdir(f"/proc/{pid}/fd"))
last = max(closed_at.values()) if closed_at else float("nan")
print(f"stalled: 1,000 stalled uploads held {held - fds0} descriptors; {len(closed_at)} closed by the server, the last {last:.1f} s after the stall (--idle-timeout 5); descriptors {held} → {after} (baseline {fds0}); target: all closed within the idle timeout")
for s in socks: s.close()
PY
    stop
    ;;
  *) echo "unknown case $case"; exit 1 ;;
  esac
done
