//! The async client: configuration, the HTTP layer (headers, auth, timeouts, safe retries,
//! error bodies), and the session and batch endpoints.

use std::fmt;
use std::ops::ControlFlow::{Break, Continue};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::poll::{self, PollSchedule, RetryPolicy};
use crate::protocol::{
    Log, Session, SessionList, SessionState,
    SessionStateInfo, VersionInfo,
};

/// The environment variable [`LivyClientBuilder::from_env`] reads (the Python Livy utility's name).
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

#[derive(Clone, Default)]
enum Auth {
    #[default]
    None,
    Basic {
        user: String,
        password: Option<String>,
    },
    Bearer(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Basic { user, .. } => write!(f, "Basic({user}, <redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// The deadlines, poll schedule and retry policy a client and its handles use.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) request_timeout: Duration,
    pub(crate) session_start_timeout: Duration,
    pub(crate) statement_timeout: Duration,
    pub(crate) batch_timeout: Duration,
    pub(crate) poll: PollSchedule,
    pub(crate) retry: RetryPolicy,
    pub(crate) cancel_on_timeout: bool,
}

/// Builds a [`LivyClient`].
///
/// Defaults: `X-Requested-By: ember-livy`, 10 s to connect, 60 s per request, 10 min for a
/// session to become idle, 1 h for a statement, 24 h for a batch, the Python Livy utility's poll schedule, and
/// 3 retries of idempotent requests.
#[derive(Debug)]
pub struct LivyClientBuilder {
    url: Result<Url>,
    requested_by: String,
    auth: Auth,
    headers: Vec<(String, String)>,
    ca_pems: Vec<Vec<u8>>,
    ca_only: bool,
    connect_timeout: Duration,
    settings: Settings,
}

impl LivyClientBuilder {
    /// A builder for the server at `url`: `host:port` (http; the port defaults to 8998),
    /// `http://host:port[/prefix]` or `https://host:port[/prefix]`.
    ///
    /// A bad URL is reported by [`build`](Self::build).
    pub fn new(url: &str) -> Self {
        LivyClientBuilder {
            url: parse_server_url(url),
            requested_by: "ember-livy".into(),
            auth: Auth::None,
            headers: Vec::new(),
            ca_pems: Vec::new(),
            ca_only: false,
            connect_timeout: Duration::from_secs(10),
            settings: Settings {
                request_timeout: Duration::from_secs(60),
                session_start_timeout: Duration::from_secs(600),
                statement_timeout: Duration::from_secs(3600),
                batch_timeout: Duration::from_secs(24 * 3600),
                poll: PollSchedule::default(),
                retry: RetryPolicy::default(),
                cancel_on_timeout: true,
            },
        }
    }

    /// A builder for the server named by the `LIVY_SERVER_URL` environment variable.
    pub fn from_env() -> Self {
        match std::env::var(LIVY_SERVER_URL_ENV) {
            Ok(url) => LivyClientBuilder::new(&url),
            Err(_) => {
                let mut b = LivyClientBuilder::new("localhost");
                b.url = Err(Error::Config(format!("{LIVY_SERVER_URL_ENV} is not set")));
                b
            }
        }
    }

    /// The `X-Requested-By` value (sent on every request; Livy's CSRF protection wants it).
    pub fn requested_by(mut self, value: impl Into<String>) -> Self {
        self.requested_by = value.into();
        self
    }

    /// HTTP basic authentication.
    pub fn basic_auth(mut self, user: impl Into<String>, password: Option<String>) -> Self {
        self.auth = Auth::Basic {
            user: user.into(),
            password,
        };
        self
    }

    /// A bearer token (`Authorization: Bearer …`; Ember's server reads `EMBER_LIVY_TOKEN`).
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Auth::Bearer(token.into());
        self
    }

    /// An extra header on every request (checked by [`build`](Self::build)).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Trusts the CA certificates in this PEM data, besides the system's roots.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pems.push(pem.into());
        self
    }

    /// Trusts only the CA certificates given by [`ca_pem`](Self::ca_pem), not the system's.
    pub fn ca_only(mut self, only: bool) -> Self {
        self.ca_only = only;
        self
    }

    /// The longest wait to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest wait for one request's whole response.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.settings.request_timeout = timeout;
        self
    }

    /// The deadline of [`LivyClient::wait_idle`] (and of [`LivyClient::start_session`]).
    pub fn session_start_timeout(mut self, timeout: Duration) -> Self {
        self.settings.session_start_timeout = timeout;
        self
    }

    /// The deadline of waiting for a statement (`run`, `sql`, `read`, …).
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.settings.statement_timeout = timeout;
        self
    }

    /// The deadline of [`LivyBatch::wait`](crate::LivyBatch::wait).
    pub fn batch_timeout(mut self, timeout: Duration) -> Self {
        self.settings.batch_timeout = timeout;
        self
    }

    /// The poll schedule of every wait.
    pub fn poll_schedule(mut self, schedule: PollSchedule) -> Self {
        self.settings.poll = schedule;
        self
    }

    /// When idempotent requests are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Whether a statement whose deadline passed is cancelled on the server (default: yes), so
    /// that it does not keep the session busy.
    pub fn cancel_on_timeout(mut self, cancel: bool) -> Self {
        self.settings.cancel_on_timeout = cancel;
        self
    }

    /// The client.
    pub fn build(self) -> Result<LivyClient> {
        let base = self.url?;
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let requested_by = HeaderValue::from_str(&self.requested_by)
            .map_err(|e| Error::Config(format!("X-Requested-By {:?}: {e}", self.requested_by)))?;
        headers.insert(HeaderName::from_static("x-requested-by"), requested_by);
        for (name, value) in &self.headers {
            let header_name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::Config(format!("header name {name:?}: {e}")))?;
            let mut header_value = HeaderValue::from_str(value)
                .map_err(|e| Error::Config(format!("header {name}: {e}")))?;
            header_value.set_sensitive(is_sensitive(&header_name));
            headers.insert(header_name, header_value);
        }
        let mut http = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(self.connect_timeout)
            .user_agent(concat!("ember-livy/", env!("CARGO_PKG_VERSION")));
        let mut certs = Vec::new();
        for pem in &self.ca_pems {
            let found = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Error::Config(format!("CA certificate: {e}")))?;
            if found.is_empty() {
                return Err(Error::Config(
                    "CA certificate: no certificate in the PEM data".into(),
                ));
            }
            certs.extend(found);
        }
        if self.ca_only {
            http = http.tls_certs_only(certs);
        } else if !certs.is_empty() {
            http = http.tls_certs_merge(certs);
        }
        let http = http
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {}", error_chain(&e))))?;
        Ok(LivyClient {
            inner: Arc::new(Inner {
                http,
                base,
                auth: self.auth,
                settings: self.settings,
            }),
        })
    }
}

fn is_sensitive(name: &HeaderName) -> bool {
    let n = name.as_str();
    n == "authorization" || n == "cookie" || n.contains("token") || n.contains("secret")
}

/// Parses `host:port`, `http://…` or `https://…` into the server's base URL.
pub(crate) fn parse_server_url(raw: &str) -> Result<Url> {
    let bad = |reason: &str| Error::InvalidUrl {
        url: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let text = raw.trim();
    if text.is_empty() {
        return Err(bad("it is empty"));
    }
    let has_scheme = text.contains("://");
    let full = if has_scheme {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    let mut url = Url::parse(&full).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if !has_scheme && url.port().is_none() {
        let _ = url.set_port(Some(crate::protocol::DEFAULT_PORT));
    }
    url.set_fragment(None);
    Ok(url)
}

/// An Apache Livy client (async). Cheap to clone: clones share one connection pool.
///
/// Every request sends `X-Requested-By` and `Content-Type: application/json`; every wait has a
/// deadline; only idempotent requests are retried (see [`RetryPolicy`]).
#[derive(Clone)]
pub struct LivyClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    base: Url,
    auth: Auth,
    pub(crate) settings: Settings,
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

/// Whether a request may be repeated after a failure that leaves its outcome unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotent {
    Yes,
    No,
}

impl LivyClient {
    /// A client with default settings for `url` (`host:port`, `http://…`, `https://…`).
    pub fn new(url: &str) -> Result<LivyClient> {
        LivyClientBuilder::new(url).build()
    }

    /// A client for `LIVY_SERVER_URL`.
    pub fn from_env() -> Result<LivyClient> {
        LivyClientBuilder::from_env().build()
    }

    /// A builder.
    pub fn builder(url: &str) -> LivyClientBuilder {
        LivyClientBuilder::new(url)
    }

    /// The server's base URL.
    pub fn url(&self) -> &Url {
        &self.inner.base
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    // ---- HTTP layer ----

    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.inner.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    pub(crate) fn session_url(&self, session: &SessionRef, rest: &[&str]) -> Result<Url> {
        let seg = session.segment()?;
        let mut segments = vec!["sessions", seg.as_str()];
        segments.extend_from_slice(rest);
        Ok(self.endpoint(&segments))
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
        query: &[(&str, String)],
    ) -> Result<T> {
        self.call(Method::GET, url, query, None::<&()>, Idempotent::Yes)
            .await
    }

    /// One request with the retry policy applied, its JSON answer decoded.
    pub(crate) async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        mut url: Url,
        query: &[(&str, String)],
        body: Option<&B>,
        idempotent: Idempotent,
    ) -> Result<T> {
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| {
                Error::decode(format!("the body of {method} {url}"), e.to_string())
            })?),
            None => None,
        };
        let bytes = self.send(&method, &url, body, idempotent).await?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &bytes
        };
        serde_json::from_slice(text).map_err(|e| {
            Error::decode(
                format!("the response to {method} {url}"),
                format!("{e}; body: {}", snippet(&bytes)),
            )
        })
    }

    async fn send(
        &self,
        method: &Method,
        url: &Url,
        body: Option<Vec<u8>>,
        idempotent: Idempotent,
    ) -> Result<Vec<u8>> {
        let settings = &self.inner.settings;
        let mut retry = 0u32;
        loop {
            let mut req = self
                .inner
                .http
                .request(method.clone(), url.clone())
                .timeout(settings.request_timeout);
            req = match &self.inner.auth {
                Auth::None => req,
                Auth::Basic { user, password } => req.basic_auth(user, password.as_ref()),
                Auth::Bearer(token) => req.bearer_auth(token),
            };
            if let Some(body) = &body {
                req = req.body(body.clone());
            }
            let (error, retryable) = match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    match resp.bytes().await {
                        Ok(bytes) if status.is_success() => return Ok(bytes.to_vec()),
                        Ok(bytes) => {
                            if *method == Method::DELETE
                                && retry > 0
                                && status == StatusCode::NOT_FOUND
                            {
                                // An earlier attempt deleted it and its answer was lost.
                                return Ok(b"{\"msg\":\"deleted\"}".to_vec());
                            }
                            let e = http_error(method, url, status, &bytes);
                            (e, status.is_server_error() && idempotent == Idempotent::Yes)
                        }
                        Err(e) => (
                            self.transport_error(method, url, &e),
                            idempotent == Idempotent::Yes,
                        ),
                    }
                }
                // Never sent: safe to repeat whatever the method.
                Err(e) if e.is_connect() => (
                    Error::Connect {
                        url: url.to_string(),
                        message: error_chain(&e),
                    },
                    true,
                ),
                Err(e) => (
                    self.transport_error(method, url, &e),
                    idempotent == Idempotent::Yes,
                ),
            };
            if !retryable || retry >= settings.retry.max_retries {
                return Err(error);
            }
            let pause = settings.retry.backoff(retry);
            tracing::debug!(%method, %url, retry, ?pause, error = %error, "retrying Livy request");
            retry += 1;
            tokio::time::sleep(pause).await;
        }
    }

    fn transport_error(&self, method: &Method, url: &Url, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            Error::Timeout {
                waiting_for: format!("the response to {method} {url}"),
                after: self.inner.settings.request_timeout,
            }
        } else {
            Error::Transport {
                method: method.to_string(),
                url: url.to_string(),
                message: error_chain(e),
            }
        }
    }

    // ---- the server ----

    /// `GET /version`.
    pub async fn version(&self) -> Result<VersionInfo> {
        self.get(self.endpoint(&["version"]), &[]).await
    }

    // ---- sessions ----

    /// `GET /sessions/{id}`.
    pub async fn session_info(&self, session: impl Into<SessionRef>) -> Result<Session> {
        let url = self.session_url(&session.into(), &[])?;
        self.get(url, &[]).await
    }

    /// `GET /sessions/{id}/state`.
    pub async fn session_state(&self, session: impl Into<SessionRef>) -> Result<SessionState> {
        let url = self.session_url(&session.into(), &["state"])?;
        let info: SessionStateInfo = self.get(url, &[]).await?;
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
        self.get(url, &page_query(from, size)).await
    }

    /// `GET /sessions?from=&size=`: one page (Livy returns 100 when `size` is not given).
    pub async fn sessions(&self, from: Option<u64>, size: Option<u64>) -> Result<SessionList> {
        let size = size.map(|s| s.min(i64::MAX as u64) as i64);
        self.get(self.endpoint(&["sessions"]), &page_query(from, size))
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

/// Whether a failed creating request may still have been acted on by the server.
pub(crate) fn outcome_unknown(e: &Error) -> bool {
    match e {
        Error::Http { status, .. } => *status >= 500,
        Error::Timeout { .. } | Error::Transport { .. } => true,
        _ => false,
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

pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn http_error(method: &Method, url: &Url, status: StatusCode, body: &[u8]) -> Error {
    let message = server_message(body)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("no message").to_owned());
    if status == StatusCode::NOT_FOUND {
        Error::NotFound {
            method: method.to_string(),
            url: url.to_string(),
            message,
        }
    } else {
        Error::Http {
            method: method.to_string(),
            url: url.to_string(),
            status: status.as_u16(),
            message,
        }
    }
}

/// The server's message in an error body: `{"msg": …}`, a bare JSON string, other JSON as
/// text, the first text of an HTML page (its `<title>` if it has one), or the start of a text.
pub fn server_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        return Some(match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Object(ref obj) => match obj.get("msg") {
                Some(serde_json::Value::String(msg)) => msg.clone(),
                _ => value.to_string(),
            },
            other => other.to_string(),
        });
    }
    if text.starts_with('<') {
        if let Some(title) = html_title(text) {
            return Some(title);
        }
        return html_first_text(text).or_else(|| Some(shorten(text)));
    }
    Some(shorten(text))
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = lower[start..].find('>')? + start + 1;
    let close = lower[open_end..].find("</title")? + open_end;
    let title = collapse_ws(&decode_entities(&html[open_end..close]));
    (!title.is_empty()).then_some(title)
}

fn html_first_text(html: &str) -> Option<String> {
    let mut in_tag = false;
    let mut skip_until: Option<&str> = None;
    let mut current = String::new();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if let Some(end) = skip_until {
            if lower[i..].starts_with(end) {
                skip_until = None;
                i += end.len();
            } else {
                i += 1;
            }
            continue;
        }
        let c = bytes[i];
        if c == b'<' {
            in_tag = true;
            if lower[i..].starts_with("<script") {
                skip_until = Some("</script>");
            } else if lower[i..].starts_with("<style") {
                skip_until = Some("</style>");
            }
            let text = collapse_ws(&decode_entities(&current));
            if !text.is_empty() {
                return Some(text);
            }
            current.clear();
        } else if c == b'>' {
            in_tag = false;
        } else if !in_tag {
            // Copy the whole UTF-8 character.
            let ch_len = html[i..].chars().next().map_or(1, char::len_utf8);
            current.push_str(&html[i..i + ch_len]);
            i += ch_len;
            continue;
        }
        i += 1;
    }
    let text = collapse_ws(&decode_entities(&current));
    (!text.is_empty()).then_some(text)
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(s: &str) -> String {
    const MAX: usize = 500;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn snippet(body: &[u8]) -> String {
    shorten(String::from_utf8_lossy(body).trim())
}

/// An error and its causes, joined with `: ` (reqwest's own message names only the URL).
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_server_url("livy.example:8998")
            .map(|u| u.to_string())
            .ok();
        assert_eq!(u.as_deref(), Some("http://livy.example:8998/"));
        let u = parse_server_url("livy").map(|u| u.to_string()).ok();
        assert_eq!(u.as_deref(), Some("http://livy:8998/"));
        let u = parse_server_url("https://gw.example/gateway/livy/")
            .map(|u| u.to_string())
            .ok();
        assert_eq!(u.as_deref(), Some("https://gw.example/gateway/livy/"));
        assert!(matches!(
            parse_server_url("ftp://x"),
            Err(Error::InvalidUrl { .. })
        ));
        assert!(parse_server_url("  ").is_err());
    }

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

    #[test]
    fn error_bodies() {
        assert_eq!(
            server_message(br#"{"msg":"Session '7' not found."}"#).as_deref(),
            Some("Session '7' not found.")
        );
        assert_eq!(
            server_message(br#""Statement not found""#).as_deref(),
            Some("Statement not found")
        );
        let jetty = b"<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n<title>Error 400 Missing Required Header for CSRF protection.</title>\n</head>\n<body><h2>HTTP ERROR 400</h2></body></html>";
        assert_eq!(
            server_message(jetty).as_deref(),
            Some("Error 400 Missing Required Header for CSRF protection.")
        );
        assert_eq!(
            server_message(b"<html><body><h1>Bad &amp; wrong</h1><p>x</p></body></html>")
                .as_deref(),
            Some("Bad & wrong")
        );
        assert_eq!(server_message(b"  ").as_deref(), None);
        assert_eq!(server_message(b"oops").as_deref(), Some("oops"));
    }
}
