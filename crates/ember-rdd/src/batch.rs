//! How a partition flows: batches of at most [`BATCH`] elements, and the adapters between
//! batches and element iterators.

use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};
use crate::sync::lock;
use crate::task::TaskContext;

/// How many elements flow through a chain of narrow transformations at a time. Small enough to
/// stay in the L1 cache, large enough that the per-batch dynamic dispatch costs nothing.
pub(crate) const BATCH: usize = 1024;

/// A partition's elements, in batches of at most [`BATCH`]. An `Err` ends the stream.
pub(crate) type BatchIter<T> = Box<dyn Iterator<Item = Result<Vec<T>>> + Send>;

/// Batches of clones of `data[lo..hi]`: the one slicing loop behind `parallelize` of a `Vec`,
/// `parallelize_partitions` and reads of a cached partition.
pub(crate) fn slice_batches<T, S>(data: Arc<S>, lo: usize, hi: usize) -> BatchIter<T>
where
    T: Clone + Send + 'static,
    S: AsRef<[T]> + Send + Sync + ?Sized + 'static,
{
    let hi = hi.min((*data).as_ref().len());
    Box::new(
        (lo..hi)
            .step_by(BATCH)
            .map(move |i| Ok((*data).as_ref()[i..(i + BATCH).min(hi)].to_vec())),
    )
}

/// Batches of an owned vector (moved, not cloned).
pub(crate) fn vec_batches<T: Send + 'static>(v: Vec<T>) -> BatchIter<T> {
    let mut it = v.into_iter();
    Box::new(std::iter::from_fn(move || {
        let batch: Vec<T> = it.by_ref().take(BATCH).collect();
        (!batch.is_empty()).then_some(Ok(batch))
    }))
}

/// A task's view of a partition: its batches, stopping with [`Error::Cancelled`] as soon as the
/// job is cancelled or another task of it has failed.
pub(crate) struct Batches<T> {
    inner: BatchIter<T>,
    tc: TaskContext,
}

impl<T> Batches<T> {
    pub(crate) fn new(inner: BatchIter<T>, tc: TaskContext) -> Self {
        Batches { inner, tc }
    }
}

impl<T> Iterator for Batches<T> {
    type Item = Result<Vec<T>>;
    fn next(&mut self) -> Option<Self::Item> {
        if let Err(e) = self.tc.check() {
            return Some(Err(e));
        }
        self.inner.next()
    }
}

/// Where an element-wise stream stores the error that ended it, so the batches built from it
/// can report it.
pub(crate) type ErrorSlot = Arc<Mutex<Option<Error>>>;

/// Flattens batches into elements for closures that take an iterator (`map_partitions`,
/// `flat_map`). An `Err` batch ends the stream and is parked in the slot.
pub(crate) struct Elements<T> {
    batches: BatchIter<T>,
    current: std::vec::IntoIter<T>,
    error: ErrorSlot,
}

impl<T> Iterator for Elements<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(x) = self.current.next() {
                return Some(x);
            }
            match self.batches.next()? {
                Ok(batch) => self.current = batch.into_iter(),
                Err(e) => {
                    *lock(&self.error) = Some(e);
                    return None;
                }
            }
        }
    }
}

pub(crate) fn elements<T: Send + 'static>(batches: BatchIter<T>) -> (Elements<T>, ErrorSlot) {
    let error = ErrorSlot::default();
    let it = Elements {
        batches,
        current: Vec::new().into_iter(),
        error: Arc::clone(&error),
    };
    (it, error)
}

/// The batches themselves, for closures that work a batch at a time
/// (`map_partitions_with_rng`). An `Err` batch ends the stream and is parked in the slot.
pub(crate) fn plain_batches<T: Send + 'static>(
    mut batches: BatchIter<T>,
) -> (impl Iterator<Item = Vec<T>> + Send + 'static, ErrorSlot) {
    let error = ErrorSlot::default();
    let slot = Arc::clone(&error);
    let it = std::iter::from_fn(move || match batches.next()? {
        Ok(batch) => Some(batch),
        Err(e) => {
            *lock(&slot) = Some(e);
            None
        }
    });
    (it, error)
}

/// Groups an element iterator back into batches, surfacing an error parked in `error`.
pub(crate) fn rebatch<U, I>(mut it: I, error: ErrorSlot) -> BatchIter<U>
where
    U: Send + 'static,
    I: Iterator<Item = U> + Send + 'static,
{
    let mut done = false;
    Box::new(std::iter::from_fn(move || {
        if done {
            return None;
        }
        let batch: Vec<U> = it.by_ref().take(BATCH).collect();
        if batch.len() < BATCH {
            done = true;
        }
        if let Some(e) = lock(&error).take() {
            done = true;
            return Some(Err(e));
        }
        (!batch.is_empty()).then_some(Ok(batch))
    }))
}

/// Drains a partition's batches into one `Vec`, stopping at the first error.
pub(crate) fn drain<T>(batches: impl Iterator<Item = Result<Vec<T>>>) -> Result<Vec<T>> {
    let mut all = Vec::new();
    for batch in batches {
        all.extend(batch?);
    }
    Ok(all)
}
