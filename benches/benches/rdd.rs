//! ember-rdd against hand-written references, side by side in one run:
//! (1) map + reduce vs a rayon loop, (2) reduce_by_key vs a per-chunk HashMap merge with the
//! same hasher (foldhash) and, for continuity with older figures, with std's SipHash,
//! (3) SparkPi at 2·10^8 samples on 2 threads: Ember's job (lane-parallel streams,
//! `map_partitions_with_rng`) against the lane-parallel plain loop with the same generator and
//! CPU path, and both "before" figures (the scalar `SmallRng` plain loop and Ember's scalar
//! `map_with_rng` job). `EMBER_SIMD=baseline|avx2|avx512` forces the path of the Ember job and of
//! `lane_plain_loop`; `lane_plain_loop_<path>` run every path this CPU has.
//! (4) The cost of the status record the monitoring UI reads (`Context::status`): the same jobs
//! on a context that records and one that does not (`record_status(false)`): a /sparkpi?scale=2
//! request's job, map + reduce over 10^7 elements, and 1000 one-element tasks (the worst case:
//! all event, no work).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ember_benches::{lane_pi_count, plain_pi_count, scalar_estimate_pi};
use ember_rdd::{Context, Simd};
use ember_web::sparkpi::{SAMPLES_PER_SCALE, estimate_pi};
use foldhash::fast::FixedState;
use rayon::prelude::*;

const THREADS: usize = 2;

fn mix(x: u64) -> u64 {
    (x ^ (x >> 7)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn map_reduce(c: &mut Criterion) {
    let ctx = Context::new("bench", &format!("local[{THREADS}]")).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .unwrap();
    let mut g = c.benchmark_group("map_reduce");
    g.sample_size(10);
    for n in [10_000_000u64, 100_000_000] {
        g.throughput(Throughput::Elements(n));
        g.bench_with_input(BenchmarkId::new("ember_rdd", n), &n, |b, &n| {
            b.iter(|| {
                ctx.parallelize(0..n, 2 * THREADS)
                    .unwrap()
                    .map(mix)
                    .reduce(u64::wrapping_add)
                    .unwrap()
            })
        });
        g.bench_with_input(BenchmarkId::new("rayon_loop", n), &n, |b, &n| {
            b.iter(|| {
                pool.install(|| {
                    (0..n)
                        .into_par_iter()
                        .map(mix)
                        .reduce(|| 0, u64::wrapping_add)
                })
            })
        });
    }
    g.finish();
}

fn reduce_by_key(c: &mut Criterion) {
    let ctx = Context::new("bench", &format!("local[{THREADS}]")).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(THREADS)
        .build()
        .unwrap();
    let n = 10_000_000u64;
    let keys = 10_000u64;
    let pairs: Vec<(u64, u64)> = (0..n).map(|i| (mix(i) % keys, i)).collect();
    let rdd = ctx.parallelize(pairs.clone(), 2 * THREADS).unwrap();
    let mut g = c.benchmark_group("reduce_by_key");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function("ember_rdd", |b| {
        b.iter(|| rdd.reduce_by_key(|a, b| a + b).count().unwrap())
    });
    // The fair reference: the same per-chunk merge with the hasher Ember's shuffle uses.
    g.bench_function("hashmap_merge_foldhash", |b| {
        b.iter(|| pool.install(|| hashmap_merge(&pairs, FixedState::with_seed(1))))
    });
    // The reference of earlier runs (std's SipHash), kept so old and new figures line up.
    g.bench_function("hashmap_merge_siphash", |b| {
        b.iter(|| pool.install(|| hashmap_merge(&pairs, RandomState::new())))
    });
    g.finish();
}

/// The hand-written reduce_by_key: one `HashMap` per chunk (as many chunks as Ember has
/// partitions), merged pairwise; returns the number of keys.
fn hashmap_merge<S: BuildHasher + Clone + Send + Sync>(pairs: &[(u64, u64)], hasher: S) -> usize {
    let new = || HashMap::with_hasher(hasher.clone());
    pairs
        .par_chunks(pairs.len().div_ceil(2 * THREADS))
        .map(|chunk| {
            let mut m: HashMap<u64, u64, S> = new();
            for &(k, v) in chunk {
                *m.entry(k).or_default() += v;
            }
            m
        })
        .reduce(new, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_default() += v;
            }
            a
        })
        .len()
}

fn pi(c: &mut Criterion) {
    let ctx = Context::new("bench", &format!("local[{THREADS}]")).unwrap();
    let simd = Simd::selected();
    eprintln!(
        "sparkpi: lane kernels on {simd} (available: {:?})",
        Simd::available()
    );
    let t = THREADS as u64;
    let mut g = c.benchmark_group("sparkpi");
    g.sample_size(10);
    let scale = 2000u64;
    g.throughput(Throughput::Elements(scale * SAMPLES_PER_SCALE));
    g.bench_function("ember_rdd", |b| {
        b.iter(|| estimate_pi(&ctx, black_box(scale), Some(7)).unwrap())
    });
    g.bench_function("lane_plain_loop", |b| {
        b.iter(|| lane_pi_count(black_box(scale), 7, t, simd))
    });
    for path in Simd::available() {
        g.bench_function(format!("lane_plain_loop_{path}"), |b| {
            b.iter(|| lane_pi_count(black_box(scale), 7, t, path))
        });
    }
    g.bench_function("scalar_plain_loop", |b| {
        b.iter(|| plain_pi_count(black_box(scale), 7, t))
    });
    g.bench_function("ember_rdd_scalar", |b| {
        b.iter(|| scalar_estimate_pi(&ctx, black_box(scale), 7).unwrap())
    });
    g.finish();
    // One /sparkpi?scale=2 request's job: what the service pays per request.
    let mut g = c.benchmark_group("sparkpi_request");
    g.throughput(Throughput::Elements(2 * SAMPLES_PER_SCALE));
    g.bench_function("ember_rdd", |b| {
        b.iter(|| estimate_pi(&ctx, black_box(2), Some(7)).unwrap())
    });
    g.bench_function("ember_rdd_scalar", |b| {
        b.iter(|| scalar_estimate_pi(&ctx, black_box(2), 7).unwrap())
    });
    g.finish();
}

fn status_recording(c: &mut Criterion) {
    let context = |record: bool| {
        Context::builder()
            .app_name("bench")
            .master(format!("local[{THREADS}]"))
            .record_status(record)
            .build()
            .unwrap()
    };
    let contexts = [
        ("recording", context(true)),
        ("not_recording", context(false)),
    ];
    let mut g = c.benchmark_group("status_recording");
    for (name, ctx) in &contexts {
        g.bench_function(BenchmarkId::new("sparkpi_request", name), |b| {
            b.iter(|| estimate_pi(ctx, black_box(2), Some(7)).unwrap())
        });
    }
    for (name, ctx) in &contexts {
        g.bench_function(BenchmarkId::new("map_reduce_1e7", name), |b| {
            b.iter(|| {
                ctx.parallelize(0..10_000_000u64, 2 * THREADS)
                    .unwrap()
                    .map(mix)
                    .reduce(u64::wrapping_add)
                    .unwrap()
            })
        });
    }
    for (name, ctx) in &contexts {
        g.bench_function(BenchmarkId::new("tiny_tasks_1000", name), |b| {
            b.iter(|| ctx.parallelize(0..1000u64, 1000).unwrap().count().unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, map_reduce, reduce_by_key, pi, status_recording);
criterion_main!(benches);
