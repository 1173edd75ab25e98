-- Spark's seeded random functions (issue 20): for a seed, the numbers Spark's first partition
-- draws (Spark's XORShiftRandom), row after row.
-- name: rand_seeded
SELECT rand(0), rand(42), rand(NULL), random(0), rand(CAST(5 AS BIGINT))
-- name: randn_seeded
SELECT randn(0), randn(42), randn(NULL)
-- name: random_functions_over_rows
SELECT x, rand(7), randn(7), uniform(0, 100, 7), randstr(4, 7) FROM VALUES (1), (2), (3) AS t(x)
-- name: two_calls_with_one_seed_draw_alike
SELECT x, rand(1) = rand(1), randn(1) = randn(1) FROM VALUES (1), (2) AS t(x)
-- name: uniform_types
SELECT uniform(10, 20, 0), uniform(5.5, 10, 0), uniform(10, 20.0D, 3), uniform(CAST(1 AS BIGINT), CAST(100 AS BIGINT), 7)
-- name: uniform_narrow_types
SELECT uniform(CAST(1 AS SMALLINT), CAST(5 AS TINYINT), 1), uniform(1.5BD, 2.5BD, 1), uniform(1.5BD, 3, 1), uniform(CAST(1 AS FLOAT), 2, 1)
-- name: uniform_edges
SELECT uniform(20, 10, 0), uniform(10, 10, 0), uniform(NULL, 10, 0)
-- name: uniform_column_seed_is_refused
SELECT uniform(10, 20, x) FROM VALUES (1) AS t(x)
-- name: uniform_string_bound_is_refused
SELECT uniform('a', 20, 1)
-- name: randstr_seeded
SELECT randstr(3, 0), randstr(10, 42), randstr(0, 1), randstr(CAST(2 AS SMALLINT), 5)
-- name: randstr_negative_length_is_refused
SELECT randstr(-1, 0)
-- name: rand_decimal_seed_is_refused
SELECT rand(1.5)
-- name: rand_string_seed_is_refused
SELECT rand('a')
-- name: randstr_decimal_seed_is_refused
SELECT randstr(3, 1.5)
-- name: without_a_seed_in_range
SELECT rand() >= 0 AND rand() < 1, randn() IS NOT NULL, length(randstr(5)), uniform(1, 2) BETWEEN 1 AND 2, typeof(uniform(1, 2))
-- name: monotonically_increasing_id_counts_rows
SELECT x, monotonically_increasing_id() FROM VALUES (10), (20), (30) AS t(x)
-- name: monotonically_increasing_id_twice
SELECT monotonically_increasing_id() AS a, monotonically_increasing_id() AS b FROM VALUES (1), (2) AS t(x)
-- name: uniform_decimal_bounds_widen
SELECT uniform(0.5, 99.5, 0), uniform(1.5, 10.25, 0), uniform(10.25, 1.5, 0), uniform(1, 2.5, 0), uniform(2.5, 100, 0)
-- name: null_seeds_are_zero
SELECT uniform(1, 2, NULL), rand(NULL), randstr(3, NULL)
