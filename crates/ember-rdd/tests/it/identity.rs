//! Every RDD node sees its own partition index, even when a child computes its partitions inside
//! a task of another index (`coalesce`, `union`, `cartesian`).

use ember_rdd::Rdd;
use rand::RngExt;

use crate::ctx;

fn draws(rdd: &Rdd<u64>) -> Rdd<u64> {
    rdd.map_with_rng(Some(7), |rng, _| rng.random::<u64>())
}

#[test]
fn regression_map_with_rng_then_coalesce_keeps_each_partitions_stream() {
    // Before: coalesce(1) ran every parent partition in task 0, so all four drew the stream of
    // (seed, 0): the identical-draws bug of the PySpark original.
    let c = ctx();
    let rdd = draws(&c.parallelize(0..4000u64, 4).unwrap());
    let direct = rdd.collect().unwrap();
    let coalesced = rdd.coalesce(1).unwrap().collect().unwrap();
    assert_eq!(coalesced, direct);
    let mut distinct = direct.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), direct.len(), "no repeated draws");
}

#[test]
fn regression_union_does_not_shift_the_right_sides_indices() {
    let c = ctx();
    let left = c.parallelize(0..10u64, 3).unwrap();
    let right = draws(&c.parallelize(0..10u64, 2).unwrap());
    let alone = right.collect().unwrap();
    let union = left.union(&right).collect().unwrap();
    assert_eq!(&union[10..], &alone[..]);
    let indices = c
        .parallelize(0..4u64, 2)
        .unwrap()
        .map_partitions_with_index(|i, it| it.map(move |_| i));
    let after_union = c
        .parallelize(Vec::<usize>::new(), 3)
        .unwrap()
        .union(&indices)
        .collect()
        .unwrap();
    assert_eq!(after_union, vec![0, 0, 1, 1]);
}

#[test]
fn regression_cartesian_computes_a_parent_partition_the_same_everywhere() {
    // Before: right partition j was computed in output partitions i * m + j with the index of the
    // output partition, so it drew different values for every left partition i.
    let c = ctx();
    let left = c.parallelize(0..3u64, 3).unwrap();
    let right = draws(&c.parallelize(0..4u64, 2).unwrap());
    let mut want = right.collect().unwrap();
    want.sort_unstable();
    let pairs = left.cartesian(&right).collect().unwrap();
    for l in 0..3 {
        let mut got: Vec<u64> = pairs.iter().filter(|p| p.0 == l).map(|p| p.1).collect();
        got.sort_unstable();
        assert_eq!(got, want, "left element {l}");
    }
}

#[test]
fn regression_map_partitions_with_index_and_sample_see_their_own_index() {
    let c = ctx();
    let got = c
        .parallelize(0..8u64, 4)
        .unwrap()
        .map_partitions_with_index(|i, it| it.map(move |_| i))
        .coalesce(2)
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(got, vec![0, 0, 1, 1, 2, 2, 3, 3]);

    let sampled = c
        .parallelize(0..20_000u64, 4)
        .unwrap()
        .sample(false, 0.5, 3)
        .unwrap();
    assert_eq!(
        sampled.coalesce(1).unwrap().collect().unwrap(),
        sampled.collect().unwrap()
    );
}

/// The lane streams of `map_partitions_with_rng` belong to partitions too: the same draws
/// whatever the thread count and whatever runs downstream, on every CPU path.
#[test]
fn lane_streams_follow_partitions_not_tasks_or_threads() {
    use ember_rdd::{Context, LaneRng, Simd};
    let lanes = |c: &Context, simd: Simd| {
        c.parallelize(0..3000u64, 3)
            .unwrap()
            .map_partitions_with_rng(Some(5), move |rng, it| {
                rng.set_simd(simd);
                let mut out = vec![0.0; it.map(|b| b.len()).sum()];
                rng.fill_f64(&mut out);
                out
            })
    };
    let want = lanes(&ctx(), Simd::Baseline).collect().unwrap();
    // Partition 1 is LaneRng::new(5, 1)'s stream.
    let mut p1 = vec![0.0; 1000];
    LaneRng::new(5, 1).fill_f64(&mut p1);
    assert_eq!(&want[1000..2000], &p1[..]);
    for threads in [1, 3] {
        let c = Context::new("lanes", &format!("local[{threads}]")).unwrap();
        for simd in Simd::available() {
            let rdd = lanes(&c, simd);
            assert_eq!(rdd.collect().unwrap(), want, "{simd}, {threads} threads");
            assert_eq!(rdd.coalesce(1).unwrap().collect().unwrap(), want);
        }
    }
}
