//! [`Rdd`]: the lazy, partitioned collection, its narrow transformations and its actions.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::hash::Hash;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

use rand::{RngExt, SeedableRng};

use crate::context::{Context, TaskContext, lock};
use crate::error::{Error, Result};
use crate::shuffle::ShuffleStage;

/// What an RDD can hold: values that can be cloned (a partition is recomputed or read from cache
/// more than once) and sent between worker threads.
pub trait Data: Clone + Send + Sync + 'static {}
impl<T: Clone + Send + Sync + 'static> Data for T {}

/// How many elements flow through a chain of narrow transformations at a time. Small enough to
/// stay in the L1 cache, large enough that the per-batch dynamic dispatch costs nothing.
pub(crate) const BATCH: usize = 1024;

/// A partition's elements, in batches of at most [`BATCH`]. An `Err` ends the stream.
pub(crate) type BatchIter<T> = Box<dyn Iterator<Item = Result<Vec<T>>> + Send>;

/// One slot per partition, filled when the partition is first computed.
type CacheSlots<T> = Vec<Option<Arc<Vec<T>>>>;

type ComputeFn<T> = dyn Fn(usize, &TaskContext) -> Result<BatchIter<T>> + Send + Sync;

/// The RNG each partition of [`Rdd::map_with_rng`] and [`Rdd::sample`] draws from.
pub type TaskRng = rand::rngs::SmallRng;

/// The seed of partition `partition`'s RNG in a job seeded with `seed` (SplitMix64 of the pair),
/// so every partition draws its own, independent and reproducible stream.
pub fn partition_seed(seed: u64, partition: usize) -> u64 {
    let mut z = seed ^ (partition as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The RNG of partition `partition` in a job seeded with `seed`.
pub fn task_rng(seed: u64, partition: usize) -> TaskRng {
    TaskRng::seed_from_u64(partition_seed(seed, partition))
}

/// How an RDD depends on a parent: partition to partition, or through a shuffle.
pub(crate) enum Dep {
    Narrow(Arc<dyn Lineage>),
    Shuffle(Arc<dyn ShuffleStage>),
}

/// The untyped view of an RDD the scheduler walks to find shuffle stages.
pub(crate) trait Lineage: Send + Sync {
    fn deps(&self) -> &[Dep];
}

/// A resilient distributed dataset: an immutable, lazily computed collection split into
/// partitions that are computed in parallel on the [`Context`]'s workers.
///
/// Transformations (`map`, `filter`, `reduce_by_key`, ...) return a new `Rdd` and compute
/// nothing; actions (`collect`, `count`, `reduce`, ...) run a job and return its result.
/// Cloning an `Rdd` is cheap and the clone is the same RDD (it shares the cache).
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
    /// `Some` once persisted: one slot per partition, filled when first computed.
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
type ErrorSlot = Arc<Mutex<Option<Error>>>;

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

/// Batches of clones of a cached partition.
fn cached_batches<T: Data>(data: Arc<Vec<T>>) -> BatchIter<T> {
    let len = data.len();
    Box::new(
        (0..len)
            .step_by(BATCH)
            .map(move |i| Ok(data[i..(i + BATCH).min(len)].to_vec())),
    )
}

impl<T: Data> Rdd<T> {
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

    /// Computes partition `p`, from the cache when it is there.
    pub(crate) fn compute_partition(&self, p: usize, tc: &TaskContext) -> Result<BatchIter<T>> {
        let persisted = match lock(&self.inner.storage).as_ref() {
            None => false,
            Some(slots) => {
                if let Some(Some(data)) = slots.get(p) {
                    return Ok(cached_batches(Arc::clone(data)));
                }
                true
            }
        };
        let batches = (self.inner.compute)(p, tc)?;
        if !persisted {
            return Ok(batches);
        }
        let mut all = Vec::new();
        for batch in Batches::new(batches, tc.clone()) {
            all.extend(batch?);
        }
        let data = Arc::new(all);
        if let Some(slots) = lock(&self.inner.storage).as_mut()
            && let Some(slot) = slots.get_mut(p)
        {
            *slot = Some(Arc::clone(&data));
        }
        Ok(cached_batches(data))
    }

    /// A narrow transformation: partition `p` of the result is computed from partition `p` here.
    fn narrow<U: Data>(
        &self,
        name: &'static str,
        f: impl Fn(BatchIter<T>, &TaskContext) -> BatchIter<U> + Send + Sync + 'static,
    ) -> Rdd<U> {
        let parent = self.clone();
        Rdd::from_compute(
            &self.inner.ctx,
            name,
            self.num_partitions(),
            vec![Dep::Narrow(self.lineage())],
            move |p, tc| Ok(f(parent.compute_partition(p, tc)?, tc)),
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
    /// RDD (all clones share the cache), like Spark's `cache()`.
    pub fn cache(&self) -> Self {
        let mut storage = lock(&self.inner.storage);
        if storage.is_none() {
            *storage = Some(vec![None; self.num_partitions()]);
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
        lock(&self.inner.storage)
            .as_ref()
            .map_or(0, |s| s.iter().filter(|p| p.is_some()).count())
    }

    // ---------------------------------------------------------------- narrow transformations

    /// Applies `f` to every element.
    pub fn map<U: Data>(&self, f: impl Fn(T) -> U + Send + Sync + 'static) -> Rdd<U> {
        let f = Arc::new(f);
        self.narrow("map", move |it, _| {
            let f = Arc::clone(&f);
            Box::new(it.map(move |b| b.map(|v| v.into_iter().map(&*f).collect())))
        })
    }

    /// Applies `f` to every element with a random number generator that belongs to the
    /// partition: seeded from `(seed, partition index)`, so partitions draw independent streams
    /// and a seeded job gives the same result every time. `None` draws a fresh seed now.
    pub fn map_with_rng<U: Data>(
        &self,
        seed: Option<u64>,
        f: impl Fn(&mut TaskRng, T) -> U + Send + Sync + 'static,
    ) -> Rdd<U> {
        let seed = seed.unwrap_or_else(rand::random);
        let f = Arc::new(f);
        self.narrow("map_with_rng", move |it, tc| {
            let f = Arc::clone(&f);
            let mut rng = task_rng(seed, tc.partition_id());
            Box::new(it.map(move |b| {
                b.map(|v| {
                    // Draw from a local copy so the generator's state stays in registers
                    // through the batch, then carry it on to the next batch.
                    let mut local = rng.clone();
                    let out = v.into_iter().map(|x| f(&mut local, x)).collect();
                    rng = local;
                    out
                })
            }))
        })
    }

    /// Keeps the elements for which `f` is true.
    pub fn filter(&self, f: impl Fn(&T) -> bool + Send + Sync + 'static) -> Rdd<T> {
        let f = Arc::new(f);
        self.narrow("filter", move |it, _| {
            let f = Arc::clone(&f);
            Box::new(it.map(move |b| {
                b.map(|mut v| {
                    v.retain(|x| f(x));
                    v
                })
            }))
        })
    }

    /// Applies `f` to every element and flattens the results.
    pub fn flat_map<U: Data, I>(&self, f: impl Fn(T) -> I + Send + Sync + 'static) -> Rdd<U>
    where
        I: IntoIterator<Item = U> + 'static,
        I::IntoIter: Send + 'static,
    {
        let f = Arc::new(f);
        self.narrow("flat_map", move |it, _| {
            let f = Arc::clone(&f);
            let (elems, error) = elements(it);
            rebatch(elems.flat_map(move |x| f(x)), error)
        })
    }

    /// Applies `f` to each partition's iterator.
    pub fn map_partitions<U: Data, I>(
        &self,
        f: impl Fn(Box<dyn Iterator<Item = T> + Send>) -> I + Send + Sync + 'static,
    ) -> Rdd<U>
    where
        I: IntoIterator<Item = U>,
        I::IntoIter: Send + 'static,
    {
        self.map_partitions_with_index(move |_, it| f(it))
    }

    /// Applies `f` to each partition's index and iterator.
    pub fn map_partitions_with_index<U: Data, I>(
        &self,
        f: impl Fn(usize, Box<dyn Iterator<Item = T> + Send>) -> I + Send + Sync + 'static,
    ) -> Rdd<U>
    where
        I: IntoIterator<Item = U>,
        I::IntoIter: Send + 'static,
    {
        let f = Arc::new(f);
        self.narrow("map_partitions", move |it, tc| {
            let (elems, error) = elements(it);
            rebatch(f(tc.partition_id(), Box::new(elems)).into_iter(), error)
        })
    }

    /// Pairs every element with the key `f` computes from it.
    pub fn key_by<K: Data>(&self, f: impl Fn(&T) -> K + Send + Sync + 'static) -> Rdd<(K, T)> {
        self.map(move |x| (f(&x), x))
    }

    /// One element per partition: a `Vec` of the partition's elements.
    pub fn glom(&self) -> Rdd<Vec<T>> {
        self.narrow("glom", |it, _| {
            Box::new(std::iter::once_with(move || {
                let mut all = Vec::new();
                for batch in it {
                    all.extend(batch?);
                }
                Ok(vec![all])
            }))
        })
    }

    /// The elements of both RDDs; the partitions of `self` come first.
    pub fn union(&self, other: &Rdd<T>) -> Rdd<T> {
        let (left, right) = (self.clone(), other.clone());
        let split = self.num_partitions();
        Rdd::from_compute(
            self.context(),
            "union",
            split + other.num_partitions(),
            vec![Dep::Narrow(self.lineage()), Dep::Narrow(other.lineage())],
            move |p, tc| {
                if p < split {
                    left.compute_partition(p, tc)
                } else {
                    right.compute_partition(p - split, tc)
                }
            },
        )
    }

    /// Pairs the i-th element of every partition with the i-th element of the same partition of
    /// `other`. The partition counts must match (else `Err` now) and so must each partition's
    /// size (else the job fails with [`Error::ZipMismatch`]).
    pub fn zip<U: Data>(&self, other: &Rdd<U>) -> Result<Rdd<(T, U)>> {
        if self.num_partitions() != other.num_partitions() {
            return Err(Error::ZipMismatch {
                reason: format!(
                    "the RDDs have {} and {} partitions",
                    self.num_partitions(),
                    other.num_partitions()
                ),
            });
        }
        let (left, right) = (self.clone(), other.clone());
        Ok(Rdd::from_compute(
            self.context(),
            "zip",
            self.num_partitions(),
            vec![Dep::Narrow(self.lineage()), Dep::Narrow(other.lineage())],
            move |p, tc| {
                let (mut l, l_err) = elements(left.compute_partition(p, tc)?);
                let (mut r, r_err) = elements(right.compute_partition(p, tc)?);
                let mut done = false;
                Ok(Box::new(std::iter::from_fn(move || {
                    if done {
                        return None;
                    }
                    let mut out = Vec::with_capacity(BATCH);
                    while out.len() < BATCH {
                        match (l.next(), r.next()) {
                            (Some(a), Some(b)) => out.push((a, b)),
                            (None, None) => {
                                done = true;
                                break;
                            }
                            _ => {
                                done = true;
                                if let Some(e) = lock(&l_err).take().or(lock(&r_err).take()) {
                                    return Some(Err(e));
                                }
                                return Some(Err(Error::ZipMismatch {
                                    reason: format!(
                                        "partition {p} has a different number of elements \
                                         on each side"
                                    ),
                                }));
                            }
                        }
                    }
                    if let Some(e) = lock(&l_err).take().or(lock(&r_err).take()) {
                        done = true;
                        return Some(Err(e));
                    }
                    (!out.is_empty()).then_some(Ok(out))
                })) as BatchIter<(T, U)>)
            },
        ))
    }

    /// A random sample: each element is kept with probability `fraction` (without
    /// replacement), or repeated a Poisson(`fraction`) number of times (with replacement).
    /// Partition `i` draws from the RNG seeded with `(seed, i)`.
    pub fn sample(&self, with_replacement: bool, fraction: f64, seed: u64) -> Result<Rdd<T>> {
        if !(fraction >= 0.0 && fraction.is_finite()) || (!with_replacement && fraction > 1.0) {
            return Err(Error::invalid(
                "fraction",
                format!(
                    "must be in [0, 1] without replacement and >= 0 with replacement, got \
                     {fraction}"
                ),
            ));
        }
        let poisson = if with_replacement && fraction > 0.0 {
            Some(
                rand_distr::Poisson::new(fraction)
                    .map_err(|e| Error::invalid("fraction", e.to_string()))?,
            )
        } else {
            None
        };
        Ok(self.narrow("sample", move |it, tc| {
            let mut rng = task_rng(seed, tc.partition_id());
            Box::new(it.map(move |b| {
                b.map(|v| match poisson {
                    None => v
                        .into_iter()
                        .filter(|_| rng.random::<f64>() < fraction)
                        .collect(),
                    Some(dist) => v
                        .into_iter()
                        .flat_map(|x| {
                            let k = rng.sample(dist) as usize;
                            std::iter::repeat_n(x, k)
                        })
                        .collect(),
                })
            }))
        }))
    }

    /// Fewer partitions without a shuffle: each new partition concatenates a contiguous run of
    /// the old ones. Asking for more partitions than there are changes nothing (use
    /// [`repartition`](Self::repartition)).
    pub fn coalesce(&self, num_partitions: usize) -> Result<Rdd<T>> {
        if num_partitions == 0 {
            return Err(Error::invalid("num_partitions", "must be at least 1"));
        }
        let old = self.num_partitions();
        if num_partitions >= old {
            return Ok(self.clone());
        }
        let parent = self.clone();
        Ok(Rdd::from_compute(
            self.context(),
            "coalesce",
            num_partitions,
            vec![Dep::Narrow(self.lineage())],
            move |p, tc| {
                let (lo, hi) = (p * old / num_partitions, (p + 1) * old / num_partitions);
                let parent = parent.clone();
                let tc = tc.clone();
                Ok(Box::new((lo..hi).flat_map(
                    move |pp| match parent.compute_partition(pp, &tc) {
                        Ok(it) => it,
                        Err(e) => Box::new(std::iter::once(Err(e))),
                    },
                )))
            },
        ))
    }

    // ---------------------------------------------------------------- actions

    /// Every element, in partition order.
    pub fn collect(&self) -> Result<Vec<T>> {
        let parts = self
            .context()
            .run_job(self, "collect", None, |_, batches| {
                let mut out = Vec::new();
                for b in batches {
                    out.extend(b?);
                }
                Ok(out)
            })?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// The number of elements.
    pub fn count(&self) -> Result<u64> {
        let parts = self.context().run_job(self, "count", None, |_, batches| {
            let mut n = 0u64;
            for b in batches {
                n += b?.len() as u64;
            }
            Ok(n)
        })?;
        Ok(parts.into_iter().sum())
    }

    /// Combines the elements with an associative, commutative `f`.
    /// An empty RDD is [`Error::EmptyRdd`], as in Spark.
    pub fn reduce(&self, f: impl Fn(T, T) -> T + Send + Sync) -> Result<T> {
        let parts = self.context().run_job(self, "reduce", None, |_, batches| {
            let mut acc: Option<T> = None;
            for b in batches {
                let part = b?.into_iter().reduce(&f);
                acc = match (acc, part) {
                    (Some(a), Some(p)) => Some(f(a, p)),
                    (a, p) => a.or(p),
                };
            }
            Ok(acc)
        })?;
        parts
            .into_iter()
            .flatten()
            .reduce(&f)
            .ok_or(Error::EmptyRdd { op: "reduce" })
    }

    /// Folds each partition from `zero`, then folds the partition results from `zero`.
    pub fn fold(&self, zero: T, f: impl Fn(T, T) -> T + Send + Sync) -> Result<T> {
        let parts = self.context().run_job(self, "fold", None, |_, batches| {
            let mut acc = zero.clone();
            for b in batches {
                acc = b?.into_iter().fold(acc, &f);
            }
            Ok(acc)
        })?;
        Ok(parts.into_iter().fold(zero, &f))
    }

    /// Aggregates each partition with `seq` from `zero`, then merges the results with `comb`.
    pub fn aggregate<U: Data>(
        &self,
        zero: U,
        seq: impl Fn(U, T) -> U + Send + Sync,
        comb: impl Fn(U, U) -> U + Send + Sync,
    ) -> Result<U> {
        let parts = self
            .context()
            .run_job(self, "aggregate", None, |_, batches| {
                let mut acc = zero.clone();
                for b in batches {
                    acc = b?.into_iter().fold(acc, &seq);
                }
                Ok(acc)
            })?;
        Ok(parts.into_iter().fold(zero, comb))
    }

    /// The sum of the elements (zero for an empty RDD).
    pub fn sum(&self) -> Result<T>
    where
        T: std::iter::Sum<T>,
    {
        let parts = self.context().run_job(self, "sum", None, |_, batches| {
            let mut sums = Vec::new();
            for b in batches {
                sums.push(b?.into_iter().sum::<T>());
            }
            Ok(sums.into_iter().sum::<T>())
        })?;
        Ok(parts.into_iter().sum())
    }

    /// The smallest element. Incomparable values (NaN) never replace a value already chosen.
    pub fn min(&self) -> Result<T>
    where
        T: PartialOrd,
    {
        self.reduce(|a, b| if b < a { b } else { a })
            .map_err(|e| rename_empty(e, "min"))
    }

    /// The largest element. Incomparable values (NaN) never replace a value already chosen.
    pub fn max(&self) -> Result<T>
    where
        T: PartialOrd,
    {
        self.reduce(|a, b| if b > a { b } else { a })
            .map_err(|e| rename_empty(e, "max"))
    }

    /// The first `n` elements in partition order. Like Spark, scans one partition first and
    /// then more (4 times as many each round), computing only what it needs.
    pub fn take(&self, n: usize) -> Result<Vec<T>> {
        let total = self.num_partitions();
        let mut out = Vec::with_capacity(n.min(BATCH));
        let mut scanned = 0;
        let mut round = 1;
        while out.len() < n && scanned < total {
            let upto = (scanned + round).min(total);
            let parts: Vec<usize> = (scanned..upto).collect();
            let want = n - out.len();
            let got = self
                .context()
                .run_job(self, "take", Some(&parts), |_, batches| {
                    let mut part = Vec::new();
                    for b in batches {
                        part.extend(b?.into_iter().take(want - part.len()));
                        if part.len() >= want {
                            break;
                        }
                    }
                    Ok(part)
                })?;
            for part in got {
                out.extend(part.into_iter().take(n - out.len()));
            }
            scanned = upto;
            round *= 4;
        }
        Ok(out)
    }

    /// The first element; [`Error::EmptyRdd`] when there is none.
    pub fn first(&self) -> Result<T> {
        self.take(1)?
            .into_iter()
            .next()
            .ok_or(Error::EmptyRdd { op: "first" })
    }

    /// The `n` largest elements, largest first.
    pub fn top(&self, n: usize) -> Result<Vec<T>>
    where
        T: Ord,
    {
        self.take_ordered_by(n, |a, b| b.cmp(a))
    }

    /// The `n` smallest elements, smallest first.
    pub fn take_ordered(&self, n: usize) -> Result<Vec<T>>
    where
        T: Ord,
    {
        self.take_ordered_by(n, Ord::cmp)
    }

    fn take_ordered_by(
        &self,
        n: usize,
        cmp: impl Fn(&T, &T) -> Ordering + Send + Sync + Copy,
    ) -> Result<Vec<T>>
    where
        T: Ord,
    {
        /// Orders by `cmp`, so the heap's top is the worst kept element.
        struct ByCmp<T, C>(T, C);
        impl<T, C: Fn(&T, &T) -> Ordering> PartialEq for ByCmp<T, C> {
            fn eq(&self, o: &Self) -> bool {
                (self.1)(&self.0, &o.0) == Ordering::Equal
            }
        }
        impl<T, C: Fn(&T, &T) -> Ordering> Eq for ByCmp<T, C> {}
        impl<T, C: Fn(&T, &T) -> Ordering> PartialOrd for ByCmp<T, C> {
            fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
                Some(self.cmp(o))
            }
        }
        impl<T, C: Fn(&T, &T) -> Ordering> Ord for ByCmp<T, C> {
            fn cmp(&self, o: &Self) -> Ordering {
                (self.1)(&self.0, &o.0)
            }
        }
        if n == 0 {
            return Ok(Vec::new());
        }
        let keep = |heap: &mut BinaryHeap<ByCmp<T, _>>, x: T| {
            heap.push(ByCmp(x, cmp));
            if heap.len() > n {
                heap.pop();
            }
        };
        let parts = self.context().run_job(self, "top", None, |_, batches| {
            let mut heap = BinaryHeap::with_capacity(n + 1);
            for b in batches {
                for x in b? {
                    keep(&mut heap, x);
                }
            }
            Ok(heap.into_iter().map(|e| e.0).collect::<Vec<T>>())
        })?;
        let mut heap = BinaryHeap::with_capacity(n + 1);
        parts.into_iter().flatten().for_each(|x| keep(&mut heap, x));
        Ok(heap.into_sorted_vec().into_iter().map(|e| e.0).collect())
    }

    /// Runs `f` on every element, on the workers.
    pub fn foreach(&self, f: impl Fn(T) + Send + Sync) -> Result<()> {
        self.context()
            .run_job(self, "foreach", None, |_, batches| {
                for b in batches {
                    b?.into_iter().for_each(&f);
                }
                Ok(())
            })?;
        Ok(())
    }

    /// How many times each distinct element occurs.
    pub fn count_by_value(&self) -> Result<HashMap<T, u64>>
    where
        T: Hash + Eq,
    {
        let parts = self
            .context()
            .run_job(self, "count_by_value", None, |_, batches| {
                let mut counts: HashMap<T, u64> = HashMap::new();
                for b in batches {
                    for x in b? {
                        *counts.entry(x).or_default() += 1;
                    }
                }
                Ok(counts)
            })?;
        let mut total: HashMap<T, u64> = HashMap::new();
        for part in parts {
            for (k, n) in part {
                *total.entry(k).or_default() += n;
            }
        }
        Ok(total)
    }

    /// Writes one `part-NNNNN` file per partition, one element per line, into the new directory
    /// `path`, then an empty `_SUCCESS` marker. Refuses an existing path ([`Error::PathExists`]);
    /// on failure the directory is removed again.
    pub fn save_as_text_file(&self, path: impl AsRef<Path>) -> Result<()>
    where
        T: fmt::Display,
    {
        let dir = path.as_ref();
        if dir.exists() {
            return Err(Error::PathExists {
                path: dir.to_owned(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let written = self
            .context()
            .run_job(self, "save_as_text_file", None, |tc, batches| {
                let file = dir.join(format!("part-{:05}", tc.partition_id()));
                let mut out = std::io::BufWriter::new(
                    std::fs::File::create(&file).map_err(|e| Error::io(&file, e))?,
                );
                for b in batches {
                    for x in b? {
                        writeln!(out, "{x}").map_err(|e| Error::io(&file, e))?;
                    }
                }
                out.flush().map_err(|e| Error::io(&file, e))
            })
            .and_then(|_| {
                let marker = dir.join("_SUCCESS");
                std::fs::File::create(&marker)
                    .map(drop)
                    .map_err(|e| Error::io(marker, e))
            });
        if written.is_err() {
            let _ = std::fs::remove_dir_all(dir);
        }
        written
    }
}

fn rename_empty(e: Error, op: &'static str) -> Error {
    match e {
        Error::EmptyRdd { .. } => Error::EmptyRdd { op },
        other => other,
    }
}

impl<T: Data> Rdd<T> {
    /// The distinct elements (through a shuffle).
    pub fn distinct(&self) -> Rdd<T>
    where
        T: Hash + Eq,
    {
        self.map(|x| (x, ())).reduce_by_key(|_, _| ()).keys()
    }

    /// Exactly `num_partitions` partitions of about equal size, through a shuffle.
    pub fn repartition(&self, num_partitions: usize) -> Result<Rdd<T>> {
        let partitioner = crate::shuffle::ModPartitioner::new(num_partitions)?;
        Ok(self
            .map_partitions_with_index(|i, it| it.enumerate().map(move |(j, x)| (i + j, x)))
            .shuffle("repartition", Arc::new(partitioner))
            .values())
    }

    /// Every pair `(a, b)` with `a` from `self` and `b` from `other`; partition `i * m + j`
    /// pairs partition `i` of `self` with partition `j` of `other`.
    pub fn cartesian<U: Data>(&self, other: &Rdd<U>) -> Rdd<(T, U)> {
        let (left, right) = (self.clone(), other.clone());
        let m = other.num_partitions();
        Rdd::from_compute(
            self.context(),
            "cartesian",
            self.num_partitions() * m,
            vec![Dep::Narrow(self.lineage()), Dep::Narrow(other.lineage())],
            move |p, tc| {
                let mut rights = Vec::new();
                for b in Batches::new(right.compute_partition(p % m, tc)?, tc.clone()) {
                    rights.extend(b?);
                }
                let rights = Arc::new(rights);
                let (elems, error) = elements(left.compute_partition(p / m, tc)?);
                let pairs = elems.flat_map(move |a| {
                    let rights = Arc::clone(&rights);
                    (0..rights.len()).map(move |j| (a.clone(), rights[j].clone()))
                });
                Ok(rebatch(pairs, error))
            },
        )
    }
}
