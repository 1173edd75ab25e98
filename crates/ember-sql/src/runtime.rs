//! The bridge between callers and the session's own tokio runtime, where every query runs.

use std::future::Future;

use crate::{Error, Result};

/// A tokio runtime that runs queries: the one a session builds for itself (one worker per RDD
/// core), or one a server with many sessions builds once and gives to each of them
/// ([`SessionBuilder::runtime`](crate::SessionBuilder::runtime)), so its thread count stays the
/// same however many sessions are open and an idle session holds no thread. Its threads have
/// the large stacks deep plans need ([`MAX_DEPTH`](crate::MAX_DEPTH)).
///
/// Cheap to clone; clones share the runtime, which stops (without blocking, so it may be
/// dropped anywhere, inside another runtime too) when the last clone and the last session using
/// it are gone.
///
/// ```
/// let runtime = ember_sql::QueryRuntime::new(2)?;
/// let a = ember_sql::Session::builder().master("local[2]").runtime(runtime.clone()).get_or_create()?;
/// let b = ember_sql::Session::builder().master("local[2]").runtime(runtime).get_or_create()?;
/// assert_eq!(a.sql("SELECT 1 + 1 AS two")?.count()?, b.sql("SELECT 2 AS two")?.count()?);
/// # Ok::<(), ember_sql::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct QueryRuntime(ember_runtime::Runtime);

impl QueryRuntime {
    /// Starts a runtime with `threads` workers (at least one).
    ///
    /// Errors: [`Error::Runtime`] if the threads cannot be started.
    pub fn new(threads: usize) -> Result<Self> {
        let rt = ember_runtime::Runtime::builder("ember-sql")
            .threads(threads)
            // Plans are optimized, run and dropped here: room for a query as deep as
            // `MAX_DEPTH` (`planning.rs`).
            .stack_size(crate::planning::STACK_SIZE)
            .build()
            .map_err(runtime_error)?;
        Ok(QueryRuntime(rt))
    }

    /// The runtime's handle, to spawn work beside the queries.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.0.handle()
    }

    /// Runs `fut` on this runtime and blocks the calling thread until it finishes, by the
    /// workspace's one rule ([`ember_runtime::Runtime::block_on`]: from any thread, inside any
    /// tokio runtime too). Unbounded here: a query runs as long as its SQL asks; a caller that
    /// needs a bound races the query against it
    /// ([`DataFrame::collect_limited_until`](crate::DataFrame::collect_limited_until)).
    pub(crate) fn block_on<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.0
            .block_on("the query", None, fut)
            .map_err(runtime_error)?
    }

    /// Runs `fut` on this runtime and awaits the result from any executor. Dropping the
    /// returned future does not stop `fut`.
    pub(crate) async fn run<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.0
            .run("the query task", fut)
            .await
            .map_err(runtime_error)?
    }
}

fn runtime_error(e: ember_runtime::Error) -> Error {
    Error::Runtime {
        message: e.to_string(),
    }
}
