//! Spark SQL types (as `StructType.json` writes them) to Arrow, and Livy's sql tables to
//! [`RecordBatch`]es.
//!
//! Types are read with `ember-types`, the one codec of Spark's types that Ember's engine and its
//! Livy server use too (its crate docs list each Spark type and its Arrow type). In a table's
//! values, `binary` is base64 text or an array of bytes, `date` is `"yyyy-mm-dd"`, `timestamp`
//! is ISO-8601 text or epoch milliseconds, a map is an object or a list of pairs, and a struct
//! is an object by name or an array by position; a type Ember does not know (an interval,
//! `variant`) is `Utf8` holding the value's JSON text.
//!
//! Decimals travel as JSON numbers, so digits beyond an `f64`'s ~17 significant ones are lost
//! before the client sees them (Livy's json4s writes them so).

use std::io::Write as _;
use std::sync::Arc;

use arrow::datatypes::{DataType, Schema, SchemaRef};
use arrow::json::ReaderBuilder;
use arrow::record_batch::RecordBatch;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::protocol::SqlTable;

const WHAT: &str = "a Spark SQL table";

/// The Arrow type of a Spark type given as its JSON (`"integer"`, `{"type":"array",…}`, …):
/// `ember-types`' [`from_json`](ember_types::from_json), the codec Ember's server writes with.
///
/// Errors on malformed type objects (an array without `elementType`, a decimal with a precision
/// above 38); unknown type names map to `Utf8` (see the module's table).
pub fn spark_type_to_arrow(spark_type: &Value) -> Result<DataType> {
    ember_types::from_json(spark_type).map_err(|e| Error::decode(WHAT, e.to_string()))
}

/// The Arrow schema of a Spark `StructType` JSON (`{"type":"struct","fields":[…]}`).
pub fn schema_to_arrow(schema: &Value) -> Result<Schema> {
    ember_types::schema_from_json(schema).map_err(|e| Error::decode(WHAT, e.to_string()))
}

/// Decodes a Livy sql table (the sql kind's `application/json`) into one [`RecordBatch`].
///
/// Rows are row-major arrays in field order; nested structs may be arrays (by position) or
/// objects (by name); maps may be objects or lists of `[key, value]` pairs. A row with more
/// values than the schema has fields is an error; missing trailing values are nulls.
///
/// ```
/// use ember_livy::protocol::SqlTable;
/// use ember_livy::spark_types::table_to_batch;
/// use arrow::array::{Array, AsArray};
/// use arrow::datatypes::Int32Type;
///
/// let table: SqlTable = serde_json::from_str(r#"{
///     "schema": {"type": "struct", "fields": [
///         {"name": "n", "type": "integer", "nullable": true, "metadata": {}},
///         {"name": "tags", "type": {"type": "array", "elementType": "string", "containsNull": true},
///          "nullable": true, "metadata": {}}]},
///     "data": [[1, ["a", "b"]], [null, []]]
/// }"#)?;
/// let batch = table_to_batch(&table)?;
/// assert_eq!(batch.num_rows(), 2);
/// assert_eq!(batch.column(0).as_primitive::<Int32Type>().value(0), 1);
/// assert!(batch.column(0).is_null(1));
/// assert_eq!(batch.column(1).as_list::<i32>().value(0).len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn table_to_batch(table: &SqlTable) -> Result<RecordBatch> {
    let schema = Arc::new(schema_to_arrow(&table.schema)?);
    rows_to_batch(schema, &table.data)
}

/// Decodes row-major rows against an Arrow schema made by [`schema_to_arrow`].
pub(crate) fn rows_to_batch(schema: SchemaRef, rows: &[Vec<Value>]) -> Result<RecordBatch> {
    if rows.is_empty() {
        return Ok(RecordBatch::new_empty(schema));
    }
    let fields = schema.fields();
    let mut buf = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        if row.len() > fields.len() {
            return Err(Error::decode(
                WHAT,
                format!(
                    "row {r} has {} values but the schema has {} fields",
                    row.len(),
                    fields.len()
                ),
            ));
        }
        let mut obj = Map::with_capacity(fields.len());
        for (field, value) in fields.iter().zip(row) {
            obj.insert(
                field.name().clone(),
                normalize(value, field.data_type())
                    .map_err(|m| Error::decode(WHAT, format!("row {r}, {}: {m}", field.name())))?,
            );
        }
        serde_json::to_writer(&mut buf, &Value::Object(obj)).map_err(|e| Error::decode(WHAT, e))?;
        let _ = buf.write_all(b"\n");
    }
    let mut decoder = ReaderBuilder::new(schema.clone())
        .with_batch_size(rows.len())
        .with_coerce_primitive(true)
        .build_decoder()
        .map_err(|e| Error::decode(WHAT, e))?;
    let mut batches = Vec::new();
    let mut offset = 0;
    while offset < buf.len() {
        let read = decoder
            .decode(&buf[offset..])
            .map_err(|e| Error::decode(WHAT, e))?;
        offset += read;
        if let Some(batch) = decoder.flush().map_err(|e| Error::decode(WHAT, e))? {
            batches.push(batch);
        }
        if read == 0 {
            break;
        }
    }
    if let Some(batch) = decoder.flush().map_err(|e| Error::decode(WHAT, e))? {
        batches.push(batch);
    }
    arrow::compute::concat_batches(&schema, &batches).map_err(|e| Error::decode(WHAT, e))
}

/// Rewrites one value into the JSON shape arrow's JSON decoder reads for `ty`.
fn normalize(value: &Value, ty: &DataType) -> std::result::Result<Value, String> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    Ok(match ty {
        DataType::Null => Value::Null,
        DataType::Utf8 => match value {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => value.clone(),
            other => Value::String(other.to_string()),
        },
        DataType::Binary => Value::String(hex(&binary_bytes(value)?)),
        DataType::Timestamp(_, _) => match value {
            // Epoch milliseconds (what Java's Timestamp serialises to) to microseconds.
            Value::Number(n) => match n.as_i64() {
                Some(ms) => Value::from(ms.saturating_mul(1000)),
                None => Value::from(n.as_f64().unwrap_or(0.0) * 1000.0),
            },
            other => other.clone(),
        },
        DataType::List(element) => match value {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| normalize(v, element.data_type()))
                    .collect::<std::result::Result<_, _>>()?,
            ),
            other => return Err(format!("expected a list, got {other}")),
        },
        DataType::Map(entries, _) => {
            let (key_ty, value_ty) = match entries.data_type() {
                DataType::Struct(kv) if kv.len() == 2 => (kv[0].data_type(), kv[1].data_type()),
                _ => return Err("malformed map type".into()),
            };
            let mut out = Map::new();
            let mut put = |k: &Value, v: &Value| -> std::result::Result<(), String> {
                let key = match normalize(k, key_ty)? {
                    Value::String(s) => s,
                    Value::Null => return Err("a map key is null".into()),
                    other => other.to_string(),
                };
                out.insert(key, normalize(v, value_ty)?);
                Ok(())
            };
            match value {
                Value::Object(obj) => {
                    for (k, v) in obj {
                        put(&Value::String(k.clone()), v)?;
                    }
                }
                Value::Array(pairs) => {
                    for pair in pairs {
                        match pair {
                            Value::Array(kv) if kv.len() == 2 => put(&kv[0], &kv[1])?,
                            Value::Object(kv) => put(
                                kv.get("key").unwrap_or(&Value::Null),
                                kv.get("value").unwrap_or(&Value::Null),
                            )?,
                            other => return Err(format!("expected a map entry, got {other}")),
                        }
                    }
                }
                other => return Err(format!("expected a map, got {other}")),
            }
            Value::Object(out)
        }
        DataType::Struct(fields) => {
            let mut out = Map::with_capacity(fields.len());
            match value {
                Value::Array(items) => {
                    if items.len() > fields.len() {
                        return Err(format!(
                            "a struct of {} fields has {} values",
                            fields.len(),
                            items.len()
                        ));
                    }
                    for (field, item) in fields.iter().zip(items) {
                        out.insert(field.name().clone(), normalize(item, field.data_type())?);
                    }
                }
                Value::Object(obj) => {
                    for field in fields.iter() {
                        if let Some(item) = obj.get(field.name()) {
                            out.insert(field.name().clone(), normalize(item, field.data_type())?);
                        }
                    }
                }
                other => return Err(format!("expected a struct, got {other}")),
            }
            Value::Object(out)
        }
        _ => value.clone(),
    })
}

fn binary_bytes(value: &Value) -> std::result::Result<Vec<u8>, String> {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_i64()
                    .filter(|b| (-128..=255).contains(b))
                    // Java bytes are signed: -1 is 0xff.
                    .map(|b| b as u8)
                    .ok_or_else(|| format!("{v} is not a byte"))
            })
            .collect(),
        Value::String(s) => Ok(base64_decode(s).unwrap_or_else(|| s.as_bytes().to_vec())),
        other => Err(format!("expected binary data, got {other}")),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Standard base64 (with or without padding); `None` if `s` is not base64.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let s = s.trim_end_matches('=').as_bytes();
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for chunk in s.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= val(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn type_names() {
        assert_eq!(
            spark_type_to_arrow(&json!("decimal(10,2)")).ok(),
            Some(DataType::Decimal128(10, 2))
        );
        assert!(spark_type_to_arrow(&json!("decimal(40,2)")).is_err());
        assert!(spark_type_to_arrow(&json!({"type": "array"})).is_err());
        assert_eq!(
            spark_type_to_arrow(&json!("interval day to second")).ok(),
            Some(DataType::Utf8)
        );
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
        assert_eq!(base64_decode("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert!(base64_decode("a b").is_none());
    }
}
