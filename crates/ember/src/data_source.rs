//! The DataSource example of "Real-world Python workloads on Spark: Standalone clusters"
//! (`DataSource.get_data`) as one function, for `ember datasource` and the sql bench. It is demo
//! code, so it lives here and not in the engine: `ember-sql` knows nothing of it, nor of its
//! `squared` UDF, which this program registers as the original does.
//!
//! `examples/data_source.rs` spells the same steps out line by line, as a port of the PySpark
//! source; this is the reusable version.

use rand_distr::{Distribution, Normal};

use ember_sql::{DataFrame, DataType, Error, Result, Session, StructType};

/// Mean of the program's normal distribution.
pub const MU: f64 = 2.0;
/// Standard deviation of the program's normal distribution.
pub const SIGMA: f64 = 0.5;

/// Runs the program's `DataSource.get_data(num_elements)` up to the SQL query and returns the
/// DataFrame of `SELECT squared(value) squared FROM test` (call `to_polars()` for PySpark's
/// `toPandas()`).
///
/// Steps: draw `num_elements` values from N(2, 0.5) → RDD with the context's default parallelism
/// → double each → `(value,)` rows → DataFrame with schema `value: float` (nullable) → temp view
/// `test` → `squared(value)`.
///
/// Unlike the original (NumPy draws on the driver), the values are drawn inside the RDD's tasks, each
/// partition with its own generator seeded from `(seed, partition)`: the same `seed` gives the
/// same data, and generation runs in parallel. `None` draws a fresh seed.
///
/// Registers (replacing) the view `test` and the UDF `squared` (`x * x`) on `session`.
///
/// ```
/// let spark = ember::sql::Session::builder().master("local[2]").get_or_create()?;
/// let df = ember::data_source::data_source(&spark, 1000, Some(1))?;
/// assert_eq!(df.count()?, 1000);
/// assert_eq!(df.columns(), ["squared"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn data_source(session: &Session, num_elements: usize, seed: Option<u64>) -> Result<DataFrame> {
    let normal = Normal::new(MU, SIGMA).map_err(|e| Error::InvalidArgument {
        message: format!("normal distribution: {e}"),
    })?;
    let sc = session.context();
    let slices = sc.default_parallelism().max(1);
    let rdd1 = sc
        .parallelize(0..num_elements, slices)?
        .map_with_rng(seed, move |rng, _| normal.sample(rng));
    let rdd2 = rdd1.map(|x| x * 2.0).map(|x| (x,));
    let schema = StructType::new().add("value", DataType::Float, true);
    let df1 = session.create_dataframe(&rdd2, schema)?;
    df1.register_temp_table("test")?;
    session.udf().register("squared", |x: f64| x * x)?;
    session.sql("SELECT squared(value) squared FROM test")
}

/// The program's `get_data` up to its SQL query, as Python for a real Spark driver
/// ([`crate::spark`]): `_ember_data_source(num_elements, seed)` makes the view `test` (one
/// `value: float` column of doubled draws from N(2, 0.5)) and the UDF `squared` on the driver's
/// SparkSession, as [`data_source`] does on Ember. Like it, the values are drawn in the tasks,
/// each partition from a stream seeded from `(seed, partition)` when a seed is given; `squared`
/// returns a double (the original registers it without a type, so Spark would make it a string).
pub const PYSPARK_DATA_SOURCE: &str = r#"
def _ember_data_source(num_elements, seed=None, mu=2.0, sigma=0.5):
    import random
    from pyspark.sql.types import StructType, StructField, FloatType
    def draw(index, rows):
        if seed is None:
            rng = random.Random()
        else:
            rng = random.Random("ember-datasource:%d:%d" % (seed, index))
        for _ in rows:
            yield (rng.gauss(mu, sigma) * 2.0,)
    slices = max(sc.defaultParallelism, 1)
    rows = sc.parallelize(range(num_elements), slices).mapPartitionsWithIndex(draw)
    schema = StructType([StructField("value", FloatType(), True)])
    spark.createDataFrame(rows, schema).createOrReplaceTempView("test")
    spark.udf.register("squared", lambda x: None if x is None else x * x, "double")
"#;

/// [`data_source`] on a real Spark driver: runs [`PYSPARK_DATA_SOURCE`] there and returns the
/// number of rows of `SELECT squared(value) squared FROM test` and its first `head` rows (what
/// `ember datasource` prints; the rows themselves stay on the cluster).
///
/// Errors: the driver's ([`crate::config::Error::Job`]).
pub fn data_source_on_spark(
    driver: &crate::spark::SparkDriver,
    num_elements: usize,
    seed: Option<u64>,
    head: usize,
) -> std::result::Result<(u64, arrow::record_batch::RecordBatch), crate::config::Error> {
    let seed = seed.map_or_else(|| "None".to_owned(), |s| s.to_string());
    driver.run_python(PYSPARK_DATA_SOURCE)?;
    driver.run_python(&format!("_ember_data_source({num_elements}, {seed})"))?;
    let count = driver.sql("SELECT count(*) AS n FROM test")?;
    let n = count
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .filter(|a| !a.is_empty())
        .map(|a| a.value(0))
        .ok_or_else(|| crate::config::Error::Job {
            job: "the DataSource program",
            reason: "count(*) did not answer a number".into(),
        })?;
    let rows = driver.sql(&format!(
        "SELECT squared(value) squared FROM test LIMIT {head}"
    ))?;
    Ok((u64::try_from(n).unwrap_or(0), rows))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn seeded_pipeline_is_reproducible_and_has_the_right_moments() {
        let session = Session::builder()
            .master("local[2]")
            .get_or_create()
            .unwrap();
        // Partitions are merged in completion order, so compare the values as multisets.
        let sorted_values = |seed| {
            let batches = data_source(&session, 10_000, Some(seed))
                .unwrap()
                .to_arrow()
                .unwrap();
            let mut values: Vec<f64> = batches
                .iter()
                .flat_map(|batch| {
                    use ember_sql::arrow::array::AsArray;
                    batch
                        .column(0)
                        .as_primitive::<ember_sql::arrow::datatypes::Float64Type>()
                        .values()
                        .to_vec()
                })
                .collect();
            values.sort_by(f64::total_cmp);
            values
        };
        let values = sorted_values(1);
        assert_eq!(values, sorted_values(1));
        assert_ne!(values, sorted_values(2));
        assert_eq!(values.len(), 10_000);
        #[allow(clippy::cast_precision_loss)]
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        // E[(2X)^2] = 4 (mu^2 + sigma^2) = 17.
        assert!((mean - 17.0).abs() < 0.5, "mean {mean}");
    }
}
