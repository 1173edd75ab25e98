//! Ember's jobs on real Spark without Livy: a `spark://host:port` master (a standalone cluster,
//! the third seed's "direct connect, client mode") runs `ember pi` and `ember sql` on a Spark
//! driver that Ember starts, supervises and stops itself.
//!
//! The driver is the Livy server's pyspark worker ([`ember_livy_server::pyspark`]): one Python
//! process with a `SparkSession` on the master, in a process group of its own with its JVM, so
//! stopping it (or dropping the [`SparkDriver`]) leaves nothing running. The jobs are the ones
//! a Livy session runs ([`ember_livy::jobs`]), so the answers are the same either way.
//!
//! It needs PySpark where Ember runs: the Python interpreter is `PYSPARK_PYTHON` (Spark's own
//! variable), else `python3`; `just spark-env` installs one and `just spark-cluster` starts a
//! standalone cluster on loopback.
//!
//! ```no_run
//! use ember::spark::{DriverOptions, SparkDriver};
//!
//! let driver = SparkDriver::start("spark://127.0.0.1:7077", DriverOptions::new("PythonPi"))?;
//! let pi = driver.pi(2, Some(42))?;
//! assert!((pi - 3.14).abs() < 0.1);
//! let table = driver.sql("SELECT 1 AS one")?;
//! assert_eq!(table.num_rows(), 1);
//! driver.stop();
//! # Ok::<(), ember::config::Error>(())
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use ember_livy::Output;
use ember_livy::jobs::{SPARK_PI_FUNCTION, pi_from_output, pi_statement};
use ember_livy::protocol::{SessionKind, SqlTable};
use ember_livy_server::pyspark::{PySparkConfig, PySparkFactory};
use ember_livy_server::{Execution, Interpreter, InterpreterFactory, SessionLog, SessionSpec};

use crate::config::Error;

/// How long stopping a driver waits for its worker and JVM to end.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// How a [`SparkDriver`] starts: its application's name, its Spark settings, its Python and
/// the bounds on its start and on each job.
#[derive(Debug, Clone)]
pub struct DriverOptions {
    /// The application's name (Spark's `spark.app.name`).
    pub app_name: String,
    /// Spark settings for the driver (`spark.driver.host` for a cluster beyond this machine,
    /// `spark.executor.memory`, ...): a config file's `spark.*` entries.
    pub conf: BTreeMap<String, String>,
    /// The Python interpreter with PySpark: `PYSPARK_PYTHON`, else `python3`.
    pub python: String,
    /// How long the driver may take to start (its JVM, the SparkSession, the executors'
    /// registration with the master).
    pub start_timeout: Duration,
    /// How long one job (a statement) may run before it is cancelled.
    pub job_timeout: Duration,
}

impl DriverOptions {
    /// Options for an application called `app_name`, with the defaults above (10 minutes to
    /// start, an hour for a job).
    pub fn new(app_name: &str) -> Self {
        DriverOptions {
            app_name: app_name.to_owned(),
            conf: BTreeMap::new(),
            python: std::env::var("PYSPARK_PYTHON").unwrap_or_else(|_| "python3".to_owned()),
            start_timeout: Duration::from_secs(600),
            job_timeout: Duration::from_secs(3600),
        }
    }
}

/// A Spark driver on a master of Spark's own (see the module doc). Jobs run one at a time, in
/// the order they are asked for. Dropping it stops it.
pub struct SparkDriver {
    runtime: ember_runtime::Runtime,
    interpreter: Arc<dyn Interpreter>,
    master: String,
    job_timeout: Duration,
    next: AtomicU64,
    /// Whether SparkPi's functions are defined in the driver yet.
    pi_defined: std::sync::OnceLock<()>,
    /// One job at a time: the worker runs statements in turn.
    turn: std::sync::Mutex<()>,
}

impl std::fmt::Debug for SparkDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparkDriver")
            .field("master", &self.master)
            .finish_non_exhaustive()
    }
}

impl SparkDriver {
    /// Starts a driver on `master` (`spark://host:port`, or any master Spark itself takes) and
    /// waits until its SparkSession is up.
    ///
    /// Errors: [`Error::Driver`] when the worker cannot start (no such Python, no PySpark, a
    /// master that cannot be reached) or does not start within the start timeout, with the
    /// last lines it wrote.
    pub fn start(master: &str, options: DriverOptions) -> Result<SparkDriver, Error> {
        let runtime = ember_runtime::Runtime::builder("ember-spark-driver")
            .build()
            .map_err(|e| Error::Driver(e.to_string()))?;
        let factory = PySparkFactory::new(
            PySparkConfig {
                python: options.python.clone(),
                ..PySparkConfig::default()
            },
            master.to_owned(),
        );
        let spec = SessionSpec {
            id: 0,
            name: Some(options.app_name.clone()),
            kind: SessionKind::PySpark,
            conf: options.conf.clone(),
            log: SessionLog::new(0),
        };
        let interpreter = factory
            .create(&spec)
            .map_err(|e| Error::Driver(e.to_string()))?;
        let starting = interpreter.clone();
        let started = runtime.block_on(
            "the Spark driver's start",
            // The worker bounds its start by the same timeout; this is a backstop.
            Some(options.start_timeout + STOP_TIMEOUT),
            async move { starting.start().await },
        );
        let driver = SparkDriver {
            runtime,
            interpreter,
            master: master.to_owned(),
            job_timeout: options.job_timeout,
            next: AtomicU64::new(0),
            pi_defined: std::sync::OnceLock::new(),
            turn: std::sync::Mutex::new(()),
        };
        match started {
            Ok(Ok(())) => Ok(driver),
            Ok(Err(e)) => Err(Error::Driver(e.to_string())),
            Err(e) => Err(Error::Driver(e.to_string())),
        }
    }

    /// The master the driver runs on.
    pub fn master(&self) -> &str {
        &self.master
    }

    /// Runs Python `code` in the driver (where `spark` and `sc` are bound) and returns its
    /// output, as a Livy pyspark statement does.
    ///
    /// Errors: [`Error::Job`] when the code fails (its exception), the job timeout passes (the
    /// job is cancelled) or the driver died.
    pub fn run_python(&self, code: &str) -> Result<Output, Error> {
        self.run(code, None)
    }

    /// Runs a Spark SQL query on the driver's SparkSession and returns its result (at most
    /// Livy's 1000 rows by default, as a Livy sql statement).
    ///
    /// Errors: as [`run_python`](Self::run_python), and [`Error::Job`] for a result that is not
    /// a table.
    pub fn sql(&self, query: &str) -> Result<RecordBatch, Error> {
        let bad = |reason: String| Error::Job {
            job: "the query",
            reason,
        };
        match self.run(query, Some(SessionKind::Sql))? {
            Output::Json(table) => {
                let table: SqlTable = serde_json::from_value(table)
                    .map_err(|e| bad(format!("not a Livy sql table: {e}")))?;
                ember_livy::spark_types::table_to_batch(&table).map_err(|e| bad(e.to_string()))
            }
            other => Err(bad(format!("not a table: {}", other.to_text()))),
        }
    }

    /// SparkPi: estimates pi from `100000 * scale` samples over `scale` partitions on the
    /// cluster's executors, each partition with its own stream (seeded from `(seed, partition)`
    /// when a seed is given), as `ember pi` does locally.
    ///
    /// Errors: as [`run_python`](Self::run_python); [`Error::Job`] for a `scale` of 0.
    pub fn pi(&self, scale: u64, seed: Option<u64>) -> Result<f64, Error> {
        let failed = |e: ember_livy::Error| Error::Job {
            job: "SparkPi",
            reason: e.to_string(),
        };
        let code = pi_statement(scale, seed).map_err(failed)?;
        if self.pi_defined.get().is_none() {
            self.run_python(SPARK_PI_FUNCTION)?;
            let _ = self.pi_defined.set(());
        }
        pi_from_output(&self.run_python(&code)?).map_err(failed)
    }

    /// Runs one statement (Python, or as `kind`), bounded by the job timeout.
    fn run(&self, code: &str, kind: Option<SessionKind>) -> Result<Output, Error> {
        let _turn = self
            .turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let interpreter = self.interpreter.clone();
        let code = code.to_owned();
        let limit = self.job_timeout;
        let job = async move {
            let run = async {
                match &kind {
                    Some(kind) => interpreter.execute_as(id, &code, kind).await,
                    None => interpreter.execute(id, &code).await,
                }
            };
            match tokio::time::timeout(limit, run).await {
                Ok(execution) => Some(execution),
                Err(_) => {
                    // Cancel its Spark jobs; the worker answers the cancelled statement later.
                    interpreter.cancel(id);
                    None
                }
            }
        };
        let failed = |reason: String| Error::Job {
            job: "the statement",
            reason,
        };
        // The job bounds itself (the timeout above); this bound is a backstop.
        let execution = self
            .runtime
            .block_on("a job on the Spark driver", Some(limit + STOP_TIMEOUT), job)
            .map_err(|e| failed(e.to_string()))?
            .ok_or_else(|| failed(format!("it ran longer than {limit:?} and was cancelled")))?;
        match execution {
            Execution::Ok(data) => Ok(Output::from_data(&data)),
            Execution::Failed {
                ename,
                evalue,
                // The Python frames of the worker are not the user's: Spark's message is.
                traceback: _,
            } => Err(failed(format!("{ename}: {evalue}"))),
            Execution::Died(death) => Err(failed(format!("the Spark driver died: {death}"))),
        }
    }

    /// Stops the driver: its SparkSession, its Python worker and its JVM (bounded).
    pub fn stop(self) {
        // `Drop` does it.
    }
}

impl Drop for SparkDriver {
    fn drop(&mut self) {
        let interpreter = self.interpreter.clone();
        let _ = self
            .runtime
            .block_on("the Spark driver's stop", Some(STOP_TIMEOUT), async move {
                interpreter.stop().await
            });
    }
}
