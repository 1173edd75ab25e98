//! Spark's date and time functions that take Java datetime patterns or are missing from
//! DataFusion and `datafusion-spark`: `to_date(s, fmt)`, `to_timestamp(s[, fmt])`,
//! `unix_timestamp(s[, fmt])` (and `to_unix_timestamp`), `from_unixtime(n[, fmt])`,
//! `timestamp_seconds`, `timestamp_millis`, `timestamp_micros`, `curdate`, `try_to_timestamp`,
//! `try_to_date`, `to_timestamp_ntz`, `to_timestamp_ltz`, `make_timestamp_ltz`, `dayofweek`,
//! `dayname`, `months_between`, `make_timestamp`.
//!
//! Timestamps are Spark's `TIMESTAMP`: microseconds zoned in the session time zone
//! (`spark.sql.session.timeZone`, UTC by default), the zone these functions are registered
//! with. As in Spark, a string without an offset is parsed as a wall-clock time in that zone,
//! `make_timestamp`'s fields are one, and `from_unixtime` formats in it. Patterns are translated
//! to chrono's by [`java_to_chrono`] and must be literals.

use std::hash::{Hash, Hasher};
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
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature,
    Volatility, cast, lit, when,
};
use datafusion::prelude::SessionContext;

use super::{ColumnFn, exec_err, fixed, plan_err};
use crate::rewrites::{SparkRewrite, java_to_chrono, one};

/// `TIMESTAMP_NTZ`: wall-clock microseconds without a zone.
const MICROS: DataType = DataType::Timestamp(TimeUnit::Microsecond, None);

/// Spark's `TIMESTAMP` in the session time zone `tz`.
fn zoned(tz: &Arc<str>) -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::clone(tz)))
}
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

/// A non-string value as a `TIMESTAMP` in `tz`: an instant stays the same instant, a date or
/// `TIMESTAMP_NTZ` is read as a wall-clock time in `tz` (Spark's cast).
fn to_zoned(e: Expr, t: Option<&DataType>, tz: &Arc<str>) -> Expr {
    match t {
        Some(DataType::Timestamp(_, Some(_))) => cast(e, zoned(tz)),
        Some(DataType::Timestamp(_, None) | DataType::Date32 | DataType::Date64) => {
            cast(cast(e, MICROS), zoned(tz))
        }
        _ => cast(e, zoned(tz)),
    }
}

fn to_timestamp_expr(mut args: Vec<Expr>, types: &[DataType], tz: &Arc<str>) -> DfResult<Expr> {
    if args.len() == 2 {
        let fmt = pattern("to_timestamp", &args[1])?;
        args[1] = fmt;
    } else if args.len() != 1 {
        return Err(plan_err(format!(
            "to_timestamp takes a value and an optional pattern, got {} arguments",
            args.len()
        )));
    }
    // A number is seconds since the epoch, as Spark reads it (a fraction is kept to the
    // microsecond).
    match types.first() {
        Some(t) if args.len() == 1 && t.is_integer() => {
            let seconds = cast(
                cast(one(args)?, DataType::Int64),
                DataType::Timestamp(TimeUnit::Second, Some(Arc::clone(tz))),
            );
            return Ok(cast(seconds, zoned(tz)));
        }
        Some(t) if args.len() == 1 && (t.is_floating() || t.is_decimal()) => {
            let micros = cast(one(args)?, DataType::Float64) * lit(1_000_000f64);
            return Ok(cast(
                cast(micros, DataType::Int64),
                DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::clone(tz))),
            ));
        }
        _ => {}
    }
    if args.len() == 1 && !is_string(types.first()) {
        return Ok(to_zoned(one(args)?, types.first(), tz));
    }
    let parse = ScalarUDF::new_from_impl(ParseInZone::new(tz));
    Ok(parse.call(args))
}

/// DataFusion's `to_timestamp_micros` configured with the session time zone, which parses a
/// string without an offset as a wall-clock time in that zone. Its result is labelled with the
/// zone: DataFusion 55 promises `Timestamp(µs, zone)` but returns string columns unlabelled.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ParseInZone {
    inner: Arc<ScalarUDF>,
    tz: Arc<str>,
}

impl ParseInZone {
    fn new(tz: &Arc<str>) -> Self {
        let mut config = ConfigOptions::default();
        config.execution.time_zone = Some(tz.to_string());
        Self {
            inner: df::to_timestamp_micros(&config),
            tz: Arc::clone(tz),
        }
    }
}

impl ScalarUDFImpl for ParseInZone {
    /// Not the wrapped function's name: a plan sent to another process names this very function.
    fn name(&self) -> &str {
        "__ember_to_timestamp_in_zone"
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(zoned(&self.tz))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        // The implementation itself: `ScalarUDF::invoke_with_args` would check its result
        // against the zoned type this function promises, which is what is fixed here.
        match self.inner.inner().invoke_with_args(args)? {
            ColumnarValue::Array(a) => match a.as_primitive_opt::<TimestampMicrosecondType>() {
                Some(t) => Ok(ColumnarValue::Array(Arc::new(
                    t.clone().with_timezone(Arc::clone(&self.tz)),
                ))),
                None => Err(exec_err(format!(
                    "to_timestamp: unexpected result type {}",
                    a.data_type()
                ))),
            },
            scalar @ ColumnarValue::Scalar(_) => scalar.cast_to(&zoned(&self.tz), None),
        }
    }
}

type ZonedRewriteFn = fn(Vec<Expr>, &[DataType], &Arc<str>) -> DfResult<Expr>;

/// A Spark datetime function planned as other expressions (as [`SparkRewrite`]) that depends
/// on the session time zone `tz`, for its result type or for how it reads wall-clock times.
#[derive(Debug)]
struct ZonedRewrite {
    name: &'static str,
    signature: Signature,
    tz: Arc<str>,
    returns: fn(&Arc<str>) -> DataType,
    rewrite: ZonedRewriteFn,
}

impl ZonedRewrite {
    fn udf(
        name: &'static str,
        tz: &Arc<str>,
        returns: fn(&Arc<str>) -> DataType,
        rewrite: ZonedRewriteFn,
    ) -> ScalarUDF {
        Self::with_signature(name, tz, returns, rewrite, TypeSignature::VariadicAny)
    }

    /// As [`ZonedRewrite::udf`], for a function that may also be called without arguments.
    fn udf_or_nullary(
        name: &'static str,
        tz: &Arc<str>,
        returns: fn(&Arc<str>) -> DataType,
        rewrite: ZonedRewriteFn,
    ) -> ScalarUDF {
        let either = TypeSignature::OneOf(vec![TypeSignature::Nullary, TypeSignature::VariadicAny]);
        Self::with_signature(name, tz, returns, rewrite, either)
    }

    fn with_signature(
        name: &'static str,
        tz: &Arc<str>,
        returns: fn(&Arc<str>) -> DataType,
        rewrite: ZonedRewriteFn,
        signature: TypeSignature,
    ) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            name,
            signature: Signature::new(signature, Volatility::Immutable),
            tz: Arc::clone(tz),
            returns,
            rewrite,
        })
    }
}

impl PartialEq for ZonedRewrite {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.tz == other.tz
    }
}

impl Eq for ZonedRewrite {}

impl Hash for ZonedRewrite {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.tz.hash(state);
    }
}

impl ScalarUDFImpl for ZonedRewrite {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok((self.returns)(&self.tz))
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        let types = crate::rewrites::argument_types(&args, info)?;
        Ok(ExprSimplifyResult::Simplified((self.rewrite)(
            args, &types, &self.tz,
        )?))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(crate::rewrites::not_rewritten(self.name))
    }
}

/// `to_timestamp(s[, fmt])`, `unix_timestamp(s[, fmt])`, `from_unixtime(n[, fmt])`,
/// `timestamp_seconds(n)`, `make_timestamp(...)` in the session time zone `tz`.
fn zoned_rewrites(tz: &Arc<str>) -> Vec<ScalarUDF> {
    vec![
        ZonedRewrite::udf("to_timestamp", tz, zoned, to_timestamp_expr),
        ZonedRewrite::udf("date_trunc", tz, zoned, date_trunc_zoned),
        // `from_utc_timestamp`/`to_utc_timestamp` of a string read it as a TIMESTAMP first, as
        // Spark casts it (`datafusion-spark`'s answered a TIMESTAMP_NTZ for a string).
        ZonedRewrite::udf("from_utc_timestamp", tz, zoned, |args, types, tz| {
            let (t, zone) = crate::rewrites::two(args)?;
            let t = to_zoned(t, types.first(), tz);
            Ok(datafusion_spark::function::datetime::from_utc_timestamp().call(vec![t, zone]))
        }),
        ZonedRewrite::udf("to_utc_timestamp", tz, zoned, |args, types, tz| {
            let (t, zone) = crate::rewrites::two(args)?;
            let t = to_zoned(t, types.first(), tz);
            Ok(datafusion_spark::function::datetime::to_utc_timestamp().call(vec![t, zone]))
        }),
        // A wall-clock time: the text read as if in UTC, where the instant and the wall clock
        // agree, then kept without a zone.
        ZonedRewrite::udf(
            "to_timestamp_ntz",
            tz,
            |_| MICROS,
            |args, types, _| {
                let utc: Arc<str> = Arc::from("UTC");
                if !is_string(types.first()) {
                    return Err(plan_err(
                        "to_timestamp_ntz takes a string (and an optional pattern)".to_owned(),
                    ));
                }
                Ok(cast(to_timestamp_expr(args, types, &utc)?, MICROS))
            },
        ),
        ZonedRewrite::udf("try_to_timestamp", tz, zoned, |args, types, tz| {
            super::misc::tolerant(to_timestamp_expr(args, types, tz)?)
        }),
        ZonedRewrite::udf_or_nullary(
            "unix_timestamp",
            tz,
            |_| DataType::Int64,
            |mut args, types, tz| {
                // `unix_timestamp()`: the query's start.
                if args.is_empty() {
                    return Ok(df::expr_fn::to_unixtime(vec![
                        super::misc::current_timestamp(tz),
                    ]));
                }
                if args.len() == 1 && is_string(types.first()) {
                    args.push(lit(DEFAULT_PATTERN));
                }
                let ts = if args.len() == 1 {
                    to_zoned(one(args)?, types.first(), tz)
                } else {
                    to_timestamp_expr(args, types, tz)?
                };
                Ok(df::expr_fn::to_unixtime(vec![ts]))
            },
        ),
        ZonedRewrite::udf(
            "from_unixtime",
            tz,
            |_| DataType::Utf8,
            |args, _, tz| {
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
                // The instant, shown as a wall-clock time in the session time zone.
                let ts = cast(
                    cast(n, DataType::Int64),
                    DataType::Timestamp(TimeUnit::Second, Some(Arc::clone(tz))),
                );
                Ok(cast(df::expr_fn::to_char(ts, fmt), DataType::Utf8))
            },
        ),
        // Seconds since the epoch, a fraction kept to the microsecond (`timestamp_seconds(-1.5)`
        // is 23:59:58.5; the fraction was truncated), as Spark's cast of a number reads it.
        ZonedRewrite::udf("timestamp_seconds", tz, zoned, |args, types, tz| {
            let n = one(args)?;
            Ok(match types.first() {
                Some(t) if t.is_numeric() => {
                    crate::coercion::timestamp_seconds_cast(n, t, &zoned(tz), false)
                }
                _ => cast(n, zoned(tz)),
            })
        }),
        ZonedRewrite::udf("timestamp_millis", tz, zoned, |args, _, tz| {
            let millis = cast(
                cast(one(args)?, DataType::Int64),
                DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::clone(tz))),
            );
            Ok(cast(millis, zoned(tz)))
        }),
        ZonedRewrite::udf("timestamp_micros", tz, zoned, |args, _, tz| {
            Ok(cast(cast(one(args)?, DataType::Int64), zoned(tz)))
        }),
        ZonedRewrite::udf("make_timestamp", tz, zoned, |args, _, tz| {
            zoned_make_timestamp("make_timestamp", make_timestamp_ntz(), args, tz)
        }),
        ZonedRewrite::udf("try_make_timestamp", tz, zoned, |args, _, tz| {
            zoned_make_timestamp("try_make_timestamp", try_make_timestamp_ntz(), args, tz)
        }),
    ]
}

/// `to_date(s[, fmt])`, `dayofweek(d)`, `dayname(d)`.
fn to_date_expr(mut args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    match args.len() {
        // Without a pattern, Spark's `to_date(s)` is `CAST(s AS DATE)`.
        1 if is_string(types.first()) => {
            Ok(super::datetime_text::as_date(one(args)?, types.first()))
        }
        1 => Ok(cast(one(args)?, DataType::Date32)),
        2 => {
            let fmt = pattern("to_date", &args[1])?;
            args[1] = fmt;
            Ok(df::expr_fn::to_date(args))
        }
        n => Err(plan_err(format!(
            "to_date takes a value and an optional pattern, got {n} arguments"
        ))),
    }
}

/// The truncation a format names, as Spark reads it (in any case): `(names, DataFusion's unit)`.
const TRUNC_LEVELS: [(&[&str], &str); 10] = [
    (&["year", "yyyy", "yy"], "year"),
    (&["quarter"], "quarter"),
    (&["month", "mm", "mon"], "month"),
    (&["week"], "week"),
    (&["day", "dd"], "day"),
    (&["hour"], "hour"),
    (&["minute"], "minute"),
    (&["second"], "second"),
    (&["millisecond"], "millisecond"),
    (&["microsecond"], "microsecond"),
];

/// `ts` truncated to the level `format` names among the first `levels` of [`TRUNC_LEVELS`]
/// (read per row), `none` for any other format or a NULL one.
fn truncated(format: Expr, ts: &Expr, levels: usize, none: Expr) -> Expr {
    let level = datafusion::functions::string::expr_fn::lower(cast(format, DataType::Utf8));
    let mut cases = TRUNC_LEVELS.iter().take(levels).map(|(names, unit)| {
        (
            level
                .clone()
                .in_list(names.iter().map(|n| lit(*n)).collect(), false),
            df::expr_fn::date_trunc(lit(*unit), ts.clone()),
        )
    });
    match cases.next() {
        Some((first, then)) => cases
            .fold(when(first, then), |mut case, (w, t)| case.when(w, t))
            .otherwise(none.clone())
            .unwrap_or(none),
        None => none,
    }
}

/// Spark's `trunc(d, fmt)`: the date `d` (a timestamp or string read as a date) truncated to
/// its year (`year`, `yyyy`, `yy`), quarter, month (`month`, `mm`, `mon`) or week (from
/// Monday); any other format (`dd`, `hour`, `q`) or a NULL one gives NULL, as in Spark
/// (datafusion-spark's refused them at planning, and timestamps too).
fn trunc_date(args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    let [d, format] = <[Expr; 2]>::try_from(args).map_err(|a| {
        plan_err(format!(
            "trunc takes a date and a format, got {} arguments",
            a.len()
        ))
    })?;
    if types.first().is_some_and(|t| t.is_numeric()) {
        return Err(plan_err(format!(
            "trunc: the first parameter requires the \"DATE\" type, got {}",
            types[0]
        )));
    }
    let day = super::datetime_text::as_date(d, types.first());
    let at = cast(day, MICROS);
    Ok(cast(
        truncated(
            format,
            &at,
            4,
            lit(ScalarValue::TimestampMicrosecond(None, None)),
        ),
        DataType::Date32,
    ))
}

/// Spark's `date_trunc(fmt, t)`: the TIMESTAMP `t` (a date, string or `TIMESTAMP_NTZ` read in
/// the session zone) truncated in the session zone to the level `fmt` names (`year` ...
/// `microsecond`, with Spark's other names); NULL for another format. DataFusion's refused a
/// DATE and Spark's names (`yy`, `mon`, `dd`), and failed on an unknown format.
fn date_trunc_zoned(args: Vec<Expr>, types: &[DataType], tz: &Arc<str>) -> DfResult<Expr> {
    let [format, t] = <[Expr; 2]>::try_from(args).map_err(|a| {
        plan_err(format!(
            "date_trunc takes a format and a timestamp, got {} arguments",
            a.len()
        ))
    })?;
    if types.get(1).is_some_and(|t| t.is_numeric()) {
        return Err(plan_err(format!(
            "date_trunc: the second parameter requires the \"TIMESTAMP\" type, got {}",
            types[1]
        )));
    }
    let ts = to_zoned(t, types.get(1), tz);
    Ok(truncated(
        format,
        &ts,
        TRUNC_LEVELS.len(),
        lit(ScalarValue::TimestampMicrosecond(
            None,
            Some(Arc::clone(tz)),
        )),
    ))
}

fn rewrites() -> Vec<ScalarUDF> {
    vec![
        rewrite("to_date", |_| Ok(DataType::Date32), to_date_expr),
        rewrite("trunc", |_| Ok(DataType::Date32), trunc_date),
        // `last_day` and `next_day` of a string or timestamp read it as a date, as Spark casts
        // it (`datafusion-spark`'s took only dates).
        rewrite(
            "last_day",
            |_| Ok(DataType::Date32),
            |args, types| {
                let d = super::datetime_text::as_date(one(args)?, types.first());
                Ok(datafusion_spark::function::datetime::last_day().call(vec![d]))
            },
        ),
        rewrite(
            "next_day",
            |_| Ok(DataType::Date32),
            |args, types| {
                let (d, day) = crate::rewrites::two(args)?;
                let d = super::datetime_text::as_date(d, types.first());
                Ok(datafusion_spark::function::datetime::next_day().call(vec![d, day]))
            },
        ),
        rewrite(
            "try_to_date",
            |_| Ok(DataType::Date32),
            |args, types| match args.len() {
                1 if is_string(types.first()) => Ok(super::datetime_text::text_cast(
                    one(args)?,
                    &types[0],
                    &DataType::Date32,
                    true,
                )
                .unwrap_or_else(|| lit(ScalarValue::Date32(None)))),
                _ => super::misc::tolerant(to_date_expr(args, types)?),
            },
        ),
        rewrite(
            "dayofweek",
            |_| Ok(DataType::Int32),
            |args, types| {
                let mut d = one(args)?;
                if is_string(types.first()) {
                    d = super::datetime_text::as_date(d, types.first());
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
                    d = super::datetime_text::as_date(d, types.first());
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

/// `make_timestamp(...)` (or `try_`): `ntz`'s wall-clock time read in the session time zone.
/// Rewritten after type coercion, so the arguments get `ntz`'s types here.
fn zoned_make_timestamp(
    name: &str,
    ntz: ColumnFn,
    args: Vec<Expr>,
    tz: &Arc<str>,
) -> DfResult<Expr> {
    if args.len() != 6 {
        return Err(plan_err(format!(
            "{name} takes year, month, day, hour, minute and second, got {} arguments",
            args.len()
        )));
    }
    let args = args
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            let t = if i < 5 {
                DataType::Int32
            } else {
                DataType::Float64
            };
            cast(a, t)
        })
        .collect();
    Ok(cast(ntz.udf().call(args), zoned(tz)))
}

/// `make_timestamp_ntz(year, month, day, hour, min, sec)`: a `TIMESTAMP_NTZ`, an error for
/// fields out of range, as Spark with ANSI on; `sec` may have a fraction (microseconds).
/// `make_timestamp` is this read in the session time zone.
fn make_timestamp_ntz() -> ColumnFn {
    ColumnFn::new(
        "make_timestamp_ntz",
        make_timestamp_types,
        |_| Ok(MICROS),
        |args| make_timestamps(args, true),
    )
}

/// `try_make_timestamp_ntz(...)`: [`make_timestamp_ntz`] with `NULL` for fields out of range.
fn try_make_timestamp_ntz() -> ColumnFn {
    ColumnFn::new(
        "try_make_timestamp_ntz",
        make_timestamp_types,
        |_| Ok(MICROS),
        |args| make_timestamps(args, false),
    )
}

fn make_timestamp_types(t: &[DataType]) -> DfResult<Vec<DataType>> {
    let mut types = vec![DataType::Int32; 5];
    types.push(DataType::Float64);
    fixed(t, &types, 6)
}

/// The timestamps of `make_timestamp_ntz`'s six columns; a field out of range is an error when
/// `strict`, else `NULL`.
fn make_timestamps(args: &[ArrayRef], strict: bool) -> DfResult<ArrayRef> {
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
            // Spark takes 60 seconds (with no fraction) as the next minute's start.
            let next_minute = s == 60.0;
            let whole = if next_minute { 0.0 } else { whole };
            let dt =
                NaiveDate::from_ymd_opt(ints[0].value(i), f(1).unwrap_or(0), f(2).unwrap_or(0))
                    .and_then(|d| {
                        d.and_hms_micro_opt(
                            f(3).unwrap_or(99),
                            f(4).unwrap_or(99),
                            whole as u32,
                            micros as u32,
                        )
                    })
                    .and_then(|dt| {
                        if next_minute {
                            dt.checked_add_signed(chrono::TimeDelta::minutes(1))
                        } else {
                            Some(dt)
                        }
                    });
            match dt {
                Some(dt) => Ok(Some(dt.and_utc().timestamp_micros())),
                None if !strict => Ok(None),
                None => Err(exec_err(format!(
                    "make_timestamp: invalid date or time {}-{}-{} {}:{}:{s}",
                    ints[0].value(i),
                    ints[1].value(i),
                    ints[2].value(i),
                    ints[3].value(i),
                    ints[4].value(i)
                ))),
            }
        })
        .collect::<DfResult<TimestampMicrosecondArray>>()?;
    Ok(Arc::new(out) as ArrayRef)
}

/// Registers the datetime functions; `TIMESTAMP`s are zoned in `time_zone`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    for f in rewrites().into_iter().chain(zoned_rewrites(time_zone)) {
        ctx.register_udf(f);
    }
    // What `to_timestamp` of a string is planned into, registered so that a cluster's nodes
    // know it by name.
    ctx.register_udf(ScalarUDF::new_from_impl(ParseInZone::new(time_zone)));
    for f in [
        months_between(),
        make_timestamp_ntz(),
        try_make_timestamp_ntz(),
    ] {
        ctx.register_udf(f.udf());
    }
    // Spark's other names: `to_unix_timestamp` is `unix_timestamp`, `curdate` `current_date`.
    super::alias_udfs(
        ctx,
        &[
            ("unix_timestamp", "to_unix_timestamp"),
            ("to_timestamp", "to_timestamp_ltz"),
            ("make_timestamp", "make_timestamp_ltz"),
            ("try_make_timestamp", "try_make_timestamp_ltz"),
            ("current_date", "curdate"),
        ],
    );
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
