//! Typed Rust closures as SQL functions (Spark's `spark.udf.register`).
//!
//! ```
//! use ember_sql::Session;
//! use ember_sql::arrow::array::{AsArray, RecordBatch};
//! use ember_sql::arrow::datatypes::Float64Type;
//!
//! let session = Session::builder().master("local[1]").get_or_create()?;
//! session.udf().register("squared", |x: f64| x * x)?;
//! session.udf().register("greet", |name: String, n: i64| format!("hi {name} x{n}"))?;
//! session.udf().register("safe_div", |a: f64, b: f64| {
//!     if b == 0.0 { Err("division by zero") } else { Ok(a / b) }
//! })?;
//!
//! let batches = session.sql("SELECT squared(3.0) AS s, greet('ann', 2) AS g")?.collect()?;
//! assert_eq!(batches[0].column(0).as_primitive::<Float64Type>().value(0), 9.0);
//! assert_eq!(batches[0].column(1).as_string::<i32>().value(0), "hi ann x2");
//! assert!(session.sql("SELECT safe_div(1.0, 0.0)")?.collect().is_err());
//! # let _: Vec<RecordBatch> = batches;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - Closures take 1 to 4 arguments of type `f32`, `f64`, `i32`, `i64`, `bool` or `String`, and
//!   return one of those, an `Option` of one (`None` is SQL `NULL`), or a `Result<_, E: Display>`
//!   (an `Err` fails the query with [`Error::Udf`]).
//! - The function runs vectorised: once per Arrow record batch, looping over the rows.
//! - Null in, null out: if any argument is `NULL` the closure is not called and the result is
//!   `NULL`. (PySpark calls the Python function with `None`.)
//! - A panic inside the closure is caught and fails the query with [`Error::Udf`]
//!   naming the function.
//! - Argument types are coerced like any SQL function argument: a `FloatType` column passed to an
//!   `f64` closure is widened to `Double` first.
//! - Names are case-insensitive, as in Spark: they are registered in lower case.
//!
//! [`Error::Udf`]: crate::Error::Udf

use std::fmt;
use std::hash::{Hash, Hasher};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayBuilder, ArrayRef, BooleanArray, BooleanBuilder, Float32Array, Float32Builder,
    Float64Array, Float64Builder, Int32Array, Int32Builder, Int64Array, Int64Builder, StringArray,
    StringBuilder,
};
use datafusion::arrow::datatypes::DataType as ArrowType;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::error::UdfFailure;
use crate::{Error, Result};

/// A type a UDF can take as an argument.
pub trait UdfArg: Sized + 'static {
    /// The Arrow array the argument is read from.
    type Array: Array + 'static;
    /// The SQL (Arrow) type of the argument.
    fn data_type() -> ArrowType;
    /// Reads row `i` of `array` (which is known not to be null there).
    fn get(array: &Self::Array, i: usize) -> Self;
}

/// A type a UDF can return (inside `Option` or `Result` too).
pub trait UdfValue: Sized + 'static {
    /// The Arrow builder the results are collected in.
    type Builder: ArrayBuilder;
    /// The SQL (Arrow) type of the result.
    fn data_type() -> ArrowType;
    /// A builder with room for `capacity` values.
    fn builder(capacity: usize) -> Self::Builder;
    /// Appends one result (`None` is `NULL`).
    fn append(builder: &mut Self::Builder, value: Option<Self>);
}

macro_rules! udf_types {
    ($($t:ty => $array:ty, $builder:ty, $arrow:ident, |$a:ident, $i:ident| $get:expr);* $(;)?) => {$(
        impl UdfArg for $t {
            type Array = $array;
            fn data_type() -> ArrowType { ArrowType::$arrow }
            fn get($a: &Self::Array, $i: usize) -> Self { $get }
        }
        impl UdfValue for $t {
            type Builder = $builder;
            fn data_type() -> ArrowType { ArrowType::$arrow }
            fn builder(capacity: usize) -> Self::Builder { <$builder>::with_capacity(capacity) }
            fn append(builder: &mut Self::Builder, value: Option<Self>) { builder.append_option(value) }
        }
    )*};
}
udf_types! {
    f32 => Float32Array, Float32Builder, Float32, |a, i| a.value(i);
    f64 => Float64Array, Float64Builder, Float64, |a, i| a.value(i);
    i32 => Int32Array, Int32Builder, Int32, |a, i| a.value(i);
    i64 => Int64Array, Int64Builder, Int64, |a, i| a.value(i);
    bool => BooleanArray, BooleanBuilder, Boolean, |a, i| a.value(i);
}

impl UdfArg for String {
    type Array = StringArray;
    fn data_type() -> ArrowType {
        ArrowType::Utf8
    }
    fn get(array: &Self::Array, i: usize) -> Self {
        array.value(i).to_owned()
    }
}

impl UdfValue for String {
    type Builder = StringBuilder;
    fn data_type() -> ArrowType {
        ArrowType::Utf8
    }
    fn builder(capacity: usize) -> Self::Builder {
        StringBuilder::with_capacity(capacity, capacity * 8)
    }
    fn append(builder: &mut Self::Builder, value: Option<Self>) {
        builder.append_option(value);
    }
}

/// What a UDF closure may return: a [`UdfValue`], `Option<V>` or `Result<V, E>`/`Result<Option<V>, E>`.
pub trait UdfReturn: 'static {
    /// The value type stored in the result column.
    type Value: UdfValue;
    /// The value (`None` is `NULL`) or the error message.
    fn into_result(self) -> Result<Option<Self::Value>, String>;
}

macro_rules! udf_return_plain {
    ($($t:ty),*) => {$(
        impl UdfReturn for $t {
            type Value = $t;
            fn into_result(self) -> Result<Option<$t>, String> { Ok(Some(self)) }
        }
        impl UdfReturn for Option<$t> {
            type Value = $t;
            fn into_result(self) -> Result<Option<$t>, String> { Ok(self) }
        }
        impl<E: fmt::Display + 'static> UdfReturn for Result<$t, E> {
            type Value = $t;
            fn into_result(self) -> Result<Option<$t>, String> { self.map(Some).map_err(|e| e.to_string()) }
        }
        impl<E: fmt::Display + 'static> UdfReturn for Result<Option<$t>, E> {
            type Value = $t;
            fn into_result(self) -> Result<Option<$t>, String> { self.map_err(|e| e.to_string()) }
        }
    )*};
}
udf_return_plain!(f32, f64, i32, i64, bool, String);

type Kernel = dyn Fn(&[ArrayRef], usize) -> Result<ArrayRef, String> + Send + Sync;

/// A Rust closure usable as a SQL function. `Marker` is `fn(Args...) -> R`; it only exists to tell
/// the arities apart, callers never name it.
pub trait IntoUdf<Marker>: Send + Sync + 'static {
    /// The argument types, in order.
    fn arg_types() -> Vec<ArrowType>;
    /// The result type.
    fn return_type() -> ArrowType;
    /// Turns the closure into a vectorised kernel over Arrow arrays.
    #[doc(hidden)]
    fn into_kernel(self) -> Box<Kernel>;
}

fn downcast<A: UdfArg>(array: &ArrayRef, index: usize) -> Result<&A::Array, String> {
    array.as_any().downcast_ref::<A::Array>().ok_or_else(|| {
        format!(
            "argument {} has type {}, expected {}",
            index + 1,
            array.data_type(),
            A::data_type()
        )
    })
}

macro_rules! into_udf {
    ($n:literal; $($arg:ident : $idx:tt),+) => {
        impl<F, R, $($arg),+> IntoUdf<fn($($arg),+) -> R> for F
        where
            F: Fn($($arg),+) -> R + Send + Sync + 'static,
            R: UdfReturn,
            $($arg: UdfArg),+
        {
            fn arg_types() -> Vec<ArrowType> {
                vec![$($arg::data_type()),+]
            }
            fn return_type() -> ArrowType {
                <R::Value as UdfValue>::data_type()
            }
            #[allow(non_snake_case)]
            fn into_kernel(self) -> Box<Kernel> {
                Box::new(move |arrays: &[ArrayRef], rows: usize| {
                    if arrays.len() != $n {
                        return Err(format!("expected {} arguments, got {}", $n, arrays.len()));
                    }
                    $(let $arg = downcast::<$arg>(&arrays[$idx], $idx)?;)+
                    let mut out = <R::Value as UdfValue>::builder(rows);
                    if $($arg.null_count() == 0)&&+ {
                        // Fast path: no per-row null checks.
                        for i in 0..rows {
                            let value = (self)($(<$arg as UdfArg>::get($arg, i)),+).into_result()?;
                            <R::Value as UdfValue>::append(&mut out, value);
                        }
                    } else {
                        for i in 0..rows {
                            if $($arg.is_null(i))||+ {
                                <R::Value as UdfValue>::append(&mut out, None);
                                continue;
                            }
                            let value = (self)($(<$arg as UdfArg>::get($arg, i)),+).into_result()?;
                            <R::Value as UdfValue>::append(&mut out, value);
                        }
                    }
                    Ok(out.finish())
                })
            }
        }
    };
}
into_udf!(1; A: 0);
into_udf!(2; A: 0, B: 1);
into_udf!(3; A: 0, B: 1, C: 2);
into_udf!(4; A: 0, B: 1, C: 2, D: 3);

/// A registered Ember UDF, as a DataFusion [`ScalarUDFImpl`].
struct EmberUdf {
    name: String,
    signature: Signature,
    return_type: ArrowType,
    kernel: Arc<Kernel>,
}

impl fmt::Debug for EmberUdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmberUdf")
            .field("name", &self.name)
            .field("signature", &self.signature)
            .field("return_type", &self.return_type)
            .finish_non_exhaustive()
    }
}

impl PartialEq for EmberUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && Arc::ptr_eq(&self.kernel, &other.kernel)
    }
}

impl Eq for EmberUdf {}

impl Hash for EmberUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl ScalarUDFImpl for EmberUdf {
    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[ArrowType]) -> datafusion::error::Result<ArrowType> {
        Ok(self.return_type.clone())
    }

    fn invoke_with_args(
        &self,
        args: ScalarFunctionArgs,
    ) -> datafusion::error::Result<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let rows = if all_scalar { 1 } else { args.number_rows };
        let arrays = args
            .args
            .iter()
            .map(|a| a.to_array(rows))
            .collect::<datafusion::error::Result<Vec<_>>>()?;
        let fail = |message| {
            DataFusionError::External(Box::new(UdfFailure {
                name: self.name.clone(),
                message,
            }))
        };
        let result = catch_unwind(AssertUnwindSafe(|| (self.kernel)(&arrays, rows)))
            .map_err(|payload| {
                fail(format!(
                    "panicked: {}",
                    ember_rdd::panic_message(payload.as_ref())
                ))
            })?
            .map_err(fail)?;
        if all_scalar {
            Ok(ColumnarValue::Scalar(
                datafusion::scalar::ScalarValue::try_from_array(&result, 0)?,
            ))
        } else {
            Ok(ColumnarValue::Array(result))
        }
    }
}

/// Builds a DataFusion [`ScalarUDF`] from a typed closure. Usually you call
/// [`UdfRegistration::register`] instead; this is for building `Expr`s by hand.
pub fn create_udf<M, F: IntoUdf<M>>(name: &str, f: F) -> ScalarUDF {
    ScalarUDF::new_from_impl(EmberUdf {
        name: name.to_lowercase(),
        signature: Signature::exact(F::arg_types(), Volatility::Immutable),
        return_type: F::return_type(),
        kernel: Arc::from(f.into_kernel()),
    })
}

/// Spark's `spark.udf`: registers functions on a session. Get one from
/// [`Session::udf`](crate::Session::udf).
pub struct UdfRegistration<'a> {
    pub(crate) ctx: &'a datafusion::prelude::SessionContext,
}

impl fmt::Debug for UdfRegistration<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdfRegistration")
            .field("session_id", &self.ctx.session_id())
            .finish()
    }
}

impl UdfRegistration<'_> {
    /// Registers `f` as the SQL function `name` (case-insensitive), replacing any function of
    /// that name. Returns an error if the name is empty or not a valid identifier.
    pub fn register<M, F: IntoUdf<M>>(&self, name: &str, f: F) -> Result<()> {
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(Error::InvalidArgument {
                message: format!("UDF name `{name}` must be a non-empty identifier"),
            });
        }
        self.ctx.register_udf(create_udf(name, f));
        Ok(())
    }

    /// Registers a prebuilt DataFusion UDF (for functions the typed closures cannot express).
    pub fn register_udf(&self, udf: ScalarUDF) {
        self.ctx.register_udf(udf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::AsArray;
    use datafusion::arrow::datatypes::{Float64Type, Int64Type};

    fn kernel<M, F: IntoUdf<M>>(f: F) -> Box<Kernel> {
        f.into_kernel()
    }

    #[test]
    fn null_in_null_out() {
        let k = kernel(|x: f64| x * x);
        let input: ArrayRef = Arc::new(Float64Array::from(vec![Some(3.0), None]));
        let out = k(&[input], 2).unwrap();
        let out = out.as_primitive::<Float64Type>();
        assert_eq!(out.value(0), 9.0);
        assert!(out.is_null(1));
    }

    #[test]
    fn four_arguments_and_strings() {
        let k = kernel(|a: String, b: i64, c: bool, d: f32| format!("{a}{b}{c}{d}"));
        let out = k(
            &[
                Arc::new(StringArray::from(vec!["x"])),
                Arc::new(Int64Array::from(vec![1])),
                Arc::new(BooleanArray::from(vec![true])),
                Arc::new(Float32Array::from(vec![0.5])),
            ],
            1,
        )
        .unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "x1true0.5");
    }

    #[test]
    fn errors_and_options() {
        let k = kernel(|a: i64| {
            if a < 0 {
                Err("negative")
            } else {
                Ok(Some(a * 2))
            }
        });
        let ok = k(&[Arc::new(Int64Array::from(vec![2]))], 1).unwrap();
        assert_eq!(ok.as_primitive::<Int64Type>().value(0), 4);
        let err = k(&[Arc::new(Int64Array::from(vec![-1]))], 1).unwrap_err();
        assert_eq!(err, "negative");
        let wrong = k(&[Arc::new(Float64Array::from(vec![1.0]))], 1).unwrap_err();
        assert!(wrong.contains("expected Int64"), "{wrong}");
    }

    #[test]
    fn udf_metadata() {
        let udf = create_udf("MyFn", |x: i32, y: i32| x + y);
        assert_eq!(udf.name(), "myfn");
        assert_eq!(udf.return_type(&[]).unwrap(), ArrowType::Int32);
    }
}
