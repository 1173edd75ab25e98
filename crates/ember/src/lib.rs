//! # Ember: Spark's programming model in Rust, without a JVM
//!
//! This facade ties Ember's crates together; each has one job:
//!
//! | module | crate | what it is |
//! |---|---|---|
//! | [`rdd`] | `ember-rdd` | the RDD core: lazy, partitioned collections run in parallel in-process |
//! | [`sql`] | `ember-sql` | DataFrames, temp views, UDFs and Spark SQL on Apache DataFusion; Arrow and Polars export |
//! | [`web`] | `ember-web` | the SparkPi service on actix-web |
//! | [`livy`] | `ember-livy` | the Apache Livy protocol and a client (async and blocking) |
//! | [`livy_server`] | `ember-livy-server` | a Livy-compatible server: `sql` sessions on Ember's engine |
//! | [`partition`] | `ember-partition-server` | an HTTP server on every partition of an RDD |
//! | [`cluster`] | `ember-cluster` | Ember's Spark SQL on a cluster: Apache Ballista's scheduler and executors |
//!
//! ```
//! use ember::prelude::*;
//!
//! let ctx = Context::new("example", "local[2]")?;
//! let evens = ctx.parallelize(1..=100i64, 4)?.filter(|x| x % 2 == 0).count()?;
//! assert_eq!(evens, 50);
//! let pi = ember::web::sparkpi::estimate_pi(&ctx, 2, Some(1))?;
//! assert!((pi - std::f64::consts::PI).abs() < 0.05);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Beside the re-exports, three modules of the facade's own: [`config`] reads settings (an INI
//! with `[spark] app_name` and `master_url`, or TOML) into an RDD context or a SQL session
//! builder, [`data_source`] is the DataSource example program of "Real-world Python workloads on
//! Spark: Standalone clusters" (demo code, kept out of the engine crates), and [`livy_pi`] ties `ember-livy`'s
//! pyspark pi job to `ember-web`'s service, for SparkPi on a Spark cluster through Livy.
//!
//! The `ember` binary (`cargo run --release`) serves SparkPi on `0.0.0.0:$PORT`; `ember pi`,
//! `ember sql` and `ember datasource` run jobs from the command line; `ember livy-server`
//! serves Livy's REST API on `127.0.0.1:8998`; with `--master livy://host:port`, `ember sql`
//! runs its query in a Livy sql session and `ember pi` / `ember serve` run SparkPi in a pyspark
//! session, on any Livy server (`ember --help`). `ember cluster scheduler` and `ember cluster
//! executor` run a cluster for Ember's own SQL; `ember sql --master ballista://host:port` (or
//! `local-cluster[N,cores,memoryMB]`) runs queries on it.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

pub mod config;
pub mod data_source;
pub mod livy_pi;
pub mod spark;
pub mod ui;

/// The old name of [`data_source`], kept so that programs written against it still build.
#[doc(hidden)]
#[deprecated(note = "renamed to `ember::data_source`")]
pub mod seed {
    pub use crate::data_source::*;
}

pub use ember_cluster as cluster;
pub use ember_livy as livy;
pub use ember_livy_server as livy_server;
pub use ember_partition_server as partition;
pub use ember_rdd as rdd;
pub use ember_sql as sql;
pub use ember_web as web;

/// The names most programs need.
pub mod prelude {
    pub use ember_rdd::{CancelToken, Context, Data, HashPartitioner, Rdd};
    pub use ember_web::{ServiceConfig, SparkPiService};
}

/// The Rust snippets of the README and the guide, compiled and run as doctests, so that what the
/// docs show keeps working.
#[cfg(doctest)]
mod documented_snippets {
    #[doc = include_str!("../../../README.md")]
    struct Readme;
    #[doc = include_str!("../../../docs/guide/getting-started.md")]
    struct GettingStarted;
    #[doc = include_str!("../../../docs/guide/rdds.md")]
    struct Rdds;
    #[doc = include_str!("../../../docs/guide/sql.md")]
    struct Sql;
    #[doc = include_str!("../../../docs/guide/livy-client.md")]
    struct LivyClient;
    #[doc = include_str!("../../../docs/guide/partition-servers.md")]
    struct PartitionServers;
    #[doc = include_str!("../../../docs/guide/monitoring.md")]
    struct Monitoring;
}
