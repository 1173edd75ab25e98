//! Integration tests of ember-web: through `actix_web::test` and through real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod backend;
mod routes;
mod socket;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use ember_rdd::Context;
use ember_web::{ServeOptions, ServiceConfig, SparkPiService};

pub(crate) fn service(config: ServiceConfig) -> SparkPiService {
    SparkPiService::new(Context::new("PythonPi", "local[2]").unwrap(), config).unwrap()
}

/// A response read off a socket.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends a raw request and reads the whole reply (`Connection: close`), with timeouts.
pub(crate) fn request(addr: SocketAddr, method: &str, path: &str) -> Reply {
    let mut s = connect(addr);
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

pub(crate) fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path)
}

pub(crate) fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// A server on 127.0.0.1:<free port>, in its own thread; stopped and joined on drop.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    pub(crate) service: SparkPiService,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<ember_web::Result<()>>>,
}

impl TestServer {
    pub(crate) fn start(config: ServiceConfig) -> Self {
        let service = service(config);
        let listener = ember_web::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let svc = service.clone();
        let options = ServeOptions {
            workers: 2,
            shutdown_grace: Duration::from_secs(2),
            ..ServeOptions::default()
        };
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(ember_web::serve(svc, listener, options, async {
                let _ = rx.await;
            }))
        });
        TestServer {
            addr,
            service,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    /// Asks the server to stop and waits for `serve` to return.
    pub(crate) fn stop(mut self) -> ember_web::Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> ember_web::Result<()> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        match self.thread.take() {
            Some(t) => t.join().unwrap(),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// Polls `f` every 20 ms until it is true; fails the test after `secs` seconds.
pub(crate) fn wait_until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn query_parsing() {
    use ember_web::{Error, PiQuery};
    let parsed = |q: &str| PiQuery::parse(q, 10).map_err(|e| e.to_string());
    assert_eq!(
        parsed(""),
        Ok(PiQuery {
            scale: 2,
            seed: None
        })
    );
    assert_eq!(
        parsed("scale=10&x=y"),
        Ok(PiQuery {
            scale: 10,
            seed: None
        })
    );
    assert_eq!(
        parsed("seed=0"),
        Ok(PiQuery {
            scale: 2,
            seed: Some(0)
        })
    );
    assert!(matches!(
        PiQuery::parse("scale=11", 10),
        Err(Error::ScaleOutOfRange {
            scale: 11,
            max_scale: 10
        })
    ));
    // Each refusal is typed, and displays as the 400's one-line reason.
    for (query, reason) in [
        (
            "scale=11",
            "scale 11 is above the limit of 10 (EMBER_MAX_SCALE)",
        ),
        ("scale=0", "scale must be at least 1"),
        ("scale=", "scale is empty; expected a positive integer"),
        ("scale=-3", "scale '-3' is not a positive integer"),
        ("seed=1e3", "seed '1e3' is not a positive integer"),
        (
            "seed=99999999999999999999",
            "seed '99999999999999999999' is too large",
        ),
        (
            "scale=1&scale=2",
            "parameter 'scale' is given more than once",
        ),
    ] {
        assert_eq!(parsed(query), Err(reason.to_owned()), "{query}");
    }
    let long = format!("scale={}", "x".repeat(10_000));
    let reason = parsed(&long).unwrap_err();
    assert!(reason.len() < 100, "a long value is cut: {reason}");
    assert!(matches!(
        PiQuery::parse(&long, 10),
        Err(Error::NotAPositiveInteger { name: "scale", .. })
    ));
}

#[test]
fn regression_the_default_scale_goes_through_the_max_scale_check() {
    // Before: a missing scale took the default (2) without comparing it with the limit.
    assert!(
        ember_web::PiQuery::parse("", 1)
            .unwrap_err()
            .to_string()
            .contains("limit of 1")
    );
    assert_eq!(ember_web::PiQuery::parse("", 2).unwrap().scale, 2);
}

#[test]
fn regression_limits_that_would_crash_or_exhaust_the_service_are_refused() {
    let ctx = || Context::new("PythonPi", "local[1]").unwrap();
    // Before: accepted, and every request panicked computing `now + job_timeout`.
    let err = SparkPiService::new(
        ctx(),
        ServiceConfig {
            job_timeout: Duration::from_secs(u64::MAX),
            ..ServiceConfig::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("job_timeout"), "{err}");
    // Before: accepted, and one request could allocate per-partition vectors of 10^9 entries.
    let err = SparkPiService::new(
        ctx(),
        ServiceConfig {
            max_scale: 1_000_000_000,
            ..ServiceConfig::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("max_scale"), "{err}");
    // Before: accepted; `max_running_jobs + max_queued_jobs` wrapped to 3, so fewer requests
    // were admitted than there were running slots (a debug build panicked instead).
    for (config, name) in [
        (
            ServiceConfig {
                max_queued_jobs: usize::MAX,
                ..ServiceConfig::default()
            },
            "max_queued_jobs",
        ),
        (
            ServiceConfig {
                max_running_jobs: usize::MAX,
                ..ServiceConfig::default()
            },
            "max_running_jobs",
        ),
    ] {
        let err = SparkPiService::new(ctx(), config).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
    }
    SparkPiService::new(
        ctx(),
        ServiceConfig {
            max_scale: ember_web::MAX_SCALE_LIMIT,
            max_running_jobs: ember_web::MAX_RUNNING_JOBS_LIMIT,
            max_queued_jobs: ember_web::MAX_QUEUED_JOBS_LIMIT,
            job_timeout: ember_web::MAX_JOB_TIMEOUT,
            ..ServiceConfig::default()
        },
    )
    .unwrap();
}
