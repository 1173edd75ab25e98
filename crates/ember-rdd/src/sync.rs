//! Locking that survives a panic in user code.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, ignoring poisoning: a panic while holding one of Ember's locks cannot leave the
/// data half-updated (every critical section is a single read, insert or remove, or a cache
/// slot that stays empty when its computation panics), so a poisoned lock is still safe to use.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
