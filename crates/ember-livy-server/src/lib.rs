//! # ember-livy-server: a Livy-compatible server on Ember's engine
//!
//! Apache Livy lets programs run Spark code over REST: create a session, post statements, poll
//! their results. This crate serves the same REST API (as `ember livy-server`, on Livy's port
//! 8998) so that Livy clients (pylivy, sparkmagic, [`ember_livy`], the Python Livy utility of
//! "Talking to Spark from Python via Livy") work against Ember. Sessions of kind `sql` run Spark
//! SQL on an [`ember_sql::Session`] each, in this process: every client of a session sees the
//! same temp views and tables (a context shared between clients, as in Hue's post on sharing RDDs
//! through Livy). Sessions of kind `pyspark` run Python on real PySpark ([`pyspark`]: one Python
//! worker with a `SparkSession` each, local or on a Spark cluster, with a warm pool), and sessions
//! of kind `spark` run Scala on real Spark ([`pyspark::scala`]). Other kinds plug in behind the
//! [`Interpreter`] trait.
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
//! $ curl -s -X POST localhost:8998/sessions/0/statements -H 'Content-Type: application/json' \
//!        -d '{"code":"SELECT 1 AS one"}'
//! {"id":0,"code":"SELECT 1 AS one","state":"waiting","output":null,...}
//! $ curl -s localhost:8998/sessions/0/statements/0
//! {"id":0,...,"state":"available","output":{"status":"ok","execution_count":0,
//!  "data":{"application/json":{"data":[[1]],"schema":{"fields":[{"metadata":{},"name":"one",
//!  "nullable":false,"type":"integer"}],"type":"struct"}}}},...}
//! ```
//!
//! ## What it serves
//! Every endpoint of Livy's interactive-session API (`/sessions`, `/sessions/{id}` by id or by
//! name, `/state`, `/log`, `/statements`, `/statements/{sid}`, `/cancel`, `/completion`) and
//! `GET /version` (`0.9.0-incubating`: pylivy compares versions as strings, so `0.10` would
//! look older than `0.5` to it). Batches are refused with 400: there is no `spark-submit` here.
//! `GET /ui` is a page of the sessions (state, statements, idle time), and `/ui/session/{id}`
//! one of a session's statements (code, state, progress, duration, output) and its log's tail,
//! in the look of Ember's monitoring UI, refreshing every second; they pass the same gate as the
//! API (with a token set, a browser cannot open them).
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
//!   `conf`, up to `--max-sql-row-cap`), and truncation is logged.
//! - **A `GET` of an unfinished statement waits a few ms** for it to finish
//!   ([`ServerConfig::statement_poll_wait`]), so quick statements are `available` on the first
//!   poll.
//! - **sql sessions cannot reach the server's files** unless [`ServerConfig::allow_file_access`]:
//!   `CREATE EXTERNAL TABLE` and `COPY` fail as statements. `SET`/`RESET` of
//!   `datafusion.runtime.*`, `datafusion.catalog.*` and the parser's recursion limit fail
//!   whatever the setting. This covers sql sessions only: a pyspark (or spark) statement is Python
//!   (or Scala) running as the server's user and can read and write whatever that user can.
//! - **Impersonation is not supported**: `proxyUser` is ignored and echoed as `null` (what Livy
//!   does when impersonation is off).
//!
//! ## Limits
//! Everything a client can make the server hold has a bound ([`ServerConfig`], each with a flag
//! of `ember livy-server`); hitting one answers a 4xx or an error output that names the flag.
//! - **Sessions**: `max_sessions` (256). Each idle sql session costs its engine's threads (a
//!   tokio runtime and an RDD pool of `N` threads each for `local[N]`); `max_session_cores`
//!   bounds `N` (`local[*]` means that many; a larger `local[N]` is refused with 400), for
//!   pyspark sessions' local master too.
//! - **Rows and bytes of a result**: the row cap may be lowered or raised by a session up to
//!   `max_sql_row_cap` (a larger ask is refused with 400, not clamped: the client learns the
//!   maximum). A result over `max_result_bytes` (4 MiB of JSON) is an error output; it is
//!   counted while the sql table is built, and a Python worker's reply is dropped as it is read.
//! - **Queues**: `max_queued_statements` and `max_queued_bytes` per session (429).
//! - **Time**: `statement_timeout` (1 h; a session's conf may lower it with
//!   [`STATEMENT_TIMEOUT_KEY`]): a statement past it is cancelled and answers `TimeoutError`;
//!   one that does not stop within the stop timeout kills its session. A busy session is not
//!   idle (Livy's `skip-busy` behaviour), but since every statement is bounded in time and the
//!   queue in length and bytes, it idles out at the latest `idle_timeout` after its queue drains.
//! - **Memory of queries**: one DataFusion pool of `sql_memory_limit` (2 GiB) shared by all sql
//!   sessions; sorts and aggregates spill to disk past it, joins fail naming the limit. `SET
//!   datafusion.runtime.*` is refused, so a statement cannot swap the pool.
//! - **Logs**: lines are cut to `max_log_line_bytes` (a worker's stderr while it is read), and a
//!   session keeps its last `session_log_lines`.
//!
//! ## Scala (`spark`) sessions
//! A `spark` (or `scala`) session runs Scala 2.13 on a Scala interpreter inside the JVM of a
//! PySpark worker (PySpark's jars ship the compiler), with `spark`, `sc` and Livy's imports in
//! scope, and executors that load the classes its statements define. What it does as Livy does:
//! - a value answers Livy's line: `1 + 1` is `res0: Int = 2`, `val x = 5` is `x: Int = 5`
//!   (Scala 2.13's own `val ` prefix is dropped from the interpreter's result lines, never from
//!   what the code prints); printed output comes first, the text is right-stripped;
//! - code runs line by line, a line the compiler finds incomplete joined with the next; blank
//!   lines are skipped; code still incomplete at its end fails with `incomplete statement`;
//! - a failure answers ename `Error`: a compile error's evalue is its `error:` line, a thrown
//!   exception's its first line (`java.lang.ArithmeticException: / by zero`), the other lines
//!   (`  at func1(<console>:2)`) are the traceback; nothing after the failing line runs;
//! - statements run in a Spark job group named by the statement id, so a cancelled one keeps
//!   Spark's `Job 3 cancelled part of cancelled job group 7` as its output, and a running one's
//!   `progress` is the finished share of its jobs' tasks (both in `pyspark` sessions too);
//! - completion (`POST /sessions/{id}/completion`) offers the interpreter's own candidates
//!   (`"a".` offers `charAt`, `compareTo`, ...), Python's in `pyspark` sessions (rlcompleter
//!   over the session's names); none while a Scala statement runs, none past 5 s;
//! - `%json x` and `%table x` answer the value of `x` (an RDD's first 10 elements) as json4s
//!   writes it, as `application/json` or as Livy's table (integers are `BIGINT_TYPE`); an
//!   unknown name fails with `NameError`, an unknown magic with `UnknownMagic`; code after a
//!   magic line replaces its result, as in Livy.
//!
//! Where it differs:
//! - what the statement printed before a failure is not in the error;
//! - other result lines are Scala 2.13's, not 2.12's: `def f(i: Int): Int` (2.12:
//!   `f: (i: Int)Int`), `class A` (2.12: `defined class A`);
//! - cancel cancels the statement's Spark jobs (its job group, again every 200 ms until the
//!   statement ends, so a job it starts later is cancelled too); code that computes on the driver
//!   alone (`Thread.sleep` outside a job) runs to its end;
//! - not supported: the warm pool ([`pyspark::PySparkConfig::prestart`] prestarts Python
//!   workers only).
//!
//! ## Statement-level kinds (Apache Livy 0.5+)
//! In a `pyspark` or `spark` session a statement may name its own kind:
//! `{"code": "SELECT count(*) FROM t", "kind": "sql"}`. `pyspark`, `spark` and `sql` statements
//! all run on the session's one SparkSession, so a temp view made in one language is seen from
//! the others. A `sql` statement answers as Livy's SQL interpreter does (the schema as Spark's
//! `StructType` JSON and the rows, at most `livy.rsc.sql.num-rows` of them, 1000 by default);
//! a pyspark session starts its Scala interpreter for its first `spark` statement (a few
//! seconds). A kind a session cannot run is refused with 400 naming the kinds it can. `sql` and
//! `shared` sessions run on Ember's engine and take `sql` statements only.
//!
//! A session's start takes a few seconds more than a pyspark session's (the compiler starts and
//! compiles the bindings before the session is `idle`).
//!
//! ## Security
//! (`docs/security.md` in the repository has the whole picture.)
//! - **Loopback by default.** [`ServerConfig::token`] (`EMBER_LIVY_TOKEN`) requires
//!   `Authorization: Bearer <token>` on every request (the scheme in any case); the server warns
//!   when it listens beyond loopback without one. [`ServerConfig::csrf`] requires
//!   `X-Requested-By` on writes, as Livy's CSRF protection does.
//! - **No cross-site requests.** Request bodies must be `Content-Type: application/json` (415),
//!   the `Host` header must be a loopback name, the bound address or one of
//!   [`ServerConfig::allowed_hosts`] (403: no DNS rebinding), and an `Origin` header, when
//!   present, the server's own or one of [`ServerConfig::allowed_origins`] (403).
//! - **Code-running kinds** (pyspark, spark, [`InterpreterFactory::runs_code`]) are served on a loopback
//!   bind; beyond it only with a token and [`ServerConfig::allow_code_execution`], else
//!   [`serve()`]/[`spawn()`] refuse to start ([`LivyServer::exposure_refusal`]).
//! - **Spark stays on loopback**: a pyspark worker's driver binds and advertises 127.0.0.1 and
//!   its UI is off, unless the session's conf says otherwise
//!   ([`pyspark::LOOPBACK_CONF`]).
//! - **Session names** are 1 to 128 characters of `A-Z a-z 0-9 . _ ~ -`, so a path reaches them.
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
mod api_error;
mod config;
mod error;
mod guard;
pub mod interpreter;
mod limits;
pub mod pyspark;
mod serve;
mod server;
mod session;
mod spark_error;
pub mod sql;
pub mod table;
mod ui;

pub use config::ServerConfig;
pub use ember_sql::parse_time;
pub use error::{Error, Result};
pub use interpreter::{Death, Execution, Interpreter, InterpreterFactory, SessionLog, SessionSpec};
pub use limits::STATEMENT_TIMEOUT_KEY;
pub use serve::{RunningServer, ServeOptions, bind, serve, spawn};
pub use server::LivyServer;
