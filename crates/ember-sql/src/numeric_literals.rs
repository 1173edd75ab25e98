//! Spark's types for numeric literals.
//!
//! Spark types a numeric literal from its text: `1` is `INT` (`BIGINT` when it does not fit),
//! `1Y`/`1S`/`1L` are `TINYINT`/`SMALLINT`/`BIGINT`, `2.5` is `DECIMAL(2, 1)`, `1e2` and `2.5D`
//! are `DOUBLE`, `1.5F` is `FLOAT` and `2.5BD` is a `DECIMAL`. DataFusion's planner makes every
//! integer a `BIGINT` and every other number a `DOUBLE` (or, with
//! `sql_parser.parse_float_as_decimal`, a `DECIMAL` for `1e2` too, and never a `DOUBLE`), and has
//! no hook for literals. Ember types them in three steps, each where the information it needs
//! still exists:
//!
//! 1. **Tokens** ([`parse_statement`]): the tokenizer reads `1Y` as the number `1` followed by the
//!    word `Y` (so `SELECT 1Y` was `1 AS Y`). A number followed, with no space between, by one of
//!    Spark's suffixes becomes one number token with the suffix in its text.
//! 2. **Syntax tree** ([`mark_numeric_literals`]): every number whose Spark type is not what
//!    DataFusion's planner gives it (suffixed, decimal, exponent, beyond `BIGINT`) is wrapped in a
//!    call to the internal function [`SPARK_LITERAL`]`(<number>, '<text>')`. Its type is Spark's,
//!    computed from the text, so everything planned above it sees the right type; its name is the
//!    number's own (`Float64(2.5)`), so column names do not change (a suffixed number, which
//!    used to be a number and an alias, is named like its literal: `1Y` is `Int8(1)`).
//! 3. **Plan** ([`spark_literal_types`]): before type coercion, each marker becomes the literal
//!    its text denotes (exactly: `0.1` is the decimal 0.1, never a rounded double), and each
//!    `BIGINT` literal that fits in 32 bits becomes an `INT`. Plain integers are typed here, not in
//!    the syntax tree, because the planner reads some of them as positions or counts
//!    (`ORDER BY 1`, `LIMIT 10`, window frame bounds, `INTERVAL 1 DAY`); by now those have left
//!    the expressions. `count(1)`/`count(*)` keep their `BIGINT` literal (DataFusion recognises
//!    `count(*)` by it), and `LIMIT`/`OFFSET` keep theirs. Names are preserved the way
//!    DataFusion's type coercion preserves them: an alias with the old name where it changed.
//!
//! Decimal arithmetic then follows DataFusion's precision rules, which are Spark's for `+`, `-`,
//! `*` and `CASE`; see the crate docs for where they differ.

use std::ops::ControlFlow;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType as ArrowType, Field, FieldRef};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{DataFusionError, Result as DfResult, ScalarValue};
use datafusion::execution::SessionState;
use datafusion::logical_expr::expr::{ScalarFunction, WindowFunctionDefinition};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::{DFParserBuilder, Statement as DFStatement};
use datafusion::sql::sqlparser::ast::{
    CastKind, DataType as SqlDataType, Expr as SqlExpr, Function, FunctionArg, FunctionArgExpr,
    FunctionArgumentList, FunctionArguments, Ident, NamedWindowDefinition, NamedWindowExpr,
    ObjectName, Query, SetExpr, UnaryOperator, Value, ValueWithSpan, VisitMut, VisitorMut,
    WindowFrame, WindowSpec, WindowType,
};
use datafusion::sql::sqlparser::dialect::{Dialect, SparkSqlDialect, dialect_from_str};
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// The internal function that carries a numeric literal's text from the syntax tree to the plan.
pub(crate) const SPARK_LITERAL: &str = "__ember_spark_literal";

/// Spark's literal suffixes, longest first.
const SUFFIXES: [&str; 6] = ["BD", "L", "Y", "S", "D", "F"];

/// Parses one statement as [`SessionState::sql_to_statement`] does, with Spark's numeric
/// suffixes joined to their numbers (step 1 of the module docs).
pub(crate) fn parse_statement(state: &SessionState, sql: &str) -> DfResult<DFStatement> {
    let options = state.config().options();
    let dialect_name = options.sql_parser.dialect;
    let dialect = dialect_from_str(dialect_name)
        .ok_or_else(|| DataFusionError::Plan(format!("Unsupported SQL dialect: {dialect_name}")))?;
    let recursion_limit = options.sql_parser.recursion_limit.get();
    let tokenize = || {
        if dialect.is::<SparkSqlDialect>() {
            crate::literals::tokenize_spark(sql)
        } else {
            Tokenizer::new(dialect.as_ref(), sql).tokenize_with_location()
        }
    };
    let tokens = tokenize().map_err(|e| DataFusionError::SQL(Box::new(e.into()), None))?;
    // Spark's dialect with the shift operators it lacks (`dialect.rs`).
    let parsing: &dyn Dialect = if dialect.is::<SparkSqlDialect>() {
        &crate::dialect::EmberSpark
    } else {
        dialect.as_ref()
    };
    let parse = |tokens: Vec<TokenWithSpan>| {
        DFParserBuilder::new(tokens)
            .with_dialect(parsing)
            .with_recursion_limit(recursion_limit)
            .build()?
            .parse_statements()
    };
    let mut statements = match parse(join_suffixes(tokens)) {
        Ok(statements) => statements,
        // Only for a statement that does not parse (so the text is read again here, off the
        // path of every query): Spark's `VALUES 1, 2, 3` (rows without parentheses) is read
        // again with each row parenthesized; else the parser's message says where it stopped,
        // and this what the statement is.
        Err(e) => {
            let tokens = tokenize().unwrap_or_default();
            // Each rewrite applies to what the ones before it made; none may apply.
            let mut rewritten = join_suffixes(tokens.clone());
            let mut changed = false;
            let rewrites: [&dyn Fn(Vec<TokenWithSpan>) -> Option<Vec<TokenWithSpan>>; 5] = [
                &|t| parenthesized_values(parsing, t),
                &|t| crate::dialect::lateral_view_ends(parsing, t),
                &crate::ctes::max_recursion_levels,
                &|t| crate::dialect::spark_query_forms(parsing, t),
                &crate::interval_literals::multi_unit_intervals,
            ];
            for rewrite in rewrites {
                if let Some(tokens) = rewrite(rewritten.clone()) {
                    rewritten = tokens;
                    changed = true;
                }
            }
            let retried = changed.then(|| parse(rewritten).ok()).flatten();
            match retried {
                Some(statements) => statements,
                None => {
                    return Err(refused_syntax(&tokens).map_or(e, DataFusionError::NotImplemented));
                }
            }
        }
    };
    if statements.len() > 1 {
        return Err(DataFusionError::NotImplemented(
            "The context currently only supports a single SQL statement".to_owned(),
        ));
    }
    statements.pop_front().ok_or_else(|| {
        DataFusionError::Plan("No SQL statements were provided in the query string".to_owned())
    })
}

/// `tokens` with the rows of each `VALUES` list written without parentheses (Spark's `VALUES 1,
/// 2, 3`, a query or a `FROM` item, one column) in parentheses: `VALUES (1), (2), (3)`. Each
/// row is one expression, read by the parser; the list ends where no comma follows one (an
/// alias, `ORDER BY`, the end). `None` if there is no such list or a row does not parse.
fn parenthesized_values(
    dialect: &dyn Dialect,
    tokens: Vec<TokenWithSpan>,
) -> Option<Vec<TokenWithSpan>> {
    let significant = |t: &TokenWithSpan| !matches!(t.token, Token::Whitespace(_));
    let word = |t: Option<&TokenWithSpan>, w: &str| {
        matches!(t.map(|t| &t.token),
            Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
    };
    // One parser walks the statement once (a parser per list, or an insert per row, would make
    // a long list quadratic): the rows' token ranges, each [start, end).
    let mut parser = Parser::new(dialect).with_tokens_with_locations(tokens.clone());
    let mut rows: Vec<(usize, usize)> = Vec::new();
    for i in 0..tokens.len() {
        if !word(tokens.get(i), "VALUES") || parser.index() > i {
            continue;
        }
        let previous = tokens[..i].iter().rev().find(|t| significant(t));
        let next = tokens[i + 1..].iter().find(|t| significant(t));
        let starts_item = previous.is_none()
            || word(previous, "FROM")
            || word(previous, "JOIN")
            || previous.is_some_and(|t| t.token == Token::LParen);
        if !starts_item || !next.is_some_and(|t| !matches!(t.token, Token::LParen | Token::EOF)) {
            continue;
        }
        while parser.index() <= i {
            parser.next_token();
        }
        loop {
            let start = parser.index();
            parser.parse_expr().ok()?;
            rows.push((start, parser.index()));
            if !parser.consume_token(&Token::Comma) {
                break;
            }
        }
    }
    if rows.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(tokens.len() + 2 * rows.len());
    let mut rows = rows.into_iter().peekable();
    let mut open: Option<usize> = None;
    for (i, token) in tokens.into_iter().enumerate() {
        if open == Some(i) {
            out.push(TokenWithSpan::wrap(Token::RParen));
            open = None;
        }
        if let Some(&(start, end)) = rows.peek()
            && start == i
        {
            out.push(TokenWithSpan::wrap(Token::LParen));
            open = Some(end);
            rows.next();
        }
        out.push(token);
    }
    if open.is_some() {
        out.push(TokenWithSpan::wrap(Token::RParen));
    }
    Some(out)
}

/// What a statement that did not parse was written in, when that is a construct of Spark's
/// grammar Ember does not have: the message naming it, which replaces the parser's
/// `Expected: …, found: …`. `None` for anything else (the parser's message stands).
fn refused_syntax(tokens: &[TokenWithSpan]) -> Option<String> {
    let toks: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let word = |i: usize, w: &str| {
        matches!(toks.get(i).map(|t| &t.token),
            Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
    };
    let is = |i: usize, token: Token| toks.get(i).is_some_and(|t| t.token == token);
    for i in 0..toks.len() {
        let pipe = is(i, Token::VerticalBarRightAngleBracket)
            || (is(i, Token::Pipe)
                && is(i + 1, Token::Gt)
                && toks[i].span.end == toks[i + 1].span.start);
        if pipe {
            return Some(
                "Spark's SQL pipe syntax (FROM t |> WHERE …) is not supported by Ember; write the query with SELECT … FROM … WHERE …"
                    .to_owned(),
            );
        }
        if word(i, "SELECT") && word(i + 1, "TRANSFORM") && is(i + 2, Token::LParen) {
            let mut depth = 0_usize;
            let close = (i + 2..toks.len()).find(|&j| {
                match toks[j].token {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    _ => {}
                }
                depth == 0
            });
            if close.is_some_and(|j| word(j + 1, "USING") || word(j + 1, "ROW")) {
                return Some(
                    "SELECT TRANSFORM (…) USING '…' (Hive's script transform) runs an external program on the rows: Ember does not run programs from SQL"
                        .to_owned(),
                );
            }
        }
        // As a query or a FROM item (`values` may also name a column).
        let starts_item =
            i == 0 || word(i - 1, "FROM") || word(i - 1, "JOIN") || is(i - 1, Token::LParen);
        if word(i, "VALUES")
            && starts_item
            && i + 1 < toks.len()
            && !is(i + 1, Token::LParen)
            && !is(i + 1, Token::EOF)
        {
            return Some(
                "VALUES rows without parentheses (VALUES 1, 2, 3) could not be read here (each row is one expression, the list ends with its alias); write each row in parentheses: VALUES (1), (2), (3)"
                    .to_owned(),
            );
        }
    }
    None
}

/// `1` `Y` → `1Y` when the word follows the number with nothing between them.
pub(crate) fn join_suffixes(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    for token in tokens {
        if let Token::Word(word) = &token.token
            && word.quote_style.is_none()
            && SUFFIXES.iter().any(|s| word.value.eq_ignore_ascii_case(s))
            && let Some(prev) = out.last_mut()
            && let Token::Number(number, false) = &mut prev.token
            && prev.span.end == token.span.start
        {
            number.push_str(&word.value.to_ascii_uppercase());
            prev.span.end = token.span.end;
            continue;
        }
        out.push(token);
    }
    out
}

/// Wraps the numbers of `statement` whose Spark type DataFusion would not give them in the
/// [`SPARK_LITERAL`] marker (step 2 of the module docs). Numbers inside `INTERVAL` and window
/// frame bounds (`RANGE BETWEEN 1.5 PRECEDING ...`) are left alone: the planner reads them from
/// the syntax tree.
///
/// Interval literals Spark types as ANSI intervals are planned as such here too
/// (`interval_literals.rs`); a malformed one fails with Spark's reason.
pub(crate) fn mark_numeric_literals(statement: &mut DFStatement) -> DfResult<()> {
    if let Some(statement) = crate::planning::sql_statement_mut(statement)
        && let ControlFlow::Break(message) = statement.visit(&mut Marker::default())
    {
        return Err(DataFusionError::Plan(message));
    }
    Ok(())
}

/// `frame` with an interval bound written with a bare number (`RANGE BETWEEN INTERVAL 365 DAYS
/// PRECEDING ...`, Spark's form) quoted as the planner reads it (`INTERVAL '365' DAYS`).
fn quoted_interval_bounds(mut frame: WindowFrame) -> WindowFrame {
    use datafusion::sql::sqlparser::ast::WindowFrameBound;
    let quote = |bound: &mut WindowFrameBound| {
        if let WindowFrameBound::Preceding(Some(e)) | WindowFrameBound::Following(Some(e)) = bound
            && let SqlExpr::Interval(interval) = e.as_mut()
            && let SqlExpr::Value(ValueWithSpan {
                value: value @ Value::Number(..),
                ..
            }) = interval.value.as_mut()
            && let Value::Number(n, _) = value
        {
            *value = Value::SingleQuotedString(n.clone());
        }
    };
    quote(&mut frame.start_bound);
    if let Some(end) = frame.end_bound.as_mut() {
        quote(end);
    }
    frame
}

#[derive(Default)]
struct Marker {
    in_interval: usize,
    /// Window frames taken out of a window function while its children are visited.
    frames: Vec<Option<WindowFrame>>,
    /// The same for each query's named windows (`WINDOW w AS (...)`).
    named_frames: Vec<Vec<Option<WindowFrame>>>,
    /// For each query being visited, whether it is a `VALUES` list.
    values: Vec<bool>,
}

fn window_spec(expr: &mut SqlExpr) -> Option<&mut WindowSpec> {
    match expr {
        SqlExpr::Function(Function {
            over: Some(WindowType::WindowSpec(spec)),
            ..
        }) => Some(spec),
        _ => None,
    }
}

fn named_window_specs(query: &mut Query) -> Vec<&mut WindowSpec> {
    match query.body.as_mut() {
        SetExpr::Select(select) => select
            .named_window
            .iter_mut()
            .filter_map(|NamedWindowDefinition(_, w)| match w {
                NamedWindowExpr::WindowSpec(spec) => Some(spec),
                NamedWindowExpr::NamedWindow(_) => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl VisitorMut for Marker {
    /// A malformed interval literal's message.
    type Break = String;

    fn pre_visit_query(&mut self, query: &mut Query) -> ControlFlow<String> {
        self.values
            .push(matches!(query.body.as_ref(), SetExpr::Values(_)));
        let taken = named_window_specs(query)
            .into_iter()
            .map(|spec| spec.window_frame.take())
            .collect();
        self.named_frames.push(taken);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<String> {
        self.values.pop();
        let taken = self.named_frames.pop().unwrap_or_default();
        for (spec, frame) in named_window_specs(query).into_iter().zip(taken) {
            spec.window_frame = frame.map(quoted_interval_bounds);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut SqlExpr) -> ControlFlow<String> {
        if matches!(expr, SqlExpr::Interval(_)) {
            self.in_interval += 1;
        }
        if let Some(spec) = window_spec(expr) {
            self.frames.push(spec.window_frame.take());
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut SqlExpr) -> ControlFlow<String> {
        if let Some(spec) = window_spec(expr) {
            spec.window_frame = self.frames.pop().flatten().map(quoted_interval_bounds);
            return ControlFlow::Continue(());
        }
        if let SqlExpr::Interval(interval) = expr {
            self.in_interval = self.in_interval.saturating_sub(1);
            // Spark's ANSI interval literals (a window frame's are taken out above).
            match crate::interval_literals::read(interval) {
                Ok(Some(ansi)) => *expr = crate::interval_literals::literal_call(&ansi),
                Ok(None) => {}
                Err(message) => return ControlFlow::Break(message),
            }
            return ControlFlow::Continue(());
        }
        if self.in_interval > 0 {
            return ControlFlow::Continue(());
        }
        if let SqlExpr::UnaryOp {
            op: UnaryOperator::Minus,
            expr: inner,
        } = expr
            && let Some(negated) = crate::interval_literals::negated_call(inner)
        {
            *expr = negated;
            return ControlFlow::Continue(());
        }
        // In a VALUES list an INT literal is written as one: the planner unifies the rows'
        // types (`named_struct('x', 1)` beside `named_struct('x', CAST(NULL AS INT))`) with a
        // cast to what it planned, BIGINT for `1`, before Ember could give `1` its type.
        if self.values.last() == Some(&true)
            && let SqlExpr::Value(ValueWithSpan {
                value: Value::Number(text, false),
                ..
            }) = expr
            && text.bytes().all(|b| b.is_ascii_digit())
            && text.parse::<i32>().is_ok()
        {
            *expr = SqlExpr::Cast {
                kind: CastKind::Cast,
                expr: Box::new(expr.clone()),
                data_type: SqlDataType::Int(None),
                array: false,
                format: None,
            };
            return ControlFlow::Continue(());
        }
        match expr {
            SqlExpr::Value(ValueWithSpan {
                value: Value::Number(text, long),
                ..
            }) => {
                let spec = if *long {
                    format!("{text}L")
                } else {
                    text.clone()
                };
                if needs_marker(&spec) {
                    *expr = marker(&spec);
                }
            }
            // `-2.5`: the marker takes the sign, so the name stays DataFusion's `Float64(-2.5)`.
            SqlExpr::UnaryOp {
                op: UnaryOperator::Minus,
                expr: inner,
            } => {
                if let Some(spec) = marked_spec(inner)
                    && !spec.starts_with('-')
                {
                    *expr = marker(&format!("-{spec}"));
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// Whether DataFusion's planner would type this number differently from Spark in a way the plan
/// step cannot repair: anything but a plain integer that fits in `BIGINT`.
fn needs_marker(spec: &str) -> bool {
    let digits = spec.strip_prefix('-').unwrap_or(spec);
    !(digits.bytes().all(|b| b.is_ascii_digit()) && spec.parse::<i64>().is_ok())
}

/// The number as DataFusion's planner reads it (no suffix), so the marker's name is the one
/// the number had.
fn number_part(spec: &str) -> &str {
    let upper_len = SUFFIXES
        .iter()
        .find(|s| spec.len() > s.len() && spec.to_ascii_uppercase().ends_with(*s))
        .map_or(0, |s| s.len());
    &spec[..spec.len() - upper_len]
}

fn marker(spec: &str) -> SqlExpr {
    let arg = |e: SqlExpr| FunctionArg::Unnamed(FunctionArgExpr::Expr(e));
    SqlExpr::Function(Function {
        name: ObjectName::from(vec![Ident::new(SPARK_LITERAL)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: vec![
                arg(SqlExpr::value(Value::Number(
                    number_part(spec).to_owned(),
                    false,
                ))),
                arg(SqlExpr::value(Value::SingleQuotedString(spec.to_owned()))),
            ],
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    })
}

/// The text of a marker made by [`marker`].
fn marked_spec(expr: &SqlExpr) -> Option<String> {
    let SqlExpr::Function(f) = expr else {
        return None;
    };
    if f.name.to_string() != SPARK_LITERAL {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    match list.args.get(1) {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(SqlExpr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(s),
            ..
        })))) => Some(s.clone()),
        _ => None,
    }
}

/// The value a numeric literal's text denotes, typed as Spark types it (see the module docs).
///
/// Errors: a suffixed integer out of its type's range, or text that is not a number.
pub(crate) fn spark_literal(spec: &str) -> Result<ScalarValue, String> {
    let upper = spec.to_ascii_uppercase();
    let invalid = || format!("`{spec}` is not a numeric literal");
    let out_of_range = |ty: &str| format!("literal `{spec}` is out of range for {ty}");
    let (body, suffix) = SUFFIXES
        .iter()
        .find(|s| upper.len() > s.len() && upper.ends_with(*s))
        .map_or((upper.as_str(), ""), |s| {
            (&upper[..upper.len() - s.len()], *s)
        });
    let integral = {
        let digits = body.strip_prefix('-').unwrap_or(body);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    match suffix {
        "L" | "Y" | "S" => {
            if !integral {
                return Err(invalid());
            }
            let n: i64 = body.parse().map_err(|_| out_of_range("BIGINT"))?;
            Ok(match suffix {
                "L" => ScalarValue::Int64(Some(n)),
                "Y" => {
                    ScalarValue::Int8(Some(i8::try_from(n).map_err(|_| out_of_range("TINYINT"))?))
                }
                _ => ScalarValue::Int16(Some(
                    i16::try_from(n).map_err(|_| out_of_range("SMALLINT"))?,
                )),
            })
        }
        "D" => body
            .parse::<f64>()
            .map(|f| ScalarValue::Float64(Some(f)))
            .map_err(|_| invalid()),
        "F" => body
            .parse::<f32>()
            .map(|f| ScalarValue::Float32(Some(f)))
            .map_err(|_| invalid()),
        "BD" => decimal(body).ok_or_else(invalid),
        _ if integral => Ok(match body.parse::<i64>() {
            Ok(n) => match i32::try_from(n) {
                Ok(n) => ScalarValue::Int32(Some(n)),
                Err(_) => ScalarValue::Int64(Some(n)),
            },
            // Beyond BIGINT Spark makes an integer a DECIMAL(p, 0).
            Err(_) => decimal(body).ok_or_else(invalid)?,
        }),
        _ if body.contains('E') => body
            .parse::<f64>()
            .map(|f| ScalarValue::Float64(Some(f)))
            .map_err(|_| invalid()),
        // More digits than a DECIMAL holds: a DOUBLE, the nearest Spark can do too.
        _ => decimal(body)
            .or_else(|| {
                body.parse::<f64>()
                    .ok()
                    .map(|f| ScalarValue::Float64(Some(f)))
            })
            .ok_or_else(invalid),
    }
}

/// `[-]digits[.digits][E[+-]digits]` as Spark's `DECIMAL(p, s)`: `s` is the number of digits
/// after the point (0 if the exponent makes it negative), `p` the digits of the unscaled value
/// but at least `s`. `None` beyond 38 digits or for text that is not such a number.
fn decimal(text: &str) -> Option<ScalarValue> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once(['E', 'e']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut digits = format!("{int_part}{frac_part}");
    let mut scale = i32::try_from(frac_part.len()).ok()? - exponent;
    if scale < 0 {
        digits.extend(std::iter::repeat_n('0', usize::try_from(-scale).ok()?));
        scale = 0;
    }
    let significant = digits.trim_start_matches('0');
    let significant = if significant.is_empty() {
        "0"
    } else {
        significant
    };
    let scale = u8::try_from(scale).ok()?;
    let precision = u8::try_from(significant.len()).ok()?.max(scale);
    if precision > 38 {
        return None;
    }
    let unscaled: i128 = significant.parse().ok()?;
    let unscaled = if negative { -unscaled } else { unscaled };
    Some(ScalarValue::Decimal128(
        Some(unscaled),
        precision.max(1),
        i8::try_from(scale).ok()?,
    ))
}

/// The marker function of step 2: `__ember_spark_literal(number, 'text')` is the literal `text`
/// denotes, named like `number`. The plan step replaces every call; evaluating one still gives
/// the literal.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkLiteral {
    signature: Signature,
}

fn spec_of(arg: Option<&ScalarValue>) -> DfResult<ScalarValue> {
    match arg {
        Some(ScalarValue::Utf8(Some(spec))) => spark_literal(spec).map_err(DataFusionError::Plan),
        _ => Err(DataFusionError::Plan(format!(
            "{SPARK_LITERAL} takes a number and its text"
        ))),
    }
}

impl ScalarUDFImpl for SparkLiteral {
    fn name(&self) -> &str {
        SPARK_LITERAL
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[ArrowType]) -> DfResult<ArrowType> {
        Err(DataFusionError::Internal(format!(
            "{SPARK_LITERAL}'s type comes from return_field_from_args"
        )))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let value = spec_of(args.scalar_arguments.get(1).copied().flatten())?;
        Ok(Arc::new(Field::new(
            SPARK_LITERAL,
            value.data_type(),
            false,
        )))
    }

    /// A suffixed number is named like the literal it denotes (`1Y` is `Int8(1)`, so
    /// `SELECT 1Y, 1S` names two columns); any other like the number (`2.5` stays
    /// `Float64(2.5)`, the name it had before it was typed).
    fn schema_name(&self, args: &[Expr]) -> DfResult<String> {
        if let Some(Expr::Literal(ScalarValue::Utf8(Some(spec)), _)) = args.get(1)
            && number_part(spec).len() < spec.len()
            && let Ok(value) = spark_literal(spec)
        {
            return Ok(format!("{value:?}"));
        }
        match args.first() {
            Some(number) => Ok(number.schema_name().to_string()),
            None => Ok(SPARK_LITERAL.to_owned()),
        }
    }

    fn display_name(&self, args: &[Expr]) -> DfResult<String> {
        match args.first() {
            Some(number) => Ok(number.to_string()),
            None => Ok(SPARK_LITERAL.to_owned()),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        match args.args.get(1) {
            Some(ColumnarValue::Scalar(spec)) => Ok(ColumnarValue::Scalar(spec_of(Some(spec))?)),
            _ => spec_of(None).map(ColumnarValue::Scalar),
        }
    }
}

/// Registers the marker function of step 2.
pub(crate) fn register(ctx: &SessionContext) {
    ctx.register_udf(ScalarUDF::new_from_impl(SparkLiteral {
        signature: Signature::any(2, Volatility::Immutable),
    }));
}

fn marker_value(f: &ScalarFunction) -> Option<DfResult<ScalarValue>> {
    if f.func.name() != SPARK_LITERAL {
        return None;
    }
    Some(match f.args.get(1) {
        Some(Expr::Literal(spec, _)) => spec_of(Some(spec)),
        _ => spec_of(None),
    })
}

fn is_count(e: &Expr) -> bool {
    let all_literals = |args: &[Expr]| args.iter().all(|a| matches!(a, Expr::Literal(..)));
    match e {
        Expr::AggregateFunction(a) => a.func.name() == "count" && all_literals(&a.params.args),
        Expr::WindowFunction(w) => {
            matches!(&w.fun, WindowFunctionDefinition::AggregateUDF(u) if u.name() == "count")
                && all_literals(&w.params.args)
        }
        _ => false,
    }
}

/// One expression with Spark's literal types (step 3 of the module docs).
fn retype(expr: Expr) -> DfResult<Transformed<Expr>> {
    expr.transform_down(|e| match e {
        Expr::ScalarFunction(f) => match marker_value(&f) {
            Some(value) => Ok(Transformed::new(
                Expr::Literal(value?, None),
                true,
                TreeNodeRecursion::Jump,
            )),
            None => Ok(Transformed::no(Expr::ScalarFunction(f))),
        },
        Expr::Literal(ScalarValue::Int64(Some(n)), metadata) => match i32::try_from(n) {
            Ok(n) => Ok(Transformed::yes(Expr::Literal(
                ScalarValue::Int32(Some(n)),
                metadata,
            ))),
            Err(_) => Ok(Transformed::no(Expr::Literal(
                ScalarValue::Int64(Some(n)),
                metadata,
            ))),
        },
        e if is_count(&e) => Ok(Transformed::new(e, false, TreeNodeRecursion::Jump)),
        e => Ok(Transformed::no(e)),
    })
}

/// One expression of a plan node with Spark's numeric literal types (step 3 of the module
/// docs), its lambdas bound again to the retyped inputs. Runs on the planned, not yet analyzed
/// plan, node by node bottom-up, so type coercion afterwards sees them
/// ([`crate::coercion::spark_types`]); `inputs` is the node's inputs' schema, already retyped.
pub(crate) fn spark_literal_types(
    expr: Expr,
    inputs: &datafusion::common::DFSchema,
) -> DfResult<Transformed<Expr>> {
    // A lambda's variables carry the element type they were planned with: once the literals
    // they come from are retyped, they are bound again.
    retype(expr)?.transform_data(|e| rebind_lambda_variables(e, inputs))
}

/// Binds `expr`'s lambda variables to the types of what they range over, innermost function
/// first. DataFusion's own pass binds only the lambdas of the outermost higher-order function
/// (`filter(filter(a, x -> ..), y -> ..)` kept the inner `x` stale), so each higher-order call
/// is bound on the way up; one whose lambdas use an enclosing lambda's variables cannot be bound
/// alone and is bound with the enclosing call.
fn rebind_lambda_variables(
    expr: Expr,
    inputs: &datafusion::common::DFSchema,
) -> DfResult<Transformed<Expr>> {
    expr.transform_up(|e| match e {
        Expr::HigherOrderFunction(_) => match e.clone().resolve_lambda_variables(inputs) {
            Ok(bound) => Ok(bound),
            Err(_) => Ok(Transformed::no(e)),
        },
        e => Ok(Transformed::no(e)),
    })
}

/// Spark's type names of the literals in one place, for the tests.
#[cfg(test)]
fn type_of(spec: &str) -> String {
    spark_literal(spec).map_or_else(|e| e, |v| v.data_type().to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn literal_types_follow_spark() {
        let cases: HashMap<&str, &str> = [
            ("1", "Int32"),
            ("-2147483648", "Int32"),
            ("2147483648", "Int64"),
            ("9223372036854775808", "Decimal128(19, 0)"),
            ("1L", "Int64"),
            ("1Y", "Int8"),
            ("1S", "Int16"),
            ("2.5", "Decimal128(2, 1)"),
            ("0.00", "Decimal128(2, 2)"),
            ("007.50", "Decimal128(3, 2)"),
            (".5", "Decimal128(1, 1)"),
            ("1e2", "Float64"),
            ("2.5E0", "Float64"),
            ("2.5D", "Float64"),
            ("1.5F", "Float32"),
            ("2.5BD", "Decimal128(2, 1)"),
            ("1E2BD", "Decimal128(3, 0)"),
        ]
        .into_iter()
        .collect();
        for (spec, ty) in cases {
            assert_eq!(type_of(spec), ty, "{spec}");
        }
        assert_eq!(
            spark_literal("-2.5"),
            Ok(ScalarValue::Decimal128(Some(-25), 2, 1))
        );
        assert_eq!(
            spark_literal("0.1"),
            Ok(ScalarValue::Decimal128(Some(1), 1, 1))
        );
        assert!(spark_literal("300Y").is_err());
        assert!(spark_literal("1.5L").is_err());
    }

    #[test]
    fn only_numbers_datafusion_mistypes_are_marked() {
        assert!(!needs_marker("1"));
        assert!(!needs_marker("10000000000"));
        assert!(needs_marker("1L"));
        assert!(needs_marker("2.5"));
        assert!(needs_marker("1e2"));
        assert!(needs_marker("9223372036854775808"));
        assert_eq!(number_part("2.5BD"), "2.5");
        assert_eq!(number_part("1y"), "1");
        assert_eq!(number_part("2.5"), "2.5");
    }
}
