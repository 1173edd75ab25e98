//! sql sessions: decoding Livy's table into Arrow, and the shared table.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimeUnit, TimestampMicrosecondType,
};
use ember_livy::protocol::SqlTable;
use ember_livy::spark_types::{spark_type_to_arrow, table_to_batch};
use ember_livy::{Error, SharedTable};
use serde_json::{Value, json};

use crate::fake::{self, Reply, ok_json, statement};

fn field(name: &str, ty: Value) -> Value {
    json!({"name": name, "type": ty, "nullable": true, "metadata": {}})
}

fn table(fields: Vec<Value>, data: Value) -> SqlTable {
    serde_json::from_value(json!({"schema": {"type": "struct", "fields": fields}, "data": data}))
        .unwrap()
}

#[test]
fn every_simple_type_and_nulls() {
    let t = table(
        vec![
            field("b", json!("boolean")),
            field("i8", json!("byte")),
            field("i16", json!("short")),
            field("i32", json!("integer")),
            field("i64", json!("long")),
            field("f32", json!("float")),
            field("f64", json!("double")),
            field("s", json!("string")),
            field("d", json!("date")),
            field("ts", json!("timestamp")),
            field("dec", json!("decimal(10,2)")),
            field("n", json!("null")),
            field("bin", json!("binary")),
            field("vc", json!("varchar(10)")),
        ],
        json!([
            [
                true,
                1,
                2,
                3,
                9007199254740993i64,
                1.5,
                2.25,
                "é'\\",
                "2024-02-29",
                "2024-02-29T12:34:56.789Z",
                12345678.91,
                null,
                "aGk=",
                "v"
            ],
            [
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                [104, -1],
                null
            ]
        ]),
    );
    let batch = table_to_batch(&t).unwrap();
    assert_eq!(batch.num_rows(), 2);
    let schema = batch.schema();
    let types: Vec<&DataType> = schema.fields().iter().map(|f| f.data_type()).collect();
    assert_eq!(
        types,
        vec![
            &DataType::Boolean,
            &DataType::Int8,
            &DataType::Int16,
            &DataType::Int32,
            &DataType::Int64,
            &DataType::Float32,
            &DataType::Float64,
            &DataType::Utf8,
            &DataType::Date32,
            &DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())),
            &DataType::Decimal128(10, 2),
            &DataType::Null,
            &DataType::Binary,
            &DataType::Utf8,
        ]
    );
    assert!(batch.column(0).as_boolean().value(0));
    assert_eq!(batch.column(1).as_primitive::<Int8Type>().value(0), 1);
    assert_eq!(batch.column(2).as_primitive::<Int16Type>().value(0), 2);
    assert_eq!(batch.column(3).as_primitive::<Int32Type>().value(0), 3);
    // Above 2^53: kept exact (integers are not routed through f64).
    assert_eq!(
        batch.column(4).as_primitive::<Int64Type>().value(0),
        9007199254740993
    );
    assert_eq!(batch.column(5).as_primitive::<Float32Type>().value(0), 1.5);
    assert_eq!(batch.column(6).as_primitive::<Float64Type>().value(0), 2.25);
    assert_eq!(batch.column(7).as_string::<i32>().value(0), "é'\\");
    // 2024-02-29 is day 19782 since the epoch.
    assert_eq!(batch.column(8).as_primitive::<Date32Type>().value(0), 19782);
    assert_eq!(
        batch
            .column(9)
            .as_primitive::<TimestampMicrosecondType>()
            .value(0),
        1_709_210_096_789_000
    );
    assert_eq!(
        batch.column(10).as_primitive::<Decimal128Type>().value(0),
        1_234_567_891
    );
    assert_eq!(batch.column(11).len(), 2);
    assert_eq!(batch.column(12).as_binary::<i32>().value(0), b"hi");
    assert_eq!(batch.column(12).as_binary::<i32>().value(1), &[104u8, 255]);
    // Column 11 is a NullArray, which has no validity bitmap to ask.
    for c in (0..11).chain([13]) {
        assert!(
            batch.column(c).is_null(1),
            "column {c} row 1 should be null"
        );
    }
}

#[test]
fn nested_array_map_struct() {
    let arr = json!({"type": "array", "elementType": "integer", "containsNull": true});
    let map =
        json!({"type": "map", "keyType": "string", "valueType": "long", "valueContainsNull": true});
    let map_int_keys = json!({"type": "map", "keyType": "integer", "valueType": "string", "valueContainsNull": true});
    let st = json!({"type": "struct", "fields": [
        field("x", json!("double")),
        field("tags", json!({"type": "array", "elementType": "string", "containsNull": true}))]});
    let t = table(
        vec![
            field("a", arr.clone()),
            field("m", map.clone()),
            field("s", st.clone()),
            field("mi", map_int_keys),
            field(
                "aa",
                json!({"type": "array", "elementType": arr, "containsNull": true}),
            ),
        ],
        json!([
            [[1, null, 3], {"k": 1, "z": null}, [1.5, ["a"]], {"1": "one"}, [[1], [], null]],
            // Structs by name, maps as pairs: both shapes are accepted.
            [[], [["k2", 2]], {"x": 2.5, "tags": null}, [[2, "two"]], []],
            [null, null, null, null, null]
        ]),
    );
    let batch = table_to_batch(&t).unwrap();
    assert_eq!(batch.num_rows(), 3);
    let a = batch.column(0).as_list::<i32>();
    let first = a.value(0);
    let first = first.as_primitive::<Int32Type>();
    assert_eq!(first.len(), 3);
    assert!(first.is_null(1));
    assert_eq!(first.value(2), 3);
    assert!(a.is_null(2));

    let m = batch.column(1).as_map();
    assert_eq!(m.value_length(0), 2);
    assert_eq!(m.keys().as_string::<i32>().value(0), "k");
    assert_eq!(m.values().as_primitive::<Int64Type>().value(0), 1);
    assert!(m.values().is_null(1));
    assert_eq!(m.keys().as_string::<i32>().value(2), "k2");
    assert!(m.is_null(2));

    let s = batch.column(2).as_struct();
    assert_eq!(s.column(0).as_primitive::<Float64Type>().value(0), 1.5);
    assert_eq!(s.column(0).as_primitive::<Float64Type>().value(1), 2.5);
    assert!(s.column(1).is_null(1));
    assert!(s.is_null(2));

    let mi = batch.column(3).as_map();
    assert_eq!(mi.keys().as_primitive::<Int32Type>().value(0), 1);
    assert_eq!(mi.keys().as_primitive::<Int32Type>().value(1), 2);
    assert_eq!(mi.values().as_string::<i32>().value(1), "two");

    let aa = batch.column(4).as_list::<i32>();
    assert_eq!(aa.value(0).len(), 3);
    assert!(aa.value(0).as_list::<i32>().is_null(2));
}

#[test]
fn types_and_bad_tables() {
    assert_eq!(
        spark_type_to_arrow(&json!("decimal(38,18)")).unwrap(),
        DataType::Decimal128(38, 18)
    );
    assert_eq!(spark_type_to_arrow(&json!("void")).unwrap(), DataType::Null);
    assert_eq!(
        spark_type_to_arrow(&json!("timestamp_ntz")).unwrap(),
        DataType::Timestamp(TimeUnit::Microsecond, None)
    );
    assert!(matches!(
        spark_type_to_arrow(&json!({"type": "map", "keyType": "string"})),
        Err(Error::Decode { .. })
    ));
    let too_wide = table(vec![field("a", json!("integer"))], json!([[1, 2]]));
    assert!(matches!(
        table_to_batch(&too_wide),
        Err(Error::Decode { .. })
    ));
    let wrong = table(vec![field("a", json!("integer"))], json!([["x"]]));
    assert!(matches!(table_to_batch(&wrong), Err(Error::Decode { .. })));
    // DDL: no fields, no rows.
    let empty = table(vec![], json!([]));
    assert_eq!(table_to_batch(&empty).unwrap().num_columns(), 0);
    // Non-nullable field, no rows: schema kept.
    let t: SqlTable = serde_json::from_value(json!({"schema": {"type": "struct", "fields": [
        {"name": "one", "type": "integer", "nullable": false, "metadata": {}}]}, "data": []}))
    .unwrap();
    let b = table_to_batch(&t).unwrap();
    assert_eq!(b.num_rows(), 0);
    assert!(!b.schema().field(0).is_nullable());
}

fn sql_output(fields: Vec<Value>, data: Value) -> Value {
    ok_json(
        0,
        json!({"schema": {"type": "struct", "fields": fields}, "data": data}),
    )
}

#[tokio::test]
async fn sql_through_a_session() {
    let fake = fake::with_session(0, "sql").await;
    let out = sql_output(
        vec![json!({"name": "one", "type": "integer", "nullable": false, "metadata": {}})],
        json!([[1]]),
    );
    fake.on(
        "POST",
        "/sessions/0/statements",
        vec![Reply::created(statement(0, "waiting", Value::Null))],
    );
    fake.on(
        "GET",
        "/sessions/0/statements/0",
        vec![Reply::json(statement(0, "available", out))],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    let batch = s.sql("SELECT 1 AS one").await.unwrap();
    assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(0), 1);
    // A sql session runs sql without naming the kind.
    assert_eq!(
        fake.posted("/sessions/0/statements"),
        vec![json!({"code": "SELECT 1 AS one"})]
    );
    // A sql error carries the Java frames.
    let err = json!({"status": "error", "execution_count": 1, "ename": "Error",
        "evalue": "Table or view not found: nope", "traceback": ["at org.a(A.scala:1)", "at org.b(B.scala:2)"]});
    fake.on(
        "GET",
        "/sessions/0/statements/0",
        vec![Reply::json(statement(0, "available", err))],
    );
    let e = s.sql("SELECT * FROM nope").await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "Error: Table or view not found: nope\nat org.a(A.scala:1)\nat org.b(B.scala:2)"
    );
}

#[tokio::test]
async fn shared_table_sends_portable_sql() {
    let fake = fake::with_session(0, "sql").await;
    fake.on(
        "POST",
        "/sessions/0/statements",
        vec![Reply::created(statement(0, "waiting", Value::Null))],
    );
    let empty = sql_output(vec![], json!([]));
    let value = sql_output(
        vec![json!({"name": "value", "type": "string", "nullable": true, "metadata": {}})],
        json!([["Alaska"]]),
    );
    let none = sql_output(
        vec![json!({"name": "value", "type": "string", "nullable": true, "metadata": {}})],
        json!([]),
    );
    let keys = sql_output(
        vec![json!({"name": "key", "type": "string", "nullable": true, "metadata": {}})],
        json!([["ak"], ["ca"]]),
    );
    let st = |out: &Value| Reply::json(statement(0, "available", out.clone()));
    fake.on(
        "GET",
        "/sessions/0/statements/0",
        vec![st(&empty), st(&empty), st(&value), st(&none), st(&keys)],
    );
    let s = fake::client(&fake).session(0).await.unwrap();
    let kv = SharedTable::open(s, "states").await.unwrap();
    kv.set("it's", "a\\b").await.unwrap();
    assert_eq!(kv.get("ak").await.unwrap().as_deref(), Some("Alaska"));
    assert_eq!(kv.get("zz").await.unwrap(), None);
    assert_eq!(kv.keys().await.unwrap(), vec!["ak", "ca"]);
    let codes: Vec<String> = fake
        .posted("/sessions/0/statements")
        .iter()
        .map(|b| b["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        codes[0],
        "CREATE TABLE IF NOT EXISTS states (key STRING, value STRING, rev BIGINT)"
    );
    assert_eq!(
        codes[1],
        "INSERT INTO states SELECT concat('it', chr(39), 's'), concat('a', chr(92), 'b'), COALESCE(MAX(rev), 0) + 1 FROM states"
    );
    assert_eq!(
        codes[2],
        "SELECT value FROM states WHERE key = 'ak' ORDER BY rev DESC LIMIT 1"
    );
    assert!(matches!(
        SharedTable::open(
            fake::client(&fake).session(0).await.unwrap(),
            "x; DROP TABLE y"
        )
        .await,
        Err(Error::InvalidArgument(_))
    ));
}
