//! Spark 4.3's window function `counter_diff(value [, start_time]) OVER (PARTITION BY ...
//! ORDER BY ...)`: a cumulative counter's samples as the increase since the previous sample.
//!
//! Per row, as Spark documents it: a NULL value answers NULL and is skipped (the next row
//! compares with the sample before it); the first sample answers NULL; a value below the
//! previous one, or a `start_time` after the previous one, is a counter reset and answers NULL;
//! otherwise the answer is the value minus the previous one, in the value's type. A negative
//! value, or a `start_time` earlier than the previous one, is an error. A NULL `start_time` on
//! either row skips the start-time checks. Floating-point values order as Spark orders them
//! (NaN above every number).
//!
//! The window must be ordered and its frame the default (or `ROWS BETWEEN UNBOUNDED PRECEDING
//! AND CURRENT ROW`), as in Spark: [`check_windows`] refuses the others, in Spark's words, on
//! the planned query.

use std::cmp::Ordering;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::expr::WindowFunctionDefinition;
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{
    Expr, LogicalPlan, PartitionEvaluator, Signature, Volatility, WindowFrameBound,
    WindowFrameUnits, WindowUDF, WindowUDFImpl,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, plan_err};

const NAME: &str = "counter_diff";

#[derive(Debug, PartialEq, Eq, Hash)]
struct CounterDiff {
    signature: Signature,
}

impl WindowUDFImpl for CounterDiff {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, types: &[DataType]) -> DfResult<Vec<DataType>> {
        let wrong = |which: &str, wanted: &str, t: &DataType| {
            plan_err(format!(
                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] The {which} parameter requires the {wanted} type, however it has the type \"{}\". SQLSTATE: 42K09",
                crate::types::spark_type_name(t).to_uppercase()
            ))
        };
        let value = match types.first() {
            // Spark types a NULL counter DOUBLE.
            Some(DataType::Null) => DataType::Float64,
            Some(t) if t.is_numeric() => t.clone(),
            Some(t) => return Err(wrong("first", "\"NUMERIC\"", t)),
            None => return Err(plan_err(format!("{NAME}: takes 1 or 2 arguments, got 0"))),
        };
        match &types[1..] {
            [] => Ok(vec![value]),
            [DataType::Null] => Ok(vec![
                value,
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ]),
            [DataType::Timestamp(_, zone)] => Ok(vec![
                value,
                DataType::Timestamp(TimeUnit::Microsecond, zone.clone()),
            ]),
            [t] => Err(wrong("second", "(\"TIMESTAMP\" or \"TIMESTAMP_NTZ\")", t)),
            more => Err(plan_err(format!(
                "{NAME}: takes 1 or 2 arguments, got {}",
                more.len() + 1
            ))),
        }
    }

    fn partition_evaluator(
        &self,
        _args: PartitionEvaluatorArgs<'_>,
    ) -> DfResult<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(Evaluator))
    }

    fn field(&self, args: WindowUDFFieldArgs<'_>) -> DfResult<FieldRef> {
        let value = args
            .get_input_field(0)
            .map_or(DataType::Float64, |f| f.data_type().clone());
        Ok(Arc::new(Field::new(args.name(), value, true)))
    }
}

#[derive(Debug)]
struct Evaluator;

/// Spark's order of two counter values: NaN above every number.
fn compare(a: &ScalarValue, b: &ScalarValue) -> Ordering {
    let nan = |v: &ScalarValue| match v {
        ScalarValue::Float32(Some(x)) => x.is_nan(),
        ScalarValue::Float64(Some(x)) => x.is_nan(),
        ScalarValue::Float16(Some(x)) => x.is_nan(),
        _ => false,
    };
    match (nan(a), nan(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
    }
}

/// Row `i` of the start times as Spark writes it in the error message.
fn start_text(starts: &ArrayRef, i: usize) -> String {
    super::casts::spark_timestamp_texts(starts.slice(i, 1).as_ref())
        .ok()
        .and_then(|text| text.as_string_opt::<i32>().map(|t| t.value(0).to_owned()))
        .unwrap_or_default()
}

impl PartitionEvaluator for Evaluator {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> DfResult<ArrayRef> {
        let counter = &values[0];
        let starts = values
            .get(1)
            .map(|s| s.as_primitive::<datafusion::arrow::datatypes::TimestampMicrosecondType>());
        let zero = ScalarValue::new_zero(counter.data_type())?;
        let mut out = Vec::with_capacity(num_rows);
        // The last non-NULL sample: its value and its start time (NULL: none).
        let mut previous: Option<(ScalarValue, Option<i64>)> = None;
        for i in 0..num_rows {
            if counter.is_null(i) {
                out.push(ScalarValue::try_from(counter.data_type())?);
                continue;
            }
            let value = ScalarValue::try_from_array(counter, i)?;
            if compare(&value, &zero) == Ordering::Less {
                return Err(exec_err(format!(
                    "[COUNTER_DIFF_NEGATIVE_COUNTER_VALUE] A negative counter value {value} was provided to function `{NAME}`. Negative counter values are not allowed. SQLSTATE: 22003"
                )));
            }
            let start = starts.and_then(|s| (!s.is_null(i)).then(|| s.value(i)));
            let answer = match &previous {
                None => None,
                Some((before, before_start)) => {
                    let restarted = match (before_start, start) {
                        (Some(b), Some(s)) if s < *b => {
                            let earlier = (0..i)
                                .rev()
                                .find(|&j| !counter.is_null(j) && !values[1].is_null(j))
                                .map(|j| start_text(&values[1], j))
                                .unwrap_or_default();
                            return Err(exec_err(format!(
                                "[COUNTER_DIFF_START_TIME_DECREASED] Start time provided to function `{NAME}` decreased from {earlier} to {}. Start time is required to be non-decreasing. SQLSTATE: 22023",
                                start_text(&values[1], i)
                            )));
                        }
                        (Some(b), Some(s)) => s > *b,
                        _ => false,
                    };
                    (!restarted && compare(&value, before) != Ordering::Less)
                        .then(|| value.sub(before))
                        .transpose()?
                }
            };
            out.push(match answer {
                Some(v) => v,
                None => ScalarValue::try_from(counter.data_type())?,
            });
            previous = Some((value, start));
        }
        if out.is_empty() {
            return Ok(datafusion::arrow::array::new_empty_array(
                counter.data_type(),
            ));
        }
        ScalarValue::iter_to_array(out)
    }
}

/// Refuses a `counter_diff` over a window without `ORDER BY` or with another frame than
/// Spark's, in Spark's words (see the module docs).
pub(crate) fn check_windows(plan: &LogicalPlan) -> DfResult<()> {
    plan.apply_with_subqueries(|node| {
        let LogicalPlan::Window(window) = node else {
            return Ok(TreeNodeRecursion::Continue);
        };
        for e in &window.window_expr {
            let e = match e {
                Expr::Alias(a) => a.expr.as_ref(),
                other => other,
            };
            let Expr::WindowFunction(w) = e else { continue };
            if !matches!(&w.fun, WindowFunctionDefinition::WindowUDF(u) if u.name() == NAME) {
                continue;
            }
            let params = &w.params;
            if params.order_by.is_empty() {
                return Err(plan_err(format!(
                    "[WINDOW_FUNCTION_FRAME_NOT_ORDERED] Window function {NAME} requires the window to be ordered. You need to add an ORDER BY clause. SQLSTATE: 42601"
                )));
            }
            let frame = &params.window_frame;
            let unbounded = matches!(&frame.start_bound, WindowFrameBound::Preceding(v) if v.is_null());
            // ROWS as written, or RANGE: the default an ORDER BY without a frame gets.
            let spark_frame = matches!(frame.units, WindowFrameUnits::Rows | WindowFrameUnits::Range)
                && unbounded
                && frame.end_bound == WindowFrameBound::CurrentRow;
            if !spark_frame {
                return Err(plan_err(format!(
                    "{NAME}: the window frame {frame} must match the required frame ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                )));
            }
        }
        Ok(TreeNodeRecursion::Continue)
    })?;
    Ok(())
}

pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udwf(WindowUDF::new_from_impl(CounterDiff {
        signature: Signature::user_defined(Volatility::Immutable),
    }));
}
