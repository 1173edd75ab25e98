-- Spark's sketch functions (issue 20): HyperLogLog, Theta, Tuple and KLL on Apache DataSketches,
-- whose serialized sketches Spark's Java library writes and reads too.
-- name: hll_bytes_and_estimate
SELECT hex(hll_sketch_agg(col)), hll_sketch_estimate(hll_sketch_agg(col)), hex(hll_sketch_agg(col, 4)) FROM VALUES (1), (2), (3), (NULL), (2) t(col)
-- name: hll_strings_binary_and_empty
SELECT hex(hll_sketch_agg(s)), hex(hll_sketch_agg(b)), hll_sketch_estimate(hll_sketch_agg(s)) FROM VALUES ('a', X'61'), ('b', X'62'), ('', X''), ('c', X'63'), ('a', X'61') t(s, b)
-- name: hll_no_rows
SELECT hex(hll_sketch_agg(col)), hll_sketch_estimate(hll_sketch_agg(col)) FROM VALUES (1) t(col) WHERE col > 5
-- name: hll_union_and_union_agg
SELECT hex(hll_union(hll_sketch_agg(col1), hll_sketch_agg(col2))), hll_sketch_estimate(hll_union(hll_sketch_agg(col1, 12), hll_sketch_agg(col2, 10), true)) FROM VALUES (1, 4), (2, 5), (3, 6) tab(col1, col2)
-- name: hll_union_agg_of_groups
SELECT length(hll_union_agg(s)), hll_sketch_estimate(hll_union_agg(s)) FROM (SELECT k, hll_sketch_agg(v) s FROM VALUES (1, 'x'), (1, 'y'), (2, 'y'), (2, 'z') t(k, v) GROUP BY k)
-- name: hll_different_lg_k
SELECT hll_union(hll_sketch_agg(col1, 12), hll_sketch_agg(col2, 10)) FROM VALUES (1, 4) tab(col1, col2)
-- name: hll_bad_lg_k
SELECT hll_sketch_agg(col, 22) FROM VALUES (1) t(col)
-- name: hll_bad_buffer
SELECT hll_sketch_estimate(X'0102030405060708')
-- name: hll_wrong_type
SELECT hll_sketch_agg(col) FROM VALUES (1.5D) t(col)
-- name: hll_null_sketch
SELECT hll_sketch_estimate(CAST(NULL AS BINARY)), hll_union(CAST(NULL AS BINARY), X'00') IS NULL
-- name: theta_bytes_and_estimate
SELECT hex(theta_sketch_agg(col)), theta_sketch_estimate(theta_sketch_agg(col)) FROM VALUES (1), (2), (3), (2), (NULL) t(col)
-- name: theta_types
SELECT hex(theta_sketch_agg(d)), hex(theta_sketch_agg(s)), hex(theta_sketch_agg(a)) FROM VALUES (1.0D, 'a', array(1, 2)), (-0.0D, '', array(3)) t(d, s, a)
-- name: theta_one_value_and_none
SELECT hex(theta_sketch_agg(col)), hex(theta_sketch_agg(CASE WHEN col > 5 THEN col END)) FROM VALUES (7L) t(col)
-- name: theta_set_operations
SELECT theta_sketch_estimate(theta_union(theta_sketch_agg(col1), theta_sketch_agg(col2))), hex(theta_intersection(theta_sketch_agg(col1), theta_sketch_agg(col2))), hex(theta_difference(theta_sketch_agg(col1), theta_sketch_agg(col2))) FROM VALUES (1, 1), (2, 5), (3, 3) tab(col1, col2)
-- name: theta_set_aggregates
SELECT theta_sketch_estimate(theta_union_agg(s)), hex(theta_intersection_agg(s)) FROM (SELECT theta_sketch_agg(col) s FROM VALUES (1), (2) tab(col) UNION ALL SELECT theta_sketch_agg(col) s FROM VALUES (2), (3) tab(col))
-- name: theta_bad_lg_nom_entries
SELECT theta_sketch_agg(col, 27) FROM VALUES (1) t(col)
-- name: theta_bad_buffer
SELECT theta_sketch_estimate(X'00')
-- name: kll_bigint
SELECT hex(kll_sketch_agg_bigint(col)), kll_sketch_get_n_bigint(kll_sketch_agg_bigint(col)), kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(col), 0.5), kll_sketch_get_rank_bigint(kll_sketch_agg_bigint(col), 3) FROM VALUES (1L), (2L), (3L), (4L), (5L), (NULL) t(col)
-- name: kll_bigint_arrays
SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(col), array(0.0D, 0.2D, 0.21D, 1.0D)), kll_sketch_get_rank_bigint(kll_sketch_agg_bigint(col), array(0L, 3L, 6L)) FROM VALUES (1), (2), (3), (4), (5) t(col)
-- name: kll_double
SELECT hex(kll_sketch_agg_double(col, 8)), kll_sketch_get_n_double(kll_sketch_agg_double(col)), kll_sketch_get_quantile_double(kll_sketch_agg_double(col), 0.5), kll_sketch_get_rank_double(kll_sketch_agg_double(col), 2.5D) FROM VALUES (1.0D), (2.0D), (CAST('NaN' AS DOUBLE)), (4.0D) t(col)
-- name: kll_float
SELECT hex(kll_sketch_agg_float(col)), kll_sketch_get_n_float(kll_sketch_agg_float(col)), kll_sketch_get_quantile_float(kll_sketch_agg_float(col), array(0.25D, 0.75D)), kll_sketch_get_rank_float(kll_sketch_agg_float(col), CAST(2.0 AS FLOAT)) FROM VALUES (CAST(1.5 AS FLOAT)), (CAST(2.5 AS FLOAT)), (CAST(0.5 AS FLOAT)) t(col)
-- name: kll_merge_and_merge_agg
SELECT kll_sketch_get_n_bigint(kll_sketch_merge_bigint(kll_sketch_agg_bigint(a), kll_sketch_agg_bigint(b))), kll_sketch_get_quantile_double(kll_sketch_merge_double(kll_sketch_agg_double(CAST(a AS DOUBLE)), kll_sketch_agg_double(CAST(b AS DOUBLE))), 0.5), kll_sketch_get_n_float(kll_sketch_merge_float(kll_sketch_agg_float(CAST(a AS FLOAT)), kll_sketch_agg_float(CAST(b AS FLOAT)))) FROM VALUES (1, 10), (2, 20), (3, 30) t(a, b)
-- name: kll_merge_aggregates
SELECT kll_sketch_get_n_bigint(kll_merge_agg_bigint(s1)), kll_sketch_get_quantile_bigint(kll_merge_agg_bigint(s1), 1.0), kll_sketch_get_n_double(kll_merge_agg_double(s2)), kll_sketch_get_n_float(kll_merge_agg_float(s3)) FROM (SELECT k, kll_sketch_agg_bigint(v) s1, kll_sketch_agg_double(CAST(v AS DOUBLE)) s2, kll_sketch_agg_float(CAST(v AS FLOAT)) s3 FROM VALUES (1, 1), (1, 2), (2, 3) t(k, v) GROUP BY k)
-- name: kll_to_string
SELECT kll_sketch_to_string_bigint(kll_sketch_agg_bigint(col)), kll_sketch_to_string_double(kll_sketch_agg_double(CAST(col AS DOUBLE))), kll_sketch_to_string_float(kll_sketch_agg_float(CAST(col AS FLOAT))) FROM VALUES (1), (2), (3) t(col)
-- name: kll_to_string_empty
SELECT kll_sketch_to_string_bigint(kll_sketch_agg_bigint(col)), hex(kll_sketch_agg_bigint(col)) FROM VALUES (1L) t(col) WHERE col > 1
-- name: kll_empty_quantile
SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(col), 0.5) FROM VALUES (1L) t(col) WHERE col > 1
-- name: kll_rank_out_of_range
SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(col), 1.5) FROM VALUES (1L) t(col)
-- name: kll_bad_k
SELECT kll_sketch_agg_bigint(col, 7) FROM VALUES (1L) t(col)
-- name: tuple_double_modes
SELECT hex(tuple_sketch_agg_double(k, v)), tuple_sketch_summary_double(tuple_sketch_agg_double(k, v)), tuple_sketch_summary_double(tuple_sketch_agg_double(k, v, 12, 'min'), 'sum'), tuple_sketch_summary_double(tuple_sketch_agg_double(k, v, 12, 'max'), 'max'), tuple_sketch_summary_double(tuple_sketch_agg_double(k, v, 12, 'alwaysone'), 'min') FROM VALUES (1, 1.0D), (1, 2.0D), (2, 3.0D), (3, -4.5D) t(k, v)
-- name: tuple_double_estimate_and_theta
SELECT tuple_sketch_estimate_double(tuple_sketch_agg_double(k, v)), tuple_sketch_theta_double(tuple_sketch_agg_double(k, v)), tuple_sketch_summary_double(tuple_sketch_agg_double(k, v), 'alwaysone') FROM VALUES ('a', 1.0D), ('b', 2.0D), ('a', 3.0D) t(k, v)
-- name: tuple_integer
SELECT hex(tuple_sketch_agg_integer(k, v)), tuple_sketch_summary_integer(tuple_sketch_agg_integer(k, v)), tuple_sketch_estimate_integer(tuple_sketch_agg_integer(k, v)), tuple_sketch_theta_integer(tuple_sketch_agg_integer(k, v)) FROM VALUES (1, 2147483647), (2, 2147483647), (3, 5) t(k, v)
-- name: tuple_set_operations_double
SELECT tuple_sketch_summary_double(tuple_union_double(a, b)), tuple_sketch_summary_double(tuple_union_double(a, b, 12, 'max')), tuple_sketch_summary_double(tuple_intersection_double(a, b)), tuple_sketch_summary_double(tuple_intersection_double(a, b, 'min')), tuple_sketch_summary_double(tuple_difference_double(a, b)) FROM (SELECT tuple_sketch_agg_double(k1, v1) a, tuple_sketch_agg_double(k2, v2) b FROM VALUES (1, 1.0D, 1, 4.0D), (2, 2.0D, 5, 5.0D) t(k1, v1, k2, v2))
-- name: tuple_set_operations_integer
SELECT hex(tuple_union_integer(a, b)), hex(tuple_intersection_integer(a, b, 'min')), hex(tuple_difference_integer(a, b)) FROM (SELECT tuple_sketch_agg_integer(k1, v1) a, tuple_sketch_agg_integer(k2, v2) b FROM VALUES (1, 1, 1, 4), (2, 2, 5, 5) t(k1, v1, k2, v2))
-- name: tuple_with_theta
SELECT tuple_sketch_summary_double(tuple_union_theta_double(a, t)), tuple_sketch_summary_double(tuple_intersection_theta_double(a, t)), tuple_sketch_estimate_double(tuple_difference_theta_double(a, t)), tuple_sketch_summary_integer(tuple_union_theta_integer(i, t)), tuple_sketch_summary_integer(tuple_intersection_theta_integer(i, t)), tuple_sketch_estimate_integer(tuple_difference_theta_integer(i, t)) FROM (SELECT tuple_sketch_agg_double(k1, v1) a, tuple_sketch_agg_integer(k1, CAST(v1 AS INT)) i, theta_sketch_agg(k2) t FROM VALUES (1, 1.0D, 1), (2, 2.0D, 5) x(k1, v1, k2))
-- name: tuple_set_aggregates
SELECT tuple_sketch_summary_double(tuple_union_agg_double(s)), tuple_sketch_summary_double(tuple_intersection_agg_double(s)), tuple_sketch_summary_integer(tuple_union_agg_integer(i, 12, 'max')), tuple_sketch_summary_integer(tuple_intersection_agg_integer(i, 'min')) FROM (SELECT g, tuple_sketch_agg_double(k, v) s, tuple_sketch_agg_integer(k, CAST(v AS INT)) i FROM VALUES (1, 1, 5.0D), (1, 2, 10.0D), (2, 2, 3.0D), (2, 3, 7.0D) t(g, k, v) GROUP BY g)
-- name: tuple_no_rows
SELECT hex(tuple_sketch_agg_double(k, v)), hex(tuple_union_agg_integer(CAST(NULL AS BINARY))) FROM VALUES (1, 1.0D) t(k, v) WHERE k > 5
-- name: tuple_bad_mode
SELECT tuple_sketch_agg_double(k, v, 12, 'avg') FROM VALUES (1, 1.0D) t(k, v)
-- name: tuple_theta_sketch_as_tuple
SELECT tuple_sketch_estimate_double(theta_sketch_agg(k)) FROM VALUES (1) t(k)
-- name: bitmap_construct_and_count
SELECT substring(hex(bitmap_construct_agg(bitmap_bit_position(v))), 1, 16), bitmap_count(bitmap_construct_agg(bitmap_bit_position(v))), length(bitmap_construct_agg(v)) FROM VALUES (1), (2), (3), (9), (3), (NULL) t(v)
-- name: bitmap_or_and
SELECT substring(hex(bitmap_or_agg(b)), 1, 8), substring(hex(bitmap_and_agg(b)), 1, 8), length(bitmap_and_agg(b)) FROM VALUES (X'FFFFFFFF'), (X'F1'), (NULL) t(b)
-- name: bitmap_only_nulls
SELECT bitmap_count(bitmap_or_agg(b)), bitmap_count(bitmap_and_agg(b)), bitmap_count(bitmap_construct_agg(CAST(NULL AS BIGINT))) FROM VALUES (CAST(NULL AS BINARY)) t(b)
-- name: bitmap_position_out_of_range
SELECT bitmap_construct_agg(v) FROM VALUES (32768) t(v)
-- name: histogram_numeric_bins
SELECT histogram_numeric(v, 3), histogram_numeric(d, 3), histogram_numeric(v, 10) FROM VALUES (1, 1.0D), (2, 2.0D), (3, 3.0D), (4, 4.0D), (5, 5.0D), (6, 6.0D), (7, 7.0D) t(v, d)
-- name: histogram_numeric_nulls_and_none
SELECT histogram_numeric(v, 2) FROM VALUES (CAST(NULL AS INT)) t(v)
-- name: histogram_numeric_bad_nb
SELECT histogram_numeric(v, 1) FROM VALUES (1) t(v)
-- name: count_min_sketch_longs_and_strings
SELECT hex(count_min_sketch(col, 0.5D, 0.5D, 1)) FROM VALUES (1), (2), (1), (NULL) AS tab(col)
-- name: count_min_sketch_deeper
SELECT hex(count_min_sketch(s, 0.4D, 0.9D, 42)), hex(count_min_sketch(b, 0.4D, 0.9D, 42)) FROM VALUES ('a', X'61'), ('b', X'62'), ('c', X'63'), ('', X''), ('a', X'61') t(s, b)
-- name: count_min_sketch_no_rows
SELECT hex(count_min_sketch(col, 0.5D, 0.5D, 7)) FROM VALUES (1L) t(col) WHERE col > 5
-- name: count_min_sketch_bad_confidence
SELECT count_min_sketch(col, 0.5D, 1.0D, 1) FROM VALUES (1) t(col)
-- name: count_min_sketch_wrong_type
SELECT count_min_sketch(col, 0.5D, 0.5D, 1) FROM VALUES (1.5D) t(col)
-- name: approx_top_k_documented
SELECT approx_top_k(expr, 2) FROM VALUES ('a'), ('b'), ('c'), ('c'), ('c'), ('c'), ('d'), ('d') AS tab(expr)
-- name: approx_top_k_tracked
SELECT approx_top_k(expr, 10, 100) FROM VALUES (0), (1), (1), (2), (2), (2) AS tab(expr)
-- name: approx_top_k_counts_nulls
SELECT approx_top_k(expr, 3) FROM VALUES (7L), (NULL), (7L), (NULL), (NULL), (3L) AS tab(expr)
-- name: approx_top_k_grouped_and_empty
SELECT g, approx_top_k(v, 1) FROM VALUES (1, 'x'), (1, 'y'), (1, 'y'), (2, 'z') AS t(g, v) GROUP BY g ORDER BY g
-- name: approx_top_k_no_rows
SELECT approx_top_k(v) FROM VALUES (1) AS t(v) WHERE v > 1
-- name: approx_top_k_non_positive_k
SELECT approx_top_k(v, 0) FROM VALUES (1) AS t(v)
-- name: approx_top_k_tracked_below_k
SELECT approx_top_k(v, 10, 5) FROM VALUES (1) AS t(v)
