-- Aggregates and grouping.
-- name: count_if_fn
SELECT count_if(age > 30) FROM people

-- name: sum_double_group
SELECT dept, sum(salary) FROM people GROUP BY dept ORDER BY dept

-- name: min_max_strings
SELECT min(name), max(name) FROM people

-- name: avg_int
SELECT avg(age) FROM people

-- name: stddev_fn
SELECT round(stddev(age), 6), round(variance(age), 6) FROM people

-- name: collect_set_size
SELECT size(collect_set(age)) FROM people

-- name: group_by_expression
SELECT age > 30 AS older, count(*) FROM people GROUP BY age > 30 ORDER BY older

-- name: group_by_two
SELECT dept, age, count(*) FROM people GROUP BY dept, age ORDER BY dept, age

-- name: sum_empty
SELECT sum(age), count(*) FROM people WHERE id > 100

-- name: first_value_agg
SELECT first(name) FROM (SELECT name FROM people WHERE id = 3)

-- name: bool_and_or
SELECT bool_and(age > 20), bool_or(age > 50) FROM people

-- name: max_by_fn
SELECT max_by(name, salary), min_by(name, salary) FROM people

-- name: approx_count_distinct_fn
SELECT approx_count_distinct(dept) FROM people

-- name: rollup_dept
SELECT dept, count(*) FROM people GROUP BY ROLLUP(dept) ORDER BY dept

-- name: filter_clause
SELECT count(*) FILTER (WHERE dept = 'eng') FROM people
