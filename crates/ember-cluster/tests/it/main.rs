//! ember-cluster's integration tests: Spark SQL on a cluster of Ballista's scheduler and
//! executors inside the test process (`local-cluster[...]`), over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ember_cluster::{
    Functions, JOB_TIMEOUT_KEY, LOCAL_DATA_LIMIT_KEY, LocalCluster, Master, connect,
};
use ember_sql::Session;
use ember_sql::arrow::util::pretty::pretty_format_batches;

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
    // What the cluster would run wrong is refused by name, not answered wrong.
    let recursive = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT sum(n) FROM r";
    assert!(
        render(&local, recursive).contains("| 6 "),
        "{}",
        render(&local, recursive)
    );
    let refused = render(&cluster, recursive);
    assert!(
        refused.contains("the recursive CTE `r` (WITH RECURSIVE) cannot run on a cluster"),
        "{refused}"
    );
}

#[test]
fn master_urls_read_as_spark_writes_them() {
    assert_eq!(
        Master::parse("ballista://example.com:50055").unwrap(),
        Some(Master::Ballista {
            host: "example.com".into(),
            port: 50055
        })
    );
    assert_eq!(
        Master::parse("ballista://10.0.0.1").unwrap(),
        Some(Master::Ballista {
            host: "10.0.0.1".into(),
            port: 50050
        })
    );
    assert_eq!(
        Master::parse("local-cluster[2, 1, 1024]").unwrap(),
        Some(Master::LocalCluster {
            executors: 2,
            cores: 1,
            memory_mb: 1024
        })
    );
    assert_eq!(Master::parse("local[2]").unwrap(), None);
    for bad in [
        "ballista://",
        "ballista://h:x",
        "local-cluster[2,1]",
        "local-cluster[0,1,1]",
        "local-cluster[2,1,1",
        "local-cluster[64,1024,1]",
    ] {
        assert!(Master::parse(bad).is_err(), "{bad}");
    }
}

/// One batch of `n` rows: `id` 0..n and `v` = id * 2.
fn batch(n: i64) -> ember_sql::arrow::array::RecordBatch {
    use ember_sql::arrow::array::{ArrayRef, Int64Array};
    let ids: ArrayRef = std::sync::Arc::new(Int64Array::from_iter_values(0..n));
    let doubled: ArrayRef =
        std::sync::Arc::new(Int64Array::from_iter_values((0..n).map(|i| i * 2)));
    ember_sql::arrow::array::RecordBatch::try_from_iter([("id", ids), ("v", doubled)]).unwrap()
}

#[test]
fn local_rows_travel_with_the_plan_up_to_a_bound() {
    let cluster = connect(
        Session::builder(),
        "local-cluster[2,1,256]",
        Functions::new(),
    )
    .unwrap();
    let small = cluster
        .create_dataframe_from_batches(vec![batch(1000)])
        .unwrap();
    small.create_or_replace_temp_view("small").unwrap();
    assert_eq!(
        render(
            &cluster,
            "SELECT count(*), sum(v) FROM small WHERE id % 2 = 0"
        ),
        render(
            &Session::builder().get_or_create().unwrap(),
            "SELECT 500 AS `count(1)`, CAST(499000 AS BIGINT) AS `sum(v)`"
        )
    );
    // 16 bytes a row: a million rows is over the 8 MiB a plan carries.
    let big = cluster
        .create_dataframe_from_batches(vec![batch(1_000_000)])
        .unwrap();
    big.create_or_replace_temp_view("big").unwrap();
    let error = render(&cluster, "SELECT count(*) FROM big");
    assert!(
        error.contains("over 8 MiB")
            && error.contains("ember.cluster.local_data_limit")
            && error.contains("Parquet"),
        "{error}"
    );
}

/// `ember.cluster.local_data_limit` raises the bound, past the 16 MiB gRPC messages Ballista
/// accepts by default, up to `MAX_LOCAL_DATA_LIMIT`; a value past that, or not a size, is refused.
#[test]
fn the_local_data_bound_is_configurable() {
    let cluster = connect(
        Session::builder().config(LOCAL_DATA_LIMIT_KEY, "40m"),
        "local-cluster[2,1,512]",
        Functions::new(),
    )
    .unwrap();
    // 16 bytes a row: 2 million rows are 32 MiB, in one plan.
    cluster
        .create_dataframe_from_batches(vec![batch(1_000_000), batch(1_000_000)])
        .unwrap()
        .create_or_replace_temp_view("big")
        .unwrap();
    assert_eq!(
        render(&cluster, "SELECT count(*) AS n, sum(v) AS s FROM big"),
        render(
            &Session::builder().get_or_create().unwrap(),
            "SELECT 2000000 AS n, CAST(1999998000000 AS BIGINT) AS s"
        )
    );
    for bad in ["49m", "1g", "lots"] {
        let error = connect(
            Session::builder().config(LOCAL_DATA_LIMIT_KEY, bad),
            "ballista://127.0.0.1:1",
            Functions::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains(LOCAL_DATA_LIMIT_KEY) && error.contains(bad),
            "{bad}: {error}"
        );
    }
}

#[test]
fn a_user_udf_runs_on_a_cluster_built_with_it_and_is_named_when_not() {
    let squared = |session: &Session| session.udf().register("squared", |x: f64| x * x);
    // A cluster that knows only Ember's functions.
    let plain = connect(
        Session::builder(),
        "local-cluster[1,1,256]",
        Functions::new(),
    )
    .unwrap();
    squared(&plain).unwrap();
    let error = render(
        &plain,
        "SELECT squared(CAST(id AS DOUBLE)) FROM range(0, 3)",
    );
    assert!(
        error.contains("`squared`") && error.contains("with_setup"),
        "{error}"
    );
    // A cluster whose nodes were built with the UDF.
    let functions = Functions::new().with_setup(move |s| squared(s));
    let built = connect(Session::builder(), "local-cluster[1,1,256]", functions).unwrap();
    squared(&built).unwrap();
    let out = render(
        &built,
        "SELECT sum(squared(CAST(id AS DOUBLE))) AS s FROM range(0, 4)",
    );
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
    assert!(
        started.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert!(error.starts_with("error:"), "{error}");
    assert!(
        error.to_lowercase().contains("connect") || error.contains("scheduler"),
        "{error}"
    );
}

/// A query that keeps the executors busy for as long as anyone waits: the maximum over the
/// 10^12 rows of a cross join, computed on the cluster (no local data travels).
const ENDLESS: &str = "SELECT max(a * b) FROM (SELECT explode(sequence(1, 1000000)) AS a) \
                       CROSS JOIN (SELECT explode(sequence(1, 1000000)) AS b)";

#[test]
fn a_cluster_job_stops_at_its_bound_and_a_dropped_one_is_cancelled() {
    // One executor with one task slot: a job left running would hold it, and the next query
    // would wait behind it.
    let cluster = LocalCluster::start(1, 1, Some(512 << 20), Functions::new()).unwrap();
    let master = format!("ballista://{}", cluster.scheduler());
    let session = |timeout: &str| {
        connect(
            Session::builder().config(JOB_TIMEOUT_KEY, timeout),
            &master,
            Functions::new(),
        )
    };
    let bounded = session("2s").unwrap();
    let started = Instant::now();
    let error = bounded.sql(ENDLESS).unwrap().collect().unwrap_err();
    assert!(
        matches!(error, ember_sql::Error::Timeout { after, .. } if after == Duration::from_secs(2)),
        "{error:?}"
    );
    let message = error.to_string();
    // The scheduler may still be planning the job (its two lists of a million numbers take
    // seconds in a debug build), when it ignores a cancel: the client cancels again once the job
    // runs.
    assert!(
        message.starts_with(
            "timed out after 2s waiting for the cluster job to finish (ember.cluster.job_timeout): \
             the job "
        ) && message.ends_with(" was cancelled"),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    // The job was cancelled: the slot is free for the next query, which has a minute.
    let patient = session("60s").unwrap();
    let answer = "SELECT 6 * 7 AS answer";
    assert!(
        render(&patient, answer).contains("| 42 "),
        "{}",
        render(&patient, answer)
    );

    // A caller that stops waiting (dropping the query's stream) cancels its job too.
    let waiter = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let stop = async { tokio::time::sleep(Duration::from_secs(2)).await };
    let endless = patient.sql(ENDLESS).unwrap();
    assert!(
        waiter
            .block_on(endless.collect_until(stop))
            .unwrap()
            .is_none()
    );
    assert!(
        render(&patient, answer).contains("| 42 "),
        "{}",
        render(&patient, answer)
    );

    for bad in ["0", "soon", "-5s", "99999999999999d"] {
        let refused = session(bad).unwrap_err().to_string();
        assert!(
            refused.starts_with("invalid ember.cluster.job_timeout: expected a positive time"),
            "{bad}: {refused}"
        );
    }
}
