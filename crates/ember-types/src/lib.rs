//! # ember-types
//!
//! Spark's data types as Arrow types, in one place: what Ember's engine (`ember-sql`) calls a
//! column's type, what the Livy server writes in a sql table's schema, and what the Livy client
//! (`ember-livy`) reads back.
//!
//! - [`spark_type_name`]: Spark's `simpleString` of an Arrow type (`int`, `decimal(10,2)`,
//!   `array<bigint>`), as `typeof()`, `DESCRIBE` and error messages spell it;
//!   [`spark_field_type_name`] of a field (a day-time interval's fields are in its metadata).
//! - [`json_type_name`], [`to_json`], [`schema_to_json`]: Spark's JSON of a type or a schema
//!   (`StructType.json`, Livy's sql table schema).
//! - [`from_json`], [`schema_from_json`]: the Arrow type of Spark's JSON, with the type names
//!   both spellings give (`integer` and `int`).
//!
//! Writing a type and reading it back gives the same type for every type Spark has; the
//! integration test checks each. Arrow types Spark lacks are written as the Spark type that holds
//! their values (`UInt32` as `bigint`), so they read back as that type.
//!
//! | Spark type (JSON) | Arrow type |
//! |---|---|
//! | `"null"`, `"void"` | `Null` |
//! | `"boolean"` | `Boolean` |
//! | `"byte"`/`"tinyint"`, `"short"`/`"smallint"`, `"integer"`/`"int"`, `"long"`/`"bigint"` | `Int8`, `Int16`, `Int32`, `Int64` |
//! | `"float"`/`"real"`, `"double"` | `Float32`, `Float64` |
//! | `"decimal(p,s)"` (`"decimal"` = `decimal(10,0)`) | `Decimal128(p, s)` |
//! | `"string"`, `"char(n)"`, `"varchar(n)"` | `Utf8` |
//! | `"binary"` | `Binary` |
//! | `"date"` | `Date32` |
//! | `"timestamp"` | `Timestamp(µs, "+00:00")` |
//! | `"timestamp_ntz"` | `Timestamp(µs, None)` |
//! | `{"type":"array","elementType":t,"containsNull":b}` | `List(t)` |
//! | `{"type":"map","keyType":k,"valueType":v,"valueContainsNull":b}` | `Map(k, v)` |
//! | `{"type":"struct","fields":[…]}` | `Struct` |
//! | `"variant"` | written for [`variant_type`]; read as `Utf8` (its values as JSON text) |
//! | anything else (intervals, a newer type) | `Utf8` (its values as JSON text) |
//!
//! ```
//! use arrow_schema::{DataType, Field};
//!
//! let list = DataType::List(Field::new("element", DataType::Int64, true).into());
//! assert_eq!(ember_types::spark_type_name(&list), "array<bigint>");
//! let json = ember_types::to_json(&list);
//! assert_eq!(json["elementType"], "long");
//! assert_eq!(ember_types::from_json(&json)?, list);
//! # Ok::<(), ember_types::Error>(())
//! ```

use std::sync::Arc;

use arrow_schema::{DataType, Field, Fields, IntervalUnit, Schema, TimeUnit};
use serde_json::{Map, Value, json};

/// A Spark type's JSON that does not describe a type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The JSON is not a type: what is wrong with it.
    #[error("malformed Spark type: {0}")]
    Malformed(String),
}

impl Error {
    fn malformed(what: impl Into<String>) -> Self {
        Error::Malformed(what.into())
    }
}

/// `Result` with [`enum@Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The field metadata (key, value) that marks the `value` field of [`variant_type`].
pub const VARIANT_MARK: (&str, &str) = ("ember.spark_type", "variant");

/// Arrow's type for Spark's `VARIANT`: a struct of the Variant binary encoding's two buffers,
/// `metadata` (the field-name dictionary) and `value` (the Parquet variant layout Spark writes),
/// the `value` field marked with [`VARIANT_MARK`] so a variant is never mistaken for a struct
/// of two binaries.
pub fn variant_type() -> DataType {
    let mark = [(VARIANT_MARK.0.to_owned(), VARIANT_MARK.1.to_owned())];
    DataType::Struct(Fields::from(vec![
        Field::new("metadata", DataType::Binary, false),
        Field::new("value", DataType::Binary, false).with_metadata(mark.into_iter().collect()),
    ]))
}

/// Whether `data_type` is [`variant_type`].
pub fn is_variant(data_type: &DataType) -> bool {
    match data_type {
        DataType::Struct(fields) => is_variant_fields(fields),
        _ => false,
    }
}

fn is_variant_fields(fields: &Fields) -> bool {
    fields.len() == 2
        && fields[0].name() == "metadata"
        && fields[1].name() == "value"
        && *fields[0].data_type() == DataType::Binary
        && *fields[1].data_type() == DataType::Binary
        && fields[1].metadata().get(VARIANT_MARK.0).map(String::as_str) == Some(VARIANT_MARK.1)
}

/// Spark's name for the type of a column stored as `data_type`: its `simpleString`, as
/// `typeof()`, `DESCRIBE` and error messages spell it.
///
/// `int`, `bigint`, `tinyint`, `smallint`, `float`, `double`, `decimal(10,2)`, `string`,
/// `boolean`, `binary`, `date`, `timestamp` (an Arrow timestamp with a time zone),
/// `timestamp_ntz` (without), `void` (NULL), `array<int>`, `map<string,int>`,
/// `struct<a:int,b:string>`, `variant` ([`variant_type`]), `interval day to second` (a
/// `Duration`; [`spark_field_type_name`] names the narrower ones), `interval year to month`
/// (`Interval(YearMonth)`), `interval` (Spark's calendar interval: `Interval(MonthDayNano)`).
/// Arrow types Spark lacks get the Spark type that holds their values
/// (`UInt32` is `bigint`, `UInt64` is `decimal(20,0)`, `Utf8View` is `string`); the rest
/// (times, unions) their Arrow name in lower case.
///
/// ```
/// use arrow_schema::{DataType, Field};
/// use ember_types::spark_type_name;
///
/// assert_eq!(spark_type_name(&DataType::Int32), "int");
/// assert_eq!(spark_type_name(&DataType::Decimal128(10, 2)), "decimal(10,2)");
/// let list = DataType::List(Field::new("item", DataType::Int64, true).into());
/// assert_eq!(spark_type_name(&list), "array<bigint>");
/// ```
pub fn spark_type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Null => "void".into(),
        DataType::Boolean => "boolean".into(),
        DataType::Int8 => "tinyint".into(),
        DataType::Int16 | DataType::UInt8 => "smallint".into(),
        DataType::Int32 | DataType::UInt16 => "int".into(),
        DataType::Int64 | DataType::UInt32 => "bigint".into(),
        DataType::UInt64 => "decimal(20,0)".into(),
        DataType::Float16 | DataType::Float32 => "float".into(),
        DataType::Float64 => "double".into(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "string".into(),
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => "binary".into(),
        DataType::Date32 | DataType::Date64 => "date".into(),
        DataType::Timestamp(_, Some(_)) => "timestamp".into(),
        DataType::Timestamp(_, None) => "timestamp_ntz".into(),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => format!("decimal({p},{s})"),
        DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => format!("decimal({p},{s})"),
        DataType::Struct(fields) if is_variant_fields(fields) => "variant".into(),
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _) => format!("array<{}>", spark_type_name(f.data_type())),
        DataType::Struct(fields) => format!(
            "struct<{}>",
            fields
                .iter()
                .map(|f| format!("{}:{}", f.name(), spark_type_name(f.data_type())))
                .collect::<Vec<_>>()
                .join(",")
        ),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => format!(
                "map<{},{}>",
                spark_type_name(kv[0].data_type()),
                spark_type_name(kv[1].data_type())
            ),
            other => format!("map<{}>", spark_type_name(other)),
        },
        DataType::Dictionary(_, value) => spark_type_name(value),
        DataType::RunEndEncoded(_, value) => spark_type_name(value.data_type()),
        DataType::Duration(_) => "interval day to second".into(),
        DataType::Interval(IntervalUnit::YearMonth) => "interval year to month".into(),
        DataType::Interval(_) => "interval".into(),
        other => other.to_string().to_lowercase(),
    }
}

/// The field metadata key that names the fields an ANSI interval spans (Spark's
/// `DayTimeIntervalType(startField, endField)` held as an Arrow `Duration`, its
/// `YearMonthIntervalType` as an `Interval(YearMonth)`): `day` for `DATE - DATE`'s `interval
/// day`, `hour to minute`, `year`. Without it a `Duration` is `interval day to second` and an
/// `Interval(YearMonth)` `interval year to month`.
pub const INTERVAL_FIELDS: &str = "ember.interval_fields";

/// The fields an ANSI interval field spans, from [`INTERVAL_FIELDS`] (`"day"`, `"hour to
/// second"`, `"month"`): the widest (`"day to second"`, `"year to month"`) where the field does
/// not say, and `""` for a field of another type.
pub fn interval_fields(field: &Field) -> &str {
    let widest = match field.data_type() {
        DataType::Duration(_) => "day to second",
        DataType::Interval(IntervalUnit::YearMonth) => "year to month",
        _ => return "",
    };
    field
        .metadata()
        .get(INTERVAL_FIELDS)
        .map_or(widest, String::as_str)
}

/// Spark's name for the type of `field`: its [`spark_type_name`], except an ANSI interval
/// whose [`INTERVAL_FIELDS`] say which fields it spans (`interval day`, `interval month`).
pub fn spark_field_type_name(field: &Field) -> String {
    match interval_fields(field) {
        "" => spark_type_name(field.data_type()),
        fields => format!("interval {fields}"),
    }
}

/// Spark's `typeName` of a type that is not nested (what `StructType.json` and `printSchema`
/// write): its [`spark_type_name`], except the four integer types they spell differently
/// (`integer`, `long`, `short`, `byte`).
pub fn json_type_name(data_type: &DataType) -> String {
    let name = spark_type_name(data_type);
    match name.as_str() {
        "int" => "integer".into(),
        "bigint" => "long".into(),
        "smallint" => "short".into(),
        "tinyint" => "byte".into(),
        _ => name,
    }
}

/// Spark's JSON type for an Arrow type: nested types as Spark's JSON objects, the others as
/// their [`spark_type_name`] with the four JSON spellings that differ from it (`integer`,
/// `long`, `short`, `byte`), so Livy's schema and `typeof()` always agree.
pub fn to_json(dt: &DataType) -> Value {
    match dt {
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _) => json!({
            "type": "array",
            "elementType": to_json(f.data_type()),
            "containsNull": f.is_nullable(),
        }),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => json!({
                "type": "map",
                "keyType": to_json(kv[0].data_type()),
                "valueType": to_json(kv[1].data_type()),
                "valueContainsNull": kv[1].is_nullable(),
            }),
            _ => Value::String("string".to_owned()),
        },
        DataType::Struct(fields) if is_variant_fields(fields) => Value::String("variant".into()),
        DataType::Struct(fields) => struct_type(fields),
        DataType::Dictionary(_, value) => to_json(value),
        DataType::RunEndEncoded(_, value) => to_json(value.data_type()),
        // Types whose Arrow name would mean nothing to a Spark client.
        DataType::Time32(_) | DataType::Time64(_) => Value::String("time(6)".to_owned()),
        DataType::Duration(_) | DataType::Interval(_) => Value::String(spark_type_name(dt)),
        DataType::Union(_, _) => Value::String("string".to_owned()),
        leaf => Value::String(json_type_name(leaf)),
    }
}

fn struct_type(fields: &Fields) -> Value {
    json!({
        "type": "struct",
        "fields": fields.iter().map(|f| field_json(f)).collect::<Vec<_>>(),
    })
}

fn field_json(f: &Field) -> Value {
    // An ANSI interval's fields are in the field's metadata (`interval day`).
    let data_type = match interval_fields(f) {
        "" => to_json(f.data_type()),
        _ => Value::String(spark_field_type_name(f)),
    };
    json!({
        "name": f.name(),
        "type": data_type,
        "nullable": f.is_nullable(),
        "metadata": {},
    })
}

/// Spark's `StructType.json` for a schema.
pub fn schema_to_json(schema: &Schema) -> Value {
    struct_type(schema.fields())
}

/// The Arrow type of a Spark type given as its JSON (`"integer"`, `{"type":"array",…}`, …).
///
/// Errors on malformed type objects (an array without `elementType`, a decimal with a precision
/// above 38); unknown type names map to `Utf8` (see the module's table).
pub fn from_json(spark_type: &Value) -> Result<DataType> {
    match spark_type {
        Value::String(name) => simple_type(name),
        Value::Object(obj) => {
            let kind = obj.get("type").and_then(Value::as_str).unwrap_or("");
            match kind {
                "array" => {
                    let element = from_json(required(obj, "elementType")?)?;
                    let contains_null = bool_or(obj, "containsNull", true);
                    Ok(DataType::List(Arc::new(Field::new(
                        "element",
                        element,
                        contains_null,
                    ))))
                }
                "map" => {
                    let key = from_json(required(obj, "keyType")?)?;
                    let value = from_json(required(obj, "valueType")?)?;
                    let value_nullable = bool_or(obj, "valueContainsNull", true);
                    let entries = Field::new(
                        "entries",
                        DataType::Struct(Fields::from(vec![
                            Field::new("key", key, false),
                            Field::new("value", value, value_nullable),
                        ])),
                        false,
                    );
                    Ok(DataType::Map(Arc::new(entries), false))
                }
                "struct" => Ok(DataType::Struct(struct_fields(obj)?)),
                // A user-defined type: its SQL type carries the data.
                "udt" => match obj.get("sqlType") {
                    Some(sql_type) => from_json(sql_type),
                    None => Ok(DataType::Utf8),
                },
                _ => Ok(DataType::Utf8),
            }
        }
        other => Err(Error::malformed(format!(
            "a type must be a string or an object, not {other}"
        ))),
    }
}

fn required<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a Value> {
    obj.get(key)
        .ok_or_else(|| Error::malformed(format!("type object without {key:?}: {obj:?}")))
}

fn bool_or(obj: &Map<String, Value>, key: &str, default: bool) -> bool {
    obj.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn simple_type(name: &str) -> Result<DataType> {
    let lower = name.trim().to_ascii_lowercase();
    Ok(match lower.as_str() {
        "null" | "void" => DataType::Null,
        "boolean" => DataType::Boolean,
        "byte" | "tinyint" => DataType::Int8,
        "short" | "smallint" => DataType::Int16,
        "integer" | "int" => DataType::Int32,
        "long" | "bigint" => DataType::Int64,
        "float" | "real" => DataType::Float32,
        "double" => DataType::Float64,
        "string" => DataType::Utf8,
        "binary" => DataType::Binary,
        "date" => DataType::Date32,
        "timestamp" | "timestamp_ltz" => {
            DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into()))
        }
        "timestamp_ntz" => DataType::Timestamp(TimeUnit::Microsecond, None),
        "decimal" => DataType::Decimal128(10, 0),
        s if s.starts_with("decimal(") && s.ends_with(')') => {
            let inner = &s["decimal(".len()..s.len() - 1];
            let (p, sc) = inner
                .split_once(',')
                .ok_or_else(|| Error::malformed(format!("bad decimal type {name:?}")))?;
            let p: u8 = p
                .trim()
                .parse()
                .map_err(|_| Error::malformed(format!("bad decimal precision in {name:?}")))?;
            let sc: i8 = sc
                .trim()
                .parse()
                .map_err(|_| Error::malformed(format!("bad decimal scale in {name:?}")))?;
            if p == 0 || p > 38 || sc < 0 || sc as u8 > p {
                return Err(Error::malformed(format!(
                    "decimal type {name:?} is out of range"
                )));
            }
            DataType::Decimal128(p, sc)
        }
        s if s.starts_with("char(") || s.starts_with("varchar(") => DataType::Utf8,
        _ => {
            // An interval, `variant`, a newer type: its values travel as JSON text.
            DataType::Utf8
        }
    })
}

fn struct_fields(obj: &Map<String, Value>) -> Result<Fields> {
    let fields = required(obj, "fields")?
        .as_array()
        .ok_or_else(|| Error::malformed("struct \"fields\" is not a list"))?;
    let mut out = Vec::with_capacity(fields.len());
    for (i, field) in fields.iter().enumerate() {
        let name = field
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::malformed(format!("field {i} has no name")))?;
        let ty = field
            .get("type")
            .ok_or_else(|| Error::malformed(format!("field {name:?} has no type")))?;
        let nullable = field
            .get("nullable")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        out.push(Field::new(name, from_json(ty)?, nullable));
    }
    Ok(Fields::from(out))
}

/// The Arrow schema of a Spark `StructType` JSON (`{"type":"struct","fields":[…]}`).
pub fn schema_from_json(schema: &Value) -> Result<Schema> {
    let obj = schema
        .as_object()
        .ok_or_else(|| Error::malformed("the schema is not an object"))?;
    Ok(Schema::new(struct_fields(obj)?))
}
