use rand::{Rng, SeedableRng};
use rand_xoshiro::{SplitMix64, Xoshiro256Plus};

use super::*;

/// Lane `l` of `LaneRng::seed_from_u64(seed)`, built with rand_xoshiro alone.
fn reference_lane(seed: u64, l: usize) -> Xoshiro256Plus {
    let mut sm = SplitMix64::seed_from_u64(seed);
    let mut words = [0u64; 4 * LANES];
    for w in &mut words {
        *w = sm.next_u64();
    }
    let mut bytes = [0u8; 32];
    for (k, chunk) in bytes.chunks_exact_mut(8).enumerate() {
        chunk.copy_from_slice(&words[4 * l + k].to_le_bytes());
    }
    Xoshiro256Plus::from_seed(bytes)
}

#[test]
fn every_lane_is_rand_xoshiros_xoshiro256plus() {
    for seed in [0, 1, 42, u64::MAX, partition_seed(7, 3)] {
        let mut lanes = LaneRng::seed_from_u64(seed);
        let mut refs: Vec<_> = (0..LANES).map(|l| reference_lane(seed, l)).collect();
        // Lane 0 is also rand_xoshiro's own SplitMix64 seeding.
        let mut lane0 = Xoshiro256Plus::seed_from_u64(seed);
        for _ in 0..1000 {
            let draws = lanes.next_u64s();
            assert_eq!(draws[0], lane0.next_u64());
            for (l, r) in refs.iter_mut().enumerate() {
                assert_eq!(draws[l], r.next_u64(), "seed {seed}, lane {l}");
            }
        }
    }
}

#[test]
fn fill_f64_is_the_lane_draws_in_order_on_every_path() {
    for simd in Simd::available() {
        for len in [0, 1, 7, 8, 9, 1000, 1001] {
            let mut rng = LaneRng::new(5, 2);
            rng.set_simd(simd);
            assert_eq!(rng.simd(), simd);
            let mut reference = rng.clone();
            let mut out = vec![f64::NAN; len];
            rng.fill_f64(&mut out);
            let expected: Vec<f64> = (0..len.div_ceil(LANES))
                .flat_map(|_| reference.next_u64s())
                .map(unit_f64)
                .take(len)
                .collect();
            assert_eq!(out, expected, "{simd}, len {len}");
            assert!(out.iter().all(|x| (0.0..1.0).contains(x)));
            // The state moved on exactly as the reference's did.
            assert_eq!(rng.next_u64s(), reference.next_u64s(), "{simd}, len {len}");
        }
    }
}

#[test]
fn count_pairs_counts_each_lanes_x_y_pairs_on_every_path() {
    let inside = |x: f64, y: f64| x * x + y * y <= 1.0;
    for simd in Simd::available() {
        for pairs in [0u64, 1, 7, 8, 9, 1000, 100_003] {
            let mut rng = LaneRng::new(9, 4);
            rng.set_simd(simd);
            let mut reference = rng.clone();
            let got = rng.count_pairs(pairs, inside);
            let mut expected = 0;
            let mut left = pairs;
            while left > 0 {
                let (xs, ys) = (reference.next_u64s(), reference.next_u64s());
                let live = left.min(LANES as u64) as usize;
                expected += (0..live)
                    .filter(|&l| inside(unit_f64(xs[l]), unit_f64(ys[l])))
                    .count() as u64;
                left -= live as u64;
            }
            assert_eq!(got, expected, "{simd}, {pairs} pairs");
            assert_eq!(rng.next_u64s(), reference.next_u64s());
        }
    }
}

#[test]
fn unavailable_paths_fall_back_below() {
    let best = Simd::best();
    assert!(best.is_supported());
    assert_eq!(Simd::Avx512.or_below(), best);
    assert_eq!(Simd::Baseline.or_below(), Simd::Baseline);
    assert!(Simd::available().contains(&Simd::selected()));
    assert_eq!("AVX2".parse::<Simd>().ok(), Some(Simd::Avx2));
    assert_eq!(" baseline ".parse::<Simd>().ok(), Some(Simd::Baseline));
    assert!("sse9".parse::<Simd>().is_err());
}

/// Chi-square with one degree of freedom per bit position: are the bits of the first draws of
/// many partitions (every lane of each) fair coins? A bad seeding (partitions or lanes sharing
/// or correlating their starts) shows here first.
#[test]
fn first_draws_of_many_partitions_have_fair_bits() {
    let partitions = 4096;
    let mut ones = [0u64; 64];
    let mut low_bytes = [0u64; 256];
    let mut high_bytes = [0u64; 256];
    for p in 0..partitions {
        for d in LaneRng::new(2024, p).next_u64s() {
            for (b, o) in ones.iter_mut().enumerate() {
                *o += (d >> b) & 1;
            }
            low_bytes[(d & 0xFF) as usize] += 1;
            high_bytes[(d >> 56) as usize] += 1;
        }
    }
    let n = (partitions * LANES) as f64;
    let chi_bits: f64 = ones
        .iter()
        .map(|&o| {
            let (o, e) = (o as f64, n / 2.0);
            (o - e).powi(2) / e + ((n - o) - e).powi(2) / e
        })
        .sum();
    // 64 degrees of freedom: mean 64, sd 11.3; 5 sd above the mean.
    assert!(chi_bits < 121.0, "bits: chi2 = {chi_bits}");
    for counts in [low_bytes, high_bytes] {
        let e = n / 256.0;
        let chi: f64 = counts.iter().map(|&c| (c as f64 - e).powi(2) / e).sum();
        // 255 degrees of freedom: mean 255, sd 22.6.
        assert!(chi < 368.0, "bytes: chi2 = {chi}");
    }
}

/// The estimate's error shrinks like 1/sqrt(n): over independent partitions, the RMS error of
/// `4 * inside / n` stays near sigma / sqrt(n) with sigma = 4 sqrt(p (1 - p)), p = pi/4.
#[test]
fn pi_error_shrinks_like_one_over_sqrt_n() {
    let p = std::f64::consts::FRAC_PI_4;
    let sigma = 4.0 * (p * (1.0 - p)).sqrt();
    let reps = 32;
    let mut last = f64::INFINITY;
    for n in [1_000u64, 10_000, 100_000, 1_000_000] {
        let mse = (0..reps)
            .map(|r| {
                let mut rng = LaneRng::new(n, r);
                let pi = 4.0 * rng.count_pairs(n, |x, y| x * x + y * y <= 1.0) as f64 / n as f64;
                (pi - std::f64::consts::PI).powi(2)
            })
            .sum::<f64>()
            / reps as f64;
        let ratio = mse.sqrt() / (sigma / (n as f64).sqrt());
        assert!(
            (0.5..1.6).contains(&ratio),
            "n = {n}: rms/expected = {ratio}"
        );
        assert!(mse.sqrt() < last, "n = {n}: the error did not shrink");
        last = mse.sqrt();
    }
}
