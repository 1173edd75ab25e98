-- Query shapes: PIVOT, GROUPING SETS/ROLLUP/CUBE with grouping(), joins, subqueries.
-- name: pivot_sum
SELECT * FROM (SELECT region, quarter, amount FROM sales) PIVOT (sum(amount) FOR quarter IN (1, 2)) ORDER BY region

-- name: pivot_aliases
SELECT * FROM (SELECT region, quarter, amount FROM sales) PIVOT (sum(amount) AS total FOR quarter IN (1 AS q1, 2 AS q2)) ORDER BY region

-- name: pivot_two_aggregates
SELECT * FROM (SELECT region, quarter, amount FROM sales) PIVOT (sum(amount) AS s, count(amount) AS c FOR quarter IN (1, 2)) ORDER BY region

-- name: pivot_strings
SELECT * FROM (SELECT year, region, amount FROM sales) PIVOT (max(amount) FOR region IN ('east', 'west')) ORDER BY year

-- name: pivot_implicit_group
SELECT * FROM sales PIVOT (sum(amount) FOR quarter IN (1, 2)) ORDER BY region, year

-- name: grouping_sets_fn
SELECT region, year, sum(amount) FROM sales GROUP BY GROUPING SETS ((region), (year), ()) ORDER BY region, year

-- name: rollup_two
SELECT region, year, sum(amount) FROM sales GROUP BY ROLLUP(region, year) ORDER BY region, year

-- name: cube_two
SELECT region, year, count(*) FROM sales GROUP BY CUBE(region, year) ORDER BY region, year

-- name: grouping_fn
SELECT region, grouping(region), sum(amount) FROM sales GROUP BY ROLLUP(region) ORDER BY region

-- name: grouping_id_no_args
SELECT region, year, grouping_id(), sum(amount) FROM sales GROUP BY CUBE(region, year) ORDER BY 3, region, year

-- name: grouping_id_args
SELECT region, year, grouping_id(region, year) AS gid FROM sales GROUP BY ROLLUP(region, year) ORDER BY gid, region, year

-- name: rollup_label
SELECT CASE WHEN grouping(region) = 1 THEN 'all' ELSE region END AS r, sum(amount) FROM sales GROUP BY ROLLUP(region) ORDER BY r

-- name: group_by_with_rollup
SELECT region, sum(amount) FROM sales GROUP BY region WITH ROLLUP ORDER BY region

-- name: rollup_having
SELECT region, year, sum(amount) AS t FROM sales GROUP BY ROLLUP(region, year) HAVING sum(amount) > 100 ORDER BY region, year

-- name: group_by_ordinal
SELECT region, sum(amount) FROM sales GROUP BY 1 ORDER BY 1

-- name: group_by_all
SELECT region, sum(amount) FROM sales GROUP BY ALL ORDER BY region

-- name: named_window
SELECT id, sum(age) OVER w AS s FROM people WINDOW w AS (ORDER BY id) ORDER BY id

-- name: two_ctes
WITH a AS (SELECT dept, count(*) AS n FROM people GROUP BY dept), b AS (SELECT max(n) AS m FROM a) SELECT dept FROM a, b WHERE n = m ORDER BY dept

-- name: values_table
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name) ORDER BY id

-- name: exists_subquery
SELECT name FROM people p WHERE EXISTS (SELECT 1 FROM nums n WHERE n.k = p.id AND n.x > 0) ORDER BY name

-- name: not_in_with_null
SELECT id FROM l WHERE v NOT IN (SELECT v FROM r)

-- name: left_semi_join
SELECT * FROM l LEFT SEMI JOIN r ON l.v = r.v ORDER BY id

-- name: left_anti_join
SELECT * FROM l LEFT ANTI JOIN r ON l.v = r.v ORDER BY id

-- name: full_outer_join
SELECT l.id, r.id FROM l FULL OUTER JOIN r ON l.id = r.id ORDER BY l.id, r.id

-- name: cross_join_count
SELECT count(*) FROM l CROSS JOIN r

-- name: using_join
SELECT id, l.v, r.v FROM l JOIN r USING (id) ORDER BY id

-- name: order_by_alias
SELECT id, salary * 2 AS s2 FROM people ORDER BY s2 DESC

-- name: group_by_case_ordinal
SELECT CASE WHEN age < 30 THEN 'young' ELSE 'old' END AS band, count(*) FROM people GROUP BY 1 ORDER BY 1

-- name: window_over_aggregate
SELECT dept, sum(salary) AS t, rank() OVER (ORDER BY sum(salary) DESC) AS r FROM people GROUP BY dept ORDER BY dept
