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
//!
//! `session_window(time, gapDuration)`: alone, a row's session `[time, time + gap)`; in `GROUP
//! BY`, Spark's sessions: per the other grouping keys, rows ordered by time join one session
//! while each starts no later than the session's end so far (the latest `time + gap`), and the
//! session is `[first time, last time + gap)`. [`session_windows`] rewrites such an aggregate
//! after planning: two window functions number each key's sessions, and the aggregate groups by
//! that number. The gap is an interval string (`'5 minutes'`, a column of them too); a gap that
//! is not positive puts its row in no session, as Spark's.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StructArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{
    DataType, Field, Fields, IntervalMonthDayNanoType, TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    Aggregate, ColumnarValue, Expr, LogicalPlan, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature, Volatility, cast,
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
        super::datetime_text::timestamp_type_of(t, &self.time_zone, "window")
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

/// `session_window(time, gap)` of one row: `[time, time + gap)`, `NULL` for a `NULL` time or a
/// gap that is not positive.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SessionWindow {
    window: TimeWindow,
}

impl ScalarUDFImpl for SessionWindow {
    fn name(&self) -> &str {
        SESSION_WINDOW
    }

    fn signature(&self) -> &Signature {
        &self.window.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        match t {
            [
                time,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null,
            ] => Ok(vec![self.window.timestamp_type(time)?, DataType::Utf8]),
            [_, gap] => Err(plan_err(format!(
                "session_window: the gap duration must be an interval string ('5 minutes'), got {gap}"
            ))),
            _ => Err(plan_err(format!(
                "session_window takes 2 arguments, got {}",
                t.len()
            ))),
        }
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        Ok(window_type(&self.window.timestamp_type(&t[0])?))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        let times = args.args[0].to_array(n)?;
        let gaps = args.args[1].to_array(n)?;
        let tz = match times.data_type() {
            DataType::Timestamp(_, tz) => tz.clone(),
            _ => None,
        };
        let ts_type = times.data_type().clone();
        let times = times.as_primitive::<TimestampMicrosecondType>();
        let gaps = gaps.as_string::<i32>();
        // A column of gaps usually repeats one: each text is read once in a row.
        let mut last: Option<(String, i64)> = None;
        let mut starts = Vec::with_capacity(n);
        let mut ends = Vec::with_capacity(n);
        for i in 0..n {
            let window = match (times.is_valid(i), gaps.is_valid(i)) {
                (true, true) => {
                    let text = gaps.value(i);
                    let gap = match &last {
                        Some((t, g)) if t == text => *g,
                        _ => {
                            let g = duration_micros("gap duration", text)?;
                            last = Some((text.to_owned(), g));
                            g
                        }
                    };
                    let t = times.value(i);
                    (gap > 0)
                        .then(|| t.checked_add(gap).map(|end| (t, end)))
                        .flatten()
                }
                _ => None,
            };
            starts.push(window.map(|w| w.0));
            ends.push(window.map(|w| w.1));
        }
        let nulls = datafusion::arrow::buffer::NullBuffer::from(
            starts.iter().map(Option::is_some).collect::<Vec<_>>(),
        );
        let start = TimestampMicrosecondArray::from(starts).with_timezone_opt(tz.clone());
        let end = TimestampMicrosecondArray::from(ends).with_timezone_opt(tz);
        let DataType::Struct(fields) = window_type(&ts_type) else {
            return Err(exec_err("session_window: bad result type".into()));
        };
        let out = StructArray::try_new(fields, vec![Arc::new(start), Arc::new(end)], Some(nulls))?;
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

const SESSION_WINDOW: &str = "session_window";

fn is_session_window(e: &Expr) -> bool {
    matches!(e, Expr::ScalarFunction(f) if f.func.name() == SESSION_WINDOW)
}

/// Each aggregate that groups by `session_window(time, gap)` grouped by Spark's sessions
/// instead of by each row's own `[time, time + gap)` (see the module's docs). The result has the
/// aggregate's own columns, names and types.
pub(crate) fn session_windows(plan: LogicalPlan) -> DfResult<LogicalPlan> {
    plan.transform_up(|node| match &node {
        LogicalPlan::Aggregate(agg) => match agg.group_expr.iter().position(is_session_window) {
            Some(at) => sessions(agg, at).map(Transformed::yes),
            None if agg.group_expr.iter().any(|g| {
                matches!(g, Expr::GroupingSet(_))
                    && g.exists(|e| Ok(is_session_window(e))).unwrap_or(false)
            }) =>
            {
                Err(plan_err(
                    "session_window in ROLLUP, CUBE or GROUPING SETS is not supported by Ember; group by it directly".into(),
                ))
            }
            None => Ok(Transformed::no(node)),
        },
        _ => Ok(Transformed::no(node)),
    })
    .map(|t| t.data)
}

fn sessions(agg: &Aggregate, at: usize) -> DfResult<LogicalPlan> {
    use datafusion::functions::core::expr_fn::{get_field, named_struct};
    use datafusion::functions_aggregate::expr_fn::{max, min};
    use datafusion::logical_expr::expr::{WindowFunction, WindowFunctionDefinition};
    use datafusion::logical_expr::{
        ExprFunctionExt, LogicalPlanBuilder, WindowFrame, WindowFrameBound, WindowFrameUnits, col,
        lit, when,
    };
    const SESSION: &str = "__ember_session";
    const PREVIOUS_END: &str = "__ember_session_previous_end";
    const NUMBER: &str = "__ember_session_number";
    const FIRST: &str = "__ember_session_start";
    const LAST: &str = "__ember_session_end";
    let window = agg.group_expr[at].clone();
    let keys: Vec<Expr> = agg
        .group_expr
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
        .map(|(_, e)| e.clone())
        .collect();
    let input = Arc::clone(&agg.input);
    let mut columns: Vec<Expr> = input
        .schema()
        .columns()
        .into_iter()
        .map(Expr::Column)
        .collect();
    columns.push(window.alias(SESSION));
    let (start, end) = (
        get_field(col(SESSION), "start"),
        get_field(col(SESSION), "end"),
    );
    let by_start = vec![start.clone().sort(true, false)];
    let rows = |from: WindowFrameBound, to: WindowFrameBound| {
        WindowFrame::new_bounds(WindowFrameUnits::Rows, from, to)
    };
    let unbounded = WindowFrameBound::Preceding(ScalarValue::UInt64(None));
    // The latest end of the rows before this one: a row after it starts a session.
    let over = |f: Arc<datafusion::logical_expr::AggregateUDF>, arg: Expr| {
        Expr::from(WindowFunction::new(
            WindowFunctionDefinition::AggregateUDF(f),
            vec![arg],
        ))
    };
    let previous_end = over(
        datafusion::functions_aggregate::min_max::max_udaf(),
        end.clone(),
    )
    .partition_by(keys.clone())
    .order_by(by_start.clone())
    .window_frame(rows(
        unbounded.clone(),
        WindowFrameBound::Preceding(ScalarValue::UInt64(Some(1))),
    ))
    .build()?
    .alias(PREVIOUS_END);
    let starts_one = when(
        col(PREVIOUS_END)
            .is_null()
            .or(start.clone().gt(col(PREVIOUS_END))),
        lit(1i64),
    )
    .otherwise(lit(0i64))?;
    let number = over(datafusion::functions_aggregate::sum::sum_udaf(), starts_one)
        .partition_by(keys.clone())
        .order_by(by_start)
        .window_frame(rows(unbounded, WindowFrameBound::CurrentRow))
        .build()?
        .alias(NUMBER);
    let mut groups = keys.clone();
    groups.push(col(NUMBER));
    let mut aggregates = agg.aggr_expr.clone();
    aggregates.push(min(start).alias(FIRST));
    aggregates.push(max(end).alias(LAST));
    let grouped = LogicalPlanBuilder::from(input)
        .project(columns)?
        .filter(col(SESSION).is_not_null())?
        .window(vec![previous_end])?
        .window(vec![number])?
        .aggregate(groups, aggregates)?
        .build()?;
    // The aggregate's own columns: its keys, the session, its aggregates, in its order.
    let fields = grouped.schema().columns();
    let original = agg.schema.iter().collect::<Vec<_>>();
    let mut out = Vec::with_capacity(original.len());
    for (i, (qualifier, field)) in original.into_iter().enumerate() {
        if i == at {
            let session = cast(
                named_struct(vec![lit("start"), col(FIRST), lit("end"), col(LAST)]),
                field.data_type().clone(),
            );
            out.push(session.alias_qualified(qualifier.cloned(), field.name()));
            continue;
        }
        // The new aggregate has the keys, then the session number, then the aggregates, each
        // under its old name (no alias: DataFusion 55's `push_down_leaf_projections` fails on
        // a column aliased to its own name under a `get_field` of the session).
        let j = if i < at {
            i
        } else if i < agg.group_expr.len() {
            i - 1
        } else {
            i
        };
        let column = fields[j].clone();
        if column.relation.as_ref() == qualifier && column.name == *field.name() {
            out.push(Expr::Column(column));
        } else {
            out.push(Expr::Column(column).alias_qualified(qualifier.cloned(), field.name()));
        }
    }
    LogicalPlanBuilder::from(grouped).project(out)?.build()
}

pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    ctx.register_udf(ScalarUDF::new_from_impl(SessionWindow {
        window: TimeWindow {
            signature: Signature::user_defined(Volatility::Immutable),
            time_zone: Arc::clone(time_zone),
        },
    }));
    ctx.register_udf(ScalarUDF::new_from_impl(TimeWindow {
        signature: Signature::user_defined(Volatility::Immutable),
        time_zone: Arc::clone(time_zone),
    }));
    ctx.register_udf(ScalarUDF::new_from_impl(WindowTime {
        signature: Signature::user_defined(Volatility::Immutable),
    }));
}
