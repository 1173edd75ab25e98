//! [`Session`], Spark's `SparkSession`: the entry point to DataFrames and SQL, and its catalog.
//! How a session is built is `builder.rs` (`Session::builder`); the runtime it runs on
//! `runtime.rs`; the methods that make DataFrames live beside what they make: SQL and views
//! `dataframe.rs`, RDDs `create.rs`, files `io.rs`. So this module depends on none of them.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DFStatement;
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;
use ember_rdd::Context;

use crate::planning::{CancelFlag, MAX_DEPTH, balance_logical_chains, check_depth};
use crate::queries::{QueryLog, QueryRecord};
use crate::runtime::QueryRuntime;
use crate::udf::UdfRegistration;
use crate::{Error, Result};

pub(crate) struct SessionInner {
    pub(crate) context: Context,
    pub(crate) ctx: SessionContext,
    pub(crate) conf: BTreeMap<String, String>,
    pub(crate) batch_rows: usize,
    pub(crate) queries: Arc<QueryLog>,
    pub(crate) runtime: QueryRuntime,
    pub(crate) master: String,
    /// What the session's SQL statements may not do.
    pub(crate) policy: crate::policy::SqlPolicy,
    /// What a remote session keeps alive (an in-process cluster), dropped with the session.
    pub(crate) _remote_guard: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

/// Spark's `SparkSession`: owns an `ember-rdd` [`Context`], a DataFusion [`SessionContext`] with
/// Spark's functions and dialect, and a small tokio runtime that runs queries.
///
/// Cheap to clone; clones share views, UDFs and the runtime.
#[derive(Clone)]
pub struct Session {
    pub(crate) inner: Arc<SessionInner>,
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

/// How many lateral column aliases one query may use ([`Session::plan_sql_here`] plans it once
/// more for each).
const MAX_LATERAL_ALIASES: usize = 16;

/// The unqualified name a planning error says is no column (DataFusion's `No field named a.`),
/// lower-cased.
fn missing_column(message: &str) -> Option<String> {
    let rest = message.split("No field named ").nth(1)?;
    let name = rest.split_whitespace().next()?.trim_end_matches('.');
    let name = name.trim_matches(|c| c == '"' || c == '`');
    (!name.is_empty() && !name.contains('.')).then(|| name.to_lowercase())
}

impl Session {
    /// The application name.
    pub fn app_name(&self) -> &str {
        self.inner.context.app_name()
    }

    /// The master URL, as given (a remote session's: its cluster's).
    pub fn master(&self) -> &str {
        &self.inner.master
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

    /// Every configuration entry given to the builder, by key.
    pub fn conf_entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inner
            .conf
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The queries this session ran through DataFrame actions (`collect`, `count`, `show`,
    /// `to_arrow`, `to_polars`, `write_to`, `collect_until`; the file writers are not recorded),
    /// newest first: text (the SQL, or `DataFrame`), physical plan, time, rows and outcome; a
    /// `count()` is recorded as the count it runs. Text and plan are cut at 64 Ki characters.
    /// Bounded by `spark.sql.ui.retainedExecutions` (default 1000; 0 records nothing); the oldest
    /// finished ones are forgotten.
    ///
    /// ```
    /// let spark = ember_sql::Session::builder().master("local[1]").get_or_create()?;
    /// spark.sql("SELECT 1 AS one")?.collect()?;
    /// let queries = spark.queries();
    /// assert_eq!(queries[0].text, "SELECT 1 AS one");
    /// assert_eq!(queries[0].rows, Some(1));
    /// assert!(queries[0].plan.contains("ProjectionExec"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn queries(&self) -> Vec<QueryRecord> {
        self.inner.queries.snapshot()
    }

    /// Registers user-defined functions (Spark's `spark.udf`).
    pub fn udf(&self) -> UdfRegistration<'_> {
        UdfRegistration {
            ctx: &self.inner.ctx,
        }
    }

    pub(crate) fn inner(&self) -> &SessionInner {
        &self.inner
    }

    /// Plans a query the way [`Session::sql`] does, and runs nothing (not even DDL): for callers
    /// that inspect a plan before they run it with [`SessionContext::execute_logical_plan`] on
    /// [`Session::datafusion`]. Awaitable on any executor. The session's
    /// [`SqlPolicy`](crate::SqlPolicy) is applied here ([`Error::Refused`]).
    ///
    /// The plan is analyzed, so its schema is the one its batches will have, and carries Spark's
    /// semantics: numeric literal types, Spark's implicit casts, string escapes, `INT` rankings,
    /// `CREATE TEMP VIEW` as a view of this session. Errors as [`Session::sql`], and
    /// [`Error::ExpressionTooDeep`] for a query nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH).
    ///
    /// Planning runs on a thread of its own (see `planning.rs`): no text overflows the caller's
    /// stack, and dropping the returned future (a cancel, a timeout) releases the caller at once
    /// and stops the planning at its next pass.
    pub async fn plan_sql_async(&self, query: &str) -> Result<LogicalPlan> {
        let session = self.clone();
        let query = query.to_owned();
        let handle = self.handle().clone();
        crate::planning::on_planning_thread(&handle.clone(), move |cancel| {
            handle.block_on(session.plan_sql_here(&query, cancel))
        })
        .await
    }

    /// The body of [`Session::plan_sql_async`], on the planning thread. A query whose result
    /// repeats a column name, which DataFusion refuses, is planned again with temporary names
    /// for its items, and its result named as Spark names it (`naming::alias_result_columns`).
    ///
    /// A query that names what is no column, where an earlier item of its `SELECT` has that
    /// alias (Spark's lateral column alias, `SELECT x + 1 AS a, a * 2`), is planned again with
    /// the references replaced (a column of that name takes precedence, as in Spark, so only a
    /// name planning could not find is replaced); each retry adds one name, at most
    /// [`MAX_LATERAL_ALIASES`].
    async fn plan_sql_here(&self, query: &str, cancel: &CancelFlag) -> Result<LogicalPlan> {
        let mut lateral = HashSet::new();
        let mut rename_result = false;
        loop {
            match self
                .plan_statement(query, cancel, rename_result, &lateral)
                .await
            {
                Err(Error::Plan { message, .. })
                    if !rename_result
                        && (message.starts_with("Projections require unique expression names")
                            || message.starts_with("Schema contains qualified field name")
                                && message.ends_with("which would be ambiguous")) =>
                {
                    rename_result = true;
                }
                Err(Error::Plan { message, .. })
                    if lateral.len() < MAX_LATERAL_ALIASES
                        && let Some(name) = missing_column(&message)
                        && lateral.insert(name) => {}
                planned => return planned,
            }
        }
    }

    /// Plans `query`; with `rename_result`, under temporary names for the result's columns;
    /// `lateral` are the lateral column aliases to replace ([`Session::plan_sql_here`]).
    async fn plan_statement(
        &self,
        query: &str,
        cancel: &CancelFlag,
        rename_result: bool,
        lateral: &HashSet<String>,
    ) -> Result<LogicalPlan> {
        let df_err = |e| Error::from_datafusion(e, Some(query));
        let state = self.inner.ctx.state();
        // `exists(array, x -> ...)` would parse as an EXISTS subquery: renamed first.
        let text = crate::shapes::rename_exists_calls(query);
        let mut statement =
            crate::numeric_literals::parse_statement(&state, &text).map_err(df_err)?;
        balance_logical_chains(&mut statement);
        check_depth(&mut statement, MAX_DEPTH, query)?;
        // Spark's names, from what the user wrote, before Ember's rewrites change it.
        crate::naming::name_columns(&mut statement, lateral);
        if !lateral.is_empty() {
            crate::shapes::lateral_column_aliases(&mut statement, lateral).map_err(df_err)?;
        }
        // PIVOT groups by its input's other columns: plan each input to learn them.
        let mut pivots = crate::shapes::PivotColumns::new();
        for input in crate::shapes::pivot_inputs(&mut statement) {
            cancel.check()?;
            let select = format!("SELECT * FROM {input}");
            let mut select =
                crate::numeric_literals::parse_statement(&state, &select).map_err(df_err)?;
            spark_syntax(&mut select, &pivots).map_err(df_err)?;
            let plan = state.statement_to_plan(select).await.map_err(df_err)?;
            let columns = plan.schema().fields().iter().map(|f| f.name().clone());
            pivots.insert(input, columns.collect());
        }
        cancel.check()?;
        // `s.*` of a struct column: plan the struct once to learn its fields.
        if crate::naming::has_struct_stars(&mut statement) {
            let mut probe = statement.clone();
            crate::naming::probe_struct_stars(&mut probe);
            spark_syntax(&mut probe, &pivots).map_err(df_err)?;
            // A probe that does not plan leaves the statement to fail as it would.
            if let Ok(plan) = state.statement_to_plan(probe).await {
                let fields = struct_star_fields(plan.schema()).map_err(|message| Error::Plan {
                    query: Some(query.to_owned()),
                    line: None,
                    column: None,
                    message,
                })?;
                crate::naming::expand_struct_stars(&mut statement, &fields);
            }
        }
        // Spark's names that repeat in the result are given at once (DataFusion would refuse
        // them); a repeat only planning finds (`SELECT id, *`) comes back here as `rename_result`.
        let renamed = if rename_result || crate::naming::result_names_repeat(&mut statement) {
            crate::naming::alias_result_columns(&mut statement)
        } else {
            Vec::new()
        };
        cancel.check()?;
        spark_syntax(&mut statement, &pivots).map_err(df_err)?;
        // The rewrites add a few levels (a marker around a literal, a cast).
        check_depth(&mut statement, MAX_DEPTH + 8, query)?;
        temp_views_as_views(&mut statement);
        cancel.check()?;
        let plan = state
            .statement_to_plan(statement)
            .await
            .map_err(|e| spark_names_in_error(df_err(e), &renamed))?;
        cancel.check()?;
        // Inputs Spark refuses, before the analyzer casts them to what DataFusion accepts.
        crate::type_checks::check_input_types(&plan).map_err(df_err)?;
        crate::functions::counter_diff::check_windows(&plan).map_err(df_err)?;
        let plan = crate::lateral::decorrelate(plan).map_err(df_err)?;
        let plan = crate::coercion::spark_types(plan).map_err(df_err)?;
        let plan = crate::functions::time_window::session_windows(plan).map_err(df_err)?;
        let plan = crate::functions::intervals::keep_interval_fields(plan).map_err(df_err)?;
        let plan = crate::ranking::int_rankings(plan).map_err(df_err)?;
        cancel.check()?;
        // The planner's schema is computed before type coercion, so a mixed-type `CASE`
        // declared the type of its first branch (`THEN 1 ELSE 2.5D` as INT) while its
        // batches held doubles (issue 10). The analyzed plan declares what runs.
        let plan = state
            .analyzer()
            .execute_and_check(plan, state.config_options(), |_, _| {})
            .map_err(df_err)?;
        // What the session's policy refuses, before anything of the statement runs.
        self.inner.policy.check(&plan)?;
        if renamed.is_empty() {
            return Ok(plan);
        }
        restore_result_names(plan, &renamed).map_err(df_err)
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
}

/// The field names of each struct a struct-star probe planned, by the star's position in its
/// `SELECT` (`naming::probe_struct_stars`); Spark's refusal of a star of anything else.
fn struct_star_fields(
    schema: &datafusion::common::DFSchema,
) -> std::result::Result<std::collections::HashMap<usize, Vec<String>>, String> {
    use datafusion::arrow::datatypes::DataType as ArrowType;
    let mut stars = std::collections::HashMap::new();
    for f in schema.fields() {
        let Some(position) = f
            .name()
            .strip_prefix(crate::naming::STRUCT_STAR_PREFIX)
            .and_then(|p| p.parse().ok())
        else {
            continue;
        };
        let ArrowType::Struct(fields) = f.data_type() else {
            return Err(
                "Can only star expand struct data types: a `name.*` names a column that is not \
                 a struct"
                    .to_owned(),
            );
        };
        stars.insert(position, fields.iter().map(|f| f.name().clone()).collect());
    }
    Ok(stars)
}

/// `err` with the temporary names of a result's columns (`naming::alias_result_columns`)
/// written as Spark's names, so a refusal never shows Ember's own.
fn spark_names_in_error(err: Error, renamed: &[(String, String)]) -> Error {
    let prefix = crate::naming::RESULT_COLUMN_PREFIX;
    match err {
        Error::Plan {
            query,
            line,
            column,
            message,
        } if message.contains(prefix) => {
            let names: std::collections::HashMap<&str, &str> = renamed
                .iter()
                .map(|(t, n)| (t.as_str(), n.as_str()))
                .collect();
            let mut out = String::with_capacity(message.len());
            let mut rest = message.as_str();
            while let Some(at) = rest.find(prefix) {
                out.push_str(&rest[..at]);
                let digits = rest[at + prefix.len()..]
                    .bytes()
                    .take_while(u8::is_ascii_digit)
                    .count();
                let temporary = &rest[at..at + prefix.len() + digits];
                out.push_str(names.get(temporary).copied().unwrap_or(temporary));
                rest = &rest[at + prefix.len() + digits..];
            }
            out.push_str(rest);
            Error::Plan {
                query,
                line,
                column,
                message: out,
            }
        }
        other => other,
    }
}

/// The result of a query planned under temporary column names (`renamed`: each temporary
/// name and Spark's), named as Spark names it: a projection on top gives each column its name
/// back, and each column whose name repeats or may repeat another's a qualifier of its own
/// (DataFusion's schemas allow one name twice only under two qualifiers; the result's Arrow
/// schema then has the name twice, as Spark's).
fn restore_result_names(
    plan: LogicalPlan,
    renamed: &[(String, String)],
) -> datafusion::error::Result<LogicalPlan> {
    use datafusion::common::{Column, TableReference};
    use datafusion::logical_expr::{Expr, Projection};
    let names: std::collections::HashSet<&str> =
        renamed.iter().map(|(_, name)| name.as_str()).collect();
    let spark_names: std::collections::HashMap<&str, &str> = renamed
        .iter()
        .map(|(temporary, name)| (temporary.as_str(), name.as_str()))
        .collect();
    let exprs = plan
        .schema()
        .iter()
        .enumerate()
        .map(|(i, (qualifier, field))| {
            let column = Expr::Column(Column::new(qualifier.cloned(), field.name()));
            let own = || {
                Some(TableReference::bare(format!(
                    "{}{i}",
                    crate::naming::RESULT_COLUMN_PREFIX
                )))
            };
            match spark_names.get(field.name().as_str()) {
                Some(name) => column.alias_qualified(own(), *name),
                None if qualifier.is_none() && names.contains(field.name().as_str()) => {
                    column.alias_qualified(own(), field.name())
                }
                None => column,
            }
        })
        .collect();
    Projection::try_new(exprs, std::sync::Arc::new(plan)).map(LogicalPlan::Projection)
}

/// Spark's `CREATE [OR REPLACE] TEMP[ORARY] VIEW` as a view of the session's catalog: a DataFusion
/// view lives in its `SessionContext`, which is what a Spark temp view is (one per session),
/// while DataFusion refuses the `TEMPORARY` keyword.
fn temp_views_as_views(statement: &mut DFStatement) {
    if let Some(SqlStatement::CreateView(view)) = crate::planning::sql_statement_mut(statement) {
        view.temporary = false;
    }
}

/// Spark's syntax on a parsed statement, before it is planned: query shapes DataFusion's planner
/// lacks (LATERAL VIEW, PIVOT, generators, ...), string escapes, `arrays_zip`'s field names,
/// then numeric literal types (last, so the literals the shape rewrites write are typed too).
fn spark_syntax(
    statement: &mut DFStatement,
    pivots: &crate::shapes::PivotColumns,
) -> datafusion::error::Result<()> {
    crate::shapes::rewrite(statement, pivots)?;
    crate::literals::unescape_string_literals(statement);
    crate::functions::arrays_zip::name_arrays_zip_fields(statement);
    crate::functions::variant::rewrite_variant_casts(statement);
    crate::numeric_literals::mark_numeric_literals(statement)
}

impl Session {
    /// Runs `fut` on the session's runtime and blocks the calling thread until it finishes
    /// (see [`QueryRuntime`]'s `block_on` for the rule).
    pub(crate) fn block_on<F, T>(&self, fut: F) -> Result<T>
    where
        F: Future<Output = Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        self.inner.runtime.block_on(fut)
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
        self.inner.runtime.run(fut).await
    }

    pub(crate) fn handle(&self) -> &tokio::runtime::Handle {
        self.inner.runtime.handle()
    }
}
