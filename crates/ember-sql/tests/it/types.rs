//! Spark's types (issue 10): literal types, decimal division, `typeof`, the session time zone,
//! Spark's type names and `printSchema`.

use ember_sql::arrow::array::{Array, AsArray, RecordBatch};
use ember_sql::arrow::datatypes::{DataType, TimeUnit};
use ember_sql::{Session, spark_type_name};

use crate::fixture::{cells, session, session_with_views};

fn one_row(spark: &Session, query: &str) -> RecordBatch {
    let batches = spark.sql(query).unwrap().collect().unwrap();
    assert_eq!(batches.len(), 1, "{query}");
    batches.into_iter().next().unwrap()
}

/// `(name, Spark type, value as text)` of each column of a one-row query.
fn columns(spark: &Session, query: &str) -> Vec<(String, String, String)> {
    let batch = one_row(spark, query);
    let values = cells(std::slice::from_ref(&batch)).swap_remove(0);
    batch
        .schema()
        .fields()
        .iter()
        .zip(values)
        .map(|(f, text)| (f.name().clone(), spark_type_name(f.data_type()), text))
        .collect()
}

fn types(spark: &Session, query: &str) -> Vec<String> {
    columns(spark, query)
        .into_iter()
        .map(|(_, t, _)| t)
        .collect()
}

#[test]
fn regression_integer_literals_are_int_when_they_fit_issue_10() {
    // Was: every integer literal BIGINT, so `SELECT 1` and INT + 1 were `bigint`.
    let spark = session_with_views();
    assert_eq!(
        types(&spark, "SELECT 1, 2147483647, -2147483648, 10000000000"),
        ["int", "int", "int", "bigint"]
    );
    assert_eq!(
        types(
            &spark,
            "SELECT id + 1, id * 2, array(10, 20), 7 % 3 FROM people WHERE id = 1"
        ),
        ["int", "int", "array<int>", "int"]
    );
    // Spark's suffixes; `1Y` used to be `1 AS Y`. Suffixed literals are named like their value,
    // so a select list may hold `1Y` and `1S`.
    assert_eq!(
        columns(&spark, "SELECT 1Y, 2S AS s, 3L AS l"),
        [
            ("1".into(), "tinyint".into(), "1".into()),
            ("s".into(), "smallint".into(), "2".into()),
            ("l".into(), "bigint".into(), "3".into()),
        ]
    );
    assert!(spark.sql("SELECT 300Y").is_err());
    // Aggregates over INT are Spark's: sum is BIGINT.
    assert_eq!(
        types(&spark, "SELECT sum(1), count(*), count(1), avg(1)"),
        ["bigint", "bigint", "bigint", "double"]
    );
}

#[test]
fn literal_types_keep_column_names_and_positional_clauses() {
    let spark = session_with_views();
    // Spark's names, which typing the literals does not change.
    let names: Vec<String> = columns(
        &spark,
        "SELECT 1, id + 1, 2.5, -2.5 FROM people WHERE id = 1",
    )
    .into_iter()
    .map(|(n, _, _)| n)
    .collect();
    assert_eq!(names, ["1", "(id + 1)", "2.5", "-2.5"]);
    // Numbers the planner reads as positions, counts and frame bounds still work.
    let batches = spark
        .sql("SELECT id, count(*) FROM people GROUP BY 1 ORDER BY 1 DESC LIMIT 2 OFFSET 1")
        .unwrap()
        .collect()
        .unwrap();
    let ids: Vec<i32> = batches
        .iter()
        .flat_map(|b| {
            b.column(0)
                .as_primitive::<ember_sql::arrow::datatypes::Int32Type>()
                .values()
                .to_vec()
        })
        .collect();
    assert_eq!(ids, [3, 2]);
    assert_eq!(
        columns(
            &spark,
            "SELECT substr('hello', 2, 3), date_add(DATE '2024-01-01', 2), \
             element_at(array(1, 2), 1), array(10, 20)[0], lpad('7', 3, '0'), \
             DATE '2024-01-01' + INTERVAL 1 DAY"
        )
        .into_iter()
        .map(|(_, _, v)| v)
        .collect::<Vec<_>>(),
        ["ell", "2024-01-03", "1", "10", "007", "2024-01-02"]
    );
    let windowed = spark
        .sql(
            "SELECT id, ntile(2) OVER (ORDER BY id), lag(id, 1, 0) OVER (ORDER BY id), \
             sum(id) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM people",
        )
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(windowed.iter().map(RecordBatch::num_rows).sum::<usize>(), 4);
    // Decimal frame offsets and interval amounts stay as the planner reads them.
    for query in [
        "SELECT sum(x) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) \
         FROM VALUES (1.0), (2.0), (4.0) AS t(x)",
        "SELECT sum(x) OVER w FROM VALUES (1.0), (2.0), (4.0) AS t(x) \
         WINDOW w AS (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW)",
    ] {
        let sums = spark.sql(query).unwrap().collect().unwrap();
        let text = ember_sql::arrow::util::pretty::pretty_format_batches(&sums)
            .unwrap()
            .to_string();
        assert!(
            text.contains("| 3.0") && text.contains("| 4.0"),
            "{query}: {text}"
        );
    }
    assert_eq!(
        columns(
            &spark,
            "SELECT TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 1.5 SECOND"
        )[0]
        .2,
        "2024-01-01T00:00:01.500Z"
    );
    // VALUES rows are INT too, and a union with a BIGINT widens.
    assert_eq!(types(&spark, "SELECT k FROM VALUES (1) AS t(k)"), ["int"]);
    let union = spark
        .sql("SELECT 1 AS x UNION ALL SELECT 10000000000 AS x")
        .unwrap();
    assert_eq!(union.schema().field(0).data_type(), &DataType::Int64);
    assert_eq!(union.count().unwrap(), 2);
}

#[test]
fn regression_decimal_and_double_literals_follow_spark_issue_10() {
    // Was: `2.5` a DOUBLE, so `0.1 + 0.2` was 0.30000000000000004.
    let spark = session_with_views();
    assert_eq!(
        columns(
            &spark,
            "SELECT 2.5 AS a, 0.1 + 0.2 AS b, 007.50 AS c, 1e2 AS d, 2.5D AS e, 1.5F AS f, 2.5BD AS g"
        ),
        [
            ("a".into(), "decimal(2,1)".into(), "2.5".into()),
            ("b".into(), "decimal(2,1)".into(), "0.3".into()),
            ("c".into(), "decimal(3,2)".into(), "7.50".into()),
            ("d".into(), "double".into(), "100.0".into()),
            ("e".into(), "double".into(), "2.5".into()),
            ("f".into(), "float".into(), "1.5".into()),
            ("g".into(), "decimal(2,1)".into(), "2.5".into()),
        ]
    );
    // Spark's result types of mixed CASE and decimal arithmetic.
    assert_eq!(
        types(
            &spark,
            "SELECT CASE WHEN true THEN 1 ELSE 2.5 END, 2.5 * 2, 2.5 + 1, 1 - 2.5, 2.5 * 1.5, \
             id * 2.5 FROM people WHERE id = 1"
        ),
        [
            "decimal(11,1)",
            "decimal(4,1)",
            "decimal(3,1)",
            "decimal(3,1)",
            "decimal(5,2)",
            "decimal(13,1)"
        ]
    );
    assert_eq!(
        types(&spark, "SELECT sum(2.5), sum(id * 0.5) FROM people"),
        ["decimal(12,1)", "decimal(22,1)"]
    );
}

#[test]
fn regression_decimal_division_has_sparks_scale_issue_10() {
    // DataFusion divides decimals to the dividend's scale + 4 (`1.0 / 3` = 0.33333); Spark keeps
    // at least 6 digits and rounds half up. Values and types as recorded from PySpark 4.
    let spark = session();
    assert_eq!(
        columns(
            &spark,
            "SELECT 1.0 / 3 AS a, 2.5 / 2 AS b, 2.5 / 0.3 AS c, -2.0 / 3 AS d"
        )
        .into_iter()
        .map(|(_, t, v)| (t, v))
        .collect::<Vec<_>>(),
        [
            ("decimal(7,6)".into(), "0.333333".into()),
            ("decimal(7,6)".into(), "1.250000".into()),
            ("decimal(8,6)".into(), "8.333333".into()),
            ("decimal(7,6)".into(), "-0.666667".into()),
        ]
    );
    // Integers still divide as doubles.
    assert_eq!(types(&spark, "SELECT 7 / 2"), ["double"]);
}

#[test]
fn typeof_names_spark_types() {
    let spark = session();
    let names: Vec<String> = columns(
        &spark,
        "SELECT typeof(1) a, typeof(2.5) b, typeof(array(1)) c, typeof(map('a', 1)) d, \
         typeof(named_struct('a', 1)) e, typeof(3L) f, typeof(DATE '2024-01-01') g, \
         typeof(1e2) h, typeof(NULL) i, typeof(TIMESTAMP '2024-01-01 00:00:00') j, \
         typeof(TIMESTAMP_NTZ '2024-01-01 00:00:00') k",
    )
    .into_iter()
    .map(|(_, _, v)| v)
    .collect();
    assert_eq!(
        names,
        [
            "int",
            "decimal(2,1)",
            "array<int>",
            "map<string,int>",
            "struct<a:int>",
            "bigint",
            "date",
            "double",
            "void",
            "timestamp",
            "timestamp_ntz"
        ]
    );
}

#[test]
fn regression_timestamp_is_zone_aware_in_the_session_time_zone_issue_10() {
    // Was: `TIMESTAMP '…'` a nanosecond timestamp without zone (Spark's TIMESTAMP_NTZ).
    let spark = Session::builder()
        .master("local[1]")
        .config("spark.sql.session.timeZone", "America/New_York")
        .get_or_create()
        .unwrap();
    let batch = one_row(
        &spark,
        "SELECT TIMESTAMP '2024-01-01 10:00:00' AS ts, TIMESTAMP_NTZ '2024-01-01 10:00:00' AS ntz, \
         CAST('2024-01-01 10:00:00' AS TIMESTAMP) AS cast_ts",
    );
    let schema = batch.schema();
    let zoned = DataType::Timestamp(TimeUnit::Microsecond, Some("America/New_York".into()));
    assert_eq!(schema.field(0).data_type(), &zoned);
    assert_eq!(
        schema.field(1).data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    assert_eq!(schema.field(2).data_type(), &zoned);
    // 10:00 in New York is 15:00 UTC; the wall-clock NTZ value is 10:00 as written.
    let micros = |i: usize| {
        batch
            .column(i)
            .as_primitive::<ember_sql::arrow::datatypes::TimestampMicrosecondType>()
            .value(0)
    };
    assert_eq!(micros(0), 1_704_121_200_000_000);
    assert_eq!(micros(1), 1_704_103_200_000_000);
    assert_eq!(micros(2), micros(0));
    // Ember's default session time zone is UTC.
    let utc = session()
        .sql("SELECT TIMESTAMP '2024-01-01 10:00:00'")
        .unwrap();
    assert_eq!(
        utc.schema().field(0).data_type(),
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
    );
}

#[test]
fn spark_type_names_and_print_schema() {
    let spark = session_with_views();
    let df = spark
        .sql(
            "SELECT id, name, CAST(id AS BIGINT) AS big, 2.5 AS price, array(id) AS ids, \
             map('k', id) AS m, named_struct('a', id, 'b', name) AS st FROM people",
        )
        .unwrap();
    let names: Vec<String> = df
        .schema()
        .fields()
        .iter()
        .map(|f| spark_type_name(f.data_type()))
        .collect();
    assert_eq!(
        names,
        [
            "int",
            "string",
            "bigint",
            "decimal(2,1)",
            "array<int>",
            "map<string,int>",
            "struct<a:int,b:string>"
        ]
    );
    assert_eq!(
        df.tree_string(),
        "root\n \
         |-- id: integer (nullable = false)\n \
         |-- name: string (nullable = false)\n \
         |-- big: long (nullable = false)\n \
         |-- price: decimal(2,1) (nullable = false)\n \
         |-- ids: array (nullable = false)\n \
         |    |-- element: integer (containsNull = true)\n \
         |-- m: map (nullable = true)\n \
         |    |-- key: string\n \
         |    |-- value: integer (valueContainsNull = true)\n \
         |-- st: struct (nullable = true)\n \
         |    |-- a: integer (nullable = true)\n \
         |    |-- b: string (nullable = true)\n"
    );
}

#[test]
fn regression_views_made_by_sql_keep_spark_types_issue_10() {
    // A view created by `CREATE VIEW` used to store the plan before Spark's literal types.
    let spark = session();
    spark
        .sql("CREATE TEMP VIEW v AS SELECT 1 AS x, 2.5 AS d")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(
        types(&spark, "SELECT x, d, typeof(x) FROM v"),
        ["int", "decimal(2,1)", "string"]
    );
    assert_eq!(columns(&spark, "SELECT typeof(x) FROM v")[0].2, "int");
}

#[test]
fn regression_string_arithmetic_coerces_as_spark_issue_10() {
    // Was: "Cannot coerce arithmetic expression Utf8 + Int64". Spark (ANSI) casts the string to
    // BIGINT next to an integer, to DOUBLE next to a DOUBLE, and fails on a malformed one.
    let spark = session();
    assert_eq!(
        columns(&spark, "SELECT '5' + 3 AS a, 3 - '5' AS b, '2' * 2.5D AS c")
            .into_iter()
            .map(|(_, t, v)| (t, v))
            .collect::<Vec<_>>(),
        [
            ("bigint".into(), "8".into()),
            ("bigint".into(), "-2".into()),
            ("double".into(), "5.0".into()),
        ]
    );
    assert!(
        spark
            .sql("SELECT '5.5' + 3")
            .and_then(|df| df.collect())
            .is_err()
    );
}

#[test]
fn regression_rdd_rows_hold_zoned_and_wall_clock_timestamps_issue_10() {
    // `DataType::Timestamp` was stored without a zone, so Spark's TIMESTAMP read as
    // TIMESTAMP_NTZ; now it is an instant (UTC) and `TimestampNtz` the wall clock.
    use ember_sql::{DataType as SparkType, StructType, Value};
    let spark = session();
    let rows = spark
        .context()
        .parallelize(
            vec![vec![
                Value::Timestamp(1_704_103_200_000_000),
                Value::Timestamp(1_704_103_200_000_000),
            ]],
            1,
        )
        .unwrap();
    let schema = StructType::new()
        .add("at", SparkType::Timestamp, false)
        .add("wall", SparkType::TimestampNtz, false);
    spark
        .create_dataframe(&rows, schema)
        .unwrap()
        .create_temp_view("moments")
        .unwrap();
    assert_eq!(
        columns(&spark, "SELECT typeof(at), typeof(wall), hour(at), at = TIMESTAMP '2024-01-01 10:00:00' FROM moments")
            .into_iter()
            .map(|(_, _, v)| v)
            .collect::<Vec<_>>(),
        ["timestamp", "timestamp_ntz", "10", "true"]
    );
}

#[test]
fn regression_decimal_beside_double_is_double_issue_10() {
    // With `0.5` a DECIMAL, DataFusion's coercion cast DOUBLE columns to DECIMAL(30, 15) to
    // compare them: `x > 0.5` failed with "Overflowing on 1e40". Spark compares as DOUBLE.
    let spark = session();
    let batches = spark
        .sql(
            "SELECT x > 0.5, x IN (0.5, 1.5), x BETWEEN 0.5 AND 2.5, greatest(x, 2.5), \
             coalesce(x, 0.5), CASE WHEN x > 1 THEN x ELSE 0.5 END \
             FROM VALUES (1e40), (1.5D) AS t(x) ORDER BY x",
        )
        .unwrap()
        .collect()
        .unwrap();
    let schema = batches[0].schema();
    let types: Vec<String> = schema
        .fields()
        .iter()
        .map(|f| spark_type_name(f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            "boolean", "boolean", "boolean", "double", "double", "double"
        ]
    );
    let text = ember_sql::arrow::util::pretty::pretty_format_batches(&batches)
        .unwrap()
        .to_string();
    assert!(text.contains("1e40"), "{text}");
}

#[test]
fn regression_case_of_int_and_string_is_bigint_issue_10() {
    // Spark (ANSI) casts the string branch to BIGINT; DataFusion made the CASE a STRING.
    let spark = session();
    assert_eq!(
        columns(
            &spark,
            "SELECT CASE WHEN false THEN 1 ELSE '99' END AS c, coalesce(NULL, 7, '8') AS d"
        )
        .into_iter()
        .map(|(_, t, v)| (t, v))
        .collect::<Vec<_>>(),
        [
            ("bigint".into(), "99".into()),
            ("bigint".into(), "7".into())
        ]
    );
    assert!(
        spark
            .sql("SELECT CASE WHEN false THEN 1 ELSE 'x' END")
            .and_then(|df| df.collect())
            .is_err()
    );
}

#[test]
fn regression_round_of_a_decimal_has_sparks_type_issue_10() {
    // `round(2.345, 2)` was DECIMAL(4, 3) `2.350`: the input's type. Values and types as
    // recorded from PySpark 4.
    let spark = session();
    assert_eq!(
        columns(
            &spark,
            "SELECT round(2.345, 2) a, round(2.5) b, round(9.99, 1) c, round(123.45, -1) d, \
             round(-2.5) e, round(2.345D, 2) f, round(7, 0) g"
        )
        .into_iter()
        .map(|(_, t, v)| (t, v))
        .collect::<Vec<_>>(),
        [
            ("decimal(4,2)".into(), "2.35".into()),
            ("decimal(2,0)".into(), "3".into()),
            ("decimal(3,1)".into(), "10.0".into()),
            ("decimal(4,0)".into(), "120".into()),
            ("decimal(2,0)".into(), "-3".into()),
            ("double".into(), "2.35".into()),
            ("int".into(), "7".into()),
        ]
    );
}

#[test]
fn suffixed_literals_have_names_of_their_own() {
    let spark = session();
    let names: Vec<String> = columns(&spark, "SELECT 1Y, 1S, 1.5F, 2.5D, 2.5BD")
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    assert_eq!(
        names,
        [
            // Spark names two of them `1` and two `2.5`, as Ember does: a result may repeat a
            // name.
            "1", "1", "1.5", "2.5", "2.5"
        ]
    );
}

#[test]
fn regression_ceil_and_floor_with_a_scale_have_spark_decimal_types_issue_10() {
    // Was: DOUBLE. Spark reads the number as a decimal (DOUBLE as DECIMAL(30, 15), FLOAT as
    // DECIMAL(14, 7), integers by their digits) and keeps one more integer digit.
    assert_eq!(
        types(
            &session(),
            "SELECT ceil(CAST(3.14159 AS DOUBLE), 2), floor(1234, -2), ceil(CAST(1 AS BIGINT), 1), \
             ceil(CAST(1 AS TINYINT), 1) AS t, ceil(CAST(1.5 AS FLOAT), 1), ceil(2.345, 1), \
             ceil(2.345, 5), ceil(2.345, -1), ceil(CAST(12.5 AS DECIMAL(3, 1)), -3), \
             floor(CAST(1 AS SMALLINT), -1), ceil(2.5)"
        ),
        [
            "decimal(18,2)",
            "decimal(11,0)",
            "decimal(21,0)",
            "decimal(4,0)",
            "decimal(9,1)",
            "decimal(3,1)",
            "decimal(5,3)",
            "decimal(2,0)",
            "decimal(4,0)",
            "decimal(6,0)",
            "decimal(2,0)"
        ]
    );
}

#[test]
fn regression_datetime_functions_return_timestamps_in_the_session_time_zone_issue_10() {
    // Was: TIMESTAMP_NTZ results, with strings and fields read as UTC.
    let spark = Session::builder()
        .master("local[1]")
        .config("spark.sql.session.timeZone", "America/New_York")
        .get_or_create()
        .unwrap();
    let batch = one_row(
        &spark,
        "SELECT to_timestamp('2024-01-01 10:00:00') AS a, \
         to_timestamp('01/01/2024 10:00', 'dd/MM/yyyy HH:mm') AS b, \
         make_timestamp(2024, 1, 1, 10, 0, 0) AS c, timestamp_seconds(1704121200) AS d, \
         date_trunc('week', to_timestamp('2024-01-03 10:00:00')) AS e, \
         to_timestamp(DATE '2024-01-01') AS f",
    );
    let zoned = DataType::Timestamp(TimeUnit::Microsecond, Some("America/New_York".into()));
    let micros = |i: usize| {
        batch
            .column(i)
            .as_primitive::<ember_sql::arrow::datatypes::TimestampMicrosecondType>()
            .value(0)
    };
    for i in 0..6 {
        assert_eq!(batch.schema().field(i).data_type(), &zoned, "column {i}");
    }
    // 10:00 in New York is 15:00 UTC.
    for i in 0..4 {
        assert_eq!(micros(i), 1_704_121_200_000_000, "column {i}");
    }
    // Monday 2024-01-01 00:00 in New York, 05:00 UTC; a date is its midnight there.
    assert_eq!(micros(4), 1_704_085_200_000_000);
    assert_eq!(micros(5), 1_704_085_200_000_000);
    assert_eq!(
        columns(
            &spark,
            "SELECT unix_timestamp('2024-01-01 10:00:00') AS u, from_unixtime(1704121200) AS f"
        ),
        [
            ("u".to_owned(), "bigint".to_owned(), "1704121200".to_owned()),
            (
                "f".to_owned(),
                "string".to_owned(),
                "2024-01-01 10:00:00".to_owned()
            )
        ]
    );
    // Casts between a TIMESTAMP and a number are seconds since the epoch, the same instant in
    // any session zone (Spark's; an intermediate zone-less timestamp once moved it 5 hours).
    assert_eq!(
        columns(
            &spark,
            "SELECT CAST(TIMESTAMP '2024-01-01 10:00:00' AS BIGINT) AS s, \
             CAST(CAST(1704121200.5 AS TIMESTAMP) AS DOUBLE) AS r"
        ),
        [
            ("s".to_owned(), "bigint".to_owned(), "1704121200".to_owned()),
            (
                "r".to_owned(),
                "double".to_owned(),
                "1704121200.5".to_owned()
            )
        ]
    );
    // A column of strings (DataFusion returns those unlabelled; Ember labels them).
    let batches = spark
        .sql("SELECT to_timestamp(s) AS t FROM (VALUES ('2024-01-01 10:00:00'), (NULL)) AS v(s)")
        .unwrap()
        .collect()
        .unwrap();
    let t = batches[0].column(0);
    assert_eq!(t.data_type(), &zoned);
    let t = t.as_primitive::<ember_sql::arrow::datatypes::TimestampMicrosecondType>();
    assert_eq!(t.value(0), 1_704_121_200_000_000);
    assert!(t.is_null(1));
    // The default session time zone is UTC.
    assert_eq!(
        types(
            &session(),
            "SELECT to_timestamp('2024-01-01 10:00:00'), make_timestamp(2024, 1, 1, 0, 0, 0), \
             timestamp_seconds(0)"
        ),
        ["timestamp", "timestamp", "timestamp"]
    );
}

/// `EXPLAIN` shows the plan Ember runs: Spark's literal types and rewrites apply to the
/// statement it explains. It showed DataFusion's plan of the raw text, where `1.50` is a DOUBLE
/// and a DECIMAL column compared with it is cast to DOUBLE, which Ember never runs.
#[test]
fn regression_explain_shows_the_plan_ember_runs() {
    let spark = session();
    let query = "SELECT a > 1.50 AS big FROM VALUES (CAST(1.5 AS DECIMAL(15,2))) t(a)";
    let plan = cells(
        &spark
            .sql(&format!("EXPLAIN {query}"))
            .unwrap()
            .collect()
            .unwrap(),
    )
    .concat()
    .join("\n");
    // (`Float64(1.5)` stays as a name: literals keep DataFusion's names, see numeric_literals.)
    assert!(plan.contains("t.a > Decimal128(1.50,15,2)"), "{plan}");
    assert!(!plan.contains("CAST(t.a AS Float64)"), "{plan}");
    let verbose = cells(
        &spark
            .sql(&format!("EXPLAIN VERBOSE {query}"))
            .unwrap()
            .collect()
            .unwrap(),
    )
    .concat()
    .join("\n");
    assert!(!verbose.contains("CAST(t.a AS Float64)"), "{verbose}");
}

/// The names of a query's result columns, from its plan.
fn names(spark: &Session, query: &str) -> Vec<String> {
    let df = spark.sql(query).unwrap_or_else(|e| panic!("{query}: {e}"));
    df.columns()
}

#[test]
fn unnamed_columns_have_spark_names() {
    let spark = session_with_views();
    // What PySpark 4.3 names these columns (the conformance suite records more).
    assert_eq!(
        names(
            &spark,
            "SELECT count(*), sum(age), p.city, upper(name), age + 1, -age, age != 1, \
             CAST(id AS BIGINT), age IS NULL, city IN ('Paris', 'Lyon'), 'it''s', 2.50, 1e2, \
             CASE WHEN age > 30 THEN 'old' ELSE 'young' END FROM people p GROUP BY ALL"
        ),
        [
            "count(1)",
            "sum(age)",
            "city",
            "upper(name)",
            "(age + 1)",
            "(- age)",
            "(NOT (age = 1))",
            // A cast of a column keeps its name.
            "id",
            "(age IS NULL)",
            "(city IN (Paris, Lyon))",
            "it's",
            "2.50",
            "100.0",
            "CASE WHEN (age > 30) THEN old ELSE young END",
        ]
    );
    assert_eq!(
        names(
            &spark,
            "SELECT id, rank() OVER (PARTITION BY city ORDER BY age DESC), \
             lag(age) OVER (ORDER BY id), sum(age) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING \
             AND CURRENT ROW), transform(array(1, 2), x -> x + id) FROM people"
        ),
        [
            "id",
            "RANK() OVER (PARTITION BY city ORDER BY age DESC NULLS LAST ROWS BETWEEN UNBOUNDED \
             PRECEDING AND CURRENT ROW)",
            "lag(age, 1, NULL) OVER (ORDER BY id ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 \
             FOLLOWING)",
            "sum(age) OVER (ORDER BY id ASC NULLS FIRST ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)",
            "transform(array(1, 2), lambdafunction((namedlambdavariable() + id), \
             namedlambdavariable()))",
        ]
    );
    // Beside `*`, in a subquery that an outer query reads by name, and a VALUES query.
    assert_eq!(
        names(&spark, "SELECT *, upper(name) FROM people WHERE id = 1"),
        ["id", "name", "age", "city", "upper(name)"]
    );
    assert_eq!(
        names(
            &spark,
            "SELECT `max(age)` + 1 AS next FROM (SELECT max(age) FROM people)"
        ),
        ["next"]
    );
    assert_eq!(names(&spark, "VALUES (1, 'a'), (2, 'b')"), ["col1", "col2"]);
    assert_eq!(
        names(
            &spark,
            "SELECT CAST(age AS STRING), CAST(age + 1 AS STRING) FROM people"
        ),
        ["age", "CAST((age + 1) AS STRING)"]
    );
    // Beside that column or `*`, Spark repeats the column's name (recorded from PySpark 4.3:
    // `SELECT ID, CAST(id AS STRING), CAST(id AS INT)` is named `ID`, `id`, `id`).
    let beside_star = names(&spark, "SELECT *, CAST(id AS STRING) FROM people");
    assert_eq!(beside_star.len(), 5, "{beside_star:?}");
    assert_eq!(beside_star[4], "id");
    let beside_column = names(
        &spark,
        "SELECT ID, CAST(id AS STRING), CAST(id AS INT) FROM people",
    );
    assert_eq!(beside_column[1..], ["id", "id"], "{beside_column:?}");
    assert!(
        beside_column[0].eq_ignore_ascii_case("id"),
        "{beside_column:?}"
    );
    // A struct field beside a column of its name: both `name`, as in Spark.
    let field = names(
        &spark,
        "SELECT name, s.name FROM (SELECT name, named_struct('name', 1) AS s FROM people)",
    );
    assert_eq!(field, ["name", "name"]);
    // In a subquery, where DataFusion cannot have two columns of one name, it keeps
    // DataFusion's name.
    let inner = names(
        &spark,
        "SELECT * FROM (SELECT name, s.name FROM (SELECT name, named_struct('name', 1) AS s \
         FROM people))",
    );
    assert_eq!(inner[0], "name");
    assert_ne!(inner[1], "name");
    // A call Spark would refuse is refused, not a crash of the namer.
    assert!(
        spark
            .sql("SELECT lag() OVER (ORDER BY id) FROM people")
            .is_err()
    );
    // Spark names both `1`, and so does Ember: a result may repeat a name.
    assert_eq!(names(&spark, "SELECT 1, 1Y, 2"), ["1", "1", "2"]);
}
