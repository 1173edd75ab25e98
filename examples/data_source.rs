//! The DataSource example's PySpark application, ported: `data/data_source.py` (the `DataSource` class) and
//! `project.py` (its client).
//!
//! ```sh
//! cargo run --example data_source            # 100 000 elements, like project.py
//! cargo run --example data_source -- 1000    # any other size
//! ```
//!
//! Reads `examples/data/data_source.ini` (`[spark] app_name`, `master_url`), builds an RDD of
//! normal samples, doubles them, turns them into a DataFrame with the schema `value: float`,
//! registers the temp view `test` and the UDF `squared`, runs
//! `SELECT squared(value) squared FROM test` and returns a Polars DataFrame (PySpark's `toPandas`).

use std::error::Error;
use std::path::Path;

use ember::config::EngineConfig;
use ember_sql::polars::prelude::DataFrame as PolarsDataFrame;
use ember_sql::{DataType, Session, StructField, StructType};
use rand_distr::{Distribution, Normal};

/// `data/data_source.py`'s `DataSource`.
struct DataSource {
    spark: Session,
}

impl DataSource {
    /// Reads the INI and starts the session (the DataSource example's `SparkContext` + `SparkSession`).
    fn new() -> Result<Self, Box<dyn Error>> {
        // Relative to this package, not to the caller's working directory, so the example runs
        // from the workspace root or from anywhere else.
        let ini = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/data_source.ini");
        let spark = EngineConfig::from_file(&ini)?
            .session_builder("My PySpark App")
            .get_or_create()?;
        Ok(Self { spark })
    }

    /// `get_data(num_elements)`: the DataSource example's five steps.
    fn get_data(&self, num_elements: usize) -> Result<PolarsDataFrame, Box<dyn Error>> {
        let sc = self.spark.context();

        // 1. An RDD from a normal distribution: v = np.random.normal(mu, sigma, num_elements)
        let (mu, sigma) = (2.0, 0.5);
        let normal = Normal::new(mu, sigma)?;
        let mut rng = rand::rng();
        let v: Vec<f64> = (0..num_elements).map(|_| normal.sample(&mut rng)).collect();
        let rdd1 = sc.parallelize(v, sc.default_parallelism())?;

        // 2. Double every element, and make 1-tuples (rows).
        let mult = |x: f64| x * 2.0;
        let rdd2 = rdd1.map(mult).map(|x| (x,));

        // 3. A DataFrame with the schema `value: float`, and a temp view on top.
        let schema = StructType::new().field(StructField::new("value", DataType::Float, true));
        let df1 = self.spark.create_dataframe(&rdd2, schema)?;
        df1.register_temp_table("test")?;

        // 4. A UDF that squares, used from SQL.
        let square = |x: f64| x.powi(2);
        self.spark.udf().register("squared", square)?;
        let df2 = self.spark.sql("SELECT squared(value) squared FROM test")?;

        // 5. Back to the client as a (Polars) DataFrame.
        Ok(df2.to_polars()?)
    }
}

/// `project.py`'s `main`.
fn main() -> Result<(), Box<dyn Error>> {
    let num_elements = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 100_000,
    };
    let src = DataSource::new()?;
    let df = src.get_data(num_elements)?;
    // pandas' `df.size` is rows × columns.
    println!(
        "Got Polars dataframe with {} elements",
        df.height() * df.width()
    );
    println!("{}", df.head(Some(10)));
    Ok(())
}
