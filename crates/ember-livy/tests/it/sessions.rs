//! Sessions: create, attach, list, wait, delete; headers; deadlines.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use ember_livy::protocol::{CreateSession, SessionKind, SessionState};
use ember_livy::{Error, LivyClient, SessionRef};
use serde_json::json;

use crate::fake::{self, FakeLivy, Reply, session};

#[tokio::test]
async fn create_sends_every_field_and_the_headers() {
    let fake = FakeLivy::start().await;
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::created(session(0, "pyspark", "starting"))],
    );
    let client = fake::builder(&fake)
        .bearer_token("s3cret")
        .header("X-Custom", "yes")
        .requested_by("tests")
        .build()
        .unwrap();
    let request = CreateSession {
        kind: Some(SessionKind::PySpark),
        proxy_user: Some("alice".into()),
        jars: Some(vec!["a.jar".into()]),
        py_files: Some(vec!["b.py".into()]),
        files: Some(vec!["c.txt".into()]),
        archives: Some(vec!["d.zip".into()]),
        driver_memory: Some("512m".into()),
        driver_cores: Some(1),
        executor_memory: Some("1g".into()),
        executor_cores: Some(2),
        num_executors: Some(3),
        queue: Some("q".into()),
        name: Some("ctx".into()),
        conf: Some(BTreeMap::from([("spark.x".into(), "1".into())])),
        heartbeat_timeout_in_second: Some(60),
        ttl: Some("10m".into()),
        idle_timeout: Some("1h".into()),
    };
    let s = client.create_session(&request).await.unwrap();
    assert_eq!(s.id(), 0);
    assert_eq!(s.kind(), &SessionKind::PySpark);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.header("x-requested-by"), Some("tests"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("authorization"), Some("Bearer s3cret"));
    assert_eq!(r.header("x-custom"), Some("yes"));
    assert_eq!(
        r.json(),
        json!({"kind": "pyspark", "proxyUser": "alice", "jars": ["a.jar"], "pyFiles": ["b.py"],
               "files": ["c.txt"], "archives": ["d.zip"], "driverMemory": "512m", "driverCores": 1,
               "executorMemory": "1g", "executorCores": 2, "numExecutors": 3, "queue": "q",
               "name": "ctx", "conf": {"spark.x": "1"}, "heartbeatTimeoutInSecond": 60,
               "ttl": "10m", "idleTimeout": "1h"})
    );
}

#[tokio::test]
async fn basic_auth_and_default_requested_by_on_gets() {
    let fake = fake::with_session(3, "sql").await;
    let client = fake::builder(&fake)
        .basic_auth("bob", Some("pw".into()))
        .build()
        .unwrap();
    client.session(3).await.unwrap();
    let r = &fake.requests()[0];
    // base64("bob:pw")
    assert_eq!(r.header("authorization"), Some("Basic Ym9iOnB3"));
    assert_eq!(r.header("x-requested-by"), Some("ember-livy"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.method, "GET");
}

#[tokio::test]
async fn attach_by_name_uses_the_name_in_the_path() {
    let fake = FakeLivy::start().await;
    let mut info = session(7, "sql", "idle");
    info["name"] = json!("shared ctx");
    fake.on("GET", "/sessions/shared%20ctx", vec![Reply::json(info)]);
    let client = fake::client(&fake);
    let s = client.session("shared ctx").await.unwrap();
    assert_eq!(s.id(), 7);
    assert_eq!(s.name(), Some("shared ctx"));
    // A name made of digits is an id, as Livy reads it.
    assert_eq!(SessionRef::from("7"), SessionRef::Id(7));
}

#[tokio::test]
async fn list_pages_with_from_and_size() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions?from=0&size=100",
        vec![Reply::json(json!({"from": 0, "total": 3,
            "sessions": [session(0, "sql", "idle"), session(1, "sql", "busy")]}))],
    );
    fake.on(
        "GET",
        "/sessions?from=2&size=100",
        vec![Reply::json(json!({"from": 2, "total": 3,
            "sessions": [session(5, "spark", "dead")]}))],
    );
    let client = fake::client(&fake);
    let all = client.all_sessions().await.unwrap();
    assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), vec![0, 1, 5]);
    assert_eq!(all[2].state, SessionState::Dead);
    let page = client.sessions(Some(2), Some(100)).await.unwrap();
    assert_eq!(page.from, 2);
    assert_eq!(page.total, 3);
}

#[tokio::test]
async fn wait_idle_polls_through_starting_and_unknown_states() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/0",
        vec![
            Reply::json(session(0, "sql", "starting")),
            Reply::json(session(0, "sql", "warming_up")),
            Reply::json(session(0, "sql", "idle")),
        ],
    );
    let client = fake::client(&fake);
    let info = client.wait_idle(0).await.unwrap();
    assert_eq!(info.state, SessionState::Idle);
    assert_eq!(fake.count("GET", "/sessions/0"), 3);
}

#[tokio::test]
async fn wait_idle_on_a_dead_session_carries_the_log_tail() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/4",
        vec![
            Reply::json(session(4, "pyspark", "starting")),
            Reply::json(session(4, "pyspark", "error")),
        ],
    );
    fake.on(
        "GET",
        "/sessions/4/log",
        vec![Reply::json(json!({"id": 4, "from": 10, "total": 12,
            "log": ["YARN application failed", "Exception: no queue"]}))],
    );
    let client = fake::client(&fake);
    let err = client.wait_idle(4).await.unwrap_err();
    match &err {
        Error::SessionEnded {
            id,
            state,
            gone,
            log_tail,
        } => {
            assert_eq!(id, "4");
            assert_eq!(state, &SessionState::Error);
            assert!(!gone);
            assert_eq!(
                log_tail,
                &vec!["YARN application failed", "Exception: no queue"]
            );
        }
        other => panic!("expected SessionEnded, got {other:?}"),
    }
    assert!(err.to_string().contains("Exception: no queue"), "{err}");
    // The log tail was asked for with a size.
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.target == "/sessions/4/log?size=50")
    );
}

#[tokio::test]
async fn a_404_during_wait_idle_ends_the_wait() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/9",
        vec![
            Reply::json(session(9, "sql", "starting")),
            Reply::Status(404, json!({"msg": "Session '9' not found."}).to_string()),
        ],
    );
    let client = fake::client(&fake);
    match client.wait_idle(9).await {
        Err(Error::SessionEnded {
            gone: true, state, ..
        }) => {
            assert_eq!(state, SessionState::Starting)
        }
        other => panic!("expected a gone session, got {other:?}"),
    }
}

#[tokio::test]
async fn a_session_stuck_in_starting_times_out_quickly() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/1",
        vec![Reply::json(session(1, "spark", "starting"))],
    );
    let client = fake::builder(&fake)
        .session_start_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.wait_idle(1).await.unwrap_err();
    let took = started.elapsed();
    match &err {
        Error::Timeout { waiting_for, after } => {
            assert_eq!(*after, Duration::from_millis(300));
            assert!(waiting_for.contains("session 1"), "{waiting_for}");
        }
        other => panic!("expected Timeout, got {other:?}"),
    }
    // Not before the deadline; the upper bound only catches a wait that ignores it (generous:
    // a loaded machine delays the timer, not the logic).
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(10),
        "{took:?}"
    );
    // It polled until then, not once.
    assert!(fake.count("GET", "/sessions/1") >= 2);
}

#[tokio::test]
async fn start_session_deletes_a_session_that_never_starts() {
    let fake = FakeLivy::start().await;
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::created(session(2, "sql", "starting"))],
    );
    fake.on(
        "GET",
        "/sessions/2",
        vec![Reply::json(session(2, "sql", "starting"))],
    );
    fake.on(
        "DELETE",
        "/sessions/2",
        vec![Reply::json(json!({"msg": "deleted"}))],
    );
    let client = fake::builder(&fake)
        .session_start_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = client
        .start_session(&CreateSession::default())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(fake.count("DELETE", "/sessions/2"), 1);
}

#[tokio::test]
async fn state_log_and_delete() {
    let fake = fake::with_session(6, "sql").await;
    fake.on(
        "GET",
        "/sessions/6/state",
        vec![Reply::json(json!({"id": 6, "state": "busy"}))],
    );
    fake.on(
        "GET",
        "/sessions/6/log",
        vec![Reply::json(
            json!({"id": 6, "from": 0, "total": 2, "log": ["a", "b"]}),
        )],
    );
    fake.on(
        "DELETE",
        "/sessions/6",
        vec![Reply::json(json!({"msg": "deleted"}))],
    );
    let client = fake::client(&fake);
    let s = client.session(6).await.unwrap();
    assert_eq!(s.state().await.unwrap(), SessionState::Busy);
    let log = s.log(Some(0), Some(-1)).await.unwrap();
    assert_eq!(log.log, vec!["a", "b"]);
    assert_eq!(log.total, 2);
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.target == "/sessions/6/log?from=0&size=-1")
    );
    s.delete().await.unwrap();
    assert_eq!(fake.count("DELETE", "/sessions/6"), 1);
}

#[tokio::test]
// Edition 2024 makes env mutation unsafe; this is the only test touching LIVY_SERVER_URL.
#[allow(unsafe_code)]
async fn urls_from_the_environment_and_https_kept() {
    // SAFETY: no other test in this binary reads or writes LIVY_SERVER_URL.
    unsafe { std::env::remove_var("LIVY_SERVER_URL") };
    assert!(matches!(LivyClient::from_env(), Err(Error::Config(_))));
    unsafe { std::env::set_var("LIVY_SERVER_URL", "https://livy.example:8443/gateway") };
    let client = LivyClient::from_env().unwrap();
    assert_eq!(client.url().as_str(), "https://livy.example:8443/gateway");
    unsafe { std::env::remove_var("LIVY_SERVER_URL") };
    assert!(matches!(
        LivyClient::new("ftp://x"),
        Err(Error::InvalidUrl { .. })
    ));
    assert!(matches!(
        LivyClient::builder("h:1").header("bad header", "x").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        LivyClient::builder("h:1").ca_pem("not a pem").build(),
        Err(Error::Config(_))
    ));
}
