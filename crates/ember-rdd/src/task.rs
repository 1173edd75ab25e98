//! [`TaskContext`]: what a running task knows of its job, and the job's stop flags.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::cancel::CancelToken;
use crate::error::{Error, Result};

/// What a task sees of its job: which partition it computes, which attempt this is, and whether
/// it should stop early.
#[derive(Debug, Clone)]
pub struct TaskContext {
    pub(crate) job_id: u64,
    pub(crate) stage_id: u64,
    pub(crate) partition: usize,
    pub(crate) attempt: u32,
    pub(crate) control: JobControl,
    pub(crate) metrics: Arc<TaskMetrics>,
}

/// What one task attempt counted while it ran (the status record's shuffle figures).
#[derive(Debug, Default)]
pub(crate) struct TaskMetrics {
    shuffle_write_records: AtomicU64,
    shuffle_read_records: AtomicU64,
}

impl TaskMetrics {
    pub(crate) fn wrote_shuffle(&self, records: usize) {
        self.shuffle_write_records
            .fetch_add(records as u64, Ordering::Relaxed);
    }
    pub(crate) fn read_shuffle(&self, records: usize) {
        self.shuffle_read_records
            .fetch_add(records as u64, Ordering::Relaxed);
    }
    /// Records written to and read from shuffles.
    pub(crate) fn shuffle_records(&self) -> (u64, u64) {
        (
            self.shuffle_write_records.load(Ordering::Relaxed),
            self.shuffle_read_records.load(Ordering::Relaxed),
        )
    }
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
    /// The partition this task computes: a partition of the RDD the action (or the shuffle's
    /// map side) runs on. An RDD further up the lineage may compute another of its own
    /// partitions inside this task (`coalesce`, `union`, `cartesian`); transformations always
    /// see their own RDD's partition index, never this one.
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
pub(crate) struct JobControl {
    pub(crate) token: CancelToken,
    pub(crate) abort: Arc<AtomicBool>,
}

impl JobControl {
    pub(crate) fn new(token: CancelToken) -> Self {
        JobControl {
            token,
            abort: Arc::new(AtomicBool::new(false)),
        }
    }
    pub(crate) fn abort(&self) {
        self.abort.store(true, Ordering::Release);
    }
    fn should_stop(&self) -> bool {
        self.token.is_cancelled() || self.abort.load(Ordering::Acquire)
    }
}
