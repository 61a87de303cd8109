-- wrk script: GET /v1/assign at random points over the sample district's extent (about 1 %
-- outside it), with a random category of its routing rules. Prints one summary line.
local categories = { "乱设摊", "暴露垃圾", "违法搭建", "道路破损", "河道漂浮物", "噪声扰民", "积水", "店招店牌破损" }
local token = os.getenv("WANGGE_TOKEN")
local minLon, minLat, maxLon, maxLat = 121.3925, 31.2775, 121.4640, 31.3290

local function escape(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local encoded = {}
for i, c in ipairs(categories) do encoded[i] = escape(c) end

init = function(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

request = function()
  local lon = minLon + math.random() * (maxLon - minLon)
  local lat = minLat + math.random() * (maxLat - minLat)
  local path = string.format("/v1/assign?lon=%.6f&lat=%.6f&category=%s", lon, lat, encoded[math.random(#encoded)])
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT assign requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, failed))
end
