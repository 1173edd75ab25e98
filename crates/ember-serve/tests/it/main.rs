//! ember-serve's integration tests: real servers on loopback, driven over real sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::web;
use ember_serve::{
    Error, HttpApp, ServeOptions, bind, bind_first_free, get, method_not_allowed, not_found, text,
};

fn options() -> ServeOptions {
    ServeOptions {
        workers: 1,
        shutdown_grace: Duration::from_secs(1),
        ..ServeOptions::default()
    }
}

fn app() -> HttpApp {
    HttpApp::new("the test server", |cfg| {
        cfg.service(
            web::resource("/ping")
                .route(get().to(|| async { text(StatusCode::OK, "pong") }))
                .default_service(method_not_allowed("GET, HEAD")),
        )
        .default_service(not_found("the only route is /ping"));
    })
}

/// One request over a fresh connection: the status line's code, the head and the body.
fn request(addr: SocketAddr, method: &str, path: &str) -> (u16, String, String) {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        conn,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    conn.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let code = head[9..12].parse().unwrap();
    (code, head.to_ascii_lowercase(), body.to_owned())
}

#[test]
fn a_spawned_app_answers_with_one_line_reasons_and_stops() {
    let server = app()
        .spawn(bind("127.0.0.1:0").unwrap(), &options())
        .unwrap();
    let addr = server.addr();
    assert_eq!(server.url(), format!("http://{addr}"));

    let (code, head, body) = request(addr, "GET", "/ping");
    assert_eq!((code, body.as_str()), (200, "pong"));
    assert!(
        head.contains("content-type: text/plain; charset=utf-8"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");

    let (code, _, body) = request(addr, "GET", "/nowhere");
    assert_eq!(code, 404);
    assert_eq!(body, "no route for GET /nowhere; the only route is /ping");

    let (code, head, body) = request(addr, "DELETE", "/ping");
    assert_eq!(code, 405);
    assert_eq!(body, "method DELETE is not allowed on /ping; use GET, HEAD");
    assert!(head.contains("allow: get, head"), "{head}");

    let long = format!("/{}", "x".repeat(5000));
    let (code, _, body) = request(addr, "GET", &long);
    assert_eq!(code, 404);
    assert!(body.len() < 400, "the reason stays one short line: {body}");

    server.stop().unwrap();
    assert!(
        TcpStream::connect(addr).is_err(),
        "nothing listens after stop"
    );
}

#[test]
fn serve_stops_on_its_trigger_and_runs_the_owners_shutdown_alongside() {
    let listener = bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (trigger, triggered) = tokio::sync::oneshot::channel::<()>();
    let (up_tx, up) = std::sync::mpsc::channel();
    let stopped = Arc::new(AtomicBool::new(false));
    let owner_stopped = Arc::clone(&stopped);
    let thread = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let (app, options) = (app(), options());
            let served = app.serve(
                listener,
                &options,
                async move {
                    let _ = triggered.await;
                },
                async move { owner_stopped.store(true, Ordering::SeqCst) },
            );
            up_tx.send(()).unwrap();
            served.await
        })
    });
    up.recv_timeout(Duration::from_secs(10)).unwrap();
    // The server listens once `serve` has run far enough to answer.
    let (code, _, _) = request(addr, "GET", "/ping");
    assert_eq!(code, 200);
    trigger.send(()).unwrap();
    thread.join().unwrap().unwrap();
    assert!(stopped.load(Ordering::SeqCst), "the owner's shutdown ran");
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn settings_out_of_their_domain_are_refused_by_name() {
    for (options, name) in [
        (
            ServeOptions {
                workers: 0,
                ..options()
            },
            "workers",
        ),
        (
            ServeOptions {
                workers: ember_serve::MAX_WORKERS + 1,
                ..options()
            },
            "workers",
        ),
        (
            ServeOptions {
                start_timeout: Duration::ZERO,
                ..options()
            },
            "start_timeout",
        ),
    ] {
        let refused = app().spawn(bind("127.0.0.1:0").unwrap(), &options);
        match refused {
            Err(Error::Config { name: n, .. }) => assert_eq!(n, name),
            other => panic!("expected a Config error on {name}, got {other:?}"),
        }
    }
}

#[test]
fn a_taken_port_is_a_bind_error_that_names_the_range() {
    let taken = bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = bind_first_free("127.0.0.1", port, 0).unwrap_err();
    assert!(matches!(err, Error::Bind { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("cannot listen on 127.0.0.1:{port}..={port}: ")),
        "{err}"
    );
    let err = bind(&format!("127.0.0.1:{port}")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("cannot listen on 127.0.0.1:{port}: ")),
        "{err}"
    );
}

#[test]
fn spare_ports_are_free_distinct_and_clear_of_the_ephemeral_range() {
    let ephemeral: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(49152);
    let ports: Vec<u16> = (0..64)
        .map(|_| ember_serve::spare_port("127.0.0.1").unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<_> = ports.iter().collect();
    assert_eq!(distinct.len(), ports.len(), "{ports:?}");
    for &port in &ports {
        if ephemeral > 10000 {
            assert!((10000..ephemeral).contains(&port), "{port} vs {ephemeral}");
        }
        // Free when handed out: this test can bind each.
        drop(std::net::TcpListener::bind(("127.0.0.1", port)).unwrap());
    }
    // A port the OS hands out for port 0 is never one of them.
    let any = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    assert!(!ports.contains(&any.local_addr().unwrap().port()));
}
