//! Spark's seeded random functions: `rand`/`random`, `randn`, `uniform` and `randstr`, with the
//! numbers Spark draws for the same seed; and `monotonically_increasing_id`, which counts rows
//! the same way.
//!
//! Spark gives each partition its own `XORShiftRandom` seeded with `seed + partitionIndex` and
//! draws from it row after row. Here every call of a function in a query gets its own generator
//! per seed, made when the query is planned (the function's `simplify` puts a fresh instance in
//! the plan) and drawn from batch after batch. So a query over one partition answers exactly as
//! Spark's first partition does, and running it again answers the same. Over several local
//! partitions the rows draw from that one sequence in whatever order the partitions run: random,
//! but not reproducible (Spark's answers depend on its partitioning as well). Without a seed a
//! random one is drawn when the query is planned.
//!
//! A cluster node decoding a plan gives each of its random functions a sequence of its own
//! ([`renewed`]), its seed moved by a random offset, as Spark moves each partition's by the
//! partition's index: tasks do not repeat each other's numbers, but a cluster's answers are not
//! one partition's (nor is `rand(1) = rand(1)` true there).
//!
//! `monotonically_increasing_id()` counts a query's rows from 0 in the order its batches come,
//! which is Spark's answer for one partition (Spark puts the partition index in the upper 31
//! bits). Ids are unique and increase within each partition, as Spark promises; a plan decoded
//! on a cluster node counts from a random multiple of 2^33 (below 2^63), so tasks' ids are apart
//! unless two of them draw the same multiple (one chance in about 10^9 for a pair of tasks).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, Int64Array, StringBuilder};
use datafusion::arrow::compute::{CastOptions, cast_with_options};
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, lit,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, plan_err, wrong_type};

/// Spark's `org.apache.spark.util.random.XORShiftRandom`: `java.util.Random`'s derived
/// methods over an xorshift `next(bits)`, the seed scrambled by MurmurHash3.
#[derive(Debug, Clone)]
struct XorShiftRandom {
    seed: i64,
    next_gaussian: Option<f64>,
}

impl XorShiftRandom {
    fn new(init: i64) -> Self {
        // `XORShiftRandom.hashSeed`: Scala's `MurmurHash3.bytesHash` of the seed's big-endian
        // bytes, with `arraySeed` and then with the low half as the seed. For 8 bytes that hash
        // is Spark's Murmur3 of the same bytes.
        let bytes = init.to_be_bytes();
        let low = super::hashes::hash_bytes(&bytes, 0x3c07_4a61);
        let high = super::hashes::hash_bytes(&bytes, low);
        Self {
            seed: (i64::from(high) << 32) | i64::from(low),
            next_gaussian: None,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        let mut s = self.seed ^ (self.seed << 21);
        s ^= ((s as u64) >> 35) as i64;
        s ^= s << 4;
        self.seed = s;
        (s & ((1i64 << bits) - 1)) as i32
    }

    /// `java.util.Random.nextInt()`.
    fn next_int(&mut self) -> i32 {
        self.next(32)
    }

    /// `java.util.Random.nextDouble()`.
    fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26)) << 27;
        (high + i64::from(self.next(27))) as f64 * f64::from_bits(0x3CA0_0000_0000_0000)
    }

    /// `java.util.Random.nextGaussian()`: the polar method, which makes two values at a time.
    fn next_gaussian(&mut self) -> f64 {
        if let Some(v) = self.next_gaussian.take() {
            return v;
        }
        loop {
            let v1 = 2.0 * self.next_double() - 1.0;
            let v2 = 2.0 * self.next_double() - 1.0;
            let s = v1 * v1 + v2 * v2;
            if s < 1.0 && s != 0.0 {
                let multiplier = (-2.0 * s.ln() / s).sqrt();
                self.next_gaussian = Some(v2 * multiplier);
                return v1 * multiplier;
            }
        }
    }

    /// Spark's `ExpressionImplUtils.randStr`: `length` characters of `[0-9a-zA-Z]`.
    fn string(&mut self, length: usize, out: &mut String) {
        for _ in 0..length {
            let v = (self.next_int() % 62).unsigned_abs() as u8;
            out.push(char::from(match v {
                0..=9 => b'0' + v,
                10..=35 => b'a' + (v - 10),
                _ => b'A' + (v - 36),
            }));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Rand,
    Randn,
    Uniform,
    RandStr,
    MonotonicId,
}

impl Kind {
    /// Where the seed is among the arguments.
    fn seed_at(self) -> usize {
        match self {
            Kind::Rand | Kind::Randn => 0,
            Kind::Uniform => 2,
            Kind::RandStr => 1,
            // No seed: out of reach of its (no) arguments.
            Kind::MonotonicId => usize::MAX,
        }
    }
}

/// One of the seeded random functions. `generators` holds the sequence drawn so far for each
/// seed it was called with; `planned` marks the instance a query's plan holds (see the module
/// docs), whose sequences start when the query does.
#[derive(Debug)]
pub(crate) struct SeededRandom {
    kind: Kind,
    name: &'static str,
    aliases: Vec<String>,
    signature: Signature,
    planned: bool,
    /// The seed when the call gives none and planning did not put one in.
    default_seed: i64,
    /// Added to every seed: 0 where the plan was made, random in a plan a cluster node decoded.
    seed_offset: i64,
    generators: Mutex<HashMap<i64, XorShiftRandom>>,
    /// `monotonically_increasing_id`'s next id.
    next_id: Mutex<i64>,
}

impl PartialEq for SeededRandom {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

impl Eq for SeededRandom {}

impl std::hash::Hash for SeededRandom {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.kind.hash(state);
    }
}

impl SeededRandom {
    fn new(kind: Kind, name: &'static str, aliases: &[&str]) -> Self {
        Self {
            kind,
            name,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            signature: Signature::user_defined(Volatility::Volatile),
            planned: false,
            default_seed: rand::random(),
            seed_offset: 0,
            generators: Mutex::new(HashMap::new()),
            next_id: Mutex::new(0),
        }
    }

    /// The same function with sequences of its own, its seeds moved by `seed_offset` and its
    /// ids counted from `first_id`.
    fn fresh(&self, seed_offset: i64, first_id: i64) -> Self {
        Self {
            planned: true,
            seed_offset,
            generators: Mutex::new(HashMap::new()),
            next_id: Mutex::new(first_id),
            aliases: self.aliases.clone(),
            signature: self.signature.clone(),
            ..*self
        }
    }

    /// The next `n` ids.
    fn ids(&self, n: usize) -> DfResult<ArrayRef> {
        let mut next = self.next_id.lock().unwrap_or_else(PoisonError::into_inner);
        let first = *next;
        *next = first
            .checked_add(n as i64)
            .ok_or_else(|| exec_err(format!("{}: ids past BIGINT", self.name)))?;
        Ok(Arc::new(Int64Array::from_iter_values(
            first..first + n as i64,
        )))
    }

    /// `n` draws from the sequence for `seed`, continuing where the last batch stopped.
    fn draw<T>(&self, seed: i64, n: usize, mut f: impl FnMut(&mut XorShiftRandom) -> T) -> Vec<T> {
        let mut generators = self
            .generators
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let rng = generators
            .entry(seed)
            .or_insert_with(|| XorShiftRandom::new(seed.wrapping_add(self.seed_offset)));
        std::iter::repeat_with(|| f(rng)).take(n).collect()
    }
}

/// A plan's random function with sequences of its own, for a node that decodes a plan sent to
/// it (`ember-cluster`'s codec): every other function is returned as it is.
pub fn renewed(udf: Arc<ScalarUDF>) -> Arc<ScalarUDF> {
    match udf.inner().downcast_ref::<SeededRandom>() {
        Some(random) => {
            let first_id = i64::from(rand::random::<u32>() >> 2) << 33;
            Arc::new(ScalarUDF::new_from_impl(
                random.fresh(rand::random(), first_id),
            ))
        }
        None => udf,
    }
}

fn is_numeric(t: &DataType) -> bool {
    t.is_integer()
        || matches!(
            t,
            DataType::Float32
                | DataType::Float64
                | DataType::Decimal128(..)
                | DataType::Decimal256(..)
                | DataType::Null
        )
}

/// Spark's result type of `uniform(min, max)`: the wider integer when both are integers, else
/// `DOUBLE`, `FLOAT` or the decimal argument's type; `DOUBLE` (all `NULL`) with a `NULL` bound.
fn uniform_type(min: &DataType, max: &DataType) -> DataType {
    let both = [min, max];
    if both.iter().any(|t| **t == DataType::Null) {
        return DataType::Float64;
    }
    if both.iter().all(|t| t.is_integer()) {
        for wide in [DataType::Int64, DataType::Int32, DataType::Int16] {
            if both.contains(&&wide) {
                return wide;
            }
        }
        return DataType::Int8;
    }
    for t in [DataType::Float64, DataType::Float32] {
        if both.contains(&&t) {
            return t;
        }
    }
    // Decimals: the wider of the two (an integer bound does not widen it), as Spark.
    match (min, max) {
        (DataType::Decimal128(p1, s1), DataType::Decimal128(p2, s2)) => {
            let scale = (*s1).max(*s2);
            let whole = (i16::from(*p1) - i16::from(*s1)).max(i16::from(*p2) - i16::from(*s2));
            let precision = u8::try_from(whole + i16::from(scale)).map_or(38, |p| p.min(38));
            DataType::Decimal128(precision, scale)
        }
        (d @ DataType::Decimal128(..), _) | (_, d @ DataType::Decimal128(..)) => d.clone(),
        _ => DataType::Float64,
    }
}

/// The seed argument, which Spark wants a constant `INT` or `BIGINT` (`NULL` is seed 0).
fn seed_of(name: &str, value: &ColumnarValue) -> DfResult<i64> {
    match value {
        ColumnarValue::Scalar(s) if s.is_null() => Ok(0),
        ColumnarValue::Scalar(s) => match s.cast_to(&DataType::Int64)? {
            ScalarValue::Int64(Some(v)) => Ok(v),
            _ => Ok(0),
        },
        ColumnarValue::Array(_) => Err(exec_err(format!(
            "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] {name}: the input `seed` should be a foldable \
             \"INT\" or \"BIGINT\" expression. SQLSTATE: 42K09"
        ))),
    }
}

impl ScalarUDFImpl for SeededRandom {
    fn name(&self) -> &str {
        self.name
    }

    fn aliases(&self) -> &[String] {
        &self.aliases
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let name = self.name;
        let (least, most) = match self.kind {
            Kind::Rand | Kind::Randn => (0, 1),
            Kind::Uniform => (2, 3),
            Kind::RandStr => (1, 2),
            Kind::MonotonicId => (0, 0),
        };
        if arg_types.len() < least || arg_types.len() > most {
            return Err(plan_err(format!(
                "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{name}` requires [{}] parameters but \
                 the actual number is {}. SQLSTATE: 42605",
                (least..=most)
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                arg_types.len()
            )));
        }
        let ordinal = |i: usize| ["first", "second", "third"][i];
        let mut types = arg_types.to_vec();
        for (i, t) in arg_types.iter().enumerate() {
            let seed = i == self.kind.seed_at();
            if seed || (self.kind == Kind::RandStr && i == 0) {
                if !t.is_integer() && *t != DataType::Null {
                    return Err(wrong_type(ordinal(i), "(\"INT\" or \"BIGINT\")", t));
                }
                types[i] = if seed {
                    DataType::Int64
                } else {
                    DataType::Int32
                };
            } else if !is_numeric(t) {
                return Err(wrong_type(ordinal(i), "\"NUMERIC\"", t));
            }
        }
        Ok(types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.kind {
            Kind::Rand | Kind::Randn => DataType::Float64,
            Kind::RandStr => DataType::Utf8,
            Kind::MonotonicId => DataType::Int64,
            Kind::Uniform => uniform_type(&arg_types[0], &arg_types[1]),
        })
    }

    fn simplify(
        &self,
        mut args: Vec<Expr>,
        _info: &SimplifyContext,
    ) -> DfResult<ExprSimplifyResult> {
        if self.planned {
            return Ok(ExprSimplifyResult::Original(args));
        }
        let seed_at = self.kind.seed_at();
        match args.get(seed_at) {
            None if self.kind == Kind::MonotonicId => {}
            None => args.push(lit(rand::random::<i64>())),
            Some(Expr::Literal(..)) => {}
            Some(other) => {
                return Err(plan_err(format!(
                    "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] {}: the input `seed` should be a \
                     foldable \"INT\" or \"BIGINT\" expression; however, got \"{other}\". \
                     SQLSTATE: 42K09",
                    self.name
                )));
            }
        }
        Ok(ExprSimplifyResult::Simplified(Expr::ScalarFunction(
            ScalarFunction::new_udf(Arc::new(ScalarUDF::new_from_impl(self.fresh(0, 0))), args),
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let n = args.number_rows;
        if self.kind == Kind::MonotonicId {
            return Ok(ColumnarValue::Array(self.ids(n)?));
        }
        // No seed when planning did not put one in (a plan that skipped simplification).
        let seed = match args.args.get(self.kind.seed_at()) {
            Some(v) => seed_of(self.name, v)?,
            None => self.default_seed,
        };
        let out: ArrayRef = match self.kind {
            Kind::Rand => Arc::new(Float64Array::from(self.draw(seed, n, |r| r.next_double()))),
            Kind::Randn => Arc::new(Float64Array::from(
                self.draw(seed, n, |r| r.next_gaussian()),
            )),
            Kind::Uniform => {
                let min = args.args[0].to_array(n)?;
                let max = args.args[1].to_array(n)?;
                let (min, max) = (
                    cast_with_options(&min, &DataType::Float64, &CastOptions::default())?,
                    cast_with_options(&max, &DataType::Float64, &CastOptions::default())?,
                );
                let (min, max) = (
                    min.as_primitive::<Float64Type>(),
                    max.as_primitive::<Float64Type>(),
                );
                let draws = self.draw(seed, n, |r| r.next_double());
                let values: Float64Array = (0..n)
                    .map(|i| {
                        (min.is_valid(i) && max.is_valid(i)).then(|| {
                            let (lo, hi) = (min.value(i), max.value(i));
                            lo + (hi - lo) * draws[i]
                        })
                    })
                    .collect();
                // Not `safe`: a value past the result type fails as Spark's ANSI cast does.
                cast_with_options(
                    &values,
                    args.return_field.data_type(),
                    &CastOptions {
                        safe: false,
                        ..CastOptions::default()
                    },
                )?
            }
            Kind::MonotonicId => self.ids(n)?,
            Kind::RandStr => {
                let length = match &args.args[0] {
                    ColumnarValue::Scalar(ScalarValue::Int32(Some(l))) => *l,
                    ColumnarValue::Scalar(s) if s.is_null() => 0,
                    _ => {
                        return Err(exec_err(format!(
                            "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] {}: the input `length` \
                             should be a foldable \"INT\" expression. SQLSTATE: 42K09",
                            self.name
                        )));
                    }
                };
                let length = usize::try_from(length).map_err(|_| {
                    exec_err(format!(
                        "[DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE] {}: The `length` must be between \
                         [0, 2147483647] (current value = {length}). SQLSTATE: 42K09",
                        self.name
                    ))
                })?;
                let wanted = (length as u64).saturating_mul(n as u64);
                if wanted > super::bounded::MAX_GENERATED {
                    return Err(exec_err(format!(
                        "[COLLECTION_SIZE_LIMIT_EXCEEDED] {} would generate {wanted} characters \
                         in one batch, over Ember's limit of {}",
                        self.name,
                        super::bounded::MAX_GENERATED
                    )));
                }
                let mut out = StringBuilder::with_capacity(n, length * n);
                let rows = self.draw(seed, n, |r| {
                    let mut text = String::with_capacity(length);
                    r.string(length, &mut text);
                    text
                });
                for row in rows {
                    out.append_value(row);
                }
                Arc::new(out.finish())
            }
        };
        Ok(ColumnarValue::Array(out))
    }
}

/// Registers `rand` (also `random`, replacing DataFusion's seedless one), `randn`, `uniform`,
/// `randstr` and `monotonically_increasing_id`.
pub(crate) fn register(ctx: &SessionContext) {
    for f in [
        SeededRandom::new(Kind::Rand, "rand", &["random"]),
        SeededRandom::new(Kind::Randn, "randn", &[]),
        SeededRandom::new(Kind::Uniform, "uniform", &[]),
        SeededRandom::new(Kind::RandStr, "randstr", &[]),
        SeededRandom::new(Kind::MonotonicId, "monotonically_increasing_id", &[]),
    ] {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spark 4.3's answers, recorded with PySpark (`SELECT rand(0)`, ...).
    #[test]
    fn draws_as_spark_does() {
        assert_eq!(XorShiftRandom::new(0).next_double(), 0.7604953758285915);
        assert_eq!(XorShiftRandom::new(42).next_double(), 0.619189370225301);
        assert!((XorShiftRandom::new(0).next_gaussian() - 1.6034991609278433).abs() < 1e-15);
        let mut text = String::new();
        XorShiftRandom::new(0).string(3, &mut text);
        assert_eq!(text, "ceV");
        let mut seven = XorShiftRandom::new(7);
        let draws: Vec<f64> = (0..3).map(|_| seven.next_double()).collect();
        assert_eq!(
            draws,
            [0.28188121484885875, 0.45998819035056326, 0.7690971666031955]
        );
    }
}
