//! Spark's date arithmetic by a unit written as a keyword: `timestampadd(unit, quantity, ts)`
//! (also `dateadd` and `date_add` with three arguments) and `timestampdiff(unit, start, end)`
//! (also `datediff`, `date_diff`), the units `YEAR`, `QUARTER`, `MONTH`, `WEEK`, `DAY`,
//! `DAYOFYEAR` (add only), `HOUR`, `MINUTE`, `SECOND`, `MILLISECOND`, `MICROSECOND`.
//!
//! `shapes.rs` plans the calls as [`TIMESTAMP_ADD`] and [`TIMESTAMP_DIFF`] with the unit as a
//! string (a unit in quotes is refused, as Spark refuses it). As Spark's `DateTimeUtils`:
//! hours and smaller are added to the instant; days, weeks, months, quarters and years to the
//! wall-clock time in the session time zone (a month from January 31 is February 29); a
//! difference counts the whole units between the two wall-clock times (`LocalDateTime.until`:
//! from 10:00 on the 1st to 09:59:59 on the 3rd is one day). A `DATE` or a string is read as a
//! `TIMESTAMP` in the session time zone; the result of an addition has the timestamp's type.

use std::sync::Arc;

use chrono::{Datelike, Days, Months, NaiveDateTime};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, plan_err};

/// The function `timestampadd(unit, quantity, ts)` is planned as (the unit a string).
pub(crate) const TIMESTAMP_ADD: &str = "__ember_timestampadd";
/// The function `timestampdiff(unit, start, end)` is planned as (the unit a string).
pub(crate) const TIMESTAMP_DIFF: &str = "__ember_timestampdiff";

/// The units Spark's parser takes, in its error's order.
pub(crate) const UNITS: [&str; 11] = [
    "YEAR",
    "QUARTER",
    "MONTH",
    "WEEK",
    "DAY",
    "DAYOFYEAR",
    "HOUR",
    "MINUTE",
    "SECOND",
    "MILLISECOND",
    "MICROSECOND",
];

#[derive(Debug, PartialEq, Eq, Hash)]
struct UnitArithmetic {
    name: &'static str,
    signature: Signature,
    /// The session time zone: where wall-clock times are.
    time_zone: Arc<str>,
}

impl UnitArithmetic {
    fn timestamp_type(&self, t: &DataType) -> DfResult<DataType> {
        match t {
            DataType::Timestamp(_, tz) => {
                Ok(DataType::Timestamp(TimeUnit::Microsecond, tz.clone()))
            }
            DataType::Date32
            | DataType::Date64
            | DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Null => Ok(DataType::Timestamp(
                TimeUnit::Microsecond,
                Some(Arc::clone(&self.time_zone)),
            )),
            other => Err(plan_err(format!(
                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] {}: a timestamp was expected, got {other}",
                self.spark_name()
            ))),
        }
    }

    fn spark_name(&self) -> &'static str {
        if self.name == TIMESTAMP_ADD {
            "timestampadd"
        } else {
            "timestampdiff"
        }
    }
}

/// The session zone of a timestamp type (`None`: `TIMESTAMP_NTZ`, wall-clock times in UTC).
fn zone_of(t: &DataType) -> DfResult<Option<Tz>> {
    match t {
        DataType::Timestamp(_, Some(tz)) => tz
            .parse::<Tz>()
            .map(Some)
            .map_err(|e| exec_err(format!("bad time zone {tz}: {e}"))),
        _ => Ok(None),
    }
}

/// The wall-clock time of `micros` in `zone`.
fn local(micros: i64, zone: Option<&Tz>) -> Option<NaiveDateTime> {
    let utc = chrono::DateTime::from_timestamp_micros(micros)?;
    Some(match zone {
        Some(tz) => utc.with_timezone(tz).naive_local(),
        None => utc.naive_utc(),
    })
}

/// The instant of the wall-clock time `t` in `zone`, as Java's `atZone` makes it.
fn instant(t: NaiveDateTime, zone: Option<&Tz>) -> Option<i64> {
    match zone {
        Some(tz) => Some(super::datetime_text::in_region(t, tz)?.timestamp_micros()),
        None => Some(t.and_utc().timestamp_micros()),
    }
}

fn micros_of(unit: &str) -> Option<i64> {
    Some(match unit {
        "HOUR" => 3_600_000_000,
        "MINUTE" => 60_000_000,
        "SECOND" => 1_000_000,
        "MILLISECOND" => 1_000,
        "MICROSECOND" => 1,
        _ => return None,
    })
}

/// `ts` plus `quantity` `unit`s, as Spark's `DateTimeUtils.timestampAdd`.
fn add(unit: &str, quantity: i64, ts: i64, zone: Option<&Tz>) -> Option<i64> {
    if let Some(size) = micros_of(unit) {
        return ts.checked_add(quantity.checked_mul(size)?);
    }
    let t = local(ts, zone)?;
    let months = |n: i64| -> Option<NaiveDateTime> {
        let m = Months::new(u32::try_from(n.unsigned_abs()).ok()?);
        if n >= 0 {
            t.checked_add_months(m)
        } else {
            t.checked_sub_months(m)
        }
    };
    let days = |n: i64| -> Option<NaiveDateTime> {
        let d = Days::new(n.unsigned_abs());
        if n >= 0 {
            t.checked_add_days(d)
        } else {
            t.checked_sub_days(d)
        }
    };
    let moved = match unit {
        "DAY" | "DAYOFYEAR" => days(quantity)?,
        "WEEK" => days(quantity.checked_mul(7)?)?,
        "MONTH" => months(quantity)?,
        "QUARTER" => months(quantity.checked_mul(3)?)?,
        "YEAR" => months(quantity.checked_mul(12)?)?,
        _ => return None,
    };
    instant(moved, zone)
}

/// The whole `unit`s from `start` to `end`, as Java's `LocalDateTime.until` counts them on the
/// wall-clock times (Spark's `DateTimeUtils.timestampDiff`).
fn until(unit: &str, start: i64, end: i64, zone: Option<&Tz>) -> Option<i64> {
    let (a, b) = (local(start, zone)?, local(end, zone)?);
    if let Some(size) = micros_of(unit) {
        let micros = (b - a).num_microseconds()?;
        return Some(micros / size);
    }
    // The end date moved a day toward the start where its time of day has not been reached.
    let mut end_date = b.date();
    if end_date > a.date() && b.time() < a.time() {
        end_date = end_date.pred_opt()?;
    } else if end_date < a.date() && b.time() > a.time() {
        end_date = end_date.succ_opt()?;
    }
    let start_date = a.date();
    let days = (end_date - start_date).num_days();
    let packed = |d: chrono::NaiveDate| {
        (i64::from(d.year()) * 12 + i64::from(d.month0())) * 32 + i64::from(d.day())
    };
    let months = (packed(end_date) - packed(start_date)) / 32;
    Some(match unit {
        "DAY" => days,
        "WEEK" => days / 7,
        "MONTH" => months,
        "QUARTER" => months / 3,
        "YEAR" => months / 12,
        _ => return None,
    })
}

fn constant_unit(args: &ScalarFunctionArgs, name: &str) -> DfResult<String> {
    match args.args.first() {
        Some(ColumnarValue::Scalar(ScalarValue::Utf8(Some(unit)))) => Ok(unit.to_uppercase()),
        _ => Err(plan_err(format!(
            "{name}: the unit must be a keyword such as DAY"
        ))),
    }
}

impl ScalarUDFImpl for UnitArithmetic {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        match t {
            [_, quantity, ts] if self.name == TIMESTAMP_ADD => {
                if !(quantity.is_numeric() || *quantity == DataType::Null) {
                    return Err(plan_err(format!(
                        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] timestampadd: the quantity must be a number, got {quantity}"
                    )));
                }
                Ok(vec![
                    DataType::Utf8,
                    DataType::Int64,
                    self.timestamp_type(ts)?,
                ])
            }
            [_, start, end] => {
                // One type for both: zoned if either is.
                let (a, b) = (self.timestamp_type(start)?, self.timestamp_type(end)?);
                let common = if matches!(a, DataType::Timestamp(_, Some(_))) {
                    a
                } else {
                    b
                };
                Ok(vec![DataType::Utf8, common.clone(), common])
            }
            _ => Err(plan_err(format!(
                "{} takes a unit and two arguments, got {} arguments",
                self.spark_name(),
                t.len()
            ))),
        }
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        if self.name == TIMESTAMP_ADD {
            Ok(t.get(2).cloned().unwrap_or(DataType::Null))
        } else {
            Ok(DataType::Int64)
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let unit = constant_unit(&args, self.spark_name())?;
        let n = args.number_rows;
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let rows = if all_scalar { 1 } else { n };
        let arrays = args
            .args
            .iter()
            .skip(1)
            .map(|a| a.to_array(rows))
            .collect::<DfResult<Vec<ArrayRef>>>()?;
        let zone_type = if self.name == TIMESTAMP_ADD {
            arrays[1].data_type().clone()
        } else {
            arrays[0].data_type().clone()
        };
        let zone = zone_of(&zone_type)?;
        let out: ArrayRef = if self.name == TIMESTAMP_ADD {
            let (quantities, times) = (
                arrays[0].as_primitive::<Int64Type>(),
                arrays[1].as_primitive::<TimestampMicrosecondType>(),
            );
            let values = (0..rows)
                .map(|i| {
                    if quantities.is_null(i) || times.is_null(i) {
                        return Ok(None);
                    }
                    let (q, t) = (quantities.value(i), times.value(i));
                    add(&unit, q, t, zone.as_ref()).map(Some).ok_or_else(|| {
                        exec_err(format!(
                            "[DATETIME_OVERFLOW] Datetime operation overflow: add {q}L {unit} to TIMESTAMP '{}'. SQLSTATE: 22008",
                            local(t, zone.as_ref()).map_or(t.to_string(), |l| l.to_string())
                        ))
                    })
                })
                .collect::<DfResult<Vec<_>>>()?;
            let tz = match &zone_type {
                DataType::Timestamp(_, tz) => tz.clone(),
                _ => None,
            };
            Arc::new(TimestampMicrosecondArray::from(values).with_timezone_opt(tz))
        } else {
            let (starts, ends) = (
                arrays[0].as_primitive::<TimestampMicrosecondType>(),
                arrays[1].as_primitive::<TimestampMicrosecondType>(),
            );
            let values = (0..rows)
                .map(|i| {
                    if starts.is_null(i) || ends.is_null(i) {
                        return Ok(None);
                    }
                    until(&unit, starts.value(i), ends.value(i), zone.as_ref())
                        .map(Some)
                        .ok_or_else(|| {
                            exec_err(format!(
                                "timestampdiff: the difference in {unit} does not fit a BIGINT"
                            ))
                        })
                })
                .collect::<DfResult<Vec<_>>>()?;
            Arc::new(Int64Array::from(values))
        };
        super::answer(out, all_scalar)
    }
}

/// Whether `unit` (any case) is one `timestampadd` (`add`) or `timestampdiff` takes.
pub(crate) fn is_unit(unit: &str, add: bool) -> bool {
    let unit = unit.to_uppercase();
    UNITS.contains(&unit.as_str()) && (add || unit != "DAYOFYEAR")
}

/// Registers the two functions, their wall-clock times in `time_zone`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    for name in [TIMESTAMP_ADD, TIMESTAMP_DIFF] {
        ctx.register_udf(ScalarUDF::new_from_impl(UnitArithmetic {
            name,
            signature: Signature::user_defined(Volatility::Immutable),
            time_zone: Arc::clone(time_zone),
        }));
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{add, until};

    fn micros(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, mi, s))
            .map(|t| t.and_utc().timestamp_micros())
            .unwrap()
    }

    #[test]
    fn units_count_as_java_local_date_times() {
        // Recorded from PySpark 4.3 (session time zone UTC).
        let (a, b) = (micros(2024, 1, 31, 10, 0, 0), micros(2024, 2, 29, 10, 0, 0));
        assert_eq!(until("MONTH", a, b, None), Some(0));
        assert_eq!(
            until(
                "DAY",
                micros(2024, 3, 1, 10, 0, 0),
                micros(2024, 3, 3, 9, 59, 59),
                None
            ),
            Some(1)
        );
        assert_eq!(
            until(
                "DAY",
                micros(2024, 3, 3, 9, 59, 59),
                micros(2024, 3, 1, 10, 0, 0),
                None
            ),
            Some(-1)
        );
        assert_eq!(
            until(
                "YEAR",
                micros(2024, 3, 1, 10, 0, 0),
                micros(2025, 3, 1, 9, 0, 0),
                None
            ),
            Some(0)
        );
        assert_eq!(
            until(
                "MINUTE",
                micros(2024, 3, 1, 10, 0, 0),
                micros(2024, 3, 1, 9, 58, 30),
                None
            ),
            Some(-1)
        );
        assert_eq!(
            add("MONTH", 1, a, None),
            Some(micros(2024, 2, 29, 10, 0, 0))
        );
        assert_eq!(add("MONTH", i64::from(i32::MAX), a, None), None);
    }
}
