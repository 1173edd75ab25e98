//! The supervisor of one partition's server: computes its items, builds its state, binds and
//! serves it, registers it, and relaunches it on a failure, up to the retry limit.

use std::net::{IpAddr, TcpListener};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use actix_web::web;
use ember_rdd::{Rdd, panic_message};
use tokio::sync::watch;

use crate::coordinator::{Registration, Registry};
use crate::error::Result;
use crate::net::bind_partition;
use crate::serve::{Configure, EventLoops, KillSwitch, Site};
use crate::server::{self, Control, PartitionInfo, PartitionServer};
/// How a partition's supervisor ended.
pub(crate) enum Outcome<R> {
    /// Shut down on request; what `build_result` returned, or why it failed.
    Stopped(Result<Vec<R>, String>),
    /// Used up its launches.
    Failed,
}

/// What every supervisor of one run shares.
pub(crate) struct Launch<S: PartitionServer> {
    pub(crate) server: Arc<S>,
    pub(crate) rdd: Rdd<S::Item>,
    pub(crate) registry: Arc<Registry>,
    pub(crate) loops: Arc<EventLoops>,
    pub(crate) bind: IpAddr,
    pub(crate) max_attempts: u32,
    pub(crate) cache_result: bool,
}

impl<S: PartitionServer> Launch<S> {
    /// Keeps partition `partition`'s server up until it is asked to shut down: launches it,
    /// and relaunches it when its init panics or it dies, up to `max_attempts` launches.
    pub(crate) async fn supervise(
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
