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
