-- The SQL of the original programs: the DataSource example's `squared` over the `test` view
-- (its UDF written as the expression it computes), the Monte Carlo pi estimate, a lookup by key.
-- name: squared_expression
SELECT value * value squared FROM test ORDER BY value

-- name: squared_pow
SELECT pow(value, 2) AS squared FROM test ORDER BY value

-- name: squared_mean
SELECT avg(value * value) AS mean FROM test

-- name: test_summary
SELECT count(*), round(avg(value), 6), round(stddev(value), 6) FROM test

-- name: pi_estimate
SELECT 4 * sum(CASE WHEN x * x + y * y <= 1 THEN 1 ELSE 0 END) / count(*) AS pi FROM points

-- name: lookup_by_key
SELECT * FROM states WHERE code = 'ak' LIMIT 1

-- name: sum_range
SELECT sum(id) FROM range(1, 101)

-- name: filter_values
SELECT value FROM test WHERE value > 2 ORDER BY value
