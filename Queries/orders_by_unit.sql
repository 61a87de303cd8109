-- name: orders_by_unit
-- description: Stored orders counted by responsible unit and by how the unit was found
-- description: (a zone kind, street fallback, or none), in a time window.
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- columns: unit, name, route, count
SELECT o.unit AS unit, coalesce(u.name, '') AS name, o.route AS route, count(*) AS count
FROM orders AS o LEFT JOIN units AS u ON u.id = o.unit
WHERE (:from IS NULL OR o.received_epoch >= :from)
  AND (:to IS NULL OR o.received_epoch < :to)
GROUP BY o.unit, o.route
ORDER BY count DESC, o.unit, o.route
