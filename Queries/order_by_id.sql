-- name: order_by_id
-- description: One stored order as received and as routed, with its current handling status.
-- param: id text | The order id.
-- columns: id, received_at, category, lon, lat, crs, status, assign_status, cell, cells, street, community, unit, route, zone, distance_m, points, invalid_reason, wgs_lon, wgs_lat, attributes, imported_at
SELECT id, received_at, category, lon, lat, crs, status, assign_status, cell, cells, street, community, unit, route, zone,
       distance_m, points, invalid_reason, wgs_lon, wgs_lat, attributes, imported_at
FROM orders
WHERE id = :id
