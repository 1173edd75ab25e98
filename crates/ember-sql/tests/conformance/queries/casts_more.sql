-- Casts as Spark casts them (issue 20): strings to numbers, booleans, decimals and dates,
-- integers to binary, ANSI intervals to integers, `::`, overflow, nested values, try_cast.
-- name: fraction_string_to_int_fails
SELECT CAST('1.23' AS int)
-- name: empty_string_to_int_fails
SELECT CAST('' AS int)
-- name: long_overflow_string_fails
SELECT CAST('12345678901234567890123' AS long)
-- name: integral_string_edges
SELECT CAST('-2147483648' AS int), CAST('9223372036854775807' AS long), CAST('-9223372036854775808' AS long)
-- name: integers_to_binary
SELECT HEX(CAST('abc' AS binary)), HEX(CAST(CAST(123 AS byte) AS binary)), HEX(CAST(-123S AS binary)), HEX(CAST(123 AS binary)), HEX(CAST(-123L AS binary))
-- name: padded_strings_to_numbers
SELECT cast(' 1' as tinyint), cast(' 1' as smallint), cast(' 1' as INT), cast(' 1' as bigint), cast(' 1' as float), cast(' 1 ' as DOUBLE), cast('1.0 ' as DEC)
-- name: tab_padded_string_to_tinyint
SELECT cast(' 1\t' as tinyint)
-- name: non_ascii_digits_fail
SELECT cast('1中文' as INT)
-- name: padded_strings_to_boolean
SELECT cast('\t\t true \n\r ' as boolean) AS t, cast('\t\n false \t\r' as boolean) AS f
-- name: malformed_boolean_fails
SELECT cast('\t\n xyz \t\r' as boolean)
-- name: string_to_decimal
SELECT cast('23.45' as decimal(4, 2))
-- name: string_to_decimal_overflow_fails
SELECT cast('123.45' as decimal(4, 2))
-- name: strings_to_dates_and_timestamps
SELECT cast('2022-01-01' as date), cast('2022-01-01 00:00:00' as timestamp), cast('2022-01-01 00:00:00' as timestamp_ntz)
-- name: ansi_intervals_to_integers
SELECT cast(interval '1' year as tinyint), cast(interval '-10-2' year to month as smallint), cast(interval '1000' month as int), cast(interval '23:59:59' hour to second as smallint), cast(interval '10' day as bigint)
-- name: negative_intervals_to_integers
SELECT cast(interval -'10.123456' second as tinyint), cast(interval -'1 02:03:04.123' day to second as int)
-- name: interval_to_tinyint_overflow_fails
SELECT cast(interval '-1000' month as tinyint)
-- name: double_colon_casts
SELECT '1.23' :: double, '12' :: int, NULL :: int, HEX('abc' :: binary), ' 1 ' :: DOUBLE, '2022-01-01 00:00:00' :: timestamp
-- name: chained_double_colon_casts
SELECT map(1, '123', 2, '456')[1] :: int, '1' :: int :: long
-- name: double_colon_overflow_fails
SELECT '2147483648' :: long :: int
-- name: binary_and_text_casts
SELECT CAST(X'0102' AS STRING), CAST(CAST('é' AS BINARY) AS STRING), hex(CAST(1.5 AS STRING))
-- name: fractions_to_small_integers
SELECT CAST(1.9 AS TINYINT), CAST(-1.9 AS SMALLINT), CAST(127.9 AS TINYINT), CAST(1e2 AS TINYINT)
-- name: tinyint_overflow_fails
SELECT CAST(128 AS TINYINT)
-- name: smallint_to_tinyint_overflow_fails
SELECT CAST(CAST(300 AS SMALLINT) AS TINYINT)
-- name: doubles_and_ints_to_decimals
SELECT CAST(3.99D AS DECIMAL(3, 1)), CAST(-0.05D AS DECIMAL(2, 1)), CAST(1e10D AS DECIMAL(38, 0)), CAST(123 AS DECIMAL(5, 2))
-- name: int_to_decimal_overflow_fails
SELECT CAST(123 AS DECIMAL(4, 2))
-- name: float_and_double_texts
SELECT CAST(CAST(1.5 AS FLOAT) AS STRING), CAST(CAST(0.1 AS FLOAT) AS STRING), CAST(1.0E-10D AS STRING), CAST(123456789.123D AS STRING), CAST(1.0E7D AS STRING), CAST(1.0E6D AS STRING)
-- name: large_float_texts
SELECT CAST(CAST(1.0E20 AS FLOAT) AS STRING), CAST(-0.0D AS STRING), CAST(CAST(3.4028235E38 AS FLOAT) AS DOUBLE)
-- name: nested_casts_of_strings
SELECT CAST(array('1', '2') AS ARRAY<INT>), CAST(map('a', '1') AS MAP<STRING, INT>), CAST(named_struct('a', '1') AS STRUCT<a: INT>)
-- name: nested_casts_to_strings
SELECT CAST(array(1, NULL) AS ARRAY<STRING>), CAST(array(true) AS ARRAY<STRING>), CAST(array(DATE '2024-01-01') AS ARRAY<STRING>)
-- name: timestamp_ntz_and_date_casts
SELECT CAST(TIMESTAMP '2024-01-01 10:00:00.123' AS STRING), CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS STRING), CAST(DATE '2024-01-01' AS TIMESTAMP_NTZ), CAST(TIMESTAMP_NTZ '2024-01-01 10:00:00' AS DATE)
-- name: partial_date_and_timestamp_strings
SELECT CAST('2024-01-01T10:00:00' AS TIMESTAMP), CAST('2024-01-01 10:00' AS TIMESTAMP), CAST('2024-1-1' AS DATE), CAST(' 2024-01-01 ' AS DATE), CAST('2024' AS DATE), CAST('2024-03' AS DATE)
-- name: zoned_and_nanosecond_strings
SELECT CAST('2024-01-01 10:00:00+02:00' AS TIMESTAMP), CAST('2024-01-01T10:00:00Z' AS TIMESTAMP), CAST('2024-01-01 10:00:00.123456789' AS TIMESTAMP)
-- name: booleans_from_strings_and_numbers
SELECT CAST('1' AS BOOLEAN), CAST('0' AS BOOLEAN), CAST('y' AS BOOLEAN), CAST('no' AS BOOLEAN), CAST(2 AS BOOLEAN), CAST(0.0 AS BOOLEAN), CAST(true AS DOUBLE)
-- name: special_double_strings
SELECT CAST('NaN' AS DOUBLE), CAST('-Infinity' AS DOUBLE), CAST('inf' AS FLOAT), CAST('1e309' AS DOUBLE)
-- name: try_cast_failures
SELECT try_cast('1.23' AS int), try_cast('' AS int), try_cast('128' AS TINYINT), try_cast('2024-13-01' AS DATE), try_cast('xyz' AS BOOLEAN), try_cast(CAST(300 AS SMALLINT) AS TINYINT)
-- name: decimal_without_digits
SELECT CAST('1.5' AS DECIMAL), typeof(CAST(1 AS NUMERIC)), CAST('1.0 ' AS DEC), CAST(1.25 AS DEC(5, 1)), typeof(CAST(1 AS DEC(7)))
-- name: decimal_to_boolean
SELECT CAST(0.0 AS BOOLEAN), CAST(x AS BOOLEAN) FROM VALUES (CAST(NULL AS DECIMAL(3, 1))), (2.5) t(x) ORDER BY x NULLS FIRST
