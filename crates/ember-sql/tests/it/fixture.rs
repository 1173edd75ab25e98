//! A session with views built from RDDs, shared by the `.slt` files and the API tests.

use ember_sql::arrow::array::RecordBatch;
use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};
use ember_sql::{DataType, Row, Session, StructType, Value};

/// Every row of `batches` as Arrow displays its cells (`""` for NULL).
/// This crate's directory, as `cargo test` names it when the tests run: a test binary built
/// from another checkout of the same sources (one target dir shared by clones) still reads
/// this checkout's files. The compile-time path is the fallback.
pub(crate) fn crate_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

pub(crate) fn cells(batches: &[RecordBatch]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for b in batches {
        let formatters: Vec<_> = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &FormatOptions::default()).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            rows.push(formatters.iter().map(|f| f.value(r).to_string()).collect());
        }
    }
    rows
}

/// `local[2]` so every view has two partitions and SQL runs in parallel.
pub(crate) fn session() -> Session {
    Session::builder()
        .app_name("ember-sql tests")
        .master("local[2]")
        .get_or_create()
        .unwrap()
}

/// A session with the views `people`, `orders`, `test` (the seed's shape) and `nums`,
/// each created from an RDD, and the UDFs the `.slt` files use.
pub(crate) fn session_with_views() -> Session {
    let spark = session();
    let sc = spark.context().clone();

    let people = sc
        .parallelize(
            vec![
                (1, "Ann".to_owned(), Some(34), Some("Paris".to_owned())),
                (2, "Bob".to_owned(), None, Some("Lyon".to_owned())),
                (3, "Cid".to_owned(), Some(19), None),
                (4, "Dee".to_owned(), Some(52), Some("Paris".to_owned())),
            ],
            2,
        )
        .unwrap();
    let schema = StructType::new()
        .add("id", DataType::Integer, false)
        .add("name", DataType::String, false)
        .add("age", DataType::Integer, true)
        .add("city", DataType::String, true);
    spark
        .create_dataframe(&people, schema)
        .unwrap()
        .create_temp_view("people")
        .unwrap();

    let orders = sc
        .parallelize(
            vec![
                (10_i64, 1, 12.5),
                (11, 1, 7.5),
                (12, 2, 100.0),
                (13, 4, 1.25),
                (14, 9, 3.0),
            ],
            2,
        )
        .unwrap();
    let schema = StructType::new()
        .add("order_id", DataType::Long, false)
        .add("person_id", DataType::Integer, false)
        .add("amount", DataType::Double, false);
    spark
        .create_dataframe(&orders, schema)
        .unwrap()
        .create_temp_view("orders")
        .unwrap();

    // The seed's pipeline on fixed values: parallelize, double, (x,), FloatType.
    let values = sc.parallelize(vec![0.5, 1.0, 1.5, 2.0], 2).unwrap();
    let rows = values.map(|x| x * 2.0).map(|x| (x,));
    let schema = StructType::new().add("value", DataType::Float, true);
    let df = spark.create_dataframe(&rows, schema).unwrap();
    df.register_temp_table("test").unwrap();

    // Rows with nulls, built from `Row`s.
    let nums = sc
        .parallelize(
            vec![
                Row::new(vec![
                    Value::Long(1),
                    Value::Double(1.5),
                    Value::Boolean(true),
                ]),
                Row::new(vec![Value::Null, Value::Double(2.5), Value::Null]),
                Row::new(vec![Value::Long(3), Value::Null, Value::Boolean(false)]),
                Row::new(vec![
                    Value::Long(7),
                    Value::Double(-1.0),
                    Value::Boolean(true),
                ]),
            ],
            2,
        )
        .unwrap();
    let schema = StructType::new()
        .add("n", DataType::Long, true)
        .add("x", DataType::Double, true)
        .add("flag", DataType::Boolean, true);
    spark
        .create_dataframe(&nums, schema)
        .unwrap()
        .create_temp_view("nums")
        .unwrap();

    let udf = spark.udf();
    // The seed's UDF: registered by whoever runs the seed's program, as this fixture does.
    udf.register("squared", |x: f64| x * x).unwrap();
    udf.register("plus", |a: i64, b: i64| a + b).unwrap();
    udf.register("shout", |s: String| s.to_uppercase()).unwrap();
    udf.register("boom", |x: f64| -> f64 { panic!("kaboom at {x}") })
        .unwrap();
    udf.register("checked_sqrt", |x: f64| {
        if x < 0.0 {
            Err(format!("negative input {x}"))
        } else {
            Ok(x.sqrt())
        }
    })
    .unwrap();
    udf.register("clamp3", |x: f64, lo: f64, hi: f64| x.clamp(lo, hi))
        .unwrap();
    udf.register(
        "describe4",
        |name: String, age: i32, score: f64, ok: bool| format!("{name}:{age}:{score}:{ok}"),
    )
    .unwrap();
    udf.register(
        "maybe_half",
        |n: i64| if n % 2 == 0 { Some(n / 2) } else { None },
    )
    .unwrap();
    spark
}
