//! Cancellation: [`CancelToken`], and the job scope ([`Context::with_job_group`],
//! [`Context::with_cancel_token`]) that each context keeps for the threads that set one.
//!
//! [`Context::with_job_group`]: crate::Context::with_job_group
//! [`Context::with_cancel_token`]: crate::Context::with_cancel_token

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

use crate::sync::lock;

/// Cancels the jobs that run under it. Cheap to clone; all clones share one flag.
///
/// ```
/// use ember_rdd::{CancelToken, Context, Error};
///
/// let ctx = Context::new("cancel", "local[2]")?;
/// let token = CancelToken::new();
/// token.cancel();
/// let result = ctx.with_cancel_token(&token, || ctx.parallelize(0..10u64, 2)?.count());
/// assert!(matches!(result, Err(Error::Cancelled { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }
    /// Cancels every job running under this token; their actions return
    /// [`Error::Cancelled`](crate::Error::Cancelled).
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Release);
    }
    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// The job properties a thread set on one context (Spark keeps job groups per thread too).
#[derive(Debug, Default, Clone)]
pub(crate) struct JobScope {
    pub(crate) group: Option<String>,
    pub(crate) token: Option<CancelToken>,
}

/// The scopes of one context, by thread: a scope set through one context never applies to the
/// jobs of another, and an entry lives only while its `with_*` call runs.
#[derive(Debug, Default)]
pub(crate) struct Scopes(Mutex<HashMap<ThreadId, JobScope>>);

impl Scopes {
    /// The calling thread's scope on this context.
    pub(crate) fn current(&self) -> JobScope {
        lock(&self.0)
            .get(&std::thread::current().id())
            .cloned()
            .unwrap_or_default()
    }

    /// Updates the calling thread's scope until the guard drops (even if the scoped closure
    /// panics), then restores the previous one.
    pub(crate) fn enter(&self, update: impl FnOnce(&mut JobScope)) -> ScopeGuard<'_> {
        let thread = std::thread::current().id();
        let mut scopes = lock(&self.0);
        let previous = scopes.get(&thread).cloned();
        let mut scope = previous.clone().unwrap_or_default();
        update(&mut scope);
        scopes.insert(thread, scope);
        ScopeGuard {
            scopes: self,
            thread,
            previous,
        }
    }
}

/// Restores a thread's previous scope on drop.
pub(crate) struct ScopeGuard<'a> {
    scopes: &'a Scopes,
    thread: ThreadId,
    previous: Option<JobScope>,
}

impl Drop for ScopeGuard<'_> {
    fn drop(&mut self) {
        let mut scopes = lock(&self.scopes.0);
        match self.previous.take() {
            Some(prev) => scopes.insert(self.thread, prev),
            None => scopes.remove(&self.thread),
        };
    }
}
