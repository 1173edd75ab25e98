//! What a statement comes to: [`Execution`], and [`Death`] when the driver itself died.

use serde_json::{Map, Value};

/// The result of one statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Execution {
    /// Success: the result by mime type (`application/json`, `text/plain`, ...).
    Ok(Map<String, Value>),
    /// The statement failed; the session stays usable.
    Failed {
        /// The error's name (`Error` for sql, the exception class for Python).
        ename: String,
        /// The error's message.
        evalue: String,
        /// Detail lines, each ending in `\n`.
        traceback: Vec<String>,
    },
    /// The interpreter itself died: the statement fails with Livy's "Interpreter died" error and
    /// the session becomes `dead`.
    Died(Death),
}

/// How an interpreter died ([`Execution::Died`]); its text is what the statement's error and the
/// session's log say after "Interpreter died:".
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Death {
    /// The interpreter was gone before the statement reached it.
    NotRunning {
        /// The interpreter (`the SQL engine`, `the Python worker`).
        interpreter: &'static str,
    },
    /// The interpreter's process ended while the statement was sent or ran.
    Exited {
        /// The interpreter.
        interpreter: &'static str,
        /// What ended it: its exit status, or the error that cut the connection to it.
        cause: String,
        /// The last lines it wrote, each on a line of its own after a newline (may be empty).
        log_tail: String,
    },
    /// A statement passed its timeout and did not stop within the grace period after it was
    /// cancelled, so the interpreter is stuck in it.
    Stuck {
        /// The statement.
        statement: u64,
        /// Its timeout.
        limit: std::time::Duration,
        /// How long the cancel was given.
        grace: std::time::Duration,
    },
}

impl std::fmt::Display for Death {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Death::NotRunning { interpreter } => write!(f, "{interpreter} is not running"),
            Death::Exited {
                interpreter,
                cause,
                log_tail,
            } => write!(f, "{interpreter} exited ({cause}){log_tail}"),
            Death::Stuck {
                statement,
                limit,
                grace,
            } => write!(
                f,
                "statement {statement} passed the statement timeout of {limit:?} and did not stop within {grace:?} of being cancelled"
            ),
        }
    }
}

impl Execution {
    /// A failure with a message and no traceback.
    pub fn failed(ename: impl Into<String>, evalue: impl Into<String>) -> Self {
        Execution::Failed {
            ename: ename.into(),
            evalue: evalue.into(),
            traceback: Vec::new(),
        }
    }
}
