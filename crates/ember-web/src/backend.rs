//! Where `/sparkpi` jobs run: Ember's engine in this process ([`LocalPi`], the default), or
//! anything else that implements [`PiBackend`] (the `ember` facade runs them on a Spark cluster
//! through Livy).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use ember_rdd::{CancelToken, Context};

use crate::error::{Error, Result};
use crate::sparkpi::estimate_pi;

/// A pi job in flight.
pub type PiFuture = Pin<Box<dyn Future<Output = Result<f64>> + Send>>;

/// Runs SparkPi jobs for the service.
pub trait PiBackend: Send + Sync + fmt::Debug {
    /// Starts a job: [`SAMPLES_PER_SCALE`](crate::sparkpi::SAMPLES_PER_SCALE)` * scale` samples
    /// over `scale` partitions, seeded when `seed` is given. When `cancel` is cancelled (the
    /// client left, the deadline passed, the server stops) the job must stop soon and end with
    /// [`Error::Cancelled`]; any other failure is [`Error::Rdd`] or [`Error::Backend`]. The
    /// service may drop the future before then, so the work must not
    /// depend on it being polled to stop.
    fn estimate(&self, scale: u64, seed: Option<u64>, cancel: CancelToken) -> PiFuture;

    /// Cancels every running job; returns how many were running.
    fn cancel_all(&self) -> usize;

    /// Where the jobs run, for logs (`local[2]`, `livy://host:8998`).
    fn describe(&self) -> String;
}

/// Jobs on an `ember-rdd` [`Context`] in this process, on its worker pool (never on the HTTP
/// workers: the request waits on a blocking-pool thread).
#[derive(Debug, Clone)]
pub struct LocalPi {
    ctx: Context,
}

impl LocalPi {
    /// Jobs on `ctx`.
    pub fn new(ctx: Context) -> Self {
        LocalPi { ctx }
    }

    /// The context jobs run on.
    pub fn context(&self) -> &Context {
        &self.ctx
    }
}

impl PiBackend for LocalPi {
    fn estimate(&self, scale: u64, seed: Option<u64>, cancel: CancelToken) -> PiFuture {
        let ctx = self.ctx.clone();
        let job = tokio::task::spawn_blocking(move || {
            // The request names the job on the monitoring UI.
            let description = format!("/sparkpi?scale={scale}");
            ctx.with_cancel_token(&cancel, || {
                ctx.with_job_description(description, || estimate_pi(&ctx, scale, seed))
            })
        });
        Box::pin(async move {
            match job.await {
                Ok(Ok(pi)) => Ok(pi),
                Ok(Err(ember_rdd::Error::Cancelled { .. })) => Err(Error::Cancelled),
                Ok(Err(e)) => Err(Error::Rdd(e)),
                Err(join) => Err(Error::backend(join)),
            }
        })
    }

    fn cancel_all(&self) -> usize {
        self.ctx.cancel_all_jobs()
    }

    fn describe(&self) -> String {
        self.ctx.master().to_owned()
    }
}
