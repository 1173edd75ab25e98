//! Ember's jobs on real Spark without Livy: a `spark://host:port` master (a standalone cluster,
//! the third seed's "direct connect, client mode") runs `ember pi`, `ember sql`, `ember
//! datasource` and `ember serve` on a Spark driver that Ember starts, supervises and stops
//! itself ([`SparkDriver`]; [`SparkPi`] is the service's backend on one).
//!
//! The driver is [`ember_spark`]'s, the one the Livy server's pyspark sessions run on: one Python
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

use std::collections::{BTreeMap, HashMap};
use std::future::{Future, pending};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use ember_livy::Output;
use ember_livy::jobs::{SPARK_PI_FUNCTION, pi_from_output, pi_statement};
use ember_livy::protocol::SqlTable;
use ember_rdd::CancelToken;
use ember_spark::{Driver, DriverFactory, DriverSpec, Execution, Language, NoLog, PySparkConfig};
use ember_web::{PiBackend, PiFuture};

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
    inner: Arc<Inner>,
    master: String,
}

/// What a driver's jobs share, on whichever thread or runtime they are awaited.
struct Inner {
    driver: Driver,
    job_timeout: Duration,
    next: AtomicU64,
    /// Whether SparkPi's functions are defined in the driver yet.
    pi_defined: AtomicBool,
    /// One job at a time: the worker runs statements in turn.
    turn: tokio::sync::Mutex<()>,
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
    /// Errors: [`Error::Driver`] when the worker cannot start (no such Python, no PySpark, no
    /// Java), does not start within the start timeout, or its master does not answer (Spark
    /// gives up registering after about a minute), with the reason and its last lines.
    pub fn start(master: &str, options: DriverOptions) -> Result<SparkDriver, Error> {
        let runtime = ember_runtime::Runtime::builder("ember-spark-driver")
            .build()
            .map_err(|e| Error::Driver(e.to_string()))?;
        let factory = DriverFactory::new(
            PySparkConfig {
                python: options.python.clone(),
                start_timeout: options.start_timeout,
                ..PySparkConfig::default()
            },
            master.to_owned(),
        );
        let driver = factory
            .create(&DriverSpec {
                app_name: options.app_name.clone(),
                conf: options.conf.clone(),
                // A failed start names the worker's last lines itself.
                log: Arc::new(NoLog),
            })
            .map_err(|e| Error::Driver(e.to_string()))?;
        let inner = Arc::new(Inner {
            driver,
            job_timeout: options.job_timeout,
            next: AtomicU64::new(0),
            pi_defined: AtomicBool::new(false),
            turn: tokio::sync::Mutex::new(()),
        });
        let starting = inner.clone();
        let started = runtime.block_on(
            "the Spark driver's start",
            // The driver bounds its start by the same timeout; this is a backstop.
            Some(options.start_timeout + STOP_TIMEOUT),
            async move { starting.driver.start().await },
        );
        // From here dropping it stops the worker, whatever the start came to.
        let driver = SparkDriver {
            runtime,
            inner,
            master: master.to_owned(),
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
    /// Errors: [`Error::Job`] when the code fails (Spark's or Python's exception) or the job
    /// timeout passes (the job is cancelled); [`Error::DriverDied`] when the driver died.
    pub fn run_python(&self, code: &str) -> Result<Output, Error> {
        let (inner, code) = (self.inner.clone(), code.to_owned());
        self.wait(async move { inner.run_until(&code, None, pending()).await })
    }

    /// Runs a Spark SQL query on the driver's SparkSession and returns its result (at most
    /// Livy's 1000 rows by default, as a Livy sql statement).
    ///
    /// Errors: as [`run_python`](Self::run_python), and [`Error::Job`] for a result that is not
    /// a table.
    pub fn sql(&self, query: &str) -> Result<RecordBatch, Error> {
        let (inner, query) = (self.inner.clone(), query.to_owned());
        self.wait(async move { inner.sql(&query).await })
    }

    /// SparkPi: estimates pi from `100000 * scale` samples over `scale` partitions on the
    /// cluster's executors, each partition with its own stream (seeded from `(seed, partition)`
    /// when a seed is given), as `ember pi` does locally.
    ///
    /// Errors: as [`run_python`](Self::run_python); [`Error::Job`] for a `scale` of 0.
    pub fn pi(&self, scale: u64, seed: Option<u64>) -> Result<f64, Error> {
        let inner = self.inner.clone();
        self.wait(async move { inner.pi_until(scale, seed, pending()).await })
    }

    /// Waits on this thread for a job, bounded: each statement bounds itself (the job timeout,
    /// then the cancel's grace), and a job runs at most two (SparkPi defines its functions
    /// first), so this bound is a backstop.
    fn wait<T: Send + 'static>(
        &self,
        job: impl Future<Output = Result<T, Error>> + Send + 'static,
    ) -> Result<T, Error> {
        let limit = (self.inner.job_timeout + STOP_TIMEOUT * 2) * 2;
        self.runtime
            .block_on("a job on the Spark driver", Some(limit), job)
            .map_err(|e| Error::Job {
                job: "the statement",
                reason: e.to_string(),
            })?
    }

    /// Stops the driver: its SparkSession, its Python worker and its JVM (bounded).
    pub fn stop(self) {
        // `Drop` does it.
    }
}

impl Drop for SparkDriver {
    fn drop(&mut self) {
        let inner = self.inner.clone();
        let _ = self
            .runtime
            .block_on("the Spark driver's stop", Some(STOP_TIMEOUT), async move {
                inner.driver.stop().await
            });
    }
}

impl Inner {
    async fn sql(&self, query: &str) -> Result<RecordBatch, Error> {
        let bad = |reason: String| Error::Job {
            job: "the query",
            reason,
        };
        match self
            .run_until(query, Some(Language::Sql), pending())
            .await?
        {
            Output::Json(table) => {
                let table: SqlTable = serde_json::from_value(table)
                    .map_err(|e| bad(format!("not a Livy sql table: {e}")))?;
                ember_livy::spark_types::table_to_batch(&table).map_err(|e| bad(e.to_string()))
            }
            other => Err(bad(format!("not a table: {}", other.to_text()))),
        }
    }

    /// SparkPi (see [`SparkDriver::pi`]), cancelled when `stop` resolves first.
    async fn pi_until(
        &self,
        scale: u64,
        seed: Option<u64>,
        stop: impl Future<Output = ()>,
    ) -> Result<f64, Error> {
        let failed = |e: ember_livy::Error| Error::Job {
            job: "SparkPi",
            reason: e.to_string(),
        };
        let code = pi_statement(scale, seed).map_err(failed)?;
        if !self.pi_defined.load(Ordering::Acquire) {
            self.run_until(SPARK_PI_FUNCTION, None, pending()).await?;
            self.pi_defined.store(true, Ordering::Release);
        }
        pi_from_output(&self.run_until(&code, None, stop).await?).map_err(failed)
    }

    /// Runs one statement (Python, or as `kind`) in turn with the others, bounded by the job
    /// timeout; when `stop` resolves first (or the timeout passes) its Spark jobs are
    /// cancelled and the worker's answer is awaited (bounded), so the next job starts clean.
    async fn run_until(
        &self,
        code: &str,
        kind: Option<Language>,
        stop: impl Future<Output = ()>,
    ) -> Result<Output, Error> {
        // A job cancelled while it waits for its turn (behind a long one) ends there.
        tokio::pin!(stop);
        let _turn = tokio::select! {
            turn = self.turn.lock() => turn,
            () = &mut stop => return Err(Error::Cancelled { job: "the statement" }),
        };
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let failed = |reason: String| Error::Job {
            job: "the statement",
            reason,
        };
        let execution = self.driver.execute(id, code, kind);
        tokio::pin!(execution);
        let limit = self.job_timeout;
        let ended = tokio::select! {
            done = tokio::time::timeout(limit, &mut execution) => done.ok(),
            () = &mut stop => {
                self.driver.cancel(id);
                let _ = tokio::time::timeout(STOP_TIMEOUT, &mut execution).await;
                return Err(Error::Cancelled { job: "the statement" });
            }
        };
        let Some(execution) = ended else {
            self.driver.cancel(id);
            let _ = tokio::time::timeout(STOP_TIMEOUT, &mut execution).await;
            return Err(failed(format!(
                "it ran longer than the job timeout of {limit:?} and was cancelled"
            )));
        };
        match execution {
            Execution::Ok(data) => Ok(Output::from_data(&data)),
            Execution::Failed {
                ename,
                evalue,
                // The Python frames of the worker are not the user's: Spark's message is.
                traceback: _,
            } => Err(failed(format!("{ename}: {evalue}"))),
            Execution::Died(death) => Err(Error::DriverDied(death.to_string())),
        }
    }
}

/// SparkPi jobs on a Spark driver for `ember serve --master spark://…`: `ember-web`'s
/// [`PiBackend`], so `/sparkpi` answers with the same strings, limits, deadlines and metrics as
/// local jobs. The driver starts with the first job (so the service listens at once) and again
/// after one dies; jobs run one at a time on it.
pub struct SparkPi {
    master: String,
    options: DriverOptions,
    runtime: ember_runtime::Runtime,
    driver: Arc<tokio::sync::Mutex<Option<Arc<SparkDriver>>>>,
    running: RunningJobs,
}

impl std::fmt::Debug for SparkPi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparkPi")
            .field("master", &self.master)
            .finish_non_exhaustive()
    }
}

impl SparkPi {
    /// Jobs on a driver on `master`, started with `options` when the first job comes.
    ///
    /// Errors: [`Error::Driver`] if the runtime the jobs wait on cannot start.
    pub fn new(master: &str, options: DriverOptions) -> Result<SparkPi, Error> {
        Ok(SparkPi {
            master: master.to_owned(),
            options,
            runtime: ember_runtime::Runtime::builder("ember-spark-pi")
                .build()
                .map_err(|e| Error::Driver(e.to_string()))?,
            driver: Arc::default(),
            running: RunningJobs::default(),
        })
    }

    /// Stops the driver, if one runs (bounded).
    pub fn close(&self) {
        let driver = self.driver.clone();
        let taken = self.runtime.block_on(
            "the Spark driver's handle",
            Some(STOP_TIMEOUT),
            async move { driver.lock().await.take() },
        );
        // Dropping the last handle stops the driver's worker and JVM.
        drop(taken);
    }
}

impl PiBackend for SparkPi {
    fn estimate(&self, scale: u64, seed: Option<u64>, cancel: CancelToken) -> PiFuture {
        let tracked = self.running.track(cancel.clone());
        let (slot, master, options) = (
            self.driver.clone(),
            self.master.clone(),
            self.options.clone(),
        );
        let job = async move {
            let _tracked = tracked;
            let driver = {
                // A job cancelled while the driver starts (for another job) ends there, so
                // requests the service gave up on do not pile up behind a slow start.
                let mut slot = tokio::select! {
                    slot = slot.lock() => slot,
                    () = cancel.cancelled() => return Err(ember_web::Error::Cancelled),
                };
                match slot.as_ref() {
                    Some(d) => d.clone(),
                    None => {
                        // Starting blocks (the JVM, the SparkSession) on a thread of its own.
                        let start = tokio::task::spawn_blocking(move || {
                            SparkDriver::start(&master, options)
                        });
                        let started = start.await.map_err(ember_web::Error::backend)?;
                        let d = Arc::new(started.map_err(ember_web::Error::backend)?);
                        *slot = Some(d.clone());
                        d
                    }
                }
            };
            let result = driver.inner.pi_until(scale, seed, cancel.cancelled()).await;
            if matches!(result, Err(Error::DriverDied(_))) {
                // The next job starts a new driver.
                slot.lock().await.take();
            }
            result.map_err(|e| match e {
                Error::Cancelled { .. } => ember_web::Error::Cancelled,
                e => ember_web::Error::backend(e),
            })
        };
        // On the backend's own runtime: the job (and its cancel) goes on if the service stops
        // polling, as `PiBackend` asks.
        let runtime = self.runtime.clone();
        Box::pin(async move {
            match runtime.run("a SparkPi job", job).await {
                Ok(result) => result,
                Err(lost) => Err(ember_web::Error::backend(lost)),
            }
        })
    }

    fn cancel_all(&self) -> usize {
        self.running.cancel_all()
    }

    fn describe(&self) -> String {
        format!("spark {}", self.master)
    }
}

/// The cancel tokens of the jobs a backend runs, so [`PiBackend::cancel_all`] reaches each; a
/// job's entry goes when its guard drops.
#[derive(Debug, Default, Clone)]
pub(crate) struct RunningJobs {
    jobs: Arc<Mutex<HashMap<u64, CancelToken>>>,
    next: Arc<AtomicU64>,
}

/// A job's entry in [`RunningJobs`], removed on drop.
pub(crate) struct Tracked {
    jobs: Arc<Mutex<HashMap<u64, CancelToken>>>,
    id: u64,
}

impl RunningJobs {
    pub(crate) fn track(&self, token: CancelToken) -> Tracked {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, token);
        Tracked {
            jobs: self.jobs.clone(),
            id,
        }
    }

    pub(crate) fn cancel_all(&self) -> usize {
        let jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        for token in jobs.values() {
            token.cancel();
        }
        jobs.len()
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}
