//! [`Rdd`]: the lazy, partitioned collection (a node of the lineage graph), how a partition is
//! computed, and the in-memory cache. Transformations are in `transform.rs` and `pair.rs`,
//! actions in `action.rs`.

use std::fmt;
use std::sync::{Arc, Mutex, Weak};

use crate::batch::{BatchIter, Batches, drain, slice_batches};
use crate::context::Context;
use crate::error::Result;
use crate::lineage::{Dep, Lineage};
use crate::status::{CacheReport, CachedRdd};
use crate::sync::lock;
use crate::task::TaskContext;

/// What an RDD can hold: values that can be cloned (a partition is recomputed or read from cache
/// more than once) and sent between worker threads.
pub trait Data: Clone + Send + Sync + 'static {}
impl<T: Clone + Send + Sync + 'static> Data for T {}

/// Computes partition `p` (the RDD's own index) within a task.
type ComputeFn<T> = dyn Fn(usize, &TaskContext) -> Result<BatchIter<T>> + Send + Sync;

/// One slot per partition. A job that computes a partition holds its slot's lock until the
/// partition is stored, so a second job reaching the slot waits and then reads it (Spark's
/// block manager does the same); a failed computation leaves the slot empty for the next one.
type CacheSlots<T> = Arc<[Mutex<Option<Arc<Vec<T>>>>]>;

/// A resilient distributed dataset: an immutable, lazily computed collection split into
/// partitions that are computed in parallel on the [`Context`]'s workers.
///
/// Transformations (`map`, `filter`, `reduce_by_key`, ...) return a new `Rdd` and compute
/// nothing; actions (`collect`, `count`, `reduce`, ...) run a job and return its result.
/// Cloning an `Rdd` is cheap and the clone is the same RDD (it shares the cache).
///
/// ```
/// let ctx = ember_rdd::Context::new("rdd", "local[2]")?;
/// let squares = ctx.parallelize(1..=4i64, 2)?.map(|x| x * x);
/// assert_eq!(squares.collect()?, [1, 4, 9, 16]);
/// assert_eq!(squares.num_partitions(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Rdd<T> {
    inner: Arc<RddInner<T>>,
}

struct RddInner<T> {
    ctx: Context,
    id: usize,
    name: &'static str,
    num_partitions: usize,
    deps: Vec<Dep>,
    compute: Box<ComputeFn<T>>,
    /// `Some` once persisted.
    storage: Mutex<Option<CacheSlots<T>>>,
}

impl<T: Data> Lineage for RddInner<T> {
    fn deps(&self) -> &[Dep] {
        &self.deps
    }
}

impl<T> Clone for Rdd<T> {
    fn clone(&self) -> Self {
        Rdd {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> fmt::Debug for Rdd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rdd")
            .field("id", &self.inner.id)
            .field("name", &self.inner.name)
            .field("num_partitions", &self.inner.num_partitions)
            .finish_non_exhaustive()
    }
}

impl<T: Data> Rdd<T> {
    /// A new node of the lineage graph: `compute(p, tc)` yields partition `p`'s batches.
    pub(crate) fn from_compute(
        ctx: &Context,
        name: &'static str,
        num_partitions: usize,
        deps: Vec<Dep>,
        compute: impl Fn(usize, &TaskContext) -> Result<BatchIter<T>> + Send + Sync + 'static,
    ) -> Self {
        Rdd {
            inner: Arc::new(RddInner {
                ctx: ctx.clone(),
                id: ctx.next_id(),
                name,
                num_partitions,
                deps,
                compute: Box::new(compute),
                storage: Mutex::new(None),
            }),
        }
    }

    pub(crate) fn lineage(&self) -> Arc<dyn Lineage> {
        Arc::clone(&self.inner) as Arc<dyn Lineage>
    }

    /// Computes partition `p`, from the cache when it is there. When the RDD is persisted and
    /// the partition is not cached yet, exactly one caller computes it; the others wait.
    pub(crate) fn compute_partition(&self, p: usize, tc: &TaskContext) -> Result<BatchIter<T>> {
        let slots = lock(&self.inner.storage).clone();
        let Some(slot) = slots.as_ref().and_then(|s| s.get(p)) else {
            return (self.inner.compute)(p, tc);
        };
        let mut slot = lock(slot);
        if let Some(data) = slot.as_ref() {
            return Ok(cached_batches(Arc::clone(data)));
        }
        let data = Arc::new(drain(Batches::new(
            (self.inner.compute)(p, tc)?,
            tc.clone(),
        ))?);
        *slot = Some(Arc::clone(&data));
        Ok(cached_batches(data))
    }

    /// A narrow transformation: partition `p` of the result is computed from partition `p` here,
    /// and `f` gets `p`, never the index of the task that happens to run it.
    pub(crate) fn narrow<U: Data>(
        &self,
        name: &'static str,
        f: impl Fn(BatchIter<T>, usize) -> BatchIter<U> + Send + Sync + 'static,
    ) -> Rdd<U> {
        let parent = self.clone();
        Rdd::from_compute(
            &self.inner.ctx,
            name,
            self.num_partitions(),
            vec![Dep::Narrow(self.lineage())],
            move |p, tc| Ok(f(parent.compute_partition(p, tc)?, p)),
        )
    }

    // ---------------------------------------------------------------- accessors

    /// The context this RDD belongs to.
    pub fn context(&self) -> &Context {
        &self.inner.ctx
    }
    /// The RDD's id, unique within its context.
    pub fn id(&self) -> usize {
        self.inner.id
    }
    /// The operation that made this RDD (`map`, `reduce_by_key`, ...).
    pub fn name(&self) -> &'static str {
        self.inner.name
    }
    /// The number of partitions.
    pub fn num_partitions(&self) -> usize {
        self.inner.num_partitions
    }

    // ---------------------------------------------------------------- persistence

    /// Keeps each partition in memory once computed, so later jobs reuse it. Returns the same
    /// RDD (all clones share the cache), like Spark's `cache()`. A partition is computed once
    /// even when two jobs need it at the same time: the second waits for the first.
    pub fn cache(&self) -> Self {
        let newly = {
            let mut storage = lock(&self.inner.storage);
            let newly = storage.is_none();
            if newly {
                *storage = Some(
                    (0..self.num_partitions())
                        .map(|_| Mutex::new(None))
                        .collect(),
                );
            }
            newly
        };
        // Registered with the storage lock released: the status record locks its list, then
        // (reporting) each RDD's storage, never the other way round.
        if newly {
            let weak: Weak<dyn CacheReport> = Arc::downgrade(&self.inner) as Weak<RddInner<T>>;
            self.inner.ctx.status().register_cached(weak);
        }
        self.clone()
    }
    /// Same as [`cache`](Self::cache): Ember keeps partitions in memory only.
    pub fn persist(&self) -> Self {
        self.cache()
    }
    /// Drops the cached partitions and stops caching.
    pub fn unpersist(&self) -> Self {
        *lock(&self.inner.storage) = None;
        self.clone()
    }
    /// Whether this RDD is persisted.
    pub fn is_cached(&self) -> bool {
        lock(&self.inner.storage).is_some()
    }
    /// How many partitions are in the cache now.
    pub fn cached_partitions(&self) -> usize {
        self.inner.cached_lengths().map_or(0, |cached| cached.len())
    }
}

impl<T> RddInner<T> {
    /// Each cached partition's index and element count, or `None` when not persisted. A slot
    /// being computed is locked, and not cached yet.
    fn cached_lengths(&self) -> Option<Vec<(usize, usize)>> {
        let slots = lock(&self.storage).clone()?;
        Some(
            slots
                .iter()
                .enumerate()
                .filter_map(|(p, slot)| {
                    let len = match slot.try_lock() {
                        Ok(data) => data.as_ref().map(|d| d.len()),
                        Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                            poisoned.into_inner().as_ref().map(|d| d.len())
                        }
                        Err(std::sync::TryLockError::WouldBlock) => None,
                    };
                    len.map(|len| (p, len))
                })
                .collect(),
        )
    }
}

impl<T: Data> CacheReport for RddInner<T> {
    fn report(&self) -> Option<CachedRdd> {
        let size = std::mem::size_of::<T>() as u64;
        let partitions: Vec<(usize, u64)> = self
            .cached_lengths()?
            .into_iter()
            .map(|(p, len)| (p, (len as u64).saturating_mul(size)))
            .collect();
        Some(CachedRdd {
            id: self.id,
            name: self.name,
            num_partitions: self.num_partitions,
            cached_partitions: partitions.len(),
            memory_bytes: partitions.iter().map(|(_, b)| b).sum(),
            partitions,
        })
    }
}

/// Batches of clones of a cached partition.
fn cached_batches<T: Data>(data: Arc<Vec<T>>) -> BatchIter<T> {
    let len = data.len();
    slice_batches(data, 0, len)
}
