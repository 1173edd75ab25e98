-- Everyday queries: filters, aggregates, joins, windows, dates.
-- name: count_star
SELECT count(*) FROM people

-- name: count_column
SELECT count(age), count(dept) FROM people

-- name: group_by_dept
SELECT dept, count(*) AS n FROM people GROUP BY dept ORDER BY dept

-- name: avg_salary
SELECT dept, avg(salary) FROM people GROUP BY dept ORDER BY dept

-- name: sum_min_max
SELECT sum(age), min(age), max(age) FROM people

-- name: having_filter
SELECT age, count(*) FROM people GROUP BY age HAVING count(*) > 1

-- name: where_and_or
SELECT id FROM people WHERE age > 30 OR dept = 'ops' ORDER BY id

-- name: where_is_null
SELECT id FROM people WHERE age IS NULL OR dept IS NULL ORDER BY id

-- name: in_list
SELECT id FROM people WHERE dept IN ('eng', 'sales') ORDER BY id

-- name: between_filter
SELECT id FROM people WHERE age BETWEEN 28 AND 40 ORDER BY id

-- name: distinct_dept
SELECT DISTINCT dept FROM people

-- name: count_distinct
SELECT count(DISTINCT age) FROM people

-- name: inner_join
SELECT p.name, n.s FROM people p JOIN nums n ON p.id = n.k ORDER BY p.id, n.s

-- name: left_join
SELECT p.id, n.x FROM people p LEFT JOIN nums n ON p.id = n.k ORDER BY p.id, n.x

-- name: rank_window
SELECT name, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r FROM people WHERE dept IS NOT NULL ORDER BY name

-- name: running_sum
SELECT id, sum(age) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s FROM people ORDER BY id

-- name: lag_lead
SELECT id, lag(age) OVER (ORDER BY id), lead(age) OVER (ORDER BY id) FROM people ORDER BY id

-- name: case_when
SELECT id, CASE WHEN age >= 40 THEN 'senior' WHEN age IS NULL THEN 'unknown' ELSE 'junior' END FROM people ORDER BY id

-- name: cte_filter
WITH e AS (SELECT * FROM people WHERE dept = 'eng') SELECT name FROM e ORDER BY name

-- name: subquery_in
SELECT name FROM people WHERE id IN (SELECT k FROM nums WHERE x > 0) ORDER BY name

-- name: scalar_subquery
SELECT name FROM people WHERE age = (SELECT max(age) FROM people)

-- name: year_month
SELECT id, year(hired), month(hired), dayofmonth(hired) FROM people ORDER BY id

-- name: date_add_fn
SELECT date_add(DATE '2024-02-28', 2)

-- name: datediff_fn
SELECT datediff(DATE '2024-03-01', DATE '2024-02-28')

-- name: string_agg_like
SELECT dept, collect_list(name) FROM people WHERE dept = 'eng' GROUP BY dept

-- name: double_sum
SELECT sum(x), avg(x) FROM nums

-- name: limit_offset
SELECT id FROM people ORDER BY id LIMIT 2 OFFSET 1
