//! Querying partition servers: one partition, or all of them at once (the fan-out of an ad hoc
//! search cluster).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use crate::error::{Error, Result};

/// The URL of `path` (relative to `/app`, with or without a leading `/`, query string allowed)
/// on the server at `addr`.
pub fn app_url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}/app/{}", path.trim_start_matches('/'))
}

/// `GET`s `path` (relative to `/app`) on one partition's server within `timeout` and returns
/// the body of a 2xx answer. Errors name the partition: [`Error::Request`] when no answer came,
/// [`Error::Status`] for any other status.
pub async fn query(
    client: &reqwest::Client,
    partition: usize,
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
) -> Result<String> {
    let url = app_url(addr, path);
    let request_error = |e: reqwest::Error| Error::Request {
        partition,
        url: url.clone(),
        reason: error_chain(&e),
    };
    let response = client
        .get(&url)
        .timeout(timeout)
        .send()
        .await
        .map_err(request_error)?;
    let status = response.status();
    let body = response.text().await.map_err(request_error)?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(Error::Status {
            partition,
            status: status.as_u16(),
            body: first_line(&body),
        })
    }
}

/// `GET`s `path` (relative to `/app`) on every host at once, each within `timeout`, and returns
/// every partition's answer or error, by partition index. One slow or failing partition costs
/// at most `timeout` and spoils only its own entry.
///
/// This is the async building block behind [`Cluster::query_all`](crate::Cluster::query_all),
/// for applications that query from their own runtime with a snapshot of
/// [`Cluster::hosts`](crate::Cluster::hosts).
pub async fn fan_out(
    client: &reqwest::Client,
    hosts: &BTreeMap<usize, SocketAddr>,
    path: &str,
    timeout: Duration,
) -> BTreeMap<usize, Result<String>> {
    let queries = hosts.iter().map(|(&partition, &addr)| async move {
        (
            partition,
            query(client, partition, addr, path, timeout).await,
        )
    });
    futures_util::future::join_all(queries)
        .await
        .into_iter()
        .collect()
}

/// An error and its sources on one line, at most 200 characters.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    first_line(&ember_runtime::error_chain(e))
}

/// The first line of `s`, at most 200 characters.
pub(crate) fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    line.chars().take(200).collect()
}
