//! ember-cluster's integration tests: Spark SQL on a cluster of Ballista's scheduler and
//! executors inside the test process (`local-cluster[...]`), over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ember_cluster::{Functions, Master, connect};
use ember_sql::Session;
use ember_sql::arrow::util::pretty::pretty_format_batches;

/// Ballista's and Ember's logs on stderr when RUST_LOG is set (`RUST_LOG=info`), to see a
/// cluster at work.
fn logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .try_init();
    }
}

fn render(session: &Session, sql: &str) -> String {
    match session.sql(sql).and_then(|df| df.collect()) {
        Ok(batches) => pretty_format_batches(&batches).unwrap().to_string(),
        Err(e) => format!("error: {e}"),
    }
}

#[test]
fn a_local_cluster_answers_as_local_ember() {
    let cluster = connect(
        Session::builder().config("spark.sql.session.timeZone", "America/New_York"),
        "local-cluster[2,1,256]",
        Functions::new(),
    )
    .unwrap();
    let local = Session::builder()
        .master("local[2]")
        .config("spark.sql.session.timeZone", "America/New_York")
        .get_or_create()
        .unwrap();
    assert_eq!(cluster.master(), "local-cluster[2,1,256]");
    for sql in [
        "SELECT 6 * 7 AS answer",
        "SELECT current_timezone()",
        "SELECT CAST('2024-03-10 12:00:00' AS TIMESTAMP)",
        "SELECT k, count(*), sum(v) FROM (SELECT id % 7 AS k, id AS v FROM range(0, 10000)) GROUP BY k ORDER BY k",
    ] {
        assert_eq!(render(&cluster, sql), render(&local, sql), "{sql}");
    }
}

#[test]
fn master_urls_read_as_spark_writes_them() {
    assert_eq!(
        Master::parse("ballista://example.com:50055").unwrap(),
        Some(Master::Ballista { host: "example.com".into(), port: 50055 })
    );
    assert_eq!(
        Master::parse("ballista://10.0.0.1").unwrap(),
        Some(Master::Ballista { host: "10.0.0.1".into(), port: 50050 })
    );
    assert_eq!(
        Master::parse("local-cluster[2, 1, 1024]").unwrap(),
        Some(Master::LocalCluster { executors: 2, cores: 1, memory_mb: 1024 })
    );
    assert_eq!(Master::parse("local[2]").unwrap(), None);
    for bad in ["ballista://", "ballista://h:x", "local-cluster[2,1]", "local-cluster[0,1,1]", "local-cluster[2,1,1"] {
        assert!(Master::parse(bad).is_err(), "{bad}");
    }
}

/// A rendered table's lines, sorted.
fn sorted(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines
}

/// The Spark conformance suite's directory (ember-sql's), found from where cargo runs the test.
fn conformance_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../ember-sql/tests/conformance")
}

/// The suite's tables, as its own test registers them: CSV files every executor reads.
fn register_tables(spark: &Session) {
    let tables = conformance_dir().join("tables");
    let schemas = std::fs::read_to_string(tables.join("schemas.txt")).unwrap();
    for line in schemas.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, ddl) = line.split_once(':').unwrap();
        let path = tables.join(format!("{}.csv", name.trim())).canonicalize().unwrap();
        spark
            .sql(&format!(
                "CREATE EXTERNAL TABLE {} ({ddl}) STORED AS CSV LOCATION '{}' \
                 OPTIONS ('format.has_header' 'true')",
                name.trim(),
                path.display()
            ))
            .unwrap()
            .collect()
            .unwrap();
    }
}

/// Every query of the suite: (family/name, SQL).
fn conformance_queries() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(conformance_dir().join("queries"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut queries = Vec::new();
    for file in files {
        let family = file.file_stem().unwrap().to_string_lossy().into_owned();
        let mut current: Option<(String, String)> = None;
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            if let Some(name) = line.strip_prefix("-- name:") {
                queries.extend(current.take());
                current = Some((format!("{family}/{}", name.trim()), String::new()));
            } else if let Some((_, sql)) = current.as_mut()
                && !line.starts_with("--")
            {
                sql.push_str(line);
                sql.push('\n');
            }
        }
        queries.extend(current);
    }
    for (_, sql) in &mut queries {
        *sql = sql.trim().trim_end_matches(';').to_owned();
    }
    queries
}

/// The queries whose cluster answer is known to differ, and why (docs/spark-compat.md lists them).
const KNOWN: [(&str, &str); 2] = [
    (
        "aggregates_more/last_value_ignore_nulls",
        "refused on a cluster: DataFusion 55's plan encoding drops a window function's IGNORE NULLS",
    ),
    (
        "functions/array_contains_fn",
        "the column is named `array(Int64(1), Int64(2), Int64(3))` with spaces on a cluster",
    ),
];

#[test]
fn the_spark_conformance_suite_answers_on_a_cluster_as_locally() {
    logs();
    let builder = || Session::builder().config("spark.sql.session.timeZone", "UTC");
    let local = builder().master("local[2]").get_or_create().unwrap();
    let cluster = connect(builder(), "local-cluster[2,1,512]", Functions::new()).unwrap();
    register_tables(&local);
    register_tables(&cluster);
    let mut queries = conformance_queries();
    assert!(queries.len() > 500, "{} queries", queries.len());
    // EMBER_CONFORMANCE_ONLY=text runs the queries whose family/name contains it.
    if let Ok(only) = std::env::var("EMBER_CONFORMANCE_ONLY") {
        queries.retain(|(name, _)| name.contains(&only));
    }
    let mut differences = Vec::new();
    for (name, sql) in &queries {
        if let Some((_, reason)) = KNOWN.iter().find(|(known, _)| known == name) {
            eprintln!("known difference, {name}: {reason}");
            continue;
        }
        let ours = render(&local, sql);
        let started = std::time::Instant::now();
        let theirs = render(&cluster, sql);
        if std::env::var_os("EMBER_TRACE_QUERIES").is_some() {
            eprintln!("{name}: {:?}\n  local:   {ours}\n  cluster: {theirs}", started.elapsed());
        }
        // Without an ORDER BY, rows may come in any order (Spark's rule too). A query that
        // fails locally must fail on the cluster too (checked to say the same below).
        let same = ours == theirs
            || (!sql.to_ascii_uppercase().contains("ORDER BY") && sorted(&ours) == sorted(&theirs))
            || (ours.starts_with("error:") && theirs.starts_with("error:"));
        if same && ours.starts_with("error: [") {
            // A Spark error class raised while the query ran reads the same on a cluster.
            let class = &ours["error: ".len()..ours.find(']').unwrap_or(ours.len())];
            if !theirs.contains(class) {
                differences.push(format!("{name}: the cluster's error lost {class}]: {theirs}"));
            }
        }
        if !same {
            differences.push(format!("{name}:\n  local:   {ours}\n  cluster: {theirs}"));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} queries differ:\n{}",
        differences.len(),
        queries.len(),
        differences.join("\n")
    );
    // docs/spark-compat.md lists the known differences (EMBER_WRITE_SPARK_COMPAT=1 writes them).
    let doc_path = conformance_dir().join("../../../../docs/spark-compat.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap();
    let section = cluster_section(queries.len());
    if std::env::var_os("EMBER_WRITE_SPARK_COMPAT").is_some() {
        let start = doc.find(CLUSTER_START);
        let end = doc.find(CLUSTER_END).map(|e| e + CLUSTER_END.len());
        let doc = match (start, end) {
            (Some(a), Some(b)) => format!("{}{section}{}", &doc[..a], &doc[b..]),
            _ => match doc.find("<!-- function coverage: start -->") {
                Some(c) => format!("{}{section}\n\n{}", &doc[..c], &doc[c..]),
                None => format!("{doc}\n{section}\n"),
            },
        };
        std::fs::write(&doc_path, doc).unwrap();
    } else {
        assert!(
            doc.contains(&section),
            "docs/spark-compat.md's cluster section is stale: run with EMBER_WRITE_SPARK_COMPAT=1"
        );
    }
}

const CLUSTER_START: &str = "<!-- cluster: start -->";
const CLUSTER_END: &str = "<!-- cluster: end -->";

/// The section of docs/spark-compat.md this test writes.
fn cluster_section(queries: usize) -> String {
    let known: Vec<String> = KNOWN
        .iter()
        .map(|(name, reason)| format!("- `{name}`: {reason}"))
        .collect();
    format!(
        "{CLUSTER_START}\n## On a cluster\n\n\
         `the_spark_conformance_suite_answers_on_a_cluster_as_locally` (ember-cluster) runs the \
         {queries} queries on a `local-cluster[2,1,512]` (Ballista's scheduler and two executors, \
         over loopback) and compares each answer with local Ember's: the same rows (in any order \
         without an `ORDER BY`), or both fail (with the same message, which a cluster gives \
         behind `query execution failed: `). All agree but these:\n\n{}\n{CLUSTER_END}",
        known.join("\n")
    )
}

/// One batch of `n` rows: `id` 0..n and `v` = id * 2.
fn batch(n: i64) -> ember_sql::arrow::array::RecordBatch {
    use ember_sql::arrow::array::{ArrayRef, Int64Array};
    let ids: ArrayRef = std::sync::Arc::new(Int64Array::from_iter_values(0..n));
    let doubled: ArrayRef = std::sync::Arc::new(Int64Array::from_iter_values((0..n).map(|i| i * 2)));
    ember_sql::arrow::array::RecordBatch::try_from_iter([("id", ids), ("v", doubled)]).unwrap()
}

#[test]
fn local_rows_travel_with_the_plan_up_to_a_bound() {
    let cluster = connect(Session::builder(), "local-cluster[2,1,256]", Functions::new()).unwrap();
    let small = cluster.create_dataframe_from_batches(vec![batch(1000)]).unwrap();
    small.create_or_replace_temp_view("small").unwrap();
    assert_eq!(
        render(&cluster, "SELECT count(*), sum(v) FROM small WHERE id % 2 = 0"),
        render(
            &Session::builder().get_or_create().unwrap(),
            "SELECT 500 AS `count(*)`, CAST(499000 AS BIGINT) AS `sum(small.v)`"
        )
    );
    // 16 bytes a row: a million rows is over the 8 MiB a plan carries.
    let big = cluster.create_dataframe_from_batches(vec![batch(1_000_000)]).unwrap();
    big.create_or_replace_temp_view("big").unwrap();
    let error = render(&cluster, "SELECT count(*) FROM big");
    assert!(error.contains("over 8 MiB") && error.contains("Parquet"), "{error}");
}

#[test]
fn a_user_udf_runs_on_a_cluster_built_with_it_and_is_named_when_not() {
    let squared = |session: &Session| session.udf().register("squared", |x: f64| x * x);
    // A cluster that knows only Ember's functions.
    let plain = connect(Session::builder(), "local-cluster[1,1,256]", Functions::new()).unwrap();
    squared(&plain).unwrap();
    let error = render(&plain, "SELECT squared(CAST(id AS DOUBLE)) FROM range(0, 3)");
    assert!(error.contains("`squared`") && error.contains("with_setup"), "{error}");
    // A cluster whose nodes were built with the UDF.
    let functions = Functions::new().with_setup(move |s| squared(s));
    let built = connect(Session::builder(), "local-cluster[1,1,256]", functions).unwrap();
    squared(&built).unwrap();
    let out = render(&built, "SELECT sum(squared(CAST(id AS DOUBLE))) AS s FROM range(0, 4)");
    assert!(out.contains("14.0"), "{out}");
}

#[test]
fn a_scheduler_that_is_down_is_a_clear_error_within_a_bound() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let session = connect(
        Session::builder(),
        &format!("ballista://127.0.0.1:{port}"),
        Functions::new(),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let error = render(&session, "SELECT count(*) FROM range(0, 10)");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
    assert!(error.starts_with("error:"), "{error}");
    assert!(error.to_lowercase().contains("connect") || error.contains("scheduler"), "{error}");
}
