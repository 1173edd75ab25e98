//! Narrow transformations and the ones built on a shuffle that take no keys (`distinct`,
//! `repartition`). A transformation only records lineage; each computes partition `p` of its RDD
//! from its parents' partitions and sees `p`, its own index, whatever task runs it.

use std::hash::Hash;
use std::sync::Arc;

use rand::RngExt;

use crate::batch::{BATCH, BatchIter, Batches, drain, elements, plain_batches, rebatch};
use crate::error::{Error, Result};
use crate::lanes::LaneRng;
use crate::lineage::Dep;
use crate::random::{TaskRng, task_rng};
use crate::rdd::{Data, Rdd};
use crate::sync::lock;

impl<T: Data> Rdd<T> {
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
    ///
    /// The index is this RDD's own: whatever runs downstream (`coalesce`, `union`, `cartesian`,
    /// a shuffle) and on however many threads, partition `i` draws the stream of `(seed, i)`.
    ///
    /// ```
    /// use rand::RngExt;
    ///
    /// let ctx = ember_rdd::Context::new("rng", "local[2]")?;
    /// let draws = ctx.parallelize(0..1000u64, 4)?.map_with_rng(Some(7), |rng, _| rng.random::<u64>());
    /// assert_eq!(draws.coalesce(1)?.collect()?, draws.collect()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_with_rng<U: Data>(
        &self,
        seed: Option<u64>,
        f: impl Fn(&mut TaskRng, T) -> U + Send + Sync + 'static,
    ) -> Rdd<U> {
        let seed = seed.unwrap_or_else(rand::random);
        let f = Arc::new(f);
        self.narrow("map_with_rng", move |it, partition| {
            let f = Arc::clone(&f);
            let mut rng = task_rng(seed, partition);
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

    /// Applies `f` to each partition's batches (`Vec`s of at most 1024 elements, in order) with
    /// the partition's [`LaneRng`], so a partition's draws are made and reduced in batches
    /// ([`LaneRng::count_pairs`], [`LaneRng::fill_f64`]) rather than one closure call per
    /// element. The generator keeps [`map_with_rng`](Self::map_with_rng)'s guarantees: seeded
    /// from `(seed, partition index)` with this RDD's own index, so a seeded job gives the same
    /// result on any number of threads and across task retries (a retry starts the partition's
    /// stream afresh). `None` draws a fresh seed now. The kernels run on
    /// [`Simd::selected`](crate::Simd::selected); every path draws the same numbers.
    ///
    /// ```
    /// use ember_rdd::Context;
    ///
    /// let ctx = Context::new("pi", "local[2]")?;
    /// let n = 400_000u64;
    /// let inside = ctx
    ///     .parallelize(1..=n, 4)?
    ///     .map_partitions_with_rng(Some(42), |rng, batches| {
    ///         let k: usize = batches.map(|b| b.len()).sum();
    ///         [rng.count_pairs(k as u64, |x, y| x * x + y * y <= 1.0)]
    ///     })
    ///     .reduce(|a, b| a + b)?;
    /// assert!((4.0 * inside as f64 / n as f64 - std::f64::consts::PI).abs() < 0.02);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_partitions_with_rng<U: Data, I>(
        &self,
        seed: Option<u64>,
        f: impl Fn(&mut LaneRng, Box<dyn Iterator<Item = Vec<T>> + Send>) -> I + Send + Sync + 'static,
    ) -> Rdd<U>
    where
        I: IntoIterator<Item = U>,
        I::IntoIter: Send + 'static,
    {
        let seed = seed.unwrap_or_else(rand::random);
        let f = Arc::new(f);
        self.narrow("map_partitions_with_rng", move |it, partition| {
            let (batches, error) = plain_batches(it);
            let mut rng = LaneRng::new(seed, partition);
            rebatch(f(&mut rng, Box::new(batches)).into_iter(), error)
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
        self.narrow("map_partitions", move |it, partition| {
            let (elems, error) = elements(it);
            rebatch(f(partition, Box::new(elems)).into_iter(), error)
        })
    }

    /// Pairs every element with the key `f` computes from it.
    pub fn key_by<K: Data>(&self, f: impl Fn(&T) -> K + Send + Sync + 'static) -> Rdd<(K, T)> {
        self.map(move |x| (f(&x), x))
    }

    /// One element per partition: a `Vec` of the partition's elements.
    pub fn glom(&self) -> Rdd<Vec<T>> {
        self.narrow("glom", |it, _| {
            Box::new(std::iter::once_with(move || Ok(vec![drain(it)?])))
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
        Ok(self.narrow("sample", move |it, partition| {
            let mut rng = task_rng(seed, partition);
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

    /// The distinct elements (through a shuffle).
    pub fn distinct(&self) -> Rdd<T>
    where
        T: Hash + Eq,
    {
        self.map(|x| (x, ())).reduce_by_key(|_, _| ()).keys()
    }

    /// Exactly `num_partitions` partitions of about equal size, through a shuffle.
    pub fn repartition(&self, num_partitions: usize) -> Result<Rdd<T>> {
        let partitioner = crate::partitioner::ModPartitioner::new(num_partitions)?;
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
                let rights = drain(Batches::new(
                    right.compute_partition(p % m, tc)?,
                    tc.clone(),
                ))?;
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
