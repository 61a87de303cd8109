-- wrk script: POST /v1/orders in CSV batches of WANGGE_BATCH (default 1,000) new orders each,
-- at random points over the sample district. Order ids are unique per run, thread and request:
-- every order posted is a new one.
local token = os.getenv("WANGGE_TOKEN")
local batch = tonumber(os.getenv("WANGGE_BATCH") or "1000")
local categories = { "乱设摊", "暴露垃圾", "违法搭建", "道路破损", "河道漂浮物", "噪声扰民", "积水", "店招店牌破损" }
local minLon, minLat, maxLon, maxLat = 121.3925, 31.2775, 121.4640, 31.3290
local counter = 0
local thread_id = 0
local threads = {}

setup = function(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local run = 0

init = function(args)
  math.randomseed(os.time() + thread_id * 7919)
  run = os.time()
end

request = function()
  counter = counter + 1
  local rows = { "id,lon,lat,category,received_at,address" }
  for i = 1, batch do
    local lon = minLon + math.random() * (maxLon - minLon)
    local lat = minLat + math.random() * (maxLat - minLat)
    local day = 1 + (counter + i) % 28
    rows[#rows + 1] = string.format("LOAD-%d-%d-%d-%d,%.6f,%.6f,%s,2025-07-%02dT%02d:%02d:00+08:00,压测地址%d",
      run, thread_id, counter, i, lon, lat, categories[1 + (i % #categories)], day, i % 24, i % 60, i)
  end
  local body = table.concat(rows, "\n") .. "\n"
  return wrk.format("POST", "/v1/orders", { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "text/csv" }, body)
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT ingest batches=%d batch=%d seconds=%.1f orders_per_s=%.0f p50_ms=%.1f p99_ms=%.1f errors=%d\n",
    summary.requests, batch, seconds, summary.requests * batch / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed))
end
