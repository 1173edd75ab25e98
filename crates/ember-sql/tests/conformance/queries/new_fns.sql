-- Spark 4.2/4.3 functions Ember lacked (issue 20): vectors, string similarity, base32, array_insert, try_make_*.
-- name: vector_inner_product_values
SELECT vector_inner_product(array(1.0F, 2.0F, 3.0F), array(4.0F, 5.0F, 6.0F)), vector_inner_product(array(0.5F), array(-2.0F))
-- name: vector_cosine_similarity_values
SELECT vector_cosine_similarity(array(1.0F, 2.0F, 3.0F), array(4.0F, 5.0F, 6.0F)), vector_cosine_similarity(array(1.0F, 0.0F), array(0.0F, 1.0F))
-- name: vector_cosine_similarity_zero
SELECT vector_cosine_similarity(array(0.0F, 0.0F), array(1.0F, 1.0F))
-- name: vector_l2_distance_values
SELECT vector_l2_distance(array(1.0F, 2.0F, 3.0F), array(4.0F, 5.0F, 6.0F)), vector_l2_distance(array(1.5F), array(1.5F))
-- name: vector_norm_degrees
SELECT vector_norm(array(3.0F, -4.0F)), vector_norm(array(3.0F, -4.0F), 1.0F), vector_norm(array(3.0F, -4.0F), float('inf')), vector_norm(array(3.0F, -4.0F), 2.0F)
-- name: vector_normalize_values
SELECT vector_normalize(array(3.0F, 4.0F)), vector_normalize(array(3.0F, -4.0F), 1.0F), vector_normalize(array(3.0F, -4.0F), float('inf'))
-- name: vector_nulls
SELECT vector_norm(CAST(NULL AS ARRAY<FLOAT>)), vector_inner_product(array(1.0F), CAST(NULL AS ARRAY<FLOAT>)), vector_normalize(CAST(NULL AS ARRAY<FLOAT>))
-- name: vector_null_element
SELECT vector_norm(array(1.0F, CAST(NULL AS FLOAT)))
-- name: vector_dimension_mismatch
SELECT vector_l2_distance(array(1.0F, 2.0F), array(1.0F))
-- name: vector_empty
SELECT vector_norm(CAST(array() AS ARRAY<FLOAT>)), vector_inner_product(CAST(array() AS ARRAY<FLOAT>), CAST(array() AS ARRAY<FLOAT>))
-- name: jaro_winkler_values
SELECT jaro_winkler_similarity('MARTHA', 'MARHTA'), jaro_winkler_similarity('abc', 'xyz'), jaro_winkler_similarity('', ''), jaro_winkler_similarity('a', ''), jaro_winkler_similarity('DIXON', 'DICKSONX'), jaro_winkler_similarity('héllo', 'hallo'), jaro_winkler_similarity('abc', NULL)
-- name: jaro_winkler_names
SELECT name, jaro_winkler_similarity(name, 'Alice') FROM people ORDER BY id
-- name: base32_round_trip
SELECT to_base32(CAST('foobar' AS BINARY)), to_base32(CAST('' AS BINARY)), to_base32(CAST('f' AS BINARY)), CAST(from_base32('MZXW6YTBOI======') AS STRING), to_base32(CAST(NULL AS BINARY))
-- name: base32_strings
SELECT to_base32('Spark'), hex(from_base32('MZXW6==='))
-- name: array_insert_positions
SELECT array_insert(array(1, 2, 3), 1, 0), array_insert(array(1, 2, 3), 4, 9), array_insert(array(1, 2, 3), 6, 9), array_insert(array(1, 2, 3), -1, 9), array_insert(array(1, 2, 3), -5, 9)
-- name: array_insert_strings_nulls
SELECT array_insert(array('a', 'b'), 2, NULL), array_insert(CAST(NULL AS ARRAY<STRING>), 1, 'x'), array_insert(array('a'), CAST(NULL AS INT), 'x')
-- name: array_insert_zero
SELECT array_insert(array(1, 2), 0, 5)
-- name: try_make_timestamp_values
SELECT try_make_timestamp(2024, 3, 15, 10, 20, 30.5), try_make_timestamp(2024, 13, 1, 0, 0, 0), try_make_timestamp(2024, 2, 30, 0, 0, 0)
-- name: try_make_timestamp_ntz_ltz
SELECT try_make_timestamp_ntz(2024, 3, 15, 10, 20, 30), try_make_timestamp_ntz(2024, 3, 15, 25, 0, 0), try_make_timestamp_ltz(2024, 3, 15, 10, 20, 30), try_make_timestamp_ltz(2024, 0, 15, 10, 20, 30)
-- name: vector_sum_avg
SELECT vector_sum(v), vector_avg(v) FROM VALUES (array(1.0F, 2.0F)), (array(3.0F, 4.0F)), (CAST(NULL AS ARRAY<FLOAT>)) AS t(v)
-- name: vector_sum_grouped
SELECT k, vector_sum(v), vector_avg(v) FROM VALUES (1, array(1.0F, 2.0F, 3.0F)), (1, array(0.5F, 0.5F, 0.5F)), (2, array(10.0F, 20.0F, 30.0F)) AS t(k, v) GROUP BY k ORDER BY k
-- name: vector_sum_empty_group
SELECT vector_sum(v), vector_avg(v) FROM VALUES (CAST(NULL AS ARRAY<FLOAT>)) AS t(v)
-- name: vector_sum_dimension_mismatch
SELECT vector_sum(v) FROM VALUES (array(1.0F, 2.0F)), (array(3.0F)) AS t(v)
-- name: hmac_algorithms
SELECT hex(hmac('key', 'message')), hex(hmac('key', 'message', 'SHA-512')), hex(hmac('key', 'message', 'SHA-1')), hex(hmac('key', 'message', 'MD5')), hex(hmac('key', 'message', 'SHA-224')), hex(hmac('key', 'message', 'SHA-384'))
-- name: hmac_long_key_and_nulls
SELECT hex(hmac(repeat('k', 200), 'message')), hex(hmac('k', '')), hmac(CAST(NULL AS STRING), 'm'), hmac('k', CAST(NULL AS STRING))
-- name: hmac_empty_key
SELECT hmac('', 'message')
-- name: hmac_bad_algorithm
SELECT hmac('key', 'message', 'SHA-3')
-- name: collation_of_strings
SELECT collation('Spark SQL'), collation(name) FROM people WHERE id = 1
-- name: listagg_plain_and_delimited
-- known: values: DataFusion plans one input order per aggregation, so two listagg calls with different WITHIN GROUP orders in one SELECT are refused ("Conflicting ordering requirements"); each alone answers as Spark
SELECT listagg(name) WITHIN GROUP (ORDER BY name), listagg(name, ', ') WITHIN GROUP (ORDER BY id DESC) FROM people
-- name: listagg_one_order
SELECT listagg(name, ', ') WITHIN GROUP (ORDER BY id DESC) FROM people
-- name: listagg_nulls_and_distinct
SELECT listagg(c) WITHIN GROUP (ORDER BY c), listagg(DISTINCT c, '-') WITHIN GROUP (ORDER BY c) FROM VALUES ('a'), (NULL), ('b'), ('a') AS t(c)
-- name: listagg_all_null
SELECT listagg(c) FROM VALUES (CAST(NULL AS STRING)), (CAST(NULL AS STRING)) AS t(c)
-- name: listagg_grouped
SELECT k, listagg(v, '|') WITHIN GROUP (ORDER BY v) FROM VALUES (1, 'x'), (1, 'y'), (2, 'z') AS t(k, v) GROUP BY k ORDER BY k
-- name: bang_is_not
SELECT !true, !(1 > 2), NOT !false, 1 != 2, ! NULL, !!true, CASE WHEN !false THEN 'y' END
-- name: bang_in_where
SELECT id FROM people WHERE !(id > 2) AND !(id = 2) ORDER BY id
-- name: bang_infix_is_refused
SELECT 3 ! IN (1, 2)
-- name: percentile_disc_positions
SELECT percentile_disc(0.0) WITHIN GROUP (ORDER BY v), percentile_disc(0.3) WITHIN GROUP (ORDER BY v), percentile_disc(0.5) WITHIN GROUP (ORDER BY v), percentile_disc(0.75) WITHIN GROUP (ORDER BY v), percentile_disc(1.0) WITHIN GROUP (ORDER BY v) FROM VALUES (1), (2), (3), (4) AS t(v)
-- name: percentile_disc_desc_nulls
SELECT percentile_disc(0.3) WITHIN GROUP (ORDER BY v DESC), percentile_disc(0.25) WITHIN GROUP (ORDER BY v) FROM VALUES (10), (NULL), (30), (20), (40) AS t(v)
-- name: percentile_disc_grouped
SELECT k, percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM VALUES (1, 5.5D), (1, 1.5D), (2, 7.0D), (3, CAST(NULL AS DOUBLE)) AS t(k, v) GROUP BY k ORDER BY k
-- name: percentile_disc_out_of_range
SELECT percentile_disc(1.5) WITHIN GROUP (ORDER BY v) FROM VALUES (1) AS t(v)
-- name: current_path_default
SELECT current_path()
-- name: collect_union_ints
SELECT collect_union(col) FROM VALUES (array(1, 2)), (array(2, 3)), (array(1)) AS tab(col)
-- name: collect_union_nulls_and_order
SELECT collect_union(col) FROM VALUES (array(3, 1, 3)), (NULL), (array(2, NULL)) AS tab(col)
-- name: collect_union_grouped_and_empty
SELECT g, collect_union(col) FROM VALUES (1, array(1, 2)), (1, array(2)), (2, array(5)), (3, NULL) AS tab(g, col) GROUP BY g ORDER BY g
-- name: collect_union_not_an_array
SELECT collect_union(col) FROM VALUES (1), (2) AS tab(col)
-- name: map_zip_with_merges_keys
SELECT map_zip_with(map(1, 'a', 2, 'b'), map(1, 'x', 3, 'y'), (k, v1, v2) -> concat(v1, v2)), map_zip_with(map('a', 1, 'b', 2), map('b', 3, 'c', 4), (k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0))
-- name: map_zip_with_keys_in_lambda_and_nulls
SELECT map_zip_with(map(1, 10), map(2, 20), (k, v1, v2) -> k * 100 + coalesce(v1, v2)), map_zip_with(IF(false, map(1, 1), NULL), map(1, 1), (k, v1, v2) -> v1)
-- name: counter_diff_documented
SELECT m, t, c, counter_diff(c) OVER (PARTITION BY m ORDER BY t) AS diff FROM VALUES ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:00:00', 100), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:01:00', 200), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:02:00', 400), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:03:00', 50), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:04:00', 100) AS tab(m, t, c) ORDER BY t
-- name: counter_diff_documented_start_time
SELECT m, t, s, c, counter_diff(c, s) OVER (PARTITION BY m ORDER BY t) AS diff FROM VALUES ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:00:00', 100, TIMESTAMP_NTZ '2026-01-01 00:00:00'), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:01:00', 200, TIMESTAMP_NTZ '2026-01-01 00:00:00'), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:02:00', 400, TIMESTAMP_NTZ '2026-01-01 00:00:00'), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:03:00', 500, TIMESTAMP_NTZ '2026-01-01 00:02:15'), ('http_requests', TIMESTAMP_NTZ '2026-01-01 00:04:00', 600, TIMESTAMP_NTZ '2026-01-01 00:02:15') AS tab(m, t, c, s) ORDER BY t
-- name: counter_diff_nulls_and_partitions
SELECT k, t, c, counter_diff(c) OVER (PARTITION BY k ORDER BY t) FROM VALUES ('a', 1, 10), ('a', 2, 30), ('a', 3, NULL), ('a', 4, 5), ('a', 5, 8), ('b', 1, NULL), ('b', 2, 7), ('b', 3, 7) AS tab(k, t, c) ORDER BY k, t
-- name: counter_diff_types
SELECT t, counter_diff(l) OVER (ORDER BY t), counter_diff(d) OVER (ORDER BY t), counter_diff(m) OVER (ORDER BY t), counter_diff(y) OVER (ORDER BY t), counter_diff(n) OVER (ORDER BY t) FROM VALUES (1, 10L, 1.5D, 1.50, 3Y, NULL), (2, 30L, 3.25D, 3.25, 9Y, NULL), (3, 30L, CAST('NaN' AS DOUBLE), 0.5, 1Y, NULL), (4, 31L, 3D, 0.75, 2Y, NULL) AS tab(t, l, d, m, y, n) ORDER BY t
-- name: counter_diff_null_start_times
SELECT c, counter_diff(c, s) OVER (ORDER BY t) FROM VALUES (1, 10, TIMESTAMP_NTZ'2024-01-01 00:00:00'), (2, 30, NULL), (3, 40, TIMESTAMP_NTZ'2024-01-01 00:00:00'), (4, 50, TIMESTAMP_NTZ'2024-01-02 00:00:00'), (5, NULL, TIMESTAMP_NTZ'2023-01-01 00:00:00'), (6, 60, TIMESTAMP_NTZ'2024-01-02 00:00:00') AS tab(t, c, s) ORDER BY t
-- name: counter_diff_explicit_rows_frame
SELECT t, counter_diff(c) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM VALUES (1, 10), (2, 30) AS tab(t, c) ORDER BY t
-- name: counter_diff_negative_value
SELECT counter_diff(c) OVER (ORDER BY t) FROM VALUES (1, 10), (2, -3) AS tab(t, c)
-- name: counter_diff_start_time_decreased
SELECT counter_diff(c, s) OVER (ORDER BY t) FROM VALUES (1, 10, TIMESTAMP'2024-01-01 00:00:00'), (2, 30, TIMESTAMP'2023-01-01 00:00:00') AS tab(t, c, s)
-- name: counter_diff_needs_order
SELECT counter_diff(c) OVER () FROM VALUES (1, 10), (2, 30) AS tab(t, c)
-- name: counter_diff_needs_its_frame
SELECT counter_diff(c) OVER (ORDER BY t ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM VALUES (1, 10), (2, 30) AS tab(t, c)
-- name: counter_diff_needs_a_number
SELECT counter_diff(c) OVER (ORDER BY t) FROM VALUES (1, 'a') AS tab(t, c)
-- name: counter_diff_start_time_must_be_a_timestamp
SELECT counter_diff(c, s) OVER (ORDER BY t) FROM VALUES (1, 10, DATE'2024-01-01') AS tab(t, c, s)
