//! Per-partition randomness: every partition of a seeded RDD draws its own, reproducible stream.

use rand::SeedableRng;

/// The RNG each partition of [`Rdd::map_with_rng`](crate::Rdd::map_with_rng) and
/// [`Rdd::sample`](crate::Rdd::sample) draws from.
pub type TaskRng = rand::rngs::SmallRng;

/// The seed of partition `partition`'s RNG in a job seeded with `seed` (SplitMix64 of the pair),
/// so every partition draws its own, independent and reproducible stream.
///
/// ```
/// use ember_rdd::partition_seed;
/// assert_eq!(partition_seed(7, 0), partition_seed(7, 0));
/// assert_ne!(partition_seed(7, 0), partition_seed(7, 1));
/// ```
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
