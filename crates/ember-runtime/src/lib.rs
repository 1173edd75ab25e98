//! Ember's one owned tokio runtime, and its one bridge from blocking code to async work (and
//! [`error_chain`], how the async crates report an error with its causes).
//!
//! Every Ember crate that runs async work on threads of its own (ember-sql's queries,
//! ember-livy's blocking client, the Livy server's sessions, the partition cluster's driver,
//! ember-cluster's in-process cluster, ember-serve's bounded stop, the CLI's Livy and cluster
//! commands and its SQL shell) starts a [`Runtime`] and waits on it with [`Runtime::block_on`].
//! (The event loops that serve HTTP, actix's and the partition servers', are not work runtimes:
//! each is a thread that only runs its server.) One type, so each of them:
//!
//! - stops without blocking when the last clone is dropped (`shutdown_background`), so a
//!   runtime may be dropped anywhere, inside another runtime too;
//! - waits by one rule, below.
//!
//! # The rule for waiting
//! [`Runtime::block_on`] spawns the future onto the runtime's own workers and parks the calling
//! thread until the future ends or the bound passes. Because the work never runs on the caller's
//! thread, the call works from any thread:
//! - a plain thread parks;
//! - a worker of a multi-thread tokio runtime parks inside `block_in_place`, so that runtime's
//!   other tasks move to other workers;
//! - the thread of a current-thread runtime parks too (its other tasks wait, as with any
//!   blocking call there), and nothing deadlocks because the work runs elsewhere.
//!
//! Every wait is bounded: the limit is a [`Duration`], and a future that outlives it is aborted
//! and reported as [`Error::Timeout`], naming what was waited for. `None` is allowed only where
//! the future bounds itself (a query under its session's limits, an HTTP call under its client's
//! timeouts), and the docs of the call that passes it say which bound applies.
//!
//! Async callers use [`Runtime::run`], which awaits the same spawned task from any executor.
//!
//! ```
//! use std::time::Duration;
//!
//! let runtime = ember_runtime::Runtime::builder("example").threads(2).build()?;
//! let answer = runtime.block_on("the answer", Some(Duration::from_secs(5)), async { 6 * 7 })?;
//! assert_eq!(answer, 42);
//!
//! let late = runtime.block_on("a nap", Some(Duration::from_millis(10)), async {
//!     tokio::time::sleep(Duration::from_secs(60)).await
//! });
//! assert!(matches!(late, Err(ember_runtime::Error::Timeout { .. })));
//! # Ok::<(), ember_runtime::Error>(())
//! ```

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::runtime::{Handle, RuntimeFlavor};

/// What can go wrong starting a runtime or waiting on it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The runtime's threads could not be started.
    #[error("cannot start the {name} runtime: {source}")]
    Start {
        /// The runtime's name (its threads' name).
        name: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A wait passed its bound; the work was aborted.
    #[error("{what} did not finish within {after:?}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// The bound that passed.
        after: Duration,
    },
    /// The work ended without a result: it panicked, or the runtime was shut down under it.
    #[error("{what} ended without a result ({reason})")]
    Lost {
        /// What was waited for.
        what: String,
        /// Why: a panic's message, or that the runtime stopped.
        reason: String,
    },
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A tokio runtime with threads of its own (see the crate doc). Cheap to clone: clones share
/// the runtime, which stops, without blocking, when the last clone is dropped.
#[derive(Clone)]
pub struct Runtime(Arc<Owned>);

struct Owned {
    name: String,
    rt: Option<tokio::runtime::Runtime>,
}

impl Drop for Owned {
    fn drop(&mut self) {
        // A plain drop blocks until every task ends, and panics inside an async context.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("name", &self.0.name)
            .finish_non_exhaustive()
    }
}

/// How a [`Runtime`] is started: its threads' name, count and stack size.
#[derive(Debug, Clone)]
pub struct Builder {
    name: String,
    threads: usize,
    stack_size: Option<usize>,
}

impl Builder {
    /// The number of worker threads (at least one; default one).
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Each worker's stack size in bytes (default tokio's, 2 MiB).
    #[must_use]
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// Starts the runtime, with tokio's timers and I/O enabled.
    ///
    /// Errors: [`Error::Start`] if the threads cannot be started.
    pub fn build(self) -> Result<Runtime> {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(self.threads)
            .thread_name(self.name.clone())
            .enable_all();
        if let Some(bytes) = self.stack_size {
            b.thread_stack_size(bytes);
        }
        let rt = b.build().map_err(|source| Error::Start {
            name: self.name.clone(),
            source,
        })?;
        Ok(Runtime(Arc::new(Owned {
            name: self.name,
            rt: Some(rt),
        })))
    }
}

impl Runtime {
    /// A builder for a runtime whose threads are called `name`.
    pub fn builder(name: impl Into<String>) -> Builder {
        Builder {
            name: name.into(),
            threads: 1,
            stack_size: None,
        }
    }

    /// The runtime's handle, to spawn work on it or enter its context.
    pub fn handle(&self) -> &Handle {
        match &self.0.rt {
            Some(rt) => rt.handle(),
            // Only `Drop` takes the runtime out, and a live `&self` means no drop has happened.
            None => unreachable_runtime(),
        }
    }

    /// Stops the runtime and waits, at most `limit`, for its tasks to end (from a thread of
    /// its own, so it may be called from async code too). When other clones exist this only
    /// drops this one: the last clone stops the runtime.
    pub fn shutdown(self, limit: Duration) {
        let Ok(mut owned) = Arc::try_unwrap(self.0) else {
            return;
        };
        if let Some(rt) = owned.rt.take() {
            // A panic while stopping has nothing left to report to: the runtime is gone.
            let _ = std::thread::spawn(move || rt.shutdown_timeout(limit)).join();
        }
    }

    /// Runs `fut` on this runtime's workers and parks the calling thread until it ends, at most
    /// `limit` (see the crate doc for the rule, and for when `None` is allowed).
    ///
    /// Errors: [`Error::Timeout`] when `limit` passes (the work is aborted),
    /// [`Error::Lost`] when the work panicked or the runtime stopped.
    pub fn block_on<F>(&self, what: &str, limit: Option<Duration>, fut: F) -> Result<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let task = self.handle().spawn(async move {
            // The receiver is gone only if the caller stopped waiting; nothing to do then.
            let _ = tx.send(CatchUnwind(Box::pin(fut)).await);
        });
        let wait = || match limit {
            Some(limit) => rx.recv_timeout(limit).map_err(|e| match e {
                std::sync::mpsc::RecvTimeoutError::Timeout => Some(limit),
                std::sync::mpsc::RecvTimeoutError::Disconnected => None,
            }),
            None => rx.recv().map_err(|_| None),
        };
        let waited = match Handle::try_current() {
            Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        };
        match waited {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => Err(Error::Lost {
                what: what.to_owned(),
                reason: panic,
            }),
            Err(Some(after)) => {
                task.abort();
                Err(Error::Timeout {
                    what: what.to_owned(),
                    after,
                })
            }
            // The task was dropped unfinished: only a runtime shutting down does that.
            Err(None) => Err(Error::Lost {
                what: what.to_owned(),
                reason: format!("the {} runtime stopped", self.0.name),
            }),
        }
    }

    /// Runs `fut` on this runtime's workers and awaits it from any executor. Dropping the
    /// returned future does not stop `fut`.
    ///
    /// Errors: [`Error::Lost`] when the work panicked or the runtime stopped.
    pub async fn run<F>(&self, what: &str, fut: F) -> Result<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self.handle().spawn(CatchUnwind(Box::pin(fut))).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => Err(Error::Lost {
                what: what.to_owned(),
                reason: panic,
            }),
            Err(_) => Err(Error::Lost {
                what: what.to_owned(),
                reason: format!("the {} runtime stopped", self.0.name),
            }),
        }
    }
}

/// Polls a future and turns a panic while polling into `Err` with the panic's message, so the
/// waiter hears what went wrong instead of a closed channel.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = std::result::Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match std::panic::catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Err(payload) => Poll::Ready(Err(panic_message(payload.as_ref()))),
        }
    }
}

/// "it panicked: <message>", from a panic's payload (a `&str` or a `String` when it came from
/// `panic!`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = (payload.downcast_ref::<&str>().copied())
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str));
    text.map_or_else(|| "it panicked".to_owned(), |m| format!("it panicked: {m}"))
}

/// An error and its causes on one line, joined with `: ` (an HTTP client's own message often
/// names only the URL, its causes say what failed); a cause already in the text is not repeated.
/// Every network error the async crates report reads this way.
///
/// ```
/// let e = std::io::Error::other(std::io::Error::other("connection refused"));
/// assert_eq!(ember_runtime::error_chain(&e), "connection refused");
/// ```
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[allow(clippy::panic)]
fn unreachable_runtime() -> ! {
    panic!("ember-runtime: runtime used after shutdown")
}
