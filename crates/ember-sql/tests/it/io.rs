//! Readers and writers: Parquet, CSV, JSON, Arrow IPC; views from files; malformed files.

use ember_sql::arrow::array::AsArray;
use ember_sql::arrow::datatypes::Int64Type;
use ember_sql::{Error, FileFormat};

use crate::fixture::session_with_views;

fn sum_order_ids(spark: &ember_sql::Session, view: &str) -> i64 {
    let batches = spark
        .sql(&format!("SELECT CAST(sum(order_id) AS BIGINT) FROM {view}"))
        .unwrap()
        .collect()
        .unwrap();
    batches[0].column(0).as_primitive::<Int64Type>().value(0)
}

#[test]
fn every_format_round_trips() {
    let spark = session_with_views();
    let dir = tempfile::tempdir().unwrap();
    let orders = spark.table("orders").unwrap();
    for (file, format) in [
        ("orders.parquet", FileFormat::Parquet),
        ("orders.csv", FileFormat::Csv),
        ("orders.json", FileFormat::Json),
        ("orders.arrow", FileFormat::Arrow),
    ] {
        let path = dir.path().join(file);
        match format {
            FileFormat::Parquet => orders.write_parquet(&path),
            FileFormat::Csv => orders.write_csv(&path),
            FileFormat::Json => orders.write_json(&path),
            FileFormat::Arrow => orders.write_ipc_file(&path),
        }
        .unwrap();
        assert!(path.is_file(), "{file} was not written as one file");
        let back = spark.read(format, &path).unwrap();
        assert_eq!(back.count().unwrap(), 5, "{file}");
        let view = file.replace('.', "_");
        back.create_or_replace_temp_view(&view).unwrap();
        assert_eq!(sum_order_ids(&spark, &view), 60, "{file}");
    }
}

#[test]
fn views_from_name_path_specs() {
    let spark = session_with_views();
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("o.parquet");
    let csv = dir.path().join("p.csv");
    spark
        .table("orders")
        .unwrap()
        .write_parquet(&parquet)
        .unwrap();
    spark.table("people").unwrap().write_csv(&csv).unwrap();
    spark
        .register_views([
            format!("o={}", parquet.display()),
            format!("p={}", csv.display()),
        ])
        .unwrap();
    let n = spark
        .sql("SELECT count(*) FROM o JOIN p ON o.person_id = p.id")
        .unwrap()
        .collect()
        .unwrap();
    assert_eq!(n[0].column(0).as_primitive::<Int64Type>().value(0), 4);
}

#[test]
fn bad_specs_and_paths() {
    let spark = session_with_views();
    assert!(matches!(
        spark.register_views(["no-equals"]),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        spark.register_views(["t=/tmp/data.xlsx"]),
        Err(Error::InvalidArgument { message }) if message.contains("data.xlsx")
    ));
    let err = spark
        .read_parquet("/definitely/not/here.parquet")
        .unwrap_err();
    assert!(
        matches!(&err, Error::File { action: "read", format: "parquet", path, .. } if path.ends_with("here.parquet")),
        "{err:?}"
    );
}

#[test]
fn malformed_files_are_typed_errors() {
    let spark = session_with_views();
    let dir = tempfile::tempdir().unwrap();

    let parquet = dir.path().join("garbage.parquet");
    std::fs::write(&parquet, b"this is not parquet at all").unwrap();
    let err = spark.read_parquet(&parquet).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::File {
                format: "parquet",
                ..
            }
        ),
        "{err:?}"
    );

    let arrow = dir.path().join("garbage.arrow");
    std::fs::write(&arrow, b"ARROW1 but then nonsense").unwrap();
    let err = spark.read_ipc(&arrow).unwrap_err();
    assert!(
        matches!(
            &err,
            Error::File {
                format: "arrow",
                ..
            }
        ),
        "{err:?}"
    );

    // Rows with more fields than the header: caught at read (inference) or at run time.
    let csv = dir.path().join("ragged.csv");
    std::fs::write(&csv, "a,b\n1,2\n3,4,5,6\n").unwrap();
    let err = spark
        .read_csv(&csv)
        .and_then(|df| df.collect())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::File { format: "csv", .. } | Error::Execution { .. }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().to_lowercase().contains("csv") || err.to_string().contains("fields"),
        "{err}"
    );

    let json = dir.path().join("broken.json");
    std::fs::write(&json, "{\"a\": 1}\n{\"a\": \n").unwrap();
    let err = spark
        .read_json(&json)
        .and_then(|df| df.collect())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::File { format: "json", .. } | Error::Execution { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn parquet_strings_work_with_udfs_rows_and_polars() {
    // DataFusion reads Parquet strings as Utf8View; UDFs, rows and Polars must accept them.
    let spark = session_with_views();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.parquet");
    spark.table("people").unwrap().write_parquet(&path).unwrap();
    spark.register_file("pp", &path).unwrap();
    let df = spark
        .sql("SELECT shout(name) AS s, name FROM pp ORDER BY id")
        .unwrap();
    let rows = df.rdd().unwrap().collect().unwrap();
    assert_eq!(
        rows[0].get(0).and_then(ember_sql::Value::as_str),
        Some("ANN")
    );
    assert_eq!(
        rows[3].get(1).and_then(ember_sql::Value::as_str),
        Some("Dee")
    );
    let pdf = df.to_polars().unwrap();
    assert_eq!(pdf.column("s").unwrap().str().unwrap().get(1), Some("BOB"));
}

#[test]
fn regression_csv_inference_gives_sparks_types_issue_10() {
    // Was: every integer column BIGINT, timestamps without a zone, an empty column NULL-typed.
    // The types PySpark 4 infers for this file (`inferSchema`, session time zone UTC).
    let spark = crate::fixture::session();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("typed.csv");
    std::fs::write(
        &csv,
        "i,b,d,t,f,s,bo,ts,n\n\
         1,10000000000,2024-01-01,2024-01-01 10:00:00,1.5,x,true,2024-01-01T10:00:00,\n\
         -2147483648,3,2024-01-02,2024-01-02 11:00:00,2,y,false,2024-01-02T10:00:00,\n",
    )
    .unwrap();
    let df = spark.read_csv(&csv).unwrap();
    let types: Vec<String> = df
        .schema()
        .fields()
        .iter()
        .map(|f| ember_sql::spark_type_name(f.data_type()))
        .collect();
    assert_eq!(
        types,
        [
            "int",
            "bigint",
            "date",
            "timestamp",
            "double",
            "string",
            "boolean",
            "timestamp",
            "string"
        ]
    );
    // The values read with those types.
    df.create_temp_view("typed").unwrap();
    let batches = spark
        .sql("SELECT i, b, CAST(t AS STRING), n FROM typed ORDER BY i")
        .unwrap()
        .collect()
        .unwrap();
    let batch = &batches[0];
    let ints = batch
        .column(0)
        .as_primitive::<ember_sql::arrow::datatypes::Int32Type>();
    assert_eq!(ints.values(), &[-2_147_483_648, 1]);
    assert_eq!(
        batch.column(1).as_primitive::<Int64Type>().values(),
        &[3, 10_000_000_000]
    );
    assert!(batch.column(3).is_null(0));
    // One value beyond 32 bits keeps the column BIGINT.
    let wide = dir.path().join("wide.csv");
    std::fs::write(&wide, "k\n1\n2147483648\n").unwrap();
    let wide = spark.read_csv(&wide).unwrap();
    assert_eq!(
        wide.schema().field(0).data_type(),
        &ember_sql::arrow::datatypes::DataType::Int64
    );
}
