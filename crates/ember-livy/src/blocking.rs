//! A blocking facade over the async client, for synchronous programs (the Python Livy utility is one).
//!
//! Each [`LivyClient`] owns a small tokio runtime (one worker thread) and blocks on the async
//! client's futures: one implementation, thin wrappers. Handles ([`LivySession`], [`LivyBatch`],
//! [`SharedTable`]) share their client's runtime.
//!
//! It waits by the workspace's one rule ([`ember_runtime::Runtime::block_on`]): the requests run
//! on the client's own runtime, so it works from any thread, from inside an async runtime too
//! (there the async [`crate::LivyClient`] is the better fit: it parks no thread). Dropping it
//! anywhere is fine.
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
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use serde::de::DeserializeOwned;

use crate::builder::LivyClientBuilder;
use crate::client::SessionRef;
use crate::error::Result;
use crate::output::Output;
use crate::protocol::{
    Batch as BatchInfo, BatchList, CreateBatch, CreateSession, Log, Session as SessionInfo,
    SessionKind, SessionList, SessionState, SqlTable, Statement, StatementList, VersionInfo,
};
use crate::python::PyValue;

type Rt = ember_runtime::Runtime;

/// Runs `f(a clone of handle)` on the client's runtime and waits for it by the workspace's one
/// rule ([`ember_runtime::Runtime::block_on`]). Unbounded here because every call of the async
/// client is bounded itself (its request timeout, retry budget and wait deadlines).
fn call<H, T, Fut>(rt: &Rt, handle: &H, f: impl FnOnce(H) -> Fut) -> Result<T>
where
    H: Clone,
    Fut: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    rt.block_on("the Livy request", None, f(handle.clone()))?
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
        let rt = Rt::builder("ember-livy-blocking").build()?;
        // The HTTP client belongs to the runtime its requests run on.
        let inner = {
            let _entered = rt.handle().enter();
            builder.build()?
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
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.version().await },
        )
    }

    /// See [`crate::LivyClient::create_session`].
    pub fn create_session(&self, request: &CreateSession) -> Result<LivySession> {
        let s = {
            let request = request.clone();
            call(&self.rt, &self.inner, move |h| async move {
                h.create_session(&request).await
            })
        }?;
        Ok(self.session_handle(s))
    }

    /// See [`crate::LivyClient::start_session`].
    pub fn start_session(&self, request: &CreateSession) -> Result<LivySession> {
        let s = {
            let request = request.clone();
            call(&self.rt, &self.inner, move |h| async move {
                h.start_session(&request).await
            })
        }?;
        Ok(self.session_handle(s))
    }

    /// See [`crate::LivyClient::session`].
    pub fn session(&self, session: impl Into<SessionRef>) -> Result<LivySession> {
        let s = {
            let session = session.into();
            call(&self.rt, &self.inner, move |h| async move {
                h.session(session).await
            })
        }?;
        Ok(self.session_handle(s))
    }

    /// See [`crate::LivyClient::session_info`].
    pub fn session_info(&self, session: impl Into<SessionRef>) -> Result<SessionInfo> {
        {
            let session = session.into();
            call(&self.rt, &self.inner, move |h| async move {
                h.session_info(session).await
            })
        }
    }

    /// See [`crate::LivyClient::sessions`].
    pub fn sessions(&self, from: Option<u64>, size: Option<u64>) -> Result<SessionList> {
        call(&self.rt, &self.inner, move |h| async move {
            h.sessions(from, size).await
        })
    }

    /// See [`crate::LivyClient::all_sessions`].
    pub fn all_sessions(&self) -> Result<Vec<SessionInfo>> {
        call(&self.rt, &self.inner, move |h| async move {
            h.all_sessions().await
        })
    }

    /// See [`crate::LivyClient::wait_idle`].
    pub fn wait_idle(&self, session: impl Into<SessionRef>) -> Result<SessionInfo> {
        {
            let session = session.into();
            call(&self.rt, &self.inner, move |h| async move {
                h.wait_idle(session).await
            })
        }
    }

    /// See [`crate::LivyClient::delete_session`].
    pub fn delete_session(&self, session: impl Into<SessionRef>) -> Result<()> {
        {
            let session = session.into();
            call(&self.rt, &self.inner, move |h| async move {
                h.delete_session(session).await
            })
        }
    }

    /// See [`crate::LivyClient::submit_batch`].
    pub fn submit_batch(&self, request: &CreateBatch) -> Result<LivyBatch> {
        let inner = {
            let request = request.clone();
            call(&self.rt, &self.inner, move |h| async move {
                h.submit_batch(&request).await
            })
        }?;
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
        call(&self.rt, &self.inner, move |h| async move {
            h.batches(from, size).await
        })
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
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.info().await },
        )
    }

    /// See [`crate::LivySession::state`].
    pub fn state(&self) -> Result<SessionState> {
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.state().await },
        )
    }

    /// See [`crate::LivySession::log`].
    pub fn log(&self, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        call(&self.rt, &self.inner, move |h| async move {
            h.log(from, size).await
        })
    }

    /// See [`crate::LivySession::wait_idle`].
    pub fn wait_idle(&self) -> Result<SessionInfo> {
        call(&self.rt, &self.inner, move |h| async move {
            h.wait_idle().await
        })
    }

    /// See [`crate::LivySession::delete`].
    pub fn delete(&self) -> Result<()> {
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.delete().await },
        )
    }

    /// See [`crate::LivySession::submit`].
    pub fn submit(&self, code: &str) -> Result<Statement> {
        {
            let code = code.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.submit(&code).await
            })
        }
    }

    /// See [`crate::LivySession::statement`].
    pub fn statement(&self, statement: u64) -> Result<Statement> {
        call(&self.rt, &self.inner, move |h| async move {
            h.statement(statement).await
        })
    }

    /// See [`crate::LivySession::statements`].
    pub fn statements(&self) -> Result<StatementList> {
        call(&self.rt, &self.inner, move |h| async move {
            h.statements().await
        })
    }

    /// See [`crate::LivySession::wait`].
    pub fn wait(&self, statement: u64) -> Result<Output> {
        call(&self.rt, &self.inner, move |h| async move {
            h.wait(statement).await
        })
    }

    /// See [`crate::LivySession::cancel`].
    pub fn cancel(&self, statement: u64) -> Result<()> {
        call(&self.rt, &self.inner, move |h| async move {
            h.cancel(statement).await
        })
    }

    /// See [`crate::LivySession::run`].
    pub fn run(&self, code: &str) -> Result<Output> {
        {
            let code = code.to_owned();
            call(
                &self.rt,
                &self.inner,
                move |h| async move { h.run(&code).await },
            )
        }
    }

    /// See [`crate::LivySession::run_kind`].
    pub fn run_kind(&self, code: &str, kind: Option<SessionKind>) -> Result<Output> {
        {
            let code = code.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.run_kind(&code, kind).await
            })
        }
    }

    /// See [`crate::LivySession::read`].
    pub fn read<T: DeserializeOwned + Send + 'static>(&self, expr: &str) -> Result<T> {
        {
            let expr = expr.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.read(&expr).await
            })
        }
    }

    /// See [`crate::LivySession::read_dataframe`].
    pub fn read_dataframe(&self, dataframe: &str) -> Result<RecordBatch> {
        {
            let dataframe = dataframe.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.read_dataframe(&dataframe).await
            })
        }
    }

    /// See [`crate::LivySession::run_file`].
    pub fn run_file(&self, path: impl AsRef<Path>) -> Result<Output> {
        {
            let path = path.as_ref().to_path_buf();
            call(&self.rt, &self.inner, move |h| async move {
                h.run_file(path).await
            })
        }
    }

    /// See [`crate::LivySession::run_function`].
    pub fn run_function<T: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        args: &[PyValue],
        kwargs: &[(&str, PyValue)],
    ) -> Result<T> {
        let name = name.to_owned();
        let args = args.to_vec();
        let kwargs: Vec<(String, PyValue)> = kwargs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        call(&self.rt, &self.inner, move |h| async move {
            let kwargs: Vec<(&str, PyValue)> = kwargs
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect();
            h.run_function(&name, &args, &kwargs).await
        })
    }

    /// See [`crate::LivySession::sql`].
    pub fn sql(&self, query: &str) -> Result<RecordBatch> {
        {
            let query = query.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.sql(&query).await
            })
        }
    }

    /// See [`crate::LivySession::sql_table`].
    pub fn sql_table(&self, query: &str) -> Result<SqlTable> {
        {
            let query = query.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.sql_table(&query).await
            })
        }
    }

    /// Opens a [`SharedTable`] in this session (see [`crate::SharedTable::open`]).
    pub fn shared_table(&self, name: &str) -> Result<SharedTable> {
        let name = name.to_owned();
        let inner = call(&self.rt, &self.inner, move |h| async move {
            crate::SharedTable::open(h, &name).await
        })?;
        Ok(SharedTable {
            rt: self.rt.clone(),
            inner,
        })
    }

    /// Creates (or attaches to) Hue's shared-RDD post's `ShareableRdd` called `name` in this pyspark session
    /// (see [`crate::SharedRdd::create`]).
    pub fn shared_rdd(&self, name: &str) -> Result<SharedRdd> {
        let name = name.to_owned();
        let inner = call(&self.rt, &self.inner, move |h| async move {
            crate::SharedRdd::create(h, &name).await
        })?;
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
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.info().await },
        )
    }

    /// See [`crate::LivyBatch::state`].
    pub fn state(&self) -> Result<SessionState> {
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.state().await },
        )
    }

    /// See [`crate::LivyBatch::log`].
    pub fn log(&self, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        call(&self.rt, &self.inner, move |h| async move {
            h.log(from, size).await
        })
    }

    /// See [`crate::LivyBatch::kill`].
    pub fn kill(&self) -> Result<()> {
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.kill().await },
        )
    }

    /// See [`crate::LivyBatch::wait`].
    pub fn wait(&self) -> Result<BatchInfo> {
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.wait().await },
        )
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
        {
            let key = key.to_owned();
            let value = value.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.set(&key, &value).await
            })
        }
    }

    /// See [`crate::SharedTable::get`].
    pub fn get(&self, key: &str) -> Result<Option<String>> {
        {
            let key = key.to_owned();
            call(
                &self.rt,
                &self.inner,
                move |h| async move { h.get(&key).await },
            )
        }
    }

    /// See [`crate::SharedTable::remove`].
    pub fn remove(&self, key: &str) -> Result<()> {
        {
            let key = key.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.remove(&key).await
            })
        }
    }

    /// See [`crate::SharedTable::keys`].
    pub fn keys(&self) -> Result<Vec<String>> {
        call(
            &self.rt,
            &self.inner,
            move |h| async move { h.keys().await },
        )
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
        {
            let key = key.to_owned();
            let value = value.to_owned();
            call(&self.rt, &self.inner, move |h| async move {
                h.set(&key, &value).await
            })
        }
    }

    /// See [`crate::SharedRdd::get`].
    pub fn get(&self, key: &str) -> Result<Option<String>> {
        {
            let key = key.to_owned();
            call(
                &self.rt,
                &self.inner,
                move |h| async move { h.get(&key).await },
            )
        }
    }
}
