//! Spark 4's `VARIANT`: semi-structured values in Spark's binary encoding (the Parquet Variant
//! layout, through the `parquet-variant` crate), and the functions that make and read them:
//! `parse_json`, `try_parse_json`, `is_variant_null`, `variant_get`, `try_variant_get`,
//! `schema_of_variant`, `schema_of_variant_agg`; `to_json` and `CAST(v AS type)` read them too
//! (`json.rs`, `coercion.rs`).
//!
//! A variant column is [`ember_types::variant_type`]: a struct of the encoding's `metadata` and
//! `value` buffers, which Spark's `typeof` calls `variant`. Shown (the CLI, `DataFrame::show`,
//! Livy tables) it is its JSON text, written as Spark's `to_json` writes it ([`write_json`]).
//!
//! - **`parse_json(s)`** reads the first JSON value of `s` as Spark does (text after it is
//!   ignored): integers are the narrowest of `TINYINT` .. `BIGINT`, numbers with a fraction
//!   `DECIMAL`s of their digits (`DOUBLE` beyond 38 digits), numbers with an exponent
//!   `DOUBLE`s; an object with a repeated key, malformed text and nesting deeper than 1000 are
//!   errors (`try_parse_json`: `NULL`).
//! - **`variant_get(v, path[, type])`**: the value at `path` (`$`, `.key`, `['key']`, `[n]`),
//!   cast to `type` (a type name such as `'int'`, `'decimal(5,2)'`, `'string'`; `variant` without
//!   one). A value that does not cast is an `INVALID_VARIANT_CAST` error (`try_variant_get`:
//!   `NULL`); a path that is not there is `NULL`. Casts follow Spark's: strings parse
//!   (`"20"` is `20` as an `INT`), fractions truncate to integers, a number to `STRING` is its JSON
//!   text; casts to arrays, maps and structs are refused by name.
//! - **`schema_of_variant(v)`**, **`schema_of_variant_agg(v)`**: Spark's schema text
//!   (`OBJECT<a: BIGINT, b: ARRAY<DECIMAL(2,1)>>`), merged across elements and rows as Spark
//!   merges (integers and decimals widen to a decimal, numbers with a double to `DOUBLE`, other
//!   mixes to `VARIANT`).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryBuilder, BooleanBuilder, StringBuilder, StructArray,
};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, Expr, ReturnFieldArgs,
    ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, lit,
};
use datafusion::prelude::SessionContext;
use ember_types::{is_variant, variant_type};
use parquet_variant::{
    ObjectFieldBuilder, Variant, VariantBuilder, VariantBuilderExt, VariantDecimal4,
    VariantDecimal8, VariantDecimal16,
};

use super::json::{java_double, java_float, parse_ddl, write_str};
use super::{ColumnFn, exec_err, plan_err};

/// How deep `parse_json` nests (Spark's JSON reader's limit).
const MAX_NESTING: usize = 1000;

// ---------------------------------------------------------------------------------------------
// JSON text to a variant

/// A parsed JSON value; numbers keep their text, which decides their variant type.
enum Json<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    Str(String),
    Array(Vec<Json<'a>>),
    Object(Vec<(String, Json<'a>)>),
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Parser<'a> {
    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!(
            "{what} at character {}",
            self.text[..self.at].chars().count() + 1
        ))
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.skip_ws();
        match self.peek() {
            None => self.fail("no JSON value"),
            Some(b'{' | b'[') if depth >= MAX_NESTING => {
                self.fail(&format!("nested deeper than {MAX_NESTING} levels"))
            }
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ if self.eat("true") => Ok(Json::Bool(true)),
            _ if self.eat("false") => Ok(Json::Bool(false)),
            _ if self.eat("null") => Ok(Json::Null),
            _ => self.fail("unexpected character"),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return self.fail("expected ',' or ']'"),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json<'a>, String> {
        self.at += 1;
        let mut entries = Vec::new();
        let mut keys = HashSet::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(entries));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return self.fail("expected a key");
            }
            let key = self.string()?;
            if !keys.insert(key.clone()) {
                return Err(format!(
                    "[VARIANT_DUPLICATE_KEY] the key {key:?} appears twice"
                ));
            }
            self.skip_ws();
            if self.peek() != Some(b':') {
                return self.fail("expected ':'");
            }
            self.at += 1;
            entries.push((key, self.value(depth + 1)?));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(entries));
                }
                _ => return self.fail("expected ',' or '}'"),
            }
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.at..];
            let Some(c) = rest.chars().next() else {
                return self.fail("unterminated string");
            };
            self.at += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else {
                        return self.fail("unterminated string");
                    };
                    self.at += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()?),
                        _ => return self.fail("bad escape"),
                    }
                }
                c if (c as u32) < 0x20 => return self.fail("control character in a string"),
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(n) if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.at += 4;
                Ok(n)
            }
            _ => self.fail("bad \\u escape"),
        }
    }

    fn unicode_escape(&mut self) -> Result<char, String> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) && self.eat("\\u") {
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return self.fail("bad surrogate pair");
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        // A lone surrogate is no character: Jackson reads it as U+FFFD's stand-in.
        Ok(char::from_u32(code).unwrap_or('\u{FFFD}'))
    }

    fn number(&mut self) -> Result<Json<'a>, String> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while matches!(p.peek(), Some(b'0'..=b'9')) {
                p.at += 1;
            }
            p.at - from
        };
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let first = self.peek();
        let int_digits = digits(self);
        if int_digits == 0 {
            return self.fail("a number without digits");
        }
        if first == Some(b'0') && int_digits > 1 {
            return self.fail("a number with a leading zero");
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if digits(self) == 0 {
                return self.fail("a number without digits after '.'");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return self.fail("a number without exponent digits");
            }
        }
        Ok(Json::Number(&self.text[start..self.at]))
    }
}

/// The variant of a JSON number's text: the narrowest integer, a decimal of its digits (up to
/// 38), else a double.
fn number_variant(text: &str) -> Variant<'static, 'static> {
    let exponent = text.contains(['e', 'E']);
    if !exponent
        && !text.contains('.')
        && let Ok(n) = text.parse::<i64>()
    {
        return narrow_int(n);
    }
    if !exponent {
        let negative = text.starts_with('-');
        let body = text.trim_start_matches('-');
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = format!("{int}{frac}");
        let significant = digits.trim_start_matches('0').len().max(1);
        let scale = frac.len();
        if significant <= 38
            && scale <= 38
            && let Ok(unscaled) = digits.parse::<i128>()
        {
            let unscaled = if negative { -unscaled } else { unscaled };
            if let Some(d) = decimal_variant(unscaled, scale as u8, significant.max(scale)) {
                return d;
            }
        }
    }
    Variant::Double(text.parse::<f64>().unwrap_or(f64::NAN))
}

fn narrow_int(n: i64) -> Variant<'static, 'static> {
    if let Ok(v) = i8::try_from(n) {
        Variant::Int8(v)
    } else if let Ok(v) = i16::try_from(n) {
        Variant::Int16(v)
    } else if let Ok(v) = i32::try_from(n) {
        Variant::Int32(v)
    } else {
        Variant::Int64(n)
    }
}

/// A decimal in the narrowest of the encoding's three widths for `precision` digits.
fn decimal_variant(
    unscaled: i128,
    scale: u8,
    precision: usize,
) -> Option<Variant<'static, 'static>> {
    if precision <= 9 {
        let v = i32::try_from(unscaled).ok()?;
        VariantDecimal4::try_new(v, scale).ok().map(Variant::from)
    } else if precision <= 18 {
        let v = i64::try_from(unscaled).ok()?;
        VariantDecimal8::try_new(v, scale).ok().map(Variant::from)
    } else {
        VariantDecimal16::try_new(unscaled, scale)
            .ok()
            .map(Variant::from)
    }
}

fn append<B: VariantBuilderExt>(json: &Json<'_>, builder: &mut B) -> Result<(), String> {
    match json {
        // A JSON null is a variant null, an object's field included (the crate's
        // `append_null` leaves an object's field out, as a missing one).
        Json::Null => builder.append_value(Variant::Null),
        Json::Bool(b) => builder.append_value(*b),
        Json::Number(text) => builder.append_value(number_variant(text)),
        Json::Str(s) => builder.append_value(s.as_str()),
        Json::Array(items) => {
            let mut list = builder.try_new_list().map_err(|e| e.to_string())?;
            for item in items {
                append(item, &mut list)?;
            }
            list.finish();
        }
        Json::Object(entries) => {
            let mut object = builder.try_new_object().map_err(|e| e.to_string())?;
            for (key, item) in entries {
                let mut field = ObjectFieldBuilder::new(key, &mut object);
                append(item, &mut field)?;
            }
            object.finish();
        }
    }
    Ok(())
}

/// The variant (metadata, value) of JSON text, or why it is not JSON.
fn parse_to_variant(text: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let json = Parser { text, at: 0 }.value(0)?;
    let mut builder = VariantBuilder::new();
    append(&json, &mut builder)?;
    builder.try_finish().map_err(|e| e.to_string())
}

/// A variant column from each row's encoding (`None`: NULL).
fn variant_array(rows: Vec<Option<(Vec<u8>, Vec<u8>)>>) -> DfResult<ArrayRef> {
    let mut metadata = BinaryBuilder::new();
    let mut value = BinaryBuilder::new();
    let mut valid = Vec::with_capacity(rows.len());
    for row in &rows {
        match row {
            Some((m, v)) => {
                metadata.append_value(m);
                value.append_value(v);
            }
            // The buffers are not nullable: a NULL variant holds empty ones.
            None => {
                metadata.append_value([]);
                value.append_value([]);
            }
        }
        valid.push(row.is_some());
    }
    let DataType::Struct(fields) = variant_type() else {
        return Err(exec_err("the variant type is not a struct".into()));
    };
    let columns: Vec<ArrayRef> = vec![Arc::new(metadata.finish()), Arc::new(value.finish())];
    Ok(Arc::new(StructArray::try_new(
        fields,
        columns,
        Some(NullBuffer::from(valid)),
    )?))
}

/// Row `i` of a variant column, decoded (`None` for NULL).
fn variant_at(array: &dyn Array, i: usize) -> DfResult<Option<Variant<'_, '_>>> {
    if array.is_null(i) {
        return Ok(None);
    }
    let s = array.as_struct();
    let (m, v) = (
        s.column(0).as_binary::<i32>(),
        s.column(1).as_binary::<i32>(),
    );
    Variant::try_new(m.value(i), v.value(i))
        .map(Some)
        .map_err(|e| exec_err(format!("a malformed variant value: {e}")))
}

/// A variant (or a part of one) re-encoded on its own.
fn encode(v: &Variant<'_, '_>) -> DfResult<(Vec<u8>, Vec<u8>)> {
    let mut builder = VariantBuilder::new();
    builder
        .try_append_value(v.clone())
        .map_err(|e| exec_err(format!("copying a variant value: {e}")))?;
    builder
        .try_finish()
        .map_err(|e| exec_err(format!("copying a variant value: {e}")))
}

// ---------------------------------------------------------------------------------------------
// A variant as JSON text

/// A decimal as Spark's variant JSON writes it: plain digits, no trailing fraction zeros.
fn decimal_text(unscaled: i128, scale: u8) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let scale = usize::from(scale);
    let (int, frac) = if digits.len() > scale {
        let (a, b) = digits.split_at(digits.len() - scale);
        (a.to_owned(), b.to_owned())
    } else {
        ("0".to_owned(), format!("{digits:0>scale$}"))
    };
    let frac = frac.trim_end_matches('0');
    let sign = if unscaled < 0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// A float as JSON: Java's text, or a quoted `NaN`/`Infinity` (not numbers in JSON).
fn float_json(text: String, out: &mut String) {
    if text.ends_with("NaN") || text.ends_with("Infinity") {
        write_str(&text, out);
    } else {
        out.push_str(&text);
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `v` as Spark's `to_json` writes a variant: objects' keys in the encoding's (sorted) order,
/// decimals without trailing zeros, doubles as Java writes them, dates and timestamps quoted.
pub(crate) fn write_json(v: &Variant<'_, '_>, out: &mut String) {
    match v {
        Variant::Null => out.push_str("null"),
        Variant::BooleanTrue => out.push_str("true"),
        Variant::BooleanFalse => out.push_str("false"),
        Variant::Int8(n) => {
            let _ = write!(out, "{n}");
        }
        Variant::Int16(n) => {
            let _ = write!(out, "{n}");
        }
        Variant::Int32(n) => {
            let _ = write!(out, "{n}");
        }
        Variant::Int64(n) => {
            let _ = write!(out, "{n}");
        }
        Variant::Float(f) => float_json(java_float(*f), out),
        Variant::Double(d) => float_json(java_double(*d), out),
        Variant::Decimal4(d) => out.push_str(&decimal_text(i128::from(d.integer()), d.scale())),
        Variant::Decimal8(d) => out.push_str(&decimal_text(i128::from(d.integer()), d.scale())),
        Variant::Decimal16(d) => out.push_str(&decimal_text(d.integer(), d.scale())),
        Variant::String(s) => write_str(s, out),
        Variant::ShortString(s) => write_str(s.as_str(), out),
        Variant::Binary(b) => write_str(&base64(b), out),
        Variant::Date(d) => write_str(&d.format("%Y-%m-%d").to_string(), out),
        Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => {
            write_str(&t.format("%Y-%m-%d %H:%M:%S%.f+00:00").to_string(), out);
        }
        Variant::TimestampNtzMicros(t) | Variant::TimestampNtzNanos(t) => {
            write_str(&t.format("%Y-%m-%d %H:%M:%S%.f").to_string(), out);
        }
        Variant::Time(t) => write_str(&t.format("%H:%M:%S%.f").to_string(), out),
        Variant::Uuid(u) => write_str(&u.to_string(), out),
        Variant::Object(o) => {
            out.push('{');
            for (i, (key, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(key, out);
                out.push(':');
                write_json(&item, out);
            }
            out.push('}');
        }
        Variant::List(l) => {
            out.push('[');
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&item, out);
            }
            out.push(']');
        }
    }
}

/// Row `i` of a variant column as JSON text (`to_json`'s, and how a variant is shown).
pub(crate) fn json_at(array: &dyn Array, i: usize, out: &mut String) -> DfResult<()> {
    match variant_at(array, i)? {
        Some(v) => write_json(&v, out),
        None => out.push_str("null"),
    }
    Ok(())
}

/// A variant column as a column of its JSON texts (NULL stays NULL): how variants are shown.
pub(crate) fn to_json_column(array: &dyn Array) -> DfResult<ArrayRef> {
    let mut out = StringBuilder::new();
    let mut text = String::new();
    for i in 0..array.len() {
        if array.is_null(i) {
            out.append_null();
        } else {
            text.clear();
            json_at(array, i, &mut text)?;
            out.append_value(&text);
        }
    }
    Ok(Arc::new(out.finish()))
}

// ---------------------------------------------------------------------------------------------
// parse_json, try_parse_json, is_variant_null

fn parse_json_fn(name: &'static str, eval: fn(&[ArrayRef]) -> DfResult<ArrayRef>) -> ColumnFn {
    ColumnFn::new(
        name,
        |t| match t {
            [DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null] => {
                Ok(vec![DataType::Utf8])
            }
            [other] => Err(plan_err(format!("takes a string, got {other}"))),
            _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
        },
        |_| Ok(variant_type()),
        eval,
    )
}

fn parse_rows(args: &[ArrayRef], lenient: bool) -> DfResult<ArrayRef> {
    let s = args[0].as_string::<i32>();
    let mut rows = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        if s.is_null(i) {
            rows.push(None);
            continue;
        }
        match parse_to_variant(s.value(i)) {
            Ok(v) => rows.push(Some(v)),
            Err(_) if lenient => rows.push(None),
            Err(why) => {
                return Err(exec_err(format!(
                    "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] parse_json: {why} (try_parse_json gives NULL)"
                )));
            }
        }
    }
    variant_array(rows)
}

/// One variant argument, as `coerce_types` answers for it.
fn variant_arg(t: &DataType) -> DfResult<DataType> {
    match t {
        t if is_variant(t) => Ok(t.clone()),
        DataType::Null => Ok(variant_type()),
        other => Err(plan_err(format!(
            "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] takes a VARIANT, got {}",
            ember_types::spark_type_name(other).to_uppercase()
        ))),
    }
}

fn is_variant_null() -> ColumnFn {
    ColumnFn::new(
        "is_variant_null",
        |t| match t {
            [a] => Ok(vec![variant_arg(a)?]),
            _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
        },
        |_| Ok(DataType::Boolean),
        |args| {
            let a = &args[0];
            let mut out = BooleanBuilder::with_capacity(a.len());
            for i in 0..a.len() {
                // A SQL NULL is not a variant null.
                out.append_value(matches!(variant_at(a.as_ref(), i)?, Some(Variant::Null)));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Paths

enum Step {
    Key(String),
    Index(usize),
}

/// Spark's variant path: `$` then `.key`, `['key']`/`["key"]` or `[n]` steps.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            steps.push(Step::Key(r[..end].to_owned()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            if let Some(q @ ('\'' | '"')) = r.chars().next() {
                let inner = &r[1..];
                let close = inner.find(q)?;
                steps.push(Step::Key(inner[..close].to_owned()));
                rest = inner[close + 1..].strip_prefix(']')?;
            } else {
                let close = r.find(']')?;
                let digits = &r[..close];
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                steps.push(Step::Index(digits.parse().ok()?));
                rest = &r[close + 1..];
            }
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The value at `steps` in `v`, if there is one.
fn walk<'m, 'v>(v: Variant<'m, 'v>, steps: &[Step]) -> Option<Variant<'m, 'v>> {
    let mut current = v;
    for step in steps {
        current = match (step, current) {
            (Step::Key(k), Variant::Object(o)) => o.get(k)?,
            (Step::Index(n), Variant::List(l)) => l.get(*n)?,
            _ => return None,
        };
    }
    Some(current)
}

// ---------------------------------------------------------------------------------------------
// Casting a variant value

/// Why a value does not cast: Spark's `INVALID_VARIANT_CAST`, naming the value and the type.
fn invalid_cast(v: &Variant<'_, '_>, target: &DataType) -> String {
    let mut text = String::new();
    write_json(v, &mut text);
    format!(
        "[INVALID_VARIANT_CAST] The variant value `{text}` cannot be cast into `\"{}\"`. Please use `try_variant_get` instead. SQLSTATE: 22023",
        ember_types::spark_type_name(target).to_uppercase()
    )
}

/// A number held by a variant, as an exact decimal (unscaled, scale) when it is one.
fn exact(v: &Variant<'_, '_>) -> Option<(i128, u8)> {
    Some(match v {
        Variant::Int8(n) => (i128::from(*n), 0),
        Variant::Int16(n) => (i128::from(*n), 0),
        Variant::Int32(n) => (i128::from(*n), 0),
        Variant::Int64(n) => (i128::from(*n), 0),
        Variant::Decimal4(d) => (i128::from(d.integer()), d.scale()),
        Variant::Decimal8(d) => (i128::from(d.integer()), d.scale()),
        Variant::Decimal16(d) => (d.integer(), d.scale()),
        Variant::BooleanTrue => (1, 0),
        Variant::BooleanFalse => (0, 0),
        _ => return None,
    })
}

fn as_f64(v: &Variant<'_, '_>) -> Option<f64> {
    match v {
        Variant::Float(f) => Some(f64::from(*f)),
        Variant::Double(d) => Some(*d),
        other => exact(other).map(|(u, s)| u as f64 / 10f64.powi(i32::from(s))),
    }
}

fn text_of<'a>(v: &'a Variant<'_, '_>) -> Option<&'a str> {
    match v {
        Variant::String(s) => Some(s),
        Variant::ShortString(s) => Some(s.as_str()),
        _ => None,
    }
}

/// `unscaled`/10^`from` at scale `to`, rounded half up.
fn rescale(unscaled: i128, from: u8, to: u8) -> Option<i128> {
    if to >= from {
        unscaled.checked_mul(10i128.checked_pow(u32::from(to - from))?)
    } else {
        let div = 10i128.checked_pow(u32::from(from - to))?;
        let (q, r) = (unscaled / div, unscaled % div);
        Some(if r.abs() * 2 >= div {
            q + unscaled.signum()
        } else {
            q
        })
    }
}

/// A decimal's text (`-1.50`, `2`) as (unscaled, scale).
fn parse_decimal(text: &str) -> Option<(i128, u8)> {
    let t = text.trim();
    let negative = t.starts_with('-');
    let body = t.trim_start_matches(['-', '+']);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let unscaled: i128 = format!("{int}{frac}").parse().ok()?;
    Some((
        if negative { -unscaled } else { unscaled },
        u8::try_from(frac.len()).ok()?,
    ))
}

fn cast_int(v: &Variant<'_, '_>, min: i128, max: i128) -> Option<i128> {
    let n = match v {
        Variant::Float(_) | Variant::Double(_) => {
            let f = as_f64(v)?.trunc();
            if !f.is_finite() || f < min as f64 || f > max as f64 {
                return None;
            }
            f as i128
        }
        other => match exact(other) {
            // A fraction truncates toward zero, as Spark's cast.
            Some((u, s)) => u / 10i128.checked_pow(u32::from(s))?,
            None => text_of(other)?.trim().parse::<i128>().ok()?,
        },
    };
    (min..=max).contains(&n).then_some(n)
}

/// `v` cast to `target`, or `None` where it does not cast.
fn cast(v: &Variant<'_, '_>, target: &DataType) -> DfResult<Option<ScalarValue>> {
    // A variant null stays a variant (`is_variant_null` of it is true); cast, it is NULL.
    if is_variant(target) {
        let (m, value) = encode(v)?;
        return Ok(Some(variant_scalar(m, value)?));
    }
    if matches!(v, Variant::Null) {
        return ScalarValue::try_from(target).map(Some);
    }
    Ok(match target {
        DataType::Utf8 => Some(ScalarValue::Utf8(Some(match text_of(v) {
            Some(s) => s.to_owned(),
            None => {
                let mut text = String::new();
                write_json(v, &mut text);
                text
            }
        }))),
        DataType::Boolean => match v {
            Variant::BooleanTrue => Some(true),
            Variant::BooleanFalse => Some(false),
            Variant::Float(_) | Variant::Double(_) => as_f64(v).map(|f| f != 0.0),
            other => match exact(other) {
                Some((u, _)) => Some(u != 0),
                None => match text_of(other)
                    .map(|s| s.trim().to_ascii_lowercase())
                    .as_deref()
                {
                    Some("t" | "true" | "y" | "yes" | "1") => Some(true),
                    Some("f" | "false" | "n" | "no" | "0") => Some(false),
                    _ => None,
                },
            },
        }
        .map(|b| ScalarValue::Boolean(Some(b))),
        DataType::Int8 => cast_int(v, i8::MIN.into(), i8::MAX.into())
            .map(|n| ScalarValue::Int8(i8::try_from(n).ok())),
        DataType::Int16 => cast_int(v, i16::MIN.into(), i16::MAX.into())
            .map(|n| ScalarValue::Int16(i16::try_from(n).ok())),
        DataType::Int32 => cast_int(v, i32::MIN.into(), i32::MAX.into())
            .map(|n| ScalarValue::Int32(i32::try_from(n).ok())),
        DataType::Int64 => cast_int(v, i64::MIN.into(), i64::MAX.into())
            .map(|n| ScalarValue::Int64(i64::try_from(n).ok())),
        DataType::Float64 | DataType::Float32 => {
            let f = match text_of(v) {
                Some(s) => s.trim().parse::<f64>().ok(),
                None => as_f64(v),
            };
            f.map(|f| match target {
                DataType::Float32 => ScalarValue::Float32(Some(f as f32)),
                _ => ScalarValue::Float64(Some(f)),
            })
        }
        DataType::Decimal128(p, s) => {
            let (u, from) = match (exact(v), text_of(v)) {
                (Some(e), _) => Some(e),
                (None, Some(t)) => parse_decimal(t),
                (None, None) => as_f64(v).and_then(|f| {
                    let scaled = (f * 10f64.powi(i32::from(*s))).round();
                    (scaled.is_finite() && scaled.abs() < 1e38)
                        .then_some((scaled as i128, *s as u8))
                }),
            }
            .unzip();
            let unscaled = u.zip(from).and_then(|(u, from)| rescale(u, from, *s as u8));
            let limit = 10i128.pow(u32::from(*p));
            unscaled
                .filter(|u| u.abs() < limit)
                .map(|u| ScalarValue::Decimal128(Some(u), *p, *s))
        }
        DataType::Date32 => {
            let date = match v {
                Variant::Date(d) => Some(*d),
                Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => Some(t.date_naive()),
                Variant::TimestampNtzMicros(t) | Variant::TimestampNtzNanos(t) => Some(t.date()),
                other => text_of(other)
                    .and_then(|s| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()),
            };
            date.map(|d| {
                let days = d
                    .signed_duration_since(chrono::NaiveDate::default())
                    .num_days();
                ScalarValue::Date32(i32::try_from(days).ok())
            })
        }
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            let naive = match v {
                Variant::Date(d) => d.and_hms_opt(0, 0, 0),
                Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => Some(t.naive_utc()),
                Variant::TimestampNtzMicros(t) | Variant::TimestampNtzNanos(t) => Some(*t),
                other => text_of(other).and_then(|s| {
                    let s = s.trim();
                    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
                        .iter()
                        .find_map(|f| chrono::NaiveDateTime::parse_from_str(s, f).ok())
                        .or_else(|| {
                            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                                .ok()
                                .and_then(|d| d.and_hms_opt(0, 0, 0))
                        })
                }),
            };
            naive.map(|n| {
                ScalarValue::TimestampMicrosecond(Some(n.and_utc().timestamp_micros()), tz.clone())
            })
        }
        other => {
            return Err(plan_err(format!(
                "variant_get: casting a variant to {} is not supported yet",
                ember_types::spark_type_name(other).to_uppercase()
            )));
        }
    })
}

fn variant_scalar(metadata: Vec<u8>, value: Vec<u8>) -> DfResult<ScalarValue> {
    let array = variant_array(vec![Some((metadata, value))])?;
    ScalarValue::try_from_array(&array, 0)
}

/// The types `variant_get` casts to: Spark's primitive types and `variant`.
fn castable(t: &DataType) -> bool {
    is_variant(t)
        || matches!(
            t,
            DataType::Utf8
                | DataType::Boolean
                | DataType::Int8
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::Float32
                | DataType::Float64
                | DataType::Decimal128(..)
                | DataType::Date32
                | DataType::Timestamp(TimeUnit::Microsecond, _)
        )
}

// ---------------------------------------------------------------------------------------------
// variant_get, try_variant_get

/// `variant_get(v, path[, type])` and `try_variant_get`; also what `CAST(v AS type)` becomes
/// (`coercion.rs`), at the path `$`.
#[derive(Debug)]
pub(crate) struct VariantGet {
    name: &'static str,
    lenient: bool,
    signature: Signature,
    time_zone: Arc<str>,
}

impl PartialEq for VariantGet {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.time_zone == other.time_zone
    }
}

impl Eq for VariantGet {}

impl std::hash::Hash for VariantGet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.time_zone.hash(state);
    }
}

fn literal_text(v: Option<&ScalarValue>) -> Option<Option<&str>> {
    match v? {
        ScalarValue::Utf8(s) | ScalarValue::Utf8View(s) | ScalarValue::LargeUtf8(s) => {
            Some(s.as_deref())
        }
        ScalarValue::Null => Some(None),
        _ => None,
    }
}

impl VariantGet {
    pub(crate) fn new(name: &'static str, lenient: bool, time_zone: Arc<str>) -> Self {
        Self {
            name,
            lenient,
            signature: Signature::user_defined(Volatility::Immutable),
            time_zone,
        }
    }

    fn target(&self, type_arg: Option<&ScalarValue>, given: bool) -> DfResult<DataType> {
        if !given {
            return Ok(variant_type());
        }
        let Some(Some(text)) = literal_text(type_arg) else {
            return Err(plan_err(format!(
                "{}: the type must be a string literal such as 'int'",
                self.name
            )));
        };
        let t = if text.trim().eq_ignore_ascii_case("variant") {
            variant_type()
        } else {
            parse_ddl(text, &self.time_zone).map_err(|_| {
                plan_err(format!(
                    "[UNSUPPORTED_DATATYPE] Unsupported data type \"{}\". SQLSTATE: 0A000",
                    text.trim().to_uppercase()
                ))
            })?
        };
        if castable(&t) {
            Ok(t)
        } else {
            Err(plan_err(format!(
                "{}: casting a variant to {} is not supported yet (Ember casts to Spark's primitive types and VARIANT)",
                self.name,
                ember_types::spark_type_name(&t).to_uppercase()
            )))
        }
    }
}

impl ScalarUDFImpl for VariantGet {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types {
            [v, _] => Ok(vec![variant_arg(v)?, DataType::Utf8]),
            [v, _, _] => Ok(vec![variant_arg(v)?, DataType::Utf8, DataType::Utf8]),
            _ => Err(plan_err(format!(
                "{} takes 2 or 3 arguments, got {}",
                self.name,
                arg_types.len()
            ))),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(format!(
            "{}'s type comes from its type argument",
            self.name
        )))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let given = args.arg_fields.len() == 3;
        let t = self.target(args.scalar_arguments.get(2).copied().flatten(), given)?;
        // A path that is a literal is checked before anything runs, as Spark checks it.
        if let Some(Some(path)) = literal_text(args.scalar_arguments.get(1).copied().flatten())
            && parse_path(path).is_none()
        {
            return Err(plan_err(self.bad_path(path)));
        }
        Ok(Arc::new(Field::new(self.name, t, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let target = args.return_field.data_type().clone();
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let (values, paths) = (&arrays[0], arrays[1].as_string::<i32>());
        let mut out = Vec::with_capacity(values.len());
        for i in 0..values.len() {
            let value = variant_at(values.as_ref(), i)?;
            let (Some(v), false) = (value, paths.is_null(i)) else {
                out.push(ScalarValue::try_from(&target)?);
                continue;
            };
            let steps = parse_path(paths.value(i))
                .ok_or_else(|| exec_err(self.bad_path(paths.value(i))))?;
            let Some(found) = walk(v, &steps) else {
                out.push(ScalarValue::try_from(&target)?);
                continue;
            };
            match cast(&found, &target)? {
                Some(s) => out.push(s),
                None if self.lenient => out.push(ScalarValue::try_from(&target)?),
                None => return Err(exec_err(invalid_cast(&found, &target))),
            }
        }
        let array = if is_variant(&target) {
            // Built from the structs' own rows: `iter_to_array` would need each to be typed.
            let rows = out
                .iter()
                .map(|s| match s {
                    ScalarValue::Struct(a) if a.is_valid(0) => {
                        let s = a.as_ref();
                        Some((
                            s.column(0).as_binary::<i32>().value(0).to_vec(),
                            s.column(1).as_binary::<i32>().value(0).to_vec(),
                        ))
                    }
                    _ => None,
                })
                .collect();
            variant_array(rows)?
        } else if out.is_empty() {
            datafusion::arrow::array::new_empty_array(&target)
        } else {
            ScalarValue::iter_to_array(out)?
        };
        if all_scalar && array.len() == 1 {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(
                &array, 0,
            )?))
        } else {
            Ok(ColumnarValue::Array(array))
        }
    }
}

impl VariantGet {
    fn bad_path(&self, path: &str) -> String {
        format!(
            "[INVALID_VARIANT_GET_PATH] The path `{path}` is not a valid variant extraction path in `{}`. SQLSTATE: 22023",
            self.name
        )
    }
}

// ---------------------------------------------------------------------------------------------
// schema_of_variant, schema_of_variant_agg

/// A variant value's schema, as Spark infers and merges it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Shape {
    Void,
    Boolean,
    Bigint,
    Decimal(u8, u8),
    Float,
    Double,
    String,
    Date,
    Timestamp,
    TimestampNtz,
    Binary,
    Time,
    Uuid,
    Variant,
    Array(Box<Shape>),
    Object(BTreeMap<String, Shape>),
}

/// A decimal's type as Spark's schema gives it: trailing fraction zeros dropped.
fn decimal_shape(unscaled: i128, scale: u8) -> Shape {
    let (mut u, mut s) = (unscaled, scale);
    while s > 0 && u % 10 == 0 {
        u /= 10;
        s -= 1;
    }
    let digits = u.unsigned_abs().to_string().len() as u8;
    Shape::Decimal(digits.max(s).max(1), s)
}

fn shape(v: &Variant<'_, '_>) -> Shape {
    match v {
        Variant::Null => Shape::Void,
        Variant::BooleanTrue | Variant::BooleanFalse => Shape::Boolean,
        Variant::Int8(_) | Variant::Int16(_) | Variant::Int32(_) | Variant::Int64(_) => {
            Shape::Bigint
        }
        Variant::Decimal4(d) => decimal_shape(i128::from(d.integer()), d.scale()),
        Variant::Decimal8(d) => decimal_shape(i128::from(d.integer()), d.scale()),
        Variant::Decimal16(d) => decimal_shape(d.integer(), d.scale()),
        Variant::Float(_) => Shape::Float,
        Variant::Double(_) => Shape::Double,
        Variant::String(_) | Variant::ShortString(_) => Shape::String,
        Variant::Binary(_) => Shape::Binary,
        Variant::Date(_) => Shape::Date,
        Variant::TimestampMicros(_) | Variant::TimestampNanos(_) => Shape::Timestamp,
        Variant::TimestampNtzMicros(_) | Variant::TimestampNtzNanos(_) => Shape::TimestampNtz,
        Variant::Time(_) => Shape::Time,
        Variant::Uuid(_) => Shape::Uuid,
        Variant::List(l) => Shape::Array(Box::new(
            l.iter()
                .fold(Shape::Void, |acc, item| merge(acc, shape(&item))),
        )),
        Variant::Object(o) => Shape::Object(
            o.iter()
                .map(|(k, item)| (k.to_owned(), shape(&item)))
                .collect(),
        ),
    }
}

/// Two decimals' common type: enough integer digits and fraction digits for both (38 at most).
fn wider_decimal(p1: u8, s1: u8, p2: u8, s2: u8) -> Shape {
    let scale = s1.max(s2);
    let int = (p1 - s1).max(p2 - s2);
    let precision = (int + scale).min(38);
    Shape::Decimal(precision, scale.min(precision))
}

fn merge(a: Shape, b: Shape) -> Shape {
    use Shape::*;
    match (a, b) {
        (a, b) if a == b => a,
        (Void, x) | (x, Void) => x,
        (Decimal(p1, s1), Decimal(p2, s2)) => wider_decimal(p1, s1, p2, s2),
        (Bigint, Decimal(p, s)) | (Decimal(p, s), Bigint) => wider_decimal(20, 0, p, s),
        (Bigint | Decimal(..) | Float | Double, Bigint | Decimal(..) | Float | Double) => Double,
        (Array(x), Array(y)) => Array(Box::new(merge(*x, *y))),
        (Object(mut x), Object(y)) => {
            for (k, v) in y {
                let merged = match x.remove(&k) {
                    Some(old) => merge(old, v),
                    None => v,
                };
                x.insert(k, merged);
            }
            Object(x)
        }
        _ => Variant,
    }
}

/// A field name as Spark's schema text writes it: in backquotes unless an identifier.
fn field_name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

fn shape_text(s: &Shape) -> String {
    match s {
        Shape::Void => "VOID".into(),
        Shape::Boolean => "BOOLEAN".into(),
        Shape::Bigint => "BIGINT".into(),
        Shape::Decimal(p, s) => format!("DECIMAL({p},{s})"),
        Shape::Float => "FLOAT".into(),
        Shape::Double => "DOUBLE".into(),
        Shape::String => "STRING".into(),
        Shape::Date => "DATE".into(),
        Shape::Timestamp => "TIMESTAMP".into(),
        Shape::TimestampNtz => "TIMESTAMP_NTZ".into(),
        Shape::Binary => "BINARY".into(),
        Shape::Time => "TIME(6)".into(),
        Shape::Uuid => "UUID".into(),
        Shape::Variant => "VARIANT".into(),
        Shape::Array(e) => format!("ARRAY<{}>", shape_text(e)),
        Shape::Object(fields) => format!(
            "OBJECT<{}>",
            fields
                .iter()
                .map(|(k, v)| format!("{}: {}", field_name(k), shape_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn schema_of_variant() -> ColumnFn {
    ColumnFn::new(
        "schema_of_variant",
        |t| match t {
            [a] => Ok(vec![variant_arg(a)?]),
            _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            let a = &args[0];
            let mut out = StringBuilder::new();
            for i in 0..a.len() {
                match variant_at(a.as_ref(), i)? {
                    Some(v) => out.append_value(shape_text(&shape(&v))),
                    None => out.append_null(),
                }
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `schema_of_variant_agg(v)`: the merged schema of every row's value.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SchemaOfVariantAgg {
    signature: Signature,
}

impl AggregateUDFImpl for SchemaOfVariantAgg {
    fn name(&self) -> &str {
        "schema_of_variant_agg"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types {
            [a] => Ok(vec![variant_arg(a)?]),
            _ => Err(plan_err(format!(
                "schema_of_variant_agg takes 1 argument, got {}",
                arg_types.len()
            ))),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn state_fields(
        &self,
        _args: datafusion::logical_expr::function::StateFieldsArgs<'_>,
    ) -> DfResult<Vec<FieldRef>> {
        Ok(vec![Arc::new(Field::new("shape", DataType::Utf8, true))])
    }

    fn accumulator(&self, _args: AccumulatorArgs<'_>) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(ShapeAccumulator { shape: None }))
    }
}

/// The schema merged so far (`None`: no value yet).
#[derive(Debug)]
struct ShapeAccumulator {
    shape: Option<Shape>,
}

impl ShapeAccumulator {
    fn add(&mut self, s: Shape) {
        self.shape = Some(match self.shape.take() {
            Some(old) => merge(old, s),
            None => s,
        });
    }
}

impl Accumulator for ShapeAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let a = &values[0];
        for i in 0..a.len() {
            if let Some(v) = variant_at(a.as_ref(), i)? {
                self.add(shape(&v));
            }
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        Ok(ScalarValue::Utf8(self.shape.as_ref().map(shape_text)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        let text = match &self.shape {
            Some(s) => {
                Some(serde_json::to_string(s).map_err(|e| exec_err(format!("schema state: {e}")))?)
            }
            None => None,
        };
        Ok(vec![ScalarValue::Utf8(text)])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let s = states[0].as_string::<i32>();
        for i in 0..s.len() {
            if s.is_valid(i) {
                let shape = serde_json::from_str(s.value(i))
                    .map_err(|e| exec_err(format!("schema state: {e}")))?;
                self.add(shape);
            }
        }
        Ok(())
    }
}

/// `CAST(v AS to)` of a variant `v`: `variant_get(v, '$', '<to>')` (`try_variant_get` when
/// `lenient`, for `TRY_CAST`), so a cast reads the value as Spark's cast of a variant does.
pub(crate) fn cast_expr(v: Expr, to: &DataType, lenient: bool) -> Expr {
    let zone: Arc<str> = match to {
        DataType::Timestamp(_, Some(zone)) => Arc::from(zone.as_ref()),
        _ => Arc::from("UTC"),
    };
    let name = if lenient {
        "try_variant_get"
    } else {
        "variant_get"
    };
    let get = ScalarUDF::new_from_impl(VariantGet::new(name, lenient, zone));
    Expr::ScalarFunction(ScalarFunction::new_udf(
        Arc::new(get),
        vec![v, lit("$"), lit(ember_types::spark_type_name(to))],
    ))
}

/// Whether `t` (a column's type) holds a variant anywhere.
pub(crate) fn holds_variant(t: &DataType) -> bool {
    match t {
        t if is_variant(t) => true,
        DataType::List(f) | DataType::LargeList(f) | DataType::Map(f, _) => {
            holds_variant(f.data_type())
        }
        DataType::Struct(fields) => fields.iter().any(|f| holds_variant(f.data_type())),
        _ => false,
    }
}

/// `array` with every variant in it (at any depth) replaced by its JSON text: how results are
/// shown.
pub(crate) fn shown(array: &ArrayRef) -> DfResult<ArrayRef> {
    let t = array.data_type();
    if !holds_variant(t) {
        return Ok(Arc::clone(array));
    }
    if is_variant(t) {
        return to_json_column(array.as_ref());
    }
    match t {
        DataType::List(f) => {
            let list = array.as_list::<i32>();
            let values = shown(list.values())?;
            let field = Arc::new(Field::new(
                f.name(),
                values.data_type().clone(),
                f.is_nullable(),
            ));
            Ok(Arc::new(datafusion::arrow::array::ListArray::try_new(
                field,
                list.offsets().clone(),
                values,
                list.nulls().cloned(),
            )?))
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let columns = s
                .columns()
                .iter()
                .map(shown)
                .collect::<DfResult<Vec<_>>>()?;
            let fields: Fields = fields
                .iter()
                .zip(&columns)
                .map(|(f, c)| Field::new(f.name(), c.data_type().clone(), f.is_nullable()))
                .collect();
            Ok(Arc::new(StructArray::try_new(
                fields,
                columns,
                s.nulls().cloned(),
            )?))
        }
        // Maps (and large lists) of variants are rare: shown as their JSON text.
        _ => {
            let mut out = StringBuilder::new();
            let mut text = String::new();
            for i in 0..array.len() {
                if array.is_null(i) {
                    out.append_null();
                } else {
                    text.clear();
                    super::json::to_json_value(array.as_ref(), i, &mut text)?;
                    out.append_value(&text);
                }
            }
            Ok(Arc::new(out.finish()))
        }
    }
}

/// Registers the variant functions; `variant_get`'s timestamps are zoned in `time_zone`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    for f in [
        parse_json_fn("parse_json", |a| parse_rows(a, false)),
        parse_json_fn("try_parse_json", |a| parse_rows(a, true)),
        is_variant_null(),
        schema_of_variant(),
    ] {
        ctx.register_udf(f.udf());
    }
    for (name, lenient) in [("variant_get", false), ("try_variant_get", true)] {
        ctx.register_udf(ScalarUDF::new_from_impl(VariantGet::new(
            name,
            lenient,
            Arc::clone(time_zone),
        )));
    }
    ctx.register_udaf(AggregateUDF::new_from_impl(SchemaOfVariantAgg {
        signature: Signature::user_defined(Volatility::Immutable),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json_of(text: &str) -> String {
        let (m, v) = parse_to_variant(text).unwrap();
        let mut out = String::new();
        write_json(&Variant::try_new(&m, &v).unwrap(), &mut out);
        out
    }

    #[test]
    fn json_reads_and_writes_as_spark() {
        assert_eq!(
            json_of(r#"{"b":1,"a":[1,2.5,"x",null,true]}"#),
            r#"{"a":[1,2.5,"x",null,true],"b":1}"#
        );
        assert_eq!(json_of("1e3"), "1000.0");
        assert_eq!(json_of("1.50"), "1.5");
        assert_eq!(json_of("-0.0"), "0");
        assert_eq!(json_of("12345678901234567890"), "12345678901234567890");
        assert_eq!(json_of("1e400"), "\"Infinity\"");
        assert_eq!(json_of("[1,2]x"), "[1,2]");
        assert_eq!(json_of(r#""\u00e9\n""#), "\"é\\n\"");
        for bad in [
            "",
            "01",
            "NaN",
            "1.",
            ".5",
            r#"{"a":1,"a":2}"#,
            "[1,",
            "\"\u{1}\"",
        ] {
            assert!(parse_to_variant(bad).is_err(), "{bad:?}");
        }
        let deep = format!(
            "{}{}",
            "[".repeat(MAX_NESTING + 1),
            "]".repeat(MAX_NESTING + 1)
        );
        assert!(parse_to_variant(&deep).is_err());
    }

    #[test]
    fn schemas_merge_as_spark() {
        let schema = |t: &str| {
            let (m, v) = parse_to_variant(t).unwrap();
            shape_text(&shape(&Variant::try_new(&m, &v).unwrap()))
        };
        assert_eq!(schema("[1, 2.5]"), "ARRAY<DECIMAL(21,1)>");
        assert_eq!(schema("[1, 1e2]"), "ARRAY<DOUBLE>");
        assert_eq!(schema("[1.25, 10.5]"), "ARRAY<DECIMAL(4,2)>");
        assert_eq!(
            schema("[{\"a\":1},{\"a\":\"x\"}]"),
            "ARRAY<OBJECT<a: VARIANT>>"
        );
        assert_eq!(
            schema("{\"a b\":1, \"C\":2}"),
            "OBJECT<C: BIGINT, `a b`: BIGINT>"
        );
        assert_eq!(schema("0.000001"), "DECIMAL(6,6)");
        assert_eq!(schema("[]"), "ARRAY<VOID>");
    }

    #[test]
    fn paths_parse_as_spark() {
        assert!(parse_path("$.a.b[1]").is_some());
        assert!(parse_path("$['a b'][0]").is_some());
        assert!(parse_path("$").is_some());
        for bad in ["a", "$[-1]", "$.", "$[x]", "$['a'"] {
            assert!(parse_path(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"Spark"), "U3Bhcms=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
