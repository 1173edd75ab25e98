-- Dates and timestamps with Java datetime patterns, parts and arithmetic.
-- name: to_date_pattern
SELECT to_date('15/03/2024', 'dd/MM/yyyy')

-- name: to_date_pattern_column
SELECT id, to_date(day, 'dd/MM/yyyy') FROM events ORDER BY id

-- name: to_date_invalid
SELECT to_date('2024-13-45')

-- name: to_date_null
SELECT to_date(CAST(NULL AS STRING))

-- name: to_timestamp_default
SELECT to_timestamp('2024-03-15 10:20:30')

-- name: to_timestamp_pattern
SELECT to_timestamp('15/03/2024 10:20', 'dd/MM/yyyy HH:mm')

-- name: to_timestamp_column
SELECT id, to_timestamp(ts) FROM events ORDER BY id

-- name: date_format_timestamp
SELECT date_format(to_timestamp('2024-03-15 10:20:30'), 'HH:mm')

-- name: date_format_column
SELECT id, date_format(hired, 'MMM d, yyyy') FROM people ORDER BY id

-- name: date_format_day_name
SELECT date_format(DATE '2024-03-15', 'EEEE')

-- name: from_unixtime_default
SELECT from_unixtime(0), from_unixtime(1700000000)

-- name: from_unixtime_pattern
SELECT from_unixtime(1700000000, 'yyyy-MM-dd')

-- name: unix_timestamp_string
SELECT unix_timestamp('2024-01-01 00:00:00')

-- name: unix_timestamp_pattern
SELECT unix_timestamp('01/01/2024', 'dd/MM/yyyy')

-- name: unix_timestamp_column
SELECT id, unix_timestamp(ts) FROM events ORDER BY id

-- name: date_parts
SELECT year(d), quarter(d), month(d), dayofmonth(d), dayofyear(d), weekofyear(d) FROM (SELECT DATE '2024-12-30' AS d)

-- name: dayofweek_weekday
SELECT dayofweek(DATE '2024-03-17'), weekday(DATE '2024-03-17')

-- name: hour_minute_second
SELECT hour(t), minute(t), second(t) FROM (SELECT to_timestamp('2024-03-15 10:20:30') AS t)

-- name: quarter_column
SELECT id, quarter(hired), weekofyear(hired) FROM people ORDER BY id

-- name: add_months_month_end
SELECT add_months(DATE '2024-03-31', -1), add_months(DATE '2023-01-31', 13)

-- name: add_months_column
SELECT id, add_months(hired, 6) FROM people ORDER BY id

-- name: months_between_whole
SELECT months_between(DATE '2024-03-15', DATE '2024-01-15')

-- name: months_between_fraction
SELECT months_between(DATE '2024-03-10', DATE '2024-01-15')

-- name: months_between_month_ends
SELECT months_between(DATE '2024-03-31', DATE '2024-02-29')

-- name: months_between_column
SELECT id, months_between(DATE '2024-01-01', hired) FROM people ORDER BY id

-- name: make_date_fn
SELECT make_date(2024, 2, 29)

-- name: make_date_invalid
SELECT make_date(2023, 2, 29)

-- name: make_date_columns
SELECT id, make_date(year(hired), 1, 1) FROM people ORDER BY id

-- name: make_timestamp_fn
SELECT make_timestamp(2024, 3, 15, 10, 20, 30.5)

-- name: timestamp_seconds_fn
SELECT timestamp_seconds(1700000000)

-- name: date_add_column
SELECT id, date_add(hired, 30) FROM people ORDER BY id

-- name: date_sub_negative
SELECT date_sub(DATE '2024-03-01', -1)

-- name: date_add_string
SELECT date_add('2024-02-28', 1)

-- name: datediff_negative
SELECT datediff(DATE '2024-01-01', DATE '2024-03-01')

-- name: last_day_column
SELECT id, last_day(hired) FROM people ORDER BY id

-- name: next_day_fn
SELECT next_day(DATE '2024-03-15', 'Mon')

-- name: trunc_date
SELECT trunc(DATE '2024-08-17', 'MM'), trunc(DATE '2024-08-17', 'YEAR')

-- name: date_trunc_week
SELECT date_trunc('week', to_timestamp('2024-03-15 10:20:30'))

-- name: extract_fn
SELECT extract(YEAR FROM hired), extract(MONTH FROM hired) FROM people ORDER BY id

-- name: date_part_fn
SELECT date_part('day', DATE '2024-03-15')

-- name: cast_string_date
SELECT CAST('2024-03-15' AS DATE)

-- name: group_by_year
SELECT year(hired) AS y, count(*) FROM people GROUP BY year(hired) ORDER BY y

-- name: date_between
SELECT name FROM people WHERE hired BETWEEN DATE '2019-01-01' AND DATE '2020-12-31' ORDER BY name

-- name: unix_date_fn
SELECT unix_date(DATE '1970-01-10')

-- name: dayname_monthname
SELECT dayname(DATE '2024-03-15'), monthname(DATE '2024-03-15')
-- name: text_to_date_forms
SELECT s, TRY_CAST(s AS DATE) AS d FROM VALUES ('2024-3-5'), ('2024-03'), ('2024'), (' 2024-03-15 '), ('2024-03-15 10:20'), ('2024-03-15T10:20:30'), ('2024-03-15xyz'), ('+2024-03-15'), ('2024-02-30'), ('02024-03-15'), ('2024/03/15'), ('') AS t(s) ORDER BY s
-- name: text_to_timestamp_forms
SELECT s, TRY_CAST(s AS TIMESTAMP) AS t FROM VALUES ('2024-03-15 10:20'), ('2024-03'), ('2024'), ('2024-03-15T10:20:30Z'), ('2024-03-15 10:20:30.123456789'), ('2024-03-15 10:20:30+01:00'), ('2024-03-15 10:20:30 +01:00'), ('2024-03-15T10:20:30.5-0130'), ('2024-03-15 10:20:30 UTC'), ('2024-03-15 10:20:30GMT+01:00'), ('2024-03-15 10:20:30 America/Los_Angeles'), ('2024-3-5 1:2:3'), (' 2024-03-15 10:20:30 '), ('2024-03-15 25:00:00'), ('2024-03-15 10:20:30.'), ('2024-03-15T'), ('2024-03-15 10') AS t(s) ORDER BY s
-- name: text_to_timestamp_ntz_forms
SELECT s, TRY_CAST(s AS TIMESTAMP_NTZ) AS t FROM VALUES ('2024-03-15 10:20'), ('2024-03-15'), ('2024-03-15 10:20:30+01:00'), ('2024-03-15 10:20:30 UTC'), ('x') AS t(s) ORDER BY s
-- name: text_that_is_no_date_fails_the_cast
SELECT CAST('2024-13-01' AS DATE)
-- name: text_that_is_no_timestamp_fails_the_cast
SELECT CAST('2024-03-15 10:61' AS TIMESTAMP)
-- name: date_functions_of_text
SELECT date_add('2024-03-15 10:20', 1), datediff('2024-03-15', '2024-03-01'), to_date('2024-03-15 10:20'), date_sub('2024-3-5', 1), try_to_date('x'), year('2024-3-5'), dayofweek('2024-03-15 10:00'), CAST('2024-03-15' AS TIMESTAMP_NTZ)
-- Spark's timestampadd/timestampdiff (and dateadd/date_add, datediff/date_diff) by a unit keyword (issue 20).
-- name: timestampadd_units_by_the_calendar
SELECT timestampadd(HOUR, 3, TIMESTAMP '2024-03-01 10:00:00') AS a, timestampadd(DAY, -1, DATE '2024-03-01') AS b, timestampadd(MONTH, 1, TIMESTAMP '2024-01-31 10:00:00') AS c, timestampadd(YEAR, 1, DATE '2024-02-29') AS d, timestampadd(QUARTER, 1, TIMESTAMP '2024-11-30 00:00:00') AS e, timestampadd(WEEK, 2, TIMESTAMP '2024-03-01 00:00:00') AS f
-- name: timestampadd_units_by_the_clock
SELECT timestampadd(MICROSECOND, 5, TIMESTAMP '2024-03-01 10:00:00') AS a, timestampadd(MILLISECOND, 1500, TIMESTAMP '2024-03-01 10:00:00') AS b, timestampadd(SECOND, 90, TIMESTAMP '2024-03-01 10:00:00') AS c, timestampadd(MINUTE, -30, TIMESTAMP '2024-03-01 10:00:00') AS d, timestampadd(DAYOFYEAR, 3, TIMESTAMP '2024-03-01 10:00:00') AS e
-- name: timestampdiff_calendar_units
SELECT timestampdiff(MONTH, DATE '2024-01-31', DATE '2024-03-01') AS a, timestampdiff(MONTH, TIMESTAMP '2024-01-31 10:00:00', TIMESTAMP '2024-02-29 10:00:00') AS b, timestampdiff(YEAR, DATE '2020-02-29', DATE '2024-02-28') AS c, timestampdiff(QUARTER, DATE '2024-01-15', DATE '2024-10-14') AS d, timestampdiff(DAY, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2024-03-03 09:59:59') AS e, timestampdiff(WEEK, DATE '2024-03-01', DATE '2024-03-15') AS f
-- name: timestampdiff_clock_units
SELECT timestampdiff(HOUR, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2024-03-01 12:59:59') AS a, timestampdiff(MINUTE, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2024-03-01 09:58:30') AS b, timestampdiff(SECOND, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2024-03-01 10:00:01.9') AS c, timestampdiff(MILLISECOND, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2024-03-01 10:00:01.9') AS d, timestampdiff(MICROSECOND, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2024-03-01 10:00:00.000007') AS e
-- name: timestampdiff_backwards
SELECT timestampdiff(MONTH, DATE '2024-03-01', DATE '2024-01-31') AS a, timestampdiff(DAY, TIMESTAMP '2024-03-03 09:59:59', TIMESTAMP '2024-03-01 10:00:00') AS b, timestampdiff(YEAR, TIMESTAMP '2024-03-01 10:00:00', TIMESTAMP '2025-03-01 09:00:00') AS c
-- name: dateadd_and_datediff_with_a_unit
SELECT dateadd(HOUR, 3, TIMESTAMP '2024-03-01 10:00:00') AS a, date_add(MONTH, 1, DATE '2024-01-31') AS b, datediff(DAY, DATE '2024-03-01', DATE '2024-03-05') AS c, date_diff(MONTH, DATE '2024-01-31', DATE '2024-03-01') AS d
-- name: timestampadd_and_timestampdiff_types
SELECT typeof(timestampadd(DAY, 1, DATE '2024-03-01')), typeof(timestampdiff(DAY, DATE '2024-03-01', DATE '2024-03-02')), typeof(timestampadd(DAY, 1, TIMESTAMP_NTZ '2024-03-01 00:00:00'))
-- name: timestampadd_and_timestampdiff_of_nulls
SELECT timestampadd(DAY, NULL, DATE '2024-03-01') AS a, timestampdiff(DAY, NULL, DATE '2024-03-01') AS b, timestampadd(DAY, 1, CAST(NULL AS TIMESTAMP)) AS c
-- name: timestampadd_of_a_fraction
SELECT timestampadd(DAY, 1.5, DATE '2024-03-01')
-- name: timestampadd_of_strings
SELECT timestampadd(DAY, 1, '2024-03-01') AS a, timestampdiff(DAY, '2024-03-01', '2024-03-04 10:00') AS b
-- name: timestampadd_of_an_unknown_unit
SELECT timestampadd(FORTNIGHT, 1, DATE '2024-03-01')
-- name: timestampadd_of_a_quoted_unit
SELECT timestampadd('DAY', 1, DATE '2024-03-01')
-- name: timestampadd_overflow
SELECT timestampadd(day, 1, DATE '2024-03-01') AS a, timestampadd(MONTH, 2147483647, DATE '2024-03-01') AS b
-- name: extract_fields_of_a_timestamp
SELECT extract(YEAR FROM ts) AS y, extract(QUARTER FROM ts) AS q, extract(MONTH FROM ts) AS m, extract(WEEK FROM ts) AS w, extract(DAY FROM ts) AS d, extract(DOW FROM ts) AS dow, extract(DOY FROM ts) AS doy, extract(HOUR FROM ts) AS h, extract(MINUTE FROM ts) AS mi, extract(SECOND FROM ts) AS s FROM VALUES (TIMESTAMP '2024-03-17 10:20:30.123456') AS t(ts)
-- name: date_part_fields_and_abbreviations
SELECT date_part('YEAROFWEEK', DATE '2024-12-30') AS a, date_part('DAYOFWEEK', DATE '2024-03-17') AS b, date_part('D', DATE '2024-03-17') AS c, extract(SECOND FROM DATE '2024-03-17') AS d, date_part('DOW_ISO', DATE '2024-03-17') AS e, datepart('mon', DATE '2024-03-17') AS f
-- name: date_part_of_an_unknown_field
SELECT date_part('MS', TIMESTAMP '2024-03-17 10:20:30.123456') AS a
-- name: date_part_of_strings_ntz_and_null
SELECT date_part('year', '2024-03-17 10:00:00') AS a, extract(HOUR FROM TIMESTAMP_NTZ '2024-03-17 10:20:30') AS b, extract(DAY FROM CAST(NULL AS DATE)) AS c
-- name: extract_types
SELECT typeof(extract(SECOND FROM TIMESTAMP '2024-03-17 10:20:30')) AS a, typeof(date_part('year', DATE '2024-03-17')) AS b
-- name: extract_of_day_time_intervals
SELECT extract(SECOND FROM INTERVAL '1 02:03:04.5' DAY TO SECOND) AS a, extract(MINUTE FROM -INTERVAL '1 02:03:04.5' DAY TO SECOND) AS b, date_part('HOUR', INTERVAL '26' HOUR) AS c, extract(DAY FROM INTERVAL '-3' DAY) AS d
-- name: extract_of_year_month_intervals
SELECT extract(YEAR FROM INTERVAL '3-5' YEAR TO MONTH) AS a, extract(MONTH FROM INTERVAL '-3-5' YEAR TO MONTH) AS b, typeof(extract(MONTH FROM INTERVAL '3-5' YEAR TO MONTH)) AS t
