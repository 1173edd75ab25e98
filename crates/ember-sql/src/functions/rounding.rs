//! `bround`'s values: half-even rounding of integers, decimals and (by their decimal digits)
//! doubles, as Spark's `BRound`. `rewrites.rs`'s `Round` (with `half_even`) registers `bround`
//! beside `round` and gives both Spark's result types.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int64Type};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::ColumnarValue;

use super::exec_err;

/// `q` rounded at `factor` (a power of ten) of `n = q * factor + r`, ties to the even neighbour:
/// the quotient, `None` on overflow.
fn half_even(n: i128, factor: i128) -> Option<i128> {
    let (q, r) = (n / factor, n % factor);
    let twice = r.checked_abs()?.checked_mul(2)?;
    let away = twice > factor || (twice == factor && q % 2 != 0);
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

/// A double rounded half-even to `places` decimal places by its decimal digits (Java's
/// `BigDecimal` of it, which Spark rounds): `bround(2.675D, 2)` is 2.68, where rounding the
/// binary value (2.67499…) gives 2.67.
fn bround_double(v: f64, places: i32) -> f64 {
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
        Some(factor) => half_even(unscaled, factor),
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
    let places = match args.get(1) {
        None => 0,
        Some(ColumnarValue::Scalar(s)) if s.is_null() => {
            return Ok(ColumnarValue::Scalar(ScalarValue::try_from(
                args[0].data_type(),
            )?));
        }
        Some(ColumnarValue::Scalar(s)) => match s.cast_to(&DataType::Int32)? {
            ScalarValue::Int32(Some(d)) => d,
            other => return Err(exec_err(format!("bround: a scale of {other}"))),
        },
        Some(ColumnarValue::Array(_)) => {
            return Err(exec_err("bround: the scale must be a constant".to_owned()));
        }
    };
    let scalar = matches!(args[0], ColumnarValue::Scalar(_));
    let x = args[0].to_array(if scalar { 1 } else { rows })?;
    let overflow = |t: &DataType| exec_err(format!("bround: {t} overflow rounding to {places}"));
    let out: ArrayRef = match x.data_type() {
        DataType::Float64 | DataType::Float32 | DataType::Float16 => {
            let doubles = datafusion::arrow::compute::cast(&x, &DataType::Float64)?;
            let rounded: Float64Array = doubles
                .as_primitive::<Float64Type>()
                .iter()
                .map(|v| v.map(|v| bround_double(v, places)))
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
                        (Some(v), Some(f)) => half_even(i128::from(v), f)
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
                        (Some(v), Some(f)) => half_even(v, f)
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
    use super::{bround_double, half_even};

    #[test]
    fn half_even_rounds_ties_to_the_even_quotient() {
        assert_eq!(half_even(25, 10), Some(2));
        assert_eq!(half_even(35, 10), Some(4));
        assert_eq!(half_even(-25, 10), Some(-2));
        assert_eq!(half_even(-35, 10), Some(-4));
        assert_eq!(half_even(26, 10), Some(3));
        // By the decimal digits Spark's BigDecimal sees, not the binary value.
        assert_eq!(bround_double(2.675, 2), 2.68);
        assert_eq!(bround_double(1.005, 2), 1.0);
        assert_eq!(bround_double(-0.5, 0), 0.0);
        assert_eq!(bround_double(1e20, -19), 1e20);
        assert_eq!(bround_double(1.5e-300, 2), 0.0);
        assert!(bround_double(f64::NAN, 0).is_nan());
    }
}
