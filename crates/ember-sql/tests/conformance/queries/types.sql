-- Result types of mixed-type expressions and every supported type through the output formats.
-- name: case_int_double
SELECT k, CASE WHEN k > 3 THEN 1 ELSE 2.5 END AS c FROM nums ORDER BY k

-- name: case_int_string
SELECT k, CASE WHEN k > 3 THEN 1 ELSE '99' END AS c FROM nums ORDER BY k

-- name: if_int_double
SELECT k, if(k > 3, 1, 0.5) AS c FROM nums ORDER BY k

-- name: literal_int
SELECT 1

-- name: literal_bigint
SELECT 10000000000

-- name: literal_double
SELECT 1.5D, 2.5E0

-- name: literal_decimal
SELECT 2.5

-- name: literal_string_bool
SELECT 'x', true

-- name: literal_date
SELECT DATE '2024-02-29'

-- name: cast_int_string
SELECT CAST(42 AS STRING), CAST('42' AS INT)

-- name: int_arithmetic
SELECT k + 1, k * 2, k - 1 FROM nums ORDER BY k

-- name: int_division
SELECT k / 2 FROM nums ORDER BY k

-- name: table_types
SELECT * FROM people ORDER BY id
