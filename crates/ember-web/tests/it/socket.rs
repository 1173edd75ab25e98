use std::io::Write;
use std::time::{Duration, Instant};

use ember_web::ServiceConfig;

use crate::{TestServer, connect, get, request, wait_until};

fn metric(addr: std::net::SocketAddr, line_prefix: &str) -> Option<f64> {
    get(addr, "/metrics")
        .body
        .lines()
        .find(|l| l.starts_with(line_prefix))
        .and_then(|l| l.rsplit(' ').next()?.parse().ok())
}

#[test]
fn serves_over_a_real_socket() {
    let server = TestServer::start(ServiceConfig::default());
    let r = get(server.addr, "/");
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    assert_eq!(r.body, ember_web::INDEX_BODY);
    let r = get(server.addr, "/sparkpi?scale=4");
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("Pi is roughly 3."), "{}", r.body);
    let r = request(server.addr, "HEAD", "/");
    assert_eq!(r.status, 200);
    assert_eq!(get(server.addr, "/sparkpi?scale=x").status, 400);
    let m = get(server.addr, "/metrics");
    assert!(
        m.header("content-type")
            .unwrap()
            .contains("openmetrics-text")
    );
    assert!(
        m.body
            .contains(r#"ember_http_requests_total{route="/",status="200"} 2"#),
        "{}",
        m.body
    );
    assert!(m.body.ends_with("# EOF\n"));
    server.stop().unwrap();
}

/// A long job: 5 * 10^8 samples, well over a second even optimised.
const LONG: &str = "/sparkpi?scale=5000";

#[test]
fn a_full_queue_answers_503_while_index_stays_fast_and_a_disconnect_cancels() {
    let server = TestServer::start(ServiceConfig {
        max_running_jobs: 1,
        max_queued_jobs: 0,
        ..ServiceConfig::default()
    });
    let addr = server.addr;
    // Start a long job and keep its connection open.
    let mut long = connect(addr);
    write!(long, "GET {LONG} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    wait_until("the long job to start", 10, || {
        server.service.context().unwrap().active_jobs() == 1
    });

    let r = get(addr, "/sparkpi?scale=1");
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(r.body.contains("retry later"), "{}", r.body);

    // `/` does not wait for the job (it never runs on the HTTP workers): it answers while the
    // job is still running.
    assert_eq!(get(addr, "/").status, 200);
    assert_eq!(
        server.service.context().unwrap().active_jobs(),
        1,
        "`/` answered only once the long job had ended"
    );

    // The client goes away (a reset: a quiet close looks like a half-close, which must still
    // get its answer): its job is cancelled promptly.
    socket2::SockRef::from(&long)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(long);
    wait_until("the abandoned job to be cancelled", 10, || {
        server.service.context().unwrap().active_jobs() == 0
    });
    assert_eq!(
        metric(addr, r#"ember_pi_jobs_total{outcome="abandoned"}"#),
        Some(1.0)
    );
    assert_eq!(
        metric(addr, r#"ember_pi_jobs_total{outcome="rejected"}"#),
        Some(1.0)
    );
    // And the slot is free again.
    assert_eq!(get(addr, "/sparkpi?scale=1").status, 200);
}

#[test]
fn a_job_over_its_time_limit_is_cancelled_with_503() {
    let server = TestServer::start(ServiceConfig {
        job_timeout: Duration::from_millis(200),
        ..ServiceConfig::default()
    });
    let r = get(server.addr, LONG);
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(r.body.contains("did not finish within 0.2 s"), "{}", r.body);
    wait_until("the timed-out job to stop", 10, || {
        server.service.context().unwrap().active_jobs() == 0
    });
}

#[test]
fn shutdown_cancels_running_jobs_and_stops_listening() {
    let server = TestServer::start(ServiceConfig::default());
    let addr = server.addr;
    let service = server.service.clone();
    let client = std::thread::spawn(move || get(addr, LONG));
    wait_until("the long job to start", 10, || {
        service.context().unwrap().active_jobs() == 1
    });
    let t = Instant::now();
    server.stop().unwrap();
    // Grace period 2 s, then the job is cancelled.
    assert!(t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
    wait_until("the job to be cancelled", 10, || {
        service.context().unwrap().active_jobs() == 0
    });
    let _ = client.join();
    assert!(std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err());
}

#[test]
fn regression_a_client_that_half_closes_after_its_request_gets_its_answer() {
    // Before: the connection watch took the half-close (EOF) for a disconnect and cancelled the
    // job; the client read a 499 instead of its answer.
    let server = TestServer::start(ServiceConfig::default());
    let mut s = connect(server.addr);
    write!(
        s,
        "GET /sparkpi?scale=20&seed=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut raw = String::new();
    std::io::Read::read_to_string(&mut s, &mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    assert!(raw.contains("Pi is roughly 3."), "{raw}");
    server.stop().unwrap();
}

#[test]
fn head_answers_every_get_route_without_a_body() {
    let server = TestServer::start(ServiceConfig::default());
    for path in ["/", "/sparkpi?scale=1", "/healthz", "/metrics"] {
        let r = request(server.addr, "HEAD", path);
        assert_eq!(r.status, 200, "HEAD {path}: {r:?}");
        assert!(r.body.is_empty(), "HEAD {path} has a body: {:?}", r.body);
        let g = get(server.addr, path);
        assert_eq!(
            r.header("content-type"),
            g.header("content-type"),
            "HEAD {path}"
        );
    }
    server.stop().unwrap();
}
