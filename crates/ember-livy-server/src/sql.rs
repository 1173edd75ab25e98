//! `sql` sessions: each owns one [`ember_sql::Session`], so every client of a Livy session sees
//! the same temp views and tables (a context shared between clients).

use std::sync::{Arc, Mutex, OnceLock};

use ember_livy::protocol::{MIME_JSON, SessionKind};
use ember_sql::{Error as SqlError, QueryRuntime, Session, SharedMemoryPool, SqlPolicy};
use futures_util::future::BoxFuture;
use serde_json::Map;
use tokio::sync::watch;

use crate::error::Error;
use crate::interpreter::{Death, Execution, Interpreter, InterpreterFactory, SessionSpec};
use crate::{spark_error, table};

/// The session `conf` key that sets a session's row cap (Livy's).
pub const ROW_CAP_KEY: &str = "livy.rsc.sql.num-rows";

/// The memory pool all sql sessions of a server share: `limit` bytes, split fairly among the
/// queries that can spill; "Resources exhausted" errors name the largest consumers
/// ([`ember_sql::memory_pool`]).
pub fn memory_pool(limit: usize) -> SharedMemoryPool {
    ember_sql::memory_pool(limit)
}

/// Makes the interpreters of `sql` sessions.
#[derive(Debug, Clone)]
pub struct SqlFactory {
    /// The master when the session's conf names none.
    pub default_master: String,
    /// Whether statements may touch the server's files.
    pub allow_file_access: bool,
    /// The default row cap.
    pub row_cap: usize,
    /// The most a session's conf may raise the row cap to.
    pub max_row_cap: usize,
    /// The largest result of one statement, in bytes of JSON.
    pub max_result_bytes: usize,
    /// The most threads a session's `local[N]` may ask for.
    pub max_cores: usize,
    /// The memory pool every session's queries reserve from.
    pub memory_pool: SharedMemoryPool,
    /// The pool's size, in bytes, for error messages.
    pub memory_limit: usize,
    /// The runtime every session's queries run on (`max_cores` threads), started with the
    /// first sql session: sessions hold no threads of their own.
    pub runtime: Arc<Mutex<Option<QueryRuntime>>>,
}

impl SqlFactory {
    /// The runtime all sessions share, started on first use.
    fn runtime(&self) -> Result<QueryRuntime, Error> {
        let mut slot = self
            .runtime
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(rt) = slot.as_ref() {
            return Ok(rt.clone());
        }
        let rt = QueryRuntime::new(self.max_cores).map_err(|e| engine_failed(e.to_string()))?;
        *slot = Some(rt.clone());
        Ok(rt)
    }
}

impl InterpreterFactory for SqlFactory {
    fn runs_code(&self) -> bool {
        false
    }

    fn create(&self, spec: &SessionSpec) -> Result<Arc<dyn Interpreter>, Error> {
        let refused = |setting: &str, reason: String| Error::SessionRefused {
            setting: setting.to_owned(),
            reason,
        };
        let row_cap = match spec.conf.get(ROW_CAP_KEY) {
            None => self.row_cap,
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    refused(
                        ROW_CAP_KEY,
                        format!("{ROW_CAP_KEY} must be a positive integer, got '{v}'"),
                    )
                })?,
        };
        if row_cap > self.max_row_cap {
            return Err(refused(
                ROW_CAP_KEY,
                format!(
                    "{ROW_CAP_KEY} {row_cap} is above this server's maximum of {} rows (--max-sql-row-cap)",
                    self.max_row_cap
                ),
            ));
        }
        let master = ember_spark::cap_master(
            spec.conf
                .get("spark.master")
                .map_or(self.default_master.as_str(), String::as_str),
            self.max_cores,
        )
        .map_err(|reason| refused("spark.master", reason))?;
        let file_key = spec
            .conf
            .keys()
            .find(|k| crate::guard::conf_reaches_files(k));
        if let Some(key) = file_key.filter(|_| !self.allow_file_access) {
            return Err(refused(
                key,
                format!(
                    "conf key '{key}' gives access to the server's files; the server was started without --allow-file-access"
                ),
            ));
        }
        Ok(Arc::new(SqlInterpreter {
            spec: spec.clone(),
            master,
            runtime: self.runtime()?,
            memory_pool: self.memory_pool.clone(),
            memory_limit: self.memory_limit,
            max_result_bytes: self.max_result_bytes,
            allow_file_access: self.allow_file_access,
            row_cap,
            session: OnceLock::new(),
            cancel: Mutex::new(CancelState::default()),
        }))
    }
}

#[derive(Debug, Default)]
struct CancelState {
    /// The running statement and the switch that cancels it (every waiter sees it flip).
    running: Option<(u64, watch::Sender<bool>)>,
    /// A cancel that arrived before its statement reached the interpreter.
    early: Option<u64>,
}

/// Runs Spark SQL on an [`ember_sql::Session`].
#[derive(Debug)]
pub struct SqlInterpreter {
    spec: SessionSpec,
    /// The master, its thread count checked against the server's bound.
    master: String,
    runtime: QueryRuntime,
    memory_pool: SharedMemoryPool,
    memory_limit: usize,
    max_result_bytes: usize,
    allow_file_access: bool,
    row_cap: usize,
    session: OnceLock<Session>,
    cancel: Mutex<CancelState>,
}

impl SqlInterpreter {
    /// The engine session, once started.
    pub fn session(&self) -> Option<&Session> {
        self.session.get()
    }

    fn lock_cancel(&self) -> std::sync::MutexGuard<'_, CancelState> {
        self.cancel
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The SQL engine of a session could not start.
fn engine_failed(reason: String) -> Error {
    Error::InterpreterStart {
        interpreter: "the SQL engine",
        reason,
    }
}

fn build_session(
    spec: &SessionSpec,
    master: String,
    pool: SharedMemoryPool,
    runtime: QueryRuntime,
    allow_file_access: bool,
) -> Result<Session, String> {
    // A statement may not change the server's settings (`guard.rs`), nor reach its files
    // unless the server allows it.
    let mut policy =
        SqlPolicy::new().lock_settings(|key| crate::guard::refused_option(key).map(str::to_owned));
    if !allow_file_access {
        policy = policy.refuse_file_access(
            "reads or writes the server's files, which this server does not allow (start it with --allow-file-access)",
        );
    }
    let mut builder = Session::builder()
        .app_name(spec.app_name())
        .memory_pool(pool)
        .runtime(runtime)
        .policy(policy);
    // `spark.app.name`, `spark.sql.*` and `datafusion.*` keys reach the engine; Livy's own
    // `livy.*` keys are the server's; the master is the checked one.
    for (k, v) in &spec.conf {
        if !k.starts_with("livy.") && k != "spark.master" {
            builder = builder.config(k.clone(), v.clone());
        }
    }
    builder
        .master(master)
        .get_or_create()
        .map_err(|e| e.to_string())
}

/// Why a query produced no table.
enum QueryFailure {
    Sql(SqlError),
    Refused(String),
    Cancelled,
}

impl Interpreter for SqlInterpreter {
    fn start(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            if self.session.get().is_some() {
                return Ok(());
            }
            // Building a session registers its functions: keep that off the async workers.
            let (spec, master) = (self.spec.clone(), self.master.clone());
            let (pool, runtime) = (self.memory_pool.clone(), self.runtime.clone());
            let files = self.allow_file_access;
            let session = tokio::task::spawn_blocking(move || {
                build_session(&spec, master, pool, runtime, files)
            })
            .await
            .map_err(|e| engine_failed(format!("starting the SQL engine failed: {e}")))?
            .map_err(engine_failed)?;
            // `start` is called once; a second session would be dropped here.
            let _ = self.session.set(session);
            Ok(())
        })
    }

    fn execute<'a>(&'a self, statement_id: u64, code: &'a str) -> BoxFuture<'a, Execution> {
        Box::pin(async move {
            let Some(session) = self.session.get().cloned() else {
                return Execution::Died(Death::NotRunning {
                    interpreter: "the SQL engine",
                });
            };
            let (cancel, cancelled_rx) = watch::channel(false);
            {
                let mut c = self.lock_cancel();
                if c.early.take() == Some(statement_id) {
                    return cancelled();
                }
                c.running = Some((statement_id, cancel));
            }
            // Resolves once the statement is cancelled (or its switch is gone: it ended).
            let cancelled_signal = move || {
                let mut rx = cancelled_rx.clone();
                async move {
                    let _ = rx.wait_for(|c| *c).await;
                }
            };
            let engine = session.clone();
            let query = code.to_owned();
            let cap = self.row_cap;
            let max_bytes = self.max_result_bytes;
            let stop = cancelled_signal();
            let outcome = session
                .spawn(async move {
                    tokio::select! {
                        r = run_query(engine, &query, cap, max_bytes, stop) => Ok(r),
                        // Dropping the planning stops it; the query's own run watches `stop`.
                        () = cancelled_signal() => Ok(Err(QueryFailure::Cancelled)),
                    }
                })
                .await;
            self.lock_cancel().running = None;
            match outcome {
                Ok(Ok((table, truncated))) => {
                    let mut data = Map::new();
                    match serde_json::to_value(&table) {
                        Ok(v) => {
                            data.insert(MIME_JSON.to_owned(), v);
                        }
                        Err(e) => return Execution::failed("Error", e.to_string()),
                    }
                    if let Some(rows) = truncated {
                        self.spec.log.push(format!(
                            "statement {statement_id}: result truncated to {rows} rows (the row cap; set {ROW_CAP_KEY} in the session's conf to change it)"
                        ));
                    }
                    Execution::Ok(data)
                }
                Ok(Err(QueryFailure::Cancelled)) => cancelled(),
                Ok(Err(QueryFailure::Refused(msg))) => Execution::failed("Error", msg),
                Ok(Err(QueryFailure::Sql(e))) | Err(e) => sql_failure(&e, self.memory_limit),
            }
        })
    }

    fn cancel(&self, statement_id: u64) {
        let mut c = self.lock_cancel();
        match &c.running {
            Some((id, cancel)) if *id == statement_id => {
                cancel.send_replace(true);
            }
            _ => c.early = Some(statement_id),
        }
    }

    fn stop(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Some((_, cancel)) = &self.lock_cancel().running {
                cancel.send_replace(true);
            }
            if let Some(session) = self.session.get() {
                session.context().cancel_all_jobs();
            }
        })
    }

    fn complete<'a>(
        &'a self,
        code: &'a str,
        cursor: usize,
        _kind: Option<&'a SessionKind>,
    ) -> BoxFuture<'a, Vec<String>> {
        // Table and view names that extend the word before the cursor (a character offset).
        let candidates = (|| {
            let session = self.session.get()?;
            let end = code
                .char_indices()
                .nth(cursor)
                .map_or(code.len(), |(i, _)| i);
            let word = code[..end]
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .filter(|w| !w.is_empty())?;
            Some(
                session
                    .view_names()
                    .into_iter()
                    .filter(|n| n.starts_with(word) && n != word)
                    .collect(),
            )
        })();
        Box::pin(async move { candidates.unwrap_or_default() })
    }
}

fn cancelled() -> Execution {
    Execution::failed("Cancelled", "the statement was cancelled")
}

/// Livy's sql error: `Error` and the whole message (in Spark's words where Spark has the same
/// error), never cut at a newline; there is no stack to put in `traceback`. A memory-pool error
/// says whose limit it hit.
fn sql_failure(e: &SqlError, memory_limit: usize) -> Execution {
    let text = e.to_string();
    let mut evalue = spark_error::message(e);
    // DataFusion's pool error says which operator wanted more, not whose limit it hit.
    if text.contains("Failed to allocate additional") || text.contains("Resources exhausted") {
        evalue = format!(
            "the query needs more memory than the sql memory limit of {} MiB that all sql sessions of this server share (--sql-memory-limit-mib): {evalue}",
            memory_limit >> 20
        );
    }
    Execution::failed("Error", evalue)
}

/// Plans and runs one statement (the session's policy refuses file access and the server's
/// settings; see `build_session`) until `stop`; returns the table and, when rows were cut, how
/// many rows the table kept.
async fn run_query(
    session: Session,
    query: &str,
    row_cap: usize,
    max_result_bytes: usize,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(ember_livy::protocol::SqlTable, Option<usize>), QueryFailure> {
    let too_large = |limit| {
        QueryFailure::Refused(format!(
            "the result is larger than this server's limit of {limit} bytes for one statement (--max-result-bytes); select fewer or smaller values, or lower {ROW_CAP_KEY} in the session's conf"
        ))
    };
    let df = session.sql_async(query).await.map_err(QueryFailure::Sql)?;
    // Bounded in rows and, as Arrow data, in bytes: the rows never take more memory than the
    // encoded table may hold (plus one batch), whatever their width.
    let limited = df
        .collect_limited_until(row_cap, max_result_bytes, stop)
        .await
        .map_err(|e| match e {
            SqlError::ResultTooLarge { limit } => too_large(limit),
            e => QueryFailure::Sql(e),
        })?
        .ok_or(QueryFailure::Cancelled)?;
    let truncated = limited.truncated.then_some(row_cap);
    let table = table::encode_bounded(&limited.schema, &limited.batches, max_result_bytes)
        .map_err(|e| match e {
            table::EncodeError::TooLarge { limit } => too_large(limit),
            table::EncodeError::Arrow(source) => QueryFailure::Sql(SqlError::Arrow {
                context: "encoding the result as Livy's table",
                source,
            }),
        })?;
    Ok((table, truncated))
}
