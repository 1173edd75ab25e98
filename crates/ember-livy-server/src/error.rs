//! The one error type of `ember-livy-server`.

/// What starting or running the server can fail with. (Errors of HTTP requests are answered
/// as `4xx {"msg": ...}` and never surface here.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
    /// The HTTP server or its runtime failed.
    #[error("the Livy server failed: {0}")]
    Server(#[source] std::io::Error),
    /// A setting is out of its domain.
    #[error("invalid setting `{name}`: {reason}")]
    Config {
        /// The setting.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The server did not come up, or did not stop, in time.
    #[error("timed out after {after:?} waiting for {waiting_for}")]
    Timeout {
        /// What was being waited for.
        waiting_for: &'static str,
        /// How long.
        after: std::time::Duration,
    },
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
