-- Everyday queries of many kinds, tried side by side with PySpark (issue 20, a battery of
-- windows, subqueries, joins, set operators, casts, strings, dates, arrays and aggregates).
-- name: ntile_percent_rank_cume_dist
SELECT id, ntile(4) OVER (ORDER BY id) AS q, percent_rank() OVER (ORDER BY age) AS pr, cume_dist() OVER (ORDER BY age) AS cd FROM people ORDER BY id
-- name: lag_lead
SELECT id, lag(age, 1, -1) OVER (ORDER BY id) AS p, lead(name, 2) OVER (PARTITION BY dept ORDER BY id) AS n FROM people ORDER BY id
-- name: sliding_sum_and_partition_avg
SELECT id, sum(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s, avg(age) OVER (PARTITION BY dept) AS a FROM people ORDER BY id
-- name: range_frame_by_value
SELECT id, sum(v) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM l ORDER BY id
-- name: not_in
SELECT id FROM l WHERE v NOT IN (SELECT v FROM r) ORDER BY id
-- name: not_in_2
SELECT id FROM l WHERE v NOT IN (SELECT v FROM r WHERE v IS NOT NULL) ORDER BY id
-- name: correlated_scalar_subquery_in_select
SELECT id, (SELECT max(v) FROM r WHERE r.id = l.id) AS m FROM l ORDER BY id
-- name: left_semi
SELECT l.id FROM l LEFT SEMI JOIN r ON l.v = r.v ORDER BY 1
-- name: left_anti
SELECT l.id FROM l LEFT ANTI JOIN r ON l.v = r.v ORDER BY 1
-- name: pmod_mod
SELECT 7 div 2, -7 div 2, -7 % 3, 7 % -3, pmod(-7, 3), mod(-7.5, 2)
-- name: round_bround
SELECT round(2.5), round(-2.5), round(2.5D), round(0.125D, 2), bround(0.125D, 2), round(1234.5678, -2)
-- name: string_casts_trimmed_and_exponent
SELECT CAST(' 12 ' AS INT), CAST('1e3' AS DOUBLE), CAST('12.50' AS DECIMAL(5,1)), CAST(true AS INT), CAST('t' AS BOOLEAN)
-- name: format_string
SELECT format_string('%05d|%-6s|%.3f|%x', 42, 'ab', 3.14159D, 255)
-- name: concat_ws_split
SELECT concat_ws('-', 'a', NULL, array('b', 'c'), 'd'), concat('a', NULL), split('a1b22c', '[0-9]+'), split('a,b,,c,', ',')
-- name: regexp_extract_regexp_extract_all_regexp_replace
SELECT regexp_extract('2024-03-15', '(\\d+)-(\\d+)-(\\d+)', 2), regexp_extract_all('a1b22c333', '\\d+'), regexp_replace('aaa', 'a*', 'X')
-- name: add_months_months_between
SELECT add_months(DATE '2024-01-31', 1), add_months(DATE '2024-02-29', 12), months_between(DATE '2024-03-31', DATE '2024-02-29'), months_between(TIMESTAMP '2024-03-15 12:00:00', DATE '2024-01-01')
-- name: last_day_next_day_trunc
SELECT last_day(DATE '2024-02-10'), next_day(DATE '2024-03-15', 'Mon'), trunc(DATE '2024-05-17', 'Q'), date_trunc('week', TIMESTAMP '2024-03-15 10:20:30'), weekofyear(DATE '2021-01-01')
-- name: to_date_to_timestamp_unix_timestamp
SELECT to_date('15/01/2024', 'dd/MM/yyyy'), to_timestamp('2024-01-15 08:30', 'yyyy-MM-dd HH:mm'), unix_timestamp('2024-01-15 00:00:00'), from_unixtime(0, 'yyyy-MM-dd HH:mm:ss EEE')
-- name: array_distinct_array_union_array_intersect
SELECT array_distinct(array(3, 1, 3, NULL, 1, NULL)), array_union(array(1, 2), array(2, 3, NULL)), array_intersect(array(1, 2, 2, 3), array(2, 3, 4)), array_except(array(1, 2, 2, 3), array(3))
-- name: sort_array_array_sort_flatten
SELECT sort_array(array(3, NULL, 1)), sort_array(array(3, NULL, 1), false), array_sort(array('b', NULL, 'a')), flatten(array(array(1, 2), NULL, array(3)))
-- name: slice_element_at_array_position
SELECT slice(array(1, 2, 3, 4, 5), -3, 2), element_at(array(1, 2, 3), -1), array_position(array(3, 2, 1, 2), 2), arrays_zip(array(1, 2), array('a'))
-- name: map_from_arrays_map_keys_map_values
SELECT map_from_arrays(array('a', 'b'), array(1, 2)), map_keys(map('z', 1, 'a', 2)), map_values(map('z', 1, 'a', 2)), map_entries(map('k', 1))
-- name: transform_aggregate_forall
SELECT transform(array(10, 20), (x, i) -> x + i), filter(array(1, NULL, 3), x -> x IS NOT NULL), aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10), exists(array(1, NULL), x -> x = 2), forall(array(1, NULL), x -> x > 0)
-- name: collect_list_collect_set
SELECT dept, collect_list(name) AS names, collect_set(age) AS ages FROM (SELECT * FROM people ORDER BY id) GROUP BY dept ORDER BY dept
-- name: percentile_percentile_approx_median
SELECT dept, percentile(age, 0.5), percentile_approx(age, 0.5), median(salary), mode(age) FROM people GROUP BY dept ORDER BY dept
-- name: grouping_id
SELECT region, year, sum(amount), grouping_id() FROM sales GROUP BY GROUPING SETS ((region, year), (region), ()) ORDER BY region NULLS LAST, year NULLS LAST
-- name: cube_two_keys
SELECT region, year, sum(amount) FROM sales GROUP BY CUBE (region, year) ORDER BY region NULLS FIRST, year NULLS FIRST
-- name: limit_with_offset
SELECT name, age FROM people ORDER BY age DESC NULLS LAST, name LIMIT 3 OFFSET 1
-- name: case_string_int_decimal_fails
SELECT CASE WHEN age > 30 THEN 'old' WHEN age > 0 THEN 1 ELSE 2.5 END FROM people ORDER BY id
-- name: nvl_nvl2_nullif
SELECT coalesce(age, salary), nvl(dept, 0), nvl2(age, 'y', 'n'), nullif(age, 28), ifnull(NULL, 'x') FROM people ORDER BY id
-- name: approx_count_distinct
SELECT count(DISTINCT dept), count(DISTINCT dept, age), approx_count_distinct(dept), sum(DISTINCT age), avg(DISTINCT age) FROM people
-- name: max_by_min_by_any_value
SELECT max_by(name, age), min_by(name, age), first(age), last(age, true), any_value(dept) FROM (SELECT * FROM people ORDER BY id)
-- name: stddev_stddev_pop_variance
SELECT stddev(age), stddev_pop(age), variance(salary), var_pop(salary), corr(age, salary), covar_samp(age, salary), skewness(age), kurtosis(age) FROM people
-- name: bool_and_bool_or_every
SELECT bool_and(age > 20), bool_or(age > 50), every(age > 30), some(age > 50), bit_and(age), bit_or(age), bit_xor(age) FROM people
-- name: string_agg
SELECT string_agg(name, ',') WITHIN GROUP (ORDER BY name DESC) FROM people
-- name: listagg
SELECT listagg(DISTINCT dept, '|') WITHIN GROUP (ORDER BY dept) FROM people
-- name: upper_lower_initcap
SELECT upper(name), lower(name), initcap('hello wORLD'), reverse(name), lpad(name, 5, '*'), rpad(name, 2, '*') FROM people ORDER BY id
-- name: substring_substr_locate
SELECT substring('Spark SQL', -3), substring('Spark SQL', 0, 3), substr('Spark', 2), left('Spark', 2), right('Spark', 10), locate('a', 'banana', 3), instr('banana', 'na')
-- name: translate_overlay_btrim
SELECT translate('AaBbCc', 'abc', '12'), overlay('Spark SQL' PLACING '_' FROM 6 FOR 1), btrim('  xx  '), ltrim('xxSparkxx', 'x'), trim(BOTH 'x' FROM 'xxSparkxx')
-- name: ascii_chr_char
SELECT ascii('A'), chr(65), char(321), base64('Spark'), unbase64('U3Bhcms='), hex(255), unhex('4142'), conv('ff', 16, 2), bin(10)
-- name: integer_and_decimal_division
SELECT 2147483647 + 1L, CAST(2147483647 AS BIGINT) * 2, 10 / 4, 10 / 0.0D, 1.0 / 3, CAST(1 AS DECIMAL(38, 10)) / 3
-- name: greatest_least
SELECT greatest(1, 2.5, NULL), least('b', 'a', NULL), greatest(DATE '2024-01-01', DATE '2023-01-01')
-- name: array_of_structs_field_access
SELECT named_struct('a', 1, 'b', array(1, 2)).b[1], array(struct(1 AS a), struct(2 AS a)).a AS arr_a, array(named_struct('a', 1, 'b', 'x'), NULL).b AS arr_b
-- name: explode_map_without_alias
SELECT explode(map('a', 1, 'b', 2)), 'x'
-- name: lateral_view_outer_then_order_by
SELECT id, t.col FROM people LATERAL VIEW OUTER explode(CASE WHEN id < 3 THEN array(id, id * 10) END) t ORDER BY id, t.col
-- name: having_on_other_aggregate
SELECT user, count(*) FROM events GROUP BY user HAVING max(score) > 10 ORDER BY user
-- name: split_size
SELECT split(tags, ';') AS parts, size(split(tags, ';')) AS n FROM events ORDER BY id
-- name: to_date_date_format_to_timestamp
SELECT to_date(day, 'dd/MM/yyyy') AS d, date_format(to_timestamp(ts), 'yyyy-MM-dd''T''HH:mm') AS t FROM events ORDER BY id
-- name: row_number_rank_dense_rank
SELECT id, row_number() OVER w, rank() OVER w, dense_rank() OVER w FROM people WINDOW w AS (PARTITION BY dept ORDER BY age DESC) ORDER BY id
-- name: first_row_per_group_subquery
SELECT * FROM (SELECT dept, age, row_number() OVER (PARTITION BY dept ORDER BY age) AS rn FROM people) WHERE rn = 1 ORDER BY dept
-- name: first_row_per_group_qualify
SELECT dept, age FROM people QUALIFY row_number() OVER (PARTITION BY dept ORDER BY age DESC) = 1 ORDER BY dept
-- name: share_of_total_window
WITH t AS (SELECT dept, sum(salary) AS s FROM people GROUP BY dept) SELECT dept, s, s / sum(s) OVER () AS share FROM t ORDER BY dept
-- name: first_value_last_value_nth_value
SELECT id, first_value(age) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS f, last_value(age, true) OVER (ORDER BY id) AS lv, nth_value(name, 2) OVER (ORDER BY id) AS nv FROM people ORDER BY id
-- name: number_texts
SELECT CAST(12345.678 AS STRING), CAST(1.0E10 AS STRING), CAST(0.1D + 0.2D AS STRING), CAST(1e-5 AS STRING), CAST(CAST(1.5 AS FLOAT) AS STRING), CAST(100.0D AS STRING)
-- name: format_number
SELECT format_number(1234567.891, 2), format_number(0.5, 0), format_number(2.5, 0), format_number(-1234.5D, 3)
-- name: sha2_md5_crc32
SELECT sha2('abc', 256), md5('abc'), crc32('abc'), hash('abc'), xxhash64('abc')
-- name: array_contains_and_null_comparisons
SELECT array_contains(array(1, NULL), 2), array_contains(array(1, 2), CAST(NULL AS INT)), 1 IN (2, NULL), NULL = NULL, NULL <=> NULL
-- name: array_contains_null_refused
SELECT array_contains(array(1, 2), NULL)
-- name: array_contains_of_null_refused
SELECT array_contains(NULL, 1)
-- name: simple_case_without_else
SELECT id, v, CASE v WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM l ORDER BY id
-- name: aggregates_with_nulls_and_filter
SELECT sum(v), avg(v), count(v), count(*), sum(v) FILTER (WHERE id > 3) FROM l
-- name: full_outer
SELECT * FROM l FULL OUTER JOIN r ON l.id = r.id AND l.v = r.v ORDER BY l.id NULLS LAST, r.id
-- name: cross_join
SELECT l.id, r.id FROM l CROSS JOIN r WHERE l.id < 3 AND r.id < 3 ORDER BY 1, 2
-- name: union_all
SELECT year, sum(amount) FROM sales GROUP BY year UNION ALL SELECT 0, count(*) FROM sales ORDER BY 1
-- name: intersect_all
SELECT region FROM sales INTERSECT ALL SELECT region FROM sales WHERE year = 2024 ORDER BY 1
-- name: except_all
SELECT region FROM sales EXCEPT ALL SELECT region FROM sales WHERE year = 2024 ORDER BY 1
-- name: pivot
SELECT * FROM sales PIVOT (sum(amount) FOR quarter IN (1 AS q1, 2 AS q2)) ORDER BY region, year
-- name: dayofweek_dayofyear_quarter
SELECT dayofweek(DATE '2024-03-17'), dayofyear(DATE '2024-12-31'), quarter(DATE '2024-05-01'), hour(TIMESTAMP '2024-01-01 13:14:15'), second(TIMESTAMP '2024-01-01 13:14:15.9')
-- name: make_date
SELECT make_date(2024, 2, 30)
-- name: to_date
SELECT to_date('2024-13-01')
-- name: cast_malformed_string_fails
SELECT CAST('abc' AS INT)
-- name: try_divide_try_add_try_element_at
SELECT try_cast('abc' AS INT), try_divide(1, 0), try_add(2147483647, 1), try_element_at(array(1), 5), try_to_number('12a', '99')
-- name: date_add_date_sub_datediff
SELECT date_add(DATE '2024-02-28', 2), date_sub(DATE '2024-03-01', 1), datediff(DATE '2024-03-01', DATE '2024-02-01'), DATE '2024-03-01' + 1
