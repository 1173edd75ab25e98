//! Against a real Livy server (Ember's `ember livy-server`, or Apache Livy), opt in:
//!
//! ```text
//! ember livy-server --port 8998 &
//! EMBER_LIVY_LIVE_URL=127.0.0.1:8998 cargo test -p ember-livy --test it live -- --ignored
//! ```
//!
//! Only the `sql` kind is exercised (what Ember's server runs).

use std::time::Duration;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, Int32Type, Int64Type};
use ember_livy::protocol::{CreateSession, SessionKind};
use ember_livy::{Error, LivyClient, SharedTable};

fn client() -> LivyClient {
    let url = std::env::var("EMBER_LIVY_LIVE_URL").expect("EMBER_LIVY_LIVE_URL");
    LivyClient::builder(&url)
        .session_start_timeout(Duration::from_secs(120))
        .statement_timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

#[tokio::test]
#[ignore = "needs a Livy server at EMBER_LIVY_LIVE_URL"]
async fn live_sql_session_types_errors_and_a_shared_table() {
    let client = client();
    let name = format!("ember-livy-live-{}", std::process::id());
    let s = client
        .start_session(&CreateSession {
            kind: Some(SessionKind::Sql),
            name: Some(name.clone()),
            ..Default::default()
        })
        .await
        .unwrap();

    let batch = s
        .sql("SELECT CAST(1 AS INT) AS one, CAST(2 AS BIGINT) AS two, 'x' AS s, CAST(NULL AS STRING) AS n, \
              CAST(1.25 AS DECIMAL(10,2)) AS d, DATE '2024-02-29' AS dt, array(1, 2) AS a, \
              map('k', 1) AS m, named_struct('f', 1, 'g', 'h') AS st")
        .await
        .unwrap();
    assert_eq!(batch.num_rows(), 1);
    let schema = batch.schema();
    assert!(
        matches!(schema.field(0).data_type(), DataType::Int32),
        "{schema:?}"
    );
    assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(0), 1);
    assert_eq!(batch.column(1).as_primitive::<Int64Type>().value(0), 2);
    assert_eq!(batch.column(2).as_string::<i32>().value(0), "x");
    assert!(batch.column(3).is_null(0));
    assert_eq!(schema.field(4).data_type(), &DataType::Decimal128(10, 2));
    assert_eq!(schema.field(5).data_type(), &DataType::Date32);
    assert!(
        matches!(schema.field(6).data_type(), DataType::List(_)),
        "{schema:?}"
    );
    assert!(
        matches!(schema.field(7).data_type(), DataType::Map(..)),
        "{schema:?}"
    );
    assert!(
        matches!(schema.field(8).data_type(), DataType::Struct(_)),
        "{schema:?}"
    );

    match s.sql("SELECT * FROM ember_livy_no_such_table").await {
        Err(Error::Statement { .. }) => {}
        other => panic!("expected a statement error, got {other:?}"),
    }

    // Two clients share one table through the named session.
    let kv1 = SharedTable::open(s.clone(), "ember_livy_kv").await.unwrap();
    let other = client.session(name.as_str()).await.unwrap();
    assert_eq!(other.id(), s.id());
    let kv2 = SharedTable::open(other, "ember_livy_kv").await.unwrap();
    kv1.set("ak", "Alaska").await.unwrap();
    kv1.set("it's", "back\\slash").await.unwrap();
    assert_eq!(kv2.get("ak").await.unwrap().as_deref(), Some("Alaska"));
    assert_eq!(
        kv2.get("it's").await.unwrap().as_deref(),
        Some("back\\slash")
    );
    kv2.set("ak", "Alaska!").await.unwrap();
    assert_eq!(kv1.get("ak").await.unwrap().as_deref(), Some("Alaska!"));
    kv1.remove("it's").await.unwrap();
    assert_eq!(kv1.get("it's").await.unwrap(), None);
    assert_eq!(kv2.keys().await.unwrap(), vec!["ak"]);
    assert_eq!(kv2.get("never").await.unwrap(), None);

    s.delete().await.unwrap();
    assert!(
        client
            .session_info(s.id())
            .await
            .unwrap_err()
            .is_not_found()
    );
}
