-- name: manual_dispatch
-- description: The manual-dispatch list (人工派遣), oldest first: stored orders without a responsible
-- description: unit. `invalid`: unusable coordinates; `outside`: covered by no cell and farther than
-- description: the snap distance (a transfer, never routed to a unit); `unrouted`: every order
-- description: without a unit, those two and orders in the grid that no zone and no street unit
-- description: takes. The reasons are those of Assignment.manualDispatchReason, spelt from the
-- description: stored columns (the distance to the decimetre of the stored millimetres).
-- param: status text = unrouted | invalid, outside or unrouted (every order without a unit).
-- param: from time = null | Orders received at or after this time (ISO 8601).
-- param: to time = null | Orders received before this time (ISO 8601).
-- columns: id, received_at, category, assign_status, lon, lat, crs, distance_m, reason
SELECT id, received_at, category, assign_status, lon, lat, crs, distance_m,
       CASE assign_status
           WHEN 'invalid' THEN coalesce(invalid_reason, 'unusable coordinates')
           WHEN 'outside' THEN CASE WHEN distance_m IS NULL THEN 'outside the district grid (no cell to measure from)'
               ELSE printf('outside the district grid (%d.%d m from the nearest cell)',
                           CAST(round(distance_m * 10) AS INTEGER) / 10, CAST(round(distance_m * 10) AS INTEGER) % 10) END
           ELSE 'no responsible unit (no zone of the category''s route covers it and street ' || street || ' has no unit)'
       END AS reason
FROM orders
WHERE CASE :status
          WHEN 'invalid' THEN assign_status = 'invalid'
          WHEN 'outside' THEN assign_status = 'outside'
          ELSE unit = ''
      END
  AND (:from IS NULL OR received_epoch >= :from)
  AND (:to IS NULL OR received_epoch < :to)
ORDER BY received_epoch, id
