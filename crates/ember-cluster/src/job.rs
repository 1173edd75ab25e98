//! A cluster job's bound in time, and its cancel. Ballista's client polls a job's status until
//! the job ends, however long that takes, and leaves the job running on the cluster when the
//! query's stream is dropped (a shell's Ctrl-C, a server's statement timeout, a caller that took
//! the rows it wanted). The client's end of every cluster query ([`BoundedJob`]) asks the
//! scheduler to cancel the job whenever its stream ends before the job's rows did (in the
//! background), and at [`JOB_TIMEOUT_KEY`] cancels it and then fails with
//! [`ember_sql::Error::Timeout`], which says whether the cancel went through: a caller that
//! exits on the error leaves nothing running on the cluster.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use ballista_core::execution_plans::DistributedQueryExec;
use ballista_core::serde::protobuf::job_status::Status;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::protobuf::{CancelJobParams, GetJobStatusParams};
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::common::Result as DfResult;
use datafusion::execution::{RecordBatchStream, SendableRecordBatchStream};
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::protobuf::LogicalPlanNode;
use futures_util::{FutureExt, Stream, StreamExt};

/// The session configuration entry that bounds how long one query may run on a cluster, as
/// Spark writes times (`90s`, `10min`, `2h`). Past it the query fails with
/// [`ember_sql::Error::Timeout`] and its job is cancelled.
pub const JOB_TIMEOUT_KEY: &str = "ember.cluster.job_timeout";

/// The bound [`JOB_TIMEOUT_KEY`] has when it is not set: one hour.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(3600);

/// How long a cancel may take, from the request to the job's end, before it is given up (and
/// logged).
const CANCEL_BOUND: Duration = Duration::from_secs(60);

/// How often a cancel looks for the job's id, and reads a cancelled job's status until it has
/// ended.
const CANCEL_POLL: Duration = Duration::from_millis(100);

/// Where a session's jobs run and how long each may take.
#[derive(Debug, Clone)]
pub(crate) struct JobBound {
    /// The scheduler's gRPC URL (`http://host:port`).
    pub(crate) scheduler: String,
    /// [`JOB_TIMEOUT_KEY`].
    pub(crate) timeout: Duration,
}

/// A cluster query's stream that fails at its bound and cancels its job when it ends early.
pub(crate) struct BoundedJob {
    /// The query's stream; taken by the cancel.
    inner: Option<SendableRecordBatchStream>,
    schema: SchemaRef,
    /// The plan that submitted the job (it learns the job's id from the scheduler).
    plan: Arc<dyn ExecutionPlan>,
    bound: JobBound,
    deadline: Pin<Box<tokio::time::Sleep>>,
    /// Whether the stream was polled, so that the job was submitted.
    submitted: bool,
    /// Past the bound: the cancel under way, and what the stream then fails with.
    timed_out: Option<(Cancel, String)>,
}

/// A job's cancel: its id (if the client had learned it) once the job has ended, or why the
/// cancel failed.
type Cancel = Pin<Box<dyn Future<Output = Result<Option<String>, String>> + Send>>;

impl BoundedJob {
    pub(crate) fn new(
        inner: SendableRecordBatchStream,
        plan: Arc<dyn ExecutionPlan>,
        bound: JobBound,
    ) -> Self {
        BoundedJob {
            schema: inner.schema(),
            inner: Some(inner),
            plan,
            deadline: Box::pin(tokio::time::sleep(bound.timeout)),
            bound,
            submitted: false,
            timed_out: None,
        }
    }

    /// Stops reading the job; the cancel of its job (bounded by [`CANCEL_BOUND`]), or `None` if
    /// there is nothing to cancel (its rows all came, or it was never submitted). The client
    /// learns the job's id when the scheduler answers the submission: a stream dropped while
    /// the submission is on its way is read on (what it yields dropped) until the id comes.
    fn cancelling(&mut self) -> Option<Cancel> {
        let inner = self.inner.take()?;
        if !self.submitted {
            return None;
        }
        let (plan, scheduler) = (Arc::clone(&self.plan), self.bound.scheduler.clone());
        Some(Box::pin(async move {
            let work = async {
                let Some(job) = learn_job_id(&plan, inner).await else {
                    return Ok(None);
                };
                cancel_job(scheduler, job.clone()).await.map(|()| Some(job))
            };
            tokio::time::timeout(CANCEL_BOUND, work)
                .await
                .unwrap_or_else(|_| {
                    Err(format!(
                        "the job had not ended {CANCEL_BOUND:?} after the cancel"
                    ))
                })
        }))
    }
}

/// The id of the job `plan` submitted, reading `inner` (the job's stream) until the client
/// learns it; `None` if the job ends first.
async fn learn_job_id(
    plan: &Arc<dyn ExecutionPlan>,
    mut inner: SendableRecordBatchStream,
) -> Option<String> {
    loop {
        if let Some(job) = job_id(plan) {
            return Some(job);
        }
        tokio::select! {
            // The job ended before its id came (its rows or an error): nothing to cancel.
            item = inner.next() => {
                drop(item?);
            }
            () = tokio::time::sleep(CANCEL_POLL) => {}
        }
    }
}

/// Cancels `job` on the scheduler at `scheduler` and waits until it has ended. Ballista 55's
/// scheduler ignores a cancel that comes while it still plans the job (a plan with large
/// literals can take seconds), and runs the job once planned: so the job's status is watched,
/// and the cancel sent again when the job runs.
async fn cancel_job(scheduler: String, job: String) -> Result<(), String> {
    let mut client = SchedulerGrpcClient::connect(scheduler)
        .await
        .map_err(|e| e.to_string())?;
    let mut cancel = true;
    loop {
        if cancel {
            client
                .cancel_job(CancelJobParams {
                    job_id: job.clone(),
                })
                .await
                .map_err(|e| e.to_string())?;
        }
        let status = client
            .get_job_status(GetJobStatusParams {
                job_id: job.clone(),
            })
            .await
            .map_err(|e| e.to_string())?
            .into_inner()
            .status
            .and_then(|s| s.status);
        match status {
            Some(Status::Failed(_) | Status::Successful(_)) => return Ok(()),
            // Still planned: wait for it to run, then cancel again.
            None | Some(Status::Queued(_)) => cancel = false,
            Some(Status::Running(_)) => cancel = true,
        }
        tokio::time::sleep(CANCEL_POLL).await;
    }
}

/// The id of the job `plan` (or a node under it) submitted, once the scheduler gave one.
fn job_id(plan: &Arc<dyn ExecutionPlan>) -> Option<String> {
    if let Some(exec) = plan.downcast_ref::<DistributedQueryExec<LogicalPlanNode>>() {
        return exec.job_id().map(String::from);
    }
    plan.children().into_iter().find_map(job_id)
}

impl Stream for BoundedJob {
    type Item = DfResult<RecordBatch>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Past the bound, the stream fails once the job's cancel has gone through.
        if let Some((cancel, _)) = self.timed_out.as_mut() {
            let Poll::Ready(outcome) = cancel.as_mut().poll(cx) else {
                return Poll::Pending;
            };
            let after = self.bound.timeout;
            let what = self
                .timed_out
                .take()
                .map(|(_, what)| what)
                .unwrap_or_default();
            let what = match outcome {
                Ok(Some(job)) => format!("{what}: the job {job} was cancelled"),
                Ok(None) => format!("{what}: the job ended before its cancel"),
                Err(e) => format!("{what}: cancelling the job failed ({e})"),
            };
            return Poll::Ready(Some(Err(
                ember_sql::Error::Timeout { what, after }.into_datafusion()
            )));
        }
        if self.inner.is_none() {
            return Poll::Ready(None);
        }
        if self.deadline.poll_unpin(cx).is_ready() {
            let cancel = self
                .cancelling()
                .unwrap_or_else(|| Box::pin(std::future::ready(Ok(None))));
            let what = format!("the cluster job to finish ({JOB_TIMEOUT_KEY})");
            self.timed_out = Some((cancel, what));
            return self.poll_next(cx);
        }
        self.submitted = true;
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let next = inner.poll_next_unpin(cx);
        // Rows that all came, or an error (the job failed, or the scheduler cannot be reached):
        // nothing is left to cancel.
        if let Poll::Ready(None | Some(Err(_))) = next {
            self.inner = None;
        }
        next
    }
}

impl RecordBatchStream for BoundedJob {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}

impl Drop for BoundedJob {
    fn drop(&mut self) {
        let cancel = match self.timed_out.take() {
            Some((cancel, _)) => Some(cancel),
            None => self.cancelling(),
        };
        let Some(cancel) = cancel else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    match cancel.await {
                        Ok(Some(job)) => tracing::debug!("cancelled the cluster job {job}"),
                        Ok(None) => tracing::debug!("a cluster job ended before its cancel"),
                        Err(e) => tracing::warn!("cancelling a cluster job: {e}"),
                    }
                });
            }
            Err(_) => tracing::warn!("a cluster job was left running: no runtime to cancel it"),
        }
    }
}
