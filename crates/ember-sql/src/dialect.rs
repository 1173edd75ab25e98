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
use datafusion::sql::sqlparser::dialect::{Dialect, SparkSqlDialect};
use datafusion::sql::sqlparser::parser::{Parser, ParserError};
use datafusion::sql::sqlparser::tokenizer::Token;

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
            // `DIV` and the rest, as Spark's dialect parses them.
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
fn call(name: Ident, a: Expr, b: Expr) -> Expr {
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
