//! The one error type of `ember-serve`.

use std::time::Duration;

/// What binding, starting or stopping a server can fail with. (Errors of HTTP requests are
/// answered with a 4xx and never surface here.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for (`host:port`, or `host:first..=last` for a range).
        addr: String,
        /// Why binding failed (the last attempt's error for a range).
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server, or the thread it runs on, failed.
    #[error("the {server} failed: {source}")]
    Server {
        /// Which server (`the Livy server`, `the UI server`, ...).
        server: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A setting is out of its domain.
    #[error("invalid setting `{name}`: {reason}")]
    Config {
        /// The setting.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A server did not start, or did not stop, in time.
    #[error("timed out after {after:?} waiting for {waiting_for}")]
    Timeout {
        /// What was being waited for.
        waiting_for: String,
        /// How long.
        after: Duration,
    },
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
