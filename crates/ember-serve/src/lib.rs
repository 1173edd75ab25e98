//! # ember-serve
//!
//! The HTTP plumbing every Ember server shares, written once. The SparkPi service
//! (`ember-web`), the Livy server (`ember-livy-server`) and the UI (`ember-ui`) bind, run and
//! stop through it; they and the partition servers (`ember-partition-server`, which serve every
//! partition on event loops of their own) answer through its gate and plain-text replies.
//!
//! - **Running an app.** [`HttpApp`] is an actix-web app (its routes, as `App::configure`
//!   takes them) with a name. [`HttpApp::serve`] runs it in the foreground until SIGTERM or
//!   SIGINT ([`shutdown_signal`]) or the caller's own trigger, then stops it gracefully within
//!   [`ServeOptions::shutdown_grace`] while the owner's own shutdown runs alongside.
//!   [`HttpApp::spawn`] runs it on a thread of its own and returns a [`Background`] handle once
//!   it listens (bounded by [`ServeOptions::start_timeout`]); [`Background::stop`] is bounded
//!   too. [`bind`] and [`bind_first_free`] bind with a typed error that names the address.
//! - **The request gate** ([`gate`]): the pure checks a server applies before any route, so a
//!   web page in a browser cannot drive it: the `Host` names this server (DNS rebinding), the
//!   `Origin` is its own or allowed (cross-site pages), a body is `application/json`
//!   (cross-site "simple" requests), and secrets compare in constant time.
//! - **Plain-text answers** ([`text`], [`not_found`], [`method_not_allowed`], [`get`]): a
//!   one-line reason with its status, a 404 that lists the server's routes, a 405 with `Allow`.
//!
//! Errors are one enum, [`enum@Error`]; the serving crates wrap it in theirs.
//!
//! ```
//! use std::io::{Read, Write};
//! use ember_serve::{HttpApp, ServeOptions, get, not_found, text};
//! use actix_web::{http::StatusCode, web};
//!
//! let app = HttpApp::new("the hello server", |cfg| {
//!     cfg.route("/hello", get().to(|| async { text(StatusCode::OK, "hello") }))
//!         .default_service(not_found("the only route is /hello"));
//! });
//! let options = ServeOptions { workers: 1, ..ServeOptions::default() };
//! let server = app.spawn(ember_serve::bind("127.0.0.1:0")?, &options)?;
//!
//! let mut conn = std::net::TcpStream::connect(server.addr())?;
//! conn.write_all(b"GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
//! let mut reply = String::new();
//! conn.read_to_string(&mut reply)?;
//! assert!(reply.starts_with("HTTP/1.1 404"));
//! assert!(reply.ends_with("no route for GET /nowhere; the only route is /hello"));
//!
//! server.stop()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
pub mod gate;
mod reply;
mod serve;

pub use error::{Error, Result};
pub use reply::{TEXT_PLAIN, get, method_not_allowed, not_found, text};
pub use serve::{
    Background, HttpApp, MAX_WORKERS, OnConnect, STOP_SLACK, ServeOptions, bind, bind_first_free,
    local_addr, shutdown_signal, spare_port,
};
