//! Spark's aggregates missing from DataFusion and `datafusion-spark`: `percentile` (exact,
//! interpolated), `percentile_approx`/`approx_percentile` (a value of the input: exact on the
//! data it sees), `median` (`DOUBLE`), `first`/`last` with `ignoreNulls`, `skewness`,
//! `kurtosis`, `max_by`/`min_by`, `mode`, the ordered-set `percentile_disc(p) WITHIN GROUP (ORDER
//! BY col)`, `collect_union`; and Spark's names for DataFusion's (`every`, `any`,
//! `some`, `std`).
//!
//! Each is a [`CollectAgg`]: it keeps its input rows (the state is one list per argument) and
//! computes the answer from all of them when asked. That is what Spark's exact `percentile` and
//! `mode` do too; the moments could stream, but small state is not what these are for. In a
//! sliding window frame the rows leaving the frame are dropped from the front.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, ListArray};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::{SortOptions, concat, sort};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, Int64Type};
use datafusion::arrow::row::{OwnedRow, RowConverter, SortField};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, EmitTo, GroupsAccumulator, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, named_udf, plan_err};

type Coerce = fn(&[DataType]) -> DfResult<Vec<DataType>>;
type Returns = fn(&[DataType]) -> DfResult<DataType>;
/// The answer from every input row: one array per argument (all the same length), and the
/// result type.
type Finish = fn(&[ArrayRef], &DataType) -> DfResult<ScalarValue>;
/// [`Finish`] for an ordered-set aggregate (`f(p) WITHIN GROUP (ORDER BY col [DESC])`, `col`
/// the first column): also whether the order is descending.
type FinishOrdered = fn(&[ArrayRef], &DataType, bool) -> DfResult<ScalarValue>;

/// How a [`CollectAgg`] answers from its rows.
#[derive(Clone, Copy)]
enum Finisher {
    Plain(Finish),
    Ordered(FinishOrdered),
}

/// An aggregate computed from all of its input rows (see the module docs).
pub(crate) struct CollectAgg {
    name: &'static str,
    signature: Signature,
    coerce: Coerce,
    returns: Returns,
    finish: Finisher,
}

impl fmt::Debug for CollectAgg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CollectAgg")
            .field("name", &self.name)
            .finish()
    }
}

named_udf!(CollectAgg);

impl CollectAgg {
    pub(crate) fn new(
        name: &'static str,
        coerce: Coerce,
        returns: Returns,
        finish: Finish,
    ) -> Self {
        Self::with(name, coerce, returns, Finisher::Plain(finish))
    }

    /// An ordered-set aggregate, called `name(args) WITHIN GROUP (ORDER BY col)`: DataFusion
    /// passes `col` as the first argument.
    fn ordered_set(
        name: &'static str,
        coerce: Coerce,
        returns: Returns,
        finish: FinishOrdered,
    ) -> Self {
        Self::with(name, coerce, returns, Finisher::Ordered(finish))
    }

    fn with(name: &'static str, coerce: Coerce, returns: Returns, finish: Finisher) -> Self {
        Self {
            name,
            signature: Signature::user_defined(Volatility::Immutable),
            coerce,
            returns,
            finish,
        }
    }
}

impl AggregateUDFImpl for CollectAgg {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        (self.coerce)(arg_types).map_err(|e| plan_err(format!("{}: {e}", self.name)))
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        (self.returns)(arg_types)
    }

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(Collector {
            types: args
                .expr_fields
                .iter()
                .map(|f| f.data_type().clone())
                .collect(),
            columns: vec![Vec::new(); args.expr_fields.len()],
            result: args.return_type().clone(),
            finish: self.finish,
            descending: args.order_bys.first().is_some_and(|o| o.options.descending),
        }))
    }

    fn supports_within_group_clause(&self) -> bool {
        matches!(self.finish, Finisher::Ordered(_))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        Ok(args
            .input_fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                Arc::new(Field::new(
                    format!("{}[{i}]", args.name),
                    DataType::List(Arc::new(Field::new("item", f.data_type().clone(), true))),
                    true,
                ))
            })
            .collect())
    }
}

struct Collector {
    types: Vec<DataType>,
    columns: Vec<Vec<ArrayRef>>,
    result: DataType,
    finish: Finisher,
    /// An ordered-set aggregate's order is descending.
    descending: bool,
}

impl fmt::Debug for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collector")
            .field("types", &self.types)
            .finish_non_exhaustive()
    }
}

impl Collector {
    fn concatenated(&self) -> DfResult<Vec<ArrayRef>> {
        self.columns
            .iter()
            .zip(&self.types)
            .map(|(parts, t)| {
                if parts.is_empty() {
                    Ok(datafusion::arrow::array::new_empty_array(t))
                } else {
                    let refs: Vec<&dyn Array> = parts.iter().map(AsRef::as_ref).collect();
                    Ok(concat(&refs)?)
                }
            })
            .collect()
    }
}

impl Accumulator for Collector {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        for (column, v) in self.columns.iter_mut().zip(values) {
            column.push(Arc::clone(v));
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        let columns = self.concatenated()?;
        match self.finish {
            Finisher::Plain(f) => f(&columns, &self.result),
            Finisher::Ordered(f) => f(&columns, &self.result, self.descending),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
            + self
                .columns
                .iter()
                .flatten()
                .map(|a| a.get_array_memory_size())
                .sum::<usize>()
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(self
            .concatenated()?
            .into_iter()
            .map(|a| ScalarValue::List(Arc::new(ListArray::from_arrays_single(a))))
            .collect())
    }

    /// Window frames that slide forget their oldest rows first, in order: drop them from the
    /// front.
    fn retract_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let leaving = values.first().map_or(0, |v| v.len());
        for column in &mut self.columns {
            let mut n = leaving;
            while n > 0 && !column.is_empty() {
                let len = column[0].len();
                if len <= n {
                    column.remove(0);
                    n -= len;
                } else {
                    column[0] = column[0].slice(n, len - n);
                    n = 0;
                }
            }
        }
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        for (column, state) in self.columns.iter_mut().zip(states) {
            let lists = state.as_list::<i32>();
            for i in 0..lists.len() {
                if lists.is_valid(i) {
                    column.push(lists.value(i));
                }
            }
        }
        Ok(())
    }
}

trait FromSingle {
    fn from_arrays_single(values: ArrayRef) -> ListArray;
}

impl FromSingle for ListArray {
    /// A one-row list array holding all of `values`.
    fn from_arrays_single(values: ArrayRef) -> ListArray {
        datafusion::common::utils::SingleRowListArrayBuilder::new(values).build_list_array()
    }
}

fn null_of(t: &DataType) -> DfResult<ScalarValue> {
    ScalarValue::try_from(t)
}

fn numeric_arg(t: &DataType) -> DfResult<()> {
    if t.is_numeric() || *t == DataType::Null {
        Ok(())
    } else {
        Err(plan_err(format!("expected a number, got {t}")))
    }
}

/// The non-null values of a `DOUBLE` column, sorted.
fn sorted_f64(a: &ArrayRef) -> Vec<f64> {
    let mut v: Vec<f64> = a.as_primitive::<Float64Type>().iter().flatten().collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The first non-null value of a column (the literal arguments of an aggregate).
fn first_value(a: &ArrayRef) -> DfResult<Option<ScalarValue>> {
    for i in 0..a.len() {
        if a.is_valid(i) {
            return Ok(Some(ScalarValue::try_from_array(a, i)?));
        }
    }
    Ok(None)
}

fn fraction(p: f64) -> DfResult<f64> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(exec_err(format!(
            "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] The percentage must be between [0.0, 1.0] (current value = {p})"
        )))
    }
}

/// Spark's exact percentile: linear interpolation between the closest ranks.
fn interpolated(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let pos = p * last as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    let (a, b) = (sorted.get(lo)?, sorted.get(hi.min(last))?);
    Some(a + (b - a) * (pos - lo as f64))
}

/// `percentile(col, p)` and `median(col)`.
fn percentile(name: &'static str) -> CollectAgg {
    CollectAgg::new(
        name,
        |t| {
            let expected = if t.len() == 1 || t.len() == 2 {
                Ok(())
            } else {
                Err(())
            };
            expected
                .map_err(|()| plan_err(format!("takes a column and a percentage, got {t:?}")))?;
            numeric_arg(&t[0])?;
            Ok(vec![DataType::Float64; t.len()])
        },
        |_| Ok(DataType::Float64),
        |cols, _| {
            let sorted = sorted_f64(&cols[0]);
            let p = match cols.get(1) {
                None => 0.5,
                Some(c) => match first_value(c)? {
                    Some(ScalarValue::Float64(Some(p))) => fraction(p)?,
                    _ => return Ok(ScalarValue::Float64(None)),
                },
            };
            Ok(ScalarValue::Float64(interpolated(&sorted, p)))
        },
    )
}

/// `percentile_disc(p) WITHIN GROUP (ORDER BY col [DESC])` (Spark 4.0): the first value, in
/// that order, whose cumulative share of the non-`NULL` values reaches `p` (the value at
/// position `ceil(p * n)`), as a `DOUBLE`; `p` outside 0..1 is an error.
fn percentile_disc() -> CollectAgg {
    CollectAgg::ordered_set(
        "percentile_disc",
        |t| {
            if t.len() != 2 {
                return Err(plan_err(format!(
                    "is called as percentile_disc(percentage) WITHIN GROUP (ORDER BY col), got {} arguments",
                    t.len().saturating_sub(1)
                )));
            }
            numeric_arg(&t[0])?;
            Ok(vec![DataType::Float64; 2])
        },
        |_| Ok(DataType::Float64),
        |cols, _, descending| {
            let mut sorted = sorted_f64(&cols[0]);
            if descending {
                sorted.reverse();
            }
            let p = match first_value(&cols[1])? {
                Some(ScalarValue::Float64(Some(p))) => fraction(p)?,
                _ => return Ok(ScalarValue::Float64(None)),
            };
            let n = sorted.len();
            let at = ((p * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1;
            Ok(ScalarValue::Float64(sorted.get(at).copied()))
        },
    )
}

/// `percentile_approx(col, p[, accuracy])`: the smallest value of `col` with at least a
/// fraction `p` of the values at or below it; `p` may be an array of fractions.
fn percentile_approx(name: &'static str) -> CollectAgg {
    CollectAgg::new(
        name,
        |t| {
            if !(2..=3).contains(&t.len()) {
                return Err(plan_err(format!(
                    "takes a column, a percentage and an optional accuracy, got {t:?}"
                )));
            }
            numeric_arg(&t[0])?;
            let p = match &t[1] {
                DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
                    DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))
                }
                _ => DataType::Float64,
            };
            let mut out = vec![t[0].clone(), p];
            if t.len() == 3 {
                out.push(DataType::Int64);
            }
            Ok(out)
        },
        |t| match t.get(1) {
            Some(DataType::List(_)) => Ok(DataType::List(Arc::new(Field::new(
                "item",
                t[0].clone(),
                true,
            )))),
            _ => Ok(t[0].clone()),
        },
        |cols, result| {
            let values = datafusion::arrow::compute::filter(
                &cols[0],
                &datafusion::arrow::compute::is_not_null(&cols[0])?,
            )?;
            let sorted = sort(&values, Some(SortOptions::default()))?;
            let pick = |p: f64| -> DfResult<ScalarValue> {
                let p = fraction(p)?;
                let n = sorted.len();
                if n == 0 {
                    return null_of(&cols[0].data_type().clone());
                }
                let rank = ((p * n as f64).ceil() as usize).clamp(1, n);
                ScalarValue::try_from_array(&sorted, rank - 1)
            };
            match first_value(&cols[1])? {
                Some(ScalarValue::Float64(Some(p))) => {
                    if sorted.is_empty() {
                        null_of(result)
                    } else {
                        pick(p)
                    }
                }
                Some(ScalarValue::List(ps)) => {
                    if sorted.is_empty() {
                        return null_of(result);
                    }
                    let ps = ps.value(0);
                    let picked = ps
                        .as_primitive::<Float64Type>()
                        .iter()
                        .map(|p| p.map_or_else(|| null_of(cols[0].data_type()), pick))
                        .collect::<DfResult<Vec<_>>>()?;
                    Ok(ScalarValue::List(ScalarValue::new_list_nullable(
                        &picked,
                        cols[0].data_type(),
                    )))
                }
                _ => null_of(result),
            }
        },
    )
}

/// `first(col[, ignoreNulls])` and `last(col[, ignoreNulls])`, in input order.
fn first_last(name: &'static str) -> CollectAgg {
    fn pick(cols: &[ArrayRef], result: &DataType, from_end: bool) -> DfResult<ScalarValue> {
        let ignore = match cols.get(1) {
            None => false,
            Some(c) => matches!(first_value(c)?, Some(ScalarValue::Boolean(Some(true)))),
        };
        let values = &cols[0];
        let mut rows: Box<dyn Iterator<Item = usize>> = if from_end {
            Box::new((0..values.len()).rev())
        } else {
            Box::new(0..values.len())
        };
        let found = if ignore {
            rows.find(|&i| values.is_valid(i))
        } else {
            rows.next()
        };
        match found {
            Some(i) => Ok(ScalarValue::try_from_array(values, i)?),
            None => null_of(result),
        }
    }
    CollectAgg::new(
        name,
        |t| match t {
            [x] => Ok(vec![x.clone()]),
            [x, _] => Ok(vec![x.clone(), DataType::Boolean]),
            _ => Err(plan_err(format!(
                "takes a column and an optional ignoreNulls, got {t:?}"
            ))),
        },
        |t| Ok(t[0].clone()),
        if name == "first" {
            |cols, result| pick(cols, result, false)
        } else {
            |cols, result| pick(cols, result, true)
        },
    )
}

/// Central moments 2 to 4 as sums (`M2 = Σ(x - mean)²`, ...) and the count.
fn moments(a: &ArrayRef) -> (f64, f64, f64, f64) {
    let xs: Vec<f64> = a.as_primitive::<Float64Type>().iter().flatten().collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let m = |k: i32| xs.iter().map(|x| (x - mean).powi(k)).sum::<f64>();
    (n, m(2), m(3), m(4))
}

/// `skewness(col)` and `kurtosis(col)` (excess), population formulas as in Spark; `NULL` for
/// no rows or no spread.
fn moment(name: &'static str) -> CollectAgg {
    CollectAgg::new(
        name,
        |t| match t {
            [x] => numeric_arg(x).map(|()| vec![DataType::Float64]),
            _ => Err(plan_err(format!("takes one column, got {t:?}"))),
        },
        |_| Ok(DataType::Float64),
        if name == "skewness" {
            |cols, _| {
                let (n, m2, m3, _) = moments(&cols[0]);
                Ok(ScalarValue::Float64(
                    (n > 0.0 && m2 != 0.0).then(|| n.sqrt() * m3 / m2.powf(1.5)),
                ))
            }
        } else {
            |cols, _| {
                let (n, m2, _, m4) = moments(&cols[0]);
                Ok(ScalarValue::Float64(
                    (n > 0.0 && m2 != 0.0).then(|| n * m4 / (m2 * m2) - 3.0),
                ))
            }
        },
    )
}

/// `max_by(x, ord)` and `min_by(x, ord)`: `x` of the row with the largest (smallest) non-null
/// `ord`, the last such row on ties (as Spark, whose update keeps the old value only while it
/// is strictly better: `max_by(x, y)` over `(1, 5), (2, 5)` is 2).
fn by(name: &'static str) -> CollectAgg {
    fn pick(
        cols: &[ArrayRef],
        result: &DataType,
        want: std::cmp::Ordering,
    ) -> DfResult<ScalarValue> {
        let (x, ord) = (&cols[0], &cols[1]);
        let mut best: Option<(usize, ScalarValue)> = None;
        for i in 0..ord.len() {
            if ord.is_null(i) {
                continue;
            }
            let v = ScalarValue::try_from_array(ord, i)?;
            let better = best
                .as_ref()
                .is_none_or(|(_, b)| matches!(v.partial_cmp(b), Some(o) if o == want || o.is_eq()));
            if better {
                best = Some((i, v));
            }
        }
        match best {
            Some((i, _)) => Ok(ScalarValue::try_from_array(x, i)?),
            None => null_of(result),
        }
    }
    CollectAgg::new(
        name,
        |t| match t {
            [x, o] => Ok(vec![x.clone(), o.clone()]),
            _ => Err(plan_err(format!(
                "takes a value and an ordering column, got {t:?}"
            ))),
        },
        |t| Ok(t[0].clone()),
        if name == "max_by" {
            |cols, result| pick(cols, result, std::cmp::Ordering::Greater)
        } else {
            |cols, result| pick(cols, result, std::cmp::Ordering::Less)
        },
    )
}

/// `collect_union(array)`: the distinct non-`NULL` elements of every array, ascending (Spark's
/// order is its hash set's, which is ascending for small integers; Ember's is always ascending,
/// so the answer does not depend on the order rows arrive in). Its state is the distinct
/// elements, not the arrays.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CollectUnion {
    name: &'static str,
    signature: Signature,
}

impl AggregateUDFImpl for CollectUnion {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        match t {
            [DataType::Null] => Ok(vec![DataType::new_list(DataType::Null, true)]),
            [DataType::List(f) | DataType::LargeList(f)] => Ok(vec![DataType::List(Arc::clone(f))]),
            [x] => Err(plan_err(format!(
                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] collect_union: The first parameter requires the \"ARRAY\" type, however it has the type \"{x}\". SQLSTATE: 42K09"
            ))),
            _ => Err(plan_err(format!(
                "collect_union takes one array, got {t:?}"
            ))),
        }
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        Ok(t[0].clone())
    }

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(UnionOfElements {
            list: args.return_type().clone(),
            elements: std::collections::HashSet::new(),
            bytes: 0,
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[elements]", args.name),
            args.return_type().clone(),
            true,
        ))])
    }
}

#[derive(Debug)]
struct UnionOfElements {
    /// The result type (`ARRAY<element>`).
    list: DataType,
    elements: std::collections::HashSet<ScalarValue>,
    bytes: usize,
}

impl UnionOfElements {
    fn add_lists(&mut self, lists: &ArrayRef) -> DfResult<()> {
        let lists = lists.as_list::<i32>();
        for list in lists.iter().flatten() {
            for j in 0..list.len() {
                if list.is_valid(j) {
                    let v = ScalarValue::try_from_array(&list, j)?;
                    let size = v.size();
                    if self.elements.insert(v) {
                        self.bytes += size;
                    }
                }
            }
        }
        Ok(())
    }

    /// The elements as one `ARRAY` value, ascending when `sorted`.
    fn list(&self, sorted: bool) -> DfResult<ScalarValue> {
        let DataType::List(field) = &self.list else {
            return null_of(&self.list);
        };
        let mut elements: Vec<ScalarValue> = self.elements.iter().cloned().collect();
        if sorted {
            elements.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        }
        let values = if elements.is_empty() {
            datafusion::arrow::array::new_empty_array(field.data_type())
        } else {
            ScalarValue::iter_to_array(elements)?
        };
        super::one_row_list(Arc::clone(field), values)
    }
}

impl Accumulator for UnionOfElements {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        self.add_lists(&values[0])
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        self.list(true)
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.bytes
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![self.list(false)?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        self.add_lists(&states[0])
    }
}

/// `mode(col)`: the most frequent non-null value, the first seen on ties.
fn mode() -> CollectAgg {
    CollectAgg::new(
        "mode",
        |t| match t {
            [x] => Ok(vec![x.clone()]),
            _ => Err(plan_err(format!("takes one column, got {t:?}"))),
        },
        |t| Ok(t[0].clone()),
        |cols, result| {
            let a = &cols[0];
            let mut counts: HashMap<ScalarValue, (usize, usize)> = HashMap::new();
            for i in 0..a.len() {
                if a.is_valid(i) {
                    let entry = counts
                        .entry(ScalarValue::try_from_array(a, i)?)
                        .or_insert((0, i));
                    entry.0 += 1;
                }
            }
            let best = counts
                .into_iter()
                .max_by(|(_, (c1, f1)), (_, (c2, f2))| c1.cmp(c2).then(f2.cmp(f1)));
            match best {
                Some((v, _)) => Ok(v),
                None => null_of(result),
            }
        },
    )
}

/// A wrapper of one of DataFusion's aggregates (`inner`) that changes part of what it does,
/// with the identity DataFusion compares functions by.
macro_rules! aggregate_wrapper {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        struct $name {
            inner: Arc<dyn AggregateUDFImpl>,
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }

        // Two wrappers are the same function when they wrap the same one (`max` and `min`
        // share a wrapper).
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.inner.name() == other.inner.name()
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                stringify!($name).hash(state);
                self.inner.name().hash(state);
            }
        }
    };
}

/// What the optimizer asks of an `aggregate_wrapper!`'s function (order sensitivity, the
/// reversed form, monotonicity, answers from statistics), answered by the wrapped one.
macro_rules! inner_planning_hints {
    () => {
        fn order_sensitivity(&self) -> datafusion::logical_expr::utils::AggregateOrderSensitivity {
            self.inner.order_sensitivity()
        }

        fn reverse_expr(&self) -> datafusion::logical_expr::ReversedUDAF {
            self.inner.reverse_expr()
        }

        fn set_monotonicity(
            &self,
            data_type: &DataType,
        ) -> datafusion::logical_expr::SetMonotonicity {
            self.inner.set_monotonicity(data_type)
        }

        fn value_from_stats(
            &self,
            statistics_args: &datafusion::logical_expr::StatisticsArgs<'_>,
        ) -> Option<ScalarValue> {
            self.inner.value_from_stats(statistics_args)
        }
    };
}

/// The methods an `aggregate_wrapper!` keeps from its inner aggregate: its name, signature
/// and types.
macro_rules! inner_signature {
    () => {
        fn name(&self) -> &str {
            self.inner.name()
        }

        fn aliases(&self) -> &[String] {
            self.inner.aliases()
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

        fn return_field(&self, arg_fields: &[FieldRef]) -> DfResult<FieldRef> {
            self.inner.return_field(arg_fields)
        }
    };
}

aggregate_wrapper!(
    /// DataFusion's `avg` with what it lacks for Spark's queries: `avg(DISTINCT x)` and sliding
    /// window frames (`ROWS BETWEEN 1 PRECEDING AND CURRENT ROW`, which retract rows) for
    /// floating-point and integer input. Decimals stay entirely DataFusion's.
    SparkAvg
);

fn is_decimal(t: &DataType) -> bool {
    matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..))
}

impl AggregateUDFImpl for SparkAvg {
    inner_signature!();

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        let decimal = args
            .expr_fields
            .first()
            .is_some_and(|f| is_decimal(f.data_type()));
        if args.is_distinct && !decimal {
            Ok(Box::new(DistinctAvg::default()))
        } else {
            self.inner.accumulator(args)
        }
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        let decimal = args
            .input_fields
            .first()
            .is_some_and(|f| is_decimal(f.data_type()));
        if args.is_distinct && !decimal {
            Ok(vec![Arc::new(Field::new(
                format!("{}[distinct]", args.name),
                DataType::List(Arc::new(Field::new("item", DataType::Float64, true))),
                true,
            ))])
        } else {
            self.inner.state_fields(args)
        }
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs<'_>) -> bool {
        !args.is_distinct && self.inner.groups_accumulator_supported(args)
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> DfResult<Box<dyn datafusion::logical_expr::GroupsAccumulator>> {
        self.inner.create_groups_accumulator(args)
    }

    fn create_sliding_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> DfResult<Box<dyn Accumulator>> {
        let decimal = args
            .expr_fields
            .first()
            .is_some_and(|f| is_decimal(f.data_type()));
        if decimal || args.is_distinct {
            self.inner.create_sliding_accumulator(args)
        } else {
            Ok(Box::new(SlidingAvg::default()))
        }
    }

    fn reverse_expr(&self) -> datafusion::logical_expr::ReversedUDAF {
        self.inner.reverse_expr()
    }

    fn default_value(&self, data_type: &DataType) -> DfResult<ScalarValue> {
        self.inner.default_value(data_type)
    }
}

aggregate_wrapper!(
    /// DataFusion's `sum` with Spark's (ANSI) overflow: a `BIGINT` sum past its range is
    /// `[ARITHMETIC_OVERFLOW]`, where DataFusion's wraps around (also with
    /// `spark.sql.ansi.enabled=false`, where Spark's wraps), sliding window frames included.
    /// Everything else (decimals, doubles, `DISTINCT`) stays DataFusion's.
    SparkSum
);

/// Whether a `sum` sums `BIGINT`s (the integers are coerced to it) without `DISTINCT`.
fn checked_sum(args: &AccumulatorArgs<'_>) -> bool {
    !args.is_distinct && *args.return_field.data_type() == DataType::Int64
}

/// `a + b` past `BIGINT`: Ember's typed overflow error ([`crate::Error::ArithmeticOverflow`]),
/// as the checked arithmetic raises it.
fn sum_overflow(a: i64, b: i64) -> datafusion::error::DataFusionError {
    datafusion::error::DataFusionError::External(Box::new(crate::overflow::OverflowFailure {
        operator: "+",
        data_type: "bigint".to_owned(),
        detail: format!("{a} + {b}"),
    }))
}

/// `a + b`, or the overflow error.
fn add_checked(a: i64, b: i64) -> DfResult<i64> {
    a.checked_add(b).ok_or_else(|| sum_overflow(a, b))
}

impl AggregateUDFImpl for SparkSum {
    inner_signature!();

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        if checked_sum(&args) {
            Ok(Box::new(CheckedSum::default()))
        } else {
            self.inner.accumulator(args)
        }
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        self.inner.state_fields(args)
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs<'_>) -> bool {
        self.inner.groups_accumulator_supported(args)
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> DfResult<Box<dyn GroupsAccumulator>> {
        if checked_sum(&args) {
            Ok(Box::new(CheckedGroupSums::default()))
        } else {
            self.inner.create_groups_accumulator(args)
        }
    }

    fn create_sliding_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> DfResult<Box<dyn Accumulator>> {
        if checked_sum(&args) {
            Ok(Box::new(CheckedSlidingSum::default()))
        } else {
            self.inner.create_sliding_accumulator(args)
        }
    }

    fn default_value(&self, data_type: &DataType) -> DfResult<ScalarValue> {
        self.inner.default_value(data_type)
    }

    inner_planning_hints!();
}

/// The sum of the `BIGINT`s of `values` (NULLs skipped; `None`: none), or the overflow error.
fn checked_total(values: &ArrayRef) -> DfResult<Option<i64>> {
    let values = values.as_primitive::<Int64Type>();
    if values.null_count() == values.len() {
        return Ok(None);
    }
    // Without NULLs the values are summed straight from the buffer (no per-row Option).
    let add = |t: i64, v: i64| t.checked_add(v).ok_or((t, v));
    let total = if values.null_count() == 0 {
        values.values().iter().try_fold(0i64, |t, &v| add(t, v))
    } else {
        values.iter().flatten().try_fold(0i64, add)
    };
    total.map(Some).map_err(|(a, b)| sum_overflow(a, b))
}

/// A `BIGINT` sum that fails on overflow.
#[derive(Debug, Default)]
struct CheckedSum {
    sum: Option<i64>,
}

impl Accumulator for CheckedSum {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        if let Some(t) = checked_total(&values[0])? {
            self.sum = Some(add_checked(self.sum.unwrap_or(0), t)?);
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        self.update_batch(states)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Int64(self.sum)])
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Int64(self.sum))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// A `BIGINT` sum over a sliding window frame: rows enter and leave, so the running total is
/// kept in 128 bits (it cannot overflow there) and each frame's sum must fit in `BIGINT` when
/// it is read, as Spark's (ANSI) sum of a frame fails when it does not.
#[derive(Debug, Default)]
struct CheckedSlidingSum {
    sum: i128,
    /// How many non-NULL values are in the frame (none: the sum is NULL).
    count: u64,
}

impl CheckedSlidingSum {
    fn apply(&mut self, values: &ArrayRef, sign: i128) {
        for v in values.as_primitive::<Int64Type>().iter().flatten() {
            self.sum += sign * i128::from(v);
            if sign > 0 {
                self.count += 1;
            } else {
                self.count = self.count.saturating_sub(1);
            }
        }
    }
}

impl Accumulator for CheckedSlidingSum {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        self.apply(&values[0], 1);
        Ok(())
    }

    fn retract_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        self.apply(&values[0], -1);
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        self.apply(&states[0], 1);
        Ok(())
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        if self.count == 0 {
            return Ok(ScalarValue::Int64(None));
        }
        i64::try_from(self.sum)
            .map(|s| ScalarValue::Int64(Some(s)))
            .map_err(|_| {
                datafusion::error::DataFusionError::External(Box::new(
                    crate::overflow::OverflowFailure {
                        operator: "+",
                        data_type: "bigint".to_owned(),
                        detail: format!("the window frame's sum {}", self.sum),
                    },
                ))
            })
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// `update_batch`, `merge_batch`, `state` and `convert_to_state` of a groups accumulator whose
/// state is its answer, through its `add(values, groups, filter, total)` and `evaluate`.
macro_rules! grouped_by_add {
    () => {
        fn update_batch(
            &mut self,
            values: &[ArrayRef],
            group_indices: &[usize],
            opt_filter: Option<&datafusion::arrow::array::BooleanArray>,
            total_num_groups: usize,
        ) -> DfResult<()> {
            self.add(&values[0], group_indices, opt_filter, total_num_groups)
        }

        fn merge_batch(
            &mut self,
            values: &[ArrayRef],
            group_indices: &[usize],
            total_num_groups: usize,
        ) -> DfResult<()> {
            self.add(&values[0], group_indices, None, total_num_groups)
        }

        fn state(&mut self, emit_to: EmitTo) -> DfResult<Vec<ArrayRef>> {
            Ok(vec![self.evaluate(emit_to)?])
        }

        fn convert_to_state(
            &self,
            values: &[ArrayRef],
            opt_filter: Option<&datafusion::arrow::array::BooleanArray>,
        ) -> DfResult<Vec<ArrayRef>> {
            rows_as_states(&values[0], opt_filter).map(|s| vec![s])
        }
    };
}

/// Whether row `i` passes an aggregate's `FILTER` (a NULL condition drops it).
fn kept(filter: Option<&datafusion::arrow::array::BooleanArray>, i: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(i) && f.value(i))
}

/// Each row's own value as its state, for an accumulator whose state is its answer; a row the
/// filter drops is NULL.
fn rows_as_states(
    values: &ArrayRef,
    filter: Option<&datafusion::arrow::array::BooleanArray>,
) -> DfResult<ArrayRef> {
    if filter.is_none() {
        return Ok(Arc::clone(values));
    }
    let indices: datafusion::arrow::array::UInt32Array = (0..values.len())
        .map(|i| kept(filter, i).then(|| u32::try_from(i).ok()).flatten())
        .collect();
    Ok(datafusion::arrow::compute::take(values, &indices, None)?)
}

/// [`CheckedSum`] for many groups at once (DataFusion's hash aggregation).
#[derive(Debug, Default)]
struct CheckedGroupSums {
    sums: Vec<i64>,
    /// Whether the group has seen a value (a group of NULLs sums to NULL).
    seen: Vec<bool>,
}

impl CheckedGroupSums {
    fn add(
        &mut self,
        values: &ArrayRef,
        groups: &[usize],
        filter: Option<&datafusion::arrow::array::BooleanArray>,
        total: usize,
    ) -> DfResult<()> {
        self.sums.resize(total, 0);
        self.seen.resize(total, false);
        let values = values.as_primitive::<Int64Type>();
        for (i, &g) in groups.iter().enumerate() {
            if values.is_null(i) || !kept(filter, i) {
                continue;
            }
            self.sums[g] = add_checked(self.sums[g], values.value(i))?;
            self.seen[g] = true;
        }
        Ok(())
    }
}

impl GroupsAccumulator for CheckedGroupSums {
    grouped_by_add!();

    fn evaluate(&mut self, emit_to: EmitTo) -> DfResult<ArrayRef> {
        let sums = emit_to.take_needed(&mut self.sums);
        let seen = emit_to.take_needed(&mut self.seen);
        Ok(Arc::new(Int64Array::new(
            sums.into(),
            Some(NullBuffer::from(seen)),
        )))
    }

    fn size(&self) -> usize {
        self.sums.capacity() * std::mem::size_of::<i64>() + self.seen.capacity()
    }
}

fn as_f64(a: &ArrayRef) -> DfResult<ArrayRef> {
    Ok(datafusion::arrow::compute::cast(a, &DataType::Float64)?)
}

/// A mean that can forget rows, for sliding window frames.
#[derive(Debug, Default)]
struct SlidingAvg {
    sum: f64,
    count: i64,
}

impl Accumulator for SlidingAvg {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        if let Some(v) = values.first() {
            for x in as_f64(v)?.as_primitive::<Float64Type>().iter().flatten() {
                self.sum += x;
                self.count += 1;
            }
        }
        Ok(())
    }

    fn retract_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        if let Some(v) = values.first() {
            for x in as_f64(v)?.as_primitive::<Float64Type>().iter().flatten() {
                self.sum -= x;
                self.count -= 1;
            }
        }
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Float64(
            (self.count > 0).then(|| self.sum / self.count as f64),
        ))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![
            ScalarValue::UInt64(Some(u64::try_from(self.count).unwrap_or(0))),
            ScalarValue::Float64(Some(self.sum)),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        if let [counts, sums] = states {
            let counts = datafusion::arrow::compute::cast(counts, &DataType::Int64)?;
            self.count += counts
                .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
                .iter()
                .flatten()
                .sum::<i64>();
            self.sum += as_f64(sums)?
                .as_primitive::<Float64Type>()
                .iter()
                .flatten()
                .sum::<f64>();
        }
        Ok(())
    }
}

/// The mean of the distinct non-null values.
#[derive(Debug, Default)]
struct DistinctAvg {
    seen: std::collections::HashSet<u64>,
}

impl DistinctAvg {
    fn add(&mut self, values: &ArrayRef) -> DfResult<()> {
        for x in as_f64(values)?
            .as_primitive::<Float64Type>()
            .iter()
            .flatten()
        {
            // -0.0 and 0.0 are one value.
            let x = if x == 0.0 { 0.0 } else { x };
            self.seen.insert(x.to_bits());
        }
        Ok(())
    }
}

impl Accumulator for DistinctAvg {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        match values.first() {
            Some(v) => self.add(v),
            None => Ok(()),
        }
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        let n = self.seen.len();
        let sum: f64 = self.seen.iter().map(|b| f64::from_bits(*b)).sum();
        Ok(ScalarValue::Float64((n > 0).then(|| sum / n as f64)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.seen.len() * std::mem::size_of::<u64>()
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        let values: Vec<ScalarValue> = self
            .seen
            .iter()
            .map(|b| ScalarValue::Float64(Some(f64::from_bits(*b))))
            .collect();
        Ok(vec![ScalarValue::List(ScalarValue::new_list_nullable(
            &values,
            &DataType::Float64,
        ))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        if let Some(lists) = states.first() {
            let lists = lists.as_list::<i32>();
            for i in 0..lists.len() {
                if lists.is_valid(i) {
                    self.add(&lists.value(i))?;
                }
            }
        }
        Ok(())
    }
}

/// Spark's `approx_count_distinct`: DataFusion's `approx_distinct` (HyperLogLog) with Spark's
/// `BIGINT` result (DataFusion's is `BIGINT UNSIGNED`).
struct ApproxCountDistinct {
    inner: Arc<dyn AggregateUDFImpl>,
}

impl fmt::Debug for ApproxCountDistinct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApproxCountDistinct")
            .finish_non_exhaustive()
    }
}

impl PartialEq for ApproxCountDistinct {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Eq for ApproxCountDistinct {}

impl Hash for ApproxCountDistinct {
    fn hash<H: Hasher>(&self, state: &mut H) {
        "approx_count_distinct".hash(state);
    }
}

impl AggregateUDFImpl for ApproxCountDistinct {
    fn name(&self) -> &str {
        "approx_count_distinct"
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Int64)
    }

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(SignedCount(self.inner.accumulator(args)?)))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        self.inner.state_fields(args)
    }

    fn default_value(&self, _data_type: &DataType) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Int64(Some(0)))
    }
}

/// An accumulator whose `BIGINT UNSIGNED` answer is given as `BIGINT`.
#[derive(Debug)]
struct SignedCount(Box<dyn Accumulator>);

impl Accumulator for SignedCount {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        self.0.update_batch(values)
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        self.0.evaluate()?.cast_to(&DataType::Int64)
    }

    fn size(&self) -> usize {
        self.0.size()
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        self.0.state()
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        self.0.merge_batch(states)
    }
}

aggregate_wrapper!(
    /// DataFusion's `max` or `min` with Spark's order for arrays and structs: a NULL element
    /// or field is smaller than any value (`max` of `[1, NULL]` and `[1, 2]` is `[1, 2]`), as
    /// Spark orders them and as `ORDER BY` already does here; DataFusion's put it last. Other
    /// types, and sliding window frames, stay DataFusion's.
    SparkExtreme
);

/// Whether `t` is ordered by [`NestedExtreme`] (arrays and structs).
fn nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Struct(_)
            | DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(..)
    )
}

impl SparkExtreme {
    fn is_max(&self) -> bool {
        self.inner.name() == "max"
    }

    /// The row format that orders values as Spark does (NULLs inside first), if `t` is one
    /// this aggregate orders itself and the format takes it.
    fn converter(t: &DataType) -> Option<RowConverter> {
        nested(t)
            .then(|| {
                RowConverter::new(vec![SortField::new_with_options(
                    t.clone(),
                    SortOptions {
                        descending: false,
                        nulls_first: true,
                    },
                )])
                .ok()
            })
            .flatten()
    }
}

impl AggregateUDFImpl for SparkExtreme {
    inner_signature!();

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        let t = args.return_field.data_type().clone();
        match Self::converter(&t) {
            Some(rows) => Ok(Box::new(NestedExtreme {
                groups: ExtremeRows::new(rows, self.is_max()),
                data_type: t,
            })),
            None => self.inner.accumulator(args),
        }
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        self.inner.state_fields(args)
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs<'_>) -> bool {
        nested(args.return_field.data_type()) || self.inner.groups_accumulator_supported(args)
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> DfResult<Box<dyn GroupsAccumulator>> {
        match Self::converter(args.return_field.data_type()) {
            Some(rows) => Ok(Box::new(ExtremeRows::new(rows, self.is_max()))),
            None => self.inner.create_groups_accumulator(args),
        }
    }

    fn create_sliding_accumulator(
        &self,
        args: AccumulatorArgs<'_>,
    ) -> DfResult<Box<dyn Accumulator>> {
        self.inner.create_sliding_accumulator(args)
    }

    fn is_descending(&self) -> Option<bool> {
        self.inner.is_descending()
    }

    inner_planning_hints!();
}

/// The largest (or smallest) value of each group in Spark's order, kept as rows of the row
/// format (which compare as bytes).
#[derive(Debug)]
struct ExtremeRows {
    rows: RowConverter,
    max: bool,
    best: Vec<Option<OwnedRow>>,
}

impl ExtremeRows {
    fn new(rows: RowConverter, max: bool) -> Self {
        ExtremeRows {
            rows,
            max,
            best: Vec::new(),
        }
    }

    fn add(
        &mut self,
        values: &ArrayRef,
        groups: &[usize],
        filter: Option<&datafusion::arrow::array::BooleanArray>,
        total: usize,
    ) -> DfResult<()> {
        self.best.resize(total, None);
        let rows = self.rows.convert_columns(std::slice::from_ref(values))?;
        for (i, &g) in groups.iter().enumerate() {
            if values.is_null(i) || !kept(filter, i) {
                continue;
            }
            let row = rows.row(i);
            let better = match &self.best[g] {
                None => true,
                Some(b) if self.max => row > b.row(),
                Some(b) => row < b.row(),
            };
            if better {
                self.best[g] = Some(row.owned());
            }
        }
        Ok(())
    }

    /// The values of `best` (NULL for a group without one).
    fn values(&self, best: &[Option<OwnedRow>]) -> DfResult<ArrayRef> {
        let present = self
            .rows
            .convert_rows(best.iter().flatten().map(|r| r.row()))?;
        let mut next = 0u32;
        let indices: datafusion::arrow::array::UInt32Array = best
            .iter()
            .map(|b| {
                b.as_ref().map(|_| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        Ok(datafusion::arrow::compute::take(
            &present[0],
            &indices,
            None,
        )?)
    }
}

impl GroupsAccumulator for ExtremeRows {
    grouped_by_add!();

    fn evaluate(&mut self, emit_to: EmitTo) -> DfResult<ArrayRef> {
        let best = emit_to.take_needed(&mut self.best);
        self.values(&best)
    }

    fn size(&self) -> usize {
        self.rows.size()
            + self
                .best
                .iter()
                .map(|b| {
                    std::mem::size_of::<Option<OwnedRow>>()
                        + b.as_ref().map_or(0, |r| r.as_ref().len())
                })
                .sum::<usize>()
    }
}

/// [`ExtremeRows`] of one group, for aggregates without `GROUP BY`.
#[derive(Debug)]
struct NestedExtreme {
    groups: ExtremeRows,
    data_type: DataType,
}

impl Accumulator for NestedExtreme {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let groups = vec![0; values[0].len()];
        self.groups.add(&values[0], &groups, None, 1)
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        self.update_batch(states)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![self.evaluate()?])
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        match self.groups.best.first() {
            Some(Some(_)) => {
                let values = self.groups.values(&self.groups.best)?;
                ScalarValue::try_from_array(&values, 0)
            }
            _ => ScalarValue::try_from(&self.data_type),
        }
    }

    fn size(&self) -> usize {
        self.groups.size() + std::mem::size_of_val(&self.data_type)
    }
}

/// Registers the aggregates and Spark's names for DataFusion's.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udaf(AggregateUDF::new_from_impl(ApproxCountDistinct {
        inner: Arc::clone(
            datafusion::functions_aggregate::approx_distinct::approx_distinct_udaf().inner(),
        ),
    }));
    ctx.register_udaf(AggregateUDF::new_from_impl(SparkSum {
        inner: Arc::clone(datafusion::functions_aggregate::sum::sum_udaf().inner()),
    }));
    ctx.register_udaf(AggregateUDF::new_from_impl(SparkAvg {
        inner: Arc::clone(datafusion::functions_aggregate::average::avg_udaf().inner()),
    }));
    for extreme in [
        datafusion::functions_aggregate::min_max::max_udaf(),
        datafusion::functions_aggregate::min_max::min_udaf(),
    ] {
        ctx.register_udaf(AggregateUDF::new_from_impl(SparkExtreme {
            inner: Arc::clone(extreme.inner()),
        }));
    }
    for f in [
        percentile("percentile"),
        percentile("median"),
        percentile_approx("percentile_approx"),
        percentile_approx("approx_percentile"),
        first_last("first"),
        first_last("last"),
        moment("skewness"),
        moment("kurtosis"),
        by("max_by"),
        by("min_by"),
        mode(),
        percentile_disc(),
    ] {
        ctx.register_udaf(AggregateUDF::new_from_impl(f));
    }
    ctx.register_udaf(AggregateUDF::new_from_impl(CollectUnion {
        name: "collect_union",
        signature: Signature::user_defined(Volatility::Immutable),
    }));
    super::alias_udafs(
        ctx,
        &[
            ("bool_and", "every"),
            ("bool_or", "any"),
            ("bool_or", "some"),
            ("stddev", "std"),
            // Spark's try_avg is NULL where avg would overflow. Over integers and doubles Ember's
            // avg (a DOUBLE sum) does not overflow; over DECIMAL an overflow fails the query.
            ("avg", "try_avg"),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::interpolated;

    #[test]
    fn interpolates_between_ranks() {
        assert_eq!(
            interpolated(&[28.0, 28.0, 34.0, 45.0, 51.0], 0.5),
            Some(34.0)
        );
        assert_eq!(interpolated(&[1.0, 2.0], 0.25), Some(1.25));
        assert_eq!(interpolated(&[], 0.5), None);
    }
}
