//! `bround`'s values: half-even rounding of integers, decimals and (by their decimal digits)
//! doubles, as Spark's `BRound`; and `round`'s of doubles, half up by their decimal digits.
//! `rewrites.rs`'s `Round` (with `half_even`) registers `bround` beside `round` and gives both
//! Spark's result types.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::ColumnarValue;

use super::exec_err;

/// `n` rounded at `factor` (a power of ten): ties to the even neighbour or (`half_even` false)
/// away from zero; the quotient, `None` on overflow.
fn rounded_at(n: i128, factor: i128, half_even: bool) -> Option<i128> {
    let (q, r) = (n / factor, n % factor);
    let twice = r.checked_abs()?.checked_mul(2)?;
    let away = twice > factor || (twice == factor && (!half_even || q % 2 != 0));
    if away {
        q.checked_add(n.signum())
    } else {
        Some(q)
    }
}

/// `10^e`, `None` past `i128`.
fn ten_to(e: u32) -> Option<i128> {
    10_i128.checked_pow(e)
}

/// A double rounded half-even (`half_even`, `bround`) or half-up (`round`) to `places` decimal
/// places by its decimal digits (Java's `BigDecimal` of it, which Spark rounds):
/// `bround(2.675D, 2)` is 2.68 and `round(1.005D, 2)` 1.01, where rounding the binary value
/// (2.67499…, 1.00499…) gives 2.67 and 1.0.
fn round_double(v: f64, places: i32, half_even: bool) -> f64 {
    if !v.is_finite() || v == 0.0 {
        return v;
    }
    // Rust's shortest text of the double, as Java's: digits and an exponent.
    let text = format!("{v:e}");
    let Some((mantissa, exp)) = text.split_once('e') else {
        return v;
    };
    let (Ok(exp), negative) = (exp.parse::<i64>(), mantissa.starts_with('-')) else {
        return v;
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let Ok(unscaled) = digits.parse::<i128>() else {
        return v;
    };
    // value = unscaled * 10^-scale
    let scale = i64::try_from(digits.len()).unwrap_or(i64::MAX) - 1 - exp;
    let diff = scale - i64::from(places);
    if diff <= 0 {
        return v;
    }
    let rounded = match u32::try_from(diff).ok().and_then(ten_to) {
        Some(factor) => rounded_at(unscaled, factor, half_even),
        None => Some(0),
    };
    let Some(q) = rounded else { return v };
    let q = if negative { -q } else { q };
    format!("{q}e{}", -places).parse().unwrap_or(v)
}

/// `bround(x[, d])`'s values, in `x`'s own type (`rewrites.rs`'s `Round` casts them to the
/// result type): `x` rounded half-even to `d` decimal places (`d` negative: to tens, hundreds,
/// …), as Spark's `BRound` rounds integers, decimals and (by their decimal digits) doubles.
pub(crate) fn round_half_even(args: &[ColumnarValue], rows: usize) -> DfResult<ColumnarValue> {
    round_values(args, rows, true)
}

/// `round(x, d)`'s values for a floating-point `x` (by its decimal digits, half up; see
/// [`round_double`]); `None` for another type.
pub(crate) fn round_half_up_double(
    args: &[ColumnarValue],
    rows: usize,
) -> DfResult<Option<ColumnarValue>> {
    let floating = args.first().is_some_and(|a| {
        matches!(
            a.data_type(),
            DataType::Float64 | DataType::Float32 | DataType::Float16
        )
    });
    // A scale per row is left to `datafusion-spark`'s round.
    if !floating || matches!(args.get(1), Some(ColumnarValue::Array(_))) {
        return Ok(None);
    }
    round_values(args, rows, false).map(Some)
}

/// [`round_half_even`]'s work; `ties_even` false rounds half up instead.
fn round_values(args: &[ColumnarValue], rows: usize, ties_even: bool) -> DfResult<ColumnarValue> {
    let name = if ties_even { "bround" } else { "round" };
    let places = match args.get(1) {
        None => 0,
        Some(ColumnarValue::Scalar(s)) if s.is_null() => {
            return Ok(ColumnarValue::Scalar(ScalarValue::try_from(
                args[0].data_type(),
            )?));
        }
        Some(ColumnarValue::Scalar(s)) => match s.cast_to(&DataType::Int32)? {
            ScalarValue::Int32(Some(d)) => d,
            other => return Err(exec_err(format!("{name}: a scale of {other}"))),
        },
        Some(ColumnarValue::Array(_)) => {
            return Err(exec_err(format!("{name}: the scale must be a constant")));
        }
    };
    let scalar = matches!(args[0], ColumnarValue::Scalar(_));
    let x = args[0].to_array(if scalar { 1 } else { rows })?;
    let overflow = |t: &DataType| exec_err(format!("{name}: {t} overflow rounding to {places}"));
    let out: ArrayRef = match x.data_type() {
        DataType::Float64 | DataType::Float32 | DataType::Float16 => {
            let doubles = datafusion::arrow::compute::cast(&x, &DataType::Float64)?;
            let rounded: Float64Array = doubles
                .as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.map(|v| round_double(v, places, ties_even)))
                .collect();
            datafusion::arrow::compute::cast(&rounded, x.data_type())?
        }
        t if t.is_integer() => {
            let wide = datafusion::arrow::compute::cast(&x, &DataType::Int64)?;
            let rounded: Int64Array = if places >= 0 {
                wide.as_primitive::<Int64Type>().clone()
            } else {
                let factor = u32::try_from(-i64::from(places)).ok().and_then(ten_to);
                wide.as_primitive::<Int64Type>()
                    .iter()
                    .map(|v| match (v, factor) {
                        (None, _) => Ok(None),
                        (Some(_), None) => Ok(Some(0)),
                        (Some(v), Some(f)) => rounded_at(i128::from(v), f, ties_even)
                            .and_then(|q| q.checked_mul(f))
                            .and_then(|n| i64::try_from(n).ok())
                            .map(Some)
                            .ok_or_else(|| overflow(t)),
                    })
                    .collect::<DfResult<_>>()?
            };
            let options = datafusion::arrow::compute::CastOptions {
                safe: false,
                ..Default::default()
            };
            datafusion::arrow::compute::cast_with_options(&rounded, t, &options)
                .map_err(|_| overflow(t))?
        }
        DataType::Decimal128(p, s) => {
            let diff = i64::from(*s) - i64::from(places);
            if diff <= 0 {
                x
            } else {
                let factor = u32::try_from(diff).ok().and_then(ten_to);
                let t = x.data_type().clone();
                let rounded: Decimal128Array = x
                    .as_primitive::<Decimal128Type>()
                    .iter()
                    .map(|v| match (v, factor) {
                        (None, _) => Ok(None),
                        (Some(_), None) => Ok(Some(0)),
                        (Some(v), Some(f)) => rounded_at(v, f, ties_even)
                            .and_then(|q| q.checked_mul(f))
                            .map(Some)
                            .ok_or_else(|| overflow(&t)),
                    })
                    .collect::<DfResult<_>>()?;
                Arc::new(rounded.with_precision_and_scale(*p, *s)?)
            }
        }
        DataType::Null => x,
        other => return Err(exec_err(format!("bround takes a number, got {other}"))),
    };
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?)
    } else {
        ColumnarValue::Array(out)
    })
}

#[cfg(test)]
mod tests {
    use super::{round_double, rounded_at};

    #[test]
    fn half_even_rounds_ties_to_the_even_quotient() {
        assert_eq!(rounded_at(25, 10, true), Some(2));
        assert_eq!(rounded_at(35, 10, true), Some(4));
        assert_eq!(rounded_at(-25, 10, true), Some(-2));
        assert_eq!(rounded_at(-35, 10, true), Some(-4));
        assert_eq!(rounded_at(26, 10, true), Some(3));
        // By the decimal digits Spark's BigDecimal sees, not the binary value.
        assert_eq!(round_double(2.675, 2, true), 2.68);
        assert_eq!(round_double(1.005, 2, true), 1.0);
        assert_eq!(round_double(-0.5, 0, true), 0.0);
        assert_eq!(round_double(1e20, -19, true), 1e20);
        assert_eq!(round_double(1.5e-300, 2, true), 0.0);
        assert!(round_double(f64::NAN, 0, true).is_nan());
        // Half up, as `round`: the decimal digits decide, not the binary value.
        assert_eq!(round_double(1.005, 2, false), 1.01);
        assert_eq!(round_double(-2.5, 0, false), -3.0);
        assert_eq!(round_double(2.5, 0, true), 2.0);
    }
}
