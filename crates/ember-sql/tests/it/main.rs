//! ember-sql's integration tests: one binary, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod arithmetic;
mod conformance;
mod coverage;
mod dataframe;
mod deep;
mod errors;
mod export;
mod fixture;
mod functions;
mod io;
mod runtime;
mod session;
mod slt;
mod types;
