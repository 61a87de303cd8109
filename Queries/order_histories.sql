-- name: order_histories
-- description: Located orders (every status but invalid) received in [from, to) with what
-- description: recurrence needs: category, time, WGS84 location, cell, unit, inspection points.
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- columns: id, category, received, lon, lat, cell, unit, points
SELECT id, category, received_epoch AS received, wgs_lon AS lon, wgs_lat AS lat, cell, unit, points
FROM orders
WHERE wgs_lon IS NOT NULL AND wgs_lat IS NOT NULL
  AND (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
ORDER BY received_epoch, id
