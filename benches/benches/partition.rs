//! ember-partition-server, beside references in one run:
//! (1) start + stop latency of a cluster of 2, 16 and 64 partition servers on a `local[2]`
//!     context (goal, issue 18: 64 up and registered in under 30 ms);
//! (2) requests/s against one partition server (served on the cluster's shared event loops) vs
//!     ember-web's `GET /` (an actix server with one worker), each on a loopback socket and hit
//!     by the same client (goal: within 1.2x);
//! (3) a fan-out query over 16 partitions.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::TcpListener;

use actix_web::{App, HttpServer, web};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ember_partition_server::{Cluster, HttpPartitionServer};
use ember_rdd::Context;
use ember_web::{INDEX_BODY, ServiceConfig, SparkPiService};

/// Requests per iteration of the requests/s bench, over 16 connections at a time.
const BATCH: usize = 256;
const CONCURRENCY: usize = 16;

fn index_server() -> HttpPartitionServer<i64> {
    HttpPartitionServer::new(|cfg| {
        cfg.route("/", web::get().to(|| async { INDEX_BODY }));
    })
}

fn start_stop(c: &mut Criterion) {
    let ctx = Context::new("bench", "local[2]").unwrap();
    let mut g = c.benchmark_group("partition_start_stop");
    g.sample_size(10);
    // Few, fixed iterations. (Before issue 18 every stop left closed connections in TIME_WAIT
    // on the servers' ports and quick cycles ran out of ports; a cycle makes no connection now,
    // see the 2000-cycle test, but the short sampling keeps `just bench` quick.)
    g.sampling_mode(criterion::SamplingMode::Flat);
    g.warm_up_time(std::time::Duration::from_millis(300));
    g.measurement_time(std::time::Duration::from_secs(2));
    for partitions in [2usize, 16, 64] {
        let rdd = ctx.parallelize(0..1000_i64, partitions).unwrap();
        let mut cluster = Cluster::new(&ctx, rdd, index_server());
        g.bench_with_input(
            BenchmarkId::new("start", partitions),
            &partitions,
            |b, _| {
                b.iter_custom(|iters| {
                    // Only start is timed; stop is timed below.
                    let mut total = std::time::Duration::ZERO;
                    for _ in 0..iters {
                        let t = std::time::Instant::now();
                        cluster.start().unwrap();
                        total += t.elapsed();
                        cluster.stop().unwrap();
                    }
                    total
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("start_and_stop", partitions),
            &partitions,
            |b, _| {
                b.iter(|| {
                    cluster.start().unwrap();
                    assert_eq!(cluster.hosts().len(), partitions);
                    cluster.stop().unwrap();
                })
            },
        );
    }
    g.finish();
}

/// Sends `BATCH` GETs to `url` over `CONCURRENCY` connections and checks every body.
async fn hammer(client: &reqwest::Client, url: &str) {
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (client, url) = (client.clone(), url.to_owned());
        clients.spawn(async move {
            for _ in 0..BATCH / CONCURRENCY {
                let body = client.get(&url).send().await.unwrap().text().await.unwrap();
                assert_eq!(body, INDEX_BODY);
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.unwrap();
    }
}

fn requests(c: &mut Criterion) {
    let ctx = Context::new("bench", "local[2]").unwrap();

    // One partition server.
    let rdd = ctx.parallelize(0..10_i64, 1).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, index_server());
    cluster.start().unwrap();
    let partition_url = cluster.url(0, "/").unwrap();

    // ember-web's `GET /`, served the same way: an actix server with one worker, on a
    // loopback listener, driven by its own runtime.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let service = SparkPiService::new(ctx.clone(), ServiceConfig::default()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let web_url = format!("http://{}/", listener.local_addr().unwrap());
    let server = HttpServer::new(move || App::new().service(service.scope("")))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
    let web_handle = server.handle();
    server_rt.spawn(server);

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = reqwest::Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .build()
        .unwrap();

    let mut g = c.benchmark_group("partition_requests");
    g.sample_size(20);
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("partition_server", |b| {
        b.iter(|| client_rt.block_on(hammer(&client, &partition_url)))
    });
    g.bench_function("ember_web_index", |b| {
        b.iter(|| client_rt.block_on(hammer(&client, &web_url)))
    });
    g.finish();

    cluster.stop().unwrap();
    server_rt.block_on(web_handle.stop(false));
}

fn fan_out(c: &mut Criterion) {
    let ctx = Context::new("bench", "local[2]").unwrap();
    let rdd = ctx.parallelize(0..16_000_i64, 16).unwrap();
    let server = HttpPartitionServer::new(|cfg| {
        cfg.route(
            "/count",
            web::get().to(|items: web::Data<Vec<i64>>| async move { items.len().to_string() }),
        );
    });
    let mut cluster = Cluster::new(&ctx, rdd, server);
    cluster.start().unwrap();
    let mut g = c.benchmark_group("partition_fan_out");
    g.sample_size(20);
    g.throughput(Throughput::Elements(16));
    g.bench_function("query_all_16", |b| {
        b.iter(|| {
            let answers = cluster.query_all("/count").unwrap();
            assert!(answers.values().all(|a| a.as_deref().ok() == Some("1000")));
        })
    });
    g.finish();
    cluster.stop().unwrap();
}

criterion_group!(benches, start_stop, requests, fan_out);
criterion_main!(benches);
