-- name: daily_sheet_orders
-- description: The daily sheet's rows (每日巡查问题汇总和整改分工落实表): orders whose responsible unit
-- description: is set, that were received, dispatched or reopened (返工, dispatched again) in the
-- description: China Standard Time day [day_start, day_end), and that are still open at day_end —
-- description: their last status change before day_end (status history, as open_orders_at) is not
-- description: `closed`. Deadline: received_at + sla_hours of the unit (72 h, the 3-day rule, when
-- description: unknown). Address: the orders file's `address` (or `地址`) column, kept in attributes.
-- param: day_start time | Start of the day (00:00 +08:00).
-- param: day_end time | End of the day (00:00 +08:00 of the next day); open and closed are judged just before it.
-- param: unit text = null | Only this responsible unit (default: every unit).
-- columns: unit, id, category, address, lon, lat, cell, points, received_at, received, deadline, status
WITH day_orders AS (
    SELECT id FROM orders WHERE received_epoch >= :day_start AND received_epoch < :day_end
    UNION
    SELECT order_id FROM order_events
    WHERE status IN ('dispatched', 'reopened') AND at_epoch >= :day_start AND at_epoch < :day_end
),
state AS (
    SELECT o.unit, o.id, o.category,
           coalesce(nullif(json_extract(o.attributes, '$.address'), ''), nullif(json_extract(o.attributes, '$."地址"'), ''), '') AS address,
           o.wgs_lon AS lon, o.wgs_lat AS lat, o.cell, o.points, o.received_at, o.received_epoch AS received,
           o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) AS deadline,
           coalesce((SELECT e.status FROM order_events AS e
                     WHERE e.order_id = o.id AND e.at_epoch < :day_end
                     ORDER BY e.at_epoch DESC, e.seq DESC LIMIT 1), 'received') AS status
    FROM day_orders AS d JOIN orders AS o ON o.id = d.id LEFT JOIN units AS u ON u.id = o.unit
    WHERE o.unit != '' AND (:unit IS NULL OR o.unit = :unit) AND o.received_epoch < :day_end
)
SELECT unit, id, category, address, lon, lat, cell, points, received_at, received, deadline, status
FROM state
WHERE status != 'closed'
ORDER BY unit, deadline, id
