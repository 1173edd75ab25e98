//! End-to-end tests of ember-partition-server, on real loopback sockets (127.0.0.1 only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod failure;
mod lifecycle;
mod listeners;
mod routes;
