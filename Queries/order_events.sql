-- name: order_events
-- description: Every status change of every order, in time order (the handling history).
-- columns: order_id, status, at
SELECT order_id, status, at_epoch AS at
FROM order_events
ORDER BY order_id, at_epoch, seq
