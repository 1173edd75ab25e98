//! Spark's string functions missing from DataFusion and `datafusion-spark`: `split` (by a
//! regular expression, with a limit), `regexp_extract`, `regexp_extract_all`, `regexp_substr`,
//! `regexp_instr`, `locate`, `mask`, `format_number`, `sentences`; and
//! Spark's names for DataFusion's functions (`rlike`, `startswith`, `endswith`, `lcase`,
//! `ucase`, `printf`).
//!
//! Regular expressions are Rust's `regex` syntax, which agrees with Java's for the common
//! constructs (classes, groups, quantifiers, anchors); look-around and backreferences fail with
//! an error naming the pattern.

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, Float64Array, Int32Builder, ListBuilder, StringArray,
    StringBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Int32Type};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{ScalarUDF, Signature, Volatility, cast};
use datafusion::prelude::SessionContext;
use regex::Regex;
use unicode_segmentation::UnicodeSegmentation as _;

use super::{ColumnFn, exec_err, fixed};
use crate::rewrites::{SparkRewrite, one};

/// The last compiled pattern, so a column of rows with one pattern compiles it once.
#[derive(Default)]
struct RegexCache {
    last: Option<(String, Regex)>,
}

impl RegexCache {
    fn get(&mut self, pattern: &str) -> DfResult<&Regex> {
        let stale = self.last.as_ref().is_none_or(|(p, _)| p != pattern);
        if stale {
            let re = Regex::new(pattern)
                .map_err(|e| exec_err(format!("invalid regular expression '{pattern}': {e}")))?;
            self.last = Some((pattern.to_owned(), re));
        }
        match &self.last {
            Some((_, re)) => Ok(re),
            None => Err(exec_err("regular expression cache is empty".to_owned())),
        }
    }
}

fn string_list_field() -> Arc<Field> {
    Arc::new(Field::new("element", DataType::Utf8, true))
}

fn string_list() -> DataType {
    DataType::List(string_list_field())
}

/// A builder of the `array<string>` results `split` and `regexp_extract_all` return.
fn string_list_builder() -> ListBuilder<StringBuilder> {
    ListBuilder::new(StringBuilder::new()).with_field(string_list_field())
}

/// `split(str, regex[, limit])`: the parts of `str` around the matches of `regex`. A positive
/// `limit` caps the number of parts (the last holds the rest); otherwise every match splits and
/// trailing empty strings stay. An empty `regex` splits between characters.
fn split() -> ColumnFn {
    ColumnFn::new(
        "split",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8, DataType::Int32], 2),
        |_| Ok(string_list()),
        |args| {
            let s = args[0].as_string::<i32>();
            let p = args[1].as_string::<i32>();
            let limit = args.get(2).map(|a| a.as_primitive::<Int32Type>());
            let mut out = string_list_builder();
            let mut cache = RegexCache::default();
            for i in 0..s.len() {
                if s.is_null(i) || p.is_null(i) || limit.is_some_and(|l| l.is_null(i)) {
                    out.append_null();
                    continue;
                }
                let text = s.value(i);
                let limit = limit.map_or(-1, |l| l.value(i));
                let max_parts = usize::try_from(limit).ok().filter(|&n| n > 0);
                if p.value(i).is_empty() {
                    let chars: Vec<&str> = text
                        .char_indices()
                        .map(|(at, c)| &text[at..at + c.len_utf8()])
                        .collect();
                    match max_parts {
                        Some(n) if n < chars.len() => {
                            for c in &chars[..n - 1] {
                                out.values().append_value(c);
                            }
                            let rest: usize = chars[..n - 1].iter().map(|c| c.len()).sum();
                            out.values().append_value(&text[rest..]);
                        }
                        _ => {
                            for c in chars {
                                out.values().append_value(c);
                            }
                        }
                    }
                } else {
                    let re = cache.get(p.value(i))?;
                    match max_parts {
                        Some(n) => re
                            .splitn(text, n)
                            .for_each(|part| out.values().append_value(part)),
                        None => re
                            .split(text)
                            .for_each(|part| out.values().append_value(part)),
                    }
                }
                out.append(true);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// The group index argument of `regexp_extract(_all)`, checked against the pattern's groups.
fn group_index(re: &Regex, idx: i32) -> DfResult<usize> {
    let groups = re.captures_len() - 1;
    usize::try_from(idx)
        .ok()
        .filter(|&i| i <= groups)
        .ok_or_else(|| {
            exec_err(format!(
                "regexp_extract: the regex has {groups} groups, but the group index is {idx}"
            ))
        })
}

/// `regexp_extract(str, regex[, idx])`: group `idx` (default 1; 0 is the whole match) of the
/// first match, `''` when nothing matches or the group did not take part.
fn regexp_extract() -> ColumnFn {
    ColumnFn::new(
        "regexp_extract",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8, DataType::Int32], 2),
        |_| Ok(DataType::Utf8),
        |args| {
            let s = args[0].as_string::<i32>();
            let p = args[1].as_string::<i32>();
            let idx = args.get(2).map(|a| a.as_primitive::<Int32Type>());
            let mut out = StringBuilder::new();
            let mut cache = RegexCache::default();
            for i in 0..s.len() {
                if s.is_null(i) || p.is_null(i) || idx.is_some_and(|a| a.is_null(i)) {
                    out.append_null();
                    continue;
                }
                let re = cache.get(p.value(i))?;
                let group = group_index(re, idx.map_or(1, |a| a.value(i)))?;
                let found = re
                    .captures(s.value(i))
                    .and_then(|c| c.get(group))
                    .map_or("", |m| m.as_str());
                out.append_value(found);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `regexp_extract_all(str, regex[, idx])`: group `idx` (default 1) of every match.
fn regexp_extract_all() -> ColumnFn {
    ColumnFn::new(
        "regexp_extract_all",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8, DataType::Int32], 2),
        |_| Ok(string_list()),
        |args| {
            let s = args[0].as_string::<i32>();
            let p = args[1].as_string::<i32>();
            let idx = args.get(2).map(|a| a.as_primitive::<Int32Type>());
            let mut out = string_list_builder();
            let mut cache = RegexCache::default();
            for i in 0..s.len() {
                if s.is_null(i) || p.is_null(i) || idx.is_some_and(|a| a.is_null(i)) {
                    out.append_null();
                    continue;
                }
                let re = cache.get(p.value(i))?;
                let group = group_index(re, idx.map_or(1, |a| a.value(i)))?;
                for c in re.captures_iter(s.value(i)) {
                    out.values()
                        .append_value(c.get(group).map_or("", |m| m.as_str()));
                }
                out.append(true);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `initcap(str)`: Spark's, the text in lower case with each letter that starts it or follows a
/// space in title case; words are delimited by spaces only (DataFusion's also began one after
/// any other non-alphanumeric character: `o'neil` gave `O'Neil`, Spark's `O'neil`).
fn initcap() -> ColumnFn {
    ColumnFn::new(
        "initcap",
        |t| fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Utf8),
        |args| {
            let s = args[0].as_string::<i32>();
            let mut out = StringBuilder::with_capacity(s.len(), s.value_data().len());
            let mut word = String::new();
            for text in s.iter() {
                let Some(text) = text else {
                    out.append_null();
                    continue;
                };
                word.clear();
                let mut after_space = true;
                for c in text.to_lowercase().chars() {
                    if after_space {
                        word.extend(c.to_uppercase());
                    } else {
                        word.push(c);
                    }
                    after_space = c == ' ';
                }
                out.append_value(&word);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `locate(substr, str[, pos])`: the 1-based character position of the first `substr` in `str`
/// at or after `pos` (default 1); 0 when absent or `pos < 1`.
fn locate() -> ColumnFn {
    ColumnFn::new(
        "locate",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8, DataType::Int32], 2),
        |_| Ok(DataType::Int32),
        |args| {
            let sub = args[0].as_string::<i32>();
            let s = args[1].as_string::<i32>();
            let pos = args.get(2).map(|a| a.as_primitive::<Int32Type>());
            let mut out = Int32Builder::with_capacity(s.len());
            for i in 0..s.len() {
                if sub.is_null(i) || s.is_null(i) || pos.is_some_and(|a| a.is_null(i)) {
                    out.append_null();
                    continue;
                }
                let start = pos.map_or(1, |a| a.value(i));
                let Some(skip) = usize::try_from(start).ok().and_then(|p| p.checked_sub(1)) else {
                    out.append_value(0);
                    continue;
                };
                let text = s.value(i);
                let Some(from) = text
                    .char_indices()
                    .map(|(b, _)| b)
                    .chain(std::iter::once(text.len()))
                    .nth(skip)
                else {
                    out.append_value(0);
                    continue;
                };
                let found = text[from..]
                    .find(sub.value(i))
                    .map_or(0, |b| text[..from + b].chars().count() + 1);
                out.append_value(i32::try_from(found).unwrap_or(i32::MAX));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `regexp_substr(str, regex)`: the first match of `regex` in `str`, `NULL` when none.
fn regexp_substr() -> ColumnFn {
    ColumnFn::new(
        "regexp_substr",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8], 2),
        |_| Ok(DataType::Utf8),
        |args| {
            let s = args[0].as_string::<i32>();
            let p = args[1].as_string::<i32>();
            let mut out = StringBuilder::new();
            let mut cache = RegexCache::default();
            for i in 0..s.len() {
                if s.is_null(i) || p.is_null(i) {
                    out.append_null();
                    continue;
                }
                let re = cache.get(p.value(i))?;
                out.append_option(re.find(s.value(i)).map(|m| m.as_str()));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `regexp_instr(str, regex[, idx])`: the 1-based character position where the first match
/// starts (group `idx`'s, default 0: the whole match), 0 when nothing matches.
fn regexp_instr() -> ColumnFn {
    ColumnFn::new(
        "regexp_instr",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8, DataType::Int32], 2),
        |_| Ok(DataType::Int32),
        |args| {
            let s = args[0].as_string::<i32>();
            let p = args[1].as_string::<i32>();
            let idx = args.get(2).map(|a| a.as_primitive::<Int32Type>());
            let mut out = Int32Builder::with_capacity(s.len());
            let mut cache = RegexCache::default();
            for i in 0..s.len() {
                if s.is_null(i) || p.is_null(i) || idx.is_some_and(|a| a.is_null(i)) {
                    out.append_null();
                    continue;
                }
                let re = cache.get(p.value(i))?;
                let group = group_index(re, idx.map_or(0, |a| a.value(i)))?;
                let text = s.value(i);
                let at = re
                    .captures(text)
                    .and_then(|c| c.get(group))
                    .map_or(0, |m| text[..m.start()].chars().count() + 1);
                out.append_value(i32::try_from(at).unwrap_or(i32::MAX));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `mask(str[, upper, lower, digit, other])`: upper-case letters become `upper` (default `X`),
/// lower-case `lower` (`x`), digits `digit` (`n`), other characters `other` (kept by default);
/// a `NULL` replacement keeps its characters.
fn mask() -> ColumnFn {
    ColumnFn::new(
        "mask",
        |t| {
            // Spark casts nothing to the string it masks (unlike its other string functions).
            if let Some(first) = t.first()
                && (first.is_numeric()
                    || matches!(
                        first,
                        DataType::Boolean | DataType::Date32 | DataType::Timestamp(..)
                    ))
            {
                return Err(super::plan_err(format!(
                    "mask takes the STRING to mask, not {}",
                    crate::types::spark_type_name(first).to_uppercase()
                )));
            }
            fixed(
                t,
                &[
                    DataType::Utf8,
                    DataType::Utf8,
                    DataType::Utf8,
                    DataType::Utf8,
                    DataType::Utf8,
                ],
                1,
            )
        },
        |_| Ok(DataType::Utf8),
        |args| {
            let s = args[0].as_string::<i32>();
            let replacement =
                |k: usize, i: usize, default: Option<char>| -> DfResult<Option<char>> {
                    let Some(a) = args.get(k) else {
                        return Ok(default);
                    };
                    let a = a.as_string::<i32>();
                    if a.is_null(i) {
                        return Ok(None);
                    }
                    let mut chars = a.value(i).chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Ok(Some(c)),
                        _ => Err(exec_err(format!(
                            "mask: a replacement must be one character, got '{}'",
                            a.value(i)
                        ))),
                    }
                };
            let mut out = StringBuilder::new();
            for i in 0..s.len() {
                if s.is_null(i) {
                    out.append_null();
                    continue;
                }
                let upper = replacement(1, i, Some('X'))?;
                let lower = replacement(2, i, Some('x'))?;
                let digit = replacement(3, i, Some('n'))?;
                let other = replacement(4, i, None)?;
                let masked: String = s
                    .value(i)
                    .chars()
                    .map(|c| {
                        let r = if c.is_uppercase() {
                            upper
                        } else if c.is_lowercase() {
                            lower
                        } else if c.is_ascii_digit() {
                            digit
                        } else {
                            other
                        };
                        r.unwrap_or(c)
                    })
                    .collect();
                out.append_value(masked);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `text` (an optional `-`, digits, an optional `.` and digits) rounded half-even to `places`
/// decimals, its integer digits grouped by threes with commas: Java's `DecimalFormat`, which
/// Spark's `format_number` uses.
fn format_decimal_text(text: &str, places: usize) -> String {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, frac_part) = digits.split_once('.').unwrap_or((digits, ""));
    let mut kept: Vec<u8> = int_part
        .bytes()
        .chain(
            frac_part
                .bytes()
                .chain(std::iter::repeat(b'0'))
                .take(places),
        )
        .map(|b| b - b'0')
        .collect();
    let dropped = frac_part.as_bytes().get(places..).unwrap_or_default();
    let round_up = match dropped.split_first() {
        Some((&first, rest)) => {
            let last_odd = kept.last().is_some_and(|d| d % 2 == 1);
            first > b'5' || (first == b'5' && (rest.iter().any(|&b| b != b'0') || last_odd))
        }
        None => false,
    };
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let split = kept.len() - places;
    let ints: Vec<char> = kept[..split].iter().map(|d| char::from(b'0' + d)).collect();
    let ints: Vec<char> = if ints.is_empty() { vec!['0'] } else { ints };
    // Leading zeros (from "0.5" style input) go, but one digit stays.
    let first_nonzero = ints
        .iter()
        .position(|&c| c != '0')
        .unwrap_or(ints.len() - 1);
    let ints = &ints[first_nonzero..];
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    for (i, c) in ints.iter().enumerate() {
        if i > 0 && (ints.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c);
    }
    if places > 0 {
        out.push('.');
        out.extend(kept[split..].iter().map(|d| char::from(b'0' + d)));
    }
    out
}

/// `format_number(x, d)`: `x` rounded half-even to `d` decimal places, with thousands
/// separators (`1,234.57`); `NULL` for a negative `d`.
fn format_number() -> ColumnFn {
    ColumnFn::new(
        "format_number",
        |t| match t {
            [x, d] if d.is_integer() || *d == DataType::Null => {
                let x = match x {
                    DataType::Decimal128(..) => x.clone(),
                    x if x.is_integer() => DataType::Int64,
                    _ => DataType::Float64,
                };
                Ok(vec![x, DataType::Int32])
            }
            [_, d] => Err(super::plan_err(format!(
                "takes a number and an integer count of decimal places (a format pattern is not \
                 supported), got {d}"
            ))),
            _ => Err(super::plan_err(format!(
                "takes 2 arguments, got {}",
                t.len()
            ))),
        },
        |_| Ok(DataType::Utf8),
        |args| {
            use datafusion::arrow::datatypes::{
                Decimal128Type, DecimalType as _, Float64Type, Int64Type,
            };
            let x = &args[0];
            let d = args[1].as_primitive::<Int32Type>();
            let mut out = StringBuilder::new();
            for i in 0..x.len() {
                if x.is_null(i) || d.is_null(i) {
                    out.append_null();
                    continue;
                }
                let Ok(places) = usize::try_from(d.value(i)) else {
                    out.append_null();
                    continue;
                };
                let text = match x.data_type() {
                    DataType::Decimal128(_, scale) => Decimal128Type::format_decimal(
                        x.as_primitive::<Decimal128Type>().value(i),
                        38,
                        *scale,
                    ),
                    DataType::Int64 => x.as_primitive::<Int64Type>().value(i).to_string(),
                    _ => {
                        let f = x.as_primitive::<Float64Type>().value(i);
                        if f.is_nan() {
                            out.append_value("NaN");
                            continue;
                        }
                        if f.is_infinite() {
                            out.append_value(if f > 0.0 { "∞" } else { "-∞" });
                            continue;
                        }
                        format!("{f}")
                    }
                };
                out.append_value(format_decimal_text(&text, places));
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

/// `f(args)` of an existing function with its `INT` arguments cast from any integer type and
/// its result cast to `INT` (Spark's types where DataFusion's are `BIGINT`).
fn int_wrapper(name: &'static str) -> ScalarUDF {
    ScalarUDF::new_from_impl(SparkRewrite {
        name,
        signature: Signature::variadic_any(Volatility::Immutable),
        return_type: match name {
            "space" => |_| Ok(DataType::Utf8),
            _ => |_| Ok(DataType::Int32),
        },
        rewrite: match name {
            "space" => |args, _| {
                let n = cast(one(args)?, DataType::Int32);
                Ok(super::bounded::space().call(vec![n]))
            },
            _ => |args, _| {
                let args = args.into_iter().map(|a| cast(a, DataType::Utf8)).collect();
                Ok(cast(
                    datafusion::functions::regex::regexp_count().call(args),
                    DataType::Int32,
                ))
            },
        },
    })
}

/// Registers the string functions and Spark's names for DataFusion's.
/// `jaro_winkler_similarity(a, b)`: Spark 4.3's Jaro-Winkler similarity of two strings, by
/// character: the Jaro similarity plus 0.1 per common leading character (at most 4) of what is
/// left to 1, with no threshold (Spark adds the prefix bonus however low the Jaro similarity).
fn jaro_winkler_similarity() -> ColumnFn {
    ColumnFn::new(
        "jaro_winkler_similarity",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8], 2),
        |_| Ok(DataType::Float64),
        |args| {
            let (a, b) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
            let out: Float64Array = (0..a.len())
                .map(|i| {
                    (!a.is_null(i) && !b.is_null(i)).then(|| jaro_winkler(a.value(i), b.value(i)))
                })
                .collect();
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = vec![false; b.len()];
    let mut a_matches = Vec::new();
    for (i, &c) in a.iter().enumerate() {
        let from = i.saturating_sub(window);
        let to = (i + window + 1).min(b.len());
        if let Some(j) = (from..to).find(|&j| !b_used[j] && b[j] == c) {
            b_used[j] = true;
            a_matches.push(c);
        }
    }
    let m = a_matches.len();
    if m == 0 {
        return 0.0;
    }
    let b_matches = b
        .iter()
        .zip(&b_used)
        .filter(|(_, used)| **used)
        .map(|(c, _)| c);
    let half_transpositions = a_matches
        .iter()
        .zip(b_matches)
        .filter(|(x, y)| x != y)
        .count();
    let m = m as f64;
    let t = (half_transpositions / 2) as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0;
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `to_base32(bin)`: RFC 4648 base 32 with `=` padding (Spark 4.3); a string argument is its
/// UTF-8 bytes.
fn to_base32() -> ColumnFn {
    ColumnFn::new(
        "to_base32",
        |t| fixed(t, &[DataType::Binary], 1),
        |_| Ok(DataType::Utf8),
        |args| {
            let bin = args[0].as_binary::<i32>();
            let out: StringArray = bin.iter().map(|v| v.map(base32_encode)).collect();
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        // 8 bits per byte, 5 per character, rounded up.
        let chars = (chunk.len() * 8).div_ceil(5);
        for k in 0..8 {
            if k < chars {
                let index = (bits >> (35 - 5 * k)) & 0x1f;
                out.push(char::from(BASE32[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `from_base32(str)`: the bytes of an RFC 4648 base 32 string (padding optional, letters of
/// either case); text that is not base 32 is an error naming the function.
fn from_base32() -> ColumnFn {
    ColumnFn::new(
        "from_base32",
        |t| fixed(t, &[DataType::Utf8], 1),
        |_| Ok(DataType::Binary),
        |args| {
            let text = args[0].as_string::<i32>();
            let out = text
                .iter()
                .map(|v| v.map(base32_decode).transpose())
                .collect::<DfResult<BinaryArray>>()?;
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

fn base32_decode(text: &str) -> DfResult<Vec<u8>> {
    let body = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(body.len() * 5 / 8);
    let (mut bits, mut count) = (0u64, 0u32);
    for c in body.chars() {
        let upper = c.to_ascii_uppercase();
        let value = BASE32
            .iter()
            .position(|b| char::from(*b) == upper)
            .ok_or_else(|| {
                exec_err(format!(
                    "from_base32: '{text}' is not base 32 (character '{c}')"
                ))
            })?;
        bits = (bits << 5) | value as u64;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push(((bits >> count) & 0xff) as u8);
        }
    }
    Ok(out)
}

/// The words of one sentence as Java's word `BreakIterator` gives them to Spark's `sentences`:
/// Unicode word segments (UAX #29) that start with a letter or digit, with a run of segments
/// with nothing between them (an ideographic run) one word, `a-b` one word, and a number after
/// a currency sign (`$5`) not a word.
fn sentence_words(sentence: &str, out: &mut Vec<String>) {
    let segments: Vec<(usize, &str)> = sentence.split_word_bound_indices().collect();
    let is_word = |s: &str| s.chars().next().is_some_and(char::is_alphanumeric);
    let is_currency = |s: &str| {
        let mut chars = s.chars();
        matches!((chars.next(), chars.next()), (Some(c), None)
            if matches!(c, '$' | '¢' | '£' | '¤' | '¥' | '₠'..='⃏'))
    };
    let mut k = 0;
    while k < segments.len() {
        let (start, segment) = segments[k];
        k += 1;
        if !is_word(segment) {
            continue;
        }
        if segment.starts_with(|c: char| c.is_numeric()) && k >= 2 && is_currency(segments[k - 2].1)
        {
            continue;
        }
        let mut end = start + segment.len();
        // Adjacent word segments, or two joined by one hyphen, make one word.
        while k < segments.len() {
            let (_, next) = segments[k];
            if is_word(next) {
                end += next.len();
                k += 1;
            } else if next == "-" && segments.get(k + 1).is_some_and(|(_, w)| is_word(w)) {
                end += 1 + segments[k + 1].1.len();
                k += 2;
            } else {
                break;
            }
        }
        out.push(sentence[start..end].to_owned());
    }
}

/// `sentences(str[, lang[, country]])`: `str` split into sentences (Unicode sentence
/// boundaries, as Java's `BreakIterator`) and each into its words. The locale is accepted and,
/// as for Spark's English-like default, not needed.
fn sentences() -> ColumnFn {
    ColumnFn::new(
        "sentences",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8, DataType::Utf8], 1),
        |_| {
            Ok(DataType::List(Arc::new(Field::new(
                "element",
                string_list(),
                true,
            ))))
        },
        |args| {
            let s = args[0].as_string::<i32>();
            let mut out = ListBuilder::new(string_list_builder()).with_field(Arc::new(Field::new(
                "element",
                string_list(),
                true,
            )));
            let mut words = Vec::new();
            for i in 0..s.len() {
                if s.is_null(i) {
                    out.append_null();
                    continue;
                }
                // Java's BreakIterator does not end a sentence at a line break (UAX #29 does);
                // a line break is one byte, so a space in its place keeps every offset.
                let text = s.value(i).replace(['\n', '\r'], " ");
                for sentence in text.split_sentence_bounds() {
                    words.clear();
                    sentence_words(sentence, &mut words);
                    for w in &words {
                        out.values().values().append_value(w);
                    }
                    out.values().append(true);
                }
                out.append(true);
            }
            Ok(Arc::new(out.finish()) as ArrayRef)
        },
    )
}

pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(int_wrapper("space"));
    ctx.register_udf(int_wrapper("regexp_count"));
    for f in [
        split(),
        regexp_extract(),
        regexp_extract_all(),
        locate(),
        initcap(),
        regexp_substr(),
        regexp_instr(),
        mask(),
        format_number(),
        jaro_winkler_similarity(),
        to_base32(),
        from_base32(),
        sentences(),
    ] {
        ctx.register_udf(f.udf());
    }
    super::alias_udfs(
        ctx,
        &[
            ("regexp_like", "rlike"),
            ("regexp_like", "regexp"),
            ("starts_with", "startswith"),
            ("ends_with", "endswith"),
            ("lower", "lcase"),
            ("upper", "ucase"),
            ("format_string", "printf"),
            // Spark's `chr` is its `char` (`datafusion-spark`'s: the code point modulo 256,
            // empty for a negative one); DataFusion's failed on -1 and gave U+0100 for 256.
            ("char", "chr"),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::format_decimal_text;

    #[test]
    fn format_number_rounds_half_even_and_groups() {
        assert_eq!(format_decimal_text("1234567.891", 2), "1,234,567.89");
        assert_eq!(format_decimal_text("2.5", 0), "2");
        assert_eq!(format_decimal_text("3.5", 0), "4");
        assert_eq!(format_decimal_text("999.995", 2), "1,000.00");
        assert_eq!(format_decimal_text("-0.5", 3), "-0.500");
        assert_eq!(format_decimal_text("12", 1), "12.0");
    }
}
