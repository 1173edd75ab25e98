//! ember-types' integration test: every type Spark has, written and read back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, Schema, TimeUnit};
use ember_types::{
    Error, from_json, json_type_name, schema_from_json, schema_to_json, spark_type_name, to_json,
};
use serde_json::json;

/// Every Spark type, as Arrow holds it when it reads Spark's JSON.
fn every_type() -> Vec<DataType> {
    let leaves = vec![
        DataType::Null,
        DataType::Boolean,
        DataType::Int8,
        DataType::Int16,
        DataType::Int32,
        DataType::Int64,
        DataType::Float32,
        DataType::Float64,
        DataType::Decimal128(10, 0),
        DataType::Decimal128(38, 18),
        DataType::Decimal128(1, 1),
        DataType::Utf8,
        DataType::Binary,
        DataType::Date32,
        DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())),
        DataType::Timestamp(TimeUnit::Microsecond, None),
    ];
    let list = |t: DataType, nulls: bool| DataType::List(Arc::new(Field::new("element", t, nulls)));
    let map = |k: DataType, v: DataType, nulls: bool| {
        let entries = Field::new(
            "entries",
            DataType::Struct(Fields::from(vec![
                Field::new("key", k, false),
                Field::new("value", v, nulls),
            ])),
            false,
        );
        DataType::Map(Arc::new(entries), false)
    };
    let mut all = leaves.clone();
    for leaf in &leaves {
        all.push(list(leaf.clone(), true));
        all.push(map(DataType::Utf8, leaf.clone(), true));
    }
    let inner = DataType::Struct(Fields::from(vec![
        Field::new("a", DataType::Int32, false),
        Field::new("b", list(DataType::Utf8, false), true),
    ]));
    all.push(inner.clone());
    all.push(list(inner.clone(), false));
    all.push(map(DataType::Int64, list(inner.clone(), true), false));
    all.push(DataType::Struct(Fields::from(vec![
        Field::new("nested", inner, true),
        Field::new("m", map(DataType::Utf8, DataType::Float64, true), true),
        Field::new("with space", DataType::Date32, true),
    ])));
    all
}

#[test]
fn every_spark_type_reads_back_as_it_was_written() {
    for t in every_type() {
        let json = to_json(&t);
        assert_eq!(from_json(&json).unwrap(), t, "{t} written as {json}");
    }
    let schema = Schema::new(
        every_type()
            .into_iter()
            .enumerate()
            .map(|(i, t)| Field::new(format!("c{i}"), t, i % 2 == 0))
            .collect::<Vec<_>>(),
    );
    assert_eq!(schema_from_json(&schema_to_json(&schema)).unwrap(), schema);
}

#[test]
fn leaf_names_read_back_in_both_spellings() {
    for t in every_type().into_iter().filter(|t| !t.is_nested()) {
        // `simpleString` (`int`) and `typeName` (`integer`) both name the type.
        for name in [spark_type_name(&t), json_type_name(&t)] {
            assert_eq!(from_json(&json!(name)).unwrap(), t, "{name}");
        }
    }
    assert_eq!(json_type_name(&DataType::Int64), "long");
    assert_eq!(spark_type_name(&DataType::Int64), "bigint");
}

#[test]
fn arrow_types_spark_lacks_read_back_as_the_type_that_holds_them() {
    for (arrow, spark) in [
        (DataType::UInt8, DataType::Int16),
        (DataType::UInt16, DataType::Int32),
        (DataType::UInt32, DataType::Int64),
        (DataType::UInt64, DataType::Decimal128(20, 0)),
        (DataType::Utf8View, DataType::Utf8),
        (DataType::LargeBinary, DataType::Binary),
        (
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into())),
        ),
    ] {
        assert_eq!(from_json(&to_json(&arrow)).unwrap(), spark, "{arrow}");
    }
}

#[test]
fn malformed_types_are_errors_and_unknown_names_are_text() {
    for bad in [
        json!(3),
        json!({"type": "array"}),
        json!({"type": "struct", "fields": "x"}),
        json!("decimal(39,0)"),
        json!("decimal(5,6)"),
        json!("decimal(x,1)"),
    ] {
        assert!(matches!(from_json(&bad), Err(Error::Malformed(_))), "{bad}");
    }
    assert_eq!(from_json(&json!("variant")).unwrap(), DataType::Utf8);
    assert_eq!(
        from_json(&json!("interval day to second")).unwrap(),
        DataType::Utf8
    );
}

#[test]
fn intervals_are_named_as_spark_names_them() {
    use arrow_schema::IntervalUnit;
    use ember_types::{INTERVAL_FIELDS, spark_field_type_name};
    let day_time = DataType::Duration(TimeUnit::Microsecond);
    assert_eq!(spark_type_name(&day_time), "interval day to second");
    assert_eq!(
        spark_type_name(&DataType::Interval(IntervalUnit::YearMonth)),
        "interval year to month"
    );
    assert_eq!(
        spark_type_name(&DataType::Interval(IntervalUnit::MonthDayNano)),
        "interval"
    );
    let plain = Field::new("d", day_time.clone(), true);
    assert_eq!(spark_field_type_name(&plain), "interval day to second");
    let days = plain.with_metadata([(INTERVAL_FIELDS.to_owned(), "day".to_owned())].into());
    assert_eq!(spark_field_type_name(&days), "interval day");
    // The mark names only day-time intervals.
    let marked_int = Field::new("i", DataType::Int32, true)
        .with_metadata([(INTERVAL_FIELDS.to_owned(), "day".to_owned())].into());
    assert_eq!(spark_field_type_name(&marked_int), "int");
    let months = Field::new("m", DataType::Interval(IntervalUnit::YearMonth), true);
    assert_eq!(spark_field_type_name(&months), "interval year to month");
    let months = months.with_metadata([(INTERVAL_FIELDS.to_owned(), "month".to_owned())].into());
    assert_eq!(spark_field_type_name(&months), "interval month");
    assert_eq!(to_json(&day_time), json!("interval day to second"));
}
