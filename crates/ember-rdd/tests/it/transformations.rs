use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ember_rdd::Error;

use crate::ctx;

fn data() -> Vec<i64> {
    (0..1000).map(|i| (i * 7919) % 1013).collect()
}

#[test]
fn map_filter_flat_map_match_iterators() {
    let c = ctx();
    let rdd = c.parallelize(data(), 5).unwrap();
    let got = rdd
        .map(|x| x * 3)
        .filter(|x| x % 2 == 0)
        .flat_map(|x| vec![x, -x])
        .collect()
        .unwrap();
    let want: Vec<i64> = data()
        .into_iter()
        .map(|x| x * 3)
        .filter(|x| x % 2 == 0)
        .flat_map(|x| vec![x, -x])
        .collect();
    assert_eq!(got, want);
}

#[test]
fn flat_map_can_expand_beyond_a_batch() {
    let rdd = ctx().parallelize(vec![3000usize, 0, 5], 2).unwrap();
    let got = rdd.flat_map(|n| 0..n).count().unwrap();
    assert_eq!(got, 3005);
}

#[test]
fn map_partitions_with_index_sees_each_partition() {
    let rdd = ctx().parallelize((0..10).collect::<Vec<i32>>(), 3).unwrap();
    let got = rdd
        .map_partitions_with_index(|i, it| vec![(i, it.count())])
        .collect()
        .unwrap();
    assert_eq!(got, vec![(0, 3), (1, 3), (2, 4)]);
    let sums = rdd
        .map_partitions(|it| std::iter::once(it.sum::<i32>()))
        .collect()
        .unwrap();
    assert_eq!(sums, vec![3, 12, 30]);
}

#[test]
fn union_zip_glom_key_by() {
    let c = ctx();
    let a = c.parallelize(vec![1, 2, 3], 2).unwrap();
    let b = c.parallelize(vec![4, 5], 1).unwrap();
    let u = a.union(&b);
    assert_eq!(u.num_partitions(), 3);
    assert_eq!(u.collect().unwrap(), vec![1, 2, 3, 4, 5]);
    let z = a.zip(&a.map(|x| x * 10)).unwrap();
    assert_eq!(z.collect().unwrap(), vec![(1, 10), (2, 20), (3, 30)]);
    assert_eq!(
        a.key_by(|x| x % 2).collect().unwrap(),
        vec![(1, 1), (0, 2), (1, 3)]
    );
}

#[test]
fn zip_mismatches_are_typed_errors() {
    let c = ctx();
    let a = c.parallelize(vec![1, 2, 3], 2).unwrap();
    let err = a
        .zip(&c.parallelize(vec![1, 2, 3], 3).unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::ZipMismatch { .. }), "{err}");
    let short = c.parallelize(vec![1, 2], 2).unwrap();
    let err = a.zip(&short).unwrap().collect().unwrap_err();
    assert!(matches!(err, Error::ZipMismatch { .. }), "{err}");
}

#[test]
fn sample_is_seeded_and_bounded() {
    let rdd = ctx().parallelize(0..100_000i64, 4).unwrap();
    let s1 = rdd.sample(false, 0.1, 7).unwrap().collect().unwrap();
    let s2 = rdd.sample(false, 0.1, 7).unwrap().collect().unwrap();
    assert_eq!(s1, s2, "same seed, same sample");
    assert!((9_000..11_000).contains(&s1.len()), "{}", s1.len());
    assert!(
        s1.windows(2).all(|w| w[0] < w[1]),
        "without replacement: no repeats, order kept"
    );
    let with = rdd.sample(true, 2.0, 7).unwrap().count().unwrap();
    assert!((190_000..210_000).contains(&with), "{with}");
    assert_eq!(rdd.sample(false, 0.0, 1).unwrap().count().unwrap(), 0);
    assert_eq!(rdd.sample(false, 1.0, 1).unwrap().count().unwrap(), 100_000);
    for bad in [-0.1, 1.5, f64::NAN] {
        assert!(matches!(
            rdd.sample(false, bad, 1),
            Err(Error::InvalidArgument { .. })
        ));
    }
}

#[test]
fn partitions_draw_independent_streams() {
    let c = ctx();
    let draws = c
        .parallelize(0..8i32, 8)
        .unwrap()
        .map_with_rng(Some(1), |rng, _| rand::RngExt::random::<u64>(rng))
        .collect()
        .unwrap();
    let mut distinct = draws.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        8,
        "every partition must draw its own stream: {draws:?}"
    );
}

#[test]
fn distinct_coalesce_repartition_cartesian() {
    let c = ctx();
    let rdd = c.parallelize(data(), 6).unwrap();
    let mut d = rdd.distinct().collect().unwrap();
    d.sort();
    let mut want = data();
    want.sort();
    want.dedup();
    assert_eq!(d, want);

    let co = rdd.coalesce(4).unwrap();
    assert_eq!(co.num_partitions(), 4);
    assert_eq!(co.collect().unwrap(), data(), "coalesce keeps order");
    assert_eq!(rdd.coalesce(10).unwrap().num_partitions(), 6);
    assert!(rdd.coalesce(0).is_err());

    let re = rdd.repartition(3).unwrap();
    assert_eq!(re.num_partitions(), 3);
    let sizes: Vec<usize> = re.glom().collect().unwrap().iter().map(Vec::len).collect();
    assert!(sizes.iter().all(|&s| (300..=370).contains(&s)), "{sizes:?}");
    let mut all = re.collect().unwrap();
    all.sort();
    let mut want = data();
    want.sort();
    assert_eq!(all, want);

    let a = c.parallelize(vec![1, 2], 2).unwrap();
    let b = c.parallelize(vec!['x', 'y', 'z'], 2).unwrap();
    let mut cart = a.cartesian(&b).collect().unwrap();
    cart.sort();
    assert_eq!(cart.len(), 6);
    assert_eq!(cart[0], (1, 'x'));
}

#[test]
fn cache_computes_once_until_unpersisted() {
    let c = ctx();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let rdd = c
        .parallelize((0..100).collect::<Vec<i32>>(), 4)
        .unwrap()
        .map(move |x| {
            seen.fetch_add(1, Ordering::Relaxed);
            x + 1
        });
    let cached = rdd.cache();
    assert_eq!(cached.count().unwrap(), 100);
    assert_eq!(rdd.sum().unwrap(), 5050, "a clone shares the cache");
    assert_eq!(calls.load(Ordering::Relaxed), 100);
    assert_eq!(rdd.cached_partitions(), 4);
    rdd.unpersist();
    assert_eq!(rdd.count().unwrap(), 100);
    assert_eq!(calls.load(Ordering::Relaxed), 200);
}

#[test]
fn shuffle_output_is_reused_by_later_jobs() {
    let c = ctx();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let counts = c
        .parallelize((0..1000).collect::<Vec<i32>>(), 4)
        .unwrap()
        .map(move |x| {
            seen.fetch_add(1, Ordering::Relaxed);
            (x % 10, 1)
        })
        .reduce_by_key(|a, b| a + b);
    assert_eq!(counts.count().unwrap(), 10);
    assert_eq!(counts.count().unwrap(), 10);
    assert_eq!(
        calls.load(Ordering::Relaxed),
        1000,
        "the map stage ran once"
    );
}
