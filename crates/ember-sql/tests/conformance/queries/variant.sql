-- Spark 4's VARIANT: parse_json, variant_get, schema_of_variant and friends.

-- name: parse_json_shown
SELECT parse_json('{"b":1,"a":[1,2.5,"x",null,true],"c":{"d":"e"}}') AS v, typeof(parse_json('1')) AS t

-- name: parse_json_to_json_numbers
SELECT to_json(parse_json('[1e3, 1.5e-7, 1e400, -0.0, 0.000001, 1.50, 12345678901234567890, 123456789012345678901234567890123456789.5]'))

-- name: parse_json_strings_and_escapes
SELECT to_json(parse_json('"a\\"b\\u00e9\\n\\u0001/"')), to_json(parse_json('[]')), to_json(parse_json('{}')), to_json(parse_json(' true ')), to_json(parse_json('-12'))

-- name: parse_json_ignores_what_follows_the_value
SELECT to_json(parse_json('[1,2]x')), to_json(parse_json('1 2'))

-- name: parse_json_of_a_column
SELECT j, to_json(parse_json(j)) FROM VALUES ('{"k":[1,2]}'), ('7'), (NULL) AS t(j) ORDER BY j

-- name: parse_json_duplicate_key_fails
SELECT parse_json('{"a":1,"a":2}')

-- name: parse_json_malformed_fails
SELECT parse_json('{x')

-- name: parse_json_leading_zero_fails
SELECT parse_json('01')

-- name: try_parse_json_malformed
SELECT try_parse_json('{x') IS NULL, try_parse_json('') IS NULL, to_json(try_parse_json('[1]')), try_parse_json(NULL) IS NULL

-- name: is_variant_null_values
SELECT is_variant_null(parse_json('null')), is_variant_null(NULL), is_variant_null(parse_json('1')), is_variant_null(variant_get(parse_json('{"a":null}'), '$.a'))

-- name: variant_get_paths
SELECT variant_get(parse_json('{"a":{"b":[10,"20"]}}'), '$.a.b[1]', 'int'), variant_get(parse_json('{"a.b":1}'), '$["a.b"]', 'int'), variant_get(parse_json('{"a":[{"b":5}]}'), '$.a[0].b', 'bigint'), variant_get(parse_json('{"a":{"b":1}}'), '$[''a''].b', 'int')

-- name: variant_get_missing_is_null
SELECT variant_get(parse_json('{"a":1}'), '$.z', 'string'), variant_get(parse_json('[1,2]'), '$[5]', 'int'), variant_get(parse_json('1'), '$.a', 'int'), variant_get(parse_json('{"a":1}'), '$.a.b', 'int'), variant_get(parse_json('{"a":1}'), '$.*', 'int')

-- name: variant_get_casts
SELECT variant_get(parse_json('{"a":"20"}'), '$.a', 'int'), variant_get(parse_json('{"a":20.7}'), '$.a', 'int'), variant_get(parse_json('{"a":true}'), '$.a', 'int'), variant_get(parse_json('{"a":1}'), '$.a', 'boolean'), variant_get(parse_json('{"a":"true"}'), '$.a', 'boolean'), variant_get(parse_json('{"a":" 20 "}'), '$.a', 'int')

-- name: variant_get_to_string
SELECT variant_get(parse_json('{"a":1.5}'), '$.a', 'string'), variant_get(parse_json('{"a":{"b":1}}'), '$.a', 'string'), variant_get(parse_json('{"a":1e3}'), '$.a', 'string'), variant_get(parse_json('"x"'), '$', 'string'), variant_get(parse_json('{"a":1}'), '$', 'string')

-- name: variant_get_numbers
SELECT variant_get(parse_json('{"a":"2.5"}'), '$.a', 'double'), variant_get(parse_json('{"a":1}'), '$.a', 'double'), variant_get(parse_json('{"a":1}'), '$.a', 'decimal(5,2)'), variant_get(parse_json('{"a":1.23456}'), '$.a', 'decimal(4,2)'), variant_get(parse_json('{"a":1.5}'), '$.a', 'float'), variant_get(parse_json('{"a":-2.5}'), '$.a', 'bigint')

-- name: variant_get_dates
SELECT variant_get(parse_json('{"a":"2024-01-02"}'), '$.a', 'date'), variant_get(parse_json('{"a":"2024-01-02T03:04:05"}'), '$.a', 'timestamp')

-- name: variant_get_variant_results
SELECT variant_get(parse_json('[1,2,3]'), '$[0]'), variant_get(parse_json('{"a":1}'), '$.a', 'variant'), to_json(variant_get(parse_json('{"a":{"b":[1,"x"]}}'), '$.a'))

-- name: variant_get_nulls
SELECT variant_get(NULL, '$.a', 'int'), variant_get(parse_json('{"a":1}'), NULL, 'int'), variant_get(parse_json('{"a":null}'), '$.a', 'int')

-- name: variant_get_invalid_cast_fails
SELECT variant_get(parse_json('{"a":"x"}'), '$.a', 'int')

-- name: variant_get_overflow_fails
SELECT variant_get(parse_json('{"a":300}'), '$.a', 'tinyint')

-- name: variant_get_bad_path_fails
SELECT variant_get(parse_json('{"a":1}'), 'a', 'int')

-- name: variant_get_negative_index_fails
SELECT variant_get(parse_json('[10,20]'), '$[-1]', 'int')

-- name: variant_get_unknown_type_fails
SELECT variant_get(parse_json('{"a":1}'), '$.a', 'notatype')

-- name: try_variant_get_values
SELECT try_variant_get(parse_json('{"a":300}'), '$.a', 'tinyint'), try_variant_get(parse_json('{"a":"x"}'), '$.a', 'int'), try_variant_get(parse_json('{"a":1}'), '$.a', 'date'), try_variant_get(parse_json('{"a":"x"}'), '$[0]', 'string'), try_variant_get(parse_json('{"a":"7"}'), '$.a', 'int')

-- name: variant_get_over_rows
SELECT id, variant_get(parse_json(j), '$.n', 'int') AS n, variant_get(parse_json(j), '$.tags[0]', 'string') AS tag FROM VALUES (1, '{"n":3,"tags":["x","y"]}'), (2, '{"n":"4"}'), (3, '[]') AS t(id, j) ORDER BY id

-- name: cast_of_a_variant
SELECT CAST(parse_json('"s"') AS STRING), CAST(parse_json('1.5') AS DOUBLE), CAST(parse_json('12') AS INT), CAST(parse_json('"12"') AS INT), CAST(parse_json('{"a":1}') AS STRING)

-- name: try_cast_of_a_variant
SELECT TRY_CAST(parse_json('"x"') AS INT), TRY_CAST(parse_json('7') AS INT)

-- name: cast_of_a_variant_fails
SELECT CAST(parse_json('"x"') AS INT)

-- name: schema_of_variant_values
SELECT schema_of_variant(parse_json('{"b":1,"a":[1,2.5,"x",null,true],"c":{"d":1e3}, "e": 3.14, "f": 300, "g": 70000, "h": 5000000000}'))

-- name: schema_of_variant_merges
SELECT schema_of_variant(parse_json('[1, 2.5]')), schema_of_variant(parse_json('[1, 1e2]')), schema_of_variant(parse_json('[2.5, 1e2]')), schema_of_variant(parse_json('[1.25, 10.5]')), schema_of_variant(parse_json('[null]')), schema_of_variant(parse_json('null')), schema_of_variant(parse_json('[]')), schema_of_variant(parse_json('{}'))

-- name: schema_of_variant_objects
SELECT schema_of_variant(parse_json('[{"a":1},{"b":"x"}]')), schema_of_variant(parse_json('[{"a":1},{"a":"x"}]')), schema_of_variant(parse_json('[true, 1]')), schema_of_variant(parse_json('{"a b":1, "C":2}')), schema_of_variant(parse_json('[123456789012345678901234567890, 1.5]'))

-- name: schema_of_variant_decimals
SELECT schema_of_variant(parse_json('0.000001')), schema_of_variant(parse_json('1.50')), schema_of_variant(parse_json('0.5')), schema_of_variant(parse_json('-0.0')), schema_of_variant(parse_json('12345678901234567890')), schema_of_variant(parse_json('"x"')), schema_of_variant(parse_json('true')), schema_of_variant(NULL)

-- name: schema_of_variant_agg_rows
SELECT schema_of_variant_agg(parse_json(j)) FROM VALUES ('{"a":1}'), ('{"a":"x","b":2.5}'), ('{"a":null}') AS t(j)

-- name: schema_of_variant_agg_widens
SELECT schema_of_variant_agg(parse_json(j)) FROM VALUES ('1'), ('2.5'), (NULL) AS t(j)

-- name: schema_of_variant_agg_grouped
SELECT g, schema_of_variant_agg(parse_json(j)) FROM VALUES (1, '{"a":1}'), (1, '{"b":[1]}'), (1, '{"a":2.5}'), (2, '[true]') AS t(g, j) GROUP BY g ORDER BY g

-- name: to_json_of_a_struct_with_a_variant
SELECT to_json(named_struct('v', parse_json('{"a":1}'), 'n', 2))

-- name: variant_in_an_array
SELECT to_json(array(parse_json('1'), parse_json('{"x":"y"}')))

-- name: to_variant_object_values
SELECT to_json(to_variant_object(named_struct('a', 1, 'b', 'x', 'c', CAST(NULL AS INT)))), to_json(to_variant_object(array(1, 2))), to_json(to_variant_object(map('k', DATE'2024-01-01'))), to_json(to_variant_object(array(named_struct('a', 1)))), to_json(to_variant_object(array(map('a', 2))))

-- name: to_variant_object_types
SELECT to_json(to_variant_object(named_struct('d', 2.50, 'f', 1.5f, 'e', 1.5e0, 'bin', X'0102', 't', TIMESTAMP'2024-01-01 10:00:00', 'n', TIMESTAMP_NTZ'2024-01-01 10:00:00', 'l', 5000000000, 'bo', true)))

-- name: to_variant_object_schema
SELECT schema_of_variant(to_variant_object(named_struct('a', 1, 'b', DATE'2024-01-01', 'c', 1.5f, 'd', X'01', 'e', TIMESTAMP'2024-01-01 10:00:00', 'f', 2.50, 'g', TIMESTAMP_NTZ'2024-01-01 10:00:00', 'h', array(1, 2))))

-- name: to_variant_object_of_a_number_fails
SELECT to_variant_object(1)

-- name: to_variant_object_of_an_int_keyed_map_fails
SELECT to_variant_object(map(1, 2))

-- name: cast_to_variant
SELECT to_json(CAST(1 AS VARIANT)), to_json(CAST('x' AS VARIANT)), to_json(CAST(array(1,2) AS VARIANT)), to_json(CAST(NULL AS VARIANT)), typeof(CAST(1 AS VARIANT)), schema_of_variant(CAST(2.5 AS VARIANT))

-- name: cast_of_a_struct_to_variant_fails
SELECT CAST(named_struct('a', 1) AS VARIANT)

-- name: variant_strip_nulls_values
SELECT to_json(variant_strip_nulls(parse_json('{"a": {"b": null, "c": [1, null]}}'))), to_json(variant_strip_nulls(parse_json('{"a": [1, null], "b": null}'), false)), to_json(variant_strip_nulls(parse_json('null'))), variant_strip_nulls(NULL) IS NULL, to_json(variant_strip_nulls(parse_json('[null, {"x": null}]'))), to_json(variant_strip_nulls(parse_json('{"a": 1, "b": null, "c": 3}')))

-- name: is_valid_variant_values
SELECT is_valid_variant(parse_json('[{"b":true,"a":0}]')), is_valid_variant(NULL), is_valid_variant(parse_json('null'))

-- name: variant_delete_values
SELECT to_json(variant_delete(parse_json('{"a": 1, "b": 2, "c": 3, "items": [1, 2, 3]}'), NULL, '$.a', '$.c')), to_json(variant_delete(parse_json('[1,2,3]'), '$[5]')), to_json(variant_delete(parse_json('{"a":{"b":1,"c":2}}'), '$.a.b')), to_json(variant_delete(parse_json('1'), '$.a')), to_json(variant_delete(parse_json('{"a": 1, "b": 2, "c": 3, "items": [1, 2, 3]}'), '$.items[0]', '$.items[0]')), variant_delete(NULL, '$.a') IS NULL

-- name: variant_delete_root_fails
SELECT variant_delete(parse_json('{"a":1}'), '$')

-- name: variant_delete_bad_path_fails
SELECT variant_delete(parse_json('{"a":1}'), 'x')

-- name: variant_set_values
SELECT to_json(variant_set(parse_json('{"a": 1}'), '$.a', 2)), to_json(variant_set(parse_json('{"a": 1}'), '$.b', 3)), to_json(variant_set(parse_json('{"a": {"b": 1}}'), '$.a.c.d', 2)), to_json(variant_set(parse_json('["a","b","c"]'), '$[1]', 'z')), to_json(variant_set(parse_json('["a","b","c"]'), '$[5]', 'z'))

-- name: variant_set_without_creating
SELECT to_json(variant_set(parse_json('{"a":1}'), '$.b', 3, false)), to_json(variant_set(parse_json('{"a":1}'), '$.a', 3, false)), to_json(variant_set(parse_json('{"a":1}'), '$.a', parse_json('{"k":[1]}')))

-- name: variant_set_type_mismatch_fails
SELECT variant_set(parse_json('{"a":1}'), '$.a.b', 2)

-- name: variant_set_root_fails
SELECT variant_set(parse_json('{"a":1}'), '$', 2)

-- name: variant_insert_values
SELECT to_json(variant_insert(parse_json('{"a": 1}'), '$.b', 2)), to_json(variant_insert(parse_json('{}'), '$.a.b', 1)), to_json(variant_insert(parse_json('["a","b","c"]'), '$[1]', 'z')), to_json(variant_insert(parse_json('["a","b"]'), '$[5]', 'z')), to_json(variant_insert(parse_json('{}'), '$.a', parse_json('{"x":1}'))), to_json(variant_insert(parse_json('{}'), '$.a', parse_json('null')))

-- name: variant_insert_duplicate_fails
SELECT variant_insert(parse_json('{"a":1}'), '$.a', 2)

-- name: variant_array_append_values
SELECT to_json(variant_array_append(parse_json('[1, 2, 3]'), '$', 4)), to_json(variant_array_append(parse_json('{"a": [1, 2]}'), '$.a', 3)), to_json(variant_array_append(parse_json('[1]'), '$', parse_json('[2, 3]'))), to_json(variant_array_append(parse_json('{"a": 1}'), '$.missing', 2)), to_json(variant_array_append(parse_json('[1, 2]'), '$', parse_json('null'))), variant_array_append(parse_json('[1, 2]'), '$', NULL) IS NULL

-- name: variant_array_append_not_an_array_fails
SELECT variant_array_append(parse_json('{"a":1}'), '$.a', 2)

-- name: try_variant_edits
SELECT try_variant_set(parse_json('[1]'), '$.a', 2) IS NULL, try_variant_insert(parse_json('{"a":1}'), '$.a', 2) IS NULL, try_variant_array_append(parse_json('{"a":1}'), '$.a', 2) IS NULL, to_json(try_variant_set(parse_json('[1]'), '$[0]', 2))

-- name: variant_explode_object
SELECT pos, key, to_json(value) FROM variant_explode(parse_json('{"b":1,"a":"x"}'))

-- name: variant_explode_array
SELECT pos, key, to_json(value) FROM variant_explode(parse_json('[1,null]'))

-- name: variant_explode_scalar_and_outer
SELECT (SELECT count(*) FROM variant_explode(parse_json('1'))) AS n, (SELECT count(*) FROM variant_explode_outer(parse_json('1'))) AS o

-- name: variant_explode_outer_row
SELECT * FROM variant_explode_outer(parse_json('[]'))

-- name: variant_get_strings_of_scalars
SELECT variant_get(parse_json('1e400'), '$', 'string'), CAST(CAST(DATE'2024-01-01' AS VARIANT) AS STRING), CAST(CAST(TIMESTAMP'2024-01-01 10:00:00.5' AS VARIANT) AS STRING), variant_get(parse_json('1.005'), '$', 'decimal(5,2)'), variant_get(CAST(1.005e0 AS VARIANT), '$', 'decimal(5,2)')

-- name: variant_get_timestamps
SELECT variant_get(parse_json('1700000000'), '$', 'timestamp'), CAST(CAST(TIMESTAMP'2024-01-01 10:00:00' AS VARIANT) AS DATE)

-- name: variant_empty_key
SELECT parse_json('{"a":1,"":2}'), variant_get(parse_json('{"a":1,"":2}'), '$.a', 'int'), schema_of_variant(parse_json('{"b":{"":true},"a":[1]}')), to_json(parse_json('{"z":1,"":{"":null}}'))
