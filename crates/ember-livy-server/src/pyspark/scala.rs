//! `spark` (Scala) sessions on real Spark. A session's driver is a pyspark worker (see [the
//! module](super) and [`ember_spark::scala`]) told to run Scala: its JVM holds a Scala 2.13 interpreter (`IMain`, from the
//! compiler PySpark's jars ship) that the worker drives through py4j, with `spark` and `sc`
//! bound and Livy's imports (`org.apache.spark.SparkContext._`, `spark.implicits._`,
//! `spark.sql`, `org.apache.spark.sql.functions._`) in scope. The interpreter writes its classes
//! to the directory named by `spark.repl.class.outputDir`, set before the SparkContext starts,
//! so Spark serves them to executors: closures run there as they do in `spark-shell`.
//!
//! Statements follow Livy's Scala interpreter (the Python side, `scala.py`, says how): `1 + 1`
//! answers `res0: Int = 2`; a compile error fails with ename `Error`; an exception thrown while
//! running fails with its class and message; code still incomplete at its end fails with
//! `incomplete statement`. A cancel cancels the statement's Spark job group (a signal would
//! leave the JVM interpreting); a statement that computes on the driver alone runs to its end.
//!
//! The interpreter adds a few seconds to a session's start (the compiler's start-up and its
//! first compilation happen before the session is `idle`), unless the session takes a worker
//! of the warm pool ([`PySparkConfig::scala_prestart`] of them, 0 by default), which started
//! all of that ahead.

use super::{PySparkConfig, PySparkFactory, Repl};

pub use ember_spark::scala::{SCALA_DRIVER, scala_config};

/// The factory of `spark` sessions: workers that run Scala, `config.scala_prestart` of them
/// kept warm.
pub fn scala_factory(config: PySparkConfig, default_master: String) -> PySparkFactory {
    PySparkFactory::with_repl(scala_config(config), default_master, Repl::Scala)
}
