//! Spark's XML record functions: `from_xml` (one XML record read into a struct of a DDL
//! schema), `to_xml` (a struct written as one record) and `schema_of_xml` (the struct type
//! Spark infers for a record), with the conventions of Spark's XML source:
//!
//! - a record is an element (`<ROW>` by default, the option `rowTag` names another); its child
//!   elements are fields, its attributes fields named with a `_` prefix (`_id` for `id="7"`),
//!   and its own text the field `_VALUE`;
//! - a field seen several times is an `ARRAY` (its elements repeated under one name), a child
//!   element with children or attributes a `STRUCT`;
//! - reading is `PERMISSIVE`: text that does not fit its field's type makes that field `NULL`, a
//!   malformed record a struct of `NULL`s; values are trimmed of surrounding spaces; text is
//!   read as `from_csv` reads it (`csv.rs`);
//! - `schema_of_xml` infers `BIGINT`, `DOUBLE`, `BOOLEAN`, `DATE`, `TIMESTAMP` or `STRING` for
//!   text, widening a field seen with two types (`BIGINT` and `DOUBLE` to `DOUBLE`, anything
//!   else to `STRING`), its fields sorted by name; a malformed record is
//!   `STRUCT<_corrupt_record: STRING>`;
//! - `to_xml` writes Spark's layout: one element a line, indented four spaces a level (option
//!   `indent`), `NULL` fields left out, arrays as repeated elements, maps as elements per key.
//!
//! Documents are bounded as the `xpath` functions' are (`xml.rs`: 16 MiB, 256 levels), before
//! they are parsed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringBuilder, StructArray};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DecimalType as _, Field, FieldRef, Fields, Float32Type,
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::prelude::SessionContext;
use sxd_document::dom::{ChildOfElement, ChildOfRoot, Element};

use super::json::{java_double, java_float, parse_ddl, zoned_timestamp_text};
use super::{ColumnFn, exec_err, plan_err};

/// The field name of an element's own text.
const VALUE_TAG: &str = "_VALUE";
/// The prefix that marks an attribute's field.
const ATTRIBUTE_PREFIX: char = '_';

/// The record element of `xml`, or `None` when the text is not an XML document. A document too
/// large or deep to parse safely is an error.
fn with_record<T>(
    function: &str,
    xml: &str,
    f: impl FnOnce(Option<Element<'_>>) -> DfResult<T>,
) -> DfResult<T> {
    super::xml::check_size(function, xml)?;
    let Ok(package) = sxd_document::parser::parse(xml) else {
        return f(None);
    };
    let document = package.as_document();
    let record = document
        .root()
        .children()
        .into_iter()
        .find_map(|c| match c {
            ChildOfRoot::Element(e) => Some(e),
            _ => None,
        });
    f(record)
}

/// An element's own text (its text children, CDATA included), trimmed.
fn own_text(e: &Element<'_>) -> String {
    let mut text = String::new();
    for child in e.children() {
        if let ChildOfElement::Text(t) = child {
            text.push_str(t.text());
        }
    }
    text.trim().to_owned()
}

fn child_elements<'d>(e: &Element<'d>, name: &str) -> Vec<Element<'d>> {
    e.children()
        .into_iter()
        .filter_map(|c| match c {
            ChildOfElement::Element(c) if c.name().local_part() == name => Some(c),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// from_xml

/// The value of `element` as type `t` (a `NULL` of `t` where it does not fit).
fn read_element(element: &Element<'_>, t: &DataType) -> DfResult<ScalarValue> {
    match t {
        DataType::Struct(fields) => read_struct(Some(element), fields),
        t => read_text(&own_text(element), t),
    }
}

fn read_text(text: &str, t: &DataType) -> DfResult<ScalarValue> {
    match super::csv::read_default(text, t) {
        Some(v) => Ok(v),
        None => ScalarValue::try_from(t),
    }
}

/// A struct of `fields` read from `element` (every field `NULL` when there is none).
fn read_struct(element: Option<&Element<'_>>, fields: &Fields) -> DfResult<ScalarValue> {
    let mut columns = Vec::with_capacity(fields.len());
    for f in fields {
        let value = match element {
            None => ScalarValue::try_from(f.data_type())?,
            Some(e) => read_field(e, f)?,
        };
        columns.push(value.to_array()?);
    }
    let array = StructArray::try_new(fields.clone(), columns, None)?;
    Ok(ScalarValue::Struct(Arc::new(array)))
}

fn read_field(e: &Element<'_>, f: &Field) -> DfResult<ScalarValue> {
    let name = f.name();
    let t = f.data_type();
    if name == VALUE_TAG {
        let text = own_text(e);
        return if text.is_empty() {
            ScalarValue::try_from(t)
        } else {
            read_text(&text, t)
        };
    }
    if let Some(attribute) = name.strip_prefix(ATTRIBUTE_PREFIX)
        && let Some(a) = e
            .attributes()
            .into_iter()
            .find(|a| a.name().local_part() == attribute)
    {
        return read_text(a.value().trim(), t);
    }
    let children = child_elements(e, name);
    match t {
        DataType::List(item) => {
            if children.is_empty() {
                return ScalarValue::try_from(t);
            }
            let values = children
                .iter()
                .map(|c| read_element(c, item.data_type()))
                .collect::<DfResult<Vec<_>>>()?;
            // The list typed exactly as the schema's (its element field's name included).
            super::one_row_list(Arc::clone(item), ScalarValue::iter_to_array(values)?)
        }
        // Spark's XML reader has no maps: a map field is NULL.
        DataType::Map(..) => ScalarValue::try_from(t),
        // A field seen several times, read as one value: the last, as Spark's reader.
        t => match children.last() {
            Some(c) => read_element(c, t),
            None => ScalarValue::try_from(t),
        },
    }
}

/// `from_xml(xml, schema[, options])`: `xml` read into the struct `schema` (a DDL string
/// literal) describes.
#[derive(Debug)]
struct FromXml {
    signature: Signature,
    time_zone: Arc<str>,
}

impl PartialEq for FromXml {
    fn eq(&self, other: &Self) -> bool {
        self.time_zone == other.time_zone
    }
}

impl Eq for FromXml {}

impl std::hash::Hash for FromXml {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.time_zone.hash(state);
    }
}

impl FromXml {
    fn schema(&self, schema: Option<&ScalarValue>) -> DfResult<Fields> {
        let text = match schema {
            Some(
                ScalarValue::Utf8(Some(s))
                | ScalarValue::Utf8View(Some(s))
                | ScalarValue::LargeUtf8(Some(s)),
            ) => s,
            _ => {
                return Err(plan_err(
                    "from_xml: the schema must be a string literal such as 'a INT, b STRING'"
                        .to_owned(),
                ));
            }
        };
        match parse_ddl(text, &self.time_zone)
            .map_err(|e| plan_err(format!("from_xml: {}", e.message())))?
        {
            DataType::Struct(fields) => Ok(fields),
            other => Err(plan_err(format!(
                "from_xml: the schema must be a struct, got {}",
                ember_types::spark_type_name(&other).to_uppercase()
            ))),
        }
    }
}

impl ScalarUDFImpl for FromXml {
    fn name(&self) -> &str {
        "from_xml"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types.len() {
            2 => Ok(vec![DataType::Utf8, DataType::Utf8]),
            3 => Ok(vec![DataType::Utf8, DataType::Utf8, arg_types[2].clone()]),
            n => Err(plan_err(format!(
                "from_xml takes 2 or 3 arguments, got {n}"
            ))),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(
            "from_xml's type comes from its schema argument".to_owned(),
        ))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let fields = self.schema(args.scalar_arguments.get(1).copied().flatten())?;
        Ok(Arc::new(Field::new(
            "from_xml",
            DataType::Struct(fields),
            true,
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let DataType::Struct(fields) = args.return_field.data_type().clone() else {
            return Err(exec_err("from_xml returns a struct".to_owned()));
        };
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let docs = arrays[0].as_string::<i32>();
        let mut rows = Vec::with_capacity(docs.len());
        for i in 0..docs.len() {
            if docs.is_null(i) {
                rows.push(ScalarValue::try_from(&DataType::Struct(fields.clone()))?);
                continue;
            }
            rows.push(with_record("from_xml", docs.value(i), |record| {
                read_struct(record.as_ref(), &fields)
            })?);
        }
        let out = if rows.is_empty() {
            datafusion::arrow::array::new_empty_array(&DataType::Struct(fields))
        } else {
            ScalarValue::iter_to_array(rows)?
        };
        super::answer(out, all_scalar)
    }
}

// ---------------------------------------------------------------------------------------------
// schema_of_xml

/// A field's type as `schema_of_xml` infers it.
#[derive(Debug, Clone, PartialEq)]
enum Inferred {
    Bigint,
    Double,
    Boolean,
    Date,
    Timestamp,
    String,
    Array(Box<Inferred>),
    Struct(BTreeMap<String, Inferred>),
}

fn infer_text(text: &str) -> Inferred {
    if text.is_empty() {
        Inferred::String
    } else if text.parse::<i64>().is_ok() {
        Inferred::Bigint
    } else if text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false") {
        Inferred::Boolean
    } else if text.parse::<f64>().is_ok() && !text.contains(char::is_alphabetic)
        || text.contains(['e', 'E']) && text.parse::<f64>().is_ok_and(f64::is_finite)
    {
        Inferred::Double
    } else if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        Inferred::Date
    } else if ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .any(|f| chrono::NaiveDateTime::parse_from_str(text, f).is_ok())
    {
        Inferred::Timestamp
    } else {
        Inferred::String
    }
}

fn merge(a: Inferred, b: Inferred) -> Inferred {
    use Inferred::*;
    match (a, b) {
        (a, b) if a == b => a,
        (Bigint, Double) | (Double, Bigint) => Double,
        (Date, Timestamp) | (Timestamp, Date) => Timestamp,
        (Array(x), Array(y)) => Array(Box::new(merge(*x, *y))),
        (Array(x), y) | (y, Array(x)) => Array(Box::new(merge(*x, y))),
        (Struct(mut x), Struct(y)) => {
            for (k, v) in y {
                let merged = match x.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                x.insert(k, merged);
            }
            Struct(x)
        }
        _ => String,
    }
}

/// An element's type: its text's, or a struct of its attributes, children and text.
fn infer_element(e: &Element<'_>) -> Inferred {
    let attributes = e.attributes();
    let children: Vec<Element<'_>> = e
        .children()
        .into_iter()
        .filter_map(|c| match c {
            ChildOfElement::Element(c) => Some(c),
            _ => None,
        })
        .collect();
    let text = own_text(e);
    if attributes.is_empty() && children.is_empty() {
        return infer_text(&text);
    }
    Inferred::Struct(infer_fields(e, &children, &text))
}

fn infer_fields(
    e: &Element<'_>,
    children: &[Element<'_>],
    text: &str,
) -> BTreeMap<String, Inferred> {
    let mut fields = BTreeMap::new();
    for a in e.attributes() {
        fields.insert(
            format!("{ATTRIBUTE_PREFIX}{}", a.name().local_part()),
            infer_text(a.value().trim()),
        );
    }
    let mut seen: BTreeMap<String, Vec<Inferred>> = BTreeMap::new();
    for c in children {
        seen.entry(c.name().local_part().to_owned())
            .or_default()
            .push(infer_element(c));
    }
    for (name, types) in seen {
        let many = types.len() > 1;
        let mut iter = types.into_iter();
        let first = iter.next().unwrap_or(Inferred::String);
        let merged = iter.fold(first, merge);
        fields.insert(
            name,
            if many {
                Inferred::Array(Box::new(merged))
            } else {
                merged
            },
        );
    }
    if !text.is_empty() {
        fields.insert(VALUE_TAG.to_owned(), infer_text(text));
    }
    fields
}

fn inferred_text(t: &Inferred) -> String {
    match t {
        Inferred::Bigint => "BIGINT".into(),
        Inferred::Double => "DOUBLE".into(),
        Inferred::Boolean => "BOOLEAN".into(),
        Inferred::Date => "DATE".into(),
        Inferred::Timestamp => "TIMESTAMP".into(),
        Inferred::String => "STRING".into(),
        Inferred::Array(e) => format!("ARRAY<{}>", inferred_text(e)),
        Inferred::Struct(fields) => format!(
            "STRUCT<{}>",
            fields
                .iter()
                .map(|(k, v)| format!("{}: {}", super::json::ddl_name(k), inferred_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn schema_of_xml() -> ColumnFn {
    ColumnFn::new(
        "schema_of_xml",
        |t| match t {
            [a] | [a, _]
                if matches!(
                    a,
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null
                ) =>
            {
                Ok(t.iter()
                    .enumerate()
                    .map(|(i, x)| if i == 0 { DataType::Utf8 } else { x.clone() })
                    .collect())
            }
            [other, ..] => Err(plan_err(format!("takes a string, got {other}"))),
            [] => Err(plan_err("takes 1 or 2 arguments, got 0".to_owned())),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            let docs = args[0].as_string::<i32>();
            let mut out = StringBuilder::new();
            for i in 0..docs.len() {
                if docs.is_null(i) {
                    out.append_null();
                    continue;
                }
                let text = with_record("schema_of_xml", docs.value(i), |record| {
                    Ok(match record {
                        Some(e) => {
                            let children: Vec<Element<'_>> = e
                                .children()
                                .into_iter()
                                .filter_map(|c| match c {
                                    ChildOfElement::Element(c) => Some(c),
                                    _ => None,
                                })
                                .collect();
                            inferred_text(&Inferred::Struct(infer_fields(
                                &e,
                                &children,
                                &own_text(&e),
                            )))
                        }
                        None => "STRUCT<_corrupt_record: STRING>".to_owned(),
                    })
                })?;
                out.append_value(text);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

// ---------------------------------------------------------------------------------------------
// to_xml

/// Text escaped for an element (`<` and `&`; Spark leaves `>`).
fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
}

/// Text escaped for an attribute value in double quotes.
fn escape_attribute(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("&quot;"),
            c => escape_text(&c.to_string(), out),
        }
    }
}

/// A non-nested value as `to_xml` writes it.
fn atom(array: &dyn Array, i: usize) -> DfResult<String> {
    Ok(match array.data_type() {
        DataType::Boolean => array.as_boolean().value(i).to_string(),
        DataType::Int8 => array.as_primitive::<Int8Type>().value(i).to_string(),
        DataType::Int16 => array.as_primitive::<Int16Type>().value(i).to_string(),
        DataType::Int32 => array.as_primitive::<Int32Type>().value(i).to_string(),
        DataType::Int64 => array.as_primitive::<Int64Type>().value(i).to_string(),
        DataType::Float32 => java_float(array.as_primitive::<Float32Type>().value(i)),
        DataType::Float64 => java_double(array.as_primitive::<Float64Type>().value(i)),
        DataType::Decimal128(_, s) => {
            Decimal128Type::format_decimal(array.as_primitive::<Decimal128Type>().value(i), 38, *s)
        }
        DataType::Utf8 => array.as_string::<i32>().value(i).to_owned(),
        DataType::LargeUtf8 => array.as_string::<i64>().value(i).to_owned(),
        DataType::Utf8View => array.as_string_view().value(i).to_owned(),
        // Spark writes bytes as Java prints a byte array: `[01 02]`.
        DataType::Binary => {
            let bytes = array.as_binary::<i32>().value(i);
            let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02X}")).collect();
            format!("[{}]", hex.join(" "))
        }
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(i);
            chrono::NaiveDate::default()
                .checked_add_signed(chrono::TimeDelta::days(i64::from(days)))
                .ok_or_else(|| exec_err(format!("to_xml: date out of range ({days} days)")))?
                .format("%Y-%m-%d")
                .to_string()
        }
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            let micros = array.as_primitive::<TimestampMicrosecondType>().value(i);
            let utc = chrono::DateTime::from_timestamp_micros(micros)
                .ok_or_else(|| exec_err(format!("to_xml: timestamp out of range ({micros})")))?;
            match tz.as_deref() {
                Some(zone) => zoned_timestamp_text(utc, zone),
                None => utc.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            }
        }
        other => {
            return Err(exec_err(format!(
                "to_xml: cannot write a value of type {}",
                ember_types::spark_type_name(other).to_uppercase()
            )));
        }
    })
}

/// Writes XML with Spark's layout: an element a line, `indent` a level (none: one line).
struct Writer<'a> {
    indent: &'a str,
    out: String,
}

impl Writer<'_> {
    fn line(&mut self, depth: usize) {
        if !self.indent.is_empty() {
            if !self.out.is_empty() {
                self.out.push('\n');
            }
            for _ in 0..depth {
                self.out.push_str(self.indent);
            }
        }
    }

    /// Field `name` (row `i` of `array`) as elements at `depth`: none for a NULL, one per item
    /// for an array.
    fn field(&mut self, name: &str, array: &dyn Array, i: usize, depth: usize) -> DfResult<()> {
        if super::is_sql_null(array, i) {
            return Ok(());
        }
        match array.data_type() {
            DataType::List(_) => {
                let items = array.as_list::<i32>().value(i);
                for j in 0..items.len() {
                    if super::is_sql_null(items.as_ref(), j) {
                        continue;
                    }
                    // An array inside an array: its items are `<item>`s.
                    if let DataType::List(_) = items.data_type() {
                        self.line(depth);
                        let _ = write!(self.out, "<{name}>");
                        let inner = items.as_list::<i32>().value(j);
                        for k in 0..inner.len() {
                            self.field("item", inner.as_ref(), k, depth + 1)?;
                        }
                        self.line(depth);
                        let _ = write!(self.out, "</{name}>");
                    } else {
                        self.field(name, items.as_ref(), j, depth)?;
                    }
                }
            }
            DataType::Struct(fields) => {
                let s = array.as_struct();
                self.element(name, fields, s.columns(), i, depth)?;
            }
            DataType::Map(..) => {
                let m = array.as_map().value(i);
                let keys = datafusion::arrow::compute::cast(m.column(0), &DataType::Utf8)?;
                let keys = keys.as_string::<i32>();
                self.line(depth);
                let _ = write!(self.out, "<{name}>");
                for j in 0..m.len() {
                    self.field(keys.value(j), m.column(1).as_ref(), j, depth + 1)?;
                }
                self.line(depth);
                let _ = write!(self.out, "</{name}>");
            }
            _ => {
                self.line(depth);
                let _ = write!(self.out, "<{name}>");
                escape_text(&atom(array, i)?, &mut self.out);
                let _ = write!(self.out, "</{name}>");
            }
        }
        Ok(())
    }

    /// A struct (row `i` of `columns`) as element `name`: `_` fields as attributes, `_VALUE` as
    /// its text, the others as child elements.
    fn element(
        &mut self,
        name: &str,
        fields: &Fields,
        columns: &[ArrayRef],
        i: usize,
        depth: usize,
    ) -> DfResult<()> {
        self.line(depth);
        let _ = write!(self.out, "<{name}");
        let mut text = None;
        let mut children = Vec::new();
        for (f, c) in fields.iter().zip(columns) {
            if super::is_sql_null(c.as_ref(), i) {
                continue;
            }
            if f.name() == VALUE_TAG {
                text = Some(atom(c.as_ref(), i)?);
            } else if let Some(attribute) = f.name().strip_prefix(ATTRIBUTE_PREFIX) {
                let _ = write!(self.out, " {attribute}=\"");
                escape_attribute(&atom(c.as_ref(), i)?, &mut self.out);
                self.out.push('"');
            } else {
                children.push((f, c));
            }
        }
        let has_children = children.iter().any(|(_, c)| match c.data_type() {
            DataType::List(_) => {
                let items = c.as_list::<i32>().value(i);
                (0..items.len()).any(|j| !super::is_sql_null(items.as_ref(), j))
            }
            _ => true,
        });
        if !has_children && text.is_none() {
            self.out.push_str("/>");
            return Ok(());
        }
        self.out.push('>');
        for (f, c) in children {
            self.field(f.name(), c.as_ref(), i, depth + 1)?;
        }
        if let Some(text) = text {
            escape_text(&text, &mut self.out);
            let _ = write!(self.out, "</{name}>");
            return Ok(());
        }
        self.line(depth);
        let _ = write!(self.out, "</{name}>");
        Ok(())
    }
}

/// `to_xml(struct[, options])`: the struct as one XML record.
fn to_xml(args: &[ColumnarValue], number_rows: usize) -> DfResult<ColumnarValue> {
    let options = super::csv::options_map("to_xml", args.get(1))?;
    let row_tag = options
        .get("rowtag")
        .cloned()
        .unwrap_or_else(|| "ROW".to_owned());
    let indent = options
        .get("indent")
        .cloned()
        .unwrap_or_else(|| "    ".to_owned());
    let all_scalar = matches!(args[0], ColumnarValue::Scalar(_));
    let array = args[0].to_array(if all_scalar { 1 } else { number_rows })?;
    let DataType::Struct(fields) = array.data_type().clone() else {
        return Err(plan_err(format!(
            "to_xml takes a struct, got {}",
            ember_types::spark_type_name(array.data_type()).to_uppercase()
        )));
    };
    let s = array.as_struct();
    let mut out = StringBuilder::new();
    for i in 0..array.len() {
        if array.is_null(i) {
            out.append_null();
            continue;
        }
        let mut w = Writer {
            indent: &indent,
            out: String::new(),
        };
        w.element(&row_tag, &fields, s.columns(), i, 0)?;
        if indent.is_empty() {
            w.out.push('\n');
        }
        out.append_value(&w.out);
    }
    let out: ArrayRef = Arc::new(out.finish());
    if all_scalar {
        Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
    } else {
        Ok(ColumnarValue::Array(out))
    }
}

/// `to_xml` as a function of columns (its options must be a `map` literal).
#[derive(Debug)]
struct ToXml {
    signature: Signature,
}

impl PartialEq for ToXml {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl Eq for ToXml {}

impl std::hash::Hash for ToXml {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        "to_xml".hash(state);
    }
}

impl ScalarUDFImpl for ToXml {
    fn name(&self) -> &str {
        "to_xml"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types {
            [s @ DataType::Struct(_)] => Ok(vec![s.clone()]),
            [s @ DataType::Struct(_), o] => Ok(vec![s.clone(), o.clone()]),
            [other, ..] => Err(plan_err(format!(
                "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] to_xml takes a STRUCT, got {}",
                ember_types::spark_type_name(other).to_uppercase()
            ))),
            [] => Err(plan_err("to_xml takes 1 or 2 arguments, got 0".to_owned())),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        to_xml(&args.args, args.number_rows)
    }
}

/// Registers `from_xml`, `to_xml` and `schema_of_xml`; `from_xml`'s timestamps are zoned in
/// `time_zone`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    ctx.register_udf(ScalarUDF::new_from_impl(FromXml {
        signature: Signature::user_defined(Volatility::Immutable),
        time_zone: Arc::clone(time_zone),
    }));
    ctx.register_udf(ScalarUDF::new_from_impl(ToXml {
        signature: Signature::user_defined(Volatility::Immutable),
    }));
    ctx.register_udf(schema_of_xml().udf());
}
