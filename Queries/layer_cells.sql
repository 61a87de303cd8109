-- name: layer_cells
-- description: Grid cells for a GeoJSON export, optionally within a box (R*Tree prefilter, then
-- description: the exact envelope test) and of one street or community.
-- param: min_lon real = null | West edge of the box (WGS84).
-- param: min_lat real = null | South edge of the box.
-- param: max_lon real = null | East edge of the box.
-- param: max_lat real = null | North edge of the box.
-- param: street text = | Only cells of this street/town code (empty: all).
-- param: community text = | Only cells of this community code (empty: all).
-- param: id text = | Only the feature with this id (empty: all).
-- param: limit integer = null | At most this many features (null: all).
-- param: offset integer = 0 | Skip this many features first (paging, in the ORDER BY's order).
-- columns: code, name, community, community_name, street, street_name, area_m2, wkb
SELECT code, name, community, community_name, street, street_name, area_m2, AsBinary(geom) AS wkb
FROM cells
WHERE (:min_lon IS NULL OR (rowid IN (SELECT pkid FROM idx_cells_geom
                                      WHERE xmax >= :min_lon AND xmin <= :max_lon AND ymax >= :min_lat AND ymin <= :max_lat)
                            AND MbrIntersects(geom, BuildMbr(:min_lon, :min_lat, :max_lon, :max_lat, 4326))))
  AND (:street = '' OR street = :street)
  AND (:community = '' OR community = :community)
  AND (:id = '' OR code = :id)
ORDER BY code
LIMIT coalesce(:limit, -1) OFFSET :offset
