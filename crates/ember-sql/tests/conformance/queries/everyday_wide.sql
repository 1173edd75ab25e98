-- More everyday queries side by side with PySpark (issue 20): date patterns, JSON, maps and
-- higher-order functions, window frames, subqueries, overflow, casts, math and generators.
-- name: date_format
SELECT date_format(TIMESTAMP '2024-03-05 07:08:09.123', 'yyyy-MM-dd HH:mm:ss.SSS'), date_format(DATE '2024-03-05', 'EEEE, MMMM d, yy'), date_format(TIMESTAMP '2024-03-05 17:08:09', 'h:mm a'), date_format(DATE '2024-03-05', 'D DDD')
-- name: to_timestamp_to_date
SELECT to_timestamp('2024-03-05T07:08:09.5Z'), to_timestamp('05.03.2024 07:08', 'dd.MM.yyyy HH:mm'), to_date('20240305', 'yyyyMMdd'), to_timestamp('2024-03-05 07:08:09', 'yyyy-MM-dd HH:mm:ss')
-- name: unix_timestamp_unix_date_date_from_unix_date
SELECT unix_timestamp(TIMESTAMP '2024-03-05 00:00:00'), unix_date(DATE '2024-03-05'), date_from_unix_date(19787), timestamp_seconds(1709596800), timestamp_millis(1709596800123), unix_millis(TIMESTAMP '2024-03-05 00:00:00.5')
-- name: make_timestamp_make_date_date_part
SELECT make_timestamp(2024, 3, 5, 7, 8, 9.5), make_date(2024, 2, 29), date_part('quarter', DATE '2024-05-01')
-- name: get_json_object_json_array_length_json_object_keys
SELECT get_json_object('{"a": {"b": [1, 2, {"c": "x"}]}}', '$.a.b[2].c'), get_json_object('{"a": 1}', '$.missing'), json_array_length('[1, [2, 3], {}]'), json_object_keys('{"x": 1, "y": {"z": 2}}')
-- name: from_json_to_json_schema_of_json
SELECT from_json('{"a": 1, "b": [1, 2]}', 'a INT, b ARRAY<INT>'), to_json(named_struct('a', 1, 'b', array('x', NULL))), to_json(map('k', 1.5)), schema_of_json('[{"a": 1, "b": "x"}]')
-- name: json_tuple
SELECT json_tuple('{"a": 1, "b": "two", "c": null}', 'a', 'b', 'c', 'd')
-- name: map_filter_transform_values_transform_keys
SELECT map_filter(map(1, 'a', 2, 'b'), (k, v) -> k > 1), transform_values(map('a', 1), (k, v) -> v * 10), transform_keys(map('a', 1), (k, v) -> upper(k)), map_zip_with(map(1, 'a'), map(1, 'b', 2, 'c'), (k, v1, v2) -> concat(v1, v2))
-- name: zip_with_array_sort_reduce
SELECT zip_with(array(1, 2, 3), array(10, 20), (x, y) -> x + y), array_sort(array(3, 1, 2), (a, b) -> b - a), reduce(array(1, 2, 3), 0, (acc, x) -> acc + x)
-- name: str_to_map_map_from_entries_element_at
SELECT str_to_map('a:1,b:2'), map_from_entries(array(struct(1, 'a'), struct(2, 'b'))), element_at(map('a', 1), 'b'), size(map('a', 1, 'b', 2)), map_contains_key(map(1, 'a'), 1)
-- name: sequence_array_repeat_array_remove
SELECT sequence(1, 10, 3), sequence(5, 1), array_repeat('x', 3), array_remove(array(1, 2, NULL, 2), 2), array_compact(array(1, NULL, 2)), array_max(array(1, NULL, 3)), array_min(array('b', 'a'))
-- name: array_join_shuffle_array_append
SELECT array_join(array('a', NULL, 'b'), ','), array_join(array('a', NULL, 'b'), ',', '?'), shuffle(array(1)), array_append(array(1), 2), array_prepend(array(1), 0), array_insert(array(1, 2), 2, 9)
-- name: arrays_overlap_array_except
SELECT arrays_overlap(array(1, 2), array(2, 3)), arrays_overlap(array(1, NULL), array(3)), array_except(array(1, NULL), array(NULL))
-- name: frames_rows_and_partitions
SELECT id, sum(v) OVER (PARTITION BY v ORDER BY id ROWS UNBOUNDED PRECEDING) AS s, count(*) OVER (PARTITION BY v) AS c, max(id) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) AS m FROM l ORDER BY id
-- name: lag_lead
SELECT id, avg(v) OVER (ORDER BY id RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING) AS a, lag(v, 2) OVER (ORDER BY id) AS p, lead(v, 1, 0) OVER (ORDER BY id) AS n FROM l ORDER BY id
-- name: rank
SELECT region, amount, sum(amount) OVER (PARTITION BY region ORDER BY year, quarter) AS running, rank() OVER (ORDER BY amount DESC) AS r FROM sales ORDER BY region, year, quarter
-- name: percent_rank_ntile
SELECT region, year, amount, percent_rank() OVER (PARTITION BY region ORDER BY amount) AS pr, ntile(2) OVER (PARTITION BY region ORDER BY amount) AS t FROM sales ORDER BY region, year, quarter
-- name: scalar_subquery_filter
SELECT * FROM people WHERE salary > (SELECT avg(salary) FROM people) ORDER BY id
-- name: exists
SELECT name FROM people p WHERE EXISTS (SELECT 1 FROM people q WHERE q.dept = p.dept AND q.id <> p.id) ORDER BY name
-- name: exists_2
SELECT name FROM people p WHERE NOT EXISTS (SELECT 1 FROM people q WHERE q.dept = p.dept AND q.age > p.age) ORDER BY name
-- name: correlated_count_per_distinct_key
SELECT DISTINCT dept, (SELECT count(*) FROM people q WHERE q.dept = p.dept) AS n FROM people p ORDER BY dept
-- name: correlated_in_subquery
SELECT id FROM l WHERE v IN (SELECT v FROM r WHERE r.id > l.id) ORDER BY id
-- name: scalar_max_subquery_or_null
SELECT id, v FROM l WHERE v > (SELECT max(v) FROM r) OR v IS NULL ORDER BY id
-- name: group_nulls_last
SELECT v, count(*) FROM l GROUP BY v ORDER BY v NULLS LAST
-- name: group_by_all
SELECT v, count(*) AS n FROM l GROUP BY ALL ORDER BY n DESC, v
-- name: group_and_order_by_position
SELECT dept, count(*) FROM people GROUP BY 1 ORDER BY 2 DESC, 1
-- name: distinct_descending
SELECT DISTINCT v FROM l ORDER BY v DESC
-- name: using
SELECT l.id, r.id FROM l JOIN r USING (id) ORDER BY 1
-- name: natural_join
SELECT * FROM l NATURAL JOIN r ORDER BY id
-- name: left_join
SELECT l.id, r.v FROM l LEFT JOIN r ON l.id = r.id AND r.v > 1 ORDER BY l.id
-- name: right_join
SELECT l.id, r.id FROM l RIGHT JOIN r ON l.v = r.v ORDER BY 2, 1
-- name: bigint_overflow_fails
SELECT 9223372036854775807 + 1
-- name: int_overflow_fails
SELECT 2147483647 + 1
-- name: cast_overflow_fails
SELECT CAST(3000000000 AS INT)
-- name: integer_edges_and_division
SELECT -(-128Y), abs(-2147483648), 5 / 2, 5 DIV 2, -5 / 2, 5.0 / 2, CAST(5 AS DOUBLE) / 0
-- name: divide_by_zero_fails
SELECT 1 / 0
-- name: try_divide_try_multiply_try_subtract
SELECT try_divide(5, 0), try_multiply(9223372036854775807, 2), try_subtract(-9223372036854775807, 5), try_sum(x) FROM VALUES (9223372036854775807), (1) t(x)
-- name: string_to_date_and_numbers
SELECT CAST('2024-03-05' AS DATE), CAST('2024-03-05 07:08' AS TIMESTAMP), CAST('  42  ' AS BIGINT), CAST('4.7' AS INT)
-- name: fraction_to_integer_casts
SELECT CAST(4.7 AS INT), CAST(-4.7 AS INT), CAST(4.7D AS BIGINT), CAST(1e20 AS BIGINT)
-- name: timestamp_seconds_casts
SELECT CAST(DATE '2024-03-05' AS TIMESTAMP), CAST(TIMESTAMP '2024-03-05 23:59:59' AS DATE), CAST(TIMESTAMP '2024-03-05 00:00:00' AS BIGINT), CAST(1709596800 AS TIMESTAMP)
-- name: nested_values_as_text
SELECT CAST(array(1, 2) AS STRING), CAST(map('a', 1) AS STRING), CAST(named_struct('a', 1, 'b', 'x') AS STRING), CAST(array(NULL, 'a') AS STRING)
-- name: double_texts_and_float_widening
SELECT CAST(1.23456789E8 AS STRING), CAST(1.0E-4 AS STRING), CAST(123456789012345678 AS DOUBLE), CAST(CAST(0.1 AS FLOAT) AS DOUBLE)
-- name: binary_boolean_and_decimal_casts
SELECT CAST(true AS STRING), CAST(X'4142' AS STRING), CAST('abc' AS BINARY), CAST(12.5 AS DECIMAL(3,0)), CAST(99.5 AS DECIMAL(2,0))
-- name: decimal_sum_avg_types
SELECT sum(x), avg(x), typeof(sum(x)), typeof(avg(x)) FROM VALUES (CAST(1.25 AS DECIMAL(5,2))), (CAST(2.5 AS DECIMAL(5,2))) t(x)
-- name: integer_sum_avg_types
SELECT sum(x), avg(x), typeof(sum(x)), typeof(avg(x)) FROM VALUES (1), (2), (4) t(x)
-- name: decimal_divide_multiply_types
SELECT x / y, typeof(x / y), x * y, typeof(x * y) FROM VALUES (CAST(10.5 AS DECIMAL(10,2)), CAST(3 AS DECIMAL(5,1))) t(x, y)
-- name: regexp_like_regexp_regexp_count
SELECT regexp_like('abc', '^a.c$'), 'abc' RLIKE 'b', regexp('x1', '[0-9]'), regexp_count('a1b2c3', '[0-9]'), regexp_substr('abc123def', '[0-9]+'), regexp_instr('abc123', '[0-9]')
-- name: replace_repeat_space
SELECT replace('aaa', 'a', 'bb'), repeat('ab', 3), space(3), length('héllo'), octet_length('héllo'), bit_length('a'), char_length('abc')
-- name: startswith_endswith_contains
SELECT startswith('Spark', 'Sp'), endswith('Spark', 'rk'), contains('Spark', 'ar'), find_in_set('b', 'a,b,c'), elt(2, 'a', 'b', 'c'), substring_index('a.b.c', '.', 2), substring_index('a.b.c', '.', -1)
-- name: soundex_levenshtein_split_part
SELECT soundex('Robert'), levenshtein('kitten', 'sitting'), split_part('a,b,c', ',', 2), sentences('Hello world. How are you?'), to_binary('abc', 'utf-8'), quote('it''s')
-- name: printf_format_string_lpad
SELECT printf('%s is %d years', 'Ann', 34), format_string('%08.3f', 3.14159D), format_string('%,d', 1234567), lpad('abc', 2), rpad('abc', 6, 'xy')
-- name: ceil_floor_ceiling
SELECT ceil(2.1), floor(-2.1), ceil(2.5D), floor(2.5D), ceiling(-0.5), sign(-3), signum(0.0), typeof(ceil(2.1)), typeof(ceil(2.5D))
-- name: sqrt_cbrt_pow
SELECT sqrt(16), cbrt(27), pow(2, 10), power(2.0, -1), exp(0), ln(1), log10(1000), log2(8), log(2, 8)
-- name: sin_cos_tan
SELECT sin(0), cos(0), tan(0), asin(1), acos(1), atan(1), atan2(1, 1), degrees(pi()), radians(180), e()
-- name: factorial_width_bucket_shiftleft
SELECT factorial(5), factorial(21), width_bucket(5.3, 0.2, 10.6, 5), shiftleft(1, 3), shiftright(-8, 1), shiftrightunsigned(-8, 60)
-- name: hypot_nanvl_isnan
SELECT hypot(3, 4), nanvl(CAST('NaN' AS DOUBLE), 0), isnan(CAST('NaN' AS DOUBLE)), rint(2.5D), rint(3.5D), negative(5), positive(-5)
-- name: uuid_length_rand
SELECT uuid() IS NOT NULL, length(uuid()), rand(42) < 1, typeof(randn(1)), typeof(monotonically_increasing_id())
-- name: count_if
SELECT region, count_if(amount > 90), min(amount), max(amount), sum(amount) FILTER (WHERE year = 2024) FROM sales GROUP BY region ORDER BY region
-- name: collect_list_array_sort_collect_set
SELECT region, collect_list(amount) AS a, array_sort(collect_set(year)) AS y FROM (SELECT * FROM sales ORDER BY year, quarter) GROUP BY region ORDER BY region
-- name: rollup
SELECT year, quarter, sum(amount) FROM sales GROUP BY ROLLUP (year, quarter) ORDER BY year NULLS LAST, quarter NULLS LAST
-- name: with_rollup
SELECT year, grouping(year), grouping(quarter), sum(amount) FROM sales GROUP BY year, quarter WITH ROLLUP ORDER BY year NULLS LAST, quarter NULLS LAST
-- name: unpivot
SELECT * FROM sales UNPIVOT (amt FOR q IN (amount)) ORDER BY region, year, quarter
-- name: pivot
SELECT * FROM (SELECT year, region, amount FROM sales) PIVOT (sum(amount) AS s, count(amount) AS c FOR region IN ('east', 'west')) ORDER BY year
-- name: tablesample
SELECT id FROM l TABLESAMPLE (100 PERCENT) ORDER BY id LIMIT 3
-- name: broadcast
SELECT /*+ BROADCAST(r) */ l.id FROM l JOIN r ON l.id = r.id ORDER BY 1
-- name: chained_ctes
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b
-- name: recursive_cte_sum
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT sum(n) FROM t
-- name: values_with_alias_filter
SELECT * FROM VALUES (1, 'a'), (2, 'b') AS v(x, y) WHERE x > 1
-- name: explode_posexplode
SELECT explode(array(1, 2)) AS x, posexplode(array('a')) 
-- name: inline
SELECT inline(array(struct(1, 'a'), struct(2, 'b')))
-- name: date_format_2
SELECT date_format(DATE '2024-03-05', 'w')
-- name: explode_inline
SELECT explode(array(1, 2)) AS x, explode(map('k', 'v')), inline(array(named_struct('p', 1)))
