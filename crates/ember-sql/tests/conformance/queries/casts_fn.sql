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
-- name: doubles_as_strings
SELECT CAST(1e20D AS STRING) a, CAST(123456789.0D AS STRING) b, CAST(1234567.0D AS STRING) c, CAST(0.001D AS STRING) d, CAST(0.0001D AS STRING) e, CAST(-0.0D AS STRING) h, CAST(100.0D AS STRING) n, CAST(1e7D AS STRING) o, CAST(9999999.0D AS STRING) p, CAST(-1.5e-10D AS STRING) q, CAST(CAST('NaN' AS DOUBLE) AS STRING) r, CAST(CAST('-Infinity' AS DOUBLE) AS STRING) s
-- name: floats_as_strings
SELECT CAST(1.5F AS STRING) a, CAST(CAST(1e10 AS FLOAT) AS STRING) b, CAST(0.1F AS STRING) c, CAST(CAST(1e-5 AS FLOAT) AS STRING) d, CAST(CAST(16777217 AS FLOAT) AS STRING) e
-- name: doubles_and_timestamps_in_strings
SELECT string(TIMESTAMP '2024-03-15 10:20:30.5') a, concat('x', TIMESTAMP '2024-03-15 10:20:30.5') b, concat('x', 1e20D) c, 'x' || 1e20D d, concat_ws('-', 1e20D, 2.5D) e, length(1e20D) f, string(1e-4D) g, TRY_CAST(1e8D AS STRING) h
-- name: a_double_column_as_strings
SELECT k, CAST(x * 1e7 AS STRING), concat(x, '') FROM nums ORDER BY k
-- name: cast_overflow
SELECT CAST(12345678901 AS INT)
-- name: cast_overflow_tinyint
SELECT CAST(300 AS TINYINT)
-- name: nested_values_as_strings
SELECT CAST(array(1, 2) AS STRING), CAST(map('a', 1) AS STRING), CAST(struct(1, 'a') AS STRING), CAST(array(1.5D) AS STRING)
-- name: nulls_inside_nested_values_as_strings
SELECT CAST(named_struct('a', NULL, 'b', array(NULL)) AS STRING), CAST(X'41' AS STRING), CAST(DATE '2024-01-01' AS STRING)
-- name: deeply_nested_values_as_strings
SELECT CAST(array(array(1, NULL), NULL) AS STRING), CAST(map('k', array(TIMESTAMP '2024-01-01 10:00:00.5')) AS STRING), CAST(CAST(NULL AS ARRAY<INT>) AS STRING)
-- name: nested_values_in_strings
SELECT concat('x', CAST(array('a', 'b') AS STRING)), CAST(array(1e20D, 0.1D) AS STRING), CAST(named_struct('d', 1.50, 'b', true, 'x', X'4142') AS STRING)
-- name: maps_of_null_and_empty_arrays_as_strings
SELECT CAST(map(1, NULL) AS STRING), CAST(array(struct(1, 2)) AS STRING), CAST(array() AS STRING)
-- name: casts_to_arrays_maps_and_structs
SELECT CAST(array(1, 2) AS ARRAY<STRING>), CAST(map('a', 1) AS MAP<STRING, DOUBLE>), CAST(struct(1, 2) AS STRUCT<a: STRING, b: DOUBLE>)
-- name: casts_to_nested_structs_and_maps
SELECT CAST(named_struct('x', 1, 'y', named_struct('p', 2)) AS STRUCT<a: BIGINT, b: STRUCT<q: STRING>>), CAST(map('a', array(1)) AS MAP<STRING, ARRAY<STRING>>), typeof(CAST(NULL AS MAP<INT, STRING>)), CAST(CAST(NULL AS STRUCT<x: INT>) AS STRUCT<y: STRING>)
-- name: try_cast_of_a_struct
SELECT TRY_CAST(struct('x', 2) AS STRUCT<a: INT, b: INT>)
