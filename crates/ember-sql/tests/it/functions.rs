//! Spark functions and query shapes Ember adds (issue 10): bad arguments are typed errors, never
//! panics, and the edge cases the conformance suite does not reach.

use ember_sql::Error;
use ember_sql::arrow::array::{Array, AsArray, RecordBatch};
use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::fixture::{cells, session};

/// The first column of a one-row result, as text (`None` for NULL).
fn one(sql: &str) -> Option<String> {
    let batches: Vec<RecordBatch> = session().sql(sql).unwrap().collect().unwrap();
    let column = batches[0].column(0);
    if column.is_null(0) {
        return None;
    }
    let f = ArrayFormatter::try_new(column.as_ref(), &FormatOptions::default()).unwrap();
    Some(f.value(0).to_string())
}

fn fails(sql: &str) -> Error {
    match session().sql(sql).and_then(|df| df.collect()) {
        Ok(batches) => panic!("{sql} should fail, gave {batches:?}"),
        Err(e) => e,
    }
}

#[test]
fn regexp_extract_with_a_missing_group_is_an_error() {
    let err = fails("SELECT regexp_extract('a1', '(\\\\d)', 2)");
    assert!(err.to_string().contains("group index is 2"), "{err}");
}

#[test]
fn an_invalid_regular_expression_is_an_error_naming_it() {
    let err = fails("SELECT split('a,b', '(')");
    assert!(
        err.to_string().contains("invalid regular expression '('"),
        "{err}"
    );
}

#[test]
fn string_functions_of_null_are_null() {
    for sql in [
        "SELECT split(CAST(NULL AS STRING), ',')",
        "SELECT regexp_extract(CAST(NULL AS STRING), 'a', 0)",
        "SELECT locate('a', CAST(NULL AS STRING))",
        "SELECT conv(CAST(NULL AS STRING), 10, 2)",
        "SELECT bround(CAST(NULL AS DOUBLE), 1)",
        "SELECT try_add(CAST(NULL AS INT), CAST(1 AS INT))",
    ] {
        assert_eq!(one(sql), None, "{sql}");
    }
}

#[test]
fn split_by_an_empty_pattern_splits_characters_and_keeps_the_rest_at_the_limit() {
    assert_eq!(one("SELECT split('abc', '')").as_deref(), Some("[a, b, c]"));
    assert_eq!(
        one("SELECT split('abc', '', 2)").as_deref(),
        Some("[a, bc]")
    );
    assert_eq!(
        one("SELECT split('a,b,', ',')").as_deref(),
        Some("[a, b, ]")
    );
}

#[test]
fn conv_to_a_negative_base_writes_signed_numbers() {
    assert_eq!(one("SELECT conv('-10', 10, -16)").as_deref(), Some("-A"));
    assert_eq!(one("SELECT conv('10', 10, 99)"), None);
}

#[test]
fn percentile_outside_zero_to_one_is_an_error() {
    let err = fails("SELECT percentile(x, 1.5) FROM (VALUES (1.0), (2.0)) AS t(x)");
    assert!(
        err.to_string().contains(
            "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] The percentage must be between [0.0, 1.0]"
        ),
        "{err}"
    );
}

#[test]
fn conversions_that_fail_name_sparks_error_class() {
    for (sql, class) in [
        (
            "SELECT to_binary('xyz', 'hex')",
            "[CONVERSION_INVALID_INPUT]",
        ),
        (
            "SELECT to_number('1234', '99')",
            "[INVALID_FORMAT.MISMATCH_INPUT]",
        ),
        (
            "SELECT make_date(2023, 2, 29)",
            "[DATETIME_FIELD_OUT_OF_BOUNDS]",
        ),
        (
            "SELECT make_date(2023, 13, 1)",
            "[DATETIME_FIELD_OUT_OF_BOUNDS]",
        ),
    ] {
        let err = fails(sql).to_string();
        assert!(err.contains(class), "{sql}: {err}");
    }
    // The try_ forms still answer NULL.
    assert_eq!(one("SELECT try_to_binary('xyz', 'hex')"), None);
    assert_eq!(one("SELECT try_to_number('1234', '99')"), None);
}

#[test]
fn make_timestamp_out_of_range_is_an_error() {
    let err = fails("SELECT make_timestamp(2024, 2, 30, 0, 0, 0)");
    assert!(err.to_string().contains("invalid date or time"), "{err}");
}

#[test]
fn aggregate_of_a_null_array_is_null_and_of_an_empty_one_the_start() {
    assert_eq!(
        one("SELECT aggregate(CAST(NULL AS ARRAY<INT>), 0, (acc, x) -> acc + x)"),
        None
    );
    assert_eq!(
        one("SELECT aggregate(filter(array(1), x -> x > 5), 7, (acc, x) -> acc + x)").as_deref(),
        Some("7")
    );
}

#[test]
fn lateral_view_over_a_join_and_generator_with_the_wrong_names_count() {
    // Over a join the columns are referred to without their table's name (see shapes.rs).
    let n = session()
        .sql(
            "SELECT k, t.x FROM (SELECT 1 AS k) a JOIN (SELECT 1 AS j) b ON a.k = b.j \
             LATERAL VIEW explode(array(1, 2, 3)) t AS x",
        )
        .unwrap()
        .count()
        .unwrap();
    assert_eq!(n, 3);
    let err = fails("SELECT posexplode(array(1)) AS (a, b, c)");
    assert!(err.to_string().contains("produces 2 columns"), "{err}");
}

#[test]
fn a_lateral_view_column_can_be_qualified_in_order_by() {
    let batches = session()
        .sql(
            "SELECT t.x FROM (SELECT 1 AS k) LATERAL VIEW explode(array(3, 1, 2)) t AS x \
             ORDER BY t.x DESC",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(cells(&batches), [["3"], ["2"], ["1"]]);
}

#[test]
fn pivot_over_more_than_one_column_is_an_error() {
    let err = fails(
        "SELECT * FROM (SELECT 1 AS a, 2 AS b, 3 AS v) PIVOT (sum(v) FOR (a, b) IN ((1, 2)))",
    );
    assert!(err.to_string().contains("PIVOT"), "{err}");
}

#[test]
fn exists_subqueries_still_work_beside_the_exists_function() {
    let batches = session()
        .sql(
            "SELECT exists(array(1, 2), x -> x > 1) AS e \
             WHERE EXISTS (SELECT 1) AND 'exists(' <> ''",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert!(batches[0].column(0).as_boolean().value(0));
}

#[test]
fn arguments_of_the_wrong_kind_are_errors_not_panics() {
    for sql in [
        "SELECT array_size(1)",
        "SELECT map_contains_key(1, 1)",
        "SELECT sequence('a', 'b')",
        "SELECT get(1, 1)",
        "SELECT transform(1, x -> x)",
        "SELECT zip_with(array(1), 2, (a, b) -> a)",
        "SELECT map_filter(array(1), (k, v) -> true)",
        "SELECT filter(array(1), x -> x + 1)",
        "SELECT percentile_approx(name, 0.5) FROM (SELECT 'a' AS name)",
        "SELECT skewness('x')",
        "SELECT bround('x')",
        "SELECT try_add('a', 1)",
        "SELECT map_concat(1, 2)",
        "SELECT to_date('2024-01-01', name) FROM (SELECT 'yyyy' AS name)",
        "SELECT explode(array(1), array(2))",
    ] {
        let message = fails(sql).to_string();
        assert!(!message.contains("panic"), "{sql}: {message}");
    }
}

#[test]
fn array_sort_with_a_comparator_is_stable_and_a_null_answer_is_an_error() {
    assert_eq!(
        one("SELECT array_sort(array('bb', 'a', 'cc', 'd'), (x, y) -> length(x) - length(y))")
            .as_deref(),
        Some("[a, d, bb, cc]")
    );
    let err = fails("SELECT array_sort(array(1, 2), (x, y) -> CAST(NULL AS INT))");
    assert!(err.to_string().contains("returned NULL"), "{err}");
}

/// Integer literals are INT now, and a lambda's variable must follow: nested higher-order calls
/// failed to plan ("LambdaVariable field and schema field mismatch") when the inner call sat in
/// an argument of the outer one, or its lambda read the outer lambda's variable.
#[test]
fn nested_higher_order_functions_over_int_literals() {
    let cases = [
        (
            "SELECT forall(filter(array(1), x -> x > 5), x -> x > 0)",
            "true",
        ),
        (
            "SELECT filter(filter(array(1, 7), x -> x > 5), y -> y > 0)",
            "[7]",
        ),
        (
            "SELECT transform(array(array(1, 2)), a -> transform(a, b -> b + 1))",
            "[[2, 3]]",
        ),
        (
            "SELECT transform(array(1, 2), x -> transform(array(10), y -> x + y))",
            "[[11], [12]]",
        ),
        (
            "SELECT typeof(transform(array(1, 2), x -> x * 10))",
            "array<int>",
        ),
    ];
    for (sql, want) in cases {
        assert_eq!(one(sql).as_deref(), Some(want), "{sql}");
    }
}

#[test]
fn regression_ceil_and_floor_with_a_scale_are_exact_decimals_issue_10() {
    // Was: DOUBLE results computed in floating point.
    assert_eq!(
        one("SELECT ceil(CAST(3.14159 AS DOUBLE), 2)").as_deref(),
        Some("3.15")
    );
    assert_eq!(
        one("SELECT floor(CAST(3.14159 AS DOUBLE), 2)").as_deref(),
        Some("3.14")
    );
    assert_eq!(one("SELECT ceil(1234, -2)").as_deref(), Some("1300"));
    assert_eq!(one("SELECT floor(1234, -2)").as_deref(), Some("1200"));
    assert_eq!(one("SELECT ceil(-2.345, 1)").as_deref(), Some("-2.3"));
    assert_eq!(one("SELECT floor(-2.345, 1)").as_deref(), Some("-2.4"));
    assert_eq!(one("SELECT ceil(2.345, 5)").as_deref(), Some("2.345"));
    assert_eq!(
        one("SELECT ceil(CAST(12.5 AS DECIMAL(3, 1)), -3)").as_deref(),
        Some("1000")
    );
    assert_eq!(
        one("SELECT floor(CAST(12.5 AS DECIMAL(3, 1)), -3)").as_deref(),
        Some("0")
    );
    assert_eq!(
        one("SELECT floor(CAST(-12.5 AS DECIMAL(3, 1)), -3)").as_deref(),
        Some("-1000")
    );
    assert_eq!(one("SELECT ceil(CAST(NULL AS DOUBLE), 1)"), None);
    // 0.1 + 0.2 is 0.30000000000000004 as a DOUBLE; read as DECIMAL(30, 15) it is 0.3.
    assert_eq!(
        one("SELECT ceil(CAST(0.1 AS DOUBLE) + CAST(0.2 AS DOUBLE), 1)").as_deref(),
        Some("0.3")
    );
    // The scale must be a constant, as in Spark; a value too large for the type fails.
    let err = fails("SELECT ceil(2.5, n) FROM (VALUES (1)) AS t(n)");
    assert!(err.to_string().contains("constant integer"), "{err}");
    fails("SELECT ceil(1e300, 2)");
}

#[test]
fn regression_element_at_outside_the_array_is_an_error_as_in_spark_ansi_issue_10() {
    // Was: NULL (DataFusion's array_element); Spark 4 with ANSI on fails.
    for (sql, class) in [
        (
            "SELECT element_at(array(1, 2), 5)",
            "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index 5 is out of bounds. The array has 2",
        ),
        (
            "SELECT element_at(array(1, 2), -3)",
            "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index -3",
        ),
        (
            "SELECT element_at(array(1, 2), 0)",
            "[INVALID_INDEX_OF_ZERO]",
        ),
        (
            "SELECT element_at(a, 2) FROM (VALUES (array(1, 2)), (array(3))) AS t(a)",
            "The array has 1 elements",
        ),
    ] {
        let err = fails(sql);
        assert!(err.to_string().contains(class), "{sql}: {err}");
    }
    assert_eq!(
        one("SELECT element_at(array(1, 2), -1)").as_deref(),
        Some("2")
    );
    assert_eq!(
        one("SELECT element_at(array(1, 2), 2)").as_deref(),
        Some("2")
    );
    assert_eq!(one("SELECT element_at(array(1, NULL), 2)"), None);
    assert_eq!(one("SELECT element_at(CAST(NULL AS ARRAY<INT>), 7)"), None);
    assert_eq!(
        one("SELECT element_at(array(1, 2), CAST(NULL AS INT))"),
        None
    );
    // try_element_at keeps Spark's NULL.
    assert_eq!(one("SELECT try_element_at(array(1, 2), 5)"), None);
}

#[test]
fn regression_a_backslash_quote_stays_inside_a_string_literal_issue_10() {
    // Was: the Spark dialect's tokenizer ended 'it\'s' at the \'.
    assert_eq!(one(r"SELECT 'it\'s'").as_deref(), Some("it's"));
    assert_eq!(one(r"SELECT length('\'\'')").as_deref(), Some("2"));
    // The other escapes and doubled quotes are unchanged.
    assert_eq!(one(r"SELECT '\\d'").as_deref(), Some(r"\d"));
    assert_eq!(one(r"SELECT 'a\tb'").as_deref(), Some("a\tb"));
    assert_eq!(one(r"SELECT 'c:\\'").as_deref(), Some(r"c:\"));
    assert_eq!(one("SELECT 'it''s'").as_deref(), Some("it's"));
    assert_eq!(one(r"SELECT '100%' LIKE '100\%'").as_deref(), Some("true"));
}

#[test]
fn regression_arrays_zip_names_fields_after_column_arguments_issue_10() {
    // Was: fields `1`, `2` (DataFusion's). Spark names a column argument's field after the
    // column and any other argument's after its position from 0.
    let spark = session();
    let df = spark
        .sql(
            "SELECT arrays_zip(a, t.b, array(true)) AS z \
             FROM (SELECT array(1, 2) AS a, array('x', 'y') AS b) AS t",
        )
        .unwrap();
    assert_eq!(
        ember_sql::spark_type_name(df.schema().field(0).data_type()),
        "array<struct<a:int,b:string,2:boolean>>"
    );
    let batches = df.collect().unwrap();
    assert_eq!(
        cells(&batches)[0][0],
        "[{a: 1, b: x, 2: true}, {a: 2, b: y, 2: }]"
    );
    // The column keeps its name; without an alias it is named after the call.
    let df = spark
        .sql("SELECT arrays_zip(a, array(1)) FROM (SELECT array(1, 2) AS a)")
        .unwrap();
    let field = df.schema().field(0).clone();
    assert_eq!(field.name(), "arrays_zip(a, array(1))");
    assert_eq!(
        ember_sql::spark_type_name(field.data_type()),
        "array<struct<a:int,1:int>>"
    );
}

/// `array_insert` pads a far position with NULLs; a position that would make a huge array is a
/// clear error, not an allocation of billions of elements.
#[test]
fn array_insert_far_past_the_end_is_bounded() {
    assert_eq!(
        one("SELECT array_insert(array(1), 3, 9)").as_deref(),
        Some("[1, , 9]")
    );
    for pos in ["2147483647", "-2147483647"] {
        let err = fails(&format!("SELECT array_insert(array(1), {pos}, 9)"));
        assert!(
            err.to_string().contains("COLLECTION_SIZE_LIMIT_EXCEEDED"),
            "{err}"
        );
    }
}

#[test]
fn base32_that_is_not_base32_is_an_error_naming_it() {
    let err = fails("SELECT from_base32('MZ!W')");
    assert!(err.to_string().contains("from_base32"), "{err}");
    assert_eq!(
        one("SELECT CAST(from_base32('mzxw6ytboi') AS STRING)").as_deref(),
        Some("foobar")
    );
}

#[test]
fn vector_norm_of_an_unsupported_degree_is_an_error() {
    let err = fails("SELECT vector_norm(array(1.0F), 3.0F)");
    assert!(err.to_string().contains("degree"), "{err}");
}

/// Functions whose output size is an argument build what a query asks for outside the memory
/// pool: each refuses, before allocating, more than Ember's limit per call (before, one
/// `repeat('x', 1000000000)` took 4 GB and `sequence(1, 500000000)` 6 GB).
#[test]
fn functions_that_generate_their_output_size_are_bounded() {
    for sql in [
        "SELECT repeat('x', 1000000000)",
        "SELECT repeat(name, 200000000) FROM VALUES ('abc'), ('de') AS t(name)",
        "SELECT lpad('x', 1000000000, 'y')",
        "SELECT rpad('x', 1000000000, 'y')",
        "SELECT space(1000000000)",
        "SELECT array_repeat(1, 500000000)",
        "SELECT sequence(1, 500000000)",
        "SELECT sequence(5000000000, 1, -1)",
        "SELECT randstr(2000000000, 1)",
        // 3.6 million dates a row, 40 rows in a batch.
        "SELECT sequence(date_add(DATE'0001-01-01', CAST(id AS INT)), DATE'9999-12-31', \
         INTERVAL 1 DAY) FROM range(40)",
    ] {
        let err = fails(sql);
        assert!(
            err.to_string().contains("COLLECTION_SIZE_LIMIT_EXCEEDED"),
            "{sql}: {err}"
        );
    }
    // Ordinary calls are untouched.
    assert_eq!(one("SELECT repeat('ab', 3)").as_deref(), Some("ababab"));
    assert_eq!(one("SELECT lpad('x', 4, 'y')").as_deref(), Some("yyyx"));
    assert_eq!(
        one("SELECT size(sequence(1, 100000))").as_deref(),
        Some("100000")
    );
    assert_eq!(
        one("SELECT size(sequence(DATE'2024-01-01', DATE'2024-03-01', INTERVAL 1 MONTH))")
            .as_deref(),
        Some("3")
    );
    assert_eq!(
        one("SELECT size(array_repeat('a', 3))").as_deref(),
        Some("3")
    );
}

/// Issue 20: a seeded random function draws one sequence through all of a query's batches (as
/// each of Spark's partitions does), not the same numbers again in every batch, and the same
/// query draws the same numbers again.
#[test]
fn seeded_random_functions_continue_across_batches_and_repeat_per_query() {
    let spark = session();
    // Each column sorted on its own: `range` is split over the session's partitions, which
    // draw from the one sequence in whatever order they run, so which rand goes with which
    // randstr in a row may change, while the numbers drawn do not.
    let draws = |sql: &str| {
        let rows = cells(&spark.sql(sql).unwrap().collect().unwrap());
        let mut columns = vec![Vec::new(); rows.first().map_or(0, Vec::len)];
        for row in rows {
            for (column, cell) in columns.iter_mut().zip(row) {
                column.push(cell);
            }
        }
        for column in &mut columns {
            column.sort();
        }
        columns
    };
    let query = "SELECT rand(11), randstr(12, 11) FROM range(20000)";
    let first = draws(query);
    assert_eq!(first.len(), 2);
    for column in &first {
        assert_eq!(column.len(), 20_000);
        let mut distinct = column.clone();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            20_000,
            "a batch drew the numbers of another"
        );
    }
    assert_eq!(draws(query), first, "the same seed drew other numbers");
    // Without a seed each query draws its own.
    let unseeded = "SELECT rand() FROM range(3)";
    assert_ne!(draws(unseeded), draws(unseeded));
}

/// Issue 20: `TABLESAMPLE` keeps the sampled relation's arguments and alias (DataFusion ignored
/// the clause and answered every row), and two `range` calls in one query are two scans (they
/// were taken for one: `range(5)` and `range(10)` both counted 5).
#[test]
fn tablesample_and_range_keep_their_arguments() {
    let count = |sql: &str| -> i64 { one(sql).unwrap().parse().unwrap() };
    assert_eq!(
        count("SELECT count(*) FROM (SELECT * FROM range(10)) x TABLESAMPLE (2 ROWS)"),
        2
    );
    assert_eq!(
        count("SELECT max(y.id) FROM range(10) AS y TABLESAMPLE (3 ROWS)"),
        2
    );
    assert_eq!(
        count("SELECT (SELECT count(*) FROM range(5)) + (SELECT count(*) FROM range(10))"),
        15
    );
    // A percentage keeps about that share of the rows (30 rows is one standard deviation).
    let kept = count("SELECT count(*) FROM range(10000) TABLESAMPLE (10 PERCENT)");
    assert!((700..1300).contains(&kept), "{kept}");
    assert_eq!(
        count("SELECT count(*) FROM range(50) TABLESAMPLE (100 PERCENT)"),
        50
    );
    let err = fails("SELECT * FROM range(3) TABLESAMPLE (BUCKET 1 OUT OF 2)");
    assert!(err.to_string().contains("TABLESAMPLE (BUCKET"), "{err}");
}

#[test]
fn constructs_ember_lacks_are_refused_by_name_not_as_syntax_errors() {
    for (sql, named) in [
        (
            "SELECT TRANSFORM (id) USING 'cat' AS (x) FROM range(3)",
            "SELECT TRANSFORM (…) USING '…' (Hive's script transform)",
        ),
        (
            "SELECT TRANSFORM (id, id + 1)\n  ROW FORMAT DELIMITED USING 'cat' FROM range(3)",
            "Hive's script transform",
        ),
        ("FROM range(3) |> WHERE id > 1", "SQL pipe syntax"),
        // Rows without parentheses are read where a list of expressions ends with its alias,
        // and named where not.
        (
            "SELECT a FROM (VALUES 1 + 1, -3 AS t(a))",
            "VALUES rows without parentheses",
        ),
    ] {
        let err = fails(sql);
        assert!(
            matches!(err, Error::Plan { .. }) && err.to_string().contains(named),
            "{sql}: {err:?}"
        );
    }
    // Only what does not parse is named: `transform` the function, `|`, and VALUES rows in
    // parentheses are what they were.
    let df = session()
        .sql(
            "SELECT transform(array(1, 2), x -> x + 1) AS t, 6 | 1 AS b, a FROM VALUES (1) AS v(a)",
        )
        .and_then(|df| df.collect())
        .unwrap();
    assert_eq!(df[0].num_rows(), 1);
    // Any other syntax error keeps the parser's position, a column named `values` included.
    for sql in ["SELECT FROM WHERE", "SELECT values, 1 FROM range(1) WHERE"] {
        assert!(matches!(fails(sql), Error::Parse { line: 1, .. }), "{sql}");
    }
}

#[test]
fn counter_diff_needs_a_window_and_spans_batches() {
    // Without OVER it is a clear error, not a crash or "invalid function".
    let err = fails("SELECT counter_diff(c) FROM VALUES (1), (2) AS t(c)").to_string();
    assert!(
        err.contains("[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE]"),
        "{err}"
    );
    let err = fails("SELECT row_number() FROM VALUES (1) AS t(c)").to_string();
    assert!(
        err.contains("[WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE]"),
        "{err}"
    );
    // A partition larger than one batch: each row compares with the one before it, across
    // batch boundaries (DataFusion's batches are 8192 rows).
    let sql = "SELECT count(*), sum(d), count(d) FROM (SELECT counter_diff(id * 2) OVER (ORDER BY id) AS d FROM range(20000))";
    let batches = session().sql(sql).unwrap().collect().unwrap();
    assert_eq!(cells(&batches), [["20000", "39998", "19999"]]);
}

#[test]
fn a_bigint_sum_past_its_range_is_the_typed_overflow_error() {
    for sql in [
        "SELECT sum(x) FROM VALUES (9223372036854775807L), (1L) AS t(x)",
        "SELECT g, sum(x) FROM VALUES (1, 9223372036854775807L), (1, 1L) AS t(g, x) GROUP BY g",
        "SELECT sum(x) FROM VALUES (-9223372036854775807L), (-2L) AS t(x)",
        // A sliding frame whose sum does not fit (the rows enter and leave the frame).
        "SELECT sum(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) \
         FROM VALUES (1, 1L), (2, 9223372036854775807L), (3, 0L), (4, 1L) AS t(i, x)",
    ] {
        let err = fails(sql);
        assert!(
            matches!(&err, Error::ArithmeticOverflow { operator: "+", data_type, .. } if data_type == "bigint"),
            "{sql}: {err}"
        );
    }
    // try_sum answers NULL instead; an INT sum is BIGINT, so it does not overflow at INT's end.
    assert_eq!(
        one("SELECT try_sum(x) FROM VALUES (9223372036854775807L), (1L) AS t(x)"),
        None
    );
    assert_eq!(
        one("SELECT sum(x) FROM VALUES (2147483647), (1) AS t(x)").as_deref(),
        Some("2147483648")
    );
}
