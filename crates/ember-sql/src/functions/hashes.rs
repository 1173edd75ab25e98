//! Spark's hash functions missing from DataFusion and `datafusion-spark`: `hash` (Spark's
//! Murmur3 x86 32-bit with seed 42, value for value what Spark computes, for partitioning and
//! bucketing compatibility), `md5`, `sha` (Spark's other name for `sha1`, which
//! `datafusion-spark` provides along with `sha2`, `crc32` and `xxhash64`), `hmac` (on the `sha1`
//! and `sha2` crates `datafusion-spark` already builds, and the MD5 below) and `collation`.
//!
//! MD5 is written out here (RFC 1321): DataFusion's `md5` sits behind its `crypto_expressions`
//! feature, which Ember keeps off (turning it on rebuilds DataFusion), and no MD5 crate is in the
//! dependency tree.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryBuilder, Int32Array, StringBuilder,
};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, TimestampMicrosecondType,
};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use sha2::Digest as _;

use super::{ColumnFn, exec_err, fixed, plan_err};

const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

fn mix_k1(k1: u32) -> u32 {
    k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

fn mix_h1(h1: u32, k1: u32) -> u32 {
    (h1 ^ k1)
        .rotate_left(13)
        .wrapping_mul(5)
        .wrapping_add(0xe654_6b64)
}

fn fmix(h1: u32, length: u32) -> u32 {
    let mut h = h1 ^ length;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Spark's `Murmur3_x86_32.hashInt`.
fn hash_int(input: i32, seed: u32) -> u32 {
    fmix(mix_h1(seed, mix_k1(input as u32)), 4)
}

/// Spark's `Murmur3_x86_32.hashLong`.
fn hash_long(input: i64, seed: u32) -> u32 {
    let bits = input as u64;
    let h1 = mix_h1(seed, mix_k1(bits as u32));
    let h1 = mix_h1(h1, mix_k1((bits >> 32) as u32));
    fmix(h1, 8)
}

/// Spark's `Murmur3_x86_32.hashUnsafeBytes`: whole little-endian words, then each remaining
/// byte (sign-extended) mixed on its own, as Spark does.
pub(crate) fn hash_bytes(bytes: &[u8], seed: u32) -> u32 {
    let mut h1 = seed;
    let mut words = bytes.chunks_exact(4);
    for w in &mut words {
        h1 = mix_h1(h1, mix_k1(u32::from_le_bytes([w[0], w[1], w[2], w[3]])));
    }
    for &b in words.remainder() {
        h1 = mix_h1(h1, mix_k1(i32::from(b as i8) as u32));
    }
    fmix(h1, bytes.len() as u32)
}

/// The minimal big-endian two's complement bytes of `v` (Java's `BigInteger.toByteArray`).
fn java_big_integer_bytes(v: i128) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let mut start = 0;
    while start < bytes.len() - 1 {
        let (b, next) = (bytes[start], bytes[start + 1]);
        let redundant = (b == 0 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0);
        if !redundant {
            break;
        }
        start += 1;
    }
    bytes[start..].to_vec()
}

/// Folds row `i` of `array` into `seed` as Spark's `hash` does; a NULL leaves the seed as it is.
fn hash_value(array: &dyn Array, i: usize, seed: u32) -> DfResult<u32> {
    if array.is_null(i) {
        return Ok(seed);
    }
    Ok(match array.data_type() {
        DataType::Null => seed,
        DataType::Boolean => hash_int(i32::from(array.as_boolean().value(i)), seed),
        DataType::Int8 => hash_int(i32::from(array.as_primitive::<Int8Type>().value(i)), seed),
        DataType::Int16 => hash_int(i32::from(array.as_primitive::<Int16Type>().value(i)), seed),
        DataType::Int32 => hash_int(array.as_primitive::<Int32Type>().value(i), seed),
        DataType::Int64 => hash_long(array.as_primitive::<Int64Type>().value(i), seed),
        DataType::Date32 => hash_int(array.as_primitive::<Date32Type>().value(i), seed),
        DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, _) => hash_long(
            array.as_primitive::<TimestampMicrosecondType>().value(i),
            seed,
        ),
        DataType::Float32 => {
            let f = array.as_primitive::<Float32Type>().value(i);
            // Java's floatToIntBits: -0.0 hashes as 0.0, every NaN as the canonical NaN.
            let bits = if f == 0.0 {
                0
            } else if f.is_nan() {
                0x7fc0_0000
            } else {
                f.to_bits()
            };
            hash_int(bits as i32, seed)
        }
        DataType::Float64 => {
            let f = array.as_primitive::<Float64Type>().value(i);
            let bits = if f == 0.0 {
                0
            } else if f.is_nan() {
                0x7ff8_0000_0000_0000
            } else {
                f.to_bits()
            };
            hash_long(bits as i64, seed)
        }
        DataType::Decimal128(p, _) => {
            let v = array.as_primitive::<Decimal128Type>().value(i);
            if *p <= 18 {
                hash_long(v as i64, seed)
            } else {
                hash_bytes(&java_big_integer_bytes(v), seed)
            }
        }
        DataType::Utf8 => hash_bytes(array.as_string::<i32>().value(i).as_bytes(), seed),
        DataType::LargeUtf8 => hash_bytes(array.as_string::<i64>().value(i).as_bytes(), seed),
        DataType::Utf8View => hash_bytes(array.as_string_view().value(i).as_bytes(), seed),
        DataType::Binary => hash_bytes(array.as_binary::<i32>().value(i), seed),
        DataType::LargeBinary => hash_bytes(array.as_binary::<i64>().value(i), seed),
        DataType::BinaryView => hash_bytes(array.as_binary_view().value(i), seed),
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(i);
            (0..items.len()).try_fold(seed, |h, j| hash_value(items.as_ref(), j, h))?
        }
        DataType::LargeList(_) => {
            let items = array.as_list::<i64>().value(i);
            (0..items.len()).try_fold(seed, |h, j| hash_value(items.as_ref(), j, h))?
        }
        DataType::Struct(_) => array
            .as_struct()
            .columns()
            .iter()
            .try_fold(seed, |h, c| hash_value(c.as_ref(), i, h))?,
        DataType::Map(_, _) => {
            let entries = array.as_map().value(i);
            let (keys, values) = (entries.column(0), entries.column(1));
            let mut h = seed;
            for j in 0..entries.len() {
                h = hash_value(keys.as_ref(), j, h)?;
                h = hash_value(values.as_ref(), j, h)?;
            }
            h
        }
        other => {
            return Err(exec_err(format!(
                "hash: cannot hash a value of type {other}"
            )));
        }
    })
}

/// Spark's `hash(a, ...)`: the Murmur3 hash of the arguments in turn, seed 42, as an `INT`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkHash {
    signature: Signature,
}

impl ScalarUDFImpl for SparkHash {
    fn name(&self) -> &str {
        "hash"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        if arg_types.is_empty() {
            return Err(plan_err("hash takes at least one argument".to_owned()));
        }
        Ok(DataType::Int32)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let rows = arrays.first().map_or(0, |a| a.len());
        let mut out = Vec::with_capacity(rows);
        for i in 0..rows {
            let h = arrays
                .iter()
                .try_fold(42u32, |h, a| hash_value(a.as_ref(), i, h))?;
            out.push(h as i32);
        }
        let out: ArrayRef = Arc::new(Int32Array::from(out));
        if all_scalar && out.len() == 1 {
            Ok(ColumnarValue::Scalar(
                datafusion::common::ScalarValue::try_from_array(&out, 0)?,
            ))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// MD5 of `data` (RFC 1321).
fn md5_digest(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    // K[i] = floor(abs(sin(i + 1)) * 2^32).
    let k: Vec<u32> = (0..64)
        .map(|i| (((i + 1) as f64).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut state: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    let mut message = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_le_bytes());
    for block in message.chunks_exact(64) {
        let m: Vec<u32> = block
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let rotated = a
                .wrapping_add(f)
                .wrapping_add(k[i])
                .wrapping_add(m[g])
                .rotate_left(S[i]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(rotated);
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
    let mut out = [0u8; 16];
    for (chunk, s) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&s.to_le_bytes());
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `md5(expr)`: the MD5 digest of a string's UTF-8 bytes or of a binary, as 32 hex digits.
fn md5() -> ColumnFn {
    ColumnFn::new(
        "md5",
        |t| match t {
            [DataType::Binary | DataType::LargeBinary | DataType::BinaryView] => {
                Ok(vec![DataType::Binary])
            }
            [_] => Ok(vec![DataType::Utf8]),
            _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            let a = &args[0];
            let mut out = StringBuilder::new();
            for i in 0..a.len() {
                if a.is_null(i) {
                    out.append_null();
                    continue;
                }
                let bytes = match a.data_type() {
                    DataType::Binary => a.as_binary::<i32>().value(i),
                    _ => a.as_string::<i32>().value(i).as_bytes(),
                };
                out.append_value(hex(&md5_digest(bytes)));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// A digest of some bytes.
type HashFn = fn(&[u8]) -> Vec<u8>;

/// `hmac(key, message[, algorithm])` (Spark 4.3): the RFC 2104 HMAC of `message` under `key`,
/// as raw bytes, with SHA-256 (default), SHA-224, SHA-384, SHA-512, SHA-1 or MD5. An empty key
/// and an unknown algorithm are Spark's `INVALID_PARAMETER_VALUE` errors.
fn hmac() -> ColumnFn {
    ColumnFn::new(
        "hmac",
        |t| fixed(t, &[DataType::Binary, DataType::Binary, DataType::Utf8], 2),
        |_| Ok(DataType::Binary),
        |args| {
            let (key, message) = (args[0].as_binary::<i32>(), args[1].as_binary::<i32>());
            let algorithm = args.get(2).map(|a| a.as_string::<i32>());
            let mut out = BinaryBuilder::new();
            for i in 0..key.len() {
                let name = match algorithm {
                    None => Some("SHA-256"),
                    Some(a) if a.is_null(i) => None,
                    Some(a) => Some(a.value(i)),
                };
                let (Some(name), false, false) = (name, key.is_null(i), message.is_null(i)) else {
                    out.append_null();
                    continue;
                };
                let (hash, block): (HashFn, usize) = match name {
                    "SHA-224" => (|d| sha2::Sha224::digest(d).to_vec(), 64),
                    "SHA-256" => (|d| sha2::Sha256::digest(d).to_vec(), 64),
                    "SHA-384" => (|d| sha2::Sha384::digest(d).to_vec(), 128),
                    "SHA-512" => (|d| sha2::Sha512::digest(d).to_vec(), 128),
                    "SHA-1" => (|d| sha1::Sha1::digest(d).to_vec(), 64),
                    "MD5" => (|d| md5_digest(d).to_vec(), 64),
                    other => {
                        return Err(exec_err(format!(
                            "[INVALID_PARAMETER_VALUE.HMAC_ALGORITHM] The value of parameter(s) `algorithm` in `hmac` is invalid: expects one of the algorithms 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA-1', 'MD5', but got '{other}'. SQLSTATE: 22023"
                        )));
                    }
                };
                if key.value(i).is_empty() {
                    return Err(exec_err(
                        "[INVALID_PARAMETER_VALUE.HMAC_CRYPTO_ERROR] The value of parameter(s) `key` in `hmac` is invalid: detail message: Empty key SQLSTATE: 22023".to_owned(),
                    ));
                }
                out.append_value(hmac_of(hash, block, key.value(i), message.value(i)));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// RFC 2104: `H((K ^ opad) || H((K ^ ipad) || message))`, `K` the key (hashed first when longer
/// than the block) padded with zeros to the hash's block size.
fn hmac_of(hash: HashFn, block: usize, key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut k = if key.len() > block {
        hash(key)
    } else {
        key.to_vec()
    };
    k.resize(block, 0);
    let mut inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(message);
    let mut outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&hash(&inner));
    hash(&outer)
}

/// `collation(str)` (Spark 4.0): the collation of a string expression. Ember compares strings
/// by their bytes only, Spark's default `UTF8_BINARY`.
fn collation() -> ColumnFn {
    ColumnFn::new(
        "collation",
        |t| fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Utf8),
        |args| {
            let out: datafusion::arrow::array::StringArray = (0..args[0].len())
                .map(|_| Some("SYSTEM.BUILTIN.UTF8_BINARY"))
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// Registers `hash`, `md5`, `sha`, `hmac` and `collation`.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(ScalarUDF::new_from_impl(SparkHash {
        signature: Signature::variadic_any(Volatility::Immutable),
    }));
    ctx.register_udf(md5().udf());
    ctx.register_udf(hmac().udf());
    ctx.register_udf(collation().udf());
    super::alias_udfs(ctx, &[("sha1", "sha")]);
}

#[cfg(test)]
mod tests {
    use super::{hash_bytes, hash_int, hex, md5_digest};

    #[test]
    fn md5_of_known_vectors() {
        assert_eq!(hex(&md5_digest(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5_digest(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        let long =
            b"12345678901234567890123456789012345678901234567890123456789012345678901234567890";
        assert_eq!(hex(&md5_digest(long)), "57edf4a22be3c955ac49da2e2107b67a");
    }

    #[test]
    fn murmur3_is_sparks() {
        // Spark: SELECT hash(1) = -559580957, hash('') = 142593372 (seed 42).
        assert_eq!(hash_int(1, 42) as i32, -559_580_957);
        assert_eq!(hash_bytes(b"", 42) as i32, 142_593_372);
    }
}
