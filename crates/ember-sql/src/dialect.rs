//! [`EmberSpark`]: Spark's SQL dialect as Ember tokenizes and parses it. sqlparser's
//! `SparkSqlDialect`, plus what Spark's lexer and grammar have and it lacks:
//! - backslash escapes in string literals, which the tokenizer keeps as written for
//!   `literals.rs` to apply Spark's rules (so `'it\'s'` is one literal);
//! - Spark 4's shift operators: `a << b` (`shiftleft`), `a >> b` (`shiftright`) and `a >>> b`
//!   (`shiftrightunsigned`), binding tighter than `&`, `^` and `|` and looser than `+` and `-`,
//!   as Spark's grammar has them.

use std::any::TypeId;

use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList,
    FunctionArguments, Ident, ObjectName, ObjectNamePart,
};
use datafusion::sql::sqlparser::dialect::{Dialect, Precedence, SparkSqlDialect};
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::parser::{Parser, ParserError};
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

/// The precedence of Spark's shift operators: between `&` (23) and `+`/`-` (30) in sqlparser's
/// scale.
const SHIFT_PRECEDENCE: u8 = 25;

/// `SparkSqlDialect` with Spark's shift operators. It reports itself as `SparkSqlDialect`, so
/// every check sqlparser and DataFusion make for Spark holds for it.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct EmberSpark;

impl Dialect for EmberSpark {
    fn dialect(&self) -> TypeId {
        TypeId::of::<SparkSqlDialect>()
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        SparkSqlDialect.is_delimited_identifier_start(ch)
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        SparkSqlDialect.is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        SparkSqlDialect.is_identifier_part(ch)
    }

    fn supports_filter_during_aggregation(&self) -> bool {
        SparkSqlDialect.supports_filter_during_aggregation()
    }

    fn supports_group_by_expr(&self) -> bool {
        SparkSqlDialect.supports_group_by_expr()
    }

    fn supports_group_by_with_modifier(&self) -> bool {
        SparkSqlDialect.supports_group_by_with_modifier()
    }

    fn supports_lambda_functions(&self) -> bool {
        SparkSqlDialect.supports_lambda_functions()
    }

    fn supports_select_wildcard_except(&self) -> bool {
        SparkSqlDialect.supports_select_wildcard_except()
    }

    fn supports_struct_literal(&self) -> bool {
        SparkSqlDialect.supports_struct_literal()
    }

    fn supports_nested_comments(&self) -> bool {
        SparkSqlDialect.supports_nested_comments()
    }

    fn supports_create_table_using(&self) -> bool {
        SparkSqlDialect.supports_create_table_using()
    }

    fn supports_long_type_as_bigint(&self) -> bool {
        SparkSqlDialect.supports_long_type_as_bigint()
    }

    fn supports_values_as_table_factor(&self) -> bool {
        SparkSqlDialect.supports_values_as_table_factor()
    }

    fn require_interval_qualifier(&self) -> bool {
        SparkSqlDialect.require_interval_qualifier()
    }

    fn supports_bang_not_operator(&self) -> bool {
        SparkSqlDialect.supports_bang_not_operator()
    }

    fn supports_select_item_multi_column_alias(&self) -> bool {
        SparkSqlDialect.supports_select_item_multi_column_alias()
    }

    fn supports_cte_without_as(&self) -> bool {
        SparkSqlDialect.supports_cte_without_as()
    }

    fn supports_map_literal_with_angle_brackets(&self) -> bool {
        SparkSqlDialect.supports_map_literal_with_angle_brackets()
    }

    fn supports_string_literal_backslash_escape(&self) -> bool {
        true
    }

    fn get_next_precedence(&self, parser: &Parser<'_>) -> Option<Result<u8, ParserError>> {
        matches!(
            parser.peek_token_ref().token,
            Token::ShiftLeft | Token::ShiftRight
        )
        .then_some(Ok(SHIFT_PRECEDENCE))
    }

    fn parse_infix(
        &self,
        parser: &mut Parser<'_>,
        expr: &Expr,
        precedence: u8,
    ) -> Option<Result<Expr, ParserError>> {
        let shift = match parser.peek_token_ref().token {
            Token::ShiftLeft => Shift::Left,
            Token::ShiftRight => {
                let first = parser.peek_token_ref().span;
                let next = parser.peek_nth_token(1);
                if next.token == Token::Gt && next.span.start == first.end {
                    Shift::RightUnsigned
                } else {
                    Shift::Right
                }
            }
            // `a DIV b` binds as `*` and `/` do, to the left (`age DIV 10 * 10` is
            // `(age DIV 10) * 10`); sqlparser's Spark dialect read all that follows as `b`.
            Token::Word(ref w) if w.keyword == Keyword::DIV => {
                parser.next_token();
                let right = match parser.parse_subexpr(self.prec_value(Precedence::MulDivModOp)) {
                    Ok(right) => right,
                    Err(e) => return Some(Err(e)),
                };
                return Some(Ok(Expr::BinaryOp {
                    left: Box::new(expr.clone()),
                    op: datafusion::sql::sqlparser::ast::BinaryOperator::MyIntegerDivide,
                    right: Box::new(right),
                }));
            }
            // The rest, as Spark's dialect parses them.
            _ => return SparkSqlDialect.parse_infix(parser, expr, precedence),
        };
        parser.next_token();
        if shift == Shift::RightUnsigned {
            parser.next_token();
        }
        let right = match parser.parse_subexpr(SHIFT_PRECEDENCE) {
            Ok(right) => right,
            Err(e) => return Some(Err(e)),
        };
        let (left, right) = (Box::new(expr.clone()), Box::new(right));
        Some(Ok(match shift {
            Shift::Left => Expr::BinaryOp {
                left,
                op: BinaryOperator::PGBitwiseShiftLeft,
                right,
            },
            Shift::Right => Expr::BinaryOp {
                left,
                op: BinaryOperator::PGBitwiseShiftRight,
                right,
            },
            Shift::RightUnsigned => call(
                Ident::with_quote(OPERATOR_QUOTE, "shiftrightunsigned"),
                *left,
                *right,
            ),
        }))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shift {
    Left,
    Right,
    RightUnsigned,
}

/// How the call `a >>> b` is read as quotes its name (`` `shiftrightunsigned`(a, b) ``), which
/// a call the user wrote does not: the function is the same, but Spark names the result
/// column `(a >>> b)` (`naming.rs`).
pub(crate) const OPERATOR_QUOTE: char = '`';

/// `name(a, b)`.
pub(crate) fn call(name: Ident, a: Expr, b: Expr) -> Expr {
    let arg = |e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e));
    Expr::Function(Function {
        name: ObjectName(vec![ObjectNamePart::Identifier(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![arg(a), arg(b)],
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// How many of Spark's query forms one statement may have rewritten ([`spark_query_forms`]):
/// each is one pass over the statement, so the bound keeps a hostile statement linear.
const MAX_QUERY_FORMS: usize = 64;

/// `tokens` with the forms of a query Spark's grammar has and sqlparser's lacks rewritten to
/// the `SELECT` they mean; `None` if there is none. Used only on a statement that did not parse.
/// - `TABLE t` is `SELECT * FROM t` (its `ORDER BY`/`LIMIT` follow as they are; where sqlparser
///   reads `TABLE t` itself, `shapes.rs` rewrites it);
/// - Hive's FROM-first query, `FROM items SELECT list rest`, is `SELECT list FROM items rest`,
///   and `FROM items` alone is `SELECT * FROM items`;
/// - `FROM VALUES rows AS t(c) PIVOT (...)` (or `UNPIVOT`): sqlparser reads a PIVOT after a
///   derived table only, so the rows are put in parentheses: `FROM (VALUES rows) AS t(c) PIVOT`.
///
/// A form starts a query: the statement's first word, or the first after `(` or a set
/// operator.
pub(crate) fn spark_query_forms(
    dialect: &dyn Dialect,
    mut tokens: Vec<TokenWithSpan>,
) -> Option<Vec<TokenWithSpan>> {
    let mut changed = false;
    for _ in 0..MAX_QUERY_FORMS {
        match one_query_form(dialect, &tokens) {
            Some(rewritten) => {
                tokens = rewritten;
                changed = true;
            }
            None => break,
        }
    }
    changed.then_some(tokens)
}

/// The words that may follow a `LATERAL VIEW`'s name and end the `FROM` clause; sqlparser reads
/// any word there but a few as the view's column alias (`... LATERAL VIEW explode(a) t ORDER
/// BY x` failed at `BY`).
const AFTER_LATERAL_VIEW: [&str; 11] = [
    "ORDER",
    "LIMIT",
    "OFFSET",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "MINUS",
    "WINDOW",
    "QUALIFY",
    "SORT",
    "DISTRIBUTE",
];

/// `tokens` with `WHERE true` written between a `LATERAL VIEW`'s name (with no column alias) and
/// a following clause of [`AFTER_LATERAL_VIEW`], where Spark's grammar ends the view and
/// sqlparser's would take the clause's word as the alias; `None` if there is none. One parser
/// walks the statement once. Used only on a statement that did not parse.
pub(crate) fn lateral_view_ends(
    dialect: &dyn Dialect,
    tokens: Vec<TokenWithSpan>,
) -> Option<Vec<TokenWithSpan>> {
    let significant = |t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    let mut parser = Parser::new(dialect).with_tokens_with_locations(tokens.clone());
    let mut ends = Vec::new();
    for i in 0..tokens.len() {
        if !is_word(&tokens[i].token, "LATERAL") || parser.index() > i {
            continue;
        }
        let next = tokens[i + 1..].iter().find(|t| significant(t));
        if !next.is_some_and(|t| is_word(&t.token, "VIEW")) {
            continue;
        }
        while parser.index() <= i {
            parser.next_token();
        }
        parser.next_token(); // VIEW
        let _ = parser.parse_keyword(Keyword::OUTER);
        if parser.parse_expr().is_err() || parser.parse_identifier().is_err() {
            continue;
        }
        let end = parser.index();
        if let Token::Word(w) = &parser.peek_token().token
            && w.quote_style.is_none()
            && AFTER_LATERAL_VIEW
                .iter()
                .any(|k| w.value.eq_ignore_ascii_case(k))
        {
            ends.push(end);
        }
    }
    if ends.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(tokens.len() + 4 * ends.len());
    for (i, token) in tokens.into_iter().enumerate() {
        if ends.contains(&i) {
            out.extend([space(), word_token("WHERE"), space(), word_token("true")]);
        }
        out.push(token);
    }
    Some(out)
}

fn is_word(token: &Token, w: &str) -> bool {
    matches!(token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
}

fn word_token(w: &str) -> TokenWithSpan {
    TokenWithSpan::wrap(Token::make_keyword(w))
}

fn space() -> TokenWithSpan {
    TokenWithSpan::wrap(Token::Whitespace(Whitespace::Space))
}

/// The first of [`spark_query_forms`]'s forms in `tokens`, rewritten.
fn one_query_form(dialect: &dyn Dialect, tokens: &[TokenWithSpan]) -> Option<Vec<TokenWithSpan>> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let splice = |parts: Vec<&[TokenWithSpan]>| parts.concat();
    for (k, &i) in significant.iter().enumerate() {
        let token = &tokens[i].token;
        let previous = k.checked_sub(1).map(|p| &tokens[significant[p]].token);
        let next = significant.get(k + 1).map(|&j| &tokens[j].token);
        let starts_query = match previous {
            None | Some(Token::LParen) => true,
            Some(p) => ["UNION", "INTERSECT", "EXCEPT", "MINUS", "ALL", "DISTINCT"]
                .iter()
                .any(|w| is_word(p, w)),
        };
        // After `)` too: `WITH c AS (...) TABLE c ORDER BY x` (sqlparser reads `TABLE c` only
        // where nothing follows it).
        let after_cte = matches!(previous, Some(Token::RParen));
        if (starts_query || after_cte)
            && is_word(token, "TABLE")
            && matches!(next, Some(Token::Word(_)))
        {
            let select = [
                word_token("SELECT"),
                space(),
                TokenWithSpan::wrap(Token::Mul),
                space(),
                word_token("FROM"),
            ];
            return Some(splice(vec![&tokens[..i], &select, &tokens[i + 1..]]));
        }
        if starts_query && is_word(token, "FROM") {
            // The FROM items end at SELECT, or where the query ends, outside parentheses.
            let mut depth = 0_usize;
            let mut end = tokens.len();
            for &j in &significant[k + 1..] {
                match &tokens[j].token {
                    Token::LParen => depth += 1,
                    Token::RParen if depth == 0 => {
                        end = j;
                        break;
                    }
                    Token::RParen => depth -= 1,
                    Token::SemiColon if depth == 0 => {
                        end = j;
                        break;
                    }
                    t if depth == 0
                        && ["SELECT", "UNION", "INTERSECT", "EXCEPT", "MINUS"]
                            .iter()
                            .any(|w| is_word(t, w)) =>
                    {
                        end = j;
                        break;
                    }
                    _ => {}
                }
            }
            if end == tokens.len() {
                end = tokens
                    .iter()
                    .rposition(|t| !matches!(t.token, Token::EOF))
                    .map_or(0, |p| p + 1);
            }
            if significant[k + 1..].first().is_none_or(|&j| j >= end) {
                return None;
            }
            let items = &tokens[i..end];
            if !tokens.get(end).is_some_and(|t| is_word(&t.token, "SELECT")) {
                let select = [
                    word_token("SELECT"),
                    space(),
                    TokenWithSpan::wrap(Token::Mul),
                    space(),
                ];
                return Some(splice(vec![
                    &tokens[..i],
                    &select,
                    items,
                    &[space()],
                    &tokens[end..],
                ]));
            }
            let mut parser = Parser::new(dialect).with_tokens_with_locations(tokens.to_vec());
            while parser.index() <= end {
                parser.next_token();
            }
            parser.parse_all_or_distinct().ok()?;
            parser.parse_projection().ok()?;
            let list_end = parser.index();
            return Some(splice(vec![
                &tokens[..i],
                &tokens[end..list_end],
                &[space()],
                items,
                &[space()],
                &tokens[list_end..],
            ]));
        }
        let from_item = previous.is_some_and(|p| is_word(p, "FROM") || is_word(p, "JOIN"))
            || matches!(previous, Some(Token::Comma));
        if from_item && is_word(token, "VALUES") && matches!(next, Some(Token::LParen)) {
            let mut parser = Parser::new(dialect).with_tokens_with_locations(tokens.to_vec());
            while parser.index() <= i {
                parser.next_token();
            }
            parser.parse_values(false, false).ok()?;
            let rows_end = parser.index();
            parser.maybe_parse_table_alias().ok()?;
            if !(parser.peek_keyword(Keyword::PIVOT) || parser.peek_keyword(Keyword::UNPIVOT)) {
                continue;
            }
            return Some(splice(vec![
                &tokens[..i],
                &[TokenWithSpan::wrap(Token::LParen)],
                &tokens[i..rows_end],
                &[TokenWithSpan::wrap(Token::RParen)],
                &tokens[rows_end..],
            ]));
        }
    }
    None
}
