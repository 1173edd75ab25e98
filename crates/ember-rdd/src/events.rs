//! Job, stage and task events, for progress bars and metrics.

use std::time::Duration;

/// What a stage computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageKind {
    /// Writes shuffle output for a wide transformation.
    ShuffleMap,
    /// Computes the action's result.
    Result,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobOutcome {
    /// Every task succeeded.
    Succeeded,
    /// A task failed for good; the message is the job's error.
    Failed(String),
    /// The job was cancelled.
    Cancelled,
}

/// An event from the scheduler. Listeners see them in the order they happen on one job;
/// events of concurrent jobs interleave.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// An action started a job.
    JobStart {
        /// The job's id, unique within its context.
        job_id: u64,
        /// The action that started it (e.g. `reduce`).
        action: &'static str,
        /// The job group it runs in ([`Context::with_job_group`](crate::Context::with_job_group)).
        group: Option<String>,
        /// Its description ([`Context::with_job_description`](crate::Context::with_job_description)).
        description: Option<String>,
    },
    /// A stage of a job is about to run its tasks.
    StageStart {
        /// The job.
        job_id: u64,
        /// The stage's id, unique within its context.
        stage_id: u64,
        /// What the stage computes.
        kind: StageKind,
        /// The operation whose output it computes: the action of a result stage (`reduce`), the
        /// shuffled RDD's of a shuffle map stage (`reduce_by_key`).
        name: &'static str,
        /// How many tasks it runs.
        num_tasks: usize,
    },
    /// A task attempt is about to run.
    TaskStart {
        /// The job.
        job_id: u64,
        /// The stage.
        stage_id: u64,
        /// The partition the task computes.
        partition: usize,
        /// The attempt number, from 0.
        attempt: u32,
    },
    /// A task attempt ended.
    TaskEnd {
        /// The job.
        job_id: u64,
        /// The stage.
        stage_id: u64,
        /// The partition the task computed.
        partition: usize,
        /// The attempt number, from 0.
        attempt: u32,
        /// Whether the attempt succeeded.
        succeeded: bool,
        /// Whether a cancel stopped it (then it did not fail on its own).
        killed: bool,
        /// Why it failed (a panic's message or the task's error); `None` when it succeeded.
        error: Option<String>,
        /// Wall time of the attempt.
        duration: Duration,
        /// Records it wrote to a shuffle (a map task's, after its map-side combine).
        shuffle_write_records: u64,
        /// Records it read from a shuffle (a task after one).
        shuffle_read_records: u64,
    },
    /// Every task of a stage has ended.
    StageEnd {
        /// The job.
        job_id: u64,
        /// The stage.
        stage_id: u64,
        /// Whether every task succeeded.
        succeeded: bool,
    },
    /// A job ended.
    JobEnd {
        /// The job.
        job_id: u64,
        /// How it ended.
        outcome: JobOutcome,
        /// Wall time from start to end.
        elapsed: Duration,
    },
}

/// Receives scheduler events. Called on worker threads: keep it quick and non-blocking.
pub trait Listener: Send + Sync {
    /// Called once per event.
    fn on_event(&self, event: &Event);
}

impl<F: Fn(&Event) + Send + Sync> Listener for F {
    fn on_event(&self, event: &Event) {
        self(event)
    }
}
