//! `ember sql` as spark-sql: statements from `-e`, `-f`, stdin or an interactive prompt, run one
//! after another in one session, each followed by spark-sql's `Time taken: …` line on stderr.
//!
//! The shell answers a few statements itself, with Spark's columns and type names: `SET`,
//! `SHOW TABLES`, `SHOW FUNCTIONS [LIKE 'pattern']`, `DESCRIBE [EXTENDED] view`, and the file
//! sources `CREATE TEMPORARY VIEW t USING parquet OPTIONS (path '…')` and ``parquet.`path` ``
//! (csv, json and arrow too). File access is the CLI's to give, as it runs with the user's own
//! rights: these forms live here, not in ember-sql, so a Livy server's sql sessions never see
//! them. Everything else goes to [`Session::sql`].

mod split;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ember_sql::arrow::array::{ArrayRef, RecordBatch, StringArray};
use ember_sql::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_sql::{FileFormat, OutputFormat, Session};

pub(crate) use split::split_statements;
use split::{Token, tokens};

/// The prompt, and the one shown while a statement goes on over several lines (spark-sql's).
const PROMPT: &str = "ember-sql> ";
const CONTINUATION: &str = "         > ";

/// Settings a running session cannot take: Ember reads them when the session starts.
const STATIC_SETTINGS: [&str; 9] = [
    "spark.app.name",
    "spark.master",
    "spark.sql.session.timeZone",
    "spark.sql.ansi.enabled",
    "spark.sql.cteRecursionLevelLimit",
    "spark.sql.cteRecursionRowLimit",
    "ember.sql.batch_rows",
    ember_cluster::JOB_TIMEOUT_KEY,
    ember_cluster::LOCAL_DATA_LIMIT_KEY,
];

/// A statement's result: its columns and rows (no columns for statements such as `CREATE VIEW`).
pub(crate) struct Answer {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

impl Answer {
    /// The answer that is `batch`.
    pub(crate) fn of(batch: RecordBatch) -> Self {
        Answer {
            schema: batch.schema(),
            batches: vec![batch],
        }
    }

    fn strings(columns: &[&str], rows: Vec<Vec<Option<String>>>) -> Result<Self, String> {
        let schema = Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(*c, DataType::Utf8, true))
                .collect::<Vec<_>>(),
        ));
        let arrays: Vec<ArrayRef> = (0..columns.len())
            .map(|i| {
                Arc::new(StringArray::from(
                    rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>(),
                )) as ArrayRef
            })
            .collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| e.to_string())?;
        Ok(Answer {
            schema,
            batches: vec![batch],
        })
    }

    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// One session and what the shell keeps beside it.
pub(crate) struct Shell {
    session: Session,
    format: OutputFormat,
    /// Values `SET` gave keys the engine does not read (Spark keeps and shows them back).
    settings: BTreeMap<String, String>,
    /// Views made for ``parquet.`path` `` references so far (their names count up).
    file_views: usize,
    /// Runs statements Ctrl-C may cancel, and the Ctrl-C watcher.
    waiter: ember_runtime::Runtime,
    /// In the interactive shell, how many times Ctrl-C (SIGINT) was pressed: a press then
    /// cancels the running statement instead of ending the process.
    interrupts: Option<tokio::sync::watch::Receiver<u64>>,
}

impl Shell {
    pub(crate) fn new(session: Session, format: OutputFormat) -> Result<Self, String> {
        let waiter = ember_runtime::Runtime::builder("ember-sql-shell")
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Shell {
            session,
            format,
            settings: BTreeMap::new(),
            file_views: 0,
            waiter,
            interrupts: None,
        })
    }

    /// The session the shell runs in.
    pub(crate) fn session(&self) -> &Session {
        &self.session
    }

    /// Runs every statement of `text` in this session (see [`run_script`]).
    pub(crate) fn run_script(&mut self, text: &str) -> bool {
        let format = self.format;
        run_script(text, format, |statement| self.answer(statement))
    }

    /// The statement's answer: the shell's own for the statements it knows, else the session's.
    fn answer(&mut self, statement: &str) -> Result<Answer, String> {
        if let Some(interrupts) = self.interrupts.as_mut() {
            // A Ctrl-C pressed before this statement began is not meant for it.
            interrupts.borrow_and_update();
        }
        let spans = tokens(statement);
        let toks: Vec<Token> = spans.iter().map(|(t, _)| t.clone()).collect();
        let first = toks.first();
        if let Some((t, span)) = spans.first()
            && t.is("SET")
        {
            return self.set(statement[span.end..].trim());
        }
        if first.is_some_and(|t| t.is("SHOW")) {
            if toks.get(1).is_some_and(|t| t.is("TABLES")) && toks.len() == 2 {
                return self.show_tables();
            }
            if toks.get(1).is_some_and(|t| t.is("FUNCTIONS")) {
                return self.show_functions(&toks[2..]);
            }
        }
        if first.is_some_and(|t| t.is("DESCRIBE") || t.is("DESC")) {
            return self.describe(&toks[1..]);
        }
        if first.is_some_and(|t| t.is("CREATE"))
            && let Some(done) = self.create_view_using(&toks)
        {
            return done;
        }
        let (text, file_views) = self.file_references(statement)?;
        let df = match self.session.sql(&text) {
            Ok(df) => df,
            Err(e) => {
                self.drop_file_views(file_views);
                return Err(e.to_string());
            }
        };
        let schema = df.schema();
        let batches = match &self.interrupts {
            Some(interrupts) => {
                let mut pressed = interrupts.clone();
                // Stops the query (its DataFusion streams are dropped) when Ctrl-C is pressed,
                // and returns once it has stopped, so the next statement has the cores. A
                // statement runs as long as its SQL asks: Ctrl-C is its bound.
                let run = async move {
                    df.collect_until(async move {
                        let _ = pressed.changed().await;
                    })
                    .await
                };
                match self.waiter.block_on("the statement", None, run) {
                    Ok(answer) => answer.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                }
            }
            None => df.collect().map(Some).map_err(|e| e.to_string()),
        };
        self.drop_file_views(file_views);
        let batches = batches?.ok_or("the statement was cancelled (Ctrl-C)")?;
        Ok(Answer { schema, batches })
    }

    /// `SET` (every setting), `SET key` (its value) and `SET key=value`, answered as Spark does
    /// with `key` and `value` columns. Keys the engine reads while running change the session
    /// (`spark.sql.shuffle.partitions`, `datafusion.*`); those it reads only at start are refused
    /// (give them with `--conf`); others are kept and shown back, as Spark keeps unknown keys.
    fn set(&mut self, rest: &str) -> Result<Answer, String> {
        let columns = ["key", "value"];
        if rest.is_empty() {
            let mut all: BTreeMap<String, String> = BTreeMap::new();
            for key in STATIC_SETTINGS
                .iter()
                .chain(["spark.sql.shuffle.partitions"].iter())
            {
                if let Some(v) = self.session.conf(key) {
                    all.insert((*key).to_owned(), v.to_owned());
                }
            }
            all.insert("spark.app.name".into(), self.session.app_name().into());
            all.insert("spark.master".into(), self.session.master().into());
            all.extend(self.settings.clone());
            let rows = all
                .into_iter()
                .map(|(k, v)| vec![Some(k), Some(v)])
                .collect();
            return Answer::strings(&columns, rows);
        }
        let Some((key, value)) = rest.split_once('=') else {
            let key = rest.to_owned();
            let live = engine_key(&key).and_then(|option| {
                let state = self.session.datafusion().state();
                let entries = state.config().options().entries();
                entries.into_iter().find(|e| e.key == option)?.value
            });
            let value = live
                .or_else(|| self.settings.get(&key).cloned())
                .or_else(|| self.session.conf(&key).map(str::to_owned))
                .unwrap_or_else(|| "<undefined>".to_owned());
            return Answer::strings(&columns, vec![vec![Some(key), Some(value)]]);
        };
        let (key, value) = (key.trim().to_owned(), value.trim().to_owned());
        if key.is_empty() {
            return Err(format!("SET needs a key: `SET {rest}`"));
        }
        if STATIC_SETTINGS.contains(&key.as_str()) {
            return Err(format!(
                "cannot modify the value of {key} in a running session: give it at start with --conf {key}={value}"
            ));
        }
        match engine_key(&key) {
            Some(option) => {
                let state = self.session.datafusion().state_ref();
                let mut state = state.write();
                state
                    .config_mut()
                    .options_mut()
                    .set(option, &value)
                    .map_err(|e| format!("{key}: {}", e.message()))?;
            }
            None => {
                self.settings.insert(key.clone(), value.clone());
            }
        }
        Answer::strings(&columns, vec![vec![Some(key), Some(value)]])
    }

    /// Spark's `SHOW TABLES`: every view is a temporary view, in no namespace.
    fn show_tables(&self) -> Result<Answer, String> {
        let schema = Arc::new(Schema::new(vec![
            Field::new("namespace", DataType::Utf8, false),
            Field::new("tableName", DataType::Utf8, false),
            Field::new("isTemporary", DataType::Boolean, false),
        ]));
        let names = self.session.view_names();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![""; names.len()])),
                Arc::new(StringArray::from(names.clone())),
                Arc::new(ember_sql::arrow::array::BooleanArray::from(vec![
                    true;
                    names.len()
                ])),
            ],
        )
        .map_err(|e| e.to_string())?;
        Ok(Answer {
            schema,
            batches: vec![batch],
        })
    }

    /// Spark's `SHOW FUNCTIONS [LIKE] ['pattern']`: one `function` column, sorted; the pattern
    /// is Spark's (`*` any characters, `|` between alternatives, any case).
    fn show_functions(&self, rest: &[Token]) -> Result<Answer, String> {
        let rest = match rest.first() {
            Some(t) if t.is("LIKE") => &rest[1..],
            _ => rest,
        };
        let pattern = match rest {
            [] => None,
            [Token::Str(p)] => Some(p.as_str()),
            _ => return Err("expected SHOW FUNCTIONS [LIKE] ['pattern']".to_owned()),
        };
        let state = self.session.datafusion().state();
        let mut names: Vec<String> = state
            .scalar_functions()
            .keys()
            .chain(state.aggregate_functions().keys())
            .chain(state.window_functions().keys())
            .filter(|n| pattern.is_none_or(|p| spark_like(p, n)))
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        Answer::strings(
            &["function"],
            names.into_iter().map(|n| vec![Some(n)]).collect(),
        )
    }

    /// Spark's `DESCRIBE [TABLE] [EXTENDED|FORMATTED] view`: `col_name`, `data_type` (Spark's
    /// type names) and `comment`. A temporary view (every Ember view) has no more to show, so
    /// `EXTENDED` answers the same, as in Spark.
    fn describe(&self, rest: &[Token]) -> Result<Answer, String> {
        let mut rest = rest;
        while rest
            .first()
            .is_some_and(|t| t.is("TABLE") || t.is("EXTENDED") || t.is("FORMATTED"))
        {
            rest = &rest[1..];
        }
        let mut parts = Vec::new();
        for (i, t) in rest.iter().enumerate() {
            match (i % 2, t) {
                (0, t) if t.name().is_some() => parts.push(t.name().unwrap_or_default()),
                (1, Token::Punct('.')) => {}
                _ => return Err("expected DESCRIBE [EXTENDED] view".to_owned()),
            }
        }
        if parts.is_empty() || rest.len().is_multiple_of(2) {
            return Err("expected DESCRIBE [EXTENDED] view".to_owned());
        }
        let name = parts.join(".");
        let schema = self
            .session
            .table(&name)
            .map_err(|e| e.to_string())?
            .schema();
        let rows = schema
            .fields()
            .iter()
            .map(|f| {
                vec![
                    Some(f.name().clone()),
                    Some(ember_sql::spark_type_name(f.data_type())),
                    None,
                ]
            })
            .collect();
        Answer::strings(&["col_name", "data_type", "comment"], rows)
    }

    /// Spark's `CREATE [OR REPLACE] TEMP[ORARY] VIEW name USING format OPTIONS (path '…')`;
    /// `None` when the statement is another `CREATE`.
    fn create_view_using(&self, toks: &[Token]) -> Option<Result<Answer, String>> {
        let mut i = 1;
        let replace = toks.get(1).is_some_and(|t| t.is("OR"));
        if replace {
            if !toks.get(2).is_some_and(|t| t.is("REPLACE")) {
                return None;
            }
            i = 3;
        }
        if !toks
            .get(i)
            .is_some_and(|t| t.is("TEMP") || t.is("TEMPORARY"))
        {
            return None;
        }
        if !toks.get(i + 1).is_some_and(|t| t.is("VIEW")) {
            return None;
        }
        let name = toks.get(i + 2)?.name()?.to_owned();
        if !toks.get(i + 3).is_some_and(|t| t.is("USING")) {
            return None;
        }
        Some(self.create_file_view(&name, replace, &toks[i + 4..]))
    }

    /// Reads `format OPTIONS (path '…')` into the view `name`.
    fn create_file_view(
        &self,
        name: &str,
        replace: bool,
        toks: &[Token],
    ) -> Result<Answer, String> {
        {
            let format = toks
                .first()
                .and_then(Token::name)
                .ok_or("USING needs a format: parquet, csv, json or arrow")?;
            let format = file_format(format)?;
            let path = options_path(&toks[1..])?;
            if !replace && self.session.view_exists(name).map_err(|e| e.to_string())? {
                return Err(format!(
                    "Temporary view '{name}' already exists (use CREATE OR REPLACE)"
                ));
            }
            self.session
                .read(format, &path)
                .and_then(|df| df.create_or_replace_temp_view(name))
                .map_err(|e| e.to_string())?;
            Ok(Answer {
                schema: Arc::new(Schema::empty()),
                batches: Vec::new(),
            })
        }
    }

    /// Spark's ``format.`path` `` table references, each read into a view of its own whose name
    /// replaces it in the statement; returns the statement and those views (the caller drops
    /// them once the statement is planned: a plan holds its tables, not their names).
    fn file_references(&mut self, statement: &str) -> Result<(String, Vec<String>), String> {
        let toks = tokens(statement);
        let mut views = Vec::new();
        let mut out = String::new();
        let mut copied = 0;
        for w in toks.windows(3) {
            let [
                (Token::Word(fmt), span),
                (Token::Punct('.'), _),
                (Token::Quoted(path), end),
            ] = w
            else {
                continue;
            };
            let Ok(format) = file_format(fmt) else {
                continue;
            };
            // `db.parquet.`x`` names a table in a namespace, not a file.
            if span.start > 0 && statement[..span.start].trim_end().ends_with('.') {
                continue;
            }
            let name = format!("__ember_file_{}", self.file_views);
            self.file_views += 1;
            let read = self
                .session
                .read(format, PathBuf::from(path))
                .and_then(|df| df.create_or_replace_temp_view(&name));
            if let Err(e) = read {
                self.drop_file_views(views);
                return Err(e.to_string());
            }
            views.push(name.clone());
            out.push_str(&statement[copied..span.start]);
            out.push_str(&name);
            copied = end.end;
        }
        out.push_str(&statement[copied..]);
        Ok((out, views))
    }

    /// Drops the views [`Shell::file_references`] made for one statement.
    fn drop_file_views(&self, views: Vec<String>) {
        for name in views {
            // Only fails for a name DataFusion cannot parse, and these are plain identifiers.
            let _ = self.session.drop_temp_view(&name);
        }
    }

    /// The interactive shell: reads statements at a prompt (continued over lines until `;`),
    /// runs each, and goes on after errors. Ctrl-C cancels the running statement (or the
    /// statement being typed); Ctrl-D, `quit;` or `exit;` ends the shell. History is kept in `~/.ember_sql_history`.
    pub(crate) fn interactive(&mut self) -> Result<(), String> {
        use rustyline::error::ReadlineError;
        {
            let _runtime = self.waiter.handle().enter();
            let mut signal =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
            let (presses, interrupts) = tokio::sync::watch::channel(0_u64);
            self.waiter.handle().spawn(async move {
                while signal.recv().await.is_some() {
                    presses.send_modify(|n| *n += 1);
                }
            });
            self.interrupts = Some(interrupts);
        }
        let mut editor = rustyline::DefaultEditor::new().map_err(|e| e.to_string())?;
        let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".ember_sql_history"));
        if let Some(h) = &history {
            // A first run has no history yet.
            let _ = editor.load_history(h);
        }
        let mut pending = String::new();
        loop {
            let prompt = if pending.is_empty() {
                PROMPT
            } else {
                CONTINUATION
            };
            match editor.readline(prompt) {
                Ok(line) => {
                    pending.push_str(&line);
                    pending.push('\n');
                    let (statements, rest) = split_statements(&pending);
                    if !statements.is_empty() {
                        let _ = editor.add_history_entry(pending.trim());
                    }
                    let quit = statements.iter().position(|s| is_quit(s));
                    let format = self.format;
                    let mut reader_gone = false;
                    for statement in &statements[..quit.unwrap_or(statements.len())] {
                        let ran = run_one(statement, format, |s| self.answer(s));
                        if ran == Ran::ReaderGone {
                            reader_gone = true;
                            break;
                        }
                    }
                    if quit.is_some() || reader_gone {
                        break;
                    }
                    pending = if rest.is_empty() { String::new() } else { rest };
                    if !pending.is_empty() {
                        pending.push('\n');
                    }
                }
                Err(ReadlineError::Interrupted) => pending.clear(),
                Err(ReadlineError::Eof) => break,
                Err(e) => return Err(e.to_string()),
            }
        }
        if let Some(h) = &history
            && let Err(e) = editor.save_history(h)
        {
            eprintln!("ember: could not save the history to {}: {e}", h.display());
        }
        Ok(())
    }
}

/// Runs every statement of `text` in order with `answer`, each as [`run_one`], stopping at the
/// first that fails (as spark-sql does for `-e`, `-f` and stdin) or at `quit;`, or once the
/// reader of stdout went away (`ember sql -e … | head`: it has what it wanted, so that ends the
/// script with success). Returns whether all succeeded.
pub(crate) fn run_script(
    text: &str,
    format: OutputFormat,
    mut answer: impl FnMut(&str) -> Result<Answer, String>,
) -> bool {
    let (mut statements, rest) = split_statements(text);
    if !rest.is_empty() {
        statements.push(rest);
    }
    for statement in &statements {
        if is_quit(statement) {
            return true;
        }
        match run_one(statement, format, &mut answer) {
            Ran::Ok => {}
            Ran::ReaderGone => return true,
            Ran::Failed => return false,
        }
    }
    true
}

/// What running one statement came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ran {
    Ok,
    Failed,
    /// The reader of stdout went away: nothing more is worth running.
    ReaderGone,
}

/// Runs one statement with `answer`: prints its rows to stdout and `Time taken: …` to stderr,
/// or `Error in query: …`.
fn run_one(
    statement: &str,
    format: OutputFormat,
    mut answer: impl FnMut(&str) -> Result<Answer, String>,
) -> Ran {
    let start = Instant::now();
    let mut reader_gone = false;
    let result = answer(statement).and_then(|answer| {
        if !answer.schema.fields().is_empty() {
            let mut out = crate::Stdout::new();
            let written =
                ember_sql::export::render(&answer.schema, &answer.batches, format, &mut out)
                    .map_err(|e| e.to_string())
                    .and_then(|()| out.flush().map_err(|e| e.to_string()));
            reader_gone = out.reader_gone();
            out.printed(written)?;
        }
        Ok(answer.rows())
    });
    if reader_gone {
        return Ran::ReaderGone;
    }
    match result {
        Ok(rows) => {
            eprintln!("{}", time_taken(start.elapsed(), rows));
            Ran::Ok
        }
        Err(message) => {
            eprintln!("Error in query: {message}");
            Ran::Failed
        }
    }
}

/// spark-sql's `quit` and `exit`, which end the shell (or the script) there.
fn is_quit(statement: &str) -> bool {
    statement.eq_ignore_ascii_case("quit") || statement.eq_ignore_ascii_case("exit")
}

/// Whether stdin is a terminal (then a query-less `ember sql` opens the interactive shell).
pub(crate) fn stdin_is_terminal() -> bool {
    std::io::stdin().is_terminal()
}

/// spark-sql's line after a statement: `Time taken: 0.123 seconds, Fetched 4 row(s)`, the
/// seconds as Scala prints a `Double` of milliseconds over 1000 (`1.0`, `0.05`), the rows left
/// out when there are none.
fn time_taken(elapsed: Duration, rows: usize) -> String {
    let seconds = elapsed.as_millis() as f64 / 1000.0;
    let mut line = if seconds.fract() == 0.0 {
        format!("Time taken: {seconds:.1} seconds")
    } else {
        format!("Time taken: {seconds} seconds")
    };
    if rows > 0 {
        line.push_str(&format!(", Fetched {rows} row(s)"));
    }
    line
}

/// The DataFusion option a setting the running engine reads is, if it is one.
fn engine_key(key: &str) -> Option<&str> {
    match key {
        "spark.sql.shuffle.partitions" => Some("datafusion.execution.target_partitions"),
        k if k.starts_with("datafusion.") => Some(k),
        _ => None,
    }
}

/// The file format a Spark data source name names.
fn file_format(name: &str) -> Result<FileFormat, String> {
    match name.to_ascii_lowercase().as_str() {
        "parquet" => Ok(FileFormat::Parquet),
        "csv" => Ok(FileFormat::Csv),
        "json" => Ok(FileFormat::Json),
        "arrow" | "ipc" | "feather" => Ok(FileFormat::Arrow),
        other => Err(format!(
            "unsupported data source `{other}` (Ember reads parquet, csv, json and arrow)"
        )),
    }
}

/// The `path` of `OPTIONS (path '…', …)` (keys and values as `key 'value'` or `key = 'value'`).
fn options_path(toks: &[Token]) -> Result<PathBuf, String> {
    let bad = || "expected OPTIONS (path '…')".to_owned();
    let [first, Token::Punct('('), body @ .., Token::Punct(')')] = toks else {
        return Err(bad());
    };
    if !first.is("OPTIONS") {
        return Err(bad());
    }
    let mut path = None;
    for option in body.split(|t| *t == Token::Punct(',')) {
        match option {
            [key, Token::Str(v)] | [key, Token::Punct('='), Token::Str(v)] => {
                let key = match key {
                    Token::Word(k) | Token::Str(k) | Token::Quoted(k) => k,
                    Token::Punct(_) => return Err(bad()),
                };
                if key.eq_ignore_ascii_case("path") {
                    path = Some(PathBuf::from(v));
                } else if !key.eq_ignore_ascii_case("header")
                    && !key.eq_ignore_ascii_case("inferSchema")
                {
                    return Err(format!(
                        "option `{key}` is not supported (Ember reads CSV with a header and infers its schema)"
                    ));
                }
            }
            _ => return Err(bad()),
        }
    }
    path.ok_or_else(bad)
}

/// Spark's `SHOW FUNCTIONS LIKE` pattern: alternatives split by `|`, `*` any characters, any case.
fn spark_like(pattern: &str, name: &str) -> bool {
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
            Some((c, rest)) => s
                .split_first()
                .is_some_and(|(d, s)| c.eq_ignore_ascii_case(d) && glob(rest, s)),
        }
    }
    pattern
        .split('|')
        .any(|alt| glob(alt.trim().as_bytes(), name.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_taken_is_spark_sqls_line() {
        assert_eq!(
            time_taken(Duration::from_millis(123), 4),
            "Time taken: 0.123 seconds, Fetched 4 row(s)"
        );
        assert_eq!(
            time_taken(Duration::from_millis(2000), 0),
            "Time taken: 2.0 seconds"
        );
        assert_eq!(
            time_taken(Duration::from_millis(50), 1),
            "Time taken: 0.05 seconds, Fetched 1 row(s)"
        );
    }

    #[test]
    fn show_functions_patterns() {
        assert!(spark_like("date*", "date_add"));
        assert!(spark_like("abs|sqrt", "SQRT"));
        assert!(!spark_like("date*", "to_date"));
        assert!(spark_like("*date*", "to_date"));
    }

    #[test]
    fn options_give_the_path() {
        let toks: Vec<Token> = tokens("OPTIONS (header 'true', path = '/a b')")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(options_path(&toks).unwrap(), PathBuf::from("/a b"));
        let toks: Vec<Token> = tokens("OPTIONS (sep ';', path '/a')")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert!(options_path(&toks).unwrap_err().contains("sep"));
    }
}
