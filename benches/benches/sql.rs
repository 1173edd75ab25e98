//! The DataSource example's pipeline through Ember beside its references, and `to_polars` routes, in one run.
//!
//! ```sh
//! cargo bench --workspace --bench sql
//! ```
//!
//! - `data_source_pipeline/{ember,hand_loop,polars_eager}/N` for N = 10^6 and 10^7: draw N values from
//!   N(2, 0.5), double, square, and hand the result over as a column. All three run on one
//!   thread, so the ratios compare like with like.
//!   - `ember`: `ember::data_source::data_source` on a `local[1]` session (RDD → DataFrame
//!     `value: float` → view `test` → `SELECT squared(value) squared FROM test`) + `to_polars()`.
//!   - `hand_loop`: one thread, one `SmallRng`, into a `Vec<f64>`: the floor.
//!   - `polars_eager`: the same draws into a `Series`, then Polars eager `* 2.0` and `&s * &s`.
//! - `to_polars/{ffi_zero_copy,ipc_encode_decode}/10^7`: the pipeline's 10^7-row result (f64, as
//!   DataFusion leaves it in 64K-row batches) into Polars through the Arrow C Data Interface, vs
//!   encoding and decoding an Arrow IPC stream (a lower bound for the IPC route: Polars' own IPC
//!   reader is behind a feature Ember does not enable, see `docs/benchmarks.md`).
//! - `checked_arithmetic/{ansi_checked,wrapping}/10^7`: `sum(a + b), sum(a - b), sum(a * b)` over
//!   two `INT` columns with Spark's overflow checks (the default) and with ANSI off (DataFusion's
//!   wrapping kernels), one thread each.
//! - `plan_chain/{ember,datafusion}_{or,case}/10000`: planning a 10 000-term `OR` chain
//!   (`WHERE id = 0 OR id = 1 OR ...`) and a 10 000-branch `CASE` into an analyzed logical
//!   plan, by Ember (`Session::sql`: its planning thread, Spark's rewrites, the balanced `OR`)
//!   and by stock DataFusion (`SessionState::create_logical_plan` and its analyzer, on a thread
//!   with the same stack) on a view of the same name. (`+` chains are bounded by `MAX_DEPTH`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ember_sql::Session;
use ember_sql::arrow::array::RecordBatch;
use polars::prelude::{NamedFrom, Series};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rand_distr::{Distribution, Normal};

const SIZES: [usize; 2] = [1_000_000, 10_000_000];

fn draws(n: usize, seed: u64) -> Vec<f64> {
    let normal = Normal::new(2.0, 0.5).unwrap();
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..n).map(|_| normal.sample(&mut rng)).collect()
}

fn hand_loop(n: usize) -> Vec<f64> {
    let normal = Normal::new(2.0, 0.5).unwrap();
    let mut rng = SmallRng::seed_from_u64(42);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let x = normal.sample(&mut rng) * 2.0;
        out.push(x * x);
    }
    out
}

fn polars_eager(n: usize) -> Series {
    let s = Series::new("value".into(), draws(n, 42));
    let doubled = &s * 2.0;
    (&doubled * &doubled).unwrap()
}

/// One thread, like the references: the RDD pool, DataFusion's partitions and the session's
/// runtime all follow `local[1]`.
fn session() -> Session {
    Session::builder()
        .app_name("bench")
        .master("local[1]")
        .get_or_create()
        .unwrap()
}

fn data_source_pipeline(c: &mut Criterion) {
    let spark = session();
    let mut group = c.benchmark_group("data_source_pipeline");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for n in SIZES {
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("ember", n), &n, |b, &n| {
            b.iter(|| {
                let df = ember::data_source::data_source(&spark, n, Some(42)).unwrap();
                black_box(df.to_polars().unwrap())
            });
        });
        group.bench_with_input(BenchmarkId::new("hand_loop", n), &n, |b, &n| {
            b.iter(|| black_box(hand_loop(n)));
        });
        group.bench_with_input(BenchmarkId::new("polars_eager", n), &n, |b, &n| {
            b.iter(|| black_box(polars_eager(n)));
        });
    }
    group.finish();
}

fn to_polars(c: &mut Criterion) {
    let spark = session();
    let n = 10_000_000;
    let df = ember::data_source::data_source(&spark, n, Some(7)).unwrap();
    let batches: Vec<RecordBatch> = df.to_arrow().unwrap();
    let schema = df.schema();
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), n);

    let mut group = c.benchmark_group("to_polars");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function(BenchmarkId::new("ffi_zero_copy", n), |b| {
        b.iter(|| black_box(ember_sql::export::batches_to_polars(&schema, &batches).unwrap()));
    });
    group.bench_function(BenchmarkId::new("ipc_encode_decode", n), |b| {
        b.iter(|| {
            let mut buf = Vec::new();
            let mut w =
                ember_sql::arrow::ipc::writer::StreamWriter::try_new(&mut buf, &schema).unwrap();
            for batch in &batches {
                w.write(batch).unwrap();
            }
            w.finish().unwrap();
            drop(w);
            let reader = ember_sql::arrow::ipc::reader::StreamReader::try_new(
                std::io::Cursor::new(buf),
                None,
            )
            .unwrap();
            let back: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
            black_box(ember_sql::export::batches_to_polars(&schema, &back).unwrap())
        });
    });
    group.finish();
}

/// Integer arithmetic with Spark's ANSI overflow checks (Ember's default) against the same
/// query on a session with `spark.sql.ansi.enabled=false`, where DataFusion's wrapping kernels
/// run: 10^7 rows of two `INT` columns, one thread each.
fn checked_arithmetic(c: &mut Criterion) {
    let n = 10_000_000;
    let checked = session();
    let wrapping = Session::builder()
        .app_name("bench")
        .master("local[1]")
        .config("spark.sql.ansi.enabled", "false")
        .get_or_create()
        .unwrap();
    let rows = checked
        .sql(&format!(
            "SELECT CAST(id % 1000 AS INT) AS a, CAST(id % 7 AS INT) AS b FROM range({n})"
        ))
        .unwrap()
        .collect()
        .unwrap();
    for spark in [&checked, &wrapping] {
        spark
            .create_dataframe_from_batches(rows.clone())
            .unwrap()
            .create_temp_view("t")
            .unwrap();
    }
    let query = "SELECT sum(a + b), sum(a - b), sum(a * b) FROM t";
    let mut group = c.benchmark_group("checked_arithmetic");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(n as u64));
    for (name, spark) in [("ansi_checked", &checked), ("wrapping", &wrapping)] {
        group.bench_function(BenchmarkId::new(name, n), |b| {
            b.iter(|| black_box(spark.sql(query).unwrap().collect().unwrap()));
        });
    }
    group.finish();
}

/// Planning a 10 000-term chain (issue 16): Ember beside stock DataFusion, same text.
fn plan_chain(c: &mut Criterion) {
    use ember_sql::arrow::array::Int64Array;
    use ember_sql::arrow::datatypes::{DataType, Field, Schema};
    use ember_sql::datafusion::prelude::SessionContext;
    use std::sync::Arc;

    let n = 10_000;
    let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]));
    let batch =
        RecordBatch::try_new(schema, vec![Arc::new(Int64Array::from_iter_values(0..20))]).unwrap();
    let spark = session();
    spark
        .create_dataframe_from_batches(vec![batch.clone()])
        .unwrap()
        .create_temp_view("t")
        .unwrap();
    let stock = SessionContext::new();
    stock.register_batch("t", batch).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let or = (0..n)
        .map(|i| format!("id = {i}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let branches = (0..n)
        .map(|i| format!("WHEN id = {i} THEN {i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let queries = [
        ("or", format!("SELECT count(*) FROM t WHERE {or}")),
        ("case", format!("SELECT CASE {branches} END FROM t")),
    ];
    let stock_plan = |query: &str| {
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(64 << 20)
                .spawn_scoped(s, || {
                    runtime.block_on(async {
                        let state = stock.state();
                        let plan = state.create_logical_plan(query).await.unwrap();
                        state
                            .analyzer()
                            .execute_and_check(plan, state.config_options(), |_, _| {})
                            .unwrap()
                    })
                })
                .unwrap()
                .join()
                .unwrap()
        })
    };
    let mut group = c.benchmark_group("plan_chain");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, query) in &queries {
        group.bench_function(BenchmarkId::new(format!("ember_{name}"), n), |b| {
            b.iter(|| black_box(spark.sql(query).unwrap()));
        });
        group.bench_function(BenchmarkId::new(format!("datafusion_{name}"), n), |b| {
            b.iter(|| black_box(stock_plan(query)));
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    data_source_pipeline,
    to_polars,
    checked_arithmetic,
    plan_chain
);
criterion_main!(benches);
