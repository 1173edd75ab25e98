use std::collections::HashMap;

use ember_rdd::{HashPartitioner, Partitioner};

use crate::ctx;

/// Skewed keys: key 0 takes half of all pairs.
fn skewed() -> Vec<(u32, u64)> {
    (0..20_000u64)
        .map(|i| (if i % 2 == 0 { 0 } else { 1 + (i % 97) as u32 }, i))
        .collect()
}

fn expected_sums(pairs: &[(u32, u64)]) -> HashMap<u32, u64> {
    let mut m = HashMap::new();
    for (k, v) in pairs {
        *m.entry(*k).or_default() += v;
    }
    m
}

#[test]
fn reduce_by_key_with_skew() {
    let rdd = ctx().parallelize(skewed(), 7).unwrap();
    let got: HashMap<u32, u64> = rdd.reduce_by_key(|a, b| a + b).collect_as_map().unwrap();
    assert_eq!(got, expected_sums(&skewed()));
}

#[test]
fn group_and_aggregate_by_key() {
    let rdd = ctx().parallelize(skewed(), 5).unwrap();
    let groups: HashMap<u32, Vec<u64>> = rdd.group_by_key().collect_as_map().unwrap();
    let sums: HashMap<u32, u64> = groups.iter().map(|(k, vs)| (*k, vs.iter().sum())).collect();
    assert_eq!(sums, expected_sums(&skewed()));
    assert_eq!(groups[&0].len(), 10_000);
    let maxes = rdd.aggregate_by_key(0u64, |m, v| m.max(v), |a, b| a.max(b));
    let maxes: HashMap<u32, u64> = maxes.collect_as_map().unwrap();
    assert_eq!(maxes[&0], 19_998);
    let counts = rdd.count_by_key().unwrap();
    assert_eq!(counts[&0], 10_000);
}

#[test]
fn map_values_keys_values() {
    let rdd = ctx().parallelize(vec![(1, 2), (3, 4)], 2).unwrap();
    assert_eq!(
        rdd.map_values(|v| v * 10).collect().unwrap(),
        vec![(1, 20), (3, 40)]
    );
    assert_eq!(rdd.keys().collect().unwrap(), vec![1, 3]);
    assert_eq!(rdd.values().collect().unwrap(), vec![2, 4]);
}

#[test]
fn joins_and_cogroup() {
    let c = ctx();
    let users = c
        .parallelize(vec![(1, "ann"), (2, "bob"), (3, "cy")], 2)
        .unwrap();
    let orders = c
        .parallelize(vec![(1, 10), (1, 11), (3, 30), (4, 40)], 3)
        .unwrap();
    let mut inner = users.join(&orders).collect().unwrap();
    inner.sort();
    assert_eq!(
        inner,
        vec![(1, ("ann", 10)), (1, ("ann", 11)), (3, ("cy", 30))]
    );
    let mut left = users.left_outer_join(&orders).collect().unwrap();
    left.sort();
    assert_eq!(
        left,
        vec![
            (1, ("ann", Some(10))),
            (1, ("ann", Some(11))),
            (2, ("bob", None)),
            (3, ("cy", Some(30)))
        ]
    );
    let mut cg = users.cogroup(&orders).collect().unwrap();
    cg.sort_by_key(|(k, _)| *k);
    assert_eq!(cg.len(), 4);
    assert_eq!(cg[3], (4, (vec![], vec![40])));
}

#[test]
fn sort_by_key_orders_globally() {
    let c = ctx();
    let pairs: Vec<(i64, usize)> = (0..5000usize)
        .map(|i| (((i * 7919) % 5003) as i64, i))
        .collect();
    let rdd = c.parallelize(pairs.clone(), 4).unwrap();
    let asc = rdd.sort_by_key(true).unwrap();
    assert_eq!(asc.num_partitions(), 4);
    let keys: Vec<i64> = asc.keys().collect().unwrap();
    let mut want: Vec<i64> = pairs.iter().map(|p| p.0).collect();
    want.sort();
    assert_eq!(keys, want);
    let sizes: Vec<usize> = asc.glom().collect().unwrap().iter().map(Vec::len).collect();
    assert!(
        sizes.iter().all(|&s| s > 500),
        "ranges are balanced: {sizes:?}"
    );
    let desc: Vec<i64> = rdd.sort_by_key(false).unwrap().keys().collect().unwrap();
    want.reverse();
    assert_eq!(desc, want);
}

#[test]
fn partition_by_places_each_key_by_hash() {
    let p = HashPartitioner::new(3).unwrap();
    let rdd = ctx().parallelize(skewed(), 5).unwrap().partition_by(p);
    for (i, part) in rdd.glom().collect().unwrap().into_iter().enumerate() {
        for (k, _) in part {
            assert_eq!(Partitioner::<u32>::partition(&p, &k), i);
        }
    }
    assert!(HashPartitioner::new(0).is_err());
}
