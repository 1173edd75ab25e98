//! Spark's higher-order functions, evaluated over whole columns: `transform` and `filter` (with
//! an optional element index, `(x, i) -> ...`), `zip_with`, `aggregate`/`reduce` (with an
//! optional finish lambda), `map_filter`, `transform_values`, `transform_keys` and
//! `map_zip_with`.
//!
//! Each flattens its arrays (or map entries) of every row into one column, runs the lambda once
//! over that column (columns the lambda captures are spread to match), and rebuilds the arrays.
//! `aggregate` runs its merge lambda once per element position, over the rows that have one.
//! A `NULL` array or map gives `NULL`.

use std::hash::Hash;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int32Array, ListArray, MapArray, StructArray,
    UInt32Array,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::{filter, interleave, nullif, take};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, HigherOrderFunctionArgs, HigherOrderReturnFieldArgs, HigherOrderSignature,
    HigherOrderUDF, HigherOrderUDFImpl, LambdaArgument, LambdaParametersProgress, ValueOrLambda,
    Volatility,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, named_udf, plan_err};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Transform,
    Filter,
    ZipWith,
    Aggregate,
    MapFilter,
    TransformValues,
    TransformKeys,
    SortBy,
    MapZipWith,
}

#[derive(Debug)]
struct Hof {
    name: &'static str,
    kind: Kind,
    signature: HigherOrderSignature,
}

named_udf!(Hof);

fn element_field(f: &FieldRef, name: &str) -> DfResult<FieldRef> {
    match f.data_type() {
        DataType::List(e) => Ok(Arc::clone(e)),
        other => Err(plan_err(format!("{name} takes an array, got {other}"))),
    }
}

fn map_fields(f: &FieldRef, name: &str) -> DfResult<(FieldRef, FieldRef)> {
    match f.data_type() {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => Ok((Arc::clone(&kv[0]), Arc::clone(&kv[1]))),
            other => Err(plan_err(format!("{name}: unexpected map entries {other}"))),
        },
        other => Err(plan_err(format!("{name} takes a map, got {other}"))),
    }
}

fn values<V, L>(fields: &[ValueOrLambda<V, L>]) -> Vec<&V> {
    fields
        .iter()
        .filter_map(|f| match f {
            ValueOrLambda::Value(v) => Some(v),
            ValueOrLambda::Lambda(_) => None,
        })
        .collect()
}

fn lambdas<V, L>(fields: &[ValueOrLambda<V, L>]) -> Vec<&L> {
    fields
        .iter()
        .filter_map(|f| match f {
            ValueOrLambda::Lambda(l) => Some(l),
            ValueOrLambda::Value(_) => None,
        })
        .collect()
}

fn index_field() -> FieldRef {
    Arc::new(Field::new("i", DataType::Int32, false))
}

/// The elements of every non-null row of a list (or map) column, in order.
struct Flat {
    /// Per element: its row.
    rows: UInt32Array,
    /// Per element: its index in its row.
    positions: Int32Array,
    /// Per row: how many elements it has (0 for a `NULL` row).
    counts: Vec<usize>,
    /// Per element: its index in the column's child values.
    child: UInt32Array,
}

fn flatten(offsets: &[i32], nulls: Option<&NullBuffer>) -> DfResult<Flat> {
    let (mut rows, mut positions, mut child, mut counts) = (vec![], vec![], vec![], vec![]);
    for row in 0..offsets.len().saturating_sub(1) {
        if nulls.is_some_and(|n| n.is_null(row)) {
            counts.push(0);
            continue;
        }
        let (start, end) = (offsets[row], offsets[row + 1]);
        counts.push(usize::try_from(end - start).unwrap_or(0));
        for (k, at) in (start..end).enumerate() {
            rows.push(u32::try_from(row).map_err(|_| exec_err("too many rows".to_owned()))?);
            positions.push(i32::try_from(k).map_err(|_| exec_err("array too long".to_owned()))?);
            child.push(u32::try_from(at).map_err(|_| exec_err("array too long".to_owned()))?);
        }
    }
    Ok(Flat {
        rows: UInt32Array::from(rows),
        positions: Int32Array::from(positions),
        counts,
        child: UInt32Array::from(child),
    })
}

fn offsets_of(counts: &[usize]) -> OffsetBuffer<i32> {
    OffsetBuffer::from_lengths(counts.iter().copied())
}

/// Runs `lambda` over `params` (one row per element), spreading captured columns by `rows`.
fn run(
    lambda: &LambdaArgument,
    params: &[ArrayRef],
    rows: &UInt32Array,
    len: usize,
) -> DfResult<ArrayRef> {
    let closures: Vec<Box<dyn Fn() -> DfResult<ArrayRef>>> = params
        .iter()
        .map(|p| {
            let p = Arc::clone(p);
            Box::new(move || Ok(Arc::clone(&p))) as Box<dyn Fn() -> DfResult<ArrayRef>>
        })
        .collect();
    let refs: Vec<&dyn Fn() -> DfResult<ArrayRef>> = closures.iter().map(AsRef::as_ref).collect();
    lambda
        .evaluate(&refs, |captures| {
            captures
                .iter()
                .map(|c| Ok(take(c.as_ref(), rows, None)?))
                .collect()
        })?
        .into_array(len)
}

fn list_field(return_field: &FieldRef) -> DfResult<FieldRef> {
    match return_field.data_type() {
        DataType::List(f) => Ok(Arc::clone(f)),
        other => Err(exec_err(format!("expected a list result, got {other}"))),
    }
}

fn predicate(a: &ArrayRef) -> DfResult<BooleanArray> {
    let b = a
        .as_boolean_opt()
        .ok_or_else(|| exec_err("the lambda must return a boolean".to_owned()))?;
    // NULL keeps nothing, as false does.
    Ok(b.iter().map(|v| Some(v == Some(true))).collect())
}

impl Hof {
    fn new(name: &'static str, kind: Kind) -> Self {
        Self {
            name,
            kind,
            signature: HigherOrderSignature::variadic_any(Volatility::Immutable),
        }
    }

    fn list_values(&self, args: &[ColumnarValue], rows: usize) -> DfResult<Vec<ArrayRef>> {
        args.iter().map(|a| a.to_array(rows)).collect()
    }

    fn invoke_list(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        let vals: Vec<ColumnarValue> = values(&args.args).into_iter().cloned().collect();
        let arrays = self.list_values(&vals, n)?;
        let fns = lambdas(&args.args);
        let list = arrays
            .first()
            .and_then(|a| a.as_list_opt::<i32>())
            .ok_or_else(|| exec_err(format!("{} takes an array", self.name)))?;
        let flat = flatten(list.value_offsets(), list.nulls())?;
        let elements = take(list.values().as_ref(), &flat.child, None)?;
        let len = elements.len();
        let Some(lambda) = fns.first() else {
            return Err(exec_err(format!("{} takes a lambda", self.name)));
        };
        let positions: ArrayRef = Arc::new(flat.positions.clone());
        let out: ArrayRef = match self.kind {
            Kind::Transform => {
                let mapped = run(lambda, &[elements, positions], &flat.rows, len)?;
                Arc::new(ListArray::try_new(
                    list_field(&args.return_field)?,
                    offsets_of(&flat.counts),
                    mapped,
                    list.nulls().cloned(),
                )?)
            }
            _ => {
                let keep = predicate(&run(
                    lambda,
                    &[Arc::clone(&elements), positions],
                    &flat.rows,
                    len,
                )?)?;
                let mut counts = vec![0usize; flat.counts.len()];
                for (row, k) in flat.rows.values().iter().zip(keep.values().iter()) {
                    if k {
                        counts[*row as usize] += 1;
                    }
                }
                Arc::new(ListArray::try_new(
                    list_field(&args.return_field)?,
                    offsets_of(&counts),
                    filter(elements.as_ref(), &keep)?,
                    list.nulls().cloned(),
                )?)
            }
        };
        Ok(ColumnarValue::Array(out))
    }

    fn invoke_zip_with(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        let vals: Vec<ColumnarValue> = values(&args.args).into_iter().cloned().collect();
        let arrays = self.list_values(&vals, n)?;
        let (Some(a), Some(b), Some(lambda)) = (
            arrays.first().and_then(|a| a.as_list_opt::<i32>()),
            arrays.get(1).and_then(|a| a.as_list_opt::<i32>()),
            lambdas(&args.args).first().copied(),
        ) else {
            return Err(exec_err(
                "zip_with takes two arrays and a lambda".to_owned(),
            ));
        };
        let nulls = NullBuffer::union(a.nulls(), b.nulls());
        let (mut ia, mut ib, mut rows, mut counts) = (vec![], vec![], vec![], vec![]);
        for row in 0..n {
            if nulls.as_ref().is_some_and(|m| m.is_null(row)) {
                counts.push(0);
                continue;
            }
            let (sa, ea) = (a.value_offsets()[row], a.value_offsets()[row + 1]);
            let (sb, eb) = (b.value_offsets()[row], b.value_offsets()[row + 1]);
            let len = (ea - sa).max(eb - sb);
            counts.push(usize::try_from(len).unwrap_or(0));
            for k in 0..len {
                ia.push((sa + k < ea).then(|| u32::try_from(sa + k).unwrap_or(0)));
                ib.push((sb + k < eb).then(|| u32::try_from(sb + k).unwrap_or(0)));
                rows.push(u32::try_from(row).unwrap_or(0));
            }
        }
        let xa = take(a.values().as_ref(), &UInt32Array::from(ia), None)?;
        let xb = take(b.values().as_ref(), &UInt32Array::from(ib), None)?;
        let len = xa.len();
        let mapped = run(lambda, &[xa, xb], &UInt32Array::from(rows), len)?;
        Ok(ColumnarValue::Array(Arc::new(ListArray::try_new(
            list_field(&args.return_field)?,
            offsets_of(&counts),
            mapped,
            nulls,
        )?)))
    }

    /// `array_sort(array, (a, b) -> int)`: the comparator runs once over every pair of elements
    /// of a row, then an insertion sort (stable, and safe with a comparator that is not a total
    /// order) orders the row by those answers.
    fn invoke_sort_by(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        const MAX_ELEMENTS: usize = 1000;
        let n = args.number_rows;
        let vals: Vec<ColumnarValue> = values(&args.args).into_iter().cloned().collect();
        let arrays = self.list_values(&vals, n)?;
        let (Some(list), Some(lambda)) = (
            arrays.first().and_then(|a| a.as_list_opt::<i32>()),
            lambdas(&args.args).first().copied(),
        ) else {
            return Err(exec_err(
                "array_sort takes an array and a comparator".to_owned(),
            ));
        };
        let flat = flatten(list.value_offsets(), list.nulls())?;
        let (mut left, mut right, mut rows) = (vec![], vec![], vec![]);
        let mut at = 0usize;
        let mut firsts = Vec::with_capacity(n);
        for (row, &m) in flat.counts.iter().enumerate() {
            if m > MAX_ELEMENTS {
                return Err(exec_err(format!(
                    "array_sort with a comparator sorts arrays of up to {MAX_ELEMENTS} elements, \
                     got {m}"
                )));
            }
            firsts.push(at);
            for i in 0..m {
                for j in 0..m {
                    left.push(flat.child.value(at + i));
                    right.push(flat.child.value(at + j));
                    rows.push(u32::try_from(row).unwrap_or(0));
                }
            }
            at += m;
        }
        let a = take(list.values().as_ref(), &UInt32Array::from(left), None)?;
        let b = take(list.values().as_ref(), &UInt32Array::from(right), None)?;
        let len = a.len();
        let answers = run(lambda, &[a, b], &UInt32Array::from(rows), len)?;
        let answers = datafusion::arrow::compute::cast(&answers, &DataType::Int64)?;
        let answers = answers.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
        if answers.null_count() > 0 {
            return Err(exec_err("array_sort's comparator returned NULL".to_owned()));
        }
        let mut order: Vec<u32> = Vec::with_capacity(flat.child.len());
        let mut pair_base = 0usize;
        for (row, &m) in flat.counts.iter().enumerate() {
            let mut idx: Vec<usize> = (0..m).collect();
            for i in 1..m {
                let mut j = i;
                while j > 0 && answers.value(pair_base + idx[j - 1] * m + idx[j]) > 0 {
                    idx.swap(j - 1, j);
                    j -= 1;
                }
            }
            order.extend(idx.iter().map(|&k| flat.child.value(firsts[row] + k)));
            pair_base += m * m;
        }
        let sorted = take(list.values().as_ref(), &UInt32Array::from(order), None)?;
        Ok(ColumnarValue::Array(Arc::new(ListArray::try_new(
            list_field(&args.return_field)?,
            offsets_of(&flat.counts),
            sorted,
            list.nulls().cloned(),
        )?)))
    }

    fn invoke_aggregate(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        let vals: Vec<ColumnarValue> = values(&args.args).into_iter().cloned().collect();
        let arrays = self.list_values(&vals, n)?;
        let fns = lambdas(&args.args);
        let (Some(list), Some(init), Some(merge)) = (
            arrays.first().and_then(|a| a.as_list_opt::<i32>()),
            arrays.get(1),
            fns.first().copied(),
        ) else {
            return Err(exec_err(
                "aggregate takes an array, a start value and a merge lambda".to_owned(),
            ));
        };
        let acc_type = match lambdas(&args.arg_fields).first() {
            Some(f) => f.data_type().clone(),
            None => init.data_type().clone(),
        };
        let mut acc = datafusion::arrow::compute::cast(init, &acc_type)?;
        let flat = flatten(list.value_offsets(), list.nulls())?;
        let starts: Vec<i32> = list.value_offsets()[..n].to_vec();
        let longest = flat.counts.iter().copied().max().unwrap_or(0);
        for k in 0..longest {
            let active: Vec<u32> = (0..n)
                .filter(|&r| flat.counts[r] > k)
                .map(|r| u32::try_from(r).unwrap_or(0))
                .collect();
            let rows = UInt32Array::from(active.clone());
            let children = UInt32Array::from(
                active
                    .iter()
                    .map(|&r| u32::try_from(starts[r as usize] as usize + k).unwrap_or(0))
                    .collect::<Vec<_>>(),
            );
            let x = take(list.values().as_ref(), &children, None)?;
            let current = take(acc.as_ref(), &rows, None)?;
            let merged = run(merge, &[current, x], &rows, active.len())?;
            let merged = datafusion::arrow::compute::cast(&merged, &acc_type)?;
            let mut at = 0usize;
            let picks: Vec<(usize, usize)> = (0..n)
                .map(|r| {
                    if flat.counts[r] > k {
                        at += 1;
                        (1, at - 1)
                    } else {
                        (0, r)
                    }
                })
                .collect();
            acc = interleave(&[acc.as_ref(), merged.as_ref()], &picks)?;
        }
        if let Some(finish) = fns.get(1) {
            let all = UInt32Array::from(
                (0..n)
                    .map(|r| u32::try_from(r).unwrap_or(0))
                    .collect::<Vec<_>>(),
            );
            acc = run(finish, &[acc], &all, n)?;
        }
        let is_null: BooleanArray = (0..n).map(|r| Some(list.is_null(r))).collect();
        Ok(ColumnarValue::Array(nullif(acc.as_ref(), &is_null)?))
    }

    /// `map_zip_with(m1, m2, (k, v1, v2) -> ...)`: each row's keys of `m1` in order, then those
    /// of `m2` that `m1` lacks; a key's missing value is `NULL`. A `NULL` map gives `NULL`.
    fn invoke_map_zip_with(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        let vals: Vec<ColumnarValue> = values(&args.args).into_iter().cloned().collect();
        let arrays = self.list_values(&vals, n)?;
        let (Some(a), Some(b), Some(lambda)) = (
            arrays.first().and_then(|a| a.as_map_opt()),
            arrays.get(1).and_then(|a| a.as_map_opt()),
            lambdas(&args.args).first().copied(),
        ) else {
            return Err(exec_err(
                "map_zip_with takes two maps and a lambda".to_owned(),
            ));
        };
        let nulls = NullBuffer::union(a.nulls(), b.nulls());
        // The second map's keys in the first's type, so equal keys match and combine.
        let b_keys = datafusion::arrow::compute::cast(b.keys(), a.keys().data_type())?;
        let (mut keys, mut ia, mut ib, mut rows, mut counts) =
            (vec![], vec![], vec![], vec![], vec![]);
        let index = |i: i32| u32::try_from(i).unwrap_or(0);
        for row in 0..n {
            if nulls.as_ref().is_some_and(|m| m.is_null(row)) {
                counts.push(0);
                continue;
            }
            let (sa, ea) = (a.value_offsets()[row], a.value_offsets()[row + 1]);
            let (sb, eb) = (b.value_offsets()[row], b.value_offsets()[row + 1]);
            let key_of = |keys: &ArrayRef, i: i32| {
                ScalarValue::try_from_array(keys.as_ref(), usize::try_from(i).unwrap_or(0))
            };
            // Each key's place, so matching is linear in the maps' sizes.
            let mut at: std::collections::HashMap<ScalarValue, usize> =
                std::collections::HashMap::new();
            let mut seen: Vec<(Option<u32>, Option<u32>)> = Vec::new();
            for i in sa..ea {
                if let std::collections::hash_map::Entry::Vacant(v) = at.entry(key_of(a.keys(), i)?)
                {
                    v.insert(seen.len());
                    seen.push((Some(index(i)), None));
                }
            }
            for i in sb..eb {
                match at.get(&key_of(&b_keys, i)?) {
                    Some(&j) => seen[j].1 = Some(index(i)),
                    None => seen.push((None, Some(index(i)))),
                }
            }
            counts.push(seen.len());
            for (x, y) in seen {
                keys.push(match (x, y) {
                    (Some(x), _) => (0, x as usize),
                    (None, Some(y)) => (1, y as usize),
                    (None, None) => (0, 0),
                });
                ia.push(x);
                ib.push(y);
                rows.push(u32::try_from(row).unwrap_or(0));
            }
        }
        let keys = interleave(&[a.keys().as_ref(), b_keys.as_ref()], &keys)?;
        let va = take(a.values().as_ref(), &UInt32Array::from(ia), None)?;
        let vb = take(b.values().as_ref(), &UInt32Array::from(ib), None)?;
        let len = keys.len();
        let out = run(
            lambda,
            &[Arc::clone(&keys), va, vb],
            &UInt32Array::from(rows),
            len,
        )?;
        map_result(&args.return_field, keys, out, &counts, nulls)
    }

    fn invoke_map(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        let vals: Vec<ColumnarValue> = values(&args.args).into_iter().cloned().collect();
        let arrays = self.list_values(&vals, n)?;
        let (Some(map), Some(lambda)) = (
            arrays.first().and_then(|a| a.as_map_opt()),
            lambdas(&args.args).first().copied(),
        ) else {
            return Err(exec_err(format!("{} takes a map and a lambda", self.name)));
        };
        let flat = flatten(map.value_offsets(), map.nulls())?;
        let keys = take(map.keys().as_ref(), &flat.child, None)?;
        let vals = take(map.values().as_ref(), &flat.child, None)?;
        let len = keys.len();
        let out = run(
            lambda,
            &[Arc::clone(&keys), Arc::clone(&vals)],
            &flat.rows,
            len,
        )?;
        let (keys, vals, counts) = match self.kind {
            Kind::MapFilter => {
                let keep = predicate(&out)?;
                let mut counts = vec![0usize; n];
                for (row, k) in flat.rows.values().iter().zip(keep.values().iter()) {
                    if k {
                        counts[*row as usize] += 1;
                    }
                }
                (
                    filter(keys.as_ref(), &keep)?,
                    filter(vals.as_ref(), &keep)?,
                    counts,
                )
            }
            Kind::TransformValues => (keys, out, flat.counts),
            _ => {
                if out.null_count() > 0 {
                    return Err(exec_err(
                        "transform_keys: a map key cannot be NULL".to_owned(),
                    ));
                }
                (out, vals, flat.counts)
            }
        };
        map_result(
            &args.return_field,
            keys,
            vals,
            &counts,
            map.nulls().cloned(),
        )
    }
}

/// The map of `return_field`'s type whose row `i` holds the next `counts[i]` of `keys` and
/// `values`.
fn map_result(
    return_field: &FieldRef,
    keys: ArrayRef,
    values: ArrayRef,
    counts: &[usize],
    nulls: Option<NullBuffer>,
) -> DfResult<ColumnarValue> {
    let (entries_field, ordered) = match return_field.data_type() {
        DataType::Map(f, ordered) => (Arc::clone(f), *ordered),
        other => return Err(exec_err(format!("expected a map result, got {other}"))),
    };
    let kv = match entries_field.data_type() {
        DataType::Struct(kv) => kv.clone(),
        other => return Err(exec_err(format!("unexpected map entries {other}"))),
    };
    let entries = StructArray::try_new(kv, vec![keys, values], None)?;
    Ok(ColumnarValue::Array(Arc::new(MapArray::try_new(
        entries_field,
        offsets_of(counts),
        entries,
        nulls,
        ordered,
    )?)))
}

impl HigherOrderUDFImpl for Hof {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &HigherOrderSignature {
        &self.signature
    }

    fn lambda_parameters(
        &self,
        _step: usize,
        fields: &[ValueOrLambda<FieldRef, Option<FieldRef>>],
    ) -> DfResult<LambdaParametersProgress> {
        let vals = values(fields);
        let name = self.name;
        let first = vals
            .first()
            .ok_or_else(|| plan_err(format!("{name} takes a value first")))?;
        let params = match self.kind {
            Kind::Transform | Kind::Filter => {
                vec![vec![element_field(first, name)?, index_field()]]
            }
            Kind::SortBy => {
                let element = element_field(first, name)?;
                vec![vec![Arc::clone(&element), element]]
            }
            Kind::ZipWith => {
                let second = vals
                    .get(1)
                    .ok_or_else(|| plan_err("zip_with takes two arrays".to_owned()))?;
                vec![vec![
                    element_field(first, name)?,
                    element_field(second, name)?,
                ]]
            }
            Kind::Aggregate => {
                let init = vals
                    .get(1)
                    .ok_or_else(|| plan_err(format!("{name} takes a start value")))?;
                let acc: FieldRef = Arc::new(Field::new("acc", init.data_type().clone(), true));
                let mut params = vec![vec![Arc::clone(&acc), element_field(first, name)?]];
                if lambdas(fields).len() > 1 {
                    params.push(vec![acc]);
                }
                params
            }
            Kind::MapFilter | Kind::TransformValues | Kind::TransformKeys => {
                let (k, v) = map_fields(first, name)?;
                vec![vec![k, v]]
            }
            Kind::MapZipWith => {
                let second = vals
                    .get(1)
                    .ok_or_else(|| plan_err("map_zip_with takes two maps".to_owned()))?;
                let (k, v1) = map_fields(first, name)?;
                let (_, v2) = map_fields(second, name)?;
                let nullable = |f: FieldRef| Arc::new(f.as_ref().clone().with_nullable(true));
                vec![vec![k, nullable(v1), nullable(v2)]]
            }
        };
        Ok(LambdaParametersProgress::Complete(params))
    }

    fn return_field_from_args(&self, args: HigherOrderReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let vals = values(args.arg_fields);
        let fns = lambdas(args.arg_fields);
        let (Some(first), Some(lambda)) = (vals.first(), fns.first()) else {
            return Err(plan_err(format!(
                "{} takes a value and a lambda",
                self.name
            )));
        };
        if self.kind == Kind::SortBy && !lambda.data_type().is_integer() {
            return Err(plan_err(format!(
                "array_sort's comparator must return an integer, got {}",
                lambda.data_type()
            )));
        }
        let is_predicate = matches!(self.kind, Kind::Filter | Kind::MapFilter);
        if is_predicate && !matches!(lambda.data_type(), DataType::Boolean | DataType::Null) {
            return Err(plan_err(format!(
                "{}'s lambda must return a boolean, got {}",
                self.name,
                lambda.data_type()
            )));
        }
        let data_type = match self.kind {
            Kind::Transform | Kind::ZipWith => DataType::List(Arc::new(Field::new_list_field(
                lambda.data_type().clone(),
                true,
            ))),
            Kind::Filter | Kind::MapFilter | Kind::SortBy => first.data_type().clone(),
            Kind::Aggregate => fns
                .last()
                .map_or_else(|| lambda.data_type().clone(), |f| f.data_type().clone()),
            Kind::TransformValues | Kind::TransformKeys | Kind::MapZipWith => {
                let (k, v) = map_fields(first, self.name)?;
                let (k, v) = if self.kind != Kind::TransformKeys {
                    (
                        k,
                        Arc::new(Field::new(v.name(), lambda.data_type().clone(), true)),
                    )
                } else {
                    (
                        Arc::new(Field::new(k.name(), lambda.data_type().clone(), false)),
                        v,
                    )
                };
                DataType::Map(
                    Arc::new(Field::new(
                        "entries",
                        DataType::Struct(vec![k, v].into()),
                        false,
                    )),
                    false,
                )
            }
        };
        Ok(Arc::new(Field::new(self.name, data_type, true)))
    }

    fn invoke_with_args(&self, args: HigherOrderFunctionArgs) -> DfResult<ColumnarValue> {
        match self.kind {
            Kind::Transform | Kind::Filter => self.invoke_list(args),
            Kind::ZipWith => self.invoke_zip_with(args),
            Kind::SortBy => self.invoke_sort_by(args),
            Kind::Aggregate => self.invoke_aggregate(args),
            Kind::MapFilter | Kind::TransformValues | Kind::TransformKeys => self.invoke_map(args),
            Kind::MapZipWith => self.invoke_map_zip_with(args),
        }
    }
}

/// Registers the higher-order functions under Spark's names.
pub(crate) fn register(ctx: &SessionContext) {
    for (name, kind) in [
        ("transform", Kind::Transform),
        ("filter", Kind::Filter),
        ("zip_with", Kind::ZipWith),
        ("aggregate", Kind::Aggregate),
        ("reduce", Kind::Aggregate),
        ("map_filter", Kind::MapFilter),
        ("transform_values", Kind::TransformValues),
        ("transform_keys", Kind::TransformKeys),
        ("map_zip_with", Kind::MapZipWith),
        // `array_sort(array, comparator)`, renamed by shapes.rs (`array_sort` is a scalar
        // function, which the planner would pick for the call).
        ("array_sort_by", Kind::SortBy),
    ] {
        ctx.register_higher_order_function(Arc::new(HigherOrderUDF::new_from_impl(Hof::new(
            name, kind,
        ))));
    }
}
