//! Spark-like schema builder (`StructType`, `StructField`, `DataType`) that lowers to an Arrow
//! [`Schema`].
//!
//! See [`DataType`] for the mapping from Spark's type names to Arrow.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType as ArrowType, Field, Schema, SchemaRef, TimeUnit};

/// A Spark SQL column type and the Arrow type it is stored as:
///
/// | Spark            | Ember                    | Arrow                              |
/// |------------------|--------------------------|------------------------------------|
/// | `FloatType`      | [`DataType::Float`]      | `Float32`                          |
/// | `DoubleType`     | [`DataType::Double`]     | `Float64`                          |
/// | `IntegerType`    | [`DataType::Integer`]    | `Int32`                            |
/// | `LongType`       | [`DataType::Long`]       | `Int64`                            |
/// | `StringType`     | [`DataType::String`]     | `Utf8`                             |
/// | `BooleanType`    | [`DataType::Boolean`]    | `Boolean`                          |
/// | `TimestampType`  | [`DataType::Timestamp`]  | `Timestamp(Microsecond, None)`     |
/// | `DateType`       | [`DataType::Date`]       | `Date32`                           |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataType {
    /// 32-bit float (Spark `FloatType`).
    Float,
    /// 64-bit float (Spark `DoubleType`).
    Double,
    /// 32-bit signed integer (Spark `IntegerType`).
    Integer,
    /// 64-bit signed integer (Spark `LongType`).
    Long,
    /// UTF-8 string (Spark `StringType`).
    String,
    /// Boolean (Spark `BooleanType`).
    Boolean,
    /// Microseconds since the Unix epoch, no time zone (Spark `TimestampType`, stored like
    /// `TimestampNTZType`).
    Timestamp,
    /// Days since the Unix epoch (Spark `DateType`).
    Date,
}

impl DataType {
    /// The Arrow type this Spark type is stored as.
    pub fn to_arrow(self) -> ArrowType {
        match self {
            DataType::Float => ArrowType::Float32,
            DataType::Double => ArrowType::Float64,
            DataType::Integer => ArrowType::Int32,
            DataType::Long => ArrowType::Int64,
            DataType::String => ArrowType::Utf8,
            DataType::Boolean => ArrowType::Boolean,
            DataType::Timestamp => ArrowType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Date => ArrowType::Date32,
        }
    }
}

/// One column of a [`StructType`]: name, type and whether nulls are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StructField {
    name: String,
    data_type: DataType,
    nullable: bool,
}

impl StructField {
    /// A field, like Spark's `StructField(name, dataType, nullable)`.
    pub fn new(name: impl Into<String>, data_type: DataType, nullable: bool) -> Self {
        Self {
            name: name.into(),
            data_type,
            nullable,
        }
    }

    /// The column name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column type.
    pub fn data_type(&self) -> DataType {
        self.data_type
    }

    /// Whether the column may hold nulls.
    pub fn nullable(&self) -> bool {
        self.nullable
    }

    /// The Arrow field.
    pub fn to_arrow(&self) -> Field {
        Field::new(&self.name, self.data_type.to_arrow(), self.nullable)
    }
}

/// A row schema, like Spark's `StructType([...])`.
///
/// ```
/// use ember_sql::{DataType, StructType};
///
/// let schema = StructType::new().add("value", DataType::Float, true);
/// assert_eq!(schema.fields()[0].name(), "value");
/// assert_eq!(schema.to_arrow().field(0).data_type(), &DataType::Float.to_arrow());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StructType {
    fields: Vec<StructField>,
}

impl StructType {
    /// An empty schema; add fields with [`StructType::add`] or [`StructType::field`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a field built from its parts (Spark's `StructType.add(name, type, nullable)`).
    #[must_use]
    pub fn add(mut self, name: impl Into<String>, data_type: DataType, nullable: bool) -> Self {
        self.fields
            .push(StructField::new(name, data_type, nullable));
        self
    }

    /// Appends a field.
    #[must_use]
    pub fn field(mut self, field: StructField) -> Self {
        self.fields.push(field);
        self
    }

    /// The fields, in order.
    pub fn fields(&self) -> &[StructField] {
        &self.fields
    }

    /// The Arrow schema.
    pub fn to_arrow(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.fields
                .iter()
                .map(StructField::to_arrow)
                .collect::<Vec<_>>(),
        ))
    }
}

impl FromIterator<StructField> for StructType {
    fn from_iter<I: IntoIterator<Item = StructField>>(iter: I) -> Self {
        Self {
            fields: iter.into_iter().collect(),
        }
    }
}

/// Anything that describes a row schema: a [`StructType`], an Arrow [`Schema`] or [`SchemaRef`].
pub trait IntoSchema {
    /// The Arrow schema.
    fn into_schema(self) -> SchemaRef;
}

impl IntoSchema for StructType {
    fn into_schema(self) -> SchemaRef {
        self.to_arrow()
    }
}

impl IntoSchema for &StructType {
    fn into_schema(self) -> SchemaRef {
        self.to_arrow()
    }
}

impl IntoSchema for Schema {
    fn into_schema(self) -> SchemaRef {
        Arc::new(self)
    }
}

impl IntoSchema for SchemaRef {
    fn into_schema(self) -> SchemaRef {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_schema_lowers_to_nullable_float32() {
        let schema = StructType::new()
            .add("value", DataType::Float, true)
            .to_arrow();
        assert_eq!(schema.fields().len(), 1);
        let field = schema.field(0);
        assert_eq!(field.name(), "value");
        assert_eq!(field.data_type(), &ArrowType::Float32);
        assert!(field.is_nullable());
    }

    #[test]
    fn every_type_has_an_arrow_type() {
        let all = [
            DataType::Float,
            DataType::Double,
            DataType::Integer,
            DataType::Long,
            DataType::String,
            DataType::Boolean,
            DataType::Timestamp,
            DataType::Date,
        ];
        let schema: StructType = all
            .iter()
            .enumerate()
            .map(|(i, t)| StructField::new(format!("c{i}"), *t, false))
            .collect();
        let arrow = schema.to_arrow();
        assert_eq!(
            arrow.field(6).data_type(),
            &ArrowType::Timestamp(TimeUnit::Microsecond, None)
        );
        assert_eq!(arrow.field(7).data_type(), &ArrowType::Date32);
        assert!(!arrow.field(0).is_nullable());
    }
}
