//! References the benches share.

use ember_rdd::{Context, LaneRng, Simd, task_rng};
use ember_web::sparkpi::{SAMPLES_PER_SCALE, count_inside, sample};

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

/// The lane-parallel reference: the same `scale` partitions with the same per-partition
/// [`LaneRng`] and CPU path as `estimate_pi`, split between `threads` plain threads.
pub fn lane_pi_count(scale: u64, seed: u64, threads: u64, simd: Simd) -> u64 {
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut count = 0u64;
                    for p in (t..scale).step_by(threads as usize) {
                        let mut rng = LaneRng::new(seed, p as usize);
                        rng.set_simd(simd);
                        count += count_inside(&mut rng, SAMPLES_PER_SCALE);
                    }
                    count
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().ok()).sum()
    })
}

/// SparkPi as Ember ran it before lane streams (`map_with_rng` calling [`sample`] once per
/// element): the "before" of the lane-parallel job.
pub fn scalar_estimate_pi(ctx: &Context, scale: u64, seed: u64) -> ember_rdd::Result<f64> {
    let n = scale * SAMPLES_PER_SCALE;
    let count = ctx
        .parallelize(1..=n, scale as usize)?
        .map_with_rng(Some(seed), |rng, _| sample(rng))
        .reduce(|a, b| a + b)?;
    Ok(4.0 * count as f64 / n as f64)
}
