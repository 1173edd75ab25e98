//! Integration tests of ember-ui: a real UI server on a loopback port, read over real sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod pages;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use ember_rdd::Context;
use ember_ui::{Ui, UiOptions, UiServer};
use serde_json::Value;

/// A reply read off a socket.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) head: String,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        assert_eq!(self.status, 200, "{}", self.body);
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends one request with `host` as its Host header and reads the whole reply.
pub(crate) fn request(addr: SocketAddr, method: &str, path: &str, host: &str) -> Reply {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

pub(crate) fn get(server: &UiServer, path: &str) -> Reply {
    request(server.local_addr(), "GET", path, "localhost")
}

/// The UI of `ui` on a free loopback port.
pub(crate) fn serve(ui: Ui) -> UiServer {
    ember_ui::start(
        ui,
        &UiOptions {
            port: 0,
            ..UiOptions::default()
        },
    )
    .unwrap()
}

/// `/api/v1/applications/{app}` of `ctx`.
pub(crate) fn app_path(ctx: &Context) -> String {
    format!("/api/v1/applications/{}", ctx.status().application().id)
}

/// Polls `check` (every 10 ms, at most 30 s) until it holds.
pub(crate) fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
