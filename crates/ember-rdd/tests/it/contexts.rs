//! Shared variables and job scopes belong to their context: two contexts used from one thread do
//! not see each other's accumulators, cancel tokens or job groups.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use ember_rdd::{CancelToken, Context, Error, Event};

fn two() -> (Context, Context) {
    (
        Context::new("a", "local[2]").unwrap(),
        Context::new("b", "local[2]").unwrap(),
    )
}

#[test]
fn regression_accumulators_of_two_contexts_do_not_collide() {
    // Before: task adds were buffered under a per-context counter, so the first accumulator of
    // each context had the same key and b's adds inside a's task landed in a.
    let (a, b) = two();
    let acc_a = a.accumulator(0u64);
    let acc_b = b.accumulator(0u64);
    let (x, y) = (acc_a.clone(), acc_b.clone());
    a.parallelize(0..10u64, 2)
        .unwrap()
        .foreach(move |_| {
            x.add(1);
            y.add(100);
        })
        .unwrap();
    assert_eq!(acc_a.value(), 10);
    assert_eq!(acc_b.value(), 1000);
}

#[test]
fn regression_a_cancel_token_of_one_context_does_not_cancel_another_contexts_job() {
    let (a, b) = two();
    let token = CancelToken::new();
    token.cancel();
    let n = a.with_cancel_token(&token, || b.parallelize(0..100u64, 2).unwrap().count());
    assert_eq!(n.unwrap(), 100, "b's job is not under a's token");
    let err = a
        .with_cancel_token(&token, || a.parallelize(0..100u64, 2).unwrap().count())
        .unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err}");
}

#[test]
fn regression_a_job_group_of_one_context_does_not_leak_into_another() {
    let (a, b) = two();
    // b's job cancels b's group "g" from inside its first task; if the job were in "g" (the
    // group set on a), its next batch would see the cancellation.
    let run_b = |b: &Context| {
        let inner = b.clone();
        b.parallelize(0..5000u64, 1)
            .unwrap()
            .map(move |x| {
                if x == 0 {
                    inner.cancel_job_group("g");
                }
                x
            })
            .count()
    };
    let n = a.with_job_group("g", || run_b(&b));
    assert_eq!(n.unwrap(), 5000);
    let err = b.with_job_group("g", || run_b(&b)).unwrap_err();
    assert!(matches!(err, Error::Cancelled { .. }), "{err}");
}

#[test]
fn regression_a_cached_partition_is_computed_once_by_concurrent_jobs() {
    // Before: two jobs that reached an empty cache slot at once both computed it.
    let c = Context::new("cache", "local[2]").unwrap();
    // Which jobs have started a stage: the first computation of the partition holds its slot
    // until the other job is running too, so the two always race for the slot.
    let (stage_started, stages) = mpsc::channel::<u64>();
    let stage_started = Mutex::new(stage_started);
    c.add_listener(Arc::new(move |event: &Event| {
        if let Event::StageStart { job_id, .. } = event {
            let _ = stage_started.lock().unwrap().send(*job_id);
        }
    }));
    let stages = Arc::new(Mutex::new(stages));
    // A second computation of the partition (the bug) says so at once.
    let (recomputed, recomputes) = mpsc::channel::<()>();
    let (recomputed, recomputes) = (Mutex::new(recomputed), Arc::new(Mutex::new(recomputes)));
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let rdd = c
        .parallelize(0..10u64, 1)
        .unwrap()
        .map(move |x| {
            if x != 0 {
                return x;
            }
            if seen.fetch_add(1, Ordering::SeqCst) > 0 {
                let _ = recomputed.lock().unwrap().send(());
                return x;
            }
            // The first computation: wait (bounded) until both jobs have started a stage…
            let stages = stages.lock().unwrap();
            let mut jobs = HashSet::new();
            while jobs.len() < 2 {
                match stages.recv_timeout(Duration::from_secs(30)) {
                    Ok(job) => jobs.insert(job),
                    Err(e) => panic!("the second job never started: {e}"),
                };
            }
            // …then hold the slot while the other job's task reaches it: the window ends early
            // if that task computes the partition too (the bug).
            let _ = recomputes
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_millis(500));
            x
        })
        .cache();
    let jobs: Vec<_> = (0..2)
        .map(|_| {
            let rdd = rdd.clone();
            std::thread::spawn(move || rdd.count().unwrap())
        })
        .collect();
    for j in jobs {
        assert_eq!(j.join().unwrap(), 10);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "computed once");
}
