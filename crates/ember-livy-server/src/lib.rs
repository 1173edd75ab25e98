//! # ember-livy-server: a Livy-compatible server on Ember's engine
//!
//! Apache Livy lets programs run Spark code over REST: create a session, post statements, poll
//! their results. This crate serves the same REST API (as `ember livy-server`, on Livy's port
//! 8998) so that Livy clients (pylivy, sparkmagic, [`ember_livy`], the seeds' code) work
//! against Ember. Sessions of kind `sql` run Spark SQL on an [`ember_sql::Session`] each: every
//! client of a session sees the same temp views and tables (the fifth seed's shared context).
//! Other kinds plug in behind the [`Interpreter`] trait.
//!
//! ```
//! use ember_livy_server::{LivyServer, ServeOptions, ServerConfig, spawn};
//!
//! let server = LivyServer::new(ServerConfig::default())?;
//! let running = spawn(server, "127.0.0.1:0", ServeOptions::default())?;
//! let url = running.url(); // http://127.0.0.1:<port>: point any Livy client at it
//! assert!(url.starts_with("http://127.0.0.1:"));
//! running.stop(); // stops every session, within the grace period
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With `curl` against `ember livy-server`:
//!
//! ```text
//! $ curl -s -X POST localhost:8998/sessions -H 'Content-Type: application/json' -d '{"kind":"sql"}'
//! {"id":0,"name":null,...,"state":"starting","kind":"sql",...}
//! $ curl -s -X POST localhost:8998/sessions/0/statements -d '{"code":"SELECT 1 AS one"}'
//! {"id":0,"code":"SELECT 1 AS one","state":"waiting","output":null,...}
//! $ curl -s localhost:8998/sessions/0/statements/0
//! {"id":0,...,"state":"available","output":{"status":"ok","execution_count":0,
//!  "data":{"application/json":{"schema":{"type":"struct","fields":[{"name":"one",
//!  "type":"integer","nullable":false,"metadata":{}}]},"data":[[1]]}}},...}
//! ```
//!
//! ## What it serves
//! Every endpoint of Livy's interactive-session API (`/sessions`, `/sessions/{id}` by id or by
//! name, `/state`, `/log`, `/statements`, `/statements/{sid}`, `/cancel`, `/completion`) and
//! `GET /version` (`0.9.0-incubating`: pylivy compares versions as strings, so `0.10` would
//! look older than `0.5` to it). Batches are refused with 400: there is no `spark-submit` here.
//!
//! ## Behaviour that differs from Apache Livy, on purpose
//! - **Errors are `4xx {"msg": ...}` JSON**, never a 500 or a bare string: malformed JSON,
//!   unknown fields and wrong types (400), unknown ids (404), a statement on a dead session
//!   (409), a full statement queue (429), a body over the limit (413). Creates answer 201 with
//!   a `Location`; DELETE and cancel answer 200 with a JSON body.
//! - **Cancel is real**: a running query's DataFusion stream is dropped, which stops its work;
//!   the statement ends `cancelled` at once.
//! - **Polling counts as activity**: the idle timeout and `heartbeatTimeoutInSecond` count every
//!   request to a session, and a running or waiting statement keeps a session alive.
//! - **The row cap is configurable** (`--sql-row-cap`, or `livy.rsc.sql.num-rows` in a session's
//!   `conf`), and truncation is logged.
//! - **A `GET` of an unfinished statement waits a few ms** for it to finish
//!   ([`ServerConfig::statement_poll_wait`]), so quick statements are `available` on the first
//!   poll.
//! - **No access to the server's files** unless [`ServerConfig::allow_file_access`]: `CREATE
//!   EXTERNAL TABLE` and `COPY` fail as statements.
//! - **Impersonation is not supported**: `proxyUser` is ignored and echoed as `null` (what Livy
//!   does when impersonation is off).
//!
//! ## Security
//! Loopback by default. [`ServerConfig::token`] (`EMBER_LIVY_TOKEN`) requires
//! `Authorization: Bearer <token>` on every request; the server warns when it listens beyond
//! loopback without one. [`ServerConfig::csrf`] requires `X-Requested-By` on writes, as Livy's
//! CSRF protection does.
//!
//! ## Adding a kind of session
//! Implement [`Interpreter`] (start, execute, cancel, stop) and [`InterpreterFactory`], and
//! register it with [`LivyServer::register_kind`]. The REST layer (queues, cancel, timeouts,
//! retention) is shared.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

mod api;
mod config;
mod error;
pub mod interpreter;
mod limits;
pub mod pyspark;
mod serve;
mod server;
mod session;
pub mod sql;
pub mod table;

pub use config::{ServerConfig, parse_time};
pub use error::{Error, Result};
pub use limits::STATEMENT_TIMEOUT_KEY;
pub use interpreter::{Execution, Interpreter, InterpreterFactory, SessionLog, SessionSpec};
pub use serve::{RunningServer, ServeOptions, bind, serve, spawn};
pub use server::LivyServer;
