//! [`Settings`]: what a [`LivyClientBuilder`](crate::LivyClientBuilder) sets for a client and
//! every handle it makes.

use std::time::Duration;

use crate::poll::{PollSchedule, RetryPolicy};

/// The deadlines, poll schedule and retry policy a client and its handles use.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) request_timeout: Duration,
    pub(crate) session_start_timeout: Duration,
    pub(crate) statement_timeout: Duration,
    pub(crate) batch_timeout: Duration,
    pub(crate) poll: PollSchedule,
    pub(crate) retry: RetryPolicy,
    pub(crate) cancel_on_timeout: bool,
}
