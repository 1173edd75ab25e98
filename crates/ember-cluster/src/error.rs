//! [`Error`]: what can go wrong starting, joining or using a cluster.

use std::time::Duration;

/// `ember-cluster`'s error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A master URL Ember cannot read.
    #[error("invalid master URL `{master}`: {reason}")]
    Master {
        /// The URL as given.
        master: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A configuration entry Ember cannot use.
    #[error("invalid {key}: {message}")]
    Config {
        /// The entry's key.
        key: &'static str,
        /// What is wrong with its value.
        message: String,
    },
    /// A scheduler or executor could not listen where it was told to.
    #[error("the {what} cannot listen on {address}: {source}")]
    Bind {
        /// `scheduler` or `executor`.
        what: &'static str,
        /// The address it tried.
        address: String,
        /// Why.
        source: std::io::Error,
    },
    /// Something was not ready within its bound.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long.
        after: Duration,
    },
    /// The user's function setup failed on a node (see `Functions::with_setup`).
    #[error("the function setup failed: {message}")]
    Setup {
        /// Its error.
        message: String,
    },
    /// Ballista's scheduler or executor failed.
    #[error("Ballista: {0}")]
    Ballista(String),
    /// Ember's SQL layer failed (building the catalog of a zone, or the session).
    #[error(transparent)]
    Sql(#[from] ember_sql::Error),
    /// An I/O error (a work directory, a runtime's threads).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl From<ballista_core::error::BallistaError> for Error {
    fn from(e: ballista_core::error::BallistaError) -> Self {
        Error::Ballista(e.to_string())
    }
}

/// `ember-cluster`'s result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
