//! `spark` (Scala) drivers on real Spark. A Scala driver is a pyspark worker (see
//! [`crate::Driver`]) told to run Scala: its JVM holds a Scala 2.13 interpreter (`IMain`, from the
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
//! The interpreter adds a few seconds to a session's start: the compiler starts, and compiles
//! the bindings and imports in one request, on a thread of its own while the SparkContext
//! starts (`spark` and `sc` are `@transient lazy val`s, read once the context runs), and the
//! session is `idle` when both are done. A session that takes a worker of the warm pool
//! ([`PySparkConfig::scala_prestart`] of them, 0 by default) finds all of that done ahead.

use crate::driver::{DriverFactory, PySparkConfig, Repl};

/// The program every worker runs ([`DRIVER`](crate::DRIVER)): the Scala section, then the
/// pyspark driver that uses it for a Scala driver (`"repl": "scala"`) and for Scala statements
/// in a Python one.
pub const SCALA_DRIVER: &str = crate::driver::DRIVER;

/// The factory of Scala drivers: workers that run Scala, `config.scala_prestart` of them kept
/// warm.
pub fn scala_factory(config: PySparkConfig, default_master: String) -> DriverFactory {
    DriverFactory::with_repl(scala_config(config), default_master, Repl::Scala)
}

/// `config` for Scala workers: its warm pool is `scala_prestart` workers.
pub fn scala_config(config: PySparkConfig) -> PySparkConfig {
    PySparkConfig {
        prestart: config.scala_prestart,
        ..config
    }
}
