//! Spark's `DATATYPE_MISMATCH` errors for arithmetic and for the inputs of `CASE WHEN`,
//! `date_add` and `date_sub` ([`check_input_types`]), in Spark's words.
//!
//! DataFusion refuses the arithmetic Spark refuses (`1 + true`, `array(1) + 1`), but in its
//! own words (`Cannot coerce arithmetic expression Int64 + Boolean to valid types`). Spark names
//! the error class, the expression as its SQL and both types:
//!
//! ```text
//! [DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(a + b)" due to data type mismatch:
//! the left and right operands of the binary operator have incompatible types ("INT" and
//! "BOOLEAN"). SQLSTATE: 42K09
//! ```
//!
//! The SQL planner asks Ember's arithmetic planner (`spark.rs`) to plan each binary operator
//! once its operands are planned, innermost first (Spark reports `(a * b)` in `a * b + 1`);
//! there [`arithmetic_mismatch`] judges the operands' types and the planner fails with
//! [`DataTypeMismatchFailure`], which becomes [`Error::DataTypeMismatch`](crate::Error). Only
//! what Spark refuses for certain is judged: numbers beside booleans or nested values, a string
//! or a boolean beside a boolean, nested values. Dates, timestamps, intervals and NULL are left
//! to the planner (Spark's rules for them have many cases). The messages were recorded from
//! PySpark 4.3; the expression is written as Spark's `toPrettySQL` writes it (`(x + true)` for
//! the string `'x'`, columns without their qualifier).

use datafusion::arrow::datatypes::{DataType as ArrowType, Field};
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::common::{DFSchema, DataFusionError, Result as DfResult, ScalarValue};
use datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, Operator};

use crate::numeric_literals::SPARK_LITERAL;
use crate::types::spark_type_name;

/// Spark's `DATATYPE_MISMATCH` of one expression, raised while planning; becomes
/// [`Error::DataTypeMismatch`](crate::Error::DataTypeMismatch).
#[derive(Debug, thiserror::Error)]
#[error(
    "[DATATYPE_MISMATCH.{subclass}] Cannot resolve \"{expression}\" due to data type mismatch: {detail}. SQLSTATE: 42K09"
)]
pub(crate) struct DataTypeMismatchFailure {
    pub(crate) subclass: &'static str,
    pub(crate) expression: String,
    pub(crate) detail: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Numeric,
    Boolean,
    String,
    Nested,
    /// NULL, dates, timestamps, intervals, binary...: left to the planner.
    Other,
}

fn class(t: &ArrowType) -> Class {
    match t {
        t if t.is_numeric() => Class::Numeric,
        ArrowType::Boolean => Class::Boolean,
        ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View => Class::String,
        t if t.is_nested() => Class::Nested,
        _ => Class::Other,
    }
}

/// Spark's name of a type in an error message: `"INT"`, `"ARRAY<INT>"`, `"DECIMAL(2,1)"`.
fn spark_upper(t: &ArrowType) -> String {
    spark_type_name(t).to_uppercase()
}

/// The arithmetic Spark refuses: a number beside a boolean or a nested value (or two nested
/// values of different types) is `BINARY_OP_DIFF_TYPES`; a boolean with a string or another
/// boolean, or two nested values of one type, is `BINARY_OP_WRONG_TYPE` (Spark casts a string
/// to the other side's type, then finds no arithmetic for it). `left op right` is the
/// expression (`op` as Spark writes it: `+`, `-`, `*`, `/`, `%`), `l` and `r` its operands'
/// types as planned, `schema` their input's.
pub(crate) fn arithmetic_mismatch(
    left: &Expr,
    op: &str,
    right: &Expr,
    (l, r): (&ArrowType, &ArrowType),
    schema: &DFSchema,
) -> Option<DataTypeMismatchFailure> {
    let (lc, rc) = (class(l), class(r));
    // The message names the types Spark gives the operands: planned here, before Ember's
    // literal typing, an integer literal is still BIGINT.
    let (l, r) = (
        &spark_type(left, schema).unwrap_or_else(|| l.clone()),
        &spark_type(right, schema).unwrap_or_else(|| r.clone()),
    );
    let sql = || format!("({} {op} {})", pretty(left), pretty(right));
    let wrong = |t: &ArrowType| DataTypeMismatchFailure {
        subclass: "BINARY_OP_WRONG_TYPE",
        expression: sql(),
        detail: format!(
            "the binary operator requires the input type (\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\"), not \"{}\"",
            spark_upper(t)
        ),
    };
    match (lc, rc) {
        (Class::Other, _) | (_, Class::Other) | (Class::Numeric, Class::Numeric) => None,
        (Class::String, Class::Numeric | Class::String) | (Class::Numeric, Class::String) => None,
        (Class::String, _) => Some(wrong(r)),
        (_, Class::String) => Some(wrong(l)),
        (Class::Boolean, Class::Boolean) => Some(wrong(l)),
        (Class::Nested, Class::Nested) if l == r => Some(wrong(l)),
        _ => Some(DataTypeMismatchFailure {
            subclass: "BINARY_OP_DIFF_TYPES",
            expression: sql(),
            detail: format!(
                "the left and right operands of the binary operator have incompatible types (\"{}\" and \"{}\")",
                spark_upper(l),
                spark_upper(r)
            ),
        }),
    }
}

/// The type Spark gives `e` where it differs from the planner's at this point: an integer
/// literal that fits is `INT`, and arithmetic on it follows; else the planner's type.
fn spark_type(e: &Expr, schema: &DFSchema) -> Option<ArrowType> {
    match e {
        Expr::Literal(ScalarValue::Int64(Some(v)), _) if i32::try_from(*v).is_ok() => {
            Some(ArrowType::Int32)
        }
        Expr::Alias(a) => spark_type(&a.expr, schema),
        Expr::Negative(inner) => spark_type(inner, schema),
        // `array(1, 2)` of INT literals is ARRAY<INT>.
        Expr::ScalarFunction(f)
            if matches!(f.name(), "make_array" | "array") && !f.args.is_empty() =>
        {
            let types: Vec<_> = f.args.iter().map(|a| spark_type(a, schema)).collect();
            match types.first() {
                Some(Some(t)) if types.iter().all(|u| u.as_ref() == Some(t)) => Some(
                    ArrowType::List(Field::new_list_field(t.clone(), true).into()),
                ),
                _ => e.get_type(schema).ok(),
            }
        }
        Expr::BinaryExpr(b)
            if matches!(
                b.op,
                Operator::Plus
                    | Operator::Minus
                    | Operator::Multiply
                    | Operator::Divide
                    | Operator::Modulo
            ) =>
        {
            let (l, r) = (spark_type(&b.left, schema)?, spark_type(&b.right, schema)?);
            BinaryTypeCoercer::new(&l, &b.op, &r).get_result_type().ok()
        }
        _ => e.get_type(schema).ok(),
    }
}

/// Refuses, with Spark's `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`, the inputs DataFusion's type
/// coercion would accept but Spark refuses: a `CASE WHEN` condition that is not a boolean
/// (`CASE WHEN 1 ...`, `CASE WHEN 'x' ...`), a boolean number of days to `date_add` or
/// `date_sub`, and `sum` or `avg` of a boolean. Run on the planned plan, before the analyzer casts them.
pub(crate) fn check_input_types(plan: &LogicalPlan) -> DfResult<()> {
    plan.apply_with_subqueries(|node| {
        let schema = merge_schema(&node.inputs());
        node.apply_expressions(|e| {
            e.apply(|e| match input_mismatch(e, &schema) {
                Some(m) => Err(DataFusionError::External(Box::new(m))),
                None => Ok(TreeNodeRecursion::Continue),
            })
        })
    })?;
    Ok(())
}

/// `e`'s own inputs of a type Spark refuses (see [`check_input_types`]); an input whose type
/// cannot be told here (an outer column) is left to the planner.
fn input_mismatch(e: &Expr, schema: &DFSchema) -> Option<DataTypeMismatchFailure> {
    let unexpected = |which: &str, wanted: &str, input: &Expr, t: &ArrowType| {
        Some(DataTypeMismatchFailure {
            subclass: "UNEXPECTED_INPUT_TYPE",
            expression: pretty(e),
            detail: format!(
                "The {which} parameter requires the {wanted} type, however \"{}\" has the type \"{}\"",
                pretty(input),
                spark_upper(&spark_type(input, schema).unwrap_or_else(|| t.clone()))
            ),
        })
    };
    match e {
        Expr::Case(case) if case.expr.is_none() => case.when_then_expr.iter().find_map(|(w, _)| {
            let t = w.get_type(schema).ok()?;
            (!matches!(t, ArrowType::Boolean | ArrowType::Null))
                .then(|| unexpected("first", "\"BOOLEAN\"", w, &t))
                .flatten()
        }),
        Expr::ScalarFunction(f) if matches!(f.name(), "date_add" | "date_sub") => {
            let days = f.args.get(1)?;
            let t = days.get_type(schema).ok()?;
            (t == ArrowType::Boolean)
                .then(|| {
                    unexpected(
                        "second",
                        "(\"INT\" or \"SMALLINT\" or \"TINYINT\")",
                        days,
                        &t,
                    )
                })
                .flatten()
        }
        // Spark casts no DATE or TIMESTAMP_NTZ to a number or back, nor a boolean to a
        // timestamp (ANSI); Arrow's casts gave days and microseconds.
        Expr::Cast(datafusion::logical_expr::Cast { expr, field })
        | Expr::TryCast(datafusion::logical_expr::TryCast { expr, field }) => {
            let from = expr.get_type(schema).ok()?;
            let to = field.data_type();
            let local =
                |t: &ArrowType| matches!(t, ArrowType::Date32 | ArrowType::Timestamp(_, None));
            let refused = (local(&from) && to.is_numeric())
                || (from.is_numeric() && local(to))
                || (from == ArrowType::Boolean && matches!(to, ArrowType::Timestamp(..)));
            refused.then(|| DataTypeMismatchFailure {
                subclass: "CAST_WITHOUT_SUGGESTION",
                expression: pretty(e),
                detail: format!(
                    "cannot cast \"{}\" to \"{}\"",
                    spark_upper(&from),
                    spark_upper(to)
                ),
            })
        }
        // Spark refuses an untyped NULL argument of `array_contains`; DataFusion answered NULL.
        Expr::ScalarFunction(f)
            if matches!(f.name(), "array_has" | "array_contains")
                && f.args
                    .iter()
                    .any(|a| a.get_type(schema).is_ok_and(|t| t == ArrowType::Null)) =>
        {
            Some(DataTypeMismatchFailure {
                subclass: "NULL_TYPE",
                expression: format!(
                    "array_contains({})",
                    f.args.iter().map(pretty).collect::<Vec<_>>().join(", ")
                ),
                detail: "Null typed values cannot be used as arguments of `array_contains`"
                    .to_owned(),
            })
        }
        // Spark sums and averages numbers and ANSI intervals only; DataFusion would fail on a
        // boolean with an internal error.
        Expr::AggregateFunction(f) if matches!(f.func.name(), "sum" | "avg") => {
            let input = f.params.args.first()?;
            let t = input.get_type(schema).ok()?;
            (t == ArrowType::Boolean)
                .then(|| unexpected("first", "\"NUMERIC\" or \"ANSI INTERVAL\"", input, &t))
                .flatten()
        }
        _ => None,
    }
}

/// An expression as Spark's `toPrettySQL` writes it in messages: `(a + 1)`, `(NOT b)`,
/// `abs(a)`, `CAST(1 AS SMALLINT)`; columns without qualifier, strings without quotes.
fn pretty(e: &Expr) -> String {
    let list = |args: &[Expr]| args.iter().map(pretty).collect::<Vec<_>>().join(", ");
    match e {
        Expr::Alias(a) => pretty(&a.expr),
        Expr::Column(c) => c.name.clone(),
        Expr::Literal(v, _) => v.to_string(),
        Expr::BinaryExpr(b) => format!("({} {} {})", pretty(&b.left), b.op, pretty(&b.right)),
        Expr::Not(inner) => format!("(NOT {})", pretty(inner)),
        Expr::Negative(inner) => format!("(- {})", pretty(inner)),
        // A `DATE'…'` literal, planned as a cast of its text.
        Expr::Cast(c)
            if *c.field.data_type() == ArrowType::Date32
                && matches!(
                    c.expr.as_ref(),
                    Expr::Literal(ScalarValue::Utf8(Some(_)), _)
                ) =>
        {
            format!("DATE '{}'", pretty(&c.expr))
        }
        Expr::Cast(c) => format!(
            "CAST({} AS {})",
            pretty(&c.expr),
            spark_upper(c.field.data_type())
        ),
        Expr::TryCast(c) => {
            format!(
                "TRY_CAST({} AS {})",
                pretty(&c.expr),
                spark_upper(c.field.data_type())
            )
        }
        Expr::ScalarFunction(f) => {
            // DataFusion's name for Spark's `array`.
            let name = match f.name() {
                "make_array" => "array",
                // A numeric literal as written (numeric_literals.rs): its text.
                SPARK_LITERAL if f.args.len() == 2 => return pretty(&f.args[1]),
                name => name,
            };
            format!("{name}({})", list(&f.args))
        }
        Expr::AggregateFunction(f) => format!("{}({})", f.func.name(), list(&f.params.args)),
        Expr::Case(case) => {
            let mut out = String::from("CASE");
            if let Some(base) = &case.expr {
                out.push_str(&format!(" {}", pretty(base)));
            }
            for (w, t) in &case.when_then_expr {
                out.push_str(&format!(" WHEN {} THEN {}", pretty(w), pretty(t)));
            }
            if let Some(other) = &case.else_expr {
                out.push_str(&format!(" ELSE {}", pretty(other)));
            }
            out + " END"
        }
        other => other.schema_name().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::ScalarValue;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn pretty_writes_sparks_sql() {
        let e = (col("a") + lit(1)) * lit(ScalarValue::Utf8(Some("x".into())));
        assert_eq!(pretty(&e), "((a + 1) * x)");
        assert_eq!(pretty(&Expr::Not(Box::new(lit(1)))), "(NOT 1)");
    }
}
