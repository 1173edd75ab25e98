//! The one error type of `ember-livy-server`.

/// What starting or running the server can fail with. (Errors of HTTP requests are answered
/// as `4xx {"msg": ...}` and never surface here.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Binding, starting or stopping the HTTP server failed (`ember-serve`'s error).
    #[error(transparent)]
    Serve(#[from] ember_serve::Error),
    /// The sessions' runtime could not start.
    #[error("the Livy server failed: {0}")]
    Runtime(#[from] ember_runtime::Error),
    /// A new session's settings ask for what this server refuses
    /// ([`InterpreterFactory::create`](crate::InterpreterFactory::create)); the create request
    /// gets 400 with this message and nothing is left behind.
    #[error("{reason}")]
    SessionRefused {
        /// The setting at fault: a conf key (`spark.master`, `livy.rsc.sql.num-rows`, ...).
        setting: String,
        /// Why, in one line.
        reason: String,
    },
    /// A session's interpreter did not start
    /// ([`Interpreter::start`](crate::Interpreter::start)); the session goes to `error` with
    /// this message in its log.
    #[error("{reason}")]
    InterpreterStart {
        /// The interpreter (`the SQL engine`, `the Python worker`).
        interpreter: &'static str,
        /// Why, in one line or a few (a worker's last output).
        reason: String,
    },
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
