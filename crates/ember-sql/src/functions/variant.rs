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

use chrono::TimeZone as _;
use datafusion::arrow::array::timezone::Tz;
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
    VariantDecimal8, VariantDecimal16, VariantMetadata,
};

use super::json::{java_double, java_float, parse_ddl, write_str};
use super::{ColumnFn, exec_err, plan_err};

/// How deep `parse_json` and the edits nest (Spark's JSON reader's limit).
const MAX_NESTING: usize = 1000;

/// The largest index an edit pads an array to (Spark's 16 MiB limit holds about 8 million
/// nulls; Ember refuses sooner, before the memory is taken).
const MAX_PADDED_INDEX: usize = 1 << 20;

/// The largest variant Ember makes (Spark's `VARIANT_SIZE_LIMIT`, 16 MiB).
const SIZE_LIMIT: usize = 16 << 20;

/// A finished builder's encoding, refused beyond [`SIZE_LIMIT`] as Spark refuses it.
fn finish(builder: VariantBuilder, what: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let (mut m, mut v) = builder.try_finish().map_err(|e| e.to_string())?;
    // parquet-variant's full validation wants an unsorted dictionary's offsets strictly
    // increasing, which an empty key breaks: such a variant is re-encoded with its keys sorted.
    let metadata = VariantMetadata::new(&m);
    if !metadata.is_sorted() && metadata.iter().any(str::is_empty) {
        let mut keys: Vec<&str> = metadata.iter().collect();
        keys.sort_unstable();
        keys.dedup();
        // Copied through the edits' tree: appending the variant itself would validate it.
        let tree = Val::of(&Variant::new_with_metadata(metadata.clone(), &v))
            .map_err(|e| e.to_string())?;
        let mut sorted = VariantBuilder::new().with_field_names(keys);
        tree.append(&mut sorted).map_err(|e| e.to_string())?;
        (m, v) = sorted.try_finish().map_err(|e| e.to_string())?;
    }
    if m.len() + v.len() > SIZE_LIMIT {
        return Err(format!(
            "[VARIANT_SIZE_LIMIT] Cannot build variant bigger than 16.0 MiB in `{what}`. SQLSTATE: 22023"
        ));
    }
    Ok((m, v))
}

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
                    // The escaped character, whole (it may be any character, to be refused).
                    let Some(e) = self.text[self.at..].chars().next() else {
                        return self.fail("unterminated string");
                    };
                    self.at += e.len_utf8();
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{08}'),
                        'f' => out.push('\u{0c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => out.push(self.unicode_escape()?),
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
    finish(builder, "parse_json")
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

/// The argument types of a function of one variant.
fn one_variant(t: &[DataType]) -> DfResult<Vec<DataType>> {
    match t {
        [a] => Ok(vec![variant_arg(a)?]),
        _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
    }
}

fn is_variant_null() -> ColumnFn {
    ColumnFn::new(
        "is_variant_null",
        one_variant,
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
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
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
fn cast(v: &Variant<'_, '_>, target: &DataType, zone: &Tz) -> DfResult<Option<ScalarValue>> {
    // A variant null stays a variant (`is_variant_null` of it is true); cast, it is NULL.
    if is_variant(target) {
        let (m, value) = encode(v)?;
        return Ok(Some(variant_scalar(m, value)?));
    }
    if matches!(v, Variant::Null) {
        return ScalarValue::try_from(target).map(Some);
    }
    Ok(match target {
        DataType::Utf8 => Some(ScalarValue::Utf8(Some(cast_text(v, zone)))),
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
                // A double through its shortest text, so 1.005 rounds as the decimal it reads.
                (None, None) => as_f64(v)
                    .filter(|f| f.is_finite())
                    .and_then(|f| parse_decimal(&format!("{f}"))),
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
                Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => {
                    Some(t.with_timezone(zone).date_naive())
                }
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
            // A wall-clock time is read in the session time zone (a TIMESTAMP_NTZ keeps it).
            let micros_of = |naive: chrono::NaiveDateTime| match tz {
                Some(_) => zone
                    .from_local_datetime(&naive)
                    .earliest()
                    .map(|t| t.timestamp_micros()),
                None => Some(naive.and_utc().timestamp_micros()),
            };
            let micros = match v {
                Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => match tz {
                    Some(_) => Some(t.timestamp_micros()),
                    None => Some(
                        t.with_timezone(zone)
                            .naive_local()
                            .and_utc()
                            .timestamp_micros(),
                    ),
                },
                // A number is seconds since the epoch, as Spark casts it.
                Variant::Int8(_) | Variant::Int16(_) | Variant::Int32(_) | Variant::Int64(_)
                    if tz.is_some() =>
                {
                    exact(v).and_then(|(n, _)| i64::try_from(n).ok()?.checked_mul(1_000_000))
                }
                other => match other {
                    Variant::Date(d) => d.and_hms_opt(0, 0, 0),
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
                }
                .and_then(micros_of),
            };
            micros.map(|m| ScalarValue::TimestampMicrosecond(Some(m), tz.clone()))
        }
        other => {
            return Err(plan_err(format!(
                "variant_get: casting a variant to {} is not supported yet",
                ember_types::spark_type_name(other).to_uppercase()
            )));
        }
    })
}

/// `v` cast to a string as Spark casts it: objects and arrays as their JSON, other values as
/// their plain cast (a string itself, `Infinity` unquoted, a date or timestamp as its text in
/// the session time zone, bytes as UTF-8).
fn cast_text(v: &Variant<'_, '_>, zone: &Tz) -> String {
    match v {
        Variant::String(s) => (*s).to_owned(),
        Variant::ShortString(s) => s.as_str().to_owned(),
        Variant::Double(d) => java_double(*d),
        Variant::Float(f) => java_float(*f),
        Variant::Date(d) => d.format("%Y-%m-%d").to_string(),
        Variant::TimestampMicros(t) | Variant::TimestampNanos(t) => {
            timestamp_text(t.with_timezone(zone).naive_local())
        }
        Variant::TimestampNtzMicros(t) | Variant::TimestampNtzNanos(t) => timestamp_text(*t),
        Variant::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        other => {
            let mut text = String::new();
            write_json(other, &mut text);
            text
        }
    }
}

/// A timestamp as Spark's cast to string writes it: `2024-01-01 10:00:00`, a fraction without
/// trailing zeros.
fn timestamp_text(t: chrono::NaiveDateTime) -> String {
    let mut text = String::new();
    super::casts::spark_timestamp_text(t, &mut text);
    text
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
        let zone: Tz = self
            .time_zone
            .parse()
            .or_else(|_| "+00:00".parse())
            .map_err(|e| exec_err(format!("{}: the session time zone: {e}", self.name)))?;
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
            match cast(&found, &target, &zone)? {
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
        super::answer(array, all_scalar)
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
#[derive(Debug, Clone, PartialEq)]
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
                .map(|(k, v)| format!("{}: {}", super::json::ddl_name(k), shape_text(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn schema_of_variant() -> ColumnFn {
    ColumnFn::new(
        "schema_of_variant",
        one_variant,
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
        std::mem::size_of_val(self) + self.shape.as_ref().map_or(0, shape_size)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        let text = self.shape.as_ref().map(|s| {
            let mut out = String::new();
            write_shape(s, &mut out);
            out
        });
        Ok(vec![ScalarValue::Utf8(text)])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let s = states[0].as_string::<i32>();
        for i in 0..s.len() {
            if s.is_valid(i) {
                let mut tokens = s.value(i).split(' ');
                let shape = read_shape(&mut tokens)
                    .ok_or_else(|| exec_err("schema_of_variant_agg: a malformed state".into()))?;
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

/// The bytes a schema holds, roughly (for the aggregate's memory account).
fn shape_size(s: &Shape) -> usize {
    std::mem::size_of::<Shape>()
        + match s {
            Shape::Array(e) => shape_size(e),
            Shape::Object(fields) => fields.iter().map(|(k, v)| k.len() + shape_size(v)).sum(),
            _ => 0,
        }
}

/// A schema as the aggregate's state: space-separated tokens, a key as its bytes in hex (`-`
/// for an empty one), so keys hold any character and the state any depth.
fn write_shape(s: &Shape, out: &mut String) {
    if !out.is_empty() {
        out.push(' ');
    }
    match s {
        Shape::Decimal(p, sc) => {
            let _ = write!(out, "decimal {p} {sc}");
        }
        Shape::Array(e) => {
            out.push_str("array");
            write_shape(e, out);
        }
        Shape::Object(fields) => {
            let _ = write!(out, "object {}", fields.len());
            for (k, v) in fields {
                out.push(' ');
                for b in k.bytes() {
                    let _ = write!(out, "{b:02x}");
                }
                if k.is_empty() {
                    out.push('-');
                }
                write_shape(v, out);
            }
        }
        leaf => out.push_str(match leaf {
            Shape::Void => "void",
            Shape::Boolean => "boolean",
            Shape::Bigint => "bigint",
            Shape::Float => "float",
            Shape::Double => "double",
            Shape::String => "string",
            Shape::Date => "date",
            Shape::Timestamp => "timestamp",
            Shape::TimestampNtz => "timestamp_ntz",
            Shape::Binary => "binary",
            Shape::Time => "time",
            Shape::Uuid => "uuid",
            _ => "variant",
        }),
    }
}

/// The schema [`write_shape`] wrote.
fn read_shape<'a>(tokens: &mut impl Iterator<Item = &'a str>) -> Option<Shape> {
    Some(match tokens.next()? {
        "void" => Shape::Void,
        "boolean" => Shape::Boolean,
        "bigint" => Shape::Bigint,
        "float" => Shape::Float,
        "double" => Shape::Double,
        "string" => Shape::String,
        "date" => Shape::Date,
        "timestamp" => Shape::Timestamp,
        "timestamp_ntz" => Shape::TimestampNtz,
        "binary" => Shape::Binary,
        "time" => Shape::Time,
        "uuid" => Shape::Uuid,
        "variant" => Shape::Variant,
        "decimal" => Shape::Decimal(tokens.next()?.parse().ok()?, tokens.next()?.parse().ok()?),
        "array" => Shape::Array(Box::new(read_shape(tokens)?)),
        "object" => {
            let n: usize = tokens.next()?.parse().ok()?;
            let mut fields = BTreeMap::new();
            for _ in 0..n {
                let hex = tokens.next()?;
                let key = if hex == "-" {
                    String::new()
                } else {
                    let bytes = (0..hex.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                        .collect::<Option<Vec<u8>>>()?;
                    String::from_utf8(bytes).ok()?
                };
                fields.insert(key, read_shape(tokens)?);
            }
            Shape::Object(fields)
        }
        _ => return None,
    })
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

// ---------------------------------------------------------------------------------------------
// Arrow values to variants: to_variant_object, CAST(x AS VARIANT), the values of the edits

/// Row `i` of `array` appended to `builder` as a variant: integers the narrowest integer,
/// decimals the narrowest decimal, structs and string-keyed maps objects (a NULL field is a
/// variant null), lists arrays, a variant itself.
fn append_arrow<B: VariantBuilderExt>(
    array: &dyn Array,
    i: usize,
    builder: &mut B,
) -> DfResult<()> {
    use datafusion::arrow::datatypes as t;
    if array.is_null(i) {
        builder.append_value(Variant::Null);
        return Ok(());
    }
    let dt = array.data_type();
    if is_variant(dt) {
        if let Some(v) = variant_at(array, i)? {
            builder.append_value(v);
        }
        return Ok(());
    }
    match dt {
        DataType::Null => builder.append_value(Variant::Null),
        DataType::Boolean => builder.append_value(array.as_boolean().value(i)),
        DataType::Int8 => builder.append_value(array.as_primitive::<t::Int8Type>().value(i)),
        DataType::Int16 => builder.append_value(narrow_int(i64::from(
            array.as_primitive::<t::Int16Type>().value(i),
        ))),
        DataType::Int32 => builder.append_value(narrow_int(i64::from(
            array.as_primitive::<t::Int32Type>().value(i),
        ))),
        DataType::Int64 => {
            builder.append_value(narrow_int(array.as_primitive::<t::Int64Type>().value(i)))
        }
        DataType::Float32 => builder.append_value(array.as_primitive::<t::Float32Type>().value(i)),
        DataType::Float64 => builder.append_value(array.as_primitive::<t::Float64Type>().value(i)),
        DataType::Decimal128(p, s) => {
            let unscaled = array.as_primitive::<t::Decimal128Type>().value(i);
            let v = decimal_variant(unscaled, *s as u8, usize::from(*p)).ok_or_else(|| {
                exec_err(format!(
                    "the decimal {unscaled}e-{s} does not fit a variant"
                ))
            })?;
            builder.append_value(v);
        }
        DataType::Utf8 => builder.append_value(array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => builder.append_value(array.as_string::<i64>().value(i)),
        DataType::Utf8View => builder.append_value(array.as_string_view().value(i)),
        DataType::Binary => builder.append_value(array.as_binary::<i32>().value(i)),
        DataType::LargeBinary => builder.append_value(array.as_binary::<i64>().value(i)),
        DataType::Date32 => {
            let days = array.as_primitive::<t::Date32Type>().value(i);
            let d = chrono::NaiveDate::default()
                .checked_add_signed(chrono::TimeDelta::days(i64::from(days)))
                .ok_or_else(|| exec_err(format!("the date {days} is out of range")))?;
            builder.append_value(d);
        }
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            let micros = array.as_primitive::<t::TimestampMicrosecondType>().value(i);
            let utc = chrono::DateTime::from_timestamp_micros(micros)
                .ok_or_else(|| exec_err(format!("the timestamp {micros} is out of range")))?;
            if tz.is_some() {
                builder.append_value(utc);
            } else {
                builder.append_value(utc.naive_utc());
            }
        }
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(i);
            let mut list = builder
                .try_new_list()
                .map_err(|e| exec_err(e.to_string()))?;
            for j in 0..items.len() {
                append_arrow(items.as_ref(), j, &mut list)?;
            }
            list.finish();
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            let mut object = builder
                .try_new_object()
                .map_err(|e| exec_err(e.to_string()))?;
            for (f, c) in fields.iter().zip(s.columns()) {
                let mut field = ObjectFieldBuilder::new(f.name(), &mut object);
                append_arrow(c.as_ref(), i, &mut field)?;
            }
            object.finish();
        }
        DataType::Map(..) => {
            let m = array.as_map().value(i);
            let keys = m.column(0);
            let keys = datafusion::arrow::compute::cast(keys, &DataType::Utf8)?;
            let keys = keys.as_string::<i32>();
            let mut object = builder
                .try_new_object()
                .map_err(|e| exec_err(e.to_string()))?;
            for j in 0..m.len() {
                let mut field = ObjectFieldBuilder::new(keys.value(j), &mut object);
                append_arrow(m.column(1).as_ref(), j, &mut field)?;
            }
            object.finish();
        }
        other => {
            return Err(exec_err(format!(
                "cannot cast {} to VARIANT",
                ember_types::spark_type_name(other).to_uppercase()
            )));
        }
    }
    Ok(())
}

/// Whether Spark casts a value of type `t` to a variant (`CAST(x AS VARIANT)`, the values the
/// edits take): its primitive types, arrays of them, and variants; not structs or maps.
fn castable_to_variant(t: &DataType) -> bool {
    match t {
        t if is_variant(t) => true,
        DataType::List(f) => castable_to_variant(f.data_type()),
        DataType::Struct(_) | DataType::Map(..) => false,
        // What `variant_get` casts to, and what else holds the same values.
        other => {
            castable(other)
                || matches!(
                    other,
                    DataType::Null
                        | DataType::LargeUtf8
                        | DataType::Utf8View
                        | DataType::Binary
                        | DataType::LargeBinary
                )
        }
    }
}

fn cannot_cast(what: &str, t: &DataType) -> datafusion::error::DataFusionError {
    plan_err(format!(
        "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] {what}: cannot cast \"{}\" to \"VARIANT\". SQLSTATE: 42K09",
        ember_types::spark_type_name(t).to_uppercase()
    ))
}

/// Row `i` of `array` as a standalone variant.
fn arrow_variant(array: &dyn Array, i: usize) -> DfResult<(Vec<u8>, Vec<u8>)> {
    let mut builder = VariantBuilder::new();
    append_arrow(array, i, &mut builder)?;
    finish(builder, "to_variant_object").map_err(exec_err)
}

/// The hidden functions behind `variant_explode` and `variant_explode_outer`.
const ENTRIES: &str = "__ember_variant_entries";
const ENTRIES_OUTER: &str = "__ember_variant_entries_outer";

/// The hidden function `CAST(x AS VARIANT)` becomes (`rewrite_variant_casts`).
const TO_VARIANT: &str = "__ember_to_variant";

/// `to_variant_object(x)` (a struct, map or array) and `CAST(x AS VARIANT)` (a primitive or an
/// array).
fn to_variant_fn(name: &'static str) -> ColumnFn {
    let coerce: fn(&[DataType]) -> DfResult<Vec<DataType>> = if name == TO_VARIANT {
        |t| match t {
            [a] if castable_to_variant(a) => Ok(vec![a.clone()]),
            [a] => Err(cannot_cast("CAST", a)),
            _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
        }
    } else {
        |t| match t {
            [a @ (DataType::List(_) | DataType::Struct(_))] if !is_variant(a) => {
                Ok(vec![a.clone()])
            }
            [a @ DataType::Map(entries, _)] => match entries.data_type() {
                DataType::Struct(kv)
                    if matches!(
                        kv[0].data_type(),
                        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
                    ) =>
                {
                    Ok(vec![a.clone()])
                }
                _ => Err(cannot_cast("to_variant_object", a)),
            },
            [a] => Err(cannot_cast("to_variant_object", a)),
            _ => Err(plan_err(format!("takes 1 argument, got {}", t.len()))),
        }
    };
    ColumnFn::new(
        name,
        coerce,
        |_| Ok(variant_type()),
        |args| {
            let a = &args[0];
            let rows = (0..a.len())
                .map(|i| {
                    if super::is_sql_null(a.as_ref(), i) {
                        Ok(None)
                    } else {
                        arrow_variant(a.as_ref(), i).map(Some)
                    }
                })
                .collect::<DfResult<Vec<_>>>()?;
            variant_array(rows)
        },
    )
}

/// `CAST(x AS VARIANT)` in the parsed SQL, which DataFusion's planner has no type for, as a
/// call of the hidden function that makes the variant.
pub(crate) fn rewrite_variant_casts(statement: &mut datafusion::sql::parser::Statement) {
    use datafusion::sql::sqlparser::ast::{
        self as sql, FunctionArg, FunctionArgExpr, FunctionArgumentList, FunctionArguments,
    };
    let Some(statement) = crate::planning::sql_statement_mut(statement) else {
        return;
    };
    let _ = sql::visit_expressions_mut(statement, |e| {
        if let sql::Expr::Cast {
            expr,
            data_type: sql::DataType::Custom(name, modifiers),
            ..
        } = e
            && modifiers.is_empty()
            && name.to_string().eq_ignore_ascii_case("variant")
        {
            let arg = std::mem::replace(expr.as_mut(), sql::Expr::value(sql::Value::Null));
            *e = sql::Expr::Function(sql::Function {
                name: sql::ObjectName::from(vec![sql::Ident::new(TO_VARIANT)]),
                uses_odbc_syntax: false,
                parameters: FunctionArguments::None,
                args: FunctionArguments::List(FunctionArgumentList {
                    duplicate_treatment: None,
                    args: vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))],
                    clauses: vec![],
                }),
                filter: None,
                null_treatment: None,
                over: None,
                within_group: vec![],
            });
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
}

// ---------------------------------------------------------------------------------------------
// Edits: variant_strip_nulls, variant_delete, variant_set, variant_insert, variant_array_append

/// A variant as an owned tree, for the edits: leaves keep their own encoding.
#[derive(Debug, Clone)]
enum Val {
    Null,
    Leaf(Vec<u8>, Vec<u8>),
    Array(Vec<Val>),
    Object(Vec<(String, Val)>),
}

impl Val {
    fn null() -> Self {
        Val::Null
    }

    fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    fn of(v: &Variant<'_, '_>) -> DfResult<Self> {
        Ok(match v {
            Variant::Null => Val::Null,
            Variant::List(l) => Val::Array(l.iter().map(|x| Val::of(&x)).collect::<DfResult<_>>()?),
            Variant::Object(o) => Val::Object(
                o.iter()
                    .map(|(k, x)| Ok((k.to_owned(), Val::of(&x)?)))
                    .collect::<DfResult<_>>()?,
            ),
            leaf => {
                let (m, value) = encode(leaf)?;
                Val::Leaf(m, value)
            }
        })
    }

    fn append<B: VariantBuilderExt>(&self, builder: &mut B) -> DfResult<()> {
        match self {
            Val::Null => builder.append_value(Variant::Null),
            Val::Leaf(m, v) => {
                let leaf = Variant::try_new(m, v).map_err(|e| exec_err(e.to_string()))?;
                builder.append_value(leaf);
            }
            Val::Array(items) => {
                let mut list = builder
                    .try_new_list()
                    .map_err(|e| exec_err(e.to_string()))?;
                for item in items {
                    item.append(&mut list)?;
                }
                list.finish();
            }
            Val::Object(entries) => {
                let mut object = builder
                    .try_new_object()
                    .map_err(|e| exec_err(e.to_string()))?;
                for (k, item) in entries {
                    item.append(&mut ObjectFieldBuilder::new(k, &mut object))?;
                }
                object.finish();
            }
        }
        Ok(())
    }

    fn encode(&self) -> DfResult<(Vec<u8>, Vec<u8>)> {
        let mut builder = VariantBuilder::new();
        self.append(&mut builder)?;
        finish(builder, "an edit of a variant").map_err(exec_err)
    }

    /// How many containers deep the value nests (a leaf: 0).
    fn depth(&self) -> usize {
        match self {
            Val::Null | Val::Leaf(..) => 0,
            Val::Array(items) => 1 + items.iter().map(Val::depth).max().unwrap_or(0),
            Val::Object(entries) => 1 + entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
        }
    }

    fn strip_nulls(self, arrays: bool) -> Self {
        match self {
            Val::Object(entries) => Val::Object(
                entries
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, v.strip_nulls(arrays)))
                    .collect(),
            ),
            Val::Array(items) => Val::Array(
                items
                    .into_iter()
                    .filter(|v| !(arrays && v.is_null()))
                    .map(|v| v.strip_nulls(arrays))
                    .collect(),
            ),
            leaf => leaf,
        }
    }
}

/// What an edit does at its path's end.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Edit {
    Delete,
    Set { create: bool },
    Insert,
    Append,
}

impl Edit {
    fn name(self, lenient: bool) -> &'static str {
        match (self, lenient) {
            (Edit::Delete, _) => "variant_delete",
            (Edit::Set { .. }, false) => "variant_set",
            (Edit::Set { .. }, true) => "try_variant_set",
            (Edit::Insert, false) => "variant_insert",
            (Edit::Insert, true) => "try_variant_insert",
            (Edit::Append, false) => "variant_array_append",
            (Edit::Append, true) => "try_variant_array_append",
        }
    }
}

/// A path's text up to its `n`th step, as Spark's messages print it.
fn path_prefix(path: &str, n: usize) -> String {
    let mut text = String::from("$");
    if let Some(steps) = parse_path(path) {
        for step in steps.iter().take(n) {
            match step {
                Step::Key(k) => {
                    text.push('.');
                    text.push_str(k);
                }
                Step::Index(i) => {
                    let _ = write!(text, "[{i}]");
                }
            }
        }
    }
    text
}

/// Refuses a path whose indexes could pad arrays with more than [`MAX_PADDED_INDEX`] nulls in
/// all (an index past an array's end pads it), before the memory is taken.
fn check_padding(steps: &[Step], name: &str) -> Result<(), String> {
    let reach = steps
        .iter()
        .map(|s| match s {
            Step::Index(n) => *n,
            Step::Key(_) => 0,
        })
        .fold(0usize, usize::saturating_add);
    if reach >= MAX_PADDED_INDEX {
        return Err(format!(
            "{name}: the path's indexes add up to {reach}, past the most nulls Ember pads arrays with ({MAX_PADDED_INDEX})"
        ));
    }
    Ok(())
}

/// Applies `edit` with `value` at `steps` under `node` (`depth` steps taken so far); an error
/// is Spark's message.
fn apply(
    node: &mut Val,
    steps: &[Step],
    depth: usize,
    edit: Edit,
    value: &Val,
    path: &str,
    name: &str,
) -> Result<(), String> {
    let mismatch = |at: usize| {
        format!(
            "[VARIANT_PATH_TYPE_MISMATCH] The path '{path}' is incompatible with the variant value at '{}' in `{name}`. SQLSTATE: 22023",
            path_prefix(path, at)
        )
    };
    let Some((step, rest)) = steps.split_first() else {
        // The end of the path: only `variant_array_append` edits the value here.
        return match (edit, node) {
            (Edit::Append, Val::Array(items)) => {
                items.push(value.clone());
                Ok(())
            }
            _ => Err(mismatch(depth)),
        };
    };
    let last = rest.is_empty() && edit != Edit::Append;
    let creating = matches!(edit, Edit::Set { create: true } | Edit::Insert);
    match (step, node) {
        (Step::Key(k), Val::Object(entries)) => {
            let at = entries.iter().position(|(key, _)| key == k);
            match (at, last) {
                (Some(i), true) => match edit {
                    Edit::Delete => {
                        entries.remove(i);
                    }
                    Edit::Insert => {
                        return Err(format!(
                            "[VARIANT_DUPLICATE_KEY] Failed to build variant because of a duplicate object key `{k}`. SQLSTATE: 22023"
                        ));
                    }
                    _ => entries[i].1 = value.clone(),
                },
                (None, true) if creating => entries.push((k.clone(), value.clone())),
                (Some(i), false) => {
                    apply(&mut entries[i].1, rest, depth + 1, edit, value, path, name)?;
                }
                (None, false) if creating => {
                    let mut child = empty_for(&rest[0]);
                    apply(&mut child, rest, depth + 1, edit, value, path, name)?;
                    entries.push((k.clone(), child));
                }
                (None, _) => {}
            }
            Ok(())
        }
        (Step::Index(n), Val::Array(items)) => {
            let n = *n;
            match (n < items.len(), last) {
                (true, true) => match edit {
                    Edit::Delete => {
                        items.remove(n);
                    }
                    Edit::Insert => items.insert(n, value.clone()),
                    _ => items[n] = value.clone(),
                },
                (false, true) if creating => {
                    items.resize(n, Val::null());
                    items.push(value.clone());
                }
                (true, false) => apply(&mut items[n], rest, depth + 1, edit, value, path, name)?,
                (false, false) if creating => {
                    items.resize(n, Val::null());
                    let mut child = empty_for(&rest[0]);
                    apply(&mut child, rest, depth + 1, edit, value, path, name)?;
                    items.push(child);
                }
                (false, _) => {}
            }
            Ok(())
        }
        // Nothing to delete under a value of another kind; the other edits fail on it.
        _ if edit == Edit::Delete => Ok(()),
        _ => Err(mismatch(depth)),
    }
}

/// The container a missing step creates: an object for a key, an array for an index.
fn empty_for(step: &Step) -> Val {
    match step {
        Step::Key(_) => Val::Object(Vec::new()),
        Step::Index(_) => Val::Array(Vec::new()),
    }
}

/// `variant_strip_nulls(v[, include_arrays])`.
fn strip_nulls_fn() -> ColumnFn {
    ColumnFn::new(
        "variant_strip_nulls",
        |t| match t {
            [a] => Ok(vec![variant_arg(a)?]),
            [a, _] => Ok(vec![variant_arg(a)?, DataType::Boolean]),
            _ => Err(plan_err(format!("takes 1 or 2 arguments, got {}", t.len()))),
        },
        |_| Ok(variant_type()),
        |args| {
            let a = &args[0];
            let arrays = args.get(1).map(|b| b.as_boolean());
            let mut rows = Vec::with_capacity(a.len());
            for i in 0..a.len() {
                let include = match arrays {
                    Some(b) if b.is_null(i) => None,
                    Some(b) => Some(b.value(i)),
                    None => Some(true),
                };
                match (variant_at(a.as_ref(), i)?, include) {
                    (Some(v), Some(arrays)) => {
                        rows.push(Some(Val::of(&v)?.strip_nulls(arrays).encode()?));
                    }
                    _ => rows.push(None),
                }
            }
            variant_array(rows)
        },
    )
}

/// `is_valid_variant(v)`: whether the value decodes all the way down.
fn is_valid_variant() -> ColumnFn {
    fn valid(v: &Variant<'_, '_>) -> bool {
        match v {
            Variant::List(l) => l.iter_try().all(|x| x.is_ok_and(|x| valid(&x))),
            Variant::Object(o) => o.iter_try().all(|x| x.is_ok_and(|(_, x)| valid(&x))),
            _ => true,
        }
    }
    ColumnFn::new(
        "is_valid_variant",
        one_variant,
        |_| Ok(DataType::Boolean),
        |args| {
            let a = &args[0];
            let mut out = BooleanBuilder::with_capacity(a.len());
            for i in 0..a.len() {
                if a.is_null(i) {
                    out.append_null();
                } else {
                    out.append_value(
                        variant_at(a.as_ref(), i).is_ok_and(|v| v.is_some_and(|v| valid(&v))),
                    );
                }
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `variant_delete(v, path, ...)`, `variant_set(v, path, value[, create_if_missing])`,
/// `variant_insert(v, path, value)`, `variant_array_append(v, path, value)` and their `try_`
/// forms (`NULL` where the edit fails).
#[derive(Debug)]
struct VariantEdit {
    name: &'static str,
    edit: Edit,
    lenient: bool,
    signature: Signature,
}

super::named_udf!(VariantEdit);

impl VariantEdit {
    fn new(edit: Edit, lenient: bool) -> Self {
        Self {
            name: edit.name(lenient),
            edit,
            lenient,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }

    fn invalid_path(&self, path: &str) -> String {
        format!(
            "[INVALID_VARIANT_PATH] The path '{path}' is not a valid `{}` target. SQLSTATE: 22023",
            self.name
        )
    }

    /// The steps of `path`, which only `variant_array_append` allows to be the root.
    fn steps(&self, path: &str) -> Result<Vec<Step>, String> {
        match parse_path(path) {
            Some(steps) if !steps.is_empty() || self.edit == Edit::Append => Ok(steps),
            _ => Err(self.invalid_path(path)),
        }
    }
}

impl ScalarUDFImpl for VariantEdit {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let n = arg_types.len();
        let arity_ok = match self.edit {
            Edit::Delete => n >= 2,
            Edit::Set { .. } => n == 3 || n == 4,
            Edit::Insert | Edit::Append => n == 3,
        };
        if !arity_ok {
            return Err(plan_err(format!(
                "{}: wrong number of arguments ({n})",
                self.name
            )));
        }
        let mut out = vec![variant_arg(&arg_types[0])?];
        for (i, t) in arg_types.iter().enumerate().skip(1) {
            out.push(match (self.edit, i) {
                (Edit::Delete, _) | (_, 1) => DataType::Utf8,
                (_, 2) if castable_to_variant(t) => t.clone(),
                (_, 2) => return Err(cannot_cast(self.name, t)),
                _ => DataType::Boolean,
            });
        }
        Ok(out)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(variant_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let v = &arrays[0];
        let mut rows = Vec::with_capacity(v.len());
        for i in 0..v.len() {
            rows.push(self.row(&arrays, i)?);
        }
        let out = variant_array(rows)?;
        super::answer(out, all_scalar)
    }
}

impl VariantEdit {
    /// Row `i`'s edited variant (`None`: NULL).
    fn row(&self, arrays: &[ArrayRef], i: usize) -> DfResult<Option<(Vec<u8>, Vec<u8>)>> {
        let Some(v) = variant_at(arrays[0].as_ref(), i)? else {
            return Ok(None);
        };
        let mut tree = Val::of(&v)?;
        let fail = |why: String| {
            if self.lenient {
                Ok(None)
            } else {
                Err(exec_err(why))
            }
        };
        if self.edit == Edit::Delete {
            for paths in &arrays[1..] {
                let paths = paths.as_string::<i32>();
                // A NULL path is skipped.
                if paths.is_null(i) {
                    continue;
                }
                let path = paths.value(i);
                let steps = match self.steps(path) {
                    Ok(s) => s,
                    Err(why) => return fail(why),
                };
                if let Err(why) = apply(
                    &mut tree,
                    &steps,
                    0,
                    Edit::Delete,
                    &Val::null(),
                    path,
                    self.name,
                ) {
                    return fail(why);
                }
            }
            return tree.encode().map(Some);
        }
        let paths = arrays[1].as_string::<i32>();
        if paths.is_null(i) || super::is_sql_null(arrays[2].as_ref(), i) {
            return Ok(None);
        }
        let edit = match (self.edit, arrays.get(3).map(|b| b.as_boolean())) {
            (Edit::Set { .. }, Some(b)) if b.is_null(i) => return Ok(None),
            (Edit::Set { .. }, Some(b)) => Edit::Set { create: b.value(i) },
            (edit, _) => edit,
        };
        let value = match variant_at_or_arrow(arrays[2].as_ref(), i)? {
            Some(value) => value,
            None => return Ok(None),
        };
        let path = paths.value(i);
        let steps = match self.steps(path) {
            Ok(s) => s,
            Err(why) => return fail(why),
        };
        // The deepest the result can nest: the path's containers above the value's.
        if steps.len() + value.depth() > MAX_NESTING {
            return fail(format!(
                "{}: the result would nest deeper than {MAX_NESTING} levels",
                self.name
            ));
        }
        if matches!(edit, Edit::Set { create: true } | Edit::Insert)
            && let Err(why) = check_padding(&steps, self.name)
        {
            return fail(why);
        }
        match apply(&mut tree, &steps, 0, edit, &value, path, self.name) {
            Ok(()) => tree.encode().map(Some),
            Err(why) => fail(why),
        }
    }
}

/// An edit's value: a variant as it is, any other value cast to one; a SQL NULL is `None`.
fn variant_at_or_arrow(array: &dyn Array, i: usize) -> DfResult<Option<Val>> {
    if super::is_sql_null(array, i) {
        return Ok(None);
    }
    let (m, v) = arrow_variant(array, i)?;
    let variant = Variant::try_new(&m, &v).map_err(|e| exec_err(e.to_string()))?;
    Val::of(&variant).map(Some)
}

// ---------------------------------------------------------------------------------------------
// variant_explode, variant_explode_outer

/// The hidden function behind `variant_explode`: a variant's entries as a list of
/// `(pos, key, value)` structs (for `_outer`, one struct of NULLs where there are none).
fn entries_type() -> DataType {
    DataType::List(Arc::new(Field::new(
        "item",
        DataType::Struct(Fields::from(vec![
            Field::new("pos", DataType::Int32, true),
            Field::new("key", DataType::Utf8, true),
            Field::new("value", variant_type(), true),
        ])),
        true,
    )))
}

fn entries_fn(name: &'static str, outer: bool) -> ColumnFn {
    let eval: fn(&[ArrayRef]) -> DfResult<ArrayRef> = if outer {
        |args| entries(args, true)
    } else {
        |args| entries(args, false)
    };
    ColumnFn::new(name, one_variant, |_| Ok(entries_type()), eval)
}

fn entries(args: &[ArrayRef], outer: bool) -> DfResult<ArrayRef> {
    let a = &args[0];
    let mut pos = Vec::new();
    let mut keys = StringBuilder::new();
    let mut values = Vec::new();
    let mut offsets = vec![0i32];
    for i in 0..a.len() {
        let before = pos.len();
        match variant_at(a.as_ref(), i)? {
            Some(Variant::Object(o)) => {
                for (j, (k, v)) in o.iter().enumerate() {
                    pos.push(i32::try_from(j).ok());
                    keys.append_value(k);
                    values.push(Some(encode(&v)?));
                }
            }
            Some(Variant::List(l)) => {
                for (j, v) in l.iter().enumerate() {
                    pos.push(i32::try_from(j).ok());
                    keys.append_null();
                    values.push(Some(encode(&v)?));
                }
            }
            _ => {}
        }
        if outer && pos.len() == before {
            pos.push(None);
            keys.append_null();
            values.push(None);
        }
        offsets.push(i32::try_from(pos.len()).map_err(|_| exec_err("too many entries".into()))?);
    }
    let DataType::List(item) = entries_type() else {
        return Err(exec_err("entries are a list".into()));
    };
    let DataType::Struct(fields) = item.data_type().clone() else {
        return Err(exec_err("entries are structs".into()));
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(datafusion::arrow::array::Int32Array::from(pos)),
        Arc::new(keys.finish()),
        variant_array(values)?,
    ];
    let structs = StructArray::try_new(fields, columns, None)?;
    Ok(Arc::new(datafusion::arrow::array::ListArray::try_new(
        item,
        datafusion::arrow::buffer::OffsetBuffer::new(offsets.into()),
        Arc::new(structs),
        None,
    )?))
}

/// `FROM variant_explode(v)` (and `_outer`): one row per entry of `v`, `pos`, `key`, `value`.
/// The argument is a value of its own (Ember has no `LATERAL` joins to read another table's row).
#[derive(Debug)]
struct VariantExplode {
    entries: &'static str,
}

impl datafusion::catalog::TableFunctionImpl for VariantExplode {
    fn call_with_args(
        &self,
        args: datafusion::catalog::TableFunctionArgs<'_, '_>,
    ) -> DfResult<Arc<dyn datafusion::catalog::TableProvider>> {
        use datafusion::logical_expr::{LogicalPlanBuilder, col};
        use datafusion::prelude::get_field;
        let [arg] = args.exprs() else {
            return Err(plan_err("variant_explode takes 1 argument".into()));
        };
        let registry = args.session();
        let entries = registry
            .scalar_functions()
            .get(self.entries)
            .cloned()
            .ok_or_else(|| plan_err(format!("{} is not registered", self.entries)))?;
        let call = Expr::ScalarFunction(ScalarFunction::new_udf(entries, vec![arg.clone()]));
        let plan = LogicalPlanBuilder::empty(true)
            .project([call.alias("e")])?
            .unnest_column("e")?
            .project([
                get_field(col("e"), "pos").alias("pos"),
                get_field(col("e"), "key").alias("key"),
                get_field(col("e"), "value").alias("value"),
            ])?
            .build()?;
        Ok(Arc::new(datafusion::datasource::ViewTable::new(plan, None)))
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
    for f in [
        to_variant_fn("to_variant_object"),
        to_variant_fn(TO_VARIANT),
        strip_nulls_fn(),
        is_valid_variant(),
        entries_fn(ENTRIES, false),
        entries_fn(ENTRIES_OUTER, true),
    ] {
        ctx.register_udf(f.udf());
    }
    for edit in [Edit::Set { create: true }, Edit::Insert, Edit::Append] {
        for lenient in [false, true] {
            ctx.register_udf(ScalarUDF::new_from_impl(VariantEdit::new(edit, lenient)));
        }
    }
    ctx.register_udf(ScalarUDF::new_from_impl(VariantEdit::new(
        Edit::Delete,
        false,
    )));
    ctx.register_udtf(
        "variant_explode",
        Arc::new(VariantExplode { entries: ENTRIES }),
    );
    ctx.register_udtf(
        "variant_explode_outer",
        Arc::new(VariantExplode {
            entries: ENTRIES_OUTER,
        }),
    );
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
    fn schema_states_round_trip_at_any_depth() {
        let deep = format!("{}1{}", "[".repeat(900), "]".repeat(900));
        // An empty key among others once broke parquet-variant's validation.
        for text in [
            r#"{"a b":[1,2.5],"":{"é":true},"c":null}"#,
            r#"{"a":1,"":2}"#,
            &deep,
        ] {
            let (m, v) = parse_to_variant(text).unwrap();
            let s = shape(&Variant::try_new(&m, &v).unwrap());
            let mut state = String::new();
            write_shape(&s, &mut state);
            assert_eq!(read_shape(&mut state.split(' ')), Some(s));
        }
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
    fn edits_are_bounded() {
        // Over the whole path, not each step: 200 steps just under the bound each are refused.
        let many: Vec<Step> = (0..200)
            .map(|_| Step::Index(MAX_PADDED_INDEX - 1))
            .collect();
        assert!(check_padding(&many, "variant_set").is_err());
        assert!(check_padding(&[Step::Index(MAX_PADDED_INDEX)], "variant_set").is_err());
        assert!(check_padding(&[Step::Index(3), Step::Key("a".into())], "variant_set").is_ok());
        let (m, v) = parse_to_variant("[]").unwrap();
        let mut tree = Val::of(&Variant::try_new(&m, &v).unwrap()).unwrap();
        let edit = Edit::Set { create: true };
        let near = [Step::Index(3)];
        apply(
            &mut tree,
            &near,
            0,
            edit,
            &Val::null(),
            "$[3]",
            "variant_set",
        )
        .unwrap();
        assert!(matches!(&tree, Val::Array(items) if items.len() == 4));
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b"Spark"), "U3Bhcms=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }
}
