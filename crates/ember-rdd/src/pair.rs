//! Operations on RDDs of key-value pairs (Spark's `PairRDDFunctions`).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use crate::error::Result;
use crate::partitioner::{HashPartitioner, Partitioner, RangePartitioner};
use crate::rdd::{Data, Rdd};

/// One side of a [`cogroup`](Rdd::cogroup), tagged so both sides can share one shuffle.
#[derive(Clone)]
enum Side<V, W> {
    Left(V),
    Right(W),
}

/// How many elements per output partition `sort_by_key` samples to choose its ranges.
const SORT_SAMPLE_PER_PARTITION: usize = 20;

impl<K: Data + Hash + Eq, V: Data> Rdd<(K, V)> {
    fn default_partitioner(&self) -> HashPartitioner {
        HashPartitioner::at_least_one(self.num_partitions())
    }

    /// Merges the values of each key with an associative, commutative `f`, combining map-side
    /// before the shuffle. Keeps the partition count.
    pub fn reduce_by_key(&self, f: impl Fn(V, V) -> V + Send + Sync + 'static) -> Rdd<(K, V)> {
        let f = Arc::new(f);
        let g = Arc::clone(&f);
        self.combine_by_key(
            |v| v,
            move |a, b| f(a, b),
            move |a, b| g(a, b),
            self.default_partitioner(),
        )
    }

    /// Gathers the values of each key into a `Vec` (order within a key is not defined).
    pub fn group_by_key(&self) -> Rdd<(K, Vec<V>)> {
        self.combine_by_key(
            |v| vec![v],
            |mut vs, v| {
                vs.push(v);
                vs
            },
            |mut a, mut b| {
                a.append(&mut b);
                a
            },
            self.default_partitioner(),
        )
    }

    /// Aggregates the values of each key: `seq` folds values into an accumulator that starts at
    /// `zero`, `comb` merges accumulators.
    pub fn aggregate_by_key<U: Data>(
        &self,
        zero: U,
        seq: impl Fn(U, V) -> U + Send + Sync + 'static,
        comb: impl Fn(U, U) -> U + Send + Sync + 'static,
    ) -> Rdd<(K, U)> {
        let seq = Arc::new(seq);
        let first = Arc::clone(&seq);
        self.combine_by_key(
            move |v| first(zero.clone(), v),
            move |u, v| seq(u, v),
            comb,
            self.default_partitioner(),
        )
    }

    /// Moves each pair to the partition `partitioner` chooses for its key.
    pub fn partition_by(&self, partitioner: impl Partitioner<K> + 'static) -> Rdd<(K, V)> {
        self.shuffle("partition_by", Arc::new(partitioner))
    }

    /// For each key, the values of `self` and of `other` under it.
    #[allow(clippy::type_complexity)] // the pair-of-groups shape is the point of cogroup
    pub fn cogroup<W: Data>(&self, other: &Rdd<(K, W)>) -> Rdd<(K, (Vec<V>, Vec<W>))> {
        let parts = self.num_partitions().max(other.num_partitions()).max(1);
        let partitioner = HashPartitioner::at_least_one(parts);
        let left = self.map(|(k, v)| (k, Side::<V, W>::Left(v)));
        let right = other.map(|(k, w)| (k, Side::<V, W>::Right(w)));
        left.union(&right).combine_by_key(
            |side| {
                let mut acc = (Vec::new(), Vec::new());
                push_side(&mut acc, side);
                acc
            },
            |mut acc, side| {
                push_side(&mut acc, side);
                acc
            },
            |mut a, mut b| {
                a.0.append(&mut b.0);
                a.1.append(&mut b.1);
                a
            },
            partitioner,
        )
    }

    /// Inner join: a pair for every combination of a value of `self` and a value of `other`
    /// under the same key.
    pub fn join<W: Data>(&self, other: &Rdd<(K, W)>) -> Rdd<(K, (V, W))> {
        self.cogroup(other).flat_map(|(k, (vs, ws))| {
            let mut out = Vec::with_capacity(vs.len() * ws.len());
            for v in &vs {
                for w in &ws {
                    out.push((k.clone(), (v.clone(), w.clone())));
                }
            }
            out
        })
    }

    /// Left outer join: every value of `self`, paired with each value of `other` under its key,
    /// or with `None` when there is none.
    pub fn left_outer_join<W: Data>(&self, other: &Rdd<(K, W)>) -> Rdd<(K, (V, Option<W>))> {
        self.cogroup(other).flat_map(|(k, (vs, ws))| {
            let mut out = Vec::with_capacity(vs.len() * ws.len().max(1));
            for v in &vs {
                if ws.is_empty() {
                    out.push((k.clone(), (v.clone(), None)));
                }
                for w in &ws {
                    out.push((k.clone(), (v.clone(), Some(w.clone()))));
                }
            }
            out
        })
    }

    /// The number of pairs under each key.
    pub fn count_by_key(&self) -> Result<HashMap<K, u64>> {
        Ok(self
            .map(|(k, _)| (k, 1u64))
            .reduce_by_key(|a, b| a + b)
            .collect()?
            .into_iter()
            .collect())
    }

    /// The pairs as a map; for a repeated key, one of its values is kept.
    pub fn collect_as_map(&self) -> Result<HashMap<K, V>> {
        Ok(self.collect()?.into_iter().collect())
    }
}

fn push_side<V, W>(acc: &mut (Vec<V>, Vec<W>), side: Side<V, W>) {
    match side {
        Side::Left(v) => acc.0.push(v),
        Side::Right(w) => acc.1.push(w),
    }
}

impl<K: Data, V: Data> Rdd<(K, V)> {
    /// Applies `f` to every value, keeping the keys.
    pub fn map_values<U: Data>(&self, f: impl Fn(V) -> U + Send + Sync + 'static) -> Rdd<(K, U)> {
        self.map(move |(k, v)| (k, f(v)))
    }
    /// The keys.
    pub fn keys(&self) -> Rdd<K> {
        self.map(|(k, _)| k)
    }
    /// The values.
    pub fn values(&self) -> Rdd<V> {
        self.map(|(_, v)| v)
    }
}

impl<K: Data + Ord, V: Data> Rdd<(K, V)> {
    /// Sorts by key into the same number of partitions, each holding a contiguous key range
    /// (a range partitioner, as Spark's `sortByKey`). Like Spark, it runs a job now to sample
    /// the keys and choose the ranges.
    pub fn sort_by_key(&self, ascending: bool) -> Result<Rdd<(K, V)>> {
        let parts = self.num_partitions().max(1);
        let per_partition = SORT_SAMPLE_PER_PARTITION;
        let mut sample: Vec<K> = self
            .map_partitions_with_index(move |i, it| {
                // Reservoir sample of keys, seeded by the partition for reproducible ranges.
                let mut rng = crate::task_rng(0x5EED, i);
                let mut kept: Vec<K> = Vec::with_capacity(per_partition);
                for (seen, (k, _)) in it.enumerate() {
                    if kept.len() < per_partition {
                        kept.push(k);
                    } else {
                        let j = rand::RngExt::random_range(&mut rng, 0..=seen);
                        if j < per_partition {
                            kept[j] = k;
                        }
                    }
                }
                kept
            })
            .collect()?;
        sample.sort();
        let bounds: Vec<K> = (1..parts)
            .filter_map(|i| sample.get(i * sample.len() / parts).cloned())
            .collect();
        let partitioner = RangePartitioner::new(bounds, ascending);
        Ok(self
            .shuffle("sort_by_key", Arc::new(partitioner))
            .map_partitions(move |it| {
                let mut all: Vec<(K, V)> = it.collect();
                if ascending {
                    all.sort_by(|a, b| a.0.cmp(&b.0));
                } else {
                    all.sort_by(|a, b| b.0.cmp(&a.0));
                }
                all
            }))
    }
}
