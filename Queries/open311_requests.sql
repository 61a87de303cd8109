-- name: open311_requests
-- description: Stored orders as Open311 GeoReport v2 service requests (GET /open311/v2/requests):
-- description: newest first, at most :limit. status open = every handling status but closed.
-- description: updated = the last status change (else the reception); deadline = received_at +
-- description: sla_hours of the unit (72 h, the 3-day rule, when unknown); address = the
-- description: order's `address` (or `地址`) attribute (Open311 address_string).
-- param: ids list = | Only these order ids, comma-separated (empty: all).
-- param: categories list = | Only these categories (service codes), comma-separated (empty: all).
-- param: from time = null | Orders received at or after this time.
-- param: to time = null | Orders received before this time.
-- param: status text = | open, closed, or empty for both.
-- param: limit integer = 1000 | At most this many orders.
-- columns: id, category, status, received_epoch, updated_epoch, deadline_epoch, unit, unit_name, lon, lat, address, address_id, description, media_url, assign_status, invalid_reason
SELECT o.id, o.category, o.status, o.received_epoch,
       max(o.received_epoch, coalesce((SELECT max(e.at_epoch) FROM order_events AS e WHERE e.order_id = o.id), o.received_epoch)) AS updated_epoch,
       o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) AS deadline_epoch,
       o.unit, coalesce(u.name, '') AS unit_name, o.wgs_lon AS lon, o.wgs_lat AS lat,
       coalesce(nullif(json_extract(o.attributes, '$.address'), ''), nullif(json_extract(o.attributes, '$."地址"'), ''), '') AS address,
       coalesce(json_extract(o.attributes, '$.code'), '') AS address_id,
       coalesce(json_extract(o.attributes, '$.description'), '') AS description,
       coalesce(json_extract(o.attributes, '$.media_url'), '') AS media_url,
       o.assign_status, o.invalid_reason
FROM orders AS o LEFT JOIN units AS u ON u.id = o.unit
WHERE (:ids = '[]' OR o.id IN (SELECT value FROM json_each(:ids)))
  AND (:categories = '[]' OR o.category IN (SELECT value FROM json_each(:categories)))
  AND (:from IS NULL OR o.received_epoch >= :from)
  AND (:to IS NULL OR o.received_epoch < :to)
  AND (:status = '' OR (:status = 'closed') = (o.status = 'closed'))
ORDER BY o.received_epoch DESC, o.id DESC
LIMIT :limit
