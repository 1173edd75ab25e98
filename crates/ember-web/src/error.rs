//! The one error type of `ember-web`.

/// What starting or running the service can fail with.
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
    /// The server stopped with an I/O error.
    #[error("the HTTP server failed: {0}")]
    Server(#[source] std::io::Error),
    /// A setting is out of its domain.
    #[error("invalid setting `{name}`: {reason}")]
    Config {
        /// The setting.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// The RDD engine failed.
    #[error(transparent)]
    Rdd(#[from] ember_rdd::Error),
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
