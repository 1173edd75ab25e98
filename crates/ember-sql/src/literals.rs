//! Spark's string literal escapes.
//!
//! Spark SQL unescapes backslash sequences in string literals (`'a\nb'` is three characters,
//! `'\\d'` is the regular expression `\d`); the Spark dialect of `sqlparser` keeps them as
//! written. [`unescape_string_literals`] applies Spark's rules (`ParserUtils.unescapeSQLString`)
//! to every single-quoted literal of a parsed statement before it is planned.
//!
//! Not covered: `\'` inside a single-quoted literal (the tokenizer ends the literal there) and
//! octal/`\u` escapes, which are kept as written.

use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{Expr, Value, visit_expressions_mut};

/// Rewrites the single-quoted string literals of `statement` with Spark's escapes.
pub(crate) fn unescape_string_literals(statement: &mut DFStatement) {
    if let DFStatement::Statement(statement) = statement {
        let _ = visit_expressions_mut(statement.as_mut(), |expr| {
            if let Expr::Value(v) = expr
                && let Value::SingleQuotedString(s) = &mut v.value
                && s.contains('\\')
            {
                *s = unescape(s);
            }
            ControlFlow::<()>::Continue(())
        });
    }
}

/// Spark's unescaping of one literal's text.
pub(crate) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('\0'),
            Some('b') => out.push('\u{8}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('Z') => out.push('\u{1A}'),
            // LIKE wildcards stay escaped, as in Spark.
            Some(c @ ('%' | '_')) => {
                out.push('\\');
                out.push(c);
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn spark_escapes() {
        assert_eq!(unescape(r"\\d"), r"\d");
        assert_eq!(unescape(r"a\nb"), "a\nb");
        assert_eq!(unescape(r"\d"), "d");
        assert_eq!(unescape(r"100\%"), r"100\%");
        assert_eq!(unescape(r"\\"), r"\");
        assert_eq!(unescape("plain"), "plain");
    }
}
