//! Dates and timestamps read from text as Spark's `CAST` reads them (its `stringToDate` and
//! `stringToTimestamp`), which is more lenient than Arrow's cast:
//!
//! - surrounding whitespace is ignored; the year has 4 to 7 digits and an optional sign; month,
//!   day, hour, minute and second 1 or 2 digits: `2024`, `2024-3`, `2024-3-5`, `02024-03-15`;
//! - a date may be followed by ` ` or `T` and anything (a `DATE` ignores it: `CAST('2024-03-15
//!   10:20' AS DATE)` is 2024-03-15); a timestamp's time is `h[:m[:s[.fraction]]]` (fraction
//!   digits past the sixth are dropped), then an optional zone: `Z`, `+h`, `+hh:mm`, `+hhmm`,
//!   `UTC`, `GMT+01:00`, `UT-2`, a region (`America/Los_Angeles`), with or without a space;
//! - a timestamp without a zone is a wall-clock time in the session's zone; a `TIMESTAMP_NTZ`
//!   ignores a zone.
//!
//! What does not read is `NULL` for `TRY_CAST` and Spark's `CAST_INVALID_INPUT` for `CAST`
//! (the message is Arrow's, which `error.rs` turns into Spark's). `coercion.rs`'s `SparkTexts`
//! plans every cast from a string to a date or timestamp, written or implicit, with these.

use std::sync::Arc;

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset as _,
    TimeZone,
};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{ArrayRef, AsArray, Date32Array, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{Expr, ScalarUDF, cast, lit};

use super::{ColumnFn, exec_err, plan_err};

/// The hidden function a cast from text to `DATE` is planned as: `(text, tolerant)`.
pub(crate) const TEXT_TO_DATE: &str = "__ember_text_to_date";
/// The hidden function a cast from text to a timestamp is planned as: `(text, tolerant)`; its
/// result is `TIMESTAMP` in the zone of its third argument's type, or `TIMESTAMP_NTZ`.
pub(crate) const TEXT_TO_TIMESTAMP: &str = "__ember_text_to_timestamp";

/// A zone written after a time.
enum Zone {
    Offset(FixedOffset),
    Region(Tz),
}

/// What a date or timestamp text says.
struct Parts {
    date: NaiveDate,
    time: Option<NaiveTime>,
    zone: Option<Zone>,
}

/// Spark trims whitespace and control characters.
fn trimmed(text: &str) -> &str {
    text.trim_matches(|c: char| c <= ' ')
}

/// `digits` at the front of `s` (at most `max`), their value and what follows.
fn number(s: &str, min: usize, max: usize) -> Option<(i64, &str)> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n < min || n > max {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// The date at the front of `s` and what follows it.
fn date_part(s: &str) -> Option<(NaiveDate, &str)> {
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (year, mut rest) = number(s, 4, 7)?;
    let year = if negative { -year } else { year };
    let (mut month, mut day) = (1, 1);
    if let Some(r) = rest.strip_prefix('-') {
        (month, rest) = number(r, 1, 2)?;
        if let Some(r) = rest.strip_prefix('-') {
            (day, rest) = number(r, 1, 2)?;
        }
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
    )?;
    Some((date, rest))
}

/// `+h`, `+hh`, `+hh:mm`, `+hhmm` (and seconds likewise), `-` alike; `None` if `s` is not one.
fn offset(s: &str) -> Option<FixedOffset> {
    let (sign, s) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return None,
    };
    let (hours, mut rest) = number(s, 1, 2)?;
    let part = |rest: &mut &str| -> Option<i64> {
        if rest.is_empty() {
            return Some(0);
        }
        let r = rest.strip_prefix(':').unwrap_or(rest);
        let (v, after) = number(r, 2, 2)?;
        *rest = after;
        Some(v)
    };
    let minutes = part(&mut rest)?;
    let seconds = part(&mut rest)?;
    if !rest.is_empty() || hours > 18 || minutes > 59 || seconds > 59 {
        return None;
    }
    FixedOffset::east_opt(i32::try_from(sign * (hours * 3600 + minutes * 60 + seconds)).ok()?)
}

/// A zone as Spark (Java's `ZoneId`) reads it after a time.
fn zone(s: &str) -> Option<Zone> {
    let s = s.trim_start_matches(' ');
    if s == "Z" {
        return FixedOffset::east_opt(0).map(Zone::Offset);
    }
    if let Some(o) = offset(s) {
        return Some(Zone::Offset(o));
    }
    for prefix in ["UTC", "GMT", "UT"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.is_empty() {
                return FixedOffset::east_opt(0).map(Zone::Offset);
            }
            if let Some(o) = offset(rest) {
                return Some(Zone::Offset(o));
            }
        }
    }
    s.parse::<Tz>().ok().map(Zone::Region)
}

/// A date or timestamp text's parts; `with_time`: a time (and zone) may follow the date.
fn parts(text: &str, with_time: bool) -> Option<Parts> {
    let (date, rest) = date_part(trimmed(text))?;
    let Some(sep) = rest.chars().next() else {
        return Some(Parts {
            date,
            time: None,
            zone: None,
        });
    };
    if sep != ' ' && sep != 'T' {
        return None;
    }
    if !with_time {
        return Some(Parts {
            date,
            time: None,
            zone: None,
        });
    }
    let rest = &rest[1..];
    let (hour, mut rest) = number(rest, 1, 2)?;
    let (mut minute, mut second, mut micros) = (0, 0, 0);
    if let Some(r) = rest.strip_prefix(':') {
        (minute, rest) = number(r, 1, 2)?;
        if let Some(r) = rest.strip_prefix(':') {
            (second, rest) = number(r, 1, 2)?;
            if let Some(r) = rest.strip_prefix('.') {
                let n = r.bytes().take_while(u8::is_ascii_digit).count();
                let kept = &r[..n.min(6)];
                if !kept.is_empty() {
                    micros = kept.parse::<i64>().ok()? * 10_i64.pow(6 - kept.len() as u32);
                }
                rest = &r[n..];
            }
        }
    }
    let time = NaiveTime::from_hms_micro_opt(
        u32::try_from(hour).ok()?,
        u32::try_from(minute).ok()?,
        u32::try_from(second).ok()?,
        u32::try_from(micros).ok()?,
    )?;
    let zone = if rest.is_empty() {
        None
    } else {
        Some(zone(rest)?)
    };
    Some(Parts {
        date,
        time: Some(time),
        zone,
    })
}

/// `text` as a date (days since 1970-01-01), as Spark's `CAST(text AS DATE)` reads it.
pub(crate) fn text_to_date(text: &str) -> Option<i32> {
    let p = parts(text, false)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((p.date - epoch).num_days()).ok()
}

/// The timestamp type a function of a timestamp reads an argument of type `t` as (`function`
/// names the function in the error): a timestamp as it is (in microseconds), a `DATE`, a string
/// or `NULL` as a `TIMESTAMP` in the session time zone `zone`, as Spark casts them.
pub(crate) fn timestamp_type_of(
    t: &DataType,
    zone: &Arc<str>,
    function: &str,
) -> DfResult<DataType> {
    match t {
        DataType::Timestamp(_, tz) => Ok(DataType::Timestamp(TimeUnit::Microsecond, tz.clone())),
        DataType::Date32
        | DataType::Date64
        | DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Null => Ok(DataType::Timestamp(
            TimeUnit::Microsecond,
            Some(Arc::clone(zone)),
        )),
        other => Err(plan_err(format!(
            "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] {function}: the first parameter requires the (\"TIMESTAMP\" or \"TIMESTAMP_NTZ\") type, however it has the type \"{other}\". SQLSTATE: 42K09"
        ))),
    }
}

/// The instant a wall-clock time in `tz` is, as Java's `atZone` makes it: in a gap (a clock
/// moved forward) the time is moved on by the gap; where a time happens twice, the first.
pub(crate) fn in_region(local: NaiveDateTime, tz: &Tz) -> Option<DateTime<Tz>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t),
        LocalResult::Ambiguous(first, _) => Some(first),
        LocalResult::None => {
            // The offset before the gap, a day earlier.
            let before = tz.offset_from_utc_datetime(&(local - Duration::days(1)));
            let utc = local - Duration::seconds(i64::from(before.fix().local_minus_utc()));
            Some(tz.from_utc_datetime(&utc))
        }
    }
}

/// `text` as a timestamp (microseconds since the epoch, UTC), as Spark's `CAST(text AS
/// TIMESTAMP)` reads it, a time without a zone in `session`; with `session` `None`, a
/// `TIMESTAMP_NTZ`: the wall-clock time, a zone ignored.
pub(crate) fn text_to_timestamp(text: &str, session: Option<&Tz>) -> Option<i64> {
    let p = parts(text, true)?;
    let local = p.date.and_time(p.time.unwrap_or(NaiveTime::MIN));
    let Some(session) = session else {
        return Some(local.and_utc().timestamp_micros());
    };
    let micros = match p.zone {
        Some(Zone::Offset(o)) => o.from_local_datetime(&local).single()?.timestamp_micros(),
        Some(Zone::Region(tz)) => in_region(local, &tz)?.timestamp_micros(),
        None => in_region(local, session)?.timestamp_micros(),
    };
    Some(micros)
}

/// Whether `f`'s second argument asks for `NULL` (`TRY_CAST`) rather than an error.
fn tolerant(args: &[ArrayRef]) -> bool {
    args.get(1)
        .and_then(|a| a.as_boolean_opt().map(|b| !b.is_empty() && b.value(0)))
        .unwrap_or(false)
}

fn text_to_date_udf() -> ScalarUDF {
    ColumnFn::new(
        TEXT_TO_DATE,
        |t| match t {
            [_, DataType::Boolean] => Ok(vec![DataType::Utf8, DataType::Boolean]),
            _ => Err(plan_err(format!(
                "{TEXT_TO_DATE} takes a text and a flag, got {t:?}"
            ))),
        },
        |_| Ok(DataType::Date32),
        |args| {
            let try_ = tolerant(args);
            let out = args[0]
                .as_string::<i32>()
                .iter()
                .map(|s| match s {
                    None => Ok(None),
                    Some(s) => match text_to_date(s) {
                        Some(d) => Ok(Some(d)),
                        None if try_ => Ok(None),
                        // Arrow's words, which error.rs reads as Spark's CAST_INVALID_INPUT.
                        None => Err(exec_err(format!(
                            "Cannot cast string '{s}' to value of Date32 type"
                        ))),
                    },
                })
                .collect::<DfResult<Date32Array>>()?;
            Ok(Arc::new(out) as ArrayRef)
        },
    )
    .udf()
}

fn text_to_timestamp_udf() -> ScalarUDF {
    ColumnFn::new(
        TEXT_TO_TIMESTAMP,
        |t| match t {
            [_, DataType::Boolean, zone @ DataType::Timestamp(..)] => {
                Ok(vec![DataType::Utf8, DataType::Boolean, zone.clone()])
            }
            _ => Err(plan_err(format!(
                "{TEXT_TO_TIMESTAMP} takes a text, a flag and a timestamp, got {t:?}"
            ))),
        },
        |t| match t.get(2) {
            Some(DataType::Timestamp(_, zone)) => {
                Ok(DataType::Timestamp(TimeUnit::Microsecond, zone.clone()))
            }
            _ => Err(plan_err(format!("{TEXT_TO_TIMESTAMP}: no zone in {t:?}"))),
        },
        |args| {
            let try_ = tolerant(args);
            let zone = match args[2].data_type() {
                DataType::Timestamp(_, Some(z)) => Some(
                    z.parse::<Tz>()
                        .map_err(|e| exec_err(format!("the session time zone {z}: {e}")))?,
                ),
                _ => None,
            };
            let out = args[0]
                .as_string::<i32>()
                .iter()
                .map(|s| match s {
                    None => Ok(None),
                    Some(s) => match text_to_timestamp(s, zone.as_ref()) {
                        Some(t) => Ok(Some(t)),
                        None if try_ => Ok(None),
                        None => Err(exec_err(format!(
                            "Error parsing timestamp from '{s}': not a timestamp Spark reads"
                        ))),
                    },
                })
                .collect::<DfResult<TimestampMicrosecondArray>>()?;
            let zone = match args[2].data_type() {
                DataType::Timestamp(_, z) => z.clone(),
                _ => None,
            };
            Ok(Arc::new(out.with_timezone_opt(zone)) as ArrayRef)
        },
    )
    .udf()
}

/// `CAST(e AS to)` (or `TRY_CAST`, `tolerant`) of a string `e` as Spark reads dates and
/// timestamps, for `to` a date or timestamp; `None` for any other `to`.
pub(crate) fn text_cast(e: Expr, from: &DataType, to: &DataType, tolerant: bool) -> Option<Expr> {
    if !matches!(
        from,
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8
    ) {
        return None;
    }
    // Planned after the analyzer's coercion: the text is given the function's type here.
    let e = if *from == DataType::Utf8 {
        e
    } else {
        cast(e, DataType::Utf8)
    };
    let call = |udf: ScalarUDF, args: Vec<Expr>| {
        Expr::ScalarFunction(datafusion::logical_expr::expr::ScalarFunction::new_udf(
            Arc::new(udf),
            args,
        ))
    };
    match to {
        DataType::Date32 => Some(call(text_to_date_udf(), vec![e, lit(tolerant)])),
        DataType::Timestamp(unit, zone) => {
            let micros = DataType::Timestamp(TimeUnit::Microsecond, zone.clone());
            // The zone travels as the type of a NULL of it.
            let marker = cast(lit(datafusion::common::ScalarValue::Null), micros.clone());
            let parsed = call(text_to_timestamp_udf(), vec![e, lit(tolerant), marker]);
            Some(if *unit == TimeUnit::Microsecond {
                parsed
            } else {
                cast(parsed, to.clone())
            })
        }
        _ => None,
    }
}

/// `e` (of type `from`) as a `DATE`: a string read as Spark's `CAST` reads it, anything else
/// cast. For functions planned as other expressions (`date_add(s, 1)`), whose casts are made
/// after the analyzer's.
pub(crate) fn as_date(e: Expr, from: Option<&DataType>) -> Expr {
    match from.and_then(|t| text_cast(e.clone(), t, &DataType::Date32, false)) {
        Some(read) => read,
        None => cast(e, DataType::Date32),
    }
}

/// Registers the hidden functions (a cluster's nodes decode them by name).
pub(crate) fn register(ctx: &datafusion::prelude::SessionContext) {
    ctx.register_udf(text_to_date_udf());
    ctx.register_udf(text_to_timestamp_udf());
}

#[cfg(test)]
mod tests {
    use super::{text_to_date, text_to_timestamp};

    fn date(s: &str) -> Option<String> {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
        text_to_date(s).map(|d| (epoch + chrono::Duration::days(i64::from(d))).to_string())
    }

    fn ts(s: &str, zone: &str) -> Option<String> {
        let tz: super::Tz = zone.parse().ok()?;
        let micros = text_to_timestamp(s, Some(&tz))?;
        Some(
            chrono::DateTime::from_timestamp_micros(micros)?
                .naive_utc()
                .to_string(),
        )
    }

    #[test]
    fn dates_read_as_spark_reads_them() {
        // Recorded from PySpark 4.3's TRY_CAST(s AS DATE).
        for (s, d) in [
            ("2024-3-5", Some("2024-03-05")),
            ("2024-03", Some("2024-03-01")),
            ("2024", Some("2024-01-01")),
            (" 2024-03-15 ", Some("2024-03-15")),
            ("2024-03-15 10:20", Some("2024-03-15")),
            ("2024-03-15T10:20:30", Some("2024-03-15")),
            ("+2024-03-15", Some("2024-03-15")),
            ("02024-03-15", Some("2024-03-15")),
            ("2024-03-15xyz", None),
            ("2024-02-30", None),
            ("2024/03/15", None),
            ("", None),
        ] {
            assert_eq!(date(s).as_deref(), d, "{s:?}");
        }
    }

    #[test]
    fn timestamps_read_as_spark_reads_them() {
        // Recorded from PySpark 4.3's TRY_CAST(s AS TIMESTAMP), session zone UTC.
        for (s, t) in [
            ("2024-03-15 10:20", Some("2024-03-15 10:20:00")),
            ("2024-03", Some("2024-03-01 00:00:00")),
            ("2024-03-15T10:20:30Z", Some("2024-03-15 10:20:30")),
            (
                "2024-03-15 10:20:30.123456789",
                Some("2024-03-15 10:20:30.123456"),
            ),
            ("2024-03-15 10:20:30+01:00", Some("2024-03-15 09:20:30")),
            ("2024-03-15 10:20:30 +01:00", Some("2024-03-15 09:20:30")),
            (
                "2024-03-15T10:20:30.5-0130",
                Some("2024-03-15 11:50:30.500"),
            ),
            ("2024-03-15 10:20:30 UTC", Some("2024-03-15 10:20:30")),
            ("2024-03-15 10:20:30GMT+01:00", Some("2024-03-15 09:20:30")),
            (
                "2024-03-15 10:20:30 America/Los_Angeles",
                Some("2024-03-15 17:20:30"),
            ),
            ("2024-3-5 1:2:3", Some("2024-03-05 01:02:03")),
            ("2024-03-15 10:20:30.", Some("2024-03-15 10:20:30")),
            ("2024-03-15 10", Some("2024-03-15 10:00:00")),
            ("2024-03-15 25:00:00", None),
            ("2024-03-15T", None),
        ] {
            assert_eq!(ts(s, "UTC").as_deref(), t, "{s:?}");
        }
        // A wall-clock time in the session's zone; in a spring-forward gap, moved on by it.
        assert_eq!(
            ts("2024-03-10 02:30:00", "America/New_York").as_deref(),
            Some("2024-03-10 07:30:00")
        );
        assert_eq!(
            ts("2024-01-15 10:00:00", "America/New_York").as_deref(),
            Some("2024-01-15 15:00:00")
        );
    }
}
