//! The seam between the REST layer and what runs statements: one [`Interpreter`] per session.
//!
//! The REST layer (sessions, statement queues, cancel, timeouts) knows nothing of SQL or Python;
//! a kind of session is an [`InterpreterFactory`] registered with the server for a
//! [`SessionKind`]. `sql` sessions run on Ember's engine ([`crate::sql`]); another kind (pyspark
//! on a Python worker process) plugs in the same way.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use ember_livy::protocol::SessionKind;

use crate::error::Error;
use futures_util::future::BoxFuture;

/// Log lines kept per session by default (Livy's `livy.cache-log.size`).
pub const LOG_LINES: usize = 200;

/// The longest log line by default, in bytes; longer ones are cut.
pub use ember_spark::lines::LOG_LINE_BYTES;

/// A session's log (`GET /sessions/{id}/log`, and the last lines in the session object): the
/// server and the session's interpreter both write to it. Cheap to clone; clones share lines.
#[derive(Debug, Clone)]
pub struct SessionLog {
    session: u64,
    max_lines: usize,
    max_line_bytes: usize,
    lines: Arc<Mutex<VecDeque<String>>>,
}

impl Default for SessionLog {
    fn default() -> Self {
        SessionLog::new(0)
    }
}

impl SessionLog {
    /// An empty log for session `session`, keeping [`LOG_LINES`] lines of at most
    /// [`LOG_LINE_BYTES`].
    pub fn new(session: u64) -> Self {
        SessionLog::with_limits(session, LOG_LINES, LOG_LINE_BYTES)
    }

    /// An empty log keeping the last `max_lines` lines (at least 1), each cut to
    /// `max_line_bytes` (at least 80).
    pub fn with_limits(session: u64, max_lines: usize, max_line_bytes: usize) -> Self {
        SessionLog {
            session,
            max_lines: max_lines.max(1),
            max_line_bytes: max_line_bytes.max(80),
            lines: Arc::default(),
        }
    }

    /// The longest line this log keeps, in bytes.
    pub fn max_line_bytes(&self) -> usize {
        self.max_line_bytes
    }

    /// Appends a line (also traced at info level), cut to the line limit with a note of its
    /// length; the oldest lines past the line count go.
    pub fn push(&self, line: impl Into<String>) {
        let line = ember_spark::lines::cut_line(line.into(), self.max_line_bytes);
        tracing::info!(session = self.session, "{line}");
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        lines.push_back(line);
        while lines.len() > self.max_lines {
            lines.pop_front();
        }
    }

    /// Up to `size` lines from `from` (by default the last `size`), with the first line's
    /// index and how many lines are held, read under one lock.
    pub fn window(&self, from: Option<usize>, size: usize) -> (usize, usize, Vec<String>) {
        let lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        let total = lines.len();
        let from = from
            .unwrap_or_else(|| total.saturating_sub(size))
            .min(total);
        (
            from,
            total,
            lines.iter().skip(from).take(size).cloned().collect(),
        )
    }
}

/// What a session was created with, as the interpreter needs it.
#[derive(Debug, Clone)]
pub struct SessionSpec {
    /// The session id.
    pub id: u64,
    /// The session's name, if it has one.
    pub name: Option<String>,
    /// The session's kind (never `Unknown`).
    pub kind: SessionKind,
    /// The Spark configuration of the create request.
    pub conf: BTreeMap<String, String>,
    /// The session's log, for what the interpreter has to tell (start-up output, truncation).
    pub log: SessionLog,
}

impl SessionSpec {
    /// The application name: the session's name, else `livy-session-<id>` (as Livy names it).
    pub fn app_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("livy-session-{}", self.id))
    }
}

pub use ember_spark::{Death, Execution};

/// Runs the statements of one session, one at a time, in id order.
///
/// The server calls [`start`](Self::start) once (the session is `starting` until it returns),
/// then [`execute`](Self::execute) for each statement, never two at once. [`cancel`](Self::cancel)
/// may be called from another task while `execute` runs and must make it return promptly (within
/// a second), stopping the work it started. [`stop`](Self::stop) is called once when the session
/// is deleted, times out or the server shuts down; it must release every resource (threads,
/// processes) the interpreter holds.
pub trait Interpreter: Send + Sync + fmt::Debug {
    /// Makes the interpreter ready. An error (typically [`Error::InterpreterStart`]) puts the
    /// session in `error`, with the message in its log.
    fn start(&self) -> BoxFuture<'_, Result<(), Error>>;

    /// Runs one statement's code.
    fn execute<'a>(&'a self, statement_id: u64, code: &'a str) -> BoxFuture<'a, Execution>;

    /// The statement kinds it runs besides its session's own: Apache Livy 0.5+'s statement-level
    /// kinds (`{"code": ..., "kind": "sql"}`). A statement of another kind is refused with 400
    /// before it is queued. None by default.
    fn other_statement_kinds(&self) -> Vec<SessionKind> {
        Vec::new()
    }

    /// Runs one statement's code as `kind`, one of
    /// [`other_statement_kinds`](Self::other_statement_kinds) (the same contract as
    /// [`execute`](Self::execute) otherwise). By default, as [`execute`](Self::execute).
    fn execute_as<'a>(
        &'a self,
        statement_id: u64,
        code: &'a str,
        _kind: &'a SessionKind,
    ) -> BoxFuture<'a, Execution> {
        self.execute(statement_id, code)
    }

    /// Asks the running statement `statement_id` to stop.
    fn cancel(&self, statement_id: u64);

    /// Releases everything the interpreter holds.
    fn stop(&self) -> BoxFuture<'_, ()>;

    /// Completion candidates for `code` at `cursor` (a character offset), in the language of
    /// `kind` (the request's; `None`: the session's own). None by default. Must answer within a
    /// few seconds, offering nothing rather than waiting longer.
    fn complete<'a>(
        &'a self,
        _code: &'a str,
        _cursor: usize,
        _kind: Option<&'a SessionKind>,
    ) -> BoxFuture<'a, Vec<String>> {
        Box::pin(async { Vec::new() })
    }

    /// The running statement's progress from 0 to 1 (Livy's: the finished share of the tasks
    /// of the Spark jobs it started), if the interpreter knows it. A finished statement's is 1.
    fn progress(&self, _statement_id: u64) -> Option<f64> {
        None
    }
}

/// Makes the interpreter of a new session of one kind.
pub trait InterpreterFactory: Send + Sync + fmt::Debug {
    /// An interpreter for `spec`. An `Err` (typically [`Error::SessionRefused`], naming the
    /// setting) refuses the create request with 400 and its message (nothing is left behind).
    fn create(&self, spec: &SessionSpec) -> Result<Arc<dyn Interpreter>, Error>;

    /// Releases what the factory keeps between sessions (a warm pool), at server shutdown.
    fn shutdown(&self) {}

    /// Whether its sessions run arbitrary code as the server's user (Python, Scala), so they can
    /// do anything that user can, files included. Such kinds are served beyond loopback only
    /// with a token and [`ServerConfig::allow_code_execution`](crate::ServerConfig). `true`
    /// unless a factory says otherwise.
    fn runs_code(&self) -> bool {
        true
    }
}
