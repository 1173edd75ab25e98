//! Integer overflow (issue 10, "wrong answers come first"): Spark 4 with ANSI mode on raises
//! `ARITHMETIC_OVERFLOW` where DataFusion's integer arithmetic wraps around. Each case used to
//! return a wrapped number (`2147483647 + 1` was `-2147483648`).

use ember_sql::arrow::array::{Array, AsArray};
use ember_sql::arrow::datatypes::{Float64Type, Int32Type, Int64Type};
use ember_sql::prelude::{col, lit, sum};
use ember_sql::{Error, Session};

use crate::fixture::{cells, session_with_views};

/// The overflow error of `query`, as `(operator, type, detail)`.
fn overflow(spark: &Session, query: &str) -> (String, String, String) {
    match spark.sql(query).and_then(|df| df.collect()) {
        Err(Error::ArithmeticOverflow {
            operator,
            data_type,
            detail,
        }) => (operator.to_owned(), data_type, detail),
        other => panic!("{query}: expected an overflow error, got {other:?}"),
    }
}

fn overflow_op(spark: &Session, query: &str) -> (String, String) {
    let (op, t, _) = overflow(spark, query);
    (op, t)
}

#[test]
fn regression_int_overflow_of_constants_is_an_error_issue_10() {
    // Was: -2147483648, the constant folded at plan time with wrapping arithmetic.
    let spark = session_with_views();
    assert_eq!(
        overflow(&spark, "SELECT 2147483647 + 1"),
        ("+".into(), "int".into(), "2147483647 + 1".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT -2147483648 - 1"),
        ("-".into(), "int".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT 2147483647 * 2"),
        ("*".into(), "int".into())
    );
    assert_eq!(
        overflow(&spark, "SELECT 9223372036854775807 + 1"),
        (
            "+".into(),
            "bigint".into(),
            "9223372036854775807 + 1".into()
        )
    );
    // The message names the overflow, the values and the operator.
    let err = spark
        .sql("SELECT 2147483647 + 1")
        .unwrap()
        .collect()
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(
            "[ARITHMETIC_OVERFLOW] int overflow: 2147483647 + 1 does not fit in int (operator `+`)"
        ),
        "{message}"
    );
}

#[test]
fn regression_small_integer_overflow_is_an_error_issue_10() {
    // Was: 127Y + 1Y = -128 (TINYINT + TINYINT is TINYINT, as in Spark).
    let spark = session_with_views();
    assert_eq!(
        overflow_op(&spark, "SELECT 127Y + 1Y"),
        ("+".into(), "tinyint".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT -128Y - 1Y"),
        ("-".into(), "tinyint".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT 32767S * 2S"),
        ("*".into(), "smallint".into())
    );
}

#[test]
fn regression_int_and_bigint_column_overflow_is_an_error_issue_10() {
    // `people.id` is an INT column 1..4; 3 * 10^9 does not fit in 32 bits.
    let spark = session_with_views();
    assert_eq!(
        overflow(&spark, "SELECT id * 1000000000 FROM people"),
        ("*".into(), "int".into(), "3 * 1000000000".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT id + 2147483646 AS x FROM people"),
        ("+".into(), "int".into())
    );
    assert_eq!(
        overflow_op(
            &spark,
            "SELECT CAST(id AS BIGINT) * 4611686018427387904 FROM people"
        ),
        ("*".into(), "bigint".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT -9223372036854775807 - id FROM people"),
        ("-".into(), "bigint".into())
    );
    // Everywhere an expression runs: filters, aggregate arguments, grouping keys.
    for query in [
        "SELECT name FROM people WHERE id * 1000000000 > 0",
        "SELECT sum(id * 1000000000) FROM people",
        "SELECT id * 1000000000, count(*) FROM people GROUP BY id * 1000000000",
        "SELECT * FROM people WHERE id IN (SELECT id * 1000000000 FROM people)",
    ] {
        assert_eq!(
            overflow_op(&spark, query),
            ("*".into(), "int".into()),
            "{query}"
        );
    }
}

#[test]
fn regression_unary_minus_and_abs_of_the_minimum_are_errors_issue_10() {
    // Was: -(-2147483648) and abs(-2147483648) were -2147483648.
    let spark = session_with_views();
    let min = "(id - 2147483647 - 2)"; // -2147483648 for id = 1
    assert_eq!(
        overflow(&spark, &format!("SELECT -{min} FROM people")),
        ("unary -".into(), "int".into(), "-(-2147483648)".into())
    );
    assert_eq!(
        overflow(&spark, &format!("SELECT abs({min}) FROM people")),
        ("abs".into(), "int".into(), "abs(-2147483648)".into())
    );
    assert_eq!(
        overflow_op(&spark, &format!("SELECT negative({min}) FROM people")),
        ("negative".into(), "int".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT -(-9223372036854775808)"),
        ("unary -".into(), "bigint".into())
    );
    assert_eq!(
        overflow_op(&spark, "SELECT abs(-128Y)"),
        ("abs".into(), "tinyint".into())
    );
}

#[test]
fn regression_overflow_in_the_dataframe_api_is_an_error_issue_10() {
    let spark = session_with_views();
    let people = spark.table("people").unwrap();
    let err = people
        .select([col("id") * lit(1_000_000_000i32)])
        .unwrap()
        .collect()
        .unwrap_err();
    assert!(
        matches!(&err, Error::ArithmeticOverflow { operator: "*", data_type, .. } if data_type == "int"),
        "{err:?}"
    );
}

#[test]
fn arithmetic_that_fits_keeps_its_values_types_and_names() {
    let spark = session_with_views();
    let df = spark
        .sql(
            "SELECT id + 1, id * 1000000, id - 2147483647 - 1, -id, abs(id - 3), \
             negative(id), 127Y + 0Y, CAST(id AS BIGINT) * 3000000000 \
             FROM people WHERE id = 2",
        )
        .unwrap();
    let batches = df.collect().unwrap();
    assert_eq!(
        cells(&batches),
        [[
            "3",
            "2000000",
            "-2147483646",
            "-2",
            "1",
            "-2",
            "127",
            "6000000000"
        ]]
    );
    let types: Vec<String> = batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| ember_sql::spark_type_name(f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            "int", "int", "int", "int", "int", "int", "tinyint", "bigint"
        ]
    );
    // Nulls stay nulls.
    let nulls = spark
        .sql("SELECT age + 1, -age, abs(age) FROM people WHERE id = 2")
        .unwrap()
        .collect()
        .unwrap();
    assert!(nulls[0].columns().iter().all(|c| c.is_null(0)));
    assert_eq!(
        nulls[0].column(0).as_primitive::<Int32Type>().null_count(),
        1
    );
}

#[test]
fn checked_arithmetic_keeps_column_names() {
    // The checked operations are named exactly like DataFusion's wrapping ones: compare with a
    // session that wraps (ANSI off), nested expressions and aggregates included.
    let checked = session_with_views();
    let wrapping = ember_sql::Session::builder()
        .master("local[2]")
        .config("spark.sql.ansi.enabled", "false")
        .get_or_create()
        .unwrap();
    let people = checked.table("people").unwrap().collect().unwrap();
    wrapping
        .create_dataframe_from_batches(people)
        .unwrap()
        .create_temp_view("people")
        .unwrap();
    let queries = [
        "SELECT id + 1, id * 2 - 3, -id, abs(id), negative(id), 1 + 2 * 3, (id + 1) * (id - 1) FROM people",
        "SELECT sum(id * 2), max(-id) FROM people GROUP BY id % 2 + 1",
        "SELECT id + 1 AS x, 2147483647 + 0 FROM people ORDER BY id * 2",
    ];
    for query in queries {
        let names = |spark: &Session| {
            let df = spark.sql(query).unwrap();
            let declared = df.columns();
            let batches = df.collect().unwrap();
            let ran: Vec<String> = batches[0]
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            assert_eq!(declared, ran, "{query}");
            declared
        };
        assert_eq!(names(&checked), names(&wrapping), "{query}");
    }
    assert_eq!(
        checked
            .sql("SELECT id + 1, -id FROM people")
            .unwrap()
            .columns(),
        ["(id + 1)", "(- id)"]
    );
}

#[test]
fn ansi_off_wraps_as_spark_legacy_mode_does() {
    let spark = ember_sql::Session::builder()
        .master("local[1]")
        .config("spark.sql.ansi.enabled", "false")
        .get_or_create()
        .unwrap();
    let batches = spark
        .sql("SELECT 2147483647 + 1, 9223372036854775807 + 1")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(cells(&batches), [["-2147483648", "-9223372036854775808"]]);
}

#[test]
fn decimal_and_floating_point_arithmetic_is_untouched() {
    let spark = session_with_views();
    let batches = spark
        .sql("SELECT 2.5 * 2, 1.5 + id, CAST(1e308 AS DOUBLE) * 10, id * 1.5e0 FROM people WHERE id = 2")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(cells(&batches), [["5.0", "3.5", "inf", "3.0"]]);
    let double = batches[0].column(2).as_primitive::<Float64Type>();
    assert!(double.value(0).is_infinite());
    // BIGINT arithmetic beyond INT is fine.
    let big = spark
        .sql("SELECT 2147483647 + 1L")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        big[0].column(0).as_primitive::<Int64Type>().value(0),
        2147483648
    );
    // An aggregate over integer arithmetic that fits.
    let total = spark
        .table("people")
        .unwrap()
        .group_by([])
        .agg([sum(col("id") * lit(1_000_000i32))])
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        total[0].column(0).as_primitive::<Int64Type>().value(0),
        10_000_000
    );
}

#[test]
fn branches_no_row_takes_do_not_fail() {
    // As in Spark, only values that are computed can overflow: the constant in the untaken
    // branch is not folded into an error, and the column branch runs only for its rows.
    let spark = session_with_views();
    let batches = spark
        .sql(
            "SELECT id, CASE WHEN id < 3 THEN id * 1000000000 ELSE -1 END, \
             if(id > 100, 2147483647 + 1, 0), coalesce(1, 2147483647 + 1) \
             FROM people ORDER BY id",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        cells(&batches),
        [
            ["1", "1000000000", "0", "1"],
            ["2", "2000000000", "0", "1"],
            ["3", "-1", "0", "1"],
            ["4", "-1", "0", "1"],
        ]
    );
}

/// A zero divisor (issue 10): Spark 4 with ANSI on raises `DIVIDE_BY_ZERO` for `/` and `DIV`
/// (`REMAINDER_BY_ZERO` for `%`); Ember returned NULL, Spark's legacy answer (and NaN for a
/// `DOUBLE % 0`). It still does with ANSI off, `try_divide` gives
/// NULL, and a branch no row takes does not fail.
#[test]
fn division_by_zero_is_an_error_with_ansi_on() {
    let spark = session_with_views();
    for (query, op) in [
        ("SELECT 1 / 0", "/"),
        ("SELECT 1.5D / 0", "/"),
        ("SELECT 7 DIV 0", "div"),
        ("SELECT id / (id - 1) FROM people", "/"),
        ("SELECT id DIV (id - 1) FROM people", "div"),
        ("SELECT 7 % 0", "%"),
        ("SELECT 7.5D % 0", "%"),
        ("SELECT id % (id - 1) FROM people", "%"),
    ] {
        match spark.sql(query).and_then(|df| df.collect()) {
            Err(Error::DivideByZero { operator }) => assert_eq!(operator, op, "{query}"),
            other => panic!("{query}: expected DIVIDE_BY_ZERO, got {other:?}"),
        }
    }
    let err = spark.sql("SELECT 1 / 0").unwrap().collect().unwrap_err();
    assert!(err.to_string().starts_with("[DIVIDE_BY_ZERO]"), "{err}");
    let err = spark.sql("SELECT 7 % 0").unwrap().collect().unwrap_err();
    assert!(err.to_string().starts_with("[REMAINDER_BY_ZERO]"), "{err}");
    // What does not divide by zero still answers.
    let batches = spark
        .sql(
            "SELECT 7 / 2, 7 DIV 2, try_divide(1, 0), \
             CASE WHEN id = 1 THEN NULL ELSE id / (id - 1) END \
             FROM people WHERE id <= 2 ORDER BY id",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        cells(&batches),
        [["3.5", "3", "", ""], ["3.5", "3", "", "2.0"]]
    );

    let legacy = ember_sql::Session::builder()
        .master("local[1]")
        .config("spark.sql.ansi.enabled", "false")
        .get_or_create()
        .unwrap();
    let batches = legacy
        .sql("SELECT 1 / 0, 7 DIV 0")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(cells(&batches), [["", ""]]);
}
