//! Misbehaving servers: error bodies, 5xx, resets, refused connections, hangs; what is retried
//! and what is never repeated.

use std::time::Duration;

use ember_livy::protocol::{CreateBatch, CreateSession, SessionState};
use ember_livy::{Error, LivyClient, Output};
use serde_json::{Value, json};

use crate::fake::{self, FakeLivy, Reply, ok_text, session, statement};

const STMTS: &str = "/sessions/0/statements";

#[tokio::test]
async fn a_bare_string_error_body() {
    let fake = fake::with_session(0, "pyspark").await;
    fake.on(
        "GET",
        "/sessions/0/statements/42",
        vec![Reply::Status(404, json!("Statement not found").to_string())],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    match s.statement(42).await {
        Err(Error::NotFound { message, url, .. }) => {
            assert_eq!(message, "Statement not found");
            assert!(url.ends_with("/sessions/0/statements/42"), "{url}");
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn livy_500_bare_string_on_a_post_is_checked_not_repeated() {
    let fake = fake::with_session(0, "pyspark").await;
    fake.on(
        "POST",
        STMTS,
        vec![Reply::Status(
            500,
            json!("java.lang.IllegalStateException: Session is in state starting").to_string(),
        )],
    );
    fake.on(
        "GET",
        STMTS,
        vec![Reply::json(
            json!({"total_statements": 0, "statements": []}),
        )],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    match s.run("1 + 1").await {
        Err(Error::Http {
            status,
            message,
            method,
            ..
        }) => {
            assert_eq!(status, 500);
            assert_eq!(method, "POST");
            assert_eq!(
                message,
                "java.lang.IllegalStateException: Session is in state starting"
            );
        }
        other => panic!("expected Http 500, got {other:?}"),
    }
    assert_eq!(fake.count("POST", STMTS), 1, "a POST must not be repeated");
    assert_eq!(
        fake.count("GET", STMTS),
        1,
        "the statement list is consulted"
    );
}

#[tokio::test]
async fn a_post_answered_5xx_that_did_create_the_statement_is_adopted() {
    let fake = fake::with_session(0, "pyspark").await;
    fake.on(
        "POST",
        STMTS,
        vec![Reply::Status(
            502,
            "<html><title>Bad Gateway</title></html>".into(),
        )],
    );
    let mut listed = statement(5, "running", Value::Null);
    listed["code"] = json!("x = 1");
    fake.on(
        "GET",
        STMTS,
        vec![Reply::json(
            json!({"total_statements": 1, "statements": [listed]}),
        )],
    );
    fake.on(
        "GET",
        "/sessions/0/statements/5",
        vec![Reply::json(statement(5, "available", ok_text(5, "")))],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    assert_eq!(s.run("x = 1").await.unwrap(), Output::Text(String::new()));
    assert_eq!(fake.count("POST", STMTS), 1);
}

#[tokio::test]
async fn a_post_whose_connection_drops_is_unconfirmed_when_not_found() {
    let fake = fake::with_session(0, "pyspark").await;
    fake.on("POST", STMTS, vec![Reply::Close]);
    fake.on(
        "GET",
        STMTS,
        vec![Reply::json(
            json!({"total_statements": 0, "statements": []}),
        )],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    match s.run("x = 1").await {
        Err(Error::Unconfirmed { method, cause, .. }) => {
            assert_eq!(method, "POST");
            assert!(matches!(*cause, Error::Transport { .. }), "{cause:?}");
        }
        other => panic!("expected Unconfirmed, got {other:?}"),
    }
    assert_eq!(fake.count("POST", STMTS), 1, "a POST must not be repeated");
}

#[tokio::test]
async fn a_post_that_times_out_is_unconfirmed() {
    let fake = fake::with_session(0, "pyspark").await;
    fake.on(
        "POST",
        STMTS,
        vec![Reply::Delay(
            Duration::from_secs(3),
            Box::new(Reply::created(statement(0, "waiting", Value::Null))),
        )],
    );
    fake.on(
        "GET",
        STMTS,
        vec![Reply::json(
            json!({"total_statements": 0, "statements": []}),
        )],
    );
    let client = fake::builder(&fake)
        .request_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let s = client.session(0).await.unwrap();
    match s.run("x = 1").await {
        Err(Error::Unconfirmed { cause, .. }) => assert!(cause.is_timeout(), "{cause:?}"),
        other => panic!("expected Unconfirmed, got {other:?}"),
    }
    assert_eq!(fake.count("POST", STMTS), 1);
}

#[tokio::test]
async fn an_html_400_page() {
    let fake = FakeLivy::start().await;
    let jetty = "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n\
        <title>Error 400 Missing Required Header for CSRF protection.</title>\n</head>\n\
        <body><h2>HTTP ERROR 400</h2>\n<p>Problem accessing /sessions. Reason:\n\
        <pre>    Missing Required Header for CSRF protection.</pre></p></body>\n</html>\n";
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::Typed(400, "text/html", jetty.into())],
    );
    let client = fake::client(&fake);
    match client.create_session(&CreateSession::default()).await {
        Err(Error::Http {
            status, message, ..
        }) => {
            assert_eq!(status, 400);
            assert_eq!(
                message,
                "Error 400 Missing Required Header for CSRF protection."
            );
        }
        other => panic!("expected Http 400, got {other:?}"),
    }
    assert_eq!(fake.count("POST", "/sessions"), 1, "4xx is never retried");
}

#[tokio::test]
async fn a_get_answered_5xx_then_ok_is_retried() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/0",
        vec![
            Reply::Status(503, json!({"msg": "busy"}).to_string()),
            Reply::Status(500, "oops".into()),
            Reply::json(session(0, "sql", "idle")),
        ],
    );
    let client = fake::client(&fake);
    let info = client.session_info(0).await.unwrap();
    assert_eq!(info.state, SessionState::Idle);
    assert_eq!(fake.count("GET", "/sessions/0"), 3);
}

#[tokio::test]
async fn retries_are_bounded() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/0",
        vec![Reply::Status(503, json!({"msg": "down"}).to_string())],
    );
    let client = fake::client(&fake);
    match client.session_info(0).await {
        Err(Error::Http {
            status: 503,
            message,
            ..
        }) => assert_eq!(message, "down"),
        other => panic!("expected Http 503, got {other:?}"),
    }
    // One attempt and three retries.
    assert_eq!(fake.count("GET", "/sessions/0"), 4);
}

#[tokio::test]
async fn a_get_whose_connection_resets_is_retried() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/sessions/0",
        vec![Reply::Close, Reply::json(session(0, "sql", "idle"))],
    );
    let client = fake::client(&fake);
    assert_eq!(client.session_info(0).await.unwrap().id, 0);
    assert_eq!(fake.count("GET", "/sessions/0"), 2);
}

#[tokio::test]
async fn a_refused_connection_is_connect() {
    // Bind and drop a listener: nothing listens on that port any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let client = LivyClient::builder(&format!("127.0.0.1:{port}"))
        .retry_policy(ember_livy::RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
        })
        .build()
        .unwrap();
    match client.version().await {
        Err(Error::Connect { url, .. }) => assert!(url.contains(&port.to_string())),
        other => panic!("expected Connect, got {other:?}"),
    }
}

#[tokio::test]
async fn a_named_session_create_answered_5xx_is_looked_up_by_name() {
    let fake = FakeLivy::start().await;
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::Status(504, "gateway timeout".into())],
    );
    let mut info = session(3, "sql", "starting");
    info["name"] = json!("ctx");
    fake.on("GET", "/sessions/ctx", vec![Reply::json(info)]);
    let client = fake::client(&fake);
    let s = client
        .create_session(&CreateSession {
            name: Some("ctx".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(s.id(), 3);
    assert_eq!(fake.count("POST", "/sessions"), 1);
}

#[tokio::test]
async fn an_unnamed_session_create_answered_5xx_is_unconfirmed() {
    let fake = FakeLivy::start().await;
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::Status(500, json!({"msg": "boom"}).to_string())],
    );
    let client = fake::client(&fake);
    let err = client
        .create_session(&CreateSession::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unconfirmed { .. }), "{err:?}");
    assert_eq!(err.status(), Some(500));
    assert!(
        err.to_string().contains("may or may not have taken effect"),
        "{err}"
    );
    assert_eq!(fake.count("POST", "/sessions"), 1);
}

#[tokio::test]
async fn a_named_session_create_5xx_not_found_by_name_is_the_5xx() {
    let fake = FakeLivy::start().await;
    fake.on(
        "POST",
        "/sessions",
        vec![Reply::Status(500, json!({"msg": "boom"}).to_string())],
    );
    fake.on(
        "GET",
        "/sessions/ctx",
        vec![Reply::Status(
            404,
            json!({"msg": "Session 'ctx' not found."}).to_string(),
        )],
    );
    let client = fake::client(&fake);
    let err = client
        .create_session(&CreateSession {
            name: Some("ctx".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err:?}");
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_is_done() {
    let fake = FakeLivy::start().await;
    fake.on(
        "DELETE",
        "/sessions/2",
        vec![
            Reply::Status(502, "bad gateway".into()),
            Reply::Status(404, json!({"msg": "Session '2' not found."}).to_string()),
        ],
    );
    let client = fake::client(&fake);
    client.delete_session(2).await.unwrap();
    assert_eq!(fake.count("DELETE", "/sessions/2"), 2);
    // A plain 404 on the first attempt is an error.
    fake.on(
        "DELETE",
        "/sessions/3",
        vec![Reply::Status(
            404,
            json!({"msg": "Session '3' not found."}).to_string(),
        )],
    );
    assert!(client.delete_session(3).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn an_unparseable_success_body_is_decode() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/version",
        vec![Reply::Status(200, "<html>proxy login</html>".into())],
    );
    let client = fake::client(&fake);
    match client.version().await {
        Err(Error::Decode { what, message }) => {
            assert!(what.contains("/version"), "{what}");
            assert!(message.contains("proxy login"), "{message}");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn batches_submit_wait_and_fail_with_the_log() {
    let fake = FakeLivy::start().await;
    let batch = |state: &str| {
        json!({"id": 1, "name": null, "owner": null, "proxyUser": null,
        "state": state, "appId": null, "appInfo": {}, "log": ["last line"]})
    };
    fake.on("POST", "/batches", vec![Reply::created(batch("starting"))]);
    fake.on(
        "GET",
        "/batches/1",
        vec![
            Reply::json(batch("starting")),
            Reply::json(batch("running")),
            Reply::json(batch("success")),
        ],
    );
    let client = fake::client(&fake);
    let b = client
        .submit_batch(&CreateBatch {
            file: "local:/pi.py".into(),
            class_name: Some("org.Pi".into()),
            args: Some(vec!["10".into()]),
            conf: Some([("spark.a".to_owned(), "b".to_owned())].into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        fake.posted("/batches")[0],
        json!({"file": "local:/pi.py", "className": "org.Pi", "args": ["10"], "conf": {"spark.a": "b"}})
    );
    assert_eq!(b.wait().await.unwrap().state, SessionState::Success);

    fake.on("GET", "/batches/1", vec![Reply::json(batch("dead"))]);
    fake.on(
        "GET",
        "/batches/1/log",
        vec![Reply::json(
            json!({"id": 1, "from": 0, "total": 2, "log": ["a", "Traceback: boom"]}),
        )],
    );
    match b.wait().await {
        Err(Error::BatchFailed {
            id: 1,
            state,
            log_tail,
            gone: false,
        }) => {
            assert_eq!(state, SessionState::Dead);
            assert_eq!(log_tail, vec!["a", "Traceback: boom"]);
        }
        other => panic!("expected BatchFailed, got {other:?}"),
    }
    fake.on(
        "DELETE",
        "/batches/1",
        vec![Reply::json(json!({"msg": "deleted"}))],
    );
    b.kill().await.unwrap();
    assert_eq!(fake.count("DELETE", "/batches/1"), 1);
}

#[tokio::test]
async fn a_batch_that_never_finishes_times_out() {
    let fake = FakeLivy::start().await;
    fake.on(
        "GET",
        "/batches/8",
        vec![Reply::json(json!({"id": 8, "state": "running"}))],
    );
    let client = fake::builder(&fake)
        .batch_timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let err = client.batch(8).wait().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
