//! Arrow record batches as Livy's sql output: Spark's `StructType.json` schema and row-major
//! JSON values.
//!
//! Types are named as Spark names them (`integer`, `long`, `decimal(10,2)`, nested
//! `{"type":"array",…}` objects). Values: numbers as JSON numbers (NaN and infinities as the
//! strings `"NaN"`, `"Infinity"`, `"-Infinity"`), dates as `"yyyy-mm-dd"`, timestamps as
//! ISO-8601 UTC strings with milliseconds (`"2024-01-02T03:04:05.000Z"`, json4s's default), structs
//! as JSON objects, maps as JSON objects keyed by the key's text, arrays as arrays, `NULL` as
//! `null`. Intervals are Spark's text of them (`"INTERVAL '3' DAY"`, as Spark's JSON writes
//! them). Types with no JSON form of their own (binary, times) are their Arrow display text.

use ember_livy::protocol::SqlTable;
use ember_sql::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Date64Array, Decimal128Array,
    Decimal256Array, Float16Array, Float32Array, Float64Array, Int8Array, Int16Array, Int32Array,
    Int64Array, MapArray, RecordBatch, StructArray, UInt8Array, UInt16Array, UInt32Array,
    UInt64Array,
};
use ember_sql::arrow::datatypes::{DataType, Schema, TimeUnit};
use ember_sql::arrow::error::ArrowError;
use ember_sql::arrow::temporal_conversions::{
    as_datetime_with_timezone, date32_to_datetime, date64_to_datetime,
};
use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};
use serde_json::{Map, Number, Value};

/// Encodes `batches` (all of `schema`) as a Livy sql table.
pub fn encode(schema: &Schema, batches: &[RecordBatch]) -> Result<SqlTable, ArrowError> {
    encode_bounded(schema, batches, usize::MAX).map_err(|e| match e {
        EncodeError::Arrow(e) => e,
        EncodeError::TooLarge { limit } => {
            ArrowError::ComputeError(format!("the table is over {limit} bytes"))
        }
    })
}

/// Why a table could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// A value could not be read.
    #[error(transparent)]
    Arrow(#[from] ArrowError),
    /// The table's JSON would be larger than the bound.
    #[error("the result is larger than {limit} bytes")]
    TooLarge {
        /// The bound, in bytes.
        limit: usize,
    },
}

/// Encodes `batches` as [`encode`] does, stopping with [`EncodeError::TooLarge`] as soon as
/// the table's JSON would pass `max_bytes`. Sizes are counted before a string is copied, so a
/// huge value is refused without being copied; numbers count 12 bytes, escapes are not counted.
pub fn encode_bounded(
    schema: &Schema,
    batches: &[RecordBatch],
    max_bytes: usize,
) -> Result<SqlTable, EncodeError> {
    let schema = ember_types::schema_to_json(schema);
    let mut budget = Budget {
        left: max_bytes.saturating_sub(schema.to_string().len()),
        limit: max_bytes,
    };
    // A VARIANT value is sent as its JSON text (the schema says `variant`).
    let shown = ember_sql::export::shown(batches)
        .map_err(|e| EncodeError::Arrow(ArrowError::ComputeError(e.to_string())))?;
    let batches = shown.as_slice();
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut data = Vec::with_capacity(rows.min(1 << 16));
    for batch in batches {
        // An interval as Spark's JSON writes it: `"INTERVAL '3' DAY"`.
        let texts: Vec<ArrayRef> = batch
            .schema()
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(f, c)| match ember_sql::export::interval_texts(f, c) {
                Ok(Some(texts)) => Ok(texts),
                Ok(None) => Ok(c.clone()),
                Err(e) => Err(EncodeError::Arrow(ArrowError::ComputeError(e.to_string()))),
            })
            .collect::<Result<_, _>>()?;
        let columns: Vec<ColumnEncoder<'_>> = texts
            .iter()
            .map(ColumnEncoder::new)
            .collect::<Result<_, _>>()?;
        for row in 0..batch.num_rows() {
            budget.charge(3)?;
            data.push(
                columns
                    .iter()
                    .map(|c| c.value(row, &mut budget))
                    .collect::<Result<Vec<_>, _>>()?,
            );
        }
    }
    Ok(SqlTable { schema, data })
}

/// Bytes of JSON a table may still take.
struct Budget {
    left: usize,
    limit: usize,
}

impl Budget {
    fn charge(&mut self, bytes: usize) -> Result<(), EncodeError> {
        match self.left.checked_sub(bytes) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(EncodeError::TooLarge { limit: self.limit }),
        }
    }

    /// Charges a string's quotes and bytes, then copies it.
    fn string(&mut self, s: &str) -> Result<Value, EncodeError> {
        self.charge(s.len().saturating_add(3))?;
        Ok(Value::String(s.to_owned()))
    }
}

/// One column's values as JSON; holds a display formatter for the types without a JSON form.
struct ColumnEncoder<'a> {
    array: &'a ArrayRef,
    formatter: ArrayFormatter<'a>,
}

const FORMAT: FormatOptions<'static> = FormatOptions::new();

impl<'a> ColumnEncoder<'a> {
    fn new(array: &'a ArrayRef) -> Result<Self, ArrowError> {
        Ok(ColumnEncoder {
            array,
            formatter: ArrayFormatter::try_new(array.as_ref(), &FORMAT)?,
        })
    }

    fn value(&self, row: usize, budget: &mut Budget) -> Result<Value, EncodeError> {
        value_at(self.array, row, &self.formatter, budget)
    }
}

fn float(v: f64) -> Value {
    match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => Value::String("NaN".into()),
        None if v > 0.0 => Value::String("Infinity".into()),
        None => Value::String("-Infinity".into()),
    }
}

fn value_at(
    array: &ArrayRef,
    row: usize,
    fmt: &ArrayFormatter<'_>,
    budget: &mut Budget,
) -> Result<Value, EncodeError> {
    // A `NullArray` (Spark's `void`, e.g. `SELECT NULL`) has no validity bitmap, so `is_null`
    // says false for its rows: every one of its values is NULL all the same.
    if array.is_null(row) || array.data_type() == &DataType::Null {
        budget.charge(5)?;
        return Ok(Value::Null);
    }
    macro_rules! prim {
        ($ty:ty) => {
            array
                .as_any()
                .downcast_ref::<$ty>()
                .map(|a| Value::from(a.value(row)))
        };
    }
    let any = array.as_any();
    let v = match array.data_type() {
        DataType::Boolean => any
            .downcast_ref::<BooleanArray>()
            .map(|a| Value::Bool(a.value(row))),
        DataType::Int8 => prim!(Int8Array),
        DataType::Int16 => prim!(Int16Array),
        DataType::Int32 => prim!(Int32Array),
        DataType::Int64 => prim!(Int64Array),
        DataType::UInt8 => prim!(UInt8Array),
        DataType::UInt16 => prim!(UInt16Array),
        DataType::UInt32 => prim!(UInt32Array),
        DataType::UInt64 => prim!(UInt64Array),
        DataType::Float16 => any
            .downcast_ref::<Float16Array>()
            .map(|a| float(a.value(row).to_f64())),
        DataType::Float32 => any
            .downcast_ref::<Float32Array>()
            .map(|a| float(f64::from(a.value(row)))),
        DataType::Float64 => any
            .downcast_ref::<Float64Array>()
            .map(|a| float(a.value(row))),
        // Strings are charged before they are copied.
        DataType::Utf8 => return budget.string(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => return budget.string(array.as_string::<i64>().value(row)),
        DataType::Utf8View => return budget.string(array.as_string_view().value(row)),
        DataType::Decimal128(_, _) => any
            .downcast_ref::<Decimal128Array>()
            .map(|a| decimal(&a.value_as_string(row))),
        DataType::Decimal256(_, _) => any
            .downcast_ref::<Decimal256Array>()
            .map(|a| decimal(&a.value_as_string(row))),
        DataType::Date32 => any
            .downcast_ref::<Date32Array>()
            .and_then(|a| date32_to_datetime(a.value(row)))
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string())),
        DataType::Date64 => any
            .downcast_ref::<Date64Array>()
            .and_then(|a| date64_to_datetime(a.value(row)))
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string())),
        DataType::Timestamp(unit, tz) => timestamp(array, row, *unit, tz.as_deref()),
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            Some(array_value(&list.value(row), budget)?)
        }
        DataType::LargeList(_) => {
            let list = array.as_list::<i64>();
            Some(array_value(&list.value(row), budget)?)
        }
        DataType::FixedSizeList(_, _) => {
            let list = array.as_fixed_size_list();
            Some(array_value(&list.value(row), budget)?)
        }
        DataType::Struct(_) => {
            let s: &StructArray = array.as_struct();
            let mut obj = Map::new();
            for (field, column) in s.fields().iter().zip(s.columns()) {
                let f = ArrayFormatter::try_new(column.as_ref(), &FORMAT)?;
                budget.charge(field.name().len().saturating_add(3))?;
                obj.insert(field.name().clone(), value_at(column, row, &f, budget)?);
            }
            Some(Value::Object(obj))
        }
        DataType::Map(_, _) => {
            let map: &MapArray = array.as_map();
            let entries = map.value(row);
            let keys = entries.column(0);
            let values = entries.column(1);
            let kf = ArrayFormatter::try_new(keys.as_ref(), &FORMAT)?;
            let vf = ArrayFormatter::try_new(values.as_ref(), &FORMAT)?;
            let mut obj = Map::new();
            for i in 0..entries.len() {
                let key = kf.value(i).to_string();
                budget.charge(key.len().saturating_add(3))?;
                obj.insert(key, value_at(values, i, &vf, budget)?);
            }
            Some(Value::Object(obj))
        }
        _ => None,
    };
    match v {
        // Nested values were charged as they were built.
        Some(v @ (Value::Array(_) | Value::Object(_))) => Ok(v),
        Some(Value::String(text)) => {
            budget.charge(text.len().saturating_add(3))?;
            Ok(Value::String(text))
        }
        Some(v) => {
            budget.charge(12)?;
            Ok(v)
        }
        None => {
            let text = fmt.value(row).to_string();
            budget.charge(text.len().saturating_add(3))?;
            Ok(Value::String(text))
        }
    }
}

fn array_value(values: &ArrayRef, budget: &mut Budget) -> Result<Value, EncodeError> {
    let f = ArrayFormatter::try_new(values.as_ref(), &FORMAT)?;
    budget.charge(2)?;
    (0..values.len())
        .map(|i| value_at(values, i, &f, budget))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// Decimals are JSON numbers (Livy's json4s writes them so); one that `f64` cannot hold exactly
/// still becomes the nearest number.
fn decimal(text: &str) -> Value {
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(text.to_owned()), Value::Number)
}

fn timestamp(array: &ArrayRef, row: usize, unit: TimeUnit, tz: Option<&str>) -> Option<Value> {
    use ember_sql::arrow::datatypes::{
        TimestampMicrosecondType as Us, TimestampMillisecondType as Ms,
        TimestampNanosecondType as Ns, TimestampSecondType as S,
    };
    let utc: ember_sql::arrow::array::timezone::Tz = "+00:00".parse().ok()?;
    let dt = match unit {
        TimeUnit::Second => {
            as_datetime_with_timezone::<S>(array.as_primitive::<S>().value(row), utc)
        }
        TimeUnit::Millisecond => {
            as_datetime_with_timezone::<Ms>(array.as_primitive::<Ms>().value(row), utc)
        }
        TimeUnit::Microsecond => {
            as_datetime_with_timezone::<Us>(array.as_primitive::<Us>().value(row), utc)
        }
        TimeUnit::Nanosecond => {
            as_datetime_with_timezone::<Ns>(array.as_primitive::<Ns>().value(row), utc)
        }
    }?;
    // Arrow stores timestamps as UTC instants whatever their zone; without a zone (NTZ) the
    // wall-clock value is shown without the `Z`.
    let text = if tz.is_some() {
        dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
    };
    Some(Value::String(text))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use ember_sql::arrow::array::{ListArray, StringArray, TimestampMicrosecondArray};
    use ember_sql::arrow::datatypes::{Field, Int32Type};
    use serde_json::json;

    use super::*;

    #[test]
    fn livy_select_one() {
        let schema = Schema::new(vec![Field::new("one", DataType::Int32, false)]);
        let batch = RecordBatch::try_new(
            Arc::new(schema.clone()),
            vec![Arc::new(Int32Array::from(vec![1]))],
        )
        .unwrap();
        let table = encode(&schema, &[batch]).unwrap();
        // The protocol doc's example for `SELECT 1 AS one`.
        let expected: Value = serde_json::from_str(
            r#"{"schema":{"type":"struct","fields":[{"name":"one","type":"integer","nullable":false,"metadata":{}}]},"data":[[1]]}"#,
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&table).unwrap(), expected);
    }

    /// A VARIANT column is typed `variant`, its values their JSON text (NULL stays null).
    #[test]
    fn variants_are_json_text() {
        let spark = ember_sql::Session::builder().get_or_create().unwrap();
        let df = spark
            .sql("SELECT parse_json(j) AS v FROM VALUES ('{\"b\":[1,2.5],\"a\":null}'), (NULL) AS t(j)")
            .unwrap();
        let schema = df.schema();
        let batches = df.collect().unwrap();
        let table = encode(&schema, &batches).unwrap();
        assert_eq!(table.schema["fields"][0]["type"], "variant");
        assert_eq!(
            table.data,
            vec![
                vec![Value::String(r#"{"a":null,"b":[1,2.5]}"#.into())],
                vec![Value::Null]
            ]
        );
    }

    /// Intervals are Spark's text of them, typed with their fields (Apache Livy's table is
    /// Spark's `toJSON`); they were Arrow's ISO 8601 text (`PT2505600S`).
    #[test]
    fn intervals_are_spark_text() {
        let spark = ember_sql::Session::builder().get_or_create().unwrap();
        let df = spark
            .sql(
                "SELECT d - DATE '2024-02-01' AS d, INTERVAL '1 02:03:04' DAY TO SECOND AS s, \
                 INTERVAL '1-2' YEAR TO MONTH AS y FROM VALUES (DATE '2024-03-01') AS t(d)",
            )
            .unwrap();
        let schema = df.schema();
        let batches = df.collect().unwrap();
        let table = encode(&schema, &batches).unwrap();
        let types: Vec<&Value> = (0..3).map(|i| &table.schema["fields"][i]["type"]).collect();
        assert_eq!(
            types,
            [
                "interval day",
                "interval day to second",
                "interval year to month"
            ]
        );
        assert_eq!(
            table.data,
            vec![vec![
                Value::String("INTERVAL '29' DAY".into()),
                Value::String("INTERVAL '1 02:03:04' DAY TO SECOND".into()),
                Value::String("INTERVAL '1-2' YEAR TO MONTH".into()),
            ]]
        );
    }

    /// Issue 17: `SELECT NULL AS n` was `""`; Spark answers JSON `null` and type `void`.
    #[test]
    fn null_type_is_json_null() {
        use ember_sql::arrow::array::NullArray;
        let schema = Schema::new(vec![Field::new("n", DataType::Null, true)]);
        let batch =
            RecordBatch::try_new(Arc::new(schema.clone()), vec![Arc::new(NullArray::new(2))])
                .unwrap();
        let table = encode(&schema, &[batch]).unwrap();
        assert_eq!(table.schema["fields"][0]["type"], "void");
        assert_eq!(table.data, vec![vec![Value::Null], vec![Value::Null]]);
    }

    #[test]
    fn nested_nulls_floats_and_timestamps() {
        let list = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
            Some(vec![Some(1), None]),
            None,
        ]);
        let ts = TimestampMicrosecondArray::from(vec![Some(1_700_000_000_123_000), None])
            .with_timezone("UTC");
        let schema = Schema::new(vec![
            Field::new("l", list.data_type().clone(), true),
            Field::new("s", DataType::Utf8, true),
            Field::new("f", DataType::Float64, true),
            Field::new("t", ts.data_type().clone(), true),
        ]);
        let batch = RecordBatch::try_new(
            Arc::new(schema.clone()),
            vec![
                Arc::new(list),
                Arc::new(StringArray::from(vec![Some("a\"b"), None])),
                Arc::new(Float64Array::from(vec![f64::NAN, 2.5])),
                Arc::new(ts),
            ],
        )
        .unwrap();
        let table = encode(&schema, &[batch]).unwrap();
        assert_eq!(
            table.schema["fields"][0]["type"],
            json!({"type":"array","elementType":"integer","containsNull":true})
        );
        assert_eq!(table.schema["fields"][3]["type"], "timestamp");
        assert_eq!(
            table.data[0],
            vec![
                json!([1, null]),
                json!("a\"b"),
                json!("NaN"),
                json!("2023-11-14T22:13:20.123Z")
            ]
        );
        assert_eq!(
            table.data[1],
            vec![Value::Null, Value::Null, json!(2.5), Value::Null]
        );
    }
}
