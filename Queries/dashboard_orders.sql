-- name: dashboard_orders
-- description: Every stored order of the chosen categories received at or before `through`, with
-- description: what the leaders' screen needs in one pass: category, reception time, WGS84
-- description: location (null for invalid orders), primary cell, responsible unit and inspection
-- description: points. Sorted by id (the primary key's order, no sort step), to be merged with
-- description: dashboard_events.
-- param: through time | The latest reception time wanted (the later of the window's end and the as-of moment).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- columns: id, category, received, lon, lat, cell, unit, points
SELECT id, category, received_epoch AS received, wgs_lon AS lon, wgs_lat AS lat, cell, unit, points
FROM orders
WHERE +received_epoch <= :through
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
ORDER BY id
