//! The SparkPi routes, their admission control, and the request log.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{HttpServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpRequest, HttpResponse, web};
use ember_rdd::{CancelToken, Context};
use ember_serve::text;
use tokio::sync::Semaphore;

use crate::backend::{LocalPi, PiBackend};
use crate::conn::ConnWatch;
use crate::error::{Error, Result};
use crate::metrics::{Metrics, RequestLabels};
use crate::sparkpi::{SAMPLES_PER_SCALE, python_float};

/// The body of `GET /`, byte for byte the SparkPi tutorial app's (probes and scripts look for it).
pub const INDEX_BODY: &str =
    "Python Flask SparkPi server running. Add the 'sparkpi' route to this URL to invoke the app.";

/// The scale `/sparkpi` uses when none is given, as the SparkPi tutorial app does.
pub const DEFAULT_SCALE: u64 = 2;

/// The default largest scale accepted (10^9 samples).
pub const DEFAULT_MAX_SCALE: u64 = 10_000;

/// The largest `max_scale` a service accepts: 10^5 partitions, 10^10 samples. Every job keeps a
/// few vectors with one entry per partition; this keeps one request's bookkeeping to a few MB.
pub const MAX_SCALE_LIMIT: u64 = 100_000;

/// The longest `job_timeout` a service accepts (ten years): deadlines are computed as
/// `now + job_timeout`, which must not overflow.
pub const MAX_JOB_TIMEOUT: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// The most pi jobs a service runs at once.
pub const MAX_RUNNING_JOBS_LIMIT: usize = 4096;

/// The most pi jobs a service lets wait for a slot: each waiting job holds a request and its
/// connection, so a million is far past what a machine serves, and far from overflowing the
/// count of jobs in flight.
pub const MAX_QUEUED_JOBS_LIMIT: usize = 1_000_000;

/// Limits of the SparkPi service.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The largest `scale` accepted; larger ones get 400 (`EMBER_MAX_SCALE`, default 10 000, at
    /// most [`MAX_SCALE_LIMIT`]).
    pub max_scale: u64,
    /// How many pi jobs run at once (at most [`MAX_RUNNING_JOBS_LIMIT`]).
    pub max_running_jobs: usize,
    /// How many more may wait for a slot; past that, 503 with `Retry-After` (at most
    /// [`MAX_QUEUED_JOBS_LIMIT`]).
    pub max_queued_jobs: usize,
    /// How long a job may take, queueing included, before it is cancelled (503); at most
    /// [`MAX_JOB_TIMEOUT`].
    pub job_timeout: Duration,
    /// The `Retry-After` sent with a 503.
    pub retry_after: Duration,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            max_scale: DEFAULT_MAX_SCALE,
            max_running_jobs: 4,
            max_queued_jobs: 64,
            job_timeout: Duration::from_secs(120),
            retry_after: Duration::from_secs(1),
        }
    }
}

/// The SparkPi service: the SparkPi tutorial app's routes plus `/healthz` and `/metrics`, over an `ember-rdd`
/// [`Context`]. Cheap to clone; clones share the limits and the metrics.
#[derive(Clone, Debug)]
pub struct SparkPiService {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    backend: Arc<dyn PiBackend>,
    /// The context, when jobs run in this process.
    ctx: Option<Context>,
    config: ServiceConfig,
    metrics: Metrics,
    running: Semaphore,
    admitted: AtomicUsize,
}

impl SparkPiService {
    /// A service running its jobs on `ctx`. Refuses ([`Error::Config`]) limits of zero, a
    /// `max_scale` above [`MAX_SCALE_LIMIT`], a `job_timeout` above [`MAX_JOB_TIMEOUT`], and
    /// job counts above [`MAX_RUNNING_JOBS_LIMIT`] and [`MAX_QUEUED_JOBS_LIMIT`].
    pub fn new(ctx: Context, config: ServiceConfig) -> Result<Self> {
        let backend = Arc::new(LocalPi::new(ctx.clone()));
        Self::build(backend, Some(ctx), config)
    }

    /// A service running its jobs on `backend` (a Spark cluster through Livy, say), with the
    /// same routes, strings, limits, deadlines and metrics as local jobs.
    pub fn with_backend(backend: Arc<dyn PiBackend>, config: ServiceConfig) -> Result<Self> {
        Self::build(backend, None, config)
    }

    fn build(
        backend: Arc<dyn PiBackend>,
        ctx: Option<Context>,
        config: ServiceConfig,
    ) -> Result<Self> {
        let positive = |name, v: u64| {
            if v == 0 {
                Err(Error::Config {
                    name,
                    reason: "must be at least 1".into(),
                })
            } else {
                Ok(())
            }
        };
        positive("max_scale", config.max_scale)?;
        positive("max_running_jobs", config.max_running_jobs as u64)?;
        positive("job_timeout", config.job_timeout.as_millis() as u64)?;
        if config.max_scale > MAX_SCALE_LIMIT {
            return Err(Error::Config {
                name: "max_scale",
                reason: format!(
                    "{} is above {MAX_SCALE_LIMIT} (10^10 samples); a job keeps per-partition \
                     state, so larger scales would let one request exhaust memory",
                    config.max_scale
                ),
            });
        }
        let at_most = |name, v: usize, limit: usize| {
            if v > limit {
                Err(Error::Config {
                    name,
                    reason: format!("{v} is above the limit of {limit}"),
                })
            } else {
                Ok(())
            }
        };
        at_most(
            "max_running_jobs",
            config.max_running_jobs,
            MAX_RUNNING_JOBS_LIMIT,
        )?;
        at_most(
            "max_queued_jobs",
            config.max_queued_jobs,
            MAX_QUEUED_JOBS_LIMIT,
        )?;
        if config.job_timeout > MAX_JOB_TIMEOUT {
            return Err(Error::Config {
                name: "job_timeout",
                reason: format!(
                    "{:?} is above the limit of {} s (ten years)",
                    config.job_timeout,
                    MAX_JOB_TIMEOUT.as_secs()
                ),
            });
        }
        Ok(SparkPiService {
            inner: Arc::new(Inner {
                running: Semaphore::new(config.max_running_jobs),
                admitted: AtomicUsize::new(0),
                metrics: Metrics::new(),
                backend,
                ctx,
                config,
            }),
        })
    }

    /// The context jobs run on, when they run in this process.
    pub fn context(&self) -> Option<&Context> {
        self.inner.ctx.as_ref()
    }

    /// What runs the jobs.
    pub fn backend(&self) -> &Arc<dyn PiBackend> {
        &self.inner.backend
    }

    /// The limits.
    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// Cancels every running pi job (they answer 503).
    pub fn cancel_all_jobs(&self) -> usize {
        self.inner.backend.cancel_all()
    }

    /// The routes, mounted under `path` (`""` for the root), with the request log and metrics.
    /// Embed them in any actix `App` with `App::new().service(service.scope("/pi"))`.
    pub fn scope(&self, path: &str) -> impl HttpServiceFactory + use<> {
        let observer = self.clone();
        web::scope(path)
            .app_data(web::Data::new(self.clone()))
            .wrap(from_fn(move |req, next| {
                observe(observer.clone(), req, next)
            }))
            .service(get_resource("/", index))
            .service(get_resource("/sparkpi", sparkpi))
            .service(get_resource("/healthz", healthz))
            .service(get_resource("/metrics", metrics))
            .default_service(ember_serve::not_found(
                "the routes are /, /sparkpi?scale=N, /healthz and /metrics",
            ))
    }
}

/// A resource answering GET and HEAD with `handler`, and other methods with 405.
fn get_resource<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(ember_serve::get().to(handler))
        .default_service(ember_serve::method_not_allowed("GET, HEAD"))
}

async fn index() -> HttpResponse {
    text(StatusCode::OK, INDEX_BODY)
}

async fn healthz() -> HttpResponse {
    text(StatusCode::OK, "ok")
}

async fn metrics(svc: web::Data<SparkPiService>) -> HttpResponse {
    match svc.inner.metrics.render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
            .body(body),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "cannot encode metrics"),
    }
}

/// The query of `/sparkpi`, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiQuery {
    /// Partitions; `100000 * scale` samples.
    pub scale: u64,
    /// Seed for a reproducible answer.
    pub seed: Option<u64>,
}

impl PiQuery {
    /// Parses `scale` (default 2, from 1 to `max_scale`) and the optional `seed`. Other
    /// parameters are ignored, as Flask does; a repeated `scale` or `seed` is refused. Errors
    /// ([`Error::RepeatedParameter`], [`Error::NotAPositiveInteger`], [`Error::TooLarge`],
    /// [`Error::ScaleOutOfRange`]) display as the one-line reason of a 400.
    pub fn parse(query: &str, max_scale: u64) -> Result<Self> {
        let mut scale = None;
        let mut seed = None;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "scale" => &mut scale,
                "seed" => &mut seed,
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(Error::RepeatedParameter {
                    name: key.into_owned(),
                });
            }
        }
        let scale = match scale {
            None => DEFAULT_SCALE,
            Some(v) => parse_u64("scale", &v)?,
        };
        // The default goes through the same check: a service limited below it refuses it too.
        if scale == 0 || scale > max_scale {
            return Err(Error::ScaleOutOfRange { scale, max_scale });
        }
        let seed = seed.map(|v| parse_u64("seed", &v)).transpose()?;
        Ok(PiQuery { scale, seed })
    }
}

fn parse_u64(name: &'static str, v: &str) -> Result<u64> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::NotAPositiveInteger {
            name,
            value: v.to_owned(),
        });
    }
    v.parse::<u64>().map_err(|_| Error::TooLarge {
        name,
        value: v.to_owned(),
    })
}

async fn sparkpi(req: HttpRequest, svc: web::Data<SparkPiService>) -> HttpResponse {
    match PiQuery::parse(req.query_string(), svc.inner.config.max_scale) {
        Ok(q) => {
            let watch = req.conn_data::<ConnWatch>().cloned();
            svc.run(q, watch).await
        }
        Err(reason) => text(StatusCode::BAD_REQUEST, reason.to_string()),
    }
}

/// Holds an admission slot; frees it when the request ends, however it ends.
struct Admission<'a>(&'a Inner);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
        self.0.metrics.jobs_in_flight.dec();
    }
}

/// Cancels the job if the request is dropped before it finished: the client went away, or the
/// server's grace period ran out.
struct CancelOnDrop<'a> {
    inner: &'a Inner,
    token: CancelToken,
    finished: AtomicBool,
}

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        if !self.finished.load(Ordering::Acquire) {
            self.token.cancel();
            self.inner.metrics.job("abandoned");
        }
    }
}

impl SparkPiService {
    /// Runs one pi job under the admission limits. With a `watch`, a client that closes its
    /// connection cancels the job.
    async fn run(&self, q: PiQuery, watch: Option<ConnWatch>) -> HttpResponse {
        let inner = &*self.inner;
        let cfg = &inner.config;
        let started = Instant::now();
        let admitted = inner.admitted.fetch_add(1, Ordering::AcqRel) + 1;
        inner.metrics.jobs_in_flight.inc();
        let _slot = Admission(inner);
        // `new` bounds both, so this cannot overflow; saturate rather than wrap anyway.
        if admitted > cfg.max_running_jobs.saturating_add(cfg.max_queued_jobs) {
            inner.metrics.job("rejected");
            let mut busy = text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "too many pi jobs in flight ({} running, {} queued at most); retry later",
                    cfg.max_running_jobs, cfg.max_queued_jobs
                ),
            );
            busy.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(cfg.retry_after.as_secs().max(1)),
            );
            return busy;
        }
        // `new` bounds the timeout, so this cannot overflow; saturate rather than panic anyway.
        let deadline = started
            .checked_add(cfg.job_timeout)
            .unwrap_or(started + MAX_JOB_TIMEOUT);
        let timed_out = || {
            inner.metrics.job("timeout");
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the pi job did not finish within {} s; try a smaller scale",
                    cfg.job_timeout.as_secs_f64()
                ),
            )
        };
        let _permit = match tokio::time::timeout_at(deadline.into(), inner.running.acquire()).await
        {
            Ok(Ok(permit)) => permit,
            Ok(Err(_closed)) => return text(StatusCode::SERVICE_UNAVAILABLE, "shutting down"),
            Err(_) => return timed_out(),
        };
        let guard = CancelOnDrop {
            inner,
            token: CancelToken::new(),
            finished: AtomicBool::new(false),
        };
        let job = inner.backend.estimate(q.scale, q.seed, guard.token.clone());
        let client_gone = async {
            match &watch {
                Some(w) => w.closed().await,
                None => std::future::pending().await,
            }
        };
        let outcome = tokio::select! {
            outcome = tokio::time::timeout_at(deadline.into(), job) => outcome,
            () = client_gone => {
                // Dropping the guard unfinished cancels the job and counts it as abandoned.
                drop(guard);
                // Nobody reads this; 499 (nginx's "client closed request") keeps the
                // request metrics from counting it as bad input.
                let closed = StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST);
                return text(closed, "the client closed the connection");
            }
        };
        guard.finished.store(true, Ordering::Release);
        match outcome {
            Err(_) => {
                guard.token.cancel();
                timed_out()
            }
            Ok(Ok(pi)) => {
                inner.metrics.job("succeeded");
                inner.metrics.samples.inc_by(q.scale * SAMPLES_PER_SCALE);
                inner
                    .metrics
                    .job_seconds
                    .observe(started.elapsed().as_secs_f64());
                text(
                    StatusCode::OK,
                    format!("Pi is roughly {}", python_float(pi)),
                )
            }
            Ok(Err(Error::Cancelled)) => {
                inner.metrics.job("cancelled");
                text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the pi job was cancelled; the service is shutting down",
                )
            }
            Ok(Err(e)) => {
                inner.metrics.job("failed");
                tracing::error!(error = %e, "pi job failed");
                text(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the pi job failed: {e}"),
                )
            }
        }
    }
}

/// Logs one line per request and counts it by route pattern (not raw path, so the label set
/// stays small) and status.
async fn observe(
    svc: SparkPiService,
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> std::result::Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let res = next.call(req).await?;
    let status = res.status().as_u16();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    svc.inner
        .metrics
        .requests
        .get_or_create(&RequestLabels { route, status })
        .inc();
    tracing::info!(
        %method,
        %path,
        status,
        micros = start.elapsed().as_micros() as u64,
        "request"
    );
    Ok(res)
}
