//! # ember-web: the SparkPi service on actix-web
//!
//! The Flask + PySpark SparkPi tutorial app, natively: `GET /` answers the SparkPi tutorial app's banner and
//! `GET /sparkpi?scale=N` estimates pi on the `ember-rdd` engine with `100000 * N` samples over
//! `N` partitions. Around it, what a production service needs: strict input checking (400 with a
//! one-line reason), a bound on concurrent jobs (503 with `Retry-After`), a per-job time limit,
//! cancellation when the client goes away, `/healthz`, Prometheus `/metrics`, one log line per
//! request, and graceful shutdown on SIGTERM/SIGINT.
//!
//! Pi jobs never run on the HTTP worker threads: each runs on the context's worker pool while the
//! request waits on a blocking-pool thread, so `/` keeps answering in microseconds during a
//! 10^9-sample job. Jobs can also run elsewhere: [`SparkPiService::with_backend`] takes any
//! [`PiBackend`] (the `ember` facade's runs them on a Spark cluster through Livy) and keeps the
//! same routes, strings, limits, deadlines and metrics.
//!
//! ```
//! use actix_web::{App, test};
//! use ember_rdd::Context;
//! use ember_web::{INDEX_BODY, ServiceConfig, SparkPiService};
//!
//! # actix_web::rt::System::new().block_on(async {
//! let ctx = Context::new("PythonPi", "local[2]")?;
//! let service = SparkPiService::new(ctx, ServiceConfig::default())?;
//! let app = test::init_service(App::new().service(service.scope(""))).await;
//!
//! let body = test::call_and_read_body(&app, test::TestRequest::get().uri("/").to_request()).await;
//! assert_eq!(body, INDEX_BODY);
//!
//! let req = test::TestRequest::get().uri("/sparkpi?scale=2&seed=7").to_request();
//! let body = test::call_and_read_body(&app, req).await;
//! assert!(std::str::from_utf8(&body)?.starts_with("Pi is roughly 3.1"));
//!
//! let req = test::TestRequest::get().uri("/sparkpi?scale=abc").to_request();
//! assert_eq!(test::call_service(&app, req).await.status(), 400);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Routes
//! | route | answer |
//! |---|---|
//! | `GET /` | 200 `text/plain`: the SparkPi tutorial app's banner, byte for byte |
//! | `GET /sparkpi?scale=N[&seed=S]` | 200 `Pi is roughly <pi>`; `scale` defaults to 2; 400 for a scale that is not an integer in `1..=max_scale`, a repeated parameter or a bad seed; 503 + `Retry-After` when the job queue is full or the job timed out |
//! | `GET /healthz` | 200 `ok` |
//! | `GET /metrics` | Prometheus/OpenMetrics text: `ember_http_requests_total{route,status}`, `ember_pi_jobs_total{outcome}`, `ember_pi_samples_total`, `ember_pi_job_duration_seconds`, `ember_pi_jobs_in_flight` |
//!
//! Other paths are 404 and other methods 405, each with a one-line reason.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

pub mod backend;
mod conn;
mod error;
mod metrics;
mod server;
mod service;
pub mod sparkpi;

pub use backend::{LocalPi, PiBackend, PiFuture};
pub use conn::watch_disconnects;
pub use error::{Error, Result};
pub use server::{ServeOptions, bind, serve};
pub use service::{
    DEFAULT_MAX_SCALE, DEFAULT_SCALE, INDEX_BODY, MAX_JOB_TIMEOUT, MAX_QUEUED_JOBS_LIMIT,
    MAX_RUNNING_JOBS_LIMIT, MAX_SCALE_LIMIT, PiQuery, ServiceConfig, SparkPiService,
};
