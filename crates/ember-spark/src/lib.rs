//! # ember-spark: real Spark drivers that Ember starts, runs statements on and stops
//!
//! Where Ember hands work to real Spark (a Livy server's `pyspark` and `spark` sessions, the
//! CLI's `--master spark://…`), it runs a Spark driver of its own: a Python process with PySpark
//! (from `PYSPARK_PYTHON`, a venv, `just spark-env`) running Ember's REPL driver, which builds a
//! `SparkSession` on the master it is given and runs statements with Apache Livy's semantics:
//! Python with `spark` and `sc` bound, Scala on an interpreter in the same JVM ([`scala`]), and
//! Spark SQL answered as Livy's sql table, all three on one SparkContext.
//!
//! - A [`DriverFactory`] makes [`Driver`]s for a default master, keeping warm workers
//!   ([`PySparkConfig::prestart`]) and bounding what each may take (threads of a `local[N]`
//!   master, bytes of a result, bytes of a log line).
//! - A [`Driver`] starts ([`Driver::start`], bounded), runs one statement at a time
//!   ([`Driver::execute`], an [`Execution`]: a result by MIME type, a failure with Spark's or
//!   Python's error, or the driver's [`Death`]), cancels ([`Driver::cancel`], through the
//!   statement's Spark job group), reports progress and completions, and stops
//!   ([`Driver::stop`]). Its worker runs in a process group of its own with its JVM, so stopping
//!   or dropping a driver leaves nothing running.
//! - What the worker writes (its stderr, the JVM's log) goes to the spec's [`DriverLog`], every
//!   line read with a bound ([`lines`]).
//! - A driver's JVM starts from a class-data-sharing archive of the classes drivers load when
//!   the Python's venv has one (`ember-spark.jsa`, made by `scripts/spark-cds.py`, which
//!   `just spark-env` runs): about 40% off a cold start. The session's own
//!   `spark.driver.extraJavaOptions` come after it, and one naming `-Xshare` or another archive
//!   wins.
//!
//! ```no_run
//! use std::sync::Arc;
//! use ember_spark::{DriverFactory, DriverSpec, Execution, Language, NoLog, PySparkConfig};
//!
//! # async fn run() -> Result<(), ember_spark::Error> {
//! let factory = DriverFactory::new(PySparkConfig::default(), "local[2]".to_owned());
//! let driver = factory.create(&DriverSpec {
//!     app_name: "example".into(),
//!     conf: Default::default(),
//!     log: Arc::new(NoLog),
//! })?;
//! driver.start().await?;
//! match driver.execute(0, "SELECT 1 + 1 AS two", Some(Language::Sql)).await {
//!     Execution::Ok(data) => println!("{}", data["application/json"]),
//!     other => println!("{other:?}"),
//! }
//! driver.stop().await;
//! # Ok(())
//! # }
//! ```

mod driver;
mod error;
mod execution;
pub mod lines;
mod master;
pub mod scala;

pub use driver::{
    DRIVER, Driver, DriverFactory, DriverLog, DriverSpec, LOOPBACK_CONF, Language, NoLog,
    PySparkConfig, Repl,
};
pub use error::Error;
pub use execution::{Death, Execution};
pub use master::cap_master;
