//! # ember-livy: the Apache Livy protocol and a Livy client
//!
//! [Apache Livy](https://livy.apache.org) runs Spark code sent over REST: create a session, post
//! statements (Scala, Python, SQL), poll them, read their output. This crate is a complete
//! client for it (async, plus a [`blocking`] facade for synchronous programs) built on the wire
//! types in [`protocol`], which Ember's own Livy-compatible server shares. It speaks to Apache
//! Livy 0.5–0.9 and to `ember livy-server`.
//!
//! What it does beyond the Python Livy utility:
//! - every wait has a deadline and fails with [`Error::Timeout`]; a session that dies while you
//!   wait is [`Error::SessionEnded`] with its log's last lines, not an endless loop;
//! - outputs are decoded by mime type into [`Output`] (`application/json` before `text/plain`);
//!   a failed statement is [`Error::Statement`] with its traceback, a cancelled one
//!   [`Error::Cancelled`];
//! - sql results become Arrow [`RecordBatch`](arrow::record_batch::RecordBatch)es, nested types
//!   included ([`spark_types`]);
//! - idempotent requests are retried with backoff; a request that creates something is never
//!   repeated blindly (the client looks for what it would have created first, and otherwise
//!   says [`Error::Unconfirmed`]);
//! - `https://` URLs stay https, with optional basic auth, bearer token, extra headers and a
//!   custom CA; `X-Requested-By` is always sent, so CSRF-protected servers work.
//!
//! ## Example
//!
//! ```no_run
//! use ember_livy::protocol::{CreateSession, SessionKind};
//! use ember_livy::{Error, LivyClient, SharedTable};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // `host:port`, `http://…`, `https://…`, or LivyClient::from_env() for LIVY_SERVER_URL.
//! let client = LivyClient::builder("localhost:8998")
//!     .statement_timeout(std::time::Duration::from_secs(600))
//!     .build()?;
//!
//! // A sql session: results come back as Arrow.
//! let sql = client
//!     .start_session(&CreateSession {
//!         kind: Some(SessionKind::Sql),
//!         name: Some("shared-ctx".into()),
//!         ..Default::default()
//!     })
//!     .await?;
//! let batch = sql.sql("SELECT 1 AS one, 'a' AS letter").await?;
//! assert_eq!(batch.num_rows(), 1);
//!
//! // Another client attaches to the same session by name and shares a table through it.
//! let other = LivyClient::new("localhost:8998")?.session("shared-ctx").await?;
//! let kv = SharedTable::open(other, "states").await?;
//! kv.set("ak", "Alaska").await?;
//! assert_eq!(kv.get("ak").await?.as_deref(), Some("Alaska"));
//!
//! // A failed statement is a typed error carrying the server's traceback.
//! match sql.sql("SELECT * FROM no_such_table").await {
//!     Err(Error::Statement { ename, evalue, .. }) => eprintln!("{ename}: {evalue}"),
//!     other => panic!("expected a statement error, got {other:?}"),
//! }
//!
//! // pyspark sessions: run code, read values back typed, call functions.
//! let py = client
//!     .start_session(&CreateSession { kind: Some(SessionKind::PySpark), ..Default::default() })
//!     .await?;
//! py.run("
//!     def add(a, b):
//!         return a + b
//! ").await?;
//! let (x, y): (i64, String) = py.read("(1 + 2, 'three')").await?;
//! let sum: Vec<i64> = py.run_function("add", &[vec![1].into(), vec![2].into()], &[]).await?;
//! assert_eq!((x, y.as_str(), sum), (3, "three", vec![1, 2]));
//!
//! py.delete().await?;
//! sql.delete().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Decoding a recorded sql output needs no server:
//!
//! ```
//! use arrow::array::AsArray;
//! use arrow::datatypes::{DataType, Int32Type};
//! use ember_livy::protocol::{SqlTable, Statement, StatementOutput};
//! use ember_livy::{spark_types::table_to_batch, Output};
//!
//! let statement: Statement = serde_json::from_str(r#"{"id":0,"code":"SELECT 1 AS one","state":"available",
//!     "output":{"status":"ok","execution_count":0,"data":{"application/json":{
//!       "schema":{"type":"struct","fields":[{"name":"one","type":"integer","nullable":false,"metadata":{}},
//!                                           {"name":"price","type":"decimal(10,2)","nullable":true,"metadata":{}}]},
//!       "data":[[1, 9.99]]}}},"progress":1.0,"started":0,"completed":0}"#)?;
//! let output = Output::from_statement_output(statement.output.as_ref().ok_or("no output")?)?;
//! let table: SqlTable = serde_json::from_value(output.as_json().ok_or("not json")?.clone())?;
//! let batch = table_to_batch(&table)?;
//! assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(0), 1);
//! assert_eq!(batch.schema().field(1).data_type(), &DataType::Decimal128(10, 2));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Main types
//! - [`LivyClient`] / [`LivyClientBuilder`]: the server; sessions and batches by id (or name).
//! - [`LivySession`]: one session: [`run`](LivySession::run), [`sql`](LivySession::sql),
//!   [`read`](LivySession::read), [`read_dataframe`](LivySession::read_dataframe),
//!   [`run_file`](LivySession::run_file), [`run_function`](LivySession::run_function),
//!   [`cancel`](LivySession::cancel).
//! - [`LivyBatch`]: one batch; [`SharedTable`]: Hue's shared-RDD post's shared key-value store on a
//!   sql session; [`SharedRdd`]: the same on a pyspark session, with that post's `ShareableRdd`.
//! - [`Output`], [`Error`]; [`python::PyValue`] for Python literals; [`PollSchedule`] and
//!   [`RetryPolicy`] for timing.
//! - [`jobs`]: Ember's own jobs (SparkPi) as pyspark statements, for scale-out on a cluster.
//! - [`blocking`]: the same API for synchronous code.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

mod batch;
pub mod blocking;
mod builder;
mod client;
mod error;
mod error_body;
pub mod jobs;
mod output;
mod poll;
pub mod protocol;
pub mod python;
mod session;
mod settings;
mod shared_rdd;
mod shared_table;
pub mod spark_types;
mod transport;

// One path to each type: the client's types live at the root; `blocking`, `jobs`, `protocol`,
// `python` and `spark_types` are namespaces of their own.
pub use batch::LivyBatch;
pub use builder::{LIVY_TOKEN_ENV, LivyClientBuilder, master_url};
pub use client::{LIVY_SERVER_URL_ENV, LOG_TAIL_LINES, LivyClient, SessionRef, server_message};
pub use error::{Error, Result};
pub use output::{MIME_PNG, Output};
pub use poll::{PollSchedule, RetryPolicy};
pub use session::LivySession;
pub use shared_rdd::{SHAREABLE_RDD_CLASS, SharedRdd};
pub use shared_table::{SharedTable, sql_string_literal};
