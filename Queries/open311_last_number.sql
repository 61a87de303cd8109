-- name: open311_last_number
-- description: The largest n of the order ids `311-n` given to Open311 service requests (0 when
-- description: none): the next request posted through /open311/v2 gets n + 1, so it never takes
-- description: the id of a stored order.
-- columns: number
SELECT coalesce(max(CAST(substr(id, 5) AS INTEGER)), 0) AS number
FROM orders
WHERE id >= '311-' AND id < '311.'
