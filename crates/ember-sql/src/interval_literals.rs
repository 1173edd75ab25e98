//! Spark's interval literals, read as Spark reads them (issue 20).
//!
//! Spark types `INTERVAL '3' DAY` as an ANSI `interval day`, `INTERVAL '1 02:03:04' DAY TO
//! SECOND` as `interval day to second`, `INTERVAL '1-2' YEAR TO MONTH` as `interval year to
//! month`; DataFusion planned every interval literal as a calendar interval and refused the
//! ranged ones (`DAY TO SECOND`, `YEAR TO MONTH`, ...). [`read`] gives a literal's value and
//! fields by Spark's rules (its `IntervalUtils`): one unit with a number or a string (a
//! fraction for seconds only; `WEEK` is 7 days, `MILLISECOND` and `MICROSECOND` are seconds),
//! or a range whose string has the range's form (`[+|-]d h:m:s.n`, `[+|-]y-m`; the fields after
//! the first bounded: hour 0-23, minute and second 0-59), under an optional sign.
//! `numeric_literals.rs` plans each as `functions/intervals.rs`'s literal function, which has
//! Spark's type (the fields in the column's metadata); `naming.rs` names it as Spark does
//! (`INTERVAL '03' HOUR`).
//!
//! [`multi_unit_intervals`] reads Spark's multi-unit forms, which sqlparser does not:
//! `INTERVAL 3 DAYS 2 HOURS`, `INTERVAL '3' DAY '2' HOUR` and `INTERVAL '3 days 2 hours'` are
//! rewritten as the ranged literal Spark names them by (`INTERVAL '3 02' DAY TO HOUR`).
//!
//! Intervals in window frame bounds (`RANGE BETWEEN INTERVAL '1' DAY PRECEDING ...`) are left
//! to DataFusion, which reads them from the syntax tree.

use datafusion::sql::sqlparser::ast::{
    DateTimeField, Expr, Interval, UnaryOperator, Value, ValueWithSpan,
};
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use crate::functions::intervals::{day_time_text, year_month_text};

/// Spark's interval fields, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl Unit {
    fn name(self) -> &'static str {
        match self {
            Unit::Year => "year",
            Unit::Month => "month",
            Unit::Day => "day",
            Unit::Hour => "hour",
            Unit::Minute => "minute",
            Unit::Second => "second",
        }
    }

    /// Microseconds (day-time units) or months (year-month units) in one of it.
    fn size(self) -> i128 {
        match self {
            Unit::Year => 12,
            Unit::Month => 1,
            Unit::Day => 86_400_000_000,
            Unit::Hour => 3_600_000_000,
            Unit::Minute => 60_000_000,
            Unit::Second => 1_000_000,
        }
    }

    fn is_year_month(self) -> bool {
        self <= Unit::Month
    }
}

/// A unit a literal may name: Spark's field, the count of its size one of it holds (a week is 7
/// days), and the divisor (a millisecond is a thousandth of a second).
fn unit_of_word(word: &str) -> Option<(Unit, i128, i128)> {
    let word = word.to_ascii_lowercase();
    let word = word.strip_suffix('s').unwrap_or(&word);
    Some(match word {
        "year" => (Unit::Year, 1, 1),
        "month" => (Unit::Month, 1, 1),
        "week" => (Unit::Day, 7, 1),
        "day" => (Unit::Day, 1, 1),
        "hour" => (Unit::Hour, 1, 1),
        "minute" => (Unit::Minute, 1, 1),
        "second" => (Unit::Second, 1, 1),
        "millisecond" => (Unit::Second, 1, 1_000),
        "microsecond" => (Unit::Second, 1, 1_000_000),
        _ => return None,
    })
}

fn unit_of_field(field: &DateTimeField) -> Option<(Unit, i128, i128)> {
    let word = match field {
        DateTimeField::Year | DateTimeField::Years => "year",
        DateTimeField::Month | DateTimeField::Months => "month",
        DateTimeField::Week(None) | DateTimeField::Weeks => "week",
        DateTimeField::Day | DateTimeField::Days => "day",
        DateTimeField::Hour | DateTimeField::Hours => "hour",
        DateTimeField::Minute | DateTimeField::Minutes => "minute",
        DateTimeField::Second | DateTimeField::Seconds => "second",
        DateTimeField::Millisecond | DateTimeField::Milliseconds => "millisecond",
        DateTimeField::Microsecond | DateTimeField::Microseconds => "microsecond",
        _ => return None,
    };
    unit_of_word(word)
}

/// An ANSI interval literal's value: microseconds or months, and the fields it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ansi {
    /// Microseconds for a day-time interval, months for a year-month one.
    pub(crate) amount: i64,
    /// `"day"`, `"day to second"`, `"year to month"`, ...
    pub(crate) fields: String,
}

impl Ansi {
    fn new(amount: i128, from: Unit, to: Unit, literal: &str) -> Result<Self, String> {
        let fields = if from == to {
            from.name().to_owned()
        } else {
            format!("{} to {}", from.name(), to.name())
        };
        let fits = if from.is_year_month() {
            i32::try_from(amount).is_ok()
        } else {
            i64::try_from(amount).is_ok()
        };
        match i64::try_from(amount) {
            Ok(amount) if fits => Ok(Self { amount, fields }),
            _ => Err(format!(
                "[INVALID_INTERVAL_FORMAT.INTERVAL_PARSING] Error parsing {literal} to interval: \
                 it is out of the range of an interval {fields}. SQLSTATE: 22006"
            )),
        }
    }

    /// Spark's text of the literal, which is also its name: `INTERVAL '1 02:03:04' DAY TO
    /// SECOND`, `INTERVAL '03' HOUR`, `INTERVAL '1-2' YEAR TO MONTH`.
    pub(crate) fn text(&self) -> String {
        if crate::functions::intervals::is_year_month(&self.fields) {
            // The amount fits an i32: `Ansi::new` checked it.
            year_month_text(i32::try_from(self.amount).unwrap_or(0), &self.fields)
        } else {
            day_time_text(self.amount, &self.fields)
        }
    }
}

/// The call an ANSI literal is planned as: `__ember_interval(amount, 'fields')`, which has
/// Spark's type (`functions/intervals.rs`).
pub(crate) fn literal_call(ansi: &Ansi) -> Expr {
    crate::dialect::call(
        datafusion::sql::sqlparser::ast::Ident::new(crate::functions::intervals::INTERVAL_LITERAL),
        Expr::value(Value::Number(ansi.amount.to_string(), false)),
        Expr::value(Value::SingleQuotedString(ansi.fields.clone())),
    )
}

/// `-literal` of a literal made by [`literal_call`], as a literal: `-INTERVAL '1' DAY`
/// (DataFusion has no negation of a day-time interval).
pub(crate) fn negated_call(expr: &Expr) -> Option<Expr> {
    use datafusion::sql::sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments};
    let Expr::Function(f) = expr else {
        return None;
    };
    if f.name.to_string() != crate::functions::intervals::INTERVAL_LITERAL {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else {
        return None;
    };
    let value = |i: usize| match list.args.get(i) {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))) => Some(&v.value),
        _ => None,
    };
    match (value(0), value(1)) {
        (Some(Value::Number(n, _)), Some(Value::SingleQuotedString(fields))) => {
            let amount = n.parse::<i64>().ok()?.checked_neg()?;
            Some(literal_call(&Ansi {
                amount,
                fields: fields.clone(),
            }))
        }
        _ => None,
    }
}

/// A literal's value as written: its sign (from signs outside the quotes) and its text.
fn value_text(value: &Expr) -> Option<(bool, String)> {
    match value {
        Expr::UnaryOp {
            op: op @ (UnaryOperator::Minus | UnaryOperator::Plus),
            expr,
        } => {
            let (negative, text) = value_text(expr)?;
            Some((negative != (*op == UnaryOperator::Minus), text))
        }
        Expr::Nested(e) => value_text(e),
        Expr::Value(ValueWithSpan {
            value: Value::Number(n, _),
            ..
        }) => Some((false, n.clone())),
        Expr::Value(ValueWithSpan {
            value: Value::SingleQuotedString(s),
            ..
        }) => Some((false, s.clone())),
        _ => None,
    }
}

/// `text` with its leading sign taken off: (negative, the rest).
fn signed(text: &str) -> (bool, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    }
}

/// A count of `unit`s written as `digits[.digits]`, in the unit's size divided by `divisor`
/// (microseconds or months); a fraction only where the result stays whole microseconds of a
/// second-sized unit.
fn amount(
    text: &str,
    unit: Unit,
    count: i128,
    divisor: i128,
    literal: &str,
) -> Result<i128, String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
        return Err(unmatched(literal, unit.name()));
    }
    if !fraction.is_empty() && unit != Unit::Second {
        return Err(format!(
            "[INVALID_INTERVAL_FORMAT.INVALID_FRACTION] Error parsing {literal} to interval: {} \
             cannot have fractional part. SQLSTATE: 22006",
            unit.name()
        ));
    }
    let whole: i128 = whole.parse().map_err(|_| unmatched(literal, unit.name()))?;
    // Spark keeps nine digits of a fraction and microseconds of those.
    let mut nanos = format!("{fraction:0<9}");
    nanos.truncate(9);
    let nanos: i128 = nanos.parse().map_err(|_| unmatched(literal, unit.name()))?;
    let size = unit.size() * count;
    Ok((whole * size + nanos * size / 1_000_000_000) / divisor)
}

fn unmatched(literal: &str, fields: &str) -> String {
    format!(
        "[INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING] Error parsing {literal} to interval: \
         it does not match the format of an interval {fields}. SQLSTATE: 22006"
    )
}

/// Spark's value of `interval`; `Ok(None)` for one it does not type as an ANSI interval (no
/// unit, or one such as `MILLENNIUM` that DataFusion's calendar interval reads), `Err` with
/// Spark's message for a malformed one.
pub(crate) fn read(interval: &Interval) -> Result<Option<Ansi>, String> {
    let Some(leading) = &interval.leading_field else {
        return Ok(None);
    };
    if interval.leading_precision.is_some() || interval.fractional_seconds_precision.is_some() {
        return Ok(None);
    }
    let Some((negative, text)) = value_text(&interval.value) else {
        return Ok(None);
    };
    let Some((from, count, divisor)) = unit_of_field(leading) else {
        return Ok(None);
    };
    let literal = format!("'{text}'");
    let (inner_negative, body) = signed(text.trim());
    let sign: i128 = if negative != inner_negative { -1 } else { 1 };
    let Some(last) = &interval.last_field else {
        let n = amount(body, from, count, divisor, &literal)?;
        return Ansi::new(sign * n, from, from, &literal).map(Some);
    };
    let Some((to, 1, 1)) = unit_of_field(last) else {
        return Ok(None);
    };
    if count != 1 || divisor != 1 || to <= from || from.is_year_month() != to.is_year_month() {
        return Err(format!(
            "[INVALID_INTERVAL_FORMAT] Interval fields {} TO {} are not a range Spark has",
            from.name().to_uppercase(),
            to.name().to_uppercase()
        ));
    }
    ranged(body, from, to, &literal).map(|n| Ansi::new(sign * n, from, to, &literal).map(Some))?
}

/// The amount of a ranged literal's unsigned text: `y-m`, or a day-time range's fields
/// (`d h:m:s.n` and its parts); each field after the first bounded.
fn ranged(body: &str, from: Unit, to: Unit, literal: &str) -> Result<i128, String> {
    let fields = format!("{} to {}", from.name(), to.name());
    let no_match = || unmatched(literal, &fields);
    if from == Unit::Year {
        let (y, m) = body.split_once('-').ok_or_else(no_match)?;
        let (years, months) = (
            amount(y, Unit::Year, 1, 1, literal).map_err(|_| no_match())?,
            amount(m, Unit::Month, 1, 1, literal).map_err(|_| no_match())?,
        );
        if m.len() > 2 || months > 11 {
            return Err(format!(
                "[INVALID_INTERVAL_FORMAT.INTERVAL_PARSING] Error parsing {literal} to interval: \
                 month {months} outside range [0, 11]. SQLSTATE: 22006"
            ));
        }
        return Ok(years + months);
    }
    // The day-time fields from `from` to `to`, each after its separator.
    let units = [Unit::Day, Unit::Hour, Unit::Minute, Unit::Second];
    let spanned: Vec<Unit> = units
        .into_iter()
        .filter(|u| (from..=to).contains(u))
        .collect();
    let mut rest = body;
    let mut total = 0i128;
    for (i, unit) in spanned.iter().enumerate() {
        let part = match spanned.get(i + 1) {
            Some(next) => {
                let separator = if *next == Unit::Hour { ' ' } else { ':' };
                let (part, after) = rest.split_once(separator).ok_or_else(no_match)?;
                rest = after;
                part
            }
            None => rest,
        };
        if *unit != Unit::Second && part.contains('.') {
            return Err(no_match());
        }
        let n = amount(part, *unit, 1, 1, literal).map_err(|_| no_match())?;
        if i > 0 {
            let whole = part.split('.').next().unwrap_or(part);
            let bound = if *unit == Unit::Hour { 23 } else { 59 };
            let value = n / unit.size();
            if whole.len() > 2 || value > bound {
                return Err(format!(
                    "[INVALID_INTERVAL_FORMAT.INTERVAL_PARSING] Error parsing {literal} to \
                     interval: {} {value} outside range [0, {bound}]. SQLSTATE: 22006",
                    unit.name()
                ));
            }
        }
        total += n;
    }
    Ok(total)
}

/// Spark's value of a multi-unit literal, `pairs` its (amount, unit) pairs: the sum, spanning
/// the fields from the largest unit to the smallest; year-month and day-time units do not mix.
fn multi_unit(pairs: &[(String, String)], literal: &str) -> Result<Ansi, String> {
    let mut total = 0i128;
    let mut span: Option<(Unit, Unit)> = None;
    for (value, word) in pairs {
        let (unit, count, divisor) = unit_of_word(word).ok_or_else(|| unmatched(literal, word))?;
        let (negative, body) = signed(value.trim());
        let n = amount(body, unit, count, divisor, literal)?;
        total += if negative { -n } else { n };
        span = Some(match span {
            None => (unit, unit),
            Some((a, _)) if a.is_year_month() != unit.is_year_month() => {
                return Err(format!(
                    "[INVALID_INTERVAL_FORMAT] Cannot mix year-month and day-time fields: \
                     INTERVAL {literal}"
                ));
            }
            Some((a, b)) => (a.min(unit), b.max(unit)),
        });
    }
    let (from, to) = span.ok_or_else(|| unmatched(literal, "interval"))?;
    Ansi::new(total, from, to, literal)
}

/// How many multi-unit intervals one statement may have rewritten: each is one pass.
const MAX_REWRITES: usize = 256;

/// `tokens` with Spark's multi-unit interval literals (`INTERVAL 3 DAYS 2 HOURS`, `INTERVAL
/// '3' DAY '2' HOUR`, `INTERVAL '3 days 2 hours'`) written as the one ranged literal Spark
/// names them by; `None` if there is none. Used only on a statement that did not parse.
pub(crate) fn multi_unit_intervals(mut tokens: Vec<TokenWithSpan>) -> Option<Vec<TokenWithSpan>> {
    let mut changed = false;
    for _ in 0..MAX_REWRITES {
        match one_multi_unit(&tokens) {
            Some(rewritten) => {
                tokens = rewritten;
                changed = true;
            }
            None => break,
        }
    }
    changed.then_some(tokens)
}

fn one_multi_unit(tokens: &[TokenWithSpan]) -> Option<Vec<TokenWithSpan>> {
    let significant: Vec<usize> = (0..tokens.len())
        .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF))
        .collect();
    let word = |k: usize| match significant.get(k).map(|&i| &tokens[i].token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.clone()),
        _ => None,
    };
    for (k, &i) in significant.iter().enumerate() {
        if !word(k).is_some_and(|w| w.eq_ignore_ascii_case("interval")) {
            continue;
        }
        // (amount, unit) pairs: a number (signed) or a string, then a unit word.
        let mut pairs = Vec::new();
        let mut at = k + 1;
        loop {
            let mut negative = false;
            let mut j = at;
            if matches!(
                significant.get(j).map(|&x| &tokens[x].token),
                Some(Token::Minus)
            ) {
                negative = true;
                j += 1;
            }
            let amount = match significant.get(j).map(|&x| &tokens[x].token) {
                Some(Token::Number(n, _)) => n.clone(),
                Some(Token::SingleQuotedString(s)) if !negative => s.clone(),
                _ => break,
            };
            match word(j + 1).filter(|w| unit_of_word(w).is_some()) {
                Some(unit) => {
                    let sign = if negative { "-" } else { "" };
                    pairs.push((format!("{sign}{amount}"), unit));
                    at = j + 2;
                }
                None => break,
            }
        }
        // `INTERVAL '3 days 2 hours'`: the pairs are inside the string.
        if pairs.is_empty()
            && let Some(Token::SingleQuotedString(s)) =
                significant.get(k + 1).map(|&x| &tokens[x].token)
            && word(k + 2).is_none_or(|w| unit_of_word(&w).is_none())
        {
            let words: Vec<&str> = s.split_whitespace().collect();
            if words.len() >= 2 && words.len().is_multiple_of(2) {
                pairs = words
                    .chunks(2)
                    .map(|p| (p[0].to_owned(), p[1].to_owned()))
                    .collect();
                at = k + 2;
            }
        }
        if pairs.len() < 2 && !(pairs.len() == 1 && at == k + 2) {
            continue;
        }
        let literal = significant[k + 1..at]
            .iter()
            .map(|&x| tokens[x].token.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        let replacement = match multi_unit(&pairs, &literal) {
            // A ranged literal that reads back as this value, or a call that fails with the
            // reason when the statement is planned.
            Ok(ansi) => ansi.text(),
            Err(message) => format!(
                "CAST(raise_error('{}') AS INTERVAL)",
                message.replace('\'', "''")
            ),
        };
        let mut replaced: Vec<TokenWithSpan> = tokens[..i].to_vec();
        let dialect = crate::dialect::EmberSpark;
        let new = datafusion::sql::sqlparser::tokenizer::Tokenizer::new(&dialect, &replacement)
            .tokenize()
            .ok()?;
        replaced.extend(new.into_iter().map(TokenWithSpan::wrap));
        replaced.push(TokenWithSpan::wrap(Token::Whitespace(Whitespace::Space)));
        let end = significant.get(at).copied().unwrap_or(tokens.len());
        replaced.extend_from_slice(&tokens[end..]);
        return Some(replaced);
    }
    None
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::ast::{Expr, Interval};
    use datafusion::sql::sqlparser::parser::Parser;

    use super::read;

    fn interval(sql: &str) -> Interval {
        let dialect = crate::dialect::EmberSpark;
        match Parser::new(&dialect)
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap()
        {
            Expr::Interval(i) => i,
            other => panic!("{other:?}"),
        }
    }

    fn text(sql: &str) -> Result<String, String> {
        read(&interval(sql)).map(|a| a.map(|a| a.text()).unwrap_or_default())
    }

    #[test]
    fn literals_read_as_spark_reads_them() {
        // Spark's names of each, recorded from PySpark 4.3.
        for (sql, spark) in [
            ("INTERVAL '3' DAY", "INTERVAL '3' DAY"),
            ("INTERVAL 3 WEEK", "INTERVAL '21' DAY"),
            ("INTERVAL -3 HOUR", "INTERVAL '-03' HOUR"),
            ("INTERVAL '-3' HOUR", "INTERVAL '-03' HOUR"),
            ("INTERVAL 1.5 SECOND", "INTERVAL '01.5' SECOND"),
            ("INTERVAL 2 MILLISECONDS", "INTERVAL '00.002' SECOND"),
            ("INTERVAL 36 HOURS", "INTERVAL '36' HOUR"),
            ("INTERVAL 3 YEAR", "INTERVAL '3' YEAR"),
            ("INTERVAL 14 MONTH", "INTERVAL '14' MONTH"),
            (
                "INTERVAL '1 02:03:04' DAY TO SECOND",
                "INTERVAL '1 02:03:04' DAY TO SECOND",
            ),
            (
                "INTERVAL '1 2:3:4' DAY TO SECOND",
                "INTERVAL '1 02:03:04' DAY TO SECOND",
            ),
            (
                "INTERVAL '1 02:03:04.123456789' DAY TO SECOND",
                "INTERVAL '1 02:03:04.123456' DAY TO SECOND",
            ),
            (
                "INTERVAL '100:03' MINUTE TO SECOND",
                "INTERVAL '100:03' MINUTE TO SECOND",
            ),
            (
                "INTERVAL '-10-11' YEAR TO MONTH",
                "INTERVAL '-10-11' YEAR TO MONTH",
            ),
            (
                "INTERVAL -'1 02:03:04' DAY TO SECOND",
                "INTERVAL '-1 02:03:04' DAY TO SECOND",
            ),
            (
                "INTERVAL '26:03:04' HOUR TO SECOND",
                "INTERVAL '26:03:04' HOUR TO SECOND",
            ),
        ] {
            assert_eq!(text(sql).as_deref(), Ok(spark), "{sql}");
        }
        for bad in [
            "INTERVAL '1 25:00:00' DAY TO SECOND",
            "INTERVAL '1 02:60:04' DAY TO SECOND",
            "INTERVAL '1-13' YEAR TO MONTH",
            "INTERVAL 'x' DAY TO SECOND",
            "INTERVAL 1.5 DAY",
        ] {
            assert!(text(bad).is_err(), "{bad}");
        }
    }
}
