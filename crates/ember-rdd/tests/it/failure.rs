use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ember_rdd::{CancelToken, Context, Error};

use crate::ctx;

#[test]
fn a_panicking_task_is_retried_and_counted_once() {
    let c = ctx();
    let attempts = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&attempts);
    let acc = c.accumulator(0u64);
    let a = acc.clone();
    let total = c
        .parallelize(0..100u64, 4)
        .unwrap()
        .map(move |x| {
            a.add(1);
            // Fail the first attempt of the partition holding 50, after it has added.
            if x == 50 && seen.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("injected failure");
            }
            x
        })
        .sum()
        .unwrap();
    assert_eq!(total, 4950);
    assert_eq!(attempts.load(Ordering::SeqCst), 2);
    assert_eq!(acc.value(), 100, "the failed attempt's adds are dropped");
}

#[test]
fn a_task_that_always_panics_fails_the_job_with_context() {
    let c = Context::builder()
        .master("local[2]")
        .max_task_failures(3)
        .build()
        .unwrap();
    let err = c
        .parallelize(0..10i32, 5)
        .unwrap()
        .map(|x| if x == 7 { panic!("bad element {x}") } else { x })
        .collect()
        .unwrap_err();
    match err {
        Error::TaskFailed {
            partition,
            attempts,
            message,
        } => {
            assert_eq!((partition, attempts), (3, 3));
            assert_eq!(message, "bad element 7");
        }
        other => panic!("{other}"),
    }
    // The pool is still usable.
    assert_eq!(c.parallelize(0..10i32, 5).unwrap().count().unwrap(), 10);
}

#[test]
fn cancellation_stops_a_running_job_promptly() {
    let c = ctx();
    let token = CancelToken::new();
    let canceller = token.clone();
    let started = Instant::now();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        canceller.cancel();
    });
    let rdd = c.parallelize(0..1_000_000i64, 4).unwrap().map(|x| {
        std::thread::sleep(Duration::from_micros(100));
        x
    });
    let err = c.with_cancel_token(&token, || rdd.count()).unwrap_err();
    t.join().unwrap();
    assert!(matches!(err, Error::Cancelled { .. }), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(c.active_jobs(), 0);
    assert_eq!(c.parallelize(0..10i64, 2).unwrap().count().unwrap(), 10);
}

#[test]
fn a_job_group_can_be_cancelled_from_another_thread() {
    let c = ctx();
    let worker = {
        let c = c.clone();
        std::thread::spawn(move || {
            c.with_job_group("slow", || {
                c.parallelize(0..100_000i64, 2)
                    .unwrap()
                    .map(|x| {
                        std::thread::sleep(Duration::from_millis(1));
                        x
                    })
                    .count()
            })
        })
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while c.cancel_job_group("slow") == 0 {
        assert!(Instant::now() < deadline, "the job never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    let err = worker.join().unwrap().unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err}");
}

#[test]
fn two_contexts_run_at_once() {
    let handles: Vec<_> = (0..2)
        .map(|i| {
            std::thread::spawn(move || {
                let c = Context::new(format!("app{i}"), "local[2]").unwrap();
                c.parallelize(0..200_000i64, 4)
                    .unwrap()
                    .map(|x| x * 2)
                    .sum()
                    .unwrap()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 2 * (199_999 * 200_000 / 2));
    }
}

#[test]
fn seeded_pi_is_reproducible_and_accurate() {
    let c = ctx();
    let n = 100_000 * 100u64;
    let pi = |seed| {
        let count = c
            .parallelize(1..=n, 100)
            .unwrap()
            .map_with_rng(Some(seed), |rng, _| {
                let (x, y): (f64, f64) = (rand::RngExt::random(rng), rand::RngExt::random(rng));
                u64::from(x * x + y * y <= 1.0)
            })
            .reduce(|a, b| a + b)
            .unwrap();
        4.0 * count as f64 / n as f64
    };
    let (a, b) = (pi(9), pi(9));
    assert_eq!(a, b);
    // Binomial: sigma of the estimate is 4 * sqrt(p(1-p)/n) with p = pi/4.
    let p = std::f64::consts::PI / 4.0;
    let sigma = 4.0 * (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (a - std::f64::consts::PI).abs() < 5.0 * sigma,
        "{a} vs pi, sigma {sigma}"
    );
    assert_ne!(pi(10), a, "another seed, another estimate");
}

/// `map_partitions_with_rng`: a retried partition starts its stream afresh, so a job that lost a
/// task draws exactly what a clean run draws.
#[test]
fn a_retried_partition_redraws_its_lane_stream() {
    let c = ctx();
    let job = |fail_once: bool| {
        let attempts = Arc::new(AtomicUsize::new(0));
        let failed = Arc::clone(&attempts);
        let out = c
            .parallelize(0..10_000u64, 4)
            .unwrap()
            .map_partitions_with_rng(Some(11), move |rng, it| {
                let mut out = vec![0.0; it.map(|b| b.len()).sum()];
                rng.fill_f64(&mut out);
                // The third attempt to get here fails, after it has drawn.
                if failed.fetch_add(1, Ordering::SeqCst) == 2 && fail_once {
                    panic!("injected failure");
                }
                out
            })
            .collect()
            .unwrap();
        (out, attempts.load(Ordering::SeqCst))
    };
    let (clean, attempts) = job(false);
    assert_eq!((clean.len(), attempts), (10_000, 4));
    assert_eq!(job(true), (clean, 5), "one retry, the same draws");
}
