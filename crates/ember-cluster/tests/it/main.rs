//! ember-cluster's integration tests: Spark SQL on a cluster of Ballista's scheduler and
//! executors inside the test process (`local-cluster[...]`), over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ember_cluster::{Functions, Master, connect};
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
