//! Spark functions whose answers differ from the DataFusion/`datafusion-spark` function of the
//! same name, each planned as the DataFusion expression that gives Spark's answer (issue 10):
//!
//! - `array_sort(a)`: ascending with NULLs *last* (DataFusion puts them first).
//! - `regexp_replace(s, p, r)`: replaces *every* match (DataFusion: the first, without `'g'`).
//! - `log(x)`: the natural logarithm (DataFusion: base 10); `log(b, x)` takes the base first.
//! - `size(NULL)`: `NULL`, as Spark 4 with ANSI on (`datafusion-spark`: the legacy -1).
//! - `element_at(map, k)`: the value (DataFusion: a list of values); `element_at(array, i)`:
//!   1-based, negative from the end, an error for 0 or an index past either end (Spark 4's
//!   ANSI behaviour; DataFusion's is `NULL`).
//! - `date_add`, `date_sub`, `add_months` take any integer count (cast to the `INT`
//!   `datafusion-spark` wants); `year`, `month`, `day`/`dayofmonth`, `quarter`,
//!   `dayofyear`, `weekofyear` are `INT` date parts.
//! - `date_format(d, 'yyyy-MM-dd')` takes Java's datetime pattern letters (DataFusion's takes
//!   chrono's `%Y-%m-%d` and returned a Java pattern as literal text).
//! - `round(decimal, d)` has Spark's result type, `DECIMAL(p - s + 1 + min(s, d), min(s, d))`
//!   (`datafusion-spark`'s keeps the input's type: `round(2.345, 2)` was `DECIMAL(4, 3)`).
//! - `concat` of arrays is their concatenation (`datafusion-spark`'s `concat` joins their text);
//!   of strings it stays `datafusion-spark`'s (NULL if any argument is NULL).
//!
//! Each is a [`ScalarUDF`] registered under Spark's name (replacing the other one); its
//! `simplify` rewrites the call into DataFusion expressions before execution, as `sort_array`
//! in `spark.rs` does.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType as ArrowType, FieldRef, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    TypeSignature, Volatility, cast, lit,
};
use datafusion::prelude::SessionContext;

use crate::functions::datetime_text::as_date;

pub(crate) type ReturnType = fn(&[ArrowType]) -> DfResult<ArrowType>;
pub(crate) type Rewrite = fn(Vec<Expr>, &[ArrowType]) -> DfResult<Expr>;

/// A Spark function planned as other expressions (see the module docs): `rewrite` gets the
/// arguments and their types and returns the expression that replaces the call.
#[derive(Debug)]
pub(crate) struct SparkRewrite {
    pub(crate) name: &'static str,
    pub(crate) signature: Signature,
    pub(crate) return_type: ReturnType,
    pub(crate) rewrite: Rewrite,
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
        let types = argument_types(&args, info)?;
        Ok(ExprSimplifyResult::Simplified((self.rewrite)(
            args, &types,
        )?))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        Err(not_rewritten(self.name))
    }
}

/// The types of a call's arguments, as a rewrite's `simplify` needs them.
pub(crate) fn argument_types(args: &[Expr], info: &SimplifyContext) -> DfResult<Vec<ArrowType>> {
    args.iter().map(|a| info.get_data_type(a)).collect()
}

/// The error of a rewritten function that reaches execution: its `simplify` always replaces
/// the call, so this means the optimizer did not run.
pub(crate) fn not_rewritten(name: &str) -> DataFusionError {
    DataFusionError::Internal(format!(
        "{name} is rewritten by the optimizer before it runs"
    ))
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

pub(crate) fn two(args: Vec<Expr>) -> DfResult<(Expr, Expr)> {
    let mut it = args.into_iter();
    match (it.next(), it.next()) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(plan_err("expected two arguments".to_owned())),
    }
}

pub(crate) fn one(args: Vec<Expr>) -> DfResult<Expr> {
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

/// `f(date, n)` of `datafusion-spark` with `n` cast to `INT`.
fn date_and_int(name: &'static str) -> SparkRewrite {
    SparkRewrite {
        name,
        signature: Signature::any(2, Volatility::Immutable),
        return_type: |_| Ok(ArrowType::Date32),
        rewrite: match name {
            "date_add" => |args, types| {
                let (d, n) = two(args)?;
                Ok(datafusion_spark::function::datetime::date_add()
                    .call(vec![as_date(d, types.first()), cast(n, ArrowType::Int32)]))
            },
            "date_sub" => |args, types| {
                let (d, n) = two(args)?;
                Ok(datafusion_spark::function::datetime::date_sub()
                    .call(vec![as_date(d, types.first()), cast(n, ArrowType::Int32)]))
            },
            _ => |args, types| {
                let (d, n) = two(args)?;
                Ok(datafusion_spark::function::datetime::add_months()
                    .call(vec![as_date(d, types.first()), cast(n, ArrowType::Int32)]))
            },
        },
    }
}

/// Spark's `INT` date part functions, as DataFusion's `date_part`.
fn date_part(name: &'static str) -> SparkRewrite {
    fn part(name: &str) -> &'static str {
        match name {
            "year" => "year",
            "month" => "month",
            "quarter" => "quarter",
            "dayofyear" => "doy",
            "weekofyear" => "week",
            "hour" => "hour",
            "minute" => "minute",
            "second" => "second",
            _ => "day",
        }
    }
    SparkRewrite {
        name,
        signature: Signature::any(1, Volatility::Immutable),
        return_type: |_| Ok(ArrowType::Int32),
        rewrite: |_, _| Err(plan_err("unreachable".to_owned())),
    }
    .with_part(part(name))
}

impl SparkRewrite {
    fn with_part(mut self, part: &'static str) -> Self {
        self.rewrite = match part {
            "year" => |a, t| part_expr("year", a, t),
            "month" => |a, t| part_expr("month", a, t),
            "quarter" => |a, t| part_expr("quarter", a, t),
            "doy" => |a, t| part_expr("doy", a, t),
            "week" => |a, t| part_expr("week", a, t),
            "hour" => |a, t| part_expr("hour", a, t),
            "minute" => |a, t| part_expr("minute", a, t),
            "second" => |a, t| part_expr("second", a, t),
            _ => |a, t| part_expr("day", a, t),
        };
        self
    }
}

fn part_expr(part: &str, args: Vec<Expr>, types: &[ArrowType]) -> DfResult<Expr> {
    let mut d = one(args)?;
    if let Some(t @ (ArrowType::Utf8 | ArrowType::LargeUtf8 | ArrowType::Utf8View)) = types.first()
    {
        // A string is a date for the date's parts, a wall-clock time for the time's (Spark
        // casts it to the type the part needs).
        d = if matches!(part, "hour" | "minute" | "second") {
            let wall_clock = ArrowType::Timestamp(TimeUnit::Microsecond, None);
            crate::functions::datetime_text::text_cast(d.clone(), t, &wall_clock, false)
                .unwrap_or_else(|| cast(d, wall_clock))
        } else {
            as_date(d, types.first())
        };
    }
    Ok(cast(
        datafusion::functions::datetime::expr_fn::date_part(lit(part), d),
        ArrowType::Int32,
    ))
}

/// Spark's refusal of a datetime pattern [`java_to_chrono`] cannot write as Spark would: its
/// week-based letters (`Y`, `w`, `W`, `u`, `e`, `c`), which Spark 3+ refuses, and any other
/// letter outside quotes that is not translated (it was written out literally: `'Q'` printed
/// `Q`). `None` for a pattern that is read.
pub(crate) fn refused_pattern(pattern: &str) -> Option<String> {
    const TRANSLATED: &str = "yMdDHhmsaE";
    let mut quoted = false;
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut run = 1;
        while !quoted && i + run < chars.len() && chars[i + run] == c {
            run += 1;
        }
        i += run;
        if c == '\'' {
            quoted = !quoted;
            continue;
        }
        if quoted || !c.is_ascii_alphabetic() || TRANSLATED.contains(c) {
            continue;
        }
        if c == 'S' && matches!(run, 3 | 6 | 9) {
            continue;
        }
        if "YwWuec".contains(c) {
            return Some(format!(
                "[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION] You may get a \
                 different result due to the upgrading to Spark >= 3.0: Fail to recognize '{pattern}' \
                 pattern in the DateTimeFormatter. Spark 3+ does not read the week-based letter '{c}'."
            ));
        }
        let letters: String = std::iter::repeat_n(c, run).collect();
        return Some(format!(
            "the datetime pattern letter '{letters}' in '{pattern}' is not supported by Ember \
             (supported: y, M, d, D, H, h, m, s, SSS, SSSSSS, SSSSSSSSS, a, E and quoted text)"
        ));
    }
    None
}

/// Translates a Java `DateTimeFormatter` pattern (Spark's) into a chrono format string.
pub(crate) fn java_to_chrono(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // Quoted literal text; '' is a quote.
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '%' {
                    out.push('%');
                }
                out.push(chars[i]);
                i += 1;
            }
            i += 1;
            continue;
        }
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == c {
            run += 1;
        }
        let spec = match (c, run) {
            ('y', 2) => "%y",
            ('y', _) => "%Y",
            ('M', 1) => "%-m",
            ('M', 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('d', 1) => "%-d",
            ('d', _) => "%d",
            ('D', 1) => "%-j",
            ('D', _) => "%j",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('S', 3) => "%3f",
            ('S', 6) => "%6f",
            ('S', 9) => "%9f",
            ('a', _) => "%p",
            ('E', 4..) => "%A",
            ('E', _) => "%a",
            _ => {
                for _ in 0..run {
                    if c == '%' {
                        out.push('%');
                    }
                    out.push(c);
                }
                i += run;
                continue;
            }
        };
        out.push_str(spec);
        i += run;
    }
    out
}

fn date_format() -> SparkRewrite {
    SparkRewrite {
        name: "date_format",
        signature: Signature::any(2, Volatility::Immutable),
        return_type: |_| Ok(ArrowType::Utf8),
        rewrite: |args, _| {
            let (d, fmt) = two(args)?;
            let fmt = match fmt {
                Expr::Literal(ScalarValue::Utf8(Some(p)), _) => match refused_pattern(&p) {
                    Some(reason) => return Err(plan_err(reason)),
                    None => lit(java_to_chrono(&p)),
                },
                other => {
                    return Err(plan_err(format!(
                        "date_format needs a literal pattern, got {other}"
                    )));
                }
            };
            Ok(cast(
                datafusion::functions::datetime::expr_fn::to_char(d, fmt),
                ArrowType::Utf8,
            ))
        },
    }
}

/// Registers the functions of this module, replacing DataFusion's of the same names.
pub(crate) fn register(ctx: &SessionContext) {
    for f in [array_sort(), regexp_replace(), log(), size(), date_format()] {
        ctx.register_udf(ScalarUDF::new_from_impl(f));
    }
    for name in ["date_add", "date_sub", "add_months"] {
        ctx.register_udf(ScalarUDF::new_from_impl(date_and_int(name)));
    }
    for name in [
        "year",
        "month",
        "day",
        "dayofmonth",
        "quarter",
        "dayofyear",
        "weekofyear",
        "hour",
        "minute",
        "second",
    ] {
        ctx.register_udf(ScalarUDF::new_from_impl(date_part(name)));
    }
    // Spark's names for DataFusion's aggregates.
    use datafusion::functions_aggregate::{approx_distinct, first_last, variance};
    for (udaf, alias) in [
        (variance::var_samp_udaf(), "variance"),
        (
            approx_distinct::approx_distinct_udaf(),
            "approx_count_distinct",
        ),
        (first_last::first_value_udaf(), "first"),
    ] {
        ctx.register_udaf(udaf.as_ref().clone().with_aliases([alias]));
    }
    ctx.register_udf(ScalarUDF::new_from_impl(Concat::new()));
    for half_even in [false, true] {
        ctx.register_udf(ScalarUDF::new_from_impl(Round {
            inner: datafusion_spark::function::math::round(),
            half_even,
        }));
    }
}

/// Spark's `round`: `datafusion-spark`'s (HALF_UP), with Spark's result type for decimals; and
/// with `half_even`, Spark's `bround` (`functions/math.rs`'s values), typed alike.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Round {
    inner: Arc<ScalarUDF>,
    half_even: bool,
}

/// Spark's type of `round(DECIMAL(p, s), d)`: one more integral digit for the carry, the scale
/// `min(s, d)` (0 for a negative `d`), at most 38 digits.
fn spark_round_type(p: u8, s: i8, d: i64) -> Option<ArrowType> {
    let (p, s) = (i64::from(p), i64::from(s));
    let integral = p - s + 1;
    let (precision, scale) = if d < 0 {
        (integral.max(1 - d), 0)
    } else {
        let scale = s.min(d);
        (integral + scale, scale)
    };
    Some(ArrowType::Decimal128(
        u8::try_from(precision.clamp(1, 38)).ok()?,
        i8::try_from(scale).ok()?,
    ))
}

impl ScalarUDFImpl for Round {
    fn name(&self) -> &str {
        if self.half_even { "bround" } else { "round" }
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn coerce_types(&self, arg_types: &[ArrowType]) -> DfResult<Vec<ArrowType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_type(&self, arg_types: &[ArrowType]) -> DfResult<ArrowType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let places = match args.scalar_arguments.get(1) {
            None => Some(0),
            Some(Some(v)) => match v {
                ScalarValue::Int8(Some(d)) => Some(i64::from(*d)),
                ScalarValue::Int16(Some(d)) => Some(i64::from(*d)),
                ScalarValue::Int32(Some(d)) => Some(i64::from(*d)),
                ScalarValue::Int64(Some(d)) => Some(*d),
                _ => None,
            },
            Some(None) => None,
        };
        let input = args.arg_fields.first().map(|f| f.data_type().clone());
        match (input, places) {
            (Some(ArrowType::Decimal128(p, s)), Some(d)) => match spark_round_type(p, s, d) {
                Some(t) => Ok(Arc::new(datafusion::arrow::datatypes::Field::new(
                    self.name(),
                    t,
                    true,
                ))),
                None => self.inner.return_field_from_args(args),
            },
            _ => self.inner.return_field_from_args(args),
        }
    }

    fn invoke_with_args(&self, mut args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let target = args.return_field.data_type().clone();
        // `datafusion-spark`'s round answers in its argument's type (and checks it does).
        if let Some(input) = args.arg_fields.first() {
            args.return_field = Arc::new(datafusion::arrow::datatypes::Field::new(
                "round",
                input.data_type().clone(),
                true,
            ));
        }
        let out = if self.half_even {
            crate::functions::rounding::round_half_even(&args.args, args.number_rows)?
        } else if let Some(out) =
            crate::functions::rounding::round_half_up_double(&args.args, args.number_rows)?
        {
            out
        } else {
            self.inner.invoke_with_args(args)?
        };
        if out.data_type() == target {
            Ok(out)
        } else {
            out.cast_to(&target, None)
        }
    }
}

/// Types as a message lists them: `Int64, Boolean`.
fn listed(types: &[ArrowType]) -> String {
    types
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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
            // The arrays' elements in their common type, as Spark's (`concat(array(1),
            // array(2.5))` is ARRAY<DECIMAL(11,1)>, an array of NULLs takes the others' type);
            // DataFusion's kernel panicked on mixed element types.
            let elements: Vec<ArrowType> = arg_types
                .iter()
                .filter_map(|t| match t {
                    ArrowType::List(f) | ArrowType::LargeList(f) => Some(f.data_type().clone()),
                    _ => None,
                })
                .collect();
            let common = elements
                .iter()
                .try_fold(ArrowType::Null, |wide, t| {
                    crate::widening::wider_result(&wide, t)
                })
                .ok_or_else(|| {
                    plan_err(format!(
                        "concat: the arrays' element types differ ({})",
                        listed(&elements)
                    ))
                })?;
            Ok(arg_types
                .iter()
                .map(|t| match t {
                    ArrowType::List(f) => {
                        ArrowType::List(Arc::new(f.as_ref().clone().with_data_type(common.clone())))
                    }
                    ArrowType::LargeList(f) => ArrowType::LargeList(Arc::new(
                        f.as_ref().clone().with_data_type(common.clone()),
                    )),
                    other => other.clone(),
                })
                .collect())
        } else if arg_types.iter().any(is_list) {
            // Spark's `concat` takes arrays or strings, not both (`concat(array(1), NULL)`).
            Err(plan_err(format!(
                "concat takes arrays or strings, not both: ({})",
                listed(arg_types)
            )))
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
        let types = argument_types(&args, info)?;
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

#[cfg(test)]
mod tests {
    use super::java_to_chrono;

    #[test]
    fn java_patterns_become_chrono_formats() {
        assert_eq!(java_to_chrono("yyyy-MM-dd"), "%Y-%m-%d");
        assert_eq!(
            java_to_chrono("dd/MM/yy HH:mm:ss.SSS"),
            "%d/%m/%y %H:%M:%S.%3f"
        );
        assert_eq!(java_to_chrono("d MMM yyyy 'at' h a"), "%-d %b %Y at %-I %p");
        assert_eq!(java_to_chrono("100%"), "100%%");
    }
}
