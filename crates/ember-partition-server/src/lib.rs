//! # ember-partition-server: an HTTP server on every partition of an RDD
//!
//! spark-partition-server, natively on `ember-rdd`: launch a server on each
//! partition of an RDD, register each with a coordinator on the driver, query the partitions
//! directly (an ad hoc search cluster over in-memory data that skips job planning; external
//! services reading in-memory data), shut them all down, and collect a result RDD from what
//! the servers return as they exit.
//!
//! ```
//! use actix_web::web;
//! use ember_partition_server::{Cluster, HttpPartitionServer};
//! use ember_rdd::Context;
//!
//! let ctx = Context::new("partition-server", "local[2]")?;
//! let rdd = ctx.parallelize(0..1000_i64, 2)?;
//!
//! // Spark-partition-server's demo: `GET /app/get_list` answers the partition's numbers, comma-separated.
//! // Without an init, a partition's state is its items.
//! let server = HttpPartitionServer::new(|cfg| {
//!     cfg.route(
//!         "/get_list",
//!         web::get().to(|items: web::Data<Vec<i64>>| async move {
//!             items.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
//!         }),
//!     );
//! })
//! // What each partition hands back when the cluster stops: its sum.
//! .with_result(|_partition, items: &Vec<i64>| vec![items.iter().sum::<i64>()]);
//!
//! let mut cluster = Cluster::new(&ctx, rdd, server).cache_result(true);
//! cluster.start()?;
//! assert_eq!(cluster.hosts().len(), 2);
//!
//! let list = cluster.query(0, "/get_list")?;
//! let numbers: Vec<i64> = list.split(',').map(str::parse).collect::<Result<_, _>>()?;
//! assert_eq!(numbers, (0..500).collect::<Vec<_>>());
//!
//! // Fan-out: every partition at once, answers by partition index.
//! let answers = cluster.query_all("/get_list")?;
//! assert!(answers[&1].as_ref().is_ok_and(|body| body.starts_with("500,501,")));
//!
//! cluster.stop()?; // can be started again
//! let sums = cluster.result_rdd().map(|r| r.collect()).transpose()?;
//! assert_eq!(sums, Some(vec![(0..500).sum(), (500..1000).sum()]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The pieces
//! - [`PartitionServer`]: what runs on a partition. `init_partition(index, items)` builds the
//!   partition's state before it serves, [`routes`](PartitionServer::routes) are actix routes
//!   mounted under `/app` (handlers get the state as `web::Data<State>` and the partition as
//!   `web::Data<PartitionInfo>`), and the optional `build_result(index, &state)` gives the
//!   partition's share of the result RDD.
//! - [`HttpPartitionServer`]: a `PartitionServer` from closures (the original's
//!   `FlaskPartitionServer(blueprint=…, init_partition=…)`), with a `config` value handed to
//!   the init closure.
//! - [`Cluster`]: `new(&context, rdd, server)`, `.cache_result(true)`, `start()`, `stop()`
//!   (restartable), `hosts()` (partition → address), `status()`, `result_rdd()`, `query()`,
//!   `query_all()`. Application code wraps it in its own struct with typed query methods
//!   (see `examples/partition_server.rs`).
//! - [`fan_out`] / [`query`](fn@query): the async building blocks of the queries, for applications
//!   that query from their own runtime.
//!
//! ## How it runs
//! `start()` runs one job on the context that computes every partition's items
//! (`rdd.glom().collect()`), then hands each partition to a supervisor task on a small tokio
//! runtime that the `Cluster` owns. The supervisor runs `init_partition` on the runtime's
//! blocking pool (a panic there is caught), binds port 0 on the bind address (127.0.0.1 by
//! default), serves that listener, and registers the address it actually got with the
//! coordinator (in-process; servers outside the process use `POST /register`). `start()`
//! returns when every partition has registered.
//!
//! Every partition serves at the same time, whatever the context's thread count: servers are
//! not pinned to the context's worker threads (the original hangs when partitions outnumber
//! executor cores). The context's pool only computes the items. Each partition listens on a
//! port of its own, but all of them (and the coordinator) are served by a few event-loop
//! threads the `Cluster` owns, so 64 partitions cost no threads of their own. Handlers must not
//! block those threads: run blocking work with `web::block`.
//!
//! Each run draws a random token; the coordinator's routes and the servers' `/control/*`
//! routes answer 403 to a request without it in the [`TOKEN_HEADER`] header. User routes under
//! `/app` are open.
//!
//! ## Failure
//! - A partition whose `init_partition` panics, or whose server dies while serving (see
//!   [`Cluster::kill`]), is relaunched: its items are recomputed from the RDD's lineage, and
//!   the new server registers its new address, which [`Cluster::hosts`] then shows. After
//!   [`Context::max_task_failures`](ember_rdd::Context::max_task_failures) launches the
//!   partition is failed: `start()` returns [`Error::PartitionFailed`] naming it (later,
//!   [`Cluster::check`] does, and `stop()` lists it).
//! - Every wait is bounded: `start()` fails with [`Error::Timeout`]` { registered, expected }`
//!   after the start timeout; `stop()` tells every server at once, each bounded by the stop
//!   timeout, stops the ones that did not close in time (a handler blocking their event loop)
//!   from the driver's side, and reports them in [`Error::Stop`].
//! - Heartbeats: the coordinator pings every server's `/control/ping` periodically;
//!   [`Cluster::status`] shows the ones that missed their latest as
//!   [`PartitionState::Unresponsive`].
//! - Nothing is left listening after `stop()`, after a failed `start()`, or after the
//!   `Cluster` is dropped.
//!
//! ## Routes
//! | where | route | answer |
//! |---|---|---|
//! | partition | `/app/...` | the user's routes |
//! | partition | `GET /control/ping` (token) | 200 `pong from partition N` |
//! | partition | `POST /control/shutdown` (token) | 200; the server stops and builds its result |
//! | coordinator | `POST /register` (token) | JSON `{"partition", "attempt", "host", "port"}`; 200, 400 for a malformed body, 403 for an address the launch did not bind, 409 for a stale launch |
//! | coordinator | `GET /hosts` (token) | JSON `[{"partition", "host", "port"}]` |
//! | coordinator | `GET /status` (token) | JSON `[{"partition", "host", "port", "state", "attempts", "last_failure", "ms_since_heartbeat"}]` |
//!
//! Other paths are 404 and other methods 405, each with a one-line `text/plain` reason.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

mod cluster;
mod coordinator;
mod driver;
mod error;
mod launch;
mod net;
mod query;
mod serve;
mod server;
mod supervisor;
mod token;

pub use cluster::Cluster;
pub use coordinator::{PartitionState, PartitionStatus};
pub use error::{Error, HostFailure, Result};
pub use query::{app_url, fan_out, query};
pub use server::{HttpPartitionServer, PartitionInfo, PartitionServer};
pub use token::TOKEN_HEADER;
