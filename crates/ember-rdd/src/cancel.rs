//! Cancellation: [`CancelToken`], and the job scope ([`Context::with_job_group`],
//! [`Context::with_cancel_token`]) that each context keeps for the threads that set one.
//!
//! [`Context::with_job_group`]: crate::Context::with_job_group
//! [`Context::with_cancel_token`]: crate::Context::with_cancel_token

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Waker};
use std::thread::ThreadId;

use crate::sync::lock;

/// Cancels the jobs that run under it. Cheap to clone; all clones share one flag.
///
/// Besides the flag that jobs check ([`is_cancelled`](Self::is_cancelled)), async code can
/// wait for it: [`cancelled`](Self::cancelled) is a future that resolves when
/// [`cancel`](Self::cancel) is called, on any executor (it is woken, never polled on a timer).
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
pub struct CancelToken(Arc<Shared>);

#[derive(Debug, Default)]
struct Shared {
    /// Read without the lock by jobs; written only under it, so a waiter that checked it
    /// under the lock and registered its waker cannot miss the cancel.
    cancelled: AtomicBool,
    waiters: Mutex<Waiters>,
}

/// The wakers of the pending [`Cancelled`] futures, by id.
#[derive(Debug, Default)]
struct Waiters {
    next_id: u64,
    wakers: Vec<(u64, Waker)>,
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }
    /// Cancels every job running under this token (their actions return
    /// [`Error::Cancelled`](crate::Error::Cancelled)) and wakes every
    /// [`cancelled`](Self::cancelled) future.
    pub fn cancel(&self) {
        let wakers = {
            let mut waiters = lock(&self.0.waiters);
            self.0.cancelled.store(true, Ordering::Release);
            std::mem::take(&mut waiters.wakers)
        };
        for (_, waker) in wakers {
            waker.wake();
        }
    }
    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::Acquire)
    }
    /// A future that resolves once [`cancel`](Self::cancel) is called (at once if it was).
    /// It owns a clone of the token, so it is `Send + 'static` and can outlive `self`.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled {
            token: self.clone(),
            id: None,
        }
    }
}

/// The future of [`CancelToken::cancelled`]: resolves once the token is cancelled.
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Cancelled {
    token: CancelToken,
    /// This future's entry among the token's wakers, once it registered one.
    id: Option<u64>,
}

impl Future for Cancelled {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<()> {
        if self.token.is_cancelled() {
            return Poll::Ready(());
        }
        let shared = Arc::clone(&self.token.0);
        let mut waiters = lock(&shared.waiters);
        if shared.cancelled.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        match self.id {
            Some(id) => match waiters.wakers.iter_mut().find(|(i, _)| *i == id) {
                Some((_, waker)) => waker.clone_from(cx.waker()),
                None => waiters.wakers.push((id, cx.waker().clone())),
            },
            None => {
                let id = waiters.next_id;
                waiters.next_id += 1;
                waiters.wakers.push((id, cx.waker().clone()));
                self.id = Some(id);
            }
        }
        Poll::Pending
    }
}

impl Drop for Cancelled {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            lock(&self.token.0.waiters).wakers.retain(|(i, _)| *i != id);
        }
    }
}

/// The job properties a thread set on one context (Spark keeps job groups per thread too).
#[derive(Debug, Default, Clone)]
pub(crate) struct JobScope {
    pub(crate) group: Option<String>,
    pub(crate) description: Option<String>,
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::task::Wake;
    use std::thread::Thread;
    use std::time::{Duration, Instant};

    use super::*;

    /// Wakes a parked thread.
    struct Unpark(Thread);

    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    /// Polls `fut` on this thread until it is ready or `limit` passes; `None` on timeout.
    fn block_on<F: Future>(fut: F, limit: Duration) -> Option<F::Output> {
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = TaskContext::from_waker(&waker);
        let mut fut = std::pin::pin!(fut);
        let deadline = Instant::now() + limit;
        loop {
            if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
                return Some(out);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            std::thread::park_timeout(left);
        }
    }

    #[test]
    fn cancelled_resolves_when_another_thread_cancels() {
        let token = CancelToken::new();
        let (started, wait) = mpsc::channel();
        let waiter = {
            let token = token.clone();
            std::thread::spawn(move || {
                let fut = token.cancelled();
                started.send(()).unwrap();
                block_on(fut, Duration::from_secs(10))
            })
        };
        wait.recv_timeout(Duration::from_secs(10)).unwrap();
        token.cancel();
        assert_eq!(waiter.join().unwrap(), Some(()));
    }

    #[test]
    fn cancelled_stays_pending_until_cancel_and_is_ready_after() {
        let token = CancelToken::new();
        let waker = Waker::noop();
        let mut cx = TaskContext::from_waker(waker);
        let mut fut = Box::pin(token.cancelled());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        // One registration per future, however often it is polled.
        assert_eq!(lock(&token.0.waiters).wakers.len(), 1);
        drop(fut);
        assert!(
            lock(&token.0.waiters).wakers.is_empty(),
            "a dropped future leaves no waker"
        );
        token.cancel();
        assert!(
            Box::pin(token.cancelled())
                .as_mut()
                .poll(&mut cx)
                .is_ready()
        );
    }
}
