//! The SparkPi job of the first seed, on `ember-rdd`. No HTTP here: the CLI, the service and the
//! benches all run this one function.

use ember_rdd::{Context, TaskRng};
use rand::RngExt;

/// Samples per unit of scale, as the seed: `n = 100000 * scale`.
pub const SAMPLES_PER_SCALE: u64 = 100_000;

/// One Monte Carlo sample: 1 if a uniform point of the unit square falls in the quarter circle.
/// The seed's `f(_)`.
#[inline]
pub fn sample(rng: &mut TaskRng) -> u64 {
    let x: f64 = rng.random();
    let y: f64 = rng.random();
    u64::from(x * x + y * y <= 1.0)
}

/// Estimates pi exactly as the seed's `produce_pi(scale)`:
/// `parallelize(1..=n, scale).map(f).reduce(+)` with `n = 100000 * scale`, then
/// `4.0 * count / n`. Each of the `scale` partitions draws its own random stream, seeded from
/// `(seed, partition)`; `seed = None` draws a fresh seed.
///
/// `scale == 0` is [`ember_rdd::Error::InvalidArgument`].
pub fn estimate_pi(ctx: &Context, scale: u64, seed: Option<u64>) -> ember_rdd::Result<f64> {
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
    let count = ctx
        .parallelize(1..=n, slices)?
        .map_with_rng(seed, |rng, _| sample(rng))
        .reduce(|a, b| a + b)?;
    Ok(4.0 * count as f64 / n as f64)
}

/// Formats a float the way Python's `str(float)` does for the values pi estimates take
/// (`3.14159`, `4.0`), so responses read exactly like the seed's.
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
}
