//! # ember-livy: the Apache Livy protocol and a Livy client
//!
//! (The client is being written; see `protocol` for the shared wire types.)
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

pub mod protocol;
