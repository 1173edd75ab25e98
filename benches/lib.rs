//! References the benches share.

use ember_rdd::{Context, LaneRng, Simd, task_rng};
use ember_web::sparkpi::{SAMPLES_PER_SCALE, count_inside, sample};

/// SparkPi's inside-the-circle count without Ember: the same `scale` partitions with the same
/// per-partition RNG as `estimate_pi`, split between `threads` plain threads.
pub fn plain_pi_count(scale: u64, seed: u64, threads: u64) -> u64 {
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut count = 0u64;
                    for p in (t..scale).step_by(threads as usize) {
                        let mut rng = task_rng(seed, p as usize);
                        for _ in 0..SAMPLES_PER_SCALE {
                            count += sample(&mut rng);
                        }
                    }
                    count
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().ok()).sum()
    })
}

/// The lane-parallel reference: the same `scale` partitions with the same per-partition
/// [`LaneRng`] and CPU path as `estimate_pi`, split between `threads` plain threads.
pub fn lane_pi_count(scale: u64, seed: u64, threads: u64, simd: Simd) -> u64 {
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mut count = 0u64;
                    for p in (t..scale).step_by(threads as usize) {
                        let mut rng = LaneRng::new(seed, p as usize);
                        rng.set_simd(simd);
                        count += count_inside(&mut rng, SAMPLES_PER_SCALE);
                    }
                    count
                })
            })
            .collect();
        workers.into_iter().filter_map(|w| w.join().ok()).sum()
    })
}

/// SparkPi as Ember ran it before lane streams (`map_with_rng` calling [`sample`] once per
/// element): the "before" of the lane-parallel job.
pub fn scalar_estimate_pi(ctx: &Context, scale: u64, seed: u64) -> ember_rdd::Result<f64> {
    let n = scale * SAMPLES_PER_SCALE;
    let count = ctx
        .parallelize(1..=n, scale as usize)?
        .map_with_rng(Some(seed), |rng, _| sample(rng))
        .reduce(|a, b| a + b)?;
    Ok(4.0 * count as f64 / n as f64)
}

/// TPC-H's tables, queries and answer check, shared by the `tpch` and `cluster` benches.
pub mod tpch {
    use std::path::{Path, PathBuf};

    use ember_sql::FileFormat;
    use ember_sql::Session;
    use ember_sql::arrow::array::RecordBatch;
    use ember_sql::arrow::error::ArrowError;
    use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};
    use ember_sql::datafusion::error::Result as DfResult;
    use ember_sql::datafusion::prelude::{ParquetReadOptions, SessionContext};

    /// The eight tables, one `<name>.parquet` each.
    pub const TABLES: [&str; 8] = [
        "customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier",
    ];

    /// `EMBER_TPCH_DATA`, else SF1 under the target dir (where `just tpch-data` puts it).
    pub fn data_dir() -> PathBuf {
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

    /// Whether `dir` holds the data; when not, says which command makes it.
    pub fn has_data(bench: &str, dir: &Path) -> bool {
        let present = dir.join("lineitem.parquet").exists();
        if !present {
            eprintln!(
                "{bench}: no TPC-H data in {} (make it with `just tpch-data`, or set EMBER_TPCH_DATA)",
                dir.display()
            );
        }
        present
    }

    /// `(qNN, text)` of the 22 queries in `benches/tpch/`, without their final `;`.
    pub fn queries() -> std::io::Result<Vec<(String, String)>> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tpch");
        (1..=22)
            .map(|n| {
                let name = format!("q{n:02}");
                let text = std::fs::read_to_string(dir.join(format!("{name}.sql")))?;
                Ok((name, text.trim().trim_end_matches(';').to_owned()))
            })
            .collect()
    }

    /// Rows as text, sorted, numbers to 2 decimals: two engines may differ in a result's type
    /// (Spark's decimal rules) and in the order of ties.
    pub fn rows(batches: &[RecordBatch]) -> Result<Vec<String>, ArrowError> {
        let options = FormatOptions::default().with_null("NULL");
        let mut out = Vec::new();
        for batch in batches {
            let formatters = batch
                .columns()
                .iter()
                .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
                .collect::<Result<Vec<_>, _>>()?;
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
        Ok(out)
    }

    /// A temp view per table on an Ember session.
    pub fn register(session: &Session, dir: &Path) -> ember_sql::Result<()> {
        for table in TABLES {
            let path = dir.join(format!("{table}.parquet"));
            session
                .read(FileFormat::Parquet, &path)?
                .create_or_replace_temp_view(table)?;
        }
        Ok(())
    }

    /// The same files registered on a stock DataFusion or Ballista context.
    pub fn register_stock(
        ctx: &SessionContext,
        dir: &Path,
        runtime: &tokio::runtime::Runtime,
    ) -> DfResult<()> {
        for table in TABLES {
            let path = dir.join(format!("{table}.parquet"));
            runtime.block_on(ctx.register_parquet(
                table,
                path.to_string_lossy().as_ref(),
                ParquetReadOptions::default(),
            ))?;
        }
        Ok(())
    }

    /// `query` on a stock DataFusion or Ballista context, on the runtime's workers, as Ember's
    /// queries run on its session's: `block_on` alone would poll the plan's top on this thread
    /// too, a thread Ember does not get.
    pub fn run_on(
        runtime: &tokio::runtime::Runtime,
        stock: &SessionContext,
        query: &str,
    ) -> DfResult<Vec<RecordBatch>> {
        let (ctx, q) = (stock.clone(), query.to_owned());
        runtime
            .block_on(runtime.spawn(async move { ctx.sql(&q).await?.collect().await }))
            .map_err(|e| ember_sql::datafusion::error::DataFusionError::External(Box::new(e)))?
    }
}
