-- Spark's query syntax (issue 20), construct by construct, from the SQL reference's pages for
-- SELECT: each parses and answers as Spark, or is a known difference naming what is refused.
-- name: select_distinct_all
SELECT DISTINCT dept FROM people ORDER BY dept NULLS FIRST
-- name: select_all_keyword
SELECT ALL v FROM l ORDER BY v LIMIT 3
-- name: where_like_any_all
SELECT name FROM people WHERE name LIKE ANY ('A%', 'B%') ORDER BY name
-- name: where_like_all_and_not
SELECT name, name LIKE ALL ('%e%', 'D%'), name NOT LIKE ANY ('A%', 'B%') FROM people ORDER BY id
-- name: like_escape
SELECT 'a_b' LIKE 'a\\_b', 'axb' LIKE 'a\\_b', 'a%b' LIKE 'a/%b' ESCAPE '/'
-- name: rlike_and_regexp
SELECT name FROM people WHERE name RLIKE '^[AB]' ORDER BY name
-- name: group_by_having_without_aggregate_in_select
SELECT dept FROM people GROUP BY dept HAVING count(*) > 1 ORDER BY dept
-- name: having_without_group_by
SELECT sum(v) FROM l HAVING sum(v) > 3
-- name: group_by_expression_with_rollup_and_grouping
SELECT v % 2 AS parity, grouping(v % 2) AS g, count(*) FROM l GROUP BY ROLLUP(v % 2) ORDER BY g, parity
-- name: group_by_cube_of_arithmetic
SELECT v + 1 AS p, id % 3 AS q, count(*), grouping_id() AS gid FROM l GROUP BY CUBE(v + 1, id % 3) ORDER BY gid, p, q
-- name: group_by_grouping_sets_of_expressions
SELECT id * 2 AS d, v - 1 AS w, sum(id) AS s FROM l GROUP BY GROUPING SETS ((id * 2), (v - 1), ()) ORDER BY d, w, s
-- name: order_by_all
SELECT v, id FROM l ORDER BY ALL
-- name: order_by_nulls_last_desc
SELECT age FROM people ORDER BY age DESC NULLS LAST
-- name: sort_by
SELECT id FROM l SORT BY id DESC
-- name: distribute_by_and_sort_by
SELECT id, v FROM l DISTRIBUTE BY v SORT BY id
-- name: cluster_by
SELECT id FROM l CLUSTER BY id
-- name: limit_all_and_offset
SELECT id FROM l ORDER BY id LIMIT ALL OFFSET 6
-- name: cte_nested_and_shadowing
WITH a AS (SELECT 1 AS x), b AS (WITH a AS (SELECT 2 AS x) SELECT x FROM a) SELECT (SELECT x FROM a) AS outer_a, x FROM b
-- name: cte_shadowed_in_a_from_subquery_with_qualified_columns
WITH a AS (SELECT 1 AS x) SELECT * FROM (WITH a AS (SELECT 5 AS x) SELECT a.x, (SELECT max(x) FROM a) AS m FROM a) t, a
-- name: cte_shadowed_twice
WITH a AS (SELECT 1 AS x) SELECT (WITH a AS (SELECT x + 10 AS x FROM a) SELECT (WITH a AS (SELECT x + 100 AS x FROM a) SELECT x FROM a) FROM a) AS deep, (SELECT x FROM a) AS top
-- name: cte_column_aliases
WITH t(a, b) AS (SELECT 1, 2) SELECT a + b FROM t
-- name: recursive_cte
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT sum(n) FROM r
-- name: hints_are_accepted
SELECT /*+ BROADCAST(r), REPARTITION(2) */ l.id, r.v FROM l JOIN r ON l.id = r.id ORDER BY l.id
-- name: coalesce_hint
SELECT /*+ COALESCE(1) */ count(*) FROM l
-- name: inline_table_unparenthesized
SELECT * FROM VALUES 1, 2, 3 AS t(a) ORDER BY a
-- name: inline_table_unparenthesized_expressions_and_bare_alias
SELECT * FROM VALUES 'x' || 'y', upper('b') t(s) ORDER BY s
-- name: inline_table_unparenthesized_joined
SELECT * FROM VALUES 1, 2 AS t(a) JOIN VALUES 2, 3 AS u(b) ON a = b
-- name: inline_table_unparenthesized_arrays
SELECT x, size(x) FROM VALUES array(1, 2), array(3) AS t(x) ORDER BY size(x)
-- name: values_unparenthesized_as_a_query
SELECT a FROM (VALUES 3, 1, 2) AS t(a) ORDER BY a
-- name: inline_table_without_alias
SELECT * FROM VALUES (1, 'a'), (2, 'b') ORDER BY col1
-- name: values_as_a_query
VALUES (1, 'x'), (2, 'y')
-- name: inner_join_on
SELECT l.id, r.v FROM l INNER JOIN r ON l.id = r.id AND r.v > 1 ORDER BY l.id
-- name: right_outer_join
SELECT l.id, r.id FROM l RIGHT OUTER JOIN r ON l.v = r.id ORDER BY r.id, l.id
-- name: full_outer_join_using_merges_the_key
SELECT id, l.v, r.v FROM l FULL OUTER JOIN r USING (id) ORDER BY id
-- name: natural_join
SELECT * FROM l NATURAL JOIN r ORDER BY id
-- name: left_semi_and_anti_in_one
SELECT (SELECT count(*) FROM l LEFT SEMI JOIN r ON l.v = r.v) AS semi, (SELECT count(*) FROM l LEFT ANTI JOIN r ON l.v = r.v) AS anti
-- name: comma_join
SELECT count(*) FROM l, r WHERE l.id = r.id
-- name: cross_join_keyword
SELECT count(*) FROM l CROSS JOIN r
-- name: set_minus
SELECT v FROM l MINUS SELECT v FROM r
-- name: set_minus_all
SELECT v FROM l MINUS ALL SELECT v FROM r ORDER BY v
-- name: set_operators_precedence
SELECT v FROM l UNION SELECT v FROM r INTERSECT SELECT 4 ORDER BY v
-- name: row_value_in_subquery
SELECT id FROM l WHERE (id, v) IN (SELECT id, v FROM r) ORDER BY id
-- name: row_value_in_subquery_with_nulls_and_other_conditions
SELECT id FROM l WHERE v IS NOT NULL AND (v, id % 2) IN (SELECT v, id % 2 FROM r) ORDER BY id
-- name: row_value_not_in_subquery
SELECT id FROM l WHERE (id, v) NOT IN (SELECT id, v FROM r) ORDER BY id
-- name: row_value_not_in_empty_subquery_keeps_nulls
SELECT id FROM l WHERE (id, v) NOT IN (SELECT id, v FROM r WHERE id > 100) ORDER BY id
-- name: row_value_not_in_a_null_row_keeps_nothing
SELECT id FROM l WHERE (v, 1) NOT IN (SELECT v, 1 FROM r WHERE id = 5) ORDER BY id
-- name: row_value_not_in_beside_other_conditions
SELECT id FROM l WHERE id > 2 AND (id, v) NOT IN (SELECT id + 1, v FROM r) AND v IS NOT NULL ORDER BY id
-- name: correlated_scalar_subquery
-- known: values: a correlated scalar subquery with a non-equality correlation (r.id <= l.id) is not decorrelated by DataFusion and is refused
SELECT id, (SELECT max(r.v) FROM r WHERE r.id <= l.id) AS m FROM l ORDER BY id
-- name: scalar_subqueries_of_one_name
SELECT (SELECT 1), (SELECT 1)
-- name: scalar_subqueries_in_expressions_named
SELECT k, (SELECT 1) + 1, (SELECT 2) AS a, (SELECT 3) FROM VALUES (1) AS t(k)
-- name: correlated_scalar_subquery_named_by_its_outer_column
SELECT t.k, (SELECT max(v) FROM VALUES (1), (2) AS r(v) WHERE v = t.k) FROM VALUES (1), (2) AS t(k) ORDER BY 1
-- name: exists_as_a_value
SELECT k, EXISTS (SELECT 1 FROM r WHERE r.id = t.k) FROM VALUES (1), (9) AS t(k) ORDER BY k
-- name: exists_as_a_value_of_an_ordered_subquery
SELECT k, EXISTS (SELECT r.v FROM r WHERE r.id = t.k ORDER BY r.v) AS e FROM VALUES (1), (9) AS t(k) ORDER BY k
-- name: not_exists_as_a_value_in_an_expression
SELECT k, NOT EXISTS (SELECT 1 FROM r WHERE r.id = t.k AND r.v > 1) AS none, CASE WHEN EXISTS (SELECT 1 FROM r WHERE r.v = t.k) THEN 'y' ELSE 'n' END AS c FROM VALUES (1), (3), (4) AS t(k) ORDER BY k
-- name: in_subquery_as_a_value
SELECT k, k IN (SELECT v FROM r) FROM VALUES (1), (3), (9) AS t(k) ORDER BY k
-- name: in_subquery_as_a_value_three_valued
SELECT k, k IN (SELECT v FROM r), k NOT IN (SELECT v FROM r WHERE v IS NOT NULL), k IN (SELECT v FROM r WHERE v IS NOT NULL), k IN (SELECT id FROM r WHERE id > 100) FROM VALUES (1), (3), (9), (NULL) AS t(k) ORDER BY k
-- name: in_subquery_as_a_value_with_nulls_in_the_list
SELECT id, id IN (SELECT CASE WHEN v = 4 THEN NULL ELSE id END FROM r) AS m FROM l ORDER BY id
-- name: correlated_exists
SELECT id FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.id = l.id) ORDER BY id
-- name: lateral_subquery
SELECT l.id, x.w FROM l, LATERAL (SELECT l.v * 10 AS w) x ORDER BY l.id
-- name: lateral_computed_columns
SELECT l.id, x.a, x.b FROM l, LATERAL (SELECT l.v * 2 AS a, l.v * 2 + l.id AS b) x ORDER BY l.id
-- name: lateral_from_a_table_reading_the_outer_row
SELECT l.id, x.s FROM l, LATERAL (SELECT r.v + l.v AS s FROM r WHERE r.id <= l.id) x ORDER BY 1, 2
-- name: lateral_where_on_the_outer_row
SELECT l.id, x.w FROM l, LATERAL (SELECT l.v AS w WHERE l.v > 1) x ORDER BY 1
-- name: join_lateral_on
SELECT l.id, x.w FROM l JOIN LATERAL (SELECT l.v * 2 AS w) x ON x.w > 2 ORDER BY 1
-- name: left_join_lateral_on_true
SELECT l.id, x.w FROM l LEFT JOIN LATERAL (SELECT l.v + 1 AS w) x ON true ORDER BY 1
-- name: left_join_lateral_on_a_condition
SELECT l.id, x.w FROM l LEFT JOIN LATERAL (SELECT l.v + 1 AS w) x ON x.w > 2 ORDER BY 1
-- name: lateral_without_alias
SELECT * FROM l, LATERAL (SELECT l.id + l.v AS t) ORDER BY id
-- name: lateral_reading_an_earlier_lateral
SELECT l.id, y.z FROM l, LATERAL (SELECT l.v + 1 AS w) x, LATERAL (SELECT x.w * 10 AS z) y ORDER BY 1
-- name: lateral_star_of_the_outer_row
-- known: values: `l.*` of the outer row inside a LATERAL subquery: DataFusion's planner expands a star only over the subquery's own FROM and refuses it ("Invalid qualifier l"); name the columns
SELECT x.* FROM l, LATERAL (SELECT l.*, l.id * 2 AS d) x ORDER BY 1
-- name: lateral_top_n
-- known: values: a LATERAL subquery with ORDER BY/LIMIT that reads the outer row is not decorrelated by Ember and is refused naming LATERAL
SELECT l.id, x.v FROM l, LATERAL (SELECT r.v FROM r WHERE r.id <= l.id ORDER BY r.v DESC LIMIT 1) x ORDER BY 1
-- name: lateral_view_outer
SELECT id, e FROM l LATERAL VIEW OUTER explode(CASE WHEN id < 3 THEN array(id, id) END) t AS e ORDER BY id, e
-- name: lateral_view_inline_two_names
SELECT a, b FROM (SELECT 1 AS k) LATERAL VIEW inline(array(named_struct('x', 1, 'y', 'p'), named_struct('x', 2, 'y', 'q'))) t AS a, b ORDER BY a
-- name: inline_in_select_with_names
SELECT inline(array(named_struct('x', 1, 'y', 'p'), named_struct('x', 2, 'y', 'q'))) AS (c, d) ORDER BY c
-- name: lateral_view_outer_inline_of_null
SELECT k, t.a FROM (SELECT 1 AS k) LATERAL VIEW OUTER inline(CAST(NULL AS ARRAY<STRUCT<x: INT>>)) t AS a
-- name: lateral_view_inline_wrong_name_count
SELECT a FROM (SELECT 1) LATERAL VIEW inline(array(named_struct('x', 1, 'y', 2))) t AS a
-- name: lateral_view_json_tuple
SELECT k, a, b FROM (SELECT 1 AS k, '{"a": 1, "b": "z"}' AS j) LATERAL VIEW json_tuple(j, 'a', 'b') t AS a, b
-- name: tablesample_rows
SELECT count(*) FROM (SELECT * FROM l TABLESAMPLE (3 ROWS))
-- name: tablesample_percent_full
SELECT count(*) FROM l TABLESAMPLE (100 PERCENT)
-- name: unpivot
SELECT * FROM (SELECT 1 AS id, 10 AS q1, 20 AS q2) UNPIVOT (amount FOR quarter IN (q1, q2)) ORDER BY quarter
-- name: unpivot_include_nulls
SELECT * FROM (SELECT 1 AS id, 10 AS q1, CAST(NULL AS INT) AS q2) UNPIVOT INCLUDE NULLS (amount FOR quarter IN (q1, q2)) ORDER BY quarter
-- name: unpivot_with_labels_over_a_table
SELECT * FROM sales UNPIVOT (n FOR what IN (year AS y, quarter AS q)) WHERE region = 'east' ORDER BY amount, what, n
-- name: unpivot_of_an_input_with_rewritten_parts
SELECT * FROM (SELECT * FROM sales WHERE region LIKE ANY ('e%', 'w%')) UNPIVOT (n FOR w IN (year, quarter)) ORDER BY amount, w, n
-- name: unpivot_of_values
SELECT * FROM (VALUES (1, 10, 20)) UNPIVOT (v FOR n IN (col2, col3)) ORDER BY n
-- name: values_alias_without_column_names
SELECT * FROM VALUES (1, 2) AS t ORDER BY col2
-- name: sort_by_with_order_by_is_refused
SELECT id FROM l SORT BY id ORDER BY id
-- name: tablesample_percent_out_of_range_is_refused
SELECT count(*) FROM l TABLESAMPLE (150 PERCENT)
-- name: pivot_with_alias_in_values
SELECT * FROM (SELECT region, quarter, amount FROM sales) PIVOT (sum(amount) FOR quarter IN (1 AS q1, 2 AS q2)) ORDER BY region
-- name: window_rows_frame
SELECT id, sum(v) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM l ORDER BY id
-- name: window_range_frame
SELECT id, v, count(*) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM l ORDER BY id
-- name: window_unbounded_following
SELECT id, last_value(v) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM l ORDER BY id
-- name: named_window_used_twice
SELECT id, rank() OVER w, sum(v) OVER w FROM l WINDOW w AS (PARTITION BY v ORDER BY id) ORDER BY id
-- name: qualify
SELECT id, v FROM l QUALIFY row_number() OVER (PARTITION BY v ORDER BY id) = 1 ORDER BY id
-- name: star_of_a_struct
SELECT s.* FROM (SELECT named_struct('a', 1, 'b', 'x') AS s)
-- name: star_of_a_struct_beside_columns
SELECT 7 AS id, t.s.*, 8 AS z FROM (SELECT named_struct('a', 1, 'b', 'x') AS s) t
-- name: star_of_a_nested_struct
SELECT s.inner.* FROM (SELECT named_struct('inner', named_struct('p', 1, 'q', 2.5)) AS s)
-- name: star_of_a_struct_from_json
SELECT j.* FROM (SELECT from_json('{"a":1,"b":"x"}', 'a INT, b STRING') AS j)
-- name: star_of_a_struct_twice
SELECT s.*, s.* FROM (SELECT named_struct('a', 1) AS s)
-- name: star_of_a_struct_in_a_filtered_query
SELECT s.* FROM (SELECT named_struct('k', id, 'sq', id * id) AS s FROM range(5)) WHERE s.k > 2 ORDER BY s.k
-- name: star_of_a_number_is_refused
SELECT s.* FROM (SELECT 1 AS s)
-- name: star_except
SELECT * EXCEPT (v) FROM l ORDER BY id LIMIT 2
-- name: table_valued_range_forms
SELECT (SELECT count(*) FROM range(5)) AS a, (SELECT sum(id) FROM range(2, 10, 3)) AS b, (SELECT count(*) FROM range(0, 10, 1, 2)) AS c
-- name: identifier_clause
SELECT IDENTIFIER('v') FROM IDENTIFIER('l') ORDER BY 1 LIMIT 1
-- name: identifier_clause_qualified
SELECT IDENTIFIER('l.id') FROM IDENTIFIER('l') ORDER BY 1 DESC LIMIT 1
-- name: identifier_clause_not_a_name
SELECT IDENTIFIER('1 + 1')
-- name: pipe_syntax
-- known: values: Spark's SQL pipe syntax (FROM t |> WHERE ...) is refused by name
FROM l |> WHERE v = 1 |> AGGREGATE count(*) AS n
-- name: transform_script_is_refused
-- known: values: SELECT TRANSFORM (...) USING 'script' runs an external program: Ember refuses it by name
SELECT TRANSFORM (id) USING 'cat' AS (x) FROM l
-- name: file_query_is_refused
SELECT * FROM parquet.`/nonexistent/ember-grammar-test.parquet`
-- name: date_minus_date
SELECT CAST(DATE '2024-03-01' - DATE '2024-02-01' AS STRING)
-- name: case_mixing_strings_and_numbers
SELECT CASE WHEN id = 1 THEN 'one' ELSE id END FROM l ORDER BY id LIMIT 2
-- name: regr_count_type
SELECT regr_count(v, id) FROM l
-- name: date_format_day_of_year
SELECT date_format(TIMESTAMP '2024-03-15 10:20:30', 'D')
-- name: cast_timestamp_to_string
SELECT CAST(TIMESTAMP '2024-03-15 10:20:30.5' AS STRING)
-- name: try_cast_timestamp_to_string
SELECT TRY_CAST(TIMESTAMP '2024-03-15 10:20:30.5' AS STRING) AS a, TRY_CAST(TIMESTAMP_NTZ '2024-03-15 10:20:30' AS STRING) AS b
-- name: two_unnamed_values_in_one_from
SELECT * FROM (VALUES (1)), (VALUES (2))
-- name: strings_in_decimal_arithmetic
SELECT 1.5BD + '2.25', typeof(1.5BD + '2.25')
-- name: max_of_struct_with_null_field
SELECT max(s) FROM VALUES (named_struct('a', CAST(NULL AS INT), 'b', 1)), (named_struct('a', 1, 'b', 0)) AS t(s)
-- name: max_and_min_of_arrays_with_null_elements
SELECT max(a), min(a) FROM VALUES (array(1, NULL)), (array(1, 2)), (array(1)) AS t(a)
-- name: max_and_min_of_structs_with_null_fields
SELECT max(s), min(s) FROM VALUES (named_struct('x', 1, 'y', CAST(NULL AS INT))), (named_struct('x', 1, 'y', 0)), (named_struct('x', CAST(NULL AS INT), 'y', 9)) AS t(s)
-- name: max_and_min_of_arrays_by_group
SELECT g, max(a), min(a), max(a) FILTER (WHERE k > 1) FROM VALUES (1, 1, array(1, NULL)), (1, 2, array(1, 2)), (2, 1, NULL), (3, 1, array(5)), (3, 2, array(5, 0)), (3, 3, array(4, 9)) AS t(g, k, a) GROUP BY g ORDER BY g
-- name: greatest_and_least_of_arrays_with_null_elements
SELECT greatest(array(1, NULL), array(1, 2)), least(array(1, NULL), array(1, 2)), least(NULL, array(3)), least(3, 1, NULL)
-- name: least_of_array_columns
SELECT least(a, b) FROM VALUES (1, array(1, NULL), array(1, 2)), (2, NULL, array(0)), (3, array(2), NULL), (4, NULL, NULL) AS t(k, a, b) ORDER BY k
-- name: max_and_min_of_nested_arrays
SELECT max(a), min(a) FROM VALUES (array(array(1, NULL))), (array(array(1, 2))), (array(CAST(NULL AS ARRAY<INT>))) AS t(a)
-- name: recursive_cte_max_recursion_level_reached
WITH RECURSIVE r(n) MAX RECURSION LEVEL 3 AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT count(*) FROM r
-- name: recursive_cte_max_recursion_level_enough
WITH RECURSIVE r(n) MAX RECURSION LEVEL 30 AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT count(*) FROM r
-- name: recursive_cte_max_recursion_level_without_columns
WITH RECURSIVE r MAX RECURSION LEVEL 2 AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r
-- name: recursive_cte_max_recursion_level_above_the_default
WITH RECURSIVE r(n) MAX RECURSION LEVEL 200 AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 150) SELECT max(r.n), count(*) FROM r
-- name: recursive_cte_types_and_strings
WITH RECURSIVE r(n, s) AS (SELECT 1, 'a' UNION ALL SELECT n + 1, concat(s, 'b') FROM r WHERE n < 4) SELECT n, s, typeof(n) FROM r ORDER BY n
-- name: recursive_cte_series_of_dates
WITH RECURSIVE d(day) AS (SELECT DATE'2024-01-30' UNION ALL SELECT date_add(day, 1) FROM d WHERE day < DATE'2024-02-02') SELECT day FROM d ORDER BY day
-- name: recursive_cte_at_the_level_limit
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) SELECT count(*), max(n) FROM r
-- name: recursive_cte_past_the_level_limit
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 101) SELECT count(*), max(n) FROM r
-- name: recursive_cte_of_a_table_past_the_level_limit
WITH RECURSIVE r(n) AS (SELECT id FROM range(3) UNION ALL SELECT n + 1 FROM r WHERE n < 100) SELECT count(*) FROM r
-- name: recursive_cte_without_end
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r
-- name: recursive_cte_without_end_under_a_limit
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r LIMIT 5
-- name: recursive_cte_unread_past_the_level_limit
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 101) SELECT 1 AS one
-- name: recursive_cte_reaching_the_row_limit
WITH RECURSIVE r(n) AS (SELECT id FROM range(999999) UNION ALL SELECT n + 1 FROM r WHERE n < 1) SELECT count(*) FROM r
-- name: recursive_cte_below_the_row_limit
WITH RECURSIVE r(n) AS (SELECT id FROM range(999998) UNION ALL SELECT n + 1 FROM r WHERE n < 1) SELECT count(*) FROM r
-- name: table_statement
TABLE l ORDER BY id DESC LIMIT 3
-- name: table_in_a_cte_and_a_union
WITH c AS (SELECT 10 AS id, 20 AS v) TABLE c UNION ALL TABLE r ORDER BY 1
-- name: table_in_a_subquery
SELECT count(*), sum(v) FROM (TABLE l)
-- name: from_first_query
FROM l SELECT id, v WHERE v = 2 ORDER BY id
-- name: from_first_alone
FROM r
-- name: from_first_in_a_subquery
SELECT count(*) FROM (FROM l SELECT DISTINCT v)
-- name: from_first_with_lateral_view
FROM l LATERAL VIEW explode(array(1, 2)) x AS y SELECT id, y WHERE id = 1 ORDER BY y
-- name: unpivot_of_bare_values
SELECT * FROM VALUES (1, 1), (2, 1) AS t(id, v) UNPIVOT (x FOR c IN (id, v)) ORDER BY 1, 2
-- name: pivot_of_values
SELECT * FROM VALUES (1, 1), (2, 1), (3, 2) AS t(id, v) PIVOT (count(id) FOR v IN (1, 2))
-- name: like_of_numbers_dates_and_timestamps
SELECT 12 LIKE '1%', 1.5 LIKE '1%', DATE '2024-01-01' LIKE '2024%', TIMESTAMP '2024-01-01 10:00:00' LIKE '2024-01-01 10%', 1.50 LIKE '1.50', 1e20D LIKE '1.0E%'
-- name: like_any_of_a_number_column
SELECT id FROM l WHERE id LIKE ANY ('1%', '2%') ORDER BY id
-- name: ilike_and_not_like_of_numbers
SELECT 12 ILIKE '1%', 12 NOT LIKE '1%'
-- name: like_forms_named
SELECT 'ab' ILIKE 'A%', 'ab' NOT LIKE 'a%', 'ab' NOT ILIKE 'a%', 'ab' NOT RLIKE 'a', NOT 'ab' LIKE 'a%', 'a_b' LIKE 'a!_b' ESCAPE '!', 'a_b' NOT LIKE 'a!_b' ESCAPE '!', 'ab' ILIKE 'A!%' ESCAPE '!', 'ab' NOT LIKE ANY ('x%', 'a%'), 'ab' ILIKE ANY ('A%')
-- name: ilike_quantified
SELECT name, name ILIKE ANY ('A%', '%B%'), name NOT ILIKE ALL ('a%', 'c%') FROM people ORDER BY id
-- name: generators_in_from
SELECT * FROM explode(array(1, 2)) AS t(x)
-- name: posexplode_and_inline_in_from
SELECT p.pos, p.col, i.n, i.s FROM posexplode(array('a', 'b')) p, inline(array(struct(1, 'z'))) AS i(n, s) ORDER BY p.pos
-- name: stack_json_tuple_and_explode_outer_in_from
SELECT * FROM stack(2, 1, 'a', 2, 'b'), json_tuple('{"a":1}', 'a'), explode_outer(array()) ORDER BY col0
-- name: a_generator_in_from_filtered
SELECT t.x * 2 FROM explode(sequence(1, 3)) t(x) WHERE x > 1 ORDER BY 1
-- name: a_table_joined_with_a_generator_in_from
SELECT id, e FROM l, explode(array(10, 20)) AS g(e) WHERE id < 3 ORDER BY id, e
-- name: row_value_equality_in_where
SELECT * FROM l WHERE (id, v) = (4, 2)
-- name: row_value_in_list_in_where
SELECT * FROM l WHERE (id, v) IN ((1, 1), (4, 2), (5, 9)) ORDER BY id
-- name: full_outer_join_using_star_merges_the_key
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) FULL OUTER JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) ORDER BY k
-- name: full_outer_join_using_key_from_either_side
SELECT k FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) FULL OUTER JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) ORDER BY k
-- name: full_join_using_key_in_group_by
SELECT k, count(*) AS c FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) FULL JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) GROUP BY k ORDER BY k
-- name: full_outer_join_using_qualified_keys_stay_each_sides
SELECT l.k AS lk, r.k AS rk, k + 1 AS k1 FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) FULL OUTER JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) ORDER BY k1
-- name: full_outer_join_using_two_keys
SELECT * FROM VALUES (1, 1, 'a'), (2, 2, 'b') AS l(k, j, v) FULL OUTER JOIN VALUES (2, 2, 'x'), (3, 3, 'y') AS r(k, j, w) USING (k, j) ORDER BY k
-- name: right_join_using_star_takes_the_right_key
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) RIGHT JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) ORDER BY k
-- name: full_outer_join_using_key_in_where
SELECT k, v, w FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) FULL OUTER JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) USING (k) WHERE k > 1 ORDER BY k
-- name: full_outer_join_using_key_beside_a_subquery
SELECT k FROM VALUES (1, 'a') AS l(k, v) FULL OUTER JOIN VALUES (3, 'y') AS r(k, w) USING (k) WHERE k IN (SELECT k FROM VALUES (3) AS s(k)) ORDER BY k
-- name: is_distinct_from
SELECT a IS DISTINCT FROM b AS x, a IS NOT DISTINCT FROM b AS y FROM VALUES (1, 1), (1, NULL), (NULL, NULL), (1, 2) AS t(a, b)
-- name: right_join_on
SELECT l.k, l.v, r.w FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) RIGHT JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) ON l.k = r.k ORDER BY r.w
-- name: natural_left_join
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) NATURAL LEFT JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) ORDER BY k
-- name: intersect_distinct
SELECT * FROM VALUES (1), (2), (2), (3) AS a(x) INTERSECT DISTINCT SELECT * FROM VALUES (2), (2), (3) AS b(x) ORDER BY x
-- name: except_distinct
SELECT * FROM VALUES (1), (2), (2), (3) AS a(x) EXCEPT DISTINCT SELECT * FROM VALUES (3) AS b(x) ORDER BY x
-- name: natural_full_outer_join
-- known: values: NATURAL FULL OUTER JOIN keeps the left's key (NULL for rows only the right has) where Spark merges it: Ember merges the keys of USING, whose names the query gives, not NATURAL's, known only once both sides are planned
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS l(k, v) NATURAL FULL OUTER JOIN VALUES (2, 'x'), (3, 'y') AS r(k, w) ORDER BY k
