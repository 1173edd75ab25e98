//! [`DataFrame`]: a lazy query over a [`Session`](crate::Session), Spark's `DataFrame`.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::logical_expr::{Expr, JoinType, SortExpr};
use ember_rdd::Rdd;

use crate::export::OutputFormat;
use crate::file_format::FileFormat;
use crate::row::{Row, batch_to_rows};
use crate::session::Session;
use crate::{Error, Result};

/// A lazy, immutable query: transformations build a plan, actions (`collect`, `count`, `show`,
/// `to_polars`, the writers) run it on the session's runtime.
///
/// One rule for actions, as in Spark: the plain name blocks and returns the value
/// (`df.count()` is a number), from plain threads or inside any tokio runtime; where an async
/// variant exists it sits beside it under an `_async` name (`collect_async`, `count_async`)
/// and may be awaited from any executor.
///
/// ```
/// use ember_sql::Session;
///
/// let spark = Session::builder().master("local[2]").get_or_create()?;
/// let df = spark.sql("SELECT * FROM (VALUES (1), (2), (3)) AS t(x) WHERE x > 1")?;
/// assert_eq!(df.count()?, 2);
/// let batches = df.collect()?;
/// assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DataFrame {
    session: Session,
    df: datafusion::dataframe::DataFrame,
    /// The SQL text this DataFrame came from, for error messages.
    query: Option<Arc<str>>,
    /// Whether `df`'s plan is the analyzed plan [`Session::sql`] made (nothing derived from it
    /// since), so running it needs only the optimizer ([`physical_plan`]).
    analyzed: bool,
}

impl fmt::Debug for DataFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataFrame")
            .field("schema", &self.schema())
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

/// A result cut at a number of rows ([`DataFrame::collect_limited_until`]).
#[derive(Debug, Clone)]
pub struct LimitedBatches {
    /// The result's schema (also when no batch came).
    pub schema: SchemaRef,
    /// The rows, at most the limit asked for.
    pub batches: Vec<RecordBatch>,
    /// Whether the result had more rows (the query was stopped at the limit).
    pub truncated: bool,
}

/// The session's methods that make a [`DataFrame`] from SQL or a view (files are `io.rs`'s,
/// RDDs `create.rs`'s).
impl Session {
    /// Runs a SQL query (Spark SQL dialect) and returns the result as a lazy [`DataFrame`].
    ///
    /// Errors: [`Error::Parse`] with the line and column of a syntax error, [`Error::UnknownView`],
    /// [`Error::Plan`] for unknown columns/functions or wrong argument types and counts.
    /// DDL statements (`CREATE VIEW ...`) run immediately.
    pub fn sql(&self, query: &str) -> Result<DataFrame> {
        let session = self.clone();
        let owned = query.to_owned();
        let df = self.block_on(async move {
            let plan = session.plan_sql_async(&owned).await?;
            session
                .inner
                .ctx
                .execute_logical_plan(plan)
                .await
                .map_err(|e| Error::from_datafusion(e, Some(&owned)))
        })?;
        Ok(DataFrame::from_sql(self.clone(), df, query))
    }

    /// [`sql`](Self::sql) for async callers: plans on the runtime's blocking pool and runs DDL
    /// (`CREATE VIEW ...`) at once, awaitable on any executor; dropping it stops the planning.
    pub async fn sql_async(&self, query: &str) -> Result<DataFrame> {
        let plan = self.plan_sql_async(query).await?;
        let ctx = self.inner().ctx.clone();
        let owned = query.to_owned();
        let df = self
            .spawn(async move {
                ctx.execute_logical_plan(plan)
                    .await
                    .map_err(|e| Error::from_datafusion(e, Some(&owned)))
            })
            .await?;
        Ok(DataFrame::from_sql(self.clone(), df, query))
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
}

impl DataFrame {
    pub(crate) fn new(
        session: Session,
        df: datafusion::dataframe::DataFrame,
        query: Option<Arc<str>>,
    ) -> Self {
        Self {
            session,
            df,
            query,
            analyzed: false,
        }
    }

    /// The DataFrame of a query [`Session::plan_sql_async`] planned (and analyzed).
    fn from_sql(session: Session, df: datafusion::dataframe::DataFrame, query: &str) -> Self {
        Self {
            analyzed: true,
            ..Self::new(session, df, Some(query.into()))
        }
    }

    fn err(&self, e: datafusion::error::DataFusionError) -> Error {
        Error::from_datafusion(e, self.query.as_deref())
    }

    fn derive(
        &self,
        f: impl FnOnce(
            datafusion::dataframe::DataFrame,
        ) -> datafusion::error::Result<datafusion::dataframe::DataFrame>,
    ) -> Result<DataFrame> {
        let df = f(self.df.clone()).map_err(|e| self.err(e))?;
        Ok(DataFrame::new(self.session.clone(), df, self.query.clone()))
    }

    /// The session this DataFrame belongs to.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The underlying DataFusion DataFrame.
    pub fn datafusion(&self) -> &datafusion::dataframe::DataFrame {
        &self.df
    }

    /// The result schema (as Arrow).
    pub fn schema(&self) -> SchemaRef {
        Arc::clone(self.df.schema().inner())
    }

    /// The schema as Spark's `printSchema()` shows it, with Spark's type names:
    ///
    /// ```
    /// # let spark = ember_sql::Session::builder().master("local[1]").get_or_create()?;
    /// let df = spark.sql("SELECT 1 AS id, 2.5 AS price, array('a') AS tags")?;
    /// assert_eq!(
    ///     df.tree_string(),
    ///     "root\n \
    ///      |-- id: integer (nullable = false)\n \
    ///      |-- price: decimal(2,1) (nullable = false)\n \
    ///      |-- tags: array (nullable = false)\n \
    ///      |    |-- element: string (containsNull = true)\n"
    /// );
    /// # Ok::<(), ember_sql::Error>(())
    /// ```
    pub fn tree_string(&self) -> String {
        crate::types::tree_string(self.df.schema().as_arrow())
    }

    /// Prints [`tree_string`](Self::tree_string) (Spark's `printSchema()`).
    pub fn print_schema(&self) {
        print!("{}", self.tree_string());
    }

    /// Column names, in order (Spark's `columns`).
    pub fn columns(&self) -> Vec<String> {
        self.df
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    // ---- views ----

    /// Registers this DataFrame as the temp view `name`, replacing any view of that name
    /// (Spark's `createOrReplaceTempView`). The view is lazy: queries over it re-run this plan.
    pub fn create_or_replace_temp_view(&self, name: &str) -> Result<()> {
        let ctx = self.session.datafusion();
        ctx.deregister_table(name).map_err(|e| self.err(e))?;
        ctx.register_table(name, self.df.clone().into_view())
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Registers this DataFrame as the temp view `name`; [`Error::ViewExists`] if there is one
    /// (Spark's `createTempView`).
    pub fn create_temp_view(&self, name: &str) -> Result<()> {
        if self.session.view_exists(name)? {
            return Err(Error::ViewExists {
                name: name.to_owned(),
            });
        }
        self.create_or_replace_temp_view(name)
    }

    /// Spark 1.x's `registerTempTable`, used by the seed: same as
    /// [`create_or_replace_temp_view`](Self::create_or_replace_temp_view).
    pub fn register_temp_table(&self, name: &str) -> Result<()> {
        self.create_or_replace_temp_view(name)
    }

    // ---- transformations ----

    /// Projects expressions (`col("a")`, `col("b") * lit(2)`, `squared(col("x")).alias("y")`).
    pub fn select(&self, exprs: impl IntoIterator<Item = Expr>) -> Result<DataFrame> {
        let exprs: Vec<Expr> = exprs.into_iter().collect();
        self.derive(|df| df.select(exprs))
    }

    /// Projects columns by name.
    pub fn select_columns(&self, columns: &[&str]) -> Result<DataFrame> {
        self.derive(|df| df.select_columns(columns))
    }

    /// Keeps rows where `predicate` is true (Spark's `filter`/`where`).
    pub fn filter(&self, predicate: Expr) -> Result<DataFrame> {
        self.derive(|df| df.filter(predicate))
    }

    /// Adds or replaces the column `name` (Spark's `withColumn`).
    pub fn with_column(&self, name: &str, expr: Expr) -> Result<DataFrame> {
        self.derive(|df| df.with_column(name, expr))
    }

    /// Groups by expressions; finish with [`GroupedData::agg`] (Spark's `groupBy`).
    pub fn group_by(&self, exprs: impl IntoIterator<Item = Expr>) -> GroupedData {
        GroupedData {
            df: self.clone(),
            group: exprs.into_iter().collect(),
        }
    }

    /// Sorts (Spark's `orderBy`): `col("x").sort(true, false)` is ascending, nulls last.
    pub fn order_by(&self, sort: impl IntoIterator<Item = SortExpr>) -> Result<DataFrame> {
        let sort: Vec<SortExpr> = sort.into_iter().collect();
        self.derive(|df| df.sort(sort))
    }

    /// Keeps the first `n` rows.
    pub fn limit(&self, n: usize) -> Result<DataFrame> {
        self.derive(|df| df.limit(0, Some(n)))
    }

    /// Equi-joins with `right` on `left_cols[i] = right_cols[i]`.
    pub fn join(
        &self,
        right: &DataFrame,
        join_type: JoinType,
        left_cols: &[&str],
        right_cols: &[&str],
    ) -> Result<DataFrame> {
        let right = right.df.clone();
        self.derive(|df| df.join(right, join_type, left_cols, right_cols, None))
    }

    /// Joins with `right` on arbitrary boolean expressions.
    pub fn join_on(
        &self,
        right: &DataFrame,
        join_type: JoinType,
        on: impl IntoIterator<Item = Expr>,
    ) -> Result<DataFrame> {
        let right = right.df.clone();
        let on: Vec<Expr> = on.into_iter().collect();
        self.derive(|df| df.join_on(right, join_type, on))
    }

    // ---- actions ----

    /// [`collect`](Self::collect) for async callers: runs on the session's runtime, so any
    /// executor may await it.
    pub async fn collect_async(&self) -> Result<Vec<RecordBatch>> {
        let run = self.recorded(self.df.clone(), self.analyzed);
        let parts = self.session.spawn(run).await?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// [`collect_async`](Self::collect_async) that stops the query if `stop` resolves first: its
    /// DataFusion streams are dropped, which stops the work, and the answer is `Ok(None)` (the
    /// query log records it as failed, cancelled). For shells and servers that cancel queries.
    ///
    /// ```
    /// # let spark = ember_sql::Session::builder().master("local[1]").get_or_create()?;
    /// let df = spark.sql("SELECT count(*) FROM range(0, 10000000000)")?;
    /// let waiter = tokio::runtime::Builder::new_current_thread().build()?;
    /// // Stopped at once: the query never finishes its ten billion rows.
    /// assert!(waiter.block_on(df.collect_until(async {}))?.is_none());
    /// assert!(spark.queries()[0].error.as_deref().unwrap().starts_with("cancelled"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn collect_until(
        &self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<Option<Vec<RecordBatch>>> {
        let run = self.recorded(self.df.clone(), self.analyzed);
        self.session
            .spawn(async move {
                tokio::select! {
                    parts = run => parts.map(|p| Some(p.into_iter().flatten().collect())),
                    () = stop => Ok(None),
                }
            })
            .await
    }

    /// Runs the query until `max_rows` rows came, or until `stop` resolves (`Ok(None)`): the
    /// rest of the query is not computed (its streams are dropped, which stops the work). The
    /// rows kept may hold at most `max_bytes` bytes of Arrow data (counted as sliced, so a few
    /// rows cut from a large batch count as a few rows); past that the query is stopped and the
    /// call fails with [`Error::ResultTooLarge`], holding at most one batch more than the bound.
    /// For servers that bound and cancel what their clients ask. Runs on the session's runtime,
    /// so any executor may await it. Not listed in the session's query log.
    ///
    /// ```
    /// # let spark = ember_sql::Session::builder().master("local[1]").get_or_create()?;
    /// let df = spark.sql("SELECT id FROM range(0, 10000000000)")?;
    /// let waiter = tokio::runtime::Builder::new_current_thread().build()?;
    /// let first = waiter
    ///     .block_on(df.collect_limited_until(3, 1 << 20, std::future::pending()))?
    ///     .unwrap();
    /// assert!(first.truncated);
    /// assert_eq!(first.batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
    /// let too_big = waiter.block_on(df.collect_limited_until(1_000_000, 1024, std::future::pending()));
    /// assert!(matches!(too_big, Err(ember_sql::Error::ResultTooLarge { limit: 1024 })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn collect_limited_until(
        &self,
        max_rows: usize,
        max_bytes: usize,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<Option<LimitedBatches>> {
        use futures_util::StreamExt;
        let (df, analyzed) = (self.df.clone(), self.analyzed);
        let query = self.query.clone();
        self.session
            .spawn(async move {
                let on_error = |e| Error::from_datafusion(e, query.as_deref());
                let schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
                let run = async {
                    let task_ctx = Arc::new(df.task_ctx());
                    let plan = physical_plan(df, analyzed).await.map_err(on_error)?;
                    let mut stream = datafusion::physical_plan::execute_stream(plan, task_ctx)
                        .map_err(on_error)?;
                    let (mut batches, mut rows, mut truncated) = (Vec::new(), 0usize, false);
                    let mut bytes = 0usize;
                    while let Some(batch) = stream.next().await {
                        let mut batch = batch.map_err(on_error)?;
                        let left = max_rows - rows;
                        if batch.num_rows() > left {
                            batch = batch.slice(0, left);
                            truncated = true;
                        }
                        bytes = bytes.saturating_add(sliced_size(&batch));
                        if bytes > max_bytes {
                            return Err(Error::ResultTooLarge { limit: max_bytes });
                        }
                        rows += batch.num_rows();
                        batches.push(batch);
                        if truncated {
                            break;
                        }
                    }
                    Ok(LimitedBatches {
                        schema,
                        batches,
                        truncated,
                    })
                };
                tokio::select! {
                    limited = run => limited.map(Some),
                    () = stop => Ok(None),
                }
            })
            .await
    }

    /// Runs `df` (this DataFrame's plan, or one derived from it) to completion, recorded in the
    /// session's query log ([`Session::queries`]), and returns its batches by output partition.
    fn recorded(
        &self,
        df: datafusion::dataframe::DataFrame,
        analyzed: bool,
    ) -> impl std::future::Future<Output = Result<Vec<Vec<RecordBatch>>>> + Send + 'static {
        let query = self.query.clone();
        // Listed from here, before anything is awaited: a future dropped at once (a cancel)
        // still leaves its record, marked cancelled.
        let recording = self
            .session
            .inner()
            .queries
            .begin(query.as_deref().unwrap_or("DataFrame"));
        async move {
            let on_error = |e| Error::from_datafusion(e, query.as_deref());
            let task_ctx = Arc::new(df.task_ctx());
            let plan = physical_plan(df, analyzed).await.map_err(on_error);
            recording.run(plan, task_ctx, on_error).await
        }
    }

    /// The plan of `count()`: one row, the number of rows.
    fn count_plan(&self) -> Result<datafusion::dataframe::DataFrame> {
        use datafusion::functions_aggregate::count::count;
        use datafusion::logical_expr::utils::COUNT_STAR_EXPANSION;
        self.df
            .clone()
            .aggregate(
                vec![],
                vec![count(Expr::Literal(COUNT_STAR_EXPANSION, None))],
            )
            .map_err(|e| Error::from_datafusion(e, self.query.as_deref()))
    }

    /// The number in `count()`'s one row.
    fn counted(parts: &[Vec<RecordBatch>]) -> Result<usize> {
        parts
            .iter()
            .flatten()
            .find(|b| b.num_rows() > 0)
            .and_then(|b| {
                b.column(0)
                    .as_any()
                    .downcast_ref::<datafusion::arrow::array::Int64Array>()
                    .and_then(|a| a.values().first().copied())
            })
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| Error::Runtime {
                message: "count() returned no number".to_owned(),
            })
    }

    /// Runs the query and returns its record batches (blocking; works inside or outside any
    /// runtime).
    ///
    /// Errors raised while the query runs: [`Error::ArithmeticOverflow`] when integer
    /// arithmetic overflows its type, [`Error::Udf`] when a UDF fails, [`Error::Execution`]
    /// for the rest (a bad cast, I/O, ...).
    pub fn collect(&self) -> Result<Vec<RecordBatch>> {
        let parts = self.collect_partitioned()?;
        Ok(parts.into_iter().flatten().collect())
    }

    /// Runs the query and returns the batches of each output partition.
    pub fn collect_partitioned(&self) -> Result<Vec<Vec<RecordBatch>>> {
        self.session
            .block_on(self.recorded(self.df.clone(), self.analyzed))
    }

    /// [`count`](Self::count) for async callers.
    pub async fn count_async(&self) -> Result<usize> {
        let run = self.recorded(self.count_plan()?, false);
        Self::counted(&self.session.spawn(run).await?)
    }

    /// The number of rows (blocking, like Spark's `df.count()`).
    pub fn count(&self) -> Result<usize> {
        let run = self.recorded(self.count_plan()?, false);
        Self::counted(&self.session.block_on(run)?)
    }

    /// The first `n` rows as a pretty table (what [`show`](Self::show) prints).
    pub fn show_string(&self, n: usize) -> Result<String> {
        let limited = self.limit(n)?;
        crate::export::shown_table(&limited.schema(), &limited.collect()?)
    }

    /// Prints the first `n` rows as a table to stdout (Spark's `show(n)`).
    pub fn show(&self, n: usize) -> Result<()> {
        println!("{}", self.show_string(n)?);
        Ok(())
    }

    /// The logical and physical plans, as text (Spark's `explain()`).
    pub fn explain(&self) -> Result<String> {
        let explained = self.derive(|df| df.explain(false, false))?;
        let batches = explained.collect()?;
        crate::export::pretty_table(&explained.schema(), &batches)
    }

    /// Runs the query and returns the rows as an RDD on the session's context, one RDD partition
    /// per output partition (Spark's `df.rdd`).
    pub fn rdd(&self) -> Result<Rdd<Row>> {
        let partitions = self.collect_partitioned()?;
        let mut rows = Vec::with_capacity(partitions.len());
        for batches in &partitions {
            let mut partition = Vec::new();
            for batch in batches {
                partition.extend(batch_to_rows(batch)?);
            }
            rows.push(partition);
        }
        Ok(self.session.context().parallelize_partitions(rows)?)
    }

    // ---- export ----

    /// "toPandas" for Arrow users: the result as record batches (blocking).
    pub fn to_arrow(&self) -> Result<Vec<RecordBatch>> {
        self.collect()
    }

    /// Writes the result to `writer` in the Arrow IPC *streaming* format (what
    /// `pyarrow.ipc.open_stream` reads; blocking).
    pub fn to_ipc_stream<W: Write>(&self, writer: W) -> Result<()> {
        let batches = self.collect()?;
        crate::export::write_ipc_stream(writer, &self.schema(), &batches)
    }

    /// Runs the query and renders all rows to `writer` in `format` (the CLI's `ember sql`).
    pub fn write_to<W: Write>(&self, format: OutputFormat, writer: W) -> Result<()> {
        let batches = self.collect()?;
        crate::export::render(&self.schema(), &batches, format, writer)
    }

    // ---- writers ----

    fn write_file(&self, format: FileFormat, path: &Path) -> Result<()> {
        let file_err = |message: String| Error::File {
            action: "write",
            format: format.name(),
            path: path.to_path_buf(),
            message,
        };
        if format == FileFormat::Arrow {
            let batches = self.collect()?;
            let file = std::fs::File::create(path).map_err(|e| file_err(e.to_string()))?;
            return crate::export::write_ipc_file(file, &self.schema(), &batches)
                .map_err(|e| file_err(e.to_string()));
        }
        let location = path
            .to_str()
            .ok_or_else(|| file_err("path is not UTF-8".to_owned()))?
            .to_owned();
        // A path with an extension is one file; without, DataFusion writes a directory of parts.
        let options =
            DataFrameWriteOptions::new().with_single_file_output(path.extension().is_some());
        let df = self.df.clone();
        self.session
            .block_on(async move {
                let written = match format {
                    FileFormat::Parquet => df.write_parquet(&location, options, None).await,
                    FileFormat::Csv => df.write_csv(&location, options, None).await,
                    FileFormat::Json => df.write_json(&location, options, None).await,
                    FileFormat::Arrow => Ok(Vec::new()),
                };
                written.map(|_| ()).map_err(|e| Error::Execution {
                    message: e.find_root().message().into_owned(),
                })
            })
            .map_err(|e| match e {
                Error::Execution { message } => file_err(message),
                other => other,
            })
    }

    /// Writes Parquet (one file if `path` has an extension, else a directory of parts).
    pub fn write_parquet(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_file(FileFormat::Parquet, path.as_ref())
    }

    /// Writes CSV with a header row.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_file(FileFormat::Csv, path.as_ref())
    }

    /// Writes newline-delimited JSON.
    pub fn write_json(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_file(FileFormat::Json, path.as_ref())
    }

    /// Writes an Arrow IPC *file* (the random-access format, `.arrow`/`.feather`, what
    /// `pyarrow.ipc.open_file` and [`Session::read_ipc`] read).
    pub fn write_ipc_file(&self, path: impl AsRef<Path>) -> Result<()> {
        self.write_file(FileFormat::Arrow, path.as_ref())
    }
}

/// A grouped DataFrame waiting for aggregates (Spark's `GroupedData`).
#[derive(Debug, Clone)]
pub struct GroupedData {
    df: DataFrame,
    group: Vec<Expr>,
}

impl GroupedData {
    /// Aggregates each group: `agg([count(col("x")).alias("n"), avg(col("y"))])`.
    pub fn agg(&self, aggs: impl IntoIterator<Item = Expr>) -> Result<DataFrame> {
        let aggs: Vec<Expr> = aggs.into_iter().collect();
        let group = self.group.clone();
        self.df.derive(|df| df.aggregate(group, aggs))
    }
}

/// The bytes of Arrow data `batch`'s rows hold, counting only the slice a sliced batch covers.
fn sliced_size(batch: &RecordBatch) -> usize {
    batch
        .columns()
        .iter()
        .map(|c| {
            c.to_data()
                .get_slice_memory_size()
                .unwrap_or_else(|_| c.get_array_memory_size())
        })
        .sum()
}

/// `df`'s physical plan. DataFusion's own path analyzes the logical plan and then optimizes it;
/// a plan [`Session::sql`] made was analyzed already when it was planned (so that the
/// DataFrame's schema is what runs), and analyzing it again was a third of `Session::sql`'s
/// time on TPC-H q08, so only the optimizer runs on it. `EXPLAIN` keeps DataFusion's path, which lists
/// the analyzer's passes.
async fn physical_plan(
    df: datafusion::dataframe::DataFrame,
    analyzed: bool,
) -> datafusion::error::Result<Arc<dyn datafusion::physical_plan::ExecutionPlan>> {
    let (state, plan) = df.into_parts();
    if !analyzed || matches!(plan, datafusion::logical_expr::LogicalPlan::Explain(_)) {
        return state.create_physical_plan(&plan).await;
    }
    let optimized = state.optimizer().optimize(plan, &state, |_, _| {})?;
    state
        .query_planner()
        .create_physical_plan(&optimized, &state)
        .await
}
