//! Python source helpers for `pyspark` sessions: literals that survive any text, identifiers,
//! and `textwrap.dedent`.
//!
//! [`PyValue`] renders a value as a Python 3 literal, so `run_function` can pass arguments
//! without a quoting bug turning data into code:
//!
//! ```
//! use ember_livy::python::PyValue;
//!
//! let v = PyValue::from(serde_json::json!({"name": "O'Brien \\ \"Bob\"", "tags": [1, 2.5, null, true]}));
//! assert_eq!(
//!     v.to_literal(),
//!     r#"{'name': 'O\'Brien \\ "Bob"', 'tags': [1, 2.5, None, True]}"#
//! );
//! assert_eq!(PyValue::from("é\n").to_literal(), r"'\xe9\n'");
//! ```

use std::fmt::{self, Write as _};

use serde_json::Value;

use crate::error::{Error, Result};

/// A Python value, written out as a Python 3 literal by [`PyValue::to_literal`].
///
/// Build it from Rust values (`PyValue::from(3)`, `PyValue::from("x")`, `vec![…].into()`) or from
/// any [`serde_json::Value`] (objects become dicts, `null` becomes `None`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PyValue {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int` (Python ints are unbounded; this covers `i128`).
    Int(i128),
    /// A `float` (`nan` and infinities become `float('nan')` and `float('inf')`).
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `list`.
    List(Vec<PyValue>),
    /// A `tuple`.
    Tuple(Vec<PyValue>),
    /// A `dict`, in this order.
    Dict(Vec<(PyValue, PyValue)>),
    /// Python source inserted as is (a variable name, `spark`, `df.columns`): nothing is quoted.
    Expr(String),
}

impl PyValue {
    /// The Python 3 literal: ASCII only (other characters are `\x`, `\u` or `\U` escapes), so it
    /// means the same whatever the source encoding, and no string content can end the literal.
    pub fn to_literal(&self) -> String {
        let mut out = String::new();
        self.write_literal(&mut out);
        out
    }

    fn write_literal(&self, out: &mut String) {
        match self {
            PyValue::None => out.push_str("None"),
            PyValue::Bool(true) => out.push_str("True"),
            PyValue::Bool(false) => out.push_str("False"),
            PyValue::Int(i) => {
                let _ = write!(out, "{i}");
            }
            PyValue::Float(f) => {
                if f.is_nan() {
                    out.push_str("float('nan')");
                } else if f.is_infinite() {
                    out.push_str(if *f > 0.0 {
                        "float('inf')"
                    } else {
                        "float('-inf')"
                    });
                } else {
                    // Debug always keeps a `.0` or an exponent, so Python reads a float back.
                    let _ = write!(out, "{f:?}");
                }
            }
            PyValue::Str(s) => write_py_str(s, out),
            PyValue::List(items) => {
                out.push('[');
                write_items(items, out);
                out.push(']');
            }
            PyValue::Tuple(items) => {
                out.push('(');
                write_items(items, out);
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            PyValue::Dict(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_literal(out);
                    out.push_str(": ");
                    v.write_literal(out);
                }
                out.push('}');
            }
            PyValue::Expr(src) => out.push_str(src),
        }
    }
}

fn write_items(items: &[PyValue], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item.write_literal(out);
    }
}

fn write_py_str(s: &str, out: &mut String) {
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('\'');
}

impl fmt::Display for PyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_literal())
    }
}

impl From<Value> for PyValue {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => PyValue::None,
            Value::Bool(b) => PyValue::Bool(b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    PyValue::Int(i128::from(i))
                } else if let Some(u) = n.as_u64() {
                    PyValue::Int(i128::from(u))
                } else {
                    PyValue::Float(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => PyValue::Str(s),
            Value::Array(items) => PyValue::List(items.into_iter().map(PyValue::from).collect()),
            Value::Object(map) => PyValue::Dict(
                map.into_iter()
                    .map(|(k, v)| (PyValue::Str(k), PyValue::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<&Value> for PyValue {
    fn from(v: &Value) -> Self {
        PyValue::from(v.clone())
    }
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for PyValue {
            fn from(v: $t) -> Self {
                PyValue::Int(i128::from(v))
            }
        }
    )*};
}
from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl From<f64> for PyValue {
    fn from(v: f64) -> Self {
        PyValue::Float(v)
    }
}

impl From<f32> for PyValue {
    fn from(v: f32) -> Self {
        PyValue::Float(f64::from(v))
    }
}

impl From<bool> for PyValue {
    fn from(v: bool) -> Self {
        PyValue::Bool(v)
    }
}

impl From<&str> for PyValue {
    fn from(v: &str) -> Self {
        PyValue::Str(v.to_owned())
    }
}

impl From<String> for PyValue {
    fn from(v: String) -> Self {
        PyValue::Str(v)
    }
}

impl<T: Into<PyValue>> From<Vec<T>> for PyValue {
    fn from(v: Vec<T>) -> Self {
        PyValue::List(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<PyValue>> From<Option<T>> for PyValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(PyValue::None, Into::into)
    }
}

/// Whether `name` is a Python identifier (ASCII or Unicode letters, digits and `_`, not starting
/// with a digit). Keywords are not checked: Python itself will refuse them.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// Whether `name` is a dotted name (`f`, `mod.f`, `obj.method`): identifiers joined by dots.
pub fn is_dotted_name(name: &str) -> bool {
    !name.is_empty() && name.split('.').all(is_identifier)
}

/// The Python call `name(*args, **kwargs)` with every argument as a literal.
///
/// Errors when `name` is not a dotted name or a keyword argument's name is not an identifier,
/// so that the call cannot smuggle in other code.
pub fn call_expression(name: &str, args: &[PyValue], kwargs: &[(&str, PyValue)]) -> Result<String> {
    if !is_dotted_name(name) {
        return Err(Error::InvalidArgument(format!(
            "{name:?} is not a Python function name"
        )));
    }
    let mut out = format!("{name}(");
    let mut first = true;
    for arg in args {
        if !first {
            out.push_str(", ");
        }
        first = false;
        arg.write_literal(&mut out);
    }
    for (key, value) in kwargs {
        if !is_identifier(key) {
            return Err(Error::InvalidArgument(format!(
                "{key:?} is not a Python keyword argument name"
            )));
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(key);
        out.push('=');
        value.write_literal(&mut out);
    }
    out.push(')');
    Ok(out)
}

/// Removes the common leading whitespace of every line, exactly like Python's
/// `textwrap.dedent` (which the Python Livy utility applies to every statement).
///
/// Lines holding only spaces and tabs are emptied and do not count towards the margin; tabs and
/// spaces are different characters (a margin of a tab does not match four spaces).
///
/// ```
/// use ember_livy::python::dedent;
/// assert_eq!(dedent("    a = 1\n      b\n  \n    c\n"), "a = 1\n  b\n\nc\n");
/// ```
pub fn dedent(text: &str) -> String {
    // Pass 1: empty the whitespace-only lines.
    let lines: Vec<(&str, &str)> = text
        .split_inclusive('\n')
        .map(|line| {
            let (body, end) = match line.strip_suffix('\n') {
                Some(body) => (body, "\n"),
                None => (line, ""),
            };
            if !body.is_empty() && body.chars().all(|c| c == ' ' || c == '\t') {
                ("", end)
            } else {
                (body, end)
            }
        })
        .collect();
    // Pass 2: the margin, the longest whitespace prefix common to the other lines.
    let mut margin: Option<&str> = None;
    for (body, _) in &lines {
        if body.is_empty() {
            continue;
        }
        let indent_len = body.len() - body.trim_start_matches([' ', '\t']).len();
        let indent = &body[..indent_len];
        margin = Some(match margin {
            None => indent,
            Some(m) => {
                let common = m
                    .bytes()
                    .zip(indent.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                &m[..common]
            }
        });
    }
    let margin = margin.unwrap_or("");
    let mut out = String::with_capacity(text.len());
    for (body, end) in lines {
        out.push_str(body.strip_prefix(margin).unwrap_or(body));
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedent_matches_python() {
        // Expected values computed with CPython's textwrap.dedent.
        assert_eq!(dedent("  a\n    b\n"), "a\n  b\n");
        assert_eq!(dedent("\ta\n\tb"), "a\nb");
        assert_eq!(dedent("\ta\n    b"), "\ta\n    b");
        assert_eq!(dedent("    \n  x\n"), "\nx\n");
        assert_eq!(dedent("no indent\n  b"), "no indent\n  b");
        assert_eq!(dedent(""), "");
        assert_eq!(dedent("   "), "");
        assert_eq!(
            dedent("\n    def f():\n        return 1\n"),
            "\ndef f():\n    return 1\n"
        );
    }

    #[test]
    fn literals() {
        assert_eq!(PyValue::from(-3).to_literal(), "-3");
        assert_eq!(PyValue::from(1.0).to_literal(), "1.0");
        assert_eq!(PyValue::from(1e-7).to_literal(), "1e-7");
        assert_eq!(PyValue::Float(f64::NAN).to_literal(), "float('nan')");
        assert_eq!(PyValue::Tuple(vec![1.into()]).to_literal(), "(1,)");
        assert_eq!(PyValue::Tuple(vec![]).to_literal(), "()");
        assert_eq!(PyValue::from("a'b\\c\"").to_literal(), r#"'a\'b\\c"'"#);
        assert_eq!(PyValue::from("😀\u{7}").to_literal(), r"'\U0001f600\x07'");
        assert_eq!(PyValue::from(u64::MAX).to_literal(), "18446744073709551615");
    }

    #[test]
    fn calls_refuse_code_in_names() {
        assert_eq!(
            call_expression("m.f", &[1.into()], &[("k", "v".into())]).ok(),
            Some("m.f(1, k='v')".to_owned())
        );
        assert!(call_expression("f); import os; (", &[], &[]).is_err());
        assert!(call_expression("f", &[], &[("a=1, b", 1.into())]).is_err());
        assert!(is_identifier("café"));
        assert!(!is_identifier("1a"));
    }
}
