//! The in-process hash shuffle behind every wide transformation, and the partitioners.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::context::{TaskContext, lock};
use crate::error::{Error, Result};
use crate::rdd::{BATCH, BatchIter, Batches, Data, Dep, Lineage, Rdd};

/// Decides which reduce partition a key goes to.
pub trait Partitioner<K>: Send + Sync {
    /// The number of reduce partitions.
    fn num_partitions(&self) -> usize;
    /// The partition of `key`, in `0..num_partitions()`.
    fn partition(&self, key: &K) -> usize;
}

/// Partitions by a hash of the key (Spark's `HashPartitioner`). The hash is fixed (not seeded
/// per process), so a key lands in the same partition in every run.
#[derive(Debug, Clone, Copy)]
pub struct HashPartitioner {
    partitions: usize,
}

impl HashPartitioner {
    /// A partitioner into `partitions` partitions (at least 1).
    pub fn new(partitions: usize) -> Result<Self> {
        if partitions == 0 {
            return Err(Error::invalid("partitions", "must be at least 1"));
        }
        Ok(HashPartitioner { partitions })
    }

    /// A partitioner into `max(partitions, 1)` partitions.
    pub(crate) fn at_least_one(partitions: usize) -> Self {
        HashPartitioner {
            partitions: partitions.max(1),
        }
    }
}

impl<K: Hash> Partitioner<K> for HashPartitioner {
    fn num_partitions(&self) -> usize {
        self.partitions
    }
    fn partition(&self, key: &K) -> usize {
        let h = std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(key);
        (h % self.partitions as u64) as usize
    }
}

/// Sends key `k` to partition `k % n` (round-robin for `repartition`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModPartitioner(usize);

impl ModPartitioner {
    pub(crate) fn new(partitions: usize) -> Result<Self> {
        if partitions == 0 {
            return Err(Error::invalid("num_partitions", "must be at least 1"));
        }
        Ok(ModPartitioner(partitions))
    }
}

impl Partitioner<usize> for ModPartitioner {
    fn num_partitions(&self) -> usize {
        self.0
    }
    fn partition(&self, key: &usize) -> usize {
        key % self.0
    }
}

/// Partitions ordered keys into contiguous ranges split at `bounds` (Spark's
/// `RangePartitioner`); partition `i` holds keys in `(bounds[i-1], bounds[i]]`.
#[derive(Debug, Clone)]
pub struct RangePartitioner<K> {
    bounds: Vec<K>,
    ascending: bool,
}

impl<K: Ord> RangePartitioner<K> {
    /// A partitioner with `bounds.len() + 1` partitions. `bounds` is sorted here.
    pub fn new(mut bounds: Vec<K>, ascending: bool) -> Self {
        bounds.sort();
        bounds.dedup();
        RangePartitioner { bounds, ascending }
    }
}

impl<K: Ord + Send + Sync> Partitioner<K> for RangePartitioner<K> {
    fn num_partitions(&self) -> usize {
        self.bounds.len() + 1
    }
    fn partition(&self, key: &K) -> usize {
        let p = self.bounds.partition_point(|b| b < key);
        if self.ascending {
            p
        } else {
            self.bounds.len() - p
        }
    }
}

/// The scheduler's view of a shuffle: a map stage to run once, before any reduce task.
pub(crate) trait ShuffleStage: Send + Sync {
    fn parent(&self) -> Arc<dyn Lineage>;
    fn num_map_tasks(&self) -> usize;
    fn run_map_task(&self, map_partition: usize, tc: &TaskContext) -> Result<()>;
    fn is_done(&self) -> bool;
    fn mark_done(&self);
    fn run_lock(&self) -> &Mutex<()>;
}

/// A map task's output: one bucket of `(key, combiner)` pairs per reduce partition.
type MapOutput<K, C> = Arc<Vec<Vec<(K, C)>>>;
type MapFn<K, C> = dyn Fn(usize, &TaskContext) -> Result<Vec<Vec<(K, C)>>> + Send + Sync;

/// The output of a shuffle's map stage, kept in memory for as long as the shuffled RDD lives
/// (so later jobs skip the map stage, as Spark's shuffle files let it).
struct ShuffleMap<K, C> {
    parent: Arc<dyn Lineage>,
    num_maps: usize,
    map: Box<MapFn<K, C>>,
    outputs: Mutex<Vec<Option<MapOutput<K, C>>>>,
    done: AtomicBool,
    running: Mutex<()>,
}

impl<K: Data, C: Data> ShuffleStage for ShuffleMap<K, C> {
    fn parent(&self) -> Arc<dyn Lineage> {
        Arc::clone(&self.parent)
    }
    fn num_map_tasks(&self) -> usize {
        self.num_maps
    }
    fn run_map_task(&self, map_partition: usize, tc: &TaskContext) -> Result<()> {
        let buckets = (self.map)(map_partition, tc)?;
        if let Some(slot) = lock(&self.outputs).get_mut(map_partition) {
            *slot = Some(Arc::new(buckets));
        }
        Ok(())
    }
    fn is_done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }
    fn mark_done(&self) {
        self.done.store(true, Ordering::Release);
    }
    fn run_lock(&self) -> &Mutex<()> {
        &self.running
    }
}

impl<K: Data, C: Data> ShuffleMap<K, C> {
    /// Every map task's bucket for `reduce_partition`.
    fn fetch(&self, reduce_partition: usize) -> Vec<MapOutput<K, C>> {
        lock(&self.outputs)
            .iter()
            .flatten()
            .filter(|o| o.len() > reduce_partition)
            .cloned()
            .collect()
    }
}

/// Builds the shuffled RDD: partition `r` reads bucket `r` of every map output and hands the
/// pairs to `reduce`.
fn shuffled<K: Data, C: Data, Out: Data>(
    parent_lineage: Arc<dyn Lineage>,
    ctx: &crate::Context,
    name: &'static str,
    num_maps: usize,
    num_reduces: usize,
    map: Box<MapFn<K, C>>,
    reduce: impl Fn(Vec<(K, C)>) -> BatchIter<Out> + Send + Sync + 'static,
) -> Rdd<Out> {
    let stage = Arc::new(ShuffleMap {
        parent: parent_lineage,
        num_maps,
        map,
        outputs: Mutex::new(vec![None; num_maps]),
        done: AtomicBool::new(false),
        running: Mutex::new(()),
    });
    let reader = Arc::clone(&stage);
    Rdd::from_compute(
        ctx,
        name,
        num_reduces,
        vec![Dep::Shuffle(stage)],
        move |r, tc| {
            tc.check()?;
            let mut pairs = Vec::new();
            for output in reader.fetch(r) {
                pairs.extend(output[r].iter().cloned());
            }
            Ok(reduce(pairs))
        },
    )
}

/// Batches of an owned vector.
pub(crate) fn vec_batches<T: Send + 'static>(v: Vec<T>) -> BatchIter<T> {
    let mut it = v.into_iter();
    Box::new(std::iter::from_fn(move || {
        let batch: Vec<T> = it.by_ref().take(BATCH).collect();
        (!batch.is_empty()).then_some(Ok(batch))
    }))
}

impl<K: Data, V: Data> Rdd<(K, V)> {
    /// Moves every pair to the partition `partitioner` picks for its key; no aggregation.
    pub(crate) fn shuffle(
        &self,
        name: &'static str,
        partitioner: Arc<dyn Partitioner<K>>,
    ) -> Rdd<(K, V)> {
        let parent = self.clone();
        let n = partitioner.num_partitions();
        let map: Box<MapFn<K, V>> = Box::new(move |p, tc| {
            let mut buckets: Vec<Vec<(K, V)>> = (0..n).map(|_| Vec::new()).collect();
            for batch in Batches::new(parent.compute_partition(p, tc)?, tc.clone()) {
                for (k, v) in batch? {
                    let b = partitioner.partition(&k).min(n - 1);
                    buckets[b].push((k, v));
                }
            }
            Ok(buckets)
        });
        shuffled(
            self.lineage(),
            self.context(),
            name,
            self.num_partitions(),
            n,
            map,
            vec_batches,
        )
    }

    /// Spark's `combineByKey`, the general aggregation every `*_by_key` uses: values of one key
    /// are combined map-side with `create`/`merge_value`, shuffled with `partitioner`, and the
    /// combiners of a key are merged reduce-side with `merge_combiners`.
    pub fn combine_by_key<C: Data>(
        &self,
        create: impl Fn(V) -> C + Send + Sync + 'static,
        merge_value: impl Fn(C, V) -> C + Send + Sync + 'static,
        merge_combiners: impl Fn(C, C) -> C + Send + Sync + 'static,
        partitioner: impl Partitioner<K> + 'static,
    ) -> Rdd<(K, C)>
    where
        K: Hash + Eq,
    {
        let parent = self.clone();
        let n = partitioner.num_partitions().max(1);
        let map: Box<MapFn<K, C>> = Box::new(move |p, tc| {
            let mut maps: Vec<HashMap<K, Option<C>>> = (0..n).map(|_| HashMap::new()).collect();
            for batch in Batches::new(parent.compute_partition(p, tc)?, tc.clone()) {
                for (k, v) in batch? {
                    let m = &mut maps[partitioner.partition(&k).min(n - 1)];
                    merge_into(m, k, v, &create, &merge_value);
                }
            }
            Ok(maps.into_iter().map(drain_combined).collect())
        });
        shuffled(
            self.lineage(),
            self.context(),
            "combine_by_key",
            self.num_partitions(),
            n,
            map,
            move |pairs| {
                let mut merged: HashMap<K, Option<C>> = HashMap::with_capacity(pairs.len());
                for (k, c) in pairs {
                    merge_into(&mut merged, k, c, &|c| c, &merge_combiners);
                }
                vec_batches(drain_combined(merged))
            },
        )
    }
}

/// Merges `v` into the combiner of `k` with one hash lookup. The `Option` lets the combiner be
/// moved out, merged by value and put back.
fn merge_into<K: Hash + Eq, V, C>(
    map: &mut HashMap<K, Option<C>>,
    k: K,
    v: V,
    create: &impl Fn(V) -> C,
    merge: &impl Fn(C, V) -> C,
) {
    match map.entry(k) {
        Entry::Occupied(mut e) => {
            let slot = e.get_mut();
            *slot = match slot.take() {
                Some(c) => Some(merge(c, v)),
                None => Some(create(v)),
            };
        }
        Entry::Vacant(e) => {
            e.insert(Some(create(v)));
        }
    }
}

fn drain_combined<K, C>(map: HashMap<K, Option<C>>) -> Vec<(K, C)> {
    map.into_iter().filter_map(|(k, c)| Some((k, c?))).collect()
}
