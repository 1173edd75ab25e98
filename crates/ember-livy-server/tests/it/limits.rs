//! Issue 16: every resource a client can ask for has a bound, and hitting it answers a 4xx or an
//! error output that names the limit.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixture::{Livy, assert_msg, quick_config};

/// Runs until cancelled (a trillion rows).
const ENDLESS: &str = "SELECT count(*) FROM range(1000000000000) WHERE id % 7 = 3";

fn error_of(st: &Value) -> (String, String) {
    assert_eq!(st["state"], "available", "{st}");
    assert_eq!(st["output"]["status"], "error", "{st}");
    (
        st["output"]["ename"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        st["output"]["evalue"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_row_cap_above_the_server_maximum_is_refused() {
    let mut config = quick_config();
    config.max_sql_row_cap = 5000;
    let livy = Livy::start(config);
    // Issue 16: 10^12 returned 2 000 000 rows.
    let (status, body) = livy
        .post(
            "/sessions",
            json!({"kind": "sql", "conf": {"livy.rsc.sql.num-rows": "1000000000000"}}),
        )
        .await;
    assert_msg(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "above this server's maximum of 5000 rows (--max-sql-row-cap)",
    );
    assert_eq!(livy.running.server().session_count(), 0);
    // Lowering it, or raising it up to the maximum, is fine.
    let id = livy
        .session(json!({"kind": "sql", "conf": {"livy.rsc.sql.num-rows": "5000"}}))
        .await;
    let table = livy.sql(id, "SELECT id FROM range(100000)").await;
    assert_eq!(table["data"].as_array().unwrap().len(), 5000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_over_the_byte_limit_is_an_error_naming_it() {
    let mut config = quick_config();
    config.max_result_bytes = 64 << 10;
    let livy = Livy::start(config);
    let id = livy.session(json!({"kind": "sql"})).await;
    // Issue 16: one 50 MB value was kept and copied on every GET. One big value, and many rows
    // of small ones, both pass the limit.
    for query in [
        "SELECT repeat('x', 5000000) AS s",
        "SELECT repeat('x', 100) AS s FROM range(1000)",
    ] {
        let st = livy.run(id, query).await;
        let (ename, evalue) = error_of(&st);
        assert_eq!(ename, "Error");
        assert!(
            evalue.contains("limit of 65536 bytes") && evalue.contains("--max-result-bytes"),
            "{query}: {evalue}"
        );
        let (_, got) = livy
            .get(&format!("/sessions/{id}/statements/{}", st["id"]))
            .await;
        assert!(got.to_string().len() < 4096, "the error is small: {got}");
    }
    // Just under the limit is kept whole.
    let table = livy.sql(id, "SELECT repeat('y', 60000) AS s").await;
    assert_eq!(table["data"][0][0].as_str().unwrap().len(), 60000);
}

/// A value too large to build is refused before it is built: one `repeat('x', 1e9)` took 4 GB
/// outside the sql memory pool, so a few clients could take the server down. The session goes
/// on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_value_too_large_to_build_is_refused_and_the_session_goes_on() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    for query in [
        "SELECT repeat('x', 1000000000) AS s",
        "SELECT size(sequence(1, 2000000000)) AS n",
        "SELECT size(array_repeat(0, 1000000000)) AS n",
    ] {
        let st = livy.run(id, query).await;
        let (ename, evalue) = error_of(&st);
        assert_eq!(ename, "Error");
        assert!(
            evalue.contains("COLLECTION_SIZE_LIMIT_EXCEEDED"),
            "{query}: {evalue}"
        );
    }
    let table = livy.sql(id, "SELECT size(sequence(1, 1000)) AS n").await;
    assert_eq!(table["data"][0][0], 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_log_lines_are_cut_and_the_log_keeps_its_last_lines() {
    let mut config = quick_config();
    config.max_log_line_bytes = 200;
    config.session_log_lines = 5;
    let livy = Livy::start(config);
    // A master the engine refuses: its 100 kB name reaches the log in the start failure.
    let huge = format!("local[{}]", "x".repeat(100_000));
    let (status, s) = livy
        .post(
            "/sessions",
            json!({"kind": "sql", "conf": {"spark.master": huge}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let id = s["id"].as_u64().unwrap();
    let s = livy.wait_state(id, "error").await;
    let lines = s["log"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.as_str().unwrap().contains("line cut")),
        "{s}"
    );
    assert!(
        lines.iter().all(|l| l.as_str().unwrap().len() <= 200),
        "{s}"
    );
    // The listing shows each session's last lines, cut too (its conf is the client's own).
    let (_, listing) = livy.get("/sessions").await;
    let log_bytes: usize = listing["sessions"][0]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().len())
        .sum();
    assert!(log_bytes <= 5 * 200, "{log_bytes}");

    // Only the last lines stay: a sql session logs each truncated result.
    let id = livy
        .session(json!({"kind": "sql", "conf": {"livy.rsc.sql.num-rows": "1"}}))
        .await;
    for _ in 0..8 {
        livy.sql(id, "SELECT id FROM range(3)").await;
    }
    let (status, log) = livy.get(&format!("/sessions/{id}/log?size=-1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log["total"], 5, "{log}");
    assert_eq!(log["log"].as_array().unwrap().len(), 5, "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_master_over_the_thread_cap_is_refused() {
    let mut config = quick_config();
    config.max_session_cores = 2;
    let livy = Livy::start(config);
    // Issue 16: local[1500] started 3 000 threads. Both kinds are checked before anything starts.
    for kind in ["sql", "pyspark"] {
        let (status, body) = livy
            .post(
                "/sessions",
                json!({"kind": kind, "conf": {"spark.master": "local[1500]"}}),
            )
            .await;
        assert_msg(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "asks for 1500 threads; this server allows at most 2 per session (--max-session-cores)",
        );
    }
    assert_eq!(livy.running.server().session_count(), 0);
    livy.session(json!({"kind": "sql", "conf": {"spark.master": "local[2]"}}))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regression_scala_sessions_have_the_servers_bounds() {
    // Before: `spark` (Scala) sessions were capped at the machine's cores, not at
    // --max-session-cores, and had the default result and log line bounds.
    let mut config = quick_config();
    config.max_session_cores = 1;
    config.default_master = "local[1]".into();
    let livy = Livy::start(config);
    for kind in ["pyspark", "spark"] {
        let (status, body) = livy
            .post(
                "/sessions",
                json!({"kind": kind, "conf": {"spark.master": "local[2]"}}),
            )
            .await;
        assert_msg(
            status,
            &body,
            StatusCode::BAD_REQUEST,
            "asks for 2 threads; this server allows at most 1 per session (--max-session-cores)",
        );
    }
    assert_eq!(livy.running.server().session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_code_past_the_byte_bound_gets_429() {
    let mut config = quick_config();
    config.max_code_bytes = 1000;
    config.max_queued_bytes = 4000;
    let livy = Livy::start(config);
    let id = livy.session(json!({"kind": "sql"})).await;
    let path = format!("/sessions/{id}/statements");
    let (status, _) = livy.post(&path, json!({"code": ENDLESS})).await;
    assert_eq!(status, StatusCode::CREATED);
    livy.wait_state(id, "busy").await;
    // Issue 16: 400 queued 1 MiB statements added 400 MB. 900-byte statements: four fit.
    let padded = format!("SELECT 1 /* {} */", "p".repeat(880));
    let mut queued = Vec::new();
    let refused = loop {
        let (status, body) = livy.post(&path, json!({"code": padded})).await;
        if status != StatusCode::CREATED {
            break (status, body);
        }
        queued.push(body["id"].as_u64().unwrap());
        assert!(queued.len() < 10, "the queue never filled");
    };
    assert_eq!(queued.len(), 4);
    assert_msg(
        refused.0,
        &refused.1,
        StatusCode::TOO_MANY_REQUESTS,
        "bytes of code waiting",
    );
    assert!(
        refused.1["msg"]
            .as_str()
            .unwrap()
            .contains("--max-queued-bytes")
    );
    // Cancelling a waiting statement frees its bytes.
    let (status, _) = livy
        .post(&format!("{path}/{}/cancel", queued[0]), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = livy.post(&path, json!({"code": padded})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_past_its_timeout_is_cancelled_with_an_error_naming_it() {
    let mut config = quick_config();
    config.statement_timeout = Some(Duration::from_secs(600));
    let livy = Livy::start(config);
    // A session's conf may lower the server's timeout, never raise it.
    let (status, body) = livy
        .post(
            "/sessions",
            json!({"kind": "sql", "conf": {"livy.statement.timeout": "2h"}}),
        )
        .await;
    assert_msg(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        "above this server's statement timeout of 600s",
    );
    let id = livy
        .session(json!({"kind": "sql", "conf": {"livy.statement.timeout": "1s"}}))
        .await;
    let started = Instant::now();
    let st = livy.run(id, ENDLESS).await;
    let took = started.elapsed();
    let (ename, evalue) = error_of(&st);
    assert_eq!(ename, "TimeoutError");
    assert!(
        evalue.contains("statement timeout of 1s") && evalue.contains("livy.statement.timeout"),
        "{evalue}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // The session goes on.
    livy.wait_state(id, "idle").await;
    let table = livy.sql(id, "SELECT 41 + 1 AS x").await;
    assert_eq!(table["data"], json!([[42]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sql_memory_limit_bounds_joins_and_sorts_spill() {
    let mut config = quick_config();
    config.sql_memory_limit = 2 << 20;
    let livy = Livy::start(config);
    let id = livy.session(json!({"kind": "sql"})).await;
    // A hash join's build side cannot spill: over the pool it fails, naming the pool.
    let st = livy
        .run(
            id,
            "SELECT count(*) FROM range(2000000) a JOIN range(2000000) b ON a.id = b.id",
        )
        .await;
    let (_, evalue) = error_of(&st);
    assert!(
        evalue.contains("sql memory limit of 2 MiB") && evalue.contains("--sql-memory-limit-mib"),
        "{st}"
    );
    // A sort of ~60 MB under a 2 MiB pool: a correct spilled result, or (when even the merge of
    // the spills does not fit) the same clear error; never the server's memory.
    let st = livy
        .run(
            id,
            "SELECT id, repeat('x', 20) AS pad FROM range(2000000) ORDER BY id DESC",
        )
        .await;
    if st["output"]["status"] == "ok" {
        let table = &st["output"]["data"]["application/json"];
        assert_eq!(table["data"][0][0], 1_999_999, "{}", table["data"][0]);
        assert_eq!(table["data"][999][0], 1_999_000);
    } else {
        let (_, evalue) = error_of(&st);
        assert!(evalue.contains("sql memory limit of 2 MiB"), "{st}");
    }
    // A statement cannot swap the pool for a bigger one.
    let st = livy
        .run(id, "SET datafusion.runtime.memory_limit = '100G'")
        .await;
    let (_, evalue) = error_of(&st);
    assert!(
        evalue.contains("is not allowed in this session"),
        "{evalue}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pyspark_worker_cannot_flood_a_result_or_the_log() {
    let Some(python) = crate::pyspark::pyspark_python() else {
        return;
    };
    let mut config = crate::pyspark::pyspark_config(&python, 0);
    config.max_result_bytes = 64 << 10;
    config.max_log_line_bytes = 300;
    let livy = Livy::start(config);
    let (status, s) = livy.post("/sessions", json!({"kind": "pyspark"})).await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let id = s["id"].as_u64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (_, s) = livy.get(&format!("/sessions/{id}")).await;
        if s["state"] == "idle" {
            break;
        }
        assert!(
            s["state"] == "starting" && Instant::now() < deadline,
            "the session did not start: {s}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Issue 16: a 30 MB print was kept and copied on every GET; its reply is dropped as it is
    // read.
    let st = livy.run(id, "print('x' * 30_000_000)").await;
    let (_, evalue) = error_of(&st);
    assert!(
        evalue.contains("limit of 65536 bytes") && evalue.contains("--max-result-bytes"),
        "{evalue}"
    );
    // Issue 16: one 20 MB stderr line made every GET /sessions 20 MB.
    let st = livy
        .run(id, "import os; os.write(2, b'e' * 20_000_000 + b'\\n')")
        .await;
    assert_eq!(st["output"]["status"], "ok", "{st}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, listing) = livy.get("/sessions").await;
        let lines = listing["sessions"][0]["log"].as_array().unwrap().clone();
        assert!(
            lines.iter().all(|l| l.as_str().unwrap().len() <= 300),
            "{listing}"
        );
        let (_, log) = livy.get(&format!("/sessions/{id}/log?size=-1")).await;
        let log = log["log"].as_array().unwrap().clone();
        assert!(
            log.iter().all(|l| l.as_str().unwrap().len() <= 300),
            "{log:?}"
        );
        if log
            .iter()
            .any(|l| l.as_str().unwrap().contains("line cut: 20000000 bytes"))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cut line never arrived: {listing}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The worker goes on.
    let st = livy.run(id, "print(40 + 2)").await;
    assert_eq!(st["output"]["data"]["text/plain"], "42", "{st}");
    let (status, _) = livy.delete(&format!("/sessions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
}
