//! [`Cluster`]: launching a server on every partition, supervising, querying and stopping them.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use ember_rdd::{Context, Rdd, panic_message};
use serde::de::DeserializeOwned;
use tokio::runtime::Runtime;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::coordinator::{self, PartitionStatus, Progress, Registration, Registry};
use crate::error::{Error, HostFailure, Result};
use crate::query;
use crate::serve::{Configure, EventLoops, KillSwitch, Site};
use crate::server::{self, Control, PartitionInfo, PartitionServer};
use crate::token::Token;

/// How long [`Drop`] and a failed `start()` wait for the servers to close.
const TEARDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The settings of a [`Cluster`], with their defaults.
#[derive(Debug, Clone)]
struct Options {
    bind: IpAddr,
    cache_result: bool,
    start_timeout: Duration,
    stop_timeout: Duration,
    heartbeat_interval: Duration,
    heartbeat_timeout: Duration,
    request_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            cache_result: false,
            start_timeout: Duration::from_secs(30),
            stop_timeout: Duration::from_secs(5),
            heartbeat_interval: Duration::from_secs(1),
            heartbeat_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(10),
        }
    }
}

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
        let running = block_on(rt, launch, TEARDOWN_TIMEOUT)??;
        let timeout = self.options.start_timeout;
        let ready = block_on(
            rt,
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
                let _ = block_on(rt, running.abort(), TEARDOWN_TIMEOUT);
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
        let (results, failures) =
            block_on(rt, running.stop(timeout), timeout + TEARDOWN_TIMEOUT * 2)?;
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
        if let Some(Driver { rt, .. }) = self.runtime.take() {
            if let Some(running) = self.running.take() {
                let _ = block_on(&rt, running.abort(), TEARDOWN_TIMEOUT);
            }
            // Never blocks, so dropping a cluster inside async code does not panic.
            rt.shutdown_background();
        }
    }
}

/// What the driver side of a cluster keeps across runs: its runtime, the event loops every
/// server is served on, and HTTP clients (building a client loads TLS roots, which costs more
/// than starting a small cluster).
struct Driver {
    rt: Runtime,
    loops: Arc<EventLoops>,
    control_client: reqwest::Client,
    query_client: reqwest::Client,
}

impl Driver {
    fn new() -> Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("ember-partition")
            .enable_all()
            .build()
            .map_err(|e| Error::Runtime(format!("cannot start the cluster's runtime: {e}")))?;
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

/// Runs `fut` on the cluster's runtime and waits for it on this thread, at most `limit`
/// (every future passed here has its own bounds; `limit` is a backstop). Works from any
/// thread, including one driving another async runtime.
fn block_on<F>(rt: &Runtime, fut: F, limit: Duration) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let task = rt.spawn(async move {
        let _ = tx.send(fut.await);
    });
    rx.recv_timeout(limit).map_err(|e| {
        task.abort();
        Error::Runtime(format!("the cluster's runtime did not answer: {e}"))
    })
}

fn client(pooled: bool) -> Result<reqwest::Client> {
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

/// The address to register for a listener: the loopback address if it listens on every
/// interface.
fn advertised(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}

fn bind(ip: IpAddr) -> Result<(TcpListener, SocketAddr)> {
    bind_once(ip).map_err(|source| Error::Bind {
        addr: SocketAddr::new(ip, 0).to_string(),
        source,
    })
}

fn bind_once(ip: IpAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((ip, 0))?;
    let addr = listener.local_addr()?;
    Ok((listener, advertised(addr)))
}

/// [`bind`] for a partition's server, on the cluster's runtime. Should the kernel briefly find
/// no free port for `bind(0)` (EADDRINUSE: ports held in TIME_WAIT by closed connections),
/// retry for about a second before counting it as a failed launch.
async fn bind_partition(ip: IpAddr) -> Result<(TcpListener, SocketAddr)> {
    let mut attempt = 0u32;
    loop {
        match bind_once(ip) {
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && attempt < BIND_RETRIES => {
                attempt += 1;
                tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(attempt))).await;
            }
            other => {
                return other.map_err(|source| Error::Bind {
                    addr: SocketAddr::new(ip, 0).to_string(),
                    source,
                });
            }
        }
    }
}

/// Retries of `bind(0)` on EADDRINUSE (5, 10, 15 … ms apart: about a second in all).
const BIND_RETRIES: u32 = 20;

/// One run of a cluster: what `stop()` and `Drop` tear down.
struct Running<R> {
    registry: Arc<Registry>,
    coordinator_addr: SocketAddr,
    /// Serves the coordinator's listener; aborting it closes the listener.
    coordinator: JoinHandle<()>,
    supervisors: Vec<JoinHandle<Outcome<R>>>,
    /// Partition `i`'s shutdown signal: what `POST /control/shutdown` sets, and `stop` too.
    shutdowns: Vec<Arc<watch::Sender<bool>>>,
    heartbeat: JoinHandle<()>,
    query_client: reqwest::Client,
}

/// How a partition's supervisor ended.
enum Outcome<R> {
    /// Shut down on request; what `build_result` returned, or why it failed.
    Stopped(Result<Vec<R>, String>),
    /// Used up its launches.
    Failed,
}

/// Binds and spawns the coordinator, one supervisor per partition, and the heartbeat.
async fn launch<S: PartitionServer>(
    server: Arc<S>,
    rdd: Rdd<S::Item>,
    registry: Arc<Registry>,
    options: Options,
    max_attempts: u32,
    partitions: Vec<Vec<S::Item>>,
    (control_client, query_client, loops): (reqwest::Client, reqwest::Client, Arc<EventLoops>),
) -> Result<Running<S::Output>> {
    let (listener, coordinator_addr) = bind(options.bind)?;
    let data = web::Data::from(Arc::clone(&registry));
    let configure: Configure = Arc::new(move |cfg| coordinator::configure(cfg, data.clone()));
    // The coordinator's requests are rare: it shares the last event loop with partitions.
    let mut site = loops
        .serve(loops.len() - 1, listener, configure)
        .map_err(|source| Error::Bind {
            addr: coordinator_addr.to_string(),
            source,
        })?;
    let coordinator_task = tokio::spawn(async move {
        if let Err(e) = site.run().await {
            tracing::error!(error = %e, "the coordinator stopped accepting connections");
        }
    });
    let launch = Arc::new(Launch {
        server,
        rdd,
        registry: Arc::clone(&registry),
        loops,
        bind: options.bind,
        max_attempts: max_attempts.max(1),
        cache_result: options.cache_result,
    });
    let shutdowns: Vec<_> = (0..partitions.len())
        .map(|_| Arc::new(watch::channel(false).0))
        .collect();
    let supervisors = partitions
        .into_iter()
        .zip(&shutdowns)
        .enumerate()
        .map(|(partition, (items, shutdown))| {
            tokio::spawn(Arc::clone(&launch).supervise(partition, items, Arc::clone(shutdown)))
        })
        .collect();
    let heartbeat = tokio::spawn(coordinator::heartbeat(
        Arc::clone(&registry),
        control_client.clone(),
        options.heartbeat_interval,
        options.heartbeat_timeout,
    ));
    Ok(Running {
        registry,
        coordinator_addr,
        coordinator: coordinator_task,
        supervisors,
        shutdowns,
        heartbeat,
        query_client,
    })
}

/// Waits until every partition has registered, one has failed for good, or `timeout` passed.
async fn wait_ready(registry: Arc<Registry>, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    let mut changes = registry.subscribe();
    loop {
        changes.borrow_and_update();
        match registry.progress() {
            Progress::Ready => return Ok(()),
            Progress::Failed {
                partition,
                attempts,
                message,
            } => {
                return Err(Error::PartitionFailed {
                    partition,
                    attempts,
                    message,
                });
            }
            Progress::Waiting { registered } => {
                match tokio::time::timeout_at(deadline, changes.changed()).await {
                    Ok(Ok(())) => {}
                    Ok(Err(_)) => {
                        return Err(Error::Runtime("the registry went away".into()));
                    }
                    Err(_) => {
                        return Err(Error::Timeout {
                            registered: registry.registered().max(registered),
                            expected: registry.len(),
                            waited: timeout,
                        });
                    }
                }
            }
        }
    }
}

impl<R: Send + 'static> Running<R> {
    /// Tells every server to shut down (as `POST /control/shutdown` does) and waits for each
    /// to close its listener and connections, at most `timeout`; a server that does not stop in
    /// time (a handler blocks its event loop) is stopped from here. Then stops the coordinator.
    async fn stop(self, timeout: Duration) -> (Vec<Vec<R>>, Vec<HostFailure>) {
        self.heartbeat.abort();
        let deadline = Instant::now() + timeout;
        let registry = &self.registry;
        let stops = self
            .supervisors
            .into_iter()
            .zip(&self.shutdowns)
            .enumerate()
            .map(|(partition, (mut supervisor, shutdown))| async move {
                let addr = registry.addr(partition);
                let failure = |reason: String| HostFailure {
                    partition,
                    addr,
                    reason,
                };
                if addr.is_none() && !supervisor.is_finished() {
                    // Launching or relaunching: there is nothing to shut down gracefully yet.
                    supervisor.abort();
                    let _ = supervisor.await;
                    return (
                        Vec::new(),
                        Some(failure("was not serving (still launching)".into())),
                    );
                }
                shutdown.send_replace(true);
                match tokio::time::timeout_at(deadline, &mut supervisor).await {
                    Ok(Ok(Outcome::Stopped(Ok(results)))) => (results, None),
                    Ok(Ok(Outcome::Stopped(Err(message)))) => (Vec::new(), Some(failure(message))),
                    Ok(Ok(Outcome::Failed)) => {
                        let last = registry
                            .status()
                            .get(partition)
                            .and_then(|s| s.last_failure.clone())
                            .unwrap_or_default();
                        (
                            Vec::new(),
                            Some(failure(format!("had failed for good: {last}"))),
                        )
                    }
                    Ok(Err(join)) => (
                        Vec::new(),
                        Some(failure(format!("its supervisor ended: {join}"))),
                    ),
                    Err(_) => {
                        // Dropping the supervisor drops its site, which closes the listener.
                        supervisor.abort();
                        let _ = supervisor.await;
                        (
                            Vec::new(),
                            Some(failure(format!(
                                "did not stop within {:.1} s of being asked (its event loop is \
                                 blocked); stopped by the driver",
                                timeout.as_secs_f64()
                            ))),
                        )
                    }
                }
            });
        let ended = futures_util::future::join_all(stops).await;
        stop_coordinator(self.coordinator).await;
        let mut results = Vec::with_capacity(ended.len());
        let mut failures = Vec::new();
        for (r, f) in ended {
            results.push(r);
            failures.extend(f);
        }
        (results, failures)
    }

    /// Stops everything from the driver's side, building no results.
    async fn abort(self) {
        self.heartbeat.abort();
        for supervisor in &self.supervisors {
            supervisor.abort();
        }
        // An aborted supervisor drops its site, which closes the listener.
        futures_util::future::join_all(self.supervisors).await;
        stop_coordinator(self.coordinator).await;
    }
}

async fn stop_coordinator(task: JoinHandle<()>) {
    // Aborting drops the coordinator's site: its listener closes now, its connections (a few
    // bytes each) when its event loop next runs.
    task.abort();
    let _ = task.await;
}

/// What every supervisor of one run shares.
struct Launch<S: PartitionServer> {
    server: Arc<S>,
    rdd: Rdd<S::Item>,
    registry: Arc<Registry>,
    loops: Arc<EventLoops>,
    bind: IpAddr,
    max_attempts: u32,
    cache_result: bool,
}

impl<S: PartitionServer> Launch<S> {
    /// Keeps partition `partition`'s server up until it is asked to shut down: launches it,
    /// and relaunches it when its init panics or it dies, up to `max_attempts` launches.
    async fn supervise(
        self: Arc<Self>,
        partition: usize,
        items: Vec<S::Item>,
        shutdown: Arc<watch::Sender<bool>>,
    ) -> Outcome<S::Output> {
        let mut items = Some(items);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.registry.begin_attempt(partition, attempt);
            let message = match self
                .run_once(partition, attempt, items.take(), &shutdown)
                .await
            {
                Ok(results) => {
                    self.registry.stopped(partition, attempt);
                    return Outcome::Stopped(results);
                }
                Err(message) => message,
            };
            tracing::warn!(partition, attempt, %message, "partition server failed");
            self.registry.launch_failed(partition, attempt, &message);
            if attempt >= self.max_attempts {
                self.registry.failed(partition, attempt);
                return Outcome::Failed;
            }
        }
    }

    /// One launch: items, init, bind, serve, register, then serve until asked to shut down
    /// (`Ok`, with the partition's results) or until the server dies or is killed (`Err`).
    async fn run_once(
        &self,
        partition: usize,
        attempt: u32,
        items: Option<Vec<S::Item>>,
        shutdown: &Arc<watch::Sender<bool>>,
    ) -> Result<Result<Vec<S::Output>, String>, String> {
        let items = match items {
            Some(items) => items,
            None => {
                // A relaunch recomputes the partition from its lineage, as Spark would.
                let rdd = self.rdd.clone();
                tokio::task::spawn_blocking(move || compute_partition(&rdd, partition))
                    .await
                    .map_err(|e| format!("recomputing the partition: {e}"))?
                    .map_err(|e| format!("recomputing the partition: {e}"))?
            }
        };
        let server = Arc::clone(&self.server);
        let state = tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| server.init_partition(partition, items)))
        })
        .await
        .map_err(|e| format!("init_partition: {e}"))?
        .map_err(|p| format!("init_partition panicked: {}", panic_message(p.as_ref())))?;
        let state = web::Data::new(state);

        let (listener, addr) = bind_partition(self.bind).await.map_err(|e| e.to_string())?;
        self.registry.bound(partition, attempt, addr);
        let control = web::Data::new(Control {
            info: PartitionInfo { partition, attempt },
            token: self.registry.token.clone(),
            shutdown: Arc::clone(shutdown),
        });
        let mut site = self.serve(partition, listener, state.clone(), control)?;
        let kill = KillSwitch::new();
        self.registry.set_handle(partition, attempt, kill.clone());
        // In-process servers register directly; `POST /register` is the same call over HTTP.
        let registration = Registration {
            partition,
            attempt,
            host: addr.ip().to_string(),
            port: addr.port(),
        };
        self.registry
            .register(&registration)
            .map_err(|(status, reason)| {
                format!("the coordinator refused the registration: {status}: {reason}")
            })?;
        tracing::debug!(partition, attempt, %addr, "registered");

        let mut asked = shutdown.subscribe();
        // (`wait_for`'s guard is not `Send`: drop it inside the block.)
        let asked = async move {
            let _ = asked.wait_for(|stop| *stop).await;
        };
        tokio::select! {
            exit = site.run() => Err(serving_exit(exit)),
            () = kill.killed() => Err("the server was killed while serving".to_owned()),
            () = asked => {
                // The shutdown answer was written in the same turn of the event loop that set
                // the signal, before the loop can see the site closed.
                site.close().await;
                Ok(self.build_result(partition, state).await)
            }
        }
    }

    fn serve(
        &self,
        partition: usize,
        listener: TcpListener,
        state: web::Data<S::State>,
        control: web::Data<Control>,
    ) -> Result<Site, String> {
        let server = Arc::clone(&self.server);
        let addr = listener
            .local_addr()
            .map_or_else(|_| "?".to_owned(), |a| a.to_string());
        let configure: Configure = Arc::new(move |cfg| {
            server::configure(cfg, &*server, state.clone(), control.clone());
        });
        self.loops
            .serve(partition, listener, configure)
            .map_err(|e| format!("cannot listen on {addr}: {e}"))
    }

    async fn build_result(
        &self,
        partition: usize,
        state: web::Data<S::State>,
    ) -> Result<Vec<S::Output>, String> {
        if !self.cache_result {
            return Ok(Vec::new());
        }
        let server = Arc::clone(&self.server);
        tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| server.build_result(partition, &state)))
        })
        .await
        .map_err(|e| format!("build_result: {e}"))?
        .map_err(|p| format!("build_result panicked: {}", panic_message(p.as_ref())))
    }
}

/// Why a partition's server stopped while it was serving.
fn serving_exit(exit: std::io::Result<()>) -> String {
    match exit {
        Ok(()) => "the server's event loop ended while serving".to_owned(),
        Err(e) => format!("the server failed while serving: {e}"),
    }
}

/// Recomputes one partition's items (the other partitions' tasks pull nothing).
fn compute_partition<T: ember_rdd::Data>(
    rdd: &Rdd<T>,
    partition: usize,
) -> ember_rdd::Result<Vec<T>> {
    let parts = rdd
        .map_partitions_with_index(move |i, items| {
            if i == partition {
                vec![items.collect::<Vec<T>>()]
            } else {
                Vec::new()
            }
        })
        .collect()?;
    Ok(parts.into_iter().next().unwrap_or_default())
}
