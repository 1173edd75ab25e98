//! Token, CSRF and file access.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixture::{Livy, assert_msg, quick_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_required_on_every_request_when_set() {
    let mut config = quick_config();
    config.token = Some("s3cret".into());
    let livy = Livy::start(config);
    let (status, _, v) = livy.raw(Method::GET, "/version", None, &[]).await;
    assert_msg(status, &v, StatusCode::UNAUTHORIZED, "Bearer");
    let (status, _, v) = livy
        .raw(
            Method::GET,
            "/sessions",
            None,
            &[("Authorization", "Bearer wrong")],
        )
        .await;
    assert_msg(status, &v, StatusCode::UNAUTHORIZED, "token");
    let (status, _, v) = livy
        .raw(
            Method::GET,
            "/sessions",
            None,
            &[("Authorization", "Bearer s3cret")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csrf_mode_needs_x_requested_by_on_writes() {
    let mut config = quick_config();
    config.csrf = true;
    let livy = Livy::start(config);
    let (status, _, v) = livy
        .raw(Method::POST, "/sessions", Some(r#"{"kind":"sql"}"#), &[])
        .await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "CSRF");
    let (status, _, _) = livy
        .raw(
            Method::POST,
            "/sessions",
            Some(r#"{"kind":"sql"}"#),
            &[("X-Requested-By", "ember")],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(livy.get("/sessions").await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statements_cannot_touch_files_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, "name,age\nann,31\n").unwrap();
    let out = dir.path().join("out.csv");

    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let create = format!(
        "CREATE EXTERNAL TABLE people STORED AS CSV LOCATION '{}' OPTIONS ('format.has_header' 'true')",
        csv.display()
    );
    let copy = format!("COPY (SELECT 1 AS x) TO '{}' STORED AS CSV", out.display());
    for (code, what) in [
        (create.as_str(), "CREATE EXTERNAL TABLE"),
        (copy.as_str(), "COPY"),
        (&*format!("EXPLAIN ANALYZE {copy}"), "COPY"),
    ] {
        let st = livy.run(id, code).await;
        assert_eq!(st["output"]["status"], "error", "{st}");
        let evalue = st["output"]["evalue"].as_str().unwrap();
        assert!(
            evalue.contains(what) && evalue.contains("--allow-file-access"),
            "{evalue}"
        );
    }
    assert!(!out.exists(), "COPY wrote a file");
    let (status, v) = livy
        .post(
            "/sessions",
            json!({"kind": "sql", "conf": {"datafusion.catalog.location": "/etc"}}),
        )
        .await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "--allow-file-access");

    let mut config = quick_config();
    config.allow_file_access = true;
    let open = Livy::start(config);
    let id = open.session(json!({"kind": "sql"})).await;
    open.sql(id, &create).await;
    let t = open.sql(id, "SELECT name, age FROM people").await;
    assert_eq!(t["data"], json!([["ann", 31]]));
    open.sql(id, &copy).await;
    assert!(out.exists());
}
