//! ember-livy-server end to end: a real server on 127.0.0.1, real HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod client;
mod deep_sql;
mod errors;
mod fake_worker;
mod fixture;
mod lifecycle;
mod limits;
mod livy_conformance;
mod pyspark;
mod scala;
mod security;
