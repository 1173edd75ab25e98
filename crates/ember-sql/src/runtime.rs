//! The bridge between callers and the session's own tokio runtime, where every query runs.

use std::future::Future;

use crate::session::Session;
use crate::{Error, Result};

/// Owns the session's tokio runtime and shuts it down without blocking, so a [`Session`] may be
/// dropped anywhere, including inside another runtime (where dropping a `Runtime` would panic).
pub(crate) struct RuntimeHolder(Option<tokio::runtime::Runtime>);

impl RuntimeHolder {
    pub(crate) fn new(runtime: tokio::runtime::Runtime) -> Self {
        RuntimeHolder(Some(runtime))
    }
}

impl Drop for RuntimeHolder {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Session {
    /// Runs `fut` on the session's runtime and blocks the calling thread until it finishes.
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

    /// Runs `fut` on the session's runtime (where its queries run) and awaits the result from any
    /// executor. Servers use it to drive DataFusion directly, for example to race a query's stream
    /// against a cancel signal (dropping a DataFusion stream stops its execution). Dropping the
    /// returned future does not stop `fut`.
    ///
    /// Errors: [`Error::Runtime`] if `fut` panicked or the runtime stopped, else `fut`'s own.
    pub async fn spawn<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.handle().spawn(fut).await.map_err(|e| Error::Runtime {
            message: format!("the query task failed: {e}"),
        })?
    }

    pub(crate) fn handle(&self) -> tokio::runtime::Handle {
        match &self.inner().runtime.0 {
            Some(rt) => rt.handle().clone(),
            // Only `Drop` takes the runtime out, and a live `&self` means no drop has happened.
            None => unreachable_runtime(),
        }
    }
}

#[allow(clippy::panic)]
fn unreachable_runtime() -> ! {
    panic!("ember-sql: session runtime used after shutdown")
}
