-- Spark's default null ordering: ASC NULLS FIRST, DESC NULLS LAST.
-- name: order_asc_default
SELECT v FROM l ORDER BY v

-- name: order_desc_default
SELECT v FROM l ORDER BY v DESC

-- name: order_asc_nulls_last
SELECT v FROM l ORDER BY v ASC NULLS LAST

-- name: order_desc_nulls_first
SELECT v FROM l ORDER BY v DESC NULLS FIRST

-- name: order_two_keys
SELECT name, age FROM people ORDER BY age, name

-- name: order_desc_strings
SELECT dept FROM people ORDER BY dept DESC

-- name: order_limit
SELECT id, salary FROM people ORDER BY salary LIMIT 3

-- name: window_row_number_nulls
SELECT id, age, row_number() OVER (ORDER BY age, id) AS rn FROM people ORDER BY id

-- name: array_sort_nulls
SELECT array_sort(array(3, NULL, 1, 2))

-- name: sort_array_asc
SELECT sort_array(array(3, NULL, 1, 2))

-- name: sort_array_desc
SELECT sort_array(array(3, NULL, 1, 2), false)
