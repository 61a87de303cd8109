-- name: daily_sheet_summary
-- description: The 3-day rectification summary (三日整改情况) of every responsible unit at day_end,
-- description: from the status history: open = received before day_end and not closed by then
-- description: (overdue: past the deadline received_at + sla_hours, 72 h when unknown; the rest
-- description: within it); received_3d = received in [day_end − 72 h, day_end); rectified_3d = with a
-- description: `resolved` event in that window; rectified_on_time_3d = of those, the latest such
-- description: resolution at or before the deadline.
-- param: day_end time | The reference moment: 00:00 +08:00 after the sheet's day.
-- param: unit text = null | Only this responsible unit (default: every unit).
-- columns: unit, name, sla_hours, open, overdue, within_deadline, received_3d, rectified_3d, rectified_on_time_3d
WITH mine AS (
    SELECT o.id, o.unit, o.received_epoch AS received,
           o.received_epoch + 3600.0 * u.sla_hours AS deadline
    FROM orders AS o JOIN units AS u ON u.id = o.unit
    WHERE (:unit IS NULL OR o.unit = :unit) AND o.received_epoch < :day_end
),
state AS (
    SELECT m.id, m.unit, m.received, m.deadline,
           coalesce((SELECT e.status FROM order_events AS e
                     WHERE e.order_id = m.id AND e.at_epoch < :day_end
                     ORDER BY e.at_epoch DESC, e.seq DESC LIMIT 1), 'received') AS status,
           (SELECT max(e.at_epoch) FROM order_events AS e
            WHERE e.order_id = m.id AND e.status = 'resolved'
              AND e.at_epoch >= :day_end - 259200.0 AND e.at_epoch < :day_end) AS resolved_3d
    FROM mine AS m
)
SELECT u.id AS unit, u.name AS name, u.sla_hours AS sla_hours,
       coalesce(sum(s.status != 'closed'), 0) AS open,
       coalesce(sum(s.status != 'closed' AND s.deadline < :day_end), 0) AS overdue,
       coalesce(sum(s.status != 'closed' AND s.deadline >= :day_end), 0) AS within_deadline,
       coalesce(sum(s.received >= :day_end - 259200.0), 0) AS received_3d,
       coalesce(sum(s.resolved_3d IS NOT NULL), 0) AS rectified_3d,
       coalesce(sum(s.resolved_3d IS NOT NULL AND s.resolved_3d <= s.deadline), 0) AS rectified_on_time_3d
FROM units AS u LEFT JOIN state AS s ON s.unit = u.id
WHERE :unit IS NULL OR u.id = :unit
GROUP BY u.id, u.name, u.sla_hours
ORDER BY u.id
