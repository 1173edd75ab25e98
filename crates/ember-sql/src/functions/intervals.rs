//! Spark's interval types and the functions that make them (issue 20).
//!
//! Spark's three interval types are held as the Arrow types of the same values (the ones
//! PySpark's Arrow conversion uses):
//!
//! | Spark type | Arrow type |
//! |---|---|
//! | `interval day to second` and its narrower spans (`interval day`, ...) | `Duration(µs)`, the span in the field's [`INTERVAL_FIELDS`] metadata |
//! | `interval year to month` | `Interval(YearMonth)` (months) |
//! | `interval` (a calendar interval: `make_interval`, interval literals) | `Interval(MonthDayNano)` |
//!
//! - `DATE - DATE` is an `interval day` ([`date_minus_date`]), as Spark's; DataFusion's is a
//!   `BIGINT` of days.
//! - `make_ym_interval(years, months)`, `make_dt_interval(days, hours, mins, secs)`: every
//!   argument optional (0), `[INTERVAL_ARITHMETIC_OVERFLOW]` past the type's range as Spark's.
//! - `make_interval(...)` fails with `[ARITHMETIC_OVERFLOW]` where `datafusion-spark`'s gave
//!   `NULL`; `try_make_interval(...)` is that `NULL`.
//! - [`interval_texts`]: the text `CAST(i AS STRING)` and `show()` write: `INTERVAL '29' DAY`,
//!   `INTERVAL '-1 02:00:04.5' DAY TO SECOND`, `INTERVAL '1-2' YEAR TO MONTH`, `1 years 2 months
//!   25 days 5 hours 6 minutes 7.5 seconds`.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray as _, DurationMicrosecondArray, IntervalYearMonthArray, StringArray,
};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DurationMicrosecondType, Field, FieldRef, Int32Type,
    IntervalDayTimeType, IntervalMonthDayNanoType, IntervalUnit, IntervalYearMonthType, TimeUnit,
};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::execution::FunctionRegistry as _;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    TypeSignature, Volatility,
};
use datafusion::prelude::SessionContext;
use ember_types::INTERVAL_FIELDS;

use super::{exec_err, plan_err};

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;

/// Spark's error for an interval out of its type's range.
fn interval_overflow() -> datafusion::error::DataFusionError {
    exec_err(
        "[INTERVAL_ARITHMETIC_OVERFLOW.WITHOUT_SUGGESTION] Integer overflow while operating with \
         intervals. Try devising appropriate values for the interval parameters. SQLSTATE: 22015"
            .to_owned(),
    )
}

/// The Arrow type of Spark's day-time intervals.
pub(crate) const DAY_TIME: DataType = DataType::Duration(TimeUnit::Microsecond);

/// The field of a day-time interval spanning `fields` (`"day"`, ...).
fn day_time_field(name: &str, fields: &str) -> FieldRef {
    Arc::new(
        Field::new(name, DAY_TIME, true)
            .with_metadata([(INTERVAL_FIELDS.to_owned(), fields.to_owned())].into()),
    )
}

/// Spark's text of a day-time interval of `micros` spanning `fields` (`"day"`, `"day to
/// second"`, `"hour to minute"`, ...): `INTERVAL '-1 02:00:04.5' DAY TO SECOND`. The sign
/// leads, the first field is not bounded, the seconds lose trailing zeros.
pub(crate) fn day_time_text(micros: i64, fields: &str) -> String {
    const UNITS: [&str; 4] = ["day", "hour", "minute", "second"];
    let (from, to) = fields.split_once(" to ").unwrap_or((fields, fields));
    let at = |unit: &str| UNITS.iter().position(|u| *u == unit);
    let (from, to) = match (at(from), at(to)) {
        (Some(f), Some(t)) if f <= t => (f, t),
        _ => (0, 3),
    };
    let sign = if micros < 0 { "-" } else { "" };
    let mut rest = micros.unsigned_abs();
    let mut text = String::new();
    for (i, unit) in [MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE]
        .into_iter()
        .enumerate()
        .take(to.min(2) + 1)
        .skip(from)
    {
        let unit = unit.unsigned_abs();
        let value = rest / unit;
        rest %= unit;
        match i {
            0 => text.push_str(&value.to_string()),
            _ if i == from => text.push_str(&format!("{value:02}")),
            1 => text.push_str(&format!(" {value:02}")),
            _ => text.push_str(&format!(":{value:02}")),
        }
    }
    if to == 3 {
        let second = MICROS_PER_SECOND.unsigned_abs();
        let (seconds, fraction) = (rest / second, rest % second);
        if from < 3 {
            text.push(':');
        }
        text.push_str(&format!("{seconds:02}"));
        if fraction > 0 {
            let digits = format!("{fraction:06}");
            text.push('.');
            text.push_str(digits.trim_end_matches('0'));
        }
    }
    let span = if from == to {
        UNITS[from].to_uppercase()
    } else {
        format!("{} TO {}", UNITS[from], UNITS[to]).to_uppercase()
    };
    format!("INTERVAL '{sign}{text}' {span}")
}

/// Spark's text of a year-month interval of `months` spanning `fields` (`"year"`, `"month"`,
/// else both): `INTERVAL '-1-2' YEAR TO MONTH`, `INTERVAL '14' MONTH`.
pub(crate) fn year_month_text(months: i32, fields: &str) -> String {
    let sign = if months < 0 { "-" } else { "" };
    let m = months.unsigned_abs();
    match fields {
        "year" => format!("INTERVAL '{sign}{}' YEAR", m / 12),
        "month" => format!("INTERVAL '{sign}{m}' MONTH"),
        _ => format!("INTERVAL '{sign}{}-{}' YEAR TO MONTH", m / 12, m % 12),
    }
}

/// Spark's text of a calendar interval (`CalendarInterval.toString`): `1 years 2 months 25 days
/// 5 hours 6 minutes 7.5 seconds`, the parts that are zero left out, `0 seconds` for none.
/// Spark holds microseconds: nanoseconds below one are dropped.
pub(crate) fn calendar_text(months: i32, days: i32, nanos: i64) -> String {
    let micros = nanos / 1000;
    if months == 0 && days == 0 && micros == 0 {
        return "0 seconds".to_owned();
    }
    let mut parts = Vec::new();
    let mut unit = |value: i64, name: &str| {
        if value != 0 {
            parts.push(format!("{value} {name}"));
        }
    };
    unit(i64::from(months / 12), "years");
    unit(i64::from(months % 12), "months");
    unit(i64::from(days), "days");
    unit(micros / MICROS_PER_HOUR, "hours");
    let rest = micros % MICROS_PER_HOUR;
    unit(rest / MICROS_PER_MINUTE, "minutes");
    let rest = rest % MICROS_PER_MINUTE;
    if rest != 0 {
        let sign = if rest < 0 { "-" } else { "" };
        let abs = rest.unsigned_abs();
        let (secs, fraction) = (abs / 1_000_000, abs % 1_000_000);
        let fraction = format!("{fraction:06}");
        let fraction = fraction.trim_end_matches('0');
        let dot = if fraction.is_empty() { "" } else { "." };
        parts.push(format!("{sign}{secs}{dot}{fraction} seconds"));
    }
    parts.join(" ")
}

/// Whether `t` is one of the interval types this module writes as Spark does.
pub(crate) fn is_interval(t: &DataType) -> bool {
    matches!(t, DataType::Duration(_) | DataType::Interval(_))
}

/// Spark's text of each interval of `array` ([`is_interval`]), an ANSI one spanning `fields`
/// (see [`day_time_text`], [`year_month_text`]; `""`: the widest).
pub(crate) fn interval_texts(array: &dyn Array, fields: &str) -> DfResult<ArrayRef> {
    let texts: StringArray = match array.data_type() {
        DataType::Duration(_) => {
            let micros = datafusion::arrow::compute::cast(array, &DAY_TIME)?;
            micros
                .as_primitive::<DurationMicrosecondType>()
                .iter()
                .map(|v| v.map(|v| day_time_text(v, fields)))
                .collect()
        }
        DataType::Interval(IntervalUnit::YearMonth) => array
            .as_primitive::<IntervalYearMonthType>()
            .iter()
            .map(|v| v.map(|v| year_month_text(v, fields)))
            .collect(),
        DataType::Interval(IntervalUnit::MonthDayNano) => array
            .as_primitive::<IntervalMonthDayNanoType>()
            .iter()
            .map(|v| v.map(|v| calendar_text(v.months, v.days, v.nanoseconds)))
            .collect(),
        DataType::Interval(IntervalUnit::DayTime) => array
            .as_primitive::<IntervalDayTimeType>()
            .iter()
            .map(|v| v.map(|v| calendar_text(0, v.days, i64::from(v.milliseconds) * 1_000_000)))
            .collect(),
        other => return Err(exec_err(format!("an interval was expected, got {other}"))),
    };
    Ok(Arc::new(texts))
}

/// `i`, a calendar interval without months (an `INTERVAL '1' DAY` literal as DataFusion plans
/// it), as a day-time interval: how Spark compares and adds it beside one. Arrow's cast refuses
/// one with days; a year or month in it is refused as Spark refuses mixing the two kinds.
pub(crate) fn as_day_time(i: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(as_day_time_udf()),
        vec![i],
    ))
}

/// [`as_day_time`]'s function (registered, so a cluster node can decode a plan that holds it).
fn as_day_time_udf() -> ScalarUDF {
    super::ColumnFn::new(
        "__ember_as_day_time",
        |t| match t {
            [DataType::Interval(IntervalUnit::MonthDayNano)] => Ok(t.to_vec()),
            _ => Err(plan_err(format!(
                "a calendar interval was expected, got {t:?}"
            ))),
        },
        |_| Ok(DAY_TIME),
        |args| {
            let out: DurationMicrosecondArray = args[0]
                .as_primitive::<IntervalMonthDayNanoType>()
                .iter()
                .map(|v| match v {
                    None => Ok(None),
                    Some(v) if v.months != 0 => Err(exec_err(
                        "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] an interval of years or months \
                         cannot be compared with or added to an interval of days and seconds"
                            .to_owned(),
                    )),
                    Some(v) => i64::from(v.days)
                        .checked_mul(MICROS_PER_DAY)
                        .and_then(|d| d.checked_add(v.nanoseconds / 1000))
                        .map(Some)
                        .ok_or_else(interval_overflow),
                })
                .collect::<DfResult<_>>()?;
            Ok(Arc::new(out))
        },
    )
    .udf()
}

/// `d`, a day-time interval, as a calendar interval of its whole days and the rest in
/// nanoseconds: what DataFusion adds to a date and steps a date series by.
pub(crate) fn as_calendar(d: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(as_calendar_udf()),
        vec![d],
    ))
}

fn as_calendar_udf() -> ScalarUDF {
    super::ColumnFn::new(
        "__ember_as_calendar",
        |t| match t {
            [DataType::Duration(_)] => Ok(vec![DAY_TIME]),
            _ => Err(plan_err(format!(
                "a day-time interval was expected, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Interval(IntervalUnit::MonthDayNano)),
        |args| {
            use datafusion::arrow::datatypes::IntervalMonthDayNano;
            let out: datafusion::arrow::array::IntervalMonthDayNanoArray = args[0]
                .as_primitive::<DurationMicrosecondType>()
                .iter()
                .map(|v| {
                    v.map(|micros| {
                        let days = micros / MICROS_PER_DAY;
                        let rest = micros % MICROS_PER_DAY;
                        // |days| < 2^31: an i64 of microseconds holds 106 751 991 days.
                        IntervalMonthDayNano::new(0, days as i32, rest * 1000)
                    })
                })
                .collect();
            Ok(Arc::new(out))
        },
    )
    .udf()
}

/// `interval * n` (or `n * interval`) and `interval / n` of an ANSI interval and a number, as
/// Spark's `MultiplyDTInterval`/`DivideDTInterval` (and the year-month ones): exact for
/// integers and decimals, rounded half up to a whole microsecond (month); a `DOUBLE` in double
/// arithmetic, rounded half up; `[INTERVAL_DIVIDED_BY_ZERO]` for a zero divisor and
/// `[INTERVAL_ARITHMETIC_OVERFLOW]` past the type. The result spans the type's widest fields
/// (`interval day` times 2 is an `interval day to second`, as Spark's).
pub(crate) fn interval_arithmetic(interval: Expr, number: Expr, divide: bool) -> Expr {
    let udf = if divide {
        interval_divide_udf()
    } else {
        interval_times_udf()
    };
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(udf),
        vec![interval, number],
    ))
}

/// Whether `t` is an ANSI interval type (day-time or year-month).
pub(crate) fn is_ansi(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Duration(_) | DataType::Interval(IntervalUnit::YearMonth)
    )
}

fn interval_times_udf() -> ScalarUDF {
    super::ColumnFn::new(
        "__ember_interval_times",
        interval_number_types,
        |t| Ok(t[0].clone()),
        |args| scaled(args, false),
    )
    .udf()
}

fn interval_divide_udf() -> ScalarUDF {
    super::ColumnFn::new(
        "__ember_interval_divide",
        interval_number_types,
        |t| Ok(t[0].clone()),
        |args| scaled(args, true),
    )
    .udf()
}

fn interval_number_types(t: &[DataType]) -> DfResult<Vec<DataType>> {
    let interval = match t.first() {
        Some(DataType::Duration(_)) => DAY_TIME,
        Some(y @ DataType::Interval(IntervalUnit::YearMonth)) => y.clone(),
        _ => {
            return Err(plan_err(format!(
                "an ANSI interval and a number were expected, got {t:?}"
            )));
        }
    };
    let number = match t.get(1) {
        Some(n) if n.is_integer() || *n == DataType::Null => DataType::Int64,
        Some(n) if n.is_floating() => DataType::Float64,
        Some(DataType::Decimal128(p, s)) => DataType::Decimal128(*p, *s),
        Some(d @ (DataType::Decimal32(..) | DataType::Decimal64(..))) => match d {
            DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => DataType::Decimal128(*p, *s),
            _ => DataType::Float64,
        },
        _ => {
            return Err(plan_err(format!(
                "an ANSI interval and a number were expected, got {t:?}"
            )));
        }
    };
    Ok(vec![interval, number])
}

/// `a / b` rounded half up (away from zero); `None` for a zero `b` or an overflow.
fn divide_half_up(a: i128, b: i128) -> Option<i128> {
    let (q, r) = (a.checked_div(b)?, a.checked_rem(b)?);
    // 2|r| >= |b|, without doubling a remainder near the type's end.
    if r.unsigned_abs() >= b.unsigned_abs() - r.unsigned_abs() {
        Some(q + if (a < 0) == (b < 0) { 1 } else { -1 })
    } else {
        Some(q)
    }
}

fn scaled(args: &[ArrayRef], divide: bool) -> DfResult<ArrayRef> {
    use datafusion::arrow::datatypes::{Float64Type, Int64Type};
    let divided_by_zero = || {
        exec_err(
            "[INTERVAL_DIVIDED_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor \
             being 0 and return NULL instead. SQLSTATE: 22012"
                .to_owned(),
        )
    };
    let amounts: Vec<Option<i128>> = match args[0].data_type() {
        DataType::Interval(IntervalUnit::YearMonth) => args[0]
            .as_primitive::<IntervalYearMonthType>()
            .iter()
            .map(|v| v.map(i128::from))
            .collect(),
        _ => args[0]
            .as_primitive::<DurationMicrosecondType>()
            .iter()
            .map(|v| v.map(i128::from))
            .collect(),
    };
    let number = &args[1];
    let results: Vec<Option<i128>> = (0..amounts.len())
        .map(|i| {
            let Some(a) = amounts[i] else {
                return Ok(None);
            };
            if number.is_null(i) {
                return Ok(None);
            }
            let out = match number.data_type() {
                DataType::Int64 => {
                    let n = i128::from(number.as_primitive::<Int64Type>().value(i));
                    if divide {
                        if n == 0 {
                            return Err(divided_by_zero());
                        }
                        divide_half_up(a, n)
                    } else {
                        a.checked_mul(n)
                    }
                }
                DataType::Decimal128(_, scale) => {
                    let n = number.as_primitive::<Decimal128Type>().value(i);
                    let Some(unit) = u32::try_from(*scale)
                        .ok()
                        .and_then(|scale| 10i128.checked_pow(scale))
                    else {
                        return Err(interval_overflow());
                    };
                    if divide {
                        if n == 0 {
                            return Err(divided_by_zero());
                        }
                        a.checked_mul(unit).and_then(|a| divide_half_up(a, n))
                    } else {
                        a.checked_mul(n).and_then(|p| divide_half_up(p, unit))
                    }
                }
                _ => {
                    let n = number.as_primitive::<Float64Type>().value(i);
                    if divide && n == 0.0 {
                        return Err(divided_by_zero());
                    }
                    let v = if divide { a as f64 / n } else { a as f64 * n };
                    // Half up, away from zero, as Java's RoundingMode.HALF_UP.
                    let v = v.round();
                    (v.is_finite() && v.abs() < 9.2e18).then_some(v as i128)
                }
            };
            out.map(Some).ok_or_else(interval_overflow)
        })
        .collect::<DfResult<_>>()?;
    Ok(match args[0].data_type() {
        DataType::Interval(IntervalUnit::YearMonth) => Arc::new(
            results
                .into_iter()
                .map(|v| v.map(i32::try_from).transpose())
                .collect::<Result<IntervalYearMonthArray, _>>()
                .map_err(|_| interval_overflow())?,
        ),
        _ => Arc::new(
            results
                .into_iter()
                .map(|v| v.map(i64::try_from).transpose())
                .collect::<Result<DurationMicrosecondArray, _>>()
                .map_err(|_| interval_overflow())?,
        ),
    })
}

/// `interval` (an ANSI interval spanning `fields`) as a `BIGINT` count of its last field's
/// unit, as Spark casts one to a number: `INTERVAL '1 02' DAY TO HOUR` is 26, `INTERVAL '1-2'
/// YEAR TO MONTH` 14 (whole units, toward zero).
pub(crate) fn interval_count(interval: Expr, fields: &str) -> Expr {
    let last = fields.rsplit(' ').next().unwrap_or(fields).to_owned();
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(interval_count_udf()),
        vec![interval, datafusion::logical_expr::lit(last)],
    ))
}

fn interval_count_udf() -> ScalarUDF {
    super::ColumnFn::new(
        "__ember_interval_count",
        |t| match t {
            [i, DataType::Utf8] if is_ansi(i) => Ok(t.to_vec()),
            _ => Err(plan_err(format!(
                "an ANSI interval and its unit were expected, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Int64),
        |args| {
            use datafusion::arrow::array::Int64Array;
            let unit = args[1].as_string::<i32>();
            let unit = if unit.is_empty() { "" } else { unit.value(0) };
            let size: i64 = match unit {
                "year" => 12,
                "month" | "microsecond" => 1,
                "day" => MICROS_PER_DAY,
                "hour" => MICROS_PER_HOUR,
                "minute" => MICROS_PER_MINUTE,
                _ => MICROS_PER_SECOND,
            };
            let out: Int64Array = match args[0].data_type() {
                DataType::Interval(IntervalUnit::YearMonth) => args[0]
                    .as_primitive::<IntervalYearMonthType>()
                    .iter()
                    .map(|v| v.map(|v| i64::from(v) / size))
                    .collect(),
                _ => datafusion::arrow::compute::cast(&args[0], &DAY_TIME)?
                    .as_primitive::<DurationMicrosecondType>()
                    .iter()
                    .map(|v| v.map(|v| v / size))
                    .collect(),
            };
            Ok(Arc::new(out))
        },
    )
    .udf()
}

/// The part `field` names of an interval of type `t`, and its Spark type; `None` for an
/// argument that is no ANSI interval.
pub(crate) fn interval_part(
    field: &str,
    t: &DataType,
) -> Option<DfResult<(&'static str, DataType)>> {
    let field = field.to_ascii_uppercase();
    let part = match (t, field.as_str()) {
        (DataType::Duration(_), "DAY" | "D" | "DAYS") => ("day", DataType::Int32),
        (DataType::Duration(_), "HOUR" | "H" | "HOURS" | "HR" | "HRS") => ("hour", DataType::Int8),
        (DataType::Duration(_), "MINUTE" | "M" | "MIN" | "MINS" | "MINUTES") => {
            ("minute", DataType::Int8)
        }
        (DataType::Duration(_), "SECOND" | "S" | "SEC" | "SECONDS" | "SECS") => {
            ("second", DataType::Decimal128(8, 6))
        }
        (DataType::Interval(IntervalUnit::YearMonth), "YEAR" | "Y" | "YEARS" | "YR" | "YRS") => {
            ("year", DataType::Int32)
        }
        (DataType::Interval(IntervalUnit::YearMonth), "MONTH" | "MON" | "MONS" | "MONTHS") => {
            ("month", DataType::Int8)
        }
        (DataType::Duration(_) | DataType::Interval(IntervalUnit::YearMonth), _) => {
            return Some(Err(plan_err(format!(
                "[INVALID_EXTRACT_FIELD] Cannot extract {field} from {}. SQLSTATE: 42601",
                crate::types::spark_type_name(t).to_uppercase()
            ))));
        }
        _ => return None,
    };
    Some(Ok(part))
}

/// The `part` ([`interval_part`]'s name) of each interval of `values`.
pub(crate) fn interval_part_values(part: &str, values: &ArrayRef) -> DfResult<ArrayRef> {
    let out: ArrayRef = match part {
        "year" | "month" => {
            let months = values.as_primitive::<IntervalYearMonthType>();
            if part == "year" {
                Arc::new(months.unary::<_, datafusion::arrow::datatypes::Int32Type>(|m| m / 12))
            } else {
                Arc::new(
                    months.unary::<_, datafusion::arrow::datatypes::Int8Type>(|m| (m % 12) as i8),
                )
            }
        }
        _ => {
            let micros = datafusion::arrow::compute::cast(&values, &DAY_TIME)?;
            let micros = micros.as_primitive::<DurationMicrosecondType>();
            match part {
                "day" => Arc::new(micros.unary::<_, datafusion::arrow::datatypes::Int32Type>(
                    |v| (v / MICROS_PER_DAY) as i32,
                )),
                "hour" => Arc::new(micros.unary::<_, datafusion::arrow::datatypes::Int8Type>(
                    |v| (v / MICROS_PER_HOUR % 24) as i8,
                )),
                "minute" => Arc::new(micros.unary::<_, datafusion::arrow::datatypes::Int8Type>(
                    |v| (v / MICROS_PER_MINUTE % 60) as i8,
                )),
                _ => Arc::new(
                    micros
                        .unary::<_, Decimal128Type>(|v| i128::from(v % MICROS_PER_MINUTE))
                        .with_precision_and_scale(8, 6)?,
                ),
            }
        }
    };
    Ok(out)
}

/// `plan` with the aggregates that keep an ANSI interval's fields (`sum`, `min`, `max`, `first`,
/// `last`, `any_value` of an `interval day` are Spark's `interval day`) marked with them, and
/// the schemas above recomputed: DataFusion's aggregates give a field without its input's
/// metadata, which made `sum(DATE - DATE)` an `interval day to second`.
pub(crate) fn keep_interval_fields(
    plan: datafusion::logical_expr::LogicalPlan,
) -> DfResult<datafusion::logical_expr::LogicalPlan> {
    use datafusion::common::tree_node::{Transformed, TreeNode};
    use datafusion::logical_expr::{Aggregate, ExprSchemable, LogicalPlan};
    let marked = plan.transform_up(|node| {
        let LogicalPlan::Aggregate(agg) = &node else {
            return Ok(Transformed::no(node));
        };
        let input = agg.input.schema();
        let mut changed = false;
        let aggregates: Vec<Expr> = agg
            .aggr_expr
            .iter()
            .map(|e| {
                let Expr::AggregateFunction(f) = e else {
                    return e.clone();
                };
                let keeps = matches!(
                    f.func.name(),
                    "sum" | "min" | "max" | "first_value" | "last_value" | "any_value"
                );
                match f.params.args.as_slice() {
                    [arg] if keeps => match arg.to_field(input) {
                        Ok((_, field))
                            if is_ansi(field.data_type())
                                && field.metadata().contains_key(INTERVAL_FIELDS) =>
                        {
                            changed = true;
                            let metadata = datafusion::logical_expr::expr::FieldMetadata::from(
                                field.metadata().clone(),
                            );
                            let name = e.schema_name().to_string();
                            e.clone().alias_with_metadata(name, Some(metadata))
                        }
                        _ => e.clone(),
                    },
                    _ => e.clone(),
                }
            })
            .collect();
        if !changed {
            return Ok(Transformed::no(node));
        }
        Aggregate::try_new(Arc::clone(&agg.input), agg.group_expr.clone(), aggregates)
            .map(|a| Transformed::yes(LogicalPlan::Aggregate(a)))
    })?;
    if !marked.transformed {
        return Ok(marked.data);
    }
    marked
        .data
        .transform_up(|p| p.recompute_schema().map(Transformed::yes))
        .map(|t| t.data)
}

/// The function an ANSI interval literal is planned as (`interval_literals.rs`):
/// `__ember_interval(amount, fields)`, the amount in microseconds for day-time `fields`
/// (`'day'`, `'hour to second'`), in months for year-month ones (`'year'`, `'year to month'`).
pub(crate) const INTERVAL_LITERAL: &str = "__ember_interval";

/// Whether `fields` (`"year"`, `"month"`, `"year to month"`) span a year-month interval.
pub(crate) fn is_year_month(fields: &str) -> bool {
    fields.starts_with("year") || fields == "month"
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct IntervalLiteral {
    signature: Signature,
}

impl IntervalLiteral {
    fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::exact(
                vec![DataType::Int64, DataType::Utf8],
                Volatility::Immutable,
            ),
        })
    }
}

impl ScalarUDFImpl for IntervalLiteral {
    fn name(&self) -> &str {
        INTERVAL_LITERAL
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(format!(
            "{INTERVAL_LITERAL}'s type follows its fields"
        )))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let fields = match args.scalar_arguments.get(1) {
            Some(Some(ScalarValue::Utf8(Some(fields)))) => fields.clone(),
            _ => return Err(plan_err(format!("{INTERVAL_LITERAL} takes literal fields"))),
        };
        let data_type = if is_year_month(&fields) {
            DataType::Interval(IntervalUnit::YearMonth)
        } else {
            DAY_TIME
        };
        Ok(Arc::new(
            Field::new(INTERVAL_LITERAL, data_type, true)
                .with_metadata([(INTERVAL_FIELDS.to_owned(), fields)].into()),
        ))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let amounts = arrays[0].as_primitive::<datafusion::arrow::datatypes::Int64Type>();
        let out: ArrayRef = match args.return_field.data_type() {
            DataType::Interval(IntervalUnit::YearMonth) => Arc::new(
                amounts
                    .iter()
                    .map(|v| v.map(i32::try_from).transpose())
                    .collect::<Result<IntervalYearMonthArray, _>>()
                    .map_err(|_| interval_overflow())?,
            ),
            _ => Arc::new(amounts.iter().collect::<DurationMicrosecondArray>()),
        };
        super::answer(out, all_scalar)
    }
}

/// The name `DATE - DATE` is planned as.
const DATE_MINUS_DATE: &str = "__ember_date_minus_date";

/// `a - b` of two dates: Spark's `interval day` between them.
pub(crate) fn date_minus_date(a: Expr, b: Expr) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(DateMinusDate::udf()),
        vec![a, b],
    ))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct DateMinusDate {
    signature: Signature,
}

impl DateMinusDate {
    fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            signature: Signature::exact(
                vec![DataType::Date32, DataType::Date32],
                Volatility::Immutable,
            ),
        })
    }
}

impl ScalarUDFImpl for DateMinusDate {
    fn name(&self) -> &str {
        DATE_MINUS_DATE
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DAY_TIME)
    }

    fn return_field_from_args(&self, _args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        Ok(day_time_field(DATE_MINUS_DATE, "day"))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [a, b] = arrays.as_slice() else {
            return Err(plan_err(format!("{DATE_MINUS_DATE} takes two dates")));
        };
        let (a, b) = (
            a.as_primitive::<Date32Type>(),
            b.as_primitive::<Date32Type>(),
        );
        let out: DurationMicrosecondArray = a
            .iter()
            .zip(b.iter())
            .map(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => (i64::from(a) - i64::from(b))
                    .checked_mul(MICROS_PER_DAY)
                    .map(Some)
                    .ok_or_else(interval_overflow),
                _ => Ok(None),
            })
            .collect::<DfResult<_>>()?;
        super::answer(Arc::new(out), all_scalar)
    }
}

/// `make_ym_interval` and `make_dt_interval`: every argument optional (Spark's default 0), each
/// cast to its parameter's type as Spark's implicit casts do.
#[derive(Debug)]
struct MakeInterval {
    name: &'static str,
    params: Vec<DataType>,
    returns: DataType,
    signature: Signature,
    /// The interval of each row from all the parameters' columns (defaults filled in).
    eval: fn(&[ArrayRef]) -> DfResult<ArrayRef>,
}

impl PartialEq for MakeInterval {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for MakeInterval {}

impl std::hash::Hash for MakeInterval {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl MakeInterval {
    fn udf(
        name: &'static str,
        params: Vec<DataType>,
        returns: DataType,
        eval: fn(&[ArrayRef]) -> DfResult<ArrayRef>,
    ) -> ScalarUDF {
        ScalarUDF::new_from_impl(Self {
            name,
            params,
            returns,
            signature: Signature::one_of(
                vec![TypeSignature::Nullary, TypeSignature::UserDefined],
                Volatility::Immutable,
            ),
            eval,
        })
    }
}

impl ScalarUDFImpl for MakeInterval {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        super::fixed(arg_types, &self.params, 0)
            .map_err(|e| plan_err(format!("{}: {e}", self.name)))
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(self.returns.clone())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let rows = if all_scalar { 1 } else { args.number_rows };
        let mut arrays = args
            .args
            .iter()
            .map(|a| a.to_array(rows))
            .collect::<DfResult<Vec<_>>>()?;
        for param in &self.params[arrays.len().min(self.params.len())..] {
            let zero = ScalarValue::new_zero(param)?;
            arrays.push(zero.to_array_of_size(rows)?);
        }
        super::answer((self.eval)(&arrays)?, all_scalar)
    }
}

fn make_ym_interval(arrays: &[ArrayRef]) -> DfResult<ArrayRef> {
    let (years, months) = (
        arrays[0].as_primitive::<Int32Type>(),
        arrays[1].as_primitive::<Int32Type>(),
    );
    let out: IntervalYearMonthArray = years
        .iter()
        .zip(months.iter())
        .map(|(y, m)| match (y, m) {
            (Some(y), Some(m)) => y
                .checked_mul(12)
                .and_then(|y| y.checked_add(m))
                .map(Some)
                .ok_or_else(interval_overflow),
            _ => Ok(None),
        })
        .collect::<DfResult<_>>()?;
    Ok(Arc::new(out))
}

/// The seconds parameter of `make_dt_interval`: Spark's `DECIMAL(18, 6)`.
const SECONDS: DataType = DataType::Decimal128(18, 6);

fn make_dt_interval(arrays: &[ArrayRef]) -> DfResult<ArrayRef> {
    let ints = |i: usize| arrays[i].as_primitive::<Int32Type>();
    let (days, hours, mins) = (ints(0), ints(1), ints(2));
    let secs = arrays[3].as_primitive::<Decimal128Type>();
    let out: DurationMicrosecondArray = (0..days.len())
        .map(|i| {
            if [days as &dyn Array, hours, mins, secs]
                .iter()
                .any(|a| a.is_null(i))
            {
                return Ok(None);
            }
            let whole = i64::from(days.value(i)) * 86_400
                + i64::from(hours.value(i)) * 3_600
                + i64::from(mins.value(i)) * 60;
            whole
                .checked_mul(MICROS_PER_SECOND)
                .and_then(|w| {
                    i64::try_from(secs.value(i))
                        .ok()
                        .and_then(|s| w.checked_add(s))
                })
                .map(Some)
                .ok_or_else(interval_overflow)
        })
        .collect::<DfResult<_>>()?;
    Ok(Arc::new(out))
}

/// `make_interval` as Spark's with ANSI on: `[ARITHMETIC_OVERFLOW]` where a row of arguments
/// that are all set has no interval (`datafusion-spark`'s answer to an overflow, which stays
/// `try_make_interval`'s).
#[derive(Debug, PartialEq, Eq, Hash)]
struct CheckedMakeInterval {
    inner: ScalarUDF,
}

impl ScalarUDFImpl for CheckedMakeInterval {
    fn name(&self) -> &str {
        "make_interval"
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let inputs = args.args.clone();
        let out = self.inner.invoke_with_args(args)?;
        let answers = out.to_array(rows)?;
        if answers.null_count() > 0 {
            let inputs = ColumnarValue::values_to_arrays(&inputs)?;
            let overflowed = (0..answers.len()).any(|i| {
                answers.is_null(i) && inputs.iter().all(|a| !super::is_sql_null(a.as_ref(), i))
            });
            if overflowed {
                return Err(exec_err(
                    "[ARITHMETIC_OVERFLOW] overflow. If necessary set \"spark.sql.ansi.enabled\" \
                     to \"false\" to bypass this error. SQLSTATE: 22003"
                        .to_owned(),
                ));
            }
        }
        Ok(out)
    }
}

/// Registers `make_ym_interval`, `make_dt_interval`, `make_interval` and `try_make_interval`
/// (over `datafusion-spark`'s `make_interval`, which must be registered first), and the hidden
/// functions plans hold (`DATE - DATE`'s), so that a cluster node decodes them by name.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(DateMinusDate::udf());
    ctx.register_udf(IntervalLiteral::udf());
    ctx.register_udf(as_day_time_udf());
    ctx.register_udf(as_calendar_udf());
    ctx.register_udf(interval_count_udf());
    ctx.register_udf(interval_times_udf());
    ctx.register_udf(interval_divide_udf());
    ctx.register_udf(MakeInterval::udf(
        "make_ym_interval",
        vec![DataType::Int32, DataType::Int32],
        DataType::Interval(IntervalUnit::YearMonth),
        make_ym_interval,
    ));
    ctx.register_udf(MakeInterval::udf(
        "make_dt_interval",
        vec![DataType::Int32, DataType::Int32, DataType::Int32, SECONDS],
        DAY_TIME,
        make_dt_interval,
    ));
    if let Ok(inner) = ctx.udf("make_interval") {
        let inner = inner.as_ref().clone();
        ctx.register_udf(inner.clone().with_aliases(["try_make_interval"]));
        ctx.register_udf(ScalarUDF::new_from_impl(CheckedMakeInterval { inner }));
    }
}

#[cfg(test)]
mod tests {
    use super::{calendar_text, day_time_text, year_month_text};

    #[test]
    fn intervals_are_written_as_spark_writes_them() {
        // Each recorded from PySpark 4.3's CAST(... AS STRING).
        assert_eq!(
            day_time_text(29 * 86_400_000_000, "day"),
            "INTERVAL '29' DAY"
        );
        assert_eq!(
            day_time_text(-29 * 86_400_000_000, "day"),
            "INTERVAL '-29' DAY"
        );
        assert_eq!(day_time_text(0, "day"), "INTERVAL '0' DAY");
        assert_eq!(
            day_time_text(93_784_500_000, "day to second"),
            "INTERVAL '1 02:03:04.5' DAY TO SECOND"
        );
        assert_eq!(
            day_time_text(
                -(86_400_000_000 + 7_200_000_000 + 4_500_000),
                "day to second"
            ),
            "INTERVAL '-1 02:00:04.5' DAY TO SECOND"
        );
        assert_eq!(
            day_time_text(-500_000, "day to second"),
            "INTERVAL '-0 00:00:00.5' DAY TO SECOND"
        );
        assert_eq!(
            day_time_text(1, "day to second"),
            "INTERVAL '0 00:00:00.000001' DAY TO SECOND"
        );
        assert_eq!(
            day_time_text(0, "day to second"),
            "INTERVAL '0 00:00:00' DAY TO SECOND"
        );
        assert_eq!(
            day_time_text(3 * 3_600_000_000, "hour"),
            "INTERVAL '03' HOUR"
        );
        assert_eq!(
            day_time_text(90 * 60_000_000, "minute"),
            "INTERVAL '90' MINUTE"
        );
        // The smallest value has no positive twin; it is written, not a panic.
        assert_eq!(
            day_time_text(i64::MIN, "day to second"),
            "INTERVAL '-106751991 04:00:54.775808' DAY TO SECOND"
        );
        assert_eq!(year_month_text(14, ""), "INTERVAL '1-2' YEAR TO MONTH");
        assert_eq!(
            year_month_text(-14, "year to month"),
            "INTERVAL '-1-2' YEAR TO MONTH"
        );
        assert_eq!(year_month_text(-3, ""), "INTERVAL '-0-3' YEAR TO MONTH");
        assert_eq!(year_month_text(0, ""), "INTERVAL '0-0' YEAR TO MONTH");
        assert_eq!(year_month_text(36, "year"), "INTERVAL '3' YEAR");
        assert_eq!(year_month_text(14, "month"), "INTERVAL '14' MONTH");
        assert_eq!(
            calendar_text(14, 25, 18_367_500_000_000),
            "1 years 2 months 25 days 5 hours 6 minutes 7.5 seconds"
        );
        assert_eq!(
            calendar_text(-10, -17, -(4 * 3_600 + 54 * 60 + 7) * 1_000_000_000 - 1_000),
            "-10 months -17 days -4 hours -54 minutes -7.000001 seconds"
        );
        assert_eq!(calendar_text(0, 0, 0), "0 seconds");
        // Half up, and no overflow for a divisor near the end of DECIMAL(38).
        assert_eq!(super::divide_half_up(7, 2), Some(4));
        assert_eq!(super::divide_half_up(-7, 2), Some(-4));
        assert_eq!(super::divide_half_up(5, 3), Some(2));
        assert_eq!(super::divide_half_up(1, 10i128.pow(38) - 1), Some(0));
        assert_eq!(super::divide_half_up(1, 0), None);
        assert_eq!(calendar_text(0, 0, 500_000_000), "0.5 seconds");
        assert_eq!(
            calendar_text(0, 0, (27 * 3_600 + 2 * 60 + 1) * 1_000_000_000),
            "27 hours 2 minutes 1 seconds"
        );
    }
}
