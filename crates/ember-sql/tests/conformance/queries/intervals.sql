-- Spark's interval types (issue 20): DATE - DATE as an INTERVAL DAY, make_ym_interval,
-- make_dt_interval, make_interval/try_make_interval, their types and their text.
-- name: date_minus_date_is_an_interval_day
SELECT DATE '2024-03-01' - DATE '2024-02-01' AS d, typeof(DATE '2024-03-01' - DATE '2024-02-01') AS t
-- name: date_minus_date_of_a_column
SELECT d, d - DATE '2024-01-01' AS since FROM VALUES (DATE '2024-03-01'), (DATE '2023-12-25'), (NULL) AS t(d) ORDER BY d
-- name: date_minus_date_text
SELECT CAST(DATE '2024-02-01' - DATE '2024-03-01' AS STRING) AS a, CAST(DATE '2024-02-01' - DATE '2024-02-01' AS STRING) AS b, concat('x', DATE '2024-03-01' - DATE '2024-02-01') AS c
-- name: date_minus_date_compared_with_intervals
SELECT DATE '2024-03-01' - DATE '2024-02-01' > INTERVAL '28' DAY AS a, DATE '2024-03-01' - DATE '2024-02-01' = make_dt_interval(29) AS b, make_dt_interval(2) > INTERVAL '1' DAY AS c
-- name: date_minus_date_in_where
SELECT d FROM VALUES (DATE '2024-03-01'), (DATE '2024-06-01'), (NULL) AS t(d) WHERE d - DATE '2024-01-01' < INTERVAL '100' DAY
-- name: date_plus_an_interval_day
SELECT DATE '2024-03-01' + (DATE '2024-03-01' - DATE '2024-02-01') AS a, DATE '2024-03-01' - (DATE '2024-03-01' - DATE '2024-02-01') AS b
-- name: sum_of_intervals_day
-- known: types: the sum of an interval day is Spark's interval day; Ember's aggregates keep the value but not the interval's fields, so it is typed interval day to second
SELECT sum(d) AS s FROM VALUES (DATE '2024-03-01'), (DATE '2024-03-04') AS t(x), LATERAL (SELECT x - DATE '2024-01-01' AS d)
-- name: timestamp_minus_timestamp
SELECT TIMESTAMP '2024-03-01 10:00:00' - TIMESTAMP '2024-02-01 00:00:00' AS d, typeof(TIMESTAMP '2024-03-01 10:00:00' - TIMESTAMP '2024-02-01 00:00:00') AS t
-- name: timestamp_minus_timestamp_text
SELECT CAST(TIMESTAMP '2024-02-01 00:00:00' - TIMESTAMP '2024-03-01 10:00:00.25' AS STRING) AS a
-- name: make_dt_interval_values
SELECT make_dt_interval(1, 2, 3, 4.5) AS x, make_dt_interval(-1, 0, 0, -0.5) AS y, typeof(make_dt_interval(1, 2, 3, 4.5)) AS t
-- name: make_dt_interval_text
SELECT CAST(make_dt_interval(0, 0, 0, 0.000001) AS STRING) AS a, CAST(make_dt_interval(-1, -2, 0, -4.5) AS STRING) AS b, CAST(make_dt_interval(0, 0, 0, -0.5) AS STRING) AS c, CAST(make_dt_interval(0, 0, 0, 0) AS STRING) AS d, CAST(make_dt_interval(1, 25, 61, 61.5) AS STRING) AS e
-- name: make_dt_interval_defaults
SELECT make_dt_interval(2) AS a, make_dt_interval(1, 1) AS b, make_dt_interval() AS c
-- name: make_dt_interval_at_its_bounds
SELECT make_dt_interval(106751991, 0, 0, 0) AS a, CAST(make_dt_interval(-106751991, 0, 0, 0) AS STRING) AS b
-- name: make_dt_interval_overflow
SELECT make_dt_interval(106751992, 0, 0, 0)
-- name: make_dt_interval_of_null
SELECT make_dt_interval(NULL, 1, 0, 0) IS NULL AS a
-- name: make_ym_interval_text
SELECT CAST(make_ym_interval(1, 2) AS STRING) AS a, CAST(make_ym_interval(-1, -2) AS STRING) AS b, CAST(make_ym_interval(1, 14) AS STRING) AS c, CAST(make_ym_interval(0, -3) AS STRING) AS d, typeof(make_ym_interval(1, 2)) AS t
-- name: make_ym_interval_defaults
SELECT CAST(make_ym_interval(2) AS STRING), CAST(make_ym_interval() AS STRING)
-- name: make_ym_interval_casts_its_arguments
SELECT CAST(make_ym_interval(1.5, 2) AS STRING) AS a, CAST(make_ym_interval('1', 2) AS STRING) AS b, make_ym_interval(NULL, 2) IS NULL AS c
-- name: make_ym_interval_of_bad_text
SELECT make_ym_interval('x', 2)
-- name: make_ym_interval_overflow
SELECT make_ym_interval(178956970, 7), make_ym_interval(178956971, 0)
-- name: make_ym_interval_arithmetic
SELECT make_ym_interval(1, 2) > make_ym_interval(1, 1) AS a, CAST(make_ym_interval(1, 2) + make_ym_interval(0, 11) AS STRING) AS b
-- name: make_ym_interval_added_to_dates
SELECT DATE '2024-03-01' + make_ym_interval(0, 1) AS a, TIMESTAMP '2024-01-31 10:00:00' + make_ym_interval(0, 1) AS b
-- name: make_interval_text
SELECT CAST(make_interval(1, 2, 3, 4, 5, 6, 7.5) AS STRING) AS a, CAST(make_interval(0, 0, 0, 0, 0, 0, 0) AS STRING) AS b, CAST(make_interval(-1, 2, -3, 4, -5, 6, -7.000001) AS STRING) AS c, CAST(make_interval(0, 0, 0, 0, 0, 0, 0.5) AS STRING) AS d, CAST(make_interval(0, 0, 0, 0, 25, 61, 3661) AS STRING) AS e, typeof(make_interval(1)) AS t
-- name: make_interval_overflow
SELECT make_interval(2147483647, 1, 0, 0, 0, 0, 0)
-- name: try_make_interval_overflow_is_null
SELECT try_make_interval(2147483647, 1, 0, 0, 0, 0, 0) IS NULL AS a, CAST(try_make_interval(1, 2, 3, 4, 5, 6, 7.5) AS STRING) AS b, typeof(try_make_interval(1)) AS t
