-- name: dashboard_events
-- description: Every status change, grouped by order id in the primary key's order (order id, then
-- description: sequence; an order's changes are stored in time order, since an import refuses one
-- description: earlier than the order's last change), to be merged with dashboard_orders.
-- columns: order_id, status, at
SELECT order_id, status, at_epoch AS at
FROM order_events
ORDER BY order_id, seq
