//! The driver side a cluster keeps across runs: its runtime, the event loops its servers are
//! served on, its HTTP clients, and the bounded wait on that runtime.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ember_runtime::Runtime;

use crate::error::{Error, Result};
use crate::serve::EventLoops;
/// What the driver side of a cluster keeps across runs: its runtime, the event loops every
/// server is served on, and HTTP clients (building a client loads TLS roots, which costs more
/// than starting a small cluster).
pub(crate) struct Driver {
    pub(crate) rt: Runtime,
    pub(crate) loops: Arc<EventLoops>,
    pub(crate) control_client: reqwest::Client,
    pub(crate) query_client: reqwest::Client,
}

impl Driver {
    pub(crate) fn new() -> Result<Self> {
        let rt = Runtime::builder("ember-partition")
            .threads(2)
            .build()
            .map_err(|e| Error::Runtime(e.to_string()))?;
        // Two event loops serve any number of partitions (the coordinator's requests are rare);
        // more only help handlers that compute on big machines.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
        let loops = EventLoops::new(threads)
            .map_err(|e| Error::Runtime(format!("cannot start the serving threads: {e}")))?;
        Ok(Driver {
            rt,
            loops: Arc::new(loops),
            control_client: client(false)?,
            query_client: client(true)?,
        })
    }
}

/// Runs `fut` on the cluster's runtime and waits for it on this thread, at most `limit`, by the
/// workspace's one rule ([`Runtime::block_on`]: from any thread, inside another async runtime
/// too). Every future passed here has its own bounds; `limit` is a backstop.
pub(crate) fn block_on<F>(rt: &Runtime, what: &str, fut: F, limit: Duration) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    rt.block_on(what, Some(limit), fut)
        .map_err(|e| Error::Runtime(e.to_string()))
}

pub(crate) fn client(pooled: bool) -> Result<reqwest::Client> {
    let builder = reqwest::Client::builder().no_proxy().tcp_nodelay(true);
    // Control requests (heartbeat pings) are rare: a fresh connection each keeps no
    // idle connection pinned to a server that is about to stop.
    let builder = if pooled {
        builder
    } else {
        builder.pool_max_idle_per_host(0)
    };
    builder
        .build()
        .map_err(|e| Error::Runtime(format!("cannot build the HTTP client: {e}")))
}
