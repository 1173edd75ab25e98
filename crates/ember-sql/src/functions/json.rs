//! Spark's JSON functions: `get_json_object`, `json_tuple` (a generator, rewritten in `shapes.rs`
//! to one `__ember_json_field` call per field), `to_json`, `from_json` (with a DDL schema),
//! `json_array_length`, `json_object_keys` and `schema_of_json`.
//!
//! Text is parsed by `serde_json` into [`Json`], which keeps an object's keys in their order (as
//! Spark's Jackson does); `from_json` decodes with `arrow-json` against the schema. Malformed JSON
//! gives `NULL`, as in Spark's default `PERMISSIVE` mode.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Int32Builder, ListBuilder, StringBuilder, new_null_array,
};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DecimalType as _, Field, FieldRef, Fields, Float32Type,
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, Schema, TimeUnit,
    TimestampMicrosecondType,
};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::prelude::SessionContext;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{ColumnFn, exec_err, fixed, plan_err};

/// A parsed JSON value whose objects keep their keys in order.
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(i64::try_from(v).map_or(Json::UInt(v), Json::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element()? {
            items.push(v);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            entries.push((k, v));
        }
        Ok(Json::Object(entries))
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

fn parse(text: &str) -> Option<Json> {
    serde_json::from_str(text).ok()
}

/// Java's `Double.toString`, which Spark's Jackson writes doubles with: `1.0`, `1.5E10`.
pub(crate) fn java_double(d: f64) -> String {
    java_decimal(d, || format!("{d}"), || format!("{d:e}"))
}

/// Java's `Float.toString`: the shortest digits that read back as the same `FLOAT`.
pub(crate) fn java_float(f: f32) -> String {
    java_decimal(f64::from(f), || format!("{f}"), || format!("{f:e}"))
}

/// Java's decimal text of a floating-point `value`, from Rust's shortest `plain` or
/// `scientific` text of it (only the one needed is made): plain within `[1e-3, 1e7)`, else
/// `<mantissa>E<exponent>`; always a fraction digit.
fn java_decimal(
    value: f64,
    plain: impl FnOnce() -> String,
    scientific: impl FnOnce() -> String,
) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let a = value.abs();
    if a == 0.0 || (1e-3..1e7).contains(&a) {
        let mut plain = plain();
        if !plain.contains('.') {
            plain.push_str(".0");
        }
        plain
    } else {
        let scientific = scientific();
        let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
        if mantissa.contains('.') {
            format!("{mantissa}E{exp}")
        } else {
            format!("{mantissa}.0E{exp}")
        }
    }
}

pub(crate) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_json(v: &Json, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Json::UInt(n) => {
            let _ = write!(out, "{n}");
        }
        Json::Float(f) => out.push_str(&java_double(*f)),
        Json::Str(s) => write_str(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Json::Object(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// A result of `get_json_object`/`json_tuple`: strings as their text, `null` as `NULL`, the rest
/// as JSON.
fn as_result(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::Str(s) => Some(s.clone()),
        other => {
            let mut out = String::new();
            write_json(other, &mut out);
            Some(out)
        }
    }
}

/// One step of a Spark JSON path.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
    Wildcard,
}

/// Spark's JSON path: `$` then `.name`, `['name']`, `[n]` or `[*]` steps; `None` if malformed.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            if name.is_empty() {
                return None;
            }
            steps.push(if name == "*" {
                Step::Wildcard
            } else {
                Step::Key(name.to_owned())
            });
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']")?;
            steps.push(Step::Key(r[..end].to_owned()));
            rest = &r[end + 2..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = r[..end].trim();
            steps.push(if inner == "*" {
                Step::Wildcard
            } else {
                Step::Index(inner.parse().ok()?)
            });
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The values `steps` reach from `v`, in order.
fn walk<'a>(v: &'a Json, steps: &[Step], out: &mut Vec<&'a Json>) {
    let Some((step, rest)) = steps.split_first() else {
        out.push(v);
        return;
    };
    match (step, v) {
        (Step::Key(k), Json::Object(entries)) => {
            if let Some((_, child)) = entries.iter().find(|(name, _)| name == k) {
                walk(child, rest, out);
            }
        }
        (Step::Index(i), Json::Array(items)) => {
            if let Some(child) = items.get(*i) {
                walk(child, rest, out);
            }
        }
        (Step::Wildcard, Json::Array(items)) => {
            for child in items {
                walk(child, rest, out);
            }
        }
        (Step::Wildcard, Json::Object(entries)) => {
            for (_, child) in entries {
                walk(child, rest, out);
            }
        }
        _ => {}
    }
}

/// `get_json_object` of one row: the value at `path` in `json`; with a wildcard, the values it
/// reaches as a JSON array (one value on its own).
fn get_json_object_one(json: &str, path: &str) -> Option<String> {
    let steps = parse_path(path)?;
    let v = parse(json)?;
    let mut found = Vec::new();
    walk(&v, &steps, &mut found);
    if steps.contains(&Step::Wildcard) {
        match found.as_slice() {
            [] => None,
            [one] => as_result(one),
            many => as_result(&Json::Array(many.iter().map(|v| (*v).clone()).collect())),
        }
    } else {
        found.first().and_then(|v| as_result(v))
    }
}

/// `get_json_object(json, path)`.
fn get_json_object() -> ColumnFn {
    ColumnFn::new(
        "get_json_object",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8], 2),
        |_| Ok(DataType::Utf8),
        |args| map_strings2(args, get_json_object_one),
    )
}

/// `__ember_json_field(json, name)`: one field of `json_tuple`.
fn json_field() -> ColumnFn {
    ColumnFn::new(
        JSON_FIELD,
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8], 2),
        |_| Ok(DataType::Utf8),
        |args| map_strings2(args, json_field_one),
    )
}

fn map_strings2(args: &[ArrayRef], f: fn(&str, &str) -> Option<String>) -> DfResult<ArrayRef> {
    let a = args[0].as_string::<i32>();
    let b = args[1].as_string::<i32>();
    let mut out = StringBuilder::new();
    for i in 0..a.len() {
        if a.is_null(i) || b.is_null(i) {
            out.append_null();
        } else {
            out.append_option(f(a.value(i), b.value(i)));
        }
    }
    Ok(Arc::new(out.finish()) as ArrayRef)
}

/// `json_tuple`'s value for one field: the top-level field `name` of an object.
fn json_field_one(json: &str, name: &str) -> Option<String> {
    match parse(json)? {
        Json::Object(entries) => entries
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| as_result(v)),
        _ => None,
    }
}

/// `json_array_length(s)`: the number of elements of a JSON array, `NULL` otherwise.
fn json_array_length() -> ColumnFn {
    ColumnFn::new(
        "json_array_length",
        |t| fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Int32),
        |args| {
            let s = args[0].as_string::<i32>();
            let mut out = Int32Builder::with_capacity(s.len());
            for i in 0..s.len() {
                let n = s.is_valid(i).then(|| parse(s.value(i))).flatten();
                match n {
                    Some(Json::Array(items)) => {
                        out.append_value(i32::try_from(items.len()).unwrap_or(i32::MAX));
                    }
                    _ => out.append_null(),
                }
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `json_object_keys(s)`: the keys of a JSON object, `NULL` otherwise.
fn json_object_keys() -> ColumnFn {
    ColumnFn::new(
        "json_object_keys",
        |t| fixed(t, &[DataType::Utf8], 1),
        |_| {
            Ok(DataType::List(Arc::new(Field::new(
                "element",
                DataType::Utf8,
                true,
            ))))
        },
        |args| {
            let s = args[0].as_string::<i32>();
            let mut out = ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
                "element",
                DataType::Utf8,
                true,
            )));
            for i in 0..s.len() {
                let v = s.is_valid(i).then(|| parse(s.value(i))).flatten();
                match v {
                    Some(Json::Object(entries)) => {
                        for (k, _) in entries {
                            out.values().append_value(k);
                        }
                        out.append(true);
                    }
                    _ => out.append_null(),
                }
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// Spark's inferred type of a JSON value (`schema_of_json`), in Spark's DDL spelling.
#[derive(Debug, Clone, PartialEq)]
enum Inferred {
    Null,
    Boolean,
    Bigint,
    Decimal20,
    Double,
    String,
    Array(Box<Inferred>),
    Struct(Vec<(String, Inferred)>),
}

fn infer(v: &Json) -> Inferred {
    match v {
        Json::Null => Inferred::Null,
        Json::Bool(_) => Inferred::Boolean,
        Json::Int(_) => Inferred::Bigint,
        Json::UInt(_) => Inferred::Decimal20,
        Json::Float(_) => Inferred::Double,
        Json::Str(_) => Inferred::String,
        Json::Array(items) => Inferred::Array(Box::new(
            items.iter().map(infer).fold(Inferred::Null, merge),
        )),
        Json::Object(entries) => {
            let mut fields: Vec<(String, Inferred)> = Vec::new();
            for (k, v) in entries {
                let t = infer(v);
                match fields.iter_mut().find(|(name, _)| name == k) {
                    Some((_, existing)) => *existing = merge(existing.clone(), t),
                    None => fields.push((k.clone(), t)),
                }
            }
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Inferred::Struct(fields)
        }
    }
}

/// The type two values of types `a` and `b` both fit (Spark's `compatibleType`).
fn merge(a: Inferred, b: Inferred) -> Inferred {
    use Inferred as I;
    match (a, b) {
        (I::Null, t) | (t, I::Null) => t,
        (a, b) if a == b => a,
        (I::Bigint | I::Decimal20 | I::Double, I::Double)
        | (I::Double, I::Bigint | I::Decimal20) => I::Double,
        (I::Bigint | I::Decimal20, I::Bigint | I::Decimal20) => I::Decimal20,
        (I::Array(x), I::Array(y)) => I::Array(Box::new(merge(*x, *y))),
        (I::Struct(mut x), I::Struct(y)) => {
            for (k, t) in y {
                match x.iter_mut().find(|(name, _)| *name == k) {
                    Some((_, existing)) => *existing = merge(existing.clone(), t),
                    None => x.push((k, t)),
                }
            }
            x.sort_by(|a, b| a.0.cmp(&b.0));
            I::Struct(x)
        }
        _ => I::String,
    }
}

fn inferred_ddl(t: &Inferred) -> String {
    match t {
        Inferred::Null | Inferred::String => "STRING".into(),
        Inferred::Boolean => "BOOLEAN".into(),
        Inferred::Bigint => "BIGINT".into(),
        Inferred::Decimal20 => "DECIMAL(20,0)".into(),
        Inferred::Double => "DOUBLE".into(),
        Inferred::Array(e) => format!("ARRAY<{}>", inferred_ddl(e)),
        Inferred::Struct(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(k, t)| format!("{}: {}", ddl_name(k), inferred_ddl(t)))
                .collect();
            format!("STRUCT<{}>", fields.join(", "))
        }
    }
}

/// A field name as Spark's DDL writes it: backquoted unless a plain identifier.
pub(crate) fn ddl_name(name: &str) -> String {
    let plain = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if plain {
        name.to_owned()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// `schema_of_json(s)`: the DDL of the type Spark infers for the JSON text `s`.
fn schema_of_json() -> ColumnFn {
    ColumnFn::new(
        "schema_of_json",
        |t| fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Utf8),
        |args| {
            let s = args[0].as_string::<i32>();
            let mut out = StringBuilder::new();
            for i in 0..s.len() {
                if s.is_null(i) {
                    out.append_null();
                    continue;
                }
                let v = parse(s.value(i)).ok_or_else(|| {
                    exec_err(format!(
                        "schema_of_json: cannot infer a schema from malformed JSON '{}'",
                        s.value(i)
                    ))
                })?;
                out.append_value(inferred_ddl(&infer(&v)));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// Spark's DDL type syntax (`INT`, `ARRAY<STRING>`, `STRUCT<a: INT, b: STRING>`, `a INT, b
/// STRING`) as an Arrow type; timestamps zoned in `time_zone`.
struct DdlParser<'a> {
    tokens: Vec<String>,
    at: usize,
    time_zone: &'a Arc<str>,
}

impl<'a> DdlParser<'a> {
    fn new(text: &str, time_zone: &'a Arc<str>) -> Self {
        let mut tokens = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if c == '`' {
                chars.next();
                let mut name = String::from("`");
                while let Some(c) = chars.next() {
                    if c == '`' {
                        if chars.peek() == Some(&'`') {
                            chars.next();
                            name.push('`');
                        } else {
                            break;
                        }
                    } else {
                        name.push(c);
                    }
                }
                tokens.push(name);
            } else if c.is_alphanumeric() || c == '_' {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(word);
            } else {
                tokens.push(c.to_string());
                chars.next();
            }
        }
        DdlParser {
            tokens,
            at: 0,
            time_zone,
        }
    }

    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> DfResult<String> {
        let t = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or_else(|| plan_err("unexpected end of the schema".to_owned()))?;
        self.at += 1;
        Ok(t)
    }

    fn expect(&mut self, token: &str) -> DfResult<()> {
        let t = self.next()?;
        if t == token {
            Ok(())
        } else {
            Err(plan_err(format!(
                "expected `{token}` in the schema, got `{t}`"
            )))
        }
    }

    fn number(&mut self) -> DfResult<u8> {
        let t = self.next()?;
        t.parse()
            .map_err(|_| plan_err(format!("expected a number in the schema, got `{t}`")))
    }

    fn field_name(&mut self) -> DfResult<String> {
        let t = self.next()?;
        Ok(t.strip_prefix('`').map_or(t.clone(), str::to_owned))
    }

    fn data_type(&mut self) -> DfResult<DataType> {
        let word = self.next()?.to_ascii_lowercase();
        Ok(match word.as_str() {
            "boolean" | "bool" => DataType::Boolean,
            "tinyint" | "byte" => DataType::Int8,
            "smallint" | "short" => DataType::Int16,
            "int" | "integer" => DataType::Int32,
            "bigint" | "long" => DataType::Int64,
            "float" | "real" => DataType::Float32,
            "double" => DataType::Float64,
            "date" => DataType::Date32,
            "timestamp" => {
                DataType::Timestamp(TimeUnit::Microsecond, Some(Arc::clone(self.time_zone)))
            }
            "timestamp_ntz" => DataType::Timestamp(TimeUnit::Microsecond, None),
            "binary" => DataType::Binary,
            "string" => DataType::Utf8,
            "varchar" | "char" => {
                if self.peek() == Some("(") {
                    self.expect("(")?;
                    self.number()?;
                    self.expect(")")?;
                }
                DataType::Utf8
            }
            "decimal" | "dec" | "numeric" => {
                if self.peek() == Some("(") {
                    self.expect("(")?;
                    let p = self.number()?;
                    let s = if self.peek() == Some(",") {
                        self.expect(",")?;
                        self.number()?
                    } else {
                        0
                    };
                    self.expect(")")?;
                    if p == 0 || p > 38 || s > p {
                        return Err(plan_err(format!(
                            "decimal({p}, {s}) in the schema: the precision must be 1 to 38 and \
                             the scale at most the precision"
                        )));
                    }
                    DataType::Decimal128(p, i8::try_from(s).unwrap_or(0))
                } else {
                    DataType::Decimal128(10, 0)
                }
            }
            "array" => {
                self.expect("<")?;
                let t = self.data_type()?;
                self.expect(">")?;
                DataType::List(Arc::new(Field::new("element", t, true)))
            }
            "map" => {
                self.expect("<")?;
                let k = self.data_type()?;
                self.expect(",")?;
                let v = self.data_type()?;
                self.expect(">")?;
                DataType::Map(
                    Arc::new(Field::new(
                        "entries",
                        DataType::Struct(Fields::from(vec![
                            Field::new("key", k, false),
                            Field::new("value", v, true),
                        ])),
                        false,
                    )),
                    false,
                )
            }
            "struct" => {
                self.expect("<")?;
                let mut fields = Vec::new();
                while self.peek() != Some(">") {
                    fields.push(self.field(true)?);
                    if self.peek() == Some(",") {
                        self.next()?;
                    }
                }
                self.expect(">")?;
                DataType::Struct(Fields::from(fields))
            }
            other => return Err(plan_err(format!("unknown type `{other}` in the schema"))),
        })
    }

    /// `name[:] type [NOT NULL] [COMMENT '...']`.
    fn field(&mut self, colon: bool) -> DfResult<Field> {
        let name = self.field_name()?;
        if colon && self.peek() == Some(":") {
            self.next()?;
        }
        let t = self.data_type()?;
        Ok(Field::new(name, t, true))
    }

    /// The whole schema: one type, or a field list (a struct).
    fn schema(mut self) -> DfResult<DataType> {
        let start = self.at;
        if let Ok(t) = self.data_type()
            && self.at == self.tokens.len()
        {
            return Ok(t);
        }
        self.at = start;
        let mut fields = Vec::new();
        while self.at < self.tokens.len() {
            fields.push(self.field(true)?);
            if self.peek() == Some(",") {
                self.next()?;
            }
        }
        if fields.is_empty() {
            return Err(plan_err("the schema is empty".to_owned()));
        }
        Ok(DataType::Struct(Fields::from(fields)))
    }
}

/// Spark's DDL `text` (`a INT, b STRING`, `STRUCT<...>`, `ARRAY<INT>`) as an Arrow type, its
/// timestamps zoned in `time_zone`.
pub(crate) fn parse_ddl(text: &str, time_zone: &Arc<str>) -> DfResult<DataType> {
    DdlParser::new(text, time_zone).schema()
}

/// `from_json(s, schema[, options])`: `s` decoded to the type `schema` (a DDL string literal)
/// describes; when `s` is malformed or does not fit, a struct of `NULL` fields (a struct schema,
/// as Spark's `PERMISSIVE` mode) or `NULL`.
#[derive(Debug)]
struct FromJson {
    signature: Signature,
    time_zone: Arc<str>,
}

impl PartialEq for FromJson {
    fn eq(&self, other: &Self) -> bool {
        self.time_zone == other.time_zone
    }
}

impl Eq for FromJson {}

impl Hash for FromJson {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.time_zone.hash(state);
    }
}

impl FromJson {
    fn schema_type(&self, schema: Option<&ScalarValue>) -> DfResult<DataType> {
        match schema {
            Some(
                ScalarValue::Utf8(Some(s))
                | ScalarValue::Utf8View(Some(s))
                | ScalarValue::LargeUtf8(Some(s)),
            ) => parse_ddl(s, &self.time_zone)
                .map_err(|e| plan_err(format!("from_json: {}", e.message()))),
            _ => Err(plan_err(
                "from_json: the schema must be a string literal such as 'a INT, b STRING'"
                    .to_owned(),
            )),
        }
    }
}

impl ScalarUDFImpl for FromJson {
    fn name(&self) -> &str {
        "from_json"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types.len() {
            2 => Ok(vec![DataType::Utf8, DataType::Utf8]),
            3 => Ok(vec![DataType::Utf8, DataType::Utf8, arg_types[2].clone()]),
            n => Err(plan_err(format!(
                "from_json takes 2 or 3 arguments, got {n}"
            ))),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(
            "from_json's type comes from its schema argument".to_owned(),
        ))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let t = self.schema_type(args.scalar_arguments.get(1).copied().flatten())?;
        Ok(Arc::new(Field::new("from_json", t, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let t = args.return_field.data_type().clone();
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let s = arrays[0].as_string::<i32>();
        let schema = Arc::new(Schema::new(vec![Field::new("v", t.clone(), true)]));
        let mut parts: Vec<ArrayRef> = Vec::with_capacity(s.len());
        for i in 0..s.len() {
            let decoded = if s.is_null(i) {
                None
            } else {
                decode_one(&schema, s.value(i))
            };
            let failed = || match &t {
                // Spark's PERMISSIVE mode: a struct of NULL fields for text that does not fit.
                DataType::Struct(fields) if s.is_valid(i) => {
                    let columns = fields
                        .iter()
                        .map(|f| new_null_array(f.data_type(), 1))
                        .collect();
                    datafusion::arrow::array::StructArray::try_new(fields.clone(), columns, None)
                        .map_or_else(|_| new_null_array(&t, 1), |a| Arc::new(a) as ArrayRef)
                }
                _ => new_null_array(&t, 1),
            };
            parts.push(decoded.unwrap_or_else(failed));
        }
        let refs: Vec<&dyn Array> = parts.iter().map(AsRef::as_ref).collect();
        let out = if refs.is_empty() {
            new_null_array(&t, 0)
        } else {
            datafusion::arrow::compute::concat(&refs)?
        };
        if all_scalar && out.len() == 1 {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// One JSON text decoded as the one column of `schema`, or `None` if it does not decode.
fn decode_one(schema: &Arc<Schema>, text: &str) -> Option<ArrayRef> {
    // Only well-formed JSON is handed to arrow-json (which would also accept several values).
    parse(text)?;
    let mut decoder = datafusion::arrow::json::ReaderBuilder::new(Arc::clone(schema))
        .with_coerce_primitive(true)
        .build_decoder()
        .ok()?;
    let wrapped = format!("{{\"v\":{text}}}");
    decoder.decode(wrapped.as_bytes()).ok()?;
    let batch = decoder.flush().ok()??;
    (batch.num_rows() == 1).then(|| Arc::clone(batch.column(0)))
}

/// Row `i` of `array` as Spark's `to_json` writes it; `None` for a NULL.
pub(crate) fn to_json_value(array: &dyn Array, i: usize, out: &mut String) -> DfResult<()> {
    if array.is_null(i) {
        out.push_str("null");
        return Ok(());
    }
    match array.data_type() {
        t if ember_types::is_variant(t) => super::variant::json_at(array, i, out)?,
        DataType::Null => out.push_str("null"),
        DataType::Boolean => out.push_str(if array.as_boolean().value(i) {
            "true"
        } else {
            "false"
        }),
        DataType::Int8 => {
            let _ = write!(out, "{}", array.as_primitive::<Int8Type>().value(i));
        }
        DataType::Int16 => {
            let _ = write!(out, "{}", array.as_primitive::<Int16Type>().value(i));
        }
        DataType::Int32 => {
            let _ = write!(out, "{}", array.as_primitive::<Int32Type>().value(i));
        }
        DataType::Int64 => {
            let _ = write!(out, "{}", array.as_primitive::<Int64Type>().value(i));
        }
        DataType::Float32 => {
            // Java's Float.toString: the shortest digits that give back the float.
            let f = array.as_primitive::<Float32Type>().value(i);
            out.push_str(&java_double(
                format!("{f}").parse::<f64>().unwrap_or(f64::from(f)),
            ));
        }
        DataType::Float64 => {
            out.push_str(&java_double(array.as_primitive::<Float64Type>().value(i)))
        }
        DataType::Decimal128(_, s) => {
            let v = array.as_primitive::<Decimal128Type>().value(i);
            out.push_str(&Decimal128Type::format_decimal(v, 38, *s));
        }
        DataType::Utf8 => write_str(array.as_string::<i32>().value(i), out),
        DataType::LargeUtf8 => write_str(array.as_string::<i64>().value(i), out),
        DataType::Utf8View => write_str(array.as_string_view().value(i), out),
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(i);
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(days + 719_163)
                .ok_or_else(|| exec_err(format!("to_json: date out of range ({days} days)")))?;
            write_str(&date.format("%Y-%m-%d").to_string(), out);
        }
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            let micros = array.as_primitive::<TimestampMicrosecondType>().value(i);
            let utc = chrono::DateTime::from_timestamp_micros(micros)
                .ok_or_else(|| exec_err(format!("to_json: timestamp out of range ({micros})")))?;
            let text = match tz.as_deref() {
                Some(zone) => zoned_timestamp_text(utc, zone),
                None => utc.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3f").to_string(),
            };
            write_str(&text, out);
        }
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(i);
            out.push('[');
            for j in 0..items.len() {
                if j > 0 {
                    out.push(',');
                }
                to_json_value(items.as_ref(), j, out)?;
            }
            out.push(']');
        }
        DataType::Struct(fields) => {
            let s = array.as_struct();
            out.push('{');
            let mut first = true;
            for (f, c) in fields.iter().zip(s.columns()) {
                // Spark leaves NULL fields out (`ignoreNullFields`); a column of untyped
                // NULLs has no null buffer, so its type says it.
                if c.is_null(i) || c.data_type() == &DataType::Null {
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                write_str(f.name(), out);
                out.push(':');
                to_json_value(c.as_ref(), i, out)?;
            }
            out.push('}');
        }
        DataType::Map(_, _) => {
            let m = array.as_map().value(i);
            let (k, v) = (m.column(0), m.column(1));
            out.push('{');
            for j in 0..m.len() {
                if j > 0 {
                    out.push(',');
                }
                let mut key = String::new();
                to_json_value(k.as_ref(), j, &mut key)?;
                if key.starts_with('"') {
                    out.push_str(&key);
                } else {
                    write_str(&key, out);
                }
                out.push(':');
                to_json_value(v.as_ref(), j, out)?;
            }
            out.push('}');
        }
        other => {
            return Err(exec_err(format!(
                "to_json: cannot write a value of type {other}"
            )));
        }
    }
    Ok(())
}

/// A timestamp as Spark's `to_json` writes it (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in `zone`, `Z` for
/// a zero offset); a zone Arrow cannot read is taken as UTC.
pub(crate) fn zoned_timestamp_text(utc: chrono::DateTime<chrono::Utc>, zone: &str) -> String {
    match zone.parse::<datafusion::arrow::array::timezone::Tz>() {
        Ok(tz) => {
            let text = utc
                .with_timezone(&tz)
                .format("%Y-%m-%dT%H:%M:%S%.3f%:z")
                .to_string();
            match text.strip_suffix("+00:00") {
                Some(t) => format!("{t}Z"),
                None => text,
            }
        }
        Err(_) => utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
    }
}

/// `to_json(expr)`: a struct, map or array as JSON text.
fn to_json() -> ColumnFn {
    ColumnFn::new(
        "to_json",
        |t| match t {
            [a @ (DataType::Struct(_) | DataType::Map(..) | DataType::List(_))] => {
                Ok(vec![a.clone()])
            }
            [
                a @ (DataType::Struct(_) | DataType::Map(..) | DataType::List(_)),
                o,
            ] => Ok(vec![a.clone(), o.clone()]),
            [other, ..] => Err(plan_err(format!(
                "takes a struct, map or array (and options), got {other}"
            ))),
            [] => Err(plan_err("takes 1 or 2 arguments, got 0".to_owned())),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            let a = &args[0];
            let mut out = StringBuilder::new();
            let mut text = String::new();
            for i in 0..a.len() {
                if a.is_null(i) {
                    out.append_null();
                    continue;
                }
                text.clear();
                to_json_value(a.as_ref(), i, &mut text)?;
                out.append_value(&text);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// The hidden function `json_tuple(j, 'a', 'b')` is rewritten to, one call per field.
pub(crate) const JSON_FIELD: &str = "__ember_json_field";

/// Registers the JSON functions; `from_json`'s timestamps are zoned in `time_zone`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    for f in [
        get_json_object(),
        json_field(),
        json_array_length(),
        json_object_keys(),
        schema_of_json(),
        to_json(),
    ] {
        ctx.register_udf(f.udf());
    }
    ctx.register_udf(ScalarUDF::new_from_impl(FromJson {
        signature: Signature::user_defined(Volatility::Immutable),
        time_zone: Arc::clone(time_zone),
    }));
}

#[cfg(test)]
mod tests {
    use super::{Step, get_json_object_one, java_double, parse_path};

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("$.a[0]['b c'][*]"),
            Some(vec![
                Step::Key("a".into()),
                Step::Index(0),
                Step::Key("b c".into()),
                Step::Wildcard
            ])
        );
        assert_eq!(parse_path("a.b"), None);
    }

    #[test]
    fn objects_keep_their_key_order() {
        let j = r#"{"z":{"b":1,"a":[1.5,"x",null]}}"#;
        assert_eq!(
            get_json_object_one(j, "$.z").as_deref(),
            Some(r#"{"b":1,"a":[1.5,"x",null]}"#)
        );
        assert_eq!(get_json_object_one(j, "$.z.a[1]").as_deref(), Some("x"));
        assert_eq!(get_json_object_one(j, "$.z.a[2]"), None);
        assert_eq!(get_json_object_one("{bad", "$.z"), None);
    }

    #[test]
    fn doubles_print_as_java_does() {
        assert_eq!(java_double(100.0), "100.0");
        assert_eq!(java_double(1.5e10), "1.5E10");
        assert_eq!(java_double(1e-5), "1.0E-5");
    }
}
