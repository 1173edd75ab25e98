//! # ember-cluster: Ember's Spark SQL on a cluster
//!
//! Ember's engine runs on one machine; this crate runs the same Spark SQL, with the same
//! semantics, on [Apache Ballista](https://datafusion.apache.org/ballista/), DataFusion's own
//! distributed engine: a scheduler that plans stages and executors that run their tasks and
//! exchange shuffle data over Arrow Flight.
//!
//! - **Where planning happens.** The client [`Session`](ember_sql::Session) parses, analyzes and
//!   optimizes Spark SQL exactly as a local one does (the same `plan_sql_async`, Spark's types,
//!   checked arithmetic, rewrites). Its optimized logical plan goes to the scheduler, which splits
//!   it into stages with the same functions and rules ([`Functions`]) and hands the stages to
//!   executors.
//! - **Functions travel by name and time zone** ([`LogicalCodec`], [`PhysicalCodec`]): every
//!   node rebuilds Ember's functions for the session's zone. A user's UDF (a Rust closure) cannot
//!   travel: a query that calls one fails with an error naming it, unless the scheduler and every
//!   executor were built with it ([`Functions::with_setup`]; the `cluster_udf` example is such a
//!   binary).
//! - **Processes.** [`Scheduler`] and [`run_executor`] are what `ember cluster scheduler` and
//!   `ember cluster executor` run; both listen on loopback unless told otherwise.
//!   [`LocalCluster`] is Spark's `local-cluster[N,cores,memoryMB]`: all of it inside this process.
//! - **Masters.** [`connect`] builds a session for `ballista://host:port` or
//!   `local-cluster[...]` ([`Master`]); the `ember` facade and CLI call it for those masters.
//!
//! Data every executor reads must be at a path they all see (Parquet, CSV, JSON files); a DataFrame
//! made from local rows travels inside the plan, up to [`LOCAL_DATA_LIMIT`] bytes (the session's
//! [`LOCAL_DATA_LIMIT_KEY`] entry raises it, up to [`MAX_LOCAL_DATA_LIMIT`]).
//!
//! Each query runs on the cluster for at most [`JOB_TIMEOUT`] (the session's [`JOB_TIMEOUT_KEY`]
//! entry sets it: `90s`, `10min`, `2h`); past it the query fails with
//! [`ember_sql::Error::Timeout`]. A query whose stream is dropped before its rows all came (a
//! cancel, a caller's own timeout, a `LIMIT` taken early) has its job cancelled on the cluster.
//!
//! ```no_run
//! use ember_cluster::{Functions, connect};
//! use ember_sql::Session;
//!
//! // A scheduler and two executors of one core and 512 MiB each, inside this process.
//! let spark = connect(Session::builder(), "local-cluster[2,1,512]", Functions::new())?;
//! spark.sql("SELECT 6 * 7 AS answer")?.show(20)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod client;
mod codec;
mod error;
mod functions;
mod job;
mod local;
mod local_data;
mod messages;
mod node;

pub use client::{MAX_LOCAL_SLOTS, Master, connect};
pub use codec::{LogicalCodec, PhysicalCodec};
pub use error::{Error, Result};
pub use functions::{Functions, MAX_ZONES, Setup};
pub use job::{JOB_TIMEOUT, JOB_TIMEOUT_KEY};
pub use local::LocalCluster;
pub use local_data::{LOCAL_DATA_LIMIT, LOCAL_DATA_LIMIT_KEY, MAX_LOCAL_DATA_LIMIT};
pub use node::{
    DEFAULT_EXECUTOR_PORT, DEFAULT_SCHEDULER_PORT, ExecutorOptions, MIN_EXECUTOR_TIMEOUT,
    Scheduler, SchedulerOptions, run_executor,
};
