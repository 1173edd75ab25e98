//! Spark functions that neither DataFusion nor `datafusion-spark` 55 provide, one module per
//! family (issue 10). Each function is a [`ScalarUDF`] or [`AggregateUDF`] registered under
//! Spark's name; every one gives Spark's `NULL` behaviour and fails bad arguments with a planning
//! or execution error, never a panic.
//!
//! - [`strings`]: `split`, `regexp_extract`, `regexp_extract_all`, `locate`, `space` and
//!   `regexp_count` with Spark's types, and Spark's names for DataFusion's string functions
//!   (`rlike`, `startswith`, `endswith`, `lcase`, `ucase`, `printf`).
//! - [`math`]: `bround`, `conv`, `sign`/`signum`, `positive`, the `try_` arithmetic,
//!   `ceil`/`floor` with a scale, `factorial`, `sqrt`, `log1p`, `e`.
//! - [`datetime`]: Java datetime patterns in `to_date`, `to_timestamp`, `unix_timestamp`,
//!   `from_unixtime`; `months_between`, `make_timestamp`, `make_timestamp_ntz`,
//!   `timestamp_seconds`, `dayofweek`, `dayname`; `TIMESTAMP`s in the session time zone.
//! - [`aggregates`]: `percentile`, `percentile_approx`, `median`, `first`/`last` with
//!   `ignoreNulls`, `skewness`, `kurtosis`, `max_by`/`min_by`, `mode`, `percentile_disc`, `avg` with `DISTINCT` and
//!   sliding frames, and Spark's names for DataFusion's (`every`, `any`, `some`, `std`,
//!   `try_avg`).
//! - [`collections`]: `sequence`, `array_size`, `cardinality`, `map_contains_key`,
//!   `try_element_at`, `get`, and Spark's `array_prepend`, `array_remove`, `array_position`.
//! - [`arrays_zip`]: Spark's field names for `arrays_zip` (the argument columns' names).
//! - [`higher_order`]: `transform`, `filter`, `zip_with`, `aggregate`/`reduce`, `map_filter`,
//!   `transform_values`, `transform_keys`.
//! - [`tables`]: `range` with Spark's `id` column.
//! - [`casts`]: casts written as functions (`int(x)`, `string(x)`, `date(x)`, ...), `isnull`,
//!   `isnotnull`, `equal_null`.
//! - [`hashes`]: Spark's Murmur3 `hash`, `md5`, `sha`, `hmac`, `collation`.
//! - [`json`]: `get_json_object`, `json_tuple`'s fields, `to_json`, `from_json`,
//!   `json_array_length`, `json_object_keys`, `schema_of_json`.
//! - [`csv`]: `from_csv`, `to_csv`, `schema_of_csv` with Spark's record splitting and options.
//! - [`misc`]: `try_to_timestamp`/`try_to_date`'s row-by-row `NULL` on failure, `nullifzero`,
//!   `zeroifnull`, `try_mod`, `date_from_unix_date`, `current_timezone`, `current_database`,
//!   `current_schema`, `current_catalog`, `current_user`, `to_char` of dates, `to_binary`.
//! - [`numbers`]: `to_number`/`try_to_number` with Spark's number formats.
//! - [`bounded`]: `repeat`, `lpad`, `rpad`, `space`, `array_repeat` and integer `sequence`
//!   fail with `[COLLECTION_SIZE_LIMIT_EXCEEDED]` before generating more than
//!   [`bounded::MAX_GENERATED`] characters or elements in one batch.
//! - [`sketches`]: the HyperLogLog, Theta, Tuple and KLL sketch families on Apache
//!   DataSketches, in the Java library's binary format.
//! - [`aes`]: `aes_encrypt`, `aes_decrypt`, `try_aes_decrypt` (ECB, CBC, GCM) in Spark's layouts.
//! - [`time_window`]: `window` (tumbling), `window_time`, `session_window`.
//! - [`xml`]: the `xpath` family on an XPath 1.0 engine, with bounded document size and depth.
//! - [`random`]: `rand`/`random`, `randn`, `uniform`, `randstr` with Spark's numbers for a
//!   seed.
//! - [`vectors`]: Spark 4.2's `vector_inner_product`, `vector_cosine_similarity`,
//!   `vector_l2_distance`, `vector_norm`, `vector_normalize`, `vector_sum`, `vector_avg`.
//! - [`variant`]: Spark 4's `VARIANT` type and its functions (`parse_json`, `variant_get`,
//!   `schema_of_variant`, the edits, `variant_explode`), on the `parquet-variant` encoding.
//! - [`xml_records`]: `from_xml`, `to_xml`, `schema_of_xml`.
//! - [`counter_diff`]: Spark 4.3's window function `counter_diff` (a [`WindowUDF`]).
//! - [`datetime_units`]: `timestampadd`/`dateadd` and `timestampdiff`/`datediff` by a unit.
//! - [`intervals`]: `DATE - DATE` as an `interval day`, `make_ym_interval`,
//!   `make_dt_interval`, `make_interval`/`try_make_interval`, and intervals' text.
//! - Also: `jaro_winkler_similarity`, `to_base32`/`from_base32` ([`strings`]), `array_insert`
//!   ([`collections`]), `try_make_timestamp`/`_ntz`/`_ltz` ([`datetime`]).
//!
//! [`AggregateUDF`]: datafusion::logical_expr::AggregateUDF
//! [`WindowUDF`]: datafusion::logical_expr::WindowUDF

use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

pub(crate) mod aes;
pub(crate) mod aggregates;
pub(crate) mod arrays_zip;
pub(crate) mod bounded;
pub(crate) mod casts;
pub(crate) mod charsets;
pub(crate) mod collections;
pub(crate) mod counter_diff;
pub(crate) mod csv;
pub(crate) mod datetime;
pub(crate) mod datetime_text;
pub(crate) mod datetime_units;
pub(crate) mod hashes;
pub(crate) mod higher_order;
pub(crate) mod intervals;
pub(crate) mod json;
pub(crate) mod math;
pub(crate) mod misc;
pub(crate) mod numbers;
pub(crate) mod random;
pub(crate) mod rounding;
pub(crate) mod sketches;
pub(crate) mod spark_names;
pub(crate) mod strings;
pub(crate) mod tables;
pub(crate) mod text_params;
pub(crate) mod time_window;
pub(crate) mod variant;
pub(crate) mod vectors;
pub(crate) mod xml;
pub(crate) mod xml_records;

/// `PartialEq`, `Eq` and `Hash` for a function type whose identity is its `name` field (what
/// DataFusion compares when it deduplicates expressions).
macro_rules! named_udf {
    ($t:ty) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                self.name == other.name
            }
        }

        impl Eq for $t {}

        impl std::hash::Hash for $t {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                std::hash::Hash::hash(&self.name, state);
            }
        }
    };
}
pub(crate) use named_udf;

/// The argument types a function coerces its arguments to, given what it was called with; an
/// error names the function and what it takes.
type Coerce = fn(&[DataType]) -> DfResult<Vec<DataType>>;
/// The result type for the coerced argument types.
type Returns = fn(&[DataType]) -> DfResult<DataType>;
/// The function over whole columns (scalars expanded to the batch's length).
type Eval = fn(&[ArrayRef]) -> DfResult<ArrayRef>;

/// A scalar function evaluated column by column by a plain Rust function.
#[derive(Debug)]
pub(crate) struct ColumnFn {
    name: &'static str,
    signature: Signature,
    coerce: Coerce,
    returns: Returns,
    eval: Eval,
}

impl ColumnFn {
    pub(crate) fn new(name: &'static str, coerce: Coerce, returns: Returns, eval: Eval) -> Self {
        Self {
            name,
            signature: Signature::user_defined(Volatility::Immutable),
            coerce,
            returns,
            eval,
        }
    }

    /// Marks the function volatile: each call may answer differently (a random IV), so
    /// DataFusion neither folds it at planning nor shares one call's value between two.
    pub(crate) fn volatile(mut self) -> Self {
        self.signature = Signature::user_defined(Volatility::Volatile);
        self
    }

    pub(crate) fn udf(self) -> ScalarUDF {
        ScalarUDF::new_from_impl(self)
    }
}

named_udf!(ColumnFn);

impl ScalarUDFImpl for ColumnFn {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        (self.coerce)(arg_types).map_err(|e| match e {
            DataFusionError::Plan(m) => DataFusionError::Plan(format!("{}: {m}", self.name)),
            other => other,
        })
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        (self.returns)(arg_types)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        // A volatile function answers each row on its own: its constant arguments are spread to
        // the batch's rows rather than answered once for all of them.
        let volatile = self.signature.volatility == Volatility::Volatile;
        let all_scalar = !volatile
            && args
                .args
                .iter()
                .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = if volatile {
            args.args
                .iter()
                .map(|a| a.to_array(args.number_rows))
                .collect::<DfResult<Vec<_>>>()?
        } else {
            ColumnarValue::values_to_arrays(&args.args)?
        };
        let out = (self.eval)(&arrays)?;
        if all_scalar && out.len() == 1 {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// Coercion to fixed types for `min..=max` arguments: the first `n` of `types`.
pub(crate) fn fixed(
    arg_types: &[DataType],
    types: &[DataType],
    min: usize,
) -> DfResult<Vec<DataType>> {
    if arg_types.len() < min || arg_types.len() > types.len() {
        let arity = if min == types.len() {
            format!("{min}")
        } else {
            format!("{min} to {}", types.len())
        };
        return Err(DataFusionError::Plan(format!(
            "takes {arity} arguments, got {}",
            arg_types.len()
        )));
    }
    Ok(types[..arg_types.len()].to_vec())
}

/// A one-row `ARRAY` value of `values`, its element field `field` (so the list type is exactly
/// the one planned, field name included).
pub(crate) fn one_row_list(
    field: std::sync::Arc<datafusion::arrow::datatypes::Field>,
    values: ArrayRef,
) -> DfResult<ScalarValue> {
    Ok(
        datafusion::common::utils::SingleRowListArrayBuilder::new(values)
            .with_field(&field)
            .build_list_scalar(),
    )
}

/// A function's answer: one value when every argument was one (`all_scalar`) and `out` has one
/// row, else the column.
pub(crate) fn answer(out: ArrayRef, all_scalar: bool) -> DfResult<ColumnarValue> {
    if all_scalar && out.len() == 1 {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

/// Whether row `i` of `array` is a SQL NULL (a `NULL` literal's array has no null buffer, so
/// its `is_null` is false).
pub(crate) fn is_sql_null(array: &dyn Array, i: usize) -> bool {
    *array.data_type() == DataType::Null || array.is_null(i)
}

pub(crate) fn exec_err(message: String) -> DataFusionError {
    DataFusionError::Execution(message)
}

pub(crate) fn plan_err(message: String) -> DataFusionError {
    DataFusionError::Plan(message)
}

/// Spark's refusal of an argument type: `ordinal` ("first", ...) names the argument, `wanted`
/// Spark's list of the types it takes.
pub(crate) fn wrong_type(ordinal: &str, wanted: &str, got: &DataType) -> DataFusionError {
    plan_err(format!(
        "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] The {ordinal} parameter requires the {wanted} type, however it has the type \"{}\". SQLSTATE: 42K09",
        crate::types::spark_type_name(got).to_uppercase()
    ))
}

/// Registers every function of this module's families; the datetime functions' `TIMESTAMP`s
/// are zoned in `time_zone` (the session's).
pub(crate) fn register(ctx: &SessionContext, time_zone: &std::sync::Arc<str>) {
    strings::register(ctx);
    charsets::register(ctx);
    math::register(ctx);
    datetime::register(ctx, time_zone);
    datetime_text::register(ctx);
    datetime_units::register(ctx, time_zone);
    aggregates::register(ctx);
    collections::register(ctx);
    arrays_zip::register(ctx);
    tables::register(ctx);
    higher_order::register(ctx);
    casts::register(ctx, time_zone);
    hashes::register(ctx);
    json::register(ctx, time_zone);
    csv::register(ctx, time_zone);
    misc::register(ctx, time_zone);
    numbers::register(ctx);
    vectors::register(ctx);
    sketches::register(ctx);
    xml::register(ctx);
    xml_records::register(ctx, time_zone);
    time_window::register(ctx, time_zone);
    aes::register(ctx);
    random::register(ctx);
    variant::register(ctx, time_zone);
    counter_diff::register(ctx);
    intervals::register(ctx);
    // Last: they wrap whatever is registered under their names by then.
    bounded::register(ctx);
    text_params::register(ctx);
    // Spark's `position(substr, str[, pos])` is `locate` (DataFusion's `position` is
    // `strpos(str, substr)`, its arguments the other way round); after the wrapping above,
    // which registers `strpos` again with its own aliases.
    alias_udfs(ctx, &[("locate", "position")]);
}

/// Registers each `(existing, alias)` pair: the function `existing` also under Spark's name
/// `alias`. A missing function is skipped (its Spark name stays unknown, a planning error).
pub(crate) fn alias_udfs(ctx: &SessionContext, pairs: &[(&str, &'static str)]) {
    use datafusion::execution::FunctionRegistry as _;
    for (existing, alias) in pairs {
        if let Ok(udf) = ctx.udf(existing) {
            ctx.register_udf(udf.as_ref().clone().with_aliases([*alias]));
        }
    }
}

/// As [`alias_udfs`], for aggregate functions.
pub(crate) fn alias_udafs(ctx: &SessionContext, pairs: &[(&str, &'static str)]) {
    use datafusion::execution::FunctionRegistry as _;
    for (existing, alias) in pairs {
        if let Ok(udaf) = ctx.udaf(existing) {
            ctx.register_udaf(udaf.as_ref().clone().with_aliases([*alias]));
        }
    }
}
