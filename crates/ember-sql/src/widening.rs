//! Spark's rule for the type two values combine into (`findWiderTypeForTwo`, ANSI), for the
//! results of `CASE` and the combining functions (`coercion.rs`) and the elements of arrays
//! `concat` joins (`rewrites.rs`). A leaf: it knows Arrow's types only.

use datafusion::arrow::datatypes::DataType as ArrowType;

/// The kind of a type, as Spark's widening rules tell them apart.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Float,
    Decimal,
    Integer,
    String,
    Null,
    Other,
}

/// The [`Kind`] of `t`.
pub(crate) fn kind_of(t: &ArrowType) -> Kind {
    match t {
        t if t.is_floating() => Kind::Float,
        ArrowType::Decimal128(..) | ArrowType::Decimal256(..) => Kind::Decimal,
        t if t.is_integer() => Kind::Integer,
        ArrowType::Utf8 | ArrowType::Utf8View | ArrowType::LargeUtf8 => Kind::String,
        ArrowType::Null => Kind::Null,
        _ => Kind::Other,
    }
}

/// Spark's `findWiderTypeForTwo` (ANSI): the type two results combine into, folded left to
/// right over a `CASE`'s branches or a function's arguments. A string beside an integer is a
/// `BIGINT`, beside a fractional number a `DOUBLE`, beside a date, timestamp or boolean that
/// type; numbers widen as in arithmetic. `None` where this does not decide.
pub(crate) fn wider_result(a: &ArrowType, b: &ArrowType) -> Option<ArrowType> {
    use ArrowType as T;
    if a == b || b == &T::Null {
        return Some(a.clone());
    }
    if a == &T::Null {
        return Some(b.clone());
    }
    match (kind_of(a), kind_of(b)) {
        (Kind::String, Kind::String) => Some(T::Utf8),
        (Kind::String, Kind::Integer) | (Kind::Integer, Kind::String) => Some(T::Int64),
        (Kind::String, Kind::Float | Kind::Decimal)
        | (Kind::Float | Kind::Decimal, Kind::String) => Some(T::Float64),
        (Kind::String, Kind::Other) => string_with(b),
        (Kind::Other, Kind::String) => string_with(a),
        (Kind::Integer | Kind::Float, Kind::Integer | Kind::Float) => {
            let rank = |t: &T| match t {
                T::Int8 => 1,
                T::Int16 => 2,
                T::Int32 => 3,
                T::Int64 => 4,
                T::Float16 | T::Float32 => 5,
                T::Float64 => 6,
                _ => 0,
            };
            let wide = if rank(a) >= rank(b) { a } else { b };
            (rank(wide) > 0).then(|| wide.clone())
        }
        (Kind::Float, Kind::Decimal) | (Kind::Decimal, Kind::Float) => Some(T::Float64),
        (Kind::Decimal | Kind::Integer, Kind::Decimal | Kind::Integer) => {
            let (p1, s1) = decimal_digits(a)?;
            let (p2, s2) = decimal_digits(b)?;
            let scale = s1.max(s2);
            let range = (p1 - s1).max(p2 - s2);
            let precision = (range + scale).min(38);
            Some(T::Decimal128(precision as u8, scale.min(precision) as i8))
        }
        _ => None,
    }
}

/// What a string beside `t` (not a number) becomes: `t` itself for a date, timestamp or boolean.
fn string_with(t: &ArrowType) -> Option<ArrowType> {
    matches!(
        t,
        ArrowType::Date32 | ArrowType::Timestamp(..) | ArrowType::Boolean
    )
    .then(|| t.clone())
}

/// A decimal's (precision, scale), or an integer's as Spark widens it to a decimal.
pub(crate) fn decimal_digits(t: &ArrowType) -> Option<(i32, i32)> {
    match t {
        ArrowType::Decimal128(p, s) | ArrowType::Decimal256(p, s) => Some((*p as i32, *s as i32)),
        ArrowType::Int8 => Some((3, 0)),
        ArrowType::Int16 => Some((5, 0)),
        ArrowType::Int32 => Some((10, 0)),
        ArrowType::Int64 => Some((20, 0)),
        _ => None,
    }
}
