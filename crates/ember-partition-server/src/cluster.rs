//! [`Cluster`]: launching a server on every partition, supervising, querying and stopping them.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ember_rdd::{Context, Rdd};
use serde::de::DeserializeOwned;

use crate::coordinator::{PartitionStatus, Progress, Registry};
use crate::driver::{Driver, block_on};
use crate::error::{Error, Result};
use crate::launch::{Options, Running, launch, wait_ready};
use crate::query;
use crate::server::PartitionServer;
use crate::token::Token;

/// How long [`Drop`] and a failed `start()` wait for the servers to close.
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// A server on every partition of an RDD, with a coordinator on the driver (Spark's
/// spark-partition-server `Cluster`).
///
/// Build it with [`Cluster::new`] and the builder methods, then [`start`](Self::start) and
/// [`stop`](Self::stop) it as often as needed. While it runs, [`hosts`](Self::hosts) maps each
/// partition to the address its server listens on, [`status`](Self::status) tells which
/// servers are up, and [`query`](Self::query) / [`query_all`](Self::query_all) reach them.
///
/// The methods block (like RDD actions); from async code, call them inside `spawn_blocking`.
/// Dropping a running cluster stops every server from the driver's side (no results are
/// built): nothing is left listening.
pub struct Cluster<S: PartitionServer> {
    ctx: Context,
    rdd: Rdd<S::Item>,
    server: Arc<S>,
    options: Options,
    runtime: Option<Driver>,
    running: Option<Running<S::Output>>,
    result: Option<Rdd<S::Output>>,
}

impl<S: PartitionServer> fmt::Debug for Cluster<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("partitions", &self.rdd.num_partitions())
            .field("running", &self.running.is_some())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<S: PartitionServer> Cluster<S> {
    /// A stopped cluster that will serve `rdd`'s partitions with `server`. `ctx` gives the
    /// relaunch limit ([`Context::max_task_failures`]) and the result RDD's context.
    pub fn new(ctx: &Context, rdd: Rdd<S::Item>, server: S) -> Self {
        Cluster {
            ctx: ctx.clone(),
            rdd,
            server: Arc::new(server),
            options: Options::default(),
            runtime: None,
            running: None,
            result: None,
        }
    }

    /// Whether [`stop`](Self::stop) keeps what each server's `build_result` returns, as the
    /// [`result_rdd`](Self::result_rdd) (default `false`: `build_result` is not called).
    pub fn cache_result(mut self, cache: bool) -> Self {
        self.options.cache_result = cache;
        self
    }

    /// The address the coordinator and every partition server bind (on port 0, so each gets
    /// a free port). Default `127.0.0.1`; an unspecified address (`0.0.0.0`) listens on every
    /// interface and registers the loopback address.
    pub fn bind_address(mut self, ip: IpAddr) -> Self {
        self.options.bind = ip;
        self
    }

    /// How long [`start`](Self::start) waits for every server to register (default 30 s).
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.options.start_timeout = timeout;
        self
    }

    /// How long [`stop`](Self::stop) waits for each server to shut down (default 5 s); they
    /// are waited for in parallel, so this bounds the whole stop.
    pub fn stop_timeout(mut self, timeout: Duration) -> Self {
        self.options.stop_timeout = timeout;
        self
    }

    /// How often the coordinator pings every server, and how long each ping may take
    /// (defaults 1 s and 1 s). The interval is at least 1 ms.
    pub fn heartbeat(mut self, interval: Duration, timeout: Duration) -> Self {
        self.options.heartbeat_interval = interval.max(Duration::from_millis(1));
        self.options.heartbeat_timeout = timeout;
        self
    }

    /// The time limit of each request made by [`query`](Self::query) and
    /// [`query_all`](Self::query_all) (default 10 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.options.request_timeout = timeout;
        self
    }

    /// The RDD served.
    pub fn rdd(&self) -> &Rdd<S::Item> {
        &self.rdd
    }

    /// The partition server.
    pub fn server(&self) -> &S {
        &self.server
    }

    /// Whether the cluster is running (between a successful `start` and `stop`).
    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// Starts the coordinator and a server on every partition, and returns once every server
    /// has registered.
    ///
    /// One job computes every partition's items; each partition's `init_partition` then runs
    /// on a blocking pool and its server listens on a port of its own, so every partition
    /// serves at once whatever the context's thread count. A partition whose init panics or
    /// whose server dies is relaunched (its items recomputed) up to
    /// [`Context::max_task_failures`] launches.
    ///
    /// # Errors
    /// [`Error::AlreadyRunning`]; [`Error::Rdd`] if computing the partitions fails;
    /// [`Error::PartitionFailed`] if a partition used up its launches;
    /// [`Error::Timeout`] if not every server registered within the start timeout;
    /// [`Error::Bind`] / [`Error::Runtime`] for the coordinator's listener and the runtime.
    /// On any error, whatever had started is stopped before `start` returns.
    pub fn start(&mut self) -> Result<()> {
        if self.running.is_some() {
            return Err(Error::AlreadyRunning);
        }
        let partitions = self.rdd.glom().collect()?;
        if self.runtime.is_none() {
            self.runtime = Some(Driver::new()?);
        }
        let driver = self.runtime.as_ref().ok_or(Error::NotRunning)?;
        let rt = &driver.rt;
        let registry = Arc::new(Registry::new(partitions.len(), Token::random()));
        let launch = launch(
            Arc::clone(&self.server),
            self.rdd.clone(),
            Arc::clone(&registry),
            self.options.clone(),
            self.ctx.max_task_failures(),
            partitions,
            (
                driver.control_client.clone(),
                driver.query_client.clone(),
                Arc::clone(&driver.loops),
            ),
        );
        // Launching itself only binds and spawns; it is bounded by the bind.
        let running = block_on(
            rt,
            "launching the partition servers",
            launch,
            TEARDOWN_TIMEOUT,
        )??;
        let timeout = self.options.start_timeout;
        let ready = block_on(
            rt,
            "the partition servers' registration",
            wait_ready(registry, timeout),
            timeout + TEARDOWN_TIMEOUT,
        )
        .and_then(|r| r);
        match ready {
            Ok(()) => {
                self.running = Some(running);
                Ok(())
            }
            Err(e) => {
                let _ = block_on(
                    rt,
                    "stopping the partition servers",
                    running.abort(),
                    TEARDOWN_TIMEOUT,
                );
                Err(e)
            }
        }
    }

    /// Shuts every server down: tells each at once (as `POST /control/shutdown` would) and
    /// waits for each to close its listener and connections, bounded by the stop timeout; then
    /// stops the coordinator. With `cache_result(true)`, what each
    /// server's `build_result` returned becomes the [`result_rdd`](Self::result_rdd).
    ///
    /// Requests still in flight on a server when it shuts down are cut. A stopped cluster can
    /// be started again.
    ///
    /// # Errors
    /// [`Error::NotRunning`]; [`Error::Stop`] naming every partition that did not stop
    /// cleanly (not closed in time, failed earlier, or `build_result` panicked). Those were
    /// stopped from the driver's side, so even then nothing is left listening and the cluster
    /// is stopped; the result RDD holds the other partitions' results.
    pub fn stop(&mut self) -> Result<()> {
        let running = self.running.take().ok_or(Error::NotRunning)?;
        let rt = &self.runtime.as_ref().ok_or(Error::NotRunning)?.rt;
        let timeout = self.options.stop_timeout;
        let (results, failures) = block_on(
            rt,
            "stopping the partition servers",
            running.stop(timeout),
            timeout + TEARDOWN_TIMEOUT * 2,
        )?;
        if self.options.cache_result {
            self.result = Some(self.ctx.parallelize_partitions(results)?.cache());
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Error::Stop { failures })
        }
    }

    /// The result RDD of the latest [`stop`](Self::stop): partition `i` holds what partition
    /// `i`'s server returned from `build_result`. `None` before the first stop, or when the
    /// cluster was not built with `cache_result(true)`.
    pub fn result_rdd(&self) -> Option<&Rdd<S::Output>> {
        self.result.as_ref()
    }

    /// Partition index → the address its server listens on, for every registered server
    /// (empty when stopped). A relaunched server shows its new address.
    pub fn hosts(&self) -> BTreeMap<usize, SocketAddr> {
        self.running
            .as_ref()
            .map(|r| r.registry.hosts())
            .unwrap_or_default()
    }

    /// The URL of `path` (relative to `/app`) on partition `partition`'s server, if it is
    /// serving.
    pub fn url(&self, partition: usize, path: &str) -> Option<String> {
        let addr = self.running.as_ref()?.registry.addr(partition)?;
        Some(query::app_url(addr, path))
    }

    /// Every partition's state as the coordinator sees it, heartbeats included (empty when
    /// stopped). [`PartitionState::Unresponsive`](crate::PartitionState::Unresponsive) marks a
    /// server that missed its latest heartbeat.
    pub fn status(&self) -> Vec<PartitionStatus> {
        self.running
            .as_ref()
            .map(|r| r.registry.status())
            .unwrap_or_default()
    }

    /// `Ok` while no partition has failed for good; otherwise [`Error::PartitionFailed`]
    /// naming the first that has.
    pub fn check(&self) -> Result<()> {
        let running = self.running.as_ref().ok_or(Error::NotRunning)?;
        match running.registry.progress() {
            Progress::Failed {
                partition,
                attempts,
                message,
            } => Err(Error::PartitionFailed {
                partition,
                attempts,
                message,
            }),
            _ => Ok(()),
        }
    }

    /// The coordinator's address (`POST /register`, `GET /hosts`, `GET /status`).
    pub fn coordinator_addr(&self) -> Option<SocketAddr> {
        self.running.as_ref().map(|r| r.coordinator_addr)
    }

    /// This run's secret, which the coordinator's routes and `/control/*` require in the
    /// [`TOKEN_HEADER`](crate::TOKEN_HEADER) header. A new one is drawn at every start.
    pub fn token(&self) -> Option<&str> {
        self.running.as_ref().map(|r| r.registry.token.as_str())
    }

    /// `GET`s `path` (relative to `/app`) on one partition's server and returns the body of
    /// its 2xx answer, within the request timeout.
    ///
    /// # Errors
    /// [`Error::NotRunning`], [`Error::NotServing`], [`Error::Request`], [`Error::Status`].
    pub fn query(&self, partition: usize, path: &str) -> Result<String> {
        let running = self.running.as_ref().ok_or(Error::NotRunning)?;
        let rt = &self.runtime.as_ref().ok_or(Error::NotRunning)?.rt;
        let addr = running
            .registry
            .addr(partition)
            .ok_or(Error::NotServing { partition })?;
        let client = running.query_client.clone();
        let (path, timeout) = (path.to_owned(), self.options.request_timeout);
        block_on(
            rt,
            "a partition query",
            async move { query::query(&client, partition, addr, &path, timeout).await },
            timeout + TEARDOWN_TIMEOUT,
        )?
    }

    /// `GET`s `path` (relative to `/app`) on every partition at once, each within the request
    /// timeout, and returns each partition's body or error by partition index: a partition
    /// that is not serving gets [`Error::NotServing`], one that fails gets its own error, and
    /// the others are unaffected.
    ///
    /// # Errors
    /// Only [`Error::NotRunning`] (and [`Error::Runtime`]) fail the whole call.
    pub fn query_all(&self, path: &str) -> Result<BTreeMap<usize, Result<String>>> {
        let running = self.running.as_ref().ok_or(Error::NotRunning)?;
        let rt = &self.runtime.as_ref().ok_or(Error::NotRunning)?.rt;
        let hosts = running.registry.hosts();
        let client = running.query_client.clone();
        let (path, timeout) = (path.to_owned(), self.options.request_timeout);
        let mut answers = block_on(
            rt,
            "a query to every partition",
            async move { query::fan_out(&client, &hosts, &path, timeout).await },
            timeout + TEARDOWN_TIMEOUT,
        )?;
        for partition in 0..running.registry.len() {
            answers
                .entry(partition)
                .or_insert(Err(Error::NotServing { partition }));
        }
        Ok(answers)
    }

    /// [`query_all`](Self::query_all), decoding each 2xx body as JSON.
    pub fn query_all_json<V: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<BTreeMap<usize, Result<V>>> {
        Ok(self
            .query_all(path)?
            .into_iter()
            .map(|(partition, body)| {
                let value = body.and_then(|b| {
                    serde_json::from_str(&b).map_err(|e| Error::Decode {
                        partition,
                        reason: e.to_string(),
                    })
                });
                (partition, value)
            })
            .collect())
    }

    /// Stops partition `partition`'s server abruptly, as a crash would, without telling its
    /// supervisor: for fault-injection tests and drills. The supervisor sees the server die
    /// and relaunches it (counting a failed launch).
    ///
    /// # Errors
    /// [`Error::NotRunning`], or [`Error::NotServing`] if that partition has no live server.
    pub fn kill(&self, partition: usize) -> Result<()> {
        let running = self.running.as_ref().ok_or(Error::NotRunning)?;
        let handle = running
            .registry
            .handle(partition)
            .ok_or(Error::NotServing { partition })?;
        handle.kill();
        Ok(())
    }
}

impl<S: PartitionServer> Drop for Cluster<S> {
    fn drop(&mut self) {
        // Dropping the runtime never blocks, so dropping a cluster inside async code does not
        // panic.
        if let (Some(Driver { rt, .. }), Some(running)) = (self.runtime.take(), self.running.take())
        {
            let _ = block_on(
                &rt,
                "stopping the partition servers",
                running.abort(),
                TEARDOWN_TIMEOUT,
            );
        }
    }
}
