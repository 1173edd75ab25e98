//! `spark` (Scala) sessions on real Spark. A session is a pyspark worker (see [the
//! module](super)) told to run Scala: its JVM holds a Scala 2.13 interpreter (`IMain`, from the
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
//! first compilation happen before the session is `idle`). Scala sessions do not use the
//! factory's warm pool: [`PySparkConfig::prestart`] prestarts Python workers only.

use super::{PySparkConfig, PySparkFactory, Repl};

/// The program every worker runs: the Scala section, then the pyspark driver that uses it for a
/// Scala session (`"repl": "scala"`) and for `spark` statements in a pyspark session.
pub const SCALA_DRIVER: &str = concat!(include_str!("scala.py"), "\n", include_str!("driver.py"));

/// The factory of `spark` sessions: workers that run Scala, with no warm pool.
pub fn scala_factory(config: PySparkConfig, default_master: String) -> PySparkFactory {
    let config = PySparkConfig {
        prestart: 0,
        ..config
    };
    PySparkFactory::with_repl(config, default_master, Repl::Scala)
}
