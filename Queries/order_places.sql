-- name: order_places
-- description: The responsible unit and the inspection points of each stored order received in
-- description: [from, to), for counts per unit or per inspection point (invalid orders included:
-- description: they have neither).
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- columns: unit, points
SELECT unit, points
FROM orders
WHERE (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
