-- name: order_history
-- description: The status changes of one order, in the order they happened.
-- param: id text | The order id.
-- columns: seq, status, at, note
SELECT seq, status, at, note
FROM order_events
WHERE order_id = :id
ORDER BY at_epoch, seq
