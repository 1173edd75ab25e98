//! The coordinator on the driver: the registry of partition servers, its HTTP routes
//! (`POST /register`, `GET /hosts`, `GET /status`) and the heartbeat that pings every server.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use crate::serve::KillSwitch;
use crate::token::{TOKEN_HEADER, Token};
use ember_serve::{get, method_not_allowed, not_found, text};

/// Where a partition server is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PartitionState {
    /// Computing its items, initialising, binding or registering (also while relaunching).
    Launching,
    /// Registered, and answering heartbeats.
    Serving,
    /// Registered, but its latest heartbeat got no answer in time: it looks dead or hung.
    Unresponsive,
    /// Shut down on request.
    Stopped,
    /// Failed more often than the context's task retry limit allows; not relaunched again.
    Failed,
}

/// One partition server as the coordinator sees it ([`Cluster::status`](crate::Cluster::status)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionStatus {
    /// The partition.
    pub partition: usize,
    /// Where it serves, once registered.
    pub addr: Option<SocketAddr>,
    /// Its state.
    pub state: PartitionState,
    /// Launches so far in this run (1 unless it was relaunched).
    pub attempts: u32,
    /// Why its latest failed launch failed, if one did.
    pub last_failure: Option<String>,
    /// Time since it last answered a heartbeat (or registered), if it ever did.
    pub since_heartbeat: Option<Duration>,
}

#[derive(Debug)]
struct Slot {
    addr: Option<SocketAddr>,
    /// The address the current launch's server was bound to, once it is: the only address a
    /// registration may name, so the token (sent with heartbeats and shutdown) never goes
    /// anywhere else.
    bound: Option<SocketAddr>,
    attempt: u32,
    state: PartitionState,
    last_seen: Option<Instant>,
    last_failure: Option<String>,
    handle: Option<KillSwitch>,
}

/// The shared record of every partition server of one run of a cluster.
#[derive(Debug)]
pub(crate) struct Registry {
    pub(crate) token: Token,
    slots: Mutex<Vec<Slot>>,
    changed: watch::Sender<()>,
}

/// How far `start()` has got.
pub(crate) enum Progress {
    /// Registered so far, of all.
    Waiting { registered: usize },
    /// Every partition is serving.
    Ready,
    /// A partition failed for good.
    Failed {
        partition: usize,
        attempts: u32,
        message: String,
    },
}

impl Registry {
    pub(crate) fn new(partitions: usize, token: Token) -> Self {
        let slots = (0..partitions)
            .map(|_| Slot {
                addr: None,
                bound: None,
                attempt: 0,
                state: PartitionState::Launching,
                last_seen: None,
                last_failure: None,
                handle: None,
            })
            .collect();
        Registry {
            token,
            slots: Mutex::new(slots),
            changed: watch::channel(()).0,
        }
    }

    fn slots(&self) -> MutexGuard<'_, Vec<Slot>> {
        // Every critical section is a few field writes, so a poisoned lock holds consistent data.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on partition `partition`'s slot if it is still on launch `attempt`, then wakes
    /// whoever waits for changes.
    fn update(&self, partition: usize, attempt: u32, f: impl FnOnce(&mut Slot)) {
        if let Some(slot) = self.slots().get_mut(partition)
            && slot.attempt == attempt
        {
            f(slot);
        }
        self.changed.send_replace(());
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<()> {
        self.changed.subscribe()
    }

    pub(crate) fn len(&self) -> usize {
        self.slots().len()
    }

    pub(crate) fn begin_attempt(&self, partition: usize, attempt: u32) {
        if let Some(slot) = self.slots().get_mut(partition) {
            slot.attempt = attempt;
            slot.state = PartitionState::Launching;
            slot.addr = None;
            slot.bound = None;
            slot.handle = None;
        }
        self.changed.send_replace(());
    }

    /// Launch `attempt` of `partition` bound its server to `addr` (as it will register it).
    pub(crate) fn bound(&self, partition: usize, attempt: u32, addr: SocketAddr) {
        self.update(partition, attempt, |slot| slot.bound = Some(addr));
    }

    pub(crate) fn set_handle(&self, partition: usize, attempt: u32, handle: KillSwitch) {
        self.update(partition, attempt, |slot| slot.handle = Some(handle));
    }

    /// Records a registration; the error is the status and one-line reason to answer with.
    pub(crate) fn register(&self, reg: &Registration) -> Result<(), (StatusCode, String)> {
        let ip: IpAddr = reg.host.parse().map_err(|_| {
            (
                StatusCode::BAD_REQUEST,
                format!("host '{}' is not an IP address", reg.host),
            )
        })?;
        if reg.port == 0 {
            return Err((StatusCode::BAD_REQUEST, "port must not be 0".into()));
        }
        let mut slots = self.slots();
        let count = slots.len();
        let slot = slots.get_mut(reg.partition).ok_or_else(|| {
            (
                StatusCode::BAD_REQUEST,
                format!(
                    "partition {} is out of range; the cluster has {count}",
                    reg.partition
                ),
            )
        })?;
        let given = SocketAddr::new(ip, reg.port);
        if slot.attempt == reg.attempt && slot.bound != Some(given) {
            let reason = match slot.bound {
                Some(bound) => format!(
                    "partition {} (launch {}) was bound to {bound}, not {given}: a registration names the address the cluster bound",
                    reg.partition, reg.attempt
                ),
                None => format!(
                    "partition {} (launch {}) has not bound its server yet",
                    reg.partition, reg.attempt
                ),
            };
            return Err((StatusCode::FORBIDDEN, reason));
        }
        if slot.attempt != reg.attempt || slot.state != PartitionState::Launching {
            return Err((
                StatusCode::CONFLICT,
                format!(
                    "stale registration: partition {} is on launch {} ({:?})",
                    reg.partition, slot.attempt, slot.state
                ),
            ));
        }
        slot.addr = Some(given);
        slot.state = PartitionState::Serving;
        slot.last_seen = Some(Instant::now());
        drop(slots);
        self.changed.send_replace(());
        Ok(())
    }

    /// A launch failed; the partition goes back to `Launching` for the next one.
    pub(crate) fn launch_failed(&self, partition: usize, attempt: u32, message: &str) {
        self.update(partition, attempt, |slot| {
            slot.state = PartitionState::Launching;
            slot.addr = None;
            slot.handle = None;
            slot.last_failure = Some(message.to_owned());
        });
    }

    pub(crate) fn failed(&self, partition: usize, attempt: u32) {
        self.update(partition, attempt, |slot| {
            slot.state = PartitionState::Failed;
            slot.addr = None;
            slot.handle = None;
        });
    }

    pub(crate) fn stopped(&self, partition: usize, attempt: u32) {
        self.update(partition, attempt, |slot| {
            slot.state = PartitionState::Stopped;
            slot.addr = None;
            slot.handle = None;
        });
    }

    fn heartbeat(&self, partition: usize, addr: SocketAddr, alive: bool) {
        let mut slots = self.slots();
        if let Some(slot) = slots.get_mut(partition)
            && slot.addr == Some(addr)
            && matches!(
                slot.state,
                PartitionState::Serving | PartitionState::Unresponsive
            )
        {
            if alive {
                slot.state = PartitionState::Serving;
                slot.last_seen = Some(Instant::now());
            } else {
                slot.state = PartitionState::Unresponsive;
            }
        }
    }

    pub(crate) fn progress(&self) -> Progress {
        let slots = self.slots();
        if let Some((partition, slot)) = slots
            .iter()
            .enumerate()
            .find(|(_, s)| s.state == PartitionState::Failed)
        {
            return Progress::Failed {
                partition,
                attempts: slot.attempt,
                message: slot.last_failure.clone().unwrap_or_default(),
            };
        }
        let registered = slots.iter().filter(|s| s.addr.is_some()).count();
        if registered == slots.len() {
            Progress::Ready
        } else {
            Progress::Waiting { registered }
        }
    }

    pub(crate) fn registered(&self) -> usize {
        self.slots().iter().filter(|s| s.addr.is_some()).count()
    }

    /// Partition index → address, for every registered partition.
    pub(crate) fn hosts(&self) -> BTreeMap<usize, SocketAddr> {
        self.slots()
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.addr.map(|a| (i, a)))
            .collect()
    }

    pub(crate) fn addr(&self, partition: usize) -> Option<SocketAddr> {
        self.slots().get(partition).and_then(|s| s.addr)
    }

    pub(crate) fn handle(&self, partition: usize) -> Option<KillSwitch> {
        self.slots().get(partition).and_then(|s| s.handle.clone())
    }

    pub(crate) fn status(&self) -> Vec<PartitionStatus> {
        self.slots()
            .iter()
            .enumerate()
            .map(|(partition, s)| PartitionStatus {
                partition,
                addr: s.addr,
                state: s.state,
                attempts: s.attempt,
                last_failure: s.last_failure.clone(),
                since_heartbeat: s.last_seen.map(|t| t.elapsed()),
            })
            .collect()
    }
}

/// The body of `POST /register`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Registration {
    pub(crate) partition: usize,
    pub(crate) attempt: u32,
    pub(crate) host: String,
    pub(crate) port: u16,
}

/// Registers the coordinator's routes.
pub(crate) fn configure(cfg: &mut web::ServiceConfig, registry: web::Data<Registry>) {
    cfg.app_data(registry)
        // Bodies are tiny; a larger one is refused with 413 before it is read.
        .app_data(web::PayloadConfig::new(16 * 1024))
        .service(
            web::resource("/register")
                .route(web::post().to(register))
                .default_service(method_not_allowed("POST")),
        )
        .service(
            web::resource("/hosts")
                .route(get().to(hosts))
                .default_service(method_not_allowed("GET, HEAD")),
        )
        .service(
            web::resource("/status")
                .route(get().to(status))
                .default_service(method_not_allowed("GET, HEAD")),
        )
        .default_service(not_found(
            "the coordinator's routes are POST /register, GET /hosts and GET /status",
        ));
}

async fn register(
    req: HttpRequest,
    body: web::Bytes,
    registry: web::Data<Registry>,
) -> HttpResponse {
    if let Some(denied) = registry.token.deny(&req) {
        return denied;
    }
    let reg: Registration = match serde_json::from_slice(&body) {
        Ok(reg) => reg,
        Err(e) => {
            return text(
                StatusCode::BAD_REQUEST,
                format!(
                    "the body must be JSON {{\"partition\", \"attempt\", \"host\", \"port\"}}: {e}"
                ),
            );
        }
    };
    match registry.register(&reg) {
        Ok(()) => {
            tracing::debug!(partition = reg.partition, attempt = reg.attempt, host = %reg.host, port = reg.port, "registered");
            text(
                StatusCode::OK,
                format!("registered partition {}", reg.partition),
            )
        }
        Err((status, reason)) => text(status, reason),
    }
}

#[derive(Serialize)]
struct HostJson {
    partition: usize,
    host: String,
    port: u16,
}

async fn hosts(req: HttpRequest, registry: web::Data<Registry>) -> HttpResponse {
    if let Some(denied) = registry.token.deny(&req) {
        return denied;
    }
    let hosts: Vec<HostJson> = registry
        .hosts()
        .into_iter()
        .map(|(partition, addr)| HostJson {
            partition,
            host: addr.ip().to_string(),
            port: addr.port(),
        })
        .collect();
    HttpResponse::Ok().json(hosts)
}

#[derive(Serialize)]
struct StatusJson {
    partition: usize,
    host: Option<String>,
    port: Option<u16>,
    state: PartitionState,
    attempts: u32,
    last_failure: Option<String>,
    ms_since_heartbeat: Option<u64>,
}

async fn status(req: HttpRequest, registry: web::Data<Registry>) -> HttpResponse {
    if let Some(denied) = registry.token.deny(&req) {
        return denied;
    }
    let status: Vec<StatusJson> = registry
        .status()
        .into_iter()
        .map(|s| StatusJson {
            partition: s.partition,
            host: s.addr.map(|a| a.ip().to_string()),
            port: s.addr.map(|a| a.port()),
            state: s.state,
            attempts: s.attempts,
            last_failure: s.last_failure,
            ms_since_heartbeat: s
                .since_heartbeat
                .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        })
        .collect();
    HttpResponse::Ok().json(status)
}

/// Pings every registered server every `interval`, each with `timeout`, and marks the ones
/// that do not answer [`PartitionState::Unresponsive`] (and the ones that answer again
/// [`PartitionState::Serving`]). Runs until aborted.
pub(crate) async fn heartbeat(
    registry: std::sync::Arc<Registry>,
    client: reqwest::Client,
    interval: Duration,
    timeout: Duration,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await; // the first tick is immediate; servers registered just now
    loop {
        ticks.tick().await;
        let pings = registry.hosts().into_iter().map(|(partition, addr)| {
            let client = &client;
            let registry = &registry;
            async move {
                let answer = client
                    .get(format!("http://{addr}/control/ping"))
                    .header(TOKEN_HEADER, registry.token.as_str())
                    .timeout(timeout)
                    .send()
                    .await;
                let alive = matches!(answer, Ok(ref r) if r.status().is_success());
                if !alive {
                    tracing::warn!(partition, %addr, "partition server missed a heartbeat");
                }
                registry.heartbeat(partition, addr, alive);
            }
        });
        futures_util::future::join_all(pings).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration(attempt: u32, addr: SocketAddr) -> Registration {
        Registration {
            partition: 0,
            attempt,
            host: addr.ip().to_string(),
            port: addr.port(),
        }
    }

    #[test]
    fn regression_a_launching_partition_takes_only_the_address_it_bound() {
        let registry = Registry::new(1, Token::random());
        registry.begin_attempt(0, 1);
        let bound: SocketAddr = "127.0.0.1:41000".parse().unwrap();
        let elsewhere: SocketAddr = "127.0.0.1:41001".parse().unwrap();
        // Before: taken, and heartbeats then sent the token to `elsewhere`.
        let (status, why) = registry.register(&registration(1, elsewhere)).unwrap_err();
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(why.contains("has not bound"), "{why}");
        registry.bound(0, 1, bound);
        let (status, why) = registry.register(&registration(1, elsewhere)).unwrap_err();
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(why.contains("127.0.0.1:41000"), "{why}");
        assert_eq!(registry.hosts().len(), 0);
        registry.register(&registration(1, bound)).unwrap();
        assert_eq!(registry.hosts()[&0], bound);
        // A new launch forgets the old address.
        registry.begin_attempt(0, 2);
        let (status, _) = registry.register(&registration(2, bound)).unwrap_err();
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
