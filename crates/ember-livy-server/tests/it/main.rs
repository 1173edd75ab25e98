//! ember-livy-server end to end: a real server on 127.0.0.1, real HTTP.

mod api;
mod client;
mod errors;
mod fixture;
mod lifecycle;
mod security;
