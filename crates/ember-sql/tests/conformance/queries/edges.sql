-- Edge cases of Spark 4 with ANSI on: errors where Spark raises them, NULLs where its try_
-- functions give them, and the differences Ember knows of outside the other families.

-- name: int_overflow_is_an_error
SELECT 2147483647 + 1

-- name: bigint_overflow_is_an_error
SELECT 9223372036854775807L * 2

-- name: abs_of_min_int_is_an_error
SELECT abs(-2147483648)

-- name: try_add_overflow_is_null
SELECT try_add(2147483647, 1), try_multiply(9223372036854775807L, 2)

-- name: int_division_by_zero_is_an_error
SELECT 1 / 0

-- name: div_by_zero_is_an_error
SELECT 7 DIV 0

-- name: division_by_zero_column_is_an_error
SELECT k / (k - 1) FROM nums

-- name: try_divide_by_zero_is_null
SELECT try_divide(1, 0), try_divide(7.5D, 0)

-- name: division_by_zero_in_an_untaken_branch
SELECT k, CASE WHEN k = 1 THEN NULL ELSE 10 / (k - 1) END FROM nums ORDER BY k, s

-- name: int_mod_by_zero_is_an_error
SELECT 7 % 0

-- name: double_mod_by_zero
SELECT 7.5D % 0

-- name: sum_of_bigint_overflow
SELECT sum(x) FROM (VALUES (9223372036854775807L), (1L)) AS t(x)

-- name: to_timestamp_of_a_number
SELECT to_timestamp(1700000000)

-- name: to_timestamp_of_numbers
SELECT to_timestamp(1.5), to_timestamp(CAST(86400 AS BIGINT)), to_timestamp(-1), to_timestamp(2.25D), to_timestamp(CAST(NULL AS INT))

-- name: explode_map_in_select
SELECT explode(map('a', 1, 'b', 2))

-- name: posexplode_map_in_select
SELECT posexplode(map('a', 1, 'b', 2))

-- name: two_columns_with_one_name
SELECT 1, 1L
-- name: two_aliases_alike
SELECT 1 AS a, 2 AS a
-- name: a_column_beside_star
SELECT id, * FROM range(3) ORDER BY 1
-- name: a_column_twice_ordered_by_it
SELECT id, id FROM range(3) ORDER BY id DESC
-- name: an_alias_beside_star_ordered_by_it
SELECT id AS k, * FROM range(3) ORDER BY k DESC LIMIT 2
-- name: one_aggregate_twice
SELECT count(*), count(*), sum(id) AS s, max(id) AS s FROM range(4)
-- name: a_star_beside_a_computed_column_of_a_column_name
SELECT *, upper(name) AS name FROM people ORDER BY id

-- name: element_at_zero_is_an_error
SELECT element_at(array(1, 2), 0)

-- name: cast_of_a_bad_string_is_an_error
SELECT CAST('abc' AS INT)

-- name: try_cast_of_a_bad_string_is_null
SELECT try_cast('abc' AS INT)

-- name: case_when_of_an_integer_is_an_error
SELECT CASE WHEN 1 THEN 'a' ELSE 'b' END

-- name: case_when_of_a_string_is_an_error
SELECT CASE WHEN 'x' THEN 1 END

-- name: case_when_of_a_column_not_boolean_is_an_error
SELECT CASE WHEN id THEN 'a' END FROM range(2)

-- name: date_add_of_a_boolean_is_an_error
SELECT date_add(DATE'2024-01-01', true)

-- name: date_sub_of_a_boolean_is_an_error
SELECT date_sub(DATE'2024-01-01', true)

-- name: sum_of_a_boolean_is_an_error
SELECT sum(true)

-- name: avg_of_a_boolean_column_is_an_error
SELECT avg(b) FROM VALUES (true), (false) AS t(b)

-- name: sum_of_bigint_overflow_in_a_sliding_frame
SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM VALUES (1, 9223372036854775807L), (2, 1L), (3, 5L) AS t(i, v) ORDER BY i
-- name: sum_of_bigint_in_sliding_frames_that_fit
SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s FROM VALUES (1, 9223372036854775807L), (2, 0L), (3, 0L), (4, 9223372036854775807L), (5, -9223372036854775807L) AS t(i, v) ORDER BY i
-- name: sum_of_bigint_overflow_in_a_later_sliding_frame
SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM VALUES (1, 9223372036854775807L), (2, -1L), (3, 1L), (4, 9223372036854775807L) AS t(i, v) ORDER BY i
-- name: sum_of_bigint_overflow_in_a_range_frame
SELECT i, sum(v) OVER (ORDER BY i RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM VALUES (1, 9223372036854775800L), (2, 100L), (4, 5L) AS t(i, v) ORDER BY i
-- name: sum_of_bigint_sliding_frames_of_nulls
SELECT i, sum(v) OVER (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s FROM VALUES (1, CAST(NULL AS BIGINT)), (2, 3L), (3, NULL), (4, NULL), (5, NULL) AS t(i, v) ORDER BY i
-- name: sum_of_bigint_overflow_grouped
SELECT g, sum(x) FROM VALUES (1, 9223372036854775807L), (1, 1L), (2, 5L) AS t(g, x) GROUP BY g

-- name: sum_of_bigint_near_the_limit
SELECT sum(x), try_sum(x) FROM VALUES (9223372036854775807L), (-1L), (1L) AS t(x)

-- name: aggregates_of_a_column_and_of_its_cast
-- known: values: DataFusion names a cast after its operand, so sum(x) and sum(CAST(x AS DOUBLE)) are two aggregates of one name, which its planner refuses (Schema contains duplicate unqualified field name); alias one of them
SELECT sum(x), sum(CAST(x AS DOUBLE)) FROM VALUES (1), (2) AS t(x)

-- name: sum_of_ints_past_int_range
SELECT sum(x), typeof(sum(x)) FROM VALUES (2147483647), (2147483647), (NULL) AS t(x)

-- name: sum_grouped_with_filter_and_null_groups
SELECT g, sum(x) FILTER (WHERE x > 1), sum(x), sum(y) FROM VALUES (1, 1, NULL), (1, 2, NULL), (2, 1, 5L), (3, NULL, NULL) AS t(g, x, y) GROUP BY g ORDER BY g
