//! [`Context`]: the worker pool, the scheduler and the registry of running jobs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::events::{Event, JobOutcome, Listener, StageKind};
use crate::rdd::{Batches, Data, Dep, Lineage, Rdd};
use crate::shared;

/// Spark's default for `spark.task.maxFailures`.
pub const DEFAULT_MAX_TASK_FAILURES: u32 = 4;

/// Where jobs run: always in this process, on a pool of `threads` workers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Master {
    spec: String,
    threads: usize,
    max_task_failures: Option<u32>,
}

impl Master {
    /// Parses Spark's local master URLs: `local` (one thread), `local[N]`, `local[*]` (all cores)
    /// and `local[N,F]` (N threads, F attempts per task).
    pub fn parse(spec: &str) -> Result<Self> {
        let bad = |reason: &str| Error::InvalidMaster {
            master: spec.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = spec.trim();
        if trimmed == "local" {
            return Ok(Master {
                spec: trimmed.to_owned(),
                threads: 1,
                max_task_failures: None,
            });
        }
        let Some(inner) = trimmed
            .strip_prefix("local[")
            .and_then(|s| s.strip_suffix(']'))
        else {
            return Err(bad(
                "Ember runs jobs in-process: use local, local[N], local[*] or local[N,F]; \
                 hand cluster work to Spark through Livy",
            ));
        };
        let (threads, failures) = match inner.split_once(',') {
            Some((t, f)) => (t.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let threads = if threads == "*" {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            match threads.parse::<usize>() {
                Ok(n) if n > 0 => n,
                _ => return Err(bad("the thread count must be a positive integer or `*`")),
            }
        };
        let max_task_failures = match failures {
            None => None,
            Some(f) => match f.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(bad("the task failure limit must be a positive integer")),
            },
        };
        Ok(Master {
            spec: trimmed.to_owned(),
            threads,
            max_task_failures,
        })
    }

    /// The number of worker threads.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The master URL as given.
    pub fn as_str(&self) -> &str {
        &self.spec
    }
}

impl fmt::Display for Master {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spec)
    }
}

/// Cancels the jobs that run under it. Cheap to clone; all clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }
    /// Cancels every job running under this token; their actions return [`Error::Cancelled`].
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }
    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Builds a [`Context`].
#[derive(Debug, Clone)]
pub struct ContextBuilder {
    app_name: String,
    master: String,
    max_task_failures: Option<u32>,
}

impl Default for ContextBuilder {
    fn default() -> Self {
        ContextBuilder {
            app_name: "ember".to_owned(),
            master: "local[*]".to_owned(),
            max_task_failures: None,
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
    /// Starts the worker pool.
    pub fn build(self) -> Result<Context> {
        let master = Master::parse(&self.master)?;
        let max_task_failures = self
            .max_task_failures
            .or(master.max_task_failures)
            .unwrap_or(DEFAULT_MAX_TASK_FAILURES);
        if max_task_failures == 0 {
            return Err(Error::invalid("max_task_failures", "must be at least 1"));
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(master.threads)
            .thread_name(|i| format!("ember-worker-{i}"))
            .build()
            .map_err(|e| Error::ThreadPool(e.to_string()))?;
        Ok(Context {
            inner: Arc::new(ContextInner {
                app_name: self.app_name,
                master,
                max_task_failures,
                pool,
                next_id: AtomicUsize::new(0),
                next_job_id: AtomicU64::new(0),
                next_stage_id: AtomicU64::new(0),
                listeners: RwLock::new(Vec::new()),
                active_jobs: Mutex::new(HashMap::new()),
            }),
        })
    }
}

/// Spark's `SparkContext`: an application name, a master, and a pool of worker threads on which
/// every job of this context runs.
///
/// A context is a handle (cloning it is cheap); there is no global state, so any number of
/// contexts can live in one process. The pool stops when the last handle and the last RDD made
/// from it are dropped.
#[derive(Clone)]
pub struct Context {
    inner: Arc<ContextInner>,
}

struct ContextInner {
    app_name: String,
    master: Master,
    max_task_failures: u32,
    pool: rayon::ThreadPool,
    next_id: AtomicUsize,
    next_job_id: AtomicU64,
    next_stage_id: AtomicU64,
    listeners: RwLock<Vec<Arc<dyn Listener>>>,
    active_jobs: Mutex<HashMap<u64, ActiveJob>>,
}

struct ActiveJob {
    group: Option<String>,
    token: CancelToken,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("app_name", &self.inner.app_name)
            .field("master", &self.inner.master.spec)
            .field("threads", &self.inner.master.threads)
            .finish_non_exhaustive()
    }
}

/// Job properties set for the actions a thread runs inside [`Context::with_job_group`] or
/// [`Context::with_cancel_token`] (Spark keeps job groups per thread too).
#[derive(Default, Clone)]
struct JobScope {
    group: Option<String>,
    token: Option<CancelToken>,
}

thread_local! {
    static JOB_SCOPE: RefCell<JobScope> = RefCell::new(JobScope::default());
}

/// Restores the previous scope when dropped, even if the scoped closure panics.
struct ScopeGuard(Option<JobScope>);

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.0.take() {
            JOB_SCOPE.with(|s| *s.borrow_mut() = prev);
        }
    }
}

fn enter_scope(update: impl FnOnce(&mut JobScope)) -> ScopeGuard {
    JOB_SCOPE.with(|s| {
        let prev = s.borrow().clone();
        update(&mut s.borrow_mut());
        ScopeGuard(Some(prev))
    })
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of our locks cannot leave the data half-updated (every critical
    // section is a single insert/remove), so a poisoned lock is still safe to use.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a task sees of its job: which partition it computes, which attempt this is, and whether
/// it should stop early.
#[derive(Debug, Clone)]
pub struct TaskContext {
    job_id: u64,
    stage_id: u64,
    partition: usize,
    attempt: u32,
    control: JobControl,
}

impl TaskContext {
    /// The job this task belongs to.
    pub fn job_id(&self) -> u64 {
        self.job_id
    }
    /// The stage this task belongs to.
    pub fn stage_id(&self) -> u64 {
        self.stage_id
    }
    /// The partition this task computes.
    pub fn partition_id(&self) -> usize {
        self.partition
    }
    /// The attempt number, from 0.
    pub fn attempt_number(&self) -> u32 {
        self.attempt
    }
    /// Whether the job was cancelled or has already failed; long loops may check this.
    pub fn is_interrupted(&self) -> bool {
        self.control.should_stop()
    }
    pub(crate) fn check(&self) -> Result<()> {
        if self.control.should_stop() {
            Err(Error::Cancelled {
                job_id: self.job_id,
            })
        } else {
            Ok(())
        }
    }
}

/// The stop flags of one job: the user's token, and the job's own abort flag (set when one of its
/// tasks has failed for good, so the others stop early).
#[derive(Debug, Clone)]
struct JobControl {
    token: CancelToken,
    abort: Arc<AtomicBool>,
}

impl JobControl {
    fn should_stop(&self) -> bool {
        self.token.is_cancelled() || self.abort.load(Ordering::Acquire)
    }
}

struct Job {
    id: u64,
    control: JobControl,
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
        self.inner.master.threads
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

    /// Runs `f` with every job it starts on this thread in job group `group`, which
    /// [`cancel_job_group`](Self::cancel_job_group) can cancel.
    pub fn with_job_group<R>(&self, group: impl Into<String>, f: impl FnOnce() -> R) -> R {
        let group = group.into();
        let _guard = enter_scope(|s| s.group = Some(group));
        f()
    }

    /// Runs `f` with every job it starts on this thread cancelled when `token` is.
    pub fn with_cancel_token<R>(&self, token: &CancelToken, f: impl FnOnce() -> R) -> R {
        let token = token.clone();
        let _guard = enter_scope(|s| s.token = Some(token));
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

    /// An empty RDD.
    pub fn empty<T: Data>(&self) -> Rdd<T> {
        Rdd::from_compute(self, "empty", 0, Vec::new(), |_, _| {
            Ok(Box::new(std::iter::empty()))
        })
    }

    pub(crate) fn next_id(&self) -> usize {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn emit(&self, event: Event) {
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

    /// Runs a job: first every shuffle stage the RDD depends on that has not run yet, then one
    /// task per partition of `rdd` that feeds its batches to `func`. Returns the results in
    /// partition order.
    pub(crate) fn run_job<T: Data, R: Send>(
        &self,
        rdd: &Rdd<T>,
        action: &'static str,
        partitions: Option<&[usize]>,
        func: impl Fn(&TaskContext, Batches<T>) -> Result<R> + Send + Sync,
    ) -> Result<Vec<R>> {
        let start = Instant::now();
        let scope = JOB_SCOPE.with(|s| s.borrow().clone());
        let job = Job {
            id: self.inner.next_job_id.fetch_add(1, Ordering::Relaxed),
            control: JobControl {
                token: scope.token.unwrap_or_default(),
                abort: Arc::new(AtomicBool::new(false)),
            },
        };
        lock(&self.inner.active_jobs).insert(
            job.id,
            ActiveJob {
                group: scope.group,
                token: job.control.token.clone(),
            },
        );
        self.emit(Event::JobStart {
            job_id: job.id,
            action,
        });
        let all: Vec<usize>;
        let partitions = match partitions {
            Some(p) => p,
            None => {
                all = (0..rdd.num_partitions()).collect();
                &all
            }
        };
        let result = self
            .run_shuffle_stages(rdd.lineage().as_ref(), &job)
            .and_then(|()| {
                self.run_stage(&job, StageKind::Result, partitions, |tc| {
                    let batches = rdd.compute_partition(tc.partition_id(), tc)?;
                    func(tc, Batches::new(batches, tc.clone()))
                })
            });
        lock(&self.inner.active_jobs).remove(&job.id);
        let outcome = match &result {
            Ok(_) => JobOutcome::Succeeded,
            Err(Error::Cancelled { .. }) => JobOutcome::Cancelled,
            Err(e) => JobOutcome::Failed(e.to_string()),
        };
        self.emit(Event::JobEnd {
            job_id: job.id,
            outcome,
            elapsed: start.elapsed(),
        });
        result
    }

    /// Runs, in dependency order, the map stage of every shuffle below `lineage` that has not
    /// produced its output yet (Spark's DAG scheduler, for an in-process cluster).
    fn run_shuffle_stages(&self, lineage: &dyn Lineage, job: &Job) -> Result<()> {
        for dep in lineage.deps() {
            match dep {
                Dep::Narrow(parent) => self.run_shuffle_stages(parent.as_ref(), job)?,
                Dep::Shuffle(stage) => {
                    if stage.is_done() {
                        continue;
                    }
                    // One job at a time writes a shuffle; a concurrent job needing the same
                    // shuffle waits here and then finds it done.
                    let _running = lock(stage.run_lock());
                    if stage.is_done() {
                        continue;
                    }
                    self.run_shuffle_stages(stage.parent().as_ref(), job)?;
                    let maps: Vec<usize> = (0..stage.num_map_tasks()).collect();
                    self.run_stage(job, StageKind::ShuffleMap, &maps, |tc| {
                        stage.run_map_task(tc.partition_id(), tc)
                    })?;
                    stage.mark_done();
                }
            }
        }
        Ok(())
    }

    /// Runs one task per partition on the pool and gathers the results in partition order.
    fn run_stage<R: Send>(
        &self,
        job: &Job,
        kind: StageKind,
        partitions: &[usize],
        task: impl Fn(&TaskContext) -> Result<R> + Send + Sync,
    ) -> Result<Vec<R>> {
        let stage_id = self.inner.next_stage_id.fetch_add(1, Ordering::Relaxed);
        self.emit(Event::StageStart {
            job_id: job.id,
            stage_id,
            kind,
            num_tasks: partitions.len(),
        });
        let results: Vec<Result<R>> = self.inner.pool.install(|| {
            partitions
                .par_iter()
                .with_max_len(1)
                .map(|&p| {
                    let r = self.run_task(job, stage_id, p, &task);
                    if r.is_err() {
                        job.control.abort.store(true, Ordering::Release);
                    }
                    r
                })
                .collect()
        });
        self.emit(Event::StageEnd {
            job_id: job.id,
            stage_id,
        });
        // Report the failure that caused the abort, not the cancellations it induced.
        let mut cancelled = None;
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(v) => out.push(v),
                Err(e @ Error::Cancelled { .. }) => cancelled = Some(e),
                Err(e) => return Err(e),
            }
        }
        match cancelled {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// Runs one task, retrying it after a panic up to `max_task_failures` attempts. Typed errors
    /// (I/O, a zip mismatch) are deterministic and returned at once; a panic becomes
    /// [`Error::TaskFailed`] once the attempts are used up.
    fn run_task<R>(
        &self,
        job: &Job,
        stage_id: u64,
        partition: usize,
        task: &(impl Fn(&TaskContext) -> Result<R> + Sync),
    ) -> Result<R> {
        let max = self.inner.max_task_failures;
        let mut message = String::new();
        for attempt in 0..max {
            let tc = TaskContext {
                job_id: job.id,
                stage_id,
                partition,
                attempt,
                control: job.control.clone(),
            };
            tc.check()?;
            let accums = shared::begin_task();
            let outcome = catch_unwind(AssertUnwindSafe(|| task(&tc)));
            let pending = shared::end_task(accums);
            let succeeded = matches!(outcome, Ok(Ok(_)));
            self.emit(Event::TaskEnd {
                job_id: job.id,
                stage_id,
                partition,
                attempt,
                succeeded,
            });
            match outcome {
                Ok(Ok(value)) => {
                    pending.commit();
                    return Ok(value);
                }
                Ok(Err(e)) => return Err(e),
                Err(payload) => message = panic_message(payload.as_ref()),
            }
        }
        Err(Error::TaskFailed {
            partition,
            attempts: max,
            message,
        })
    }
}

/// The message of a caught panic's payload (`panic!` gives a `&str` or a `String`), for turning
/// a panic in user code into an error.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panicked with a non-string payload".to_owned()
    }
}
