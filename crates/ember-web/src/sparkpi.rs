//! The SparkPi job of the first seed, on `ember-rdd`. No HTTP here: the CLI, the service and the
//! benches all run this one function.

use ember_rdd::{Context, LaneRng, Simd, TaskRng};
use rand::RngExt;

/// Samples per unit of scale, as the seed: `n = 100000 * scale`.
pub const SAMPLES_PER_SCALE: u64 = 100_000;

/// One Monte Carlo sample drawn from the scalar per-element RNG: 1 if a uniform point of the unit
/// square falls in the quarter circle. The SparkPi tutorial app's `f(_)`, and the benches' scalar reference
/// (`estimate_pi` draws in lanes instead, see [`count_inside`]).
#[inline]
pub fn sample(rng: &mut TaskRng) -> u64 {
    let x: f64 = rng.random();
    let y: f64 = rng.random();
    u64::from(x * x + y * y <= 1.0)
}

/// How many of `samples` uniform points of the unit square, drawn in lanes from `rng`, fall in
/// the quarter circle: one partition's work in [`estimate_pi`], and the benches' lane-parallel
/// reference loop.
#[inline]
pub fn count_inside(rng: &mut LaneRng, samples: u64) -> u64 {
    rng.count_pairs(samples, |x, y| x * x + y * y <= 1.0)
}

/// Estimates pi as the SparkPi tutorial app's `produce_pi(scale)`: `n = 100000 * scale` samples over `scale`
/// partitions, then `4.0 * count / n`. Each of the `scale` partitions draws its own
/// lane-parallel random stream
/// ([`Rdd::map_partitions_with_rng`](ember_rdd::Rdd::map_partitions_with_rng)), seeded from
/// `(seed, partition)`, on the CPU path [`Simd::selected`] picks; `seed = None` draws a fresh seed.
/// The estimate for a seed is the same on every path and any number of threads.
///
/// The tutorial app parallelizes the sample indices `1..=n`, which `f` never reads; here a partition
/// holds its sample count instead (Spark's slicing of `1..=n`, so the same `scale` tasks of the
/// same sizes), because writing 10^5 unused indices per partition cost a third of the sampling.
///
/// `scale == 0` is [`ember_rdd::Error::InvalidArgument`].
pub fn estimate_pi(ctx: &Context, scale: u64, seed: Option<u64>) -> ember_rdd::Result<f64> {
    estimate_pi_on(ctx, scale, seed, Simd::selected())
}

/// [`estimate_pi`] on the given CPU path (or the fastest below it this CPU runs). For tests and
/// benches: every path gives the same estimate.
pub fn estimate_pi_on(
    ctx: &Context,
    scale: u64,
    seed: Option<u64>,
    simd: Simd,
) -> ember_rdd::Result<f64> {
    let n =
        scale
            .checked_mul(SAMPLES_PER_SCALE)
            .ok_or_else(|| ember_rdd::Error::InvalidArgument {
                name: "scale",
                reason: format!("{scale} * {SAMPLES_PER_SCALE} samples overflows"),
            })?;
    let slices = usize::try_from(scale).map_err(|_| ember_rdd::Error::InvalidArgument {
        name: "scale",
        reason: format!("{scale} partitions do not fit this platform"),
    })?;
    // Partition i's share of 1..=n under Spark's slicing: [i*n/s, (i+1)*n/s).
    let bound = |i: u64| (u128::from(i) * u128::from(n) / u128::from(scale)) as u64;
    let sizes: Vec<u64> = (0..scale).map(|i| bound(i + 1) - bound(i)).collect();
    let count = ctx
        .parallelize(sizes, slices)?
        .map_partitions_with_rng(seed, move |rng, batches| {
            rng.set_simd(simd);
            let samples: u64 = batches.flatten().sum();
            [count_inside(rng, samples)]
        })
        .reduce(|a, b| a + b)?;
    Ok(4.0 * count as f64 / n as f64)
}

/// Formats a float the way Python's `str(float)` does for the values pi estimates take
/// (`3.14159`, `4.0`), so responses read exactly like the SparkPi tutorial app's.
pub fn python_float(v: f64) -> String {
    let s = v.to_string();
    if v.is_finite() && !s.contains(['.', 'e', 'E']) {
        format!("{s}.0")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        assert_eq!(python_float(4.0), "4.0");
        assert_eq!(python_float(3.1388), "3.1388");
        assert_eq!(python_float(3.14172), "3.14172");
    }

    /// The same estimate for a seed on every CPU path this machine runs and on any number of
    /// threads.
    #[test]
    fn estimates_agree_across_paths_and_thread_counts() {
        let reference = estimate_pi_on(
            &Context::new("pi", "local[1]").unwrap(),
            7,
            Some(3),
            Simd::Baseline,
        )
        .unwrap();
        for threads in [1, 2, 4] {
            let ctx = Context::new("pi", &format!("local[{threads}]")).unwrap();
            for simd in Simd::available() {
                assert_eq!(
                    estimate_pi_on(&ctx, 7, Some(3), simd).unwrap(),
                    reference,
                    "{simd}, {threads} threads"
                );
            }
            assert_eq!(estimate_pi(&ctx, 7, Some(3)).unwrap(), reference);
        }
        let other = estimate_pi(&Context::new("pi", "local[2]").unwrap(), 7, Some(4)).unwrap();
        assert_ne!(other, reference, "another seed draws other numbers");
    }

    /// The error of the whole job shrinks like 1/sqrt(n) over scales: the partitions' streams
    /// are independent (correlated partitions would leave the error of a large scale too big).
    #[test]
    fn error_shrinks_like_one_over_sqrt_n_over_scales() {
        let ctx = Context::new("pi", "local[2]").unwrap();
        let p = std::f64::consts::FRAC_PI_4;
        let sigma = 4.0 * (p * (1.0 - p)).sqrt();
        let reps = 24;
        for scale in [1u64, 10, 100] {
            let n = (scale * SAMPLES_PER_SCALE) as f64;
            let mse = (0..reps)
                .map(|seed| {
                    let pi = estimate_pi(&ctx, scale, Some(seed)).unwrap();
                    (pi - std::f64::consts::PI).powi(2)
                })
                .sum::<f64>()
                / reps as f64;
            let ratio = mse.sqrt() / (sigma / n.sqrt());
            assert!(
                (0.5..1.6).contains(&ratio),
                "scale {scale}: rms/expected = {ratio}"
            );
        }
    }
}
