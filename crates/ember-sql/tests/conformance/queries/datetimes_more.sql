-- Dates and times as users write them, side by side with PySpark (issue 20): patterns, strings
-- where dates are expected, epoch conversions, zones, intervals, windows and truncation.
-- name: date_format_12_hour_and_names
SELECT date_format(TIMESTAMP '2024-07-04 09:05:03', 'yyyy/MM/dd hh:mm:ss a'), date_format(TIMESTAMP '2024-07-04 21:05:03', 'HH:mm'), date_format(DATE '2024-07-04', 'MMM dd, yyyy'), date_format(DATE '2024-07-04', 'EEEE')
-- name: date_format_fractions_and_short_fields
SELECT date_format(TIMESTAMP '2024-07-04 09:05:03.123456', 'ss.SSSSSS'), date_format(TIMESTAMP '2024-07-04 09:05:03', 'yy-M-d H:m:s'), date_format(DATE '2024-01-05', 'd/M/yyyy')
-- name: to_timestamp_patterns
SELECT to_timestamp('2024-07-04 09:05:03.123', 'yyyy-MM-dd HH:mm:ss.SSS'), to_timestamp('04/07/2024', 'dd/MM/yyyy'), to_timestamp('2024-07-04T09:05:03'), to_timestamp('20240704 0905', 'yyyyMMdd HHmm')
-- name: to_date_patterns_and_month_names
SELECT to_date('2024-07-04 23:59:59'), to_date('07-04-2024', 'MM-dd-yyyy'), to_date('Jul 4 2024', 'MMM d yyyy'), to_date('July 4, 2024', 'MMMM d, yyyy')
-- name: to_timestamp_pattern_mismatch_fails
SELECT to_timestamp('2024-07-04', 'yyyy-MM-dd HH:mm')
-- name: to_date_pattern_mismatch_fails
SELECT to_date('2024/07/04', 'yyyy-MM-dd')
-- name: unix_timestamp_and_from_unixtime
SELECT unix_timestamp('2024-07-04', 'yyyy-MM-dd'), unix_timestamp(DATE '2024-07-04'), from_unixtime(1720051200), from_unixtime(1720051200, 'yyyy-MM-dd')
-- name: date_functions_of_strings
SELECT date_add('2024-07-04', 1), date_sub('2024-07-04', 1), datediff('2024-07-04', '2024-07-01'), add_months('2024-07-31', 1), last_day('2024-02-10'), next_day('2024-07-04', 'monday')
-- name: date_fields_of_strings
SELECT dayofweek('2024-07-04'), dayofmonth('2024-07-04'), dayofyear('2024-07-04'), weekofyear('2024-07-04'), quarter('2024-07-04'), month('2024-07-04'), year('2024-07-04')
-- name: time_fields_of_strings
SELECT hour('2024-07-04 13:14:15'), minute('2024-07-04 13:14:15'), second('2024-07-04 13:14:15'), hour(TIMESTAMP_NTZ '2024-07-04 13:14:15')
-- name: months_between_forms
SELECT months_between('2024-07-31', '2024-06-30'), months_between(TIMESTAMP '2024-07-04 12:00:00', TIMESTAMP '2024-06-04 00:00:00'), months_between('2024-07-04', '2024-06-04', false)
-- name: make_timestamp_forms_and_leap_second
SELECT make_timestamp(2024, 7, 4, 9, 5, 3.5), make_timestamp_ntz(2024, 7, 4, 9, 5, 3), make_date(2024, 7, 4), make_timestamp(2024, 7, 4, 9, 5, 60)
-- name: epoch_builders
SELECT timestamp_seconds(0), timestamp_millis(1720051200123), timestamp_micros(1720051200123456), unix_millis(TIMESTAMP '2024-07-04 00:00:00'), unix_date(DATE '1970-01-02')
-- name: timestamps_plus_intervals
SELECT TIMESTAMP '2024-07-04 09:05:03' + INTERVAL 2 HOURS, TIMESTAMP '2024-07-04 09:05:03' - INTERVAL '1' DAY, DATE '2024-07-04' + INTERVAL 1 MONTH, DATE '2024-01-31' + INTERVAL 1 MONTH
-- name: timestamp_differences
SELECT TIMESTAMP '2024-07-04 09:05:03' - TIMESTAMP '2024-07-04 08:00:00', typeof(TIMESTAMP '2024-07-04 09:05:03' - TIMESTAMP '2024-07-04 08:00:00'), DATE '2024-07-04' - DATE '2024-07-01'
-- name: dates_compared_with_strings
SELECT d, d > '2024-07-01', d = '2024-07-04', d IN ('2024-07-04', '2024-07-05') FROM VALUES (DATE '2024-07-04'), (DATE '2024-06-30') t(d) ORDER BY d
-- name: timestamps_compared_with_strings
SELECT ts, ts > '2024-07-04 09:00:00', CAST(ts AS DATE) = DATE '2024-07-04' FROM VALUES (TIMESTAMP '2024-07-04 09:05:03'), (TIMESTAMP '2024-07-03 23:00:00') t(ts) ORDER BY ts
-- name: truncation_levels
SELECT date_trunc('minute', ts), date_trunc('second', ts), date_trunc('millisecond', ts), trunc(ts, 'year') FROM VALUES (TIMESTAMP '2024-07-04 09:05:03.123456') t(ts)
-- name: tumbling_window_fields
SELECT window(ts, '1 hour').start, window(ts, '1 hour').end, count(*) FROM VALUES (TIMESTAMP '2024-07-04 09:05:03'), (TIMESTAMP '2024-07-04 09:55:00'), (TIMESTAMP '2024-07-04 10:00:00') t(ts) GROUP BY window(ts, '1 hour') ORDER BY 1
-- name: hourly_buckets_by_format
SELECT date_format(ts, 'yyyy-MM-dd HH:00') AS hr, count(*) FROM VALUES (TIMESTAMP '2024-07-04 09:05:03'), (TIMESTAMP '2024-07-04 09:55:00'), (TIMESTAMP '2024-07-04 10:00:00') t(ts) GROUP BY 1 ORDER BY 1
-- name: extract_dow_doy_week
SELECT extract(DOW FROM DATE '2024-07-04'), extract(DOY FROM DATE '2024-07-04'), extract(WEEK FROM DATE '2024-12-30'), extract(MINUTE FROM TIMESTAMP '2024-07-04 09:05:03')
-- name: date_part_forms
SELECT date_part('YEAR', DATE '2024-07-04'), date_part('SECONDS', TIMESTAMP '2024-07-04 09:05:03.5'), datepart('month', DATE '2024-07-04')
-- name: current_date_and_time
SELECT current_date() >= DATE '2024-01-01', current_timestamp() > TIMESTAMP '2024-01-01 00:00:00', date_diff(current_date(), current_date())
-- name: utc_conversions_of_strings
SELECT from_utc_timestamp('2024-07-04 12:00:00', 'Asia/Kolkata'), to_utc_timestamp('2024-07-04 12:00:00', 'America/Los_Angeles'), from_utc_timestamp(TIMESTAMP '2024-01-04 12:00:00', 'Europe/London')
-- name: convert_timezone_of_ntz
SELECT convert_timezone('America/New_York', TIMESTAMP_NTZ '2024-07-04 12:00:00'), typeof(convert_timezone('America/New_York', TIMESTAMP_NTZ '2024-07-04 12:00:00'))
-- name: timestamp_kind_casts
SELECT CAST(TIMESTAMP '2024-07-04 09:05:03' AS TIMESTAMP_NTZ), CAST(TIMESTAMP_NTZ '2024-07-04 09:05:03' AS TIMESTAMP), CAST(TIMESTAMP '2024-07-04 09:05:03' AS DATE)
-- name: to_timestamp_ntz_ltz
SELECT to_timestamp_ntz('2024-07-04 09:05:03'), to_timestamp_ltz('2024-07-04 09:05:03'), typeof(to_timestamp_ntz('2024-07-04 09:05:03')), try_to_timestamp('2024-07-04', 'yyyy')
-- name: epoch_edges_and_fractions
SELECT date_from_unix_date(0), unix_seconds(TIMESTAMP '1969-12-31 23:59:59'), timestamp_seconds(-1.5), timestamp_seconds(1.0E9)
-- name: min_max_timestamps
SELECT min(ts), max(ts), count(DISTINCT CAST(ts AS DATE)) FROM VALUES (TIMESTAMP '2024-07-04 09:05:03'), (TIMESTAMP '2024-07-04 23:00:00'), (TIMESTAMP '2024-07-05 00:00:01') t(ts)
-- name: gaps_between_dates
SELECT d, lag(d) OVER (ORDER BY d), datediff(d, lag(d) OVER (ORDER BY d)) AS gap FROM VALUES (DATE '2024-07-01'), (DATE '2024-07-04'), (DATE '2024-07-10') t(d) ORDER BY d
-- name: month_sequence_from_month_end
SELECT sequence(DATE '2024-01-31', DATE '2024-05-31', INTERVAL 1 MONTH)
-- name: date_format_year_month
SELECT date_format(d, 'yyyy') AS y, date_format(d, 'MM') AS m FROM VALUES (DATE '2024-07-04') t(d)
-- name: timestamp_strings_with_zones
SELECT CAST('2024-07-04 09:05' AS TIMESTAMP), CAST('2024-07-04T09:05:03.123Z' AS TIMESTAMP), CAST('2024-07-04 09:05:03 UTC' AS TIMESTAMP)
-- name: timestampadd_and_diff_synonyms
SELECT timestampadd(MONTH, 1, DATE '2024-01-31'), timestampdiff(DAY, DATE '2024-01-01', DATE '2024-03-01'), datediff(DAY, DATE '2024-01-01', DATE '2024-03-01'), dateadd(HOUR, 3, TIMESTAMP '2024-07-04 22:00:00')
-- name: interval_builders
SELECT CAST(make_dt_interval(1, 2, 3, 4.5) AS STRING), CAST(make_ym_interval(1, 2) AS STRING)
