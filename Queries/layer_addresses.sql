-- name: layer_addresses
-- description: The standard address layer (标准地址库) for a GeoJSON export, optionally within a box and of one kind.
-- param: min_lon real = null | West edge of the box (WGS84).
-- param: min_lat real = null | South edge of the box.
-- param: max_lon real = null | East edge of the box.
-- param: max_lat real = null | North edge of the box.
-- param: kind text = | Only addresses of this kind: door, place or shop (empty: all).
-- param: id text = | Only the feature with this id (empty: all).
-- param: limit integer = null | At most this many features (null: all).
-- param: offset integer = 0 | Skip this many features first (paging, in the ORDER BY's order).
-- columns: id, kind, name, road, number, street, wkb
SELECT id, kind, name, road, number, street, AsBinary(geom) AS wkb
FROM addresses
WHERE (:min_lon IS NULL OR (rowid IN (SELECT pkid FROM idx_addresses_geom
                                      WHERE xmax >= :min_lon AND xmin <= :max_lon AND ymax >= :min_lat AND ymin <= :max_lat)
                            AND MbrIntersects(geom, BuildMbr(:min_lon, :min_lat, :max_lon, :max_lat, 4326))))
  AND (:kind = '' OR kind = :kind)
  AND (:id = '' OR id = :id)
ORDER BY id
LIMIT coalesce(:limit, -1) OFFSET :offset
