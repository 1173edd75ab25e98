//! Spark's array and map functions missing from DataFusion and `datafusion-spark`, or named or
//! typed differently there: `sequence`, `array_size`/`cardinality` (`INT`), `map_contains_key`,
//! `try_element_at`, `get` (0-based), `array_prepend(array, element)`, `array_remove` (every
//! copy), `array_position` (`BIGINT`, 0 when absent).

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int64Array, LargeListArray, ListArray, MutableArrayData, StructArray,
    make_array,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::cast as cast_array;
use datafusion::arrow::compute::kernels::length::length;
use datafusion::arrow::datatypes::ArrowNativeType;
use datafusion::arrow::datatypes::{DataType, Field, Int32Type, Int64Type, IntervalUnit};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::functions_nested::expr_fn as nested;
use datafusion::logical_expr::type_coercion::binary::comparison_coercion;
use datafusion::logical_expr::{Expr, ScalarUDF, Signature, Volatility, cast, lit, when};
use datafusion::prelude::SessionContext;

use super::{exec_err, plan_err};
use crate::rewrites::{ReturnType, Rewrite, SparkRewrite, one, two};

fn rewrite(name: &'static str, return_type: ReturnType, rewrite: Rewrite) -> ScalarUDF {
    ScalarUDF::new_from_impl(SparkRewrite {
        name,
        signature: Signature::variadic_any(Volatility::Immutable),
        return_type,
        rewrite,
    })
}

/// `element_at_index(array, i)`: `i` (a `BIGINT`) when it points into `array` (1-based,
/// negative from the end), `NULL` when either is `NULL`, and otherwise Spark's ANSI errors:
/// `[INVALID_INDEX_OF_ZERO]` for 0, `[INVALID_ARRAY_INDEX_IN_ELEMENT_AT]` past either end.
/// `element_at` (in `rewrites.rs`) reads the element at the index this returns.
pub(crate) fn element_at_index() -> ScalarUDF {
    super::ColumnFn::new(
        "element_at_index",
        array_and_index,
        |_| Ok(DataType::Int64),
        |args| {
            checked_indexes(args, |n, i| {
                if i == 0 {
                    Err(super::exec_err(
                        "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be \
                         either < 0 or > 0 (the first element has index 1)."
                            .to_owned(),
                    ))
                } else if i.unsigned_abs() > n.unsigned_abs() {
                    Err(super::exec_err(format!(
                        "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index {i} is out of bounds. \
                         The array has {n} elements. Use `try_element_at` to tolerate \
                         accessing element at invalid index and return NULL instead."
                    )))
                } else {
                    Ok(i)
                }
            })
        },
    )
    .udf()
}

/// The coercion of `(array, index)`: the array as it is, the index a `BIGINT`.
fn array_and_index(t: &[DataType]) -> DfResult<Vec<DataType>> {
    match t {
        [
            a @ (DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..)),
            _,
        ] => Ok(vec![a.clone(), DataType::Int64]),
        _ => Err(plan_err(format!("takes an array and an index, got {t:?}"))),
    }
}

/// Each row's index (`args[1]`) into its array (`args[0]`) as `rule(length, index)` makes it
/// (the index to read, or the row's error); `NULL` where either is `NULL`.
fn checked_indexes(args: &[ArrayRef], rule: fn(i64, i64) -> DfResult<i64>) -> DfResult<ArrayRef> {
    let lengths = cast_array(&length(&args[0])?, &DataType::Int64)?;
    let lengths = lengths.as_primitive::<Int64Type>();
    let index = args[1].as_primitive::<Int64Type>();
    let out = lengths
        .iter()
        .zip(index.iter())
        .map(|(n, i)| match (n, i) {
            (Some(n), Some(i)) => rule(n, i).map(Some),
            _ => Ok(None),
        })
        .collect::<DfResult<Int64Array>>()?;
    Ok(Arc::new(out) as ArrayRef)
}

/// The hidden function `array[i]` is planned with under ANSI mode (`spark.rs`).
pub(crate) const SUBSCRIPT_INDEX: &str = "__ember_subscript_index";

/// [`SUBSCRIPT_INDEX`]`(array, i)`: Spark's `array[i]` (0-based) under ANSI mode: the 1-based
/// index of the element when `i` points into `array`, `NULL` when either is `NULL`, and
/// otherwise Spark's `[INVALID_ARRAY_INDEX]` (negative indexes too: `[]` does not count from
/// the end).
pub(crate) fn subscript_index() -> ScalarUDF {
    super::ColumnFn::new(
        SUBSCRIPT_INDEX,
        array_and_index,
        |_| Ok(DataType::Int64),
        |args| {
            checked_indexes(args, |n, i| {
                if i < 0 || i >= n {
                    Err(super::exec_err(format!(
                        "[INVALID_ARRAY_INDEX] The index {i} is out of bounds. The array has {n} \
                         elements. Use the SQL function `get()` to tolerate accessing element at \
                         invalid index and return NULL instead. If necessary set \
                         \"spark.sql.ansi.enabled\" to \"false\" to bypass this error."
                    )))
                } else {
                    Ok(i + 1)
                }
            })
        },
    )
    .udf()
}

fn element_type(t: Option<&DataType>) -> DfResult<DataType> {
    match t {
        Some(DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)) => {
            Ok(f.data_type().clone())
        }
        Some(DataType::Null) => Ok(DataType::Null),
        other => Err(plan_err(format!("expected an array, got {other:?}"))),
    }
}

fn map_value_type(t: &DataType) -> Option<DataType> {
    match t {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => Some(kv[1].data_type().clone()),
            _ => None,
        },
        _ => None,
    }
}

fn list_of(t: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(t, true)))
}

/// The element type of `sequence(start, stop[, step])`.
fn sequence_element(types: &[DataType]) -> DfResult<DataType> {
    match types.first() {
        Some(DataType::Date32) => Ok(DataType::Date32),
        Some(t @ (DataType::Int8 | DataType::Int16 | DataType::Int32))
            if types
                .get(1)
                .is_some_and(|u| u == t || !matches!(u, DataType::Int64)) =>
        {
            Ok(DataType::Int32)
        }
        Some(t) if t.is_integer() || *t == DataType::Null => Ok(DataType::Int64),
        other => Err(plan_err(format!(
            "sequence takes integers or dates, got {other:?}"
        ))),
    }
}

fn sequence(args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    let element = sequence_element(types)?;
    let mut it = args.into_iter();
    let (Some(start), Some(stop), step) = (it.next(), it.next(), it.next()) else {
        return Err(plan_err(
            "sequence takes a start, a stop and an optional step".to_owned(),
        ));
    };
    if element == DataType::Date32 {
        // Without a step, a day forward or back (Spark's default for dates).
        let step = match (step, types.get(2)) {
            // An ANSI interval step (`INTERVAL '1' DAY`, `INTERVAL '1' MONTH`) as the calendar
            // interval DataFusion's series steps by.
            (Some(step), Some(DataType::Duration(_))) => super::intervals::as_calendar(step),
            (Some(step), Some(DataType::Interval(IntervalUnit::YearMonth))) => {
                cast(step, DataType::Interval(IntervalUnit::MonthDayNano))
            }
            (Some(step), _) => step,
            (None, _) => {
                let days = |n: i32| {
                    lit(ScalarValue::IntervalMonthDayNano(Some(
                        datafusion::arrow::datatypes::IntervalMonthDayNano::new(0, n, 0),
                    )))
                };
                when(start.clone().lt_eq(stop.clone()), days(1)).otherwise(days(-1))?
            }
        };
        // Bounded as integers are: `sequence(DATE'0001-01-01', DATE'9999-12-31', INTERVAL 1 DAY)`
        // is 3.6 million elements per row.
        return Ok(super::bounded::date_series().call(vec![start, stop, step]));
    }
    let (start, stop) = (cast(start, DataType::Int64), cast(stop, DataType::Int64));
    let step = match step {
        Some(s) => cast(s, DataType::Int64),
        None => when(start.clone().lt_eq(stop.clone()), lit(1i64)).otherwise(lit(-1i64))?,
    };
    // Bounded: `sequence(1, 2000000000)` would otherwise build its two billion elements.
    Ok(cast(
        super::bounded::generate_series().call(vec![start, stop, step]),
        list_of(element),
    ))
}

/// `map_concat(m1, m2, ...)`: the entries of every map in order, `NULL` if any map is `NULL`;
/// a key in two maps is an error, as in Spark (its default `EXCEPTION` dedup policy).
fn map_concat(args: Vec<Expr>, types: &[DataType]) -> DfResult<Expr> {
    if args.is_empty() || !types.iter().all(|t| matches!(t, DataType::Map(..))) {
        return Err(plan_err(format!("map_concat takes maps, got {types:?}")));
    }
    let any_null = args
        .iter()
        .map(|m| m.clone().is_null())
        .reduce(Expr::or)
        .unwrap_or_else(|| lit(false));
    let keys = nested::array_concat(args.iter().map(|m| nested::map_keys(m.clone())).collect());
    let values = nested::array_concat(args.into_iter().map(nested::map_values).collect());
    let merged = datafusion::functions_nested::map::map_udf().call(vec![keys, values]);
    let null_map = lit(ScalarValue::try_from(&types[0])?);
    when(any_null, null_map).otherwise(merged)
}

/// `array_insert(array, pos, value)` (Spark 3.4): `value` placed at 1-based `pos`; past the end
/// the array is padded with `NULL`s; a negative `pos` counts from the end (`-1` appends), and
/// before the start pads at the front; `pos` 0 is Spark's `[INVALID_INDEX_OF_ZERO]` error.
fn array_insert() -> super::ColumnFn {
    super::ColumnFn::new(
        "array_insert",
        |t| {
            let [list, _, value] = t else {
                return Err(plan_err(format!(
                    "takes an array, a position and a value, got {} arguments",
                    t.len()
                )));
            };
            let element = match list {
                DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => {
                    f.data_type().clone()
                }
                DataType::Null => value.clone(),
                other => return Err(plan_err(format!("takes an array first, got {other}"))),
            };
            let element = match (&element, value) {
                (DataType::Null, v) => v.clone(),
                (e, DataType::Null) => e.clone(),
                (e, v) => comparison_coercion(e, v).unwrap_or_else(|| e.clone()),
            };
            Ok(vec![list_of(element.clone()), DataType::Int32, element])
        },
        |t| Ok(t[0].clone()),
        |args| {
            let list = args[0].as_list::<i32>();
            let pos = args[1].as_primitive::<Int32Type>();
            let values = list.values();
            let inserted = &args[2];
            let data = [values.to_data(), inserted.to_data()];
            let mut out = MutableArrayData::new(data.iter().collect(), true, values.len());
            let mut offsets = vec![0i32];
            let mut valid = Vec::with_capacity(list.len());
            let mut len = 0usize;
            for i in 0..list.len() {
                if list.is_null(i) || pos.is_null(i) {
                    valid.push(false);
                    offsets.push(i32::try_from(len).map_err(|_| too_long())?);
                    continue;
                }
                let start = list.value_offsets()[i].as_usize();
                let n = list.value_length(i).as_usize();
                let p = i64::from(pos.value(i));
                if p == 0 {
                    return Err(exec_err(
                        "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1). SQLSTATE: 22003".to_owned(),
                    ));
                }
                // Where the value goes among the array's elements, 0-based; before the start
                // (negative) or past the end, NULLs fill the gap.
                let at = if p > 0 { p - 1 } else { n as i64 + p + 1 };
                let n_i64 = n as i64;
                let new_len = at.max(n_i64).saturating_add(1).max(n_i64 + 1 - at.min(0));
                // Bounded per call, as the other functions that pad are (`bounded.rs`).
                let total = (len as i64).saturating_add(new_len);
                if total > MAX_INSERTED_LEN {
                    return Err(exec_err(format!(
                        "[COLLECTION_SIZE_LIMIT_EXCEEDED] array_insert at position {p} would make {total} elements in one batch, over Ember's limit of {MAX_INSERTED_LEN}"
                    )));
                }
                if at < 0 {
                    let gap = usize::try_from(-at).map_err(|_| too_long())?;
                    out.try_extend(1, i, i + 1)?;
                    out.try_extend_nulls(gap)?;
                    out.try_extend(0, start, start + n)?;
                    len += 1 + gap + n;
                } else if at > n_i64 {
                    let gap = usize::try_from(at - n_i64).map_err(|_| too_long())?;
                    out.try_extend(0, start, start + n)?;
                    out.try_extend_nulls(gap)?;
                    out.try_extend(1, i, i + 1)?;
                    len += n + gap + 1;
                } else {
                    let at = usize::try_from(at).map_err(|_| too_long())?;
                    out.try_extend(0, start, start + at)?;
                    out.try_extend(1, i, i + 1)?;
                    out.try_extend(0, start + at, start + n)?;
                    len += n + 1;
                }
                valid.push(true);
                offsets.push(i32::try_from(len).map_err(|_| too_long())?);
            }
            let field = match args[0].data_type() {
                DataType::List(f) => Arc::clone(f),
                other => return Err(exec_err(format!("array_insert: not an array: {other}"))),
            };
            let array = ListArray::try_new(
                field,
                OffsetBuffer::new(offsets.into()),
                make_array(out.freeze()),
                Some(NullBuffer::from(valid)),
            )?;
            Ok(Arc::new(array) as ArrayRef)
        },
    )
}

/// The most elements `array_insert` makes in one call: a far position pads with `NULL`s, so
/// one row could otherwise ask for billions of them.
const MAX_INSERTED_LEN: i64 = super::bounded::MAX_GENERATED as i64;

fn too_long() -> datafusion::error::DataFusionError {
    exec_err("array_insert: the array would be too long".to_owned())
}

/// `array_append`/`array_prepend`'s arguments with the element cast to the array's element
/// type (an untyped NULL element made DataFusion's kernel panic on mixed types).
fn array_and_element(array: Expr, element: Expr, types: &[DataType]) -> DfResult<(Expr, Expr)> {
    match types.first() {
        // Spark refuses an untyped NULL array (`array_append(NULL, 1)`).
        Some(DataType::Null) => Err(plan_err(
            "array_append/array_prepend: the first parameter requires the ARRAY type, got an \
             untyped NULL"
                .to_owned(),
        )),
        Some(DataType::List(f) | DataType::LargeList(f))
            if types.get(1) == Some(&DataType::Null) =>
        {
            Ok((array, cast(element, f.data_type().clone())))
        }
        _ => Ok((array, element)),
    }
}

/// `call` where `array` is not NULL, NULL (of the array's type) where it is: Spark's
/// `array_append(NULL, x)` is NULL (DataFusion's was `[x]`).
fn null_for_null_array(array: Expr, call: Expr, types: &[DataType]) -> DfResult<Expr> {
    let t = types.first().cloned().unwrap_or(DataType::Null);
    when(array.is_null(), lit(ScalarValue::try_from(&t)?)).otherwise(call)
}

/// Registers the array and map functions.
/// Spark's `element_at`: a map's value for a key, or an array's element at a 1-based index
/// (negative from the end) with Spark 4's ANSI errors past either end.
fn element_at() -> SparkRewrite {
    SparkRewrite {
        name: "element_at",
        signature: Signature::any(2, Volatility::Immutable),
        return_type: |types| match types.first() {
            Some(DataType::Map(entries, _)) => match entries.data_type() {
                DataType::Struct(kv) if kv.len() == 2 => Ok(kv[1].data_type().clone()),
                other => Err(plan_err(format!(
                    "element_at: unexpected map entries {other}"
                ))),
            },
            Some(DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)) => {
                Ok(f.data_type().clone())
            }
            other => Err(plan_err(format!(
                "element_at takes an array or a map, got {other:?}"
            ))),
        },
        rewrite: |args, types| {
            let (container, key) = two(args)?;
            if matches!(types.first(), Some(DataType::Map(..))) {
                Ok(datafusion::functions::core::get_field().call(vec![container, key]))
            } else {
                // Spark 4 (ANSI) fails an index outside the array; `try_element_at` is NULL.
                let index =
                    element_at_index().call(vec![container.clone(), cast(key, DataType::Int64)]);
                Ok(datafusion::functions_nested::expr_fn::array_element(
                    container, index,
                ))
            }
        },
    }
}

/// The hidden function `arr.f` of an array of structs is planned into (`spark.rs`).
pub(crate) const ARRAY_FIELD: &str = "__ember_array_field";

/// Spark's `arr.f` of an array of structs (`GetArrayStructFields`): the array of each element's
/// field `f` (NULL for a NULL element; a NULL array is NULL); DataFusion's field access takes
/// only a struct. `__ember_array_field(arr, 'f')`, the name a literal, matched as Spark
/// resolves it (exactly, else ignoring case).
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct ArrayField {
    signature: Signature,
}

impl ArrayField {
    pub(crate) fn udf() -> ScalarUDF {
        ScalarUDF::new_from_impl(ArrayField {
            signature: Signature::any(2, Volatility::Immutable),
        })
    }
}

/// The index and field of the struct field `name` among `fields`: exactly, else ignoring case.
pub(crate) fn struct_field(
    fields: &datafusion::arrow::datatypes::Fields,
    name: &str,
) -> Option<(usize, Arc<Field>)> {
    fields
        .iter()
        .position(|f| f.name() == name)
        .or_else(|| {
            fields
                .iter()
                .position(|f| f.name().eq_ignore_ascii_case(name))
        })
        .map(|i| (i, Arc::clone(&fields[i])))
}

/// The element struct's fields of an array type, and the field named by the literal argument.
fn array_field_of(list: &DataType, name: Option<&ScalarValue>) -> DfResult<(usize, Arc<Field>)> {
    let Some(DataType::Struct(fields)) = element_type(Some(list)).ok() else {
        return Err(plan_err(format!(
            "{ARRAY_FIELD}: expected an array of structs, got {list}"
        )));
    };
    let name = match name {
        Some(
            ScalarValue::Utf8(Some(n))
            | ScalarValue::Utf8View(Some(n))
            | ScalarValue::LargeUtf8(Some(n)),
        ) => n,
        _ => {
            return Err(plan_err(format!(
                "{ARRAY_FIELD}: the field name must be a string literal"
            )));
        }
    };
    struct_field(&fields, name).ok_or_else(|| {
        plan_err(format!(
            "[FIELD_NOT_FOUND] No such struct field `{name}` in {}.",
            fields
                .iter()
                .map(|f| format!("`{}`", f.name()))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

impl datafusion::logical_expr::ScalarUDFImpl for ArrayField {
    fn name(&self) -> &str {
        ARRAY_FIELD
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(format!(
            "{ARRAY_FIELD} is typed from its arguments"
        )))
    }

    fn return_field_from_args(
        &self,
        args: datafusion::logical_expr::ReturnFieldArgs<'_>,
    ) -> DfResult<datafusion::arrow::datatypes::FieldRef> {
        let list = args
            .arg_fields
            .first()
            .ok_or_else(|| plan_err(format!("{ARRAY_FIELD} takes an array and a name")))?;
        let name = args.scalar_arguments.get(1).copied().flatten();
        let (_, field) = array_field_of(list.data_type(), name)?;
        let element = Field::new_list_field(field.data_type().clone(), true)
            .with_metadata(field.metadata().clone());
        Ok(Arc::new(Field::new(
            ARRAY_FIELD,
            list_like(list.data_type(), element),
            true,
        )))
    }

    fn invoke_with_args(
        &self,
        args: datafusion::logical_expr::ScalarFunctionArgs,
    ) -> DfResult<datafusion::logical_expr::ColumnarValue> {
        let name = match args.args.get(1) {
            Some(datafusion::logical_expr::ColumnarValue::Scalar(v)) => Some(v.clone()),
            _ => None,
        };
        let input = match args.args.first() {
            Some(a) => a.to_array(args.number_rows)?,
            None => return Err(exec_err(format!("{ARRAY_FIELD} takes an array and a name"))),
        };
        let (index, _) = array_field_of(input.data_type(), name.as_ref())?;
        let (DataType::List(element) | DataType::LargeList(element)) =
            args.return_field.data_type()
        else {
            return Err(exec_err(format!("{ARRAY_FIELD}: unexpected result type")));
        };
        // Each element's field, NULL where the element is NULL.
        let field_of = |values: &ArrayRef| -> DfResult<ArrayRef> {
            let structs = values
                .as_struct_opt()
                .ok_or_else(|| exec_err(format!("{ARRAY_FIELD}: elements are not structs")))?;
            let column = structs.column(index);
            let nulls = NullBuffer::union(structs.nulls(), column.nulls());
            Ok(make_array(
                column.to_data().into_builder().nulls(nulls).build()?,
            ))
        };
        let out: ArrayRef = if let Some(list) = input.as_list_opt::<i32>() {
            Arc::new(ListArray::try_new(
                Arc::clone(element),
                list.offsets().clone(),
                field_of(list.values())?,
                list.nulls().cloned(),
            )?)
        } else if let Some(list) = input.as_list_opt::<i64>() {
            Arc::new(LargeListArray::try_new(
                Arc::clone(element),
                list.offsets().clone(),
                field_of(list.values())?,
                list.nulls().cloned(),
            )?)
        } else {
            return Err(exec_err(format!(
                "{ARRAY_FIELD}: expected an array, got {}",
                input.data_type()
            )));
        };
        Ok(datafusion::logical_expr::ColumnarValue::Array(out))
    }
}

/// A list type of `element`, large if `like` is.
fn list_like(like: &DataType, element: Field) -> DataType {
    match like {
        DataType::LargeList(_) => DataType::LargeList(Arc::new(element)),
        _ => DataType::List(Arc::new(element)),
    }
}

/// DataFusion's array functions with Spark's answers where they differ: the function as
/// DataFusion registers it, its answers corrected by [`ArrayFix`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkArrayFn {
    inner: Arc<ScalarUDF>,
    fix: ArrayFix,
}

/// What [`SparkArrayFn`] corrects.
#[derive(Debug, PartialEq, Eq, Hash, Clone, Copy)]
enum ArrayFix {
    /// [`least_values`].
    Least,
    /// [`flatten_values`].
    Flatten,
    /// [`overlap_values`], registered as `arrays_overlap`.
    Overlap,
}

impl SparkArrayFn {
    fn udf(inner: Arc<ScalarUDF>, fix: ArrayFix) -> ScalarUDF {
        ScalarUDF::new_from_impl(SparkArrayFn { inner, fix })
    }
}

impl datafusion::logical_expr::ScalarUDFImpl for SparkArrayFn {
    fn name(&self) -> &str {
        match self.fix {
            ArrayFix::Overlap => "arrays_overlap",
            ArrayFix::Least | ArrayFix::Flatten => self.inner.name(),
        }
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        self.inner.return_type(arg_types)
    }

    fn invoke_with_args(
        &self,
        args: datafusion::logical_expr::ScalarFunctionArgs,
    ) -> DfResult<datafusion::logical_expr::ColumnarValue> {
        match self.fix {
            ArrayFix::Least => least_values(&self.inner, args),
            ArrayFix::Flatten => flatten_values(&self.inner, args),
            ArrayFix::Overlap => overlap_values(&self.inner, args),
        }
    }
}

/// DataFusion's `least` with Spark's order for arrays and structs: a NULL element or field is
/// smaller than any value, so `least(array(1, NULL), array(1, 2))` is `[1, NULL]`. DataFusion's
/// orders NULLs last to skip NULL arguments, which also put NULLs inside a value last. NULL
/// arguments are still skipped; other types stay DataFusion's. (`greatest` orders NULLs first
/// and so already agrees with Spark.)
fn least_values(
    inner: &ScalarUDF,
    args: datafusion::logical_expr::ScalarFunctionArgs,
) -> DfResult<datafusion::logical_expr::ColumnarValue> {
    use datafusion::arrow::row::{RowConverter, SortField};
    let t = args.return_field.data_type().clone();
    if !matches!(
        t,
        DataType::Struct(_)
            | DataType::List(_)
            | DataType::LargeList(_)
            | DataType::FixedSizeList(..)
    ) {
        return inner.invoke_with_args(args);
    }
    // Every argument at the batch's length (all scalars would give arrays of one row).
    let arrays = args
        .args
        .iter()
        .map(|a| a.to_array(args.number_rows))
        .collect::<DfResult<Vec<_>>>()?;
    let rows = RowConverter::new(vec![SortField::new_with_options(
        t.clone(),
        datafusion::arrow::compute::SortOptions {
            descending: false,
            nulls_first: true,
        },
    )])?;
    let converted = arrays
        .iter()
        .map(|a| rows.convert_columns(std::slice::from_ref(a)))
        .collect::<Result<Vec<_>, _>>()?;
    // A row whose arguments are all NULL takes its NULL from this last source.
    let null = datafusion::arrow::array::new_null_array(&t, 1);
    let mut sources: Vec<&dyn Array> = arrays.iter().map(|a| a.as_ref()).collect();
    sources.push(null.as_ref());
    let picks: Vec<(usize, usize)> = (0..args.number_rows)
        .map(|i| {
            (0..arrays.len())
                .filter(|&j| arrays[j].is_valid(i))
                .min_by(|&a, &b| converted[a].row(i).cmp(&converted[b].row(i)))
                .map_or((arrays.len(), 0), |j| (j, i))
        })
        .collect();
    let least = datafusion::arrow::compute::interleave(&sources, &picks)?;
    Ok(datafusion::logical_expr::ColumnarValue::Array(least))
}

/// Spark's `arrays_overlap(a, b)`: DataFusion's `array_has_any`, but NULL where no non-NULL
/// element is shared, both arrays have elements and either holds a NULL (Spark's three-valued
/// answer: the NULL might have matched); DataFusion answered false.
fn overlap_values(
    inner: &ScalarUDF,
    args: datafusion::logical_expr::ScalarFunctionArgs,
) -> DfResult<datafusion::logical_expr::ColumnarValue> {
    let rows = args.number_rows;
    // Every argument at the batch's length (all scalars would give arrays of one row).
    let inputs = args
        .args
        .iter()
        .map(|a| a.to_array(rows))
        .collect::<DfResult<Vec<_>>>()?;
    let overlap = inner.invoke_with_args(args)?.to_array(rows)?;
    let Some(answers) = overlap.as_boolean_opt() else {
        return Ok(datafusion::logical_expr::ColumnarValue::Array(overlap));
    };
    // Per row: (has elements, holds a NULL) of each array.
    let shape = |a: &ArrayRef| -> Vec<(bool, bool)> {
        let spans = |offsets: Vec<usize>, values: &dyn Array| {
            offsets
                .windows(2)
                .map(|w| (w[1] > w[0], (w[0]..w[1]).any(|j| values.is_null(j))))
                .collect::<Vec<_>>()
        };
        if let Some(list) = a.as_list_opt::<i32>() {
            spans(
                list.offsets().iter().map(|o| o.as_usize()).collect(),
                list.values().as_ref(),
            )
        } else if let Some(list) = a.as_list_opt::<i64>() {
            spans(
                list.offsets().iter().map(|o| o.as_usize()).collect(),
                list.values().as_ref(),
            )
        } else {
            vec![(false, false); a.len()]
        }
    };
    let (Some(a), Some(b)) = (inputs.first(), inputs.get(1)) else {
        return Ok(datafusion::logical_expr::ColumnarValue::Array(overlap));
    };
    let (sa, sb) = (shape(a), shape(b));
    let answered: datafusion::arrow::array::BooleanArray = (0..answers.len())
        .map(|i| {
            if answers.is_null(i) {
                return None;
            }
            let v = answers.value(i);
            let ((ea, na), (eb, nb)) = (sa[i], sb[i]);
            (v || !(ea && eb && (na || nb))).then_some(v)
        })
        .collect();
    Ok(datafusion::logical_expr::ColumnarValue::Array(Arc::new(
        answered,
    )))
}

/// DataFusion's `flatten` with Spark's NULL: an array that holds a NULL array flattens to NULL
/// (DataFusion skipped it: `flatten(array(array(1, 2), NULL))` was `[1, 2]`).
fn flatten_values(
    inner: &ScalarUDF,
    args: datafusion::logical_expr::ScalarFunctionArgs,
) -> DfResult<datafusion::logical_expr::ColumnarValue> {
    let rows = args.number_rows;
    let input = match args.args.first() {
        Some(arg) => arg.to_array(rows)?,
        None => return inner.invoke_with_args(args),
    };
    // Each row: whether it holds a NULL array (its outer array itself may be NULL: then
    // DataFusion's answer is NULL already).
    let holds_null = |offsets: &[usize], inner: &dyn Array| -> Vec<bool> {
        offsets
            .windows(2)
            .map(|w| (w[0]..w[1]).any(|j| inner.is_null(j)))
            .collect()
    };
    let holds = if let Some(list) = input.as_list_opt::<i32>() {
        let offsets: Vec<usize> = list.offsets().iter().map(|o| o.as_usize()).collect();
        holds_null(&offsets, list.values().as_ref())
    } else if let Some(list) = input.as_list_opt::<i64>() {
        let offsets: Vec<usize> = list.offsets().iter().map(|o| o.as_usize()).collect();
        holds_null(&offsets, list.values().as_ref())
    } else {
        Vec::new()
    };
    let flat = inner.invoke_with_args(args)?;
    if !holds.contains(&true) {
        return Ok(flat);
    }
    let flat = flat.to_array(rows)?;
    let keep = NullBuffer::from(holds.iter().map(|h| !h).collect::<Vec<bool>>());
    let nulls = NullBuffer::union(flat.nulls(), Some(&keep));
    let data = flat.to_data().into_builder().nulls(nulls).build()?;
    Ok(datafusion::logical_expr::ColumnarValue::Array(make_array(
        data,
    )))
}

/// Spark's `sequence` of dates (`__ember_date_sequence(start, stop, step)`, the step a calendar
/// interval): element `i` is `start` plus `i` times the step, months added as `add_months`
/// adds them (clamped to the month's last day), so a month's step from January 31 gives each
/// month's last day (DataFusion added the step to the element before: March 29 after February
/// 29). As Spark: a step against the direction from `start` to `stop` fails ("Illegal sequence
/// boundaries"); a date series needs a step of a day or more.
pub(crate) fn date_sequence() -> ScalarUDF {
    super::ColumnFn::new(
        "__ember_date_sequence",
        |t| match t {
            [_, _, _] => Ok(vec![
                DataType::Date32,
                DataType::Date32,
                DataType::Interval(IntervalUnit::MonthDayNano),
            ]),
            _ => Err(plan_err(format!(
                "sequence of dates takes three arguments, got {t:?}"
            ))),
        },
        |_| {
            Ok(DataType::List(Arc::new(Field::new_list_field(
                DataType::Date32,
                true,
            ))))
        },
        date_sequence_of,
    )
    .udf()
}

fn date_sequence_of(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    use chrono::{Days, Months, NaiveDate};
    use datafusion::arrow::array::{Date32Builder, ListBuilder};
    use datafusion::arrow::datatypes::{Date32Type, IntervalMonthDayNanoType};
    const DAY_NANOS: i128 = 86_400_000_000_000;
    let (starts, stops, steps) = (
        args[0].as_primitive::<Date32Type>(),
        args[1].as_primitive::<Date32Type>(),
        args[2].as_primitive::<IntervalMonthDayNanoType>(),
    );
    let epoch = NaiveDate::default();
    let illegal = |start: i32, stop: i32| {
        exec_err(format!(
            "Illegal sequence boundaries: {} to {} by the step given",
            Date32Type::to_naive_date_opt(start).map_or(start.to_string(), |d| d.to_string()),
            Date32Type::to_naive_date_opt(stop).map_or(stop.to_string(), |d| d.to_string()),
        ))
    };
    let mut out = ListBuilder::new(Date32Builder::new())
        .with_field(Arc::new(Field::new_list_field(DataType::Date32, true)));
    let mut generated = 0u64;
    for i in 0..starts.len() {
        if starts.is_null(i) || stops.is_null(i) || steps.is_null(i) {
            out.append_null();
            continue;
        }
        let (start, stop, step) = (starts.value(i), stops.value(i), steps.value(i));
        let estimated = i128::from(step.months) * 28 * DAY_NANOS
            + i128::from(step.days) * DAY_NANOS
            + i128::from(step.nanoseconds);
        if !(estimated > 0 && start <= stop
            || estimated < 0 && start >= stop
            || estimated == 0 && start == stop)
        {
            return Err(illegal(start, stop));
        }
        if step.months == 0
            && step.days == 0
            && i128::from(step.nanoseconds).abs() < DAY_NANOS
            && start != stop
        {
            return Err(exec_err(
                "sequence of dates: the step must be a day or more".to_owned(),
            ));
        }
        let base = epoch
            .checked_add_signed(chrono::Duration::days(i64::from(start)))
            .ok_or_else(|| illegal(start, stop))?;
        for k in 0i64.. {
            // The bound the size check before the call gives, kept here too: a step whose months
            // and days pull apart (`1 month - 30 days`) must not loop.
            generated += 1;
            if generated > super::bounded::MAX_GENERATED {
                return Err(exec_err(format!(
                    "[COLLECTION_SIZE_LIMIT_EXCEEDED] sequence of dates: more than {} elements",
                    super::bounded::MAX_GENERATED
                )));
            }
            let months = k * i64::from(step.months);
            let shifted = if months >= 0 {
                base.checked_add_months(Months::new(u32::try_from(months).unwrap_or(u32::MAX)))
            } else {
                base.checked_sub_months(Months::new(
                    u32::try_from(months.unsigned_abs()).unwrap_or(u32::MAX),
                ))
            };
            let days = i128::from(k) * i128::from(step.days)
                + (i128::from(k) * i128::from(step.nanoseconds)).div_euclid(DAY_NANOS);
            let date = shifted.and_then(|d| {
                let days = i64::try_from(days).ok()?;
                if days >= 0 {
                    d.checked_add_days(Days::new(days.unsigned_abs()))
                } else {
                    d.checked_sub_days(Days::new(days.unsigned_abs()))
                }
            });
            let Some(date) = date else { break };
            let value =
                i32::try_from((date - epoch).num_days()).map_err(|_| illegal(start, stop))?;
            if estimated > 0 && value > stop || estimated < 0 && value < stop {
                break;
            }
            out.values().append_value(value);
            if estimated == 0 {
                break;
            }
        }
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(date_sequence());
    ctx.register_udf(SparkArrayFn::udf(
        datafusion::functions::core::least(),
        ArrayFix::Least,
    ));
    ctx.register_udf(ArrayField::udf());
    ctx.register_udf(SparkArrayFn::udf(
        datafusion::functions_nested::array_has::array_has_any_udf(),
        ArrayFix::Overlap,
    ));
    ctx.register_udf(SparkArrayFn::udf(
        datafusion::functions_nested::flatten::flatten_udf(),
        ArrayFix::Flatten,
    ));
    ctx.register_udf(ScalarUDF::new_from_impl(RenameFields {
        signature: Signature::variadic_any(Volatility::Immutable),
    }));
    ctx.register_udf(ScalarUDF::new_from_impl(element_at()));
    for f in [
        rewrite(
            "map_concat",
            |t| {
                t.first()
                    .cloned()
                    .ok_or_else(|| plan_err("map_concat takes maps".to_owned()))
            },
            map_concat,
        ),
        rewrite("sequence", |t| sequence_element(t).map(list_of), sequence),
        rewrite(
            "array_size",
            |_| Ok(DataType::Int32),
            |args, _| Ok(cast(nested::cardinality(one(args)?), DataType::Int32)),
        ),
        rewrite(
            "cardinality",
            |_| Ok(DataType::Int32),
            |args, _| Ok(cast(nested::cardinality(one(args)?), DataType::Int32)),
        ),
        rewrite(
            "map_contains_key",
            |_| Ok(DataType::Boolean),
            |args, types| {
                if !matches!(types.first(), Some(DataType::Map(..) | DataType::Null)) {
                    return Err(plan_err(format!(
                        "map_contains_key takes a map, got {:?}",
                        types.first()
                    )));
                }
                let (map, key) = two(args)?;
                Ok(nested::array_has(nested::map_keys(map), key))
            },
        ),
        rewrite(
            "try_element_at",
            |t| match t.first().and_then(map_value_type) {
                Some(v) => Ok(v),
                None => element_type(t.first()),
            },
            |args, types| {
                let (container, key) = two(args)?;
                if matches!(types.first(), Some(DataType::Map(..))) {
                    Ok(datafusion::functions::core::get_field().call(vec![container, key]))
                } else {
                    Ok(nested::array_element(container, cast(key, DataType::Int64)))
                }
            },
        ),
        rewrite(
            "get",
            |t| element_type(t.first()),
            |args, _| {
                let (array, index) = two(args)?;
                let index = cast(index, DataType::Int64);
                let typed_null = lit(ScalarValue::Int64(None));
                let one_based = when(index.clone().gt_eq(lit(0i64)), index + lit(1i64))
                    .otherwise(typed_null)?;
                Ok(nested::array_element(array, one_based))
            },
        ),
        rewrite(
            "array_prepend",
            |t| Ok(t.first().cloned().unwrap_or(DataType::Null)),
            |args, types| {
                let (array, element) = two(args)?;
                let (array, element) = array_and_element(array, element, types)?;
                null_for_null_array(array.clone(), nested::array_prepend(element, array), types)
            },
        ),
        rewrite(
            "array_append",
            |t| Ok(t.first().cloned().unwrap_or(DataType::Null)),
            |args, types| {
                let (array, element) = two(args)?;
                let (array, element) = array_and_element(array, element, types)?;
                null_for_null_array(array.clone(), nested::array_append(array, element), types)
            },
        ),
        // Spark's `reverse` of an array reverses its elements (the string function took the
        // array's text: `reverse(array(1, 2))` was `]2 ,1[`).
        rewrite(
            "reverse",
            |t| match t.first() {
                Some(t @ (DataType::List(_) | DataType::LargeList(_))) => Ok(t.clone()),
                _ => Ok(DataType::Utf8),
            },
            |args, types| {
                let s = one(args)?;
                match types.first() {
                    Some(DataType::List(_) | DataType::LargeList(_)) => {
                        Ok(nested::array_reverse(s))
                    }
                    Some(DataType::Null) => Ok(lit(ScalarValue::Utf8(None))),
                    _ => Ok(cast(
                        datafusion::functions::unicode::expr_fn::reverse(s),
                        DataType::Utf8,
                    )),
                }
            },
        ),
        rewrite(
            "array_remove",
            |t| Ok(t.first().cloned().unwrap_or(DataType::Null)),
            |args, _| {
                let (array, element) = two(args)?;
                Ok(nested::array_remove_all(array, element))
            },
        ),
        rewrite(
            "array_position",
            |_| Ok(DataType::Int64),
            |args, _| {
                let (array, element) = two(args)?;
                let found = cast(
                    nested::array_position(array.clone(), element.clone(), lit(1i64)),
                    DataType::Int64,
                );
                when(
                    array.is_null().or(element.is_null()),
                    lit(ScalarValue::Int64(None)),
                )
                .otherwise(datafusion::functions::core::expr_fn::coalesce(vec![
                    found,
                    lit(0i64),
                ]))
            },
        ),
    ] {
        ctx.register_udf(f);
    }
    ctx.register_udf(array_insert().udf());
    // What `element_at` is planned into: registered so that a cluster's nodes know it by name.
    ctx.register_udf(element_at_index());
    ctx.register_udf(subscript_index());
}

/// The hidden function `LATERAL VIEW inline(a) t AS x, y` (and `inline(a) AS (x, y)`) is
/// planned with (`shapes.rs`): the array of structs `a` with its structs' fields renamed, in
/// order, to the given names, so `unnest` names the columns as Spark does.
pub(crate) const RENAME_FIELDS: &str = "__ember_rename_fields";

#[derive(Debug, PartialEq, Eq, Hash)]
struct RenameFields {
    signature: Signature,
}

impl RenameFields {
    /// The renamed type of `input` (an array of structs) for the names in `names`.
    fn renamed(input: &DataType, names: &[Option<&ScalarValue>]) -> DfResult<Arc<Field>> {
        let (DataType::List(item) | DataType::LargeList(item)) = input else {
            return Err(plan_err(format!(
                "inline takes an array of structs, got {input}"
            )));
        };
        let DataType::Struct(fields) = item.data_type() else {
            return Err(plan_err(format!(
                "inline takes an array of structs, got {input}"
            )));
        };
        if names.len() != fields.len() {
            return Err(plan_err(format!(
                "[UDTF_ALIAS_NUMBER_MISMATCH] inline produces {} columns, but {} names were given",
                fields.len(),
                names.len()
            )));
        }
        let renamed = fields
            .iter()
            .zip(names)
            .map(|(f, name)| match name {
                Some(ScalarValue::Utf8(Some(n))) => Ok(Arc::new(f.as_ref().clone().with_name(n))),
                _ => Err(plan_err(format!(
                    "{RENAME_FIELDS} takes the new names as string literals"
                ))),
            })
            .collect::<DfResult<Vec<_>>>()?;
        Ok(Arc::new(
            item.as_ref()
                .clone()
                .with_data_type(DataType::Struct(renamed.into())),
        ))
    }
}

impl datafusion::logical_expr::ScalarUDFImpl for RenameFields {
    fn name(&self) -> &str {
        RENAME_FIELDS
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(format!(
            "{RENAME_FIELDS}'s type comes from its arguments"
        )))
    }

    fn return_field_from_args(
        &self,
        args: datafusion::logical_expr::ReturnFieldArgs<'_>,
    ) -> DfResult<Arc<Field>> {
        let Some((input, _)) = args.arg_fields.split_first() else {
            return Err(plan_err(format!("{RENAME_FIELDS} takes an array")));
        };
        let item = Self::renamed(input.data_type(), &args.scalar_arguments[1..])?;
        let t = match input.data_type() {
            DataType::LargeList(_) => DataType::LargeList(item),
            _ => DataType::List(item),
        };
        Ok(Arc::new(Field::new(RENAME_FIELDS, t, true)))
    }

    fn invoke_with_args(
        &self,
        args: datafusion::logical_expr::ScalarFunctionArgs,
    ) -> DfResult<datafusion::logical_expr::ColumnarValue> {
        // The same buffers under the planned type: only the field names differ.
        let input = &args.args[0];
        let array = input.to_array(args.number_rows)?;
        let renamed_struct = |values: &ArrayRef, item: &Field| -> DfResult<ArrayRef> {
            let DataType::Struct(fields) = item.data_type() else {
                return Err(exec_err(format!("{RENAME_FIELDS}: not a struct")));
            };
            let s = values.as_struct();
            Ok(Arc::new(StructArray::try_new(
                fields.clone(),
                s.columns().to_vec(),
                s.nulls().cloned(),
            )?))
        };
        let out: ArrayRef = match args.return_field.data_type() {
            DataType::List(item) => {
                let list = array.as_list::<i32>();
                Arc::new(ListArray::try_new(
                    Arc::clone(item),
                    list.offsets().clone(),
                    renamed_struct(list.values(), item)?,
                    list.nulls().cloned(),
                )?)
            }
            DataType::LargeList(item) => {
                let list = array.as_list::<i64>();
                Arc::new(LargeListArray::try_new(
                    Arc::clone(item),
                    list.offsets().clone(),
                    renamed_struct(list.values(), item)?,
                    list.nulls().cloned(),
                )?)
            }
            other => return Err(exec_err(format!("{RENAME_FIELDS}: not an array: {other}"))),
        };
        Ok(match input {
            datafusion::logical_expr::ColumnarValue::Scalar(_) => {
                datafusion::logical_expr::ColumnarValue::Scalar(ScalarValue::try_from_array(
                    &out, 0,
                )?)
            }
            datafusion::logical_expr::ColumnarValue::Array(_) => {
                datafusion::logical_expr::ColumnarValue::Array(out)
            }
        })
    }
}
