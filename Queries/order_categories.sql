-- name: order_categories
-- description: The distinct categories of the stored orders, ascending: what a category filter can
-- description: match (with the routing rules' categories), to warn about one that matches nothing.
-- columns: category
SELECT DISTINCT category FROM orders ORDER BY category
