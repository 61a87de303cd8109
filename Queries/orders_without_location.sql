-- name: orders_without_location
-- description: How many stored orders an export of located orders (layer_orders) leaves out for having
-- description: no usable location (status invalid: on the manual-dispatch list instead), under the
-- description: same time, category, cell, unit and handling-status filters.
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- param: cell text = | Only orders whose primary cell is this one (empty: all).
-- param: unit text = | Only orders routed to this unit (empty: all).
-- param: status text = | Only orders in this handling status (empty: all).
-- columns: count
SELECT count(*) AS count
FROM orders
WHERE (wgs_lon IS NULL OR wgs_lat IS NULL)
  AND (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
  AND (:cell = '' OR cell = :cell)
  AND (:unit = '' OR unit = :unit)
  AND (:status = '' OR status = :status)
