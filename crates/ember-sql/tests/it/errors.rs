//! Bad input: typed errors with context.

use ember_sql::arrow::array::AsArray;
use ember_sql::arrow::datatypes::{DataType as ArrowType, Field, Int64Type, Schema};
use ember_sql::{DataType, Error, RecursionBound, Row, Session, StructType, Value};

use crate::fixture::{session, session_with_views};

#[test]
fn schema_mismatch_names_the_global_row_and_column() {
    let spark = session();
    // Two partitions: rows 0-1 and 2-3; row 3 has a string where a double belongs.
    let rdd = spark
        .context()
        .parallelize_partitions(vec![
            vec![
                Row::new(vec![Value::Integer(0), Value::Double(0.5)]),
                Row::new(vec![Value::Integer(1), Value::Double(1.5)]),
            ],
            vec![
                Row::new(vec![Value::Integer(2), Value::Double(2.5)]),
                Row::new(vec![Value::Integer(3), Value::String("3.5".into())]),
            ],
        ])
        .unwrap();
    let schema =
        StructType::new()
            .add("id", DataType::Integer, false)
            .add("score", DataType::Double, true);
    let err = spark.create_dataframe(&rdd, schema).unwrap_err();
    match &err {
        Error::SchemaMismatch {
            row,
            partition,
            column,
            expected,
            message,
        } => {
            assert_eq!((*row, *partition), (3, 1));
            assert_eq!(column, "score");
            assert_eq!(expected, "Float64");
            assert!(message.contains("\"3.5\""), "{message}");
        }
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("row 3") && text.contains("`score`"), "{text}");
}

#[test]
fn nulls_in_non_nullable_columns_and_wrong_widths() {
    let spark = session();
    let schema = StructType::new().add("name", DataType::String, false);
    let rdd = spark
        .context()
        .parallelize(vec![(Some("a"),), (None,)], 1)
        .unwrap();
    assert!(matches!(
        spark.create_dataframe(&rdd, schema.clone()),
        Err(Error::SchemaMismatch { row: 1, ref column, .. }) if column == "name"
    ));
    let wide = spark.context().parallelize(vec![("a", 1)], 1).unwrap();
    assert!(matches!(
        spark.create_dataframe(&wide, schema.clone()),
        Err(Error::SchemaMismatch { row: 0, ref column, .. }) if column == "#1"
    ));
    let out_of_range = spark.context().parallelize(vec![(i64::MAX,)], 1).unwrap();
    let err = spark
        .create_dataframe(
            &out_of_range,
            StructType::new().add("i", DataType::Integer, true),
        )
        .unwrap_err();
    assert!(err.to_string().contains("out of range"), "{err}");
}

#[test]
fn unsupported_row_schemas_are_invalid_arguments() {
    let spark = session();
    let rdd = spark.context().parallelize(vec![(1.0,)], 1).unwrap();
    let schema = Schema::new(vec![Field::new("d", ArrowType::Decimal128(10, 2), true)]);
    let err = spark.create_dataframe(&rdd, schema).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { message } if message.contains("`d`")),
        "{err:?}"
    );
}

#[test]
fn batches_with_different_schemas() {
    let spark = session();
    let a = spark.sql("SELECT 1 AS x").unwrap().collect().unwrap();
    let b = spark.sql("SELECT 'one' AS y").unwrap().collect().unwrap();
    let err = spark
        .create_dataframe_from_batches(a.into_iter().chain(b).collect())
        .unwrap_err();
    assert!(
        matches!(err, Error::BatchSchemaMismatch { batch: 1, .. }),
        "{err:?}"
    );
    assert!(matches!(
        spark.create_dataframe_from_batches(Vec::new()),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn unknown_views() {
    let spark = session_with_views();
    assert!(matches!(
        spark.table("missing"),
        Err(Error::UnknownView { name, query: None }) if name == "missing"
    ));
    let err = spark.sql("SELECT * FROM missing").unwrap_err();
    match err {
        Error::UnknownView { name, query } => {
            assert_eq!(name, "missing");
            assert_eq!(query.as_deref(), Some("SELECT * FROM missing"));
        }
        other => panic!("expected UnknownView, got {other:?}"),
    }
}

#[test]
fn parse_errors_carry_the_position() {
    let spark = session();
    let err = spark.sql("SELECT 1,\n  FROM WHERE").unwrap_err();
    match err {
        Error::Parse {
            line,
            column,
            query,
            ..
        } => {
            assert_eq!(line, 2);
            assert!(column > 0);
            assert!(query.contains("FROM WHERE"));
        }
        other => panic!("expected Parse, got {other:?}"),
    }
}

#[test]
fn wrong_udf_arity_and_bad_udf_names() {
    let spark = session_with_views();
    let err = spark
        .sql("SELECT squared(value, value) FROM test")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Plan { message, .. } if message.starts_with(
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `squared` requires 1 parameters but the actual number is 2."
        )),
        "{err:?}"
    );
    assert!(matches!(
        spark.udf().register("not a name", |x: f64| x),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn failing_udfs_name_the_udf() {
    let spark = session_with_views();
    let df = spark.sql("SELECT boom(value) FROM test").unwrap();
    match df.collect().unwrap_err() {
        Error::Udf { name, message } => {
            assert_eq!(name, "boom");
            assert!(message.contains("kaboom"), "{message}");
        }
        other => panic!("expected Udf, got {other:?}"),
    }
    // The session is still usable afterwards.
    assert_eq!(spark.sql("SELECT * FROM test").unwrap().count().unwrap(), 4);
}

#[test]
fn plan_errors_carry_the_position_when_datafusion_has_a_span() {
    let spark = session_with_views();
    let err = spark
        .sql("SELECT id,\n       nope FROM people")
        .unwrap_err();
    match &err {
        Error::Plan {
            line,
            column,
            query,
            message,
        } => {
            assert_eq!((*line, *column), (Some(2), Some(8)), "{message}");
            assert!(query.as_deref().is_some_and(|q| q.contains("nope")));
        }
        other => panic!("expected Plan, got {other:?}"),
    }
    assert!(err.to_string().contains("line 2, column 8"), "{err}");
}

#[test]
fn a_lateral_subquery_ember_cannot_decorrelate_is_refused_naming_the_outer_column() {
    let spark = session();
    // A top-N per outer row: ORDER BY/LIMIT over rows filtered by the outer row.
    let err = spark
        .sql(
            "SELECT l.id, x.v FROM VALUES (1), (2) AS l(id), \
             LATERAL (SELECT r.v FROM VALUES (1, 5), (2, 6) AS r(id, v) \
             WHERE r.id <= l.id ORDER BY r.v DESC LIMIT 1) x",
        )
        .and_then(|df| df.collect())
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Plan { .. }), "{err:?}");
    assert!(
        text.contains("reads the outer row's l.id") && text.contains("LATERAL subquery may"),
        "{text}"
    );
    assert!(!text.contains("OuterReferenceColumn"), "{text}");
    // The shapes Ember rewrites answer (the conformance suite checks them against Spark).
    let rows = spark
        .sql(
            "SELECT l.id, x.w FROM VALUES (1, 2), (2, 3) AS l(id, v) \
             LEFT JOIN LATERAL (SELECT l.v * 2 AS w) x ON x.w > 4 ORDER BY l.id",
        )
        .and_then(|df| df.rdd())
        .and_then(|rdd| rdd.collect().map_err(Error::from))
        .unwrap();
    let w: Vec<_> = rows.iter().map(|r| r.get(1).cloned()).collect();
    assert_eq!(w, vec![Some(Value::Null), Some(Value::Integer(6))]);
}

#[test]
fn spark_functions_ember_lacks_are_refused_by_name() {
    let spark = session();
    // A JVM-bound function: refused with the reason.
    match spark.sql("SELECT java_method('java.util.UUID', 'randomUUID')") {
        Err(Error::UnsupportedFunction {
            name,
            reason,
            query,
        }) => {
            assert_eq!(name, "java_method");
            assert!(reason.is_some_and(|r| r.contains("JVM")), "{reason:?}");
            assert!(query.is_some_and(|q| q.contains("randomUUID")));
        }
        other => panic!("expected UnsupportedFunction, got {other:?}"),
    }
    let err = spark
        .sql("SELECT spark_partition_id() FROM range(3)")
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("[UNSUPPORTED_FUNCTION] `spark_partition_id`"),
        "{text}"
    );
    // A name Spark does not have either stays DataFusion's planning error.
    assert!(matches!(
        spark.sql("SELECT no_such_function_anywhere(1)"),
        Err(Error::Plan { .. })
    ));
}

/// Spark's `DATATYPE_MISMATCH` errors of arithmetic, word for word up to the SQLSTATE (recorded
/// from PySpark 4.3 on the same view; Spark then adds the position and its analyzed plan).
#[test]
fn type_mismatches_are_sparks_datatype_mismatch() {
    let spark = session();
    spark
        .sql(
            "CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM VALUES \
             (1, 'x', true, 2.5D, DATE'2024-01-01') AS t(a, s, b, d, dt)",
        )
        .unwrap();
    const WRONG: &str = "the binary operator requires the input type (\"NUMERIC\" or \"INTERVAL DAY \
                         TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\"), not";
    let diff = |l: &str, r: &str| {
        format!(
            "the left and right operands of the binary operator have incompatible types (\"{l}\" and \"{r}\")"
        )
    };
    let cases: Vec<(&str, &str, String, String)> = vec![
        (
            "SELECT 1 + true",
            "BINARY_OP_DIFF_TYPES",
            "(1 + true)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT a + b FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(a + b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT t.a + t.b FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(a + b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT a * b + 1 FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(a * b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT (a + 1) + b FROM t",
            "BINARY_OP_DIFF_TYPES",
            "((a + 1) + b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT abs(a) - b FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(abs(a) - b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT a % true FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(a % true)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT d * b FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(d * b)".into(),
            diff("DOUBLE", "BOOLEAN"),
        ),
        (
            "SELECT 1.5 + true",
            "BINARY_OP_DIFF_TYPES",
            "(1.5 + true)".into(),
            diff("DECIMAL(2,1)", "BOOLEAN"),
        ),
        (
            "SELECT 10000000000 + true",
            "BINARY_OP_DIFF_TYPES",
            "(10000000000 + true)".into(),
            diff("BIGINT", "BOOLEAN"),
        ),
        (
            "SELECT CAST(1 AS SMALLINT) + true",
            "BINARY_OP_DIFF_TYPES",
            "(CAST(1 AS SMALLINT) + true)".into(),
            diff("SMALLINT", "BOOLEAN"),
        ),
        (
            "SELECT array(1) + 1",
            "BINARY_OP_DIFF_TYPES",
            "(array(1) + 1)".into(),
            diff("ARRAY<INT>", "INT"),
        ),
        (
            "SELECT array(1) + array('a')",
            "BINARY_OP_DIFF_TYPES",
            "(array(1) + array(a))".into(),
            diff("ARRAY<INT>", "ARRAY<STRING>"),
        ),
        (
            "SELECT a FROM t WHERE a IN (SELECT a + b FROM t)",
            "BINARY_OP_DIFF_TYPES",
            "(a + b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT -(a + b) FROM t",
            "BINARY_OP_DIFF_TYPES",
            "(a + b)".into(),
            diff("INT", "BOOLEAN"),
        ),
        (
            "SELECT 'x' + true",
            "BINARY_OP_WRONG_TYPE",
            "(x + true)".into(),
            format!("{WRONG} \"BOOLEAN\""),
        ),
        (
            "SELECT upper(s) + true FROM t",
            "BINARY_OP_WRONG_TYPE",
            "(upper(s) + true)".into(),
            format!("{WRONG} \"BOOLEAN\""),
        ),
        (
            "SELECT true + true",
            "BINARY_OP_WRONG_TYPE",
            "(true + true)".into(),
            format!("{WRONG} \"BOOLEAN\""),
        ),
        (
            "SELECT array(1) + array(2)",
            "BINARY_OP_WRONG_TYPE",
            "(array(1) + array(2))".into(),
            format!("{WRONG} \"ARRAY<INT>\""),
        ),
        // What DataFusion's coercion would cast and Spark refuses.
        (
            "SELECT CASE WHEN 1 THEN 'a' ELSE 'b' END",
            "UNEXPECTED_INPUT_TYPE",
            "CASE WHEN 1 THEN a ELSE b END".into(),
            "The first parameter requires the \"BOOLEAN\" type, however \"1\" has the type \"INT\""
                .into(),
        ),
        (
            "SELECT CASE WHEN s THEN a END FROM t",
            "UNEXPECTED_INPUT_TYPE",
            "CASE WHEN s THEN a END".into(),
            "The first parameter requires the \"BOOLEAN\" type, however \"s\" has the type \"STRING\""
                .into(),
        ),
        (
            "SELECT date_add(DATE'2024-01-01', true)",
            "UNEXPECTED_INPUT_TYPE",
            "date_add(DATE '2024-01-01', true)".into(),
            "The second parameter requires the (\"INT\" or \"SMALLINT\" or \"TINYINT\") type, \
             however \"true\" has the type \"BOOLEAN\""
                .into(),
        ),
        (
            "SELECT date_sub(dt, b) FROM t",
            "UNEXPECTED_INPUT_TYPE",
            "date_sub(dt, b)".into(),
            "The second parameter requires the (\"INT\" or \"SMALLINT\" or \"TINYINT\") type, \
             however \"b\" has the type \"BOOLEAN\""
                .into(),
        ),
    ];
    let mut failures = Vec::new();
    for (query, subclass, expression, detail) in &cases {
        let spark_text = format!(
            "[DATATYPE_MISMATCH.{subclass}] Cannot resolve \"{expression}\" due to data type \
             mismatch: {detail}. SQLSTATE: 42K09"
        );
        match spark.sql(query).and_then(|df| df.collect()) {
            Err(e @ Error::DataTypeMismatch { .. }) => {
                let text = e.to_string();
                if text != spark_text {
                    failures.push(format!("{query}:\n  ember {text}\n  spark {spark_text}"));
                }
            }
            other => failures.push(format!("{query}: {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // What Spark accepts still runs: NULL, strings and dates in arithmetic.
    for ok in [
        "SELECT a + NULL FROM t",
        "SELECT a + '1' FROM t",
        "SELECT dt + 1 FROM t",
    ] {
        spark
            .sql(ok)
            .and_then(|df| df.collect())
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
}

/// The bound a recursive CTE ran past, as `(bound, limit)`.
fn recursion_limit(spark: &Session, query: &str) -> (RecursionBound, u64) {
    match spark.sql(query).and_then(|df| df.collect()) {
        Err(e @ Error::RecursionLimitExceeded { bound, limit }) => {
            let class = match bound {
                RecursionBound::Levels => "[RECURSION_LEVEL_LIMIT_EXCEEDED]",
                RecursionBound::Rows => "[RECURSION_ROW_LIMIT_EXCEEDED]",
            };
            assert!(e.to_string().starts_with(class), "{e}");
            (bound, limit)
        }
        other => panic!("{query}: expected a recursion limit, got {other:?}"),
    }
}

#[test]
fn recursive_ctes_stop_at_sparks_bounds_and_the_bounds_are_settings() {
    let endless =
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r";
    let to = |n: u32| {
        format!(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < {n}) SELECT count(*) FROM r"
        )
    };
    let count = |spark: &Session, q: &str| {
        let batches = spark.sql(q).unwrap().collect().unwrap();
        batches[0].column(0).as_primitive::<Int64Type>().value(0)
    };
    let spark = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    assert_eq!(
        recursion_limit(&spark, endless),
        (RecursionBound::Levels, 100)
    );
    assert_eq!(count(&spark, &to(100)), 100);
    assert_eq!(
        recursion_limit(&spark, &to(101)),
        (RecursionBound::Levels, 100)
    );
    // Each run of a query counts its levels afresh.
    assert_eq!(count(&spark, &to(100)), 100);
    // A LIMIT stops an endless recursion once it has its rows.
    let first = spark
        .sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r LIMIT 3")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(first.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    let rows = "WITH RECURSIVE r(n) AS (SELECT id FROM range(5000) UNION ALL SELECT n + 1 FROM r WHERE n < 2) SELECT count(*) FROM r";
    assert_eq!(count(&spark, rows), 5003);

    let tight = Session::builder()
        .master("local[2]")
        .config("spark.sql.cteRecursionLevelLimit", "3")
        .config("spark.sql.cteRecursionRowLimit", "5003")
        .get_or_create()
        .unwrap();
    assert_eq!(count(&tight, &to(3)), 3);
    assert_eq!(recursion_limit(&tight, &to(4)), (RecursionBound::Levels, 3));
    assert_eq!(recursion_limit(&tight, rows), (RecursionBound::Rows, 5003));

    let unbounded = Session::builder()
        .master("local[2]")
        .config("spark.sql.cteRecursionLevelLimit", "-1")
        .get_or_create()
        .unwrap();
    assert_eq!(count(&unbounded, &to(300)), 300);

    for bad in ["-2", "many", ""] {
        let err = Session::builder()
            .config("spark.sql.cteRecursionLevelLimit", bad)
            .get_or_create()
            .err()
            .unwrap_or_else(|| panic!("`{bad}` accepted"));
        assert!(
            matches!(&err, Error::Config { key: Some(k), .. } if k == "spark.sql.cteRecursionLevelLimit"),
            "{err:?}"
        );
    }
}

#[test]
fn strings_that_are_not_values_of_the_cast_type_are_sparks_cast_invalid_input() {
    let spark = session();
    for (query, value, to) in [
        ("SELECT CAST('abc' AS INT)", "abc", "INT"),
        ("SELECT int('1e3')", "1e3", "INT"),
        ("SELECT CAST('300' AS TINYINT)", "300", "TINYINT"),
        ("SELECT CAST('1.5x' AS DOUBLE)", "1.5x", "DOUBLE"),
        ("SELECT CAST('abc' AS BOOLEAN)", "abc", "BOOLEAN"),
        ("SELECT CAST('2024-13-45' AS DATE)", "2024-13-45", "DATE"),
        // to_date of a string is a cast in Spark; DataFusion's refusal did not name the value.
        ("SELECT to_date('2024-13-45')", "2024-13-45", "DATE"),
        (
            "SELECT to_date(s) FROM VALUES ('2024-02-01'), ('bad') AS t(s)",
            "bad",
            "DATE",
        ),
        ("SELECT CAST('nope' AS TIMESTAMP)", "nope", "TIMESTAMP"),
        ("SELECT CAST('x' AS DECIMAL(10, 2))", "x", "DECIMAL"),
        ("SELECT CAST('it''s' AS SMALLINT)", "it\\'s", "SMALLINT"),
        (
            "SELECT CAST(s AS BIGINT) FROM VALUES ('1'), ('b') AS t(s)",
            "b",
            "BIGINT",
        ),
    ] {
        match spark.sql(query).and_then(|df| df.collect()) {
            Err(e @ Error::CastInvalidInput { .. }) => {
                let Error::CastInvalidInput { value: v, to: t } = &e else {
                    unreachable!()
                };
                assert_eq!((v.as_str(), t.as_str()), (value, to), "{query}");
                assert!(
                    e.to_string().starts_with(&format!(
                        "[CAST_INVALID_INPUT] The value '{value}' of the type \"STRING\" cannot be cast to \"{to}\""
                    )),
                    "{e}"
                );
            }
            other => panic!("{query}: expected CAST_INVALID_INPUT, got {other:?}"),
        }
    }
    // try_cast still gives NULL.
    let batches = spark
        .sql("SELECT try_cast('abc' AS INT) AS n")
        .unwrap()
        .collect()
        .unwrap();
    assert!(batches[0].column(0).is_null(0));
}

#[test]
fn calls_no_signature_takes_are_one_line_datatype_mismatches() {
    let spark = session();
    for (query, expression, detail) in [
        (
            "SELECT sum(true)",
            "sum(BOOLEAN)",
            "sum does not take arguments of the type (BOOLEAN)",
        ),
        (
            "SELECT avg(array(1))",
            "avg(ARRAY<BIGINT>)",
            "avg does not take arguments of the type (ARRAY<BIGINT>)",
        ),
        (
            "SELECT substr(1.5, array(1))",
            "substring(DECIMAL(2,1), ARRAY<BIGINT>)",
            "substring does not take arguments of the types (DECIMAL(2,1), ARRAY<BIGINT>)",
        ),
        (
            "SELECT sqrt('x')",
            "sqrt(STRING)",
            "sqrt: takes one number, got [Utf8]",
        ),
        (
            "SELECT upper(array(1))",
            "upper(ARRAY<BIGINT>)",
            "upper does not take arguments of the type (ARRAY<BIGINT>)",
        ),
    ] {
        let err = spark.sql(query).and_then(|df| df.collect()).unwrap_err();
        match &err {
            Error::DataTypeMismatch {
                subclass: "UNEXPECTED_INPUT_TYPE",
                expression: e,
                detail: d,
            } => assert_eq!((e.as_str(), d.as_str()), (expression, detail), "{query}"),
            other => panic!("{query}: {other:?}"),
        }
        let text = err.to_string();
        assert!(!text.contains('\n') && !text.contains("bug"), "{text}");
    }
    for (query, message) in [
        (
            "SELECT sum(1, 2)",
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `sum` requires 1 parameters but the actual number is 2. SQLSTATE: 42605",
        ),
        (
            "SELECT abs(1, 2)",
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `abs` requires 1 parameters but the actual number is 2. SQLSTATE: 42605",
        ),
        (
            "SELECT upper()",
            "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `upper` requires parameters but the actual number is 0. SQLSTATE: 42605",
        ),
    ] {
        match spark.sql(query).and_then(|df| df.collect()) {
            Err(Error::Plan { message: m, .. }) => assert_eq!(m, message, "{query}"),
            other => panic!("{query}: {other:?}"),
        }
    }
}

#[test]
fn lateral_column_aliases_that_multiply_are_refused_not_expanded() {
    // Each item uses the one before ten times: replaced textually, the last would be 10^6
    // copies of the first. The replacement is bounded and says so; a short chain plans.
    let spark = session();
    let mut items = vec!["1 AS a0".to_owned()];
    for i in 1..=6 {
        let uses = vec![format!("a{}", i - 1); 10].join(" + ");
        items.push(format!("{uses} AS a{i}"));
    }
    let err = spark
        .sql(&format!("SELECT {}", items.join(", ")))
        .and_then(|df| df.collect())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("lateral column aliases of this query expand to more than"),
        "{err}"
    );
    let batches = spark
        .sql("SELECT 1 AS a, a + 1 AS b, b * 2 AS c")
        .unwrap()
        .collect()
        .unwrap();
    let c = batches[0]
        .column(2)
        .as_primitive::<ember_sql::arrow::datatypes::Int32Type>();
    assert_eq!(c.value(0), 4);
}
