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
-- name: interval_literals_are_ansi_intervals
SELECT INTERVAL '3' DAY AS a, INTERVAL -3 HOUR AS b, INTERVAL 1.5 SECOND AS c, INTERVAL 3 WEEK AS d, INTERVAL 2 MILLISECONDS AS e, INTERVAL '90' MINUTE AS f
-- name: interval_literal_types
SELECT typeof(INTERVAL '3' DAY) AS a, typeof(INTERVAL 2 HOURS) AS b, typeof(INTERVAL '1' YEAR) AS c, typeof(INTERVAL 14 MONTHS) AS d, typeof(INTERVAL '1 02' DAY TO HOUR) AS e, typeof(INTERVAL '1-2' YEAR TO MONTH) AS f
-- name: interval_literal_names
SELECT INTERVAL 3 HOUR, INTERVAL '1.5' SECOND, INTERVAL 3 WEEK, INTERVAL '1 2:3:4' DAY TO SECOND
-- name: interval_literal_text
SELECT CAST(INTERVAL 36 HOURS AS STRING) AS a, CAST(INTERVAL 3 YEAR AS STRING) AS b, CAST(INTERVAL 14 MONTH AS STRING) AS c, CAST(INTERVAL 100 SECOND AS STRING) AS d, CAST(INTERVAL 1.000001 SECOND AS STRING) AS e, CAST(INTERVAL '-3' HOUR AS STRING) AS f
-- name: ranged_day_time_literals
SELECT TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '1 02:03:04' DAY TO SECOND AS a, TIMESTAMP '2024-03-01 10:00:00' - INTERVAL '-1 02:03:04.5' DAY TO SECOND AS b, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '02:30' HOUR TO MINUTE AS c, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '1 05' DAY TO HOUR AS d, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '10:30.5' MINUTE TO SECOND AS e, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '26:03:04' HOUR TO SECOND AS f
-- name: ranged_literal_text
SELECT CAST(INTERVAL '1 02:03:04.123456789' DAY TO SECOND AS STRING) AS a, CAST(INTERVAL ' 1 02:03:04 ' DAY TO SECOND AS STRING) AS b, CAST(INTERVAL '100:03' MINUTE TO SECOND AS STRING) AS c, CAST(INTERVAL '-10-11' YEAR TO MONTH AS STRING) AS d, CAST(INTERVAL '+1 02:03' DAY TO MINUTE AS STRING) AS e
-- name: signed_ranged_literals
SELECT TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '+1 02:03:04' DAY TO SECOND AS a, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL -'1 02:03:04' DAY TO SECOND AS b, CAST(-INTERVAL '1-2' YEAR TO MONTH AS STRING) AS c
-- name: year_month_literals_and_dates
SELECT DATE '2024-01-31' + INTERVAL '1-2' YEAR TO MONTH AS a, TIMESTAMP '2024-01-31 10:00:00' + INTERVAL '-0-1' YEAR TO MONTH AS b, DATE '2024-01-31' + INTERVAL '1' MONTH AS c
-- name: ranged_literal_hour_out_of_range
SELECT INTERVAL '1 25:00:00' DAY TO SECOND
-- name: ranged_literal_minute_out_of_range
SELECT INTERVAL '1 02:60:04' DAY TO SECOND
-- name: ranged_literal_month_out_of_range
SELECT INTERVAL '1-13' YEAR TO MONTH
-- name: ranged_literal_not_matching
SELECT INTERVAL 'x' DAY TO SECOND
-- name: fractional_days_are_refused
SELECT INTERVAL 1.5 DAY
-- name: multi_unit_literals
SELECT TIMESTAMP '2024-03-01 10:00:00' + INTERVAL 3 DAYS 2 HOURS AS a, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '3' DAY '2' HOUR AS b, TIMESTAMP '2024-03-01 10:00:00' + INTERVAL '3 days 2 hours' AS c
-- name: multi_unit_literal_text
SELECT typeof(INTERVAL 3 DAYS 2 HOURS 4 SECONDS), CAST(INTERVAL 3 DAYS 2 HOURS 4 SECONDS AS STRING), CAST(INTERVAL 1 YEAR 2 MONTHS AS STRING), CAST(INTERVAL 1 DAY 25 HOURS AS STRING), CAST(INTERVAL -1 DAY 2 HOURS AS STRING)
-- name: multi_unit_literal_mixing_kinds
SELECT INTERVAL 1 YEAR 2 MONTHS 3 DAYS
-- name: date_plus_hours_is_a_timestamp
SELECT DATE '2024-03-01' + INTERVAL '1' HOUR AS a, DATE '2024-03-01' - INTERVAL '90' MINUTE AS b, DATE '2024-03-01' + INTERVAL '1' DAY AS c, DATE '2024-03-01' - INTERVAL '1 12' DAY TO HOUR AS d
-- name: day_time_literals_compared
SELECT INTERVAL '1 02:03:04' DAY TO SECOND > INTERVAL '1' DAY AS a, INTERVAL 25 HOURS > INTERVAL '1' DAY AS b, INTERVAL '24' HOUR = INTERVAL '1' DAY AS c
-- name: interval_literals_in_a_range_frame
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW) AS c FROM VALUES (DATE '2024-01-01'), (DATE '2024-01-02'), (DATE '2024-01-04') AS t(d) ORDER BY d
-- name: sum_of_interval_literals
SELECT sum(d) AS s FROM VALUES (INTERVAL '1' DAY), (INTERVAL '2' DAY) AS t(d)
-- name: sequence_of_dates_by_months_from_the_31st
SELECT sequence(DATE '2024-01-31', DATE '2024-04-30', INTERVAL '1' MONTH) AS a, sequence(DATE '2024-04-30', DATE '2024-01-31', INTERVAL '-1' MONTH) AS b, sequence(DATE '2024-01-31', DATE '2025-01-31', make_ym_interval(0, 3)) AS c
-- name: sequence_of_dates_by_day_time_intervals
SELECT sequence(DATE '2024-01-30', DATE '2024-02-02', INTERVAL '1' DAY) AS a, sequence(DATE '2024-01-01', DATE '2024-01-10', INTERVAL 3 DAYS) AS b, sequence(DATE '2024-01-01', DATE '2024-01-06', INTERVAL '1 12' DAY TO HOUR) AS c
-- name: sequence_of_dates_per_row
SELECT sequence(d, DATE '2024-03-31', INTERVAL 1 MONTH) AS s FROM VALUES (DATE '2024-01-31'), (DATE '2024-02-29'), (NULL) AS t(d) ORDER BY d
-- name: sequence_of_dates_against_its_step
SELECT sequence(DATE '2024-01-01', DATE '2023-01-01', INTERVAL '1' DAY)
-- name: interval_times_and_divided_by_numbers
SELECT INTERVAL '1' DAY * 2 AS a, INTERVAL '3' DAY / 2 AS b, -INTERVAL '1' DAY AS c, 3 * INTERVAL '1' HOUR AS d, typeof(INTERVAL '1' DAY * 2) AS t
-- name: interval_arithmetic_rounding
SELECT INTERVAL '10' SECOND / 3 AS a, INTERVAL '10' SECOND * 0.333 AS b, INTERVAL '10' SECOND * 1.5D AS c, INTERVAL '1' SECOND / 3D AS d, INTERVAL '0.000003' SECOND / 2 AS e, -INTERVAL '0.000003' SECOND / 2 AS f
-- name: year_month_interval_arithmetic
SELECT CAST(INTERVAL '1' YEAR * 2 AS STRING) AS a, CAST(INTERVAL '1' YEAR / 5 AS STRING) AS b, CAST(INTERVAL '1-2' YEAR TO MONTH * 1.5 AS STRING) AS c, typeof(INTERVAL '1' YEAR * 2) AS t
-- name: interval_divided_by_zero
SELECT INTERVAL '1' DAY / 0
-- name: interval_arithmetic_overflow
SELECT INTERVAL '106751991' DAY * 2
-- name: interval_times_null
SELECT INTERVAL '1' DAY * NULL AS a, CAST(NULL AS INT) * INTERVAL '1' DAY AS b
-- name: date_difference_times_two
SELECT (DATE '2024-03-01' - DATE '2024-02-01') * 2 AS a, (DATE '2024-03-01' - DATE '2024-02-01') / 2 AS b
-- name: intervals_cast_to_integers
SELECT CAST(INTERVAL '3' DAY AS INT) AS a, CAST(INTERVAL '90' MINUTE AS BIGINT) AS b, CAST(INTERVAL '2' YEAR AS INT) AS c, CAST(INTERVAL '14' MONTH AS SMALLINT) AS d, CAST(DATE '2024-03-15' - DATE '2024-03-01' AS INT) AS e
-- name: ranged_intervals_cast_to_integers
SELECT CAST(INTERVAL '1 02' DAY TO HOUR AS BIGINT) AS a, CAST(INTERVAL '1-2' YEAR TO MONTH AS INT) AS b, CAST(INTERVAL '-1 02:03:04.9' DAY TO SECOND AS BIGINT) AS c, CAST(INTERVAL '1.9' SECOND AS INT) AS d
-- name: extract_of_a_year_from_a_day_interval
SELECT extract(YEAR FROM INTERVAL '3' DAY)
-- name: min_and_max_of_intervals_day
SELECT max(d) AS m, min(d) AS n, typeof(max(d)) AS t FROM (SELECT x - DATE '2024-01-01' AS d FROM VALUES (DATE '2024-03-01'), (DATE '2024-03-04') AS t(x))
-- name: sum_of_intervals_per_group_in_a_subquery
SELECT k, s, typeof(s) AS t FROM (SELECT k, sum(i) AS s FROM VALUES (1, INTERVAL '1' DAY), (1, INTERVAL '2' DAY), (2, INTERVAL '3' DAY) AS t(k, i) GROUP BY k) ORDER BY k
