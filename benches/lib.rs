//! References the benches share.

use ember_rdd::task_rng;
use ember_web::sparkpi::{SAMPLES_PER_SCALE, sample};

/// SparkPi's inside-the-circle count without Ember: the same `scale` partitions with the same
/// per-partition RNG as `estimate_pi`, split between `threads` plain threads.
pub fn plain_pi_count(scale: u64, seed: u64, threads: u64) -> u64 {
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut count = 0u64;
                    for p in (t..scale).step_by(threads as usize) {
                        let mut rng = task_rng(seed, p as usize);
                        for _ in 0..SAMPLES_PER_SCALE {
                            count += sample(&mut rng);
                        }
                    }
                    count
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().ok()).sum()
    })
}
