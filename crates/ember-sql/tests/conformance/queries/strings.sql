-- String functions, regular expressions and string literal escapes.
-- name: regexp_replace_all
SELECT regexp_replace('a1b22c333', '[0-9]+', '#')

-- name: regexp_replace_escape_digit
SELECT regexp_replace('a1b22c333', '\\d', 'X')

-- name: regexp_replace_group
SELECT regexp_replace('2024-01-15', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1')

-- name: regexp_replace_column
SELECT s, regexp_replace(s, '[0-9]', '') FROM nums ORDER BY k, s

-- name: literal_backslash_n_length
SELECT length('a\nb')

-- name: literal_backslash_backslash
SELECT '\\', length('\\')

-- name: literal_escaped_quote
SELECT 'it\'s'

-- name: regexp_like_digits
SELECT s FROM nums WHERE s RLIKE '\\d{2}' ORDER BY s

-- name: upper_lower
SELECT upper(name), lower(name) FROM people ORDER BY id

-- name: substring_pos
SELECT substring(name, 2), substring(name, 1, 2) FROM people ORDER BY id

-- name: concat_strings
SELECT concat(name, '-', dept) FROM people ORDER BY id

-- name: concat_ws_strings
SELECT concat_ws('/', name, dept) FROM people ORDER BY id

-- name: length_trim
SELECT length(trim('  ab  ')), ltrim('  ab'), rtrim('ab  ')

-- name: replace_fn
SELECT replace('banana', 'an', 'AN')

-- name: lpad_rpad
SELECT lpad('7', 3, '0'), rpad('7', 3, '*')

-- name: instr_fn
SELECT instr('banana', 'na')

-- name: like_pattern
SELECT name FROM people WHERE name LIKE '%e%' ORDER BY name
