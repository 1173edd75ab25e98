//! The threads a cluster serves HTTP on: a few event loops shared by every listener of the
//! cluster (each partition's and the coordinator's), instead of an actix `HttpServer` (an
//! accept thread and a worker) per listener.
//!
//! A listener is a [`Site`]: its accept loop runs on the cluster's tokio runtime, owned by
//! whoever holds the `Site` (a partition's supervisor task), and hands each connection to the
//! site's event loop, where the actix-web app built for that site serves it. So dropping a
//! `Site` closes its listener at once, even while its event loop is blocked by a handler; its
//! connections close when the event loop gets to them.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_http::HttpService;
use actix_service::{IntoServiceFactory, Service, ServiceFactory, ServiceFactoryExt, map_config};
use actix_web::dev::AppConfig;
use actix_web::{App, web};
use tokio::sync::{mpsc, watch};
use tokio::task::{JoinSet, LocalSet};

/// What a site's app is made of: the routes and app data, as `App::configure` takes them.
pub(crate) type Configure = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// Work for an event loop: a closure, sent from any thread, that makes a `!Send` future there.
type Job = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>> + Send>;

/// A handful of event-loop threads (each a current-thread tokio runtime with a `LocalSet`, what
/// actix-web's handlers expect) that every site of a cluster is served on.
///
/// Dropping it ends each thread once the sites on it have ended; a thread blocked by a handler
/// ends when the handler returns. Nothing joins them, so a drop never blocks.
pub(crate) struct EventLoops {
    loops: Vec<mpsc::UnboundedSender<Job>>,
}

impl fmt::Debug for EventLoops {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLoops")
            .field("threads", &self.loops.len())
            .finish()
    }
}

impl EventLoops {
    /// Starts `threads` (at least 1) event-loop threads.
    pub(crate) fn new(threads: usize) -> io::Result<Self> {
        let loops = (0..threads.max(1))
            .map(|i| {
                let (jobs, mut rx) = mpsc::unbounded_channel::<Job>();
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                std::thread::Builder::new()
                    .name(format!("ember-serve-{i}"))
                    .spawn(move || {
                        let local = LocalSet::new();
                        local.block_on(&rt, async move {
                            while let Some(job) = rx.recv().await {
                                tokio::task::spawn_local(job());
                            }
                        });
                        // The sites still on this loop (and their connections) drop here.
                        drop(local);
                    })?;
                Ok(jobs)
            })
            .collect::<io::Result<_>>()?;
        Ok(EventLoops { loops })
    }

    /// How many event loops there are.
    pub(crate) fn len(&self) -> usize {
        self.loops.len()
    }

    /// Serves `listener` with an actix-web app made by `configure`, on event loop
    /// `index % len()`. Must be called on a tokio runtime (the accept loop registers there);
    /// the listener is served once the returned [`Site`] is [`run`](Site::run).
    ///
    /// Sites on the same loop share its thread: a handler that blocks it stalls the others.
    pub(crate) fn serve(
        &self,
        index: usize,
        listener: std::net::TcpListener,
        configure: Configure,
    ) -> io::Result<Site> {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let (conns, rx) = mpsc::unbounded_channel();
        let (ended_tx, ended) = watch::channel(());
        let job: Job = Box::new(move || Box::pin(serve_site(configure, rx, ended_tx)));
        let loop_ = &self.loops[index % self.loops.len()];
        loop_
            .send(job)
            .map_err(|_| io::Error::other("the event loop's thread has ended"))?;
        Ok(Site {
            listener,
            conns,
            ended,
        })
    }
}

/// The event-loop side of a site: builds its app, then serves each connection handed over
/// until the [`Site`] is dropped, when every connection still open is dropped (closed).
async fn serve_site(
    configure: Configure,
    mut incoming: mpsc::UnboundedReceiver<std::net::TcpStream>,
    ended: watch::Sender<()>,
) {
    // Dropped when this future ends or is dropped: the `Site` sees its loop end.
    let _ended = ended;
    let app = App::new().configure(move |cfg| configure(cfg));
    let factory = HttpService::build()
        .finish(map_config(
            app.into_factory()
                .map_err(|e: actix_web::Error| e.error_response()),
            |()| AppConfig::default(),
        ))
        .tcp();
    let service = match factory.new_service(()).await {
        Ok(service) => Rc::new(service),
        Err(()) => {
            tracing::warn!("a partition server's app failed to start");
            return;
        }
    };
    let mut open = JoinSet::new();
    loop {
        tokio::select! {
            conn = incoming.recv() => {
                let Some(conn) = conn else { break };
                match tokio::net::TcpStream::from_std(conn) {
                    Ok(conn) => {
                        let service = Rc::clone(&service);
                        open.spawn_local(async move {
                            // A failed connection (reset, malformed request) is the
                            // client's; the dispatcher has answered what it could.
                            let _ = service.call(conn).await;
                        });
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot serve an accepted connection"),
                }
            }
            Some(_) = open.join_next(), if !open.is_empty() => {}
        }
    }
    // `open` drops here, closing every connection still open.
}

/// One listener served on an event loop. Dropping it closes the listener at once and the
/// site's connections when its event loop next runs.
pub(crate) struct Site {
    listener: tokio::net::TcpListener,
    conns: mpsc::UnboundedSender<std::net::TcpStream>,
    ended: watch::Receiver<()>,
}

impl fmt::Debug for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Site")
            .field("addr", &self.listener.local_addr().ok())
            .finish_non_exhaustive()
    }
}

impl Site {
    /// Accepts connections and hands them to the event loop. Returns `Ok` if the site's event
    /// loop ended (its app failed to start, or its thread is gone), or the error that stopped
    /// accepting. Cancel-safe: dropping the future loses no accepted connection.
    pub(crate) async fn run(&mut self) -> io::Result<()> {
        loop {
            tokio::select! {
                // Only ever an error: nothing sends, so this is the sender being dropped.
                _ = self.ended.changed() => return Ok(()),
                accepted = self.listener.accept() => match accepted {
                    Ok((conn, _)) => {
                        if self.conns.send(conn.into_std()?).is_err() {
                            return Ok(());
                        }
                    }
                    // The peer gave up before we accepted: not the listener's failure.
                    Err(e) if matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionAborted
                            | io::ErrorKind::ConnectionReset
                            | io::ErrorKind::Interrupted
                    ) => {}
                    Err(e) => return Err(e),
                },
            }
        }
    }

    /// Closes the listener, then waits until the event loop has closed every connection of
    /// the site (unbounded: a handler blocking the loop holds it up, so callers bound it).
    pub(crate) async fn close(self) {
        let Site {
            listener,
            conns,
            mut ended,
        } = self;
        drop(listener);
        drop(conns);
        while ended.changed().await.is_ok() {}
    }
}

/// Stops one launch of a partition's server abruptly, as a crash would
/// ([`Cluster::kill`](crate::Cluster::kill)): its supervisor drops the [`Site`].
#[derive(Debug, Clone)]
pub(crate) struct KillSwitch(Arc<watch::Sender<bool>>);

impl KillSwitch {
    pub(crate) fn new() -> Self {
        KillSwitch(Arc::new(watch::channel(false).0))
    }

    pub(crate) fn kill(&self) {
        self.0.send_replace(true);
    }

    /// Returns once [`kill`](Self::kill) was called.
    pub(crate) async fn killed(&self) {
        let mut killed = self.0.subscribe();
        // The sender lives in `self`, so this only returns once killed.
        let _ = killed.wait_for(|k| *k).await.is_ok();
    }
}
