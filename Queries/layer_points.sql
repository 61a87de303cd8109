-- name: layer_points
-- description: Inspection points for a GeoJSON export, optionally within a box and of one type.
-- param: min_lon real = null | West edge of the box (WGS84).
-- param: min_lat real = null | South edge of the box.
-- param: max_lon real = null | East edge of the box.
-- param: max_lat real = null | North edge of the box.
-- param: type text = | Only points of this type (empty: all).
-- param: geometry text = | Only points drawn as this: point, line or polygon (empty: all).
-- param: id text = | Only the feature with this id (empty: all).
-- param: limit integer = null | At most this many features (null: all).
-- param: offset integer = 0 | Skip this many features first (paging, in the ORDER BY's order).
-- columns: id, name, type, radius_m, wkb
SELECT id, name, type, radius_m, AsBinary(geom) AS wkb
FROM points
WHERE (:min_lon IS NULL OR (rowid IN (SELECT pkid FROM idx_points_geom
                                      WHERE xmax >= :min_lon AND xmin <= :max_lon AND ymax >= :min_lat AND ymin <= :max_lat)
                            AND MbrIntersects(geom, BuildMbr(:min_lon, :min_lat, :max_lon, :max_lat, 4326))))
  AND (:type = '' OR type = :type)
  AND (:geometry = '' OR CASE GeometryAliasType(geom) WHEN 'POINT' THEN 'point' WHEN 'MULTIPOINT' THEN 'point'
                                               WHEN 'LINESTRING' THEN 'line' WHEN 'MULTILINESTRING' THEN 'line'
                                               ELSE 'polygon' END = :geometry)
  AND (:id = '' OR id = :id)
ORDER BY id
LIMIT coalesce(:limit, -1) OFFSET :offset
