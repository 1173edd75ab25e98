//! Reading the Spark conformance suite's files: its queries and the DDL of its tables. Shared by
//! ember-sql's conformance test and the facade's cluster test (each includes this file with
//! `#[path]`), so both run the same queries over the same tables.

use std::path::{Path, PathBuf};

/// One query of `queries/<family>.sql`.
#[derive(Debug, Default)]
pub(crate) struct Query {
    pub(crate) family: String,
    pub(crate) name: String,
    pub(crate) sql: String,
    /// `-- known: types: <reason>` (read by ember-sql's test only).
    #[allow(dead_code)]
    pub(crate) known_types: Option<String>,
    /// `-- known: values: <reason>` (read by ember-sql's test only).
    #[allow(dead_code)]
    pub(crate) known_values: Option<String>,
}

/// The queries of one family's file, in order, without their final `;`.
pub(crate) fn parse_queries(family: &str, text: &str) -> Vec<Query> {
    let mut queries: Vec<Query> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- name:") {
            queries.push(Query {
                family: family.to_owned(),
                name: name.trim().to_owned(),
                ..Query::default()
            });
        } else if let Some(q) = queries.last_mut() {
            if let Some(reason) = line.strip_prefix("-- known: types:") {
                q.known_types = Some(reason.trim().to_owned());
            } else if let Some(reason) = line.strip_prefix("-- known: values:") {
                q.known_values = Some(reason.trim().to_owned());
            } else if !line.starts_with("--") {
                q.sql.push_str(line);
                q.sql.push('\n');
            }
        }
    }
    for q in &mut queries {
        q.sql = q.sql.trim().trim_end_matches(';').to_owned();
    }
    queries
}

/// `queries/*.sql` under the suite's directory `dir`, sorted by family.
pub(crate) fn query_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.join("queries"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "sql")
            && let Some(family) = path.file_stem()
        {
            files.push((family.to_string_lossy().into_owned(), path));
        }
    }
    files.sort();
    Ok(files)
}

/// The `CREATE EXTERNAL TABLE` statements for the suite's tables (`tables/schemas.txt`, one
/// `name: ddl` a line, each table a CSV file with a header beside it).
pub(crate) fn table_statements(dir: &Path) -> std::io::Result<Vec<String>> {
    let tables = dir.join("tables");
    let schemas = std::fs::read_to_string(tables.join("schemas.txt"))?;
    let mut statements = Vec::new();
    for line in schemas.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((name, ddl)) = line.split_once(':') else {
            continue;
        };
        let path = tables.join(format!("{}.csv", name.trim())).canonicalize()?;
        statements.push(format!(
            "CREATE EXTERNAL TABLE {} ({ddl}) STORED AS CSV LOCATION '{}' \
             OPTIONS ('format.has_header' 'true')",
            name.trim(),
            path.display()
        ));
    }
    Ok(statements)
}
