//! TPC-H's 22 queries on Ember beside stock DataFusion, per query, in one run (issue 19).
//!
//! ```sh
//! just tpch-data            # SF1 Parquet under $CARGO_TARGET_DIR/tpch/sf1 (tpchgen-cli, ~40 s)
//! cargo bench --workspace --bench tpch              # all 22, both engines
//! cargo bench --workspace --bench tpch -- 'tpch/q0[1-5]'   # some of them
//! ```
//!
//! - `tpch/qNN/ember`: `Session::sql(q).collect()` on a `local[2]` session (two threads, two
//!   target partitions) with a temp view per table, read with `Session::read(Parquet, ...)`.
//! - `tpch/qNN/datafusion`: stock DataFusion 55.2 (the same crate Ember embeds, with its
//!   default configuration but two target partitions), `register_parquet` per table and
//!   `ctx.sql(q).collect()` spawned on a tokio runtime of two worker threads (the calling
//!   thread only waits, as it does for Ember's session runtime).
//!
//! Same files, same threads, same query text (`benches/tpch/qNN.sql`, TPC-H's with the
//! specification's validation parameters). Before timing, both answers of each query are
//! checked to have the same rows; `scripts/tpch/peers.py` checks Ember's against DuckDB's and
//! times DuckDB and Polars on the same files. `EMBER_TPCH_DATA` names another data directory
//! (e.g. SF10); without data the bench says which command makes it and does nothing.
//! `EMBER_TPCH_EXPLAIN=1` prints both engines' plans of every query instead of timing them.
//! `EMBER_TPCH_PAIRED=N` times each query in `N` back-to-back pairs instead of criterion's
//! groups and prints the median ratio per query (the figure docs/benchmarks.md records).
//! `EMBER_TPCH_CONF="key=value;..."` sets options on Ember's session only, to measure what a
//! setting would give as Ember's default. `EMBER_TPCH_LOOP=ember:q08:50` runs one engine on
//! one query 50 times and nothing else, for a profiler (`perf record -g`).
//!
//! The same queries on clusters are the `cluster` bench's (issue 21).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ember_benches::tpch::{data_dir, has_data, queries, register, register_stock, rows, run_on};
use ember_sql::Session;
use ember_sql::arrow::array::RecordBatch;
use ember_sql::datafusion::prelude::{SessionConfig, SessionContext};

fn tpch(c: &mut Criterion) {
    let dir = data_dir();
    if !has_data("tpch", &dir) {
        return;
    }
    // `EMBER_TPCH_CONF="key=value;key=value"`: settings for Ember's session (stock DataFusion
    // keeps its defaults), to measure what one would give as Ember's default.
    let settings: Vec<(String, String)> = std::env::var("EMBER_TPCH_CONF")
        .unwrap_or_default()
        .split(';')
        .filter(|kv| !kv.trim().is_empty())
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("EMBER_TPCH_CONF entries are key=value, not {kv}"));
            (k.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    let mut builder = Session::builder().app_name("tpch").master("local[2]");
    for (key, value) in &settings {
        builder = builder.config(key, value);
    }
    let ember = builder.get_or_create().unwrap();
    let config = SessionConfig::new().with_target_partitions(2);
    let stock = SessionContext::new_with_config(config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    register(&ember, &dir).unwrap();
    register_stock(&stock, &dir, &runtime).unwrap();
    let run_stock = |q: &str| run_on(&runtime, &stock, q);
    if std::env::var_os("EMBER_TPCH_PLAN").is_some() {
        // Planning alone (SQL text to a physical plan), median of 20, both engines.
        for (name, query) in queries().unwrap() {
            let ours: Vec<f64> = (0..20)
                .map(|_| {
                    let t = std::time::Instant::now();
                    let df = ember.sql(&query).unwrap();
                    black_box(df.explain().unwrap());
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            let theirs: Vec<f64> = (0..20)
                .map(|_| {
                    let t = std::time::Instant::now();
                    let explain = format!("EXPLAIN {query}");
                    black_box(run_stock(&explain).unwrap());
                    t.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            println!(
                "{name} plan: ember {:.2} ms, datafusion {:.2} ms",
                median(ours),
                median(theirs)
            );
        }
        return;
    }
    if std::env::var_os("EMBER_TPCH_EXPLAIN").is_some() {
        // Both engines' physical plans, to see what Ember's rules change (no timing).
        let show = |batches: &[RecordBatch]| {
            ember_sql::arrow::util::pretty::pretty_format_batches(batches)
                .unwrap()
                .to_string()
        };
        for (name, query) in queries().unwrap() {
            let ours = ember.sql(&query).and_then(|df| df.explain()).unwrap();
            let theirs = run_stock(&format!("EXPLAIN {query}")).unwrap();
            println!(
                "== {name} ember\n{ours}\n== {name} datafusion\n{}",
                show(&theirs)
            );
        }
        return;
    }

    if let Ok(spec) = std::env::var("EMBER_TPCH_LOOP") {
        // `engine:qNN:n`: one engine runs one query n times and nothing else, for a profiler
        // (`perf record`) to see where that engine's time goes.
        let parts: Vec<&str> = spec.split(':').collect();
        let [engine, name, n] = parts[..] else {
            panic!("EMBER_TPCH_LOOP is engine:qNN:n (e.g. ember:q01:20), not {spec}");
        };
        let n: usize = n.parse().expect("EMBER_TPCH_LOOP's count is a number");
        let (_, query) = queries()
            .unwrap()
            .into_iter()
            .find(|(q, _)| q == name)
            .expect("EMBER_TPCH_LOOP names a query q01 to q22");
        for _ in 0..n {
            match engine {
                "ember" => black_box(ember.sql(&query).and_then(|df| df.collect()).unwrap()),
                "datafusion" => black_box(run_stock(&query).unwrap()),
                other => panic!("EMBER_TPCH_LOOP's engine is ember or datafusion, not {other}"),
            };
        }
        return;
    }
    if let Some(rounds) = std::env::var("EMBER_TPCH_PAIRED")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        paired(&ember, &run_stock, rounds.max(1));
        return;
    }

    let mut group = c.benchmark_group("tpch");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (n, (name, query)) in queries()
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, q)| (i + 1, q))
    {
        let ours = ember.sql(&query).and_then(|df| df.collect()).unwrap();
        let theirs = run_stock(&query).unwrap();
        assert_eq!(
            rows(&ours).unwrap(),
            rows(&theirs).unwrap(),
            "{name}: the two answers differ"
        );
        // Whichever engine runs first of a pair measured 5-10% slower in trials (both orders
        // tried on the same queries), so the order alternates: odd queries Ember first.
        let ember_first = n % 2 == 1;
        for turn in 0..2 {
            if (turn == 0) == ember_first {
                group.bench_function(format!("{name}/ember"), |b| {
                    b.iter(|| black_box(ember.sql(&query).and_then(|df| df.collect()).unwrap()));
                });
            } else {
                group.bench_function(format!("{name}/datafusion"), |b| {
                    b.iter(|| black_box(run_stock(&query).unwrap()));
                });
            }
        }
    }
    group.finish();
}

/// `EMBER_TPCH_PAIRED=N`: each query `N` times on each engine in back-to-back pairs (the order
/// alternating), after one warm-up run each. The ratio is taken within each pair, so the
/// machine's load, which drifts over the seconds one criterion group takes, weighs on both
/// sides of it alike. Prints a Markdown table: each engine's median, the median of the pairs'
/// ratios, and their geometric mean over the 22 queries.
fn paired(
    ember: &Session,
    run_stock: &dyn Fn(&str) -> ember_sql::datafusion::error::Result<Vec<RecordBatch>>,
    rounds: usize,
) {
    let time = |f: &dyn Fn()| {
        let t = std::time::Instant::now();
        f();
        t.elapsed().as_secs_f64() * 1e3
    };
    let run_ember = |q: &str| {
        black_box(ember.sql(q).and_then(|df| df.collect()).unwrap());
    };
    println!("| query | Ember (ms) | DataFusion (ms) | ratio (median of {rounds} pairs) |");
    println!("|---|---|---|---|");
    let (mut logs, mut totals) = (0.0, (0.0, 0.0));
    let queries = queries().unwrap();
    for (name, query) in &queries {
        let ours = ember.sql(query).and_then(|df| df.collect()).unwrap();
        let theirs = run_stock(query).unwrap();
        assert_eq!(
            rows(&ours).unwrap(),
            rows(&theirs).unwrap(),
            "{name}: the two answers differ"
        );
        let (mut e, mut d, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let stock = || {
                black_box(run_stock(query).unwrap());
            };
            let (te, td) = if round % 2 == 0 {
                let te = time(&|| run_ember(query));
                (te, time(&stock))
            } else {
                let td = time(&stock);
                (time(&|| run_ember(query)), td)
            };
            e.push(te);
            d.push(td);
            r.push(te / td);
        }
        let (me, md, mr) = (median(e), median(d), median(r));
        logs += mr.ln();
        totals.0 += me;
        totals.1 += md;
        println!("| {name} | {me:.1} | {md:.1} | {mr:.3}x |");
    }
    println!(
        "\nGeometric mean of the 22 ratios: {:.3}x; sums of the medians: {:.2} s against {:.2} s",
        (logs / queries.len() as f64).exp(),
        totals.0 / 1e3,
        totals.1 / 1e3
    );
}

/// The median of `v` (the mean of the middle two for an even count).
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

criterion_group!(benches, tpch);
criterion_main!(benches);
