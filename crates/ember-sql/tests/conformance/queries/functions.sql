-- Math, collection and struct functions whose Spark answers differ from DataFusion's.
-- name: log_natural
SELECT log(exp(2.0))

-- name: log_base_first
SELECT log(2, 8)

-- name: log10_fn
SELECT log10(1000)

-- name: ln_fn
SELECT ln(1)

-- name: element_at_map
SELECT element_at(map('a', 1, 'b', 2), 'b')

-- name: element_at_array_one_based
SELECT element_at(array(10, 20, 30), 1)

-- name: element_at_array_negative
SELECT element_at(array(10, 20, 30), -1)

-- name: subscript_array_zero_based
SELECT array(10, 20, 30)[0]

-- name: subscript_array_column
SELECT k, array(k, k * 10)[1] FROM nums ORDER BY k

-- name: subscript_map
SELECT map('a', 1, 'b', 2)['a']

-- name: size_array
SELECT size(array(1, 2, 3))

-- name: size_null
SELECT size(NULL)

-- name: size_empty
SELECT size(array())

-- name: struct_field_names
SELECT struct(k, s) FROM nums WHERE k = 1

-- name: struct_field_access
SELECT struct(k, s).s FROM nums WHERE k = 2

-- name: named_struct_fn
SELECT named_struct('a', 1, 'b', 'x')

-- name: concat_arrays
SELECT concat(array(1, 2), array(3))

-- name: arrays_zip_columns
SELECT arrays_zip(a, b) FROM (SELECT array(1, 2) AS a, array('x', 'y') AS b)

-- name: array_contains_fn
SELECT array_contains(array(1, 2, 3), 2)

-- name: abs_round
SELECT abs(-2.5), round(2.345, 2), ceil(1.2), floor(-1.2)

-- name: sqrt_pow
SELECT sqrt(16), pow(2, 10)

-- name: greatest_least
SELECT greatest(1, 5, 3), least(1, 5, 3)

-- name: coalesce_nvl
SELECT coalesce(age, -1), nvl(dept, 'none') FROM people ORDER BY id

-- name: mod_fn
SELECT 7 % 3, mod(-7, 3)
