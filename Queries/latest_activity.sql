-- name: latest_activity
-- description: The last recorded moment of the store: its latest order reception or status
-- description: change (null when it holds neither) — the leaders' screen's default as-of moment.
-- columns: at
SELECT nullif(max(coalesce((SELECT max(received_epoch) FROM orders), -1e300),
                  coalesce((SELECT max(at_epoch) FROM order_events), -1e300)), -1e300) AS at
