-- Higher-order functions with lambdas.
-- name: transform_fn
SELECT transform(array(1, 2, 3), x -> x * 10)

-- name: transform_with_index
SELECT transform(array('a', 'b'), (x, i) -> concat(x, CAST(i AS STRING)))

-- name: transform_column
SELECT id, transform(split(tags, ';'), t -> upper(t)) FROM events ORDER BY id

-- name: filter_fn
SELECT filter(array(1, 2, 3, 4), x -> x % 2 = 0)

-- name: filter_nulls
SELECT filter(array(1, NULL, 3), x -> x IS NOT NULL)

-- name: filter_with_index
SELECT filter(array(5, 6, 7), (x, i) -> i > 0)

-- name: filter_captures_column
SELECT k, filter(array(1, 2, 3, 4, 5), x -> x > k) FROM nums ORDER BY k, s

-- name: aggregate_sum
SELECT aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x)

-- name: aggregate_finish
SELECT aggregate(array(1, 2, 3), 0, (acc, x) -> acc + x, acc -> acc * 10)

-- name: aggregate_strings
SELECT aggregate(split('a,b,c', ','), '', (acc, x) -> concat(acc, x))

-- name: reduce_fn
SELECT reduce(array(1, 2, 3), 1, (acc, x) -> acc * x)

-- name: exists_fn
SELECT exists(array(1, 2, 3), x -> x > 2), exists(array(1, 2), x -> x > 5)

-- name: exists_null
SELECT exists(array(1, NULL), x -> x > 5)

-- name: forall_fn
SELECT forall(array(2, 4), x -> x % 2 = 0), forall(array(2, 3), x -> x % 2 = 0)

-- name: forall_empty
SELECT forall(filter(array(1), x -> x > 5), x -> x > 0)

-- name: zip_with_fn
SELECT zip_with(array(1, 2, 3), array(10, 20, 30), (a, b) -> a + b)

-- name: zip_with_uneven
SELECT zip_with(array(1, 2), array('a'), (a, b) -> concat(CAST(a AS STRING), coalesce(b, '?')))

-- name: map_filter_fn
SELECT map_filter(map('a', 1, 'b', 2, 'c', 3), (k, v) -> v > 1)

-- name: transform_values_fn
SELECT transform_values(map('a', 1, 'b', 2), (k, v) -> v * 100)

-- name: transform_keys_fn
SELECT transform_keys(map('a', 1), (k, v) -> upper(k))

-- name: transform_nested
SELECT transform(array(array(1, 2), array(3)), a -> size(a))

-- name: transform_struct_field
SELECT transform(array(named_struct('a', 1), named_struct('a', 2)), s -> s.a + 1)

-- name: array_sort_comparator
SELECT array_sort(array(3, 1, 2), (a, b) -> b - a)
