-- name: layer_extents
-- description: Each exported layer's extent (from its spatial index, whose float32 boxes are
-- description: rounded outwards, so it covers the data) and, for orders, the first and last
-- description: received time: the extents of the OGC API collections.
-- columns: layer, min_lon, min_lat, max_lon, max_lat, first_received, last_received
SELECT 'cells' AS layer, min(xmin) AS min_lon, min(ymin) AS min_lat, max(xmax) AS max_lon, max(ymax) AS max_lat,
       NULL AS first_received, NULL AS last_received FROM idx_cells_geom
UNION ALL SELECT 'zones', min(xmin), min(ymin), max(xmax), max(ymax), NULL, NULL FROM idx_zones_geom
UNION ALL SELECT 'points', min(xmin), min(ymin), max(xmax), max(ymax), NULL, NULL FROM idx_points_geom
UNION ALL SELECT 'addresses', min(xmin), min(ymin), max(xmax), max(ymax), NULL, NULL FROM idx_addresses_geom
UNION ALL SELECT 'orders', min(xmin), min(ymin), max(xmax), max(ymax),
                 (SELECT min(received_epoch) FROM orders), (SELECT max(received_epoch) FROM orders) FROM idx_orders_geom
