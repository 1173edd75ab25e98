//! Spark's date and time functions that take Java datetime patterns or are missing from
//! DataFusion and `datafusion-spark`: `to_date(s, fmt)`, `to_timestamp(s[, fmt])`,
//! `unix_timestamp(s[, fmt])`, `from_unixtime(n[, fmt])`, `timestamp_seconds`, `dayofweek`,
//! `dayname`, `months_between`, `make_timestamp`.
//!
//! Timestamps are `TIMESTAMP` without a zone in microseconds (Ember's `TIMESTAMP`, read as UTC,
//! the session time zone Ember defaults to); patterns are translated to chrono's by
//! [`java_to_chrono`] and must be literals.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{
    DataType, Float64Type, Int32Type, TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::ScalarValue;
use datafusion::common::config::ConfigOptions;
use datafusion::error::Result as DfResult;
use datafusion::functions::datetime as df;
use datafusion::logical_expr::{Expr, ScalarUDF, Signature, Volatility, cast, lit};
use datafusion::prelude::SessionContext;

use super::{ColumnFn, exec_err, fixed, plan_err};
use crate::rewrites::{SparkRewrite, java_to_chrono, one};

const MICROS: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);
const DEFAULT_PATTERN: &str = "yyyy-MM-dd HH:mm:ss";

/// The chrono format of a literal Java pattern argument.
fn pattern(name: &str, e: &Expr) -> DfResult<Expr> {
    match e {
        Expr::Literal(ScalarValue::Utf8(Some(p)) | ScalarValue::Utf8View(Some(p)), _) => {
            Ok(lit(java_to_chrono(p)))
        }
        other => Err(plan_err(format!(
            "{name} takes its datetime pattern as a string literal, got {other}"
        ))),
    }
}

fn is_string(t: Option<&DataType>) -> bool {
    matches!(
        t,
        Some(DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
    )
}

fn rewrite(
    name: &'static str,
    return_type: crate::rewrites::ReturnType,
    rewrite: crate::rewrites::Rewrite,
) -> ScalarUDF {
    ScalarUDF::new_from_impl(SparkRewrite {
        name,
        signature: Signature::variadic_any(Volatility::Immutable),
        return_type,
        rewrite,
    })
}

fn to_timestamp_expr(mut args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    let config = ConfigOptions::default();
    if args.len() == 2 {
        let fmt = pattern("to_timestamp", &args[1])?;
        args[1] = fmt;
    } else if args.len() != 1 {
        return Err(plan_err(format!(
            "to_timestamp takes a value and an optional pattern, got {} arguments",
            args.len()
        )));
    }
    if args.len() == 1 && !is_string(types.first()) {
        return Ok(cast(one(args)?, MICROS));
    }
    Ok(cast(df::to_timestamp_micros(&config).call(args), MICROS))
}

/// `to_date(s[, fmt])`, `to_timestamp(s[, fmt])`, `unix_timestamp(s[, fmt])`,
/// `from_unixtime(n[, fmt])`, `timestamp_seconds(n)`, `dayofweek(d)`, `dayname(d)`.
fn rewrites() -> Vec<ScalarUDF> {
    vec![
        rewrite(
            "to_date",
            |_| Ok(DataType::Date32),
            |mut args, types| match args.len() {
                1 if is_string(types.first()) => Ok(df::expr_fn::to_date(args)),
                1 => Ok(cast(one(args)?, DataType::Date32)),
                2 => {
                    let fmt = pattern("to_date", &args[1])?;
                    args[1] = fmt;
                    Ok(df::expr_fn::to_date(args))
                }
                n => Err(plan_err(format!(
                    "to_date takes a value and an optional pattern, got {n} arguments"
                ))),
            },
        ),
        rewrite("to_timestamp", |_| Ok(MICROS), to_timestamp_expr),
        rewrite(
            "unix_timestamp",
            |_| Ok(DataType::Int64),
            |mut args, types| {
                if args.len() == 1 && is_string(types.first()) {
                    args.push(lit(DEFAULT_PATTERN));
                }
                let ts = if args.len() == 1 {
                    cast(one(args)?, MICROS)
                } else {
                    to_timestamp_expr(args, types)?
                };
                Ok(df::expr_fn::to_unixtime(vec![ts]))
            },
        ),
        rewrite(
            "from_unixtime",
            |_| Ok(DataType::Utf8),
            |args, _| {
                let mut it = args.into_iter();
                let (Some(n), fmt) = (it.next(), it.next()) else {
                    return Err(plan_err(
                        "from_unixtime takes seconds and an optional pattern".to_owned(),
                    ));
                };
                let fmt = match fmt {
                    Some(f) => pattern("from_unixtime", &f)?,
                    None => lit(java_to_chrono(DEFAULT_PATTERN)),
                };
                let ts = df::expr_fn::from_unixtime(cast(n, DataType::Int64));
                Ok(cast(df::expr_fn::to_char(ts, fmt), DataType::Utf8))
            },
        ),
        rewrite(
            "timestamp_seconds",
            |_| Ok(MICROS),
            |args, _| {
                let config = ConfigOptions::default();
                let n = cast(one(args)?, DataType::Int64);
                Ok(cast(
                    df::to_timestamp_seconds(&config).call(vec![n]),
                    MICROS,
                ))
            },
        ),
        rewrite(
            "dayofweek",
            |_| Ok(DataType::Int32),
            |args, types| {
                let mut d = one(args)?;
                if is_string(types.first()) {
                    d = cast(d, DataType::Date32);
                }
                Ok(cast(
                    cast(df::expr_fn::date_part(lit("dow"), d), DataType::Int64) + lit(1i64),
                    DataType::Int32,
                ))
            },
        ),
        rewrite(
            "dayname",
            |_| Ok(DataType::Utf8),
            |args, types| {
                let mut d = one(args)?;
                if is_string(types.first()) {
                    d = cast(d, DataType::Date32);
                }
                Ok(cast(df::expr_fn::to_char(d, lit("%a")), DataType::Utf8))
            },
        ),
    ]
}

fn micros_to_datetime(us: i64) -> DfResult<NaiveDateTime> {
    chrono::DateTime::from_timestamp_micros(us)
        .map(|d| d.naive_utc())
        .ok_or_else(|| exec_err(format!("timestamp out of range: {us} microseconds")))
}

fn is_last_day(d: NaiveDate) -> bool {
    d.succ_opt().is_none_or(|next| next.month() != d.month())
}

/// Spark's `months_between(a, b)`: whole months when both are the same day of the month or
/// both month ends, else the month difference plus the day and time difference over 31 days;
/// rounded to 8 decimals when `round` (the default).
fn months_between_one(a: NaiveDateTime, b: NaiveDateTime, round: bool) -> f64 {
    let months =
        f64::from((a.year() - b.year()) * 12) + f64::from(a.month()) - f64::from(b.month());
    let (da, db) = (a.date(), b.date());
    if da.day() == db.day() || (is_last_day(da) && is_last_day(db)) {
        return months;
    }
    let seconds =
        |t: NaiveDateTime| f64::from(t.day()) * 86_400.0 + f64::from(t.num_seconds_from_midnight());
    let diff = months + (seconds(a) - seconds(b)) / (31.0 * 86_400.0);
    if round {
        (diff * 1e8).round() / 1e8
    } else {
        diff
    }
}

fn months_between() -> ColumnFn {
    ColumnFn::new(
        "months_between",
        |t| fixed(t, &[MICROS, MICROS, DataType::Boolean], 2),
        |_| Ok(DataType::Float64),
        |args| {
            let a = args[0].as_primitive::<TimestampMicrosecondType>();
            let b = args[1].as_primitive::<TimestampMicrosecondType>();
            let round = args.get(2).map(|r| r.as_boolean());
            let out = (0..a.len())
                .map(|i| {
                    if a.is_null(i) || b.is_null(i) || round.is_some_and(|r| r.is_null(i)) {
                        return Ok(None);
                    }
                    let round = round.is_none_or(|r| r.value(i));
                    Ok(Some(months_between_one(
                        micros_to_datetime(a.value(i))?,
                        micros_to_datetime(b.value(i))?,
                        round,
                    )))
                })
                .collect::<DfResult<Float64Array>>()?;
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// `make_timestamp(year, month, day, hour, min, sec)`: an error for fields out of range, as
/// Spark with ANSI on; `sec` may have a fraction (microseconds).
fn make_timestamp() -> ColumnFn {
    ColumnFn::new(
        "make_timestamp",
        |t| {
            let mut types = vec![DataType::Int32; 5];
            types.push(DataType::Float64);
            fixed(t, &types, 6)
        },
        |_| Ok(MICROS),
        |args| {
            let ints: Vec<_> = args[..5]
                .iter()
                .map(|a| a.as_primitive::<Int32Type>())
                .collect();
            let sec = args[5].as_primitive::<Float64Type>();
            let out = (0..sec.len())
                .map(|i| {
                    if sec.is_null(i) || ints.iter().any(|a| a.is_null(i)) {
                        return Ok(None);
                    }
                    let f = |k: usize| u32::try_from(ints[k].value(i)).ok();
                    let s = sec.value(i);
                    let whole = s.trunc();
                    let micros = ((s - whole) * 1e6).round();
                    let dt = NaiveDate::from_ymd_opt(
                        ints[0].value(i),
                        f(1).unwrap_or(0),
                        f(2).unwrap_or(0),
                    )
                    .and_then(|d| {
                        d.and_hms_micro_opt(
                            f(3).unwrap_or(99),
                            f(4).unwrap_or(99),
                            whole as u32,
                            micros as u32,
                        )
                    })
                    .ok_or_else(|| {
                        exec_err(format!(
                            "make_timestamp: invalid date or time {}-{}-{} {}:{}:{s}",
                            ints[0].value(i),
                            ints[1].value(i),
                            ints[2].value(i),
                            ints[3].value(i),
                            ints[4].value(i)
                        ))
                    })?;
                    Ok(Some(dt.and_utc().timestamp_micros()))
                })
                .collect::<DfResult<TimestampMicrosecondArray>>()?;
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// Registers the datetime functions.
pub(crate) fn register(ctx: &SessionContext) {
    for f in rewrites() {
        ctx.register_udf(f);
    }
    for f in [months_between(), make_timestamp()] {
        ctx.register_udf(f.udf());
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::months_between_one;

    fn at(y: i32, m: u32, d: u32) -> chrono::NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn months_between_like_spark() {
        assert_eq!(
            months_between_one(at(2024, 3, 15), at(2024, 1, 15), true),
            2.0
        );
        assert_eq!(
            months_between_one(at(2024, 3, 31), at(2024, 2, 29), true),
            1.0
        );
        assert_eq!(
            months_between_one(at(2024, 3, 10), at(2024, 1, 15), true),
            1.83870968
        );
    }
}
