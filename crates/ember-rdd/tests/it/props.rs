//! `collect` after any chain of operations equals the same chain on a `Vec` (the model), and a
//! seeded RDD holds the same multiset of values whatever is done downstream and however many
//! threads run it.

use ember_rdd::{Context, Rdd};
use proptest::prelude::*;
use rand::RngExt;

use crate::ctx;

#[derive(Debug, Clone)]
enum Op {
    Map(i64),
    Filter(i64),
    FlatMap(usize),
    Glom,
    Coalesce(usize),
    Union,
    /// Zip with a `map` of itself, then add the pair.
    Zip(i64),
    /// Cartesian with `[0, k)` in `k` partitions, then `x * k + j`: order depends on partitions,
    /// so after it the model compares multisets.
    Cartesian(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (-5i64..5).prop_map(Op::Map),
        (1i64..5).prop_map(Op::Filter),
        (0usize..3).prop_map(Op::FlatMap),
        Just(Op::Glom),
        (1usize..4).prop_map(Op::Coalesce),
        Just(Op::Union),
        (-5i64..5).prop_map(Op::Zip),
        (1usize..3).prop_map(Op::Cartesian),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn chains_match_vec(
        data in proptest::collection::vec(-1000i64..1000, 0..3000),
        slices in 1usize..9,
        ops in proptest::collection::vec(op(), 0..6),
    ) {
        let c = ctx();
        let mut rdd = c.parallelize(data.clone(), slices).unwrap();
        let mut want = data;
        let mut ordered = true;
        for op in ops {
            match op {
                Op::Map(k) => {
                    rdd = rdd.map(move |x| x * 3 + k);
                    want = want.into_iter().map(|x| x * 3 + k).collect();
                }
                Op::Filter(m) => {
                    rdd = rdd.filter(move |x| x % m != 0);
                    want.retain(|x| x % m != 0);
                }
                Op::FlatMap(n) => {
                    rdd = rdd.flat_map(move |x| std::iter::repeat_n(x, n));
                    want = want.into_iter().flat_map(|x| std::iter::repeat_n(x, n)).collect();
                }
                Op::Glom => {
                    rdd = rdd.glom().flat_map(|v| v);
                }
                Op::Coalesce(n) => {
                    rdd = rdd.coalesce(n).unwrap();
                }
                Op::Union => {
                    rdd = rdd.union(&rdd);
                    want = want.iter().chain(want.iter()).copied().collect();
                }
                Op::Zip(k) => {
                    rdd = rdd.zip(&rdd.map(move |x| x - k)).unwrap().map(|(a, b)| a + b);
                    want = want.into_iter().map(|x| 2 * x - k).collect();
                }
                Op::Cartesian(k) => {
                    let other = c.parallelize((0..k as i64).collect::<Vec<_>>(), k).unwrap();
                    let k = k as i64;
                    rdd = rdd.cartesian(&other).map(move |(x, j)| x * k + j);
                    want = want.into_iter().flat_map(|x| (0..k).map(move |j| x * k + j)).collect();
                    ordered = false;
                }
            }
        }
        let mut got = rdd.collect().unwrap();
        if !ordered {
            got.sort_unstable();
            want.sort_unstable();
        }
        prop_assert_eq!(got, want);
    }
}

/// Operations that keep a multiset of values as it is.
#[derive(Debug, Clone)]
enum Keep {
    Coalesce(usize),
    /// Behind an empty RDD of this many partitions.
    UnionAfterEmpty(usize),
    /// Cartesian with one element placed in the last of this many partitions, projected back.
    Cartesian(usize),
    /// Zip with itself, projected back.
    Zip,
    Repartition(usize),
    Glom,
}

fn keep() -> impl Strategy<Value = Keep> {
    prop_oneof![
        (1usize..4).prop_map(Keep::Coalesce),
        (1usize..4).prop_map(Keep::UnionAfterEmpty),
        (1usize..4).prop_map(Keep::Cartesian),
        Just(Keep::Zip),
        (1usize..5).prop_map(Keep::Repartition),
        Just(Keep::Glom),
    ]
}

fn seeded(c: &Context, n: u64, slices: usize, seed: u64) -> Rdd<u64> {
    c.parallelize(0..n, slices)
        .unwrap()
        .map_with_rng(Some(seed), |rng, x| x ^ rng.random::<u64>())
}

fn sorted(mut v: Vec<u64>) -> Vec<u64> {
    v.sort_unstable();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn seeded_values_do_not_depend_on_downstream_operations_or_threads(
        n in 0u64..3000,
        slices in 1usize..7,
        seed in any::<u64>(),
        threads in 1usize..4,
        ops in proptest::collection::vec(keep(), 0..4),
    ) {
        let want = sorted(seeded(&ctx(), n, slices, seed).collect().unwrap());
        let c = Context::new("props", &format!("local[{threads}]")).unwrap();
        let mut rdd = seeded(&c, n, slices, seed);
        for op in ops {
            rdd = match op {
                Keep::Coalesce(k) => rdd.coalesce(k).unwrap(),
                Keep::UnionAfterEmpty(k) => {
                    c.parallelize(Vec::<u64>::new(), k).unwrap().union(&rdd)
                }
                Keep::Cartesian(k) => {
                    let one = c.parallelize(vec![()], k).unwrap();
                    rdd.cartesian(&one).map(|(x, ())| x)
                }
                Keep::Zip => rdd.zip(&rdd).unwrap().map(|(x, y)| {
                    assert_eq!(x, y, "one partition, two values");
                    x
                }),
                Keep::Repartition(k) => rdd.repartition(k).unwrap(),
                Keep::Glom => rdd.glom().flat_map(|v| v),
            };
        }
        prop_assert_eq!(sorted(rdd.collect().unwrap()), want);
    }
}
