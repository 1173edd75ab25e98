//! [`AppStatus`]: what a context has done, kept from the same [`Event`]s listeners see, in bounded
//! memory (Spark's status store, which its UI and monitoring REST API read).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::events::{Event, JobOutcome, StageKind};
use crate::sync::lock;

/// How many finished jobs a context remembers by default (Spark's `spark.ui.retainedJobs`).
pub const DEFAULT_RETAINED_JOBS: usize = 1000;
/// How many finished stages a context remembers by default (Spark's `spark.ui.retainedStages`).
pub const DEFAULT_RETAINED_STAGES: usize = 1000;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Its tasks are running.
    Running,
    /// Every task succeeded.
    Succeeded,
    /// A task failed for good.
    Failed,
    /// It was cancelled (Spark reports such a job as failed, its tasks as killed).
    Cancelled,
}

/// Where a stage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageState {
    /// Its tasks are running.
    Active,
    /// Every task succeeded.
    Complete,
    /// A task failed for good or was killed.
    Failed,
}

/// Task attempts of a stage or a job (or of the whole context), by how they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    /// Tasks the stages asked for (one per partition; a retry is not a new task).
    pub total: usize,
    /// Attempts running now.
    pub active: usize,
    /// Attempts that succeeded.
    pub completed: usize,
    /// Attempts that failed (each retry that fails counts).
    pub failed: usize,
    /// Attempts stopped by a cancel.
    pub killed: usize,
}

impl TaskCounts {
    fn add(&mut self, other: &TaskCounts) {
        self.active += other.active;
        self.completed += other.completed;
        self.failed += other.failed;
        self.killed += other.killed;
    }
}

/// What a running stage's task attempts count. The scheduler holds it for the stage and its
/// tasks update it with atomics: no task takes the status lock (two workers would contend for
/// it on every attempt, and a holder the VM descheduled would stall the other).
#[derive(Debug, Default)]
pub(crate) struct LiveStage {
    active: AtomicUsize,
    completed: AtomicUsize,
    failed: AtomicUsize,
    killed: AtomicUsize,
    task_time_ns: AtomicU64,
    shuffle_write_records: AtomicU64,
    shuffle_read_records: AtomicU64,
    /// When its first attempt started, in ms since the epoch; 0 until then.
    first_launch_ms: AtomicU64,
}

impl LiveStage {
    /// An attempt starts.
    pub(crate) fn task_started(&self) {
        self.active.fetch_add(1, Ordering::Relaxed);
        if self.first_launch_ms.load(Ordering::Relaxed) == 0 {
            let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| {
                u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
            });
            let _ =
                self.first_launch_ms
                    .compare_exchange(0, ms, Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// An attempt that [`task_started`](Self::task_started) ended.
    pub(crate) fn task_ended(
        &self,
        succeeded: bool,
        killed: bool,
        duration: Duration,
        shuffle_records: (u64, u64),
    ) {
        self.active.fetch_sub(1, Ordering::Relaxed);
        let outcome = if succeeded {
            &self.completed
        } else if killed {
            &self.killed
        } else {
            &self.failed
        };
        outcome.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX);
        self.task_time_ns.fetch_add(nanos, Ordering::Relaxed);
        if succeeded {
            self.shuffle_write_records
                .fetch_add(shuffle_records.0, Ordering::Relaxed);
            self.shuffle_read_records
                .fetch_add(shuffle_records.1, Ordering::Relaxed);
        }
    }

    fn counts(&self) -> TaskCounts {
        TaskCounts {
            total: 0,
            active: self.active.load(Ordering::Relaxed),
            completed: self.completed.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
            killed: self.killed.load(Ordering::Relaxed),
        }
    }

    fn task_time(&self) -> Duration {
        Duration::from_nanos(self.task_time_ns.load(Ordering::Relaxed))
    }

    /// `stage` with what its tasks counted so far.
    fn applied_to(&self, stage: &StageStatus) -> StageStatus {
        let mut stage = stage.clone();
        stage.tasks = TaskCounts {
            total: stage.tasks.total,
            ..self.counts()
        };
        stage.task_time = self.task_time();
        stage.shuffle_write_records = self.shuffle_write_records.load(Ordering::Relaxed);
        stage.shuffle_read_records = self.shuffle_read_records.load(Ordering::Relaxed);
        let first = self.first_launch_ms.load(Ordering::Relaxed);
        stage.first_task_launched = (first > 0).then(|| UNIX_EPOCH + Duration::from_millis(first));
        stage
    }
}

/// The application a context is: what Spark's `/applications` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// `local-<start in ms>`, as Spark names a local application.
    pub id: String,
    /// The application's name.
    pub name: String,
    /// The master URL.
    pub master: String,
    /// When the context started.
    pub start: SystemTime,
    /// The user running it (`$USER`, else `ember`).
    pub user: String,
    /// Worker threads: the cores of Spark's one `driver` executor.
    pub cores: usize,
    /// Attempts a task gets.
    pub max_task_failures: u32,
}

/// One job, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    /// Its id.
    pub id: u64,
    /// The action that started it (`collect`, `reduce`...).
    pub action: &'static str,
    /// Its job group, if any.
    pub group: Option<String>,
    /// Its description, if any.
    pub description: Option<String>,
    /// When it started.
    pub submitted: SystemTime,
    /// When it ended.
    pub completed: Option<SystemTime>,
    /// Where it is.
    pub state: JobState,
    /// Why it failed.
    pub error: Option<String>,
    /// Its stages so far, in the order they ran.
    pub stage_ids: Vec<u64>,
    /// Its tasks.
    pub tasks: TaskCounts,
    /// Stages running now.
    pub active_stages: usize,
    /// Stages that succeeded.
    pub completed_stages: usize,
    /// Stages that failed.
    pub failed_stages: usize,
}

/// One stage (Ember runs each stage once: it is Spark's attempt 0), as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageStatus {
    /// Its id.
    pub id: u64,
    /// The job that ran it.
    pub job_id: u64,
    /// What it computes.
    pub kind: StageKind,
    /// The operation whose output it computes (see [`Event::StageStart`]).
    pub name: &'static str,
    /// Where it is.
    pub state: StageState,
    /// When it started.
    pub submitted: SystemTime,
    /// When its first task attempt started.
    pub first_task_launched: Option<SystemTime>,
    /// When its last task ended.
    pub completed: Option<SystemTime>,
    /// Its tasks.
    pub tasks: TaskCounts,
    /// The attempts' wall time, summed (Spark's `executorRunTime`).
    pub task_time: Duration,
    /// The error of its last failed attempt.
    pub failure_reason: Option<String>,
    /// Records its successful tasks wrote to a shuffle.
    pub shuffle_write_records: u64,
    /// Records its successful tasks read from a shuffle.
    pub shuffle_read_records: u64,
}

/// The context's worker threads, which Spark reports as its one `driver` executor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecutorStatus {
    /// Worker threads.
    pub cores: usize,
    /// Every task attempt so far, by how it stands (`total` counts every attempt started).
    pub tasks: TaskCounts,
    /// The attempts' wall time, summed.
    pub task_time: Duration,
}

/// A persisted RDD and what of it is in memory (Spark's `/storage/rdd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRdd {
    /// The RDD's id.
    pub id: usize,
    /// The operation that made it.
    pub name: &'static str,
    /// Its partitions.
    pub num_partitions: usize,
    /// How many of them are cached now.
    pub cached_partitions: usize,
    /// The cached elements' size in memory, shallow: `len × size_of::<T>()`, not what they
    /// point to (a `String`'s bytes are not counted).
    pub memory_bytes: u64,
    /// Each cached partition's index and shallow size in bytes.
    pub partitions: Vec<(usize, u64)>,
}

/// What the storage page asks of a persisted RDD.
pub(crate) trait CacheReport: Send + Sync {
    fn report(&self) -> Option<CachedRdd>;
}

/// What a [`Context`](crate::Context) has done: its application, jobs, stages, executor and
/// cached RDDs, kept from the scheduler's [`Event`]s. Memory is bounded: beyond
/// [`ContextBuilder::retained_jobs`](crate::ContextBuilder::retained_jobs) (and stages), the
/// oldest finished ones are forgotten, as Spark's UI does. Read it with
/// [`Context::status`](crate::Context::status).
///
/// ```
/// let ctx = ember_rdd::Context::new("status", "local[2]")?;
/// ctx.parallelize(1..=10, 2)?.count()?;
/// let jobs = ctx.status().jobs();
/// assert_eq!(jobs.len(), 1);
/// assert_eq!(jobs[0].action, "count");
/// assert_eq!(jobs[0].tasks.completed, 2);
/// assert_eq!(ctx.status().executor().tasks.completed, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct AppStatus {
    application: Application,
    recording: bool,
    retained_jobs: usize,
    retained_stages: usize,
    state: Mutex<State>,
    cached: Mutex<Vec<Weak<dyn CacheReport>>>,
}

impl std::fmt::Debug for AppStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppStatus")
            .field("application", &self.application)
            .field("recording", &self.recording)
            .finish_non_exhaustive()
    }
}

/// Running jobs and stages sit in small vectors (a handful at most; their tasks count in each
/// stage's [`LiveStage`], never through this lock); finished ones move to maps by id, which the
/// retention bounds.
struct State {
    running_jobs: Vec<RunningJob>,
    jobs: BTreeMap<u64, JobStatus>,
    running_stages: Vec<RunningStage>,
    stages: BTreeMap<u64, StageStatus>,
    /// Counts of the finished stages' tasks (running stages' are in their [`LiveStage`]).
    executor: ExecutorStatus,
}

/// A running job and the live counts of every stage it has run.
struct RunningJob {
    status: JobStatus,
    stages: Vec<Arc<LiveStage>>,
}

impl RunningJob {
    /// The job with its stages' task counts so far.
    fn snapshot(&self) -> JobStatus {
        let mut job = self.status.clone();
        for stage in &self.stages {
            job.tasks.add(&stage.counts());
        }
        job
    }
}

/// A running stage and what its tasks count.
struct RunningStage {
    status: StageStatus,
    live: Arc<LiveStage>,
}

impl State {
    fn running_job(&mut self, id: u64) -> Option<&mut RunningJob> {
        self.running_jobs.iter_mut().find(|j| j.status.id == id)
    }

    fn running_stage(&mut self, id: u64) -> Option<&mut RunningStage> {
        self.running_stages.iter_mut().find(|s| s.status.id == id)
    }
}

/// Running and finished entries together, newest (highest id) first.
fn newest_first<T: Clone>(
    running: impl Iterator<Item = T>,
    finished: &BTreeMap<u64, T>,
    id: impl Fn(&T) -> u64,
) -> Vec<T> {
    let mut all: Vec<T> = running.chain(finished.values().cloned()).collect();
    all.sort_unstable_by_key(|e| std::cmp::Reverse(id(e)));
    all
}

impl AppStatus {
    pub(crate) fn new(
        application: Application,
        recording: bool,
        retained_jobs: usize,
        retained_stages: usize,
    ) -> Self {
        let executor = ExecutorStatus {
            cores: application.cores,
            tasks: TaskCounts::default(),
            task_time: Duration::ZERO,
        };
        AppStatus {
            application,
            recording,
            retained_jobs,
            retained_stages,
            state: Mutex::new(State {
                running_jobs: Vec::new(),
                jobs: BTreeMap::new(),
                running_stages: Vec::new(),
                stages: BTreeMap::new(),
                executor,
            }),
            cached: Mutex::new(Vec::new()),
        }
    }

    /// The application.
    pub fn application(&self) -> &Application {
        &self.application
    }

    /// Whether jobs are recorded (see
    /// [`ContextBuilder::record_status`](crate::ContextBuilder::record_status)).
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// The jobs remembered, newest first (as Spark lists them).
    pub fn jobs(&self) -> Vec<JobStatus> {
        let state = lock(&self.state);
        let running = state.running_jobs.iter().map(RunningJob::snapshot);
        newest_first(running, &state.jobs, |j| j.id)
    }

    /// One job, if it is remembered.
    pub fn job(&self, id: u64) -> Option<JobStatus> {
        let mut state = lock(&self.state);
        match state.running_job(id) {
            Some(job) => Some(job.snapshot()),
            None => state.jobs.get(&id).cloned(),
        }
    }

    /// The stages remembered, newest first.
    pub fn stages(&self) -> Vec<StageStatus> {
        let state = lock(&self.state);
        let running = state
            .running_stages
            .iter()
            .map(|s| s.live.applied_to(&s.status));
        newest_first(running, &state.stages, |s| s.id)
    }

    /// One stage, if it is remembered.
    pub fn stage(&self, id: u64) -> Option<StageStatus> {
        let mut state = lock(&self.state);
        match state.running_stage(id) {
            Some(stage) => Some(stage.live.applied_to(&stage.status)),
            None => state.stages.get(&id).cloned(),
        }
    }

    /// The worker threads' task counts.
    pub fn executor(&self) -> ExecutorStatus {
        let state = lock(&self.state);
        let mut executor = state.executor;
        for stage in &state.running_stages {
            executor.tasks.add(&stage.live.counts());
            executor.task_time += stage.live.task_time();
        }
        executor
    }

    /// The live counts of running stage `id`, which its tasks update without the lock; `None`
    /// when the context does not record.
    pub(crate) fn live_stage(&self, id: u64) -> Option<Arc<LiveStage>> {
        if !self.recording {
            return None;
        }
        lock(&self.state)
            .running_stage(id)
            .map(|s| Arc::clone(&s.live))
    }

    /// The persisted RDDs still alive, by id, with what of them is cached now.
    pub fn cached_rdds(&self) -> Vec<CachedRdd> {
        // The RDDs are reported with the list's lock released: reporting locks each RDD's
        // storage, and an RDD whose last handle goes away here must not drop under the lock.
        let live: Vec<_> = {
            let mut cached = lock(&self.cached);
            cached.retain(|w| w.strong_count() > 0);
            cached.iter().filter_map(Weak::upgrade).collect()
        };
        let mut rdds: Vec<CachedRdd> = live.iter().filter_map(|r| r.report()).collect();
        rdds.sort_by_key(|r| r.id);
        rdds
    }

    /// Remembers a newly persisted RDD for [`cached_rdds`](Self::cached_rdds); dead entries are
    /// dropped first, so the list is as long as the persisted RDDs alive.
    pub(crate) fn register_cached(&self, rdd: Weak<dyn CacheReport>) {
        let mut cached = lock(&self.cached);
        cached.retain(|w| w.strong_count() > 0);
        if !cached.iter().any(|w| w.ptr_eq(&rdd)) {
            cached.push(rdd);
        }
    }

    /// Applies one scheduler event.
    pub(crate) fn record(&self, event: &Event) {
        if !self.recording {
            return;
        }
        // Task attempts count in their stage's `LiveStage` (the scheduler updates it): only a
        // failure's reason needs the lock.
        match event {
            Event::TaskStart { .. } => return,
            Event::TaskEnd {
                succeeded: false,
                killed: false,
                ..
            } => {}
            Event::TaskEnd { .. } => return,
            _ => {}
        }
        // Read only by the events that need it.
        let now = SystemTime::now;
        let mut state = lock(&self.state);
        let state = &mut *state;
        match event {
            Event::JobStart {
                job_id,
                action,
                group,
                description,
            } => {
                state.running_jobs.push(RunningJob {
                    stages: Vec::new(),
                    status: JobStatus {
                        id: *job_id,
                        action,
                        group: group.clone(),
                        description: description.clone(),
                        submitted: now(),
                        completed: None,
                        state: JobState::Running,
                        error: None,
                        stage_ids: Vec::new(),
                        tasks: TaskCounts::default(),
                        active_stages: 0,
                        completed_stages: 0,
                        failed_stages: 0,
                    },
                });
                evict(
                    &mut state.jobs,
                    state.running_jobs.len(),
                    self.retained_jobs,
                );
            }
            Event::StageStart {
                job_id,
                stage_id,
                kind,
                name,
                num_tasks,
            } => {
                let live = Arc::new(LiveStage::default());
                if let Some(job) = state.running_job(*job_id) {
                    job.status.stage_ids.push(*stage_id);
                    job.status.tasks.total += num_tasks;
                    job.status.active_stages += 1;
                    job.stages.push(Arc::clone(&live));
                }
                state.executor.tasks.total += num_tasks;
                state.running_stages.push(RunningStage {
                    live,
                    status: StageStatus {
                        id: *stage_id,
                        job_id: *job_id,
                        kind: *kind,
                        name,
                        state: StageState::Active,
                        submitted: now(),
                        first_task_launched: None,
                        completed: None,
                        tasks: TaskCounts {
                            total: *num_tasks,
                            ..TaskCounts::default()
                        },
                        task_time: Duration::ZERO,
                        failure_reason: None,
                        shuffle_write_records: 0,
                        shuffle_read_records: 0,
                    },
                });
                evict(
                    &mut state.stages,
                    state.running_stages.len(),
                    self.retained_stages,
                );
            }
            Event::TaskStart { .. } => {}
            Event::TaskEnd {
                stage_id, error, ..
            } => {
                if let Some(stage) = state.running_stage(*stage_id) {
                    stage.status.failure_reason.clone_from(error);
                }
            }
            Event::StageEnd {
                job_id,
                stage_id,
                succeeded,
            } => {
                if let Some(i) = state
                    .running_stages
                    .iter()
                    .position(|s| s.status.id == *stage_id)
                {
                    let running = state.running_stages.swap_remove(i);
                    let mut stage = running.live.applied_to(&running.status);
                    // Its tasks' counts move from the live stage to the executor's totals.
                    state.executor.tasks.add(&running.live.counts());
                    state.executor.task_time += running.live.task_time();
                    stage.state = if *succeeded {
                        StageState::Complete
                    } else {
                        StageState::Failed
                    };
                    stage.completed = Some(now());
                    state.stages.insert(stage.id, stage);
                    evict(
                        &mut state.stages,
                        state.running_stages.len(),
                        self.retained_stages,
                    );
                }
                if let Some(job) = state.running_job(*job_id) {
                    let job = &mut job.status;
                    job.active_stages = job.active_stages.saturating_sub(1);
                    if *succeeded {
                        job.completed_stages += 1;
                    } else {
                        job.failed_stages += 1;
                    }
                }
            }
            Event::JobEnd {
                job_id, outcome, ..
            } => {
                if let Some(i) = state
                    .running_jobs
                    .iter()
                    .position(|j| j.status.id == *job_id)
                {
                    let mut job = state.running_jobs.swap_remove(i).snapshot();
                    job.completed = Some(now());
                    (job.state, job.error) = match outcome {
                        JobOutcome::Succeeded => (JobState::Succeeded, None),
                        JobOutcome::Failed(message) => (JobState::Failed, Some(message.clone())),
                        JobOutcome::Cancelled => (JobState::Cancelled, None),
                    };
                    state.jobs.insert(job.id, job);
                    evict(
                        &mut state.jobs,
                        state.running_jobs.len(),
                        self.retained_jobs,
                    );
                }
            }
        }
    }
}

/// Forgets the oldest finished entries (`finished` holds only those) until, with the `running`
/// ones, at most `keep` remain; running ones are never forgotten.
fn evict<V>(finished: &mut BTreeMap<u64, V>, running: usize, keep: usize) {
    while finished.len() + running > keep && finished.pop_first().is_some() {}
}
