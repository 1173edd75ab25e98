//! Ember's own Livy client against Ember's server, end to end over loopback.

use std::time::{Duration, Instant};

use ember_livy::protocol::{CreateSession, SessionKind, SessionState};
use ember_livy::{Error, LivyClient, PollSchedule, SharedTable};
use ember_sql::arrow::array::{Array, AsArray};
use ember_sql::arrow::datatypes::{DataType, Int32Type, Int64Type};

use crate::fixture::{Livy, quick_config};

fn client(livy: &Livy) -> LivyClient {
    LivyClient::builder(&livy.running.url())
        .session_start_timeout(Duration::from_secs(20))
        .statement_timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

fn sql_session(name: Option<&str>) -> CreateSession {
    CreateSession {
        kind: Some(SessionKind::Sql),
        name: name.map(str::to_owned),
        ..CreateSession::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_results_decode_to_arrow_with_their_types() {
    let livy = Livy::start(quick_config());
    let session = client(&livy)
        .start_session(&sql_session(None))
        .await
        .unwrap();
    assert_eq!(session.state().await.unwrap(), SessionState::Idle);
    let batch = session
        .sql(
            "SELECT CAST(7 AS INT) AS i, CAST(8 AS BIGINT) AS l, 'a' AS s, true AS b, \
             CAST(NULL AS STRING) AS n, make_array(1, 2) AS arr, \
             named_struct('x', 1, 'y', 'z') AS st, DATE '2024-01-02' AS dt",
        )
        .await
        .unwrap();
    assert_eq!(batch.num_rows(), 1);
    let schema = batch.schema();
    assert_eq!(schema.field(0).data_type(), &DataType::Int32);
    assert_eq!(schema.field(1).data_type(), &DataType::Int64);
    assert_eq!(schema.field(7).data_type(), &DataType::Date32);
    assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(0), 7);
    assert_eq!(batch.column(1).as_primitive::<Int64Type>().value(0), 8);
    assert!(batch.column(4).is_null(0));
    // `make_array(1, 2)` is `array<int>`, as in Spark.
    let arr = batch.column(5).as_list::<i32>().value(0);
    assert_eq!(arr.as_primitive::<Int32Type>().values(), &[1, 2]);
    let st = batch.column(6).as_struct();
    assert_eq!(st.column_names(), ["x", "y"]);
    session.delete().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_statement_is_a_typed_error_and_the_session_lives_on() {
    let livy = Livy::start(quick_config());
    let session = client(&livy)
        .start_session(&sql_session(None))
        .await
        .unwrap();
    match session.sql("SELECT nope FROM nowhere").await {
        Err(Error::Statement { ename, evalue, .. }) => {
            assert_eq!(ename, "Error");
            assert!(evalue.contains("nowhere"), "{evalue}");
        }
        other => panic!("expected a statement error, got {other:?}"),
    }
    let batch = session.sql("SELECT 1 AS one").await.unwrap();
    assert_eq!(batch.num_rows(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_of_a_running_query_through_the_client() {
    let livy = Livy::start(quick_config());
    let session = client(&livy)
        .start_session(&sql_session(None))
        .await
        .unwrap();
    let st = session
        .submit("SELECT count(*) FROM range(1000000000000) WHERE id % 7 = 3")
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while session.statement(st.id).await.unwrap().state
        != ember_livy::protocol::StatementState::Running
    {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let t = Instant::now();
    session.cancel(st.id).await.unwrap();
    match session.wait(st.id).await {
        Err(Error::Cancelled { statement, .. }) => assert_eq!(statement, st.id),
        other => panic!("expected Cancelled, got {other:?}"),
    }
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_share_a_table_by_name() {
    let livy = Livy::start(quick_config());
    let a = client(&livy)
        .start_session(&sql_session(Some("kv")))
        .await
        .unwrap();
    let b = client(&livy).session("kv").await.unwrap();
    assert_eq!(b.id(), a.id());
    let ta = SharedTable::open(a.clone(), "states").await.unwrap();
    let tb = SharedTable::open(b, "states").await.unwrap();
    ta.set("ak", "Alaska").await.unwrap();
    tb.set("ca", "California").await.unwrap();
    ta.set("ca", "Calif. (replaced)").await.unwrap();
    assert_eq!(tb.get("ak").await.unwrap().as_deref(), Some("Alaska"));
    assert_eq!(
        tb.get("ca").await.unwrap().as_deref(),
        Some("Calif. (replaced)")
    );
    assert_eq!(tb.get("tx").await.unwrap(), None);
    // Quotes in keys and values survive.
    ta.set("it's", "a 'quoted' value").await.unwrap();
    assert_eq!(
        tb.get("it's").await.unwrap().as_deref(),
        Some("a 'quoted' value")
    );
    let mut keys = tb.keys().await.unwrap();
    keys.sort();
    assert_eq!(keys, ["ak", "ca", "it's"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_paging_deletion_and_unsupported_kinds() {
    let livy = Livy::start(quick_config());
    let c = client(&livy);
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(c.start_session(&sql_session(None)).await.unwrap().id());
    }
    let page = c.sessions(Some(1), Some(2)).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(
        page.sessions.iter().map(|s| s.id).collect::<Vec<_>>(),
        ids[1..]
    );
    assert_eq!(c.all_sessions().await.unwrap().len(), 3);
    c.delete_session(ids[0]).await.unwrap();
    let gone = c.session_info(ids[0]).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    let refused = c
        .create_session(&CreateSession {
            kind: Some(SessionKind::SparkR),
            ..CreateSession::default()
        })
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    assert!(refused.to_string().contains("not supported"), "{refused}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_deadline_fires_with_a_typed_timeout_and_cancels() {
    let livy = Livy::start(quick_config());
    let c = LivyClient::builder(&livy.running.url())
        .statement_timeout(Duration::from_millis(300))
        .poll_schedule(PollSchedule::fixed(Duration::from_millis(20)))
        .build()
        .unwrap();
    let session = c.start_session(&sql_session(None)).await.unwrap();
    let t = Instant::now();
    let err = session
        .run("SELECT count(*) FROM range(1000000000000) WHERE id % 7 = 3")
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    // The client cancelled the statement it gave up on, so the session is free again.
    let again = session.with_statement_timeout(Duration::from_secs(10));
    assert_eq!(again.sql("SELECT 1 AS x").await.unwrap().num_rows(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_fails_to_start_is_a_typed_error_with_its_log() {
    let livy = Livy::start(quick_config());
    let mut request = sql_session(None);
    request.conf = Some([("spark.master".to_owned(), "yarn".to_owned())].into());
    match client(&livy).start_session(&request).await {
        Err(Error::SessionEnded {
            state, log_tail, ..
        }) => {
            assert_eq!(state, SessionState::Error);
            assert!(
                log_tail.iter().any(|l| l.contains("failed to start")),
                "{log_tail:?}"
            );
        }
        other => panic!("expected SessionEnded, got {other:?}"),
    }
}
