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
