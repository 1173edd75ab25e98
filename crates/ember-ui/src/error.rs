//! The crate's one error type.

/// What can go wrong starting or stopping a UI server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding, starting or stopping the HTTP server failed (`ember-serve`'s error): no port of
    /// the range could be bound (Spark tries `spark.ui.port` and the 16 after it), or the server
    /// did not listen or stop in time.
    #[error(transparent)]
    Serve(#[from] ember_serve::Error),
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
