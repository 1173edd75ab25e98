-- More string functions: split, regular expressions, locate, format_string, translate.
-- name: split_basic
SELECT split('a,b,,c', ',')

-- name: split_regex
SELECT split('a1b22c', '[0-9]+')

-- name: split_limit
SELECT split('a,b,c,d', ',', 2)

-- name: split_column
SELECT id, split(tags, ';') FROM events ORDER BY id

-- name: split_index
SELECT split('2024-01-15', '-')[1]

-- name: regexp_extract_group
SELECT regexp_extract('order-1234-x', '(\\d+)', 1)

-- name: regexp_extract_whole_match
SELECT regexp_extract('abc123def', '[a-z]+(\\d+)', 0)

-- name: regexp_extract_no_match
SELECT regexp_extract('abc', '(\\d+)', 1)

-- name: regexp_extract_column
SELECT s, regexp_extract(s, '([a-z])(\\d*)', 2) FROM nums ORDER BY k, s

-- name: regexp_extract_all_fn
SELECT regexp_extract_all('a1b22c333', '(\\d+)', 1)

-- name: regexp_extract_all_second_group
SELECT regexp_extract_all('x=1, y=22', '(\\w)=(\\d+)', 2)

-- name: rlike_operator
SELECT name FROM people WHERE name RLIKE '^[A-C]' ORDER BY name

-- name: rlike_function
SELECT rlike('abc123', '\\d+'), rlike('abc', '^\\d')

-- name: regexp_like_fn
SELECT regexp_like('Spark', 'p.r')

-- name: not_rlike
SELECT s FROM nums WHERE NOT s RLIKE '[0-9]' ORDER BY s

-- name: rlike_null
SELECT k, s RLIKE 'a' FROM nums ORDER BY k, s

-- name: locate_fn
SELECT locate('na', 'banana'), locate('na', 'banana', 4), locate('x', 'banana')

-- name: locate_column
SELECT name, locate('e', name) FROM people ORDER BY id

-- name: position_in
SELECT position('na' IN 'banana')

-- name: startswith_endswith
SELECT name, startswith(name, 'A'), endswith(name, 'e') FROM people ORDER BY id

-- name: startswith_null
SELECT id, startswith(dept, 'e') FROM people ORDER BY id

-- name: lcase_ucase
SELECT lcase(name), ucase(dept) FROM people ORDER BY id

-- name: format_string_fn
SELECT format_string('%s is %d years', name, age) FROM people ORDER BY id

-- name: format_string_float
SELECT format_string('%.2f', salary) FROM people ORDER BY id

-- name: format_string_pad
SELECT format_string('%05d|%-4s|', k, s) FROM nums ORDER BY k, s

-- name: printf_fn
SELECT printf('%s-%s', 'a', 'b')

-- name: translate_fn
SELECT translate('hello world', 'lo', '01')

-- name: translate_delete
SELECT translate('a-b-c', '-', '')

-- name: concat_ws_array
SELECT concat_ws(',', array('a', 'b', 'c'))

-- name: concat_ws_mixed
SELECT concat_ws('-', 'x', array('y', 'z'), NULL, 'w')

-- name: concat_ws_split
SELECT id, concat_ws('|', split(tags, ';')) FROM events ORDER BY id

-- name: initcap_fn
SELECT initcap('hello spark sql')

-- name: reverse_string
SELECT reverse('abc')

-- name: repeat_fn
SELECT repeat('ab', 3)

-- name: left_right
SELECT left('spark', 2), right('spark', 3)

-- name: substring_index_fn
SELECT substring_index('a.b.c.d', '.', 2), substring_index('a.b.c.d', '.', -1)

-- name: ascii_chr
SELECT ascii('A'), chr(66)

-- name: char_octet_length
SELECT char_length('héllo'), octet_length('héllo'), bit_length('a')

-- name: instr_missing
SELECT instr('abc', 'z')

-- name: trim_chars
SELECT trim(BOTH 'x' FROM 'xxabcxx'), trim(LEADING 'x' FROM 'xxa'), trim(TRAILING 'x' FROM 'axx')

-- name: contains_fn
SELECT contains('spark sql', 'sql'), contains('spark', 'SQL')

-- name: space_fn
SELECT concat('[', space(3), ']')

-- name: levenshtein_fn
SELECT levenshtein('kitten', 'sitting')

-- name: soundex_fn
SELECT soundex('Robert')

-- name: array_join_fn
SELECT array_join(array('a', NULL, 'c'), ','), array_join(array('a', NULL, 'c'), ',', '?')

-- name: regexp_count_fn
SELECT regexp_count('a1b22c333', '\\d+')

-- name: split_part_fn
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5)

-- name: lpad_truncates
SELECT lpad('hello', 3, '*'), rpad('hi', 5, 'xy')

-- name: find_in_set_fn
SELECT find_in_set('b', 'a,b,c'), find_in_set('z', 'a,b,c')

-- name: ilike_fn
SELECT name FROM people WHERE name ILIKE 'a%' ORDER BY name

-- name: concat_operator_casts_non_strings
SELECT 1 || 2 AS a, 'x' || 1 || 2.5 AS b, true || 1 AS c, (1 || 2) || 'x' AS d, typeof(1 || 2) AS t

-- name: concat_operator_nulls_and_arrays
SELECT CAST(NULL AS INT) || 'a' AS n, 1.5D || 'x' AS d, array(1) || array(2) AS arr
-- name: sentences_basic
SELECT sentences('Hi there! Good morning.'), sentences('Hi there! Good morning.', 'en', 'US')
-- name: sentences_abbreviations
SELECT sentences('This is a test. Mr. Smith went to Washington, D.C. yesterday.')
-- name: sentences_numbers_and_punctuation
SELECT sentences('It''s 3.14 and 1,000 items; e-mail me at a@b.com! What?')
-- name: sentences_empty_and_null
SELECT sentences(''), sentences(NULL), sentences('   '), sentences('...')
-- name: sentences_other_scripts
SELECT sentences('héllo wörld. 你好世界。 Привет мир!')
-- name: sentences_lower_case_after_a_period
SELECT sentences('one two
three. four')
-- name: sentences_locale_arguments
SELECT sentences('don''t stop', 'xx'), sentences('a b', NULL), sentences(123)
-- name: sentences_quotes_and_symbols
SELECT sentences('A.B. c. "Quoted." (Paren) end'), sentences('x_y foo-bar 12ab $5 #tag @me')
-- name: string_functions_of_numbers
SELECT upper(12), lower(12), initcap(12), trim(12), ltrim(12), rtrim(12), btrim(12), instr(12345, '3'), replace(12345, '3', 'x'), repeat(12, 2), split_part(12345, '3', 1), startswith(12345, '1'), endswith(12345, 45), contains(12345, 3), octet_length(12), bit_length(12), levenshtein(12, 13), find_in_set(2, '1,2,3'), substring_index(12345, 3, 1)
-- name: substr_of_numbers_and_dates
SELECT substr(12345, 2, 2), substring(12345, 2), substr(DATE '2024-03-15', 1, 7), substr(TIMESTAMP '2024-03-15 10:20:30.5', 12), substr(1e20D, 1, 4), substr('hello', -3), substring('hello' FROM 2 FOR 2)
-- name: string_functions_of_dates_booleans_and_timestamps
SELECT upper(DATE '2024-01-01'), upper(true), lower(TIMESTAMP '2024-01-01 10:00:00'), replace(DATE '2024-01-01', '-', '/'), contains(2.5D, '.5'), ucase(1.5), lcase(false)
-- name: string_functions_of_a_number_column
SELECT k, upper(x), substr(k * 100, 1, 2), replace(x, '.', ','), contains(k, 5) FROM nums ORDER BY k
-- name: functions_spark_refuses_numbers_for
SELECT soundex(12)
-- name: binary_functions_refuse_numbers
SELECT sha1(12)
-- name: mask_refuses_numbers
SELECT mask(12345)
-- name: luhn_check_of_a_number
SELECT luhn_check(79927398713), luhn_check(12)
-- name: regexp_function_and_pads_named
SELECT regexp('abc', 'c'), lpad('abc', 2), rpad('a', 3), 'abc' REGEXP 'b'
-- name: encode_charsets
SELECT encode('abc', 'utf-8'), encode('é', 'UTF-16BE'), encode('é', 'ISO-8859-1'), encode('é', 'utf-16'), encode('é', 'UTF-16LE'), encode('é', 'utf-32')
-- name: decode_charsets
SELECT decode(X'616263', 'UTF-8'), decode(encode('é', 'UTF-16'), 'UTF-16'), decode(X'E9', 'ISO-8859-1'), typeof(encode('a', 'utf-8'))
-- name: encode_unmappable_fails
SELECT encode('é', 'US-ASCII')
-- name: decode_malformed_fails
SELECT decode(X'FF', 'UTF-8')
-- name: encode_unknown_charset_fails
SELECT encode('a', 'EBCDIC')
-- name: decode_as_case
SELECT decode(2, 1, 'one', 2, 'two', 'other'), decode(3, 1, 'one', 'other'), decode(NULL, NULL, 'null', 'x'), decode(5, 1, 'one')
-- name: encode_decode_nulls_and_bom
SELECT encode(NULL, 'utf-8'), decode(CAST(NULL AS BINARY), 'utf-8'), hex(encode('ab', 'utf-16'))
-- name: charset_names_are_exact
SELECT decode(X'C3A9', 'utf8'), encode('a', 'utf8')
