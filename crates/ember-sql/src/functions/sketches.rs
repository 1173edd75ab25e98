//! Spark's sketch functions on Apache DataSketches' Rust port (the `datasketches` crate): the
//! HyperLogLog (`hll_*`), Theta (`theta_*`), Tuple (`tuple_*`) and KLL (`kll_*`) families;
//! also Spark's bitmap aggregates (`bitmap_construct_agg`, `bitmap_or_agg`, `bitmap_and_agg`)
//! `histogram_numeric` (Hive's streaming histogram), `count_min_sketch` (Spark's own count-min
//! sketch and image) and `approx_top_k` (a frequent-items summary of at most `maxItemsTracked`
//! values), whose state is bounded the same way. A sketch travels between functions as `BINARY`, serialized in DataSketches'
//! own format, which Spark's Java library reads and writes too: a sketch Ember makes can be
//! merged or estimated by Spark and the other way round.
//!
//! Every aggregate is a [`SketchAgg`]: its partial state is the serialized sketch, so its memory
//! is the sketch's bound (`lgConfigK`, `lgNomEntries`, `k`, `maxItemsTracked`) however many rows
//! it sees, and partial aggregates merge across partitions and executors. Values are hashed as
//! Spark's Java library hashes them (integers widened to `BIGINT`, `-0.0` as `0.0`, strings by
//! their UTF-8 bytes, an empty string or binary skipped), so a sketch of the same values is the
//! same sketch in both.
//!
//! A damaged or foreign `BINARY` fails the query with an error naming the function, never a
//! panic; an out-of-range parameter fails with Spark's error class.
//!
//! The images are Spark's byte for byte where the conformance suite checks them (HLL in LIST
//! mode, Theta, Tuple and uncompacted KLL sketches). Where they are not, the sketch is the same
//! and either side reads the other's: an HLL sketch in SET mode (8 to a few hundred values at
//! `lgConfigK` 12) is written in DataSketches' compact form where Spark writes Java's hash
//! table; `lgNomEntries` 4 is built as 5 (the Rust port's smallest), which changes answers only
//! past 16 entries; and KLL compaction is random, in Spark as here, so a compacted sketch
//! differs from run to run. An HLL union of sketches with different `lgConfigK` (allowed with
//! `allowDifferentLgConfigK`) may keep a different `lgConfigK` than Spark's while both are small.

use std::fmt::{self, Write as _};
use std::hash::Hash;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, BinaryBuilder, Float64Array, Int64Array, StringArray,
};
use datafusion::arrow::datatypes::{
    DataType, Field, FieldRef, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ScalarUDF, Signature, Volatility,
};
use datafusion::physical_expr::expressions::Literal;
use datafusion::prelude::SessionContext;
use datasketches::codec::{SketchBytes, SketchSlice};
use datasketches::common::SearchCriteria;
use datasketches::hash::value::{canonical_float, raw_bytes};
use datasketches::hll::{HllSketch, HllType, HllUnion};
use datasketches::kll::{KllFloat, KllSketch, KllValue};
use datasketches::theta::{
    CompactThetaSketch, ThetaANotB, ThetaIntersection, ThetaSketch, ThetaSketchBuilder, ThetaUnion,
    ThetaUnionBuilder,
};
use datasketches::tuple::{
    CompactTupleSketch, SummaryCombinePolicy, SummaryPolicy, SummaryUpdatePolicy, TupleANotB,
    TupleIntersection, TupleSketch, TupleSketchBuilder, TupleSummaryValue, TupleUnion,
    TupleUnionBuilder,
};

use super::{ColumnFn, exec_err, named_udf, plan_err, wrong_type};

type Coerce = fn(&[DataType]) -> DfResult<Vec<DataType>>;
type Returns = fn(&[DataType]) -> DfResult<DataType>;
/// A new, empty sketch for the aggregate's argument types and its constant parameters (the
/// arguments after the sketched columns, `NULL` where not given).
type Make = fn(&[DataType], &[ScalarValue]) -> DfResult<Box<dyn Sketch>>;

/// One sketch an aggregate builds.
pub(crate) trait Sketch: Send + Sync + fmt::Debug {
    /// Adds one batch of the sketched columns.
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()>;
    /// Merges another accumulator's partial state ([`Sketch::partial`]).
    fn merge(&mut self, partial: &[u8]) -> DfResult<()>;
    /// The partial state; `None` while nothing was added (an intersection's identity).
    fn partial(&self) -> DfResult<Option<Vec<u8>>>;
    /// The aggregate's answer.
    fn finish(&self) -> DfResult<ScalarValue>;
    /// Bytes held.
    fn size(&self) -> usize;
}

/// An aggregate that builds a [`Sketch`] from its first `columns` arguments.
pub(crate) struct SketchAgg {
    name: &'static str,
    signature: Signature,
    /// How many leading arguments are sketched columns; the rest are constant parameters.
    columns: usize,
    coerce: Coerce,
    returns: Returns,
    make: Make,
}

impl fmt::Debug for SketchAgg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SketchAgg")
            .field("name", &self.name)
            .finish()
    }
}

named_udf!(SketchAgg);

impl SketchAgg {
    pub(crate) fn udaf(
        name: &'static str,
        columns: usize,
        coerce: Coerce,
        returns: Returns,
        make: Make,
    ) -> AggregateUDF {
        AggregateUDF::new_from_impl(Self {
            name,
            signature: Signature::user_defined(Volatility::Immutable),
            columns,
            coerce,
            returns,
            make,
        })
    }
}

impl AggregateUDFImpl for SketchAgg {
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
        let types: Vec<DataType> = args
            .expr_fields
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        let params = args.exprs[self.columns.min(args.exprs.len())..]
            .iter()
            .map(|e| {
                e.downcast_ref::<Literal>()
                    .map(|l| l.value().clone())
                    .ok_or_else(|| {
                        plan_err(format!(
                            "{}: its parameters after the first {} must be constants",
                            self.name, self.columns
                        ))
                    })
            })
            .collect::<DfResult<Vec<_>>>()?;
        Ok(Box::new(SketchAccumulator {
            name: self.name,
            columns: self.columns,
            sketch: (self.make)(&types, &params)?,
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new(
            format!("{}[sketch]", args.name),
            DataType::Binary,
            true,
        ))])
    }
}

#[derive(Debug)]
struct SketchAccumulator {
    name: &'static str,
    columns: usize,
    sketch: Box<dyn Sketch>,
}

impl Accumulator for SketchAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let n = self.columns.min(values.len());
        self.sketch.update(&values[..n])
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        self.sketch.finish()
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.sketch.size()
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Binary(self.sketch.partial()?)])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let Some(state) = states.first() else {
            return Ok(());
        };
        let partials = as_binary(self.name, state)?;
        for partial in partials.iter().flatten() {
            self.sketch.merge(partial)?;
        }
        Ok(())
    }
}

fn as_binary<'a>(name: &str, a: &'a ArrayRef) -> DfResult<&'a BinaryArray> {
    a.as_binary_opt::<i32>().ok_or_else(|| {
        exec_err(format!(
            "{name}: expected a BINARY sketch, got {}",
            a.data_type()
        ))
    })
}

/// One value to sketch, the way DataSketches' Java library hashes it.
#[derive(Clone)]
pub(crate) enum Item<'a> {
    /// Every integer type, widened to `BIGINT` (Java's `update(long)`).
    Long(i64),
    /// `FLOAT` and `DOUBLE`, as a canonical `DOUBLE` (Java's `update(double)`).
    Double(f64),
    /// A string's UTF-8 bytes or a binary's bytes, never empty (Java skips empty ones).
    Bytes(&'a [u8]),
    /// An `ARRAY<INT>` or `ARRAY<BIGINT>`: its elements' little-endian bytes, never empty
    /// (Java's `update(int[])`, `update(long[])`).
    Array(Vec<u8>),
}

/// Row `i` of `a` (an integer, floating-point, string or binary column) as an [`Item`]; `None`
/// for `NULL` and for an empty string or binary, which DataSketches' Java library skips.
pub(crate) fn item_at(a: &ArrayRef, i: usize) -> DfResult<Option<Item<'_>>> {
    if a.is_null(i) {
        return Ok(None);
    }
    let bytes = |b: &'_ [u8]| (!b.is_empty()).then_some(());
    Ok(match a.data_type() {
        DataType::Int8 => Some(Item::Long(i64::from(a.as_primitive::<Int8Type>().value(i)))),
        DataType::Int16 => Some(Item::Long(i64::from(
            a.as_primitive::<Int16Type>().value(i),
        ))),
        DataType::Int32 => Some(Item::Long(i64::from(
            a.as_primitive::<Int32Type>().value(i),
        ))),
        DataType::Int64 => Some(Item::Long(a.as_primitive::<Int64Type>().value(i))),
        DataType::Float32 => Some(Item::Double(f64::from(
            a.as_primitive::<Float32Type>().value(i),
        ))),
        DataType::Float64 => Some(Item::Double(a.as_primitive::<Float64Type>().value(i))),
        DataType::Utf8 => {
            let v = a.as_string::<i32>().value(i).as_bytes();
            bytes(v).map(|()| Item::Bytes(v))
        }
        DataType::Binary => {
            let v = a.as_binary::<i32>().value(i);
            bytes(v).map(|()| Item::Bytes(v))
        }
        DataType::List(_) => {
            let list = a.as_list::<i32>().value(i);
            let mut b = Vec::new();
            match list.data_type() {
                DataType::Int32 => {
                    for v in list.as_primitive::<Int32Type>().iter() {
                        b.extend_from_slice(&v.unwrap_or(0).to_le_bytes());
                    }
                }
                DataType::Int64 => {
                    for v in list.as_primitive::<Int64Type>().iter() {
                        b.extend_from_slice(&v.unwrap_or(0).to_le_bytes());
                    }
                }
                other => return Err(exec_err(format!("cannot sketch arrays of {other}"))),
            }
            (!b.is_empty()).then_some(Item::Array(b))
        }
        other => return Err(exec_err(format!("cannot sketch values of type {other}"))),
    })
}

/// Calls `f` with each value of `a` that [`item_at`] gives. The column's type is matched once,
/// not per row: this is every sketch aggregate's inner loop.
pub(crate) fn for_each_item(a: &ArrayRef, mut f: impl FnMut(Item<'_>)) -> DfResult<()> {
    macro_rules! each {
        ($values:expr, $item:expr) => {
            for v in $values.flatten() {
                if let Some(item) = $item(v) {
                    f(item);
                }
            }
        };
    }
    fn bytes(v: &[u8]) -> Option<Item<'_>> {
        (!v.is_empty()).then_some(Item::Bytes(v))
    }
    let long = |v: i64| Some(Item::Long(v));
    match a.data_type() {
        DataType::Int8 => each!(a.as_primitive::<Int8Type>().iter(), |v| long(i64::from(v))),
        DataType::Int16 => each!(a.as_primitive::<Int16Type>().iter(), |v| long(i64::from(v))),
        DataType::Int32 => each!(a.as_primitive::<Int32Type>().iter(), |v| long(i64::from(v))),
        DataType::Int64 => each!(a.as_primitive::<Int64Type>().iter(), long),
        DataType::Float32 => each!(a.as_primitive::<Float32Type>().iter(), |v| Some(
            Item::Double(f64::from(v))
        )),
        DataType::Float64 => each!(a.as_primitive::<Float64Type>().iter(), |v| Some(
            Item::Double(v)
        )),
        DataType::Utf8 => each!(
            a.as_string::<i32>().iter().map(|v| v.map(str::as_bytes)),
            bytes
        ),
        DataType::Binary => each!(a.as_binary::<i32>().iter(), bytes),
        _ => {
            for i in 0..a.len() {
                if let Some(item) = item_at(a, i)? {
                    f(item);
                }
            }
        }
    }
    Ok(())
}

/// A sketch that takes hashed values.
trait Hashes {
    fn put<T: Hash>(&mut self, value: T);
}

impl Hashes for HllSketch {
    fn put<T: Hash>(&mut self, value: T) {
        self.update(value);
    }
}

impl Hashes for ThetaSketch {
    fn put<T: Hash>(&mut self, value: T) {
        self.update(value);
    }
}

fn put_item(sketch: &mut impl Hashes, item: Item<'_>) {
    match item {
        Item::Long(v) => sketch.put(v),
        Item::Double(v) => sketch.put(canonical_float::from_f64(v)),
        Item::Bytes(b) => sketch.put(raw_bytes::from_slice(b)),
        Item::Array(b) => sketch.put(raw_bytes::from_slice(&b)),
    }
}

/// The error of a `BINARY` that is not a sketch of `family` (`HLL`, `Theta`, `KLL`, `Tuple`).
fn invalid_buffer(class: &str, family: &str, function: &str, made_by: &str) -> DataFusionError {
    exec_err(format!(
        "[{class}_INVALID_INPUT_SKETCH_BUFFER] Invalid call to `{function}`; only valid {family} sketch buffers are supported as inputs (such as those produced by the `{made_by}` function). SQLSTATE: {}",
        if class == "HLL" { "22546" } else { "22000" }
    ))
}

/// An integer parameter's value (`NULL` as `default_null`), or `default` when not given.
fn int_param(params: &[ScalarValue], i: usize, default: i64, null: i64) -> i64 {
    match params.get(i) {
        None => default,
        Some(v) if v.is_null() => null,
        Some(v) => match v.cast_to(&DataType::Int64) {
            Ok(ScalarValue::Int64(Some(n))) => n,
            _ => null,
        },
    }
}

fn bool_param(params: &[ScalarValue], i: usize) -> bool {
    matches!(params.get(i), Some(ScalarValue::Boolean(Some(true))))
}

fn is_int(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64
    )
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_binary(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::Null
    )
}

/// The sketched column's type, for a family taking `INT`, `BIGINT`, `STRING`, `BINARY` and,
/// with `floats`, `FLOAT` and `DOUBLE`.
fn sketched(t: &DataType, wanted: &str, floats: bool) -> DfResult<DataType> {
    Ok(match t {
        DataType::Int32 | DataType::Int64 | DataType::Binary => t.clone(),
        DataType::Null => DataType::Int64,
        t if floats && matches!(t, DataType::Float32 | DataType::Float64) => t.clone(),
        t if is_string(t) => DataType::Utf8,
        t if is_binary(t) => DataType::Binary,
        other => return Err(wrong_type("first", wanted, other)),
    })
}

/// Coercion of `(binary, binary, ...params)` to `BINARY` sketches and the parameter types.
fn sketches_then(
    arg_types: &[DataType],
    sketches: usize,
    params: &[DataType],
) -> DfResult<Vec<DataType>> {
    if arg_types.len() < sketches || arg_types.len() > sketches + params.len() {
        return Err(plan_err(format!(
            "takes {sketches} to {} arguments, got {}",
            sketches + params.len(),
            arg_types.len()
        )));
    }
    let ordinals = ["first", "second", "third", "fourth"];
    let mut out = Vec::with_capacity(arg_types.len());
    for (i, t) in arg_types.iter().enumerate() {
        if i < sketches {
            if !is_binary(t) {
                return Err(wrong_type(ordinals[i], "\"BINARY\"", t));
            }
            out.push(DataType::Binary);
        } else {
            let want = &params[i - sketches];
            let fits = *t == DataType::Null
                || match want {
                    DataType::Boolean => *t == DataType::Boolean,
                    DataType::Utf8 => is_string(t),
                    w if is_int(w) => is_int(t),
                    _ => true,
                };
            if !fits {
                let wanted = format!("\"{}\"", crate::types::spark_type_name(want).to_uppercase());
                return Err(wrong_type(ordinals[i], &wanted, t));
            }
            out.push(want.clone());
        }
    }
    Ok(out)
}

fn binary_rows(a: &ArrayRef) -> DfResult<&BinaryArray> {
    as_binary("sketch", a)
}

/// A function of one sketch argument, row by row: `f` of each sketch, `NULL` for a `NULL` one.
fn per_sketch<A, T>(args: &[ArrayRef], f: impl Fn(&[u8]) -> DfResult<T>) -> DfResult<ArrayRef>
where
    A: Array + FromIterator<Option<T>> + 'static,
{
    let out = binary_rows(&args[0])?
        .iter()
        .map(|b| b.map(&f).transpose())
        .collect::<DfResult<A>>()?;
    Ok(Arc::new(out))
}

// ---------------------------------------------------------------------------------------------
// HyperLogLog: `hll_sketch_agg`, `hll_union_agg`, `hll_sketch_estimate`, `hll_union`.

const HLL_TYPES: &str = "(\"INT\" or \"BIGINT\" or \"STRING\" or \"BINARY\")";

fn hll_lg_k(function: &str, lg_k: i64) -> DfResult<u8> {
    if (4..=21).contains(&lg_k) {
        Ok(lg_k as u8)
    } else {
        Err(exec_err(format!(
            "[HLL_INVALID_LG_K] Invalid call to `{function}`; the `lgConfigK` value must be between 4 and 21, inclusive: {lg_k}. SQLSTATE: 22546"
        )))
    }
}

fn read_hll(function: &str, bytes: &[u8]) -> DfResult<HllSketch> {
    HllSketch::deserialize(bytes)
        .map_err(|_| invalid_buffer("HLL", "HLL", function, "hll_sketch_agg"))
}

/// The image Spark writes (Java's `toUpdatableByteArray`): in LIST mode (up to 7 values) the
/// whole coupon array with its empty slots, not DataSketches' compact list. SET and HLL mode
/// images are left as the library writes them; Java reads both.
fn hll_image(sketch: &HllSketch) -> Vec<u8> {
    const COMPACT: u8 = 8;
    let mut bytes = sketch.serialize();
    // Byte 7's low bits are the mode (0: LIST); byte 4 is lg of the coupon array's length.
    if bytes.len() >= 8 && bytes[7] & 3 == 0 && bytes[5] & COMPACT != 0 {
        bytes[5] &= !COMPACT;
        let slots = 1usize << bytes[4].min(16);
        bytes.resize(8 + 4 * slots.max((bytes.len() - 8) / 4), 0);
    }
    bytes
}

fn hll_union_of(
    function: &str,
    sketches: &[HllSketch],
    lg_max_k: u8,
    allow_different: bool,
) -> DfResult<HllSketch> {
    let first = sketches.first().map(HllSketch::lg_config_k);
    let different = sketches
        .iter()
        .map(HllSketch::lg_config_k)
        .find(|k| Some(*k) != first);
    if let (false, Some(first), Some(other)) = (allow_different, first, different) {
        return Err(exec_err(format!(
            "[HLL_UNION_DIFFERENT_LG_K] Sketches have different `lgConfigK` values: {first} and {other}. Set the `allowDifferentLgConfigK` parameter to true to call `{function}` with different `lgConfigK` values. SQLSTATE: 22000"
        )));
    }
    let mut union = HllUnion::new(lg_max_k).map_err(|e| exec_err(format!("{function}: {e}")))?;
    for s in sketches {
        union.update(s);
    }
    Ok(union.to_sketch(HllType::Hll8))
}

/// A union of HLL sketches, bounded by the first one's `lgConfigK`; unless `allow_different`,
/// a sketch of another `lgConfigK` is Spark's `HLL_UNION_DIFFERENT_LG_K` error. Updating it costs
/// the added sketch's size, not the union's.
#[derive(Debug)]
struct HllUnionOf {
    function: &'static str,
    union: Option<(HllUnion, u8)>,
    allow_different: bool,
}

impl HllUnionOf {
    fn add(&mut self, sketch: &HllSketch) -> DfResult<()> {
        let lg_k = sketch.lg_config_k();
        match &mut self.union {
            None => {
                let mut union =
                    HllUnion::new(lg_k).map_err(|e| exec_err(format!("{}: {e}", self.function)))?;
                union.update(sketch);
                self.union = Some((union, lg_k));
            }
            Some((union, first)) => {
                if !self.allow_different && lg_k != *first {
                    return Err(exec_err(format!(
                        "[HLL_UNION_DIFFERENT_LG_K] Sketches have different `lgConfigK` values: {first} and {lg_k}. Set the `allowDifferentLgConfigK` parameter to true to call `{}` with different `lgConfigK` values. SQLSTATE: 22000",
                        self.function
                    )));
                }
                union.update(sketch);
            }
        }
        Ok(())
    }

    fn result(&self) -> Option<HllSketch> {
        self.union.as_ref().map(|(u, _)| u.to_sketch(HllType::Hll8))
    }

    fn size(&self) -> usize {
        self.union.as_ref().map_or(0, |(u, _)| u.estimated_size())
    }
}

/// `hll_sketch_agg`: values into a sketch; partial sketches into a union.
#[derive(Debug)]
struct HllAgg {
    sketch: HllSketch,
    partials: HllUnionOf,
}

impl HllAgg {
    fn result(&self) -> DfResult<HllSketch> {
        match self.partials.result() {
            None => Ok(self.sketch.clone()),
            Some(partials) => hll_union_of(
                "hll_sketch_agg",
                &[partials, self.sketch.clone()],
                self.sketch.lg_config_k(),
                true,
            ),
        }
    }
}

impl Sketch for HllAgg {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        let sketch = &mut self.sketch;
        for_each_item(&columns[0], |item| put_item(sketch, item))
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let other = read_hll("hll_sketch_agg", partial)?;
        self.partials.add(&other)
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(Some(self.result()?.serialize()))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(hll_image(&self.result()?))))
    }

    fn size(&self) -> usize {
        self.sketch.estimated_size() + self.partials.size()
    }
}

/// `hll_union_agg`: the union of the sketches, sized by the first one's `lgConfigK`.
#[derive(Debug)]
struct HllUnionAgg(HllUnionOf);

impl Sketch for HllUnionAgg {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        for bytes in binary_rows(&columns[0])?.iter().flatten() {
            let sketch = read_hll("hll_union_agg", bytes)?;
            self.0.add(&sketch)?;
        }
        Ok(())
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let sketch = read_hll("hll_union_agg", partial)?;
        self.0.add(&sketch)
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(self.0.result().map(|s| s.serialize()))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        let sketch = match self.0.result() {
            Some(s) => s,
            None => HllSketch::new(12, HllType::Hll8).map_err(|e| exec_err(e.to_string()))?,
        };
        Ok(ScalarValue::Binary(Some(hll_image(&sketch))))
    }

    fn size(&self) -> usize {
        self.0.size()
    }
}

fn hll_estimate(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    per_sketch::<Int64Array, _>(args, |b| {
        read_hll("hll_sketch_estimate", b).map(|s| s.estimate().round() as i64)
    })
}

fn hll_union(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let (a, b) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let allow = args.get(2).map(|a| a.as_boolean());
    let mut out = BinaryBuilder::new();
    for i in 0..a.len() {
        let allow = match allow {
            None => Some(false),
            Some(x) => x.is_valid(i).then(|| x.value(i)),
        };
        match (a.is_valid(i), b.is_valid(i), allow) {
            (true, true, Some(allow)) => {
                let x = read_hll("hll_union", a.value(i))?;
                let y = read_hll("hll_union", b.value(i))?;
                let lg_k = x.lg_config_k().min(y.lg_config_k());
                out.append_value(hll_image(&hll_union_of("hll_union", &[x, y], lg_k, allow)?));
            }
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

// ---------------------------------------------------------------------------------------------
// Theta: `theta_sketch_agg`, `theta_union_agg`, `theta_intersection_agg`, `theta_sketch_estimate`,
// `theta_union`, `theta_intersection`, `theta_difference`.

const THETA_TYPES: &str = "(\"ARRAY<INT>\" or \"ARRAY<BIGINT>\" or \"BINARY\" or \"DOUBLE\" or \"FLOAT\" or \"INT\" or \"BIGINT\" or \"STRING\")";

/// `lgNomEntries`, checked as Spark does. DataSketches' Rust port starts at 5, so 4 is built
/// as 5: the same answers until a sketch holds more than 16 entries.
fn lg_nom_entries(function: &str, lg: i64) -> DfResult<u8> {
    if (4..=26).contains(&lg) {
        Ok(lg.max(5) as u8)
    } else {
        Err(exec_err(format!(
            "[SKETCH_INVALID_LG_NOM_ENTRIES] Invalid call to `{function}`; the `lgNomEntries` value must be between 4 and 26, inclusive: {lg}. SQLSTATE: 22003"
        )))
    }
}

fn read_theta(function: &str, bytes: &[u8]) -> DfResult<CompactThetaSketch> {
    CompactThetaSketch::deserialize(bytes)
        .map_err(|_| invalid_buffer("THETA", "Theta", function, "theta_sketch_agg"))
}

/// The image Spark writes: the ordered compact sketch, compressed where the format allows; a
/// one-entry image has Java's single-item flag.
fn theta_image(sketch: &CompactThetaSketch) -> Vec<u8> {
    const EMPTY: u8 = 4;
    const SINGLE_ITEM: u8 = 32;
    let mut bytes = sketch.serialize_compressed();
    if bytes.len() == 16 && bytes[0] == 1 && bytes[5] & EMPTY == 0 {
        bytes[5] |= SINGLE_ITEM;
    }
    bytes
}

fn theta_error(function: &str) -> impl Fn(datasketches::error::Error) -> DataFusionError + '_ {
    move |e| exec_err(format!("{function}: {e}"))
}

fn new_theta_union(function: &str, lg: u8) -> DfResult<ThetaUnion> {
    ThetaUnionBuilder::default()
        .lg_k(lg)
        .build()
        .map_err(theta_error(function))
}

#[derive(Debug)]
struct ThetaAgg {
    sketch: ThetaSketch,
    /// Partial sketches merged in.
    union: Option<ThetaUnion>,
    lg: u8,
}

impl ThetaAgg {
    fn result(&self) -> DfResult<CompactThetaSketch> {
        Ok(match &self.union {
            None => self.sketch.compact(true),
            Some(partials) => {
                let mut u = new_theta_union("theta_sketch_agg", self.lg)?;
                u.update(&partials.to_sketch(true))
                    .map_err(theta_error("theta_sketch_agg"))?;
                u.update(&self.sketch)
                    .map_err(theta_error("theta_sketch_agg"))?;
                u.to_sketch(true)
            }
        })
    }
}

impl Sketch for ThetaAgg {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        let sketch = &mut self.sketch;
        for_each_item(&columns[0], |item| put_item(sketch, item))
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let other = read_theta("theta_sketch_agg", partial)?;
        if self.union.is_none() {
            self.union = Some(new_theta_union("theta_sketch_agg", self.lg)?);
        }
        if let Some(u) = &mut self.union {
            u.update(&other).map_err(theta_error("theta_sketch_agg"))?;
        }
        Ok(())
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(Some(self.result()?.serialize()))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(theta_image(&self.result()?))))
    }

    fn size(&self) -> usize {
        self.sketch.estimated_size() + self.union.as_ref().map_or(0, ThetaUnion::estimated_size)
    }
}

/// A family's union or intersection, for its `*_union_agg` and `*_intersection_agg`.
trait SetOperation: Send + Sync + fmt::Debug {
    /// Adds a serialized sketch.
    fn add(&mut self, function: &str, bytes: &[u8]) -> DfResult<()>;
    /// The serialized result; `None` while an intersection has seen nothing.
    fn result(&self) -> Option<Vec<u8>>;
    /// The answer over no sketches: Spark's empty sketch.
    fn empty(&self, function: &str) -> DfResult<Vec<u8>>;
    fn size(&self) -> usize;
}

/// `*_union_agg` and `*_intersection_agg` over a [`SetOperation`]. The answer is Spark's
/// image of the result; the partial state is the result as the library serializes it.
#[derive(Debug)]
struct SetAgg<S> {
    function: &'static str,
    set: S,
}

impl<S: SetOperation> Sketch for SetAgg<S> {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        for bytes in binary_rows(&columns[0])?.iter().flatten() {
            self.set.add(self.function, bytes)?;
        }
        Ok(())
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        self.set.add(self.function, partial)
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(self.set.result())
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(match self.set.result() {
            Some(image) => image,
            None => self.set.empty(self.function)?,
        })))
    }

    fn size(&self) -> usize {
        self.set.size()
    }
}

#[derive(Debug)]
enum ThetaSet {
    Union(ThetaUnion),
    Intersection(ThetaIntersection),
}

impl SetOperation for ThetaSet {
    fn add(&mut self, function: &str, bytes: &[u8]) -> DfResult<()> {
        let sketch = read_theta(function, bytes)?;
        match self {
            Self::Union(u) => u.update(&sketch),
            Self::Intersection(i) => i.update(&sketch),
        }
        .map_err(theta_error(function))
    }

    fn result(&self) -> Option<Vec<u8>> {
        match self {
            Self::Union(u) => Some(u.to_sketch(true)),
            Self::Intersection(i) => i.to_sketch(true),
        }
        .map(|s| theta_image(&s))
    }

    fn empty(&self, function: &str) -> DfResult<Vec<u8>> {
        Ok(theta_image(
            &ThetaSketchBuilder::default()
                .build()
                .map_err(theta_error(function))?
                .compact(true),
        ))
    }

    fn size(&self) -> usize {
        match self {
            Self::Union(u) => u.estimated_size(),
            Self::Intersection(i) => i.estimated_size(),
        }
    }
}

fn theta_estimate(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    per_sketch::<Int64Array, _>(args, |b| {
        read_theta("theta_sketch_estimate", b).map(|s| s.estimate().round() as i64)
    })
}

/// A binary set operation on each row's two theta sketches.
fn theta_pairs(
    function: &'static str,
    args: &[ArrayRef],
    op: impl Fn(CompactThetaSketch, CompactThetaSketch, u8) -> DfResult<CompactThetaSketch>,
) -> DfResult<ArrayRef> {
    let (a, b) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let lg = args.get(2).map(|a| a.as_primitive::<Int32Type>());
    let mut out = BinaryBuilder::new();
    for i in 0..a.len() {
        let lg = match lg {
            None => Some(12),
            Some(l) => l.is_valid(i).then(|| l.value(i)),
        };
        match (a.is_valid(i), b.is_valid(i), lg) {
            (true, true, Some(lg)) => {
                let lg = lg_nom_entries(function, i64::from(lg))?;
                let x = read_theta(function, a.value(i))?;
                let y = read_theta(function, b.value(i))?;
                out.append_value(theta_image(&op(x, y, lg)?));
            }
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn theta_union(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    theta_pairs("theta_union", args, |x, y, lg| {
        let mut u = new_theta_union("theta_union", lg)?;
        u.update(&x).map_err(theta_error("theta_union"))?;
        u.update(&y).map_err(theta_error("theta_union"))?;
        Ok(u.to_sketch(true))
    })
}

fn theta_intersection(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    theta_pairs("theta_intersection", args, |x, y, _| {
        let mut i = ThetaIntersection::default();
        i.update(&x).map_err(theta_error("theta_intersection"))?;
        i.update(&y).map_err(theta_error("theta_intersection"))?;
        i.to_sketch(true)
            .ok_or_else(|| exec_err("theta_intersection: no result".into()))
    })
}

fn theta_difference(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    theta_pairs("theta_difference", args, |x, y, _| {
        ThetaANotB::default()
            .compute(&x, &y, true)
            .map_err(theta_error("theta_difference"))
    })
}

// ---------------------------------------------------------------------------------------------
// KLL: `kll_sketch_agg_*`, `kll_merge_agg_*`, `kll_sketch_get_n_*`, `kll_sketch_get_quantile_*`,
// `kll_sketch_get_rank_*`, `kll_sketch_merge_*`, `kll_sketch_to_string_*`, for `bigint`,
// `double` and `float` items.

/// The names of one flavour's functions.
struct KllNames {
    agg: &'static str,
    merge_agg: &'static str,
    get_n: &'static str,
    quantile: &'static str,
    rank: &'static str,
    merge: &'static str,
    to_string: &'static str,
}

macro_rules! kll_names {
    ($suffix:literal) => {
        KllNames {
            agg: concat!("kll_sketch_agg_", $suffix),
            merge_agg: concat!("kll_merge_agg_", $suffix),
            get_n: concat!("kll_sketch_get_n_", $suffix),
            quantile: concat!("kll_sketch_get_quantile_", $suffix),
            rank: concat!("kll_sketch_get_rank_", $suffix),
            merge: concat!("kll_sketch_merge_", $suffix),
            to_string: concat!("kll_sketch_to_string_", $suffix),
        }
    };
}

/// The items of one KLL flavour.
trait KllItem: KllValue + Ord + Clone + Send + Sync + fmt::Debug + 'static {
    /// Spark's suffix of the functions (`bigint`), their names and the Java sketch's name
    /// (`Longs`).
    const SUFFIX: &'static str;
    const NAMES: KllNames;
    const JAVA: &'static str;
    /// Bytes per item in Java's images.
    const BYTES: usize;
    /// Spark's result type of a quantile.
    fn data_type() -> DataType;
    /// Whether a column of type `t` may be sketched (after coercion to [`KllItem::data_type`]).
    fn accepts(t: &DataType) -> bool;
    /// Each non-`NULL` value of a column of [`KllItem::data_type`] (a `NaN` is skipped).
    fn for_each(a: &ArrayRef, f: impl FnMut(Self));
    /// A row of a [`KllItem::data_type`] column.
    fn at(a: &ArrayRef, i: usize) -> Option<Self>;
    fn to_scalar(v: Option<Self>) -> ScalarValue;
    /// Java's `toString` of the item.
    fn java(&self) -> String;
    /// What Spark reads a `NULL` element of an array argument as.
    fn zero() -> Option<Self>;
}

impl KllItem for i64 {
    const SUFFIX: &'static str = "bigint";
    const NAMES: KllNames = kll_names!("bigint");
    const JAVA: &'static str = "Longs";
    const BYTES: usize = 8;
    fn data_type() -> DataType {
        DataType::Int64
    }
    fn accepts(t: &DataType) -> bool {
        is_int(t)
    }
    fn for_each(a: &ArrayRef, mut f: impl FnMut(Self)) {
        a.as_primitive::<Int64Type>()
            .iter()
            .flatten()
            .for_each(&mut f);
    }
    fn at(a: &ArrayRef, i: usize) -> Option<Self> {
        let a = a.as_primitive::<Int64Type>();
        a.is_valid(i).then(|| a.value(i))
    }
    fn to_scalar(v: Option<Self>) -> ScalarValue {
        ScalarValue::Int64(v)
    }
    fn java(&self) -> String {
        self.to_string()
    }
    fn zero() -> Option<Self> {
        Some(0)
    }
}

/// The `DOUBLE` and `FLOAT` flavours: `NaN` is not an item (Spark skips it).
macro_rules! kll_float {
    ($t:ty, $arrow:ty, $data:expr, $suffix:literal, $java:literal, $accepts:pat, $text:path) => {
        impl KllItem for KllFloat<$t> {
            const SUFFIX: &'static str = $suffix;
            const NAMES: KllNames = kll_names!($suffix);
            const JAVA: &'static str = $java;
            const BYTES: usize = std::mem::size_of::<$t>();
            fn data_type() -> DataType {
                $data
            }
            fn accepts(t: &DataType) -> bool {
                matches!(t, $accepts)
            }
            fn for_each(a: &ArrayRef, mut f: impl FnMut(Self)) {
                for v in a.as_primitive::<$arrow>().iter().flatten() {
                    if let Ok(v) = KllFloat::<$t>::new(v) {
                        f(v);
                    }
                }
            }
            fn at(a: &ArrayRef, i: usize) -> Option<Self> {
                let a = a.as_primitive::<$arrow>();
                a.is_valid(i)
                    .then(|| KllFloat::<$t>::new(a.value(i)).ok())
                    .flatten()
            }
            fn to_scalar(v: Option<Self>) -> ScalarValue {
                ScalarValue::from(v.map(KllFloat::into_inner))
            }
            fn java(&self) -> String {
                $text(**self)
            }
            fn zero() -> Option<Self> {
                KllFloat::<$t>::new(0.0).ok()
            }
        }
    };
}

kll_float!(
    f64,
    Float64Type,
    DataType::Float64,
    "double",
    "Doubles",
    DataType::Float32 | DataType::Float64,
    super::json::java_double
);
kll_float!(
    f32,
    Float32Type,
    DataType::Float32,
    "float",
    "Floats",
    DataType::Float32,
    super::json::java_float
);

fn kll_k(function: &str, k: i64) -> DfResult<u16> {
    u16::try_from(k).ok().filter(|k| *k >= 8).ok_or_else(|| {
        plan_err(format!(
            "[DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT] [KLL_SKETCH_K_OUT_OF_RANGE] For function `{function}`, the k parameter must be between 8 and 65535 (inclusive), but got {k}. SQLSTATE: 22003"
        ))
    })
}

fn read_kll<T: KllItem>(function: &str, bytes: &[u8]) -> DfResult<KllSketch<T>> {
    KllSketch::<T>::deserialize(bytes)
        .map_err(|_| invalid_buffer("KLL", "KLL", function, "kll_sketch_agg"))
}

fn new_kll<T: KllItem>(function: &str, k: u16) -> DfResult<KllSketch<T>> {
    KllSketch::<T>::new(k).map_err(|e| exec_err(format!("{function}: {e}")))
}

/// `kll_sketch_agg_*` (`merging` false: the column holds items) and `kll_merge_agg_*` (it holds
/// sketches; `k` is then the first sketch's unless given).
#[derive(Debug)]
struct KllAgg<T: KllItem> {
    function: &'static str,
    merging: bool,
    k: Option<u16>,
    sketch: Option<KllSketch<T>>,
    /// Items were added here, not merged from partial sketches. Spark's answer is then the
    /// merge of that sketch into a new one (its final aggregation step), which stores level 0
    /// in the order the items came; the answer here does the same so the bytes agree.
    direct: bool,
}

impl<T: KllItem> KllAgg<T> {
    fn sketch(&mut self, k: u16) -> DfResult<&mut KllSketch<T>> {
        if self.sketch.is_none() {
            self.sketch = Some(new_kll(self.function, self.k.unwrap_or(k))?);
        }
        self.sketch
            .as_mut()
            .ok_or_else(|| exec_err(format!("{}: no sketch", self.function)))
    }

    fn merge_sketch(&mut self, other: &KllSketch<T>) -> DfResult<()> {
        let function = self.function;
        java_merge(function, self.sketch(other.k())?, other)
    }

    fn result(&self) -> DfResult<KllSketch<T>> {
        match &self.sketch {
            Some(s) if self.direct => {
                let mut fresh = new_kll(self.function, s.k())?;
                java_merge(self.function, &mut fresh, s)?;
                Ok(fresh)
            }
            Some(s) => Ok(s.clone()),
            None => new_kll(self.function, self.k.unwrap_or(200)),
        }
    }
}

impl<T: KllItem> Sketch for KllAgg<T> {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        if self.merging {
            for bytes in binary_rows(&columns[0])?.iter().flatten() {
                let other = read_kll::<T>(self.function, bytes)?;
                self.merge_sketch(&other)?;
            }
        } else {
            self.direct = true;
            let sketch = self.sketch(200)?;
            T::for_each(&columns[0], |v| sketch.update(v));
        }
        Ok(())
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let other = read_kll::<T>(self.function, partial)?;
        self.merge_sketch(&other)
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(self.sketch.as_ref().map(KllSketch::serialize))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(self.result()?.serialize())))
    }

    fn size(&self) -> usize {
        self.sketch
            .as_ref()
            .map_or(0, |s| s.num_retained() * std::mem::size_of::<T>())
    }
}

fn kll_coerce<T: KllItem>(t: &[DataType], merging: bool) -> DfResult<Vec<DataType>> {
    let first = match t.first() {
        Some(x) if merging && is_binary(x) => DataType::Binary,
        Some(x) if !merging && (T::accepts(x) || *x == DataType::Null) => T::data_type(),
        Some(x) => {
            let wanted = if merging {
                "\"BINARY\"".to_owned()
            } else {
                format!("\"{}\"", T::SUFFIX.to_uppercase())
            };
            return Err(wrong_type("first", &wanted, x));
        }
        None => return Err(plan_err("takes 1 or 2 arguments, got 0".into())),
    };
    match t.get(1..) {
        Some([]) => Ok(vec![first]),
        Some([k]) if is_int(k) || *k == DataType::Null => Ok(vec![first, DataType::Int32]),
        Some([k]) => Err(wrong_type("second", "\"INT\"", k)),
        _ => Err(plan_err(format!("takes 1 or 2 arguments, got {}", t.len()))),
    }
}

fn kll_make<T: KllItem>(merging: bool, params: &[ScalarValue]) -> DfResult<Box<dyn Sketch>> {
    let function = if merging {
        T::NAMES.merge_agg
    } else {
        T::NAMES.agg
    };
    let k = match params.first() {
        None => None,
        Some(v) if v.is_null() => {
            return Err(plan_err(format!(
                "[DATATYPE_MISMATCH.UNEXPECTED_NULL] Cannot resolve \"{function}\": The k must not be null. SQLSTATE: 42K09"
            )));
        }
        Some(_) => Some(kll_k(function, int_param(params, 0, 200, 0))?),
    };
    Ok(Box::new(KllAgg::<T> {
        function,
        merging,
        k: if merging { k } else { Some(k.unwrap_or(200)) },
        sketch: None,
        direct: false,
    }))
}

/// The items of a sketch with one level (not yet compacted), in the order its image stores
/// them; `None` once it has compacted.
fn kll_level_zero<T: KllItem>(sketch: &KllSketch<T>) -> Option<Vec<T>> {
    let image = sketch.serialize();
    let mut cursor = match image.first() {
        // Empty, or one item after the 8-byte preamble.
        Some(2) => SketchSlice::new(image.get(8..)?),
        // The full preamble (20 bytes), one level offset, then the minimum and the maximum.
        Some(5) if image.get(18) == Some(&1) => {
            let mut c = SketchSlice::new(image.get(24..)?);
            T::deserialize(&mut c).ok()?;
            T::deserialize(&mut c).ok()?;
            c
        }
        _ => return None,
    };
    let mut items = Vec::with_capacity(sketch.num_retained());
    for _ in 0..sketch.num_retained() {
        items.push(T::deserialize(&mut cursor).ok()?);
    }
    Some(items)
}

/// Merges `other` into `into` as Java's `KllSketch.merge` does: a one-level sketch's items are
/// added one by one in the order it stores them (so the merged image lists them as Spark's
/// does); a compacted one merges level by level.
fn java_merge<T: KllItem>(
    function: &str,
    into: &mut KllSketch<T>,
    other: &KllSketch<T>,
) -> DfResult<()> {
    match kll_level_zero(other) {
        Some(items) if into.k() == other.k() => {
            for item in items {
                into.update(item);
            }
            Ok(())
        }
        _ => into
            .merge(other)
            .map_err(|e| exec_err(format!("{function}: {e}"))),
    }
}

/// A sketch argument that must hold items: Spark refuses an empty one.
fn kll_nonempty<T: KllItem>(function: &str, bytes: &[u8]) -> DfResult<KllSketch<T>> {
    let sketch = read_kll::<T>(function, bytes)?;
    if sketch.is_empty() {
        return Err(invalid_buffer("KLL", "KLL", function, "kll_sketch_agg"));
    }
    Ok(sketch)
}

fn kll_get_n<T: KllItem>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    per_sketch::<Int64Array, _>(args, |b| {
        read_kll::<T>(T::NAMES.get_n, b).map(|s| s.n() as i64)
    })
}

fn kll_quantile_of<T: KllItem>(sketch: &KllSketch<T>, rank: f64) -> DfResult<Option<T>> {
    if rank.is_nan() {
        return Ok(sketch.min_item().cloned());
    }
    if !(0.0..=1.0).contains(&rank) {
        return Err(exec_err(format!(
            "[KLL_SKETCH_INVALID_QUANTILE_RANGE] For function `{}`, the quantile value must be between 0.0 and 1.0 (inclusive). SQLSTATE: 22003",
            T::NAMES.quantile
        )));
    }
    sketch
        .quantile(rank, SearchCriteria::Inclusive)
        .map_err(|e| exec_err(format!("{}: {e}", T::NAMES.quantile)))
}

/// Row `i` of a scalar-or-array argument: the scalars, and whether it was an array.
fn scalar_or_list(a: &ArrayRef, i: usize) -> Option<(ArrayRef, bool)> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::List(_) => Some((a.as_list::<i32>().value(i), true)),
        _ => Some((a.slice(i, 1), false)),
    }
}

/// The result of a scalar-or-array function: one value per row, or an array per row.
fn scalar_or_list_result(
    item: &DataType,
    listed: bool,
    rows: Vec<Option<Vec<ScalarValue>>>,
) -> DfResult<ArrayRef> {
    let field = Arc::new(Field::new_list_field(item.clone(), true));
    let values = rows
        .into_iter()
        .map(|row| match (row, listed) {
            (None, false) => ScalarValue::try_from(item),
            (None, true) => ScalarValue::try_from(&DataType::List(Arc::clone(&field))),
            (Some(mut v), false) => v.pop().map_or_else(|| ScalarValue::try_from(item), Ok),
            (Some(v), true) => Ok(ScalarValue::List(ScalarValue::new_list_nullable(&v, item))),
        })
        .collect::<DfResult<Vec<_>>>()?;
    if values.is_empty() {
        let t = if listed {
            DataType::List(field)
        } else {
            item.clone()
        };
        return Ok(datafusion::arrow::array::new_empty_array(&t));
    }
    ScalarValue::iter_to_array(values)
}

fn kll_quantile<T: KllItem>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let sketches = binary_rows(&args[0])?;
    let listed = matches!(args[1].data_type(), DataType::List(_));
    let mut rows = Vec::with_capacity(sketches.len());
    for i in 0..sketches.len() {
        let (Some(bytes), Some((ranks, _))) = (
            sketches.is_valid(i).then(|| sketches.value(i)),
            scalar_or_list(&args[1], i),
        ) else {
            rows.push(None);
            continue;
        };
        let sketch = kll_nonempty::<T>(T::NAMES.quantile, bytes)?;
        let ranks = ranks.as_primitive::<Float64Type>();
        let mut out = Vec::with_capacity(ranks.len());
        for r in ranks.iter() {
            out.push(T::to_scalar(kll_quantile_of(&sketch, r.unwrap_or(0.0))?));
        }
        rows.push(Some(out));
    }
    scalar_or_list_result(&T::data_type(), listed, rows)
}

fn kll_rank<T: KllItem>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let sketches = binary_rows(&args[0])?;
    let listed = matches!(args[1].data_type(), DataType::List(_));
    let mut rows = Vec::with_capacity(sketches.len());
    for i in 0..sketches.len() {
        let (Some(bytes), Some((items, _))) = (
            sketches.is_valid(i).then(|| sketches.value(i)),
            scalar_or_list(&args[1], i),
        ) else {
            rows.push(None);
            continue;
        };
        let sketch = kll_nonempty::<T>(T::NAMES.rank, bytes)?;
        let mut out = Vec::with_capacity(items.len());
        for j in 0..items.len() {
            let item = T::at(&items, j).or_else(T::zero);
            out.push(ScalarValue::Float64(
                item.and_then(|item| sketch.rank(&item, SearchCriteria::Inclusive)),
            ));
        }
        rows.push(Some(out));
    }
    scalar_or_list_result(&DataType::Float64, listed, rows)
}

fn kll_merge<T: KllItem>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let (a, b) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let mut out = BinaryBuilder::new();
    for (x, y) in a.iter().zip(b.iter()) {
        match (x, y) {
            (Some(x), Some(y)) => {
                let mut x = read_kll::<T>(T::NAMES.merge, x)?;
                let y = read_kll::<T>(T::NAMES.merge, y)?;
                java_merge(T::NAMES.merge, &mut x, &y)?;
                out.append_value(x.serialize());
            }
            _ => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// Java's `KllSketch.levelCapacity`: `k * (2/3)^depth`, rounded, at least `m`.
fn kll_level_capacity(k: u16, levels: usize, level: usize, m: u8) -> u64 {
    let depth = (levels - level - 1).min(60) as u32;
    let twok = u128::from(k) << 1;
    let cap = (((twok << depth) / 3u128.pow(depth)) + 1) >> 1;
    (cap as u64).max(u64::from(m))
}

/// Java's `KllSketch.toString()`, which Spark's `kll_sketch_to_string_*` returns.
fn kll_summary<T: KllItem>(sketch: &KllSketch<T>, image: &[u8]) -> String {
    const M: u8 = 8;
    // The full image's byte 18 is the number of levels; the empty and one-item ones have one.
    let levels = if image.first() == Some(&5) {
        usize::from(image.get(18).copied().unwrap_or(1)).max(1)
    } else {
        1
    };
    let sorted = image.get(3).is_some_and(|f| f & 2 != 0);
    let capacity: u64 = (0..levels)
        .map(|h| kll_level_capacity(sketch.k(), levels, h, M))
        .sum();
    let retained = sketch.num_retained() as u64;
    let updatable = 20 + (levels as u64 + 1) * 4 + 2 * T::BYTES as u64 + capacity * T::BYTES as u64;
    let item = |v: Option<&T>| v.map_or_else(|| "NaN".to_owned(), T::java);
    let mut s = String::new();
    let _ = write!(
        s,
        "\n### Kll{kind} Summary:\n   K                      : {k}\n   Dynamic min K          : {min_k}\n   M                      : {M}\n   N                      : {n}\n   Epsilon                : {eps:.3}%\n   Epsilon PMF            : {pmf:.3}%\n   Empty                  : {empty}\n   Estimation Mode        : {estimation}\n   Levels                 : {levels}\n   Level 0 Sorted         : {sorted}\n   Capacity Items         : {capacity}\n   Retained Items         : {retained}\n   Free Space             : {free}\n   ReadOnly               : false\n   Updatable Storage Bytes: {updatable}\n   Compact Storage Bytes  : {compact}\n   Min Item               : {min}\n   Max Item               : {max}\n### End sketch summary\n",
        kind = format_args!("Kll{}Sketch", T::JAVA),
        k = sketch.k(),
        min_k = sketch.min_k(),
        n = sketch.n(),
        eps = sketch.normalized_rank_error() * 100.0,
        pmf = sketch.normalized_pmf_error() * 100.0,
        empty = sketch.is_empty(),
        estimation = sketch.is_estimation_mode(),
        free = capacity.saturating_sub(retained),
        compact = image.len(),
        min = item(sketch.min_item()),
        max = item(sketch.max_item()),
    );
    s
}

fn kll_to_string<T: KllItem>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    per_sketch::<StringArray, _>(args, |b| {
        read_kll::<T>(T::NAMES.to_string, b).map(|s| kll_summary(&s, b))
    })
}

/// `(sketch, x)` with `x` of `item`'s type or an array of it.
fn sketch_and_scalar_or_list(
    t: &[DataType],
    item: &DataType,
    wanted: &str,
) -> DfResult<Vec<DataType>> {
    let [s, x] = t else {
        return Err(plan_err(format!("takes 2 arguments, got {}", t.len())));
    };
    if !is_binary(s) {
        return Err(wrong_type("first", "\"BINARY\"", s));
    }
    let numeric = |t: &DataType| t.is_numeric() || is_string(t) || *t == DataType::Null;
    let x = match x {
        DataType::List(f) if numeric(f.data_type()) => {
            DataType::List(Arc::new(Field::new_list_field(item.clone(), true)))
        }
        x if numeric(x) => item.clone(),
        other => return Err(wrong_type("second", wanted, other)),
    };
    Ok(vec![DataType::Binary, x])
}

fn kll_functions<T: KllItem>() -> Vec<ScalarUDF> {
    fn one_sketch(t: &[DataType]) -> DfResult<Vec<DataType>> {
        sketches_then(t, 1, &[])
    }
    fn two_sketches(t: &[DataType]) -> DfResult<Vec<DataType>> {
        sketches_then(t, 2, &[])
    }
    fn listed_or(t: &[DataType], item: DataType) -> DataType {
        match t.get(1) {
            Some(DataType::List(_)) => DataType::List(Arc::new(Field::new_list_field(item, true))),
            _ => item,
        }
    }
    vec![
        ColumnFn::new(
            T::NAMES.get_n,
            one_sketch,
            |_| Ok(DataType::Int64),
            kll_get_n::<T>,
        )
        .udf(),
        ColumnFn::new(
            T::NAMES.quantile,
            |t| {
                sketch_and_scalar_or_list(
                    t,
                    &DataType::Float64,
                    "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")",
                )
            },
            |t| Ok(listed_or(t, T::data_type())),
            kll_quantile::<T>,
        )
        .udf(),
        ColumnFn::new(
            T::NAMES.rank,
            |t| sketch_and_scalar_or_list(t, &T::data_type(), "numeric"),
            |t| Ok(listed_or(t, DataType::Float64)),
            kll_rank::<T>,
        )
        .udf(),
        ColumnFn::new(
            T::NAMES.merge,
            two_sketches,
            |_| Ok(DataType::Binary),
            kll_merge::<T>,
        )
        .udf(),
        ColumnFn::new(
            T::NAMES.to_string,
            one_sketch,
            |_| Ok(DataType::Utf8),
            kll_to_string::<T>,
        )
        .udf(),
    ]
}

fn kll_aggregates<T: KllItem>() -> [AggregateUDF; 2] {
    [
        SketchAgg::udaf(
            T::NAMES.agg,
            1,
            |t| kll_coerce::<T>(t, false),
            |_| Ok(DataType::Binary),
            |_, p| kll_make::<T>(false, p),
        ),
        SketchAgg::udaf(
            T::NAMES.merge_agg,
            1,
            |t| kll_coerce::<T>(t, true),
            |_| Ok(DataType::Binary),
            |_, p| kll_make::<T>(true, p),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Tuple: theta sketches whose entries carry a `DOUBLE` or `INT` summary, combined by a mode
// (`sum`, `min`, `max`, `alwaysone`) as Java's `DoubleSummary` and `IntegerSummary` do.

/// How a summary combines values, and its byte in the serialized summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Sum = 0,
    Min = 1,
    Max = 2,
    AlwaysOne = 3,
}

impl Mode {
    fn parse(function: &str, text: &str) -> DfResult<Self> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "sum" => Self::Sum,
            "min" => Self::Min,
            "max" => Self::Max,
            "alwaysone" => Self::AlwaysOne,
            _ => {
                return Err(plan_err(format!(
                    "[DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT] [TUPLE_INVALID_SKETCH_MODE] Invalid call to `{function}`: mode '{text}' is not supported. Valid modes are: sum, min, max, alwaysone. SQLSTATE: 22023"
                )));
            }
        })
    }

    fn from_byte(b: u8) -> Option<Self> {
        [Self::Sum, Self::Min, Self::Max, Self::AlwaysOne]
            .into_iter()
            .find(|m| *m as u8 == b)
    }
}

/// A summary value: `DOUBLE` or `INT` (whose sums wrap, as Java's `int` does).
trait TupleValue: Copy + Send + Sync + fmt::Debug + PartialOrd + 'static {
    const SUFFIX: &'static str;
    /// The summary column's type, and the type `tuple_sketch_summary_*` answers in.
    fn data_type() -> DataType;
    fn summary_type() -> DataType;
    fn initial(mode: Mode) -> Self;
    fn one() -> Self;
    fn add(self, other: Self) -> Self;
    fn at(a: &ArrayRef, i: usize) -> Option<Self>;
    fn write(self, bytes: &mut SketchBytes);
    fn read(cursor: &mut SketchSlice<'_>) -> Option<Self>;
    /// `tuple_sketch_summary_*`'s aggregate of the retained summaries.
    fn total(values: impl Iterator<Item = Self>, mode: Mode) -> ScalarValue;
}

impl TupleValue for f64 {
    const SUFFIX: &'static str = "double";
    fn data_type() -> DataType {
        DataType::Float64
    }
    fn summary_type() -> DataType {
        DataType::Float64
    }
    fn initial(mode: Mode) -> Self {
        match mode {
            Mode::Sum => 0.0,
            Mode::Min => f64::INFINITY,
            Mode::Max => f64::NEG_INFINITY,
            Mode::AlwaysOne => 1.0,
        }
    }
    fn one() -> Self {
        1.0
    }
    fn add(self, other: Self) -> Self {
        self + other
    }
    fn at(a: &ArrayRef, i: usize) -> Option<Self> {
        let a = a.as_primitive::<Float64Type>();
        a.is_valid(i).then(|| a.value(i))
    }
    fn write(self, bytes: &mut SketchBytes) {
        bytes.write_f64_le(self);
    }
    fn read(cursor: &mut SketchSlice<'_>) -> Option<Self> {
        cursor.read_f64_le().ok()
    }
    fn total(values: impl Iterator<Item = Self>, mode: Mode) -> ScalarValue {
        let values: Vec<f64> = values.collect();
        ScalarValue::Float64(Some(if values.is_empty() {
            0.0
        } else {
            match mode {
                Mode::Sum => values.iter().sum(),
                Mode::Min => values.iter().copied().fold(f64::INFINITY, f64::min),
                Mode::Max => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                Mode::AlwaysOne => values.len() as f64,
            }
        }))
    }
}

impl TupleValue for i32 {
    const SUFFIX: &'static str = "integer";
    fn data_type() -> DataType {
        DataType::Int32
    }
    fn summary_type() -> DataType {
        DataType::Int64
    }
    fn initial(mode: Mode) -> Self {
        match mode {
            Mode::Sum => 0,
            Mode::Min => i32::MAX,
            Mode::Max => i32::MIN,
            Mode::AlwaysOne => 1,
        }
    }
    fn one() -> Self {
        1
    }
    fn add(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    fn at(a: &ArrayRef, i: usize) -> Option<Self> {
        let a = a.as_primitive::<Int32Type>();
        a.is_valid(i).then(|| a.value(i))
    }
    fn write(self, bytes: &mut SketchBytes) {
        bytes.write_i32_le(self);
    }
    fn read(cursor: &mut SketchSlice<'_>) -> Option<Self> {
        cursor.read_i32_le().ok()
    }
    fn total(values: impl Iterator<Item = Self>, mode: Mode) -> ScalarValue {
        let values: Vec<i64> = values.map(i64::from).collect();
        ScalarValue::Int64(Some(if values.is_empty() {
            0
        } else {
            match mode {
                Mode::Sum => values.iter().sum(),
                Mode::Min => values.iter().copied().min().unwrap_or(0),
                Mode::Max => values.iter().copied().max().unwrap_or(0),
                Mode::AlwaysOne => values.len() as i64,
            }
        }))
    }
}

/// Java's `DoubleSummary` / `IntegerSummary`: the value and its mode, serialized as the value's
/// little-endian bytes and the mode's byte.
#[derive(Clone, Copy, Debug)]
struct Summary<V> {
    value: V,
    mode: Mode,
}

impl<V: TupleValue> Summary<V> {
    fn new(mode: Mode) -> Self {
        Self {
            value: V::initial(mode),
            mode,
        }
    }

    /// Java's `update(value)`.
    fn update(&mut self, v: V) {
        self.value = match self.mode {
            Mode::Sum => self.value.add(v),
            Mode::Min => {
                if v < self.value {
                    v
                } else {
                    self.value
                }
            }
            Mode::Max => {
                if v > self.value {
                    v
                } else {
                    self.value
                }
            }
            Mode::AlwaysOne => V::one(),
        };
    }
}

impl<V: TupleValue> TupleSummaryValue for Summary<V> {
    fn serialize_size(&self) -> usize {
        std::mem::size_of::<V>() + 1
    }

    fn serialize_value(&self, bytes: &mut SketchBytes) {
        self.value.write(bytes);
        bytes.write_u8(self.mode as u8);
    }

    fn deserialize_value(cursor: &mut SketchSlice<'_>) -> Result<Self, datasketches::error::Error> {
        let bad = || {
            datasketches::error::Error::new(
                datasketches::error::ErrorKind::InvalidData,
                "bad tuple summary",
            )
        };
        let value = V::read(cursor).ok_or_else(bad)?;
        let mode = cursor
            .read_u8()
            .ok()
            .and_then(Mode::from_byte)
            .ok_or_else(bad)?;
        Ok(Self { value, mode })
    }
}

/// The policy of a sketch being built (`update`) or of a set operation (`combine`), in `mode`:
/// Java's `DoubleSummarySetOperations` makes a new summary in the operation's mode and updates
/// it with both values.
#[derive(Clone, Copy, Debug)]
struct Policy<V> {
    mode: Mode,
    value: std::marker::PhantomData<fn() -> V>,
}

impl<V: TupleValue> Policy<V> {
    fn new(mode: Mode) -> Self {
        Self {
            mode,
            value: std::marker::PhantomData,
        }
    }
}

impl<V: TupleValue> SummaryPolicy for Policy<V> {
    type Summary = Summary<V>;

    fn create(&self) -> Summary<V> {
        Summary::new(self.mode)
    }
}

impl<V: TupleValue> SummaryUpdatePolicy<V> for Policy<V> {
    fn update(&self, summary: &mut Summary<V>, value: V) {
        summary.update(value);
    }
}

impl<V: TupleValue> SummaryCombinePolicy for Policy<V> {
    fn combine(&self, summary: &mut Summary<V>, other: &Summary<V>) {
        let mut combined = Summary::new(self.mode);
        combined.update(summary.value);
        combined.update(other.value);
        *summary = combined;
    }
}

type Tuple<V> = CompactTupleSketch<Summary<V>>;

/// The names of one summary type's functions.
struct TupleNames {
    agg: &'static str,
    union_agg: &'static str,
    intersection_agg: &'static str,
    estimate: &'static str,
    summary: &'static str,
    theta: &'static str,
    union: &'static str,
    intersection: &'static str,
    difference: &'static str,
    union_theta: &'static str,
    intersection_theta: &'static str,
    difference_theta: &'static str,
}

macro_rules! tuple_names {
    ($suffix:literal) => {
        TupleNames {
            agg: concat!("tuple_sketch_agg_", $suffix),
            union_agg: concat!("tuple_union_agg_", $suffix),
            intersection_agg: concat!("tuple_intersection_agg_", $suffix),
            estimate: concat!("tuple_sketch_estimate_", $suffix),
            summary: concat!("tuple_sketch_summary_", $suffix),
            theta: concat!("tuple_sketch_theta_", $suffix),
            union: concat!("tuple_union_", $suffix),
            intersection: concat!("tuple_intersection_", $suffix),
            difference: concat!("tuple_difference_", $suffix),
            union_theta: concat!("tuple_union_theta_", $suffix),
            intersection_theta: concat!("tuple_intersection_theta_", $suffix),
            difference_theta: concat!("tuple_difference_theta_", $suffix),
        }
    };
}

trait TupleNamed: TupleValue {
    const NAMES: TupleNames;
}

impl TupleNamed for f64 {
    const NAMES: TupleNames = tuple_names!("double");
}

impl TupleNamed for i32 {
    const NAMES: TupleNames = tuple_names!("integer");
}

fn tuple_error(function: &str) -> impl Fn(datasketches::error::Error) -> DataFusionError + '_ {
    move |e| exec_err(format!("{function}: {e}"))
}

fn read_tuple<V: TupleValue>(function: &str, bytes: &[u8]) -> DfResult<Tuple<V>> {
    if bytes.get(2).is_some_and(|f| *f == 3) {
        return Err(exec_err(format!(
            "[TUPLE_INVALID_INPUT_SKETCH_BUFFER_FAMILY] Invalid call to `{function}`; expected TUPLE sketch family but received COMPACT. SQLSTATE: 22000"
        )));
    }
    Tuple::<V>::deserialize(bytes)
        .map_err(|_| invalid_buffer("TUPLE", "Tuple", function, "tuple_sketch_agg"))
}

/// A theta sketch as a tuple sketch whose summaries are `mode`'s initial value (what Spark's
/// `*_theta` operations give theta entries).
fn tuple_of_theta<V: TupleValue>(
    function: &str,
    theta: &CompactThetaSketch,
    mode: Mode,
) -> DfResult<Tuple<V>> {
    let entries: Vec<u64> = theta.iter().map(|e| e.hash()).collect();
    let estimation = theta.is_estimation_mode();
    let pre_longs: u8 = if theta.is_empty() || (entries.len() == 1 && !estimation) {
        1
    } else if estimation {
        3
    } else {
        2
    };
    let mut bytes = SketchBytes::with_capacity(24 + entries.len() * 17);
    bytes.write_u8(pre_longs);
    bytes.write_u8(3);
    bytes.write_u8(9);
    bytes.write_u8(1);
    bytes.write_u8(0);
    // Read-only and compact; empty; ordered.
    let mut flags = 2 | 8;
    if theta.is_empty() {
        flags |= 4;
    }
    if theta.is_ordered() {
        flags |= 16;
    }
    bytes.write_u8(flags);
    bytes.write_u16_le(theta.seed_hash());
    if pre_longs > 1 {
        bytes.write_u32_le(entries.len() as u32);
        bytes.write_u32_le(0);
    }
    if estimation {
        bytes.write_u64_le(theta.theta64());
    }
    if !theta.is_empty() {
        for hash in entries {
            bytes.write_u64_le(hash);
            Summary::<V>::new(mode).serialize_value(&mut bytes);
        }
    }
    Tuple::<V>::deserialize(&bytes.into_bytes()).map_err(tuple_error(function))
}

/// The image Spark writes: Java's empty image carries the seed hash and no ordered flag, and a
/// one-entry image no ordered flag.
fn tuple_image<V: TupleValue>(sketch: &Tuple<V>) -> Vec<u8> {
    const EMPTY: u8 = 4;
    const ORDERED: u8 = 16;
    let mut bytes = sketch.serialize();
    if bytes.len() >= 8 && (bytes[5] & EMPTY != 0 || bytes[0] == 1) {
        bytes[5] &= !ORDERED;
        if bytes[5] & EMPTY != 0 {
            bytes[6..8].copy_from_slice(&sketch.seed_hash().to_le_bytes());
        }
    }
    bytes
}

fn empty_tuple<V: TupleValue>(function: &str) -> DfResult<Tuple<V>> {
    Ok(TupleSketchBuilder::new(Policy::<V>::new(Mode::Sum))
        .build()
        .map_err(tuple_error(function))?
        .compact(false))
}

/// `tuple_sketch_agg_*(key, summary[, lgNomEntries[, mode]])`.
#[derive(Debug)]
struct TupleAgg<V: TupleValue> {
    function: &'static str,
    sketch: TupleSketch<Policy<V>>,
    partials: Option<TupleUnion<Policy<V>>>,
    lg: u8,
    mode: Mode,
}

/// Java's `update` of a tuple sketch with a hashed key.
fn put_tuple_item<V: TupleValue>(sketch: &mut TupleSketch<Policy<V>>, item: Item<'_>, v: V) {
    match item {
        Item::Long(k) => sketch.update(k, v),
        Item::Double(k) => sketch.update(canonical_float::from_f64(k), v),
        Item::Bytes(b) => sketch.update(raw_bytes::from_slice(b), v),
        Item::Array(b) => sketch.update(raw_bytes::from_slice(&b), v),
    }
}

impl<V: TupleValue> TupleAgg<V> {
    fn result(&self) -> DfResult<Tuple<V>> {
        Ok(match &self.partials {
            None => self.sketch.compact(false),
            Some(partials) => {
                let mut u = TupleUnionBuilder::new(Policy::<V>::new(self.mode))
                    .lg_k(self.lg)
                    .build()
                    .map_err(tuple_error(self.function))?;
                u.update(&partials.to_sketch(false))
                    .map_err(tuple_error(self.function))?;
                u.update(&self.sketch).map_err(tuple_error(self.function))?;
                u.to_sketch(false)
            }
        })
    }
}

impl<V: TupleValue> Sketch for TupleAgg<V> {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        let (keys, values) = (&columns[0], &columns[1]);
        for i in 0..keys.len() {
            if let (Some(key), Some(v)) = (item_at(keys, i)?, V::at(values, i)) {
                put_tuple_item(&mut self.sketch, key, v);
            }
        }
        Ok(())
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let other = read_tuple::<V>(self.function, partial)?;
        if self.partials.is_none() {
            self.partials = Some(
                TupleUnionBuilder::new(Policy::<V>::new(self.mode))
                    .lg_k(self.lg)
                    .build()
                    .map_err(tuple_error(self.function))?,
            );
        }
        if let Some(u) = &mut self.partials {
            u.update(&other).map_err(tuple_error(self.function))?;
        }
        Ok(())
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(Some(self.result()?.serialize()))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(tuple_image(&self.result()?))))
    }

    fn size(&self) -> usize {
        self.sketch.estimated_size() + self.partials.as_ref().map_or(0, TupleUnion::estimated_size)
    }
}

#[derive(Debug)]
enum TupleSet<V: TupleValue> {
    Union(TupleUnion<Policy<V>>),
    Intersection(TupleIntersection<Policy<V>>),
}

impl<V: TupleValue> SetOperation for TupleSet<V> {
    fn add(&mut self, function: &str, bytes: &[u8]) -> DfResult<()> {
        let sketch = read_tuple::<V>(function, bytes)?;
        match self {
            Self::Union(u) => u.update(&sketch),
            Self::Intersection(i) => i.update(&sketch),
        }
        .map_err(tuple_error(function))
    }

    fn result(&self) -> Option<Vec<u8>> {
        match self {
            Self::Union(u) => Some(u.to_sketch(false)),
            Self::Intersection(i) => i.to_sketch(false),
        }
        .map(|s| tuple_image(&s))
    }

    fn empty(&self, function: &str) -> DfResult<Vec<u8>> {
        Ok(tuple_image(&empty_tuple::<V>(function)?))
    }

    fn size(&self) -> usize {
        match self {
            Self::Union(u) => u.estimated_size(),
            Self::Intersection(i) => i.estimated_size(),
        }
    }
}

/// The mode parameter at `i` (`sum` when not given).
fn mode_param(function: &str, params: &[ScalarValue], i: usize) -> DfResult<Mode> {
    match params.get(i) {
        None => Ok(Mode::Sum),
        Some(
            ScalarValue::Utf8(Some(m))
            | ScalarValue::LargeUtf8(Some(m))
            | ScalarValue::Utf8View(Some(m)),
        ) => Mode::parse(function, m),
        Some(other) => Mode::parse(function, &other.to_string()),
    }
}

fn tuple_agg_coerce<V: TupleValue>(t: &[DataType]) -> DfResult<Vec<DataType>> {
    if !(2..=4).contains(&t.len()) {
        return Err(plan_err(format!("takes 2 to 4 arguments, got {}", t.len())));
    }
    let key = match &t[0] {
        DataType::Int8 | DataType::Int16 | DataType::Decimal128(_, _) => DataType::Float64,
        DataType::Boolean | DataType::Date32 => DataType::Utf8,
        DataType::List(f) if matches!(f.data_type(), DataType::Int32 | DataType::Int64) => {
            t[0].clone()
        }
        other => sketched(other, THETA_TYPES, true)?,
    };
    let value = &t[1];
    if !(value.is_numeric() || is_string(value) || *value == DataType::Null) {
        return Err(wrong_type(
            "second",
            &format!("\"{}\"", V::SUFFIX.to_uppercase()),
            value,
        ));
    }
    let mut out = vec![key, V::data_type()];
    if t.len() > 2 {
        out.push(DataType::Int32);
    }
    if t.len() > 3 {
        out.push(DataType::Utf8);
    }
    Ok(out)
}

fn tuple_agg_make<V: TupleNamed>(params: &[ScalarValue]) -> DfResult<Box<dyn Sketch>> {
    let function = V::NAMES.agg;
    let lg = lg_nom_entries(function, int_param(params, 0, 12, 0))?;
    let mode = mode_param(function, params, 1)?;
    Ok(Box::new(TupleAgg::<V> {
        function,
        sketch: TupleSketchBuilder::new(Policy::<V>::new(mode))
            .lg_k(lg)
            .build()
            .map_err(tuple_error(function))?,
        partials: None,
        lg,
        mode,
    }))
}

fn tuple_set_agg_make<V: TupleNamed>(
    union: bool,
    params: &[ScalarValue],
) -> DfResult<Box<dyn Sketch>> {
    let function = if union {
        V::NAMES.union_agg
    } else {
        V::NAMES.intersection_agg
    };
    let (lg, mode) = if union {
        (
            lg_nom_entries(function, int_param(params, 0, 12, 0))?,
            mode_param(function, params, 1)?,
        )
    } else {
        (12, mode_param(function, params, 0)?)
    };
    let policy = Policy::<V>::new(mode);
    let set = if union {
        TupleSet::Union(
            TupleUnionBuilder::new(policy)
                .lg_k(lg)
                .build()
                .map_err(tuple_error(function))?,
        )
    } else {
        TupleSet::Intersection(TupleIntersection::new(policy))
    };
    Ok(Box::new(SetAgg { function, set }))
}

fn tuple_aggregates<V: TupleNamed>() -> [AggregateUDF; 3] {
    [
        SketchAgg::udaf(
            V::NAMES.agg,
            2,
            tuple_agg_coerce::<V>,
            |_| Ok(DataType::Binary),
            |_, p| tuple_agg_make::<V>(p),
        ),
        SketchAgg::udaf(
            V::NAMES.union_agg,
            1,
            |t| sketches_then(t, 1, &[DataType::Int32, DataType::Utf8]),
            |_| Ok(DataType::Binary),
            |_, p| tuple_set_agg_make::<V>(true, p),
        ),
        SketchAgg::udaf(
            V::NAMES.intersection_agg,
            1,
            |t| sketches_then(t, 1, &[DataType::Utf8]),
            |_| Ok(DataType::Binary),
            |_, p| tuple_set_agg_make::<V>(false, p),
        ),
    ]
}

fn tuple_estimate<V: TupleNamed>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    per_sketch::<Float64Array, _>(args, |b| {
        read_tuple::<V>(V::NAMES.estimate, b).map(|s| s.estimate())
    })
}

fn tuple_theta<V: TupleNamed>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    per_sketch::<Float64Array, _>(args, |b| {
        read_tuple::<V>(V::NAMES.theta, b).map(|s| s.theta())
    })
}

/// The mode argument at `index` of row `i` (`sum` when not given); `None` when `NULL`.
fn mode_at(function: &str, args: &[ArrayRef], index: usize, i: usize) -> DfResult<Option<Mode>> {
    match args.get(index) {
        None => Ok(Some(Mode::Sum)),
        Some(a) if a.is_null(i) => Ok(None),
        Some(a) => Mode::parse(function, a.as_string::<i32>().value(i)).map(Some),
    }
}

fn tuple_summary<V: TupleNamed>(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let sketches = binary_rows(&args[0])?;
    let mut out = Vec::with_capacity(sketches.len());
    for i in 0..sketches.len() {
        let mode = mode_at(V::NAMES.summary, args, 1, i)?;
        out.push(match (sketches.is_valid(i), mode) {
            (true, Some(mode)) => {
                let s = read_tuple::<V>(V::NAMES.summary, sketches.value(i))?;
                V::total(s.iter().map(|e| e.summary().value), mode)
            }
            _ => ScalarValue::try_from(&V::summary_type())?,
        });
    }
    if out.is_empty() {
        return Ok(datafusion::arrow::array::new_empty_array(&V::summary_type()));
    }
    ScalarValue::iter_to_array(out)
}

/// The second sketch of a `tuple_*` operation: a tuple sketch, or (`theta`) a theta sketch
/// whose entries get `mode`'s initial summary.
fn second_sketch<V: TupleValue>(
    function: &str,
    bytes: &[u8],
    theta: bool,
    mode: Mode,
) -> DfResult<Tuple<V>> {
    if theta {
        tuple_of_theta::<V>(function, &read_theta(function, bytes)?, mode)
    } else {
        read_tuple::<V>(function, bytes)
    }
}

#[derive(Clone, Copy)]
enum TupleOp {
    Union,
    Intersection,
    Difference,
}

/// `tuple_union_*(a, b[, lgNomEntries[, mode]])`, `tuple_intersection_*(a, b[, mode])`,
/// `tuple_difference_*(a, b)` and their `_theta` forms.
fn tuple_pairs<V: TupleNamed>(args: &[ArrayRef], op: TupleOp, theta: bool) -> DfResult<ArrayRef> {
    let function = match (op, theta) {
        (TupleOp::Union, false) => V::NAMES.union,
        (TupleOp::Union, true) => V::NAMES.union_theta,
        (TupleOp::Intersection, false) => V::NAMES.intersection,
        (TupleOp::Intersection, true) => V::NAMES.intersection_theta,
        (TupleOp::Difference, false) => V::NAMES.difference,
        (TupleOp::Difference, true) => V::NAMES.difference_theta,
    };
    let (a, b) = (binary_rows(&args[0])?, binary_rows(&args[1])?);
    let (lg_index, mode_index) = match op {
        TupleOp::Union => (Some(2), 3),
        TupleOp::Intersection => (None, 2),
        TupleOp::Difference => (None, usize::MAX),
    };
    let mut out = BinaryBuilder::new();
    for i in 0..a.len() {
        let lg = match lg_index.and_then(|j| args.get(j)) {
            None => Some(12),
            Some(l) => l
                .is_valid(i)
                .then(|| i64::from(l.as_primitive::<Int32Type>().value(i))),
        };
        let mode = mode_at(function, args, mode_index, i)?;
        let (true, true, Some(lg), Some(mode)) = (a.is_valid(i), b.is_valid(i), lg, mode) else {
            out.append_null();
            continue;
        };
        let lg = lg_nom_entries(function, lg)?;
        let x = read_tuple::<V>(function, a.value(i))?;
        let y = second_sketch::<V>(function, b.value(i), theta, mode)?;
        let policy = Policy::<V>::new(mode);
        let result = match op {
            TupleOp::Union => {
                let mut u = TupleUnionBuilder::new(policy)
                    .lg_k(lg)
                    .build()
                    .map_err(tuple_error(function))?;
                u.update(&x).map_err(tuple_error(function))?;
                u.update(&y).map_err(tuple_error(function))?;
                u.to_sketch(false)
            }
            TupleOp::Intersection => {
                let mut s = TupleIntersection::new(policy);
                s.update(&x).map_err(tuple_error(function))?;
                s.update(&y).map_err(tuple_error(function))?;
                match s.to_sketch(false) {
                    Some(s) => s,
                    None => empty_tuple::<V>(function)?,
                }
            }
            TupleOp::Difference => TupleANotB::default()
                .compute(&x, &y, false)
                .map_err(tuple_error(function))?,
        };
        out.append_value(tuple_image(&result));
    }
    Ok(Arc::new(out.finish()))
}

fn tuple_functions<V: TupleNamed>() -> Vec<ScalarUDF> {
    fn one(t: &[DataType]) -> DfResult<Vec<DataType>> {
        sketches_then(t, 1, &[])
    }
    let n = &V::NAMES;
    vec![
        ColumnFn::new(
            n.estimate,
            one,
            |_| Ok(DataType::Float64),
            tuple_estimate::<V>,
        )
        .udf(),
        ColumnFn::new(n.theta, one, |_| Ok(DataType::Float64), tuple_theta::<V>).udf(),
        ColumnFn::new(
            n.summary,
            |t| sketches_then(t, 1, &[DataType::Utf8]),
            |_| Ok(V::summary_type()),
            tuple_summary::<V>,
        )
        .udf(),
        ColumnFn::new(
            n.union,
            |t| sketches_then(t, 2, &[DataType::Int32, DataType::Utf8]),
            |_| Ok(DataType::Binary),
            |a| tuple_pairs::<V>(a, TupleOp::Union, false),
        )
        .udf(),
        ColumnFn::new(
            n.union_theta,
            |t| sketches_then(t, 2, &[DataType::Int32, DataType::Utf8]),
            |_| Ok(DataType::Binary),
            |a| tuple_pairs::<V>(a, TupleOp::Union, true),
        )
        .udf(),
        ColumnFn::new(
            n.intersection,
            |t| sketches_then(t, 2, &[DataType::Utf8]),
            |_| Ok(DataType::Binary),
            |a| tuple_pairs::<V>(a, TupleOp::Intersection, false),
        )
        .udf(),
        ColumnFn::new(
            n.intersection_theta,
            |t| sketches_then(t, 2, &[DataType::Utf8]),
            |_| Ok(DataType::Binary),
            |a| tuple_pairs::<V>(a, TupleOp::Intersection, true),
        )
        .udf(),
        ColumnFn::new(
            n.difference,
            |t| sketches_then(t, 2, &[]),
            |_| Ok(DataType::Binary),
            |a| tuple_pairs::<V>(a, TupleOp::Difference, false),
        )
        .udf(),
        ColumnFn::new(
            n.difference_theta,
            |t| sketches_then(t, 2, &[]),
            |_| Ok(DataType::Binary),
            |a| tuple_pairs::<V>(a, TupleOp::Difference, true),
        )
        .udf(),
    ]
}

// ---------------------------------------------------------------------------------------------

fn hll_make(_: &[DataType], params: &[ScalarValue]) -> DfResult<Box<dyn Sketch>> {
    let lg_k = hll_lg_k("hll_sketch_agg", int_param(params, 0, 12, 0))?;
    Ok(Box::new(HllAgg {
        sketch: HllSketch::new(lg_k, HllType::Hll8).map_err(|e| exec_err(e.to_string()))?,
        partials: HllUnionOf {
            function: "hll_sketch_agg",
            union: None,
            allow_different: true,
        },
    }))
}

fn theta_make(_: &[DataType], params: &[ScalarValue]) -> DfResult<Box<dyn Sketch>> {
    let lg = lg_nom_entries("theta_sketch_agg", int_param(params, 0, 12, 0))?;
    Ok(Box::new(ThetaAgg {
        sketch: ThetaSketchBuilder::default()
            .lg_k(lg)
            .build()
            .map_err(theta_error("theta_sketch_agg"))?,
        union: None,
        lg,
    }))
}

fn theta_set_make(union: bool, params: &[ScalarValue]) -> DfResult<Box<dyn Sketch>> {
    let function = if union {
        "theta_union_agg"
    } else {
        "theta_intersection_agg"
    };
    let set = if union {
        let lg = lg_nom_entries(function, int_param(params, 0, 12, 0))?;
        ThetaSet::Union(new_theta_union(function, lg)?)
    } else {
        ThetaSet::Intersection(ThetaIntersection::default())
    };
    Ok(Box::new(SetAgg { function, set }))
}

pub(crate) fn register(ctx: &SessionContext) {
    fn binary(_: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Binary)
    }
    fn one_sketch(t: &[DataType]) -> DfResult<Vec<DataType>> {
        sketches_then(t, 1, &[])
    }
    let aggregates = [
        SketchAgg::udaf(
            "hll_sketch_agg",
            1,
            |t| {
                let mut out = vec![sketched(
                    t.first().unwrap_or(&DataType::Null),
                    HLL_TYPES,
                    false,
                )?];
                match t.get(1..) {
                    Some([]) => {}
                    Some([k]) if is_int(k) || *k == DataType::Null => out.push(DataType::Int32),
                    Some([k]) => return Err(wrong_type("second", "\"INT\"", k)),
                    _ => return Err(plan_err(format!("takes 1 or 2 arguments, got {}", t.len()))),
                }
                Ok(out)
            },
            binary,
            hll_make,
        ),
        SketchAgg::udaf(
            "hll_union_agg",
            1,
            |t| sketches_then(t, 1, &[DataType::Boolean]),
            binary,
            |_, p| {
                Ok(Box::new(HllUnionAgg(HllUnionOf {
                    function: "hll_union_agg",
                    union: None,
                    allow_different: bool_param(p, 0),
                })))
            },
        ),
        SketchAgg::udaf(
            "theta_sketch_agg",
            1,
            |t| {
                let first = match t.first() {
                    Some(DataType::List(f))
                        if matches!(f.data_type(), DataType::Int32 | DataType::Int64) =>
                    {
                        t[0].clone()
                    }
                    Some(x) => sketched(x, THETA_TYPES, true)?,
                    None => return Err(plan_err("takes 1 or 2 arguments, got 0".into())),
                };
                match t.get(1..) {
                    Some([]) => Ok(vec![first]),
                    Some([k]) if is_int(k) || *k == DataType::Null => {
                        Ok(vec![first, DataType::Int32])
                    }
                    Some([k]) => Err(wrong_type("second", "\"INT\"", k)),
                    _ => Err(plan_err(format!("takes 1 or 2 arguments, got {}", t.len()))),
                }
            },
            binary,
            theta_make,
        ),
        SketchAgg::udaf(
            "theta_union_agg",
            1,
            |t| sketches_then(t, 1, &[DataType::Int32]),
            binary,
            |_, p| theta_set_make(true, p),
        ),
        SketchAgg::udaf("theta_intersection_agg", 1, one_sketch, binary, |_, p| {
            theta_set_make(false, p)
        }),
    ];
    let aggregates = aggregates
        .into_iter()
        .chain(kll_aggregates::<i64>())
        .chain(kll_aggregates::<KllFloat<f64>>())
        .chain(kll_aggregates::<KllFloat<f32>>())
        .chain(tuple_aggregates::<f64>())
        .chain(tuple_aggregates::<i32>())
        .chain(bitmap_aggregates())
        .chain([histogram_numeric(), count_min_sketch(), approx_top_k()]);
    for a in aggregates {
        ctx.register_udaf(a);
    }
    let scalars = [
        ColumnFn::new(
            "hll_sketch_estimate",
            one_sketch,
            |_| Ok(DataType::Int64),
            hll_estimate,
        ),
        ColumnFn::new(
            "hll_union",
            |t| sketches_then(t, 2, &[DataType::Boolean]),
            binary,
            hll_union,
        ),
        ColumnFn::new(
            "theta_sketch_estimate",
            one_sketch,
            |_| Ok(DataType::Int64),
            theta_estimate,
        ),
        ColumnFn::new(
            "theta_union",
            |t| sketches_then(t, 2, &[DataType::Int32]),
            binary,
            theta_union,
        ),
        ColumnFn::new(
            "theta_intersection",
            |t| sketches_then(t, 2, &[]),
            binary,
            theta_intersection,
        ),
        ColumnFn::new(
            "theta_difference",
            |t| sketches_then(t, 2, &[]),
            binary,
            theta_difference,
        ),
    ];
    let scalars = scalars
        .into_iter()
        .map(ColumnFn::udf)
        .chain(kll_functions::<i64>())
        .chain(kll_functions::<KllFloat<f64>>())
        .chain(kll_functions::<KllFloat<f32>>())
        .chain(tuple_functions::<f64>())
        .chain(tuple_functions::<i32>());
    for f in scalars {
        ctx.register_udf(f);
    }
}

// ---------------------------------------------------------------------------------------------
// Bitmaps: `bitmap_construct_agg`, `bitmap_or_agg`, `bitmap_and_agg` over Spark's 4096-byte
// (32768-bit) bitmaps; `bitmap_bit_position` gives a value's bit.

const BITMAP_BYTES: usize = 4096;

#[derive(Clone, Copy, Debug)]
enum BitmapOp {
    Construct,
    Or,
    And,
}

/// A bitmap being built; `None` while an AND has seen no bitmap (its answer is then all ones).
#[derive(Debug)]
struct BitmapAgg {
    op: BitmapOp,
    bits: Option<Vec<u8>>,
}

impl BitmapAgg {
    /// Combines a bitmap in: shorter ones count as zero-padded, longer ones are cut.
    fn combine(&mut self, other: &[u8]) {
        let mut padded = [0u8; BITMAP_BYTES];
        let n = other.len().min(BITMAP_BYTES);
        padded[..n].copy_from_slice(&other[..n]);
        match (&mut self.bits, self.op) {
            (Some(bits), BitmapOp::And) => {
                for (b, o) in bits.iter_mut().zip(padded) {
                    *b &= o;
                }
            }
            (Some(bits), _) => {
                for (b, o) in bits.iter_mut().zip(padded) {
                    *b |= o;
                }
            }
            (None, _) => self.bits = Some(padded.to_vec()),
        }
    }
}

impl Sketch for BitmapAgg {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        match self.op {
            BitmapOp::Construct => {
                let bits = self.bits.get_or_insert_with(|| vec![0; BITMAP_BYTES]);
                for p in columns[0].as_primitive::<Int64Type>().iter().flatten() {
                    let at = usize::try_from(p)
                        .ok()
                        .filter(|p| *p < BITMAP_BYTES * 8)
                        .ok_or_else(|| {
                            exec_err(format!(
                                "[INVALID_BITMAP_POSITION] The 0-indexed bitmap position {p} is out of bounds. The bitmap has {} bits ({BITMAP_BYTES} bytes). SQLSTATE: 22003",
                                BITMAP_BYTES * 8
                            ))
                        })?;
                    bits[at / 8] |= 1 << (at % 8);
                }
            }
            BitmapOp::Or | BitmapOp::And => {
                for b in binary_rows(&columns[0])?.iter().flatten() {
                    self.combine(b);
                }
            }
        }
        Ok(())
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let op = self.op;
        if let BitmapOp::Construct = op {
            self.op = BitmapOp::Or;
        }
        self.combine(partial);
        self.op = op;
        Ok(())
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(self.bits.clone())
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        let fill = if let BitmapOp::And = self.op { 0xFF } else { 0 };
        Ok(ScalarValue::Binary(Some(
            self.bits
                .clone()
                .unwrap_or_else(|| vec![fill; BITMAP_BYTES]),
        )))
    }

    fn size(&self) -> usize {
        self.bits.as_ref().map_or(0, Vec::len)
    }
}

fn bitmap_aggregates() -> [AggregateUDF; 3] {
    fn binary(_: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Binary)
    }
    fn one_sketch(t: &[DataType]) -> DfResult<Vec<DataType>> {
        sketches_then(t, 1, &[])
    }
    [
        SketchAgg::udaf(
            "bitmap_construct_agg",
            1,
            |t| match t {
                [x] if x.is_numeric() || is_string(x) || *x == DataType::Null => {
                    Ok(vec![DataType::Int64])
                }
                [x] => Err(wrong_type("first", "\"BIGINT\"", x)),
                _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
            },
            binary,
            |_, _| {
                Ok(Box::new(BitmapAgg {
                    op: BitmapOp::Construct,
                    bits: None,
                }))
            },
        ),
        SketchAgg::udaf("bitmap_or_agg", 1, one_sketch, binary, |_, _| {
            Ok(Box::new(BitmapAgg {
                op: BitmapOp::Or,
                bits: None,
            }))
        }),
        SketchAgg::udaf("bitmap_and_agg", 1, one_sketch, binary, |_, _| {
            Ok(Box::new(BitmapAgg {
                op: BitmapOp::And,
                bits: None,
            }))
        }),
    ]
}

// ---------------------------------------------------------------------------------------------
// `histogram_numeric(expr, nb)`: Hive's `NumericHistogram` (Ben-Haim and Tom-Tov's streaming
// histogram), which Spark uses, with its seeded `java.util.Random` for ties.

/// `java.util.Random`, for the histogram's choice among equally close bins.
#[derive(Clone, Debug)]
struct JavaRandom(u64);

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: u64) -> Self {
        Self((seed ^ Self::MULTIPLIER) & Self::MASK)
    }

    fn next(&mut self, bits: u32) -> u64 {
        self.0 = (self.0.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        self.0 >> (48 - bits)
    }

    fn next_double(&mut self) -> f64 {
        ((self.next(26) << 27) + self.next(27)) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The most bins `histogram_numeric` keeps.
const MAX_HISTOGRAM_BINS: usize = 10_000;

#[derive(Debug)]
struct Histogram {
    nb: usize,
    /// `(x, y)`: bin centres, ascending, and their counts.
    bins: Vec<(f64, f64)>,
    prng: JavaRandom,
}

impl Histogram {
    fn new(nb: usize) -> Self {
        Self {
            nb,
            bins: Vec::new(),
            prng: JavaRandom::new(31183),
        }
    }

    fn add(&mut self, v: f64) {
        let (mut l, mut r) = (0, self.bins.len());
        while l < r {
            let bin = (l + r) / 2;
            if self.bins[bin].0 > v {
                r = bin;
            } else {
                if self.bins[bin].0 == v {
                    self.bins[bin].1 += 1.0;
                    return;
                }
                l = bin + 1;
            }
        }
        self.bins.insert(l, (v, 1.0));
        self.trim();
    }

    /// Merges the closest bins until `nb` are left.
    fn trim(&mut self) {
        while self.bins.len() > self.nb {
            let mut smallest = self.bins[1].0 - self.bins[0].0;
            let (mut at, mut ties) = (0, 1u32);
            for i in 1..self.bins.len() - 1 {
                let diff = self.bins[i + 1].0 - self.bins[i].0;
                if diff < smallest {
                    smallest = diff;
                    at = i;
                    ties = 1;
                } else if diff == smallest {
                    ties += 1;
                    if self.prng.next_double() <= 1.0 / f64::from(ties) {
                        at = i;
                    }
                }
            }
            let (a, b) = (self.bins[at], self.bins[at + 1]);
            let d = a.1 + b.1;
            let mut x = a.0 * (a.1 / d);
            x += b.0 / d * b.1;
            self.bins[at] = (x, d);
            self.bins.remove(at + 1);
        }
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.bins.len() * 16);
        out.extend_from_slice(&(self.nb as u64).to_le_bytes());
        for (x, y) in &self.bins {
            out.extend_from_slice(&x.to_le_bytes());
            out.extend_from_slice(&y.to_le_bytes());
        }
        out
    }

    fn from_bytes(bytes: &[u8]) -> Option<Vec<(f64, f64)>> {
        let rest = bytes.get(8..)?;
        if rest.len() % 16 != 0 {
            return None;
        }
        let f = |b: &[u8]| b.try_into().ok().map(f64::from_le_bytes);
        rest.chunks_exact(16)
            .map(|c| Some((f(&c[..8])?, f(&c[8..])?)))
            .collect()
    }
}

#[derive(Debug)]
struct HistogramAgg {
    item: DataType,
    histogram: Histogram,
}

impl Sketch for HistogramAgg {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        let values = datafusion::arrow::compute::cast(&columns[0], &DataType::Float64)?;
        for v in values.as_primitive::<Float64Type>().iter().flatten() {
            self.histogram.add(v);
        }
        Ok(())
    }

    /// Hive's `merge`: into an empty histogram a copy; else the bins together, then trimmed.
    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        let bins = Histogram::from_bytes(partial)
            .ok_or_else(|| exec_err("histogram_numeric: a damaged partial histogram".into()))?;
        if self.histogram.bins.is_empty() {
            self.histogram.bins = bins;
        } else {
            self.histogram.bins.extend(bins);
            self.histogram.bins.sort_by(|a, b| a.0.total_cmp(&b.0));
            self.histogram.trim();
        }
        Ok(())
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(Some(self.histogram.to_bytes()))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        let fields = histogram_fields(&self.item);
        if self.histogram.bins.is_empty() {
            return ScalarValue::try_from(&histogram_type(&self.item));
        }
        let xs: ArrayRef = Arc::new(Float64Array::from_iter_values(
            self.histogram.bins.iter().map(|b| b.0),
        ));
        // Integral centres are truncated, as Spark's conversion back to the input type does.
        let xs = if is_int(&self.item) {
            datafusion::arrow::compute::cast(
                &datafusion::arrow::compute::kernels::numeric::sub(
                    &xs,
                    &datafusion::arrow::compute::kernels::numeric::rem(
                        &xs,
                        &Float64Array::new_scalar(1.0),
                    )?,
                )?,
                &self.item,
            )?
        } else {
            datafusion::arrow::compute::cast(&xs, &self.item)?
        };
        let ys: ArrayRef = Arc::new(Float64Array::from_iter_values(
            self.histogram.bins.iter().map(|b| b.1),
        ));
        let structs = datafusion::arrow::array::StructArray::try_new(fields, vec![xs, ys], None)?;
        let item = Arc::new(Field::new_list_field(structs.data_type().clone(), true));
        super::one_row_list(item, Arc::new(structs))
    }

    fn size(&self) -> usize {
        self.histogram.bins.len() * 16
    }
}

fn histogram_fields(item: &DataType) -> datafusion::arrow::datatypes::Fields {
    vec![
        Field::new("x", item.clone(), true),
        Field::new("y", DataType::Float64, true),
    ]
    .into()
}

fn histogram_type(item: &DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(
        DataType::Struct(histogram_fields(item)),
        true,
    )))
}

fn histogram_numeric() -> AggregateUDF {
    SketchAgg::udaf(
        "histogram_numeric",
        1,
        |t| match t {
            [x, nb] if (is_int(nb) || *nb == DataType::Null) => {
                let x = match x {
                    x if is_int(x) || matches!(x, DataType::Float32 | DataType::Float64) => {
                        x.clone()
                    }
                    x if is_string(x) => DataType::Float64,
                    other => {
                        return Err(wrong_type(
                            "first",
                            "(\"TINYINT\" or \"SMALLINT\" or \"INT\" or \"BIGINT\" or \"FLOAT\" or \"DOUBLE\")",
                            other,
                        ));
                    }
                };
                Ok(vec![x, DataType::Int32])
            }
            [_, nb] => Err(wrong_type("second", "\"INT\"", nb)),
            _ => Err(plan_err(format!("takes 2 arguments, got {}", t.len()))),
        },
        |t| Ok(histogram_type(t.first().unwrap_or(&DataType::Float64))),
        |types, params| {
            let nb = match params.first() {
                Some(v) if !v.is_null() => int_param(params, 0, 0, 0),
                _ => {
                    return Err(plan_err(
                        "[DATATYPE_MISMATCH.UNEXPECTED_NULL] histogram_numeric: The nb must not be null. SQLSTATE: 42K09".into(),
                    ));
                }
            };
            let nb = usize::try_from(nb).ok().filter(|n| *n >= 2).ok_or_else(|| {
                plan_err(format!(
                    "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] histogram_numeric: The nb must be between [2, 2147483647] (current value = {nb}). SQLSTATE: 42K09"
                ))
            })?;
            // Each value costs a pass over the bins (Hive's algorithm, Spark's too): the bins
            // are bounded so the work stays linear in the rows.
            if nb > MAX_HISTOGRAM_BINS {
                return Err(plan_err(format!(
                    "histogram_numeric: {nb} bins, over Ember's limit of {MAX_HISTOGRAM_BINS}"
                )));
            }
            Ok(Box::new(HistogramAgg {
                item: types.first().cloned().unwrap_or(DataType::Float64),
                histogram: Histogram::new(nb),
            }))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// `count_min_sketch(col, eps, confidence, seed)`: Spark's own `CountMinSketchImpl` (not
// DataSketches'), its hashing and its big-endian image.

impl JavaRandom {
    /// `java.util.Random.nextInt(bound)`.
    fn next_int(&mut self, bound: i32) -> i32 {
        let mut r = self.next(31) as i32;
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31) as i32;
        }
    }
}

#[derive(Debug)]
struct CountMin {
    depth: usize,
    width: usize,
    hash_a: Vec<i64>,
    table: Vec<i64>,
    total: i64,
}

impl CountMin {
    /// The largest table a sketch may have (`depth * width` counters): 2^20, 8 MiB.
    const MAX_CELLS: f64 = (1u64 << 20) as f64;

    fn new(eps: f64, confidence: f64, seed: i32) -> DfResult<Self> {
        let range = |name: &str, v: f64, bounds: &str| {
            plan_err(format!(
                "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] count_min_sketch: The {name} must be between {bounds} (current value = {v}D). SQLSTATE: 42K09"
            ))
        };
        if eps.is_nan() || eps <= 0.0 {
            return Err(range("eps", eps, "(0.0, 1.7976931348623157E308]"));
        }
        if confidence.is_nan() || confidence <= 0.0 || confidence >= 1.0 {
            return Err(range("confidence", confidence, "(0.0, 1.0]"));
        }
        let depth = (-(1.0 - confidence).ln() / 2f64.ln()).ceil();
        let width = (2.0 / eps).ceil();
        if depth * width > Self::MAX_CELLS {
            return Err(plan_err(format!(
                "count_min_sketch: eps {eps} and confidence {confidence} need a table of {depth} x {width} counters, over the limit of {}",
                Self::MAX_CELLS
            )));
        }
        let (depth, width) = (depth as usize, width as usize);
        let mut random = JavaRandom::new(seed as u64);
        let hash_a = (0..depth)
            .map(|_| i64::from(random.next_int(i32::MAX)))
            .collect();
        Ok(Self {
            depth,
            width,
            hash_a,
            // Made on the first value (an accumulator per group that sees none costs nothing).
            table: Vec::new(),
            total: 0,
        })
    }

    /// Spark's `hash(long, i)`: `hashA[i] * item` reduced modulo `2^31 - 1`, then the width.
    fn long_bucket(&self, item: i64, i: usize) -> usize {
        let mut hash = self.hash_a[i].wrapping_mul(item);
        hash = hash.wrapping_add(hash >> 32);
        hash &= (1i64 << 31) - 1;
        ((hash as i32) % self.width as i32) as usize
    }

    fn table(&mut self) -> &mut [i64] {
        if self.table.is_empty() {
            self.table = vec![0; self.depth * self.width];
        }
        &mut self.table
    }

    fn add(&mut self, item: &CountMinItem<'_>) {
        self.table();
        match item {
            CountMinItem::Long(v) => {
                for i in 0..self.depth {
                    let b = self.long_bucket(*v, i);
                    self.table[i * self.width + b] += 1;
                }
            }
            CountMinItem::Bytes(b) => {
                // Spark's `getHashBuckets`: two Murmur3 hashes combined per row.
                let h1 = super::hashes::hash_bytes(b, 0) as i32;
                let h2 = super::hashes::hash_bytes(b, h1 as u32) as i32;
                for i in 0..self.depth {
                    let bucket = (h1.wrapping_add((i as i32).wrapping_mul(h2)) % self.width as i32)
                        .unsigned_abs() as usize;
                    self.table[i * self.width + bucket] += 1;
                }
            }
        }
        self.total += 1;
    }

    fn to_bytes(&self) -> Vec<u8> {
        let cells = self.depth * self.width;
        let mut out = Vec::with_capacity(20 + 8 * (self.depth + cells));
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&self.total.to_be_bytes());
        out.extend_from_slice(&(self.depth as i32).to_be_bytes());
        out.extend_from_slice(&(self.width as i32).to_be_bytes());
        for a in &self.hash_a {
            out.extend_from_slice(&a.to_be_bytes());
        }
        if self.table.is_empty() {
            out.resize(out.len() + 8 * cells, 0);
        }
        for c in &self.table {
            out.extend_from_slice(&c.to_be_bytes());
        }
        out
    }

    /// Adds another sketch's counts (a partial one: same depth, width and hashes).
    fn merge(&mut self, bytes: &[u8]) -> DfResult<()> {
        let expected = 20 + 8 * (self.depth + self.depth * self.width);
        if bytes.len() != expected {
            return Err(exec_err(format!(
                "count_min_sketch: a partial sketch of {} bytes, expected {expected}",
                bytes.len()
            )));
        }
        let long = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            i64::from_be_bytes(b)
        };
        self.total += long(4);
        let base = 20 + 8 * self.depth;
        for (i, c) in self.table().iter_mut().enumerate() {
            *c += long(base + 8 * i);
        }
        Ok(())
    }
}

enum CountMinItem<'a> {
    Long(i64),
    Bytes(&'a [u8]),
}

impl Sketch for CountMin {
    fn update(&mut self, columns: &[ArrayRef]) -> DfResult<()> {
        let a = &columns[0];
        for i in 0..a.len() {
            if a.is_null(i) {
                continue;
            }
            let item = match a.data_type() {
                DataType::Int64 => CountMinItem::Long(a.as_primitive::<Int64Type>().value(i)),
                DataType::Utf8 => CountMinItem::Bytes(a.as_string::<i32>().value(i).as_bytes()),
                DataType::Binary => CountMinItem::Bytes(a.as_binary::<i32>().value(i)),
                other => {
                    return Err(exec_err(format!(
                        "count_min_sketch: cannot count values of type {other}"
                    )));
                }
            };
            self.add(&item);
        }
        Ok(())
    }

    fn merge(&mut self, partial: &[u8]) -> DfResult<()> {
        CountMin::merge(self, partial)
    }

    fn partial(&self) -> DfResult<Option<Vec<u8>>> {
        Ok(Some(self.to_bytes()))
    }

    fn finish(&self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Binary(Some(self.to_bytes())))
    }

    fn size(&self) -> usize {
        8 * (self.hash_a.len() + self.table.len())
    }
}

fn count_min_sketch() -> AggregateUDF {
    SketchAgg::udaf(
        "count_min_sketch",
        1,
        |t| match t {
            [x, e, c, s] => {
                let x = match x {
                    x if is_int(x) || *x == DataType::Null => DataType::Int64,
                    x if is_string(x) => DataType::Utf8,
                    x if is_binary(x) => DataType::Binary,
                    other => {
                        return Err(wrong_type(
                            "first",
                            "(\"INTEGRAL\" or \"STRING\" or \"BINARY\")",
                            other,
                        ));
                    }
                };
                for (ordinal, t) in [("second", e), ("third", c)] {
                    if !matches!(t, DataType::Float64 | DataType::Null) {
                        return Err(wrong_type(ordinal, "\"DOUBLE\"", t));
                    }
                }
                if !(is_int(s) || *s == DataType::Null) {
                    return Err(wrong_type("fourth", "\"INT\"", s));
                }
                Ok(vec![
                    x,
                    DataType::Float64,
                    DataType::Float64,
                    DataType::Int32,
                ])
            }
            _ => Err(plan_err(format!(
                "takes 4 arguments (col, eps, confidence, seed), got {}",
                t.len()
            ))),
        },
        |_| Ok(DataType::Binary),
        |_, params| {
            let double = |i: usize, name: &str| match params.get(i) {
                Some(ScalarValue::Float64(Some(v))) => Ok(*v),
                _ => Err(plan_err(format!(
                    "[DATATYPE_MISMATCH.UNEXPECTED_NULL] count_min_sketch: The {name} must not be null. SQLSTATE: 42K09"
                ))),
            };
            let (eps, confidence) = (double(0, "eps")?, double(1, "confidence")?);
            let seed = match params.get(2) {
                Some(v) if !v.is_null() => int_param(params, 2, 0, 0) as i32,
                _ => {
                    return Err(plan_err(
                        "[DATATYPE_MISMATCH.UNEXPECTED_NULL] count_min_sketch: The seed must not be null. SQLSTATE: 42K09".into(),
                    ));
                }
            };
            Ok(Box::new(CountMin::new(eps, confidence, seed)?))
        },
    )
}

// ---------------------------------------------------------------------------------------------
// `approx_top_k(expr[, k[, maxItemsTracked]])`: the `k` most frequent values with their counts,
// from a frequent-items summary of at most `maxItemsTracked` values (the Misra-Gries summary that
// DataSketches' `ItemsSketch`, Spark's, keeps): exact while the values fit, the heavy hitters'
// counts within `n / maxItemsTracked` after.

/// The summary: counts of the values kept (a `NULL` is a value, as in Spark).
#[derive(Debug)]
struct TopK {
    item: DataType,
    k: usize,
    capacity: usize,
    counts: std::collections::HashMap<ScalarValue, u64>,
    /// The kept values' bytes, kept up to date (DataFusion asks after every batch).
    bytes: usize,
}

impl TopK {
    fn add(&mut self, v: ScalarValue, n: u64) {
        let size = v.size() + std::mem::size_of::<u64>();
        let count = self.counts.entry(v).or_insert_with(|| 0);
        if *count == 0 {
            self.bytes += size;
        }
        *count += n;
        if self.counts.len() > self.capacity {
            // Misra-Gries: take the smallest count off every value, dropping those at zero.
            let least = self.counts.values().copied().min().unwrap_or(0);
            let mut freed = 0;
            self.counts.retain(|v, c| {
                *c -= least;
                if *c == 0 {
                    freed += v.size() + std::mem::size_of::<u64>();
                }
                *c > 0
            });
            self.bytes -= freed;
        }
    }

    fn entry_type(item: &DataType) -> DataType {
        DataType::Struct(
            vec![
                Field::new("item", item.clone(), true),
                Field::new("count", DataType::Int64, false),
            ]
            .into(),
        )
    }
}

impl Accumulator for TopK {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let a = &values[0];
        for i in 0..a.len() {
            self.add(ScalarValue::try_from_array(a, i)?, 1);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        let mut top: Vec<(&ScalarValue, &u64)> = self.counts.iter().collect();
        // By count, then by value (Spark's order among equal counts is its hash map's).
        top.sort_by(|a, b| {
            b.1.cmp(a.1)
                .then_with(|| a.0.partial_cmp(b.0).unwrap_or(std::cmp::Ordering::Equal))
        });
        top.truncate(self.k);
        let entry = Self::entry_type(&self.item);
        let DataType::Struct(fields) = &entry else {
            return Err(exec_err("approx_top_k: bad entry type".into()));
        };
        let items = if top.is_empty() {
            datafusion::arrow::array::new_empty_array(&self.item)
        } else {
            ScalarValue::iter_to_array(top.iter().map(|(v, _)| (*v).clone()))?
        };
        let counts: ArrayRef = Arc::new(Int64Array::from_iter_values(
            top.iter().map(|(_, c)| **c as i64),
        ));
        let structs = datafusion::arrow::array::StructArray::try_new(
            fields.clone(),
            vec![items, counts],
            None,
        )?;
        super::one_row_list(
            Arc::new(Field::new_list_field(entry, true)),
            Arc::new(structs),
        )
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.bytes
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        let items: Vec<ScalarValue> = self.counts.keys().cloned().collect();
        let counts: Vec<ScalarValue> = self
            .counts
            .values()
            .map(|c| ScalarValue::Int64(Some(*c as i64)))
            .collect();
        Ok(vec![
            ScalarValue::List(ScalarValue::new_list_nullable(&items, &self.item)),
            ScalarValue::List(ScalarValue::new_list_nullable(&counts, &DataType::Int64)),
        ])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let (items, counts) = (states[0].as_list::<i32>(), states[1].as_list::<i32>());
        for row in 0..items.len() {
            if items.is_null(row) || counts.is_null(row) {
                continue;
            }
            let (values, ns) = (items.value(row), counts.value(row));
            let ns = ns.as_primitive::<Int64Type>();
            for j in 0..values.len() {
                let n = u64::try_from(ns.value(j)).unwrap_or(0);
                self.add(ScalarValue::try_from_array(&values, j)?, n);
            }
        }
        Ok(())
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct ApproxTopK {
    name: &'static str,
    signature: Signature,
}

impl AggregateUDFImpl for ApproxTopK {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, t: &[DataType]) -> DfResult<Vec<DataType>> {
        let Some(first) = t.first() else {
            return Err(plan_err(
                "approx_top_k: takes 1 to 3 arguments, got 0".into(),
            ));
        };
        if t.len() > 3 {
            return Err(plan_err(format!(
                "approx_top_k: takes 1 to 3 arguments, got {}",
                t.len()
            )));
        }
        let item = match first {
            DataType::Null => {
                return Err(plan_err(
                    "[DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT] approx_top_k: void columns are not supported. SQLSTATE: 42K09".into(),
                ));
            }
            x if x.is_nested()
                || is_binary(x)
                || matches!(x, DataType::Interval(_) | DataType::Duration(_)) =>
            {
                return Err(plan_err(format!(
                    "[DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT] approx_top_k: {x} columns are not supported. SQLSTATE: 42K09"
                )));
            }
            x if is_string(x) => DataType::Utf8,
            x => x.clone(),
        };
        let mut out = vec![item];
        for (i, p) in t.iter().enumerate().skip(1) {
            if !(is_int(p) || *p == DataType::Null) {
                return Err(wrong_type(
                    if i == 1 { "second" } else { "third" },
                    "\"INT\"",
                    p,
                ));
            }
            out.push(DataType::Int64);
        }
        Ok(out)
    }

    fn return_type(&self, t: &[DataType]) -> DfResult<DataType> {
        let item = t.first().cloned().unwrap_or(DataType::Null);
        Ok(DataType::List(Arc::new(Field::new_list_field(
            TopK::entry_type(&item),
            true,
        ))))
    }

    fn accumulator(&self, args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        let param = |i: usize, default: i64| -> DfResult<i64> {
            match args.exprs.get(i) {
                None => Ok(default),
                Some(e) => match e.downcast_ref::<Literal>().map(|l| l.value()) {
                    Some(v) if v.is_null() => Err(exec_err(format!(
                        "[APPROX_TOP_K_NULL_ARG] The value of `{}` in `approx_top_k` cannot be NULL. SQLSTATE: 22004",
                        if i == 1 { "k" } else { "maxItemsTracked" }
                    ))),
                    Some(v) => Ok(int_param(std::slice::from_ref(v), 0, default, default)),
                    None => Err(plan_err(format!(
                        "approx_top_k: {} must be a constant literal",
                        if i == 1 {
                            "K"
                        } else {
                            "Number of items tracked"
                        }
                    ))),
                },
            }
        };
        let (k, tracked) = (param(1, 5)?, param(2, 10_000)?);
        if k <= 0 {
            return Err(exec_err(format!(
                "[APPROX_TOP_K_NON_POSITIVE_ARG] The value of `k` in `approx_top_k` must be a positive integer, but got {k}. SQLSTATE: 22023"
            )));
        }
        if tracked > 1_000_000 {
            return Err(exec_err(format!(
                "[APPROX_TOP_K_MAX_ITEMS_TRACKED_EXCEEDS_LIMIT] The max items tracked `maxItemsTracked`({tracked}) of `approx_top_k` should be less than or equal to 1000000. SQLSTATE: 22023"
            )));
        }
        if tracked < k {
            return Err(exec_err(format!(
                "[APPROX_TOP_K_MAX_ITEMS_TRACKED_LESS_THAN_K] The max items tracked `maxItemsTracked`({tracked}) of `approx_top_k` should be greater than or equal to `k`({k}). SQLSTATE: 22023"
            )));
        }
        Ok(Box::new(TopK {
            item: args
                .expr_fields
                .first()
                .map_or(DataType::Null, |f| f.data_type().clone()),
            k: k as usize,
            capacity: tracked as usize,
            counts: std::collections::HashMap::new(),
            bytes: 0,
        }))
    }

    fn state_fields(&self, args: StateFieldsArgs<'_>) -> DfResult<Vec<FieldRef>> {
        let item = args
            .input_fields
            .first()
            .map_or(DataType::Null, |f| f.data_type().clone());
        Ok(vec![
            Arc::new(Field::new(
                format!("{}[items]", args.name),
                DataType::List(Arc::new(Field::new_list_field(item, true))),
                true,
            )),
            Arc::new(Field::new(
                format!("{}[counts]", args.name),
                DataType::List(Arc::new(Field::new_list_field(DataType::Int64, true))),
                true,
            )),
        ])
    }
}

fn approx_top_k() -> AggregateUDF {
    AggregateUDF::new_from_impl(ApproxTopK {
        name: "approx_top_k",
        signature: Signature::user_defined(Volatility::Immutable),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use datafusion::arrow::datatypes::DataType;
    use datafusion::common::ScalarValue;

    use super::{JavaRandom, TopK};

    #[test]
    fn top_k_keeps_at_most_max_items_tracked_and_finds_the_heavy_hitter() {
        let mut top = TopK {
            item: DataType::Int64,
            k: 1,
            capacity: 10,
            counts: HashMap::new(),
            bytes: 0,
        };
        for i in 0..10_000i64 {
            top.add(ScalarValue::Int64(Some(i)), 1);
            top.add(ScalarValue::Int64(Some(-1)), 1);
            assert!(top.counts.len() <= 10);
        }
        let heaviest = top
            .counts
            .iter()
            .max_by_key(|(_, c)| **c)
            .map(|(v, _)| v.clone());
        assert_eq!(heaviest, Some(ScalarValue::Int64(Some(-1))));
    }

    #[test]
    fn java_random_matches_java() {
        // new java.util.Random(1).nextInt(Integer.MAX_VALUE), as Spark's count-min sketch draws it.
        assert_eq!(JavaRandom::new(1).next_int(i32::MAX), 0x5D8D_6AB9);
    }
}
