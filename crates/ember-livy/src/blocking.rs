//! A blocking facade over the async client, for synchronous programs (the Python Livy utility is one).
//!
//! Each [`LivyClient`] owns a small tokio runtime (one worker thread) and blocks on the async
//! client's futures: one implementation, thin wrappers. Handles ([`LivySession`], [`LivyBatch`],
//! [`SharedTable`]) share their client's runtime.
//!
//! Call it from ordinary threads. Called from inside an async runtime it returns
//! [`Error::Blocking`] instead of stalling that runtime's thread (use [`crate::LivyClient`]
//! there). Dropping it anywhere is fine.
//!
//! ```no_run
//! use ember_livy::blocking::LivyClient;
//! use ember_livy::protocol::{CreateSession, SessionKind};
//!
//! let client = LivyClient::new("localhost:8998")?;
//! let session = client.start_session(&CreateSession {
//!     kind: Some(SessionKind::PySpark),
//!     ..Default::default()
//! })?;
//! session.run("x = 21 * 2")?;
//! let x: i64 = session.read("x")?;
//! assert_eq!(x, 42);
//! session.delete()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use serde::de::DeserializeOwned;

use crate::builder::LivyClientBuilder;
use crate::client::SessionRef;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::protocol::{
    Batch as BatchInfo, BatchList, CreateBatch, CreateSession, Log, Session as SessionInfo,
    SessionKind, SessionList, SessionState, SqlTable, Statement, StatementList, VersionInfo,
};
use crate::python::PyValue;

struct Runtime {
    rt: Option<tokio::runtime::Runtime>,
}

impl Runtime {
    fn new() -> Result<Runtime> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ember-livy-blocking")
            .enable_all()
            .build()
            .map_err(|e| Error::Blocking(format!("cannot start a tokio runtime: {e}")))?;
        Ok(Runtime { rt: Some(rt) })
    }

    fn block_on<F: Future>(&self, fut: F) -> Result<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Blocking(
                "called from inside an async runtime; use ember_livy::LivyClient there".into(),
            ));
        }
        match &self.rt {
            Some(rt) => Ok(rt.block_on(fut)),
            None => Err(Error::Blocking("the runtime is shut down".into())),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // A plain drop blocks, which panics inside an async context; this never blocks.
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

type Rt = Arc<Runtime>;

fn run<T>(rt: &Rt, fut: impl Future<Output = Result<T>>) -> Result<T> {
    rt.block_on(fut)?
}

/// The blocking Livy client (see the module doc). Cheap to clone.
#[derive(Clone)]
pub struct LivyClient {
    rt: Rt,
    inner: crate::LivyClient,
}

impl fmt::Debug for LivyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::LivyClient")
            .field(&self.inner)
            .finish()
    }
}

impl LivyClient {
    /// A client with default settings for `url` (`host:port`, `http://…`, `https://…`).
    pub fn new(url: &str) -> Result<LivyClient> {
        LivyClient::from_builder(LivyClientBuilder::new(url))
    }

    /// A client for `LIVY_SERVER_URL`.
    pub fn from_env() -> Result<LivyClient> {
        LivyClient::from_builder(LivyClientBuilder::from_env())
    }

    /// A client from a configured builder.
    pub fn from_builder(builder: LivyClientBuilder) -> Result<LivyClient> {
        let rt = Arc::new(Runtime::new()?);
        let inner = match &rt.rt {
            Some(tokio_rt) => {
                let _entered = tokio_rt.enter();
                builder.build()?
            }
            None => builder.build()?,
        };
        Ok(LivyClient { rt, inner })
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &crate::LivyClient {
        &self.inner
    }

    fn session_handle(&self, inner: crate::LivySession) -> LivySession {
        LivySession {
            rt: self.rt.clone(),
            inner,
        }
    }

    /// See [`crate::LivyClient::version`].
    pub fn version(&self) -> Result<VersionInfo> {
        run(&self.rt, self.inner.version())
    }

    /// See [`crate::LivyClient::create_session`].
    pub fn create_session(&self, request: &CreateSession) -> Result<LivySession> {
        let s = run(&self.rt, self.inner.create_session(request))?;
        Ok(self.session_handle(s))
    }

    /// See [`crate::LivyClient::start_session`].
    pub fn start_session(&self, request: &CreateSession) -> Result<LivySession> {
        let s = run(&self.rt, self.inner.start_session(request))?;
        Ok(self.session_handle(s))
    }

    /// See [`crate::LivyClient::session`].
    pub fn session(&self, session: impl Into<SessionRef>) -> Result<LivySession> {
        let s = run(&self.rt, self.inner.session(session))?;
        Ok(self.session_handle(s))
    }

    /// See [`crate::LivyClient::session_info`].
    pub fn session_info(&self, session: impl Into<SessionRef>) -> Result<SessionInfo> {
        run(&self.rt, self.inner.session_info(session))
    }

    /// See [`crate::LivyClient::sessions`].
    pub fn sessions(&self, from: Option<u64>, size: Option<u64>) -> Result<SessionList> {
        run(&self.rt, self.inner.sessions(from, size))
    }

    /// See [`crate::LivyClient::all_sessions`].
    pub fn all_sessions(&self) -> Result<Vec<SessionInfo>> {
        run(&self.rt, self.inner.all_sessions())
    }

    /// See [`crate::LivyClient::wait_idle`].
    pub fn wait_idle(&self, session: impl Into<SessionRef>) -> Result<SessionInfo> {
        run(&self.rt, self.inner.wait_idle(session))
    }

    /// See [`crate::LivyClient::delete_session`].
    pub fn delete_session(&self, session: impl Into<SessionRef>) -> Result<()> {
        run(&self.rt, self.inner.delete_session(session))
    }

    /// See [`crate::LivyClient::submit_batch`].
    pub fn submit_batch(&self, request: &CreateBatch) -> Result<LivyBatch> {
        let inner = run(&self.rt, self.inner.submit_batch(request))?;
        Ok(LivyBatch {
            rt: self.rt.clone(),
            inner,
        })
    }

    /// See [`crate::LivyClient::batch`].
    pub fn batch(&self, id: u64) -> LivyBatch {
        LivyBatch {
            rt: self.rt.clone(),
            inner: self.inner.batch(id),
        }
    }

    /// See [`crate::LivyClient::batches`].
    pub fn batches(&self, from: Option<u64>, size: Option<u64>) -> Result<BatchList> {
        run(&self.rt, self.inner.batches(from, size))
    }
}

/// A blocking session handle (see [`crate::LivySession`]).
#[derive(Clone)]
pub struct LivySession {
    rt: Rt,
    inner: crate::LivySession,
}

impl fmt::Debug for LivySession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Session")
            .field(&self.inner)
            .finish()
    }
}

impl LivySession {
    /// The async handle underneath.
    pub fn as_async(&self) -> &crate::LivySession {
        &self.inner
    }

    /// The session id.
    pub fn id(&self) -> u64 {
        self.inner.id()
    }

    /// The session's kind.
    pub fn kind(&self) -> &SessionKind {
        self.inner.kind()
    }

    /// This handle with another statement deadline.
    pub fn with_statement_timeout(self, timeout: Duration) -> Self {
        LivySession {
            rt: self.rt,
            inner: self.inner.with_statement_timeout(timeout),
        }
    }

    /// See [`crate::LivySession::info`].
    pub fn info(&self) -> Result<SessionInfo> {
        run(&self.rt, self.inner.info())
    }

    /// See [`crate::LivySession::state`].
    pub fn state(&self) -> Result<SessionState> {
        run(&self.rt, self.inner.state())
    }

    /// See [`crate::LivySession::log`].
    pub fn log(&self, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        run(&self.rt, self.inner.log(from, size))
    }

    /// See [`crate::LivySession::wait_idle`].
    pub fn wait_idle(&self) -> Result<SessionInfo> {
        run(&self.rt, self.inner.wait_idle())
    }

    /// See [`crate::LivySession::delete`].
    pub fn delete(&self) -> Result<()> {
        run(&self.rt, self.inner.delete())
    }

    /// See [`crate::LivySession::submit`].
    pub fn submit(&self, code: &str) -> Result<Statement> {
        run(&self.rt, self.inner.submit(code))
    }

    /// See [`crate::LivySession::statement`].
    pub fn statement(&self, statement: u64) -> Result<Statement> {
        run(&self.rt, self.inner.statement(statement))
    }

    /// See [`crate::LivySession::statements`].
    pub fn statements(&self) -> Result<StatementList> {
        run(&self.rt, self.inner.statements())
    }

    /// See [`crate::LivySession::wait`].
    pub fn wait(&self, statement: u64) -> Result<Output> {
        run(&self.rt, self.inner.wait(statement))
    }

    /// See [`crate::LivySession::cancel`].
    pub fn cancel(&self, statement: u64) -> Result<()> {
        run(&self.rt, self.inner.cancel(statement))
    }

    /// See [`crate::LivySession::run`].
    pub fn run(&self, code: &str) -> Result<Output> {
        run(&self.rt, self.inner.run(code))
    }

    /// See [`crate::LivySession::run_kind`].
    pub fn run_kind(&self, code: &str, kind: Option<SessionKind>) -> Result<Output> {
        run(&self.rt, self.inner.run_kind(code, kind))
    }

    /// See [`crate::LivySession::read`].
    pub fn read<T: DeserializeOwned>(&self, expr: &str) -> Result<T> {
        run(&self.rt, self.inner.read(expr))
    }

    /// See [`crate::LivySession::read_dataframe`].
    pub fn read_dataframe(&self, dataframe: &str) -> Result<RecordBatch> {
        run(&self.rt, self.inner.read_dataframe(dataframe))
    }

    /// See [`crate::LivySession::run_file`].
    pub fn run_file(&self, path: impl AsRef<Path>) -> Result<Output> {
        run(&self.rt, self.inner.run_file(path))
    }

    /// See [`crate::LivySession::run_function`].
    pub fn run_function<T: DeserializeOwned>(
        &self,
        name: &str,
        args: &[PyValue],
        kwargs: &[(&str, PyValue)],
    ) -> Result<T> {
        run(&self.rt, self.inner.run_function(name, args, kwargs))
    }

    /// See [`crate::LivySession::sql`].
    pub fn sql(&self, query: &str) -> Result<RecordBatch> {
        run(&self.rt, self.inner.sql(query))
    }

    /// See [`crate::LivySession::sql_table`].
    pub fn sql_table(&self, query: &str) -> Result<SqlTable> {
        run(&self.rt, self.inner.sql_table(query))
    }

    /// Opens a [`SharedTable`] in this session (see [`crate::SharedTable::open`]).
    pub fn shared_table(&self, name: &str) -> Result<SharedTable> {
        let inner = run(&self.rt, crate::SharedTable::open(self.inner.clone(), name))?;
        Ok(SharedTable {
            rt: self.rt.clone(),
            inner,
        })
    }

    /// Creates (or attaches to) Hue's shared-RDD post's `ShareableRdd` called `name` in this pyspark session
    /// (see [`crate::SharedRdd::create`]).
    pub fn shared_rdd(&self, name: &str) -> Result<SharedRdd> {
        let inner = run(&self.rt, crate::SharedRdd::create(self.inner.clone(), name))?;
        Ok(SharedRdd {
            rt: self.rt.clone(),
            inner,
        })
    }
}

/// A blocking batch handle (see [`crate::LivyBatch`]).
#[derive(Clone)]
pub struct LivyBatch {
    rt: Rt,
    inner: crate::LivyBatch,
}

impl fmt::Debug for LivyBatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Batch").field(&self.inner).finish()
    }
}

impl LivyBatch {
    /// The batch id.
    pub fn id(&self) -> u64 {
        self.inner.id()
    }

    /// See [`crate::LivyBatch::info`].
    pub fn info(&self) -> Result<BatchInfo> {
        run(&self.rt, self.inner.info())
    }

    /// See [`crate::LivyBatch::state`].
    pub fn state(&self) -> Result<SessionState> {
        run(&self.rt, self.inner.state())
    }

    /// See [`crate::LivyBatch::log`].
    pub fn log(&self, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        run(&self.rt, self.inner.log(from, size))
    }

    /// See [`crate::LivyBatch::kill`].
    pub fn kill(&self) -> Result<()> {
        run(&self.rt, self.inner.kill())
    }

    /// See [`crate::LivyBatch::wait`].
    pub fn wait(&self) -> Result<BatchInfo> {
        run(&self.rt, self.inner.wait())
    }
}

/// A blocking shared table (see [`crate::SharedTable`]).
#[derive(Clone)]
pub struct SharedTable {
    rt: Rt,
    inner: crate::SharedTable,
}

impl fmt::Debug for SharedTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::SharedTable")
            .field(&self.inner)
            .finish()
    }
}

impl SharedTable {
    /// See [`crate::SharedTable::set`].
    pub fn set(&self, key: &str, value: &str) -> Result<()> {
        run(&self.rt, self.inner.set(key, value))
    }

    /// See [`crate::SharedTable::get`].
    pub fn get(&self, key: &str) -> Result<Option<String>> {
        run(&self.rt, self.inner.get(key))
    }

    /// See [`crate::SharedTable::remove`].
    pub fn remove(&self, key: &str) -> Result<()> {
        run(&self.rt, self.inner.remove(key))
    }

    /// See [`crate::SharedTable::keys`].
    pub fn keys(&self) -> Result<Vec<String>> {
        run(&self.rt, self.inner.keys())
    }
}

/// A blocking shared RDD (see [`crate::SharedRdd`]).
#[derive(Clone)]
pub struct SharedRdd {
    rt: Rt,
    inner: crate::SharedRdd,
}

impl fmt::Debug for SharedRdd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::SharedRdd")
            .field(&self.inner)
            .finish()
    }
}

impl SharedRdd {
    /// See [`crate::SharedRdd::set`].
    pub fn set(&self, key: &str, value: &str) -> Result<()> {
        run(&self.rt, self.inner.set(key, value))
    }

    /// See [`crate::SharedRdd::get`].
    pub fn get(&self, key: &str) -> Result<Option<String>> {
        run(&self.rt, self.inner.get(key))
    }
}
