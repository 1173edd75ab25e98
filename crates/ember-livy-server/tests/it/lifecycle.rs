//! Cancel, deletion, timeouts and shutdown.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::fixture::{Livy, quick_config};

/// A query that runs for minutes unless stopped (a filter defeats statistics shortcuts).
const ENDLESS: &str = "SELECT count(*) FROM range(1000000000000) WHERE id % 7 = 3";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_running_query_within_a_second() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let (_, st) = livy
        .post(
            &format!("/sessions/{id}/statements"),
            json!({"code": ENDLESS}),
        )
        .await;
    let sid = st["id"].as_u64().unwrap();
    // Queue one behind it: it must run once the first is cancelled.
    let (_, next) = livy
        .post(
            &format!("/sessions/{id}/statements"),
            json!({"code": "SELECT 42 AS x"}),
        )
        .await;
    livy.wait_state(id, "busy").await;
    let running = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, s) = livy.get(&format!("/sessions/{id}/statements/{sid}")).await;
        if s["state"] == "running" {
            break;
        }
        assert!(Instant::now() < running, "never ran: {s}");
    }
    let asked = Instant::now();
    let (status, v) = livy
        .post(
            &format!("/sessions/{id}/statements/{sid}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v, json!({"msg": "canceled"}));
    let done = livy.wait_statement(id, sid).await;
    assert_eq!(done["state"], "cancelled");
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "took {:?}",
        asked.elapsed()
    );
    // The engine is free again: the next statement runs at once.
    let after = livy.wait_statement(id, next["id"].as_u64().unwrap()).await;
    assert_eq!(
        after["output"]["data"]["application/json"]["data"],
        json!([[42]])
    );
    livy.wait_state(id, "idle").await;
    // Cancelling a finished statement is a no-op that still answers 200.
    let (status, _) = livy
        .post(
            &format!("/sessions/{id}/statements/{sid}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_a_waiting_statement_at_once() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    let path = format!("/sessions/{id}/statements");
    let (_, first) = livy.post(&path, json!({"code": ENDLESS})).await;
    let (_, second) = livy.post(&path, json!({"code": "SELECT 1"})).await;
    let sid2 = second["id"].as_u64().unwrap();
    livy.post(&format!("{path}/{sid2}/cancel"), json!({})).await;
    let (_, s2) = livy.get(&format!("{path}/{sid2}")).await;
    assert_eq!(s2["state"], "cancelled");
    assert!(s2["output"].is_null());
    let sid1 = first["id"].as_u64().unwrap();
    livy.post(&format!("{path}/{sid1}/cancel"), json!({})).await;
    assert_eq!(livy.wait_statement(id, sid1).await["state"], "cancelled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_stops_a_running_statement_and_forgets_the_session() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql", "name": "doomed"})).await;
    livy.post(
        &format!("/sessions/{id}/statements"),
        json!({"code": ENDLESS}),
    )
    .await;
    livy.wait_state(id, "busy").await;
    let t = Instant::now();
    let (status, v) = livy.delete("/sessions/doomed").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v, json!({"msg": "deleted"}));
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
    let (status, _) = livy.get(&format!("/sessions/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The name is free again.
    livy.session(json!({"kind": "sql", "name": "doomed"})).await;
}

/// Whether `GET /sessions` lists session `id` as still alive (a listing is no session's
/// activity; an expired session may stay listed, in a final state, until it is forgotten).
async fn listed(livy: &Livy, id: u64) -> bool {
    let (status, list) = livy.get("/sessions").await;
    assert_eq!(status, StatusCode::OK);
    list["sessions"].as_array().unwrap().iter().any(|s| {
        s["id"] == id
            && !matches!(
                s["state"].as_str(),
                Some("dead" | "killed" | "error" | "success")
            )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heartbeat_timeout_deletes_but_polling_and_work_keep_alive() {
    let livy = Livy::start(quick_config());
    let quiet = livy
        .session(json!({"kind": "sql", "heartbeatTimeoutInSecond": 1}))
        .await;
    let polled = livy
        .session(json!({"kind": "sql", "heartbeatTimeoutInSecond": 1}))
        .await;
    let working = livy
        .session(json!({"kind": "sql", "heartbeatTimeoutInSecond": 1}))
        .await;
    livy.post(
        &format!("/sessions/{working}/statements"),
        json!({"code": ENDLESS}),
    )
    .await;
    // Poll one session until the quiet one is deleted (its heartbeat timeout passed), at least
    // 1.8 s (more than its 1 s timeout) and at most 30 s, whatever the machine's load.
    let started = Instant::now();
    loop {
        let (status, _) = livy.get(&format!("/sessions/{polled}/state")).await;
        assert_eq!(status, StatusCode::OK, "a polled session must stay");
        // The listing touches no session (a GET of the session itself would keep it alive).
        if !listed(&livy, quiet).await && started.elapsed() > Duration::from_millis(1800) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the quiet session was never deleted"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, s) = livy.get(&format!("/sessions/{working}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a session with a running statement must stay"
    );
    assert_eq!(s["state"], "busy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_timeout_and_ttl() {
    let mut config = quick_config();
    config.idle_timeout = Some(Duration::from_millis(600));
    let livy = Livy::start(config);
    let idle = livy.session(json!({"kind": "sql"})).await;
    let aged = livy
        .session(json!({"kind": "sql", "ttl": "1s", "idleTimeout": "1h"}))
        .await;
    let kept = livy
        .session(json!({"kind": "sql", "idleTimeout": "1h"}))
        .await;
    // Wait for the two deletions themselves (bounded), not for a time they should fit in, on
    // the listing (a GET of a session would count as its activity).
    let deadline = Instant::now() + Duration::from_secs(30);
    for gone in [idle, aged] {
        while listed(&livy, gone).await {
            assert!(
                Instant::now() < deadline,
                "session {gone} was never deleted: {}",
                livy.get("/sessions").await.1
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(
            livy.get(&format!("/sessions/{gone}")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        livy.get(&format!("/sessions/{kept}")).await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_the_server_cancels_work_within_the_grace_period() {
    let livy = Livy::start(quick_config());
    let id = livy.session(json!({"kind": "sql"})).await;
    livy.post(
        &format!("/sessions/{id}/statements"),
        json!({"code": ENDLESS}),
    )
    .await;
    livy.wait_state(id, "busy").await;
    let addr = livy.running.addr();
    let t = Instant::now();
    let Livy { running, .. } = livy;
    let server = running.server().clone();
    running.stop();
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(server.session_count(), 0);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening"
    );
}
