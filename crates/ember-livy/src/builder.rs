//! [`LivyClientBuilder`]: the server's URL forms, headers and authentication, TLS roots, and the
//! deadlines, poll schedule and retry policy a client and its handles use.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use crate::client::{LIVY_SERVER_URL_ENV, LivyClient};
use crate::error::{Error, Result};
use crate::poll::{PollSchedule, RetryPolicy};
use crate::settings::Settings;
use crate::transport::{Auth, Transport, error_chain};

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

    /// A builder for the Livy server a Spark-style master names, `livy://host:port[/prefix]`
    /// (http) or `livy+https://host:port[/prefix]`, sending the token in
    /// [`LIVY_TOKEN_ENV`](crate::LIVY_TOKEN_ENV) when it is set; `None` for any other master
    /// (`local[2]`, `spark://…`). This is how Ember's CLI reads `--master livy://…`.
    ///
    /// ```
    /// use ember_livy::LivyClientBuilder;
    /// assert!(LivyClientBuilder::from_master("livy://localhost:8998").is_some());
    /// assert!(LivyClientBuilder::from_master("local[2]").is_none());
    /// assert_eq!(ember_livy::master_url("livy+https://livy.example/api").as_deref(), Some("https://livy.example/api"));
    /// ```
    pub fn from_master(master: &str) -> Option<Self> {
        master_url(master).map(|url| LivyClientBuilder::new(&url).bearer_token_from_env())
    }

    /// Sends the token in [`LIVY_TOKEN_ENV`](crate::LIVY_TOKEN_ENV) as a bearer token when
    /// that variable is set (and keeps the current authentication when it is not).
    pub fn bearer_token_from_env(self) -> Self {
        match std::env::var(LIVY_TOKEN_ENV) {
            Ok(token) => self.bearer_token(token),
            Err(_) => self,
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

    /// The deadline of [`LivyBatch::wait`](crate::LivyBatch::wait)(crate::LivyBatch::wait).
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
            inner: Arc::new(Transport {
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

/// The environment variable that holds a Livy bearer token: the client sends it
/// ([`LivyClientBuilder::bearer_token_from_env`]) and Ember's Livy server requires it.
pub const LIVY_TOKEN_ENV: &str = "EMBER_LIVY_TOKEN";

/// The server URL a Spark-style Livy master names: `livy://rest` is `http://rest`,
/// `livy+https://rest` is `https://rest`; `None` for any other master.
pub fn master_url(master: &str) -> Option<String> {
    if let Some(rest) = master.strip_prefix("livy://") {
        Some(format!("http://{rest}"))
    } else {
        master
            .strip_prefix("livy+https://")
            .map(|rest| format!("https://{rest}"))
    }
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
}
