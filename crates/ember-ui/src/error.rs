//! The crate's one error type.

use std::time::Duration;

/// What can go wrong starting or stopping a UI server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No port of the range could be bound (Spark tries `spark.ui.port` and the 16 after it).
    #[error("cannot bind the UI on {host} ports {first}..={last}: {source}")]
    Bind {
        /// The host asked for.
        host: String,
        /// The first port tried.
        first: u16,
        /// The last port tried.
        last: u16,
        /// The last bind error.
        source: std::io::Error,
    },
    /// The server thread could not be started or did not report that it listens in time.
    #[error("the UI server did not start within {0:?}: {1}")]
    Start(Duration, String),
    /// The server did not stop within the bound.
    #[error("the UI server did not stop within {0:?}")]
    Stop(Duration),
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
