-- name: manual_dispatch
-- description: Stored orders whose coordinates were unusable (status invalid), oldest first:
-- description: the list the grid centre dispatches by hand.
-- columns: id, received_at, category, lon, lat, crs, reason
SELECT id, received_at, category, lon, lat, crs, invalid_reason AS reason
FROM orders
WHERE assign_status = 'invalid'
ORDER BY received_epoch, id
