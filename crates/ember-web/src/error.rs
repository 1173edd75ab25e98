//! The one error type of `ember-web`.

/// What starting or running the service can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding, starting or running the HTTP server failed (`ember-serve`'s error).
    #[error(transparent)]
    Serve(#[from] ember_serve::Error),
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
