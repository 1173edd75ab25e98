-- Spark's time windows (issue 20): window(...) in GROUP BY and in the select list, window_time.
-- name: window_grouped_documented
SELECT a, window.start, window.end, count(*) as cnt FROM VALUES ('A1', '2021-01-01 00:00:00'), ('A1', '2021-01-01 00:04:30'), ('A1', '2021-01-01 00:06:00'), ('A2', '2021-01-01 00:01:00') AS tab(a, b) GROUP by a, window(b, '5 minutes') ORDER BY a, start
-- name: window_as_struct
SELECT a, window(b, '5 minutes') FROM VALUES ('A1', TIMESTAMP'2021-01-01 00:04:30'), ('A2', TIMESTAMP'2021-01-01 00:06:00') AS tab(a, b) ORDER BY a
-- name: window_start_time_and_slide_equal
SELECT window(b, '1 hour', '1 hour', '15 minutes') FROM VALUES (TIMESTAMP'2021-01-01 00:04:30') AS tab(b)
-- name: window_two_in_one_select
SELECT window(b, '1 hour'), window(b, '10 seconds', '10 seconds') FROM VALUES (TIMESTAMP'2021-01-01 00:04:30') AS tab(b)
-- name: window_null_time_is_no_row
SELECT window(b, '5 minutes') FROM VALUES (CAST(NULL AS TIMESTAMP)), (TIMESTAMP'2021-01-01 00:00:01') AS tab(b)
-- name: window_of_dates_and_strings
SELECT window(d, '1 day') FROM VALUES (DATE'2021-01-01') AS tab(d) UNION ALL SELECT window(s, '30 minutes') FROM VALUES ('2021-01-01 10:45:00') AS tab(s)
-- name: window_before_the_epoch
SELECT window(b, '7 minutes') FROM VALUES (TIMESTAMP'1969-12-31 23:59:00') AS tab(b)
-- name: window_time_of_grouped
SELECT window_time(w), c FROM (SELECT window AS w, count(*) AS c FROM VALUES (TIMESTAMP'2021-01-01 00:01:00'), (TIMESTAMP'2021-01-01 00:02:00'), (TIMESTAMP'2021-01-01 00:11:00') AS tab(b) GROUP BY window(b, '10 minutes')) ORDER BY 1
-- name: window_grouped_having
SELECT window.start, sum(v) FROM VALUES (TIMESTAMP'2021-01-01 00:01:00', 1), (TIMESTAMP'2021-01-01 00:02:00', 2), (TIMESTAMP'2021-01-01 00:11:00', 5) AS tab(b, v) GROUP BY window(b, '10 minutes') HAVING sum(v) > 3 ORDER BY 1
-- name: window_sliding_is_refused
-- known: values: a sliding window (slide shorter than the window) puts each row in several windows, which Spark answers by multiplying rows; Ember supports tumbling windows and refuses a sliding one by name
SELECT a, window(b, '10 minutes', '5 minutes') FROM VALUES ('A1', TIMESTAMP'2021-01-01 00:04:30') AS tab(a, b)
-- name: session_window_grouped_documented
SELECT a, session_window.start, session_window.end, count(*) AS cnt FROM VALUES ('A1', '2021-01-01 00:00:00'), ('A1', '2021-01-01 00:04:30'), ('A1', '2021-01-01 00:10:00'), ('A2', '2021-01-01 00:01:00'), ('A2', '2021-01-01 00:04:30') AS tab(a, b) GROUP BY a, session_window(b, '5 minutes') ORDER BY a, start
-- name: session_window_merges_at_the_end
SELECT session_window(b, '5 minutes') AS w, count(*) AS c FROM VALUES (TIMESTAMP '2021-01-01 00:00:00'), (TIMESTAMP '2021-01-01 00:05:00'), (TIMESTAMP '2021-01-01 00:10:01'), (NULL) AS tab(b) GROUP BY session_window(b, '5 minutes') ORDER BY w
-- name: session_window_of_one_row
SELECT session_window(b, '5 minutes') FROM VALUES (TIMESTAMP '2021-01-01 00:00:00') AS tab(b)
-- name: session_window_type
SELECT typeof(session_window(b, '5 minutes')) AS t, count(*) AS c FROM VALUES (TIMESTAMP '2021-01-01 00:00:00') AS tab(b) GROUP BY session_window(b, '5 minutes')
-- name: session_window_keys_after_it_and_null_keys
SELECT a, session_window.start AS s, session_window.end AS e, count(*) AS cnt, max(v) AS m FROM VALUES ('A1', '2021-01-01 00:00:00', 1), ('A1', '2021-01-01 00:04:30', 5), ('A1', '2021-01-01 00:10:00', 2), ('A2', '2021-01-01 00:01:00', 3), (NULL, '2021-01-01 00:02:00', 4) AS tab(a, b, v) GROUP BY session_window(b, '5 minutes'), a ORDER BY a, s
-- name: session_window_gaps_per_row
SELECT session_window(b, g) AS w, count(*) AS c FROM VALUES (TIMESTAMP '2021-01-01 00:00:00', '10 minutes'), (TIMESTAMP '2021-01-01 00:08:00', '1 minute'), (TIMESTAMP '2021-01-01 00:09:30', '1 minute'), (TIMESTAMP '2021-01-01 00:20:00', '0 seconds') AS tab(b, g) GROUP BY session_window(b, g) ORDER BY w
-- name: session_window_gap_of_an_expression
SELECT session_window(b, CASE WHEN a = 'x' THEN '1 minute' ELSE '10 minutes' END) AS w, count(*) AS c FROM VALUES ('x', TIMESTAMP '2021-01-01 00:00:00'), ('x', TIMESTAMP '2021-01-01 00:03:00'), ('y', TIMESTAMP '2021-01-01 00:03:00') AS tab(a, b) GROUP BY session_window(b, CASE WHEN a = 'x' THEN '1 minute' ELSE '10 minutes' END) ORDER BY w
-- name: session_window_with_having
SELECT a, session_window.start, count(*) AS c FROM VALUES ('x', TIMESTAMP '2021-01-01 00:00:00'), ('x', TIMESTAMP '2021-01-01 00:20:00'), ('x', TIMESTAMP '2021-01-01 00:21:00') AS tab(a, b) GROUP BY a, session_window(b, '5 minutes') HAVING count(*) > 1
-- name: session_window_gap_of_an_ansi_interval_is_refused
SELECT session_window(b, INTERVAL 5 MINUTES), count(*) FROM VALUES (TIMESTAMP '2021-01-01 00:00:00') AS tab(b) GROUP BY session_window(b, INTERVAL 5 MINUTES)
