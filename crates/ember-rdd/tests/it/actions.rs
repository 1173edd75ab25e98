use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ember_rdd::{Error, Event, JobOutcome};

use crate::ctx;

#[test]
fn reduce_fold_aggregate_sum() {
    let c = ctx();
    let rdd = c.parallelize(1..=100i64, 3).unwrap();
    assert_eq!(rdd.reduce(|a, b| a + b).unwrap(), 5050);
    assert_eq!(rdd.fold(0, |a, b| a + b).unwrap(), 5050);
    let (sum, n) = rdd
        .aggregate(
            (0i64, 0u32),
            |(s, n), x| (s + x, n + 1),
            |a, b| (a.0 + b.0, a.1 + b.1),
        )
        .unwrap();
    assert_eq!((sum, n), (5050, 100));
    assert_eq!(rdd.sum().unwrap(), 5050);
    assert_eq!((rdd.min().unwrap(), rdd.max().unwrap()), (1, 100));
    let floats = c.parallelize(vec![2.5f64, -1.0, 9.0], 2).unwrap();
    assert_eq!(floats.max().unwrap(), 9.0);
}

#[test]
fn actions_on_empty_rdds() {
    let c = ctx();
    let empty = c.parallelize(Vec::<i32>::new(), 3).unwrap();
    for (op, err) in [
        ("reduce", empty.reduce(|a, b| a + b).unwrap_err()),
        ("first", empty.first().unwrap_err()),
        ("max", empty.max().unwrap_err()),
    ] {
        match err {
            Error::EmptyRdd { op: got } => assert_eq!(got, op),
            other => panic!("{other}"),
        }
    }
    assert_eq!(
        empty.fold(7, |a, b| a + b).unwrap(),
        7 * 4,
        "zero per partition and once more"
    );
    assert_eq!(empty.sum().unwrap(), 0);
    assert!(empty.take(5).unwrap().is_empty());
}

#[test]
fn take_first_top_take_ordered() {
    let c = ctx();
    let rdd = c.parallelize(vec![5, 1, 9, 3, 7, 2, 8], 4).unwrap();
    assert_eq!(rdd.take(3).unwrap(), vec![5, 1, 9]);
    assert_eq!(rdd.take(100).unwrap().len(), 7);
    assert_eq!(rdd.first().unwrap(), 5);
    assert_eq!(rdd.top(3).unwrap(), vec![9, 8, 7]);
    assert_eq!(rdd.take_ordered(2).unwrap(), vec![1, 2]);
    assert!(rdd.top(0).unwrap().is_empty());
}

#[test]
fn foreach_with_accumulator_and_broadcast() {
    let c = ctx();
    let acc = c.accumulator(0i64);
    let factor = c.broadcast(3i64);
    let a = acc.clone();
    c.parallelize(1..=10i64, 3)
        .unwrap()
        .foreach(move |x| a.add(x * *factor.value()))
        .unwrap();
    assert_eq!(acc.value(), 165);
}

#[test]
fn count_by_value() {
    let rdd = ctx().parallelize(vec!["a", "b", "a", "c", "a"], 2).unwrap();
    let counts = rdd.count_by_value().unwrap();
    assert_eq!(counts, HashMap::from([("a", 3), ("b", 1), ("c", 1)]));
}

#[test]
fn listener_sees_job_stage_and_task_events() {
    let c = ctx();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    c.add_listener(Arc::new(move |e: &Event| {
        sink.lock().unwrap().push(e.clone())
    }));
    c.parallelize(0..100i32, 4)
        .unwrap()
        .map(|x| (x % 3, x))
        .reduce_by_key(|a, b| a + b)
        .collect()
        .unwrap();
    let events = events.lock().unwrap();
    let stages = events
        .iter()
        .filter(|e| matches!(e, Event::StageStart { .. }))
        .count();
    let tasks = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::TaskEnd {
                    succeeded: true,
                    ..
                }
            )
        })
        .count();
    assert_eq!(stages, 2, "a shuffle map stage and a result stage");
    assert_eq!(tasks, 8);
    assert!(matches!(
        events.first(),
        Some(Event::JobStart {
            action: "collect",
            ..
        })
    ));
    assert!(matches!(
        events.last(),
        Some(Event::JobEnd {
            outcome: JobOutcome::Succeeded,
            ..
        })
    ));
}
