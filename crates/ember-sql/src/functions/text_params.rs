//! String functions given numbers, booleans, dates or timestamps: Spark casts such an argument
//! to `STRING` for a string parameter (`upper(12)` is `'12'`, `substr(DATE '2024-03-15', 1, 7)`
//! is `'2024-03'`, `contains(12345, 3)` is true); DataFusion's signatures refuse them
//! ("upper does not take arguments of the type BIGINT").
//!
//! [`TextParameters`] wraps each of Spark's string functions (the list in [`register`]): its
//! arguments are coerced as the function's own signature coerces them when it takes them; when
//! it does not, the numbers, booleans, dates and timestamps among them are taken as `STRING`
//! where that makes the signature take them (every such argument, or else the first one only,
//! the others being positions or counts). The analyzer then casts them, and the cast writes
//! Spark's text (`coercion.rs`'s `SparkTexts`: `1.0E20`, not `1e20`). Everything else is the
//! wrapped function's.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::type_coercion::functions::fields_with_udf;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
};
use datafusion::prelude::SessionContext;

/// `inner`, its string parameters taking numbers, booleans, dates and timestamps as their text.
#[derive(Debug)]
pub(crate) struct TextParameters {
    inner: Arc<ScalarUDF>,
    signature: Signature,
}

impl PartialEq for TextParameters {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Eq for TextParameters {}

impl Hash for TextParameters {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.hash(state);
    }
}

/// Whether Spark writes a value of type `t` as text for a string parameter.
fn textual(t: &DataType) -> bool {
    t.is_numeric()
        || matches!(
            t,
            DataType::Boolean | DataType::Date32 | DataType::Date64 | DataType::Timestamp(..)
        )
}

impl TextParameters {
    fn coerced(&self, types: &[DataType]) -> DfResult<Vec<DataType>> {
        let fields: Vec<FieldRef> = types
            .iter()
            .map(|t| Arc::new(Field::new("a", t.clone(), true)))
            .collect();
        Ok(fields_with_udf(&fields, self.inner.as_ref())?
            .iter()
            .map(|f| f.data_type().clone())
            .collect())
    }
}

impl TextParameters {
    /// What DataFusion says of a call of the wrapped function with arguments of `types` (its
    /// signature check, every candidate listed), as [`WRAPPED_REFUSAL`]: error.rs reads it as
    /// it reads DataFusion's check of any function (`WRONG_NUM_ARGS`, `UNEXPECTED_INPUT_TYPE`).
    fn refusal(&self, types: &[DataType]) -> Option<datafusion::error::DataFusionError> {
        use datafusion::common::DFSchema;
        use datafusion::logical_expr::{ExprSchemable as _, expr::ScalarFunction};
        let fields: Vec<Field> = (0..types.len())
            .map(|i| Field::new(format!("a{i}"), types[i].clone(), true))
            .collect();
        let schema = DFSchema::try_from(datafusion::arrow::datatypes::Schema::new(fields)).ok()?;
        let args = (0..types.len())
            .map(|i| Expr::Column(datafusion::common::Column::from_name(format!("a{i}"))))
            .collect();
        let call = Expr::ScalarFunction(ScalarFunction::new_udf(Arc::clone(&self.inner), args));
        let message = call.get_type(&schema).err()?.strip_backtrace();
        let message = message
            .strip_prefix("Error during planning: ")
            .unwrap_or(&message);
        Some(datafusion::error::DataFusionError::Execution(format!(
            "{WRAPPED_REFUSAL}{message}"
        )))
    }
}

/// How [`TextParameters`] starts the refusal it reports (error.rs looks for it).
pub(crate) const WRAPPED_REFUSAL: &str = "the wrapped function refuses: ";

impl ScalarUDFImpl for TextParameters {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let refused = match self.coerced(arg_types) {
            Ok(types) => return Ok(types),
            Err(e) => e,
        };
        let candidates: Vec<usize> = (0..arg_types.len())
            .filter(|&i| textual(&arg_types[i]))
            .collect();
        let first_only = candidates.first().filter(|&&i| i == 0).map(|&i| vec![i]);
        let tries = (!candidates.is_empty()).then(|| candidates.clone());
        for as_text in tries.into_iter().chain(first_only) {
            let mut types = arg_types.to_vec();
            for i in as_text {
                types[i] = DataType::Utf8;
            }
            if let Ok(coerced) = self.coerced(&types) {
                return Ok(coerced);
            }
        }
        Err(self.refusal(arg_types).unwrap_or(refused))
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> DfResult<ExprSimplifyResult> {
        self.inner.simplify(args, info)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        self.inner.invoke_with_args(args)
    }
}

/// Spark's functions with a string parameter that may be given a number, a boolean, a date or a
/// timestamp (each wrapped when the session has it).
const STRING_FUNCTIONS: [&str; 29] = [
    "upper",
    "lower",
    "ucase",
    "lcase",
    "initcap",
    "substr",
    "substring",
    "substring_index",
    "trim",
    "btrim",
    "ltrim",
    "rtrim",
    "instr",
    "strpos",
    "position",
    "replace",
    "overlay",
    "repeat",
    "split_part",
    "startswith",
    "starts_with",
    "endswith",
    "ends_with",
    "contains",
    "find_in_set",
    "octet_length",
    "bit_length",
    "levenshtein",
    "luhn_check",
];

/// `inner` wrapped in [`TextParameters`].
fn text_parameters(inner: Arc<ScalarUDF>) -> ScalarUDF {
    // Its own coercion decides the types; its parameter names stay (named arguments).
    let mut signature = Signature::user_defined(inner.signature().volatility);
    signature.parameter_names = inner.signature().parameter_names.clone();
    ScalarUDF::new_from_impl(TextParameters { inner, signature })
}

/// Spark's `substring` (`datafusion-spark`'s: negative positions count from the end), wrapped,
/// for the SQL planner's own `SUBSTR`/`SUBSTRING` syntax (`spark.rs`).
pub(crate) fn substr() -> Arc<ScalarUDF> {
    Arc::new(text_parameters(
        datafusion_spark::function::string::substring(),
    ))
}

/// Wraps the session's [`STRING_FUNCTIONS`] in [`TextParameters`]. Runs after every other
/// registration, so it wraps the functions as registered (bounded `repeat` included).
pub(crate) fn register(ctx: &SessionContext) {
    use datafusion::execution::FunctionRegistry as _;
    for name in STRING_FUNCTIONS {
        let Ok(udf) = ctx.udf(name) else { continue };
        // An alias of a function wrapped already (`ucase` of `upper`).
        if udf.inner().downcast_ref::<TextParameters>().is_some() {
            continue;
        }
        ctx.register_udf(text_parameters(udf));
    }
}
