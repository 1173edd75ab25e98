//! Small Spark functions planned as other expressions: `try_to_timestamp` and `try_to_date`
//! (`NULL` where `to_timestamp`/`to_date` would fail), `nullifzero`, `zeroifnull`, `try_mod`,
//! `date_from_unix_date`, `to_char`/`to_varchar` of dates and timestamps (Java patterns),
//! `convert_timezone`, `localtimestamp`, `raise_error`, `assert_true`, `to_binary`/`try_to_binary`, `validate_utf8`/`try_validate_utf8`, and the session's
//! `current_timezone`, `current_database`/`current_schema`, `current_catalog` (Spark's defaults:
//! `default`, `spark_catalog`), `current_path` (Spark's default SQL path) and
//! `current_user`/`user`/`session_user` (the process's user).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, new_null_array};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::datatypes::FieldRef;
use datafusion::common::ScalarValue;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::expr::BinaryExpr;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{
    ColumnarValue, Expr, Operator, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl,
    Signature, Volatility, cast, lit, when,
};
use datafusion::prelude::SessionContext;

use crate::rewrites::{SparkRewrite, one, two};

/// A function whose failing rows give `NULL` instead of failing the query: a batch that fails
/// is evaluated again row by row. What Spark's `try_` variants of parsing functions do.
#[derive(Debug)]
struct TryRows {
    name: String,
    inner: Arc<ScalarUDF>,
}

impl PartialEq for TryRows {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.inner == other.inner
    }
}

impl Eq for TryRows {}

impl Hash for TryRows {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.inner.hash(state);
    }
}

impl ScalarUDFImpl for TryRows {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let (values, fields) = (args.args.clone(), args.arg_fields.clone());
        let (return_field, config) = (
            Arc::clone(&args.return_field),
            Arc::clone(&args.config_options),
        );
        if let Ok(out) = self.inner.invoke_with_args(args) {
            return Ok(out);
        }
        let t = return_field.data_type().clone();
        let mut parts: Vec<ArrayRef> = Vec::with_capacity(rows);
        for i in 0..rows {
            let row = values
                .iter()
                .map(|v| match v {
                    ColumnarValue::Array(a) => ColumnarValue::Array(a.slice(i, 1)),
                    scalar @ ColumnarValue::Scalar(_) => scalar.clone(),
                })
                .collect();
            let one_row = ScalarFunctionArgs {
                args: row,
                arg_fields: fields.clone(),
                number_rows: 1,
                return_field: Arc::clone(&return_field),
                config_options: Arc::clone(&config),
            };
            let value = match self.inner.invoke_with_args(one_row) {
                Ok(v) => v.into_array(1)?,
                Err(_) => new_null_array(&t, 1),
            };
            parts.push(value);
        }
        if parts.is_empty() {
            return Ok(ColumnarValue::Array(new_null_array(&t, 0)));
        }
        let refs: Vec<&dyn Array> = parts.iter().map(AsRef::as_ref).collect();
        let out = datafusion::arrow::compute::concat(&refs)?;
        let all_scalar = values.iter().all(|v| matches!(v, ColumnarValue::Scalar(_)));
        if all_scalar && out.len() == 1 {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// The function a `try_` wrapper (what `try_to_date` and the other tolerant functions are
/// planned into) runs, or `None` if `udf` is not one: a cluster's codec sends the wrapped
/// function and rebuilds the wrapper with [`tolerant_udf`].
pub fn tolerated(udf: &ScalarUDF) -> Option<&Arc<ScalarUDF>> {
    udf.inner().downcast_ref::<TryRows>().map(|t| &t.inner)
}

/// `inner` made tolerant: rows where it fails are `NULL` (see [`tolerated`]).
pub fn tolerant_udf(inner: Arc<ScalarUDF>) -> ScalarUDF {
    ScalarUDF::new_from_impl(TryRows {
        name: format!("try_{}", inner.name()),
        inner,
    })
}

/// `e` with every function call in it made [`TryRows`]: rows where one fails are `NULL`.
pub(crate) fn tolerant(e: Expr) -> DfResult<Expr> {
    e.transform_up(|e| match e {
        Expr::ScalarFunction(f) => {
            let udf = tolerant_udf(f.func);
            Ok(Transformed::yes(Expr::ScalarFunction(
                ScalarFunction::new_udf(Arc::new(udf), f.args),
            )))
        }
        other => Ok(Transformed::no(other)),
    })
    .map(|t| t.data)
}

fn rewrite(
    name: &'static str,
    return_type: crate::rewrites::ReturnType,
    rewrite: crate::rewrites::Rewrite,
) -> ScalarUDF {
    ScalarUDF::new_from_impl(SparkRewrite {
        name,
        signature: Signature::variadic_any(Volatility::Immutable),
        return_type,
        rewrite,
    })
}

/// A function of no arguments planned as an expression.
fn nullary(
    name: &'static str,
    return_type: crate::rewrites::ReturnType,
    rewrite: crate::rewrites::Rewrite,
) -> ScalarUDF {
    ScalarUDF::new_from_impl(SparkRewrite {
        name,
        signature: Signature::nullary(Volatility::Stable),
        return_type,
        rewrite,
    })
}

fn first_type(types: &[DataType]) -> DfResult<DataType> {
    types
        .first()
        .cloned()
        .ok_or_else(|| super::plan_err("expected an argument".to_owned()))
}

/// Zero of the type `t` (for `nullifzero`, `zeroifnull`, `try_mod`); an `INT` zero for `NULL`.
fn zero(t: &DataType) -> DfResult<Expr> {
    match t {
        DataType::Null => Ok(lit(0i32)),
        t => Ok(lit(ScalarValue::new_zero(t)?)),
    }
}

/// The type of a `NULL` argument of `nullifzero`/`zeroifnull`: Spark's `INT`.
fn first_or_int(types: &[DataType]) -> DfResult<DataType> {
    match first_type(types)? {
        DataType::Null => Ok(DataType::Int32),
        t => Ok(t),
    }
}

/// The types `a % b` computes in (DataFusion's coercion of `%`).
fn modulo_types(types: &[DataType]) -> DfResult<(DataType, DataType)> {
    let a = first_type(types)?;
    let b = types.get(1).cloned().unwrap_or(DataType::Null);
    datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer::new(
        &a,
        &Operator::Modulo,
        &b,
    )
    .get_input_types()
}

/// `s` as a string where its type (the first of `types`) is an untyped NULL.
fn untyped_as_text(s: Expr, types: &[DataType]) -> Expr {
    if types.first() == Some(&DataType::Null) {
        cast(s, DataType::Utf8)
    } else {
        s
    }
}

/// Spark's `left(s, n)`: `substring(s, 1, n)`, empty for `n <= 0` (DataFusion's `left` of a
/// negative `n` dropped characters from the end: `left('abc', -1)` was `ab`).
fn spark_left(args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    let (s, n) = two(args)?;
    let s = untyped_as_text(s, types);
    Ok(cast(
        super::text_params::substr().call(vec![s, lit(1i64), cast(n, DataType::Int64)]),
        DataType::Utf8,
    ))
}

/// Spark's `right(s, n)`: the last `n` characters, empty for `n <= 0`, NULL for a NULL `s`.
fn spark_right(args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    let (s, n) = two(args)?;
    let s = untyped_as_text(s, types);
    let n = cast(n, DataType::Int64);
    when(s.clone().is_null(), lit(ScalarValue::Utf8(None)))
        .when(n.clone().lt_eq(lit(0i64)), lit(""))
        .otherwise(cast(
            super::text_params::substr().call(vec![s, Expr::Negative(Box::new(n))]),
            DataType::Utf8,
        ))
}

fn rewrites() -> Vec<ScalarUDF> {
    vec![
        rewrite("left", |_| Ok(DataType::Utf8), spark_left),
        rewrite("right", |_| Ok(DataType::Utf8), spark_right),
        rewrite("nullifzero", first_or_int, |args, types| {
            let t = first_or_int(types)?;
            let x = cast(one(args)?, t.clone());
            Ok(datafusion::functions::core::expr_fn::nullif(x, zero(&t)?))
        }),
        rewrite("zeroifnull", first_or_int, |args, types| {
            let t = first_or_int(types)?;
            let x = cast(one(args)?, t.clone());
            Ok(datafusion::functions::core::expr_fn::coalesce(vec![
                x,
                zero(&t)?,
            ]))
        }),
        rewrite(
            "try_mod",
            |types| {
                let (a, b) = modulo_types(types)?;
                datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer::new(
                    &a,
                    &Operator::Modulo,
                    &b,
                )
                .get_result_type()
            },
            |args, types| {
                // `a % NULL` is NULL: a zero divisor becomes NULL instead of failing.
                let (a, b) = two(args)?;
                let (ta, tb) = modulo_types(types)?;
                let z = zero(&tb)?;
                Ok(Expr::BinaryExpr(BinaryExpr::new(
                    Box::new(cast(a, ta)),
                    Operator::Modulo,
                    Box::new(datafusion::functions::core::expr_fn::nullif(cast(b, tb), z)),
                )))
            },
        ),
        rewrite(
            "date_from_unix_date",
            |_| Ok(DataType::Date32),
            |args, _| Ok(cast(cast(one(args)?, DataType::Int32), DataType::Date32)),
        ),
        nullary(
            "current_database",
            |_| Ok(DataType::Utf8),
            |_, _| Ok(lit("default")),
        ),
        nullary(
            "current_schema",
            |_| Ok(DataType::Utf8),
            |_, _| Ok(lit("default")),
        ),
        nullary(
            "current_catalog",
            |_| Ok(DataType::Utf8),
            |_, _| Ok(lit("spark_catalog")),
        ),
        // The SQL path Ember resolves a function name along: its built-in functions, then the
        // session's (UDFs), then the current schema: Spark's default path.
        nullary(
            "current_path",
            |_| Ok(DataType::Utf8),
            |_, _| Ok(lit("system.builtin,system.session,spark_catalog.default")),
        ),
        nullary(
            "current_user",
            |_| Ok(DataType::Utf8),
            |_, _| Ok(lit(user_name())),
        ),
        nullary("user", |_| Ok(DataType::Utf8), |_, _| Ok(lit(user_name()))),
        nullary(
            "session_user",
            |_| Ok(DataType::Utf8),
            |_, _| Ok(lit(user_name())),
        ),
        rewrite("to_char", |_| Ok(DataType::Utf8), to_char_expr),
        rewrite("to_varchar", |_| Ok(DataType::Utf8), to_char_expr),
        rewrite("to_binary", |_| Ok(DataType::Binary), to_binary_expr),
        rewrite(
            "try_to_binary",
            |_| Ok(DataType::Binary),
            |args, types| tolerant(to_binary_expr(args, types)?),
        ),
        // Arrow strings are valid UTF-8 by construction.
        rewrite(
            "validate_utf8",
            |_| Ok(DataType::Utf8),
            |args, _| Ok(cast(one(args)?, DataType::Utf8)),
        ),
        rewrite(
            "try_validate_utf8",
            |_| Ok(DataType::Utf8),
            |args, _| Ok(cast(one(args)?, DataType::Utf8)),
        ),
    ]
}

/// The user running the session (Spark's `current_user()`: the process's user).
fn user_name() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| "ember".to_owned())
}

/// `to_char(x, fmt)`/`to_varchar`: a date or timestamp formatted with a Java datetime pattern
/// (Spark's `date_format`); Spark's number formats (`'999.99'`) are not supported yet.
fn to_char_expr(args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    let (x, fmt) = two(args)?;
    let is_datetime = matches!(
        types.first(),
        Some(DataType::Date32 | DataType::Date64 | DataType::Timestamp(..))
    );
    if !is_datetime {
        return Err(super::plan_err(format!(
            "to_char/to_varchar of a {} (Spark's number format) is not supported; only dates \
             and timestamps with a datetime pattern are",
            types
                .first()
                .map_or_else(|| "value".to_owned(), ToString::to_string)
        )));
    }
    let fmt = match fmt {
        Expr::Literal(ScalarValue::Utf8(Some(p)) | ScalarValue::Utf8View(Some(p)), _) => {
            if let Some(reason) = crate::rewrites::refused_pattern(&p) {
                return Err(super::plan_err(reason));
            }
            lit(crate::rewrites::java_to_chrono(&p))
        }
        other => {
            return Err(super::plan_err(format!(
                "to_char needs a literal pattern, got {other}"
            )));
        }
    };
    Ok(cast(
        datafusion::functions::datetime::expr_fn::to_char(x, fmt),
        DataType::Utf8,
    ))
}

/// Hex digits as bytes (an odd count reads as if a `0` led), failing on anything else.
fn hex_to_binary() -> super::ColumnFn {
    super::ColumnFn::new(
        // Not `to_binary` (the rewrite that plans it): a plan sent to another process names
        // this very function.
        "__ember_hex_to_binary",
        |t| super::fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Binary),
        |args| {
            use datafusion::arrow::array::{AsArray, BinaryBuilder};
            let s = args[0].as_string::<i32>();
            let mut out = BinaryBuilder::new();
            for i in 0..s.len() {
                if s.is_null(i) {
                    out.append_null();
                    continue;
                }
                let text = s.value(i);
                let digits: Option<Vec<u8>> = text
                    .chars()
                    .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
                    .collect();
                let Some(mut digits) = digits else {
                    return Err(super::exec_err(format!(
                        "[CONVERSION_INVALID_INPUT] The value '{text}' ('HEX') cannot be converted to \"BINARY\" because it is malformed. Correct the value as per the syntax, or change its format. Use `try_to_binary` to tolerate malformed input and return NULL instead. SQLSTATE: 22018"
                    )));
                };
                if digits.len() % 2 == 1 {
                    digits.insert(0, 0);
                }
                let bytes: Vec<u8> = digits.chunks_exact(2).map(|p| p[0] * 16 + p[1]).collect();
                out.append_value(bytes);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `convert_timezone([from,] to, ts)`: the wall-clock `TIMESTAMP_NTZ` `ts` in zone `from` (the
/// session's when absent) as a wall-clock time in zone `to`.
fn convert_timezone() -> super::ColumnFn {
    super::ColumnFn::new(
        "convert_timezone",
        |t| {
            let ntz =
                DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None);
            match t.len() {
                2 => Ok(vec![DataType::Utf8, ntz]),
                3 => Ok(vec![DataType::Utf8, DataType::Utf8, ntz]),
                n => Err(super::plan_err(format!("takes 2 or 3 arguments, got {n}"))),
            }
        },
        |_| {
            Ok(DataType::Timestamp(
                datafusion::arrow::datatypes::TimeUnit::Microsecond,
                None,
            ))
        },
        |args| {
            use chrono::TimeZone as _;
            use datafusion::arrow::array::timezone::Tz;
            use datafusion::arrow::array::{AsArray, TimestampMicrosecondBuilder};
            use datafusion::arrow::datatypes::TimestampMicrosecondType;
            // The two-argument form is completed with the session zone by the rewrite below.
            let (from, to, ts) = match args {
                [from, to, ts] => (from.as_string::<i32>(), to.as_string::<i32>(), ts),
                _ => {
                    return Err(super::exec_err(
                        "convert_timezone: expected 3 arguments".to_owned(),
                    ));
                }
            };
            let ts = ts.as_primitive::<TimestampMicrosecondType>();
            let zone = |name: &str| -> DfResult<Tz> {
                name.parse::<Tz>().map_err(|e| {
                    super::exec_err(format!("convert_timezone: unknown time zone '{name}': {e}"))
                })
            };
            let mut out = TimestampMicrosecondBuilder::with_capacity(ts.len());
            for i in 0..ts.len() {
                if from.is_null(i) || to.is_null(i) || ts.is_null(i) {
                    out.append_null();
                    continue;
                }
                let (from_tz, to_tz) = (zone(from.value(i))?, zone(to.value(i))?);
                let micros = ts.value(i);
                let naive = chrono::DateTime::from_timestamp_micros(micros)
                    .ok_or_else(|| {
                        super::exec_err(format!(
                            "convert_timezone: timestamp out of range ({micros})"
                        ))
                    })?
                    .naive_utc();
                // A wall-clock time skipped by a DST change is read just after the gap, as Java does.
                let instant = from_tz
                    .from_local_datetime(&naive)
                    .earliest()
                    .or_else(|| {
                        let later = naive.checked_add_signed(chrono::TimeDelta::hours(1))?;
                        from_tz.from_local_datetime(&later).earliest()
                    })
                    .ok_or_else(|| {
                        super::exec_err(format!(
                            "convert_timezone: no time {naive} in {}",
                            from.value(i)
                        ))
                    })?;
                out.append_value(
                    instant
                        .with_timezone(&to_tz)
                        .naive_local()
                        .and_utc()
                        .timestamp_micros(),
                );
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `raise_error(message)`: fails the query with `message` (Spark's `USER_RAISED_EXCEPTION`).
fn raise_error() -> super::ColumnFn {
    super::ColumnFn::new(
        "raise_error",
        |t| super::fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Null),
        |args| {
            use datafusion::arrow::array::AsArray;
            let m = args[0].as_string::<i32>();
            let message = (0..m.len())
                .find(|&i| m.is_valid(i))
                .map_or("NULL", |i| m.value(i));
            Err(super::exec_err(format!(
                "[USER_RAISED_EXCEPTION] {message}"
            )))
        },
    )
}

/// `assert_true(cond[, message])`: `NULL` when `cond` is true on every row; fails otherwise.
fn assert_true() -> super::ColumnFn {
    super::ColumnFn::new(
        "assert_true",
        |t| super::fixed(t, &[DataType::Boolean, DataType::Utf8], 1),
        |_| Ok(DataType::Null),
        |args| {
            use datafusion::arrow::array::{AsArray, NullArray};
            let c = args[0].as_boolean();
            for i in 0..c.len() {
                if c.is_null(i) || !c.value(i) {
                    let message = args
                        .get(1)
                        .map(|m| m.as_string::<i32>())
                        .filter(|m| m.is_valid(i))
                        .map_or_else(
                            || "'assert_true' is not true".to_owned(),
                            |m| m.value(i).to_owned(),
                        );
                    return Err(super::exec_err(format!(
                        "[USER_RAISED_EXCEPTION] {message}"
                    )));
                }
            }
            Ok(Arc::new(NullArray::new(c.len())) as ArrayRef)
        },
    )
}

/// `localtimestamp()`: the current wall-clock time in the session time zone, a `TIMESTAMP_NTZ`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct LocalTimestamp {
    tz: Arc<str>,
    signature: Signature,
}

impl ScalarUDFImpl for LocalTimestamp {
    fn name(&self) -> &str {
        "localtimestamp"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Timestamp(
            datafusion::arrow::datatypes::TimeUnit::Microsecond,
            None,
        ))
    }

    fn simplify(
        &self,
        _args: Vec<Expr>,
        _info: &datafusion::logical_expr::simplify::SimplifyContext,
    ) -> DfResult<datafusion::logical_expr::simplify::ExprSimplifyResult> {
        let ntz = DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None);
        // now() as a naive UTC time, then its wall clock in the session zone.
        let utc = cast(
            cast(
                datafusion::functions::datetime::expr_fn::now(),
                DataType::Int64,
            ) / lit(1000i64),
            ntz,
        );
        Ok(
            datafusion::logical_expr::simplify::ExprSimplifyResult::Simplified(
                convert_timezone()
                    .udf()
                    .call(vec![lit("UTC"), lit(self.tz.to_string()), utc]),
            ),
        )
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(crate::rewrites::not_rewritten("localtimestamp"))
    }
}

/// `current_timestamp()`/`now()`: the query's start, a `TIMESTAMP` (microseconds, in the
/// session time zone), as Spark's. DataFusion's is a `TIMESTAMP_NTZ` in nanoseconds unless its
/// own time zone setting is set.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CurrentTimestamp {
    tz: Arc<str>,
    signature: Signature,
    aliases: Vec<String>,
}

impl ScalarUDFImpl for CurrentTimestamp {
    fn name(&self) -> &str {
        "now"
    }

    fn aliases(&self) -> &[String] {
        &self.aliases
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Timestamp(
            datafusion::arrow::datatypes::TimeUnit::Microsecond,
            Some(Arc::clone(&self.tz)),
        ))
    }

    fn simplify(
        &self,
        args: Vec<Expr>,
        info: &datafusion::logical_expr::simplify::SimplifyContext,
    ) -> DfResult<datafusion::logical_expr::simplify::ExprSimplifyResult> {
        use datafusion::logical_expr::simplify::ExprSimplifyResult;
        let Some(start) = info.query_execution_start_time() else {
            return Ok(ExprSimplifyResult::Original(args));
        };
        Ok(ExprSimplifyResult::Simplified(Expr::Literal(
            ScalarValue::TimestampMicrosecond(
                Some(start.timestamp_micros()),
                Some(Arc::clone(&self.tz)),
            ),
            None,
        )))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(crate::rewrites::not_rewritten("current_timestamp"))
    }
}

/// A call of `current_timestamp()` in the session zone `tz`.
pub(crate) fn current_timestamp(tz: &Arc<str>) -> Expr {
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(current_timestamp_udf(tz)),
        Vec::new(),
    ))
}

fn current_timestamp_udf(tz: &Arc<str>) -> ScalarUDF {
    ScalarUDF::new_from_impl(CurrentTimestamp {
        tz: Arc::clone(tz),
        signature: Signature::nullary(Volatility::Stable),
        aliases: vec!["current_timestamp".to_owned()],
    })
}

/// `convert_timezone(to, ts)` with the session zone as `from`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ConvertTimezone {
    tz: Arc<str>,
    signature: Signature,
}

impl ScalarUDFImpl for ConvertTimezone {
    fn name(&self) -> &str {
        "convert_timezone"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Timestamp(
            datafusion::arrow::datatypes::TimeUnit::Microsecond,
            None,
        ))
    }

    fn simplify(
        &self,
        mut args: Vec<Expr>,
        _info: &datafusion::logical_expr::simplify::SimplifyContext,
    ) -> DfResult<datafusion::logical_expr::simplify::ExprSimplifyResult> {
        if args.len() == 2 {
            args.insert(0, lit(self.tz.to_string()));
        }
        let [from, to, ts] = <[Expr; 3]>::try_from(args).map_err(|a| {
            super::plan_err(format!(
                "convert_timezone takes 2 or 3 arguments, got {}",
                a.len().saturating_sub(1)
            ))
        })?;
        // Planned after type coercion: the argument types the function reads are set here.
        let ntz = DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None);
        Ok(
            datafusion::logical_expr::simplify::ExprSimplifyResult::Simplified(
                convert_timezone().udf().call(vec![
                    cast(from, DataType::Utf8),
                    cast(to, DataType::Utf8),
                    cast(ts, ntz),
                ]),
            ),
        )
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(crate::rewrites::not_rewritten("convert_timezone"))
    }
}

/// `to_binary(s[, fmt])`: `s` decoded as `hex` (the default), `utf-8` or `base64`; malformed
/// input fails (`try_to_binary`: `NULL`).
fn to_binary_expr(args: Vec<Expr>, _types: &[DataType]) -> DfResult<Expr> {
    let mut it = args.into_iter();
    let (Some(s), fmt, None) = (it.next(), it.next(), it.next()) else {
        return Err(super::plan_err(
            "to_binary takes a string and an optional format".to_owned(),
        ));
    };
    let fmt = match fmt {
        None => "hex".to_owned(),
        Some(Expr::Literal(ScalarValue::Utf8(Some(f)) | ScalarValue::Utf8View(Some(f)), _)) => {
            f.to_ascii_lowercase()
        }
        Some(other) => {
            return Err(super::plan_err(format!(
                "to_binary's format must be a literal ('hex', 'utf-8', 'base64'), got {other}"
            )));
        }
    };
    match fmt.as_str() {
        "hex" => Ok(hex_to_binary().udf().call(vec![cast(s, DataType::Utf8)])),
        "utf-8" | "utf8" => Ok(cast(cast(s, DataType::Utf8), DataType::Binary)),
        // `unbase64` reads bytes (its analyzer coercion is past by now).
        "base64" => Ok(datafusion_spark::function::string::unbase64()
            .call(vec![cast(cast(s, DataType::Utf8), DataType::Binary)])),
        other => Err(super::plan_err(format!(
            "[DATATYPE_MISMATCH.INVALID_ARG_VALUE] to_binary's format must be 'hex', 'utf-8', 'utf8' or 'base64', got '{other}'"
        ))),
    }
}

/// `current_timezone()`: the session time zone.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CurrentTimezone {
    tz: Arc<str>,
    signature: Signature,
}

impl ScalarUDFImpl for CurrentTimezone {
    fn name(&self) -> &str {
        "current_timezone"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(
            self.tz.to_string(),
        ))))
    }
}

/// Registers the functions; `current_timezone` is `time_zone`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    for f in rewrites() {
        ctx.register_udf(f);
    }
    ctx.register_udf(ScalarUDF::new_from_impl(ConvertTimezone {
        tz: Arc::clone(time_zone),
        signature: Signature::variadic_any(Volatility::Immutable),
    }));
    ctx.register_udf(ScalarUDF::new_from_impl(LocalTimestamp {
        tz: Arc::clone(time_zone),
        signature: Signature::nullary(Volatility::Stable),
    }));
    ctx.register_udf(current_timestamp_udf(time_zone));
    ctx.register_udf(raise_error().udf());
    ctx.register_udf(hex_to_binary().udf());
    ctx.register_udf(assert_true().udf());
    ctx.register_udf(ScalarUDF::new_from_impl(CurrentTimezone {
        tz: Arc::clone(time_zone),
        signature: Signature::nullary(Volatility::Stable),
    }));
}
