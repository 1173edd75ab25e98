//! The bridge between callers and the session's own tokio runtime, where every query runs.

use std::future::Future;
use std::sync::Arc;

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
#[derive(Clone)]
pub struct QueryRuntime(Arc<OwnedRuntime>);

struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl std::fmt::Debug for QueryRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryRuntime").finish_non_exhaustive()
    }
}

impl QueryRuntime {
    /// Starts a runtime with `threads` workers (at least one).
    ///
    /// Errors: [`Error::Runtime`] if the threads cannot be started.
    pub fn new(threads: usize) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .thread_name("ember-sql")
            // Plans are optimized, run and dropped here: room for a query as deep as
            // `MAX_DEPTH` (`planning.rs`).
            .thread_stack_size(crate::planning::STACK_SIZE)
            .enable_all()
            .build()
            .map_err(|e| Error::Runtime {
                message: format!("cannot start the SQL runtime: {e}"),
            })?;
        Ok(QueryRuntime(Arc::new(OwnedRuntime(Some(rt)))))
    }

    /// The runtime's handle, to spawn work beside the queries.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        match &self.0.0 {
            Some(rt) => rt.handle(),
            // Only `Drop` takes the runtime out, and a live `&self` means no drop has happened.
            None => unreachable_runtime(),
        }
    }
}

impl QueryRuntime {
    /// Runs `fut` on this runtime and blocks the calling thread until it finishes.
    ///
    /// Works from plain threads and from inside any tokio runtime (on a multi-thread runtime the
    /// wait uses `block_in_place`; on a current-thread runtime the thread blocks while the
    /// session's own workers do the work).
    pub(crate) fn block_on<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.handle().spawn(async move {
            // The receiver only disappears if the caller is gone; nothing to do then.
            let _ = tx.send(fut.await);
        });
        let wait = || rx.recv();
        let received = match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        };
        received.map_err(|_| Error::Runtime {
            message: "the query task ended without a result (it panicked or the runtime stopped)"
                .to_owned(),
        })?
    }

    /// Runs `fut` on this runtime and awaits the result from any executor. Dropping the
    /// returned future does not stop `fut`.
    pub(crate) async fn run<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.handle().spawn(fut).await.map_err(|e| Error::Runtime {
            message: format!("the query task failed: {e}"),
        })?
    }
}

#[allow(clippy::panic)]
fn unreachable_runtime() -> ! {
    panic!("ember-sql: session runtime used after shutdown")
}
