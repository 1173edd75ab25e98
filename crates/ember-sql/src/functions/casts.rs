//! Spark's casts written as functions (`int(x)` is `CAST(x AS INT)`, and likewise `bigint`,
//! `smallint`, `tinyint`, `double`, `float`, `string`, `boolean`, `date`, `timestamp` in the
//! session time zone, `decimal` as `DECIMAL(10, 0)`, `binary`), and the null predicates
//! `isnull`, `isnotnull` and `equal_null` (`a <=> b`).
//!
//! Each is planned as the expression it stands for, so it casts exactly as `CAST` does.
//!
//! [`VALUE_TEXT`] is what `CAST(x AS STRING)` is planned as where Spark's text is not Arrow's
//! (`coercion.rs`'s [`crate::coercion::SparkTexts`], for every cast to a string, the implicit
//! ones too): timestamps, `FLOAT`/`DOUBLE`, intervals and nested values.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::expr::BinaryExpr;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility, cast,
};
use datafusion::prelude::SessionContext;

use super::plan_err;
use crate::rewrites::{SparkRewrite, not_rewritten, one, two};

/// `name(x)`: `CAST(x AS target)`.
#[derive(Debug)]
struct CastFn {
    name: &'static str,
    target: DataType,
    signature: Signature,
}

impl PartialEq for CastFn {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.target == other.target
    }
}

impl Eq for CastFn {}

impl Hash for CastFn {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.target.hash(state);
    }
}

impl ScalarUDFImpl for CastFn {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(self.target.clone())
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        let [arg] = <[Expr; 1]>::try_from(args)
            .map_err(|a| plan_err(format!("{} takes one argument, got {}", self.name, a.len())))?;
        // `string(x)` writes `x` as CAST does (this runs after the analyzer's rewrite of casts).
        let (_, from) = datafusion::logical_expr::ExprSchemable::to_field(&arg, info.schema())?;
        Ok(ExprSimplifyResult::Simplified(
            match spark_text_cast(arg.clone(), &from, &self.target) {
                Some(text) => text,
                None => cast(arg, self.target.clone()),
            },
        ))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(not_rewritten(self.name))
    }
}

/// The cast functions, `timestamp` zoned in `time_zone`.
fn cast_functions(time_zone: &Arc<str>) -> Vec<CastFn> {
    let targets = [
        ("tinyint", DataType::Int8),
        ("smallint", DataType::Int16),
        ("int", DataType::Int32),
        ("bigint", DataType::Int64),
        ("float", DataType::Float32),
        ("double", DataType::Float64),
        ("decimal", DataType::Decimal128(10, 0)),
        ("string", DataType::Utf8),
        ("boolean", DataType::Boolean),
        ("binary", DataType::Binary),
        ("date", DataType::Date32),
        (
            "timestamp",
            DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::clone(time_zone))),
        ),
    ];
    targets
        .into_iter()
        .map(|(name, target)| CastFn {
            name,
            target,
            signature: Signature::any(1, Volatility::Immutable),
        })
        .collect()
}

/// `isnull(x)`, `isnotnull(x)`, `equal_null(a, b)`.
fn null_predicates() -> Vec<SparkRewrite> {
    let boolean: crate::rewrites::ReturnType = |_| Ok(DataType::Boolean);
    vec![
        SparkRewrite {
            name: "isnull",
            signature: Signature::any(1, Volatility::Immutable),
            return_type: boolean,
            rewrite: |args, _| Ok(one(args)?.is_null()),
        },
        SparkRewrite {
            name: "isnotnull",
            signature: Signature::any(1, Volatility::Immutable),
            return_type: boolean,
            rewrite: |args, _| Ok(one(args)?.is_not_null()),
        },
        SparkRewrite {
            name: "equal_null",
            signature: Signature::comparable(2, Volatility::Immutable),
            return_type: boolean,
            rewrite: |args, _| {
                let (a, b) = two(args)?;
                Ok(Expr::BinaryExpr(BinaryExpr::new(
                    Box::new(a),
                    Operator::IsNotDistinctFrom,
                    Box::new(b),
                )))
            },
        },
    ]
}

/// Spark's text of one timestamp: `yyyy-MM-dd HH:mm:ss[.ffffff]`, trailing zeros dropped.
pub(crate) fn spark_timestamp_text(local: chrono::NaiveDateTime, out: &mut String) {
    use std::fmt::Write as _;
    let _ = write!(out, "{}", local.format("%Y-%m-%d %H:%M:%S"));
    let micros = local.and_utc().timestamp_subsec_micros();
    if micros > 0 {
        let fraction = format!("{micros:06}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
}

/// Spark's text of each timestamp of `array` (microseconds; in its zone, if it has one).
pub(crate) fn spark_timestamp_texts(
    array: &dyn datafusion::arrow::array::Array,
) -> DfResult<datafusion::arrow::array::ArrayRef> {
    use datafusion::arrow::array::{Array as _, AsArray as _, StringBuilder};
    use datafusion::arrow::datatypes::TimestampMicrosecondType;
    let zone = match array.data_type() {
        DataType::Timestamp(_, Some(zone)) => Some(
            zone.parse::<datafusion::arrow::array::timezone::Tz>()
                .map_err(|e| super::exec_err(e.to_string()))?,
        ),
        _ => None,
    };
    let ts = array.as_primitive::<TimestampMicrosecondType>();
    let mut out = StringBuilder::with_capacity(ts.len(), ts.len() * 26);
    let mut text = String::new();
    for i in 0..ts.len() {
        if ts.is_null(i) {
            out.append_null();
            continue;
        }
        let micros = ts.value(i);
        let utc = chrono::DateTime::from_timestamp_micros(micros)
            .ok_or_else(|| super::exec_err(format!("timestamp out of range ({micros} µs)")))?;
        let local = match &zone {
            Some(z) => utc.with_timezone(z).naive_local(),
            None => utc.naive_utc(),
        };
        text.clear();
        spark_timestamp_text(local, &mut text);
        out.append_value(&text);
    }
    Ok(Arc::new(out.finish()))
}

/// Spark's text of each number of a `FLOAT` or `DOUBLE` `array` (Java's).
pub(crate) fn spark_float_texts(
    array: &dyn datafusion::arrow::array::Array,
) -> DfResult<datafusion::arrow::array::ArrayRef> {
    use datafusion::arrow::array::{AsArray as _, StringArray};
    use datafusion::arrow::datatypes::{Float32Type, Float64Type};
    let texts: StringArray = match array.data_type() {
        DataType::Float32 => array
            .as_primitive::<Float32Type>()
            .iter()
            .map(|v| v.map(super::json::java_float))
            .collect(),
        DataType::Float64 => array
            .as_primitive::<Float64Type>()
            .iter()
            .map(|v| v.map(super::json::java_double))
            .collect(),
        other => {
            return Err(plan_err(format!(
                "{VALUE_TEXT}: a FLOAT or DOUBLE column was expected, got {other}"
            )));
        }
    };
    Ok(Arc::new(texts))
}

/// The hidden function a `CAST(... AS STRING)` is planned as where Spark's text is not Arrow's:
/// a timestamp as `2024-03-15 10:20:30.5` (the fraction without trailing zeros, in the
/// timestamp's zone; Arrow writes ISO 8601 with the offset), a `FLOAT`/`DOUBLE` as Java writes it
/// (`1.0E20`, `1.0E-4`, `100.0`; Arrow: `1e20`, `0.0001`, `100`), an array, map or struct as
/// `[1, null]`, `{a -> 1}`, `{1, x}` (Arrow casts only some nested values, and writes a NULL
/// inside one as nothing).
pub(crate) const VALUE_TEXT: &str = "__ember_value_text";

fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_)
    )
}

/// Whether Spark's text of a value of type `t` is not Arrow's cast of it.
fn has_spark_text(t: &DataType) -> bool {
    is_nested(t)
        || super::intervals::is_interval(t)
        || matches!(
            t,
            DataType::Timestamp(..) | DataType::Float16 | DataType::Float32 | DataType::Float64
        )
}

/// [`VALUE_TEXT`] as a function of one column, and for an ANSI interval the fields it spans
/// (`'day'`; see [`super::intervals::interval_texts`]).
pub(crate) fn value_text() -> ScalarUDF {
    super::ColumnFn::new(
        VALUE_TEXT,
        |t| match t {
            [v] if has_spark_text(v) => Ok(vec![v.clone()]),
            [v, DataType::Utf8] if has_spark_text(v) => Ok(t.to_vec()),
            _ => Err(plan_err(format!(
                "{VALUE_TEXT} takes a timestamp, a number, an interval or a nested value, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            use datafusion::arrow::array::AsArray as _;
            let fields = match args.get(1) {
                Some(fields) if !fields.is_empty() && fields.is_valid(0) => {
                    fields.as_string::<i32>().value(0).to_owned()
                }
                _ => String::new(),
            };
            let texts = spark_value_texts(args[0].as_ref(), &fields)?;
            Ok(Arc::new(datafusion::arrow::array::StringArray::from(texts)))
        },
    )
    .udf()
}

/// Spark's text of each value of `array` (`None` for a NULL), nested values included: what
/// `CAST(x AS STRING)` writes. An ANSI interval spans `fields` (`"day"`; `""`: the widest).
pub(crate) fn spark_value_texts(
    array: &dyn datafusion::arrow::array::Array,
    fields: &str,
) -> DfResult<Vec<Option<String>>> {
    use datafusion::arrow::array::{ArrayRef, AsArray as _};
    let nulls = |i: usize| array.is_null(i);
    // The text of the children of a row, `null` for a NULL child.
    let join = |texts: &[Option<String>], from: usize, to: usize| -> String {
        texts[from..to]
            .iter()
            .map(|t| t.as_deref().unwrap_or("null"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = 0..array.len();
    Ok(match array.data_type() {
        DataType::List(_) | DataType::LargeList(_) => {
            let (values, offsets): (&ArrayRef, Vec<usize>) = match array.as_list_opt::<i32>() {
                Some(list) => (
                    list.values(),
                    list.offsets().iter().map(|o| *o as usize).collect(),
                ),
                None => {
                    let list = array.as_list::<i64>();
                    (
                        list.values(),
                        list.offsets().iter().map(|o| *o as usize).collect(),
                    )
                }
            };
            let values = spark_value_texts(values.as_ref(), fields)?;
            rows.map(|i| {
                (!nulls(i)).then(|| format!("[{}]", join(&values, offsets[i], offsets[i + 1])))
            })
            .collect()
        }
        DataType::Map(..) => {
            let map = array.as_map();
            let keys = spark_value_texts(map.keys().as_ref(), fields)?;
            let values = spark_value_texts(map.values().as_ref(), fields)?;
            let offsets = map.value_offsets();
            rows.map(|i| {
                (!nulls(i)).then(|| {
                    let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                    let entries: Vec<String> = (a..b)
                        .map(|j| {
                            format!(
                                "{} -> {}",
                                keys[j].as_deref().unwrap_or("null"),
                                values[j].as_deref().unwrap_or("null")
                            )
                        })
                        .collect();
                    format!("{{{}}}", entries.join(", "))
                })
            })
            .collect()
        }
        DataType::Struct(_) => {
            let fields = array
                .as_struct()
                .columns()
                .iter()
                .map(|c| spark_value_texts(c.as_ref(), fields))
                .collect::<DfResult<Vec<_>>>()?;
            rows.map(|i| {
                (!nulls(i)).then(|| {
                    let values: Vec<&str> = fields
                        .iter()
                        .map(|f| f[i].as_deref().unwrap_or("null"))
                        .collect();
                    format!("{{{}}}", values.join(", "))
                })
            })
            .collect()
        }
        leaf => {
            // A leaf as CAST writes it: Spark's text of numbers and timestamps, else Arrow's.
            use datafusion::arrow::compute::cast;
            let column: ArrayRef = match leaf {
                DataType::Float32 | DataType::Float64 => spark_float_texts(array)?,
                DataType::Float16 => spark_float_texts(cast(array, &DataType::Float32)?.as_ref())?,
                DataType::Timestamp(_, zone) => {
                    let micros = DataType::Timestamp(TimeUnit::Microsecond, zone.clone());
                    spark_timestamp_texts(cast(array, &micros)?.as_ref())?
                }
                DataType::Null => return Ok(vec![None; array.len()]),
                t if super::intervals::is_interval(t) => {
                    super::intervals::interval_texts(array, fields)?
                }
                _ => cast(array, &DataType::Utf8)?,
            };
            let texts = column.as_string::<i32>();
            texts.iter().map(|t| t.map(str::to_owned)).collect()
        }
    })
}

/// `CAST(e AS to)`, `to` a string type, as Spark writes the text where Arrow's cast differs
/// ([`VALUE_TEXT`]): a timestamp, a floating-point number, an interval (a day-time one spanning
/// the fields `from` names), a nested value. `None` where Arrow's text is Spark's (or `to` is
/// no string type).
pub(crate) fn spark_text_cast(
    e: Expr,
    from: &datafusion::arrow::datatypes::Field,
    to: &DataType,
) -> Option<Expr> {
    if !matches!(
        to,
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8
    ) {
        return None;
    }
    if !has_spark_text(from.data_type()) {
        return None;
    }
    let mut args = vec![e];
    let fields = ember_types::interval_fields(from);
    if !fields.is_empty() {
        args.push(datafusion::logical_expr::lit(fields.to_owned()));
    }
    let text = Expr::ScalarFunction(datafusion::logical_expr::expr::ScalarFunction::new_udf(
        Arc::new(value_text()),
        args,
    ));
    Some(if *to == DataType::Utf8 {
        text
    } else {
        cast(text, to.clone())
    })
}

/// Registers the cast functions and the null predicates.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    ctx.register_udf(value_text());
    for f in cast_functions(time_zone) {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
    for f in null_predicates() {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Array, Float32Array, ListArray};
    use datafusion::arrow::datatypes::{Float32Type, Int32Type};

    use super::spark_value_texts;

    #[test]
    fn floats_inside_nested_values_are_written_as_floats() {
        // A FLOAT is written by its own shortest digits (Java's Float.toString), not widened.
        let floats = Float32Array::from(vec![Some(0.1), None, Some(1e10)]);
        assert_eq!(
            spark_value_texts(&floats, "").unwrap(),
            vec![Some("0.1".to_owned()), None, Some("1.0E10".to_owned())]
        );
        let list = ListArray::from_iter_primitive::<Float32Type, _, _>(vec![
            Some(vec![Some(0.1), None]),
            None,
        ]);
        assert_eq!(
            spark_value_texts(&list, "").unwrap(),
            vec![Some("[0.1, null]".to_owned()), None]
        );
        let ints = ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1)])]);
        let nested: Arc<dyn Array> = Arc::new(ints);
        assert_eq!(
            spark_value_texts(nested.as_ref(), "").unwrap(),
            vec![Some("[1]".to_owned())]
        );
    }
}
