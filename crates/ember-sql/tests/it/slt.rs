//! A small sqllogictest-style runner: SQL behaviour as data in `tests/sql/*.slt`.
//!
//! Format (records are separated by blank lines, `#` starts a comment line):
//!
//! ```text
//! statement ok
//! CREATE VIEW v AS SELECT 1 AS one
//!
//! statement error <ErrorKind> <substring of the message>
//! SELECT nope FROM people
//!
//! query [rowsort]
//! SELECT id, name FROM people ORDER BY id
//! ----
//! 1 | Ann
//! 2 | Bob
//! ```
//!
//! `<ErrorKind>` is the `ember_sql::Error` variant (`Parse`, `Plan`, `UnknownView`, `Udf`,
//! `Execution`, ...): the runner checks the error's type, not only its text. Results print one row
//! per line, cells separated by ` | `, `NULL` for nulls, floats as Arrow displays them.

use std::path::{Path, PathBuf};

use ember_sql::arrow::array::RecordBatch;
use ember_sql::arrow::util::display::{ArrayFormatter, FormatOptions};
use ember_sql::{Error, Session};

use crate::fixture::session_with_views;

fn error_kind(e: &Error) -> String {
    let debug = format!("{e:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn format_rows(batches: &[RecordBatch]) -> Vec<String> {
    let options = FormatOptions::default().with_null("NULL");
    let mut rows = Vec::new();
    for batch in batches {
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
            .collect();
        for row in 0..batch.num_rows() {
            let cells: Vec<String> = formatters
                .iter()
                .map(|f| f.value(row).to_string())
                .collect();
            rows.push(cells.join(" | "));
        }
    }
    rows
}

fn run_sql(session: &Session, sql: &str) -> Result<Vec<RecordBatch>, Error> {
    session.sql(sql)?.collect()
}

/// Runs one file; returns the failures as messages.
fn run_file(path: &Path) -> Vec<String> {
    let session = session_with_views();
    let text = std::fs::read_to_string(path).unwrap();
    let mut failures = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if line.is_empty() || line.starts_with('#') {
            i += 1;
            continue;
        }
        let header_line = i + 1;
        let header: Vec<&str> = line.split_whitespace().collect();
        i += 1;
        let mut sql = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() && lines[i].trim() != "----" {
            sql.push(lines[i]);
            i += 1;
        }
        let sql = sql.join("\n");
        let mut expected = Vec::new();
        if i < lines.len() && lines[i].trim() == "----" {
            i += 1;
            while i < lines.len() && !lines[i].trim().is_empty() {
                expected.push(lines[i].trim_end().to_owned());
                i += 1;
            }
        }
        let at = format!("{}:{header_line}", path.display());
        match header.as_slice() {
            ["statement", "ok"] => {
                if let Err(e) = run_sql(&session, &sql) {
                    failures.push(format!("{at}: expected ok, got {e}\n  sql: {sql}"));
                }
            }
            ["statement", "error", kind, rest @ ..] => {
                let needle = rest.join(" ");
                match run_sql(&session, &sql) {
                    Ok(_) => failures.push(format!(
                        "{at}: expected {kind} error, query succeeded\n  sql: {sql}"
                    )),
                    Err(e) => {
                        let got_kind = error_kind(&e);
                        let message = e.to_string();
                        if got_kind != *kind || !message.contains(&needle) {
                            failures.push(format!(
                                "{at}: expected {kind} error containing {needle:?}, got {got_kind}: {message}\n  sql: {sql}"
                            ));
                        }
                    }
                }
            }
            ["query", options @ ..] => match run_sql(&session, &sql) {
                Err(e) => failures.push(format!("{at}: query failed: {e}\n  sql: {sql}")),
                Ok(batches) => {
                    let mut got = format_rows(&batches);
                    let mut want = expected.clone();
                    if options.contains(&"rowsort") {
                        got.sort();
                        want.sort();
                    }
                    if got != want {
                        failures.push(format!(
                            "{at}: result mismatch\n  sql: {sql}\n  expected:\n    {}\n  got:\n    {}",
                            want.join("\n    "),
                            got.join("\n    ")
                        ));
                    }
                }
            },
            _ => failures.push(format!("{at}: unknown record header `{line}`")),
        }
    }
    failures
}

fn slt_files() -> Vec<PathBuf> {
    let dir = crate::fixture::crate_dir().join("tests/sql");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
        .collect();
    files.sort();
    files
}

#[test]
fn sql_logic_files() {
    let files = slt_files();
    assert!(files.len() >= 6, "expected the .slt files, found {files:?}");
    let failures: Vec<String> = files.iter().flat_map(|f| run_file(f)).collect();
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn runner_detects_mismatches() {
    // A test of the test: a wrong expectation must fail.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong.slt");
    std::fs::write(
        &path,
        "query\nSELECT 1 + 1\n----\n3\n\nstatement error Plan nope\nSELECT 1\n\nstatement error Udf x\nSELECT nope FROM people\n",
    )
    .unwrap();
    let failures = run_file(&path);
    assert_eq!(failures.len(), 3, "{failures:#?}");
}
