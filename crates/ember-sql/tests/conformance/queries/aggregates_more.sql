-- More aggregates: approximate and exact percentiles, moments, boolean and by-value aggregates,
-- and sliding window frames.
-- name: approx_count_distinct_group
SELECT dept, approx_count_distinct(age) FROM people GROUP BY dept ORDER BY dept

-- name: percentile_approx_median
SELECT percentile_approx(age, 0.5) FROM people

-- name: approx_percentile_array
SELECT approx_percentile(salary, array(0.25, 0.75)) FROM people

-- name: percentile_median
SELECT percentile(age, 0.5) FROM people

-- name: percentile_interpolated
SELECT percentile(salary, 0.25) FROM people

-- name: percentile_group
SELECT dept, percentile(salary, 0.5) FROM people GROUP BY dept ORDER BY dept

-- name: median_fn
SELECT median(age) FROM people

-- name: first_last_ignore_nulls
SELECT first(age, true), last(age, true) FROM people WHERE id IN (2, 3)

-- name: last_ignore_nulls_window
SELECT id, last(age, true) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS a FROM people ORDER BY id

-- name: last_value_ignore_nulls
SELECT id, last_value(dept) IGNORE NULLS OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS d FROM people ORDER BY id

-- name: variance_fns
SELECT var_pop(age), var_samp(age), variance(salary) FROM people

-- name: stddev_fns
SELECT stddev_pop(age), stddev_samp(age), std(age) FROM people

-- name: skewness_fn
SELECT skewness(age) FROM people

-- name: kurtosis_fn
SELECT kurtosis(age) FROM people

-- name: skewness_kurtosis_group
SELECT dept, skewness(salary), kurtosis(salary) FROM people GROUP BY dept ORDER BY dept

-- name: every_any_some
SELECT every(age > 20), any(age > 50), some(age > 60) FROM people

-- name: bool_and_or_group
SELECT dept, bool_and(salary > 80000), bool_or(salary > 100000) FROM people GROUP BY dept ORDER BY dept

-- name: max_by_min_by_group
SELECT dept, max_by(name, age), min_by(name, salary) FROM people WHERE dept <> 'ops' GROUP BY dept ORDER BY dept

-- name: max_by_empty
SELECT max_by(name, age) FROM people WHERE id > 100

-- name: mode_fn
SELECT mode(age), mode(v) FROM people JOIN l USING (id)

-- name: mode_strings
SELECT mode(dept) FROM people

-- name: count_distinct_two_columns
SELECT count(DISTINCT dept, age) FROM people

-- name: count_distinct_group
SELECT dept, count(DISTINCT age) FROM people GROUP BY dept ORDER BY dept

-- name: sum_avg_distinct
SELECT sum(DISTINCT v), avg(DISTINCT v) FROM l

-- name: collect_list_sorted
SELECT dept, sort_array(collect_list(age)) FROM people GROUP BY dept ORDER BY dept

-- name: collect_set_sorted
SELECT sort_array(collect_set(v)) FROM l

-- name: corr_covar
SELECT corr(k, x), covar_pop(k, x), covar_samp(k, x) FROM nums

-- name: bit_aggregates
SELECT bit_and(v), bit_or(v), bit_xor(v) FROM l

-- name: any_value_fn
SELECT any_value(dept) FROM people WHERE id = 1

-- name: count_if_group
SELECT dept, count_if(age IS NULL) FROM people GROUP BY dept ORDER BY dept

-- name: sliding_avg_trailing
SELECT id, avg(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM people ORDER BY id

-- name: sliding_sum_count
SELECT id, sum(salary) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS s, count(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS c FROM people ORDER BY id

-- name: sliding_min_max
SELECT id, min(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS lo, max(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS hi FROM people ORDER BY id

-- name: range_frame_sum
SELECT id, v, sum(v) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM l ORDER BY id

-- name: sliding_stddev
SELECT id, stddev(age) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS sd FROM people ORDER BY id

-- name: empty_aggregates
SELECT avg(age), max_by(name, age), percentile(age, 0.5), bool_and(age > 1) FROM people WHERE id > 100

-- name: sliding_first_last
SELECT id, first(age, true) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS f, last(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS l FROM people ORDER BY id

-- name: sliding_percentile
SELECT id, percentile(salary, 0.5) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS p FROM people ORDER BY id

-- name: sliding_max_by
SELECT id, max_by(name, age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS m FROM people ORDER BY id

-- name: sliding_avg_salary
SELECT id, avg(salary) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM people ORDER BY id
-- name: array_agg_is_collect_list
SELECT collect_list(v), array_agg(v), sort_array(array_agg(DISTINCT v)), sort_array(collect_list(DISTINCT v)) AS d FROM VALUES (NULL), (2), (2), (3) AS t(v)
-- name: lag_ignore_nulls_named
SELECT k, lag(v) IGNORE NULLS OVER (ORDER BY k) FROM VALUES (1, 1), (2, NULL), (3, 3) AS t(k, v) ORDER BY k
