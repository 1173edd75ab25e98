//! Shared variables: broadcast values and accumulators.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::ops::{AddAssign, Deref};
use std::sync::{Arc, Mutex};

use crate::sync::lock;

/// A read-only value shared by every task (Spark's broadcast variable). In-process the value is
/// shared behind an `Arc`, never copied.
pub struct Broadcast<T> {
    id: u64,
    value: Arc<T>,
}

impl<T> Broadcast<T> {
    pub(crate) fn new(id: u64, value: T) -> Self {
        Broadcast {
            id,
            value: Arc::new(value),
        }
    }
    /// The broadcast's id, unique within its context.
    pub fn id(&self) -> u64 {
        self.id
    }
    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }
}

impl<T> Clone for Broadcast<T> {
    fn clone(&self) -> Self {
        Broadcast {
            id: self.id,
            value: Arc::clone(&self.value),
        }
    }
}

impl<T> Deref for Broadcast<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Broadcast<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Broadcast")
            .field("id", &self.id)
            .field("value", &self.value)
            .finish()
    }
}

/// A value that tasks add to and the driver reads (Spark's accumulator).
///
/// Adds made inside a task are buffered and applied once, when the task succeeds; the adds of a
/// failed attempt are dropped, so a retried task is counted once. Adds made outside any task
/// apply at once.
pub struct Accumulator<T> {
    id: u64,
    total: Arc<Mutex<T>>,
}

impl<T> Clone for Accumulator<T> {
    fn clone(&self) -> Self {
        Accumulator {
            id: self.id,
            total: Arc::clone(&self.total),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Accumulator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accumulator")
            .field("id", &self.id)
            .field("value", &*lock(&self.total))
            .finish()
    }
}

impl<T: AddAssign + Clone + Send + Sync + 'static> Accumulator<T> {
    pub(crate) fn new(id: u64, zero: T) -> Self {
        Accumulator {
            id,
            total: Arc::new(Mutex::new(zero)),
        }
    }

    /// This accumulator's identity: the address of its shared total, which every clone shares
    /// and no other live accumulator (of any context) can have. Task buffers are keyed by it,
    /// not by the per-context `id`, so accumulators of two contexts never collide.
    fn key(&self) -> usize {
        Arc::as_ptr(&self.total) as *const () as usize
    }

    /// Adds `value`: buffered until the current task succeeds, or applied at once outside a task.
    pub fn add(&self, value: T) {
        let key = self.key();
        let buffered = TASK_ADDS.with(|adds| {
            let mut adds = adds.borrow_mut();
            let Some(adds) = adds.as_mut() else {
                return Some(value);
            };
            match adds.get_mut(&key) {
                Some(pending) => match pending.as_any_mut().downcast_mut::<PendingAdd<T>>() {
                    Some(p) => p.local += value,
                    None => return Some(value),
                },
                None => {
                    // The pending add holds the total, so the address stays taken (and the key
                    // unique) until the add is committed or dropped.
                    adds.insert(
                        key,
                        Box::new(PendingAdd {
                            target: Arc::clone(&self.total),
                            local: value,
                        }),
                    );
                }
            }
            None
        });
        if let Some(value) = buffered {
            *lock(&self.total) += value;
        }
    }

    /// The value of every add applied so far.
    pub fn value(&self) -> T {
        lock(&self.total).clone()
    }
}

pub(crate) trait Pending: Send {
    fn commit(self: Box<Self>);
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

struct PendingAdd<T> {
    target: Arc<Mutex<T>>,
    local: T,
}

impl<T: AddAssign + Send + 'static> Pending for PendingAdd<T> {
    fn commit(self: Box<Self>) {
        *lock(&self.target) += self.local;
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// The adds of the running task attempt, by accumulator identity.
pub(crate) type TaskAdds = HashMap<usize, Box<dyn Pending>>;

// The one thread-local in Ember: `Accumulator::add` takes no task argument (as in Spark), so the
// buffer of the task attempt running on this worker thread is found here. It lives exactly as
// long as the attempt: the scheduler installs it before running the task and takes it back
// after, so nothing outlives a task or crosses to another context's job.
thread_local! {
    static TASK_ADDS: RefCell<Option<TaskAdds>> = const { RefCell::new(None) };
}

/// The adds a finished task attempt made, to apply if it succeeded.
pub(crate) struct PendingAdds(TaskAdds);

impl PendingAdds {
    pub(crate) fn commit(self) {
        self.0.into_values().for_each(|p| p.commit());
    }
}

/// Starts buffering adds for a task on this thread; returns what was buffered before (a task can
/// run nested inside another on the same worker, when user code itself uses the pool).
pub(crate) fn begin_task() -> Option<TaskAdds> {
    TASK_ADDS.with(|a| a.borrow_mut().replace(HashMap::new()))
}

/// Stops buffering for this task and restores the enclosing task's buffer.
pub(crate) fn end_task(previous: Option<TaskAdds>) -> PendingAdds {
    let mine = TASK_ADDS.with(|a| std::mem::replace(&mut *a.borrow_mut(), previous));
    PendingAdds(mine.unwrap_or_default())
}
