-- JSON functions (issue 20).
-- name: get_json_object_fields
SELECT get_json_object('{"a":1,"b":"x","c":[1,2,{"d":true}]}', '$.a'), get_json_object('{"a":1,"b":"x"}', '$.b')
-- name: get_json_object_nested
SELECT get_json_object('{"a":{"b":{"c":"deep"}}}', '$.a.b.c'), get_json_object('{"a":{"b":{"c":"deep"}}}', '$.a.b')
-- name: get_json_object_arrays
SELECT get_json_object('{"c":[10,20,{"d":true}]}', '$.c[0]'), get_json_object('{"c":[10,20,{"d":true}]}', '$.c[2].d'), get_json_object('{"c":[10,20]}', '$.c')
-- name: get_json_object_wildcard
SELECT get_json_object('{"c":[{"d":1},{"d":2}]}', '$.c[*].d'), get_json_object('{"c":[{"d":1}]}', '$.c[*].d'), get_json_object('[1,2,3]', '$[*]')
-- name: get_json_object_bracket_key
SELECT get_json_object('{"a b":5}', '$[\'a b\']')
-- name: get_json_object_missing
SELECT get_json_object('{"a":1}', '$.b'), get_json_object('{"a":null}', '$.a'), get_json_object('{"a":1}', '$.a[0]')
-- name: get_json_object_invalid
SELECT get_json_object('{bad json', '$.a'), get_json_object('{"a":1}', 'a'), get_json_object(NULL, '$.a')
-- name: get_json_object_numbers
SELECT get_json_object('{"a":1.50,"b":1e2,"c":-0.5,"d":12345678901234}', '$.a'), get_json_object('{"b":1e2}', '$.b'), get_json_object('{"c":-0.5}', '$.c'), get_json_object('{"d":12345678901234}', '$.d')
-- name: get_json_object_object_order
SELECT get_json_object('{"z":{"y":1,"x":[true,null,"s"]}}', '$.z')
-- name: get_json_object_escapes
SELECT get_json_object('{"a":"line\\nbreak \\"q\\""}', '$.a'), get_json_object('{"a":["q\\"x"]}', '$.a')
-- name: get_json_object_column
SELECT id, get_json_object(concat('{"n":"', name, '","age":', coalesce(string(age), 'null'), '}'), '$.n') FROM people ORDER BY id
-- name: json_tuple_select
SELECT json_tuple('{"a":1,"b":"x","c":[1]}', 'a', 'b', 'c', 'd')
-- name: json_tuple_aliased
SELECT json_tuple('{"a":1,"b":"x"}', 'a', 'b') AS (x, y)
-- name: json_tuple_lateral_view
SELECT t.id, v.a, v.b FROM (VALUES (1, '{"a":"p","b":2}'), (2, '{"a":"q"}'), (3, 'bad')) AS t(id, j) LATERAL VIEW json_tuple(t.j, 'a', 'b') v AS a, b ORDER BY t.id
-- name: json_array_length_values
SELECT json_array_length('[1,2,3]'), json_array_length('[]'), json_array_length('[[1],[2,3]]'), json_array_length('{"a":1}'), json_array_length('bad'), json_array_length(NULL)
-- name: json_object_keys_values
SELECT json_object_keys('{"b":1,"a":{"c":2}}'), json_object_keys('{}'), json_object_keys('[1]'), json_object_keys(NULL)
-- name: to_json_struct
SELECT to_json(named_struct('a', 1, 'b', 'x', 'c', 2.5D, 'd', true))
-- name: to_json_nulls_and_nested
SELECT to_json(named_struct('a', CAST(NULL AS INT), 'b', array(1, 2), 'c', named_struct('d', 'e')))
-- name: to_json_map_and_array
SELECT to_json(map('k1', 1, 'k2', 2)), to_json(array(named_struct('a', 1), named_struct('a', 2))), to_json(array(1, 2))
-- name: to_json_dates_decimals
SELECT to_json(named_struct('d', DATE '2024-01-15', 'ts', TIMESTAMP '2024-01-15 08:30:00', 'm', 12.50))
-- name: to_json_of_rows
SELECT id, to_json(named_struct('name', name, 'age', age)) FROM people ORDER BY id
-- name: to_json_strings_escaped
SELECT to_json(named_struct('s', 'a"b\\c'))
-- name: from_json_struct
SELECT from_json('{"a":1,"b":"x"}', 'a INT, b STRING')
-- name: from_json_field_access
SELECT from_json('{"a":1,"b":"x"}', 'a INT, b STRING').a, from_json('{"a":1,"b":"x"}', 'a INT, b STRING').b
-- name: from_json_nested
SELECT from_json('{"a":[1,2],"m":{"k":"v"},"s":{"x":1.5}}', 'a ARRAY<INT>, m MAP<STRING, STRING>, s STRUCT<x: DOUBLE>')
-- name: from_json_missing_fields
SELECT from_json('{"a":1}', 'a INT, b STRING')
-- name: from_json_array_schema
SELECT from_json('[1,2,3]', 'ARRAY<INT>')
-- name: from_json_malformed
SELECT from_json('{bad', 'a INT')
-- name: from_json_column
SELECT t.id, from_json(t.j, 'a STRING, b BIGINT').b FROM (VALUES (1, '{"a":"p","b":2}'), (2, '{"a":"q"}')) AS t(id, j) ORDER BY t.id
-- name: schema_of_json_values
SELECT schema_of_json('{"b":1,"a":"x","c":[1.5,2],"d":{"e":true},"f":null}')
-- name: schema_of_json_array
SELECT schema_of_json('[1,2]'), schema_of_json('[{"a":1},{"b":"x"}]'), schema_of_json('[]')
-- name: to_json_from_json_roundtrip
SELECT to_json(from_json('{"a":1,"b":[1,2]}', 'a INT, b ARRAY<INT>'))
