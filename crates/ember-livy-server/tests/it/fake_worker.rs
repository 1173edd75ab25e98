//! The pyspark interpreter against a fake worker (ember-spark's `tests/it/fake_worker.py`, which
//! ember-spark's own tests drive directly) that speaks the worker's
//! protocol without Spark, so the server's side of it is tested wherever Python 3 runs: a start
//! that succeeds, fails or never ends, results and errors, progress, a cancel, a line that is
//! not JSON, and a worker that dies mid-statement.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use ember_livy_server::ServerConfig;
use ember_livy_server::pyspark::PySparkConfig;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixture::{Livy, python_wrapper, quick_config};

/// A server whose pyspark workers are the fake, and the temp dir its wrapper lives in.
fn fake_server(start_timeout: Duration) -> Option<(Livy, tempfile::TempDir)> {
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: needs python3 on PATH");
        return None;
    }
    let script = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .join("../ember-spark/tests/it/fake_worker.py");
    // The server runs `PYTHON -c <driver>`: the wrapper runs the fake instead.
    let (dir, wrapper) = python_wrapper(&format!("exec python3 '{}'", script.display()));
    let config = ServerConfig {
        start_timeout,
        pyspark: Some(PySparkConfig {
            python: wrapper,
            ..PySparkConfig::default()
        }),
        ..quick_config()
    };
    Some((Livy::start(config), dir))
}

fn output(statement: &Value) -> &Value {
    &statement["output"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_errors_progress_and_noise_from_a_worker() {
    let Some((livy, _dir)) = fake_server(Duration::from_secs(30)) else {
        return;
    };
    let id = livy.session(json!({"kind": "pyspark"})).await;
    let st = livy.run(id, "echo hello").await;
    assert_eq!(output(&st)["status"], "ok", "{st}");
    assert_eq!(output(&st)["data"]["text/plain"], "hello", "{st}");

    let st = livy.run(id, "fail").await;
    assert_eq!(output(&st)["status"], "error", "{st}");
    assert_eq!(output(&st)["ename"], "ValueError", "{st}");
    assert_eq!(output(&st)["evalue"], "boom", "{st}");

    let st = livy.run(id, "progress").await;
    assert_eq!(output(&st)["data"]["text/plain"], "done", "{st}");
    assert_eq!(
        st["progress"], 1.0,
        "a finished statement's progress is 1: {st}"
    );

    // A line that is not JSON on the protocol is not an answer: the statement still gets its own.
    let st = livy.run(id, "noise").await;
    assert_eq!(output(&st)["data"]["text/plain"], "after noise", "{st}");
    let st = livy.run(id, "echo still here").await;
    assert_eq!(output(&st)["data"]["text/plain"], "still here", "{st}");
    livy.wait_state(id, "idle").await;

    // What the worker wrote to stderr is in the session log.
    let (_, log) = livy.get(&format!("/sessions/{id}/log?size=100")).await;
    assert!(log.to_string().contains("fake worker starting"), "{log}");
    let (status, _) = livy.delete(&format!("/sessions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_stops_the_running_statement_and_the_session_goes_on() {
    let Some((livy, _dir)) = fake_server(Duration::from_secs(30)) else {
        return;
    };
    let id = livy.session(json!({"kind": "pyspark"})).await;
    let sid = livy.submit(id, "wait").await;
    livy.wait_state(id, "busy").await;
    let t = Instant::now();
    let (status, body) = livy
        .post(
            &format!("/sessions/{id}/statements/{sid}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let st = livy.wait_statement(id, sid).await;
    assert!(
        t.elapsed() < Duration::from_secs(10),
        "the cancel took {:?}",
        t.elapsed()
    );
    assert_eq!(st["state"], "cancelled", "{st}");
    let st = livy.run(id, "echo after").await;
    assert_eq!(output(&st)["data"]["text/plain"], "after", "{st}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_that_dies_fails_its_statement_and_the_session_is_dead() {
    let Some((livy, _dir)) = fake_server(Duration::from_secs(30)) else {
        return;
    };
    let id = livy.session(json!({"kind": "pyspark"})).await;
    let st = livy.run(id, "die").await;
    assert_eq!(output(&st)["status"], "error", "{st}");
    assert!(
        output(&st)["evalue"]
            .as_str()
            .unwrap_or_default()
            .contains("Interpreter died"),
        "{st}"
    );
    livy.wait_state(id, "dead").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_start_that_fails_or_never_ends_puts_the_session_in_error_with_the_reason() {
    let Some((livy, _dir)) = fake_server(Duration::from_secs(2)) else {
        return;
    };
    for (mode, reason) in [
        ("fail", "the fake worker was told to fail its start"),
        ("hang", "did not start within"),
    ] {
        let (status, s) = livy
            .post(
                "/sessions",
                json!({"kind": "pyspark", "conf": {"fake.start": mode}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{s}");
        let id = s["id"].as_u64().unwrap();
        livy.wait_state(id, "error").await;
        let (_, log) = livy.get(&format!("/sessions/{id}/log?size=100")).await;
        assert!(log.to_string().contains(reason), "{mode}: {log}");
    }
}
