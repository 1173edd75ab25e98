//! Every client mistake is a 4xx with a `{"msg"}` body, and the server lives on.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::fixture::{Livy, assert_msg, quick_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_400_with_a_reason() {
    let mut config = quick_config();
    config.max_body_bytes = 4096;
    config.max_code_bytes = 1024;
    let livy = Livy::start(config);
    let bad = [
        ("{not json", "invalid session request"),
        (r#"{"kind":"sql","bogus":1}"#, "unknown field"),
        (r#"{"kind":"sql","driverCores":"two"}"#, "invalid type"),
        (r#"{"kind":42}"#, "invalid type"),
        (r#"[1,2]"#, "invalid session request"),
        (r#"{"kind":"pyspark3"}"#, "invalid session kind"),
        (r#"{"kind":"sql","ttl":"soon"}"#, "invalid ttl"),
        (r#"{"kind":"sql","name":"123"}"#, "all digits"),
    ];
    for (body, needle) in bad {
        let (status, _, v) = livy.raw(Method::POST, "/sessions", Some(body), &[]).await;
        assert_msg(status, &v, StatusCode::BAD_REQUEST, needle);
    }
    // Nothing was left behind by the refused creates.
    let (_, list) = livy.get("/sessions").await;
    assert_eq!(list["total"], 0);

    let huge = format!(r#"{{"kind":"sql","name":"{}"}}"#, "x".repeat(5000));
    let (status, _, v) = livy.raw(Method::POST, "/sessions", Some(&huge), &[]).await;
    assert_msg(status, &v, StatusCode::PAYLOAD_TOO_LARGE, "larger than");

    let id = livy.session(json!({"kind": "sql"})).await;
    let path = format!("/sessions/{id}/statements");
    let (status, v) = livy.post(&path, json!({"code": "x".repeat(2000)})).await;
    assert_msg(status, &v, StatusCode::PAYLOAD_TOO_LARGE, "at most 1024");
    let (status, v) = livy.post(&path, json!({"code": 5})).await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "invalid type");
    let (status, v) = livy
        .post(&path, json!({"code": "SELECT 1", "kind": "pyspark"}))
        .await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "cannot run in session");
    let (status, v) = livy.post(&path, json!({})).await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "missing field `code`");

    for q in ["from=abc", "size=-1", "from=1&from=2"] {
        let (status, v) = livy.get(&format!("/sessions?{q}")).await;
        assert_msg(status, &v, StatusCode::BAD_REQUEST, "query parameter");
    }
    let (status, v) = livy.get(&format!("{path}?order=sideways")).await;
    assert_msg(status, &v, StatusCode::BAD_REQUEST, "order");
    let (status, v) = livy.get(&format!("{path}/abc")).await;
    assert_msg(
        status,
        &v,
        StatusCode::BAD_REQUEST,
        "not a non-negative integer",
    );
    let (status, v) = livy.get(&format!("{path}/99")).await;
    assert_msg(status, &v, StatusCode::NOT_FOUND, "Statement 99 not found");

    // The server still works.
    assert_eq!(livy.sql(id, "SELECT 1 AS x").await["data"], json!([[1]]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_ids_routes_and_methods() {
    let livy = Livy::start(quick_config());
    for path in [
        "/sessions/7",
        "/sessions/7/state",
        "/sessions/7/log",
        "/sessions/7/statements",
        "/sessions/7/statements/0",
        "/sessions/nobody",
    ] {
        let (status, v) = livy.get(path).await;
        assert_msg(status, &v, StatusCode::NOT_FOUND, "not found");
    }
    let (status, v) = livy.delete("/sessions/7").await;
    assert_msg(status, &v, StatusCode::NOT_FOUND, "Session '7' not found.");
    let (status, v) = livy.get("/nowhere").await;
    assert_msg(status, &v, StatusCode::NOT_FOUND, "no such endpoint");
    let (status, _, v) = livy.raw(Method::PUT, "/sessions", Some("{}"), &[]).await;
    assert_msg(
        status,
        &v,
        StatusCode::METHOD_NOT_ALLOWED,
        "PUT is not allowed",
    );
    let (status, v) = livy.get("/batches").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v, json!({"from": 0, "total": 0, "sessions": []}));
    let (status, v) = livy.post("/batches", json!({"file": "x.py"})).await;
    assert_msg(
        status,
        &v,
        StatusCode::BAD_REQUEST,
        "batches are not supported",
    );
    let (status, v) = livy.get("/batches/0").await;
    assert_msg(status, &v, StatusCode::NOT_FOUND, "Batch '0' not found.");
    // HEAD answers as GET does, without a body.
    let resp = livy.http.head(livy.url("/version")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.unwrap().is_empty());
    // An unknown Livy API version is 406.
    let (status, _, v) = livy
        .raw(
            Method::GET,
            "/sessions",
            None,
            &[("Accept", "application/vnd.livy.v9+json")],
        )
        .await;
    assert_msg(
        status,
        &v,
        StatusCode::NOT_ACCEPTABLE,
        "unsupported API version",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_kinds_are_refused_without_a_trace() {
    // A server with pyspark sessions turned off refuses them like Scala and R.
    let mut config = quick_config();
    config.pyspark = None;
    let livy = Livy::start(config);
    for kind in ["pyspark", "spark", "sparkr"] {
        let (status, v) = livy.post("/sessions", json!({ "kind": kind })).await;
        assert_msg(status, &v, StatusCode::BAD_REQUEST, "is not supported");
    }
    let (_, list) = livy.get("/sessions").await;
    assert_eq!(list["total"], 0);
    // Ids are not consumed by refused creates.
    let (_, s) = livy.post("/sessions", json!({"kind": "sql"})).await;
    assert_eq!(s["id"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_names_and_a_dead_session() {
    let livy = Livy::start(quick_config());
    livy.session(json!({"kind": "sql", "name": "one"})).await;
    let (status, v) = livy
        .post("/sessions", json!({"kind": "sql", "name": "one"}))
        .await;
    assert_msg(
        status,
        &v,
        StatusCode::BAD_REQUEST,
        "Duplicate session name: one",
    );

    // A master Ember cannot run fails the session's start: `error`, with the reason logged.
    let (status, s) = livy
        .post(
            "/sessions",
            json!({"kind": "sql", "conf": {"spark.master": "yarn"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = s["id"].as_u64().unwrap();
    let failed = livy.wait_state(id, "error").await;
    let log = failed["log"].to_string();
    assert!(log.contains("failed to start"), "{log}");
    let (status, v) = livy
        .post(
            &format!("/sessions/{id}/statements"),
            json!({"code": "SELECT 1"}),
        )
        .await;
    assert_msg(status, &v, StatusCode::CONFLICT, "does not take statements");
}
