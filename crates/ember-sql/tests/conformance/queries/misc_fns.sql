-- Everyday functions (issue 20): generators, timestamps from numbers, Spark's other names.
-- name: stack_two_rows
SELECT stack(2, 1, 'a', 2, 'b')
-- name: stack_aliased
SELECT stack(2, 1, 2, 3) AS (x, y)
-- name: stack_lateral_view
SELECT p.id, s.v FROM people p LATERAL VIEW stack(2, p.age, p.id) s AS v WHERE p.id <= 2 ORDER BY p.id, s.v
-- name: timestamp_millis_micros
SELECT timestamp_millis(1705307400123), timestamp_micros(1705307400123456), timestamp_seconds(1705307400)
-- name: to_unix_timestamp_values
SELECT to_unix_timestamp('2024-01-15 08:30:00'), to_unix_timestamp('15/01/2024', 'dd/MM/yyyy')
-- name: curdate_is_current_date
SELECT curdate() = current_date()
-- name: unsupported_reflect
-- known: values: reflect calls Java methods, which needs a JVM: Ember refuses it with UNSUPPORTED_FUNCTION
SELECT reflect('java.util.UUID', 'randomUUID')
-- name: regexp_substr_values
SELECT regexp_substr('abc123def456', '[0-9]+'), regexp_substr('abc', '[0-9]+'), regexp_substr(NULL, 'a')
-- name: regexp_instr_values
SELECT regexp_instr('abc123def', '[0-9]+'), regexp_instr('abc', '[0-9]+'), regexp_instr('héllo wörld', 'w')
-- name: regexp_substr_column
SELECT k, regexp_substr(s, '[0-9]+') FROM nums ORDER BY k
-- name: mask_defaults
SELECT mask('AbCd-123 xyZ'), mask(name) FROM people WHERE id = 1
-- name: mask_replacements
SELECT mask('AbCd-123', 'Q', 'q', 'd', '*'), mask('AbCd-123', NULL, 'q', NULL, NULL)
-- name: format_number_doubles
SELECT format_number(1234567.891D, 2), format_number(0.5D, 0), format_number(2.5D, 0), format_number(-1234.5678D, 3)
-- name: format_number_ints_decimals
SELECT format_number(1234567, 0), format_number(12345, 2), format_number(CAST(9999.995 AS DECIMAL(10, 3)), 2), format_number(12.5, 0)
-- name: format_number_column
SELECT id, format_number(salary, 1) FROM people ORDER BY id
-- name: format_number_negative_places
SELECT format_number(1.5D, -1)
-- name: try_to_timestamp_values
SELECT try_to_timestamp('2024-01-15 08:30:00'), try_to_timestamp('not a time'), try_to_timestamp('15/01/2024', 'dd/MM/yyyy'), try_to_timestamp('2024-99-99', 'yyyy-MM-dd')
-- name: try_to_timestamp_column
SELECT id, try_to_timestamp(day, 'dd/MM/yyyy') FROM events ORDER BY id
-- name: try_to_date_values
SELECT try_to_date('2024-02-29'), try_to_date('2024-02-30'), try_to_date('01/12/2023', 'dd/MM/yyyy'), try_to_date('x', 'dd/MM/yyyy')
-- name: try_to_date_column
SELECT id, try_to_date(ts) FROM events ORDER BY id
-- name: to_timestamp_of_bad_string_fails
SELECT to_timestamp('not a time')
-- name: nullifzero_zeroifnull
SELECT nullifzero(0) AS a, nullifzero(5) AS b, zeroifnull(NULL) AS c, zeroifnull(7) AS d, zeroifnull(CAST(NULL AS DOUBLE)) AS e
-- name: zeroifnull_column
SELECT id, zeroifnull(age), nullifzero(id - 1) FROM people ORDER BY id
-- name: try_mod_values
SELECT try_mod(7, 3), try_mod(7, 0), try_mod(-7, 3), try_mod(7.5, 2)
-- name: date_from_unix_date_values
SELECT date_from_unix_date(0), date_from_unix_date(19737), date_from_unix_date(-1)
-- name: session_names
SELECT current_database(), current_schema(), current_catalog(), current_timezone()
-- name: to_char_dates
SELECT to_char(DATE '2024-01-15', 'yyyy/MM/dd'), to_varchar(TIMESTAMP '2024-01-15 08:30:00', 'dd.MM.yyyy HH:mm'), to_char(hired, 'MMM d, yyyy') FROM people WHERE id = 1
-- name: to_binary_formats
SELECT hex(to_binary('abc')), hex(to_binary('414243', 'hex')), hex(to_binary('abc', 'utf-8')), hex(to_binary('YWJj', 'base64'))
-- name: to_binary_invalid_fails
SELECT to_binary('xyz', 'hex')
-- name: try_to_binary_invalid
SELECT try_to_binary('xyz', 'hex'), hex(try_to_binary('4142'))
-- name: validate_utf8_values
SELECT validate_utf8('héllo'), try_validate_utf8(name) FROM people WHERE id = 1
-- name: current_user_is_a_name
SELECT current_user() = user(), length(session_user()) > 0
-- name: to_number_formats
SELECT to_number('454', '999'), to_number('454.00', '000.00'), to_number('12,454', '99,999'), to_number('$78.12', '$99.99'), to_number('-12.5', 'S99.9')
-- name: to_number_trailing_sign
SELECT to_number('12.5-', '99.9MI'), to_number('<12.5>', '99.9PR'), to_number('12.5', '99.9PR')
-- name: to_number_mismatch_fails
SELECT to_number('1234', '99')
-- name: try_to_number_values
SELECT try_to_number('1234', '99'), try_to_number('abc', '999'), try_to_number('78.1', '99.99')
-- name: to_number_column
SELECT k, try_to_number(s, '999') FROM nums ORDER BY k
-- name: convert_timezone_values
SELECT convert_timezone('Europe/Brussels', 'America/Los_Angeles', TIMESTAMP_NTZ '2021-12-06 00:00:00'), convert_timezone('Asia/Tokyo', TIMESTAMP_NTZ '2024-01-15 08:30:00'), convert_timezone('UTC', 'Europe/Paris', TIMESTAMP_NTZ '2024-07-01 12:00:00')
-- name: localtimestamp_type
SELECT typeof(localtimestamp()), localtimestamp() IS NOT NULL, abs(unix_timestamp(CAST(localtimestamp() AS TIMESTAMP)) - unix_timestamp(current_timestamp())) < 60
-- name: raise_error_fails
SELECT raise_error('custom failure')
-- name: assert_true_values
SELECT assert_true(1 < 2), assert_true(id > 0) FROM people ORDER BY id
-- name: assert_true_false_fails
SELECT assert_true(id > 3) FROM people
-- name: to_timestamp_ltz_ntz
SELECT to_timestamp_ltz('2024-01-15 08:30:00'), to_timestamp_ntz('2024-01-15 08:30:00'), to_timestamp_ntz('15/01/2024 10:05', 'dd/MM/yyyy HH:mm')
-- name: to_timestamp_ntz_column
SELECT id, to_timestamp_ntz(ts) FROM events ORDER BY id
-- name: make_timestamp_ltz_values
SELECT make_timestamp_ltz(2024, 1, 15, 8, 30, 45.5)
-- name: current_timestamp_types
SELECT typeof(current_timestamp()), typeof(now()), typeof(current_timestamp), now() = current_timestamp(), unix_timestamp() > 1700000000, typeof(unix_timestamp())
