-- Spark SQL grammar users write, side by side with PySpark (issue 20): lateral column
-- aliases, DISTRIBUTE/SORT/CLUSTER BY, LIMIT ALL, OFFSET, truth tests, grouping sets, frames
-- with intervals, FILTER, subqueries, joins without LEFT, UNPIVOT, set operators, hints.
-- name: lateral_column_alias
SELECT age + 1 AS a1, a1 * 2 AS a2 FROM people ORDER BY id
-- name: lateral_alias_of_aggregate
SELECT dept, count(*) AS n, n * 10 AS n10 FROM people GROUP BY dept ORDER BY dept
-- name: distribute_by_sort_by
SELECT id FROM people DISTRIBUTE BY dept SORT BY id
-- name: cluster_by
SELECT id FROM people CLUSTER BY id
-- name: having_without_group_by
SELECT count(*) FROM people HAVING count(*) > 3
-- name: div_binds_as_multiply
SELECT age DIV 10 * 10 AS decade, count(*) FROM people GROUP BY age DIV 10 * 10 ORDER BY decade NULLS FIRST
-- name: group_by_select_alias
SELECT dept AS d, count(*) FROM people GROUP BY d ORDER BY d NULLS LAST
-- name: order_by_expression_limit
SELECT name FROM people ORDER BY length(name) DESC, name LIMIT 2
-- name: limit_all
SELECT id FROM people ORDER BY id LIMIT ALL
-- name: offset_without_limit
SELECT id FROM people ORDER BY id OFFSET 4
-- name: exists_in_select_list
SELECT id, EXISTS (SELECT 1 FROM r WHERE r.id = people.id) AS has_r FROM people ORDER BY id
-- name: in_subquery_in_select_list
SELECT id, id IN (SELECT id FROM r) AS in_r FROM people ORDER BY id
-- name: like_escapes_and_quantifiers
SELECT 'a_b' LIKE 'a\\_b', 'axb' LIKE 'a\\_b', 'a%b' LIKE 'a!%b' ESCAPE '!', 'ABC' ILIKE 'a%', 'abc' LIKE ALL ('a%', '%c'), 'abc' NOT LIKE ANY ('x%', 'a%')
-- name: null_safe_and_truth_tests
SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, true IS TRUE, NULL IS UNKNOWN, false IS NOT FALSE, (1 > 2) IS FALSE
-- name: between_forms
SELECT 5 BETWEEN 1 AND 10, 5 NOT BETWEEN 6 AND 10, 'b' BETWEEN 'a' AND 'c', DATE '2024-01-05' BETWEEN '2024-01-01' AND '2024-01-31'
-- name: group_by_case_expression
SELECT CASE WHEN age < 30 THEN 'young' ELSE 'old' END AS g, avg(salary) FROM people GROUP BY CASE WHEN age < 30 THEN 'young' ELSE 'old' END ORDER BY g
-- name: grouping_sets_singletons
SELECT region, year, sum(amount) FROM sales GROUP BY GROUPING SETS ((region), (year), ()) ORDER BY region NULLS LAST, year NULLS LAST
-- name: rank_over_aggregate
SELECT region, sum(amount), rank() OVER (ORDER BY sum(amount) DESC) AS r FROM sales GROUP BY region ORDER BY r
-- name: window_of_aggregate
SELECT region, sum(amount) AS s, sum(sum(amount)) OVER () AS total FROM sales GROUP BY region ORDER BY region
-- name: distinct_order_desc
SELECT DISTINCT region FROM sales ORDER BY region DESC
-- name: repartition_hint
SELECT /*+ REPARTITION(2) */ id FROM people ORDER BY id
-- name: coalesce_hint
SELECT /*+ COALESCE(1) */ count(*) FROM people
-- name: cte_used_twice
WITH t AS (SELECT * FROM people WHERE age > 30) SELECT name FROM t WHERE id IN (SELECT id FROM t WHERE dept IS NOT NULL) ORDER BY name
-- name: cte_in_subquery
SELECT * FROM (WITH x AS (SELECT 1 AS a) SELECT a + 1 AS b FROM x) q
-- name: nested_cte
WITH a AS (SELECT 1 AS v), b AS (WITH c AS (SELECT v * 2 AS w FROM a) SELECT w FROM c) SELECT * FROM b
-- name: values_mixed_types
SELECT * FROM VALUES (1, 'a'), (2.5, NULL), (NULL, 'c') AS t(x, y) ORDER BY x NULLS FIRST
-- name: tablesample_rows
SELECT * FROM people TABLESAMPLE (2 ROWS) ORDER BY id
-- name: ranks_nulls_first_last
SELECT id, row_number() OVER (ORDER BY age NULLS FIRST, id) AS rn, rank() OVER (ORDER BY age DESC NULLS LAST) AS r FROM people ORDER BY id
-- name: range_frame_interval_days
SELECT id, sum(id) OVER (ORDER BY hired RANGE BETWEEN INTERVAL 365 DAYS PRECEDING AND CURRENT ROW) AS s FROM people WHERE hired IS NOT NULL ORDER BY id
-- name: rows_frame_before_current
SELECT id, count(*) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before FROM people ORDER BY id
-- name: partition_max_gap
SELECT dept, name, salary, max(salary) OVER (PARTITION BY dept) - salary AS gap FROM people ORDER BY id
-- name: nth_value_ignore_nulls
SELECT id, nth_value(id, 2) IGNORE NULLS OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second FROM people ORDER BY id
-- name: range_unbounded_with_ties
SELECT x, sum(x) OVER (ORDER BY x RANGE UNBOUNDED PRECEDING) AS s FROM VALUES (1), (1), (2), (NULL) t(x) ORDER BY x NULLS FIRST
-- name: distribution_windows_with_null
SELECT x, cume_dist() OVER (ORDER BY x) AS c, percent_rank() OVER (ORDER BY x) AS p, ntile(3) OVER (ORDER BY x) AS n FROM VALUES (1), (1), (2), (3), (NULL) t(x) ORDER BY x NULLS FIRST
-- name: cube_having
SELECT a, b, count(*) FROM VALUES (1, 'x'), (1, 'y'), (2, 'x') t(a, b) GROUP BY CUBE (a, b) HAVING count(*) > 1 ORDER BY a NULLS FIRST, b NULLS FIRST
-- name: rollup_grouping_id
SELECT a, grouping_id(a, b), sum(c) FROM VALUES (1, 'x', 10), (2, 'y', 20) t(a, b, c) GROUP BY ROLLUP (a, b) ORDER BY a NULLS FIRST, 2
-- name: filter_clause_per_group
SELECT k, sum(v) FILTER (WHERE v > 0) AS pos, count(*) FILTER (WHERE v IS NULL) AS nulls FROM VALUES ('a', 1), ('a', -1), ('a', NULL), ('b', 2) t(k, v) GROUP BY k ORDER BY k
-- name: max_min_of_structs_and_arrays
SELECT max(struct(v, k)), min(named_struct('v', v, 'k', k)).k, max(array(v)) FROM VALUES ('a', 1), ('b', 3), ('c', 2) t(k, v)
-- name: first_last_ignore_nulls
SELECT k, first(v), last(v), first(v, true), last(v, true) FROM (SELECT * FROM VALUES ('a', NULL, 1), ('a', 1, 2), ('a', NULL, 3) t(k, v, o) ORDER BY o) GROUP BY k
-- name: array_agg_collect_set_order
SELECT array_agg(v), collect_set(v), count(DISTINCT v) FROM VALUES (1), (NULL), (1), (2) t(v)
-- name: mode_median_percentile_array
SELECT mode(v), mode(v) WITHIN GROUP (ORDER BY v DESC), median(v), percentile(v, array(0.25, 0.75)) FROM VALUES (1), (2), (2), (3), (3) t(v)
-- name: bit_and_bool_aggregates
SELECT bit_and(v), bit_or(v), bit_xor(v), bool_and(v > 0), any(v > 2), some(v > 5), every(v IS NOT NULL) FROM VALUES (1), (3), (7) t(v)
-- name: moment_aggregates
SELECT stddev_samp(v), var_samp(v), std(v), variance(v), kurtosis(v), skewness(v) FROM VALUES (1.0D), (2.0D), (4.0D), (8.0D) t(v)
-- name: counts_and_count_min_sketch
SELECT count(*), count(1), count(v), count(DISTINCT v), approx_count_distinct(v), count_min_sketch(v, 0.5D, 0.5D, 1) IS NOT NULL FROM VALUES (1), (NULL) t(v)
-- name: sum_avg_types_of_small_ints
SELECT typeof(sum(CAST(v AS TINYINT))), typeof(avg(CAST(v AS SMALLINT))), typeof(max(CAST(v AS FLOAT))) FROM VALUES (1) t(v)
-- name: sum_avg_types_of_decimals
SELECT typeof(avg(CAST(v AS DECIMAL(38, 2)))), typeof(sum(CAST(v AS DECIMAL(30, 2)))) FROM VALUES (1) t(v)
-- name: bigint_sum_overflow_fails
SELECT sum(v), avg(v) FROM VALUES (CAST(9223372036854775807 AS BIGINT)), (CAST(1 AS BIGINT)) t(v)
-- name: decimal_avg_rounding
SELECT avg(v), sum(v) FROM VALUES (CAST(1.005 AS DECIMAL(10, 3))), (CAST(2.0 AS DECIMAL(10, 3))), (CAST(2.0 AS DECIMAL(10, 3))) t(v)
-- name: full_join_with_where
SELECT l.id, r.id, l.v, r.v FROM l FULL JOIN r ON l.id = r.id WHERE coalesce(l.v, 0) <> coalesce(r.v, 0) ORDER BY l.id NULLS LAST, r.id
-- name: correlated_exists_non_equi
SELECT l.id FROM l WHERE EXISTS (SELECT * FROM r WHERE r.v = l.v AND r.id < l.id) ORDER BY 1
-- name: correlated_count_subquery
SELECT l.id, (SELECT count(*) FROM r WHERE r.v = l.v) AS matches FROM l ORDER BY l.id
-- name: self_join_pairs
SELECT a.id, b.id FROM people a JOIN people b ON a.dept = b.dept AND a.id < b.id ORDER BY 1, 2
-- name: join_to_aggregate
SELECT p.name, q.cnt FROM people p JOIN (SELECT dept, count(*) AS cnt FROM people GROUP BY dept) q ON p.dept = q.dept ORDER BY p.id
-- name: left_join_is_null_anti
SELECT p.id FROM people p LEFT JOIN people q ON p.id = q.id + 10 WHERE q.id IS NULL ORDER BY 1
-- name: row_in_subquery
SELECT id, name FROM people WHERE (dept, age) IN (SELECT dept, max(age) FROM people GROUP BY dept) ORDER BY id
-- name: lateral_subquery_select
SELECT * FROM l, LATERAL (SELECT l.v * 10 AS w) x ORDER BY id
-- name: unpivot_of_literals
SELECT * FROM (SELECT 1 AS a, 2 AS b) UNPIVOT (val FOR col IN (a, b)) ORDER BY col
-- name: unpivot_include_nulls
SELECT * FROM (SELECT 'x' AS k, 1 AS a, NULL AS b) UNPIVOT INCLUDE NULLS (val FOR col IN (a, b)) ORDER BY col
-- name: union_all_values_desc_limit
SELECT k, v FROM VALUES (1, 'a') AS t(k, v) UNION ALL SELECT 2, 'b' UNION ALL SELECT 3, NULL ORDER BY k DESC LIMIT 2
-- name: except_all_values
SELECT k FROM VALUES (1), (2), (3) t(k) EXCEPT ALL SELECT k FROM VALUES (2) t(k) ORDER BY k
-- name: intersect_all_values
SELECT k FROM VALUES (1), (1), (2) t(k) INTERSECT ALL SELECT k FROM VALUES (1), (1), (1) t(k) ORDER BY k
-- name: minus_synonym
SELECT k FROM VALUES (1), (2) t(k) MINUS SELECT k FROM VALUES (2) t(k)
-- name: union_distinct_desc
SELECT k FROM VALUES (3), (1) t(k) UNION SELECT k FROM VALUES (2), (1) t(k) ORDER BY k DESC
-- name: union_widens_small_ints
SELECT typeof(k) FROM (SELECT CAST(1 AS TINYINT) AS k UNION ALL SELECT CAST(2 AS SMALLINT)) LIMIT 1
-- name: union_of_arrays
SELECT k, v FROM (SELECT 1 AS k, array(1) AS v UNION ALL SELECT 2, array(2, 3)) ORDER BY k
-- name: natural_left_join
SELECT * FROM (SELECT 1 AS id) a NATURAL LEFT JOIN (SELECT 1 AS id, 'x' AS v UNION ALL SELECT 2, 'y') b
-- name: cross_join_values
SELECT a.k, b.k FROM VALUES (1), (2) a(k) CROSS JOIN VALUES ('x') b(k) ORDER BY a.k
-- name: semi_join_without_left
SELECT l.id FROM l SEMI JOIN r ON l.id = r.id ORDER BY 1
-- name: anti_join_without_left
SELECT l.id FROM l ANTI JOIN r ON l.id = r.id ORDER BY 1
-- name: sum_over_empty_window
SELECT sum(v) OVER () AS total, v FROM VALUES (1), (2) t(v) ORDER BY v
-- name: lateral_alias_chain
SELECT 1 AS a, a + 1 AS b, b + 1 AS c, c * a
-- name: column_wins_over_lateral_alias
SELECT x + 1 AS x, x * 2 FROM VALUES (1) t(x)
-- name: div_precedence
SELECT 7 DIV 2 * 10, 100 DIV 10 + 1, 5 + 9 DIV 2, 2 * 9 DIV 2
