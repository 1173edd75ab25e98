//! Partitioners: which reduce partition a key goes to.

use std::hash::{BuildHasher, Hash};

use crate::error::{Error, Result};

/// The partitioner's hash: foldhash with a fixed seed, the same in every process.
const PARTITION_HASH: foldhash::fast::FixedState =
    foldhash::fast::FixedState::with_seed(0x656d_6265_725f_7061);

/// The hasher of the shuffle's map- and reduce-side `HashMap`s: fast, deterministic, and
/// seeded apart from [`PARTITION_HASH`] so a bucket's keys (which share partition bits) still
/// spread over the map.
pub(crate) type CombineHasher = foldhash::fast::FixedState;

/// A map for combining values by key in a shuffle.
pub(crate) fn combine_map<K, C>(capacity: usize) -> std::collections::HashMap<K, C, CombineHasher> {
    std::collections::HashMap::with_capacity_and_hasher(
        capacity,
        foldhash::fast::FixedState::with_seed(0x636f_6d62_696e_6521),
    )
}

/// Decides which reduce partition a key goes to.
pub trait Partitioner<K>: Send + Sync {
    /// The number of reduce partitions.
    fn num_partitions(&self) -> usize;
    /// The partition of `key`, in `0..num_partitions()`.
    fn partition(&self, key: &K) -> usize;
}

/// Partitions by a hash of the key (Spark's `HashPartitioner`). The hash (foldhash with a fixed
/// seed) is the same in every run and process, so a key lands in the same partition every time.
///
/// ```
/// use ember_rdd::{HashPartitioner, Partitioner};
///
/// let p = HashPartitioner::new(4)?;
/// let i = p.partition(&"spark");
/// assert!(i < 4);
/// assert_eq!(p.partition(&"spark"), i);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
        let h = PARTITION_HASH.hash_one(key);
        // Multiply-shift takes the hash's high bits: cheaper than `%`, and independent of the
        // low bits that the map-side `HashMap`s index by (they use another seed as well).
        ((u128::from(h) * self.partitions as u128) >> 64) as usize
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
