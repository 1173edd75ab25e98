//! Integer overflow is an error, as in Spark with ANSI mode on (Spark 4's default).
//!
//! DataFusion's integer `+`, `-`, `*` and unary `-` wrap around on overflow (`2147483647 + 1`
//! is `-2147483648` now that the literals are `INT`, as in Spark), and so does `abs` of the
//! smallest value. Spark raises `ARITHMETIC_OVERFLOW` instead (`BINARY_ARITHMETIC_OVERFLOW`
//! for `TINYINT` and `SMALLINT`). A silently wrong number is the worst answer a query can give,
//! so Ember raises [`Error::ArithmeticOverflow`] for every integer type.
//!
//! **How.** [`CheckedIntegerArithmetic`], an analyzer rule that runs after DataFusion's type
//! coercion, replaces each integer `a + b`, `a - b`, `a * b` (both sides of one integer type,
//! which coercion guarantees), `-a`, `abs(a)` and `negative(a)` with a call to an internal
//! function ([`CheckedOp`]) that fails on overflow (Arrow's checked `mul` and `neg`, a
//! batch-wide test for `+` and `-`, see below; `abs` checks each value). Its column name is the expression's own (`CheckedOp`'s
//! `schema_name` renders `a + b`, `(- a)`, `abs(a)` exactly as DataFusion names them), so no
//! name changes anywhere, nested or not. Decimal, floating-point, date and interval arithmetic
//! is left alone.
//!
//! **Why not DataFusion's own switch.** The physical `BinaryExpr` has `with_fail_on_overflow`,
//! but the physical planner always builds it with `false` and there is no configuration for it;
//! setting it would take a physical optimizer rule that rewrites the expressions of every kind
//! of execution plan node (projections, filters, aggregates, joins, windows, sorts, ...), and
//! the logical simplifier would still fold `2147483647 + 1` to a wrapped constant before any
//! physical plan exists. A logical rewrite covers both: the simplifier evaluates the checked
//! function on constants, and when that fails it keeps the expression, so the query fails when
//! it runs, with the same error as for a column. As in Spark, only values that are computed
//! can fail: a `CASE`/`if` branch that no row takes (`CASE WHEN x > 100 THEN x * 2000000000
//! ...`) or a `coalesce` argument never reached does not.
//!
//! **Cost.** Arrow's checked kernels test each value as they go, which keeps the compiler from
//! vectorising them. So `+` and `-` run the wrapping kernel and test the whole batch afterwards
//! (`kernels.rs`); `*` uses Arrow's checked kernel (a batch test measured no faster). End to end
//! (`cargo bench --workspace --bench sql -- checked_arithmetic`: `sum(a + b), sum(a - b),
//! sum(a * b)` over 10^7 rows of two `INT` columns, one thread, the same query on a session with
//! ANSI off beside it): 26.7 ms checked against 18.9 ms wrapping, 1.4x on a query that does
//! nothing but the arithmetic, about 0.3 ns per operation and row (docs/benchmarks.md).
//!
//! **ANSI off.** With `spark.sql.ansi.enabled=false` set explicitly the rule is not installed,
//! and integer arithmetic wraps as in Spark's legacy mode.
//!
//! Spark's `try_add`/`try_subtract`/`try_multiply` (in `functions/math.rs`) give `NULL` where
//! these fail. Not covered yet: `sum` of `BIGINT` still wraps on overflow (Spark raises the same
//! error).

use std::fmt::Write;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Datum, PrimitiveArray};
use datafusion::arrow::compute::kernels::numeric;
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, DataType as ArrowType, Field, FieldRef, Int8Type, Int16Type, Int32Type,
    Int64Type,
};
use datafusion::arrow::error::ArrowError;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{DFSchema, DataFusionError, Result, ScalarValue, exec_err};
use datafusion::logical_expr::expr::{Alias, BinaryExpr, Cast, ScalarFunction, TryCast};
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ExprSchemable, LogicalPlan, Operator, ReturnFieldArgs, ScalarFunctionArgs,
    ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::optimizer::AnalyzerRule;
use datafusion::physical_expr_common::datum;

use crate::types::spark_type_name;

mod kernels;

/// An integer operation that fails on overflow instead of wrapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Op {
    /// `a + b`.
    Add,
    /// `a - b`.
    Subtract,
    /// `a * b`.
    Multiply,
    /// `-a` (SQL's unary minus).
    Negate,
    /// `negative(a)`.
    NegativeFunction,
    /// `abs(a)`.
    Abs,
}

impl Op {
    /// How the operation is written in SQL, for the error message.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            Op::Add => "+",
            Op::Subtract => "-",
            Op::Multiply => "*",
            Op::Negate => "unary -",
            Op::NegativeFunction => "negative",
            Op::Abs => "abs",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Op::Add => "__ember_checked_add",
            Op::Subtract => "__ember_checked_subtract",
            Op::Multiply => "__ember_checked_multiply",
            Op::Negate => "__ember_checked_negate",
            Op::NegativeFunction => "__ember_checked_negative",
            Op::Abs => "__ember_checked_abs",
        }
    }

    fn arity(self) -> usize {
        match self {
            Op::Add | Op::Subtract | Op::Multiply => 2,
            Op::Negate | Op::NegativeFunction | Op::Abs => 1,
        }
    }

    /// Every operator, for [`register`].
    const ALL: [Op; 6] = [
        Op::Add,
        Op::Subtract,
        Op::Multiply,
        Op::Negate,
        Op::NegativeFunction,
        Op::Abs,
    ];

    fn udf(self) -> Arc<ScalarUDF> {
        Arc::new(ScalarUDF::new_from_impl(CheckedOp {
            op: self,
            signature: Signature::any(self.arity(), Volatility::Immutable),
        }))
    }
}

/// Registers the checked operators, so that every function a plan names is in the session's
/// registry (a cluster's nodes rebuild plans from it).
pub(crate) fn register(ctx: &datafusion::prelude::SessionContext) {
    for op in Op::ALL {
        ctx.register_udf(op.udf().as_ref().clone());
    }
}

/// Marker error returned by [`CheckedOp`] inside DataFusion, so
/// [`Error::from_datafusion`](crate::Error::from_datafusion) can turn it into
/// [`Error::ArithmeticOverflow`](crate::Error::ArithmeticOverflow).
/// Its message is the typed error's, so that it reads the same where the type is lost (a
/// cluster's executor reports a task's error as text).
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::Error::ArithmeticOverflow { operator, data_type: data_type.clone(), detail: detail.clone() })]
pub(crate) struct OverflowFailure {
    pub(crate) operator: &'static str,
    pub(crate) data_type: String,
    pub(crate) detail: String,
}

/// The internal function that computes one [`Op`] with overflow checks. Both operands of a
/// binary operation have the result's type (the rule only rewrites such expressions).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct CheckedOp {
    op: Op,
    signature: Signature,
}

impl CheckedOp {
    fn overflow(&self, data_type: &ArrowType, detail: String) -> DataFusionError {
        DataFusionError::External(Box::new(OverflowFailure {
            operator: self.op.symbol(),
            data_type: spark_type_name(data_type),
            detail,
        }))
    }

    /// Turns Arrow's overflow error into [`OverflowFailure`]; other errors pass through.
    fn map_arrow(&self, data_type: &ArrowType, err: ArrowError) -> DataFusionError {
        match err {
            ArrowError::ArithmeticOverflow(message) => {
                let values = message
                    .strip_prefix("Overflow happened on: ")
                    .unwrap_or(&message);
                // Arrow writes a negation as `- -128`.
                let operand = values.strip_prefix("- ").unwrap_or(values);
                let detail = match self.op {
                    Op::Negate => format!("-({operand})"),
                    Op::NegativeFunction => format!("negative({operand})"),
                    _ => values.to_owned(),
                };
                self.overflow(data_type, detail)
            }
            other => DataFusionError::ArrowError(Box::new(other), None),
        }
    }
}

/// `abs` of each value, failing on the type's smallest value.
fn checked_abs<T: ArrowPrimitiveType>(array: &dyn Array) -> Result<ArrayRef, String>
where
    T::Native: CheckedAbs,
{
    let array: &PrimitiveArray<T> = array.as_primitive();
    array
        .try_unary::<_, T, String>(|v| v.checked_abs_or_err())
        .map(|a| Arc::new(a) as ArrayRef)
}

/// `checked_abs` of the signed integer types.
trait CheckedAbs: Sized {
    fn checked_abs_or_err(self) -> Result<Self, String>;
}

macro_rules! checked_abs_impl {
    ($($t:ty),*) => {$(
        impl CheckedAbs for $t {
            fn checked_abs_or_err(self) -> Result<Self, String> {
                self.checked_abs().ok_or_else(|| format!("abs({self})"))
            }
        }
    )*};
}
checked_abs_impl!(i8, i16, i32, i64);

impl ScalarUDFImpl for CheckedOp {
    fn name(&self) -> &str {
        self.op.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[ArrowType]) -> Result<ArrowType> {
        match arg_types.first() {
            Some(t) => Ok(t.clone()),
            None => exec_err!("{} takes {} arguments", self.name(), self.op.arity()),
        }
    }

    /// The type of the operands; nullable when any operand is (overflow is an error, never a
    /// NULL), as DataFusion's own operators are.
    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> Result<FieldRef> {
        let Some(first) = args.arg_fields.first() else {
            return exec_err!("{} takes {} arguments", self.name(), self.op.arity());
        };
        let nullable = args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(
            self.name(),
            first.data_type().clone(),
            nullable,
        )))
    }

    /// Exactly the name DataFusion gives the expression this replaced. A chain `a + b + c`
    /// nests one call per operator, and naming each level from its operands' names would copy
    /// the chain's text once per level (quadratic, issue 16): the left spine is walked instead
    /// and the name written once.
    fn schema_name(&self, args: &[Expr]) -> Result<String> {
        let arity_err = || exec_err!("{} takes {} arguments", self.name(), self.op.arity());
        let unary = |format: fn(&str) -> String| -> Result<String> {
            match args {
                [a] => Ok(format(&a.schema_name().to_string())),
                _ => arity_err(),
            }
        };
        match self.op {
            Op::Negate => return unary(|a| format!("(- {a})")),
            Op::NegativeFunction => return unary(|a| format!("negative({a})")),
            Op::Abs => return unary(|a| format!("abs({a})")),
            Op::Add | Op::Subtract | Op::Multiply => {}
        }
        // The right operands from the top down, and the leftmost operand.
        let mut rights: Vec<(&'static str, &Expr)> = Vec::new();
        let (mut op, mut operands) = (self.op, args);
        let leftmost = loop {
            let [left, right] = operands else {
                return arity_err();
            };
            rights.push((op.symbol(), right));
            match left {
                Expr::ScalarFunction(ScalarFunction { func, args })
                    if func
                        .inner()
                        .downcast_ref::<CheckedOp>()
                        .is_some_and(|c| c.op.arity() == 2) =>
                {
                    let Some(inner) = func.inner().downcast_ref::<CheckedOp>() else {
                        return arity_err();
                    };
                    op = inner.op;
                    operands = args.as_slice();
                }
                other => break other,
            }
        };
        let mut name = leftmost.schema_name().to_string();
        for (symbol, right) in rights.iter().rev() {
            let _ = write!(name, " {symbol} {}", right.schema_name());
        }
        Ok(name)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let data_type = args.return_field.data_type().clone();
        match (self.op, args.args.as_slice()) {
            (Op::Add | Op::Subtract | Op::Multiply, [l, r]) => {
                let op = match self.op {
                    Op::Add => kernels::Binary::Add,
                    Op::Subtract => kernels::Binary::Subtract,
                    _ => kernels::Binary::Multiply,
                };
                // `apply` wraps the kernel's ArrowError; find the overflow inside.
                let kernel = |l: &dyn Datum, r: &dyn Datum| kernels::checked(op, l, r);
                datum::apply(l, r, kernel).map_err(|e| match e {
                    DataFusionError::ArrowError(inner, _) => self.map_arrow(&data_type, *inner),
                    other => other,
                })
            }
            (Op::Negate | Op::NegativeFunction | Op::Abs, [arg]) => {
                let scalar = matches!(arg, ColumnarValue::Scalar(_));
                let array = arg.to_array(1)?;
                let result = if self.op == Op::Abs {
                    let abs = match array.data_type() {
                        ArrowType::Int8 => checked_abs::<Int8Type>(&array),
                        ArrowType::Int16 => checked_abs::<Int16Type>(&array),
                        ArrowType::Int32 => checked_abs::<Int32Type>(&array),
                        ArrowType::Int64 => checked_abs::<Int64Type>(&array),
                        other => return exec_err!("{} of {other}", self.name()),
                    };
                    abs.map_err(|detail| self.overflow(&data_type, detail))?
                } else {
                    numeric::neg(&array).map_err(|e| self.map_arrow(&data_type, e))?
                };
                if scalar {
                    Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
                        &result, 0,
                    )?))
                } else {
                    Ok(ColumnarValue::Array(result))
                }
            }
            _ => exec_err!("{} takes {} arguments", self.name(), self.op.arity()),
        }
    }
}

/// Replaces integer arithmetic that DataFusion would let wrap with [`CheckedOp`] calls (see the
/// module docs). Runs after DataFusion's type coercion, so operand types are final.
#[derive(Debug)]
pub(crate) struct CheckedIntegerArithmetic;

impl AnalyzerRule for CheckedIntegerArithmetic {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        plan.transform_up_with_subqueries(|node| {
            // Expressions read the columns of the node's inputs (and, in a subquery, outer
            // columns, whose types the expression carries itself).
            let schema = merge_schema(&node.inputs());
            let names = NamePreserver::new(&node);
            let node = node.map_expressions(|e| {
                // Naming a large expression costs more than looking for arithmetic in it.
                if !may_wrap(&e) {
                    return Ok(Transformed::no(e));
                }
                let mut types = Vec::new();
                crate::coercion::keeping_names(&names, e, &mut |e| {
                    e.transform_up(|e| checked(e, &schema, &mut types))
                })
            })?;
            if !node.transformed {
                return Ok(node);
            }
            node.map_data(|p| match p {
                // A VALUES list keeps the schema it was planned with.
                LogicalPlan::Values(_) => Ok(p),
                other => other.recompute_schema(),
            })
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "ember_checked_integer_arithmetic"
    }
}

/// Whether `e` holds an operation [`rewrite_checked`] may replace: `+`, `-`, `*`, a negation,
/// `abs` or `negative`.
fn may_wrap(e: &Expr) -> bool {
    e.exists(|e| {
        Ok(match e {
            Expr::BinaryExpr(b) => {
                matches!(b.op, Operator::Plus | Operator::Minus | Operator::Multiply)
            }
            Expr::Negative(_) => true,
            Expr::ScalarFunction(f) => {
                f.args.len() == 1 && matches!(f.func.name(), "abs" | "negative")
            }
            _ => false,
        })
    })
    // `exists` fails only when its closure does, and this one does not.
    .unwrap_or(true)
}

fn is_signed_integer(t: &ArrowType) -> bool {
    matches!(
        t,
        ArrowType::Int8 | ArrowType::Int16 | ArrowType::Int32 | ArrowType::Int64
    )
}

/// `e` as a [`CheckedOp`] call if it is integer arithmetic that could wrap.
///
/// Called bottom-up; `types` holds the type of each expression already seen whose parent has
/// not been (`None` where it was not cheap to know), so a node's operands' types are the last
/// entries. `get_type` recomputes a whole subtree, so asking it at every `+` of a chain was
/// quadratic, and cubic for the checked calls, whose type needs their names (issue 16).
fn checked(
    e: Expr,
    schema: &DFSchema,
    types: &mut Vec<Option<ArrowType>>,
) -> Result<Transformed<Expr>> {
    let mut arity = 0;
    e.apply_children(|_| {
        arity += 1;
        Ok(TreeNodeRecursion::Continue)
    })?;
    let known = types.split_off(types.len().saturating_sub(arity));
    let operand = |i: usize, operand: &Expr| -> Option<ArrowType> {
        match known.get(i) {
            Some(Some(t)) if known.len() == arity => Some(t.clone()),
            _ => operand.get_type(schema).ok(),
        }
    };
    let (result, own_type) = rewrite_checked(e, &operand);
    types.push(own_type);
    result
}

/// [`checked`] for one node, given its operands' types; also returns the node's own type when
/// it is cheap to know.
fn rewrite_checked(
    e: Expr,
    operand: &dyn Fn(usize, &Expr) -> Option<ArrowType>,
) -> (Result<Transformed<Expr>>, Option<ArrowType>) {
    let unchanged = |e: Expr, t: Option<ArrowType>| (Ok(Transformed::no(e)), t);
    let (op, operand_type) = match &e {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
            // An operand whose type cannot be computed here (it reads a column this node does
            // not see) is left to DataFusion.
            let (Some(l), Some(r)) = (operand(0, left), operand(1, right)) else {
                return unchanged(e, None);
            };
            let checked_op = match op {
                Operator::Plus => Some(Op::Add),
                Operator::Minus => Some(Op::Subtract),
                Operator::Multiply => Some(Op::Multiply),
                _ => None,
            };
            match checked_op {
                Some(checked_op) if l == r && l.is_integer() => (checked_op, l),
                _ => {
                    let own = BinaryTypeCoercer::new(&l, op, &r).get_result_type().ok();
                    return unchanged(e, own);
                }
            }
        }
        Expr::Negative(inner) => match operand(0, inner) {
            Some(t) if is_signed_integer(&t) => (Op::Negate, t),
            t => return unchanged(e, t),
        },
        Expr::ScalarFunction(ScalarFunction { func, args })
            if args.len() == 1 && matches!(func.name(), "abs" | "negative") =>
        {
            match operand(0, &args[0]) {
                Some(t) if is_signed_integer(&t) => {
                    let op = if func.name() == "abs" {
                        Op::Abs
                    } else {
                        Op::NegativeFunction
                    };
                    (op, t)
                }
                _ => return unchanged(e, None),
            }
        }
        Expr::ScalarFunction(ScalarFunction { func, args }) if func.inner().is::<CheckedOp>() => {
            let t = args.first().and_then(|a| operand(0, a));
            return unchanged(e, t);
        }
        Expr::Literal(value, _) => {
            let t = value.data_type();
            return unchanged(e, Some(t));
        }
        Expr::Cast(Cast { field, .. }) | Expr::TryCast(TryCast { field, .. }) => {
            let t = field.data_type().clone();
            return unchanged(e, Some(t));
        }
        Expr::Alias(Alias { expr, .. }) => {
            let t = operand(0, expr);
            return unchanged(e, t);
        }
        _ => return unchanged(e, None),
    };
    let args = match e {
        Expr::BinaryExpr(BinaryExpr { left, right, .. }) => vec![*left, *right],
        Expr::Negative(inner) => vec![*inner],
        Expr::ScalarFunction(ScalarFunction { args, .. }) => args,
        other => return unchanged(other, None),
    };
    (
        Ok(Transformed::yes(Expr::ScalarFunction(
            ScalarFunction::new_udf(op.udf(), args),
        ))),
        Some(operand_type),
    )
}
