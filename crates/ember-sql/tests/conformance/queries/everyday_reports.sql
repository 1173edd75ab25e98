-- Report-style queries over the suite's tables, side by side with PySpark (issue 20): bands,
-- per-group reports, date math, tags, joins, windows, maps, structs, JSON and filters.
-- name: salary_bands
SELECT name, CASE WHEN salary >= 100000 THEN 'high' WHEN salary >= 80000 THEN 'mid' ELSE 'low' END AS band FROM people ORDER BY id
-- name: department_report
SELECT dept, round(avg(salary), 2) AS avg_sal, max(age) - min(age) AS spread FROM people WHERE dept IS NOT NULL GROUP BY dept HAVING count(*) >= 2 ORDER BY avg_sal DESC
-- name: hires_per_year
SELECT year(hired) AS y, count(*) FROM people GROUP BY year(hired) ORDER BY y NULLS LAST
-- name: labels_with_coalesce
SELECT concat(name, ' (', coalesce(dept, 'none'), ')') AS label FROM people ORDER BY label
-- name: share_of_salary_total
SELECT name, salary, salary / sum(salary) OVER () * 100 AS pct FROM people WHERE salary IS NOT NULL ORDER BY id
-- name: tenure_months
SELECT name, datediff(current_date(), hired) > 0 AS past, months_between(DATE '2025-01-01', hired) AS m FROM people ORDER BY id
-- name: count_by_initial
SELECT substr(name, 1, 1) AS initial, count(*) FROM people GROUP BY 1 ORDER BY 1
-- name: members_per_department
SELECT upper(dept) AS d, collect_list(name) AS members FROM (SELECT * FROM people ORDER BY name) WHERE dept IS NOT NULL GROUP BY upper(dept) ORDER BY d
-- name: score_totals_per_user
SELECT user, sum(score) AS total, avg(score) AS mean, count(score) AS n FROM events GROUP BY user ORDER BY total DESC NULLS LAST, user
-- name: event_hours_and_days
SELECT id, to_timestamp(ts) AS t, hour(to_timestamp(ts)) AS h, date_format(to_timestamp(ts), 'E') AS dow FROM events ORDER BY id
-- name: tag_counts_per_event
SELECT id, size(split(tags, ';')) AS n, array_contains(split(tags, ';'), 'a') AS has_a FROM events ORDER BY id
-- name: tag_frequencies
SELECT tag, count(*) FROM events LATERAL VIEW explode(split(tags, ';')) t AS tag WHERE tag <> '' GROUP BY tag ORDER BY tag
-- name: quarter_over_quarter_delta
SELECT region, year, amount, lag(amount) OVER (PARTITION BY region ORDER BY year, quarter) AS prev, amount - lag(amount) OVER (PARTITION BY region ORDER BY year, quarter) AS delta FROM sales ORDER BY region, year, quarter
-- name: manual_pivot_with_case
SELECT region, sum(CASE WHEN year = 2023 THEN amount END) AS y2023, sum(CASE WHEN year = 2024 THEN amount END) AS y2024 FROM sales GROUP BY region ORDER BY region
-- name: best_and_worst_periods
SELECT region, max_by(quarter, amount) AS best_q, min_by(year, amount) AS worst_y FROM sales GROUP BY region ORDER BY region
-- name: casts_of_columns
SELECT k, x, s, x * 2 AS dbl, cast(x AS int) AS i, try_cast(s AS int) AS si FROM nums ORDER BY k, s
-- name: sum_having_not_null
SELECT k, count(*) AS c, sum(x) AS sx FROM nums GROUP BY k HAVING sum(x) IS NOT NULL ORDER BY k
-- name: distinct_pairs
SELECT DISTINCT k, x FROM nums ORDER BY k
-- name: regexp_extract_of_column
SELECT s, length(s), regexp_extract(s, '([a-z])(\\d*)', 2) AS digits FROM nums ORDER BY k, s
-- name: rounding_columns
SELECT x, round(x), ceil(x), floor(x), abs(x), sign(x) FROM nums WHERE x IS NOT NULL ORDER BY k
-- name: state_codes
SELECT code, name, length(name) AS len, lower(code) AS lc FROM states ORDER BY code
-- name: distances_and_angles
SELECT x, y, sqrt(x * x + y * y) AS dist, atan2(y, x) AS angle FROM points ORDER BY x, y
-- name: summary_statistics
SELECT min(value), max(value), avg(value), stddev(value), percentile_approx(value, 0.5) FROM test
-- name: join_on_expression
SELECT p.name, e.score FROM people p JOIN events e ON lower(p.name) = e.user ORDER BY p.name, e.score
-- name: left_join_counts
SELECT p.name, count(e.id) AS n FROM people p LEFT JOIN events e ON lower(p.name) = e.user GROUP BY p.name ORDER BY n DESC, p.name
-- name: left_join_with_inequality
SELECT l.id, l.v, r.v AS rv FROM l LEFT JOIN r ON l.v = r.v AND l.id <> r.id ORDER BY l.id, rv
-- name: top_two_by_dense_rank
SELECT * FROM (SELECT id, v, dense_rank() OVER (ORDER BY v DESC) AS dr FROM l) WHERE dr <= 2 ORDER BY id
-- name: running_count_of_groups
SELECT v, count(*) AS n, sum(count(*)) OVER (ORDER BY v) AS running FROM l WHERE v IS NOT NULL GROUP BY v ORDER BY v
-- name: moving_average
SELECT id, v, avg(v) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS ma3 FROM l ORDER BY id
-- name: buckets_and_steps
SELECT id, ntile(3) OVER (ORDER BY id) AS bucket, id - lag(id, 1, 0) OVER (ORDER BY id) AS step FROM l ORDER BY id
-- name: days_per_month_from_sequence
SELECT date_format(d, 'yyyy-MM') AS month, count(*) FROM (SELECT explode(sequence(DATE '2024-01-30', DATE '2024-03-02', INTERVAL 1 DAY)) AS d) GROUP BY 1 ORDER BY 1
-- name: year_end_week_fields
SELECT d, dayofweek(d), date_format(d, 'EEE'), weekofyear(d), last_day(d) FROM (SELECT explode(sequence(DATE '2024-12-28', DATE '2025-01-02')) AS d) ORDER BY d
-- name: month_end_date_math
SELECT date_add(d, 30), add_months(d, 1), next_day(d, 'FRI'), trunc(d, 'MM') FROM VALUES (DATE '2024-01-31'), (DATE '2024-02-29') t(d) ORDER BY d
-- name: to_date_with_pattern
SELECT to_date(s, 'M/d/yyyy') FROM VALUES ('3/5/2024'), ('12/31/2024') t(s) ORDER BY s
-- name: tolerant_parsing
SELECT try_to_date(s, 'yyyy-MM-dd'), try_to_timestamp(s) FROM VALUES ('2024-03-05'), ('garbage'), (NULL) t(s) ORDER BY s NULLS FIRST
-- name: unix_round_trip
SELECT unix_timestamp(s, 'yyyy-MM-dd HH:mm'), from_unixtime(unix_timestamp(s, 'yyyy-MM-dd HH:mm'), 'dd/MM/yyyy HH:mm') FROM VALUES ('2024-03-05 10:30') t(s)
-- name: extract_fields
SELECT extract(YEAR FROM TIMESTAMP '2024-03-05 10:30:00'), extract(MONTH FROM DATE '2024-03-05'), extract(DAY FROM DATE '2024-03-05'), extract(HOUR FROM TIMESTAMP '2024-03-05 10:30:00'), extract(QUARTER FROM DATE '2024-03-05'), extract(WEEK FROM DATE '2024-03-05')
-- name: make_date_of_columns
SELECT make_date(y, m, d) FROM VALUES (2024, 1, 31), (2024, 2, 29) t(y, m, d) ORDER BY 1
-- name: epoch_conversions
SELECT timestamp_micros(1000000), timestamp_millis(-1), unix_seconds(TIMESTAMP '1970-01-01 00:01:00'), unix_micros(TIMESTAMP '1970-01-01 00:00:01')
-- name: map_access
SELECT map_keys(m), map_values(m), m['a'], element_at(m, 'zz') FROM (SELECT map('a', 1, 'b', 2) AS m)
-- name: map_builders
SELECT map_concat(map('a', 1), map('b', 2)), map_from_arrays(array(1, 2), array('x', 'y')), map_entries(map('k', 'v'))
-- name: explode_map_with_aliases
SELECT explode(map('a', 1, 'b', 2)) AS (k, v)
-- name: lateral_view_of_map
SELECT k, v FROM (SELECT map('x', 1, 'y', 2) AS m) LATERAL VIEW explode(m) e AS k, v ORDER BY k
-- name: nested_struct_fields
SELECT s.a, s.b.c, s.b FROM (SELECT named_struct('a', 1, 'b', named_struct('c', 'deep')) AS s)
-- name: struct_star
SELECT s.* FROM (SELECT named_struct('a', 1, 'b', 'x') AS s)
-- name: array_of_struct_subscript_and_inline
SELECT array(named_struct('k', 1, 'v', 'a'), named_struct('k', 2, 'v', 'b'))[1].v, inline(array(named_struct('k', 1, 'v', 'a')))
-- name: higher_order_over_structs
SELECT transform(arr, x -> x.k), filter(arr, x -> x.v = 'b') FROM (SELECT array(named_struct('k', 1, 'v', 'a'), named_struct('k', 2, 'v', 'b')) AS arr)
-- name: json_round_trip
SELECT to_json(named_struct('a', array(1, 2), 'm', map('k', NULL))), from_json('{"a": {"b": 1}}', 'a STRUCT<b: INT>').a.b
-- name: json_paths_of_column
SELECT get_json_object(j, '$.user.name'), get_json_object(j, '$.tags[0]'), json_array_length(get_json_object(j, '$.tags')) FROM VALUES ('{"user": {"name": "ann"}, "tags": ["x", "y"]}') t(j)
-- name: from_json_fields
SELECT j.a, j.b FROM (SELECT from_json('{"a": 1, "b": "two"}', 'a INT, b STRING') AS j)
-- name: hashes_of_column
SELECT sha2(name, 256) IS NOT NULL, md5(name), length(base64(name)) FROM people WHERE id = 1
-- name: format_number_of_columns
SELECT format_number(salary, 2), format_number(age, 0) FROM people ORDER BY id
-- name: padding_and_repeat
SELECT lpad(CAST(id AS STRING), 3, '0'), rpad(name, 5, '.'), repeat('-', id) FROM people ORDER BY id
-- name: character_replacements
SELECT translate(name, 'aeiou', 'AEIOU'), replace(name, 'e', ''), regexp_replace(name, '[aeiou]', '*') FROM people ORDER BY id
-- name: string_positions
SELECT split_part('2024-03-05', '-', 2), substring_index('www.apache.org', '.', -2), instr('spark sql', 'sql'), position('q' IN 'sql'), locate('l', 'hello', 4)
-- name: fuzzy_matching
SELECT levenshtein(name, 'Ann'), soundex(name), name < 'C' FROM people ORDER BY id
-- name: casts_of_columns_to_text
SELECT CAST(salary AS DECIMAL(10, 1)), CAST(salary AS BIGINT), CAST(age AS STRING) || '!', CAST(hired AS STRING) FROM people ORDER BY id
-- name: arithmetic_result_types
SELECT typeof(salary * 2), typeof(age * 1.5), typeof(age / 2), typeof(age DIV 2), typeof(-age), typeof(age + 1L) FROM people LIMIT 1
-- name: aggregates_of_arithmetic
SELECT sum(age * 1.5), avg(age / 2), sum(salary) / count(salary) FROM people
-- name: boolean_logic_with_nulls
SELECT id, salary, salary > 90000 AND age < 40 AS both_, NOT (salary > 90000) AS low, salary IS NULL OR age IS NULL AS gap FROM people ORDER BY id
-- name: filtered_counts
SELECT count(*) FILTER (WHERE salary IS NULL), count(*) FILTER (WHERE age IS NULL), count_if(dept = 'eng') FROM people
-- name: greatest_least_nullif_columns
SELECT id, greatest(age, 30), least(salary, 90000.0), nullif(dept, 'eng') FROM people ORDER BY id
-- name: rlike_or_like
SELECT id FROM people WHERE name RLIKE '^[A-C]' OR dept LIKE 's%' ORDER BY id
-- name: between_dates
SELECT id FROM people WHERE hired BETWEEN DATE '2019-01-01' AND DATE '2021-12-31' ORDER BY id
-- name: date_compared_with_string
SELECT id FROM people WHERE hired > '2020-01-01' ORDER BY id
-- name: in_and_not_in
SELECT id FROM people WHERE age IN (28, 45) AND dept NOT IN ('ops') ORDER BY id
-- name: not_in_with_null
SELECT id FROM people WHERE dept NOT IN ('eng', NULL) ORDER BY id
-- name: multi_key_order_with_nulls
SELECT id, name FROM people ORDER BY dept NULLS FIRST, age DESC NULLS LAST, id
-- name: equals_scalar_subquery
SELECT * FROM people WHERE id = (SELECT max(id) FROM people WHERE dept = 'ops')
-- name: correlated_max_per_group
SELECT dept, name FROM people p WHERE salary = (SELECT max(salary) FROM people q WHERE q.dept = p.dept) ORDER BY dept
