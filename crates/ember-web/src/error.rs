//! The one error type of `ember-web`.

/// What starting or running the service, a `/sparkpi` query or a pi job can fail with.
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
    /// The RDD engine failed (a local pi job, or building the service).
    #[error(transparent)]
    Rdd(#[from] ember_rdd::Error),
    /// A pi job's cancel token was cancelled (client gone, deadline, shutdown).
    #[error("the pi job was cancelled")]
    Cancelled,
    /// A pi backend other than Ember's engine failed the job (the facade's Livy backend gives
    /// `ember_livy::Error`), or the job's task was lost.
    #[error("{0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A `/sparkpi` parameter is given twice (answered with 400 and this message).
    #[error("parameter '{name}' is given more than once")]
    RepeatedParameter {
        /// The parameter.
        name: String,
    },
    /// A `/sparkpi` parameter is not a positive integer (400).
    #[error("{name} {} a positive integer", shown_value(value))]
    NotAPositiveInteger {
        /// The parameter (`scale`, `seed`).
        name: &'static str,
        /// What was given.
        value: String,
    },
    /// A `/sparkpi` parameter is an integer past `u64` (400).
    #[error("{name} '{}' is too large", cut(value))]
    TooLarge {
        /// The parameter.
        name: &'static str,
        /// What was given.
        value: String,
    },
    /// `scale` is outside `1..=max_scale` (400).
    #[error("{}", scale_refusal(*scale, *max_scale))]
    ScaleOutOfRange {
        /// The scale asked for (or the default, when none was).
        scale: u64,
        /// The service's limit (`EMBER_MAX_SCALE`).
        max_scale: u64,
    },
}

impl Error {
    /// A backend's failure.
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Error::Backend(Box::new(e))
    }
}

/// A value as a one-line reason shows it: at most 40 characters.
fn cut(value: &str) -> String {
    let mut out: String = value.chars().take(40).collect();
    if out.len() < value.len() {
        out.push('…');
    }
    out
}

fn shown_value(value: &str) -> String {
    if value.is_empty() {
        "is empty; expected".to_owned()
    } else {
        format!("'{}' is not", cut(value))
    }
}

fn scale_refusal(scale: u64, max_scale: u64) -> String {
    if scale == 0 {
        "scale must be at least 1".to_owned()
    } else {
        format!("scale {scale} is above the limit of {max_scale} (EMBER_MAX_SCALE)")
    }
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
