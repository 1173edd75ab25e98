//! Spark semantics that neither DataFusion nor `datafusion-spark` 55 provide.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::datatypes::DataType as ArrowType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::GetFieldAccess;
use datafusion::logical_expr::expr::BinaryExpr;
use datafusion::logical_expr::planner::{
    ExprPlanner, PlannerResult, RawBinaryExpr, RawFieldAccessExpr,
};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    Accumulator, ColumnarValue, Expr, ExprSchemable, Operator, ScalarFunctionArgs, ScalarUDF,
    ScalarUDFImpl, Signature, TypeSignature, Volatility, cast, create_udaf, lit,
};
use datafusion::prelude::SessionContext;
use datafusion::sql::sqlparser::ast::BinaryOperator;

/// Registers Spark functions missing from `datafusion-spark` 55: `count_if` and `sort_array`.
pub(crate) fn register_missing_functions(ctx: &SessionContext) {
    ctx.register_udaf(count_if());
    ctx.register_udf(ScalarUDF::new_from_impl(SortArray::new()));
}

/// Spark's arithmetic where DataFusion's differs:
/// - `/` on integer, floating-point or string operands is a `DOUBLE` division (`7 / 2 = 3.5`;
///   DataFusion gives `3`), and dividing by zero gives `NULL` (Spark's non-ANSI default) instead
///   of an error or infinity. Decimal division is left to DataFusion.
/// - `/` with a `DECIMAL` operand (and the other `DECIMAL` or integer) has Spark's result type:
///   scale `max(6, s1 + p2 + 1)`, precision `p1 - s1 + s2 + scale`, adjusted to at most 38
///   digits keeping a scale of at least 6, rounded half up (`1.0 / 3` is `0.333333` as
///   `DECIMAL(7, 6)`; DataFusion's is `0.33333`, scale `s1 + 4`). An integer literal counts with
///   its own digits (`3` as `DECIMAL(1, 0)`), other integers as `DECIMAL(10, 0)` (`INT`) or
///   `DECIMAL(20, 0)` (`BIGINT`), as in Spark.
/// - `+`, `-`, `*` of a string and an integer cast both to `BIGINT` (`'5' + 3` is `8`, a
///   `BIGINT`; `'5.5' + 3` fails, as Spark with ANSI on), of a string and a `FLOAT`/`DOUBLE`
///   both to `DOUBLE`; DataFusion refuses to plan them.
/// - `+`, `-`, `*` of a `DECIMAL` and an integer literal count the literal with its own digits,
///   as Spark does (`2.5 * 2` is `DECIMAL(4, 1)`, not `DECIMAL(13, 1)`); DataFusion's rules for
///   two decimals are Spark's.
/// - `a DIV b` is integer division returning `BIGINT` (truncating toward zero); DataFusion 55
///   parses it but cannot plan it.
/// - A zero divisor of `/` or `DIV` is Spark's `DIVIDE_BY_ZERO` error with ANSI mode on (Spark
///   4's default; [`Error::DivideByZero`](crate::Error::DivideByZero)) and `NULL` with
///   `spark.sql.ansi.enabled=false`; of `%`, `REMAINDER_BY_ZERO` (the same variant) with ANSI
///   on. (Decimal division by zero is DataFusion's error either way.)
#[derive(Debug)]
pub(crate) struct SparkArithmeticPlanner {
    /// Whether ANSI mode is on: a zero divisor fails instead of giving `NULL`.
    pub(crate) ansi: bool,
    /// The session time zone: a date plus an interval of hours is a `TIMESTAMP` in it.
    pub(crate) time_zone: Arc<str>,
}

fn is_spark_double_operand(t: Option<&ArrowType>) -> bool {
    t.is_some_and(|t| {
        t.is_integer()
            || t.is_floating()
            || matches!(
                t,
                ArrowType::Null | ArrowType::Utf8 | ArrowType::Utf8View | ArrowType::LargeUtf8
            )
    })
}

fn is_integer(e: &Expr, schema: &DFSchema) -> bool {
    e.get_type(schema)
        .is_ok_and(|t| t.is_integer() || t == ArrowType::Null)
}

/// The `DECIMAL(p, s)` Spark gives an operand of decimal arithmetic, and whether it is a decimal
/// itself; `None` for other types.
fn spark_decimal(e: &Expr, schema: &DFSchema) -> Option<(u8, i8, bool)> {
    if let Expr::Literal(ScalarValue::Int64(Some(n)), _) = e {
        let digits = n.unsigned_abs().checked_ilog10().map_or(1, |d| d + 1);
        return Some((u8::try_from(digits).ok()?, 0, false));
    }
    match e.get_type(schema).ok()? {
        ArrowType::Decimal128(p, s) => Some((p, s, true)),
        ArrowType::Int8 | ArrowType::UInt8 => Some((3, 0, false)),
        ArrowType::Int16 | ArrowType::UInt16 => Some((5, 0, false)),
        ArrowType::Int32 | ArrowType::UInt32 => Some((10, 0, false)),
        ArrowType::Int64 | ArrowType::UInt64 => Some((20, 0, false)),
        _ => None,
    }
}

/// Spark's decimal division (see [`SparkArithmeticPlanner`]); `None` when the operands are not
/// a decimal and a decimal or integer, or the result cannot be computed exactly in 38 digits.
fn spark_decimal_divide(left: &Expr, right: &Expr, schema: &DFSchema) -> Option<Expr> {
    let (p1, s1, d1) = spark_decimal(left, schema)?;
    let (p2, s2, d2) = spark_decimal(right, schema)?;
    if !(d1 || d2) {
        return None;
    }
    let (p1, s1, p2, s2) = (i32::from(p1), i32::from(s1), i32::from(p2), i32::from(s2));
    let mut scale = 6.max(s1 + p2 + 1);
    let mut precision = p1 - s1 + s2 + scale;
    if precision > 38 {
        let int_digits = precision - scale;
        scale = (38 - int_digits).max(scale.min(6));
        precision = 38;
    }
    // Arrow divides to the dividend's scale + 4, truncating: give the dividend enough scale for
    // one digit beyond the result's, and let the cast round it half up.
    let left_scale = s1.max(scale - 3);
    let left_precision = p1 - s1 + left_scale;
    if left_precision > 38 {
        return None;
    }
    let decimal = |p: i32, s: i32| {
        Some(ArrowType::Decimal128(
            u8::try_from(p).ok()?,
            i8::try_from(s).ok()?,
        ))
    };
    Some(cast(
        Expr::BinaryExpr(BinaryExpr::new(
            Box::new(cast(left.clone(), decimal(left_precision, left_scale)?)),
            Operator::Divide,
            Box::new(cast(right.clone(), decimal(p2, s2)?)),
        )),
        decimal(precision, scale)?,
    ))
}

/// The divisors the arithmetic planner builds, registered so that every function a plan names
/// is in the session's registry (a cluster's nodes rebuild plans from it).
pub(crate) fn register_divisors(ctx: &SessionContext) {
    for operator in ["/", "%", "div"] {
        ctx.register_udf(ScalarUDF::new_from_impl(AnsiDivisor::new(operator)));
    }
}

impl SparkArithmeticPlanner {
    /// The divisor `e` as type `t`: checked by [`AnsiDivisor`] with ANSI mode on, `NULL` when
    /// it is zero otherwise.
    fn divisor(&self, operator: &'static str, e: Expr, t: ArrowType, zero: ScalarValue) -> Expr {
        if self.ansi {
            ScalarUDF::new_from_impl(AnsiDivisor::new(operator)).call(vec![cast(e, t)])
        } else {
            datafusion::functions::core::expr_fn::nullif(cast(e, t), lit(zero))
        }
    }
}

/// Marker error returned by [`AnsiDivisor`] inside DataFusion, so
/// [`Error::from_datafusion`](crate::Error::from_datafusion) can turn it into
/// [`Error::DivideByZero`](crate::Error::DivideByZero).
/// Its message is the typed error's, so that it reads the same where the type is lost (a
/// cluster's executor reports a task's error as text).
#[derive(Debug, thiserror::Error)]
#[error("{}", crate::Error::DivideByZero { operator })]
pub(crate) struct DivideByZeroFailure {
    pub(crate) operator: &'static str,
}

/// The divisor of a `/`, `DIV` or `%` with ANSI mode on: its argument unchanged, or
/// [`DivideByZeroFailure`] when a value is zero. Named like its argument, so `a / b` is named
/// `a / b`. A constant zero divisor is left in the plan by the simplifier (its evaluation
/// fails) and fails when the query runs; a `CASE` branch no row takes never runs it.
#[derive(Debug, PartialEq, Eq, Hash)]
struct AnsiDivisor {
    operator: &'static str,
    signature: Signature,
}

impl AnsiDivisor {
    fn new(operator: &'static str) -> Self {
        AnsiDivisor {
            operator,
            signature: Signature::any(1, Volatility::Immutable),
        }
    }

    fn check(&self, is_zero: bool) -> DfResult<()> {
        if is_zero {
            Err(datafusion::error::DataFusionError::External(Box::new(
                DivideByZeroFailure {
                    operator: self.operator,
                },
            )))
        } else {
            Ok(())
        }
    }
}

impl ScalarUDFImpl for AnsiDivisor {
    /// One name per operator, so that a plan sent to another process names the very divisor
    /// (its error names the operator).
    fn name(&self) -> &str {
        match self.operator {
            "%" => "__ember_ansi_divisor_mod",
            "div" => "__ember_ansi_divisor_div",
            _ => "__ember_ansi_divisor",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[ArrowType]) -> DfResult<ArrowType> {
        args.first().cloned().ok_or_else(|| {
            datafusion::error::DataFusionError::Plan(
                "__ember_ansi_divisor takes one argument".into(),
            )
        })
    }

    /// `b` in `a / b`; `div(b)` in `a DIV b`, whose quotient is otherwise named alike.
    fn schema_name(&self, args: &[Expr]) -> DfResult<String> {
        match (args, self.operator) {
            ([arg], "div") => Ok(format!("div({})", arg.schema_name())),
            ([arg], _) => Ok(arg.schema_name().to_string()),
            _ => Ok(self.name().to_owned()),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let Some(arg) = args.args.into_iter().next() else {
            return Err(datafusion::error::DataFusionError::Plan(
                "__ember_ansi_divisor takes one argument".into(),
            ));
        };
        let zero = ScalarValue::new_zero(&arg.data_type())?;
        match &arg {
            ColumnarValue::Scalar(v) => self.check(!v.is_null() && *v == zero)?,
            ColumnarValue::Array(a) => {
                let zeros = datafusion::arrow::compute::kernels::cmp::eq(a, &zero.to_scalar()?)?;
                self.check(zeros.true_count() > 0)?;
            }
        }
        Ok(arg)
    }
}

fn is_ansi_interval(t: Option<&ArrowType>) -> bool {
    t.is_some_and(crate::functions::intervals::is_ansi)
}

fn is_number(t: Option<&ArrowType>) -> bool {
    t.is_some_and(|t| t.is_numeric() || *t == ArrowType::Null)
}

fn is_day_time(t: Option<&ArrowType>) -> bool {
    matches!(t, Some(ArrowType::Duration(_)))
}

/// Whether `e`, a day-time interval, is Spark's `interval day`: whole days.
fn is_days(e: &Expr, schema: &DFSchema) -> bool {
    e.to_field(schema)
        .is_ok_and(|(_, f)| ember_types::interval_fields(&f) == "day")
}

impl ExprPlanner for SparkArithmeticPlanner {
    /// `substr(x, p, n)` and `SUBSTRING(x FROM p FOR n)`, which the SQL planner plans apart from
    /// other calls, as the session's `substr`: its string parameter takes numbers and dates as
    /// their text (`substr(DATE '2024-03-15', 1, 7)`, see `functions/text_params.rs`).
    fn plan_substring(&self, args: Vec<Expr>) -> DfResult<PlannerResult<Vec<Expr>>> {
        Ok(PlannerResult::Planned(Expr::ScalarFunction(
            datafusion::logical_expr::expr::ScalarFunction::new_udf(
                crate::functions::text_params::substr(),
                args,
            ),
        )))
    }

    /// `extract(field FROM x)` as the session's `date_part`, which reads Spark's interval parts
    /// too (DataFusion's planner calls its own).
    fn plan_extract(&self, args: Vec<Expr>) -> DfResult<PlannerResult<Vec<Expr>>> {
        Ok(PlannerResult::Planned(Expr::ScalarFunction(
            datafusion::logical_expr::expr::ScalarFunction::new_udf(
                crate::functions::datetime_units::date_part(&self.time_zone),
                args,
            ),
        )))
    }

    /// `t.arr.f` where `arr` is a column of an array of structs (or a path through one):
    /// Spark's array of each element's `f`, as `arr.f` of an expression ([`Self::plan_field_access`]).
    /// Paths through structs alone are left to DataFusion.
    fn plan_compound_identifier(
        &self,
        field: &datafusion::arrow::datatypes::Field,
        qualifier: Option<&datafusion::common::TableReference>,
        nested_names: &[String],
    ) -> DfResult<PlannerResult<Vec<Expr>>> {
        use crate::functions::collections::{ArrayField, struct_field};
        let mut expr = Expr::Column(datafusion::common::Column::from((qualifier, field)));
        let mut t = field.data_type().clone();
        let mut through_array = false;
        for name in nested_names {
            let (next, element) = match &t {
                ArrowType::Struct(fields) => match struct_field(fields, name) {
                    Some((_, f)) => {
                        expr = datafusion::functions::core::expr_fn::get_field(
                            expr,
                            f.name().as_str(),
                        );
                        (f.data_type().clone(), false)
                    }
                    None => return Ok(PlannerResult::Original(Vec::new())),
                },
                ArrowType::List(e) | ArrowType::LargeList(e) => match e.data_type() {
                    ArrowType::Struct(fields) => match struct_field(fields, name) {
                        Some((_, f)) => {
                            expr = ArrayField::udf().call(vec![expr, lit(f.name().as_str())]);
                            (f.data_type().clone(), true)
                        }
                        None => return Ok(PlannerResult::Original(Vec::new())),
                    },
                    _ => return Ok(PlannerResult::Original(Vec::new())),
                },
                _ => return Ok(PlannerResult::Original(Vec::new())),
            };
            t = if element {
                through_array = true;
                ArrowType::List(Arc::new(
                    datafusion::arrow::datatypes::Field::new_list_field(next, true),
                ))
            } else {
                next
            };
        }
        Ok(if through_array {
            PlannerResult::Planned(expr)
        } else {
            PlannerResult::Original(Vec::new())
        })
    }

    fn plan_binary_op(
        &self,
        expr: RawBinaryExpr,
        schema: &DFSchema,
    ) -> DfResult<PlannerResult<RawBinaryExpr>> {
        let divide = |l: Expr, r: Expr| {
            Expr::BinaryExpr(BinaryExpr::new(Box::new(l), Operator::Divide, Box::new(r)))
        };
        // Arithmetic Spark refuses fails here with Spark's DATATYPE_MISMATCH (type_checks.rs),
        // innermost first, before DataFusion refuses it in its own words.
        let symbol = match expr.op {
            BinaryOperator::Plus => Some("+"),
            BinaryOperator::Minus => Some("-"),
            BinaryOperator::Multiply => Some("*"),
            BinaryOperator::Divide => Some("/"),
            BinaryOperator::Modulo => Some("%"),
            _ => None,
        };
        // Each arithmetic operand's type once, for every use below: `get_type` walks the whole
        // operand, and the left one of a chain `a + b + c ...` is the chain so far (issue 16).
        let (l, r) = match symbol {
            Some(_) => (
                expr.left.get_type(schema).ok(),
                expr.right.get_type(schema).ok(),
            ),
            None => (None, None),
        };
        if let (Some(symbol), Some(lt), Some(rt)) = (symbol, &l, &r)
            && let Some(mismatch) = crate::type_checks::arithmetic_mismatch(
                &expr.left,
                symbol,
                &expr.right,
                (lt, rt),
                schema,
            )
        {
            return Err(datafusion::error::DataFusionError::External(Box::new(
                mismatch,
            )));
        }
        // A boolean compared with a string reads the string as a boolean (`true = 'true'`), as
        // Spark casts it; DataFusion finds no common type.
        if matches!(
            expr.op,
            BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq
                | BinaryOperator::Spaceship
        ) {
            let stringy = |t: &Option<ArrowType>| {
                matches!(
                    t,
                    Some(ArrowType::Utf8 | ArrowType::Utf8View | ArrowType::LargeUtf8)
                )
            };
            let (lt, rt) = (
                expr.left.get_type(schema).ok(),
                expr.right.get_type(schema).ok(),
            );
            let boolean = Some(ArrowType::Boolean);
            if (lt == boolean && stringy(&rt)) || (stringy(&lt) && rt == boolean) {
                let as_boolean = |e: Expr, t: &Option<ArrowType>| {
                    if stringy(t) {
                        cast(e, ArrowType::Boolean)
                    } else {
                        e
                    }
                };
                return Ok(PlannerResult::Original(RawBinaryExpr {
                    op: expr.op,
                    left: as_boolean(expr.left, &lt),
                    right: as_boolean(expr.right, &rt),
                }));
            }
        }
        match expr.op {
            // Spark's `interval day` (DataFusion's is a BIGINT of days), planned here so that a
            // comparison with an interval plans.
            BinaryOperator::Minus
                if l == Some(ArrowType::Date32) && r == Some(ArrowType::Date32) =>
            {
                Ok(PlannerResult::Planned(
                    crate::functions::intervals::date_minus_date(expr.left, expr.right),
                ))
            }
            // An ANSI interval times or divided by a number (DataFusion has no such arithmetic).
            BinaryOperator::Multiply | BinaryOperator::Divide
                if is_ansi_interval(l.as_ref()) && is_number(r.as_ref()) =>
            {
                Ok(PlannerResult::Planned(
                    crate::functions::intervals::interval_arithmetic(
                        expr.left,
                        expr.right,
                        expr.op == BinaryOperator::Divide,
                    ),
                ))
            }
            BinaryOperator::Multiply if is_number(l.as_ref()) && is_ansi_interval(r.as_ref()) => {
                Ok(PlannerResult::Planned(
                    crate::functions::intervals::interval_arithmetic(expr.right, expr.left, false),
                ))
            }
            // A date plus or minus an `interval day` is a date, as Spark's `date_add`; plus or
            // minus a day-time interval of hours, minutes or seconds, a TIMESTAMP from the
            // date's midnight in the session time zone.
            BinaryOperator::Plus | BinaryOperator::Minus
                if is_day_time(r.as_ref()) && l == Some(ArrowType::Date32)
                    || expr.op == BinaryOperator::Plus
                        && is_day_time(l.as_ref())
                        && r == Some(ArrowType::Date32) =>
            {
                let days = if l == Some(ArrowType::Date32) {
                    is_days(&expr.right, schema)
                } else {
                    is_days(&expr.left, schema)
                };
                let timestamp = ArrowType::Timestamp(
                    datafusion::arrow::datatypes::TimeUnit::Microsecond,
                    Some(Arc::clone(&self.time_zone)),
                );
                let calendar = |e: Expr, t: Option<&ArrowType>| match t {
                    Some(ArrowType::Duration(_)) if days => {
                        crate::functions::intervals::as_calendar(e)
                    }
                    Some(ArrowType::Date32) if !days => cast(e, timestamp.clone()),
                    _ => e,
                };
                let op = if expr.op == BinaryOperator::Plus {
                    Operator::Plus
                } else {
                    Operator::Minus
                };
                Ok(PlannerResult::Planned(Expr::BinaryExpr(BinaryExpr::new(
                    Box::new(calendar(expr.left, l.as_ref())),
                    op,
                    Box::new(calendar(expr.right, r.as_ref())),
                ))))
            }
            BinaryOperator::Divide
                if is_spark_double_operand(l.as_ref()) && is_spark_double_operand(r.as_ref()) =>
            {
                Ok(PlannerResult::Planned(divide(
                    cast(expr.left, ArrowType::Float64),
                    self.divisor(
                        "/",
                        expr.right,
                        ArrowType::Float64,
                        ScalarValue::Float64(Some(0.0)),
                    ),
                )))
            }
            BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply => {
                let as_literal_decimal = |e: Expr| {
                    if !matches!(e, Expr::Literal(..)) {
                        return e;
                    }
                    match spark_decimal(&e, schema) {
                        Some((p, 0, false)) => cast(e, ArrowType::Decimal128(p, 0)),
                        _ => e,
                    }
                };
                let op = match expr.op {
                    BinaryOperator::Plus => Operator::Plus,
                    BinaryOperator::Minus => Operator::Minus,
                    _ => Operator::Multiply,
                };
                let string = |t: &Option<ArrowType>| {
                    matches!(
                        t,
                        Some(ArrowType::Utf8 | ArrowType::Utf8View | ArrowType::LargeUtf8)
                    )
                };
                let integer = |t: &Option<ArrowType>| t.as_ref().is_some_and(|t| t.is_integer());
                let floating = |t: &Option<ArrowType>| t.as_ref().is_some_and(|t| t.is_floating());
                let decimal = |t: &Option<ArrowType>| matches!(t, Some(ArrowType::Decimal128(..)));
                let common = if (string(&l) && integer(&r)) || (integer(&l) && string(&r)) {
                    Some(ArrowType::Int64)
                } else if (string(&l) && (floating(&r) || decimal(&r)))
                    || ((floating(&l) || decimal(&l)) && string(&r))
                {
                    // Spark reads the string as a DOUBLE beside a decimal too.
                    Some(ArrowType::Float64)
                } else {
                    None
                };
                if let Some(t) = common {
                    Ok(PlannerResult::Planned(Expr::BinaryExpr(BinaryExpr::new(
                        Box::new(cast(expr.left, t.clone())),
                        op,
                        Box::new(cast(expr.right, t)),
                    ))))
                } else if decimal(&l) || decimal(&r) {
                    Ok(PlannerResult::Planned(Expr::BinaryExpr(BinaryExpr::new(
                        Box::new(as_literal_decimal(expr.left)),
                        op,
                        Box::new(as_literal_decimal(expr.right)),
                    ))))
                } else {
                    Ok(PlannerResult::Original(expr))
                }
            }
            // Spark's `||` of two non-array values casts both to strings: `1 || 2` is `'12'`
            // (DataFusion's needs a string on one side). Arrays and binary are left as they are.
            BinaryOperator::StringConcat => {
                let (l, r) = (
                    expr.left.get_type(schema).ok(),
                    expr.right.get_type(schema).ok(),
                );
                let stringy = |t: &ArrowType| {
                    matches!(
                        t,
                        ArrowType::Utf8
                            | ArrowType::Utf8View
                            | ArrowType::LargeUtf8
                            | ArrowType::Null
                    )
                };
                let untouched = |t: &ArrowType| {
                    matches!(
                        t,
                        ArrowType::List(_)
                            | ArrowType::LargeList(_)
                            | ArrowType::FixedSizeList(..)
                            | ArrowType::Binary
                            | ArrowType::LargeBinary
                            | ArrowType::BinaryView
                            | ArrowType::FixedSizeBinary(_)
                    )
                };
                match (l, r) {
                    (Some(l), Some(r))
                        if !(untouched(&l) || untouched(&r) || (stringy(&l) && stringy(&r))) =>
                    {
                        let as_string = |e: Expr, t: &ArrowType| {
                            if stringy(t) {
                                e
                            } else {
                                cast(e, ArrowType::Utf8)
                            }
                        };
                        Ok(PlannerResult::Planned(Expr::BinaryExpr(BinaryExpr::new(
                            Box::new(as_string(expr.left, &l)),
                            Operator::StringConcat,
                            Box::new(as_string(expr.right, &r)),
                        ))))
                    }
                    _ => Ok(PlannerResult::Original(expr)),
                }
            }
            BinaryOperator::Divide => match spark_decimal_divide(&expr.left, &expr.right, schema) {
                Some(planned) => Ok(PlannerResult::Planned(planned)),
                None => Ok(PlannerResult::Original(expr)),
            },
            // `%` by zero: DataFusion fails for integers (without Spark's error) and gives NaN
            // for floats; Spark with ANSI on raises REMAINDER_BY_ZERO for both.
            BinaryOperator::Modulo
                if self.ansi
                    && [&l, &r].into_iter().all(|t| {
                        t.as_ref()
                            .is_some_and(|t| t.is_integer() || t.is_floating())
                    }) =>
            {
                let right = ScalarUDF::new_from_impl(AnsiDivisor::new("%")).call(vec![expr.right]);
                Ok(PlannerResult::Planned(Expr::BinaryExpr(BinaryExpr::new(
                    Box::new(expr.left),
                    Operator::Modulo,
                    Box::new(right),
                ))))
            }
            BinaryOperator::MyIntegerDivide | BinaryOperator::DuckIntegerDivide => {
                if is_integer(&expr.left, schema) && is_integer(&expr.right, schema) {
                    Ok(PlannerResult::Planned(divide(
                        cast(expr.left, ArrowType::Int64),
                        self.divisor(
                            "div",
                            expr.right,
                            ArrowType::Int64,
                            ScalarValue::Int64(Some(0)),
                        ),
                    )))
                } else {
                    // Casting a double to BIGINT truncates toward zero, like Spark's `div`.
                    Ok(PlannerResult::Planned(cast(
                        divide(
                            cast(expr.left, ArrowType::Float64),
                            self.divisor(
                                "div",
                                expr.right,
                                ArrowType::Float64,
                                ScalarValue::Float64(Some(0.0)),
                            ),
                        ),
                        ArrowType::Int64,
                    )))
                }
            }
            _ => Ok(PlannerResult::Original(expr)),
        }
    }

    /// `array[i]` is 0-based in Spark (DataFusion's is 1-based) and, under ANSI mode, fails past
    /// the array's ends; maps and structs are left to DataFusion.
    fn plan_field_access(
        &self,
        expr: RawFieldAccessExpr,
        schema: &DFSchema,
    ) -> DfResult<PlannerResult<RawFieldAccessExpr>> {
        let is_list = matches!(
            expr.expr.get_type(schema),
            Ok(ArrowType::List(_) | ArrowType::LargeList(_) | ArrowType::FixedSizeList(..))
        );
        match expr.field_access {
            GetFieldAccess::ListIndex { key } if is_list => {
                // Under ANSI mode an index outside the array fails, as Spark's
                // `[INVALID_ARRAY_INDEX]`; otherwise it is NULL.
                let one_based = if self.ansi {
                    crate::functions::collections::subscript_index()
                        .call(vec![expr.expr.clone(), cast(*key, ArrowType::Int64)])
                } else {
                    cast(*key, ArrowType::Int64) + lit(1i64)
                };
                Ok(PlannerResult::Planned(
                    datafusion::functions_nested::expr_fn::array_element(expr.expr, one_based),
                ))
            }
            // `arr.f` of an array of structs: the array of each element's `f`, as Spark's.
            GetFieldAccess::NamedStructField { name }
                if matches!(
                    expr.expr.get_type(schema),
                    Ok(ArrowType::List(f) | ArrowType::LargeList(f))
                        if matches!(f.data_type(), ArrowType::Struct(_))
                ) =>
            {
                Ok(PlannerResult::Planned(
                    crate::functions::collections::ArrayField::udf()
                        .call(vec![expr.expr, Expr::Literal(name, None)]),
                ))
            }
            field_access => Ok(PlannerResult::Original(RawFieldAccessExpr {
                field_access,
                expr: expr.expr,
            })),
        }
    }

    /// `struct(a, b)` names its fields after the columns it is given (`a`, `b`) and `colN` for
    /// other expressions, as Spark does (DataFusion: `c0`, `c1`).
    fn plan_struct_literal(
        &self,
        args: Vec<Expr>,
        is_named_struct: bool,
    ) -> DfResult<PlannerResult<Vec<Expr>>> {
        let spark_name = |i: usize, arg: &Expr| match arg {
            Expr::Column(c) => c.name.clone(),
            Expr::Alias(a) => a.name.clone(),
            _ => format!("col{}", i + 1),
        };
        if is_named_struct {
            // `struct(x AS a, 2)`: the planner named the unnamed fields `c1` (their position
            // from 0); Spark names them as it names `struct(x, 2)`'s (`col2`).
            let mut args = args;
            for (i, pair) in args.chunks_exact_mut(2).enumerate() {
                if let [Expr::Literal(ScalarValue::Utf8(Some(n)), _), value] = pair
                    && *n == format!("c{i}")
                {
                    let name = spark_name(i, value);
                    pair[0] = lit(name);
                }
            }
            return Ok(PlannerResult::Planned(
                datafusion::functions::core::named_struct().call(args),
            ));
        }
        let mut named = Vec::with_capacity(args.len() * 2);
        for (i, arg) in args.into_iter().enumerate() {
            named.push(lit(spark_name(i, &arg)));
            named.push(arg);
        }
        Ok(PlannerResult::Planned(
            datafusion::functions::core::named_struct().call(named),
        ))
    }
}

/// Spark's `count_if(cond)`: the number of rows where `cond` is true (0 for no rows).
fn count_if() -> datafusion::logical_expr::AggregateUDF {
    create_udaf(
        "count_if",
        vec![ArrowType::Boolean],
        Arc::new(ArrowType::Int64),
        Volatility::Immutable,
        Arc::new(|_| Ok(Box::new(CountIf(0)))),
        Arc::new(vec![ArrowType::Int64]),
    )
}

#[derive(Debug)]
struct CountIf(i64);

impl Accumulator for CountIf {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        if let Some(v) = values.first() {
            let trues = v.as_boolean().true_count();
            self.0 += i64::try_from(trues).unwrap_or(i64::MAX);
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Int64(Some(self.0)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::Int64(Some(self.0))])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        if let Some(s) = states.first() {
            let counts = s.as_primitive::<datafusion::arrow::datatypes::Int64Type>();
            self.0 += counts.iter().flatten().sum::<i64>();
        }
        Ok(())
    }
}

/// Spark's `sort_array(array[, ascending])`: ascending puts nulls first, descending last.
/// Planned as DataFusion's `array_sort` with those options.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SortArray {
    signature: Signature,
}

impl SortArray {
    fn new() -> Self {
        Self {
            signature: Signature::one_of(
                vec![TypeSignature::Any(1), TypeSignature::Any(2)],
                Volatility::Immutable,
            ),
        }
    }
}

impl ScalarUDFImpl for SortArray {
    fn name(&self) -> &str {
        "sort_array"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[ArrowType]) -> DfResult<ArrowType> {
        arg_types.first().cloned().ok_or_else(|| {
            datafusion::error::DataFusionError::Plan(
                "sort_array needs an array argument".to_owned(),
            )
        })
    }

    fn simplify(
        &self,
        mut args: Vec<Expr>,
        _info: &SimplifyContext,
    ) -> DfResult<ExprSimplifyResult> {
        let ascending = match args.get(1) {
            None => true,
            Some(Expr::Literal(ScalarValue::Boolean(Some(b)), _)) => *b,
            Some(other) => {
                return Err(datafusion::error::DataFusionError::Plan(format!(
                    "sort_array's second argument must be a boolean literal, got {other}"
                )));
            }
        };
        args.truncate(1);
        let Some(array) = args.pop() else {
            return Ok(ExprSimplifyResult::Original(args));
        };
        let (order, nulls) = if ascending {
            ("ASC", "NULLS FIRST")
        } else {
            ("DESC", "NULLS LAST")
        };
        Ok(ExprSimplifyResult::Simplified(
            datafusion::functions_nested::expr_fn::array_sort(array, lit(order), lit(nulls)),
        ))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(datafusion::error::DataFusionError::Internal(
            "sort_array is rewritten to array_sort by the optimizer".to_owned(),
        ))
    }
}
