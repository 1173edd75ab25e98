//! Samples per second through the SparkPi service path (an HTTP request handled by the actix
//! app, the admission control and the RDD job) against the plain two-thread loop, at scale 1000.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use actix_web::{App, test};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ember_benches::plain_pi_count;
use ember_rdd::Context;
use ember_web::sparkpi::SAMPLES_PER_SCALE;
use ember_web::{ServiceConfig, SparkPiService};

const SCALE: u64 = 1000;

fn service_path(c: &mut Criterion) {
    let system = actix_web::rt::System::new();
    let service = SparkPiService::new(
        Context::new("bench", "local[2]").unwrap(),
        ServiceConfig::default(),
    )
    .unwrap();
    let app = system.block_on(test::init_service(App::new().service(service.scope(""))));
    let mut g = c.benchmark_group("sparkpi_scale_1000");
    g.sample_size(10);
    g.throughput(Throughput::Elements(SCALE * SAMPLES_PER_SCALE));
    g.bench_function("service_path", |b| {
        b.iter(|| {
            system.block_on(async {
                let req = test::TestRequest::get()
                    .uri("/sparkpi?scale=1000&seed=3")
                    .to_request();
                let body = test::call_and_read_body(&app, req).await;
                assert!(body.starts_with(b"Pi is roughly"));
            })
        })
    });
    g.bench_function("plain_threads", |b| b.iter(|| plain_pi_count(SCALE, 3, 2)));
    g.finish();
}

criterion_group!(benches, service_path);
criterion_main!(benches);
