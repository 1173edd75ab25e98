//! Ember's own jobs as pyspark statements, for any Livy server: the way out of one machine.
//!
//! [`SparkPi`] runs the SparkPi tutorial app's SparkPi in a pyspark session: `scale` partitions over
//! `100000 * scale` samples, as an RDD job on whatever cluster the session's Spark runs on.
//! Unlike the Python Livy utility's code (whose `random()` draws the same stream in every partition on some
//! setups), every partition draws from its own stream, seeded from `(seed, partition index)`
//! when a seed is given, so a seeded estimate is reproducible and partitions never repeat each
//! other. [`PiOnLivy`] keeps one session open for a service, recreating it if it dies.

use std::future::Future;

use tokio::sync::Mutex;

use crate::client::LivyClient;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::protocol::{CreateSession, SessionKind};
use crate::session::LivySession;

/// Samples per unit of scale, as the Python Livy utility's `n = 100000 * scale`.
pub const SAMPLES_PER_SCALE: u64 = 100_000;

/// The Python functions [`SparkPi`] defines in the session: `_ember_pi_counts` (one count per
/// partition) and `_ember_spark_pi` (the estimate).
pub const SPARK_PI_FUNCTION: &str = r#"
def _ember_pi_counts(scale, seed=None, per_scale=100000):
    """Inside-the-circle counts, one per partition."""
    import random
    n = per_scale * scale
    def inside(index, rows):
        # One stream per partition: seeded from (seed, index), or from the OS when unseeded.
        if seed is None:
            rng = random.Random()
        else:
            rng = random.Random("ember-pi:%d:%d" % (seed, index))
        count = 0
        for _ in rows:
            x, y = rng.random(), rng.random()
            if x * x + y * y <= 1.0:
                count += 1
        yield count
    return sc.parallelize(range(1, n + 1), scale).mapPartitionsWithIndex(inside).collect()

def _ember_spark_pi(scale, seed=None, per_scale=100000):
    return 4.0 * sum(_ember_pi_counts(scale, seed, per_scale)) / (per_scale * scale)
"#;

/// SparkPi in one pyspark session.
#[derive(Debug, Clone)]
pub struct SparkPi {
    session: LivySession,
}

impl SparkPi {
    /// Defines the job's function in `session` (a pyspark session, or a shared one).
    pub async fn new(session: LivySession) -> Result<SparkPi> {
        session.run_python(SPARK_PI_FUNCTION).await?;
        Ok(SparkPi { session })
    }

    /// The session it runs in.
    pub fn session(&self) -> &LivySession {
        &self.session
    }

    /// Estimates pi from `SAMPLES_PER_SCALE * scale` samples over `scale` partitions.
    pub async fn estimate(&self, scale: u64, seed: Option<u64>) -> Result<f64> {
        self.estimate_until(scale, seed, std::future::pending())
            .await
    }

    /// [`estimate`](Self::estimate), cancelled (the statement too) when `cancel` resolves first:
    /// then [`Error::Cancelled`].
    pub async fn estimate_until(
        &self,
        scale: u64,
        seed: Option<u64>,
        cancel: impl Future<Output = ()>,
    ) -> Result<f64> {
        let code = pi_statement(scale, seed)?;
        let statement = self.session.submit(&code).await?;
        let output = tokio::select! {
            out = self.session.wait(statement.id) => out?,
            () = cancel => {
                // Best effort: the statement stops when the server gets this.
                let _ = self.session.cancel(statement.id).await;
                return Err(Error::Cancelled {
                    session: self.session.id(),
                    statement: statement.id,
                });
            }
        };
        pi_from_output(&output)
    }
}

/// The pyspark statement that estimates pi from `SAMPLES_PER_SCALE * scale` samples over `scale`
/// partitions, once [`SPARK_PI_FUNCTION`] is defined; its output is `%json` of the estimate
/// ([`pi_from_output`] reads it). For a driver of one's own as much as for a Livy session.
///
/// Errors: [`Error::InvalidArgument`] for a `scale` of 0.
pub fn pi_statement(scale: u64, seed: Option<u64>) -> Result<String> {
    if scale == 0 {
        return Err(Error::InvalidArgument("scale must be at least 1".into()));
    }
    let seed = seed.map_or_else(|| "None".to_owned(), |s| s.to_string());
    Ok(format!(
        "_ember_pi_result = _ember_spark_pi({scale}, {seed}, {SAMPLES_PER_SCALE})\n%json _ember_pi_result"
    ))
}

/// The estimate in the output of [`pi_statement`] (its JSON number, or the number as text).
///
/// Errors: [`Error::Decode`] for any other output.
pub fn pi_from_output(output: &Output) -> Result<f64> {
    match output {
        Output::Json(v) => v
            .as_f64()
            .ok_or_else(|| Error::decode("the pi estimate", format!("not a number: {v}"))),
        Output::Text(t) => t
            .trim()
            .parse()
            .map_err(|e| Error::decode("the pi estimate", format!("{t:?}: {e}"))),
        other => Err(Error::decode(
            "the pi estimate",
            format!("unexpected output {other:?}"),
        )),
    }
}

/// SparkPi on a Livy server through one long-lived pyspark session, created on first use and
/// recreated when it dies (or is deleted): what `ember serve --master livy://…` runs jobs on.
#[derive(Debug)]
pub struct PiOnLivy {
    client: LivyClient,
    request: CreateSession,
    current: Mutex<Option<SparkPi>>,
}

impl PiOnLivy {
    /// Jobs on `client`'s server, in sessions created with `request` (its kind is set to
    /// pyspark).
    pub fn new(client: LivyClient, mut request: CreateSession) -> PiOnLivy {
        request.kind = Some(SessionKind::PySpark);
        PiOnLivy {
            client,
            request,
            current: Mutex::new(None),
        }
    }

    async fn job(&self) -> Result<SparkPi> {
        let mut current = self.current.lock().await;
        if let Some(job) = current.as_ref() {
            return Ok(job.clone());
        }
        let session = self.client.start_session(&self.request).await?;
        let job = SparkPi::new(session).await?;
        *current = Some(job.clone());
        Ok(job)
    }

    /// Estimates pi (see [`SparkPi::estimate_until`]); a session found dead is replaced and
    /// the job retried once in the new one.
    pub async fn estimate_until(
        &self,
        scale: u64,
        seed: Option<u64>,
        cancel: impl Future<Output = ()>,
    ) -> Result<f64> {
        tokio::pin!(cancel);
        let mut retried = false;
        loop {
            let job = self.job().await?;
            match job.estimate_until(scale, seed, &mut cancel).await {
                Err(e) if !retried && session_is_gone(&e) => {
                    tracing::warn!(session = job.session().id(), error = %e,
                        "the pyspark session for pi jobs is gone; starting a new one");
                    let mut current = self.current.lock().await;
                    if current
                        .as_ref()
                        .is_some_and(|j| j.session().id() == job.session().id())
                    {
                        *current = None;
                    }
                    retried = true;
                }
                other => return other,
            }
        }
    }

    /// Deletes the session, if one is open.
    pub async fn close(&self) -> Result<()> {
        let job = self.current.lock().await.take();
        match job {
            Some(j) => j.session().delete().await,
            None => Ok(()),
        }
    }
}

fn session_is_gone(e: &Error) -> bool {
    matches!(e, Error::SessionEnded { .. }) || e.is_not_found()
}
