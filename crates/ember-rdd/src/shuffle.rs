//! The in-process hash shuffle behind every wide transformation: the map side writes one bucket
//! per reduce partition, kept in memory while the shuffled RDD lives; the reduce side reads its
//! bucket of every map output.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::batch::{BatchIter, Batches, vec_batches};
use crate::context::Context;
use crate::error::Result;
use crate::lineage::{Dep, Lineage, ShuffleStage};
use crate::partitioner::{CombineHasher, Partitioner, combine_map};
use crate::rdd::{Data, Rdd};
use crate::sync::lock;
use crate::task::TaskContext;

/// Combiners by key; the `Option` lets a combiner be moved out, merged by value and put back.
type CombineMap<K, C> = HashMap<K, Option<C>, CombineHasher>;

/// A map task's output: one bucket of `(key, combiner)` pairs per reduce partition.
type MapOutput<K, C> = Arc<Vec<Vec<(K, C)>>>;
type MapFn<K, C> = dyn Fn(usize, &TaskContext) -> Result<Vec<Vec<(K, C)>>> + Send + Sync;

/// The output of a shuffle's map stage, kept in memory for as long as the shuffled RDD lives
/// (so later jobs skip the map stage, as Spark's shuffle files let it).
struct ShuffleMap<K, C> {
    parent: Arc<dyn Lineage>,
    name: &'static str,
    num_maps: usize,
    map: Box<MapFn<K, C>>,
    outputs: Mutex<Vec<Option<MapOutput<K, C>>>>,
    done: AtomicBool,
    running: Mutex<()>,
}

impl<K: Data, C: Data> ShuffleStage for ShuffleMap<K, C> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn parent(&self) -> Arc<dyn Lineage> {
        Arc::clone(&self.parent)
    }
    fn num_map_tasks(&self) -> usize {
        self.num_maps
    }
    fn run_map_task(&self, map_partition: usize, tc: &TaskContext) -> Result<()> {
        let buckets = (self.map)(map_partition, tc)?;
        tc.metrics.wrote_shuffle(buckets.iter().map(Vec::len).sum());
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
    ctx: &Context,
    name: &'static str,
    num_maps: usize,
    num_reduces: usize,
    map: Box<MapFn<K, C>>,
    reduce: impl Fn(Vec<(K, C)>) -> BatchIter<Out> + Send + Sync + 'static,
) -> Rdd<Out> {
    let stage = Arc::new(ShuffleMap {
        parent: parent_lineage,
        name,
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
            tc.metrics.read_shuffle(pairs.len());
            Ok(reduce(pairs))
        },
    )
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
            // One map for the whole partition: a pair costs one hash lookup, and the
            // partitioner runs once per distinct key, when the map is split into buckets.
            let mut combined: CombineMap<K, C> = combine_map(0);
            for batch in Batches::new(parent.compute_partition(p, tc)?, tc.clone()) {
                for (k, v) in batch? {
                    merge_into(&mut combined, k, v, &create, &merge_value);
                }
            }
            let mut buckets: Vec<Vec<(K, C)>> = (0..n).map(|_| Vec::new()).collect();
            for (k, c) in combined {
                if let Some(c) = c {
                    buckets[partitioner.partition(&k).min(n - 1)].push((k, c));
                }
            }
            Ok(buckets)
        });
        shuffled(
            self.lineage(),
            self.context(),
            "combine_by_key",
            self.num_partitions(),
            n,
            map,
            move |pairs| {
                let mut merged: CombineMap<K, C> = combine_map(pairs.len());
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
    map: &mut CombineMap<K, C>,
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

fn drain_combined<K, C>(map: CombineMap<K, C>) -> Vec<(K, C)> {
    map.into_iter().filter_map(|(k, c)| Some((k, c?))).collect()
}
