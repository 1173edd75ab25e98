//! Splitting SQL text into statements on `;` outside quotes and comments, as spark-sql does, and
//! the few tokens the shell reads itself (`SET`, `SHOW`, `DESCRIBE`, `USING`, ``parquet.`path` ``).

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// When `c` opens a comment (`--` to the end of the line, or `/* ... */`), consumes the rest of
/// it from `chars` and says so; `c` itself is already consumed.
fn skip_comment(c: char, chars: &mut Chars<'_>) -> bool {
    match c {
        '-' if chars.peek().is_some_and(|&(_, d)| d == '-') => {
            for (_, d) in chars.by_ref() {
                if d == '\n' {
                    break;
                }
            }
            true
        }
        '/' if chars.peek().is_some_and(|&(_, d)| d == '*') => {
            chars.next();
            let mut star = false;
            for (_, d) in chars.by_ref() {
                if star && d == '/' {
                    break;
                }
                star = d == '*';
            }
            true
        }
        _ => false,
    }
}

/// Splits `text` into complete statements (each trimmed, without its `;`) and what is left after
/// the last `;` (an unfinished statement; empty or comments only when there is none).
///
/// `;` ends a statement only outside `'…'`, `"…"` (both with backslash escapes, as Spark's
/// strings), `` `…` `` identifiers, `-- …` line comments and `/* … */` comments. Statements that
/// hold only comments are dropped.
pub(crate) fn split_statements(text: &str) -> (Vec<String>, String) {
    let mut statements = Vec::new();
    let mut start = 0;
    let mut has_code = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                has_code = true;
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if d == '\\' && c != '`' {
                        escaped = true;
                    } else if d == c {
                        break;
                    }
                }
            }
            c if skip_comment(c, &mut chars) => {}
            ';' => {
                if has_code {
                    statements.push(text[start..i].trim().to_owned());
                }
                start = i + 1;
                has_code = false;
            }
            c if c.is_whitespace() => {}
            _ => has_code = true,
        }
    }
    let rest = if has_code { &text[start..] } else { "" };
    (statements, rest.trim().to_owned())
}

/// A token of a statement the shell reads itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Token {
    /// A word (keyword or plain identifier), as written.
    Word(String),
    /// A quoted string's value (`'…'` or `"…"`), backslash escapes resolved.
    Str(String),
    /// A backquoted identifier's name.
    Quoted(String),
    /// Any other character.
    Punct(char),
}

impl Token {
    /// Whether this is the word `w`, in any case.
    pub(crate) fn is(&self, w: &str) -> bool {
        matches!(self, Token::Word(s) if s.eq_ignore_ascii_case(w))
    }

    /// The name an identifier token gives (a word or a backquoted name).
    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Token::Word(s) | Token::Quoted(s) => Some(s),
            _ => None,
        }
    }
}

/// The tokens of `text` with their byte ranges; comments are skipped.
pub(crate) fn tokens(text: &str) -> Vec<(Token, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' | '"' | '`' => {
                let mut value = String::new();
                let mut escaped = false;
                let mut end = text.len();
                while let Some((j, d)) = chars.next() {
                    if escaped {
                        value.push(match d {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                        escaped = false;
                    } else if d == '\\' && c != '`' {
                        escaped = true;
                    } else if d == c {
                        // `` ` `` doubled inside a backquoted name is one backquote.
                        if c == '`' && chars.peek().is_some_and(|&(_, e)| e == '`') {
                            chars.next();
                            value.push('`');
                            continue;
                        }
                        end = j + 1;
                        break;
                    } else {
                        value.push(d);
                    }
                }
                let token = if c == '`' {
                    Token::Quoted(value)
                } else {
                    Token::Str(value)
                };
                out.push((token, i..end));
            }
            c if skip_comment(c, &mut chars) => {}
            c if c.is_whitespace() => {}
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_alphanumeric() || d == '_' {
                        end = j + d.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push((Token::Word(text[i..end].to_owned()), i..end));
            }
            c => out.push((Token::Punct(c), i..i + c.len_utf8())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons_outside_strings_and_comments() {
        let text = "SELECT ';' AS a; -- a comment; still\nSELECT \"x;\" /* ; */, `b;c`;\n  SELECT 'it\\'s;' ;  SELECT 3";
        let (done, rest) = split_statements(text);
        assert_eq!(
            done,
            [
                "SELECT ';' AS a",
                "-- a comment; still\nSELECT \"x;\" /* ; */, `b;c`",
                "SELECT 'it\\'s;'",
            ]
        );
        assert_eq!(rest, "SELECT 3");
    }

    #[test]
    fn comments_alone_are_no_statement() {
        let (done, rest) = split_statements("-- nothing;\n/* here; */ ; ;\n-- tail");
        assert!(done.is_empty(), "{done:?}");
        assert_eq!(rest, "");
        let (done, rest) = split_statements("SELECT 1;\n  ");
        assert_eq!(done, ["SELECT 1"]);
        assert_eq!(rest, "");
    }

    #[test]
    fn an_open_string_keeps_the_statement_open() {
        let (done, rest) = split_statements("SELECT 'a;\nb';SELECT 'c;");
        assert_eq!(done, ["SELECT 'a;\nb'"]);
        assert_eq!(rest, "SELECT 'c;");
    }

    #[test]
    fn tokens_resolve_quotes() {
        let t: Vec<Token> = tokens("SELECT * FROM parquet.`/a``b` -- x\n WHERE s = 'it\\'s'")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(
            t,
            [
                Token::Word("SELECT".into()),
                Token::Punct('*'),
                Token::Word("FROM".into()),
                Token::Word("parquet".into()),
                Token::Punct('.'),
                Token::Quoted("/a`b".into()),
                Token::Word("WHERE".into()),
                Token::Word("s".into()),
                Token::Punct('='),
                Token::Str("it's".into()),
            ]
        );
    }
}
