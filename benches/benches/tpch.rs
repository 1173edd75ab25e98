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
//!
//! `EMBER_TPCH_CLUSTER=1` times the queries on clusters instead (issue 21), each in this process
//! over loopback with one executor of two task slots, as the local session has two threads:
//! - `tpch_cluster/qNN/ember_local`: the `local[2]` session above;
//! - `tpch_cluster/qNN/ember_cluster`: an Ember session on `local-cluster[1,2,8192]` (Ballista's
//!   scheduler and executor knowing Ember's functions, Ember's planning on the client);
//! - `tpch_cluster/qNN/ballista`: stock Ballista 55 (`SessionContext::standalone_with_state`,
//!   DataFusion's default functions and planner, two slots, the same static planner Ember's
//!   cluster uses) on the same files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ember_sql::arrow::array::RecordBatch;
use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};
use ember_sql::datafusion::prelude::{ParquetReadOptions, SessionConfig, SessionContext};
use ember_sql::{FileFormat, Session};

const TABLES: [&str; 8] = [
    "customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier",
];

fn data_dir() -> PathBuf {
    match std::env::var_os("EMBER_TPCH_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                        .join(".cache/ember-target")
                });
            target.join("tpch/sf1")
        }
    }
}

fn queries() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tpch");
    (1..=22)
        .map(|n| {
            let name = format!("q{n:02}");
            let text = std::fs::read_to_string(dir.join(format!("{name}.sql"))).unwrap();
            (name, text.trim().trim_end_matches(';').to_owned())
        })
        .collect()
}

/// Rows as text, sorted, numbers to 2 decimals: the two engines may differ in a result's type
/// (Spark's decimal rules) and in the order of ties.
fn rows(batches: &[RecordBatch]) -> Vec<String> {
    let options = FormatOptions::default().with_null("NULL");
    let mut out = Vec::new();
    for batch in batches {
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
            .collect();
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = formatters
                .iter()
                .map(|f| {
                    let cell = f.value(row).to_string();
                    match cell.parse::<f64>() {
                        Ok(x) if cell.contains('.') => format!("{x:.2}"),
                        _ => cell,
                    }
                })
                .collect();
            out.push(cells.join("|"));
        }
    }
    out.sort();
    out
}

/// A temp view per table on each Ember session, and the same files registered on `stock`.
fn register(
    dir: &std::path::Path,
    sessions: &[&Session],
    stock: &SessionContext,
    runtime: &tokio::runtime::Runtime,
) {
    for table in TABLES {
        let path = dir.join(format!("{table}.parquet"));
        for session in sessions {
            session
                .read(FileFormat::Parquet, &path)
                .unwrap()
                .create_or_replace_temp_view(table)
                .unwrap();
        }
        runtime
            .block_on(stock.register_parquet(
                table,
                path.to_str().unwrap(),
                ParquetReadOptions::default(),
            ))
            .unwrap();
    }
}

/// `query` on a stock DataFusion or Ballista context, on the runtime's two workers, as Ember's
/// queries run on its session's two: `block_on` alone would poll the plan's top on this thread
/// too, a third thread Ember does not get.
fn run_on(
    runtime: &tokio::runtime::Runtime,
    stock: &SessionContext,
    query: &str,
) -> ember_sql::datafusion::error::Result<Vec<RecordBatch>> {
    let (ctx, q) = (stock.clone(), query.to_owned());
    runtime
        .block_on(runtime.spawn(async move { ctx.sql(&q).await?.collect().await }))
        .unwrap()
}

fn tpch(c: &mut Criterion) {
    let dir = data_dir();
    if !dir.join("lineitem.parquet").exists() {
        eprintln!(
            "tpch: no data in {} (make it with `just tpch-data`, or set EMBER_TPCH_DATA)",
            dir.display()
        );
        return;
    }
    let ember = Session::builder()
        .app_name("tpch")
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let config = SessionConfig::new().with_target_partitions(2);
    let stock = SessionContext::new_with_config(config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    register(&dir, &[&ember], &stock, &runtime);
    let run_stock = |q: &str| run_on(&runtime, &stock, q);
    if std::env::var_os("EMBER_TPCH_PLAN").is_some() {
        // Planning alone (SQL text to a physical plan), median of 20, both engines.
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        for (name, query) in queries() {
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
        for (name, query) in queries() {
            let ours = ember.sql(&query).and_then(|df| df.explain()).unwrap();
            let theirs = run_stock(&format!("EXPLAIN {query}")).unwrap();
            println!(
                "== {name} ember\n{ours}\n== {name} datafusion\n{}",
                show(&theirs)
            );
        }
        return;
    }

    let mut group = c.benchmark_group("tpch");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (n, (name, query)) in queries().into_iter().enumerate().map(|(i, q)| (i + 1, q)) {
        let ours = ember.sql(&query).and_then(|df| df.collect()).unwrap();
        let theirs = run_stock(&query).unwrap();
        assert_eq!(rows(&ours), rows(&theirs), "{name}: the two answers differ");
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

/// The queries on an Ember cluster and on stock Ballista, beside local Ember (see the module doc).
fn tpch_cluster(c: &mut Criterion) {
    use ballista::extension::{SessionConfigExt, SessionContextExt};
    use ember_sql::datafusion::execution::SessionStateBuilder;

    let dir = data_dir();
    if std::env::var_os("EMBER_TPCH_CLUSTER").is_none() || !dir.join("lineitem.parquet").exists() {
        return;
    }
    let local = Session::builder()
        .master("local[2]")
        .get_or_create()
        .unwrap();
    let cluster = ember::cluster::connect(
        Session::builder(),
        "local-cluster[1,2,8192]",
        ember::cluster::Functions::new(),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = SessionConfig::new_with_ballista()
        .with_target_partitions(2)
        .with_ballista_standalone_parallelism(2)
        .set_bool("ballista.planner.adaptive.enabled", false);
    let state = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features()
        .build();
    let stock = runtime
        .block_on(SessionContext::standalone_with_state(state))
        .unwrap();
    register(&dir, &[&local, &cluster], &stock, &runtime);
    let run_stock = |q: &str| run_on(&runtime, &stock, q);
    let mut group = c.benchmark_group("tpch_cluster");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, query) in queries() {
        let ours = local.sql(&query).and_then(|df| df.collect()).unwrap();
        let on_cluster = cluster.sql(&query).and_then(|df| df.collect()).unwrap();
        assert_eq!(
            rows(&on_cluster),
            rows(&ours),
            "{name}: the cluster's answer differs"
        );
        // Stock Ballista plans with DataFusion's semantics (decimal rules, names): checked to
        // answer, not to match Ember.
        black_box(run_stock(&query).unwrap());
        group.bench_function(format!("{name}/ember_local"), |b| {
            b.iter(|| black_box(local.sql(&query).and_then(|df| df.collect()).unwrap()));
        });
        group.bench_function(format!("{name}/ember_cluster"), |b| {
            b.iter(|| black_box(cluster.sql(&query).and_then(|df| df.collect()).unwrap()));
        });
        group.bench_function(format!("{name}/ballista"), |b| {
            b.iter(|| black_box(run_stock(&query).unwrap()));
        });
    }
    group.finish();
}

criterion_group!(benches, tpch, tpch_cluster);
criterion_main!(benches);
