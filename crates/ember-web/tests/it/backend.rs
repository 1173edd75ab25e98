//! A service on another backend keeps the routes, strings, limits and cancellation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_web::{App, test};
use ember_rdd::CancelToken;
use ember_web::{Error, PiBackend, PiFuture, ServiceConfig, SparkPiService};

/// Answers `3.0 + scale / 1000`, after `delay`, unless cancelled; counts cancellations.
#[derive(Debug, Default)]
struct Fake {
    delay: Duration,
    cancelled: Arc<AtomicUsize>,
}

impl PiBackend for Fake {
    fn estimate(&self, scale: u64, _seed: Option<u64>, cancel: CancelToken) -> PiFuture {
        let (delay, cancelled) = (self.delay, self.cancelled.clone());
        // Like a remote job, the work goes on whether or not the service still polls the future.
        let work = tokio::spawn(async move {
            let until = tokio::time::Instant::now() + delay;
            while tokio::time::Instant::now() < until {
                if cancel.is_cancelled() {
                    cancelled.fetch_add(1, Ordering::SeqCst);
                    return Err(Error::Cancelled);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            if scale == 13 {
                return Err(Error::backend(std::io::Error::other("the cluster is gone")));
            }
            Ok(3.0 + scale as f64 / 1000.0)
        });
        Box::pin(async move { work.await.map_err(Error::backend)? })
    }

    fn cancel_all(&self) -> usize {
        0
    }

    fn describe(&self) -> String {
        "fake".into()
    }
}

#[actix_web::test]
async fn jobs_run_on_the_backend_with_the_same_strings_and_checks() {
    let service =
        SparkPiService::with_backend(Arc::new(Fake::default()), ServiceConfig::default()).unwrap();
    assert!(service.context().is_none());
    assert_eq!(service.backend().describe(), "fake");
    let app = test::init_service(App::new().service(service.scope(""))).await;
    let body = test::call_and_read_body(
        &app,
        test::TestRequest::get()
            .uri("/sparkpi?scale=5")
            .to_request(),
    )
    .await;
    assert_eq!(body, "Pi is roughly 3.005");
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/sparkpi?scale=0")
            .to_request(),
    )
    .await;
    assert_eq!(
        res.status(),
        400,
        "input is checked before any backend sees it"
    );
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/sparkpi?scale=13")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 500);
    let body = test::read_body(res).await;
    assert_eq!(body, "the pi job failed: the cluster is gone");
}

#[actix_web::test]
async fn the_deadline_cancels_the_backends_job() {
    let fake = Fake {
        delay: Duration::from_secs(30),
        ..Fake::default()
    };
    let cancelled = fake.cancelled.clone();
    let config = ServiceConfig {
        job_timeout: Duration::from_millis(200),
        ..ServiceConfig::default()
    };
    let service = SparkPiService::with_backend(Arc::new(fake), config).unwrap();
    let app = test::init_service(App::new().service(service.scope(""))).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/sparkpi").to_request()).await;
    assert_eq!(res.status(), 503);
    // The service gave up at the deadline; its cancel token reaches the job still running.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while cancelled.load(Ordering::SeqCst) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the backend's job was never cancelled"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
