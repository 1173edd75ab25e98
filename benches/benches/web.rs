//! Samples per second through the SparkPi service as a client sees it (a GET over a real
//! loopback socket to `ember_web::serve`: actix's HTTP stack, admission control and the RDD
//! job) against the plain two-thread loop with the same lane-parallel generator and CPU path,
//! at scale 1000.
//!
//! ```sh
//! cargo bench --workspace --bench web
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ember_benches::lane_pi_count;
use ember_rdd::{Context, Simd};
use ember_web::sparkpi::SAMPLES_PER_SCALE;
use ember_web::{ServeOptions, ServiceConfig, SparkPiService};

const SCALE: u64 = 1000;

/// One GET on a keep-alive connection; returns the body. The request goes out in one write, as
/// an HTTP client sends it: `write!` on the socket wrote it in three pieces, and Nagle's
/// algorithm against the server's delayed ACK held the last two back for 40 ms per request.
fn get(conn: &mut BufReader<TcpStream>, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n");
    conn.get_mut().write_all(request.as_bytes()).unwrap();
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        conn.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

fn service_over_a_socket(c: &mut Criterion) {
    let service = SparkPiService::new(
        Context::new("bench", "local[2]").unwrap(),
        ServiceConfig::default(),
    )
    .unwrap();
    let listener = ember_web::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = ServeOptions {
        workers: 1,
        shutdown_grace: Duration::from_secs(1),
        ..ServeOptions::default()
    };
    let server = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(ember_web::serve(service, listener, options, async {
            let _ = stopped.await;
        }))
    });
    let mut conn = BufReader::new(TcpStream::connect(addr).unwrap());

    let mut g = c.benchmark_group("sparkpi_scale_1000");
    g.sample_size(10);
    g.throughput(Throughput::Elements(SCALE * SAMPLES_PER_SCALE));
    g.bench_function("http_socket", |b| {
        b.iter(|| {
            let body = get(&mut conn, "/sparkpi?scale=1000&seed=3");
            assert!(body.starts_with("Pi is roughly"), "{body}");
        })
    });
    g.bench_function("lane_plain_loop", |b| {
        b.iter(|| lane_pi_count(SCALE, 3, 2, Simd::selected()))
    });
    g.finish();

    drop(conn);
    let _ = stop.send(());
    server.join().unwrap().unwrap();
}

criterion_group!(benches, service_over_a_socket);
criterion_main!(benches);
