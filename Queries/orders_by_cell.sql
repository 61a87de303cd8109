-- name: orders_by_cell
-- description: Stored orders counted by the primary cell of their assignment (snapped orders
-- description: included; outside and invalid orders have no cell and are not counted).
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- columns: cell, count
SELECT cell, count(*) AS count
FROM orders
WHERE cell != ''
  AND (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
GROUP BY cell
ORDER BY cell
