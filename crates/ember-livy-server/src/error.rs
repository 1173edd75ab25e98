//! The one error type of `ember-livy-server`.

/// What starting or running the server can fail with. (Errors of HTTP requests are answered
/// as `4xx {"msg": ...}` and never surface here.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding, starting or stopping the HTTP server failed (`ember-serve`'s error).
    #[error(transparent)]
    Serve(#[from] ember_serve::Error),
    /// The server's runtime failed.
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
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
