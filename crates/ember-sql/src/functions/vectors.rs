//! Spark 4.2's vector functions over `ARRAY<FLOAT>`: `vector_inner_product`,
//! `vector_cosine_similarity`, `vector_l2_distance`, `vector_norm`, `vector_normalize`, and the
//! aggregates `vector_sum` and `vector_avg` (element-wise over a group; `NULL` for a group
//! without vectors).
//!
//! As Spark: a `NULL` vector or a `NULL` element gives `NULL`; two vectors of different lengths
//! fail with `[VECTOR_DIMENSION_MISMATCH]`; the cosine similarity of a zero vector is `NULL`;
//! empty vectors have norm and inner product 0. Sums are taken in `FLOAT`, as Spark's loops do.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float32Array, Float32Builder, ListArray, ListBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Float32Type};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::AggregateUDF;
use datafusion::prelude::SessionContext;

use super::aggregates::CollectAgg;
use super::{ColumnFn, exec_err, fixed};

fn vector_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Float32, true)))
}

/// Row `i` of `list` as floats; `None` when the vector or one of its elements is `NULL`.
fn vector(list: &ListArray, i: usize) -> Option<Vec<f32>> {
    if list.is_null(i) {
        return None;
    }
    let values = list.value(i);
    let floats = values.as_primitive::<Float32Type>();
    if floats.null_count() > 0 {
        return None;
    }
    Some(floats.values().to_vec())
}

/// Applies `f` to each row's pair of vectors, checking their dimensions.
fn pairwise(
    name: &str,
    args: &[ArrayRef],
    f: fn(&[f32], &[f32]) -> Option<f32>,
) -> DfResult<ArrayRef> {
    let (a, b) = (args[0].as_list::<i32>(), args[1].as_list::<i32>());
    let out = (0..a.len())
        .map(|i| match (vector(a, i), vector(b, i)) {
            (Some(x), Some(y)) if x.len() != y.len() => Err(exec_err(format!(
                "[VECTOR_DIMENSION_MISMATCH] Vectors passed to `{name}` must have the same dimension, but got {} and {}. SQLSTATE: 22000",
                x.len(),
                y.len()
            ))),
            (Some(x), Some(y)) => Ok(f(&x, &y)),
            _ => Ok(None),
        })
        .collect::<DfResult<Float32Array>>()?;
    Ok(Arc::new(out))
}

fn dot(x: &[f32], y: &[f32]) -> f32 {
    x.iter().zip(y).fold(0.0f32, |s, (a, b)| s + a * b)
}

fn two_vectors(name: &'static str, f: fn(&[ArrayRef]) -> DfResult<ArrayRef>) -> ColumnFn {
    ColumnFn::new(
        name,
        |t| fixed(t, &[vector_type(), vector_type()], 2),
        |_| Ok(DataType::Float32),
        f,
    )
}

/// A norm's degree: 1, 2 or infinity, as Spark allows.
#[derive(Clone, Copy)]
enum Degree {
    L1,
    L2,
    Max,
}

fn degree(name: &str, d: f32) -> DfResult<Degree> {
    match d {
        1.0 => Ok(Degree::L1),
        2.0 => Ok(Degree::L2),
        f32::INFINITY => Ok(Degree::Max),
        other => Err(exec_err(format!(
            "{name}: the degree must be 1.0, 2.0 or float('inf'), got {other}"
        ))),
    }
}

fn norm(x: &[f32], d: Degree) -> f32 {
    match d {
        Degree::L1 => x.iter().fold(0.0f32, |s, v| s + v.abs()),
        Degree::L2 => dot(x, x).sqrt(),
        Degree::Max => x.iter().fold(0.0f32, |m, v| m.max(v.abs())),
    }
}

/// Each row's vector and degree (2 when the argument is absent); `None` for `NULL`s.
/// A row's vector and its norm's degree; `None` where either is `NULL`.
type VectorAndDegree = Option<(Vec<f32>, Degree)>;

fn with_degrees(name: &str, args: &[ArrayRef]) -> DfResult<Vec<VectorAndDegree>> {
    let list = args[0].as_list::<i32>();
    let degrees = args.get(1).map(|a| a.as_primitive::<Float32Type>());
    (0..list.len())
        .map(|i| {
            let d = match degrees {
                None => Some(Degree::L2),
                Some(d) if d.is_null(i) => None,
                Some(d) => Some(degree(name, d.value(i))?),
            };
            Ok(vector(list, i).zip(d))
        })
        .collect()
}

/// A function of a vector and an optional norm degree.
fn one_vector(
    name: &'static str,
    returns: super::Returns,
    f: fn(&[ArrayRef]) -> DfResult<ArrayRef>,
) -> ColumnFn {
    ColumnFn::new(
        name,
        |t| fixed(t, &[vector_type(), DataType::Float32], 1),
        returns,
        f,
    )
}

fn vector_norm(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let out: Float32Array = with_degrees("vector_norm", args)?
        .into_iter()
        .map(|r| r.map(|(x, d)| norm(&x, d)))
        .collect();
    Ok(Arc::new(out))
}

fn vector_normalize(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let mut out = ListBuilder::new(Float32Builder::new());
    for row in with_degrees("vector_normalize", args)? {
        match row {
            Some((x, d)) => {
                let n = norm(&x, d);
                if n == 0.0 {
                    out.append_null();
                } else {
                    out.append_value(x.iter().map(|v| Some(v / n)));
                }
            }
            None => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// The element-wise sum of a group's vectors (`NULL` ones, and ones holding a `NULL`, left
/// out), with how many there were; `None` when there were none.
fn summed(name: &str, columns: &[ArrayRef]) -> DfResult<Option<(Vec<f32>, usize)>> {
    let list = columns[0].as_list::<i32>();
    let mut sum: Option<(Vec<f32>, usize)> = None;
    for i in 0..list.len() {
        let Some(v) = vector(list, i) else { continue };
        match &mut sum {
            None => sum = Some((v, 1)),
            Some((s, n)) => {
                if s.len() != v.len() {
                    return Err(exec_err(format!(
                        "[VECTOR_DIMENSION_MISMATCH] Vectors passed to `{name}` must have the same dimension, but got {} and {}. SQLSTATE: 22000",
                        s.len(),
                        v.len()
                    )));
                }
                s.iter_mut().zip(&v).for_each(|(a, b)| *a += b);
                *n += 1;
            }
        }
    }
    Ok(sum)
}

fn vector_scalar(values: Option<Vec<f32>>) -> ScalarValue {
    let mut out = ListBuilder::new(Float32Builder::new());
    match values {
        Some(v) => out.append_value(v.into_iter().map(Some)),
        None => out.append_null(),
    }
    ScalarValue::List(Arc::new(out.finish()))
}

fn vector_aggregate(
    name: &'static str,
    finish: fn(&[ArrayRef], &DataType) -> DfResult<ScalarValue>,
) -> AggregateUDF {
    AggregateUDF::new_from_impl(CollectAgg::new(
        name,
        |t| fixed(t, &[vector_type()], 1),
        |_| Ok(vector_type()),
        finish,
    ))
}

/// Registers the vector functions.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udaf(vector_aggregate("vector_sum", |columns, _| {
        Ok(vector_scalar(
            summed("vector_sum", columns)?.map(|(s, _)| s),
        ))
    }));
    ctx.register_udaf(vector_aggregate("vector_avg", |columns, _| {
        let avg = summed("vector_avg", columns)?.map(|(s, n)| {
            let n = n as f32;
            s.into_iter().map(|v| v / n).collect()
        });
        Ok(vector_scalar(avg))
    }));
    for f in [
        two_vectors("vector_inner_product", |args| {
            pairwise("vector_inner_product", args, |x, y| Some(dot(x, y)))
        }),
        two_vectors("vector_cosine_similarity", |args| {
            pairwise("vector_cosine_similarity", args, |x, y| {
                // Sums in FLOAT, the rest in DOUBLE, as Spark's last digit shows.
                let denominator = f64::from(dot(x, x)).sqrt() * f64::from(dot(y, y)).sqrt();
                (denominator != 0.0).then(|| (f64::from(dot(x, y)) / denominator) as f32)
            })
        }),
        two_vectors("vector_l2_distance", |args| {
            pairwise("vector_l2_distance", args, |x, y| {
                Some(
                    x.iter()
                        .zip(y)
                        .fold(0.0f32, |s, (a, b)| s + (a - b) * (a - b))
                        .sqrt(),
                )
            })
        }),
        one_vector("vector_norm", |_| Ok(DataType::Float32), vector_norm),
        one_vector("vector_normalize", |_| Ok(vector_type()), vector_normalize),
    ] {
        ctx.register_udf(f.udf());
    }
}
