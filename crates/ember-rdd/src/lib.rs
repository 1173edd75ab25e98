//! # ember-rdd: Spark's RDD model, in-process
//!
//! `ember-rdd` runs Spark-style jobs on the cores of one machine. A [`Context`] (Spark's
//! `SparkContext`) owns a pool of worker threads; an [`Rdd`] is a lazy, partitioned collection.
//! Transformations (`map`, `filter`, `reduce_by_key`, ...) only record lineage; an action
//! (`collect`, `count`, `reduce`, ...) runs a job whose tasks, one per partition, run in
//! parallel on the pool.
//!
//! ```
//! use ember_rdd::Context;
//!
//! let ctx = Context::new("PythonPi", "local[2]")?;
//!
//! // SparkPi, as the Flask + PySpark tutorial app computes it: n samples over `scale` partitions.
//! let scale = 4;
//! let n = 100_000 * scale;
//! let count = ctx
//!     .parallelize(1..=n, scale as usize)?          // sliced, never materialised
//!     .map_with_rng(Some(42), |rng, _| {              // each partition draws its own stream
//!         use rand::RngExt;
//!         let (x, y): (f64, f64) = (rng.random(), rng.random());
//!         u64::from(x * x + y * y <= 1.0)
//!     })
//!     .reduce(|a, b| a + b)?;
//! let pi = 4.0 * count as f64 / n as f64;
//! assert!((pi - std::f64::consts::PI).abs() < 0.02);
//!
//! // Word count: a shuffle with map-side combine.
//! let lines = ctx.parallelize(vec!["a b", "b c", "c c"], 2)?;
//! let mut counts = lines
//!     .flat_map(|l| l.split(' ').map(str::to_owned).collect::<Vec<_>>())
//!     .map(|w| (w, 1))
//!     .reduce_by_key(|a, b| a + b)
//!     .collect()?;
//! counts.sort();
//! assert_eq!(counts, [("a".into(), 1), ("b".into(), 2), ("c".into(), 3)]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## How it runs
//! - **Masters**: `local` (1 thread), `local[N]`, `local[*]` (all cores), `local[N,F]` (F
//!   attempts per task). Cluster masters are refused: hand cluster work to Spark through Livy.
//! - **Fused narrow transformations**: a partition flows through a chain of `map`, `filter`,
//!   `flat_map`, ... in batches of 1024 elements, each batch through the whole chain before the
//!   next is pulled; `map` and `filter` rewrite a batch in place, so no partition-sized
//!   intermediate collection is ever built.
//! - **Shuffles**: `reduce_by_key`, `group_by_key`, `join`, `sort_by_key`, `repartition`, ...
//!   split the job into stages at an in-process hash shuffle. Map output is kept for as long as
//!   the shuffled RDD lives, so later jobs skip the map stage.
//! - **Failure**: a panic in a user closure fails its task, which is retried up to
//!   [`Context::max_task_failures`] attempts (default 4, as Spark); then the action returns
//!   [`Error::TaskFailed`]. The pool stays usable. Typed errors (a missing file) are not retried.
//! - **Cancellation**: [`CancelToken`], job groups ([`Context::with_job_group`],
//!   [`Context::cancel_job_group`]) and [`Context::cancel_all_jobs`]; tasks check between
//!   batches, so a cancelled job returns [`Error::Cancelled`] within a batch's time.
//! - **Randomness**: [`Rdd::map_with_rng`] and [`Rdd::sample`] give every partition its own
//!   RNG seeded from `(seed, partition index)` ([`partition_seed`]): independent streams, and
//!   a seeded job is reproducible, including across retries.
//!   [`Rdd::map_partitions_with_rng`] gives a partition a [`LaneRng`] instead: 8 xoshiro256+
//!   streams in SIMD lanes, drawn and reduced in batches, with the kernel compiled for
//!   AVX-512, AVX2 and baseline and picked at run time ([`Simd`]; `EMBER_SIMD` forces one).
//! - **Events**: [`Context::add_listener`] receives job, stage and task [`Event`]s (progress bars,
//!   metrics).
//! - **Status**: [`Context::status`] keeps what the context has done (its jobs, stages, task
//!   counts and cached RDDs) from those events, bounded like Spark's UI store
//!   ([`ContextBuilder::retained_jobs`]); `ember-ui` serves it as Spark's monitoring REST API.
//! - **Shared variables**: [`Context::broadcast`] and [`Context::accumulator`]; an accumulator
//!   counts the adds of a task once, when the task succeeds.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

mod action;
mod batch;
mod cancel;
mod context;
mod error;
mod events;
mod lanes;
mod lineage;
mod master;
mod pair;
mod partitioner;
mod random;
mod rdd;
mod scheduler;
mod shared;
mod shuffle;
mod source;
mod status;
mod sync;
mod task;
mod transform;

pub use cancel::{CancelToken, Cancelled};
pub use context::{Context, ContextBuilder, DEFAULT_MAX_TASK_FAILURES};
pub use error::{Error, Result};
pub use events::{Event, JobOutcome, Listener, StageKind};
pub use lanes::{LANES, LaneRng, SIMD_ENV, Simd};
pub use master::Master;
pub use partitioner::{HashPartitioner, Partitioner, RangePartitioner};
pub use random::{TaskRng, partition_seed, task_rng};
pub use rdd::{Data, Rdd};
pub use scheduler::panic_message;
pub use shared::{Accumulator, Broadcast};
pub use source::IntoRdd;
pub use status::{
    AppStatus, Application, CachedRdd, DEFAULT_RETAINED_JOBS, DEFAULT_RETAINED_STAGES,
    ExecutorStatus, JobState, JobStatus, StageState, StageStatus, TaskCounts,
};
pub use task::TaskContext;
