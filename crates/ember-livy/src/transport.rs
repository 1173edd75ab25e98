//! [`Transport`], the HTTP layer under a [`LivyClient`](crate::LivyClient): every request's
//! headers, auth and timeout, retries of the idempotent ones, and the typed errors of failed
//! requests. It knows nothing of the endpoints the client and its handles call through it.

use std::fmt;

use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::error_body::{http_error, snippet};
use crate::settings::Settings;

/// Whether a request may be repeated after a failure that leaves its outcome unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotent {
    Yes,
    No,
}

#[derive(Clone, Default)]
pub(crate) enum Auth {
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

/// The HTTP side of a [`LivyClient`](crate::LivyClient): its connection pool, the server's base
/// URL, the credentials and the settings every request obeys.
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) base: Url,
    pub(crate) auth: Auth,
    pub(crate) settings: Settings,
}

impl Transport {
    pub(crate) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        url: Url,
        query: &[(&str, String)],
    ) -> Result<T> {
        self.call(Method::GET, url, query, None::<&()>, Idempotent::Yes)
            .await
    }

    /// `POST url body` that creates something (a session, a batch): sent once, never retried.
    /// When its outcome is unknown (a 5xx, a timeout, a reset) and the request named what it
    /// creates, `find` looks that name up: found, it is adopted; not found while the server did
    /// answer the POST, the POST's error stands; otherwise the result is
    /// [`Error::Unconfirmed`].
    pub(crate) async fn create_once<T, B, F, Fut>(
        &self,
        what: &str,
        url: Url,
        body: &B,
        name: Option<&str>,
        find: F,
    ) -> Result<T>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>>>,
    {
        let created = self
            .call(Method::POST, url.clone(), &[], Some(body), Idempotent::No)
            .await;
        let e = match created {
            Err(e) if outcome_unknown(&e) => e,
            other => return other,
        };
        if let Some(name) = name
            && let Ok(found) = find(name.to_owned()).await
        {
            match found {
                Some(existing) => {
                    tracing::warn!(%url, name, error = %e,
                        "{what} create failed, but one of that name exists: using it");
                    return Ok(existing);
                }
                None if e.status().is_some() => return Err(e),
                None => {}
            }
        }
        Err(Error::Unconfirmed {
            method: "POST".into(),
            url: url.to_string(),
            cause: Box::new(e),
        })
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
        let settings = &self.settings;
        let mut retry = 0u32;
        loop {
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .timeout(settings.request_timeout);
            req = match &self.auth {
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
                after: self.settings.request_timeout,
            }
        } else {
            Error::Transport {
                method: method.to_string(),
                url: url.to_string(),
                message: error_chain(e),
            }
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

pub(crate) use ember_runtime::error_chain;
