//! A finished statement's result, decoded by mime type.

use std::fmt;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::protocol::{MIME_JSON, MIME_TABLE, MIME_TEXT, StatementOutput};

/// The mime type of images (`%matplot`, SparkR plots), base64-encoded.
pub const MIME_PNG: &str = "image/png";

/// A successful statement's result: the most useful of its mime types.
///
/// The order is `application/json` (the sql kind, `%json`), then `text/plain` (the REPL echo),
/// then a `%table`, then an image, then whatever else the server sent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Output {
    /// `application/json`.
    Json(Value),
    /// `text/plain`, as sent (Scala's echo ends in `\n`, Python's is right-stripped).
    Text(String),
    /// `application/vnd.livy.table.v1+json`: `{"headers": […], "data": […]}`.
    Table(Value),
    /// `image/png`, base64.
    Image(String),
    /// Another mime type.
    Other {
        /// The mime type.
        mime: String,
        /// The value.
        value: Value,
    },
    /// No data at all (a statement with nothing to show).
    Empty,
}

impl Output {
    /// Picks the result out of an `output.data` object.
    pub fn from_data(data: &Map<String, Value>) -> Output {
        if let Some(v) = data.get(MIME_JSON) {
            return Output::Json(v.clone());
        }
        if let Some(v) = data.get(MIME_TEXT) {
            return match v {
                Value::String(s) => Output::Text(s.clone()),
                other => Output::Text(other.to_string()),
            };
        }
        if let Some(v) = data.get(MIME_TABLE) {
            return Output::Table(v.clone());
        }
        if let Some(Value::String(s)) = data.get(MIME_PNG) {
            return Output::Image(s.clone());
        }
        match data.iter().next() {
            Some((mime, value)) => Output::Other {
                mime: mime.clone(),
                value: value.clone(),
            },
            None => Output::Empty,
        }
    }

    /// Decodes a statement's `output`: `Ok` for `status: ok`, [`Error::Statement`] for
    /// `status: error`.
    pub fn from_statement_output(output: &StatementOutput) -> Result<Output> {
        match output {
            StatementOutput::Ok { data, .. } => Ok(Output::from_data(data)),
            StatementOutput::Error {
                ename,
                evalue,
                traceback,
                ..
            } => Err(Error::Statement {
                ename: ename.clone(),
                evalue: evalue.clone(),
                traceback: traceback.clone(),
            }),
        }
    }

    /// The text, when the result is `text/plain`.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Output::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The JSON value, when the result is `application/json`.
    pub fn as_json(&self) -> Option<&Value> {
        match self {
            Output::Json(v) => Some(v),
            _ => None,
        }
    }

    /// The result as text: `text/plain` as is, JSON and tables as compact JSON, an image as its
    /// base64, nothing as `""`.
    pub fn to_text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Output::Text(s) | Output::Image(s) => f.write_str(s),
            Output::Json(v) | Output::Table(v) | Output::Other { value: v, .. } => {
                write!(f, "{v}")
            }
            Output::Empty => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_before_text() {
        let data = json!({"text/plain": "x", "application/json": [1]});
        let Value::Object(data) = data else {
            unreachable!()
        };
        assert_eq!(Output::from_data(&data), Output::Json(json!([1])));
        assert_eq!(Output::from_data(&Map::new()), Output::Empty);
    }
}
