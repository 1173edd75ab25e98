//! The one error type of `ember-spark`.

/// What making or starting a driver can fail with. (A statement's own failure is an
/// [`Execution`](crate::Execution), not an error.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting of the driver's spec is refused (a `local[N]` master above the factory's
    /// thread bound, a master that starts worker processes); nothing was started.
    #[error("{reason}")]
    Refused {
        /// The setting at fault (`spark.master`).
        setting: String,
        /// Why, in one line.
        reason: String,
    },
    /// The driver did not start: no such Python, no PySpark in it, a SparkSession that failed
    /// or did not start within the start timeout. The reason ends with its last output.
    #[error("{reason}")]
    Start {
        /// The driver (`the Python worker`).
        driver: &'static str,
        /// Why, with the worker's last lines of output.
        reason: String,
    },
}
