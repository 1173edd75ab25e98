-- Everyday edges side by side with PySpark (issue 20): regexes, Unicode, dates and zones,
-- window frames, aggregates of NULLs, set operators, CASE, subscripts, JSON, strings in
-- arithmetic, rounding, bit and hash functions, generators as tables.
-- name: regexp_groups_and_inline_flags
SELECT regexp_replace('2024-03-05', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1'), regexp_extract('foo123bar', '([a-z]+)(\\d+)', 0), regexp_extract('abc', 'x(\\d)?', 1), rlike('ABC', '(?i)abc')
-- name: split_limits_and_empty_pattern
SELECT split('a1b2c3', '\\d', 2), split('abc', ''), split('a.b.c', '\\.'), regexp_extract_all('k1=v1;k2=v2', '(\\w+)=(\\w+)', 2)
-- name: unicode_case_and_initcap
SELECT upper('straße'), lower('İSTANBUL'), length('😀a'), reverse('añb'), substr('héllo', 2, 3), initcap('o''neil mcdonald')
-- name: concat_ws_and_concat_of_mixed
SELECT concat_ws(',', array('a', 'b'), array()), concat_ws(NULL, 'a'), concat('a', 1, 2.5, true), 'a' || NULL || 'b', encode('é', 'UTF-8')
-- name: to_date_invalid_day_fails
SELECT to_date('2024-02-30'), to_date('2023-02-29', 'yyyy-MM-dd')
-- name: try_to_timestamp_and_patterns
SELECT try_to_timestamp('2024-02-30 00:00:00'), try_to_date('nope'), to_date('2024-2-5', 'yyyy-M-d'), to_timestamp('12/31/2024 11:59 PM', 'MM/dd/yyyy hh:mm a')
-- name: date_arithmetic_month_ends
SELECT date_add(DATE '2024-12-31', 1), add_months(DATE '2024-03-31', -1), last_day(DATE '2023-02-01'), datediff(DATE '2024-01-01', DATE '2024-12-31'), months_between(DATE '2024-01-31', DATE '2024-02-29')
-- name: time_zone_conversions
SELECT from_utc_timestamp(TIMESTAMP '2024-03-10 10:00:00', 'America/New_York'), to_utc_timestamp(TIMESTAMP '2024-03-10 10:00:00', 'Asia/Tokyo'), convert_timezone('UTC', 'Europe/Paris', TIMESTAMP_NTZ '2024-07-01 12:00:00')
-- name: date_fields_of_strings_and_timestamps
SELECT year(TIMESTAMP '2024-12-31 23:59:59'), month('2024-07-04'), day('2024-07-04 10:00:00'), dayofmonth(DATE '2024-02-29'), minute(TIMESTAMP '2024-01-01 10:59:00'), weekday(DATE '2024-03-17')
-- name: date_trunc_levels
SELECT date_trunc('MONTH', TIMESTAMP '2024-03-15 10:20:30'), date_trunc('HOUR', TIMESTAMP '2024-03-15 10:20:30'), date_trunc('QUARTER', TIMESTAMP '2024-05-15 10:20:30'), date_trunc('YEAR', DATE '2024-05-15')
-- name: current_time_types
SELECT current_date() = current_date, typeof(current_timestamp()), typeof(now()), typeof(localtimestamp()), typeof(current_timezone())
-- name: make_timestamp_invalid_hour_fails
SELECT make_timestamp(2024, 2, 29, 25, 0, 0)
-- name: date_diff_of_column
SELECT id, hired, date_diff(DATE '2024-01-01', hired) AS days FROM people ORDER BY id
-- name: min_max_dates_per_group
SELECT dept, min(hired), max(hired), count(hired) FROM people GROUP BY dept ORDER BY dept NULLS FIRST
-- name: range_frame_numeric_offsets
SELECT id, score, sum(score) OVER (ORDER BY score RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS near FROM events ORDER BY id
-- name: ranks_with_null_order
SELECT id, dense_rank() OVER (ORDER BY score DESC NULLS LAST) AS r, row_number() OVER (ORDER BY score NULLS FIRST, id) AS n FROM events ORDER BY id
-- name: window_count_and_full_frame_first
SELECT user, count(*) OVER (PARTITION BY user) AS n, first_value(score) OVER (PARTITION BY user ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS f FROM events ORDER BY id
-- name: named_window_following_frame
SELECT x, sum(x) OVER w AS s, avg(x) OVER w AS a FROM VALUES (1), (2), (3), (4), (5) t(x) WINDOW w AS (ORDER BY x ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) ORDER BY x
-- name: lag_ignore_nulls
SELECT x, lag(x, 1) IGNORE NULLS OVER (ORDER BY i) AS p FROM VALUES (1, 1), (2, NULL), (3, 3), (4, NULL) t(i, x) ORDER BY i
-- name: collect_list_running_window
SELECT k, collect_list(v) OVER (PARTITION BY k ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS acc FROM VALUES (1, 'a'), (1, 'b'), (2, 'c') t(k, v) ORDER BY k, v
-- name: distinct_and_filtered_aggregates
SELECT count(DISTINCT x), sum(DISTINCT x), count(*) FILTER (WHERE x > 1), avg(x) FILTER (WHERE x IS NOT NULL) FROM VALUES (1), (1), (2), (NULL) t(x)
-- name: aggregates_of_all_nulls
SELECT k, max(v), min(v), sum(v), avg(v) FROM VALUES ('a', NULL), ('a', NULL), ('b', 1) t(k, v) GROUP BY k ORDER BY k
-- name: percentile_cont_disc_median_approx
SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x), percentile_disc(0.25) WITHIN GROUP (ORDER BY x), median(x), approx_percentile(x, array(0.5, 0.9)) FROM VALUES (1), (2), (3), (4), (10) t(x)
-- name: regression_aggregates
SELECT regr_slope(y, x), regr_intercept(y, x), regr_r2(y, x), regr_count(y, x), covar_pop(x, y), corr(x, y) FROM VALUES (1, 2), (2, 4), (3, 7), (NULL, 1) t(x, y)
-- name: histogram_try_avg_product
SELECT histogram_numeric(x, 2), try_avg(x), try_sum(x), product(x) FROM VALUES (1), (2), (3), (4) t(x)
-- name: left_join_null_keys
SELECT a.k, b.v FROM VALUES (1), (NULL) a(k) LEFT JOIN VALUES (1, 'x'), (NULL, 'y') b(k, v) ON a.k = b.k ORDER BY a.k NULLS FIRST
-- name: null_safe_join
SELECT a.k, b.v FROM VALUES (1), (NULL) a(k) JOIN VALUES (1, 'x'), (NULL, 'y') b(k, v) ON a.k <=> b.k ORDER BY a.k NULLS FIRST
-- name: join_count_on_values
SELECT count(*) FROM l, r WHERE l.v = r.v
-- name: non_equi_join_condition
SELECT l.id, r.id FROM l JOIN r ON l.id = r.id + 1 AND l.v >= r.v ORDER BY 1
-- name: union_distinct_ordered
SELECT * FROM l WHERE id IN (1, 3, 5) AND v IS NOT NULL UNION SELECT * FROM r WHERE id > 3 ORDER BY id, v
-- name: union_all_of_limited_subqueries
SELECT id FROM ((SELECT id FROM l ORDER BY id DESC LIMIT 2) UNION ALL (SELECT id FROM r ORDER BY id LIMIT 1)) ORDER BY id
-- name: except_distinct
SELECT id FROM l EXCEPT SELECT id FROM r ORDER BY id
-- name: intersect_with_nulls
SELECT v FROM l INTERSECT SELECT v FROM r ORDER BY v NULLS FIRST
-- name: union_all_of_values
SELECT * FROM (VALUES (1, 2), (3, 4)) AS t(a, b) UNION ALL SELECT b, a FROM (VALUES (5, 6)) AS u(a, b) ORDER BY 1
-- name: union_type_widening_decimal
SELECT typeof(x) FROM (SELECT 1 AS x UNION ALL SELECT 2.5 UNION ALL SELECT CAST(3 AS BIGINT)) LIMIT 1
-- name: union_string_and_number_type
-- known: values: a UNION of a string and a number is a STRING in Ember; Spark's is a BIGINT (its strings cast, or the query fails)
SELECT typeof(x) FROM (SELECT 'a' AS x UNION ALL SELECT 1) LIMIT 1
-- name: union_date_and_timestamp
SELECT x FROM (SELECT DATE '2024-01-01' AS x UNION ALL SELECT TIMESTAMP '2024-01-01 10:00:00') ORDER BY x
-- name: group_by_case_ordinal
SELECT CASE WHEN x > 1 THEN 'big' END AS c, count(*) FROM VALUES (1), (2), (3) t(x) GROUP BY 1 ORDER BY 1 NULLS FIRST
-- name: simple_case_null_never_matches
SELECT x, CASE x WHEN 1 THEN 'one' WHEN NULL THEN 'null' ELSE 'other' END FROM VALUES (1), (NULL), (2) t(x) ORDER BY x NULLS FIRST
-- name: conditional_functions
SELECT if(x > 1, 'y', NULL), iff(x > 1, 1, 0), nvl2(x, x * 2, -1), decode(x, 1, 'a', 2, 'b', 'z'), nullifzero(x), zeroifnull(x) FROM VALUES (1), (2), (NULL) t(x) ORDER BY x NULLS FIRST
-- name: struct_and_map_literals
SELECT struct(1, 'a'), named_struct('x', NULL), struct(1 AS a).a, map(1, NULL)
-- name: subscripts_out_of_range
SELECT array(1, 2)[0], array(1, 2)[5], map('a', 1)['b'], get(array(1, 2), 5), element_at(array(1, 2), 1)
-- name: nested_subscripts_and_sizes
SELECT array(array(1, 2), array(3))[1][0], size(array()), size(NULL), cardinality(map('a', 1)), array_size(array(NULL))
-- name: higher_order_with_nulls
SELECT transform(array(1, NULL, 3), x -> x * 2), filter(array('a', 'bb', 'ccc'), s -> length(s) > 1), exists(array(), x -> true), forall(array(), x -> false)
-- name: aggregate_and_zip_with_mixed
SELECT aggregate(array(1.5, 2.5), 0D, (a, x) -> a + x), aggregate(array('a', 'b'), '', (a, x) -> concat(a, x)), zip_with(array('a'), array(1, 2), (x, y) -> concat(x, y))
-- name: array_sort_mixed_and_structs
SELECT array_sort(array(3, 1, NULL, 2)), array_sort(array('b', 'A', 'a')), sort_array(array(true, false)), array_sort(array(struct(2, 'a'), struct(1, 'b')))
-- name: to_json_of_dates_and_decimals
SELECT to_json(array(1, 2)), to_json(named_struct('d', DATE '2024-01-01', 't', TIMESTAMP '2024-01-01 10:00:00')), to_json(named_struct('x', 1.0D, 'y', CAST(2 AS DECIMAL(5,2))))
-- name: from_json_arrays_maps_and_malformed
SELECT from_json('[1, 2]', 'ARRAY<INT>'), from_json('{"a": "x"}', 'a INT'), from_json('not json', 'a INT'), from_json('{"m": {"k": 1}}', 'm MAP<STRING, INT>')
-- name: get_json_object_paths
SELECT get_json_object('[1, 2, 3]', '$[1]'), get_json_object('{"a": [{"b": 1}, {"b": 2}]}', '$.a[*].b'), get_json_object('{"a": "x\\"y"}', '$.a'), json_object_keys('[]')
-- name: schema_of_json_mixed
SELECT schema_of_json('{"a": 1.5, "b": [true], "c": null}'), schema_of_json('[1, "a"]'), json_array_length('{}')
-- name: strings_in_arithmetic
SELECT cast('1' AS INT) + '2', '3' * 2, typeof('3' * 2), 2.5 + '1', typeof(2.5 + '1'), 1.5D + '2', '3' - 1
-- name: comparisons_with_strings
SELECT 5 > '4', '10' > 9, 'abc' > 'abd', DATE '2024-01-01' > '2023-12-31', true = 'true'
-- name: decimal_and_double_arithmetic
SELECT 0.1 + 0.2, 0.1D + 0.2D, 1.1 * 1.1, 10 % 3.5, -0.0D, 1e308 * 10
-- name: infinity_and_nan_texts
SELECT CAST(1e308 * 10 AS STRING), CAST(-1e308 * 10 AS STRING), CAST(0.0D / 0.0D AS STRING), isnan(0.0D / 0.0D)
-- name: round_half_up_by_type
SELECT round(1.005, 2), round(1.005D, 2), round(-1.5), round(-1.5D), bround(-1.5), round(123.456, -1), round(CAST(125 AS INT), -1)
-- name: floor_ceil_with_scale
SELECT floor(-1.5), ceil(-1.5), floor(5), ceil(CAST(5.5 AS FLOAT)), floor(1.23456, 2), ceil(1.23456, 2), typeof(floor(5))
-- name: signed_division_and_remainders
SELECT abs(-5.5), abs(CAST(-3 AS TINYINT)), -CAST(5 AS SMALLINT), 7 / 2, 7 DIV -2, -7 % 2, mod(-7, -2), pmod(7, -2)
-- name: hex_bin_conv
SELECT hex('Spark'), hex(-1), unhex('zz'), bin(-1), conv('-10', 10, 16), conv('zz', 36, 10), conv('100', 2, 10)
-- name: bit_functions
SELECT bit_count(7), bit_get(5, 0), getbit(5, 1), ~5, 5 & 3, 5 | 3, 5 ^ 3
-- name: hash_functions_edges
SELECT md5(''), sha1('a'), sha2('a', 0), sha2('a', 512), crc32(''), hash(1, 'a', NULL), xxhash64(1)
-- name: base64_and_charsets
SELECT base64(X''), base64(CAST('Spark SQL' AS BINARY)), unbase64('U3Bhcms'), decode(encode('abc', 'UTF-16'), 'UTF-16'), char_length(X'0102')
-- name: casts_as_functions
SELECT string(1), int('5'), double('1.5'), boolean('yes'), date('2024-01-01'), timestamp('2024-01-01'), binary('a'), decimal('1.25')
-- name: null_safe_equality_functions
SELECT equal_null(1, NULL), equal_null(NULL, NULL), isnull(NULL), isnotnull(1), coalesce(NULL, NULL, 3)
-- name: mask_and_to_number
SELECT mask('AbC-123'), mask('AbC-123', 'X', 'x', 'n', '-'), to_number('$1,234.50', '$9,999.99')
-- name: stack_with_aliases
SELECT stack(2, 'a', 1, 'b', 2) AS (s, n)
-- name: posexplode_outer_of_empty
SELECT posexplode_outer(array()), 1
-- name: range_table_function
SELECT * FROM range(3)
-- name: range_with_step_alias
SELECT * FROM range(1, 10, 4) AS r
-- name: explode_sequence_per_row
SELECT id, explode(sequence(1, id)) AS k FROM range(1, 4) ORDER BY id, k
-- name: order_by_string_desc_limit
SELECT x, y FROM VALUES (1, 'a'), (2, 'b') AS t(x, y) ORDER BY y DESC LIMIT 1
-- name: int_and_string_comparisons_fail
SELECT 1 = '1', 2 > '1.5'
-- name: initcap_and_date_trunc_spark
SELECT initcap('hello-world foo_bar  x'), initcap('ÉCOLE élève'), date_trunc('Q', DATE '2024-05-15'), date_trunc('MM', DATE '2024-05-15'), date_trunc('week', '2024-05-15'), date_trunc('DD', '2024-05-15 10:00:00'), date_trunc('quarter', TIMESTAMP_NTZ '2024-05-15 10:00:00')
-- name: boolean_string_comparisons
SELECT true = 'true', 'false' <> false, 'yes' = true
-- name: boolean_string_comparison_fails
SELECT true = 'maybe'
-- name: struct_field_names_mixed
SELECT struct(x AS a, 2), struct(2, x AS z), struct(x, y AS q), struct(x AS a, 2).col2 FROM VALUES (1, 5) t(x, y)
-- name: round_doubles_half_up
SELECT round(2.5D), round(-2.5D), round(0.125D, 2), round(1.0E15 + 0.5, 0), round(x, 1) FROM VALUES (2.25D), (2.35D), (-0.05D) t(x) ORDER BY x
-- name: nullif_and_nvl2_types
SELECT typeof(nullif('1', 2)), typeof(nullif('1', 2.5)), nullif('1', 2.5), typeof(nullif(2.5, '1')), typeof(nvl2(1, '3', 2.5)), nvl2(NULL, '3', 2.5), nullif(2, 2), nullif(x, 1), typeof(nullif(x, 1.5)), nullif('a', 'a') FROM VALUES (1) t(x)
