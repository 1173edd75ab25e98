//! Spark's words for the errors of `sql` sessions.
//!
//! Livy's sql interpreter answers a failed query with `ename: "Error"` and Spark's exception
//! message as `evalue`; clients (and Livy's own tests) look for Spark's error classes in it
//! (`[TABLE_OR_VIEW_NOT_FOUND] The table or view ... cannot be found`). Where Ember raises the same
//! error as Spark, the message here is Spark 4's wording, recorded from PySpark 4.3: the error
//! class in brackets, Spark's sentence, its SQLSTATE and the position as Spark writes it. Every
//! other error keeps Ember's own message. Messages are whole: a multi-line message is never cut.

use ember_sql::Error;

/// The message of a failed sql statement: Spark's wording where Ember raises Spark's error.
pub(crate) fn message(error: &Error) -> String {
    match error {
        Error::UnknownView { name, .. } => table_or_view_not_found(name),
        Error::Parse {
            query,
            line,
            column,
            message,
        } => parse_syntax_error(query, *line, *column, message),
        Error::Plan {
            message,
            line,
            column,
            ..
        } => unresolved_column(message, position(*line, *column))
            .unwrap_or_else(|| error.to_string()),
        other => other.to_string(),
    }
}

/// Spark's `; line L pos P` suffix of analysis errors (a 0-based position); empty when unknown.
fn position(line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(l), Some(c)) if l > 0 && c > 0 => format!("; line {l} pos {}", c - 1),
        _ => String::new(),
    }
}

/// A name as Spark quotes it: every part in backticks (`` `db`.`t` ``).
fn quoted(name: &str) -> String {
    name.split('.')
        .map(|part| format!("`{}`", part.trim_matches('"')))
        .collect::<Vec<_>>()
        .join(".")
}

/// `TABLE_OR_VIEW_NOT_FOUND` (SQLSTATE 42P01). Spark's message also lists its catalog search
/// path, which Ember does not have.
fn table_or_view_not_found(name: &str) -> String {
    format!(
        "[TABLE_OR_VIEW_NOT_FOUND] The table or view {} cannot be found. Verify the spelling and \
         correctness of the schema and catalog.\nIf you did not qualify the name with a schema, \
         verify the current_schema() output, or qualify the name with the correct schema and \
         catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS. \
         SQLSTATE: 42P01",
        quoted(name)
    )
}

/// `UNRESOLVED_COLUMN.WITH_SUGGESTION` / `.WITHOUT_SUGGESTION` (SQLSTATE 42703), from
/// DataFusion's ``No field named x. ... Valid fields are t.a, t.b.``; `None` for other messages.
fn unresolved_column(message: &str, position: String) -> Option<String> {
    let rest = message
        .split_once("No field named ")
        .map(|(_, rest)| rest)?;
    let name = rest
        .split(['\n', '?'])
        .next()
        .unwrap_or_default()
        .split(". Did you mean")
        .next()
        .unwrap_or_default()
        .trim_end_matches('.');
    if name.is_empty() {
        return None;
    }
    // A qualified reference (`p.nme`) gets qualified candidates (`p`.`name`), as in Spark.
    let qualified = name.contains('.');
    let mut candidates: Vec<String> = Vec::new();
    if let Some((_, valid)) = message.split_once("Valid fields are ") {
        let list = valid
            .lines()
            .next()
            .unwrap_or_default()
            .trim_end_matches('.');
        for field in list.split(", ") {
            let shown = if qualified {
                field
            } else {
                field.rsplit('.').next().unwrap_or(field)
            };
            if !shown.is_empty() && !candidates.iter().any(|c| c == shown) {
                candidates.push(shown.to_owned());
            }
        }
    }
    let object = quoted(name);
    if candidates.is_empty() {
        // Spark's template leaves two spaces before SQLSTATE here.
        return Some(format!(
            "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column, variable, or function parameter \
             with name {object} cannot be resolved.  SQLSTATE: 42703{position}"
        ));
    }
    // Spark lists the five candidates closest to the name (by edit distance; ties keep their
    // order).
    let wanted = name.to_lowercase();
    candidates.sort_by_key(|c| levenshtein(&wanted, &c.to_lowercase()));
    let proposal = candidates
        .iter()
        .take(5)
        .map(|c| quoted(c))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name \
         {object} cannot be resolved. Did you mean one of the following? [{proposal}]. SQLSTATE: \
         42703{position}"
    ))
}

/// `PARSE_SYNTAX_ERROR` (SQLSTATE 42601) with Spark's `== SQL ==` block: the query up to the
/// error's line, a marker under the error, then the rest of the query.
fn parse_syntax_error(query: &str, line: u64, column: u64, message: &str) -> String {
    let near = message
        .split_once("found: ")
        .map(|(_, rest)| rest.split(" at Line: ").next().unwrap_or(rest).trim())
        .filter(|t| !t.is_empty());
    let near = match near {
        Some("EOF") | None => "end of input".to_owned(),
        Some(token) => format!("'{token}'"),
    };
    let pos = column.saturating_sub(1);
    let mut text = format!(
        "[PARSE_SYNTAX_ERROR] Syntax error at or near {near}. SQLSTATE: 42601 (line {line}, pos \
         {pos})\n\n== SQL ==\n"
    );
    let lines: Vec<&str> = query.split('\n').collect();
    let at = usize::try_from(line).unwrap_or(usize::MAX);
    for (i, l) in lines.iter().enumerate() {
        text.push_str(l);
        text.push('\n');
        if i + 1 == at {
            text.push_str(&"-".repeat(usize::try_from(pos).unwrap_or(0)));
            text.push_str("^^^\n");
        }
    }
    text
}

/// Edit distance between two strings, by characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(previous + 1).min(row[j] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected texts are PySpark 4.3's messages (`str(e)` of the AnalysisException or
    // ParseException) for the same queries, less what Ember has no counterpart for: the
    // catalog search path and the analyzed plan Spark appends.

    #[test]
    fn missing_view_is_table_or_view_not_found() {
        let e = Error::UnknownView {
            name: "people1".into(),
            query: Some("\nSELECT * FROM people1\n".into()),
        };
        let m = message(&e);
        assert!(
            m.starts_with(
                "[TABLE_OR_VIEW_NOT_FOUND] The table or view `people1` cannot be found. \
                 Verify the spelling and correctness of the schema and catalog.\n"
            ),
            "{m}"
        );
        assert!(m.ends_with(" SQLSTATE: 42P01"), "{m}");
    }

    #[test]
    fn missing_column_lists_the_closest_names_first() {
        let e = Error::Plan {
            query: Some("SELECT nme FROM people".into()),
            line: Some(1),
            column: Some(8),
            message: "No field named nme. Did you mean 'people.name'?\nValid fields are \
                      people.age, people.name."
                .into(),
        };
        assert_eq!(
            message(&e),
            "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with \
             name `nme` cannot be resolved. Did you mean one of the following? [`name`, `age`]. \
             SQLSTATE: 42703; line 1 pos 7"
        );
    }

    #[test]
    fn qualified_references_get_qualified_candidates_five_at_most() {
        let e = Error::Plan {
            query: None,
            line: None,
            column: None,
            message:
                "No field named p.nme. Did you mean 'p.name'?\nValid fields are p.name, p.age."
                    .into(),
        };
        assert_eq!(
            message(&e),
            "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with \
             name `p`.`nme` cannot be resolved. Did you mean one of the following? [`p`.`name`, \
             `p`.`age`]. SQLSTATE: 42703"
        );
        let e = Error::Plan {
            query: None,
            line: None,
            column: None,
            message:
                "No field named zz.\nValid fields are w.a1, w.a2, w.a3, w.a4, w.a5, w.a6, w.a7."
                    .into(),
        };
        assert!(
            message(&e).contains("[`a1`, `a2`, `a3`, `a4`, `a5`]. SQLSTATE: 42703"),
            "{}",
            message(&e)
        );
    }

    #[test]
    fn parse_errors_mark_the_spot() {
        let e = Error::Parse {
            query: "SELEC 1".into(),
            line: 1,
            column: 1,
            message: "sql parser error: Expected: an SQL statement, found: SELEC at Line: 1, \
                      Column: 1"
                .into(),
        };
        assert_eq!(
            message(&e),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos \
             0)\n\n== SQL ==\nSELEC 1\n^^^\n"
        );
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("nme", "name"), 1);
        assert_eq!(levenshtein("x", "age"), 3);
        assert_eq!(levenshtein("", "ab"), 2);
    }
}
