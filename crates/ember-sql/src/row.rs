//! Rows: how RDD elements become Arrow record batches and back.
//!
//! An RDD element is anything that implements [`IntoRow`]: tuples of up to 8 values
//! (`(f64,)`, `(String, i64, Option<bool>)`, ...), a [`Row`], or a `Vec<Value>`. Each value
//! implements [`IntoValue`]; `Option<T>` is a nullable value.
//!
//! Conversion rules (Spark's `verifySchema`, slightly more lenient):
//! - exact matches are stored as is;
//! - integers widen to `Long`, `Float` and `Double`; `Double` narrows to `Float` (Spark does the same
//!   when a Python `float` meets `FloatType`); a `Long` fits `Integer` only when it is in range;
//! - anything else (a string in a numeric column, a null in a non-nullable column, a row with the
//!   wrong number of values) is an [`Error::SchemaMismatch`](crate::Error::SchemaMismatch) naming the
//!   row and column. Conversion never panics.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanBuilder, Date32Builder, Float32Builder, Float64Builder,
    Int32Builder, Int64Builder, RecordBatch, StringBuilder, TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{
    DataType as ArrowType, Date32Type, Date64Type, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, SchemaRef, TimeUnit, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type,
    UInt32Type,
};

use crate::{Error, Result};

/// One value of a [`Row`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// SQL `NULL`.
    Null,
    /// `BooleanType`.
    Boolean(bool),
    /// `IntegerType`.
    Integer(i32),
    /// `LongType`.
    Long(i64),
    /// `FloatType`.
    Float(f32),
    /// `DoubleType`.
    Double(f64),
    /// `StringType`.
    String(String),
    /// `TimestampType`: microseconds since the Unix epoch.
    Timestamp(i64),
    /// `DateType`: days since the Unix epoch.
    Date(i32),
}

impl Value {
    fn describe(&self) -> String {
        match self {
            Value::Null => "null".to_owned(),
            Value::Boolean(b) => format!("boolean {b}"),
            Value::Integer(i) => format!("integer {i}"),
            Value::Long(l) => format!("long {l}"),
            Value::Float(f) => format!("float {f}"),
            Value::Double(d) => format!("double {d}"),
            Value::String(s) => format!("string {s:?}"),
            Value::Timestamp(t) => format!("timestamp {t}us"),
            Value::Date(d) => format!("date {d}d"),
        }
    }

    /// The value as `f64` if it is numeric.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Integer(i) => Some(f64::from(i)),
            #[allow(clippy::cast_precision_loss)]
            Value::Long(l) => Some(l as f64),
            Value::Float(f) => Some(f64::from(f)),
            Value::Double(d) => Some(d),
            _ => None,
        }
    }

    /// The value as `i64` if it is an integer.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Integer(i) => Some(i64::from(i)),
            Value::Long(l) => Some(l),
            _ => None,
        }
    }

    /// The string, if this is a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A Rust value that can be stored in a DataFrame column.
pub trait IntoValue {
    /// The value as a [`Value`].
    fn into_value(self) -> Value;
}

macro_rules! into_value {
    ($($t:ty => $variant:ident),* $(,)?) => {$(
        impl IntoValue for $t {
            fn into_value(self) -> Value { Value::$variant(self.into()) }
        }
        impl From<$t> for Value {
            fn from(v: $t) -> Value { Value::$variant(v.into()) }
        }
    )*};
}
into_value!(bool => Boolean, i32 => Integer, i64 => Long, f32 => Float, f64 => Double, String => String, &str => String);

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, IntoValue::into_value)
    }
}

/// A row of values, the element type of [`DataFrame::rdd`](crate::DataFrame::rdd).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row(Vec<Value>);

impl Row {
    /// A row of the given values.
    pub fn new(values: Vec<Value>) -> Self {
        Self(values)
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.0
    }

    /// The value of column `index`, if the row is that wide.
    pub fn get(&self, index: usize) -> Option<&Value> {
        self.0.get(index)
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the row has no values.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The values, by value.
    pub fn into_values(self) -> Vec<Value> {
        self.0
    }
}

impl From<Vec<Value>> for Row {
    fn from(values: Vec<Value>) -> Self {
        Self(values)
    }
}

/// A failed conversion: which column, and what went wrong.
#[derive(Debug)]
pub(crate) struct ValueError {
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// Receives the values of one row, in column order. See [`IntoRow`].
#[derive(Debug)]
pub struct RowWriter<'a> {
    columns: &'a mut [ColumnBuilder],
    next: usize,
}

impl RowWriter<'_> {
    /// Appends the next value of the row.
    ///
    /// Fails (without panicking) if the row is wider than the schema or the value does not fit
    /// the column's type.
    #[allow(private_interfaces)]
    pub fn push(&mut self, value: impl IntoValue) -> Result<(), RowWriteError> {
        let column = self.next;
        let Some(builder) = self.columns.get_mut(column) else {
            return Err(RowWriteError(ValueError {
                column,
                message: format!(
                    "row has more values than the schema's {} columns",
                    self.columns.len()
                ),
            }));
        };
        self.next += 1;
        builder
            .append(value.into_value())
            .map_err(|message| RowWriteError(ValueError { column, message }))
    }
}

/// Error returned by [`RowWriter::push`]; propagate it with `?`.
#[derive(Debug)]
pub struct RowWriteError(pub(crate) ValueError);

impl std::fmt::Display for RowWriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.0.column, self.0.message)
    }
}

impl std::error::Error for RowWriteError {}

/// An RDD element that can be turned into a DataFrame row.
///
/// Implemented for tuples of 1 to 8 [`IntoValue`]s, [`Row`] and `Vec<Value>`. Implement it for
/// your own structs by pushing each field in schema order:
///
/// ```
/// use ember_sql::{DataType, IntoRow, RowWriteError, RowWriter, Session, StructType};
///
/// #[derive(Clone)]
/// struct Person {
///     name: String,
///     age: i64,
/// }
///
/// impl IntoRow for Person {
///     fn write_row(self, w: &mut RowWriter<'_>) -> Result<(), RowWriteError> {
///         w.push(self.name)?;
///         w.push(self.age)
///     }
/// }
///
/// let spark = Session::builder().master("local[1]").get_or_create()?;
/// let people = vec![Person { name: "Ann".into(), age: 34 }];
/// let rdd = spark.context().parallelize(people, 1)?;
/// let schema = StructType::new()
///     .add("name", DataType::String, false)
///     .add("age", DataType::Long, false);
/// assert_eq!(spark.create_dataframe(&rdd, schema)?.count()?, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait IntoRow: ember_rdd::Data {
    /// Pushes the row's values into `writer`, in column order.
    fn write_row(self, writer: &mut RowWriter<'_>) -> Result<(), RowWriteError>;
}

macro_rules! tuple_into_row {
    ($($name:ident : $idx:tt),+) => {
        impl<$($name: IntoValue + ember_rdd::Data),+> IntoRow for ($($name,)+) {
            fn write_row(self, writer: &mut RowWriter<'_>) -> Result<(), RowWriteError> {
                $(writer.push(self.$idx)?;)+
                Ok(())
            }
        }
    };
}
tuple_into_row!(A: 0);
tuple_into_row!(A: 0, B: 1);
tuple_into_row!(A: 0, B: 1, C: 2);
tuple_into_row!(A: 0, B: 1, C: 2, D: 3);
tuple_into_row!(A: 0, B: 1, C: 2, D: 3, E: 4);
tuple_into_row!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5);
tuple_into_row!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6);
tuple_into_row!(A: 0, B: 1, C: 2, D: 3, E: 4, F: 5, G: 6, H: 7);

impl IntoRow for Row {
    fn write_row(self, writer: &mut RowWriter<'_>) -> Result<(), RowWriteError> {
        self.0.write_row(writer)
    }
}

impl IntoRow for Vec<Value> {
    fn write_row(self, writer: &mut RowWriter<'_>) -> Result<(), RowWriteError> {
        for v in self {
            writer.push(v)?;
        }
        Ok(())
    }
}

/// An Arrow builder for one column of a schema supported by [`IntoRow`] conversion.
#[derive(Debug)]
pub(crate) enum ColumnBuilder {
    Float32(Float32Builder, bool),
    Float64(Float64Builder, bool),
    Int32(Int32Builder, bool),
    Int64(Int64Builder, bool),
    Utf8(StringBuilder, bool),
    Boolean(BooleanBuilder, bool),
    Timestamp(TimestampMicrosecondBuilder, bool),
    Date32(Date32Builder, bool),
}

impl ColumnBuilder {
    pub(crate) fn new(data_type: &ArrowType, nullable: bool, capacity: usize) -> Option<Self> {
        Some(match data_type {
            ArrowType::Float32 => Self::Float32(Float32Builder::with_capacity(capacity), nullable),
            ArrowType::Float64 => Self::Float64(Float64Builder::with_capacity(capacity), nullable),
            ArrowType::Int32 => Self::Int32(Int32Builder::with_capacity(capacity), nullable),
            ArrowType::Int64 => Self::Int64(Int64Builder::with_capacity(capacity), nullable),
            ArrowType::Utf8 => Self::Utf8(
                StringBuilder::with_capacity(capacity, capacity * 8),
                nullable,
            ),
            ArrowType::Boolean => Self::Boolean(BooleanBuilder::with_capacity(capacity), nullable),
            ArrowType::Timestamp(TimeUnit::Microsecond, zone) => Self::Timestamp(
                TimestampMicrosecondBuilder::with_capacity(capacity)
                    .with_timezone_opt(zone.clone()),
                nullable,
            ),
            ArrowType::Date32 => Self::Date32(Date32Builder::with_capacity(capacity), nullable),
            _ => return None,
        })
    }

    fn append(&mut self, value: Value) -> Result<(), String> {
        if let Value::Null = value {
            return self.append_null();
        }
        let mismatch = |v: &Value| Err(format!("cannot store {}", v.describe()));
        match self {
            Self::Float32(b, _) => match value {
                Value::Float(f) => b.append_value(f),
                #[allow(clippy::cast_possible_truncation)]
                Value::Double(d) => b.append_value(d as f32),
                #[allow(clippy::cast_precision_loss)]
                Value::Integer(i) => b.append_value(i as f32),
                #[allow(clippy::cast_precision_loss)]
                Value::Long(l) => b.append_value(l as f32),
                v => return mismatch(&v),
            },
            Self::Float64(b, _) => match value.as_f64() {
                Some(d) => b.append_value(d),
                None => return mismatch(&value),
            },
            Self::Int32(b, _) => match value {
                Value::Integer(i) => b.append_value(i),
                Value::Long(l) => match i32::try_from(l) {
                    Ok(i) => b.append_value(i),
                    Err(_) => {
                        return Err(format!("long {l} is out of range for an integer column"));
                    }
                },
                v => return mismatch(&v),
            },
            Self::Int64(b, _) => match value.as_i64() {
                Some(l) => b.append_value(l),
                None => return mismatch(&value),
            },
            Self::Utf8(b, _) => match value {
                Value::String(s) => b.append_value(s),
                v => return mismatch(&v),
            },
            Self::Boolean(b, _) => match value {
                Value::Boolean(x) => b.append_value(x),
                v => return mismatch(&v),
            },
            Self::Timestamp(b, _) => match value {
                Value::Timestamp(t) => b.append_value(t),
                v => return mismatch(&v),
            },
            Self::Date32(b, _) => match value {
                Value::Date(d) => b.append_value(d),
                v => return mismatch(&v),
            },
        }
        Ok(())
    }

    fn append_null(&mut self) -> Result<(), String> {
        let nullable = match self {
            Self::Float32(_, n)
            | Self::Float64(_, n)
            | Self::Int32(_, n)
            | Self::Int64(_, n)
            | Self::Utf8(_, n)
            | Self::Boolean(_, n)
            | Self::Timestamp(_, n)
            | Self::Date32(_, n) => *n,
        };
        if !nullable {
            return Err("the column is not nullable, but got null".to_owned());
        }
        match self {
            Self::Float32(b, _) => b.append_null(),
            Self::Float64(b, _) => b.append_null(),
            Self::Int32(b, _) => b.append_null(),
            Self::Int64(b, _) => b.append_null(),
            Self::Utf8(b, _) => b.append_null(),
            Self::Boolean(b, _) => b.append_null(),
            Self::Timestamp(b, _) => b.append_null(),
            Self::Date32(b, _) => b.append_null(),
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Float32(b, _) => Arc::new(b.finish()),
            Self::Float64(b, _) => Arc::new(b.finish()),
            Self::Int32(b, _) => Arc::new(b.finish()),
            Self::Int64(b, _) => Arc::new(b.finish()),
            Self::Utf8(b, _) => Arc::new(b.finish()),
            Self::Boolean(b, _) => Arc::new(b.finish()),
            Self::Timestamp(b, _) => Arc::new(b.finish()),
            Self::Date32(b, _) => Arc::new(b.finish()),
        }
    }
}

/// Checks that every field of `schema` can be built from rows.
pub(crate) fn check_row_schema(schema: &SchemaRef) -> Result<()> {
    for field in schema.fields() {
        if ColumnBuilder::new(field.data_type(), true, 0).is_none() {
            return Err(Error::InvalidArgument {
                message: format!(
                    "column `{}` has Arrow type {}, which RDD rows cannot be converted to \
                     (supported: Float32, Float64, Int32, Int64, Utf8, Boolean, \
                     Timestamp(Microsecond, any zone or none), Date32)",
                    field.name(),
                    field.data_type()
                ),
            });
        }
    }
    Ok(())
}

/// A row that failed to convert, by index within its partition.
#[derive(Debug, Clone)]
pub(crate) struct PartitionError {
    pub(crate) row: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

/// Converts one partition's rows into record batches of at most `batch_rows` rows.
///
/// Returns the batches and the number of rows, or the first row that does not fit.
pub(crate) fn rows_to_batches<T: IntoRow>(
    schema: &SchemaRef,
    rows: impl Iterator<Item = T>,
    batch_rows: usize,
) -> Result<Vec<RecordBatch>, PartitionError> {
    let batch_rows = batch_rows.max(1);
    let (lower, _) = rows.size_hint();
    let capacity = lower.clamp(1, batch_rows);
    let fail = |row, column, message| PartitionError {
        row,
        column,
        message,
    };
    let new_builders = |capacity: usize| -> Result<Vec<ColumnBuilder>, PartitionError> {
        schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                ColumnBuilder::new(f.data_type(), f.is_nullable(), capacity)
                    .ok_or_else(|| fail(0, i, format!("unsupported type {}", f.data_type())))
            })
            .collect()
    };
    let finish = |builders: &mut Vec<ColumnBuilder>, row: usize| {
        let columns: Vec<ArrayRef> = builders.iter_mut().map(ColumnBuilder::finish).collect();
        RecordBatch::try_new(Arc::clone(schema), columns).map_err(|e| fail(row, 0, e.to_string()))
    };
    let mut builders = new_builders(capacity)?;
    let mut batches = Vec::new();
    let mut in_batch = 0usize;
    let mut row_index = 0usize;
    for row in rows {
        let mut writer = RowWriter {
            columns: &mut builders,
            next: 0,
        };
        row.write_row(&mut writer)
            .map_err(|RowWriteError(e)| fail(row_index, e.column, e.message))?;
        if writer.next != writer.columns.len() {
            let written = writer.next;
            return Err(fail(
                row_index,
                written,
                format!(
                    "row has {written} values but the schema has {} columns",
                    writer.columns.len()
                ),
            ));
        }
        row_index += 1;
        in_batch += 1;
        if in_batch == batch_rows {
            batches.push(finish(&mut builders, row_index)?);
            in_batch = 0;
        }
    }
    if in_batch > 0 || batches.is_empty() {
        batches.push(finish(&mut builders, row_index)?);
    }
    Ok(batches)
}

/// Converts a record batch back to rows.
pub(crate) fn batch_to_rows(batch: &RecordBatch) -> Result<Vec<Row>> {
    let mut rows: Vec<Vec<Value>> = (0..batch.num_rows())
        .map(|_| Vec::with_capacity(batch.num_columns()))
        .collect();
    for (field, column) in batch.schema().fields().iter().zip(batch.columns()) {
        let values = column_values(column).ok_or_else(|| Error::InvalidArgument {
            message: format!(
                "column `{}` has Arrow type {}, which has no Row value",
                field.name(),
                field.data_type()
            ),
        })?;
        for (row, value) in rows.iter_mut().zip(values) {
            row.push(value);
        }
    }
    Ok(rows.into_iter().map(Row).collect())
}

fn column_values(a: &ArrayRef) -> Option<Vec<Value>> {
    fn collect<T>(
        a: &dyn Array,
        get: impl Fn(usize) -> T,
        wrap: impl Fn(T) -> Value,
    ) -> Vec<Value> {
        (0..a.len())
            .map(|i| {
                if a.is_null(i) {
                    Value::Null
                } else {
                    wrap(get(i))
                }
            })
            .collect()
    }
    let a = a.as_ref();
    Some(match a.data_type() {
        ArrowType::Boolean => collect(a, |i| a.as_boolean().value(i), Value::Boolean),
        ArrowType::Int8 => collect(
            a,
            |i| a.as_primitive::<Int8Type>().value(i),
            |v| Value::Integer(v.into()),
        ),
        ArrowType::Int16 => collect(
            a,
            |i| a.as_primitive::<Int16Type>().value(i),
            |v| Value::Integer(v.into()),
        ),
        ArrowType::Int32 => collect(
            a,
            |i| a.as_primitive::<Int32Type>().value(i),
            Value::Integer,
        ),
        ArrowType::Int64 => collect(a, |i| a.as_primitive::<Int64Type>().value(i), Value::Long),
        ArrowType::UInt8 => collect(
            a,
            |i| a.as_primitive::<UInt8Type>().value(i),
            |v| Value::Integer(v.into()),
        ),
        ArrowType::UInt16 => collect(
            a,
            |i| a.as_primitive::<UInt16Type>().value(i),
            |v| Value::Integer(v.into()),
        ),
        ArrowType::UInt32 => collect(
            a,
            |i| a.as_primitive::<UInt32Type>().value(i),
            |v| Value::Long(v.into()),
        ),
        ArrowType::Float16 => collect(
            a,
            |i| a.as_primitive::<Float16Type>().value(i),
            |v| Value::Float(v.to_f32()),
        ),
        ArrowType::Float32 => collect(
            a,
            |i| a.as_primitive::<Float32Type>().value(i),
            Value::Float,
        ),
        ArrowType::Float64 => collect(
            a,
            |i| a.as_primitive::<Float64Type>().value(i),
            Value::Double,
        ),
        ArrowType::Utf8 => collect(
            a,
            |i| a.as_string::<i32>().value(i).to_owned(),
            Value::String,
        ),
        ArrowType::LargeUtf8 => collect(
            a,
            |i| a.as_string::<i64>().value(i).to_owned(),
            Value::String,
        ),
        ArrowType::Utf8View => {
            collect(a, |i| a.as_string_view().value(i).to_owned(), Value::String)
        }
        ArrowType::Date32 => collect(a, |i| a.as_primitive::<Date32Type>().value(i), Value::Date),
        ArrowType::Date64 => collect(
            a,
            |i| a.as_primitive::<Date64Type>().value(i) / 86_400_000,
            |d| Value::Date(i32::try_from(d).unwrap_or(i32::MAX)),
        ),
        ArrowType::Timestamp(unit, _) => match unit {
            TimeUnit::Second => collect(
                a,
                |i| a.as_primitive::<TimestampSecondType>().value(i) * 1_000_000,
                Value::Timestamp,
            ),
            TimeUnit::Millisecond => collect(
                a,
                |i| a.as_primitive::<TimestampMillisecondType>().value(i) * 1_000,
                Value::Timestamp,
            ),
            TimeUnit::Microsecond => collect(
                a,
                |i| a.as_primitive::<TimestampMicrosecondType>().value(i),
                Value::Timestamp,
            ),
            TimeUnit::Nanosecond => collect(
                a,
                |i| a.as_primitive::<TimestampNanosecondType>().value(i) / 1_000,
                Value::Timestamp,
            ),
        },
        ArrowType::Null => vec![Value::Null; a.len()],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{DataType, StructType};

    #[test]
    fn tuples_become_batches_split_at_batch_rows() {
        let schema = StructType::new()
            .add("name", DataType::String, false)
            .add("age", DataType::Integer, true)
            .to_arrow();
        let rows = vec![("a", Some(1)), ("b", None), ("c", Some(3))];
        let batches = rows_to_batches(&schema, rows.into_iter(), 2).unwrap();
        assert_eq!(
            batches
                .iter()
                .map(RecordBatch::num_rows)
                .collect::<Vec<_>>(),
            vec![2, 1]
        );
        assert_eq!(batches[0].column(1).null_count(), 1);
        let back = batch_to_rows(&batches[0]).unwrap();
        assert_eq!(back[1].values(), &[Value::String("b".into()), Value::Null]);
    }

    #[test]
    fn mismatches_name_row_and_column() {
        let schema = StructType::new()
            .add("x", DataType::Integer, false)
            .add("y", DataType::Double, false)
            .to_arrow();
        let rows = vec![
            Row::new(vec![Value::Integer(1), Value::Double(1.0)]),
            Row::new(vec![Value::Integer(2), Value::String("oops".into())]),
        ];
        let err = rows_to_batches(&schema, rows.into_iter(), 10).unwrap_err();
        assert_eq!((err.row, err.column), (1, 1));
        assert!(err.message.contains("oops"), "{}", err.message);

        let err =
            rows_to_batches(&schema, vec![(Some(1), None::<f64>)].into_iter(), 10).unwrap_err();
        assert_eq!((err.row, err.column), (0, 1));
        assert!(err.message.contains("not nullable"));

        let err = rows_to_batches(&schema, vec![(1,)].into_iter(), 10).unwrap_err();
        assert!(err.message.contains("1 values"), "{}", err.message);

        let err = rows_to_batches(&schema, vec![(1, 2.0, 3)].into_iter(), 10).unwrap_err();
        assert_eq!(err.column, 2);

        let err = rows_to_batches(&schema, vec![(i64::MAX, 2.0)].into_iter(), 10).unwrap_err();
        assert!(err.message.contains("out of range"));
    }

    #[test]
    fn doubles_narrow_to_float_like_pyspark() {
        let schema = StructType::new()
            .add("value", DataType::Float, true)
            .to_arrow();
        let batches = rows_to_batches(&schema, vec![(4.5f64,)].into_iter(), 10).unwrap();
        assert_eq!(
            batches[0].column(0).as_primitive::<Float32Type>().value(0),
            4.5
        );
    }
}
