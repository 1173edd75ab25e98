-- Arrays and maps: generators in SELECT and LATERAL VIEW, sequences, element access, struct fields.
-- name: explode_literal
SELECT explode(array(1, 2, 3))

-- name: explode_alias
SELECT explode(array(10, 20)) AS v

-- name: explode_column
SELECT id, explode(split(tags, ';')) AS tag FROM events ORDER BY id, tag

-- name: posexplode_literal
SELECT posexplode(array('a', 'b')) AS (pos, e)

-- name: posexplode_column
SELECT id, posexplode(split(tags, ';')) AS (pos, tag) FROM events ORDER BY id, pos

-- name: explode_outer_column
SELECT id, explode_outer(split(tags, ';')) AS tag FROM events ORDER BY id, tag

-- name: explode_map
SELECT explode(map('a', 1, 'b', 2)) AS (k, v)

-- name: inline_structs
SELECT inline(array(struct(1, 'a'), struct(2, 'b')))

-- name: inline_named_structs
SELECT inline(array(named_struct('x', 1, 'y', 'a'), named_struct('x', 2, 'y', 'b')))

-- name: lateral_view_explode
SELECT id, tag FROM events LATERAL VIEW explode(split(tags, ';')) t AS tag ORDER BY id, tag

-- name: lateral_view_outer
SELECT id, tag FROM events LATERAL VIEW OUTER explode(split(tags, ';')) t AS tag ORDER BY id, tag

-- name: lateral_view_posexplode
SELECT id, pos, tag FROM events LATERAL VIEW posexplode(split(tags, ';')) t AS pos, tag ORDER BY id, pos

-- name: lateral_view_group_by
SELECT tag, count(*) AS n FROM events LATERAL VIEW explode(split(tags, ';')) t AS tag GROUP BY tag ORDER BY tag

-- name: lateral_view_two
SELECT a, b FROM (SELECT 1 AS id) LATERAL VIEW explode(array(1, 2)) x AS a LATERAL VIEW explode(array('p', 'q')) y AS b ORDER BY a, b

-- name: lateral_view_map
SELECT k, v FROM (SELECT map('x', 1, 'y', 2) AS m) LATERAL VIEW explode(m) t AS k, v ORDER BY k

-- name: lateral_view_filter
SELECT user, tag FROM events LATERAL VIEW explode(split(tags, ';')) t AS tag WHERE tag <> 'b' ORDER BY user, tag

-- name: sequence_ints
SELECT sequence(1, 5), sequence(5, 1), sequence(1, 10, 3)

-- name: sequence_column
SELECT k, sequence(1, k) FROM nums ORDER BY k, s

-- name: sequence_dates
SELECT sequence(DATE '2024-01-30', DATE '2024-02-02', INTERVAL 1 DAY)

-- name: array_size_fn
SELECT id, array_size(split(tags, ';')) FROM events ORDER BY id

-- name: cardinality_fn
SELECT cardinality(array('a', 'b')), cardinality(map('a', 1))

-- name: map_contains_key_fn
SELECT map_contains_key(map('a', 1), 'a'), map_contains_key(map('a', 1), 'z')

-- name: map_keys_values
SELECT map_keys(map('a', 1, 'b', 2)), map_values(map('a', 1, 'b', 2))

-- name: element_at_out_of_range
SELECT element_at(array(1, 2), 5)

-- name: element_at_map_missing
SELECT element_at(map('a', 1), 'z')

-- name: try_element_at_fn
SELECT try_element_at(array(1, 2), 5), try_element_at(array(1, 2), 2)

-- name: array_set_fns
SELECT array_distinct(array(1, 2, 2, 3)), array_union(array(1, 2), array(2, 3)), array_intersect(array(1, 2, 3), array(2, 3, 4)), array_except(array(1, 2, 3), array(2))

-- name: array_position_remove
SELECT array_position(array(3, 1, 2), 2), array_remove(array(1, 2, 1), 1)

-- name: array_min_max
SELECT array_min(array(3, 1, 2)), array_max(array(3, NULL, 2))

-- name: flatten_fn
SELECT flatten(array(array(1, 2), array(3)))

-- name: slice_fn
SELECT slice(array(1, 2, 3, 4), 2, 2), slice(array(1, 2, 3, 4), -2, 2)

-- name: array_repeat_fn
SELECT array_repeat('x', 3)

-- name: arrays_overlap_fn
SELECT arrays_overlap(array(1, 2), array(2, 3)), arrays_overlap(array(1), array(4))

-- name: map_from_arrays_fn
SELECT map_from_arrays(array('a', 'b'), array(1, 2))

-- name: map_entries_fn
SELECT map_entries(map('a', 1))

-- name: str_to_map_fn
SELECT str_to_map('a:1,b:2')

-- name: map_concat_fn
SELECT map_concat(map('a', 1), map('b', 2))

-- name: struct_column_field
SELECT st.s FROM (SELECT struct(k, s) AS st FROM nums) ORDER BY st.k, st.s

-- name: named_struct_expression_field
SELECT named_struct('a', k, 'b', x).b FROM nums ORDER BY k, s

-- name: element_at_struct_field
SELECT element_at(arr, 1).x FROM (SELECT array(named_struct('x', 1), named_struct('x', 2)) AS arr)

-- name: subscript_struct_field
SELECT array(named_struct('x', 1, 'y', 'a'))[0].y

-- name: size_split_column
SELECT id, size(split(tags, ';')) FROM events ORDER BY id

-- name: array_contains_filter
SELECT id FROM events WHERE array_contains(split(tags, ';'), 'a') ORDER BY id

-- name: sort_array_strings
SELECT sort_array(split('c,a,b', ','))

-- name: array_compact_fn
SELECT array_compact(array(1, NULL, 2))

-- name: array_append_prepend
SELECT array_append(array(1, 2), 3), array_prepend(array(2, 3), 1)

-- name: get_fn
SELECT get(array(1, 2, 3), 1), get(array(1, 2, 3), 5)

-- name: array_subscript_past_the_end_fails
SELECT array(1, 2)[5]

-- name: array_subscript_negative_fails
SELECT array(1, 2)[-1]

-- name: array_subscripts_in_bounds_and_null
SELECT array(1, 2)[0], array(1, 2)[1], array(1, 2)[CAST(NULL AS INT)], get(array(1, 2), 5)
