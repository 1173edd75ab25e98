//! `collect` after any chain of narrow operations equals the same chain on a `Vec`.

use proptest::prelude::*;

use crate::ctx;

#[derive(Debug, Clone)]
enum Op {
    Map(i64),
    Filter(i64),
    FlatMap(usize),
    Glom,
    Coalesce(usize),
    Union,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (-5i64..5).prop_map(Op::Map),
        (1i64..5).prop_map(Op::Filter),
        (0usize..3).prop_map(Op::FlatMap),
        Just(Op::Glom),
        (1usize..4).prop_map(Op::Coalesce),
        Just(Op::Union),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn narrow_chains_match_vec(
        data in proptest::collection::vec(-1000i64..1000, 0..3000),
        slices in 1usize..9,
        ops in proptest::collection::vec(op(), 0..6),
    ) {
        let c = ctx();
        let mut rdd = c.parallelize(data.clone(), slices).unwrap();
        let mut want = data;
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
            }
        }
        prop_assert_eq!(rdd.collect().unwrap(), want);
    }
}
