//! Spark's time windows: `window(time, windowDuration[, slideDuration[, startTime]])` gives the
//! tumbling window a timestamp falls in, as `struct<start, end>` (the input's `TIMESTAMP` or
//! `TIMESTAMP_NTZ`; a `DATE` or a string is read as a `TIMESTAMP` in the session time zone), and
//! `window_time(window)` its last instant (`end` less a microsecond). Durations are interval
//! strings (`'5 minutes'`, `'1 hour'`), constant, without months.
//!
//! A window is `[startTime + n * d, startTime + (n + 1) * d)` for the `n` that holds the time,
//! as Spark computes it. A sliding window (a `slideDuration` other than the window's), which
//! puts a row in several windows, is refused with a message that says so. `GROUP BY
//! window(...)` with `window`, `window.start` and `window.end` in the `SELECT` list (Spark names
//! the grouping `window`) is rewritten to refer to the call, and rows whose time is `NULL` are
//! left out, as Spark leaves them out (see `shapes.rs`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StructArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{
    DataType, Field, Fields, IntervalMonthDayNanoType, TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, plan_err};

/// `window(...)`'s struct type for a timestamp type.
fn window_type(ts: &DataType) -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("start", ts.clone(), true),
        Field::new("end", ts.clone(), true),
    ]))
}

/// An interval string's length in microseconds; months are refused (their length varies).
fn duration_micros(name: &str, text: &str) -> DfResult<i64> {
    let interval = datafusion::arrow::compute::cast(
        &(Arc::new(datafusion::arrow::array::StringArray::from(vec![text])) as ArrayRef),
        &DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::MonthDayNano),
    )
    .map_err(|_| plan_err(format!("window: the {name} '{text}' is not an interval")))?;
    let v = interval.as_primitive::<IntervalMonthDayNanoType>().value(0);
    if v.months != 0 {
        return Err(plan_err(format!(
            "window: the {name} '{text}' has months, whose length varies; give it in days or less"
        )));
    }
    i64::from(v.days)
        .checked_mul(86_400_000_000)
        .and_then(|d| d.checked_add(v.nanoseconds / 1000))
        .ok_or_else(|| plan_err(format!("window: the {name} '{text}' is too long")))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct TimeWindow {
    signature: Signature,
    /// The session time zone, for a `DATE` or string time.
    time_zone: Arc<str>,
}

impl TimeWindow {
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
                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] window: the first parameter requires the (\"TIMESTAMP\" or \"TIMESTAMP_NTZ\") type, however it has the type \"{other}\". SQLSTATE: 42K09"
            ))),
        }
    }
}

/// A constant string argument.
fn constant(args: &ScalarFunctionArgs, i: usize, name: &str) -> DfResult<Option<String>> {
    match args.args.get(i) {
        None => Ok(None),
        Some(ColumnarValue::Scalar(
            ScalarValue::Utf8(Some(s))
            | ScalarValue::LargeUtf8(Some(s))
            | ScalarValue::Utf8View(Some(s)),
        )) => Ok(Some(s.clone())),
        Some(_) => Err(plan_err(format!(
            "window: the {name} must be a constant string"
        ))),
    }
}

impl ScalarUDFImpl for TimeWindow {
    fn name(&self) -> &str {
        "window"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        if !(2..=4).contains(&t.len()) {
            return Err(plan_err(format!(
                "window takes 2 to 4 arguments, got {}",
                t.len()
            )));
        }
        let mut out = vec![self.timestamp_type(&t[0])?];
        out.extend(std::iter::repeat_n(DataType::Utf8, t.len() - 1));
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        Ok(window_type(&self.timestamp_type(&t[0])?))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let duration = constant(&args, 1, "window duration")?.unwrap_or_default();
        let width = duration_micros("window duration", &duration)?;
        if width <= 0 {
            return Err(exec_err(format!(
                "window: the window duration '{duration}' must be positive"
            )));
        }
        if let Some(slide) = constant(&args, 2, "slide duration")?
            && duration_micros("slide duration", &slide)? != width
        {
            return Err(exec_err(format!(
                "window: a slide duration ('{slide}') other than the window's ('{duration}') puts a row in several windows or in none; Ember supports tumbling windows (no slide, or the window's own)"
            )));
        }
        let offset = match constant(&args, 3, "start time")? {
            Some(s) => duration_micros("start time", &s)?,
            None => 0,
        };
        if offset.unsigned_abs() >= width.unsigned_abs() {
            return Err(exec_err(format!(
                "window: the start time must be shorter than the slide duration '{duration}'"
            )));
        }
        let n = args.number_rows;
        let times = args.args[0].to_array(n)?;
        let ts_type = times.data_type().clone();
        let times = times.as_primitive::<TimestampMicrosecondType>();
        // In i128: a time near the ends of the range with a start time does not overflow.
        let starts = times
            .iter()
            .map(|t| {
                t.map(|t| {
                    let (t, offset, width) = (i128::from(t), i128::from(offset), i128::from(width));
                    i64::try_from(t - (t - offset).rem_euclid(width)).map_err(|_| {
                        exec_err("window: a window starts outside the timestamp range".into())
                    })
                })
                .transpose()
            })
            .collect::<DfResult<Vec<Option<i64>>>>()?;
        let tz = match &ts_type {
            DataType::Timestamp(_, tz) => tz.clone(),
            _ => None,
        };
        let start = TimestampMicrosecondArray::from(starts.clone()).with_timezone_opt(tz.clone());
        let end = TimestampMicrosecondArray::from(
            starts
                .iter()
                .map(|s| s.map(|s| s.saturating_add(width)))
                .collect::<Vec<_>>(),
        )
        .with_timezone_opt(tz);
        let DataType::Struct(fields) = window_type(&ts_type) else {
            return Err(exec_err("window: bad result type".into()));
        };
        let nulls = times.nulls().cloned();
        let out = StructArray::try_new(fields, vec![Arc::new(start), Arc::new(end)], nulls)?;
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct WindowTime {
    signature: Signature,
}

impl ScalarUDFImpl for WindowTime {
    fn name(&self) -> &str {
        "window_time"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        match t {
            [s @ DataType::Struct(f)]
                if f.len() == 2
                    && f[0].name() == "start"
                    && f[1].name() == "end"
                    && matches!(
                        f[1].data_type(),
                        DataType::Timestamp(TimeUnit::Microsecond, _)
                    ) =>
            {
                Ok(vec![s.clone()])
            }
            _ => Err(plan_err(format!(
                "window_time takes the window struct of window(...) (struct<start, end>), got {t:?}"
            ))),
        }
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        match t.first() {
            Some(DataType::Struct(f)) if f.len() == 2 => Ok(f[1].data_type().clone()),
            other => Err(plan_err(format!("window_time: unexpected {other:?}"))),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let windows = args.args[0].to_array(args.number_rows)?;
        let windows = windows.as_struct();
        let end = windows.column(1).as_primitive::<TimestampMicrosecondType>();
        let tz = match end.data_type() {
            DataType::Timestamp(_, tz) => tz.clone(),
            _ => None,
        };
        let out: TimestampMicrosecondArray = (0..windows.len())
            .map(|i| {
                (windows.is_valid(i) && end.is_valid(i))
                    .then(|| end.value(i).checked_sub(1))
                    .flatten()
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out.with_timezone_opt(tz))))
    }
}

pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    ctx.register_udf(ScalarUDF::new_from_impl(TimeWindow {
        signature: Signature::user_defined(Volatility::Immutable),
        time_zone: Arc::clone(time_zone),
    }));
    ctx.register_udf(ScalarUDF::new_from_impl(WindowTime {
        signature: Signature::user_defined(Volatility::Immutable),
    }));
}
