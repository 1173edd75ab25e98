//! The DataFrame API over RDD-backed data.

use ember_sql::arrow::array::{AsArray, RecordBatch};
use ember_sql::arrow::datatypes::{DataType as ArrowType, Float64Type, Int32Type, Int64Type};
use ember_sql::prelude::*;
use ember_sql::{Error, Row, Value};

use crate::fixture::{session, session_with_views};

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(RecordBatch::num_rows).sum()
}

#[test]
fn transformations_compose() {
    let spark = session_with_views();
    let people = spark.table("people").unwrap();
    let df = people
        .filter(col("age").gt(lit(20)))
        .unwrap()
        .with_column("age_next", col("age") + lit(1))
        .unwrap()
        .select([col("name"), col("age_next")])
        .unwrap()
        .order_by([col("age_next").sort(false, true)])
        .unwrap()
        .limit(1)
        .unwrap();
    assert_eq!(df.columns(), vec!["name", "age_next"]);
    let batches = df.collect().unwrap();
    assert_eq!(rows(&batches), 1);
    assert_eq!(batches[0].column(0).as_string::<i32>().value(0), "Dee");
    assert_eq!(
        batches[0].column(1).as_primitive::<Int32Type>().value(0),
        53
    );
}

#[test]
fn group_by_and_join() {
    let spark = session_with_views();
    let people = spark.table("people").unwrap();
    let orders = spark.table("orders").unwrap();
    let totals = people
        .join(&orders, JoinType::Inner, &["id"], &["person_id"])
        .unwrap()
        .group_by([col("name")])
        .agg([
            sum(col("amount")).alias("total"),
            count(col("order_id")).alias("n"),
        ])
        .unwrap()
        .order_by([col("name").sort(true, false)])
        .unwrap();
    let batches = totals.collect().unwrap();
    let batch = ember_sql::arrow::compute::concat_batches(&totals.schema(), &batches).unwrap();
    let names: Vec<&str> = batch
        .column(0)
        .as_string::<i32>()
        .iter()
        .flatten()
        .collect();
    assert_eq!(names, vec!["Ann", "Bob", "Dee"]);
    let total = batch.column(1).as_primitive::<Float64Type>();
    assert_eq!(total.value(0), 20.0);
    assert_eq!(batch.column(2).as_primitive::<Int64Type>().value(0), 2);
}

#[test]
fn count_show_and_explain() {
    let spark = session_with_views();
    let df = spark
        .sql("SELECT name, age FROM people ORDER BY id")
        .unwrap();
    assert_eq!(df.count().unwrap(), 4);
    let table = df.show_string(2).unwrap();
    assert!(table.contains("| name | age  |"), "{table}");
    // NULL as Spark's show() writes it.
    assert!(table.contains("| Bob  | NULL |"), "{table}");
    assert!(
        table.contains("Ann") && table.contains("Bob") && !table.contains("Cid"),
        "{table}"
    );
    let plan = df.explain().unwrap();
    assert!(
        plan.contains("logical_plan") && plan.contains("physical_plan"),
        "{plan}"
    );
    df.show(1).unwrap();
}

#[test]
fn show_writes_numbers_and_timestamps_as_spark_shows_them() {
    let spark = session();
    let table = spark
        .sql(
            "SELECT 1e20D AS d, CAST(1.5 AS FLOAT) AS f, 100.0D AS h, \
             TIMESTAMP '2024-03-15 10:20:30.5' AS t, CAST(NULL AS DOUBLE) AS z",
        )
        .and_then(|df| df.show_string(1))
        .unwrap();
    // PySpark 4.3's show(): 1.0E20, 1.5, 100.0, 2024-03-15 10:20:30.5 (Arrow writes 1e20 and
    // 2024-03-15T10:20:30.500Z).
    let row = table.lines().nth(3).unwrap();
    for cell in ["1.0E20", "1.5", "100.0", "2024-03-15 10:20:30.5"] {
        assert!(row.contains(&format!(" {cell} ")), "{cell} in {table}");
    }
    // The column types are the query's: only what is shown changed.
    let batch = &spark.sql("SELECT 1e20D AS d").unwrap().collect().unwrap()[0];
    assert_eq!(batch.schema().field(0).data_type(), &ArrowType::Float64);
}

#[test]
fn temp_view_rules() {
    let spark = session_with_views();
    let df = spark.sql("SELECT 1 AS one").unwrap();
    df.create_temp_view("one").unwrap();
    assert!(matches!(
        df.create_temp_view("one"),
        Err(Error::ViewExists { name }) if name == "one"
    ));
    let two = spark.sql("SELECT 2 AS one").unwrap();
    two.create_or_replace_temp_view("one").unwrap();
    let got = spark.sql("SELECT one FROM one").unwrap().collect().unwrap();
    assert_eq!(got[0].column(0).as_primitive::<Int32Type>().value(0), 2);
}

#[test]
fn views_are_lazy_like_spark() {
    // A view over a view sees the replacement of the inner DataFrame's data only through the
    // plan it captured: replacing `base` afterwards does not change `derived`.
    let spark = session();
    spark
        .sql("SELECT 1 AS x")
        .unwrap()
        .create_temp_view("base")
        .unwrap();
    spark
        .sql("SELECT x + 1 AS y FROM base")
        .unwrap()
        .create_temp_view("derived")
        .unwrap();
    spark
        .sql("SELECT 10 AS x")
        .unwrap()
        .create_or_replace_temp_view("base")
        .unwrap();
    let got = spark
        .sql("SELECT y FROM derived")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(got[0].column(0).as_primitive::<Int32Type>().value(0), 2);
}

#[test]
fn each_rdd_partition_becomes_a_datafusion_partition() {
    let spark = session();
    let rdd = spark
        .context()
        .parallelize_partitions(vec![vec![(1_i64,)], vec![(2,), (3,)], vec![(4,)]])
        .unwrap();
    let schema = StructType::new().add("n", DataType::Long, false);
    let df = spark.create_dataframe(&rdd, schema).unwrap();
    let parts = df.collect_partitioned().unwrap();
    assert_eq!(parts.len(), 3);
    assert_eq!(
        parts.iter().map(|p| rows(p)).collect::<Vec<_>>(),
        vec![1, 2, 1]
    );
}

#[test]
fn batch_rows_splits_partitions_into_batches() {
    let spark = ember_sql::Session::builder()
        .master("local[1]")
        .config("ember.sql.batch_rows", "2")
        .get_or_create()
        .unwrap();
    let rdd = spark
        .context()
        .parallelize((0..5_i32).map(|i| (i,)).collect::<Vec<_>>(), 1)
        .unwrap();
    let df = spark
        .create_dataframe(&rdd, StructType::new().add("i", DataType::Integer, false))
        .unwrap();
    let parts = df.collect_partitioned().unwrap();
    let sizes: Vec<usize> = parts[0].iter().map(RecordBatch::num_rows).collect();
    assert_eq!(sizes, vec![2, 2, 1]);
}

#[test]
fn back_to_an_rdd_of_rows() {
    let spark = session_with_views();
    let df = spark
        .sql("SELECT id, name, age FROM people ORDER BY id")
        .unwrap();
    let rdd = df.rdd().unwrap();
    let got: Vec<Row> = rdd.collect().unwrap();
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[1].values(),
        &[Value::Integer(2), Value::String("Bob".into()), Value::Null]
    );
    // And through the RDD API again.
    let ages: Vec<i64> = rdd
        .map(|r| r.get(2).and_then(Value::as_i64).unwrap_or(0))
        .collect()
        .unwrap();
    assert_eq!(ages, vec![34, 0, 19, 52]);
}

#[test]
fn dataframes_from_batches() {
    let spark = session();
    let batches = spark
        .sql("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(n, s)")
        .unwrap()
        .collect()
        .unwrap();
    let df = spark
        .create_dataframe_from_batches(batches.clone())
        .unwrap();
    assert_eq!(df.count().unwrap(), 2);
    df.create_temp_view("t").unwrap();
    let got = spark
        .sql("SELECT sum(n) FROM t")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(got[0].column(0).as_primitive::<Int64Type>().value(0), 3);
}

#[test]
fn struct_rows_via_into_row() {
    #[derive(Clone)]
    struct Person {
        name: String,
        age: Option<i32>,
    }
    impl ember_sql::IntoRow for Person {
        fn write_row(
            self,
            w: &mut ember_sql::RowWriter<'_>,
        ) -> Result<(), ember_sql::RowWriteError> {
            w.push(self.name)?;
            w.push(self.age)
        }
    }
    let spark = session();
    let rdd = spark
        .context()
        .parallelize(
            vec![
                Person {
                    name: "x".into(),
                    age: Some(1),
                },
                Person {
                    name: "y".into(),
                    age: None,
                },
            ],
            2,
        )
        .unwrap();
    let schema =
        StructType::new()
            .add("name", DataType::String, false)
            .add("age", DataType::Integer, true);
    let df = spark.create_dataframe(&rdd, schema).unwrap();
    df.create_temp_view("persons").unwrap();
    let got = spark
        .sql("SELECT count(age) FROM persons")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(got[0].column(0).as_primitive::<Int64Type>().value(0), 1);
}

#[test]
fn dates_subtracted_are_spark_intervals_shown_as_spark_shows_them() {
    // Spark: DATE - DATE is an `interval day`, shown `INTERVAL '29' DAY` (DataFusion: a BIGINT
    // of days); a day-time interval and a make_ym_interval are shown in Spark's words too. The
    // interval's fields stay with its column through a DataFrame's select.
    let spark = session();
    let df = spark
        .sql(
            "SELECT d - DATE '2024-02-01' AS d, make_dt_interval(-1, -2, 0, -4.5) AS dt, \
             make_ym_interval(1, 2) AS ym FROM VALUES (DATE '2024-03-01') AS t(d)",
        )
        .unwrap();
    let diff = df.select([col("d"), col("dt"), col("ym")]).unwrap();
    let batch = &diff.collect().unwrap()[0];
    let types: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| ember_sql::spark_field_type_name(f))
        .collect();
    assert_eq!(
        types,
        [
            "interval day",
            "interval day to second",
            "interval year to month"
        ]
    );
    let table = diff.show_string(1).unwrap();
    let row = table.lines().nth(3).unwrap();
    for cell in [
        "INTERVAL '29' DAY",
        "INTERVAL '-1 02:00:04.5' DAY TO SECOND",
        "INTERVAL '1-2' YEAR TO MONTH",
    ] {
        assert!(row.contains(cell), "{cell} in {table}");
    }
    // Compared with an interval literal as a span of time, not field by field (2 days was
    // less than 1 day).
    let compared = spark
        .sql("SELECT make_dt_interval(2) > INTERVAL '1' DAY AS a")
        .and_then(|df| df.collect())
        .unwrap();
    assert!(compared[0].column(0).as_boolean().value(0));
}
