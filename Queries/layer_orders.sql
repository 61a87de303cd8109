-- name: layer_orders
-- description: Located orders (WGS84 point known) for a GeoJSON export, filtered by box, time,
-- description: category, cell, unit and handling status. Orders without a usable location are on
-- description: the manual-dispatch list instead (query manual_dispatch).
-- param: min_lon real = null | West edge of the box (WGS84).
-- param: min_lat real = null | South edge of the box.
-- param: max_lon real = null | East edge of the box.
-- param: max_lat real = null | North edge of the box.
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: since time = null | Orders received at or after this time (OGC datetime's start).
-- param: until time = null | Orders received at or before this time (OGC datetime's end, inclusive).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- param: cell text = | Only orders whose primary cell is this one (empty: all).
-- param: unit text = | Only orders routed to this unit (empty: all).
-- param: status text = | Only orders in this handling status (empty: all).
-- param: id text = | Only the feature with this id (empty: all).
-- param: limit integer = null | At most this many features (null: all).
-- param: offset integer = 0 | Skip this many features first (paging, in the ORDER BY's order).
-- columns: id, category, received_at, status, assign_status, cell, street, community, unit, route, zone, points, lon, lat
SELECT id, category, received_at, status, assign_status, cell, street, community, unit, route, zone, points,
       wgs_lon AS lon, wgs_lat AS lat
FROM orders
WHERE wgs_lon IS NOT NULL AND wgs_lat IS NOT NULL
  AND (:min_lon IS NULL OR (rowid IN (SELECT pkid FROM idx_orders_geom
                                      WHERE xmax >= :min_lon AND xmin <= :max_lon AND ymax >= :min_lat AND ymin <= :max_lat)
                            AND wgs_lon BETWEEN :min_lon AND :max_lon AND wgs_lat BETWEEN :min_lat AND :max_lat))
  AND (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
  AND (:since IS NULL OR received_epoch >= :since)
  AND (:until IS NULL OR received_epoch <= :until)
  AND (:categories = '[]' OR category IN (SELECT value FROM json_each(:categories)))
  AND (:cell = '' OR cell = :cell)
  AND (:unit = '' OR unit = :unit)
  AND (:status = '' OR status = :status)
  AND (:id = '' OR id = :id)
ORDER BY received_epoch, id
LIMIT coalesce(:limit, -1) OFFSET :offset
