-- name: open_orders_at
-- description: Orders open at a moment (received by then and not closed by then, judged by their
-- description: status history), with their deadline: received_at + sla_hours of the responsible
-- description: unit (72 h, the 3-day rectification rule, when the unit is unknown).
-- param: as_of time | The moment (ISO 8601).
-- columns: id, cell, points, unit, status, deadline, overdue
WITH state AS (
    SELECT o.id, o.cell, o.points, o.unit, o.received_epoch,
           coalesce((SELECT e.status FROM order_events AS e
                     WHERE e.order_id = o.id AND e.at_epoch <= :as_of
                     ORDER BY e.at_epoch DESC, e.seq DESC LIMIT 1), 'received') AS status,
           o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) AS deadline_epoch
    FROM orders AS o LEFT JOIN units AS u ON u.id = o.unit
    WHERE o.received_epoch <= :as_of
)
SELECT id, cell, points, unit, status, deadline_epoch AS deadline, deadline_epoch < :as_of AS overdue
FROM state
WHERE status != 'closed'
ORDER BY id
