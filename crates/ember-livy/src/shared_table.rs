//! Hue's shared-RDD post's shared key-value store, on a `sql` session: a named table that every client
//! of the session reads and writes.
//!
//! The table is an append-only log `(key STRING, value STRING, rev BIGINT)`: `set` appends a row
//! with the next revision and `get` reads the newest row of a key. This is the one shape whose
//! SQL both Spark SQL and Ember's engine (DataFusion with the Spark dialect) run unchanged:
//! Spark refuses `CREATE OR REPLACE TABLE … AS SELECT` on its built-in tables and reading a table
//! while overwriting it, and DataFusion's memory tables have no `DELETE`/`UPDATE`. A statement
//! runs alone in its session (Livy runs them one at a time, in order), so two clients' `set`s
//! never get the same revision.
//!
//! String literals are written so that both engines read the same text: Spark treats `\` in a
//! literal as an escape and DataFusion does not, so quotes and backslashes are spliced in with
//! `chr(39)` and `chr(92)` rather than escaped.

use crate::error::{Error, Result};
use crate::session::LivySession;
use arrow::array::{Array, AsArray};
use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;

/// A key-value table shared by every client of a `sql` session.
#[derive(Debug, Clone)]
pub struct SharedTable {
    session: LivySession,
    name: String,
}

impl SharedTable {
    /// Opens the table `name` in the session, creating it if it does not exist.
    ///
    /// `name` must be a plain SQL identifier (ASCII letters, digits, `_`; not starting with a
    /// digit), optionally qualified by a database (`db.kv`).
    pub async fn open(session: LivySession, name: &str) -> Result<SharedTable> {
        if !is_sql_name(name) {
            return Err(Error::InvalidArgument(format!(
                "{name:?} is not a plain SQL table name"
            )));
        }
        let table = SharedTable {
            session,
            name: name.to_owned(),
        };
        table.session.sql_table(&table.create_sql()).await?;
        Ok(table)
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The session it lives in.
    pub fn session(&self) -> &LivySession {
        &self.session
    }

    /// The statement that creates the table.
    pub fn create_sql(&self) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (key STRING, value STRING, rev BIGINT)",
            self.name
        )
    }

    /// The statement that sets `key` to `value` (`None` removes it).
    pub fn set_sql(&self, key: &str, value: Option<&str>) -> String {
        let value = value.map_or_else(|| "CAST(NULL AS STRING)".to_owned(), sql_string_literal);
        format!(
            "INSERT INTO {t} SELECT {k}, {value}, COALESCE(MAX(rev), 0) + 1 FROM {t}",
            t = self.name,
            k = sql_string_literal(key),
        )
    }

    /// The query that reads `key`'s newest row.
    pub fn get_sql(&self, key: &str) -> String {
        format!(
            "SELECT value FROM {} WHERE key = {} ORDER BY rev DESC LIMIT 1",
            self.name,
            sql_string_literal(key)
        )
    }

    /// Sets `key` to `value`, for every client of the session (one statement).
    pub async fn set(&self, key: &str, value: &str) -> Result<()> {
        self.session
            .sql_table(&self.set_sql(key, Some(value)))
            .await?;
        Ok(())
    }

    /// Removes `key` (a `get` then returns `None`).
    pub async fn remove(&self, key: &str) -> Result<()> {
        self.session.sql_table(&self.set_sql(key, None)).await?;
        Ok(())
    }

    /// The value of `key`, or `None` when it was never set or was removed.
    pub async fn get(&self, key: &str) -> Result<Option<String>> {
        let batch = self.session.sql(&self.get_sql(key)).await?;
        Ok(first_strings(&batch)?.into_iter().next().flatten())
    }

    /// Every key that has a value, sorted.
    pub async fn keys(&self) -> Result<Vec<String>> {
        let query = format!(
            "SELECT key FROM (SELECT key, value, ROW_NUMBER() OVER (PARTITION BY key ORDER BY rev DESC) AS rn FROM {}) AS latest WHERE rn = 1 AND value IS NOT NULL ORDER BY key",
            self.name
        );
        let batch = self.session.sql(&query).await?;
        Ok(first_strings(&batch)?.into_iter().flatten().collect())
    }
}

/// The first column's values as strings (`None` for nulls).
fn first_strings(batch: &RecordBatch) -> Result<Vec<Option<String>>> {
    if batch.num_columns() == 0 {
        return Ok(Vec::new());
    }
    let column = batch.column(0);
    match column.data_type() {
        DataType::Utf8 => {
            let strings = column.as_string::<i32>();
            Ok((0..strings.len())
                .map(|i| (!strings.is_null(i)).then(|| strings.value(i).to_owned()))
                .collect())
        }
        DataType::Null => Ok(vec![None; column.len()]),
        other => Err(Error::decode(
            "a shared table's value",
            format!("expected a string column, got {other}"),
        )),
    }
}

fn is_sql_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// A SQL string literal that Spark SQL and DataFusion read as exactly `s`: `'s'` when it has
/// no quote or backslash, otherwise `concat('…', chr(39), '…', chr(92), …)`.
///
/// ```
/// use ember_livy::sql_string_literal;
/// assert_eq!(sql_string_literal("ak"), "'ak'");
/// assert_eq!(sql_string_literal("O'Hare\\"), "concat('O', chr(39), 'Hare', chr(92))");
/// ```
pub fn sql_string_literal(s: &str) -> String {
    if !s.contains(['\'', '\\']) {
        return format!("'{s}'");
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in s.chars() {
        let special = match c {
            '\'' => Some("chr(39)"),
            '\\' => Some("chr(92)"),
            _ => None,
        };
        match special {
            Some(chr) => {
                if !current.is_empty() {
                    parts.push(format!("'{}'", std::mem::take(&mut current)));
                }
                parts.push(chr.to_owned());
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() {
        parts.push(format!("'{current}'"));
    }
    if parts.len() == 1 {
        // A lone chr(…): concat of one argument is fine in both, but keep it plain.
        return parts.remove(0);
    }
    format!("concat({})", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(sql_string_literal(""), "''");
        assert_eq!(sql_string_literal("'"), "chr(39)");
        assert_eq!(
            sql_string_literal("a''b"),
            "concat('a', chr(39), chr(39), 'b')"
        );
        assert_eq!(sql_string_literal("é\n"), "'é\n'");
        assert!(is_sql_name("db.kv_1"));
        assert!(!is_sql_name("kv; DROP TABLE x"));
        assert!(!is_sql_name("1kv"));
    }
}
