//! How often the client polls, how it backs off before retrying, and the one loop that polls
//! a session, statement or batch until it is done, under a deadline.

use std::ops::ControlFlow;
use std::time::Duration;

use crate::error::{Error, Result};

/// The intervals between polls of a session, statement or batch: `first`, in order, then
/// `then` forever (the wait's deadline ends it).
///
/// The default is the Python Livy utility's and pylivy's: 0.1, 0.2, 0.3, 0.5 s, then every 1 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollSchedule {
    /// The first intervals.
    pub first: Vec<Duration>,
    /// The interval after those.
    pub then: Duration,
}

impl Default for PollSchedule {
    fn default() -> Self {
        PollSchedule {
            first: [100, 200, 300, 500]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
            then: Duration::from_secs(1),
        }
    }
}

impl PollSchedule {
    /// A schedule of `first` intervals, then `then` forever.
    pub fn new(first: impl IntoIterator<Item = Duration>, then: Duration) -> Self {
        PollSchedule {
            first: first.into_iter().collect(),
            then,
        }
    }

    /// The same interval every time.
    pub fn fixed(every: Duration) -> Self {
        PollSchedule {
            first: Vec::new(),
            then: every,
        }
    }

    /// The intervals, endless.
    pub fn intervals(&self) -> impl Iterator<Item = Duration> + '_ {
        self.first
            .iter()
            .copied()
            .chain(std::iter::repeat(self.then))
    }
}

/// When idempotent requests (GETs, DELETE, cancel) are retried: on connection errors, resets,
/// timeouts and 5xx answers, up to `max_retries` times, sleeping `initial_backoff`, then twice
/// that each time, capped at `max_backoff`.
///
/// Requests that create something (POST a session, statement or batch) are retried only when the
/// connection could not be made at all (so the request was never sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: never retry).
    pub max_retries: u32,
    /// The first sleep.
    pub initial_backoff: Duration,
    /// The longest sleep.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The sleep before retry number `retry` (0-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// Looks at something with `look` on `schedule` until `look` says it is done
/// ([`ControlFlow::Break`], the result), at most `deadline`: then [`Error::Timeout`] naming
/// `waiting_for`. `look` gets what the previous look learned (`first` at first) and hands on
/// what the next one needs ([`ControlFlow::Continue`]). Every wait of the client (a session to
/// start, a statement, a batch) is this loop.
pub(crate) async fn until<S, T, F>(
    schedule: &PollSchedule,
    deadline: Duration,
    waiting_for: impl FnOnce() -> String,
    first: S,
    mut look: impl FnMut(S) -> F,
) -> Result<T>
where
    F: Future<Output = ControlFlow<Result<T>, S>>,
{
    let poll = async {
        let mut intervals = schedule.intervals();
        let mut seen = first;
        loop {
            match look(seen).await {
                ControlFlow::Break(done) => return done,
                ControlFlow::Continue(next) => seen = next,
            }
            tokio::time::sleep(intervals.next().unwrap_or(schedule.then)).await;
        }
    };
    with_deadline(deadline, waiting_for, poll).await
}

/// Runs `fut` under `deadline`; [`Error::Timeout`] naming `waiting_for` when it passes.
pub(crate) async fn with_deadline<T>(
    deadline: Duration,
    waiting_for: impl FnOnce() -> String,
    fut: impl Future<Output = Result<T>>,
) -> Result<T> {
    match tokio::time::timeout(deadline, fut).await {
        Ok(result) => result,
        Err(_) => Err(Error::Timeout {
            waiting_for: waiting_for(),
            after: deadline,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule_is_the_seeds() {
        let s = PollSchedule::default();
        let got: Vec<u128> = s.intervals().take(6).map(|d| d.as_millis()).collect();
        assert_eq!(got, vec![100, 200, 300, 500, 1000, 1000]);
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let r = RetryPolicy::default();
        assert_eq!(r.backoff(0), Duration::from_millis(100));
        assert_eq!(r.backoff(2), Duration::from_millis(400));
        assert_eq!(r.backoff(10), Duration::from_secs(2));
        assert_eq!(r.backoff(40), Duration::from_secs(2));
    }
}
