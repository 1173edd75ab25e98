//! The scheduler: a job walks the lineage, runs the map stage of every shuffle not yet written,
//! then one result task per partition; each task is retried after a panic.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

use crate::batch::Batches;
use crate::context::{ActiveJob, Context};
use crate::error::{Error, Result};
use crate::events::{Event, JobOutcome, StageKind};
use crate::lineage::{Dep, Lineage};
use crate::rdd::{Data, Rdd};
use crate::shared;
use crate::status::LiveStage;
use crate::sync::lock;
use crate::task::{JobControl, TaskContext};

struct Job {
    id: u64,
    control: JobControl,
}

impl Context {
    /// Runs a job: first every shuffle stage the RDD depends on that has not run yet, then one
    /// task per partition of `rdd` (or of `partitions`) that feeds its batches to `func`.
    /// Returns the results in partition order.
    pub(crate) fn run_job<T: Data, R: Send>(
        &self,
        rdd: &Rdd<T>,
        action: &'static str,
        partitions: Option<&[usize]>,
        func: impl Fn(&TaskContext, Batches<T>) -> Result<R> + Send + Sync,
    ) -> Result<Vec<R>> {
        let start = Instant::now();
        // Only this context's scope for this thread: another context's job group or cancel
        // token never reaches this job.
        let scope = self.scopes().current();
        let job = Job {
            id: self.next_job_id(),
            control: JobControl::new(scope.token.unwrap_or_default()),
        };
        self.register_job(
            job.id,
            ActiveJob {
                group: scope.group.clone(),
                token: job.control.token.clone(),
            },
        );
        self.emit(Event::JobStart {
            job_id: job.id,
            action,
            group: scope.group,
            description: scope.description,
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
                self.run_stage(&job, StageKind::Result, action, partitions, |tc| {
                    let batches = rdd.compute_partition(tc.partition_id(), tc)?;
                    func(tc, Batches::new(batches, tc.clone()))
                })
            });
        self.unregister_job(job.id);
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
                    self.run_stage(job, StageKind::ShuffleMap, stage.name(), &maps, |tc| {
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
        name: &'static str,
        partitions: &[usize],
        task: impl Fn(&TaskContext) -> Result<R> + Send + Sync,
    ) -> Result<Vec<R>> {
        let pool = self.pool()?;
        let stage_id = self.next_stage_id();
        self.emit(Event::StageStart {
            job_id: job.id,
            stage_id,
            kind,
            name,
            num_tasks: partitions.len(),
        });
        // The stage's live counts, which its tasks update without the status lock.
        let live = self.status().live_stage(stage_id);
        let live = live.as_deref();
        let results: Vec<Result<R>> = pool.install(|| {
            partitions
                .par_iter()
                .with_max_len(1)
                .map(|&p| {
                    let r = self.run_task(job, stage_id, p, live, &task);
                    if r.is_err() {
                        job.control.abort();
                    }
                    r
                })
                .collect()
        });
        self.emit(Event::StageEnd {
            job_id: job.id,
            stage_id,
            succeeded: results.iter().all(Result::is_ok),
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
        live: Option<&LiveStage>,
        task: &(impl Fn(&TaskContext) -> Result<R> + Sync),
    ) -> Result<R> {
        let max = self.max_task_failures();
        let mut message = String::new();
        for attempt in 0..max {
            let tc = TaskContext {
                job_id: job.id,
                stage_id,
                partition,
                attempt,
                control: job.control.clone(),
                metrics: Arc::default(),
            };
            tc.check()?;
            if let Some(live) = live {
                live.task_started();
            }
            self.emit(Event::TaskStart {
                job_id: job.id,
                stage_id,
                partition,
                attempt,
            });
            let started = Instant::now();
            let accums = shared::begin_task();
            let outcome = catch_unwind(AssertUnwindSafe(|| task(&tc)));
            let pending = shared::end_task(accums);
            let duration = started.elapsed();
            let (shuffle_write_records, shuffle_read_records) = tc.metrics.shuffle_records();
            let (error, killed) = match &outcome {
                Ok(Ok(_)) => (None, false),
                Ok(Err(e)) => (Some(e.to_string()), matches!(e, Error::Cancelled { .. })),
                Err(payload) => {
                    message = panic_message(payload.as_ref());
                    (Some(message.clone()), false)
                }
            };
            if let Some(live) = live {
                live.task_ended(
                    error.is_none(),
                    killed,
                    duration,
                    (shuffle_write_records, shuffle_read_records),
                );
            }
            self.emit(Event::TaskEnd {
                job_id: job.id,
                stage_id,
                partition,
                attempt,
                succeeded: error.is_none(),
                killed,
                error,
                duration,
                shuffle_write_records,
                shuffle_read_records,
            });
            match outcome {
                Ok(Ok(value)) => {
                    pending.commit();
                    return Ok(value);
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {}
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
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("boom {}", 1)).unwrap_err();
/// assert_eq!(ember_rdd::panic_message(payload.as_ref()), "boom 1");
/// ```
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panicked with a non-string payload".to_owned()
    }
}
