//! Spark's string literal escapes.
//!
//! Spark SQL unescapes backslash sequences in string literals (`'a\nb'` is three characters,
//! `'\\d'` is the regular expression `\d`); the Spark dialect of `sqlparser` keeps them as
//! written. [`unescape_string_literals`] applies Spark's rules (`ParserUtils.unescapeSQLString`)
//! to every single-quoted literal of a parsed statement before it is planned.
//!
//! The Spark dialect's tokenizer knows no backslash escapes, so it would end `'it\'s'` at the
//! `\'`; [`tokenize_spark`] tokenizes with backslash escapes on but kept as written, so that
//! [`unescape_string_literals`] sees them all. Not covered: octal/`\u` escapes, which are kept
//! as written.

use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::{Expr, Value, visit_expressions_mut};
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, TokenizerError};

/// Tokenizes `sql` for the Spark dialect with string literals' backslash escapes kept as
/// written (`'it\'s'` is one literal, `it\'s`) for [`unescape_string_literals`]; a doubled
/// quote inside a literal is one quote, as the tokenizer makes it otherwise.
pub(crate) fn tokenize_spark(sql: &str) -> Result<Vec<TokenWithSpan>, TokenizerError> {
    let raw = Tokenizer::new(&crate::dialect::EmberSpark, sql)
        .with_unescape(false)
        .tokenize_with_location()?;
    // `!!x` is two prefix `!`s, which the tokenizer reads as one token.
    let mut tokens = Vec::with_capacity(raw.len());
    for t in raw {
        if t.token == Token::DoubleExclamationMark {
            tokens.push(TokenWithSpan::new(Token::ExclamationMark, t.span));
            tokens.push(TokenWithSpan::new(Token::ExclamationMark, t.span));
        } else {
            tokens.push(t);
        }
    }
    // Whether the last token that is not whitespace ends an operand (then a `!` after it is
    // infix, which Spark 4 refuses).
    let mut after_operand = false;
    for t in &mut tokens {
        let ends_operand = match &t.token {
            Token::Whitespace(_) => after_operand,
            Token::Word(w) => {
                w.quote_style.is_some()
                    || matches!(
                        w.keyword,
                        Keyword::NoKeyword
                            | Keyword::NULL
                            | Keyword::TRUE
                            | Keyword::FALSE
                            | Keyword::END
                    )
            }
            Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::DoubleQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::RParen
            | Token::RBracket => true,
            _ => false,
        };
        match &mut t.token {
            // Spark's lexer reads a prefix `!` as `NOT` (`!true`, `WHERE !(a > 1)`); after an
            // operand (`a ! IN (...)`) Spark 4 refuses it, and so does the parser here.
            Token::ExclamationMark if !after_operand => t.token = Token::make_keyword("NOT"),
            Token::SingleQuotedString(s) | Token::NationalStringLiteral(s) => {
                *s = undouble_quotes(s, '\'');
            }
            Token::DoubleQuotedString(s) => *s = undouble_quotes(s, '"'),
            _ => {}
        }
        after_operand = ends_operand;
    }
    Ok(tokens)
}

/// A literal's text as written, with each doubled `quote` made one; backslash escapes are kept.
fn undouble_quotes(raw: &str, quote: char) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else if c == quote && chars.peek() == Some(&quote) {
            chars.next();
        }
    }
    out
}

/// Rewrites the single-quoted string literals of `statement` with Spark's escapes.
pub(crate) fn unescape_string_literals(statement: &mut DFStatement) {
    if let Some(statement) = crate::planning::sql_statement_mut(statement) {
        let _ = visit_expressions_mut(statement, |expr| {
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
    use datafusion::sql::sqlparser::tokenizer::{Token, TokenizerError};

    use super::{tokenize_spark, unescape};

    #[test]
    fn backslash_quote_stays_in_the_literal() -> Result<(), TokenizerError> {
        let tokens = tokenize_spark(r#"SELECT 'it\'s', 'a''b', 'c:\\', "x""y""#)?;
        let strings: Vec<_> = tokens
            .iter()
            .filter_map(|t| match &t.token {
                Token::SingleQuotedString(s) | Token::DoubleQuotedString(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(strings, [r"it\'s", "a'b", r"c:\\", "x\"y"]);
        assert_eq!(unescape(strings[0]), "it's");
        Ok(())
    }

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
