//! The integration tests: the client against a scripted fake Livy server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod blocking;
mod fake;
mod http;
mod live;
mod python;
mod sessions;
mod sql;
mod statements;
