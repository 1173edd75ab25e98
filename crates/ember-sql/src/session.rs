//! [`Session`], Spark's `SparkSession`: the entry point to DataFrames and SQL.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::MemTable;
use datafusion::datasource::file_format::options::ArrowReadOptions;
use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{
    CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionConfig, SessionContext,
};
use datafusion_spark::SessionStateBuilderSpark;
use ember_rdd::{Context, Rdd};

use crate::dataframe::DataFrame;
use crate::row::{IntoRow, check_row_schema, rows_to_batches};
use crate::types::IntoSchema;
use crate::udf::{UdfRegistration, squared};
use crate::{Error, Result};

/// Default number of rows per Arrow record batch when an RDD becomes a DataFrame.
pub const DEFAULT_BATCH_ROWS: usize = 64 * 1024;

/// Builds a [`Session`]; see [`Session::builder`].
#[derive(Debug, Clone, Default)]
pub struct SessionBuilder {
    app_name: Option<String>,
    master: Option<String>,
    conf: Vec<(String, String)>,
    context: Option<Context>,
}

impl SessionBuilder {
    /// The application name (Spark's `appName`). Default: `"ember"`.
    #[must_use]
    pub fn app_name(mut self, name: impl Into<String>) -> Self {
        self.app_name = Some(name.into());
        self
    }

    /// The master URL: `local`, `local[N]` or `local[*]` (Spark's `master`). Default: `local[*]`.
    #[must_use]
    pub fn master(mut self, master: impl Into<String>) -> Self {
        self.master = Some(master.into());
        self
    }

    /// Sets a configuration entry (Spark's `config(key, value)`). Recognised keys:
    ///
    /// - `spark.app.name`, `spark.master`: same as [`app_name`](Self::app_name)/[`master`](Self::master);
    /// - `spark.sql.shuffle.partitions`: DataFusion's `target_partitions`;
    /// - `spark.sql.session.timeZone`: DataFusion's `execution.time_zone`;
    /// - `spark.sql.ansi.enabled`: DataFusion's `execution.enable_ansi_mode`;
    /// - `ember.sql.batch_rows`: rows per record batch when converting RDDs (default 65536);
    /// - any `datafusion.*` key, passed to DataFusion (unknown keys fail [`get_or_create`](Self::get_or_create)).
    ///
    /// Other keys are kept (see [`Session::conf`]) but have no effect.
    #[must_use]
    pub fn config(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.conf.push((key.into(), value.into()));
        self
    }

    /// Reads `app_name`, `master_url` (or `master`) and further settings from the `[spark]` section
    /// of a config file: TOML if the file name ends in `.toml`, INI otherwise (the seed's
    /// `data_source.ini`). Other keys of the section become [`config`](Self::config) entries (a key
    /// not starting with `spark.`, `datafusion.` or `ember.` gets a `spark.` prefix, so
    /// `sql.shuffle.partitions` means `spark.sql.shuffle.partitions`).
    ///
    /// ```ini
    /// [spark]
    /// app_name = My PySpark App
    /// master_url = local[*]
    /// ```
    pub fn config_file(mut self, path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let config_err = |message: String| Error::Config {
            key: Some(path.display().to_string()),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| config_err(e.to_string()))?;
        let entries: Vec<(String, String)> = if path.extension().is_some_and(|e| e == "toml") {
            let table: toml::Table = text
                .parse()
                .map_err(|e: toml::de::Error| config_err(e.to_string()))?;
            let spark = table
                .get("spark")
                .and_then(toml::Value::as_table)
                .ok_or_else(|| config_err("no [spark] table".to_owned()))?;
            spark
                .iter()
                .map(|(k, v)| {
                    let value = match v {
                        toml::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), value)
                })
                .collect()
        } else {
            let ini = ini::Ini::load_from_str(&text).map_err(|e| config_err(e.to_string()))?;
            let spark = ini
                .section(Some("spark"))
                .ok_or_else(|| config_err("no [spark] section".to_owned()))?;
            spark
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        for (key, value) in entries {
            match key.as_str() {
                "app_name" | "app.name" => self.app_name = Some(value),
                "master_url" | "master" => self.master = Some(value),
                _ if ["spark.", "datafusion.", "ember."]
                    .iter()
                    .any(|p| key.starts_with(p)) =>
                {
                    self.conf.push((key, value));
                }
                _ => self.conf.push((format!("spark.{key}"), value)),
            }
        }
        Ok(self)
    }

    /// Uses an existing RDD context (the seed creates its `SparkContext` first). Its app name and
    /// master win over [`app_name`](Self::app_name)/[`master`](Self::master).
    #[must_use]
    pub fn context(mut self, context: Context) -> Self {
        self.context = Some(context);
        self
    }

    /// Builds the session.
    ///
    /// Unlike Spark there is no process-global session to return (Ember keeps no global state):
    /// every call creates a new [`Session`]; clone it to share. Fails on an unsupported master URL
    /// or a bad configuration entry.
    pub fn get_or_create(self) -> Result<Session> {
        let mut app_name = self.app_name.unwrap_or_else(|| "ember".to_owned());
        let mut master = self.master.unwrap_or_else(|| "local[*]".to_owned());
        let mut conf = BTreeMap::new();
        let mut df_conf = Vec::new();
        let mut batch_rows = DEFAULT_BATCH_ROWS;
        for (key, value) in self.conf {
            match key.as_str() {
                "spark.app.name" => app_name.clone_from(&value),
                "spark.master" => master.clone_from(&value),
                "spark.sql.shuffle.partitions" => {
                    df_conf.push((
                        "datafusion.execution.target_partitions".to_owned(),
                        value.clone(),
                    ));
                }
                "spark.sql.session.timeZone" => {
                    df_conf.push(("datafusion.execution.time_zone".to_owned(), value.clone()));
                }
                "spark.sql.ansi.enabled" => {
                    df_conf.push((
                        "datafusion.execution.enable_ansi_mode".to_owned(),
                        value.clone(),
                    ));
                }
                "ember.sql.batch_rows" => {
                    batch_rows =
                        value
                            .parse()
                            .ok()
                            .filter(|n| *n > 0)
                            .ok_or_else(|| Error::Config {
                                key: Some(key.clone()),
                                message: format!("expected a positive integer, got `{value}`"),
                            })?;
                }
                k if k.starts_with("datafusion.") => df_conf.push((key.clone(), value.clone())),
                _ => {}
            }
            conf.insert(key, value);
        }
        let context = match self.context {
            Some(c) => c,
            None => Context::new(app_name, &master)?,
        };
        let parallelism = context.default_parallelism().max(1);

        let mut config = SessionConfig::new()
            .with_target_partitions(parallelism)
            .with_information_schema(true);
        {
            let options = config.options_mut();
            options.sql_parser.dialect = datafusion::common::config::Dialect::Spark;
            options.sql_parser.collect_spans = true;
            for (key, value) in &df_conf {
                options.set(key, value).map_err(|e| Error::Config {
                    key: Some(key.clone()),
                    message: e.message().into_owned(),
                })?;
            }
        }
        let mut builder = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .with_spark_features();
        // Spark's arithmetic goes before the Spark function planner so `/` is always ours.
        builder
            .expr_planners()
            .get_or_insert_with(Vec::new)
            .insert(0, Arc::new(crate::spark::SparkArithmeticPlanner));
        let ctx = SessionContext::new_with_state(builder.build());
        ctx.register_udf(squared());
        crate::spark::register_missing_functions(&ctx);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(parallelism)
            .thread_name("ember-sql")
            .enable_all()
            .build()
            .map_err(|e| Error::Runtime {
                message: format!("cannot start the SQL runtime: {e}"),
            })?;

        Ok(Session {
            inner: Arc::new(SessionInner {
                context,
                ctx,
                conf,
                batch_rows,
                runtime: RuntimeHolder(Some(runtime)),
            }),
        })
    }
}

/// Owns the session's tokio runtime and shuts it down without blocking, so a [`Session`] may be
/// dropped anywhere, including inside another runtime (where dropping a `Runtime` would panic).
struct RuntimeHolder(Option<tokio::runtime::Runtime>);

impl Drop for RuntimeHolder {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

struct SessionInner {
    context: Context,
    ctx: SessionContext,
    conf: BTreeMap<String, String>,
    batch_rows: usize,
    runtime: RuntimeHolder,
}

/// Spark's `SparkSession`: owns an `ember-rdd` [`Context`], a DataFusion [`SessionContext`] with
/// Spark's functions and dialect, and a small tokio runtime that runs queries.
///
/// Cheap to clone; clones share views, UDFs and the runtime.
#[derive(Clone)]
pub struct Session {
    inner: Arc<SessionInner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("app_name", &self.app_name())
            .field("master", &self.master())
            .field("session_id", &self.inner.ctx.session_id())
            .finish_non_exhaustive()
    }
}

/// The file formats Ember reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// CSV with a header row.
    Csv,
    /// Newline-delimited JSON (one object per line, like Spark's default JSON source).
    Json,
    /// Arrow IPC file format (`.arrow`, `.ipc`, `.feather`).
    Arrow,
}

impl FileFormat {
    /// The format for a file name's extension: `parquet`/`pq`, `csv`, `json`/`ndjson`/`jsonl`,
    /// `arrow`/`ipc`/`feather`.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "parquet" | "pq" => Self::Parquet,
            "csv" => Self::Csv,
            "json" | "ndjson" | "jsonl" => Self::Json,
            "arrow" | "ipc" | "feather" => Self::Arrow,
            _ => return None,
        })
    }

    /// Lower-case name, as used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Arrow => "arrow",
        }
    }
}

impl Session {
    /// Starts building a session (Spark's `SparkSession.builder`).
    pub fn builder() -> SessionBuilder {
        SessionBuilder::default()
    }

    /// The application name.
    pub fn app_name(&self) -> &str {
        self.inner.context.app_name()
    }

    /// The master URL, as given.
    pub fn master(&self) -> &str {
        self.inner.context.master()
    }

    /// The RDD context (Spark's `spark.sparkContext`).
    pub fn context(&self) -> &Context {
        &self.inner.context
    }

    /// The underlying DataFusion context, for anything Ember does not wrap.
    pub fn datafusion(&self) -> &SessionContext {
        &self.inner.ctx
    }

    /// The value of a configuration entry given to the builder.
    pub fn conf(&self, key: &str) -> Option<&str> {
        self.inner.conf.get(key).map(String::as_str)
    }

    /// Registers user-defined functions (Spark's `spark.udf`).
    pub fn udf(&self) -> UdfRegistration<'_> {
        UdfRegistration {
            ctx: &self.inner.ctx,
        }
    }

    /// Runs `fut` on the session's runtime and blocks the calling thread until it finishes.
    ///
    /// Works from plain threads and from inside any tokio runtime (on a multi-thread runtime the
    /// wait uses `block_in_place`; on a current-thread runtime the thread blocks while the
    /// session's own workers do the work).
    pub(crate) fn block_on<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.handle().spawn(async move {
            // The receiver only disappears if the caller is gone; nothing to do then.
            let _ = tx.send(fut.await);
        });
        let wait = || rx.recv();
        let received = match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(wait)
            }
            _ => wait(),
        };
        received.map_err(|_| Error::Runtime {
            message: "the query task ended without a result (it panicked or the runtime stopped)"
                .to_owned(),
        })?
    }

    /// Runs `fut` on the session's runtime (where its queries run) and awaits the result from any
    /// executor. Servers use it to drive DataFusion directly, for example to race a query's stream
    /// against a cancel signal (dropping a DataFusion stream stops its execution). Dropping the
    /// returned future does not stop `fut`.
    ///
    /// Errors: [`Error::Runtime`] if `fut` panicked or the runtime stopped, else `fut`'s own.
    pub async fn spawn<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.handle().spawn(fut).await.map_err(|e| Error::Runtime {
            message: format!("the query task failed: {e}"),
        })?
    }

    fn handle(&self) -> tokio::runtime::Handle {
        match &self.inner.runtime.0 {
            Some(rt) => rt.handle().clone(),
            // Only `Drop` takes the runtime out, and a live `&self` means no drop has happened.
            None => unreachable_runtime(),
        }
    }

    /// Runs a SQL query (Spark SQL dialect) and returns the result as a lazy [`DataFrame`].
    ///
    /// Errors: [`Error::Parse`] with the line and column of a syntax error, [`Error::UnknownView`],
    /// [`Error::Plan`] for unknown columns/functions or wrong argument types and counts.
    /// DDL statements (`CREATE VIEW ...`) run immediately.
    pub fn sql(&self, query: &str) -> Result<DataFrame> {
        let ctx = self.inner.ctx.clone();
        let owned = query.to_owned();
        let df = self.block_on(async move {
            ctx.sql(&owned)
                .await
                .map_err(|e| Error::from_datafusion(e, Some(&owned)))
        })?;
        Ok(DataFrame::new(self.clone(), df, Some(query.into())))
    }

    /// The DataFrame of a registered view (Spark's `spark.table`).
    pub fn table(&self, name: &str) -> Result<DataFrame> {
        if !self.view_exists(name)? {
            return Err(Error::UnknownView {
                name: name.to_owned(),
                query: None,
            });
        }
        let ctx = self.inner.ctx.clone();
        let owned = name.to_owned();
        let df = self.block_on(async move {
            ctx.table(owned.as_str())
                .await
                .map_err(|e| Error::from_datafusion(e, None))
        })?;
        Ok(DataFrame::new(self.clone(), df, None))
    }

    /// Whether a view (or table) of that name is registered.
    pub fn view_exists(&self, name: &str) -> Result<bool> {
        self.inner
            .ctx
            .table_exist(name)
            .map_err(|e| Error::from_datafusion(e, None))
    }

    /// Removes a view; returns whether it existed (Spark's `catalog.dropTempView`).
    pub fn drop_temp_view(&self, name: &str) -> Result<bool> {
        self.inner
            .ctx
            .deregister_table(name)
            .map(|t| t.is_some())
            .map_err(|e| Error::from_datafusion(e, None))
    }

    /// Names of the registered views, sorted.
    pub fn view_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        let ctx = &self.inner.ctx;
        for catalog in ctx.catalog_names() {
            let Some(c) = ctx.catalog(&catalog) else {
                continue;
            };
            for schema in c.schema_names() {
                if schema == "information_schema" {
                    continue;
                }
                if let Some(s) = c.schema(&schema) {
                    names.extend(s.table_names());
                }
            }
        }
        names.sort();
        names
    }

    /// Spark's `createDataFrame(rdd, schema)`: turns an RDD of rows (tuples, [`Row`](crate::Row)s or
    /// your own [`IntoRow`] types) into a DataFrame with the given schema.
    ///
    /// Each RDD partition becomes one DataFusion partition (record batches of at most
    /// `ember.sql.batch_rows` rows), so SQL runs in parallel. The RDD is evaluated now, once (like
    /// Spark's `createDataFrame` followed by `cache()`), so a value that does not fit the schema
    /// fails here with [`Error::SchemaMismatch`] naming the row (counted over all partitions) and
    /// the column. A schema with a type rows cannot produce is [`Error::InvalidArgument`].
    pub fn create_dataframe<T: IntoRow>(
        &self,
        rdd: &Rdd<T>,
        schema: impl IntoSchema,
    ) -> Result<DataFrame> {
        let schema = schema.into_schema();
        check_row_schema(&schema)?;
        let batch_rows = self.inner.batch_rows;
        let part_schema = Arc::clone(&schema);
        let results = rdd
            .map_partitions_with_index(move |_, rows| {
                std::iter::once(rows_to_batches(&part_schema, rows, batch_rows))
            })
            .collect()?;
        let mut partitions = Vec::with_capacity(results.len());
        let mut offset = 0usize;
        for (partition, result) in results.into_iter().enumerate() {
            match result {
                Ok(batches) => {
                    offset += batches.iter().map(RecordBatch::num_rows).sum::<usize>();
                    partitions.push(batches);
                }
                Err(e) => {
                    let field = schema.fields().get(e.column);
                    return Err(Error::SchemaMismatch {
                        row: offset + e.row,
                        partition,
                        column: field
                            .map_or_else(|| format!("#{}", e.column), |f| f.name().clone()),
                        expected: field
                            .map_or_else(|| "no column".to_owned(), |f| f.data_type().to_string()),
                        message: e.message,
                    });
                }
            }
        }
        self.dataframe_from_partitions(schema, partitions)
    }

    /// A DataFrame over record batches already in memory; they are spread round-robin over
    /// `target_partitions` partitions. All batches must share one schema
    /// ([`Error::BatchSchemaMismatch`] otherwise); an empty `Vec` is [`Error::InvalidArgument`]
    /// (there is no schema to use; see [`Session::create_dataframe_from_partitions`]).
    pub fn create_dataframe_from_batches(&self, batches: Vec<RecordBatch>) -> Result<DataFrame> {
        let schema =
            batches
                .first()
                .map(RecordBatch::schema)
                .ok_or_else(|| Error::InvalidArgument {
                    message: "cannot create a DataFrame from no batches without a schema"
                        .to_owned(),
                })?;
        let n = self
            .inner
            .ctx
            .copied_config()
            .target_partitions()
            .max(1)
            .min(batches.len());
        let mut partitions = vec![Vec::new(); n];
        for (i, b) in batches.into_iter().enumerate() {
            partitions[i % n].push(b);
        }
        self.create_dataframe_from_partitions(schema, partitions)
    }

    /// A DataFrame whose partitions are exactly the given groups of batches.
    pub fn create_dataframe_from_partitions(
        &self,
        schema: SchemaRef,
        partitions: Vec<Vec<RecordBatch>>,
    ) -> Result<DataFrame> {
        for (index, batch) in partitions.iter().flatten().enumerate() {
            if batch.schema().fields() != schema.fields() {
                return Err(Error::BatchSchemaMismatch {
                    batch: index,
                    expected: schema.to_string(),
                    found: batch.schema().to_string(),
                });
            }
        }
        self.dataframe_from_partitions(schema, partitions)
    }

    fn dataframe_from_partitions(
        &self,
        schema: SchemaRef,
        mut partitions: Vec<Vec<RecordBatch>>,
    ) -> Result<DataFrame> {
        if partitions.is_empty() {
            partitions.push(Vec::new());
        }
        let table =
            MemTable::try_new(schema, partitions).map_err(|e| Error::from_datafusion(e, None))?;
        let df = self
            .inner
            .ctx
            .read_table(Arc::new(table))
            .map_err(|e| Error::from_datafusion(e, None))?;
        Ok(DataFrame::new(self.clone(), df, None))
    }

    /// Reads a file (or a directory of files) of the given format into a lazy DataFrame.
    ///
    /// The schema is inferred now, so a missing or malformed file usually fails here with
    /// [`Error::File`]; a file that breaks later (say, a bad CSV row past the inference window)
    /// fails when the DataFrame runs, with [`Error::Execution`].
    pub fn read(&self, format: FileFormat, path: impl AsRef<Path>) -> Result<DataFrame> {
        let path = path.as_ref().to_path_buf();
        let file_err = |message: String| Error::File {
            action: "read",
            format: format.name(),
            path: path.clone(),
            message,
        };
        if !path.exists() {
            return Err(file_err("no such file or directory".to_owned()));
        }
        let location = path
            .to_str()
            .ok_or_else(|| file_err("path is not UTF-8".to_owned()))?
            .to_owned();
        // DataFusion filters files by extension (with the dot); a directory gets the default.
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| format!(".{e}"));
        let ctx = self.inner.ctx.clone();
        let df = self
            .block_on(async move {
                let df = match format {
                    FileFormat::Parquet => {
                        let mut options = ParquetReadOptions::default();
                        if let Some(ext) = &ext {
                            options = options.file_extension(ext);
                        }
                        ctx.read_parquet(location, options).await
                    }
                    FileFormat::Csv => {
                        let mut options = CsvReadOptions::new();
                        if let Some(ext) = &ext {
                            options = options.file_extension(ext);
                        }
                        ctx.read_csv(location, options).await
                    }
                    FileFormat::Json => {
                        let mut options = JsonReadOptions::default();
                        if let Some(ext) = &ext {
                            options = options.file_extension(ext);
                        }
                        ctx.read_json(location, options).await
                    }
                    FileFormat::Arrow => {
                        let mut options = ArrowReadOptions::default();
                        if let Some(ext) = &ext {
                            options.file_extension = ext;
                        }
                        ctx.read_arrow(location, options).await
                    }
                };
                df.map_err(|e| Error::Execution {
                    message: e.find_root().message().into_owned(),
                })
            })
            .map_err(|e| match e {
                Error::Execution { message } => file_err(message),
                other => other,
            })?;
        Ok(DataFrame::new(self.clone(), df, None))
    }

    /// Reads Parquet (Spark's `spark.read.parquet`).
    pub fn read_parquet(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Parquet, path)
    }

    /// Reads CSV with a header row (Spark's `spark.read.option("header", true).csv`).
    pub fn read_csv(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Csv, path)
    }

    /// Reads newline-delimited JSON (Spark's `spark.read.json`).
    pub fn read_json(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Json, path)
    }

    /// Reads an Arrow IPC file.
    pub fn read_ipc(&self, path: impl AsRef<Path>) -> Result<DataFrame> {
        self.read(FileFormat::Arrow, path)
    }

    /// Registers the file at `path` as the view `name`, choosing the reader by extension
    /// (see [`FileFormat::from_path`]). Replaces an existing view of that name.
    pub fn register_file(&self, name: &str, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let format = FileFormat::from_path(path).ok_or_else(|| Error::InvalidArgument {
            message: format!(
                "cannot tell the format of {} from its extension (expected .parquet, .csv, .json, .ndjson, .arrow or .ipc)",
                path.display()
            ),
        })?;
        self.read(format, path)?.create_or_replace_temp_view(name)
    }

    /// Registers views from `name=path` specs (the CLI's `--view name=path.parquet`), by file
    /// extension. Fails on the first malformed spec or unreadable file, naming it.
    pub fn register_views<I, S>(&self, specs: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for spec in specs {
            let (name, path) = parse_view_spec(spec.as_ref())?;
            self.register_file(name, path)?;
        }
        Ok(())
    }
}

/// Splits a `name=path` view spec.
pub fn parse_view_spec(spec: &str) -> Result<(&str, PathBuf)> {
    match spec.split_once('=') {
        Some((name, path)) if !name.trim().is_empty() && !path.trim().is_empty() => {
            Ok((name.trim(), PathBuf::from(path.trim())))
        }
        _ => Err(Error::InvalidArgument {
            message: format!("view spec `{spec}` is not of the form name=path"),
        }),
    }
}

#[allow(clippy::panic)]
fn unreachable_runtime() -> ! {
    panic!("ember-sql: session runtime used after shutdown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_specs() {
        let (name, path) = parse_view_spec("t=/tmp/a.parquet").unwrap();
        assert_eq!(name, "t");
        assert_eq!(path, PathBuf::from("/tmp/a.parquet"));
        assert!(matches!(
            parse_view_spec("nope"),
            Err(Error::InvalidArgument { .. })
        ));
        assert!(matches!(
            parse_view_spec("=x"),
            Err(Error::InvalidArgument { .. })
        ));
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(
            FileFormat::from_path(Path::new("a.PARQUET")),
            Some(FileFormat::Parquet)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.ndjson")),
            Some(FileFormat::Json)
        );
        assert_eq!(
            FileFormat::from_path(Path::new("a.feather")),
            Some(FileFormat::Arrow)
        );
        assert_eq!(FileFormat::from_path(Path::new("a.txt")), None);
    }
}
