//! Spark functions whose answers differ from the DataFusion/`datafusion-spark` function of the
//! same name, each planned as the DataFusion expression that gives Spark's answer (issue 10):
//!
//! - `array_sort(a)`: ascending with NULLs *last* (DataFusion puts them first).
//! - `regexp_replace(s, p, r)`: replaces *every* match (DataFusion: the first, without `'g'`).
//! - `log(x)`: the natural logarithm (DataFusion: base 10); `log(b, x)` takes the base first.
//! - `size(NULL)`: `NULL`, as Spark 4 with ANSI on (`datafusion-spark`: the legacy -1).
//! - `element_at(map, k)`: the value (DataFusion: a list of values); `element_at(array, i)`:
//!   1-based, negative from the end.
//! - `concat` of arrays is their concatenation (`datafusion-spark`'s `concat` joins their text);
//!   of strings it stays `datafusion-spark`'s (NULL if any argument is NULL).
//!
//! Each is a [`ScalarUDF`] registered under Spark's name (replacing the other one); its
//! `simplify` rewrites the call into DataFusion expressions before execution, as `sort_array`
//! in `spark.rs` does.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType as ArrowType, FieldRef};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    TypeSignature, Volatility, cast, lit,
};
use datafusion::prelude::SessionContext;

type ReturnType = fn(&[ArrowType]) -> DfResult<ArrowType>;
type Rewrite = fn(Vec<Expr>, &[ArrowType]) -> DfResult<Expr>;

/// A Spark function planned as other expressions (see the module docs).
#[derive(Debug)]
struct SparkRewrite {
    name: &'static str,
    signature: Signature,
    return_type: ReturnType,
    rewrite: Rewrite,
}

impl PartialEq for SparkRewrite {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.signature == other.signature
    }
}

impl Eq for SparkRewrite {}

impl Hash for SparkRewrite {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.signature.hash(state);
    }
}

impl ScalarUDFImpl for SparkRewrite {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[ArrowType]) -> DfResult<ArrowType> {
        (self.return_type)(arg_types)
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        let types = args
            .iter()
            .map(|a| info.get_data_type(a))
            .collect::<DfResult<Vec<_>>>()?;
        Ok(ExprSimplifyResult::Simplified((self.rewrite)(
            args, &types,
        )?))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(DataFusionError::Internal(format!(
            "{} is rewritten by the optimizer before it runs",
            self.name
        )))
    }
}

fn plan_err(message: String) -> DataFusionError {
    DataFusionError::Plan(message)
}

fn first(types: &[ArrowType]) -> DfResult<ArrowType> {
    types
        .first()
        .cloned()
        .ok_or_else(|| plan_err("expected an argument".to_owned()))
}

fn two(args: Vec<Expr>) -> DfResult<(Expr, Expr)> {
    let mut it = args.into_iter();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(plan_err("expected two arguments".to_owned())),
    }
}

fn one(args: Vec<Expr>) -> DfResult<Expr> {
    args.into_iter()
        .next()
        .ok_or_else(|| plan_err("expected an argument".to_owned()))
}

fn array_sort() -> SparkRewrite {
    SparkRewrite {
        name: "array_sort",
        signature: Signature::any(1, Volatility::Immutable),
        return_type: first,
        rewrite: |args, _| {
            Ok(datafusion::functions_nested::expr_fn::array_sort(
                one(args)?,
                lit("ASC"),
                lit("NULLS LAST"),
            ))
        },
    }
}

fn regexp_replace() -> SparkRewrite {
    SparkRewrite {
        name: "regexp_replace",
        signature: Signature::exact(
            vec![ArrowType::Utf8, ArrowType::Utf8, ArrowType::Utf8],
            Volatility::Immutable,
        ),
        return_type: |_| Ok(ArrowType::Utf8),
        rewrite: |args, _| {
            let mut it = args.into_iter();
            match (it.next(), it.next(), it.next()) {
                (Some(s), Some(p), Some(r)) => Ok(
                    datafusion::functions::regex::expr_fn::regexp_replace(s, p, r, Some(lit("g"))),
                ),
                _ => Err(plan_err("regexp_replace takes three arguments".to_owned())),
            }
        },
    }
}

fn log() -> SparkRewrite {
    SparkRewrite {
        name: "log",
        signature: Signature::one_of(
            vec![
                TypeSignature::Exact(vec![ArrowType::Float64]),
                TypeSignature::Exact(vec![ArrowType::Float64, ArrowType::Float64]),
            ],
            Volatility::Immutable,
        ),
        return_type: |_| Ok(ArrowType::Float64),
        rewrite: |args, _| {
            use datafusion::functions::math::expr_fn::{ln, log};
            if args.len() == 1 {
                Ok(ln(one(args)?))
            } else {
                let (base, x) = two(args)?;
                Ok(log(base, x))
            }
        },
    }
}

fn size() -> SparkRewrite {
    SparkRewrite {
        name: "size",
        signature: Signature::any(1, Volatility::Immutable),
        return_type: |_| Ok(ArrowType::Int32),
        rewrite: |args, _| {
            // A real size is never negative, so the legacy -1 for NULL becomes NULL.
            let legacy = datafusion_spark::function::collection::size().call(args);
            Ok(datafusion::functions::core::expr_fn::nullif(
                legacy,
                lit(ScalarValue::Int32(Some(-1))),
            ))
        },
    }
}

fn element_at() -> SparkRewrite {
    SparkRewrite {
        name: "element_at",
        signature: Signature::any(2, Volatility::Immutable),
        return_type: |types| match types.first() {
            Some(ArrowType::Map(entries, _)) => match entries.data_type() {
                ArrowType::Struct(kv) if kv.len() == 2 => Ok(kv[1].data_type().clone()),
                other => Err(plan_err(format!(
                    "element_at: unexpected map entries {other}"
                ))),
            },
            Some(ArrowType::List(f) | ArrowType::LargeList(f) | ArrowType::FixedSizeList(f, _)) => {
                Ok(f.data_type().clone())
            }
            other => Err(plan_err(format!(
                "element_at takes an array or a map, got {other:?}"
            ))),
        },
        rewrite: |args, types| {
            let (container, key) = two(args)?;
            if matches!(types.first(), Some(ArrowType::Map(..))) {
                Ok(datafusion::functions::core::get_field().call(vec![container, key]))
            } else {
                Ok(datafusion::functions_nested::expr_fn::array_element(
                    container,
                    cast(key, ArrowType::Int64),
                ))
            }
        },
    }
}

/// Registers the functions of this module, replacing DataFusion's of the same names.
pub(crate) fn register(ctx: &SessionContext) {
    for f in [array_sort(), regexp_replace(), log(), size(), element_at()] {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
    ctx.register_udf(ScalarUDF::new_from_impl(Concat::new()));
}

fn is_list(t: &ArrowType) -> bool {
    matches!(
        t,
        ArrowType::List(_) | ArrowType::LargeList(_) | ArrowType::FixedSizeList(..)
    )
}

/// Spark's `concat`: arrays (all arguments arrays) or strings (`datafusion-spark`'s `concat`).
#[derive(Debug, PartialEq, Eq, Hash)]
struct Concat {
    strings: Arc<ScalarUDF>,
    arrays: Arc<ScalarUDF>,
}

impl Concat {
    fn new() -> Self {
        Self {
            strings: datafusion_spark::function::string::concat(),
            arrays: datafusion::functions_nested::concat::array_concat_udf(),
        }
    }

    fn target(&self, types: &[ArrowType]) -> &ScalarUDF {
        if !types.is_empty() && types.iter().all(is_list) {
            &self.arrays
        } else {
            &self.strings
        }
    }
}

impl ScalarUDFImpl for Concat {
    fn name(&self) -> &str {
        "concat"
    }

    fn signature(&self) -> &Signature {
        self.strings.signature()
    }

    fn coerce_types(&self, arg_types: &[ArrowType]) -> DfResult<Vec<ArrowType>> {
        if !arg_types.is_empty() && arg_types.iter().all(is_list) {
            Ok(arg_types.to_vec())
        } else {
            self.strings.coerce_types(arg_types)
        }
    }

    fn return_type(&self, arg_types: &[ArrowType]) -> DfResult<ArrowType> {
        self.target(arg_types).return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let types: Vec<ArrowType> = args
            .arg_fields
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        self.target(&types).return_field_from_args(args)
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        let types = args
            .iter()
            .map(|a| info.get_data_type(a))
            .collect::<DfResult<Vec<_>>>()?;
        if !types.is_empty() && types.iter().all(is_list) {
            Ok(ExprSimplifyResult::Simplified(self.arrays.call(args)))
        } else {
            Ok(ExprSimplifyResult::Original(args))
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let types: Vec<ArrowType> = args.args.iter().map(ColumnarValue::data_type).collect();
        self.target(&types).invoke_with_args(args)
    }
}
