//! The one error type of `ember-rdd`.

use std::path::PathBuf;

/// Everything an RDD operation can fail with.
///
/// Variants carry structured fields (partition index, attempts, path) so callers can react to the
/// failure without parsing messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The master URL is not one Ember can run in-process.
    #[error("invalid master `{master}`: {reason}")]
    InvalidMaster {
        /// The master string as given.
        master: String,
        /// Why it was refused.
        reason: String,
    },
    /// An argument is out of its domain (for example `num_slices == 0`).
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The parameter's name.
        name: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("I/O error on `{}`: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A task kept failing (a panic in user code) until its retries ran out.
    #[error("task for partition {partition} failed {attempts} time(s); last failure: {message}")]
    TaskFailed {
        /// The partition whose task failed.
        partition: usize,
        /// How many attempts were made.
        attempts: u32,
        /// The last failure's message (the panic payload).
        message: String,
    },
    /// The job was cancelled (by a [`CancelToken`](crate::CancelToken), a job group or the context).
    #[error("job {job_id} was cancelled")]
    Cancelled {
        /// The cancelled job.
        job_id: u64,
    },
    /// An action that needs at least one element ran on an empty RDD.
    #[error("`{op}` called on an empty RDD")]
    EmptyRdd {
        /// The action, e.g. `reduce`.
        op: &'static str,
    },
    /// `zip` of two RDDs whose partition counts or partition sizes differ.
    #[error("cannot zip: {reason}")]
    ZipMismatch {
        /// Which counts differ.
        reason: String,
    },
    /// `save_as_text_file` refuses to overwrite, as Spark does.
    #[error("output path `{}` already exists", path.display())]
    PathExists {
        /// The existing path.
        path: PathBuf,
    },
    /// The worker pool could not be started.
    #[error("cannot start the worker pool: {0}")]
    ThreadPool(String),
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }
}
