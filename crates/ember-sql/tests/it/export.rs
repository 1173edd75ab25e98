//! Export: Polars (the seed's toPandas), Arrow IPC, text formats.

use std::str::FromStr;

use ember_sql::arrow::array::RecordBatch;
use ember_sql::{Error, OutputFormat};

use crate::fixture::session_with_views;

#[test]
fn seed_result_to_polars() {
    let spark = session_with_views();
    let df = spark
        .sql("SELECT squared(value) squared FROM test ORDER BY squared")
        .unwrap();
    let pdf = df.to_polars().unwrap();
    assert_eq!(pdf.shape(), (4, 1));
    let col = pdf.column("squared").unwrap().f64().unwrap();
    let values: Vec<f64> = (0..col.len()).filter_map(|i| col.get(i)).collect();
    assert_eq!(values, vec![1.0, 4.0, 9.0, 16.0]);
}

#[test]
fn polars_keeps_types_and_nulls() {
    let spark = session_with_views();
    let pdf = spark
        .sql("SELECT id, name, age, city FROM people ORDER BY id")
        .unwrap()
        .to_polars()
        .unwrap();
    assert_eq!(pdf.shape(), (4, 4));
    assert_eq!(pdf.column("age").unwrap().null_count(), 1);
    assert_eq!(
        pdf.column("name").unwrap().str().unwrap().get(3),
        Some("Dee")
    );
    let empty = spark
        .sql("SELECT id FROM people WHERE id > 100")
        .unwrap()
        .to_polars()
        .unwrap();
    assert_eq!(empty.shape(), (0, 1));
}

#[test]
fn ipc_stream_round_trip() {
    let spark = session_with_views();
    let df = spark.sql("SELECT * FROM orders ORDER BY order_id").unwrap();
    let mut buf = Vec::new();
    df.to_ipc_stream(&mut buf).unwrap();
    let reader =
        ember_sql::arrow::ipc::reader::StreamReader::try_new(std::io::Cursor::new(buf), None)
            .unwrap();
    let back: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
    assert_eq!(back.iter().map(RecordBatch::num_rows).sum::<usize>(), 5);
    assert_eq!(back[0].schema(), df.schema());
}

#[test]
fn write_to_renders_each_format() {
    let spark = session_with_views();
    let df = spark
        .sql("SELECT id, name FROM people WHERE id <= 2 ORDER BY id")
        .unwrap();
    let render = |f: &str| {
        let mut out = Vec::new();
        df.write_to(OutputFormat::from_str(f).unwrap(), &mut out)
            .unwrap();
        out
    };
    let table = String::from_utf8(render("table")).unwrap();
    assert!(
        table.contains("| id | name |") && table.contains("| 2  | Bob  |"),
        "{table}"
    );
    assert_eq!(
        String::from_utf8(render("csv")).unwrap(),
        "id,name\n1,Ann\n2,Bob\n"
    );
    assert_eq!(
        String::from_utf8(render("json")).unwrap(),
        "{\"id\":1,\"name\":\"Ann\"}\n{\"id\":2,\"name\":\"Bob\"}\n"
    );
    assert!(render("arrow").starts_with(&[0xff, 0xff, 0xff, 0xff]));
    assert!(matches!(
        OutputFormat::from_str("xml"),
        Err(Error::InvalidArgument { .. })
    ));
}
