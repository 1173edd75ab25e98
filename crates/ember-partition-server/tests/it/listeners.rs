//! Nothing is left listening: after stop, after a failed start, after drop. These tests count
//! the process's listening sockets, so they run alone (the exclusive guard).

#![cfg(target_os = "linux")]

use std::time::Duration;

use ember_partition_server::{Cluster, Error, HttpPartitionServer};

use crate::common::*;

#[test]
fn no_listener_survives_stop_failed_start_or_drop() {
    let _guard = exclusive();
    let ctx = ctx();
    let baseline = listening_sockets();

    // Running: one listener per partition plus the coordinator's.
    let mut cluster = demo_cluster(&ctx, 40, 4);
    assert_eq!(listening_sockets(), baseline + 5);
    cluster.stop().unwrap();
    assert_eq!(listening_sockets(), baseline, "after stop");

    // A start that fails (one partition never comes up) closes what did start.
    let server = HttpPartitionServer::new(demo_routes).with_init(|partition, items, _: &()| {
        assert!(partition != 3, "partition 3 cannot start");
        items
    });
    let rdd = ctx.parallelize(0..40_i64, 4).unwrap();
    let mut failing = Cluster::new(&ctx, rdd, server);
    assert!(matches!(
        failing.start(),
        Err(Error::PartitionFailed { partition: 3, .. })
    ));
    assert_eq!(listening_sockets(), baseline, "after a failed start");

    // A start that times out, too.
    let server = HttpPartitionServer::new(demo_routes).with_init(|partition, items, _: &()| {
        if partition == 0 {
            std::thread::sleep(Duration::from_millis(800));
        }
        items
    });
    let rdd = ctx.parallelize(0..40_i64, 4).unwrap();
    let mut slow = Cluster::new(&ctx, rdd, server).start_timeout(Duration::from_millis(200));
    assert!(matches!(
        slow.start(),
        Err(Error::Timeout { expected: 4, .. })
    ));
    assert_eq!(
        listening_sockets(),
        baseline,
        "after a start that timed out"
    );

    // Dropping a running cluster.
    let cluster = demo_cluster(&ctx, 40, 4);
    let hosts = cluster.hosts();
    assert_eq!(listening_sockets(), baseline + 5);
    drop(cluster);
    assert_eq!(listening_sockets(), baseline, "after drop");
    for addr in hosts.values() {
        assert!(!listening(*addr));
    }
}
