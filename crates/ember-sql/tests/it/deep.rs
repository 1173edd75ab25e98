//! Issue 16: no SQL text crashes or hangs the process. A 1000-term `OR` chain overflowed the
//! stack (`fatal runtime error: stack overflow`), a 700-term `+` chain planned for over a
//! minute under ANSI mode, and planning could not be cancelled. Every query here either
//! answers correctly or fails with a typed error, in time linear in its length: `AND`/`OR`
//! chains of any length and `CASE` with any number of branches answer; `+` and `||` chains
//! answer up to [`MAX_DEPTH`] terms and fail with [`Error::ExpressionTooDeep`] beyond.

use std::time::{Duration, Instant};

use ember_sql::{Error, MAX_DEPTH, Session};

use crate::fixture::{cells, session};

/// `n` terms made by `term`, joined by `op`.
fn chain(n: usize, op: &str, term: impl Fn(usize) -> String) -> String {
    (0..n).map(term).collect::<Vec<_>>().join(op)
}

/// The single cell of a one-row, one-column answer.
fn single(spark: &Session, query: &str) -> String {
    let batches = spark.sql(query).and_then(|df| df.collect());
    let batches = batches.unwrap_or_else(|e| panic!("{e}"));
    let rows = cells(&batches);
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows[0][0].clone()
}

#[test]
fn ten_thousand_or_terms_answer() {
    let spark = session();
    let or = chain(10_000, " OR ", |i| format!("id = {i}"));
    let query = format!("SELECT count(*) FROM range(20) WHERE {or}");
    assert_eq!(single(&spark, &query), "20");
}

#[test]
fn ten_thousand_and_terms_answer() {
    let spark = session();
    let and = chain(10_000, " AND ", |i| format!("id < {}", i + 5));
    let query = format!("SELECT count(*) FROM range(20) WHERE {and}");
    assert_eq!(single(&spark, &query), "5");
}

/// The typed error of a chain too deep to plan, returned before planning starts.
fn too_deep(spark: &Session, query: &str) {
    let start = Instant::now();
    match spark.sql(query) {
        Err(Error::ExpressionTooDeep { limit, .. }) => assert_eq!(limit, MAX_DEPTH),
        Err(other) => panic!("expected ExpressionTooDeep, got {other}"),
        Ok(_) => panic!("a chain deeper than MAX_DEPTH was planned"),
    }
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn plus_chains_answer_under_ansi_mode_or_fail_clearly() {
    let spark = session();
    let plus = chain(300, " + ", |_| "1".to_owned());
    assert_eq!(single(&spark, &format!("SELECT {plus}")), "300");
    // Over a column too, where nothing folds to a constant before it runs.
    let plus = chain(300, " + ", |_| "id".to_owned());
    let query = format!("SELECT sum({plus}) FROM range(4)");
    assert_eq!(single(&spark, &query), "1800");
    let plus = chain(10_000, " + ", |_| "1".to_owned());
    too_deep(&spark, &format!("SELECT {plus}"));
}

#[test]
fn plus_chains_still_overflow_as_spark_does() {
    let spark = session();
    let plus = chain(300, " + ", |_| "2147483647".to_owned());
    let err = spark
        .sql(&format!("SELECT {plus}"))
        .and_then(|df| df.collect())
        .unwrap_err();
    assert!(
        matches!(err, Error::ArithmeticOverflow { operator: "+", .. }),
        "{err:?}"
    );
}

#[test]
fn concatenation_chains_answer_or_fail_clearly() {
    let spark = session();
    let concat = chain(300, " || ", |_| "'a'".to_owned());
    assert_eq!(single(&spark, &format!("SELECT length({concat})")), "300");
    // Balanced like `OR` (`||` is associative as Spark plans it), so 10 000 terms answer.
    let concat = chain(10_000, " || ", |i| {
        if i % 2 == 0 {
            "'a'".to_owned()
        } else {
            "1".to_owned()
        }
    });
    assert_eq!(single(&spark, &format!("SELECT length({concat})")), "10000");
    let concat = chain(2_000, " || ", |i| format!("{}", i % 10));
    let want: String = (0..2_000)
        .map(|i| char::from(b'0' + (i % 10) as u8))
        .collect();
    assert_eq!(single(&spark, &format!("SELECT {concat}")), want);
}

#[test]
fn ten_thousand_case_branches_answer() {
    let spark = session();
    let branches = chain(10_000, " ", |i| format!("WHEN id = {i} THEN {}", i * 2));
    let query = format!("SELECT sum(CASE {branches} ELSE -1 END) FROM range(5)");
    assert_eq!(single(&spark, &query), "20");
}

/// Either the right answer or a typed error that says what is wrong, never a crash.
fn answers_or_refuses(spark: &Session, query: &str, want: &str) {
    match spark.sql(query).and_then(|df| df.collect()) {
        Ok(batches) => assert_eq!(cells(&batches), [[want.to_owned()]]),
        Err(Error::Parse { message, .. }) => {
            assert!(message.contains("ecursion limit"), "{message}");
        }
        Err(Error::ExpressionTooDeep { limit, .. }) => assert_eq!(limit, MAX_DEPTH),
        Err(other) => panic!("neither an answer nor a clear error: {other:?}"),
    }
}

#[test]
fn five_hundred_nested_parentheses_answer_or_fail_clearly() {
    let spark = session();
    let query = format!("SELECT {}1{}", "(".repeat(500), ")".repeat(500));
    answers_or_refuses(&spark, &query, "1");
    let query = format!("SELECT {}1{}", "abs(".repeat(500), ")".repeat(500));
    answers_or_refuses(&spark, &query, "1");
}

#[test]
fn five_hundred_nested_subqueries_answer_or_fail_clearly() {
    let spark = session();
    let mut query = "SELECT 1 AS x".to_owned();
    for _ in 0..500 {
        query = format!("SELECT x FROM ({query}) AS t");
    }
    answers_or_refuses(&spark, &query, "1");
    let mut query = "SELECT 1".to_owned();
    for _ in 0..500 {
        query = format!("SELECT ({query})");
    }
    answers_or_refuses(&spark, &query, "1");
}

#[test]
fn a_chain_beyond_the_depth_bound_is_a_typed_error() {
    let spark = session();
    let plus = chain(MAX_DEPTH + 10_000, " + ", |_| "id".to_owned());
    let err = spark
        .sql(&format!("SELECT {plus} FROM range(3)"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ExpressionTooDeep {
                limit: MAX_DEPTH,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("nests deeper than"), "{err}");
    // The session still works.
    assert_eq!(single(&spark, "SELECT 1 + 1"), "2");
}

#[test]
fn twenty_thousand_or_terms_answer() {
    // `AND`/`OR` chains are planned as balanced trees: no depth bound applies to them.
    let spark = session();
    let or = chain(20_000, " OR ", |i| format!("id = {}", i * 7));
    let query = format!("SELECT count(*) FROM range(30) WHERE {or}");
    assert_eq!(single(&spark, &query), "5");
}

/// The faster of two plannings of `query` (the planning thread's start-up and the machine's
/// noise vanish in the minimum).
fn plan_time(spark: &Session, query: &str) -> Duration {
    (0..2)
        .map(|_| {
            let start = Instant::now();
            spark.sql(query).unwrap();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn planning_time_grows_linearly() {
    let spark = session();
    let or = |n| {
        format!(
            "SELECT {} FROM range(3)",
            chain(n, " OR ", |i| format!("id = {i}"))
        )
    };
    let case = |n| {
        let branches = chain(n, " ", |i| format!("WHEN id = {i} THEN {i}"));
        format!("SELECT CASE {branches} END FROM range(3)")
    };
    let concat = |n| {
        format!(
            "SELECT length({}) FROM range(3)",
            chain(n, " || ", |i| format!("{}", i % 10))
        )
    };
    for (name, query) in [
        ("OR", &or as &dyn Fn(usize) -> String),
        ("CASE", &case),
        ("||", &concat),
    ] {
        let small = plan_time(&spark, &query(1_000));
        let large = plan_time(&spark, &query(8_000));
        // 8x the terms: linear is 8x the time, quadratic 64x. A generous factor of 24 keeps a
        // noisy machine from failing a linear planner, and still fails a quadratic one.
        assert!(
            large < small * 24,
            "{name}: 1000 terms plan in {small:?}, 8000 in {large:?}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_planning_future_that_is_dropped_releases_its_caller() {
    let spark = session();
    let or = chain(10_000, " OR ", |i| format!("id = {i}"));
    let query = format!("SELECT count(*) FROM range(3) WHERE {or}");
    // Planning used to run inside the first poll: the timeout could not fire before it ended.
    let start = Instant::now();
    let planned =
        tokio::time::timeout(Duration::from_millis(1), spark.plan_sql_async(&query)).await;
    assert!(planned.is_err(), "planning finished inside its first poll");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    // The session plans the next query as usual.
    let plan = spark.plan_sql_async("SELECT 1 AS one").await.unwrap();
    assert_eq!(plan.schema().field(0).name(), "one");
}

#[test]
fn deeply_nested_xml_is_refused_not_a_stack_overflow() {
    let spark = session();
    // XPath evaluation recurses once per level: 100 000 nested elements would overflow its
    // stack, also when `/>` hides in the text to fool a naive count.
    let query =
        "SELECT xpath_int(concat(repeat('<a>', 100000), repeat('</a>', 100000)), 'count(//a)')";
    let refused = |query: &str, why: &str| {
        let err = spark
            .sql(query)
            .and_then(|df| df.collect())
            .expect_err(query);
        assert!(err.to_string().contains(why), "{err}");
    };
    refused(query, "nests elements");
    // Text that looks like `/>` closes nothing.
    refused(
        "SELECT xpath_string(concat(repeat('<a>/>', 100000), repeat('</a>', 100000)), '/')",
        "nests elements",
    );
    // The XML record functions share the bounds.
    refused(
        "SELECT from_xml(concat(repeat('<a>', 100000), repeat('</a>', 100000)), 'a INT')",
        "nests elements",
    );
    refused(
        "SELECT schema_of_xml(concat(repeat('<a>', 100000), repeat('</a>', 100000)))",
        "nests elements",
    );
    // A long XPath is refused before its recursive parser sees it.
    refused(
        "SELECT xpath_int('<a/>', concat(repeat('-', 200000), '1'))",
        "XPath is",
    );
    // Nested within the limit, it answers.
    let query = "SELECT xpath_int(concat(repeat('<a>', 200), repeat('</a>', 200)), 'count(//a)')";
    assert_eq!(single(&spark, query), "200");
}

#[test]
fn variant_input_deep_or_wide_is_a_clear_error() {
    let spark = Session::builder().get_or_create().unwrap();
    let fails = |query: &str, wanted: &str| {
        let err = spark
            .sql(query)
            .and_then(|df| df.collect())
            .expect_err(query);
        assert!(err.to_string().contains(wanted), "{query}: {err}");
    };
    // Nesting past Spark's 1000 levels, in the text and through an edit's path.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    fails(
        &format!("SELECT parse_json('{deep}')"),
        "nested deeper than 1000",
    );
    let path = "$".to_owned() + &".a".repeat(5_000);
    fails(
        &format!("SELECT variant_set(parse_json('{{}}'), '{path}', 1)"),
        "deeper than 1000",
    );
    // Indexes that would pad arrays with a billion nulls, in one step or over many.
    fails(
        "SELECT variant_set(parse_json('[]'), '$[1000000000]', 1)",
        "past the most nulls",
    );
    fails(
        "SELECT variant_set(parse_json('[]'), concat('$', repeat('[1048575]', 200)), 1)",
        "past the most nulls",
    );
    // A backslash before a character that is not ASCII is an error, not a crash.
    fails("SELECT parse_json('\"\\\\é\"')", "bad escape");
    // try_ forms answer NULL instead.
    let batches = spark
        .sql(&format!("SELECT try_parse_json('{deep}') IS NULL"))
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(crate::fixture::cells(&batches), [["true"]]);
}
