//! Fault injection: panicking inits, killed servers, hung servers, slow starts.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web;
use ember_partition_server::{Cluster, Error, HttpPartitionServer, PartitionState};
use ember_rdd::Context;

use crate::common::*;

/// A server whose init panics the first `panics` times it runs for partition `victim`.
fn flaky_server(
    victim: usize,
    panics: usize,
) -> HttpPartitionServer<i64, Vec<i64>, Arc<Mutex<usize>>> {
    HttpPartitionServer::new(demo_routes)
        .with_config(Arc::new(Mutex::new(0_usize)))
        .with_init(move |partition, items, seen: &Arc<Mutex<usize>>| {
            if partition == victim {
                let seen = {
                    let mut seen = seen.lock().unwrap();
                    *seen += 1;
                    *seen
                };
                if seen <= panics {
                    panic!("init of partition {partition} blew up (launch {seen})");
                }
            }
            items
        })
}

#[test]
fn an_init_that_panics_once_is_relaunched_with_its_items() {
    let _guard = shared();
    let ctx = ctx();
    let rdd = ctx.parallelize(0..100_i64, 4).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, flaky_server(2, 1));
    cluster.start().unwrap();
    let status = cluster.status();
    assert_eq!(status[2].attempts, 2);
    assert!(
        status[2]
            .last_failure
            .as_deref()
            .unwrap()
            .contains("blew up (launch 1)"),
        "{:?}",
        status[2]
    );
    assert_eq!(status[0].attempts, 1);
    // The relaunch recomputed the partition's items from the RDD.
    assert_eq!(
        parse_list(&cluster.query(2, "/get_list").unwrap()),
        (50..75).collect::<Vec<_>>()
    );
    assert_eq!(cluster.query(2, "/whoami").unwrap(), "2/2");
    cluster.check().unwrap();
    cluster.stop().unwrap();
}

#[test]
fn a_partition_that_keeps_failing_fails_start_with_its_index() {
    let _guard = shared();
    let ctx = Context::builder()
        .master("local[2]")
        .max_task_failures(3)
        .build()
        .unwrap();
    let rdd = ctx.parallelize(0..10_i64, 2).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, flaky_server(1, usize::MAX));
    let started = Instant::now();
    match cluster.start() {
        Err(Error::PartitionFailed {
            partition: 1,
            attempts: 3,
            message,
        }) => assert!(message.contains("blew up (launch 3)"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!cluster.is_running());
    assert!(cluster.hosts().is_empty());
}

#[test]
fn a_killed_server_is_relaunched_and_hosts_shows_its_new_address() {
    let _guard = shared();
    let ctx = ctx();
    let mut cluster = demo_cluster(&ctx, 20, 2);
    let old = cluster.hosts()[&0];
    let other = cluster.hosts()[&1];
    cluster.kill(0).unwrap();
    assert!(
        eventually(Duration::from_secs(5), || cluster
            .hosts()
            .get(&0)
            .is_some_and(|a| *a != old)),
        "{:?}",
        cluster.status()
    );
    let new = cluster.hosts()[&0];
    assert!(
        !listening(old),
        "the dead server's port {old} still listens"
    );
    assert_eq!(get(new, "/app/get_list").1, "0,1,2,3,4,5,6,7,8,9");
    assert_eq!(cluster.query(0, "/whoami").unwrap(), "0/2");
    let status = cluster.status();
    assert_eq!(status[0].attempts, 2);
    // "exited while serving" or, when the kill lands mid-request on a loaded machine, "failed
    // while serving": either way the failure names the serving phase.
    let failure = status[0].last_failure.as_deref().unwrap_or_default();
    assert!(failure.contains("while serving"), "{failure:?}");
    assert_eq!((status[1].attempts, cluster.hosts()[&1]), (1, other));
    cluster.stop().unwrap();
}

#[test]
fn a_server_killed_more_often_than_the_retry_limit_is_reported_failed() {
    let _guard = shared();
    let ctx = Context::builder()
        .master("local[2]")
        .max_task_failures(2)
        .build()
        .unwrap();
    let rdd = ctx.parallelize(0..4_i64, 2).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, demo_server());
    cluster.start().unwrap();
    let first = cluster.hosts()[&1];
    cluster.kill(1).unwrap();
    assert!(eventually(Duration::from_secs(5), || cluster
        .hosts()
        .get(&1)
        .is_some_and(|a| *a != first)));
    cluster.kill(1).unwrap();
    assert!(eventually(Duration::from_secs(5), || cluster.status()[1]
        .state
        == PartitionState::Failed));
    assert!(matches!(
        cluster.check(),
        Err(Error::PartitionFailed {
            partition: 1,
            attempts: 2,
            ..
        })
    ));
    assert!(matches!(
        cluster.query(1, "/get_list"),
        Err(Error::NotServing { partition: 1 })
    ));
    let all = cluster.query_all("/get_list").unwrap();
    assert!(all[&0].is_ok());
    assert!(matches!(all[&1], Err(Error::NotServing { partition: 1 })));
    match cluster.stop() {
        Err(Error::Stop { failures }) => {
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].partition, 1);
            assert!(
                failures[0].reason.contains("failed for good"),
                "{}",
                failures[0].reason
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn stop_with_a_hung_server_is_bounded_and_names_that_host() {
    let _guard = shared();
    let ctx = ctx();
    let (entered, blocking) = std::sync::mpsc::channel::<()>();
    let entered = Arc::new(Mutex::new(entered));
    let server = HttpPartitionServer::new(move |cfg| {
        demo_routes(cfg);
        // Blocks the partition's event loop, so it cannot close its connections when told to
        // stop. (Partitions 0 and 2 are served on another event loop.)
        let entered = Arc::clone(&entered);
        cfg.route(
            "/block",
            web::get().to(move || {
                let entered = Arc::clone(&entered);
                async move {
                    let _ = entered.lock().unwrap().send(());
                    std::thread::sleep(Duration::from_secs(6));
                    "done"
                }
            }),
        );
    });
    let rdd = ctx.parallelize(0..6_i64, 3).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, server)
        .cache_result(true)
        .stop_timeout(Duration::from_millis(400));
    cluster.start().unwrap();
    let hosts = cluster.hosts();
    let hung = hosts[&1];
    std::thread::spawn(move || {
        let _ = std::panic::catch_unwind(|| get(hung, "/app/block"));
    });
    // Stop once the handler is blocking the event loop.
    blocking.recv_timeout(Duration::from_secs(10)).unwrap();
    let started = Instant::now();
    let result = cluster.stop();
    let took = started.elapsed();
    // Bounded by the stop timeout (0.4 s), not by the handler (6 s); generous for a busy machine.
    assert!(took < Duration::from_secs(4), "stop took {took:?}");
    match result {
        Err(Error::Stop { failures }) => {
            assert_eq!(failures.len(), 1, "{failures:?}");
            assert_eq!((failures[0].partition, failures[0].addr), (1, Some(hung)));
            assert!(
                failures[0].reason.contains("stopped by the driver"),
                "{}",
                failures[0]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!cluster.is_running());
    for addr in hosts.values() {
        assert!(!listening(*addr), "{addr} still listens");
    }
    // The partitions that stopped cleanly still have their (empty) share of the result.
    assert_eq!(cluster.result_rdd().unwrap().num_partitions(), 3);
}

#[test]
fn a_start_that_times_out_names_the_counts_and_cleans_up() {
    let _guard = shared();
    let ctx = ctx();
    let server = HttpPartitionServer::new(demo_routes).with_init(|partition, items, _: &()| {
        if partition == 1 {
            std::thread::sleep(Duration::from_secs(6));
        }
        items
    });
    let rdd = ctx.parallelize(0..4_i64, 2).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, server).start_timeout(Duration::from_millis(300));
    let started = Instant::now();
    match cluster.start() {
        Err(Error::Timeout {
            registered: 1,
            expected: 2,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    // Bounded by the start timeout (0.3 s), not by the slow init (6 s).
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(!cluster.is_running());
}

#[test]
fn a_panicking_build_result_is_reported_and_the_others_results_kept() {
    let _guard = shared();
    let ctx = ctx();
    let server =
        HttpPartitionServer::new(demo_routes).with_result(|partition, items: &Vec<i64>| {
            assert!(partition != 0, "cannot summarise partition 0");
            vec![items.len()]
        });
    let rdd = ctx.parallelize(0..9_i64, 3).unwrap();
    let mut cluster = Cluster::new(&ctx, rdd, server).cache_result(true);
    cluster.start().unwrap();
    match cluster.stop() {
        Err(Error::Stop { failures }) => {
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].partition, 0);
            assert!(failures[0].reason.contains("cannot summarise partition 0"));
        }
        other => panic!("{other:?}"),
    }
    let result = cluster.result_rdd().unwrap();
    assert_eq!(result.num_partitions(), 3);
    assert_eq!(result.collect().unwrap(), [3, 3]);
}
