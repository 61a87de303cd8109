-- name: orders_in_area
-- description: The orders of one cell, street, unit or inspection point (the leaders' page's
-- description: drill-down), received in [from, to), oldest first, with their current handling
-- description: status, responsible unit and deadline (received_at + sla_hours of the unit, 72 h
-- description: when unknown), and the address the order came with (attribute `address`).
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- param: categories list = | Only these categories, comma-separated (empty: all).
-- param: cell text = | Only orders whose primary cell is this one (empty: all).
-- param: street text = | Only orders whose primary cell lies in this street (9-digit code; empty: all).
-- param: unit text = | Only orders routed to this unit (empty: all).
-- param: point text = | Only orders touching this inspection point (empty: all).
-- columns: id, received_at, category, status, unit, unit_name, deadline, cell, address
SELECT o.id, o.received_at, o.category, o.status, o.unit, coalesce(u.name, '') AS unit_name,
       o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) AS deadline, o.cell,
       coalesce(json_extract(o.attributes, '$.address'), '') AS address
FROM orders AS o LEFT JOIN units AS u ON u.id = o.unit
WHERE (:from IS NULL OR o.received_epoch >= :from)
  AND (:to IS NULL OR o.received_epoch < :to)
  AND (:categories = '[]' OR o.category IN (SELECT value FROM json_each(:categories)))
  AND (:cell = '' OR o.cell = :cell)
  AND (:street = '' OR o.street = :street)
  AND (:unit = '' OR o.unit = :unit)
  AND (:point = '' OR instr(';' || o.points || ';', ';' || :point || ';') > 0)
ORDER BY o.received_epoch, o.id
