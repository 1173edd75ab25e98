//! Spark's `xpath` family: `xpath` (the values of the matching nodes), `xpath_string`,
//! `xpath_boolean`, and `xpath_int`/`_long`/`_short`/`_float`/`_double`/`_number`, on an XML
//! parser and an XPath 1.0 engine (`sxd-document`, `sxd-xpath`), the XPath Spark's
//! `javax.xml.xpath` evaluates.
//!
//! As Spark: a `NULL` or empty document or path gives `NULL`; a path matching nothing gives an
//! empty array, an empty string, `false`, `0` for the integer types and `NaN` for the
//! floating-point ones; numbers convert as Java's `Double.intValue()` and friends do (saturating,
//! `NaN` as 0; `SHORT` wraps the saturated `INT`). A malformed document or path fails the query
//! naming it. A document over [`MAX_XML_BYTES`] or nested deeper than [`MAX_XML_DEPTH`] (counted
//! as XML nests: not in comments, CDATA or attribute values), and an XPath over 4096 bytes or
//! with over 128 `(`, `[` and `-`, are refused before parsing: the engine recurses on both, so
//! without the bounds an input could exhaust the stack.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float32Array, Float64Array, Int16Array, Int32Array,
    Int64Array, ListBuilder, StringArray, StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::error::Result as DfResult;
use datafusion::prelude::SessionContext;
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, Value};

use super::{ColumnFn, exec_err, fixed};

/// The largest document the functions parse (16 MiB).
pub(crate) const MAX_XML_BYTES: usize = 16 << 20;
/// The deepest element nesting the functions parse: the XPath engine recurses once per level
/// (a node's string value), and its parser looks up the ancestors of every element.
pub(crate) const MAX_XML_DEPTH: usize = 256;
/// The longest XPath and its most operators (`(`, `[`, `-`): its parser recurses on each.
const MAX_PATH_BYTES: usize = 4096;
const MAX_PATH_NESTING: usize = 128;

/// The deepest element nesting of `xml`, read as XML is: comments, CDATA sections, processing
/// instructions and declarations nest nothing, and a start tag's `/>` (outside its quoted
/// attribute values) closes it.
fn nesting(xml: &[u8]) -> usize {
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    let find = |from: usize, end: &[u8]| {
        xml.get(from..)
            .and_then(|rest| rest.windows(end.len()).position(|w| w == end))
            .map_or(xml.len(), |at| from + at + end.len())
    };
    while i < xml.len() {
        if xml[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &xml[i..];
        if rest.starts_with(b"<!--") {
            i = find(i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(i + 9, b"]]>");
        } else if rest.starts_with(b"<?") {
            i = find(i + 2, b"?>");
        } else if rest.starts_with(b"<!") {
            i = find(i + 2, b">");
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find(i + 2, b">");
        } else {
            // A start tag: to its `>` outside quotes; `/>` closes it at once.
            let (mut j, mut quote) = (i + 1, None::<u8>);
            let mut empty = false;
            while j < xml.len() {
                let c = xml[j];
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == b'"' || c == b'\'' => quote = Some(c),
                    None if c == b'>' => {
                        empty = xml[j - 1] == b'/';
                        break;
                    }
                    None => {}
                }
                j += 1;
            }
            if !empty {
                depth += 1;
                deepest = deepest.max(depth);
            }
            i = j + 1;
        }
    }
    deepest
}

/// Refuses a document too large or nested too deeply to parse and evaluate safely.
pub(crate) fn check_size(function: &str, xml: &str) -> DfResult<()> {
    if xml.len() > MAX_XML_BYTES {
        return Err(exec_err(format!(
            "{function}: the XML document is {} bytes, over the limit of {MAX_XML_BYTES}",
            xml.len()
        )));
    }
    let deepest = nesting(xml.as_bytes());
    if deepest > MAX_XML_DEPTH {
        return Err(exec_err(format!(
            "{function}: the XML document nests elements {deepest} deep, over the limit of {MAX_XML_DEPTH}"
        )));
    }
    Ok(())
}

/// Refuses an XPath too long or with too many operators for its recursive parser.
fn check_path(function: &str, path: &str) -> DfResult<()> {
    let operators = path
        .bytes()
        .filter(|b| matches!(b, b'(' | b'[' | b'-'))
        .count();
    if path.len() > MAX_PATH_BYTES || operators > MAX_PATH_NESTING {
        return Err(exec_err(format!(
            "{function}: the XPath is {} bytes with {operators} of `(`, `[` and `-`, over the limits of {MAX_PATH_BYTES} and {MAX_PATH_NESTING}",
            path.len()
        )));
    }
    Ok(())
}

/// Evaluates `path` on each row's document, `f` turning the value into the answer; `NULL` for
/// a `NULL` or empty document or path.
fn each_row<T>(
    function: &str,
    args: &[ArrayRef],
    mut f: impl FnMut(Value<'_>) -> T,
) -> DfResult<Vec<Option<T>>> {
    let (docs, paths) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
    let factory = Factory::new();
    let context = Context::new();
    let mut compiled: Option<(String, sxd_xpath::XPath)> = None;
    let mut out = Vec::with_capacity(docs.len());
    for i in 0..docs.len() {
        if docs.is_null(i)
            || paths.is_null(i)
            || docs.value(i).is_empty()
            || paths.value(i).is_empty()
        {
            out.push(None);
            continue;
        }
        let (xml, path) = (docs.value(i), paths.value(i));
        if compiled.as_ref().is_none_or(|(p, _)| p != path) {
            check_path(function, path)?;
            let xpath = factory
                .build(path)
                .map_err(|e| exec_err(format!("{function}: invalid XPath '{path}': {e}")))?
                .ok_or_else(|| exec_err(format!("{function}: invalid XPath '{path}'")))?;
            compiled = Some((path.to_owned(), xpath));
        }
        let Some((_, xpath)) = &compiled else {
            out.push(None);
            continue;
        };
        check_size(function, xml)?;
        let package = sxd_document::parser::parse(xml)
            .map_err(|e| exec_err(format!("{function}: malformed XML: {e:?}")))?;
        let document = package.as_document();
        let value = xpath
            .evaluate(&context, document.root())
            .map_err(|e| exec_err(format!("{function}: cannot evaluate '{path}': {e}")))?;
        out.push(Some(f(value)));
    }
    Ok(out)
}

/// Java's `Node.getNodeValue()`: text, attribute, comment and instruction nodes have one;
/// elements and the root have none.
fn node_value(node: &Node<'_>) -> Option<String> {
    match node {
        Node::Text(t) => Some(t.text().to_owned()),
        Node::Attribute(a) => Some(a.value().to_owned()),
        Node::Comment(c) => Some(c.text().to_owned()),
        Node::ProcessingInstruction(p) => Some(p.value().unwrap_or_default().to_owned()),
        Node::Namespace(n) => Some(n.uri().to_owned()),
        Node::Root(_) | Node::Element(_) => None,
    }
}

fn xpath_list(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath", args, |value| match value {
        Value::Nodeset(nodes) => nodes.document_order().iter().map(node_value).collect(),
        _ => Vec::new(),
    })?;
    let mut out = ListBuilder::new(StringBuilder::new());
    for row in rows {
        match row {
            Some(values) => {
                for v in values {
                    out.values().append_option(v);
                }
                out.append(true);
            }
            None => out.append(false),
        }
    }
    Ok(Arc::new(out.finish()))
}

fn xpath_string(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath_string", args, |v| v.string())?;
    Ok(Arc::new(StringArray::from(rows)))
}

fn xpath_boolean(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath_boolean", args, |v| v.boolean())?;
    Ok(Arc::new(BooleanArray::from(rows)))
}

/// XPath 1.0's `number()` of a value: a string is a number only as `-?digits(.digits)?` between
/// whitespace (no exponent, unlike Rust's parser), else `NaN`.
fn number(v: &Value<'_>) -> f64 {
    match v {
        Value::Number(n) => *n,
        Value::Boolean(b) => f64::from(u8::from(*b)),
        other => {
            let text = other.string();
            let t = text.trim_matches([' ', '\t', '\n', '\r']);
            let digits = t.strip_prefix('-').unwrap_or(t);
            let valid = !digits.is_empty()
                && digits.chars().filter(|c| *c == '.').count() <= 1
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && digits.chars().any(|c| c.is_ascii_digit());
            if valid {
                t.parse().unwrap_or(f64::NAN)
            } else {
                f64::NAN
            }
        }
    }
}

/// Java's `(int)` of a `double`: saturating, `NaN` as 0 (Rust's `as` does the same).
fn java_int(d: f64) -> i32 {
    d as i32
}

fn xpath_int(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath_int", args, |v| java_int(number(&v)))?;
    Ok(Arc::new(Int32Array::from(rows)))
}

fn xpath_short(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    // Java's `Double.shortValue()` is `(short) (int) value`: saturate, then wrap.
    let rows = each_row("xpath_short", args, |v| java_int(number(&v)) as i16)?;
    Ok(Arc::new(Int16Array::from(rows)))
}

fn xpath_long(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath_long", args, |v| number(&v) as i64)?;
    Ok(Arc::new(Int64Array::from(rows)))
}

fn xpath_float(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath_float", args, |v| number(&v) as f32)?;
    Ok(Arc::new(Float32Array::from(rows)))
}

fn xpath_double(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    let rows = each_row("xpath_double", args, |v| number(&v))?;
    Ok(Arc::new(Float64Array::from(rows)))
}

pub(crate) fn register(ctx: &SessionContext) {
    fn strings(t: &[DataType]) -> DfResult<Vec<DataType>> {
        fixed(t, &[DataType::Utf8, DataType::Utf8], 2)
    }
    fn list(_: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::List(Arc::new(Field::new_list_field(
            DataType::Utf8,
            true,
        ))))
    }
    let functions = [
        ColumnFn::new("xpath", strings, list, xpath_list),
        ColumnFn::new(
            "xpath_string",
            strings,
            |_| Ok(DataType::Utf8),
            xpath_string,
        ),
        ColumnFn::new(
            "xpath_boolean",
            strings,
            |_| Ok(DataType::Boolean),
            xpath_boolean,
        ),
        ColumnFn::new("xpath_int", strings, |_| Ok(DataType::Int32), xpath_int),
        ColumnFn::new("xpath_short", strings, |_| Ok(DataType::Int16), xpath_short),
        ColumnFn::new("xpath_long", strings, |_| Ok(DataType::Int64), xpath_long),
        ColumnFn::new(
            "xpath_float",
            strings,
            |_| Ok(DataType::Float32),
            xpath_float,
        ),
        ColumnFn::new(
            "xpath_double",
            strings,
            |_| Ok(DataType::Float64),
            xpath_double,
        ),
        ColumnFn::new(
            "xpath_number",
            strings,
            |_| Ok(DataType::Float64),
            xpath_double,
        ),
    ];
    for f in functions {
        ctx.register_udf(f.udf());
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_XML_DEPTH, check_path, check_size, nesting};

    #[test]
    fn deep_or_large_documents_are_refused_before_parsing() {
        let deep = "<a>".repeat(MAX_XML_DEPTH + 1);
        assert!(check_size("xpath", &deep).is_err());
        // `/>` in text, attribute values, comments or CDATA closes nothing.
        for open in [
            "<a>/>",
            "<a x=\"/>\">",
            "<a><!--</-->",
            "<a><![CDATA[</a>]]>",
        ] {
            let doc = open.repeat(MAX_XML_DEPTH + 1);
            assert!(check_size("xpath", &doc).is_err(), "{open}");
        }
        assert_eq!(nesting(b"<a><b/><c x='>'><d/></c></a>"), 2);
        assert!(check_path("xpath", &"-".repeat(200_000)).is_err());
        assert!(check_path("xpath", "count(//a[@x='1'])").is_ok());
        let fine = "<a>".repeat(10) + &"</a>".repeat(10);
        assert!(check_size("xpath", &fine).is_ok());
        let flat = "<a/>".repeat(100_000);
        assert!(check_size("xpath", &format!("<r>{flat}</r>")).is_ok());
    }
}
