//! Spark-like schema builder (`StructType`, `StructField`, `DataType`) that lowers to an Arrow
//! [`Schema`].
//!
//! See [`DataType`] for the mapping from Spark's type names to Arrow.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType as ArrowType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::common::{DataFusionError, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
/// Spark's name of an Arrow type (`ember-types`, the one codec of Spark's types).
pub use ember_types::spark_type_name;

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
/// | `TimestampType`  | [`DataType::Timestamp`]  | `Timestamp(Microsecond, "UTC")`    |
/// | `TimestampNTZType` | [`DataType::TimestampNtz`] | `Timestamp(Microsecond, None)`   |
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
    /// An instant: microseconds since the Unix epoch, zoned UTC (Spark `TimestampType`).
    Timestamp,
    /// A wall-clock date and time: microseconds, no time zone (Spark `TimestampNTZType`).
    TimestampNtz,
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
            DataType::Timestamp => ArrowType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            DataType::TimestampNtz => ArrowType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Date => ArrowType::Date32,
        }
    }
}

/// Spark's `StructType.treeString`, which `printSchema()` prints: one line per field,
/// nested fields indented below their parent.
pub(crate) fn tree_string(schema: &Schema) -> String {
    fn node(out: &mut String, depth: usize, name: &str, data_type: &ArrowType, note: &str) {
        let indent = " |   ".repeat(depth);
        let nested = match data_type {
            ArrowType::List(_)
            | ArrowType::LargeList(_)
            | ArrowType::ListView(_)
            | ArrowType::LargeListView(_)
            | ArrowType::FixedSizeList(..) => "array".to_owned(),
            ArrowType::Map(..) => "map".to_owned(),
            ArrowType::Struct(_) => "struct".to_owned(),
            other => ember_types::json_type_name(other),
        };
        out.push_str(&format!("{indent} |-- {name}: {nested}{note}\n"));
        match data_type {
            ArrowType::List(f)
            | ArrowType::LargeList(f)
            | ArrowType::ListView(f)
            | ArrowType::LargeListView(f)
            | ArrowType::FixedSizeList(f, _) => node(
                out,
                depth + 1,
                "element",
                f.data_type(),
                &format!(" (containsNull = {})", f.is_nullable()),
            ),
            ArrowType::Map(entries, _) => {
                if let ArrowType::Struct(kv) = entries.data_type()
                    && kv.len() == 2
                {
                    node(out, depth + 1, "key", kv[0].data_type(), "");
                    node(
                        out,
                        depth + 1,
                        "value",
                        kv[1].data_type(),
                        &format!(" (valueContainsNull = {})", kv[1].is_nullable()),
                    );
                }
            }
            ArrowType::Struct(fields) => {
                for f in fields {
                    node(
                        out,
                        depth + 1,
                        f.name(),
                        f.data_type(),
                        &format!(" (nullable = {})", f.is_nullable()),
                    );
                }
            }
            _ => {}
        }
    }
    let mut out = String::from("root\n");
    for f in schema.fields() {
        node(
            &mut out,
            0,
            f.name(),
            f.data_type(),
            &format!(" (nullable = {})", f.is_nullable()),
        );
    }
    out
}

/// Spark's SQL types where DataFusion's differ: `TIMESTAMP` (and `TIMESTAMP_LTZ`) is Spark's
/// `TimestampType`, microseconds in the session time zone (`spark.sql.session.timeZone`, UTC by
/// default), so `TIMESTAMP '2024-03-15 10:20:30'` and `CAST(s AS TIMESTAMP)` read their text in
/// that zone; `TIMESTAMP_NTZ` is `TimestampNTZType`, microseconds with no zone. DataFusion's
/// `TIMESTAMP` is nanoseconds with no zone.
#[derive(Debug)]
pub(crate) struct SparkSqlTypes {
    pub(crate) time_zone: Arc<str>,
}

impl datafusion::logical_expr::planner::TypePlanner for SparkSqlTypes {
    fn plan_type_field(
        &self,
        sql_type: &datafusion::sql::sqlparser::ast::DataType,
    ) -> datafusion::error::Result<Option<datafusion::arrow::datatypes::FieldRef>> {
        use datafusion::sql::sqlparser::ast::{DataType as SqlType, ExactNumberInfo, TimezoneInfo};
        let zoned =
            || ArrowType::Timestamp(TimeUnit::Microsecond, Some(Arc::clone(&self.time_zone)));
        let planned = match sql_type {
            SqlType::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithTimeZone) => zoned(),
            SqlType::Timestamp(_, TimezoneInfo::WithoutTimeZone) | SqlType::TimestampNtz(_) => {
                ArrowType::Timestamp(TimeUnit::Microsecond, None)
            }
            // Spark's `BINARY` (DataFusion's planner knows only `BYTEA`).
            SqlType::Binary(None) => ArrowType::Binary,
            // Spark's `DECIMAL` without digits is `DECIMAL(10, 0)` (DataFusion's planner gave
            // `DECIMAL(38, 10)`: `CAST('1.5' AS DECIMAL)` was 1.5, Spark's is 2), and `DEC` is
            // `DECIMAL` (refused by DataFusion's planner).
            SqlType::Decimal(ExactNumberInfo::None)
            | SqlType::Numeric(ExactNumberInfo::None)
            | SqlType::Dec(ExactNumberInfo::None) => ArrowType::Decimal128(10, 0),
            SqlType::Dec(ExactNumberInfo::Precision(p)) => {
                ArrowType::Decimal128(decimal_digits(*p)?, 0)
            }
            SqlType::Dec(ExactNumberInfo::PrecisionAndScale(p, s)) => {
                let scale = i8::try_from(*s)
                    .ok()
                    .filter(|&s| u64::from(s.unsigned_abs()) <= *p);
                match scale {
                    Some(scale) => ArrowType::Decimal128(decimal_digits(*p)?, scale),
                    None => return Ok(None),
                }
            }
            SqlType::Custom(name, modifiers)
                if modifiers.is_empty()
                    && name.to_string().eq_ignore_ascii_case("timestamp_ltz") =>
            {
                zoned()
            }
            SqlType::Custom(name, modifiers)
                if modifiers.is_empty()
                    && name.to_string().eq_ignore_ascii_case("timestamp_ntz") =>
            {
                ArrowType::Timestamp(TimeUnit::Microsecond, None)
            }
            // `MAP<K, V>` (DataFusion's planner has no map type): as Spark's DDL reads it.
            SqlType::Map(..) => {
                crate::functions::json::parse_ddl(&ddl_text(sql_type), &self.time_zone)?
            }
            _ => return Ok(None),
        };
        Ok(Some(Arc::new(Field::new("", planned, true))))
    }
}

/// A decimal precision as Arrow's (1 to 38), or the planner's error.
fn decimal_digits(p: u64) -> datafusion::error::Result<u8> {
    u8::try_from(p)
        .ok()
        .filter(|p| (1..=38).contains(p))
        .ok_or_else(|| {
            datafusion::error::DataFusionError::Plan(format!(
                "Decimal(precision = {p}) should satisfy 0 < precision <= 38"
            ))
        })
}

/// A SQL type as Spark's DDL writes it, for the DDL reader: maps as `map<k,v>` (sqlparser writes
/// `Map(k, v)`), arrays of them likewise, other types as sqlparser writes them.
fn ddl_text(t: &datafusion::sql::sqlparser::ast::DataType) -> String {
    use datafusion::sql::sqlparser::ast::{ArrayElemTypeDef, DataType as SqlType};
    match t {
        SqlType::Map(k, v) => format!("map<{},{}>", ddl_text(k), ddl_text(v)),
        SqlType::Array(ArrayElemTypeDef::AngleBracket(inner)) => {
            format!("array<{}>", ddl_text(inner))
        }
        other => other.to_string(),
    }
}

/// Spark's `typeof(expr)`: the [`spark_type_name`] of its argument's type, as a string.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct TypeOf {
    signature: Signature,
}

impl TypeOf {
    /// The function, to register.
    pub(crate) fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::any(1, Volatility::Immutable),
        })
    }
}

impl ScalarUDFImpl for TypeOf {
    fn name(&self) -> &str {
        "typeof"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[ArrowType]) -> datafusion::error::Result<ArrowType> {
        Ok(ArrowType::Utf8)
    }

    fn simplify(
        &self,
        args: Vec<Expr>,
        info: &SimplifyContext,
    ) -> datafusion::error::Result<ExprSimplifyResult> {
        match args.first() {
            Some(arg) => {
                let (_, field) =
                    datafusion::logical_expr::ExprSchemable::to_field(arg, info.schema())?;
                let name = ember_types::spark_field_type_name(&field);
                Ok(ExprSimplifyResult::Simplified(Expr::Literal(
                    ScalarValue::Utf8(Some(name)),
                    None,
                )))
            }
            None => Ok(ExprSimplifyResult::Original(args)),
        }
    }

    fn invoke_with_args(
        &self,
        args: ScalarFunctionArgs,
    ) -> datafusion::error::Result<ColumnarValue> {
        let arg = args
            .args
            .first()
            .ok_or_else(|| DataFusionError::Plan("typeof takes one argument".to_owned()))?;
        let name = match args.arg_fields.first() {
            Some(field) => ember_types::spark_field_type_name(field),
            None => spark_type_name(&arg.data_type()),
        };
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(name))))
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
            DataType::TimestampNtz,
        ];
        let schema: StructType = all
            .iter()
            .enumerate()
            .map(|(i, t)| StructField::new(format!("c{i}"), *t, false))
            .collect();
        let arrow = schema.to_arrow();
        // Spark's TIMESTAMP is an instant, TIMESTAMP_NTZ a wall clock (issue 10: both were
        // stored without a zone).
        assert_eq!(
            arrow.field(6).data_type(),
            &ArrowType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(spark_type_name(arrow.field(6).data_type()), "timestamp");
        assert_eq!(arrow.field(7).data_type(), &ArrowType::Date32);
        assert_eq!(
            arrow.field(8).data_type(),
            &ArrowType::Timestamp(TimeUnit::Microsecond, None)
        );
        assert_eq!(spark_type_name(arrow.field(8).data_type()), "timestamp_ntz");
        assert!(!arrow.field(0).is_nullable());
    }
}
