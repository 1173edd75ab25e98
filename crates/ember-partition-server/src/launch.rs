//! One run of a cluster: its settings, the launch of the coordinator, the supervisors and the
//! heartbeat, the wait until every partition registered, and the stop.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use ember_rdd::Rdd;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::coordinator::{self, Progress, Registry};
use crate::error::{Error, HostFailure, Result};
use crate::net::bind;
use crate::serve::{Configure, EventLoops};
use crate::server::PartitionServer;
use crate::supervisor::{Launch, Outcome};
/// The settings of a [`Cluster`], with their defaults.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) bind: IpAddr,
    pub(crate) cache_result: bool,
    pub(crate) start_timeout: Duration,
    pub(crate) stop_timeout: Duration,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) heartbeat_timeout: Duration,
    pub(crate) request_timeout: Duration,
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

/// One run of a cluster: what `stop()` and `Drop` tear down.
pub(crate) struct Running<R> {
    pub(crate) registry: Arc<Registry>,
    pub(crate) coordinator_addr: SocketAddr,
    /// Serves the coordinator's listener; aborting it closes the listener.
    pub(crate) coordinator: JoinHandle<()>,
    pub(crate) supervisors: Vec<JoinHandle<Outcome<R>>>,
    /// Partition `i`'s shutdown signal: what `POST /control/shutdown` sets, and `stop` too.
    pub(crate) shutdowns: Vec<Arc<watch::Sender<bool>>>,
    pub(crate) heartbeat: JoinHandle<()>,
    pub(crate) query_client: reqwest::Client,
}

/// Binds and spawns the coordinator, one supervisor per partition, and the heartbeat.
pub(crate) async fn launch<S: PartitionServer>(
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
pub(crate) async fn wait_ready(registry: Arc<Registry>, timeout: Duration) -> Result<()> {
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
    pub(crate) async fn stop(self, timeout: Duration) -> (Vec<Vec<R>>, Vec<HostFailure>) {
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
    pub(crate) async fn abort(self) {
        self.heartbeat.abort();
        for supervisor in &self.supervisors {
            supervisor.abort();
        }
        // An aborted supervisor drops its site, which closes the listener.
        futures_util::future::join_all(self.supervisors).await;
        stop_coordinator(self.coordinator).await;
    }
}

pub(crate) async fn stop_coordinator(task: JoinHandle<()>) {
    // Aborting drops the coordinator's site: its listener closes now, its connections (a few
    // bytes each) when its event loop next runs.
    task.abort();
    let _ = task.await;
}
