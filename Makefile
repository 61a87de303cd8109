# Wangge — the two commands of the README, and a few more.
#   make demo   install what is missing, build, load the sample district, route its orders
#   make test   install what is missing (Chromium, GDAL included), run every test, the browser test and the GIS interop checks
#   make bench  the routing benchmark on a synthetic city of ~40,000 cells and 1,000,000 orders
#   make bench-peers  `wangge assign` beside a tuned Shapely 2 on the peers' city (../shared/peers); then every row under the 1 mm tie rule
#   make abuse  the service's bounds under abuse (DURATION=300 s of ingest by default)

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

APT_PACKAGES := pkg-config python3 sqlite3 libsqlite3-dev libspatialite-dev libgeos-dev libproj-dev proj-data zlib1g-dev curl
LOAD_PACKAGES := wrk curl
# The browser test of the leaders' page: headless Chromium and a CJK font for its screenshot.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
# The interoperability checks with users' tools (Tests/Interop): GDAL's OAPIF and MVT drivers;
# a venv under .build for the PyPI clients (OWSLib, georeport, mapbox-vector-tile, …).
INTEROP_PACKAGES := gdal-bin python3-venv
PORT ?= 8080
SERVE ?= 1
DISTRICT ?= baoshan
DEMO := .build/demo
WANGGE := .build/release/wangge
BENCH_CITY := .build/bench-city-feed

.PHONY: deps build demo test bench bench-peers load abuse clean

## Install the Debian packages a fresh machine lacks (needs root or sudo).
deps:
	missing=""
	for p in $(APT_PACKAGES) $(EXTRA_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done
	if [ -n "$$missing" ]; then
	  echo "installing:$$missing"
	  sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo
	  $$sudo apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing
	fi

build: deps
	swift build -c release --product wangge

## Load the sample district into $(DEMO)/$(DISTRICT).sqlite and route its ground-truth set.
demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	db=$(DEMO)/$(DISTRICT).sqlite; g=GeoData/$(DISTRICT)
	for layer in units rules; do $(WANGGE) import $$layer $$g/$$layer.csv --db $$db; done
	for layer in cells zones points; do $(WANGGE) import $$layer $$g/$$layer.geojson --db $$db; done
	$(WANGGE) import addresses $$g/addresses.csv --db $$db
	$(WANGGE) import orders $$g/orders.csv --db $$db
	$(WANGGE) import events $$g/events.csv --db $$db
	$(WANGGE) assign --db $$db --input $$g/truth_orders.csv --output $(DEMO)/truth_assigned.csv
	python3 GeoData/compare_truth.py $$g/truth_expected.csv $(DEMO)/truth_assigned.csv
	echo; echo "First routed sample orders:"
	$(WANGGE) assign --db $$db --input $$g/orders.csv --output $(DEMO)/orders_assigned.csv 2>/dev/null
	head -6 $(DEMO)/orders_assigned.csv
	echo; echo "Orders per street (wangge hotspots --level street):"
	$(WANGGE) hotspots --db $$db --level street 2>/dev/null
	echo; echo "Hottest cells (wangge hotspots --method gi), first rows:"
	$(WANGGE) hotspots --db $$db --method gi --output $(DEMO)/gi.csv
	tail -n +2 $(DEMO)/gi.csv | sort -t, -k3 -g -r > $(DEMO)/gi_sorted.csv
	head -1 $(DEMO)/gi.csv; head -4 $(DEMO)/gi_sorted.csv
	echo; echo "亮灯 at the end of the sample's history (wangge lights --as-of 2025-12-31T23:59:00+08:00), reddest first:"
	$(WANGGE) lights --db $$db --as-of 2025-12-31T23:59:00+08:00 --no-bom --output $(DEMO)/lights.csv
	head -6 $(DEMO)/lights.csv
	echo; echo "December's handling per unit (wangge kpi --from 2025-12-01 --to 2026-01-01):"
	$(WANGGE) kpi --db $$db --from 2025-12-01 --to 2026-01-01 --no-bom 2>/dev/null | cut -d, -f1-5,8-11
	echo; echo "The district's last weeks (wangge trend), orders and 按期结案率 with 环比:"
	$(WANGGE) trend --db $$db --no-bom 2>/dev/null | cut -d, -f3,4,6,11,12 | tail -5
	echo; $(WANGGE) info --db $$db
	echo; echo "Database: $$db   Try: $(WANGGE) assign --db $$db --input $$g/orders.csv --output -"
	token=$$($(WANGGE) token create --db $$db --role operator --name demo 2>/dev/null)
	echo; echo "The HTTP API (wangge serve) on http://127.0.0.1:$(PORT), GETs open for the demo; an operator token: $$token"
	echo "  curl -sG http://127.0.0.1:$(PORT)/v1/assign -d lon=121.404567 -d lat=31.305585 --data-urlencode category=违法搭建 -H 'Authorization: Bearer $$token'"
	echo "  curl -s -X POST 'http://127.0.0.1:$(PORT)/v1/orders' -H 'Authorization: Bearer $$token' -H 'Content-Type: application/json' \\"
	echo "       -d '{\"id\":\"DEMO-1\",\"lon\":121.4142,\"lat\":31.3036,\"category\":\"暴露垃圾\",\"received_at\":\"2025-07-01T09:00:00+08:00\"}'"
	echo "  The leaders' page: http://127.0.0.1:$(PORT)/    The API document: http://127.0.0.1:$(PORT)/openapi.json    Stop: Ctrl-C"
	if [ "$(SERVE)" = 1 ]; then exec $(WANGGE) serve --db $$db --port $(PORT) --public-read; fi

test:
	$(MAKE) deps EXTRA_PACKAGES="$(BROWSER_PACKAGES) $(INTEROP_PACKAGES)"
	swift format lint --strict --configuration .swift-format --recursive Package.swift Sources Tests
	python3 GeoData/generate.py --check
	python3 GeoData/addresses.py --check
	swift build --build-tests
	swift test
	python3 Tests/Browser/dashboard_test.py
	Tests/Interop/ogcapi.sh
	Tests/Interop/open311_tiles.sh
	Tests/Interop/openapi.sh

## The HTTP load test: wrk beside `wangge serve` on loopback (GET /v1/assign, POST /v1/orders),
## then the leaders' page at 5,000 cells and 100,000 orders.
load: build
	$(MAKE) deps EXTRA_PACKAGES="$(LOAD_PACKAGES)"
	Tests/Load/run.sh
	Tests/Load/page.sh

## The bounds of the service under abuse, one line per case (Tests/Load/abuse.sh): /health
## beside 8 heavy requests, the WAL under DURATION s of ingest, memory for a 10 MB bad body and
## a 1M-row named query, SIGTERM under load, 1,000 stalled uploads.
abuse: build
	$(MAKE) deps EXTRA_PACKAGES="$(LOAD_PACKAGES)"
	BENCH_CITY=$(BENCH_CITY) Tests/Load/abuse.sh

bench: build
	[ -f $(BENCH_CITY)/orders.csv ] || python3 GeoData/generate.py --preset bench --out $(BENCH_CITY)
	$(WANGGE) bench --city $(BENCH_CITY)

## `wangge assign` and the Shapely peer side by side on the same city (40,015 cells, 1M orders,
## a quarter outside the outline): both medians, the ratio and the rows that agree; then every
## row again against the peer with Wangge's tie margin (1 mm) in place of its own (1 µm).
PEERS ?= ../shared/peers
bench-peers: build
	$(PEERS)/side_by_side.sh $(WANGGE)
	PEERS=$(PEERS) Tests/Peers/tie_rule.sh $(WANGGE)

clean:
	rm -rf .build $(DEMO)
