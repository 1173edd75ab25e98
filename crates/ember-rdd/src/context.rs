//! [`Context`]: the application's handle on its worker pool, its listeners, its running jobs and
//! the job scopes its callers set. How jobs run is `scheduler.rs`.

use std::collections::HashMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::cancel::{CancelToken, Scopes};
use crate::error::{Error, Result};
use crate::events::{Event, Listener};
use crate::master::Master;
use crate::shared;
use crate::status::{AppStatus, Application, DEFAULT_RETAINED_JOBS, DEFAULT_RETAINED_STAGES};
use crate::sync::lock;

/// Spark's default for `spark.task.maxFailures`.
pub const DEFAULT_MAX_TASK_FAILURES: u32 = 4;

/// Builds a [`Context`].
///
/// ```
/// let ctx = ember_rdd::Context::builder()
///     .app_name("retries")
///     .master("local[2]")
///     .max_task_failures(1)
///     .build()?;
/// assert_eq!(ctx.max_task_failures(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ContextBuilder {
    app_name: String,
    master: String,
    max_task_failures: Option<u32>,
    record_status: bool,
    retained_jobs: usize,
    retained_stages: usize,
}

impl Default for ContextBuilder {
    fn default() -> Self {
        ContextBuilder {
            app_name: "ember".to_owned(),
            master: "local[*]".to_owned(),
            max_task_failures: None,
            record_status: true,
            retained_jobs: DEFAULT_RETAINED_JOBS,
            retained_stages: DEFAULT_RETAINED_STAGES,
        }
    }
}

impl ContextBuilder {
    /// The application's name (Spark's `spark.app.name`).
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = name.into();
        self
    }
    /// The master URL: `local`, `local[N]`, `local[*]` or `local[N,F]`.
    pub fn master(mut self, master: impl Into<String>) -> Self {
        self.master = master.into();
        self
    }
    /// How many times a task is attempted before its job fails (Spark's
    /// `spark.task.maxFailures`, default 4). Overrides the `F` of `local[N,F]`.
    pub fn max_task_failures(mut self, attempts: u32) -> Self {
        self.max_task_failures = Some(attempts);
        self
    }
    /// Whether the context records its jobs, stages and tasks in [`Context::status`] (default
    /// on, as Spark's UI; the cost is a lock per task event).
    pub fn record_status(mut self, record: bool) -> Self {
        self.record_status = record;
        self
    }
    /// How many finished jobs [`Context::status`] remembers (Spark's `spark.ui.retainedJobs`,
    /// default 1000); older ones are forgotten.
    pub fn retained_jobs(mut self, jobs: usize) -> Self {
        self.retained_jobs = jobs;
        self
    }
    /// How many finished stages [`Context::status`] remembers (Spark's
    /// `spark.ui.retainedStages`, default 1000).
    pub fn retained_stages(mut self, stages: usize) -> Self {
        self.retained_stages = stages;
        self
    }
    /// Makes the context. Its worker threads start with its first job, so a context that never
    /// runs one (a SQL session that only runs queries, an idle server session) holds none.
    /// Errors: [`Error::InvalidMaster`], [`Error::InvalidArgument`] for zero attempts.
    pub fn build(self) -> Result<Context> {
        let master = Master::parse(&self.master)?;
        let max_task_failures = self
            .max_task_failures
            .or(master.max_task_failures())
            .unwrap_or(DEFAULT_MAX_TASK_FAILURES);
        if max_task_failures == 0 {
            return Err(Error::invalid("max_task_failures", "must be at least 1"));
        }
        let start = SystemTime::now();
        let application = Application {
            id: format!(
                "local-{}",
                start
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis())
            ),
            name: self.app_name.clone(),
            master: master.as_str().to_owned(),
            start,
            user: std::env::var("USER").unwrap_or_else(|_| "ember".to_owned()),
            cores: master.threads(),
            max_task_failures,
        };
        let status = AppStatus::new(
            application,
            self.record_status,
            self.retained_jobs,
            self.retained_stages,
        );
        Ok(Context {
            inner: Arc::new(ContextInner {
                status,
                app_name: self.app_name,
                master,
                max_task_failures,
                pool: OnceLock::new(),
                pool_start: Mutex::new(()),
                next_id: AtomicUsize::new(0),
                next_job_id: AtomicU64::new(0),
                next_stage_id: AtomicU64::new(0),
                listeners: RwLock::new(Vec::new()),
                active_jobs: Mutex::new(HashMap::new()),
                scopes: Scopes::default(),
            }),
        })
    }
}

/// Spark's `SparkContext`: an application name, a master, and a pool of worker threads on which
/// every job of this context runs.
///
/// A context is a handle (cloning it is cheap); there is no global state, so any number of
/// contexts can live in one process, and job groups, cancel tokens and accumulators of one never
/// touch another's jobs. The pool stops when the last handle and the last RDD made from it are
/// dropped.
#[derive(Clone)]
pub struct Context {
    inner: Arc<ContextInner>,
}

struct ContextInner {
    status: AppStatus,
    app_name: String,
    master: Master,
    max_task_failures: u32,
    /// The worker threads, started by the first job ([`Context::pool`]).
    pool: OnceLock<rayon::ThreadPool>,
    /// Held while the pool starts, so two first jobs start one pool.
    pool_start: Mutex<()>,
    next_id: AtomicUsize,
    next_job_id: AtomicU64,
    next_stage_id: AtomicU64,
    listeners: RwLock<Vec<Arc<dyn Listener>>>,
    active_jobs: Mutex<HashMap<u64, ActiveJob>>,
    scopes: Scopes,
}

/// A running job, as the registry knows it (for cancelling by group or all at once).
pub(crate) struct ActiveJob {
    pub(crate) group: Option<String>,
    pub(crate) token: CancelToken,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("app_name", &self.inner.app_name)
            .field("master", &self.inner.master.as_str())
            .field("threads", &self.inner.master.threads())
            .finish_non_exhaustive()
    }
}

impl Context {
    /// A context with the given application name and master (`local`, `local[N]`, `local[*]`).
    pub fn new(app_name: impl Into<String>, master: &str) -> Result<Self> {
        Self::builder().app_name(app_name).master(master).build()
    }

    /// A builder for the rarer settings (task retries).
    pub fn builder() -> ContextBuilder {
        ContextBuilder::default()
    }

    /// The application name.
    pub fn app_name(&self) -> &str {
        &self.inner.app_name
    }

    /// The master URL as given.
    pub fn master(&self) -> &str {
        self.inner.master.as_str()
    }

    /// The number of worker threads; also the default partition count.
    pub fn default_parallelism(&self) -> usize {
        self.inner.master.threads()
    }

    /// How many attempts a task gets before its job fails.
    pub fn max_task_failures(&self) -> u32 {
        self.inner.max_task_failures
    }

    /// Registers a listener for job, stage and task events.
    pub fn add_listener(&self, listener: Arc<dyn Listener>) {
        self.inner
            .listeners
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(listener);
    }

    /// Runs `f` with every job of this context that it starts on this thread in job group
    /// `group`, which [`cancel_job_group`](Self::cancel_job_group) can cancel. Jobs of other
    /// contexts started inside `f` are not in the group.
    pub fn with_job_group<R>(&self, group: impl Into<String>, f: impl FnOnce() -> R) -> R {
        let group = group.into();
        let _guard = self.inner.scopes.enter(|s| s.group = Some(group));
        f()
    }

    /// Runs `f` with every job of this context that it starts on this thread described as
    /// `description` (Spark's `setJobDescription`), which [`status`](Self::status) and the UI
    /// show.
    pub fn with_job_description<R>(
        &self,
        description: impl Into<String>,
        f: impl FnOnce() -> R,
    ) -> R {
        let description = description.into();
        let _guard = self
            .inner
            .scopes
            .enter(|s| s.description = Some(description));
        f()
    }

    /// What this context has done: its jobs, stages, tasks and cached RDDs, in bounded memory.
    pub fn status(&self) -> &AppStatus {
        &self.inner.status
    }

    /// Runs `f` with every job of this context that it starts on this thread cancelled when
    /// `token` is. Jobs of other contexts started inside `f` do not watch the token.
    pub fn with_cancel_token<R>(&self, token: &CancelToken, f: impl FnOnce() -> R) -> R {
        let token = token.clone();
        let _guard = self.inner.scopes.enter(|s| s.token = Some(token));
        f()
    }

    /// Cancels the running jobs of a job group. Returns how many were cancelled.
    pub fn cancel_job_group(&self, group: &str) -> usize {
        let jobs = lock(&self.inner.active_jobs);
        let mut n = 0;
        for job in jobs.values() {
            if job.group.as_deref() == Some(group) {
                job.token.cancel();
                n += 1;
            }
        }
        n
    }

    /// Cancels every running job of this context. Returns how many were cancelled.
    pub fn cancel_all_jobs(&self) -> usize {
        let jobs = lock(&self.inner.active_jobs);
        jobs.values().for_each(|j| j.token.cancel());
        jobs.len()
    }

    /// How many jobs are running now.
    pub fn active_jobs(&self) -> usize {
        lock(&self.inner.active_jobs).len()
    }

    /// Wraps a read-only value for use in closures (Spark's broadcast variable). In-process the
    /// value is shared, not copied, by every task.
    pub fn broadcast<T: Send + Sync + 'static>(&self, value: T) -> shared::Broadcast<T> {
        shared::Broadcast::new(self.next_id() as u64, value)
    }

    /// An accumulator starting at `zero` (Spark's `accumulator`). Adds made inside a task count
    /// once, when that task succeeds: a retried task's adds are not counted twice.
    pub fn accumulator<T>(&self, zero: T) -> shared::Accumulator<T>
    where
        T: std::ops::AddAssign + Clone + Send + Sync + 'static,
    {
        shared::Accumulator::new(self.next_id() as u64, zero)
    }

    // ------------------------------------------------------------ for the scheduler and RDDs

    /// A fresh id for an RDD, broadcast or accumulator of this context.
    pub(crate) fn next_id(&self) -> usize {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn next_job_id(&self) -> u64 {
        self.inner.next_job_id.fetch_add(1, Ordering::Relaxed)
    }

    pub(crate) fn next_stage_id(&self) -> u64 {
        self.inner.next_stage_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The worker pool, started on first use. Errors: [`Error::ThreadPool`] if the threads
    /// cannot be started (the next job tries again).
    pub(crate) fn pool(&self) -> Result<&rayon::ThreadPool> {
        if let Some(pool) = self.inner.pool.get() {
            return Ok(pool);
        }
        let _starting = lock(&self.inner.pool_start);
        if let Some(pool) = self.inner.pool.get() {
            return Ok(pool);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.inner.master.threads())
            .thread_name(|i| format!("ember-worker-{i}"))
            .build()
            .map_err(|e| Error::ThreadPool(e.to_string()))?;
        Ok(self.inner.pool.get_or_init(|| pool))
    }

    pub(crate) fn scopes(&self) -> &Scopes {
        &self.inner.scopes
    }

    pub(crate) fn register_job(&self, id: u64, job: ActiveJob) {
        lock(&self.inner.active_jobs).insert(id, job);
    }

    pub(crate) fn unregister_job(&self, id: u64) {
        lock(&self.inner.active_jobs).remove(&id);
    }

    pub(crate) fn emit(&self, event: Event) {
        self.inner.status.record(&event);
        let listeners = self
            .inner
            .listeners
            .read()
            .unwrap_or_else(|p| p.into_inner());
        for l in listeners.iter() {
            // A panicking listener must not take the job down with it.
            let _ = catch_unwind(AssertUnwindSafe(|| l.on_event(&event)));
        }
    }
}
