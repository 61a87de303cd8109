-- name: order_locations
-- description: WGS84 locations of stored orders with usable coordinates (every status but
-- description: invalid, outside orders included), for kernel density.
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- columns: lon, lat
SELECT wgs_lon AS lon, wgs_lat AS lat
FROM orders
WHERE wgs_lon IS NOT NULL AND wgs_lat IS NOT NULL
  AND (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
