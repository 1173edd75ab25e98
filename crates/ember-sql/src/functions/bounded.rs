//! Functions whose output size is an argument: `repeat`, `lpad`, `rpad`, `space`,
//! `array_repeat` and `sequence` build whatever a query asks for, outside the memory pool (one
//! `repeat('x', 1000000000)` took 4 GB). Each is wrapped in [`Bounded`], which measures what a
//! call would produce from its arguments, before running it, and fails past
//! [`MAX_GENERATED`] with Spark's `[COLLECTION_SIZE_LIMIT_EXCEEDED]` class.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{
    DataType, FieldRef, Int64Type, IntervalMonthDayNanoType, IntervalUnit,
};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
};
use datafusion::prelude::SessionContext;

use super::exec_err;

/// The most one call may generate over its batch: characters of strings, or elements of
/// arrays (128 Mi). Spark's own bound is per value and near 2^31.
pub(crate) const MAX_GENERATED: u64 = 1 << 27;

/// How much a call would generate, from its arguments (scalars as one-row arrays).
type Measure = fn(&[ArrayRef]) -> DfResult<u64>;

/// `inner` with its output measured first.
#[derive(Debug)]
pub(crate) struct Bounded {
    inner: Arc<ScalarUDF>,
    measure: Measure,
}

impl PartialEq for Bounded {
    fn eq(&self, other: &Self) -> bool {
        self.inner.name() == other.inner.name()
    }
}

impl Eq for Bounded {}

impl Hash for Bounded {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.name().hash(state);
    }
}

impl Bounded {
    pub(crate) fn udf(inner: Arc<ScalarUDF>, measure: Measure) -> ScalarUDF {
        ScalarUDF::new_from_impl(Bounded { inner, measure })
    }
}

impl ScalarUDFImpl for Bounded {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    /// A function that is rewritten into another is bounded where it is rewritten (`space`).
    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        self.inner.simplify(args, info)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let arrays = args
            .args
            .iter()
            .map(|a| match a {
                ColumnarValue::Array(a) => Ok(Arc::clone(a)),
                ColumnarValue::Scalar(s) => s.to_array_of_size(1),
            })
            .collect::<DfResult<Vec<_>>>()?;
        let wanted = (self.measure)(&arrays)?;
        if wanted > MAX_GENERATED {
            return Err(exec_err(format!(
                "[COLLECTION_SIZE_LIMIT_EXCEEDED] {} would generate {wanted} characters or elements in one batch, over Ember's limit of {MAX_GENERATED}",
                self.inner.name()
            )));
        }
        self.inner.invoke_with_args(args)
    }
}

/// Argument `i` as 64-bit integers (`NULL` where it is not a number).
fn ints(args: &[ArrayRef], i: usize) -> DfResult<Vec<Option<i64>>> {
    let Some(a) = args.get(i) else {
        return Ok(Vec::new());
    };
    let a = cast(a, &DataType::Int64)?;
    Ok(a.as_primitive::<Int64Type>().iter().collect())
}

/// The sum of argument `i`'s positive values (a scalar counts once).
fn sum_of(args: &[ArrayRef], i: usize) -> DfResult<u64> {
    Ok(ints(args, i)?
        .into_iter()
        .flatten()
        .map(|n| u64::try_from(n).unwrap_or(0))
        .fold(0u64, u64::saturating_add))
}

/// `repeat(str, n)`: each row's string length times its count.
fn repeat_size(args: &[ArrayRef]) -> DfResult<u64> {
    let counts = ints(args, 1)?;
    let Some(text) = args.first() else {
        return Ok(0);
    };
    let lengths: Vec<u64> = match text.data_type() {
        DataType::Utf8 => text.as_string::<i32>().iter().map(len_of).collect(),
        DataType::LargeUtf8 => text.as_string::<i64>().iter().map(len_of).collect(),
        DataType::Utf8View => text.as_string_view().iter().map(len_of).collect(),
        _ => vec![1; text.len()],
    };
    let row = |v: &[u64], i: usize| v.get(i).or(v.first()).copied().unwrap_or(0);
    let rows = lengths.len().max(counts.len());
    Ok((0..rows)
        .map(|i| {
            let n = counts
                .get(i)
                .or(counts.first())
                .copied()
                .flatten()
                .map_or(0, |n| u64::try_from(n).unwrap_or(0));
            row(&lengths, i).saturating_mul(n)
        })
        .fold(0u64, u64::saturating_add))
}

fn len_of(s: Option<&str>) -> u64 {
    s.map_or(0, |s| s.len() as u64)
}

/// `generate_series(start, stop, step)` over integers, or over dates by an interval: how many
/// elements each row makes.
fn series_size(args: &[ArrayRef]) -> DfResult<u64> {
    if args.len() < 2 {
        return Ok(0);
    }
    if *args[0].data_type() == DataType::Date32 {
        return date_series_size(args);
    }
    if !args[0].data_type().is_integer() {
        return Ok(0);
    }
    let steps: Vec<u64> = ints(args, 2)?
        .into_iter()
        .map(|s| s.map_or(1, |s| s.unsigned_abs().max(1)))
        .collect();
    Ok(series_count(&ints(args, 0)?, &ints(args, 1)?, &steps))
}

/// The elements of the series from `starts` to `stops` by `steps` (each `1` or more), row by row
/// (a one-value column is a scalar, for every row).
fn series_count(starts: &[Option<i64>], stops: &[Option<i64>], steps: &[u64]) -> u64 {
    let at = |v: &[Option<i64>], i: usize| v.get(i).or(v.first()).copied().flatten();
    let rows = starts.len().max(stops.len()).max(steps.len());
    (0..rows)
        .map(|i| match (at(starts, i), at(stops, i)) {
            (Some(a), Some(b)) => {
                let step = steps.get(i).or(steps.first()).copied().unwrap_or(1);
                (i128::from(b) - i128::from(a)).unsigned_abs() as u64 / step + 1
            }
            _ => 0,
        })
        .fold(0u64, u64::saturating_add)
}

/// Dates from `start` to `stop` by an interval: the days between them over the step's days, a
/// month counted as 28 days (so never fewer than the series has). A step of no whole day counts
/// as one day: DataFusion refuses it anyway.
fn date_series_size(args: &[ArrayRef]) -> DfResult<u64> {
    let days = |i: usize| -> DfResult<Vec<Option<i64>>> {
        let a = cast(&cast(&args[i], &DataType::Int32)?, &DataType::Int64)?;
        Ok(a.as_primitive::<Int64Type>().iter().collect())
    };
    let (starts, stops) = (days(0)?, days(1)?);
    let steps: Vec<u64> = match args.get(2) {
        Some(step) => {
            let step = cast(step, &DataType::Interval(IntervalUnit::MonthDayNano))?;
            step.as_primitive::<IntervalMonthDayNanoType>()
                .iter()
                .map(|v| {
                    v.map_or(1, |v| {
                        let days = i128::from(v.months) * 28
                            + i128::from(v.days)
                            + i128::from(v.nanoseconds / 86_400_000_000_000);
                        u64::try_from(days.unsigned_abs())
                            .unwrap_or(u64::MAX)
                            .max(1)
                    })
                })
                .collect()
        }
        None => vec![1],
    };
    Ok(series_count(&starts, &stops, &steps))
}

/// Wraps the registered functions whose output size is an argument.
pub(crate) fn register(ctx: &SessionContext) {
    use datafusion::execution::FunctionRegistry as _;
    let wrap: [(&str, Measure); 4] = [
        ("repeat", repeat_size),
        ("lpad", |args| sum_of(args, 1)),
        ("rpad", |args| sum_of(args, 1)),
        ("array_repeat", |args| sum_of(args, 1)),
    ];
    for (name, measure) in wrap {
        if let Ok(udf) = ctx.udf(name) {
            ctx.register_udf(Bounded::udf(udf, measure));
        }
    }
}

/// `datafusion-spark`'s `space` (what Spark's `space` becomes), bounded.
pub(crate) fn space() -> Arc<ScalarUDF> {
    Arc::new(Bounded::udf(
        datafusion_spark::function::string::space(),
        |args| sum_of(args, 0),
    ))
}

/// Spark's series of dates ([`super::collections::date_sequence`]), bounded.
pub(crate) fn date_series() -> Arc<ScalarUDF> {
    Arc::new(Bounded::udf(
        Arc::new(super::collections::date_sequence()),
        series_size,
    ))
}

/// DataFusion's `generate_series` (what `sequence` becomes), bounded.
pub(crate) fn generate_series() -> Arc<ScalarUDF> {
    Arc::new(Bounded::udf(
        datafusion::functions_nested::range::gen_series_udf(),
        series_size,
    ))
}
