//! Spark's casts written as functions (`int(x)` is `CAST(x AS INT)`, and likewise `bigint`,
//! `smallint`, `tinyint`, `double`, `float`, `string`, `boolean`, `date`, `timestamp` in the
//! session time zone, `decimal` as `DECIMAL(10, 0)`, `binary`), and the null predicates
//! `isnull`, `isnotnull` and `equal_null` (`a <=> b`).
//!
//! Each is planned as the expression it stands for, so it casts exactly as `CAST` does.
//!
//! [`TIMESTAMP_TEXT`] is what `CAST(timestamp AS STRING)` is planned as (`coercion.rs`'s
//! [`crate::coercion::SparkTexts`], for every cast to a string, the implicit ones too): Spark's
//! text of a timestamp, `2024-03-15 10:20:30.5` (the fraction without trailing zeros, none when
//! it is zero) in the timestamp's zone, where Arrow's cast writes ISO 8601 with the offset;
//! [`FLOAT_TEXT`] likewise for `FLOAT` and `DOUBLE` (Java's `1.0E20`, not Arrow's `1e20`).

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
        let from = info.get_data_type(&arg)?;
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

/// The hidden function `CAST(timestamp AS STRING)` is planned as (see the module docs).
pub(crate) const TIMESTAMP_TEXT: &str = "__ember_timestamp_text";

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

/// [`TIMESTAMP_TEXT`] as a function of a timestamp column.
pub(crate) fn timestamp_text() -> ScalarUDF {
    super::ColumnFn::new(
        TIMESTAMP_TEXT,
        |t| match t {
            [DataType::Timestamp(_, zone)] => Ok(vec![DataType::Timestamp(
                TimeUnit::Microsecond,
                zone.clone(),
            )]),
            _ => Err(plan_err(format!(
                "{TIMESTAMP_TEXT} takes one timestamp, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Utf8),
        |args| spark_timestamp_texts(args[0].as_ref()),
    )
    .udf()
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

/// The hidden function `CAST(float or double AS STRING)` is planned as: Java's text of the
/// number (`Double.toString`), which Spark writes: `1.0E20`, `1.0E-4`, `100.0`, where Arrow's
/// cast writes `1e20`, `0.0001`, `100`.
pub(crate) const FLOAT_TEXT: &str = "__ember_float_text";

/// [`FLOAT_TEXT`] as a function of a `FLOAT` or `DOUBLE` column.
pub(crate) fn float_text() -> ScalarUDF {
    super::ColumnFn::new(
        FLOAT_TEXT,
        |t| match t {
            [DataType::Float64] => Ok(vec![DataType::Float64]),
            [DataType::Float16 | DataType::Float32] => Ok(vec![DataType::Float32]),
            _ => Err(plan_err(format!(
                "{FLOAT_TEXT} takes one FLOAT or DOUBLE, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Utf8),
        |args| spark_float_texts(args[0].as_ref()),
    )
    .udf()
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
                "{FLOAT_TEXT} takes a FLOAT or DOUBLE column, got {other}"
            )));
        }
    };
    Ok(Arc::new(texts))
}

/// The hidden function `CAST(array, map or struct AS STRING)` is planned as: Spark's text of
/// the value, `[1, null]`, `{a -> 1}`, `{1, x}` (Arrow casts only some nested values to text,
/// and writes a NULL inside one as nothing).
pub(crate) const NESTED_TEXT: &str = "__ember_nested_text";

fn is_nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_)
    )
}

/// [`NESTED_TEXT`] as a function of an array, map or struct column.
pub(crate) fn nested_text() -> ScalarUDF {
    super::ColumnFn::new(
        NESTED_TEXT,
        |t| match t {
            [n] if is_nested(n) => Ok(vec![n.clone()]),
            _ => Err(plan_err(format!(
                "{NESTED_TEXT} takes one array, map or struct, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            let texts = spark_value_texts(args[0].as_ref())?;
            Ok(Arc::new(datafusion::arrow::array::StringArray::from(texts)))
        },
    )
    .udf()
}

/// Spark's text of each value of `array` (`None` for a NULL), nested values included: what
/// `CAST(x AS STRING)` writes.
fn spark_value_texts(array: &dyn datafusion::arrow::array::Array) -> DfResult<Vec<Option<String>>> {
    use datafusion::arrow::array::AsArray as _;
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
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let values = spark_value_texts(list.values().as_ref())?;
            let offsets = list.value_offsets();
            rows.map(|i| {
                (!nulls(i)).then(|| {
                    let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                    format!("[{}]", join(&values, a, b))
                })
            })
            .collect()
        }
        DataType::LargeList(_) => {
            let list = array.as_list::<i64>();
            let values = spark_value_texts(list.values().as_ref())?;
            let offsets = list.value_offsets();
            rows.map(|i| {
                (!nulls(i)).then(|| {
                    let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                    format!("[{}]", join(&values, a, b))
                })
            })
            .collect()
        }
        DataType::Map(..) => {
            let map = array.as_map();
            let keys = spark_value_texts(map.keys().as_ref())?;
            let values = spark_value_texts(map.values().as_ref())?;
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
                .map(|c| spark_value_texts(c.as_ref()))
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
            let column: datafusion::arrow::array::ArrayRef = match leaf {
                DataType::Float16 | DataType::Float32 | DataType::Float64 => spark_float_texts(
                    datafusion::arrow::compute::cast(
                        &datafusion::arrow::array::make_array(array.to_data()),
                        &DataType::Float64,
                    )?
                    .as_ref(),
                )?,
                DataType::Timestamp(_, zone) => spark_timestamp_texts(
                    datafusion::arrow::compute::cast(
                        &datafusion::arrow::array::make_array(array.to_data()),
                        &DataType::Timestamp(TimeUnit::Microsecond, zone.clone()),
                    )?
                    .as_ref(),
                )?,
                DataType::Null => {
                    return Ok(vec![None; array.len()]);
                }
                _ => datafusion::arrow::compute::cast(
                    &datafusion::arrow::array::make_array(array.to_data()),
                    &DataType::Utf8,
                )?,
            };
            let texts = column.as_string::<i32>();
            texts.iter().map(|t| t.map(str::to_owned)).collect()
        }
    })
}

/// `CAST(e AS to)`, `to` a string type, as Spark writes the text where Arrow's cast differs:
/// a timestamp ([`TIMESTAMP_TEXT`]) or a floating-point number ([`FLOAT_TEXT`]). `None` where
/// Arrow's text is Spark's (or `to` is no string type).
pub(crate) fn spark_text_cast(e: Expr, from: &DataType, to: &DataType) -> Option<Expr> {
    if !matches!(
        to,
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8
    ) {
        return None;
    }
    // Planned after the analyzer's coercion: the argument is given the function's type here.
    let (udf, arg) = match from {
        DataType::Timestamp(TimeUnit::Microsecond, _) => (timestamp_text(), e),
        DataType::Timestamp(_, zone) => (
            timestamp_text(),
            cast(e, DataType::Timestamp(TimeUnit::Microsecond, zone.clone())),
        ),
        DataType::Float32 | DataType::Float64 => (float_text(), e),
        DataType::Float16 => (float_text(), cast(e, DataType::Float32)),
        t if is_nested(t) => (nested_text(), e),
        _ => return None,
    };
    let text = Expr::ScalarFunction(datafusion::logical_expr::expr::ScalarFunction::new_udf(
        Arc::new(udf),
        vec![arg],
    ));
    Some(if *to == DataType::Utf8 {
        text
    } else {
        cast(text, to.clone())
    })
}

/// Registers the cast functions and the null predicates.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    ctx.register_udf(timestamp_text());
    ctx.register_udf(float_text());
    ctx.register_udf(nested_text());
    for f in cast_functions(time_zone) {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
    for f in null_predicates() {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
}
