-- Casts written as functions (issue 20): int(x) is CAST(x AS INT), and so on.
-- name: int_of_string
SELECT int('42'), int(string(k)), int(' 7 ') FROM nums WHERE k = 1
-- name: int_of_double_column
SELECT k, int(x) FROM nums ORDER BY k
-- name: bigint_smallint_tinyint
SELECT bigint(age), smallint(age), tinyint(age) FROM people ORDER BY id
-- name: double_and_float
SELECT double('2.5'), float('1.25'), double(age) FROM people WHERE id = 1
-- name: string_of_numbers
SELECT string(age), string(salary), string(hired) FROM people ORDER BY id
-- name: boolean_of_strings
SELECT boolean('true'), boolean('false'), boolean(1), boolean(0)
-- name: date_of_string
SELECT date('2024-02-29'), date(hired) FROM people WHERE id = 1
-- name: timestamp_of_string
SELECT timestamp('2024-01-15 08:30:00'), timestamp(ts) FROM events ORDER BY id
-- name: decimal_of_values
SELECT decimal(age), decimal('12.7') FROM people ORDER BY id
-- name: binary_of_string
SELECT binary('abc'), hex(binary('Spark'))
-- name: int_of_bad_string_fails
SELECT int('abc')
-- name: cast_fn_of_null
SELECT int(NULL), string(NULL), date(NULL)
-- name: cast_fns_nested
SELECT string(int(x) + 1) FROM nums ORDER BY k
-- name: isnull_isnotnull
SELECT id, isnull(age), isnotnull(dept) FROM people ORDER BY id
-- name: equal_null_values
SELECT equal_null(1, 1), equal_null(1, NULL), equal_null(NULL, NULL), equal_null('a', 'b')
-- name: equal_null_columns
SELECT l.id, equal_null(l.v, r.v) FROM l JOIN r ON l.id = r.id ORDER BY l.id
-- name: isnull_in_where
SELECT name FROM people WHERE isnull(age) OR isnull(dept) ORDER BY name
