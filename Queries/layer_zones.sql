-- name: layer_zones
-- description: Responsibility zones for a GeoJSON export, optionally within a box and of one kind or unit.
-- param: min_lon real = null | West edge of the box (WGS84).
-- param: min_lat real = null | South edge of the box.
-- param: max_lon real = null | East edge of the box.
-- param: max_lat real = null | North edge of the box.
-- param: kind text = | Only zones of this kind (empty: all).
-- param: unit text = | Only zones of this unit id (empty: all).
-- param: id text = | Only the feature with this id (empty: all).
-- param: limit integer = null | At most this many features (null: all).
-- param: offset integer = 0 | Skip this many features first (paging, in the ORDER BY's order).
-- columns: id, kind, unit, unit_name, name, wkb
SELECT z.id, z.kind, z.unit, coalesce(u.name, '') AS unit_name, z.name, AsBinary(z.geom) AS wkb
FROM zones AS z LEFT JOIN units AS u ON u.id = z.unit
WHERE (:min_lon IS NULL OR (z.rowid IN (SELECT pkid FROM idx_zones_geom
                                        WHERE xmax >= :min_lon AND xmin <= :max_lon AND ymax >= :min_lat AND ymin <= :max_lat)
                            AND MbrIntersects(z.geom, BuildMbr(:min_lon, :min_lat, :max_lon, :max_lat, 4326))))
  AND (:kind = '' OR z.kind = :kind)
  AND (:unit = '' OR z.unit = :unit)
  AND (:id = '' OR z.id = :id)
ORDER BY z.id
LIMIT coalesce(:limit, -1) OFFSET :offset
