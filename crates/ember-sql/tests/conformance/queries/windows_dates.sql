-- Window functions and dates.
-- name: dense_rank_fn
SELECT id, dense_rank() OVER (ORDER BY age) AS r FROM people ORDER BY id

-- name: sum_over_partition
SELECT id, sum(salary) OVER (PARTITION BY dept) AS s FROM people ORDER BY id

-- name: avg_sliding
SELECT id, avg(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS a FROM people ORDER BY id

-- name: first_value_window
SELECT id, first_value(name) OVER (PARTITION BY dept ORDER BY id) AS f FROM people ORDER BY id

-- name: count_over
SELECT id, count(*) OVER () AS n FROM people ORDER BY id

-- name: ntile_fn
SELECT id, ntile(2) OVER (ORDER BY id) AS t FROM people ORDER BY id

-- name: to_date_fn
SELECT to_date('2024-03-15')

-- name: date_format_fn
SELECT date_format(DATE '2024-03-15', 'yyyy/MM/dd')

-- name: date_sub_fn
SELECT date_sub(DATE '2024-03-01', 1)

-- name: add_months_fn
SELECT add_months(DATE '2024-01-31', 1)

-- name: last_day_fn
SELECT last_day(DATE '2024-02-10')

-- name: datediff_column
SELECT id, datediff(DATE '2024-01-01', hired) FROM people ORDER BY id

-- name: date_trunc_fn
SELECT date_trunc('MONTH', TIMESTAMP '2024-03-15 10:20:30')

-- name: cast_date_string
SELECT CAST(hired AS STRING) FROM people ORDER BY id

-- name: date_compare
SELECT id FROM people WHERE hired > DATE '2020-01-01' ORDER BY id
