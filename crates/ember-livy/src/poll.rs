//! How often the client polls, and how it backs off before retrying.

use std::time::Duration;

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
