//! Spark's `arrays_zip` field names. DataFusion's `arrays_zip` names the struct fields `1`,
//! `2`, ...; Spark names each after its argument when that is a column (`arrays_zip(a, t.b)`
//! has fields `a` and `b`) and by its position from 0 otherwise (`arrays_zip(array(1), x.y[0])`
//! has fields `0` and `1`).
//!
//! Whether an argument is a column is only known in the syntax tree, so
//! [`name_arrays_zip_fields`] wraps each argument of `arrays_zip` in [`ZIP_FIELD`]`(arg,
//! '<name>')`, an identity function whose result field carries the name as metadata and whose
//! column name is the argument's own. Ember's `arrays_zip` names the fields from that metadata
//! (by position for arguments without it, as from the DataFrame API) and otherwise is
//! DataFusion's.

use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, StructArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{
    Expr as SqlExpr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList,
    FunctionArguments, Ident, ObjectName, Value, visit_expressions_mut,
};

use super::{exec_err, plan_err};

/// The internal function that carries an `arrays_zip` argument's Spark field name.
pub(crate) const ZIP_FIELD: &str = "__ember_zip_field";

/// The metadata key of that name on the argument's field.
const NAME_KEY: &str = "ember.arrays_zip.field";

/// Wraps each argument of every `arrays_zip` call of `statement` in [`ZIP_FIELD`] with its
/// Spark field name: a column's (last) name, else the argument's position from 0.
pub(crate) fn name_arrays_zip_fields(statement: &mut DFStatement) {
    let DFStatement::Statement(statement) = statement else {
        return;
    };
    let _ = visit_expressions_mut(statement.as_mut(), |expr| {
        if let SqlExpr::Function(f) = expr
            && f.name
                .0
                .last()
                .and_then(|p| p.as_ident())
                .is_some_and(|i| i.value.eq_ignore_ascii_case("arrays_zip"))
            && f.name.0.len() == 1
            && let FunctionArguments::List(list) = &mut f.args
        {
            for (i, arg) in list.args.iter_mut().enumerate() {
                if let FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) = arg {
                    let name = match e {
                        SqlExpr::Identifier(id) => id.value.clone(),
                        SqlExpr::CompoundIdentifier(ids) => ids
                            .last()
                            .map_or_else(|| i.to_string(), |id| id.value.clone()),
                        _ => i.to_string(),
                    };
                    let inner = std::mem::replace(e, SqlExpr::value(Value::Null));
                    *e = zip_field(inner, name);
                }
            }
        }
        ControlFlow::<()>::Continue(())
    });
}

fn zip_field(arg: SqlExpr, name: String) -> SqlExpr {
    let unnamed = |e: SqlExpr| FunctionArg::Unnamed(FunctionArgExpr::Expr(e));
    SqlExpr::Function(Function {
        name: ObjectName::from(vec![Ident::new(ZIP_FIELD)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![
                unnamed(arg),
                unnamed(SqlExpr::value(Value::SingleQuotedString(name))),
            ],
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    })
}

/// [`ZIP_FIELD`]`(x, name)`: `x`, with `name` in its field's metadata and `x`'s column name.
#[derive(Debug, PartialEq, Eq, Hash)]
struct ZipField {
    signature: Signature,
}

impl ScalarUDFImpl for ZipField {
    fn name(&self) -> &str {
        ZIP_FIELD
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        arg_types
            .first()
            .cloned()
            .ok_or_else(|| plan_err(format!("{ZIP_FIELD} takes a value and its name")))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let (Some(field), Some(Some(name))) =
            (args.arg_fields.first(), args.scalar_arguments.get(1))
        else {
            return Err(plan_err(format!(
                "{ZIP_FIELD} takes a value and its name as a literal"
            )));
        };
        let Some(Some(name)) = name.try_as_str() else {
            return Err(plan_err(format!("{ZIP_FIELD}: the name must be a string")));
        };
        let mut metadata = field.metadata().clone();
        metadata.insert(NAME_KEY.to_owned(), name.to_owned());
        Ok(Arc::new(field.as_ref().clone().with_metadata(metadata)))
    }

    fn schema_name(&self, args: &[Expr]) -> DfResult<String> {
        match args.first() {
            Some(arg) => Ok(arg.schema_name().to_string()),
            None => Err(plan_err(format!("{ZIP_FIELD} takes a value and its name"))),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        args.args
            .into_iter()
            .next()
            .ok_or_else(|| exec_err(format!("{ZIP_FIELD} takes a value and its name")))
    }
}

/// Spark's `arrays_zip`: DataFusion's, with the struct fields named as Spark names them.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkArraysZip {
    inner: Arc<ScalarUDF>,
}

impl ScalarUDFImpl for SparkArraysZip {
    fn name(&self) -> &str {
        "arrays_zip"
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> DfResult<DataType> {
        // Without the argument fields: the positions.
        let names: Vec<String> = (0..arg_types.len()).map(|i| i.to_string()).collect();
        rename(&self.inner.return_type(arg_types)?, &names)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let types: Vec<DataType> = args
            .arg_fields
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        let names: Vec<String> = args
            .arg_fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                f.metadata()
                    .get(NAME_KEY)
                    .cloned()
                    .unwrap_or_else(|| i.to_string())
            })
            .collect();
        let data_type = rename(&self.inner.return_type(&types)?, &names)?;
        Ok(Arc::new(Field::new(self.name(), data_type, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let to = args.return_field.data_type().clone();
        // The implementation itself: `ScalarUDF::invoke_with_args` would check its result
        // against the renamed type.
        match self.inner.inner().invoke_with_args(args)? {
            ColumnarValue::Array(a) => Ok(ColumnarValue::Array(relabel(&a, &to)?)),
            ColumnarValue::Scalar(s) => {
                let a = relabel(&s.to_array()?, &to)?;
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&a, 0)?))
            }
        }
    }
}

/// `List<Struct<...>>` with the struct's fields named `names`.
fn rename(zipped: &DataType, names: &[String]) -> DfResult<DataType> {
    let DataType::List(item) = zipped else {
        return Err(plan_err(format!(
            "arrays_zip: unexpected result type {zipped}"
        )));
    };
    let DataType::Struct(fields) = item.data_type() else {
        return Err(plan_err(format!(
            "arrays_zip: unexpected result type {zipped}"
        )));
    };
    if fields.len() != names.len() {
        return Err(plan_err(format!(
            "arrays_zip: {} fields for {} arguments",
            fields.len(),
            names.len()
        )));
    }
    let fields: Fields = fields
        .iter()
        .zip(names)
        .map(|(f, name)| f.as_ref().clone().with_name(name))
        .collect();
    Ok(DataType::List(Arc::new(
        item.as_ref()
            .clone()
            .with_data_type(DataType::Struct(fields)),
    )))
}

/// The zipped list `array` with the type `to` (the same layout, other field names).
fn relabel(array: &ArrayRef, to: &DataType) -> DfResult<ArrayRef> {
    let (DataType::List(item), Some(list)) = (to, array.as_list_opt::<i32>()) else {
        return Err(exec_err(format!(
            "arrays_zip: cannot give {} the type {to}",
            array.data_type()
        )));
    };
    let (DataType::Struct(fields), Some(structs)) =
        (item.data_type(), list.values().as_struct_opt())
    else {
        return Err(exec_err(format!(
            "arrays_zip: cannot give {} the type {to}",
            array.data_type()
        )));
    };
    let structs = StructArray::try_new(
        fields.clone(),
        structs.columns().to_vec(),
        structs.nulls().cloned(),
    )?;
    let list = ListArray::try_new(
        Arc::clone(item),
        list.offsets().clone(),
        Arc::new(structs),
        list.nulls().cloned(),
    )?;
    Ok(Arc::new(list))
}

/// Registers Spark's `arrays_zip` (replacing DataFusion's) and [`ZIP_FIELD`].
pub(crate) fn register(ctx: &SessionContext) {
    use datafusion::execution::FunctionRegistry as _;
    let Ok(inner) = ctx.udf("arrays_zip") else {
        return;
    };
    ctx.register_udf(ScalarUDF::new_from_impl(SparkArraysZip { inner }));
    ctx.register_udf(ScalarUDF::new_from_impl(ZipField {
        signature: Signature::any(2, Volatility::Immutable),
    }));
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::datatypes::{DataType, Field, Fields};

    use super::rename;

    #[test]
    fn rename_keeps_the_types_and_changes_the_names() -> datafusion::error::Result<()> {
        let fields = Fields::from(vec![
            Field::new("1", DataType::Int32, true),
            Field::new("2", DataType::Utf8, true),
        ]);
        let zipped = DataType::new_list(DataType::Struct(fields), true);
        let renamed = rename(&zipped, &["a".to_owned(), "1".to_owned()])?;
        let want = Fields::from(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("1", DataType::Utf8, true),
        ]);
        assert_eq!(renamed, DataType::new_list(DataType::Struct(want), true));
        assert!(rename(&zipped, &["a".to_owned()]).is_err());
        Ok(())
    }
}
