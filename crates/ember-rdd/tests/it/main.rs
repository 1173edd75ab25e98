//! Integration tests of ember-rdd: every operation against plain-iterator results.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actions;
mod contexts;
mod failure;
mod identity;
mod pair;
mod props;
mod sources;
mod transformations;

use ember_rdd::Context;

/// A two-thread context, as most tests use.
pub(crate) fn ctx() -> Context {
    Context::new("test", "local[2]").unwrap()
}
