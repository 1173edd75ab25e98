-- Set operations: INTERSECT/EXCEPT with and without ALL (multiset semantics), UNION.
-- name: intersect_all
SELECT v FROM l INTERSECT ALL SELECT v FROM r

-- name: except_all
SELECT v FROM l EXCEPT ALL SELECT v FROM r

-- name: except_all_reversed
SELECT v FROM r EXCEPT ALL SELECT v FROM l

-- name: intersect_distinct
SELECT v FROM l INTERSECT SELECT v FROM r

-- name: except_distinct
SELECT v FROM l EXCEPT SELECT v FROM r

-- name: intersect_all_self
SELECT v FROM l INTERSECT ALL SELECT v FROM l

-- name: intersect_all_two_columns
SELECT k, s FROM nums INTERSECT ALL SELECT k, s FROM nums WHERE k > 2

-- name: except_all_two_columns
SELECT k, s FROM nums EXCEPT ALL SELECT k, s FROM nums WHERE k = 5 AND x > 100

-- name: union_all
SELECT v FROM l UNION ALL SELECT v FROM r

-- name: union_distinct
SELECT v FROM l UNION SELECT v FROM r

-- name: intersect_all_count
SELECT count(*) FROM (SELECT v FROM l INTERSECT ALL SELECT v FROM r) t
-- name: union_of_literals_types
SELECT a, typeof(a) FROM (SELECT 1 AS a UNION ALL SELECT 2) ORDER BY a
-- name: union_of_literals_widens
SELECT a, b, c FROM (SELECT 1 AS a, 1 AS b, 1 AS c UNION ALL SELECT 2L, 2.5, NULL) ORDER BY a
-- name: union_distinct_of_literals_in_a_subquery
SELECT count(*), max(v) FROM (SELECT 1 AS v UNION SELECT 1 UNION SELECT 3 INTERSECT SELECT 3)
