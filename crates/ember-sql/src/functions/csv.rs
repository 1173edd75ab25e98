//! Spark's CSV functions: `from_csv` (one CSV record read into a struct of a DDL schema),
//! `to_csv` (a struct written as one CSV record) and `schema_of_csv` (the struct type Spark
//! infers for a record), with the options Spark's CSV source takes for them.
//!
//! Records are split as Spark's parser (univocity) splits them: a field that starts with the
//! quote character runs to the closing quote (the escape character, `\` by default, puts a quote
//! inside), a field with text after its closing quote is read as it stands, and one never closed
//! runs to the end. A field equal to `nullValue` (by default the empty string) is `NULL`.
//! Reading is `PERMISSIVE` as in Spark: a field that does not fit its type is `NULL`, the others
//! are kept, and a `_corrupt_record` field (`columnNameOfCorruptRecord`) gets the whole record;
//! `mode` `FAILFAST` fails instead.
//!
//! A record with more or fewer fields than the schema is malformed too (its fields still read).
//!
//! Options (a `map` literal, names case-insensitive): `sep`/`delimiter`, `quote`, `escape`,
//! `nullValue`, `nanValue`, `positiveInf`, `negativeInf`, `mode`, `dateFormat`,
//! `timestampFormat` (Java patterns), `columnNameOfCorruptRecord`, `quoteAll`. Other options
//! are ignored, among them some Spark honours (`emptyValue`, `ignoreLeadingWhiteSpace`,
//! `ignoreTrailingWhiteSpace`, `locale`, `comment`, `escapeQuotes`, `timestampNTZFormat`,
//! `unescapedQuoteHandling`): Ember reads and writes with their defaults.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{Datelike as _, NaiveDate, NaiveDateTime, TimeZone as _};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, AsArray, StringBuilder, StructArray};
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

use super::json::{java_double, java_float, parse_ddl, zoned_timestamp_text};
use super::{exec_err, plan_err, wrong_type};
use crate::rewrites::java_to_chrono;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// The options a call gives, with Spark's defaults.
#[derive(Debug, Clone)]
struct Options {
    sep: String,
    quote: Option<char>,
    escape: char,
    null_value: String,
    /// The text of NaN and the infinities in `DOUBLE` and `FLOAT` fields.
    nan_value: String,
    positive_inf: String,
    negative_inf: String,
    fail_fast: bool,
    date_format: Option<String>,
    timestamp_format: Option<String>,
    corrupt_record: String,
    quote_all: bool,
}

/// A function's options argument `arg` (a `map` literal; absent or `NULL`: none), its keys in
/// lower case: what the CSV and XML functions read their options from.
pub(crate) fn options_map(
    name: &str,
    arg: Option<&ColumnarValue>,
) -> DfResult<HashMap<String, String>> {
    let mut given = HashMap::new();
    match arg {
        None => {}
        Some(ColumnarValue::Scalar(ScalarValue::Map(map))) if map.len() == 1 && map.is_valid(0) => {
            let entries = map.value(0);
            let keys = datafusion::arrow::compute::cast(entries.column(0), &DataType::Utf8)?;
            let values = datafusion::arrow::compute::cast(entries.column(1), &DataType::Utf8)?;
            let (keys, values) = (keys.as_string::<i32>(), values.as_string::<i32>());
            for i in 0..keys.len() {
                if keys.is_valid(i) && values.is_valid(i) {
                    given.insert(keys.value(i).to_lowercase(), values.value(i).to_owned());
                }
            }
        }
        // A NULL map: no options.
        Some(ColumnarValue::Scalar(ScalarValue::Map(map))) if map.len() == 1 => {}
        Some(_) => {
            return Err(plan_err(format!(
                "[INVALID_OPTIONS.NON_MAP_FUNCTION] {name}: the options must be given with \
                 the `map()` function. SQLSTATE: 42K06"
            )));
        }
    }
    Ok(given)
}

/// One value's text read as type `t` with the default options, as `from_csv` reads a field
/// (`from_xml` reads its values so); `None` when it does not fit.
pub(crate) fn read_default(text: &str, t: &DataType) -> Option<ScalarValue> {
    static DEFAULTS: std::sync::OnceLock<Option<Options>> = std::sync::OnceLock::new();
    let options = DEFAULTS.get_or_init(|| Options::of("from_csv", None).ok());
    read_field(text, t, options.as_ref()?)
}

impl Options {
    /// The options map argument `arg` of function `name` (absent: the defaults).
    fn of(name: &str, arg: Option<&ColumnarValue>) -> DfResult<Self> {
        let given = options_map(name, arg)?;
        let sep = match given.get("sep").or_else(|| given.get("delimiter")) {
            None => ",".to_owned(),
            Some(s) if s.is_empty() => {
                return Err(exec_err(format!("{name}: Delimiter cannot be empty")));
            }
            Some(s) if s == "\\t" => "\t".to_owned(),
            Some(s) => s.clone(),
        };
        let one_char = |key: &str, default: char| -> DfResult<Option<char>> {
            match given.get(key) {
                None => Ok(Some(default)),
                Some(s) if s.is_empty() => Ok(None),
                Some(s) => {
                    let mut chars = s.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Ok(Some(c)),
                        _ => Err(exec_err(format!(
                            "{name}: the option `{key}` must be one character, got '{s}'"
                        ))),
                    }
                }
            }
        };
        let mode = given
            .get("mode")
            .map(|m| m.to_uppercase())
            .unwrap_or_default();
        if mode == "DROPMALFORMED" && name == "from_csv" {
            return Err(plan_err(format!(
                "[PARSE_MODE_UNSUPPORTED] The function `{name}` doesn't support the DROPMALFORMED \
                 mode. Acceptable modes are PERMISSIVE and FAILFAST. SQLSTATE: 42601"
            )));
        }
        Ok(Self {
            sep,
            quote: one_char("quote", '"')?,
            escape: one_char("escape", '\\')?.unwrap_or('\0'),
            null_value: given.get("nullvalue").cloned().unwrap_or_default(),
            nan_value: given
                .get("nanvalue")
                .cloned()
                .unwrap_or_else(|| "NaN".to_owned()),
            positive_inf: given
                .get("positiveinf")
                .cloned()
                .unwrap_or_else(|| "Inf".to_owned()),
            negative_inf: given
                .get("negativeinf")
                .cloned()
                .unwrap_or_else(|| "-Inf".to_owned()),
            fail_fast: mode == "FAILFAST",
            date_format: given.get("dateformat").cloned(),
            timestamp_format: given.get("timestampformat").cloned(),
            corrupt_record: given
                .get("columnnameofcorruptrecord")
                .cloned()
                .unwrap_or_else(|| "_corrupt_record".to_owned()),
            quote_all: given
                .get("quoteall")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        })
    }

    /// `text` as a `DOUBLE`: the options' NaN and infinities, or Java's `parseDouble`.
    fn double(&self, text: &str) -> Option<f64> {
        if text == self.nan_value {
            Some(f64::NAN)
        } else if text == self.positive_inf {
            Some(f64::INFINITY)
        } else if text == self.negative_inf {
            Some(f64::NEG_INFINITY)
        } else {
            java_parse_double(text)
        }
    }

    /// The fields of one record; `None` for a field equal to `nullValue`.
    fn split<'t>(&self, text: &'t str) -> Vec<Option<std::borrow::Cow<'t, str>>> {
        let mut fields = Vec::new();
        let mut start = 0;
        loop {
            let (field, next) = self.field_at(text, start);
            fields.push((field != self.null_value).then_some(field));
            match next {
                Some(n) => start = n,
                None => return fields,
            }
        }
    }

    /// The field that starts at byte `start` and where the next one starts (`None`: the last).
    fn field_at<'t>(
        &self,
        text: &'t str,
        start: usize,
    ) -> (std::borrow::Cow<'t, str>, Option<usize>) {
        let rest = &text[start..];
        let raw = || match rest.find(self.sep.as_str()) {
            Some(k) => (rest[..k].into(), Some(start + k + self.sep.len())),
            None => (rest.into(), None),
        };
        let Some(quote) = self.quote.filter(|q| rest.starts_with(*q)) else {
            return raw();
        };
        let mut content = String::new();
        let mut chars = rest.char_indices().skip(1).peekable();
        while let Some((k, c)) = chars.next() {
            let next = chars.peek().map(|(_, n)| *n);
            if c == self.escape && next == Some(quote) {
                content.push(quote);
                chars.next();
            } else if c == quote {
                let after = start + k + c.len_utf8();
                let tail = &text[after..];
                if tail.is_empty() {
                    return (content.into(), None);
                }
                if tail.starts_with(self.sep.as_str()) {
                    return (content.into(), Some(after + self.sep.len()));
                }
                // Text after the closing quote: univocity reads the field as it stands.
                return raw();
            } else {
                content.push(c);
            }
        }
        (content.into(), None)
    }
}

/// Java's `Double.parseDouble`: surrounding whitespace and a `d`/`f` suffix allowed, `NaN` and
/// `Infinity` spelled as Java spells them.
fn java_parse_double(text: &str) -> Option<f64> {
    let t = text.trim_matches(|c: char| c <= ' ');
    let t = t
        .strip_suffix(['d', 'D', 'f', 'F'])
        .filter(|t| !t.is_empty())
        .unwrap_or(t);
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "NaN" || unsigned == "Infinity" {
        return match t {
            "NaN" | "+NaN" | "-NaN" => Some(f64::NAN),
            _ if t.starts_with('-') => Some(f64::NEG_INFINITY),
            _ => Some(f64::INFINITY),
        };
    }
    if unsigned
        .chars()
        .any(|c| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
    {
        return None;
    }
    t.parse().ok()
}

/// A decimal number as the unscaled value of `DECIMAL(precision, scale)`, rounded half up as
/// Java's `BigDecimal.setScale` does; `None` if it is not a number or does not fit.
fn parse_decimal(text: &str, precision: u8, scale: i8) -> Option<i128> {
    let (negative, t) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(k) => (&t[..k], t[k + 1..].parse::<i32>().ok()?),
        None => (t, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    // The digits and the power of ten they are scaled by, then moved to `scale`.
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let shift = i64::from(scale) + i64::from(exponent) - fraction.len() as i64;
    if digits.len() as i64 + shift > i64::from(precision) + 1 {
        return None;
    }
    // Digits past `scale` are dropped; the first of them rounds (none when even that one is a
    // leading zero past the digits).
    let dropped = if shift < 0 { shift.unsigned_abs() } else { 0 };
    let kept = usize::try_from(digits.len() as u64 - dropped.min(digits.len() as u64)).ok()?;
    let mut value: i128 = 0;
    for c in digits[..kept].bytes() {
        value = value.checked_mul(10)?.checked_add(i128::from(c - b'0'))?;
    }
    if shift > 0 {
        value = value.checked_mul(10i128.checked_pow(u32::try_from(shift).ok()?)?)?;
    } else if dropped <= digits.len() as u64
        && kept < digits.len()
        && digits.as_bytes()[kept] >= b'5'
    {
        value += 1;
    }
    if value >= 10i128.pow(u32::from(precision)) {
        return None;
    }
    Some(if negative { -value } else { value })
}

/// Whether `text` is a time of day (`[T]h:m[:s[.f]]` and an optional zone), which Spark reads
/// as a timestamp today.
fn is_time_of_day(text: &str) -> bool {
    let t = text.trim().trim_start_matches('T');
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(t.len());
    let (time, zone) = t.split_at(end);
    let mut parts = time.split(':');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| (1..=2).contains(&p.len()) && p.parse::<u8>().is_ok());
    ok(parts.next())
        && ok(parts.next())
        && parts.next().is_none_or(|s| {
            let whole = s.split('.').next().unwrap_or(s);
            (1..=2).contains(&whole.len()) && whole.parse::<u8>().is_ok()
        })
        && (zone.is_empty() || zone.parse::<Tz>().is_ok() || zone == "Z")
}

/// `text` as a timestamp in microseconds: with `format` (a Java pattern) or else Spark's lenient
/// forms; a time without a zone is wall-clock time in `zone`.
fn parse_timestamp(text: &str, format: Option<&str>, zone: &Tz) -> Option<i64> {
    let local = match format {
        Some(f) => {
            let f = java_to_chrono(f);
            NaiveDateTime::parse_from_str(text, &f).ok().or_else(|| {
                NaiveDate::parse_from_str(text, &f)
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })?
        }
        // Spark's CAST of the text (functions/datetime_text.rs).
        None => return super::datetime_text::text_to_timestamp(text, Some(zone)),
    };
    Some(
        zone.from_local_datetime(&local)
            .earliest()?
            .timestamp_micros(),
    )
}

fn parse_date(text: &str, format: Option<&str>) -> Option<i32> {
    match format {
        Some(f) => {
            let date = NaiveDate::parse_from_str(text, &java_to_chrono(f)).ok()?;
            Some(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
        }
        None => super::datetime_text::text_to_date(text),
    }
}

/// One field read as type `t`; `None` when it does not fit (the record is then malformed).
fn read_field(text: &str, t: &DataType, o: &Options) -> Option<ScalarValue> {
    let int = || text.parse::<i64>().ok();
    Some(match t {
        DataType::Utf8 => ScalarValue::Utf8(Some(text.to_owned())),
        DataType::Binary => ScalarValue::Binary(Some(text.as_bytes().to_vec())),
        DataType::Boolean if text.eq_ignore_ascii_case("true") => ScalarValue::Boolean(Some(true)),
        DataType::Boolean if text.eq_ignore_ascii_case("false") => {
            ScalarValue::Boolean(Some(false))
        }
        DataType::Int8 => ScalarValue::Int8(Some(i8::try_from(int()?).ok()?)),
        DataType::Int16 => ScalarValue::Int16(Some(i16::try_from(int()?).ok()?)),
        DataType::Int32 => ScalarValue::Int32(Some(i32::try_from(int()?).ok()?)),
        DataType::Int64 => ScalarValue::Int64(Some(int()?)),
        DataType::Float64 => ScalarValue::Float64(Some(o.double(text)?)),
        DataType::Float32 => ScalarValue::Float32(Some(o.double(text)? as f32)),
        DataType::Decimal128(p, s) => {
            ScalarValue::Decimal128(Some(parse_decimal(text, *p, *s)?), *p, *s)
        }
        DataType::Date32 => ScalarValue::Date32(Some(parse_date(text, o.date_format.as_deref())?)),
        DataType::Timestamp(TimeUnit::Microsecond, zone) => {
            let tz = zone.as_deref().unwrap_or("UTC").parse::<Tz>().ok()?;
            let micros = parse_timestamp(text, o.timestamp_format.as_deref(), &tz)?;
            ScalarValue::TimestampMicrosecond(Some(micros), zone.clone())
        }
        _ => return None,
    })
}

/// Spark's refusal of a schema field CSV cannot hold.
fn check_atomic(fields: &Fields) -> DfResult<()> {
    for f in fields {
        let t = f.data_type();
        let atomic = matches!(
            t,
            DataType::Utf8
                | DataType::Binary
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
                | DataType::Null
        );
        if !atomic {
            return Err(plan_err(format!(
                "[UNSUPPORTED_DATATYPE] Unsupported data type \"{}\". SQLSTATE: 0A000",
                crate::types::spark_type_name(t).to_uppercase()
            )));
        }
    }
    Ok(())
}

fn string_literal(v: Option<&ScalarValue>) -> Option<&str> {
    v?.try_as_str().flatten()
}

fn is_string_or_null(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8 | DataType::Utf8View | DataType::LargeUtf8 | DataType::Null
    )
}

/// `from_csv(s, schema[, options])`: the record `s` read into the struct `schema` (a DDL
/// string literal) describes.
#[derive(Debug)]
struct FromCsv {
    signature: Signature,
    time_zone: Arc<str>,
}

impl PartialEq for FromCsv {
    fn eq(&self, other: &Self) -> bool {
        self.time_zone == other.time_zone
    }
}

impl Eq for FromCsv {}

impl Hash for FromCsv {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.time_zone.hash(state);
    }
}

impl ScalarUDFImpl for FromCsv {
    fn name(&self) -> &str {
        "from_csv"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        if !(2..=3).contains(&arg_types.len()) {
            return Err(plan_err(format!(
                "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `from_csv` requires [2, 3] parameters \
                 but the actual number is {}. SQLSTATE: 42605",
                arg_types.len()
            )));
        }
        if !is_string_or_null(&arg_types[0]) {
            return Err(wrong_type("first", "\"STRING\"", &arg_types[0]));
        }
        let mut types = vec![DataType::Utf8, DataType::Utf8];
        types.extend(arg_types.get(2).cloned());
        Ok(types)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(
            "from_csv's type comes from its schema argument".to_owned(),
        ))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let Some(ddl) = string_literal(args.scalar_arguments.get(1).copied().flatten()) else {
            return Err(plan_err(
                "[INVALID_SCHEMA.NON_STRING_LITERAL] from_csv: the schema must be a string \
                 literal such as 'a INT, b STRING', not NULL. SQLSTATE: 42K07"
                    .to_owned(),
            ));
        };
        let t = parse_ddl(ddl, &self.time_zone)
            .map_err(|e| plan_err(format!("from_csv: {}", e.message())))?;
        let DataType::Struct(fields) = &t else {
            return Err(plan_err(format!(
                "[INVALID_SCHEMA.NON_STRUCT_TYPE] from_csv: the schema must be a struct such as \
                 'a INT, b STRING', got \"{}\". SQLSTATE: 42K07",
                crate::types::spark_type_name(&t).to_uppercase()
            )));
        };
        check_atomic(fields)?;
        Ok(Arc::new(Field::new("from_csv", t, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let DataType::Struct(fields) = args.return_field.data_type().clone() else {
            return Err(exec_err("from_csv: the schema is not a struct".to_owned()));
        };
        let o = Options::of("from_csv", args.args.get(2))?;
        let scalar = matches!(args.args[0], ColumnarValue::Scalar(_));
        let text = args.args[0].to_array(if scalar { 1 } else { args.number_rows })?;
        let text = text.as_string::<i32>();
        // The corrupt-record field is filled with malformed records, not from their fields.
        let corrupt = fields
            .iter()
            .position(|f| f.name() == &o.corrupt_record && matches!(f.data_type(), DataType::Utf8));
        let mut cells: Vec<Vec<ScalarValue>> = vec![Vec::with_capacity(text.len()); fields.len()];
        let mut valid = Vec::with_capacity(text.len());
        for row in 0..text.len() {
            if text.is_null(row) {
                for (cell, f) in cells.iter_mut().zip(fields.iter()) {
                    cell.push(ScalarValue::try_from(f.data_type())?);
                }
                valid.push(false);
                continue;
            }
            let record = text.value(row);
            let tokens = o.split(record);
            // A record of another width than the schema is malformed (an empty one is not: it
            // is all NULL), as Spark's parser has it.
            let width = fields.len() - usize::from(corrupt.is_some());
            let mut malformed = !record.is_empty() && tokens.len() != width;
            let mut tokens = tokens.into_iter();
            for (i, f) in fields.iter().enumerate() {
                if Some(i) == corrupt {
                    cells[i].push(ScalarValue::Utf8(None));
                    continue;
                }
                let value = match tokens.next().flatten() {
                    None => None,
                    Some(token) => {
                        let read = read_field(&token, f.data_type(), &o);
                        malformed |= read.is_none();
                        read
                    }
                };
                cells[i].push(match value {
                    Some(v) => v,
                    None => ScalarValue::try_from(f.data_type())?,
                });
            }
            if malformed {
                if o.fail_fast {
                    return Err(exec_err(format!(
                        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are \
                         detected in record parsing: '{record}'. Parse Mode: FAILFAST. To process \
                         malformed records as null result, try setting the option 'mode' as \
                         'PERMISSIVE'. SQLSTATE: 22023"
                    )));
                }
                if let Some(c) = corrupt
                    && let Some(cell) = cells[c].last_mut()
                {
                    *cell = ScalarValue::Utf8(Some(record.to_owned()));
                }
            }
            valid.push(true);
        }
        let columns = cells
            .into_iter()
            .zip(fields.iter())
            .map(|(column, f)| {
                if column.is_empty() {
                    Ok(datafusion::arrow::array::new_null_array(f.data_type(), 0))
                } else {
                    ScalarValue::iter_to_array(column)
                }
            })
            .collect::<DfResult<Vec<_>>>()?;
        let out = StructArray::try_new(fields, columns, Some(valid.into()))?;
        Ok(if scalar {
            ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?)
        } else {
            ColumnarValue::Array(Arc::new(out))
        })
    }
}

/// Writes row `i` of `array` as Spark's CSV writer does: atomic values in Spark's text, nested
/// ones as Spark casts them to strings with `NULL`s written as `null_value`.
fn write_value(array: &dyn Array, i: usize, o: &Options, out: &mut String) -> DfResult<()> {
    macro_rules! display {
        ($t:ty) => {{
            let _ = write!(out, "{}", array.as_primitive::<$t>().value(i));
        }};
    }
    match array.data_type() {
        DataType::Boolean => out.push_str(if array.as_boolean().value(i) {
            "true"
        } else {
            "false"
        }),
        DataType::Int8 => display!(Int8Type),
        DataType::Int16 => display!(Int16Type),
        DataType::Int32 => display!(Int32Type),
        DataType::Int64 => display!(Int64Type),
        DataType::Float32 => {
            out.push_str(&java_float(array.as_primitive::<Float32Type>().value(i)))
        }
        DataType::Float64 => {
            out.push_str(&java_double(array.as_primitive::<Float64Type>().value(i)))
        }
        DataType::Decimal128(_, s) => out.push_str(&Decimal128Type::format_decimal(
            array.as_primitive::<Decimal128Type>().value(i),
            38,
            *s,
        )),
        DataType::Utf8 => out.push_str(array.as_string::<i32>().value(i)),
        DataType::LargeUtf8 => out.push_str(array.as_string::<i64>().value(i)),
        DataType::Utf8View => out.push_str(array.as_string_view().value(i)),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
            let bytes: &[u8] = match array.data_type() {
                DataType::Binary => array.as_binary::<i32>().value(i),
                DataType::LargeBinary => array.as_binary::<i64>().value(i),
                _ => array.as_binary_view().value(i),
            };
            out.push('[');
            for (k, b) in bytes.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                let _ = write!(out, "{b:02X}");
            }
            out.push(']');
        }
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(i);
            let date = NaiveDate::from_num_days_from_ce_opt(days + UNIX_EPOCH_DAYS_FROM_CE)
                .ok_or_else(|| exec_err(format!("to_csv: date out of range ({days} days)")))?;
            let format = o
                .date_format
                .as_deref()
                .map_or_else(|| "%Y-%m-%d".to_owned(), java_to_chrono);
            let _ = write!(out, "{}", date.format(&format));
        }
        DataType::Timestamp(TimeUnit::Microsecond, zone) => {
            let micros = array.as_primitive::<TimestampMicrosecondType>().value(i);
            let utc = chrono::DateTime::from_timestamp_micros(micros)
                .ok_or_else(|| exec_err(format!("to_csv: timestamp out of range ({micros})")))?;
            match (zone.as_deref(), o.timestamp_format.as_deref()) {
                (Some(zone), Some(f)) => {
                    let tz = zone.parse::<Tz>().map_err(|e| exec_err(e.to_string()))?;
                    let _ = write!(out, "{}", utc.with_timezone(&tz).format(&java_to_chrono(f)));
                }
                (Some(zone), None) => out.push_str(&zoned_timestamp_text(utc, zone)),
                (None, f) => {
                    let f = f.map_or_else(|| "%Y-%m-%dT%H:%M:%S%.3f".to_owned(), java_to_chrono);
                    let _ = write!(out, "{}", utc.naive_utc().format(&f));
                }
            }
        }
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) => {
            let items = match array.data_type() {
                DataType::List(_) => array.as_list::<i32>().value(i),
                DataType::LargeList(_) => array.as_list::<i64>().value(i),
                _ => array.as_fixed_size_list().value(i),
            };
            out.push('[');
            write_items(items.as_ref(), None, o, out)?;
            out.push(']');
        }
        DataType::Struct(_) => {
            let s = array.as_struct();
            out.push('{');
            for (k, c) in s.columns().iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                write_nested(c.as_ref(), i, k == 0, o, out)?;
            }
            out.push('}');
        }
        DataType::Map(..) => {
            let m = array.as_map().value(i);
            out.push('{');
            write_items(m.column(0).as_ref(), Some(m.column(1).as_ref()), o, out)?;
            out.push('}');
        }
        other => {
            return Err(exec_err(format!(
                "to_csv: cannot write a value of type {other}"
            )));
        }
    }
    Ok(())
}

/// A nested value after its separator: `NULL` as `null_value` (nothing when it is empty),
/// others after a space unless `first`.
fn write_nested(
    a: &dyn Array,
    i: usize,
    first: bool,
    o: &Options,
    out: &mut String,
) -> DfResult<()> {
    if a.is_null(i) {
        if !o.null_value.is_empty() {
            if !first {
                out.push(' ');
            }
            out.push_str(&o.null_value);
        }
        return Ok(());
    }
    if !first {
        out.push(' ');
    }
    write_value(a, i, o, out)
}

/// An array's items (`values` absent) or a map's `key -> value` entries, comma-separated.
fn write_items(
    keys: &dyn Array,
    values: Option<&dyn Array>,
    o: &Options,
    out: &mut String,
) -> DfResult<()> {
    for j in 0..keys.len() {
        if j > 0 {
            out.push(',');
        }
        write_nested(keys, j, j == 0, o, out)?;
        if let Some(v) = values {
            out.push_str(" ->");
            write_nested(v, j, false, o, out)?;
        }
    }
    Ok(())
}

/// `to_csv(struct[, options])`: the struct as one CSV record.
fn to_csv(args: &[ColumnarValue], number_rows: usize) -> DfResult<ColumnarValue> {
    let o = Options::of("to_csv", args.get(1))?;
    let scalar = matches!(args[0], ColumnarValue::Scalar(_));
    let input = args[0].to_array(if scalar { 1 } else { number_rows })?;
    let Some(s) = input.as_struct_opt() else {
        return Err(exec_err(format!(
            "to_csv: the input must be a struct, got {}",
            input.data_type()
        )));
    };
    let mut out = StringBuilder::new();
    let mut record = String::new();
    let mut value = String::new();
    for row in 0..s.len() {
        // Spark writes nothing (NULL) for a NULL struct and for one without fields.
        if s.is_null(row) || s.num_columns() == 0 {
            out.append_null();
            continue;
        }
        record.clear();
        for (k, c) in s.columns().iter().enumerate() {
            if k > 0 {
                record.push_str(&o.sep);
            }
            if c.is_null(row) {
                record.push_str(&o.null_value);
                continue;
            }
            value.clear();
            write_value(c.as_ref(), row, &o, &mut value)?;
            // Spark's writer trims the whitespace around values.
            let v = value.trim_matches(|c: char| c == ' ' || c == '\t');
            let quote = o.quote.filter(|q| {
                o.quote_all
                    || v.is_empty()
                    || v.contains(o.sep.as_str())
                    || v.contains(*q)
                    || v.contains(['\n', '\r'])
            });
            match quote {
                Some(q) => {
                    record.push(q);
                    for ch in v.chars() {
                        if ch == q {
                            record.push(o.escape);
                        }
                        record.push(ch);
                    }
                    record.push(q);
                }
                None => record.push_str(v),
            }
        }
        out.append_value(&record);
    }
    let out = out.finish();
    Ok(if scalar {
        ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?)
    } else {
        ColumnarValue::Array(Arc::new(out))
    })
}

/// The type Spark infers for one CSV field (`CSVInferSchema`), in Spark's DDL spelling.
fn infer_field(field: Option<&str>, o: &Options) -> String {
    let Some(f) = field else {
        return "STRING".to_owned();
    };
    if f.parse::<i32>().is_ok() {
        return "INT".to_owned();
    }
    if f.parse::<i64>().is_ok() {
        return "BIGINT".to_owned();
    }
    // An integer past BIGINT is a DECIMAL with no fraction, up to 38 digits.
    let digits = f.strip_prefix(['+', '-']).unwrap_or(f);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let precision = digits.trim_start_matches('0').len().max(1);
        if precision <= 38 {
            return format!("DECIMAL({precision},0)");
        }
    }
    if o.double(f).is_some() {
        return "DOUBLE".to_owned();
    }
    let is_date = match o.date_format.as_deref() {
        Some(format) => parse_date(f, Some(format)).is_some(),
        None => {
            f.len() == 10
                && f.as_bytes()[4] == b'-'
                && f.as_bytes()[7] == b'-'
                && NaiveDate::parse_from_str(f, "%Y-%m-%d").is_ok()
        }
    };
    if is_date {
        return "DATE".to_owned();
    }
    let utc = "+00:00".parse::<Tz>().ok();
    if utc.is_some_and(|utc| parse_timestamp(f, o.timestamp_format.as_deref(), &utc).is_some())
        || (o.timestamp_format.is_none() && is_time_of_day(f))
    {
        return "TIMESTAMP".to_owned();
    }
    if f.eq_ignore_ascii_case("true") || f.eq_ignore_ascii_case("false") {
        return "BOOLEAN".to_owned();
    }
    "STRING".to_owned()
}

/// `schema_of_csv(csv[, options])`: the DDL of the struct Spark infers for the CSV record `csv`
/// (a string literal), its fields named `_c0`, `_c1`, ...
fn schema_of_csv(args: &[ColumnarValue]) -> DfResult<ColumnarValue> {
    let text = match &args[0] {
        ColumnarValue::Scalar(s) if s.is_null() => {
            return Err(plan_err(
                "[DATATYPE_MISMATCH.UNEXPECTED_NULL] schema_of_csv: The csv must not be null. \
                 SQLSTATE: 42K09"
                    .to_owned(),
            ));
        }
        ColumnarValue::Scalar(s) => match string_literal(Some(s)) {
            Some(t) => t.to_owned(),
            None => return Err(wrong_type("first", "\"STRING\"", &s.data_type())),
        },
        ColumnarValue::Array(_) => {
            return Err(plan_err(
                "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] schema_of_csv: the input `csv` should be \
                 a foldable \"STRING\" expression. SQLSTATE: 42K09"
                    .to_owned(),
            ));
        }
    };
    if text.is_empty() {
        return Err(exec_err(
            "schema_of_csv: cannot infer a schema from an empty record".to_owned(),
        ));
    }
    let o = Options::of("schema_of_csv", args.get(1))?;
    let fields: Vec<String> = o
        .split(&text)
        .iter()
        .enumerate()
        .map(|(k, f)| format!("_c{k}: {}", infer_field(f.as_deref(), &o)))
        .collect();
    Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(format!(
        "STRUCT<{}>",
        fields.join(", ")
    )))))
}

/// `to_csv` and `schema_of_csv`: a function of whole arguments, its types checked by `coerce`.
#[derive(Debug)]
struct CsvFn {
    name: &'static str,
    signature: Signature,
}

super::named_udf!(CsvFn);

impl ScalarUDFImpl for CsvFn {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        if !(1..=2).contains(&arg_types.len()) {
            return Err(plan_err(format!(
                "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{}` requires [1, 2] parameters but the \
                 actual number is {}. SQLSTATE: 42605",
                self.name,
                arg_types.len()
            )));
        }
        let first = &arg_types[0];
        match self.name {
            "to_csv" if !matches!(first, DataType::Struct(_)) => Err(plan_err(format!(
                "[DATATYPE_MISMATCH.UNSUPPORTED_INPUT_TYPE] The input of `to_csv` can't be \"{}\" \
                 type data. SQLSTATE: 42K09",
                crate::types::spark_type_name(first).to_uppercase()
            ))),
            "schema_of_csv" if !is_string_or_null(first) => {
                Err(wrong_type("first", "\"STRING\"", first))
            }
            _ => Ok(arg_types.to_vec()),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        match self.name {
            "to_csv" => to_csv(&args.args, args.number_rows),
            _ => schema_of_csv(&args.args),
        }
    }
}

/// Registers `from_csv` (its timestamps zoned in `time_zone`), `to_csv` and `schema_of_csv`.
pub(crate) fn register(ctx: &SessionContext, time_zone: &Arc<str>) {
    ctx.register_udf(ScalarUDF::new_from_impl(FromCsv {
        signature: Signature::user_defined(Volatility::Immutable),
        time_zone: Arc::clone(time_zone),
    }));
    for name in ["to_csv", "schema_of_csv"] {
        ctx.register_udf(ScalarUDF::new_from_impl(CsvFn {
            name,
            signature: Signature::user_defined(Volatility::Immutable),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Option<String>> {
        Options::of("t", None)
            .map(|o| {
                o.split(text)
                    .into_iter()
                    .map(|f| f.map(|f| f.into_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Spark 4.3's splits, recorded with PySpark's `from_csv`.
    #[test]
    fn records_split_as_sparks_parser_does() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            fields(r#"1,abc,,"x,y",  z "#),
            [s("1"), s("abc"), None, s("x,y"), s("  z ")]
        );
        assert_eq!(fields(r#""a""b",c"#), [s(r#""a""b""#), s("c")]);
        assert_eq!(fields(r#""a\"b",c"#), [s("a\"b"), s("c")]);
        assert_eq!(fields(r#""ab"c,d"#), [s(r#""ab"c"#), s("d")]);
        assert_eq!(fields(r#""",x"#), [None, s("x")]);
        assert_eq!(fields(r#""a,b"#), [s("a,b")]);
        assert_eq!(fields(""), [None]);
    }

    #[test]
    fn decimals_round_half_up() {
        assert_eq!(parse_decimal("1.234", 5, 2), Some(123));
        assert_eq!(parse_decimal("1.235", 5, 2), Some(124));
        assert_eq!(parse_decimal("-1.235", 5, 2), Some(-124));
        assert_eq!(parse_decimal("12345.6", 5, 2), None);
        assert_eq!(parse_decimal("1e2", 5, 2), Some(10000));
        assert_eq!(parse_decimal("x", 5, 2), None);
        assert_eq!(parse_decimal("0.0001", 5, 2), Some(0));
        assert_eq!(parse_decimal("0.005", 5, 2), Some(1));
        assert_eq!(parse_decimal("999.995", 5, 2), None);
    }

    #[test]
    fn doubles_parse_as_java_does() {
        assert_eq!(java_parse_double(" 0.8"), Some(0.8));
        assert_eq!(java_parse_double("1e2d"), Some(100.0));
        assert_eq!(java_parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(java_parse_double("inf"), None);
        assert_eq!(java_parse_double("0x10"), None);
    }
}
