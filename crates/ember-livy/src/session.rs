//! A handle on one interactive session: statements, and the Python Livy utility's pyspark and sql conveniences.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::ops::ControlFlow::{Break, Continue};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use arrow::record_batch::RecordBatch;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{LivyClient, SessionRef};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::poll;
use crate::protocol::now_millis;
use crate::protocol::{
    CreateSession, ExecuteRequest, Log, Session, SessionKind, SessionState, SqlTable, Statement,
    StatementList, StatementState,
};
use crate::python::{PyValue, call_expression, dedent};
use crate::spark_types::{rows_to_batch, schema_to_arrow, table_to_batch};
use crate::transport::{Idempotent, outcome_unknown};

/// A handle on an interactive session: its client and id. Cheap to clone.
///
/// Get one from [`LivyClient::create_session`], [`LivyClient::start_session`] or
/// [`LivyClient::session`] (by id or by name, to share a session with other clients). Dropping
/// a handle does not delete the session (others may share it): call [`delete`](Self::delete).
#[derive(Debug, Clone)]
pub struct LivySession {
    client: LivyClient,
    id: u64,
    name: Option<String>,
    kind: SessionKind,
    statement_timeout: Duration,
    /// The temp variable `read` assigns to (random per handle, like the Python Livy utility's).
    tmp_name: Arc<str>,
    /// The highest statement id this handle has seen (-1: none), to recognise its own
    /// statement after a POST whose answer was lost.
    last_seen: Arc<AtomicI64>,
}

impl LivySession {
    pub(crate) fn from_info(client: LivyClient, info: &Session) -> LivySession {
        let statement_timeout = client.settings().statement_timeout;
        LivySession {
            client,
            id: info.id,
            name: info.name.clone(),
            kind: info.kind.clone(),
            statement_timeout,
            tmp_name: Arc::from(format!("_ember_tmp_{:016x}", random_u64())),
            last_seen: Arc::new(AtomicI64::new(-1)),
        }
    }

    /// The session id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The session's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The session's kind (its default statement language).
    pub fn kind(&self) -> &SessionKind {
        &self.kind
    }

    /// The client this handle uses.
    pub fn client(&self) -> &LivyClient {
        &self.client
    }

    /// This handle with another statement deadline (the client's `statement_timeout` otherwise).
    pub fn with_statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = timeout;
        self
    }

    fn sref(&self) -> SessionRef {
        SessionRef::Id(self.id)
    }

    fn saw(&self, statement: u64) {
        self.last_seen.fetch_max(
            i64::try_from(statement).unwrap_or(i64::MAX),
            Ordering::Relaxed,
        );
    }

    // ---- the session ----

    /// `GET /sessions/{id}`.
    pub async fn info(&self) -> Result<Session> {
        self.client.session_info(self.sref()).await
    }

    /// `GET /sessions/{id}/state`.
    pub async fn state(&self) -> Result<SessionState> {
        self.client.session_state(self.sref()).await
    }

    /// `GET /sessions/{id}/log`.
    pub async fn log(&self, from: Option<u64>, size: Option<i64>) -> Result<Log> {
        self.client.session_log(self.sref(), from, size).await
    }

    /// Waits until the session is idle (see [`LivyClient::wait_idle`]).
    pub async fn wait_idle(&self) -> Result<Session> {
        self.client.wait_idle(self.sref()).await
    }

    /// `DELETE /sessions/{id}`: stops the session for every client.
    pub async fn delete(&self) -> Result<()> {
        self.client.delete_session(self.sref()).await
    }

    // ---- statements ----

    /// `POST /sessions/{id}/statements` with `code` as is (no dedent) and the session's kind.
    /// Returns the new statement (usually `waiting`); see [`wait`](Self::wait).
    ///
    /// Never sent twice. When the POST fails in a way that hides whether the statement was
    /// created, the statement list is searched for it (same code, newer than any this handle
    /// has seen); if found it is returned, otherwise a 5xx is returned as is (the statement
    /// does not exist) and a lost answer as [`Error::Unconfirmed`].
    pub async fn submit(&self, code: &str) -> Result<Statement> {
        self.submit_kind(code, None).await
    }

    /// [`submit`](Self::submit) with an explicit statement kind (for `shared` sessions, or
    /// another language than the session's).
    pub async fn submit_kind(&self, code: &str, kind: Option<SessionKind>) -> Result<Statement> {
        let url = self.client.session_url(&self.sref(), &["statements"])?;
        let request = ExecuteRequest {
            code: code.to_owned(),
            kind,
        };
        let sent_at = now_millis();
        let posted: Result<Statement> = self
            .client
            .inner
            .call(
                Method::POST,
                url.clone(),
                &[],
                Some(&request),
                Idempotent::No,
            )
            .await;
        match posted {
            Ok(statement) => {
                self.saw(statement.id);
                Ok(statement)
            }
            Err(e) if outcome_unknown(&e) => match self.find_submitted(code, sent_at).await {
                Ok(Some(statement)) => {
                    tracing::warn!(session = self.id, statement = statement.id, error = %e,
                        "statement POST failed, but the server has it: using it");
                    self.saw(statement.id);
                    Ok(statement)
                }
                // The server answered and the list (read after that answer) lacks it.
                Ok(None) if e.status().is_some() => Err(e),
                _ => Err(Error::Unconfirmed {
                    method: "POST".into(),
                    url: url.to_string(),
                    cause: Box::new(e),
                }),
            },
            Err(e) => Err(e),
        }
    }

    /// Looks for a statement this handle submitted but did not get the answer for.
    async fn find_submitted(&self, code: &str, sent_at: i64) -> Result<Option<Statement>> {
        let code = code.replace("\r\n", "\n");
        let list = self.statements().await?;
        let last_seen = self.last_seen.load(Ordering::Relaxed);
        // Without a statement seen before, only a statement that is still running or that
        // started after the POST can be ours (a finished older one with the same code is not).
        let recent = |s: &Statement| {
            !s.state.is_finished() || s.started >= sent_at - 2_000 || s.completed >= sent_at
        };
        Ok(list
            .statements
            .into_iter()
            .filter(|s| s.code.replace("\r\n", "\n") == code)
            .filter(|s| {
                if last_seen >= 0 {
                    i64::try_from(s.id).unwrap_or(i64::MAX) > last_seen
                } else {
                    recent(s)
                }
            })
            .min_by_key(|s| s.id))
    }

    /// `GET /sessions/{id}/statements/{sid}`.
    pub async fn statement(&self, statement: u64) -> Result<Statement> {
        let url = self
            .client
            .session_url(&self.sref(), &["statements", &statement.to_string()])?;
        self.client.inner.get(url, &[]).await
    }

    /// `GET /sessions/{id}/statements`: every statement the session retains.
    pub async fn statements(&self) -> Result<StatementList> {
        let url = self.client.session_url(&self.sref(), &["statements"])?;
        self.client.inner.get(url, &[]).await
    }

    /// `POST /sessions/{id}/statements/{sid}/cancel` (a no-op for a finished statement). Safe
    /// to repeat, so it is retried like a GET.
    pub async fn cancel(&self, statement: u64) -> Result<()> {
        let url = self.client.session_url(
            &self.sref(),
            &["statements", &statement.to_string(), "cancel"],
        )?;
        let _: Value = self
            .client
            .inner
            .call(
                Method::POST,
                url,
                &[],
                Some(&serde_json::json!({})),
                Idempotent::Yes,
            )
            .await?;
        Ok(())
    }

    /// Waits for a statement to finish, under the statement deadline, and decodes its output.
    ///
    /// Polls at the client's schedule. `available` with a `null` output is polled again.
    /// Errors: [`Error::Statement`] when it failed, [`Error::Cancelled`] when it was cancelled,
    /// [`Error::SessionEnded`] when the session died under it, [`Error::Timeout`] when the
    /// deadline passed (the statement is then cancelled unless the client was built with
    /// `cancel_on_timeout(false)`).
    pub async fn wait(&self, statement: u64) -> Result<Output> {
        let look = move |()| async move {
            match self.statement(statement).await {
                Ok(st) => {
                    self.saw(st.id);
                    match self.finished(&st) {
                        Some(done) => Break(done),
                        None => Continue(()),
                    }
                }
                // Evicted, or the session is gone or no longer active: say which.
                Err(e) if matches!(e.status(), Some(400..=499)) => {
                    Break(Err(self.session_failure().await.unwrap_or(e)))
                }
                Err(e) => Break(Err(e)),
            }
        };
        let result = poll::until(
            &self.client.settings().poll,
            self.statement_timeout,
            || format!("statement {statement} of session {} to finish", self.id),
            (),
            look,
        )
        .await;
        if matches!(result, Err(Error::Timeout { .. })) && self.client.settings().cancel_on_timeout
        {
            let cancel = tokio::time::timeout(Duration::from_secs(5), self.cancel(statement));
            if let Ok(Err(e)) = cancel.await {
                tracing::debug!(session = self.id, statement, error = %e, "cancel after timeout failed");
            }
        }
        result
    }

    /// The result of a finished statement, or `None` to keep polling.
    fn finished(&self, st: &Statement) -> Option<Result<Output>> {
        match (&st.state, &st.output) {
            (StatementState::Cancelled, _) => Some(Err(Error::Cancelled {
                session: self.id,
                statement: st.id,
            })),
            (StatementState::Available | StatementState::Error, Some(output)) => {
                Some(Output::from_statement_output(output))
            }
            // A server that sets `available` before the output (acroz/pylivy#36): poll again.
            (StatementState::Available | StatementState::Error, None) => None,
            (StatementState::Waiting | StatementState::Running | StatementState::Cancelling, _) => {
                None
            }
            (StatementState::Unknown(_), Some(output)) => {
                Some(Output::from_statement_output(output))
            }
            (StatementState::Unknown(state), None) => {
                tracing::debug!(
                    session = self.id,
                    statement = st.id,
                    state,
                    "unknown statement state; still waiting"
                );
                None
            }
        }
    }

    /// If the session has ended (or vanished), the error saying so.
    async fn session_failure(&self) -> Option<Error> {
        match self.info().await {
            Ok(info) if info.state.is_terminal() => {
                let log_tail = self.client.log_tail(&self.sref(), info.log.clone()).await;
                Some(Error::SessionEnded {
                    id: self.id.to_string(),
                    state: info.state,
                    gone: false,
                    log_tail,
                })
            }
            Err(e) if e.is_not_found() => Some(Error::SessionEnded {
                id: self.id.to_string(),
                state: SessionState::Unknown("unknown".into()),
                gone: true,
                log_tail: Vec::new(),
            }),
            _ => None,
        }
    }

    /// Runs `code` (dedented like Python's `textwrap.dedent`, as the Python Livy utility does) in the
    /// session's language and waits for its output (see [`wait`](Self::wait) for the errors).
    pub async fn run(&self, code: &str) -> Result<Output> {
        self.run_kind(code, None).await
    }

    /// [`run`](Self::run) with an explicit statement kind.
    pub async fn run_kind(&self, code: &str, kind: Option<SessionKind>) -> Result<Output> {
        let statement = self.submit_kind(&dedent(code), kind).await?;
        // A fast server may answer the POST with the finished statement.
        if let Some(result) = self.finished(&statement) {
            return result;
        }
        self.wait(statement.id).await
    }

    /// The kind to name on a statement in `language`: none when it is the session's own.
    fn kind_for(&self, language: SessionKind) -> Option<SessionKind> {
        (self.kind != language).then_some(language)
    }

    // ---- pyspark conveniences ----

    /// Runs Python code (in a `pyspark` session, or as a `pyspark` statement in another kind).
    pub async fn run_python(&self, code: &str) -> Result<Output> {
        self.run_kind(code, self.kind_for(SessionKind::PySpark))
            .await
    }

    /// Evaluates a Python expression in the session and decodes its value: ints, floats,
    /// bools, strings, lists, dicts, tuples (as Rust tuples or `Vec`s) and any serde type.
    ///
    /// Runs `<tmp> = (<expr>)` then `%json <tmp>` (Livy's JSON magic) with a temp name random
    /// per handle; the value must be JSON-serialisable by Python's `json` module.
    pub async fn read<T: DeserializeOwned>(&self, expr: &str) -> Result<T> {
        let tmp = &*self.tmp_name;
        let code = format!("{tmp} = (\n{expr}\n)\n%json {tmp}");
        let value = self.read_json_code(&code, expr).await?;
        serde_json::from_value(value)
            .map_err(|e| Error::decode(format!("the value of {expr:?}"), e))
    }

    async fn read_json_code(&self, code: &str, what: &str) -> Result<Value> {
        // `code` is already flush left: no dedent (it would change the user's expression).
        let statement = self
            .submit_kind(code, self.kind_for(SessionKind::PySpark))
            .await?;
        let output = match self.finished(&statement) {
            Some(result) => result?,
            None => self.wait(statement.id).await?,
        };
        match output {
            Output::Json(v) => Ok(v),
            // Some servers echo %json as text.
            Output::Text(text) => serde_json::from_str(&text).map_err(|_| {
                Error::decode(
                    format!("the value of {what:?}"),
                    format!("expected application/json output, got text {text:?}"),
                )
            }),
            other => Err(Error::decode(
                format!("the value of {what:?}"),
                format!("expected application/json output, got {other:?}"),
            )),
        }
    }

    /// Collects a pyspark DataFrame (any expression evaluating to one) into one Arrow
    /// [`RecordBatch`], typed by the DataFrame's schema (decoded like [`sql`](Self::sql)).
    pub async fn read_dataframe(&self, dataframe: &str) -> Result<RecordBatch> {
        let tmp = &*self.tmp_name;
        let code = format!(
            "{tmp} = (\n{dataframe}\n)\n\
             {tmp} = {{'schema': __import__('json').loads({tmp}.schema.json()), \
             'data': [__import__('json').loads(_ember_row) for _ember_row in {tmp}.toJSON().collect()]}}\n\
             %json {tmp}"
        );
        let what = format!("the DataFrame {dataframe:?}");
        let value = self.read_json_code(&code, dataframe).await?;
        let schema_json = value
            .get("schema")
            .ok_or_else(|| Error::decode(&what, "no schema in the output"))?;
        let schema = Arc::new(schema_to_arrow(schema_json)?);
        let rows = value
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::decode(&what, "no data in the output"))?;
        // `toJSON` writes objects and leaves out null fields: put them in field order.
        let rows: Vec<Vec<Value>> = rows
            .iter()
            .map(|row| {
                schema
                    .fields()
                    .iter()
                    .map(|f| row.get(f.name()).cloned().unwrap_or(Value::Null))
                    .collect()
            })
            .collect();
        rows_to_batch(schema, &rows)
    }

    /// Reads a local file and runs its content (dedented) in the session's language.
    pub async fn run_file(&self, path: impl AsRef<Path>) -> Result<Output> {
        let path = path.as_ref();
        let code = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        self.run(&code).await
    }

    /// Calls a Python function defined in the session with literal arguments and decodes its
    /// result like [`read`](Self::read): `name(*args, **kwargs)`.
    ///
    /// Arguments become Python literals ([`PyValue::to_literal`]), so quotes, backslashes and
    /// non-ASCII text arrive intact; `name` must be a dotted Python name.
    pub async fn run_function<T: DeserializeOwned>(
        &self,
        name: &str,
        args: &[PyValue],
        kwargs: &[(&str, PyValue)],
    ) -> Result<T> {
        let call = call_expression(name, args, kwargs)?;
        self.read(&call).await
    }

    // ---- sql ----

    /// Runs a Spark SQL query and returns Livy's table (schema JSON and rows).
    pub async fn sql_table(&self, query: &str) -> Result<SqlTable> {
        let output = self
            .run_kind(query, self.kind_for(SessionKind::Sql))
            .await?;
        match output {
            Output::Json(v) => {
                serde_json::from_value(v).map_err(|e| Error::decode("sql output", e))
            }
            other => Err(Error::decode(
                "sql output",
                format!("expected an application/json table, got {other:?}"),
            )),
        }
    }

    /// Runs a Spark SQL query and decodes the result into one Arrow [`RecordBatch`] (see
    /// [`crate::spark_types`] for the type mapping). Livy caps results at
    /// `livy.rsc.sql.num-rows` (1000) rows.
    pub async fn sql(&self, query: &str) -> Result<RecordBatch> {
        table_to_batch(&self.sql_table(query).await?)
    }
}

/// A random number without a dependency: std's randomly seeded hasher over the time and a
/// process-wide counter.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_i64(now_millis());
    h.write_u32(std::process::id());
    h.finish()
}

/// The endpoints that return a [`LivySession`] (here, beside it, so `client` does not import
/// `session`).
impl LivyClient {
    /// `POST /sessions`: creates a session and returns its handle at once (usually `starting`;
    /// see [`LivySession::wait_idle`] or [`start_session`](Self::start_session)).
    ///
    /// Never sent twice: when the POST fails in a way that hides whether the server created the
    /// session (a 5xx, a timeout, a reset), a named session is looked up by its name and adopted
    /// if it exists; otherwise the result is [`Error::Unconfirmed`].
    pub async fn create_session(&self, request: &CreateSession) -> Result<LivySession> {
        let url = self.inner.endpoint(&["sessions"]);
        let name = request.name.as_deref();
        let session: Session = self
            .inner
            .create_once("session", url, request, name, |name| async move {
                match self.session_info(SessionRef::Name(name)).await {
                    Ok(session) => Ok(Some(session)),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            })
            .await?;
        Ok(LivySession::from_info(self.clone(), &session))
    }

    /// Creates a session and waits until it is idle (under the session start deadline).
    ///
    /// If it never becomes idle, it is deleted (so that no cluster application leaks) and the
    /// error ([`Error::Timeout`] or [`Error::SessionEnded`]) is returned.
    pub async fn start_session(&self, request: &CreateSession) -> Result<LivySession> {
        let session = self.create_session(request).await?;
        match session.wait_idle().await {
            Ok(_) => Ok(session),
            Err(e) => {
                if let Err(del) = self.delete_session(session.id()).await {
                    tracing::debug!(id = session.id(), error = %del, "could not delete a session that failed to start");
                }
                Err(e)
            }
        }
    }

    /// A handle on an existing session, by id or by name (`GET /sessions/{id}` checks it exists
    /// and learns its id and kind).
    pub async fn session(&self, session: impl Into<SessionRef>) -> Result<LivySession> {
        let info = self.session_info(session).await?;
        Ok(LivySession::from_info(self.clone(), &info))
    }
}

impl From<&LivySession> for SessionRef {
    fn from(s: &LivySession) -> Self {
        SessionRef::Id(s.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::CreateSession;

    fn assert_send<T: Send>(_: &T) {}

    /// Handles are used from `tokio::spawn`ed tasks (benches, the facade): their futures must
    /// be `Send`. Nothing is polled here; this only has to compile.
    #[test]
    fn futures_are_send_and_handles_are_sync() -> Result<()> {
        let client = LivyClient::new("127.0.0.1:1")?;
        let info: Session = serde_json::from_value(serde_json::json!({
            "id": 0, "state": "idle", "kind": "sql"
        }))
        .map_err(|e| Error::decode("test", e))?;
        let s = LivySession::from_info(client.clone(), &info);
        assert_send(&s.run("1"));
        assert_send(&s.read::<i64>("1"));
        assert_send(&s.sql("SELECT 1"));
        assert_send(&s.read_dataframe("df"));
        assert_send(&s.run_function::<i64>("f", &[], &[]));
        assert_send(&s.wait_idle());
        assert_send(&client.create_session(&CreateSession::default()));
        assert_send(&client.start_session(&CreateSession::default()));
        assert_send(&client.all_sessions());
        assert_send(&crate::SharedTable::open(s.clone(), "kv"));
        fn assert_sync<T: Send + Sync>() {}
        assert_sync::<LivySession>();
        assert_sync::<LivyClient>();
        assert_sync::<crate::blocking::LivyClient>();
        assert_sync::<crate::blocking::LivySession>();
        Ok(())
    }
}
