//! The crate's one error type.
//!
//! Every variant carries what a caller needs to decide what to do next: the HTTP status and the
//! server's message, the state a session ended in and its last log lines, a statement's Python or
//! Scala traceback, or what a deadline was waiting for. [`Error::Unconfirmed`] is the one to read
//! carefully: a request that creates something (a session, a statement, a batch) failed in a way
//! that does not tell whether the server acted on it, and the client could not find out.

use std::time::Duration;

use crate::protocol::SessionState;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong talking to a Livy server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server URL could not be used (`host:port`, `http://…` or `https://…` are accepted).
    #[error("invalid Livy server URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A client setting is unusable (a header, a CA certificate, a missing environment variable).
    #[error("invalid Livy client configuration: {0}")]
    Config(String),

    /// An argument is unusable (an identifier that is not one, a session name made of digits).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// The server answered with an error status (other than 404, see [`Error::NotFound`]).
    ///
    /// `message` is the server's own words: the `msg` of a `{"msg": …}` body, a bare JSON string,
    /// the first text of an HTML error page (Jetty's CSRF page), or the start of a text body.
    #[error("{method} {url}: HTTP {status}: {message}")]
    Http {
        /// The request method.
        method: String,
        /// The request URL.
        url: String,
        /// The status code.
        status: u16,
        /// The server's message.
        message: String,
    },

    /// The server answered 404: no such session, batch or statement (or it was removed).
    #[error("{method} {url}: not found: {message}")]
    NotFound {
        /// The request method.
        method: String,
        /// The request URL.
        url: String,
        /// The server's message (`Session '7' not found.`).
        message: String,
    },

    /// The client could not connect; the request was never sent.
    #[error("cannot connect to {url}: {message}")]
    Connect {
        /// The request URL.
        url: String,
        /// The underlying error, with its causes.
        message: String,
    },

    /// The connection failed after the request was sent (reset, closed, unreadable body).
    #[error("{method} {url}: transport error: {message}")]
    Transport {
        /// The request method.
        method: String,
        /// The request URL.
        url: String,
        /// The underlying error, with its causes.
        message: String,
    },

    /// A deadline passed: a per-request timeout, or the overall deadline of a wait.
    #[error("timed out after {after:?} waiting for {waiting_for}")]
    Timeout {
        /// What was being waited for (`session 3 to become idle`).
        waiting_for: String,
        /// How long the client waited.
        after: Duration,
    },

    /// A request that creates something failed in a way that leaves its outcome unknown (a 5xx
    /// that could not be checked, a timeout or a reset after the body was sent), and looking for
    /// what it would have created found nothing conclusive. It was **not** repeated.
    #[error("{method} {url} may or may not have taken effect (not repeated): {cause}")]
    Unconfirmed {
        /// The request method.
        method: String,
        /// The request URL.
        url: String,
        /// How the request failed.
        #[source]
        cause: Box<Error>,
    },

    /// A session reached a state it never leaves (`error`, `dead`, `killed`, `success`,
    /// `shutting_down`), or vanished (404), while the client waited for it.
    #[error("session {id} {}{}", ended_how(state, *gone), log_suffix(log_tail))]
    SessionEnded {
        /// The session id (or the name it was addressed by).
        id: String,
        /// The last state seen.
        state: SessionState,
        /// Whether the server no longer knows the session (404).
        gone: bool,
        /// The last lines of its log, oldest first (may be empty).
        log_tail: Vec<String>,
    },

    /// A batch ended in `dead`, `killed` or `error`, or vanished, while the client waited for it.
    #[error("batch {id} {}{}", ended_how(state, *gone), log_suffix(log_tail))]
    BatchFailed {
        /// The batch id.
        id: u64,
        /// The last state seen.
        state: SessionState,
        /// Whether the server no longer knows the batch (404).
        gone: bool,
        /// The last lines of its log, oldest first.
        log_tail: Vec<String>,
    },

    /// A statement ran and failed (`output.status == "error"`): the interpreter's exception.
    ///
    /// Displays like the Python Livy utility's `SparkSessionError`: `ename: evalue`, then the traceback.
    #[error("{ename}: {evalue}{}", traceback_suffix(traceback))]
    Statement {
        /// The exception's name (`NameError`, `Error`, `AnalysisException`, …).
        ename: String,
        /// The exception's message.
        evalue: String,
        /// The traceback, one entry per line (Python's lines end in `\n`, Java frames do not).
        traceback: Vec<String>,
    },

    /// The statement was cancelled (by [`crate::LivySession::cancel`] or by another client).
    #[error("statement {statement} of session {session} was cancelled")]
    Cancelled {
        /// The session id.
        session: u64,
        /// The statement id.
        statement: u64,
    },

    /// A response or a statement's output could not be decoded into what was asked for.
    #[error("cannot decode {what}: {message}")]
    Decode {
        /// What was being decoded (`the response to GET …`, `sql output`, …).
        what: String,
        /// Why it failed.
        message: String,
    },

    /// A local file could not be read (`run_file`, a CA certificate file).
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The blocking client's runtime could not start, or a request's task was lost (it
    /// panicked, or the runtime stopped under it).
    #[error("blocking Livy client: {0}")]
    Runtime(#[from] ember_runtime::Error),
}

impl Error {
    /// The HTTP status the server answered with, for [`Error::Http`] and [`Error::NotFound`]
    /// (and an [`Error::Unconfirmed`] caused by one).
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Http { status, .. } => Some(*status),
            Error::NotFound { .. } => Some(404),
            Error::Unconfirmed { cause, .. } => cause.status(),
            _ => None,
        }
    }

    /// Whether the server said the thing does not exist (404).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether a deadline passed.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    pub(crate) fn decode(what: impl Into<String>, message: impl std::fmt::Display) -> Error {
        Error::Decode {
            what: what.into(),
            message: message.to_string(),
        }
    }
}

fn ended_how(state: &SessionState, gone: bool) -> String {
    if gone {
        format!("is gone (404; last state seen: {state})")
    } else {
        format!("ended in state {state}")
    }
}

fn log_suffix(log_tail: &[String]) -> String {
    if log_tail.is_empty() {
        String::new()
    } else {
        format!("; log tail:\n{}", log_tail.join("\n"))
    }
}

/// Joins a traceback the way its producer meant: Python's lines end in `\n` (joined as is), the
/// sql kind's Java frames do not (joined with `\n`).
pub(crate) fn join_traceback(traceback: &[String]) -> String {
    let mut out = String::new();
    for line in traceback {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

fn traceback_suffix(traceback: &[String]) -> String {
    let joined = join_traceback(traceback);
    let joined = joined.trim_end();
    if joined.is_empty() {
        String::new()
    } else {
        format!("\n{joined}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_error_reads_like_the_seed() {
        let e = Error::Statement {
            ename: "NameError".into(),
            evalue: "name 'x' is not defined".into(),
            traceback: vec![
                "Traceback (most recent call last):\n".into(),
                "NameError: name 'x' is not defined\n".into(),
            ],
        };
        assert_eq!(
            e.to_string(),
            "NameError: name 'x' is not defined\nTraceback (most recent call last):\nNameError: name 'x' is not defined"
        );
        let java = Error::Statement {
            ename: "Error".into(),
            evalue: "boom".into(),
            traceback: vec!["at a.b(C.java:1)".into(), "at d.e(F.java:2)".into()],
        };
        assert_eq!(
            java.to_string(),
            "Error: boom\nat a.b(C.java:1)\nat d.e(F.java:2)"
        );
        let bare = Error::Statement {
            ename: "Error".into(),
            evalue: "x".into(),
            traceback: vec![],
        };
        assert_eq!(bare.to_string(), "Error: x");
    }

    #[test]
    fn session_ended_shows_state_and_log() {
        let e = Error::SessionEnded {
            id: "4".into(),
            state: SessionState::Dead,
            gone: false,
            log_tail: vec!["a".into(), "b".into()],
        };
        assert_eq!(
            e.to_string(),
            "session 4 ended in state dead; log tail:\na\nb"
        );
    }
}
