//! Spark's math functions missing from DataFusion and `datafusion-spark`:
//! `sign`/`signum` (`DOUBLE`), `positive`, `conv`, and the `try_` arithmetic (`try_add`,
//! `try_subtract`, `try_multiply`, `try_divide`), which give `NULL` where the plain operator
//! would overflow or divide by zero.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int32Array, Int64Array, StringBuilder,
};
use datafusion::arrow::compute::kernels::numeric;
use datafusion::arrow::datatypes::{
    DataType, Decimal128Type, DecimalType as _, Field, FieldRef, Float64Type, Int32Type, Int64Type,
};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility, cast, lit, when,
};
use datafusion::prelude::SessionContext;

use super::{ColumnFn, exec_err, fixed, plan_err};
use crate::rewrites::{SparkRewrite, one};

fn is_numeric(t: &DataType) -> bool {
    t.is_numeric() || *t == DataType::Null
}

/// `signum(x)`/`sign(x)`: -1.0, 0.0 or 1.0 as a `DOUBLE` (`NaN` stays `NaN`).
fn signum(name: &'static str) -> ColumnFn {
    ColumnFn::new(
        name,
        |t| {
            if t.first().is_some_and(|t| !is_numeric(t)) {
                return Err(plan_err(format!("takes a number, got {t:?}")));
            }
            fixed(t, &[DataType::Float64], 1)
        },
        |_| Ok(DataType::Float64),
        |args| {
            let out: Float64Array = args[0]
                .as_primitive::<Float64Type>()
                .iter()
                .map(|v| {
                    v.map(|v| {
                        if v == 0.0 || v.is_nan() {
                            v
                        } else {
                            v.signum()
                        }
                    })
                })
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// `positive(x)`: `x` itself.
fn positive() -> ColumnFn {
    ColumnFn::new(
        "positive",
        |t| match t {
            [x] if is_numeric(x) => Ok(vec![x.clone()]),
            _ => Err(plan_err(format!("takes one number, got {t:?}"))),
        },
        |t| Ok(t[0].clone()),
        |args| Ok(Arc::clone(&args[0])),
    )
}

/// Spark's `conv(num, from_base, to_base)`: `num` read in `from_base` (up to its first invalid
/// digit) and written in `to_base`; a negative `to_base` writes signed, a positive one writes a
/// negative number as its 64-bit two's complement. `NULL` for bases outside 2..=36.
fn conv_one(num: &str, from: i32, to: i32) -> Option<String> {
    let (from_abs, to_abs) = (from.unsigned_abs(), to.unsigned_abs());
    if !(2..=36).contains(&from_abs) || !(2..=36).contains(&to_abs) {
        return None;
    }
    let num = num.trim();
    let (negative, digits) = match num.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, num),
    };
    let mut value: u64 = 0;
    for c in digits.chars() {
        match c.to_digit(36) {
            Some(d) if d < from_abs => {
                value = match value
                    .checked_mul(u64::from(from_abs))
                    .and_then(|v| v.checked_add(u64::from(d)))
                {
                    Some(v) => v,
                    None => {
                        value = u64::MAX;
                        break;
                    }
                };
            }
            _ => break,
        }
    }
    if negative {
        value = value.wrapping_neg();
    }
    let (sign, mut magnitude) = if to < 0 && (value as i64) < 0 {
        ("-", (value as i64).unsigned_abs())
    } else {
        ("", value)
    };
    let mut out = Vec::new();
    loop {
        let d = u32::try_from(magnitude % u64::from(to_abs)).unwrap_or(0);
        out.push(
            char::from_digit(d, to_abs)
                .unwrap_or('0')
                .to_ascii_uppercase(),
        );
        magnitude /= u64::from(to_abs);
        if magnitude == 0 {
            break;
        }
    }
    Some(format!("{sign}{}", out.iter().rev().collect::<String>()))
}

fn conv() -> ColumnFn {
    ColumnFn::new(
        "conv",
        |t| fixed(t, &[DataType::Utf8, DataType::Int32, DataType::Int32], 3),
        |_| Ok(DataType::Utf8),
        |args| {
            let num = args[0].as_string::<i32>();
            let from = args[1].as_primitive::<Int32Type>();
            let to = args[2].as_primitive::<Int32Type>();
            let mut out = StringBuilder::new();
            for i in 0..num.len() {
                if num.is_null(i) || from.is_null(i) || to.is_null(i) {
                    out.append_null();
                } else {
                    out.append_option(conv_one(num.value(i), from.value(i), to.value(i)));
                }
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// The common type of the `try_` arithmetic: `INT` for two `INT`s or smaller, `BIGINT` when one
/// is a `BIGINT`, `DOUBLE` otherwise.
fn try_arith_types(t: &[DataType]) -> DfResult<Vec<DataType>> {
    let [a, b] = t else {
        return Err(plan_err(format!("takes two numbers, got {t:?}")));
    };
    if !is_numeric(a) || !is_numeric(b) {
        return Err(plan_err(format!("takes two numbers, got {a} and {b}")));
    }
    let small = |t: &DataType| {
        matches!(
            t,
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Null
        )
    };
    let target = if small(a) && small(b) {
        DataType::Int32
    } else if (a.is_integer() || small(a)) && (b.is_integer() || small(b)) {
        DataType::Int64
    } else {
        DataType::Float64
    };
    Ok(vec![target.clone(), target])
}

macro_rules! checked_int_op {
    ($args:expr, $ty:ty, $arr:ty, $op:ident) => {{
        let a = $args[0].as_primitive::<$ty>();
        let b = $args[1].as_primitive::<$ty>();
        let out: $arr = a
            .iter()
            .zip(b.iter())
            .map(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => x.$op(y),
                _ => None,
            })
            .collect();
        Ok(Arc::new(out) as ArrayRef)
    }};
}

fn try_arith(name: &'static str) -> ColumnFn {
    let eval: super::Eval = match name {
        "try_add" => |args| match args[0].data_type() {
            DataType::Int32 => checked_int_op!(args, Int32Type, Int32Array, checked_add),
            DataType::Int64 => checked_int_op!(args, Int64Type, Int64Array, checked_add),
            _ => Ok(numeric::add(&args[0], &args[1])?),
        },
        "try_subtract" => |args| match args[0].data_type() {
            DataType::Int32 => checked_int_op!(args, Int32Type, Int32Array, checked_sub),
            DataType::Int64 => checked_int_op!(args, Int64Type, Int64Array, checked_sub),
            _ => Ok(numeric::sub(&args[0], &args[1])?),
        },
        _ => |args| match args[0].data_type() {
            DataType::Int32 => checked_int_op!(args, Int32Type, Int32Array, checked_mul),
            DataType::Int64 => checked_int_op!(args, Int64Type, Int64Array, checked_mul),
            _ => Ok(numeric::mul(&args[0], &args[1])?),
        },
    };
    ColumnFn::new(name, try_arith_types, |t| Ok(t[0].clone()), eval)
}

/// `try_divide(a, b)`: `a / b` as a `DOUBLE`, `NULL` when `b` is zero.
fn try_divide() -> ColumnFn {
    ColumnFn::new(
        "try_divide",
        |t| match t {
            [a, b] if is_numeric(a) && is_numeric(b) => {
                Ok(vec![DataType::Float64, DataType::Float64])
            }
            _ => Err(plan_err(format!("takes two numbers, got {t:?}"))),
        },
        |_| Ok(DataType::Float64),
        |args| {
            let a = args[0].as_primitive::<Float64Type>();
            let b = args[1].as_primitive::<Float64Type>();
            let out: Float64Array = a
                .iter()
                .zip(b.iter())
                .map(|(x, y)| match (x, y) {
                    (Some(x), Some(y)) if y != 0.0 => Some(x / y),
                    _ => None,
                })
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// Spark's `ceil`/`floor`: one argument as `datafusion-spark`'s; with a `scale` (a constant
/// integer), rounded up (down) to that many decimal places (negative: tens, hundreds, ...) as
/// Spark's `DECIMAL`: the argument is read as a decimal ([`decimal_of`]) and the result type is
/// [`scaled_ceil_floor_type`]. A result that does not fit that type is an error, as in Spark.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CeilFloor {
    inner: Arc<ScalarUDF>,
    up: bool,
    signature: Signature,
}

/// The decimal type Spark reads a number as when `ceil`/`floor` takes a scale: integers with
/// as many digits as their largest value, `FLOAT` as `DECIMAL(14, 7)`, `DOUBLE` as
/// `DECIMAL(30, 15)`; `None` for other types.
fn decimal_of(t: &DataType) -> Option<(u8, i8)> {
    match t {
        DataType::Int8 | DataType::UInt8 => Some((3, 0)),
        DataType::Int16 | DataType::UInt16 => Some((5, 0)),
        DataType::Int32 | DataType::UInt32 | DataType::Null => Some((10, 0)),
        DataType::Int64 | DataType::UInt64 => Some((20, 0)),
        DataType::Float16 | DataType::Float32 => Some((14, 7)),
        DataType::Float64 => Some((30, 15)),
        DataType::Decimal128(p, s) => Some((*p, *s)),
        _ => None,
    }
}

/// Spark's result type of `ceil`/`floor` of a `DECIMAL(p, s)` to `scale` places: scale
/// `min(scale, s)` (0 when `scale` is negative) and one more integer digit than the input has,
/// at least `1 - scale` digits for a negative `scale`, at most 38.
fn scaled_ceil_floor_type(p: u8, s: i8, scale: i64) -> (u8, i8) {
    let (p, s) = (i64::from(p), i64::from(s));
    let (precision, new_scale) = if scale < 0 {
        ((p - s + 1).max(1 - scale), 0)
    } else {
        let new_scale = scale.min(s);
        (p - s + 1 + new_scale, new_scale)
    };
    let precision = u8::try_from(precision.clamp(1, 38)).unwrap_or(38);
    let new_scale = i8::try_from(new_scale).unwrap_or(0);
    (precision, new_scale)
}

/// `v` (a decimal at scale `s`) rounded up (`up`) or down to `scale` places, at the result
/// scale `max(min(scale, s), 0)`; `None` when it does not fit an `i128`.
fn ceil_floor_unscaled(v: i128, s: i8, scale: i64, up: bool) -> Option<i128> {
    let drop = i64::from(s) - scale;
    if drop <= 0 {
        return Some(v);
    }
    let q = match 10i128.checked_pow(u32::try_from(drop).ok()?) {
        Some(factor) => {
            let (q, r) = (v / factor, v % factor);
            match (up, r.signum()) {
                (true, 1) => q + 1,
                (false, -1) => q - 1,
                _ => q,
            }
        }
        // |v| < 10^38 <= factor: the whole value is below one unit of the result.
        None => match (up, v.signum()) {
            (true, 1) => 1,
            (false, -1) => -1,
            _ => 0,
        },
    };
    if scale < 0 {
        q.checked_mul(10i128.checked_pow(u32::try_from(-scale).ok()?)?)
    } else {
        Some(q)
    }
}

impl CeilFloor {
    fn new(up: bool) -> Self {
        let inner = if up {
            datafusion_spark::function::math::ceil()
        } else {
            datafusion_spark::function::math::floor()
        };
        Self {
            inner,
            up,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    /// The constant scale argument.
    fn scale(&self, scale: Option<&ScalarValue>) -> DfResult<i64> {
        match scale.map(|v| v.cast_to(&DataType::Int64)) {
            Some(Ok(ScalarValue::Int64(Some(d)))) => Ok(d),
            _ => Err(plan_err(format!(
                "{} takes its scale as a constant integer",
                self.name()
            ))),
        }
    }
}

impl ScalarUDFImpl for CeilFloor {
    fn name(&self) -> &str {
        if self.up { "ceil" } else { "floor" }
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        match t {
            [x] if x.is_integer() || *x == DataType::Null => Ok(vec![DataType::Int64]),
            [x] if matches!(x, DataType::Decimal128(..) | DataType::Float64) => Ok(vec![x.clone()]),
            [x] if x.is_numeric() => Ok(vec![DataType::Float64]),
            // The scale keeps its type so that a literal stays a literal for the result type.
            [x, d] if d.is_integer() => match decimal_of(x) {
                Some((p, s)) => Ok(vec![DataType::Decimal128(p, s), d.clone()]),
                None => Err(plan_err(format!(
                    "{} takes a number and an integer scale, got {t:?}",
                    self.name()
                ))),
            },
            _ => Err(plan_err(format!(
                "{} takes a number and an optional integer scale, got {t:?}",
                self.name()
            ))),
        }
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        if t.len() == 2 {
            Err(plan_err(format!(
                "{} with a scale is typed from its arguments",
                self.name()
            )))
        } else {
            self.inner.return_type(t)
        }
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        if args.arg_fields.len() != 2 {
            return self.inner.return_field_from_args(args);
        }
        let scale = self.scale(args.scalar_arguments.get(1).copied().flatten())?;
        let Some((p, s)) = decimal_of(args.arg_fields[0].data_type()) else {
            return Err(plan_err(format!(
                "{} takes a number and an integer scale, got {}",
                self.name(),
                args.arg_fields[0].data_type()
            )));
        };
        let (p, s) = scaled_ceil_floor_type(p, s, scale);
        Ok(Arc::new(Field::new(
            self.name(),
            DataType::Decimal128(p, s),
            true,
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        if args.args.len() != 2 {
            return self.inner.invoke_with_args(args);
        }
        let DataType::Decimal128(p, s) = *args.return_field.data_type() else {
            return Err(exec_err(format!(
                "{}: unexpected result type {}",
                self.name(),
                args.return_field.data_type()
            )));
        };
        let scale = match &args.args[1] {
            ColumnarValue::Scalar(v) => self.scale(Some(v))?,
            ColumnarValue::Array(_) => self.scale(None)?,
        };
        let all_scalar = matches!(args.args[0], ColumnarValue::Scalar(_));
        let arrays = ColumnarValue::values_to_arrays(&args.args[..1])?;
        let x = arrays[0].as_primitive::<Decimal128Type>();
        let DataType::Decimal128(_, in_scale) = *x.data_type() else {
            return Err(exec_err(format!(
                "{}: unexpected argument type {}",
                self.name(),
                x.data_type()
            )));
        };
        let out = x
            .iter()
            .map(|v| {
                let Some(v) = v else { return Ok(None) };
                ceil_floor_unscaled(v, in_scale, scale, self.up)
                    .filter(|r| Decimal128Type::is_valid_decimal_precision(*r, p))
                    .map(Some)
                    .ok_or_else(|| {
                        exec_err(format!(
                            "[NUMERIC_VALUE_OUT_OF_RANGE] {}({}, {scale}) does not fit DECIMAL({p}, {s})",
                            self.name(),
                            Decimal128Type::format_decimal(v, x.precision(), in_scale)
                        ))
                    })
            })
            .collect::<DfResult<Decimal128Array>>()?
            .with_precision_and_scale(p, s)?;
        let out = Arc::new(out) as ArrayRef;
        if all_scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// A `DOUBLE` function of one `DOUBLE`, evaluated by `eval` (a [`unary_eval`] call).
fn unary(name: &'static str, eval: super::Eval) -> ColumnFn {
    ColumnFn::new(
        name,
        |t| match t {
            [x] if is_numeric(x) => Ok(vec![DataType::Float64]),
            _ => Err(plan_err(format!("takes one number, got {t:?}"))),
        },
        |_| Ok(DataType::Float64),
        eval,
    )
}

fn unary_eval(args: &[ArrayRef], f: fn(f64) -> f64) -> DfResult<ArrayRef> {
    let out: Float64Array = args[0]
        .as_primitive::<Float64Type>()
        .iter()
        .map(|v| v.map(f))
        .collect();
    Ok(Arc::new(out) as ArrayRef)
}

/// `e()`: Euler's number.
fn euler() -> ColumnFn {
    ColumnFn::new(
        "e",
        |t| fixed(t, &[], 0),
        |_| Ok(DataType::Float64),
        |_| Ok(Arc::new(Float64Array::from(vec![std::f64::consts::E])) as ArrayRef),
    )
}

/// `factorial(n)` for any integer type: `datafusion-spark`'s (`NULL` outside 0..=20).
fn factorial() -> SparkRewrite {
    SparkRewrite {
        name: "factorial",
        signature: Signature::any(1, Volatility::Immutable),
        return_type: |_| Ok(DataType::Int64),
        rewrite: |args, types| {
            if !types
                .first()
                .is_some_and(|t| t.is_integer() || *t == DataType::Null)
            {
                return Err(plan_err(format!(
                    "factorial takes an integer, got {types:?}"
                )));
            }
            let n = cast(one(args)?, DataType::Int64);
            let in_range = n.clone().gt_eq(lit(0i64)).and(n.clone().lt_eq(lit(20i64)));
            let n = when(in_range, n).otherwise(lit(ScalarValue::Int64(None)))?;
            Ok(datafusion_spark::function::math::factorial().call(vec![cast(n, DataType::Int32)]))
        },
    }
}

/// Registers the math functions.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(ScalarUDF::new_from_impl(CeilFloor::new(true)));
    ctx.register_udf(ScalarUDF::new_from_impl(CeilFloor::new(false)));
    ctx.register_udf(ScalarUDF::new_from_impl(factorial()));
    for f in [
        // Spark's sqrt of a negative number is NaN (DataFusion's fails the query).
        unary("sqrt", |args| unary_eval(args, f64::sqrt)),
        unary("log1p", |args| unary_eval(args, f64::ln_1p)),
        euler(),
        signum("signum"),
        signum("sign"),
        positive(),
        conv(),
        try_arith("try_add"),
        try_arith("try_subtract"),
        try_arith("try_multiply"),
        try_divide(),
    ] {
        ctx.register_udf(f.udf());
    }
}

#[cfg(test)]
mod tests {
    use super::conv_one;

    #[test]
    fn conv_like_spark() {
        assert_eq!(conv_one("ff", 16, 10).as_deref(), Some("255"));
        assert_eq!(conv_one("255", 10, 2).as_deref(), Some("11111111"));
        assert_eq!(conv_one("-10", 10, 16).as_deref(), Some("FFFFFFFFFFFFFFF6"));
        assert_eq!(conv_one("-10", 10, -16).as_deref(), Some("-A"));
        assert_eq!(conv_one("zz", 10, 16).as_deref(), Some("0"));
        assert_eq!(conv_one("12z", 10, 10).as_deref(), Some("12"));
        assert_eq!(conv_one("1", 1, 10), None);
    }
}
