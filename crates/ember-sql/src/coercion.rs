//! Spark's implicit type coercion where DataFusion's differs (Spark 4, ANSI on).
//!
//! - **`DECIMAL` beside `FLOAT`/`DOUBLE`** in a comparison, `BETWEEN`, `IN`, the results of
//!   `CASE`, or `coalesce`/`nvl`/`ifnull`/`greatest`/`least`/`nvl2`/`if`/`array`: Spark compares and
//!   combines them as `DOUBLE`. DataFusion prefers the decimal and casts the double to
//!   `DECIMAL(30, 15)`, which fails on large doubles (`x > 0.5` with `x = 1e40`) and rounds
//!   small ones. Now that `0.5` is a decimal literal (`numeric_literals.rs`) this is everywhere.
//! - **Strings beside other types** in the results of `CASE` or in those functions: Spark folds
//!   the values' types left to right, a string beside an integer becoming `BIGINT`, beside a
//!   decimal or floating-point number `DOUBLE`, beside a date, timestamp or boolean that type
//!   (`CASE … THEN 1 ELSE '99' END` is `BIGINT`, `coalesce(s, 2.5)` `DOUBLE`, `CASE … 'a' … 1 …
//!   2.5` `DECIMAL(21,1)`; a string that does not cast fails the query). DataFusion makes them
//!   `STRING`.
//!
//! - **Casts to `STRING`** of timestamps and floating-point numbers, written or implicit (`CAST`,
//!   `concat`, `||`), are Spark's text (`2024-03-15 10:20:30.5`, `1.0E20`), not Arrow's
//!   (`2024-03-15T10:20:30.500Z`, `1e20`): [`SparkTexts`], see `functions/casts.rs`.
//! - **`LIKE` of a number, date or timestamp** matches its text (Spark casts it to `STRING`).
//!
//! [`spark_coercions`] inserts the casts on the planned plan, before DataFusion's type coercion
//! sees it, keeping column names.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType as ArrowType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{
    Between, BinaryExpr, Case, Cast, InList, ScalarFunction, TryCast,
};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{
    Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, Operator, RecursiveQuery, Union, cast,
};
use datafusion::optimizer::AnalyzerRule;

use crate::widening::{Kind, decimal_digits, kind_of, wider_result};

/// Functions whose arguments (from the index given) are combined into one result type.
const COMBINING: [(&str, usize); 9] = [
    ("coalesce", 0),
    ("nvl", 0),
    ("ifnull", 0),
    ("greatest", 0),
    ("least", 0),
    ("nvl2", 1),
    ("if", 1),
    ("array", 0),
    ("make_array", 0),
];

fn kind(e: &Expr, schema: &DFSchema) -> Kind {
    e.get_type(schema).map_or(Kind::Other, |t| kind_of(&t))
}

/// The type Spark gives a set of values combined into one, where it differs from DataFusion's
/// (`None`: DataFusion's own coercion stands). `results` are the values of `CASE` or of a
/// combining function; the others are compared.
fn combined_type(types: &[ArrowType], results: bool) -> Option<ArrowType> {
    let kinds: Vec<Kind> = types.iter().map(kind_of).collect();
    let has = |k: Kind| kinds.contains(&k);
    if results && has(Kind::String) && types.iter().any(|t| kind_of(t) != Kind::String) {
        return types
            .iter()
            .try_fold(ArrowType::Null, |wide, t| wider_result(&wide, t));
    }
    if has(Kind::Float) && has(Kind::Decimal) {
        return Some(ArrowType::Float64);
    }
    None
}

/// Spark's type of `a % b` where one is a decimal and the other a decimal or an integer:
/// `DECIMAL(min(p1 - s1, p2 - s2) + max(s1, s2), max(s1, s2))`.
fn remainder_decimal(types: &[ArrowType]) -> Option<ArrowType> {
    let [a, b] = types else { return None };
    if kind_of(a) != Kind::Decimal && kind_of(b) != Kind::Decimal {
        return None;
    }
    let ((p1, s1), (p2, s2)) = (decimal_digits(a)?, decimal_digits(b)?);
    let scale = s1.max(s2).min(38);
    let precision = ((p1 - s1).min(p2 - s2) + scale).clamp(1, 38);
    Some(ArrowType::Decimal128(
        precision as u8,
        scale.min(precision) as i8,
    ))
}

/// Whether a cast from `from` to `to` is between a TIMESTAMP (with its zone, not
/// `TIMESTAMP_NTZ`) and a number, which Spark reads as seconds since the epoch.
fn seconds_cast(from: &ArrowType, to: &ArrowType) -> bool {
    let zoned = |t: &ArrowType| matches!(t, ArrowType::Timestamp(_, Some(_)));
    let number = |t: &ArrowType| t.is_numeric();
    (zoned(from) && number(to)) || (number(from) && zoned(to))
}

/// Spark's cast between a TIMESTAMP and a number ([`seconds_cast`]): to an integer the whole
/// seconds (rounded down: `1969-12-31 23:59:59.5` is -1), to a fractional type the exact
/// seconds; from a number that many seconds, a fraction to the microsecond (an integer type
/// that overflows fails as Spark's cast does). `tolerant` for `TRY_CAST`.
pub(crate) fn timestamp_seconds_cast(
    e: Expr,
    from: &ArrowType,
    to: &ArrowType,
    tolerant: bool,
) -> Expr {
    use datafusion::arrow::datatypes::TimeUnit;
    const MICROS: i64 = 1_000_000;
    let conv = |e: Expr, t: ArrowType| {
        if tolerant {
            Expr::TryCast(TryCast::new(Box::new(e), t))
        } else {
            cast(e, t)
        }
    };
    // The instant in UTC microseconds (a zone-less timestamp would be the wall clock).
    let utc = ArrowType::Timestamp(TimeUnit::Microsecond, Some(Arc::from("UTC")));
    if let ArrowType::Timestamp(_, Some(_)) = from {
        let micros = cast(cast(e, utc), ArrowType::Int64);
        let m = datafusion::logical_expr::lit(MICROS);
        return match to {
            t if t.is_integer() => {
                // Floor division: the remainder taken toward negative infinity first.
                let rem = ((micros.clone() % m.clone()) + m.clone()) % m.clone();
                conv((micros - rem) / m, t.clone())
            }
            t if t.is_floating() => conv(
                cast(micros, ArrowType::Float64) / datafusion::logical_expr::lit(1e6),
                t.clone(),
            ),
            t => conv(
                cast(micros, ArrowType::Decimal128(20, 0))
                    / datafusion::logical_expr::lit(ScalarValue::Decimal128(Some(1_000_000), 7, 0)),
                t.clone(),
            ),
        };
    }
    let micros = if from.is_integer() {
        conv(e, ArrowType::Int64) * datafusion::logical_expr::lit(MICROS)
    } else if from.is_floating() {
        conv(
            cast(e, ArrowType::Float64) * datafusion::logical_expr::lit(1e6),
            ArrowType::Int64,
        )
    } else {
        conv(
            e * datafusion::logical_expr::lit(ScalarValue::Decimal128(Some(1_000_000), 7, 0)),
            ArrowType::Int64,
        )
    };
    cast(cast(micros, utc), to.clone())
}

/// Casts the members of `exprs` that need it for Spark's combined type.
fn cast_all(exprs: Vec<Expr>, to: &ArrowType, schema: &DFSchema) -> Vec<Expr> {
    exprs
        .into_iter()
        .map(|e| match kind(&e, schema) {
            Kind::Null => e,
            Kind::Float if to == &ArrowType::Float64 => e,
            _ => cast(e, to.clone()),
        })
        .collect()
}

fn is_comparison(op: Operator) -> bool {
    matches!(
        op,
        Operator::Eq
            | Operator::NotEq
            | Operator::Lt
            | Operator::LtEq
            | Operator::Gt
            | Operator::GtEq
            | Operator::IsDistinctFrom
            | Operator::IsNotDistinctFrom
    )
}

fn is_variant(e: &Expr, schema: &DFSchema) -> bool {
    e.get_type(schema)
        .is_ok_and(|t| ember_types::is_variant(&t))
}

/// Arrow's unit of Spark's calendar intervals (`INTERVAL '1' DAY` as DataFusion plans it).
const CALENDAR: datafusion::arrow::datatypes::IntervalUnit =
    datafusion::arrow::datatypes::IntervalUnit::MonthDayNano;

fn coerce(e: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    // A struct cast to a struct of other field names: Spark casts field by field, by position
    // (Arrow matches fields by name).
    if let Some(by_position) = struct_by_position_cast(&e, schema)? {
        return Ok(Transformed::yes(by_position));
    }
    // The members' types; a member whose type cannot be computed leaves DataFusion's coercion.
    let types = |exprs: &[&Expr]| {
        exprs
            .iter()
            .map(|e| e.get_type(schema))
            .collect::<Result<Vec<_>>>()
            .unwrap_or_default()
    };
    match e {
        // `LIKE` of a number, date or timestamp matches its text, as Spark casts it (DataFusion
        // finds no common type). `SparkTexts` then writes the text as Spark does.
        Expr::Like(mut like)
            if kind(&like.pattern, schema) == Kind::String
                && like.expr.get_type(schema).is_ok_and(|t| {
                    t.is_numeric() || matches!(t, ArrowType::Date32 | ArrowType::Timestamp(..))
                }) =>
        {
            like.expr = Box::new(cast(*like.expr, ArrowType::Utf8));
            Ok(Transformed::yes(Expr::Like(like)))
        }
        // A cast of a VARIANT is Spark's `variant_get(v, '$', type)` (`try_variant_get` for
        // TRY_CAST).
        Expr::Cast(Cast { expr, field }) if is_variant(&expr, schema) => Ok(Transformed::yes(
            crate::functions::variant::cast_expr(*expr, field.data_type(), false),
        )),
        Expr::TryCast(TryCast { expr, field }) if is_variant(&expr, schema) => {
            Ok(Transformed::yes(crate::functions::variant::cast_expr(
                *expr,
                field.data_type(),
                true,
            )))
        }
        // A TIMESTAMP cast to a number is its seconds since the epoch, and a number cast to a
        // TIMESTAMP is that many seconds, as Spark casts them (Arrow's casts read microseconds).
        Expr::Cast(Cast {
            ref expr,
            ref field,
        })
        | Expr::TryCast(TryCast {
            ref expr,
            ref field,
        }) if (field.data_type().is_numeric()
            || matches!(field.data_type(), ArrowType::Timestamp(_, Some(_))))
            && expr
                .get_type(schema)
                .is_ok_and(|from| seconds_cast(&from, field.data_type())) =>
        {
            let (expr, field, tolerant) = match e {
                Expr::Cast(Cast { expr, field }) => (expr, field, false),
                Expr::TryCast(TryCast { expr, field }) => (expr, field, true),
                other => return Ok(Transformed::no(other)),
            };
            let from = expr.get_type(schema)?;
            Ok(Transformed::yes(timestamp_seconds_cast(
                *expr,
                &from,
                field.data_type(),
                tolerant,
            )))
        }
        // A decimal cast to a boolean is whether it is not zero, as Spark casts it (Arrow has
        // no such cast).
        Expr::Cast(Cast {
            ref expr,
            ref field,
        }) if field.data_type() == &ArrowType::Boolean
            && expr
                .get_type(schema)
                .is_ok_and(|t| matches!(t, ArrowType::Decimal128(..))) =>
        {
            let Expr::Cast(Cast { expr, .. }) = e else {
                return Ok(Transformed::no(e));
            };
            let zero = match expr.get_type(schema)? {
                ArrowType::Decimal128(p, s) => ScalarValue::Decimal128(Some(0), p, s),
                _ => ScalarValue::Int64(Some(0)),
            };
            Ok(Transformed::yes(Expr::BinaryExpr(BinaryExpr::new(
                expr,
                Operator::NotEq,
                Box::new(datafusion::logical_expr::lit(zero)),
            ))))
        }
        // An ANSI interval cast to an integer is its count of its last field's unit
        // (`CAST(INTERVAL '3' DAY AS INT)` is 3, `INTERVAL '1 02' DAY TO HOUR` 26, as Spark's;
        // Arrow's cast gave microseconds, or failed for months).
        Expr::Cast(Cast { expr, field })
            if field.data_type().is_integer()
                && expr
                    .get_type(schema)
                    .is_ok_and(|t| crate::functions::intervals::is_ansi(&t)) =>
        {
            let (_, from) = expr.to_field(schema)?;
            let fields = ember_types::interval_fields(&from).to_owned();
            let count = crate::functions::intervals::interval_count(*expr, &fields);
            Ok(Transformed::yes(cast(count, field.data_type().clone())))
        }
        // A day-time interval beside a calendar one (an `INTERVAL '1' DAY` literal): compared
        // as day-time intervals. DataFusion compared them as calendar intervals, field by field
        // (2 days as 172 800 s was less than 1 day).
        Expr::BinaryExpr(b)
            if is_comparison(b.op)
                && matches!(
                    (b.left.get_type(schema), b.right.get_type(schema)),
                    (
                        Ok(ArrowType::Duration(_)),
                        Ok(ArrowType::Interval(CALENDAR))
                    ) | (
                        Ok(ArrowType::Interval(CALENDAR)),
                        Ok(ArrowType::Duration(_))
                    )
                ) =>
        {
            let as_day_time = |e: Expr| match e.get_type(schema) {
                Ok(ArrowType::Interval(_)) => crate::functions::intervals::as_day_time(e),
                _ => e,
            };
            Ok(Transformed::yes(Expr::BinaryExpr(BinaryExpr::new(
                Box::new(as_day_time(*b.left)),
                b.op,
                Box::new(as_day_time(*b.right)),
            ))))
        }
        Expr::BinaryExpr(b) if is_comparison(b.op) => {
            match combined_type(&types(&[&b.left, &b.right]), false) {
                Some(to) => {
                    let mut both = cast_all(vec![*b.left, *b.right], &to, schema);
                    let right = both.pop();
                    let left = both.pop();
                    match (left, right) {
                        (Some(l), Some(r)) => Ok(Transformed::yes(Expr::BinaryExpr(
                            BinaryExpr::new(Box::new(l), b.op, Box::new(r)),
                        ))),
                        _ => unreachable_two(),
                    }
                }
                None => Ok(Transformed::no(Expr::BinaryExpr(b))),
            }
        }
        Expr::Between(b) => match combined_type(&types(&[&b.expr, &b.low, &b.high]), false) {
            Some(to) => {
                let mut all = cast_all(vec![*b.expr, *b.low, *b.high], &to, schema).into_iter();
                match (all.next(), all.next(), all.next()) {
                    (Some(expr), Some(low), Some(high)) => Ok(Transformed::yes(Expr::Between(
                        Between::new(Box::new(expr), b.negated, Box::new(low), Box::new(high)),
                    ))),
                    _ => unreachable_two(),
                }
            }
            None => Ok(Transformed::no(Expr::Between(b))),
        },
        Expr::InList(l) => {
            let mut members: Vec<&Expr> = vec![&l.expr];
            members.extend(l.list.iter());
            match combined_type(&types(&members), false) {
                Some(to) => {
                    let expr = cast_all(vec![*l.expr], &to, schema);
                    let list = cast_all(l.list, &to, schema);
                    match expr.into_iter().next() {
                        Some(expr) => Ok(Transformed::yes(Expr::InList(InList::new(
                            Box::new(expr),
                            list,
                            l.negated,
                        )))),
                        None => unreachable_two(),
                    }
                }
                None => Ok(Transformed::no(Expr::InList(l))),
            }
        }
        Expr::Case(c) => {
            let mut results: Vec<&Expr> =
                c.when_then_expr.iter().map(|(_, t)| t.as_ref()).collect();
            if let Some(e) = &c.else_expr {
                results.push(e);
            }
            match combined_type(&types(&results), true) {
                Some(to) => {
                    let when_then_expr = c
                        .when_then_expr
                        .into_iter()
                        .map(|(w, t)| {
                            let t = cast_all(vec![*t], &to, schema).pop();
                            t.map(|t| (w, Box::new(t)))
                        })
                        .collect::<Option<Vec<_>>>();
                    let else_expr = c
                        .else_expr
                        .map(|e| cast_all(vec![*e], &to, schema).pop().map(Box::new));
                    match (when_then_expr, else_expr) {
                        (Some(when_then_expr), None) => Ok(Transformed::yes(Expr::Case(
                            Case::new(c.expr, when_then_expr, None),
                        ))),
                        (Some(when_then_expr), Some(Some(e))) => Ok(Transformed::yes(Expr::Case(
                            Case::new(c.expr, when_then_expr, Some(e)),
                        ))),
                        _ => unreachable_two(),
                    }
                }
                None => Ok(Transformed::no(Expr::Case(c))),
            }
        }
        // `first_value(x, true)` and `last_value(x, true)` over a window: Spark's `ignoreNulls`
        // argument, which DataFusion's window functions took without reading it (each row got
        // the frame's first or last value, NULL or not).
        Expr::WindowFunction(mut w)
            if matches!(w.fun.name(), "first_value" | "last_value")
                && w.params.null_treatment.is_none()
                && matches!(
                    &w.params.args[..],
                    [_, Expr::Literal(ScalarValue::Boolean(Some(_)), _)]
                ) =>
        {
            use datafusion::logical_expr::expr::NullTreatment;
            let ignore = matches!(
                w.params.args.get(1),
                Some(Expr::Literal(ScalarValue::Boolean(Some(true)), _))
            );
            w.params.null_treatment = Some(if ignore {
                NullTreatment::IgnoreNulls
            } else {
                NullTreatment::RespectNulls
            });
            w.params.args.truncate(1);
            Ok(Transformed::yes(Expr::WindowFunction(w)))
        }
        // `array_repeat(array, n)`: DataFusion's kernel builds the repeated array's element
        // field as `item` and panicked on an array whose element field has another name (Ember's
        // arrays name it `element`); the array is given the name the kernel expects.
        Expr::ScalarFunction(mut f)
            if f.func.name() == "array_repeat"
                && let Some(Ok(ArrowType::List(element))) =
                    f.args.first().map(|a| a.get_type(schema))
                && element.name() != "item" =>
        {
            let item =
                datafusion::arrow::datatypes::Field::new("item", element.data_type().clone(), true);
            f.args[0] = cast(f.args[0].clone(), ArrowType::List(Arc::new(item)));
            Ok(Transformed::yes(Expr::ScalarFunction(f)))
        }
        // `array_position(a, NULL)` and `array_remove(a, NULL)` are NULL, as in Spark
        // (DataFusion's failed comparing the elements with an untyped NULL).
        Expr::ScalarFunction(f)
            if matches!(f.func.name(), "array_position" | "array_remove")
                && f.args.len() == 2
                && f.args[1]
                    .get_type(schema)
                    .is_ok_and(|t| t == ArrowType::Null) =>
        {
            let t = if f.func.name() == "array_position" {
                ArrowType::Int64
            } else {
                f.args[0].get_type(schema)?
            };
            Ok(Transformed::yes(datafusion::logical_expr::lit(
                ScalarValue::try_from(&t)?,
            )))
        }
        // `nullif(a, b)` is Spark's `IF(a = b, NULL, a)`: typed as `a` (the comparison combines
        // the two; DataFusion's function typed the result as their common type, so
        // `nullif('1', 2)` was a BIGINT and `nullif('1', 2.5)` a DOUBLE).
        Expr::ScalarFunction(f)
            if f.func.name() == "nullif"
                && let [a, b] = &f.args[..]
                && a.get_type(schema).is_ok_and(|ta| {
                    b.get_type(schema)
                        .is_ok_and(|tb| ta != tb && ta != ArrowType::Null)
                }) =>
        {
            let (a, b) = (f.args[0].clone(), f.args[1].clone());
            let null = datafusion::logical_expr::lit(ScalarValue::try_from(&a.get_type(schema)?)?);
            Ok(Transformed::yes(
                datafusion::logical_expr::when(a.clone().eq(b), null).otherwise(a)?,
            ))
        }
        // `mod(a, b)` and `pmod(a, b)` of decimals are typed as Spark types `a % b`: DataFusion's
        // functions combine the arguments first (`mod(7, 2.25)` was `DECIMAL(12,2)`, Spark's is
        // `DECIMAL(3,2)`). A remainder is smaller than the divisor, so the cast cannot fail.
        Expr::ScalarFunction(f)
            if matches!(f.func.name(), "mod" | "pmod")
                && let [a, b] = &f.args[..]
                && let Some(to) = remainder_decimal(&types(&[a, b])) =>
        {
            let e = Expr::ScalarFunction(f);
            if e.get_type(schema).is_ok_and(|t| t != to) {
                Ok(Transformed::yes(cast(e, to)))
            } else {
                Ok(Transformed::no(e))
            }
        }
        Expr::ScalarFunction(f) => {
            let from = COMBINING
                .iter()
                .find(|(name, _)| f.func.name() == *name)
                .map(|(_, from)| *from);
            let Some(from) = from.filter(|from| f.args.len() > *from) else {
                return Ok(Transformed::no(Expr::ScalarFunction(f)));
            };
            let combined: Vec<&Expr> = f.args[from..].iter().collect();
            match combined_type(&types(&combined), true) {
                Some(to) => {
                    let mut args = f.args;
                    let tail = args.split_off(from);
                    args.extend(cast_all(tail, &to, schema));
                    Ok(Transformed::yes(Expr::ScalarFunction(
                        ScalarFunction::new_udf(f.func, args),
                    )))
                }
                None => Ok(Transformed::no(Expr::ScalarFunction(f))),
            }
        }
        other => Ok(Transformed::no(other)),
    }
}

/// `CAST(x AS STRUCT<...>)` (or `TRY_CAST`) of a struct `x` whose fields are named otherwise,
/// field by field by position as Spark casts it (Arrow matches fields by name): `NULL` for a
/// `NULL` struct, else a `named_struct` of each field cast. `None` for any other expression.
/// Written casts are rewritten before the analyzer; those DataFusion's coercion makes
/// (`(a, b) = (1, 2)` compares structs of other names) by [`SparkTexts`].
fn struct_by_position_cast(e: &Expr, schema: &DFSchema) -> Result<Option<Expr>> {
    let (expr, field, tolerant) = match e {
        Expr::Cast(Cast { expr, field }) => (expr, field, false),
        Expr::TryCast(TryCast { expr, field }) => (expr, field, true),
        _ => return Ok(None),
    };
    if !struct_by_position(expr, field.data_type(), schema) {
        return Ok(None);
    }
    let (Ok(ArrowType::Struct(from)), ArrowType::Struct(to)) =
        (expr.get_type(schema), field.data_type())
    else {
        return Ok(None);
    };
    let mut args = Vec::with_capacity(2 * to.len());
    for (f, t) in from.iter().zip(to.iter()) {
        let value =
            datafusion::functions::core::expr_fn::get_field((**expr).clone(), f.name().as_str());
        let value = if tolerant {
            Expr::TryCast(TryCast::new(Box::new(value), t.data_type().clone()))
        } else {
            cast(value, t.data_type().clone())
        };
        // A struct field of a struct is cast by position too.
        let value = struct_by_position_cast(&value, schema)?.unwrap_or(value);
        args.push(datafusion::logical_expr::lit(t.name().as_str()));
        args.push(value);
    }
    let null = datafusion::logical_expr::lit(ScalarValue::try_from(field.data_type())?);
    Ok(Some(
        datafusion::logical_expr::when(expr.clone().is_null(), null)
            .otherwise(datafusion::functions::core::expr_fn::named_struct(args))?,
    ))
}

/// Whether `CAST(e AS to)` casts a struct to a struct of as many fields named otherwise.
fn struct_by_position(e: &Expr, to: &ArrowType, schema: &DFSchema) -> bool {
    match (e.get_type(schema), to) {
        (Ok(ArrowType::Struct(from)), ArrowType::Struct(to)) => {
            from.len() == to.len()
                && from
                    .iter()
                    .zip(to.iter())
                    .any(|(f, t)| f.name() != t.name())
        }
        _ => false,
    }
}

fn unreachable_two() -> Result<Transformed<Expr>> {
    Err(datafusion::error::DataFusionError::Internal(
        "a cast list lost a member".to_owned(),
    ))
}

/// Every cast between text and values where Spark's text differs from Arrow's: to a string of
/// a timestamp or a floating-point number, written as Spark writes it
/// ([`crate::functions::casts::spark_text_cast`]), and from a string to a date or timestamp,
/// read as Spark reads it (`functions/datetime_text.rs`): the casts a query wrote and those
/// DataFusion's type coercion inserted (`concat('x', ts)`, `'x' || 1e20D`, `LIKE` of a number,
/// `date_add('2024-03-15', 1)`). An analyzer rule after DataFusion's; each expression keeps its
/// name.
#[derive(Debug)]
pub(crate) struct SparkTexts;

impl SparkTexts {
    /// One node's casts rewritten (its inputs' schemas type them), names kept.
    fn node(node: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
        // Most nodes have no cast: they are left without naming their expressions.
        let mut casts = false;
        node.apply_expressions(|e| {
            casts = e.exists(|x| Ok(matches!(x, Expr::Cast(_) | Expr::TryCast(_))))?;
            Ok(if casts {
                datafusion::common::tree_node::TreeNodeRecursion::Stop
            } else {
                datafusion::common::tree_node::TreeNodeRecursion::Continue
            })
        })?;
        if !casts {
            return Ok(Transformed::no(node));
        }
        let inputs = merge_schema(&node.inputs());
        let names = NamePreserver::new(&node);
        node.map_expressions(|e| {
            keeping_names(&names, e, &mut |e| {
                e.transform_up(|e| spark_text(e, &inputs))
            })
        })
    }
}

impl AnalyzerRule for SparkTexts {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        plan.transform_up_with_subqueries(Self::node)
            .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "ember_spark_texts"
    }
}

/// Also an optimizer rule (last): Ember's functions planned as other expressions
/// (`date_add(s, 1)` casting `s` to a date) make their casts when the optimizer simplifies
/// them, after the analyzer.
impl datafusion::optimizer::OptimizerRule for SparkTexts {
    fn name(&self) -> &str {
        "ember_spark_texts"
    }

    fn apply_order(&self) -> Option<datafusion::optimizer::ApplyOrder> {
        Some(datafusion::optimizer::ApplyOrder::BottomUp)
    }

    fn supports_rewrite(&self) -> bool {
        true
    }

    fn rewrite(
        &self,
        plan: LogicalPlan,
        _config: &dyn datafusion::optimizer::OptimizerConfig,
    ) -> Result<Transformed<LogicalPlan>> {
        Self::node(plan)
    }
}

fn spark_text(e: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let (Expr::Cast(Cast { expr, field }) | Expr::TryCast(TryCast { expr, field })) = &e else {
        return Ok(Transformed::no(e));
    };
    let Ok(from) = expr.get_type(schema) else {
        return Ok(Transformed::no(e));
    };
    if let Some(by_position) = struct_by_position_cast(&e, schema)? {
        return Ok(Transformed::yes(by_position));
    }
    let to = field.data_type();
    // A timestamp's or a number's text never fails, so TRY_CAST is the same as CAST here.
    let written = || {
        // Only an interval's text needs its field (the fields it spans, in its metadata): the
        // type, known already, serves every other cast.
        let field = if crate::functions::intervals::is_ansi(&from) {
            expr.to_field(schema).ok()?.1
        } else {
            Arc::new(datafusion::arrow::datatypes::Field::new(
                "",
                from.clone(),
                true,
            ))
        };
        crate::functions::casts::spark_text_cast(expr.as_ref().clone(), &field, to)
    };
    let rewritten = written().or_else(|| {
        let tolerant = matches!(e, Expr::TryCast(_));
        crate::functions::datetime_text::text_cast(expr.as_ref().clone(), &from, to, tolerant)
    });
    match rewritten {
        Some(text) => Ok(Transformed::yes(text)),
        None => Ok(Transformed::no(e)),
    }
}

/// `rewrite` of a node's expression `e` with `e`'s name kept (`names`, the node's), so the
/// schema the node's parents read does not change. A grouping set (`ROLLUP`, `CUBE`, `GROUPING
/// SETS`) keeps the name of each expression in it instead: its columns are named after them,
/// and an alias around the set would make it one column (`GROUP BY ROLLUP(v + 1)` failed).
pub(crate) fn keeping_names(
    names: &NamePreserver,
    e: Expr,
    rewrite: &mut dyn FnMut(Expr) -> Result<Transformed<Expr>>,
) -> Result<Transformed<Expr>> {
    use datafusion::logical_expr::GroupingSet;
    let mut each = |exprs: Vec<Expr>, changed: &mut bool| -> Result<Vec<Expr>> {
        exprs
            .into_iter()
            .map(|e| {
                let name = names.save(&e);
                let t = rewrite(e)?;
                *changed |= t.transformed;
                Ok(name.restore(t.data))
            })
            .collect()
    };
    let mut changed = false;
    let set = match e {
        Expr::GroupingSet(GroupingSet::Rollup(exprs)) => {
            GroupingSet::Rollup(each(exprs, &mut changed)?)
        }
        Expr::GroupingSet(GroupingSet::Cube(exprs)) => {
            GroupingSet::Cube(each(exprs, &mut changed)?)
        }
        Expr::GroupingSet(GroupingSet::GroupingSets(sets)) => GroupingSet::GroupingSets(
            sets.into_iter()
                .map(|set| each(set, &mut changed))
                .collect::<Result<_>>()?,
        ),
        other => {
            let name = names.save(&other);
            let grouped = grouping_arguments(&other);
            let rewritten = rewrite(other)?.update_data(|e| name.restore(e));
            return if grouped.is_empty() {
                Ok(rewritten)
            } else {
                rewritten.transform_data(|e| grouping_arguments_named(e, &grouped))
            };
        }
    };
    Ok(Transformed::new_transformed(
        Expr::GroupingSet(set),
        changed,
    ))
}

/// The names of the arguments of the `grouping(...)` calls in `e`, in order.
fn grouping_arguments(e: &Expr) -> Vec<String> {
    let mut names = Vec::new();
    let _ = e.apply(|e| {
        if let Expr::AggregateFunction(f) = e
            && f.func.name() == "grouping"
        {
            names.extend(f.params.args.iter().map(|a| a.schema_name().to_string()));
        }
        Ok(datafusion::common::tree_node::TreeNodeRecursion::Continue)
    });
    names
}

/// `e` with each argument of its `grouping(...)` calls aliased to its name before a rewrite
/// (`names`, in order) where the rewrite changed it: DataFusion finds the argument among the
/// grouping expressions by equality, and those keep their names by an alias
/// ([`keeping_names`]).
fn grouping_arguments_named(e: Expr, names: &[String]) -> Result<Transformed<Expr>> {
    let mut next = names.iter();
    e.transform_down(|e| match e {
        Expr::AggregateFunction(mut f) if f.func.name() == "grouping" => {
            let mut changed = false;
            for arg in &mut f.params.args {
                if let Some(name) = next.next()
                    && arg.schema_name().to_string() != *name
                {
                    *arg = arg.clone().alias(name.clone());
                    changed = true;
                }
            }
            Ok(Transformed::new(
                Expr::AggregateFunction(f),
                changed,
                datafusion::common::tree_node::TreeNodeRecursion::Jump,
            ))
        }
        other => Ok(Transformed::no(other)),
    })
}

/// `plan` with Spark's numeric literal types ([`crate::numeric_literals`]) and Spark's implicit
/// casts (see the module docs), both in one bottom-up walk: each node's expressions are retyped
/// against its inputs (already done), then coerced, and its name kept and its schema rebuilt
/// once (on a 10 000-branch `CASE`, naming the expression is most of a pass). Runs on the
/// planned, not yet analyzed plan.
pub(crate) fn spark_types(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|node| {
        if matches!(node, LogicalPlan::Limit(_)) {
            return Ok(Transformed::no(node));
        }
        // A VALUES list gets the literal types, not the casts (its rows are typed together).
        let coerce_it = !matches!(node, LogicalPlan::Values(_));
        let inputs = merge_schema(&node.inputs());
        let names = NamePreserver::new(&node);
        let node = node.map_expressions(|e| {
            keeping_names(&names, e, &mut |e| {
                let e = crate::numeric_literals::spark_literal_types(e, &inputs)?;
                if coerce_it {
                    e.transform_data(|e| e.transform_up(|e| coerce(e, &inputs)))
                } else {
                    Ok(e)
                }
            })
        })?;
        // Above a changed node the schemas change too.
        let retyped = node.transformed;
        node.map_data(|p| match p {
            // A VALUES list keeps the schema it was planned with; build it again from its rows.
            LogicalPlan::Values(values) if retyped => {
                // The planner typed each NULL as its column (a BIGINT NULL beside `1`): untyped
                // again, the column takes its literals' new type (`INT`, as Spark's).
                let rows = values
                    .values
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|e| match e {
                                Expr::Literal(v, m) if v.is_null() => {
                                    Expr::Literal(ScalarValue::Null, m.clone())
                                }
                                e => e.clone(),
                            })
                            .collect()
                    })
                    .collect();
                LogicalPlanBuilder::values(rows)
                    .and_then(LogicalPlanBuilder::build)
                    .or_else(|_| Ok(LogicalPlan::Values(values)))
            }
            // A union keeps the types its first input was planned with (BIGINT for `1`); typed
            // again from its retyped inputs as the analyzer will coerce them, the nodes above
            // see Spark's (`INT` for a union of `INT`s).
            LogicalPlan::Union(union) => {
                match datafusion::optimizer::analyzer::type_coercion::coerce_union_schema(
                    &union.inputs,
                ) {
                    Ok(schema) => Ok(LogicalPlan::Union(Union {
                        inputs: union.inputs,
                        schema: Arc::new(schema),
                    })),
                    Err(_) => Ok(LogicalPlan::Union(union)),
                }
            }
            LogicalPlan::RecursiveQuery(query) => {
                retype_work_table(query).map(LogicalPlan::RecursiveQuery)
            }
            other => other.recompute_schema(),
        })
    })
    .map(|t| t.data)
}

/// A recursive CTE's work table with its static term's types as retyped (the planner gave it
/// the types planned: `BIGINT` for `SELECT 1`), and its recursive term's schemas derived again
/// from it, so the two terms agree (`n + 1` over an `INT` `n` is `INT`, as in Spark).
fn retype_work_table(mut query: RecursiveQuery) -> Result<RecursiveQuery> {
    use datafusion::datasource::cte_worktable::CteWorkTable;
    use datafusion::datasource::{provider_as_source, source_as_provider};
    let types = |s: &DFSchema| {
        s.fields()
            .iter()
            .map(|f| f.data_type().clone())
            .collect::<Vec<_>>()
    };
    let static_schema = Arc::clone(query.static_term.schema().inner());
    let wanted = types(query.static_term.schema());
    let name = query.name.clone();
    let mut changed = false;
    let term = Arc::unwrap_or_clone(query.recursive_term).transform_up_with_subqueries(|p| {
        match p {
            LogicalPlan::TableScan(scan)
                if scan.table_name.table() == name
                    && source_as_provider(&scan.source).is_ok_and(|t| t.is::<CteWorkTable>())
                    && types(&scan.projected_schema) != wanted =>
            {
                changed = true;
                let source = provider_as_source(Arc::new(CteWorkTable::new(
                    &name,
                    Arc::clone(&static_schema),
                )));
                let plan =
                    LogicalPlanBuilder::scan(scan.table_name, source, scan.projection)?.build()?;
                Ok(Transformed::yes(plan))
            }
            // Above the work table every schema is derived again.
            other if changed => Ok(Transformed::yes(other.recompute_schema()?)),
            other => Ok(Transformed::no(other)),
        }
    })?;
    query.recursive_term = Arc::new(term.data);
    Ok(query)
}
