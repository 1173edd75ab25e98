//! Spark's `encode(str, charset)` (a `STRING` to the `BINARY` of its characters in `charset`)
//! and `decode(bin, charset)` (the other way), for the charsets Spark 4 takes: `UTF-8`,
//! `US-ASCII`, `ISO-8859-1`, `UTF-16BE`, `UTF-16LE`, `UTF-16` (big-endian, a byte-order mark
//! first; read by its mark) and `UTF-32` (big-endian), named in any case. Another name is
//! `[INVALID_PARAMETER_VALUE.CHARSET]`; a character the charset cannot hold, or bytes that are
//! not text in it, `[MALFORMED_CHARACTER_CODING]` (Spark 4 reports them, as Java's coders do
//! when told to). DataFusion's `encode`/`decode` (`base64`, `hex`) are not Spark's and are
//! replaced. `decode(expr, search, result, ...)` (Spark's `CASE` form) is rewritten before
//! planning (`shapes.rs`).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, BinaryArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::Result as DfResult;
use datafusion::prelude::SessionContext;

use super::{ColumnFn, exec_err, fixed};

/// Spark's charsets, as its error message lists them.
const CHARSETS: [&str; 7] = [
    "iso-8859-1",
    "us-ascii",
    "utf-16",
    "utf-16be",
    "utf-16le",
    "utf-32",
    "utf-8",
];

/// The charset `name` names, or Spark's error for `function`.
fn charset(name: &str, function: &str) -> DfResult<&'static str> {
    let lower = name.to_ascii_lowercase();
    CHARSETS
        .iter()
        .find(|c| **c == lower)
        .copied()
        .ok_or_else(|| {
            exec_err(format!(
                "[INVALID_PARAMETER_VALUE.CHARSET] The value of parameter(s) `charset` in \
                 `{function}` is invalid: expects one of the {}, but got {name}.",
                CHARSETS.join(", ")
            ))
        })
}

fn malformed(function: &str, charset: &str) -> datafusion::error::DataFusionError {
    exec_err(format!(
        "[MALFORMED_CHARACTER_CODING] Invalid value found when performing `{function}` with {}",
        charset.to_ascii_uppercase()
    ))
}

/// `text` in `charset` (one of [`CHARSETS`]).
fn encoded(text: &str, charset: &'static str) -> DfResult<Vec<u8>> {
    let units = |big: bool| -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    };
    Ok(match charset {
        "utf-8" => text.as_bytes().to_vec(),
        "us-ascii" | "iso-8859-1" => {
            let limit = if charset == "us-ascii" { 0x7f } else { 0xff };
            text.chars()
                .map(|c| {
                    u8::try_from(u32::from(c))
                        .ok()
                        .filter(|b| u32::from(*b) <= limit)
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| malformed("encode", charset))?
        }
        "utf-16be" => units(true),
        "utf-16le" => units(false),
        "utf-16" => [vec![0xfe, 0xff], units(true)].concat(),
        _ => text
            .chars()
            .flat_map(|c| u32::from(c).to_be_bytes())
            .collect(),
    })
}

/// The text `bytes` are in `charset`.
fn decoded(bytes: &[u8], charset: &'static str) -> DfResult<String> {
    let fail = || malformed("decode", charset);
    let utf16 = |bytes: &[u8], big: bool| -> DfResult<String> {
        if !bytes.len().is_multiple_of(2) {
            return Err(fail());
        }
        let units = bytes.chunks_exact(2).map(|p| {
            let pair = [p[0], p[1]];
            if big {
                u16::from_be_bytes(pair)
            } else {
                u16::from_le_bytes(pair)
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|_| fail())
    };
    match charset {
        "utf-8" => String::from_utf8(bytes.to_vec()).map_err(|_| fail()),
        "us-ascii" if !bytes.is_ascii() => Err(fail()),
        "us-ascii" | "iso-8859-1" => Ok(bytes.iter().map(|b| char::from(*b)).collect()),
        "utf-16be" => utf16(bytes, true),
        "utf-16le" => utf16(bytes, false),
        "utf-16" => match bytes {
            [0xfe, 0xff, rest @ ..] => utf16(rest, true),
            [0xff, 0xfe, rest @ ..] => utf16(rest, false),
            _ => utf16(bytes, true),
        },
        _ => {
            if !bytes.len().is_multiple_of(4) {
                return Err(fail());
            }
            bytes
                .chunks_exact(4)
                .map(|q| char::from_u32(u32::from_be_bytes([q[0], q[1], q[2], q[3]])))
                .collect::<Option<String>>()
                .ok_or_else(fail)
        }
    }
}

/// `encode(str, charset)`.
fn encode() -> ColumnFn {
    ColumnFn::new(
        "encode",
        |t| fixed(t, &[DataType::Utf8, DataType::Utf8], 2),
        |_| Ok(DataType::Binary),
        |args| {
            let (text, names) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
            let out = text
                .iter()
                .zip(names.iter())
                .map(|(t, n)| match (t, n) {
                    (Some(t), Some(n)) => encoded(t, charset(n, "encode")?).map(Some),
                    _ => Ok(None),
                })
                .collect::<DfResult<BinaryArray>>()?;
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// `decode(bin, charset)`.
fn decode() -> ColumnFn {
    ColumnFn::new(
        "decode",
        |t| fixed(t, &[DataType::Binary, DataType::Utf8], 2),
        |_| Ok(DataType::Utf8),
        |args| {
            let (bytes, names) = (args[0].as_binary::<i32>(), args[1].as_string::<i32>());
            let out = bytes
                .iter()
                .zip(names.iter())
                .map(|(b, n)| match (b, n) {
                    (Some(b), Some(n)) => decoded(b, charset(n, "decode")?).map(Some),
                    _ => Ok(None),
                })
                .collect::<DfResult<StringArray>>()?;
            Ok(Arc::new(out) as ArrayRef)
        },
    )
}

/// Registers `encode` and `decode` in place of DataFusion's.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(encode().udf());
    ctx.register_udf(decode().udf());
}

#[cfg(test)]
mod tests {
    use super::{decoded, encoded};

    #[test]
    fn each_charset_reads_back_what_it_writes() {
        for charset in super::CHARSETS {
            let text = if charset == "us-ascii" { "abc" } else { "aé" };
            let bytes = encoded(text, charset).unwrap();
            assert_eq!(decoded(&bytes, charset).unwrap(), text, "{charset}");
        }
        assert_eq!(
            encoded("é", "utf-16").unwrap(),
            vec![0xfe, 0xff, 0x00, 0xe9]
        );
        assert_eq!(decoded(&[0xff, 0xfe, 0xe9, 0x00], "utf-16").unwrap(), "é");
        assert!(encoded("é", "us-ascii").is_err());
        assert!(decoded(&[0xff], "utf-8").is_err());
        assert!(decoded(&[0x00], "utf-16be").is_err());
        assert!(decoded(&[0xd8, 0x00], "utf-16be").is_err());
    }
}
