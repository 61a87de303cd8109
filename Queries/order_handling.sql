-- name: order_handling
-- description: Handling figures per order whose deadline (received_at + sla_hours of its unit,
-- description: 72 h when unknown) falls in [from, to): the orders due to be closed in that
-- description: period (应结案), with their first closure, whether they are closed at `to`, and
-- description: how often they were reopened by then.
-- param: from time | Start of the period (ISO 8601, inclusive).
-- param: to time | End of the period (ISO 8601, exclusive).
-- columns: id, unit, unit_name, street, received, deadline, first_closed, closed_at_end, reopened
WITH due AS (
    SELECT o.id, o.unit, coalesce(u.name, '') AS unit_name, substr(o.cell, 1, 9) AS street,
           o.received_epoch AS received,
           o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) AS deadline
    FROM orders AS o LEFT JOIN units AS u ON u.id = o.unit
    WHERE o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) >= :from
      AND o.received_epoch + 3600.0 * coalesce(u.sla_hours, 72) < :to
)
SELECT d.id, d.unit, d.unit_name, d.street, d.received, d.deadline,
       (SELECT min(e.at_epoch) FROM order_events AS e
        WHERE e.order_id = d.id AND e.status = 'closed' AND e.at_epoch < :to) AS first_closed,
       coalesce((SELECT e.status FROM order_events AS e WHERE e.order_id = d.id AND e.at_epoch < :to
                 ORDER BY e.at_epoch DESC, e.seq DESC LIMIT 1), 'received') = 'closed' AS closed_at_end,
       (SELECT count(*) FROM order_events AS e
        WHERE e.order_id = d.id AND e.status = 'reopened' AND e.at_epoch < :to) AS reopened
FROM due AS d
ORDER BY d.id
