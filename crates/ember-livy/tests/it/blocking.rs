//! The blocking facade: from plain threads (as the seeds run), and refused inside a runtime.

use ember_livy::Output;
use ember_livy::blocking::LivyClient;
use ember_livy::protocol::{CreateSession, SessionKind};
use serde_json::{Value, json};

use crate::fake::{self, FakeLivy, Reply, ok_json, ok_text, session, statement};

/// A runtime that only hosts the fake server; the test thread stays outside it.
fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_seeds_flow_from_a_plain_thread() {
    let rt = server_runtime();
    let fake: FakeLivy = rt.block_on(FakeLivy::start());
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::created(session(0, "pyspark", "starting"))],
    );
    fake.on(
        "GET",
        "/sessions/0",
        vec![
            Reply::json(session(0, "pyspark", "starting")),
            Reply::json(session(0, "pyspark", "idle")),
        ],
    );
    fake.on(
        "POST",
        "/sessions/0/statements",
        vec![Reply::created(statement(0, "waiting", Value::Null))],
    );
    fake.on(
        "GET",
        "/sessions/0/statements/0",
        vec![
            Reply::json(statement(0, "running", Value::Null)),
            Reply::json(statement(0, "available", ok_text(0, "2"))),
            Reply::json(statement(0, "available", ok_json(0, json!(4)))),
        ],
    );
    fake.on(
        "DELETE",
        "/sessions/0",
        vec![Reply::json(json!({"msg": "deleted"}))],
    );

    let client = LivyClient::from_builder(fake::builder(&fake)).unwrap();
    let s = client
        .start_session(&CreateSession {
            kind: Some(SessionKind::PySpark),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(s.id(), 0);
    assert_eq!(s.run("1 + 1").unwrap(), Output::Text("2".into()));
    let z: i64 = s.read("z").unwrap();
    assert_eq!(z, 4);
    s.delete().unwrap();
    assert_eq!(fake.count("DELETE", "/sessions/0"), 1);

    // Handles work from other threads too.
    let s2 = s.clone();
    let state = std::thread::spawn(move || s2.info().map(|i| i.state))
        .join()
        .unwrap();
    assert!(state.is_ok());
    drop(client);
    drop(s);
    drop(fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_runtime_it_works_by_the_one_rule() {
    // The fake server runs on this test's runtime; the blocking call parks its worker with
    // `block_in_place`, so the server keeps answering on the other one.
    let fake = fake::with_session(0, "sql").await;
    let client = LivyClient::from_builder(fake::builder(&fake)).unwrap();
    let session = client.session(0).unwrap();
    assert_eq!(session.id(), 0);
    assert_eq!(fake.requests().len(), 1);
    // Dropping it here must not panic either.
    drop(session);
    drop(client);
}
