//! The async client, [`LivyClient`], and its server and session endpoints ([`SessionRef`]
//! addresses a session). Its builder (and `LivyClient::new`) is in `builder`, the HTTP layer
//! it calls in `transport`, the settings both read in `settings`, the error body scraper in
//! `error_body`; the endpoints that return a session or batch handle sit
//! beside those handles (`session`, `batch`).

use std::fmt;
use std::ops::ControlFlow::{Break, Continue};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, Url};

use crate::error::{Error, Result};
pub use crate::error_body::server_message;
use crate::poll;
use crate::protocol::{Log, Session, SessionList, SessionState, SessionStateInfo, VersionInfo};
use crate::settings::Settings;
use crate::transport::{Idempotent, Transport};

/// The environment variable [`LivyClientBuilder::from_env`](crate::LivyClientBuilder::from_env) reads (the Python Livy utility's name).
pub const LIVY_SERVER_URL_ENV: &str = "LIVY_SERVER_URL";

/// How many log lines a [`Error::SessionEnded`] or [`Error::BatchFailed`] carries at most.
pub const LOG_TAIL_LINES: i64 = 50;

/// A session addressed by id or by name (Livy 0.7+ accepts a name wherever an id goes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SessionRef {
    /// By id.
    Id(u64),
    /// By its unique name.
    Name(String),
}

impl SessionRef {
    /// `"7"` is the id 7 (as Livy reads a path segment of digits); anything else is a name.
    pub fn parse(s: &str) -> SessionRef {
        if !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && let Ok(id) = s.parse()
        {
            return SessionRef::Id(id);
        }
        SessionRef::Name(s.to_owned())
    }

    pub(crate) fn segment(&self) -> Result<String> {
        match self {
            SessionRef::Id(id) => Ok(id.to_string()),
            SessionRef::Name(name) if name.is_empty() => Err(Error::InvalidArgument(
                "a session name cannot be empty".into(),
            )),
            SessionRef::Name(name) => Ok(name.clone()),
        }
    }
}

impl fmt::Display for SessionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionRef::Id(id) => write!(f, "{id}"),
            SessionRef::Name(name) => write!(f, "{name:?}"),
        }
    }
}

impl From<u64> for SessionRef {
    fn from(id: u64) -> Self {
        SessionRef::Id(id)
    }
}

impl From<&str> for SessionRef {
    fn from(s: &str) -> Self {
        SessionRef::parse(s)
    }
}

impl From<String> for SessionRef {
    fn from(s: String) -> Self {
        SessionRef::parse(&s)
    }
}

impl From<&String> for SessionRef {
    fn from(s: &String) -> Self {
        SessionRef::parse(s)
    }
}

/// An Apache Livy client (async). Cheap to clone: clones share one connection pool.
///
/// Every request sends `X-Requested-By` and `Content-Type: application/json`; every wait has a
/// deadline; only idempotent requests are retried (see [`RetryPolicy`](crate::RetryPolicy)).
#[derive(Clone)]
pub struct LivyClient {
    pub(crate) inner: Arc<Transport>,
}

impl fmt::Debug for LivyClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivyClient")
            .field("url", &self.inner.base.as_str())
            .field("auth", &self.inner.auth)
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl LivyClient {
    pub(crate) fn session_url(&self, session: &SessionRef, rest: &[&str]) -> Result<Url> {
        let seg = session.segment()?;
        let mut segments = vec!["sessions", seg.as_str()];
        segments.extend_from_slice(rest);
        Ok(self.inner.endpoint(&segments))
    }

    /// The server's base URL.
    pub fn url(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    // ---- the server ----

    /// `GET /version`.
    pub async fn version(&self) -> Result<VersionInfo> {
        self.inner.get(self.inner.endpoint(&["version"]), &[]).await
    }

    // ---- sessions ----

    /// `GET /sessions/{id}`.
    pub async fn session_info(&self, session: impl Into<SessionRef>) -> Result<Session> {
        let url = self.session_url(&session.into(), &[])?;
        self.inner.get(url, &[]).await
    }

    /// `GET /sessions/{id}/state`.
    pub async fn session_state(&self, session: impl Into<SessionRef>) -> Result<SessionState> {
        let url = self.session_url(&session.into(), &["state"])?;
        let info: SessionStateInfo = self.inner.get(url, &[]).await?;
        Ok(info.state)
    }

    /// `GET /sessions/{id}/log`: `size` lines from `from` (both `None`: Livy's default, the
    /// last 100 lines).
    pub async fn session_log(
        &self,
        session: impl Into<SessionRef>,
        from: Option<u64>,
        size: Option<i64>,
    ) -> Result<Log> {
        let url = self.session_url(&session.into(), &["log"])?;
        self.inner.get(url, &page_query(from, size)).await
    }

    /// `GET /sessions?from=&size=`: one page (Livy returns 100 when `size` is not given).
    pub async fn sessions(&self, from: Option<u64>, size: Option<u64>) -> Result<SessionList> {
        let size = size.map(|s| s.min(i64::MAX as u64) as i64);
        self.inner
            .get(self.inner.endpoint(&["sessions"]), &page_query(from, size))
            .await
    }

    /// Every session, paging through `GET /sessions` 100 at a time.
    pub async fn all_sessions(&self) -> Result<Vec<Session>> {
        let mut all: Vec<Session> = Vec::new();
        loop {
            let page = self.sessions(Some(all.len() as u64), Some(100)).await?;
            let got = page.sessions.len();
            all.extend(page.sessions);
            if got == 0 || all.len() as u64 >= page.total {
                return Ok(all);
            }
        }
    }

    /// `DELETE /sessions/{id}`.
    pub async fn delete_session(&self, session: impl Into<SessionRef>) -> Result<()> {
        let url = self.session_url(&session.into(), &[])?;
        let _: serde_json::Value = self
            .inner
            .call(Method::DELETE, url, &[], None::<&()>, Idempotent::Yes)
            .await?;
        Ok(())
    }

    /// Waits until the session is `idle`, under the session start deadline, polling on the
    /// client's schedule. `busy`, `starting` and the other live states are waited through.
    ///
    /// Errors: [`Error::SessionEnded`] (with the log's last lines) when the session reaches
    /// `error`, `dead`, `killed`, `success` or `shutting_down`, or vanishes (404);
    /// [`Error::Timeout`] when the deadline passes.
    pub async fn wait_idle(&self, session: impl Into<SessionRef>) -> Result<Session> {
        let session = &session.into();
        let settings = &self.inner.settings;
        // What the last look saw, for a session that then vanishes.
        let look = move |last: Option<Session>| async move {
            match self.session_info(session.clone()).await {
                Ok(info) if info.state == SessionState::Idle => Break(Ok(info)),
                Ok(info) if info.state.is_terminal() => {
                    let log_tail = self.log_tail(session, info.log.clone()).await;
                    Break(Err(Error::SessionEnded {
                        id: session.to_string(),
                        state: info.state,
                        gone: false,
                        log_tail,
                    }))
                }
                Ok(info) => {
                    if !info.state.is_known() {
                        tracing::debug!(%session, state = %info.state, "unknown session state; still waiting");
                    }
                    Continue(Some(info))
                }
                Err(e) if e.is_not_found() => {
                    let (state, log_tail) = match last {
                        Some(info) => (info.state, info.log),
                        None => (SessionState::Unknown("unknown".into()), Vec::new()),
                    };
                    Break(Err(Error::SessionEnded {
                        id: session.to_string(),
                        state,
                        gone: true,
                        log_tail,
                    }))
                }
                Err(e) => Break(Err(e)),
            }
        };
        poll::until(
            &settings.poll,
            settings.session_start_timeout,
            || format!("session {session} to become idle"),
            None,
            look,
        )
        .await
    }

    /// The last lines of a session's log, or `fallback` (the session object's `log`) when the
    /// log cannot be read.
    pub(crate) async fn log_tail(
        &self,
        session: &SessionRef,
        fallback: Vec<String>,
    ) -> Vec<String> {
        let fetch = self.session_log(session.clone(), None, Some(LOG_TAIL_LINES));
        match tokio::time::timeout(Duration::from_secs(5), fetch).await {
            Ok(Ok(log)) if !log.log.is_empty() => log.log,
            _ => fallback,
        }
    }
}

pub(crate) fn page_query(from: Option<u64>, size: Option<i64>) -> Vec<(&'static str, String)> {
    let mut q = Vec::new();
    if let Some(from) = from {
        q.push(("from", from.to_string()));
    }
    if let Some(size) = size {
        q.push(("size", size.to_string()));
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_keep_the_prefix_and_escape_names() -> Result<()> {
        let c = LivyClient::new("https://gw.example/gateway/livy/")?;
        let url = c.session_url(&SessionRef::parse("my shared/ctx"), &["statements"])?;
        assert_eq!(
            url.as_str(),
            "https://gw.example/gateway/livy/sessions/my%20shared%2Fctx/statements"
        );
        assert_eq!(SessionRef::parse("12"), SessionRef::Id(12));
        Ok(())
    }
}
