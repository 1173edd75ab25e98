//! Running an actix-web app as Ember's servers do: bound with a typed error, in the foreground
//! until a signal ([`HttpApp::serve`]) or on a thread of its own ([`HttpApp::spawn`]), and
//! stopped gracefully within a bound.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::dev::{Extensions, ServerHandle};
use actix_web::{App, HttpServer, web};

use crate::error::{Error, Result};

/// The most HTTP worker threads a server takes.
pub const MAX_WORKERS: usize = 1024;

/// How long [`Background::stop`] waits past the grace period for the server's thread to end.
pub const STOP_SLACK: Duration = Duration::from_secs(5);

/// How an HTTP server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// HTTP worker threads, each an event loop (at least 1, at most [`MAX_WORKERS`]); default:
    /// one per core. Ember's servers never run jobs or statements on them.
    pub workers: usize,
    /// After a stop is asked for (SIGTERM, SIGINT, or the caller): how long in-flight requests
    /// get to finish before their connections are closed. Default 10 s.
    pub shutdown_grace: Duration,
    /// How long [`HttpApp::spawn`] waits for the server to listen. Default 10 s.
    pub start_timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            shutdown_grace: Duration::from_secs(10),
            start_timeout: Duration::from_secs(10),
        }
    }
}

impl ServeOptions {
    /// Checks every setting is in its domain ([`Error::Config`] naming the one that is not).
    pub fn check(&self) -> Result<()> {
        if !(1..=MAX_WORKERS).contains(&self.workers) {
            return Err(Error::Config {
                name: "workers",
                reason: format!("must be from 1 to {MAX_WORKERS}, not {}", self.workers),
            });
        }
        if self.start_timeout.is_zero() {
            return Err(Error::Config {
                name: "start_timeout",
                reason: "must be more than zero".into(),
            });
        }
        Ok(())
    }
}

/// Binds `addr` (`host:port`; port 0 picks a free one), with a typed error that names it.
pub fn bind(addr: &str) -> Result<TcpListener> {
    TcpListener::bind(addr).map_err(|source| Error::Bind {
        addr: addr.to_owned(),
        source,
    })
}

/// The address `listener` is bound to; an error names `server` (`"the UI server"`).
pub fn local_addr(listener: &TcpListener, server: &'static str) -> Result<SocketAddr> {
    listener
        .local_addr()
        .map_err(|source| Error::Server { server, source })
}

/// Binds the first free port of `first..=first + retries` on `host`, as Spark's UI tries
/// `spark.ui.port` and the ports after it. `first == 0` picks any free port.
pub fn bind_first_free(host: &str, first: u16, retries: u16) -> Result<TcpListener> {
    let last = if first == 0 {
        0
    } else {
        first.saturating_add(retries)
    };
    let mut error = None;
    for port in first..=last {
        match TcpListener::bind((host, port)) {
            Ok(listener) => return Ok(listener),
            Err(e) => error = Some(e),
        }
    }
    Err(Error::Bind {
        addr: format!("{host}:{first}..={last}"),
        source: error.unwrap_or_else(|| std::io::Error::other("no port to try")),
    })
}

/// A port for a program that must be told its port number before it binds it (Spark's
/// standalone master, a command from the docs, a stock Ballista executor), where binding port 0
/// is not possible: free on `host` now, and chosen below the kernel's ephemeral port range (and
/// above 10000, clear of well-known services), so no port-0 bind and no outgoing connection is
/// handed it before that program binds it. Never the same port twice in one process; processes
/// start at different places in the range. Where no such range exists, any free port.
///
/// Errors: [`Error::Bind`] when no port of the range is free on `host`.
///
/// ```
/// let port = ember_serve::spare_port("127.0.0.1")?;
/// let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
/// assert_ne!(ember_serve::spare_port("127.0.0.1")?, port);
/// # drop(listener);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn spare_port(host: &str) -> Result<u16> {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let (low, high) = spare_range();
    if high <= low {
        let listener = TcpListener::bind((host, 0)).map_err(|source| Error::Bind {
            addr: format!("{host}:0"),
            source,
        })?;
        return Ok(local_addr(&listener, "a spare port")?.port());
    }
    let span = u32::from(high - low);
    let start = std::process::id().wrapping_mul(7919) % span;
    let mut error = None;
    for _ in 0..span {
        let offset = (start + NEXT.fetch_add(1, Ordering::Relaxed)) % span;
        let port = low + u16::try_from(offset).unwrap_or(0);
        match TcpListener::bind((host, port)) {
            Ok(_) => return Ok(port),
            Err(e) => error = Some(e),
        }
    }
    Err(Error::Bind {
        addr: format!("{host}:{low}..{high}"),
        source: error.unwrap_or_else(|| std::io::Error::other("no port to try")),
    })
}

/// The ports [`spare_port`] chooses from: from 10000 up to where the kernel's ephemeral ports
/// begin (Linux says where; elsewhere IANA's 49152).
fn spare_range() -> (u16, u16) {
    let ephemeral = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(49152);
    (10000, ephemeral)
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C where there are no such signals). If the process
/// cannot listen for signals at all, it never resolves (and says so in the log): a server then
/// runs until its other stop trigger, rather than stopping right after it started.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            return;
        }
    }
    if let Err(e) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %e, "cannot listen for signals; stop the server another way");
        std::future::pending::<()>().await;
    }
}

/// The hook [`HttpApp::on_connect`] installs: actix's `HttpServer::on_connect`.
pub type OnConnect = fn(&dyn Any, &mut Extensions);

type Configure = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

/// An actix-web app as one of Ember's servers: its routes (what `App::configure` takes), a name
/// for its log lines and errors, and an optional per-connection hook. Cheap to clone.
#[derive(Clone)]
pub struct HttpApp {
    name: &'static str,
    configure: Configure,
    on_connect: Option<OnConnect>,
}

impl fmt::Debug for HttpApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpApp")
            .field("name", &self.name)
            .field("on_connect", &self.on_connect.is_some())
            .finish_non_exhaustive()
    }
}

impl HttpApp {
    /// The app `configure` builds, named `name` (`"the Livy server"`) in errors and logs.
    pub fn new(
        name: &'static str,
        configure: impl Fn(&mut web::ServiceConfig) + Send + Sync + 'static,
    ) -> Self {
        HttpApp {
            name,
            configure: Arc::new(configure),
            on_connect: None,
        }
    }

    /// Runs `hook` on every new connection (actix's `HttpServer::on_connect`).
    #[must_use]
    pub fn on_connect(mut self, hook: OnConnect) -> Self {
        self.on_connect = Some(hook);
        self
    }

    /// The server's name, as errors and logs give it.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The actix server for this app on `listener`, not yet polled. It ignores signals (its
    /// owner decides when it stops) and takes at most the grace period to stop gracefully.
    /// Call it inside an actix system (`actix_web::rt::System`), as actix requires.
    pub fn server(
        &self,
        listener: TcpListener,
        options: &ServeOptions,
    ) -> Result<actix_web::dev::Server> {
        options.check()?;
        let addr = listener
            .local_addr()
            .map_or_else(|_| "?".to_owned(), |a| a.to_string());
        let configure = Arc::clone(&self.configure);
        let mut http = HttpServer::new(move || {
            let configure = Arc::clone(&configure);
            App::new().configure(move |cfg| configure(cfg))
        })
        .workers(options.workers)
        .shutdown_timeout(options.shutdown_grace.as_secs().max(1))
        .disable_signals();
        if let Some(hook) = self.on_connect {
            http = http.on_connect(hook);
        }
        Ok(http
            .listen(listener)
            .map_err(|source| Error::Bind { addr, source })?
            .run())
    }

    /// Serves on `listener` until SIGTERM or SIGINT, or until `shutdown` resolves; then stops
    /// accepting and, while in-flight requests finish (within the grace period), runs
    /// `stopping` (the owner's own shutdown: sessions, jobs; the owner bounds it). Returns
    /// `Ok(())` once both are done, or the error that ended the server early.
    pub async fn serve(
        &self,
        listener: TcpListener,
        options: &ServeOptions,
        shutdown: impl Future<Output = ()>,
        stopping: impl Future<Output = ()>,
    ) -> Result<()> {
        let http = self.server(listener, options)?;
        let handle = http.handle();
        let name = self.name;
        let running = async {
            http.await.map_err(|source| Error::Server {
                server: name,
                source,
            })
        };
        tokio::pin!(running);
        tokio::select! {
            // The server ended on its own (an I/O error).
            r = &mut running => return r,
            () = shutdown => tracing::info!("{name}: shutdown requested"),
            () = shutdown_signal() => tracing::info!("{name}: signal received; shutting down"),
        }
        // The server future must keep being polled: it is what carries out the stop command.
        let stop = futures_util::future::join(stopping, handle.stop(true));
        let (_, result) = futures_util::future::join(stop, running).await;
        result
    }

    /// Serves on `listener` on a thread of its own (for tests, examples, embedding and
    /// programs that are not actix apps) and returns once it accepts connections, or
    /// [`Error::Timeout`] after `options.start_timeout`.
    pub fn spawn(&self, listener: TcpListener, options: &ServeOptions) -> Result<Background> {
        options.check()?;
        let name = self.name;
        let addr = local_addr(&listener, name)?;
        let (ready_tx, ready) = mpsc::sync_channel(1);
        let (stopped_tx, stopped) = mpsc::sync_channel(1);
        let app = self.clone();
        let thread_options = options.clone();
        let thread = std::thread::Builder::new()
            .name(format!("ember-http-{}", addr.port()))
            .spawn(move || {
                let system = actix_web::rt::System::new();
                system.block_on(async move {
                    match app.server(listener, &thread_options) {
                        Ok(http) => {
                            let _ = ready_tx.send(Ok(http.handle()));
                            if let Err(e) = http.await {
                                tracing::error!("{name} failed: {e}");
                            }
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
                let _ = stopped_tx.send(());
            })
            .map_err(|source| Error::Server {
                server: name,
                source,
            })?;
        let handle = match ready.recv_timeout(options.start_timeout) {
            Ok(Ok(handle)) => handle,
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                // Too late for the caller: stop the server if it ever comes up, so nothing is
                // left listening behind an error.
                std::thread::spawn(move || {
                    if let Ok(Ok(handle)) = ready.recv() {
                        drop(handle.stop(false));
                    }
                });
                return Err(Error::Timeout {
                    waiting_for: format!("{name} to listen on {addr}"),
                    after: options.start_timeout,
                });
            }
        };
        Ok(Background {
            name,
            addr,
            handle,
            stopped: Mutex::new(stopped),
            thread: Some(thread),
            grace: options.shutdown_grace,
        })
    }
}

/// A server running on a thread of its own ([`HttpApp::spawn`]). [`stop`](Self::stop) it to
/// wait until it has stopped; dropping it asks it to stop without waiting.
#[derive(Debug)]
pub struct Background {
    name: &'static str,
    addr: SocketAddr,
    handle: ServerHandle,
    /// Sent when the server's thread is done (a mutex only so the handle is `Sync`).
    stopped: Mutex<mpsc::Receiver<()>>,
    thread: Option<JoinHandle<()>>,
    grace: Duration,
}

impl Background {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish within the grace period and waits for
    /// the server's thread, at most the grace period plus [`STOP_SLACK`].
    pub fn stop(self) -> Result<()> {
        self.stop_with(async {})
    }

    /// [`stop`](Self::stop), running `alongside` (the owner's own shutdown) while the HTTP side
    /// stops; both are cut off after the grace period plus [`STOP_SLACK`]. Works from any
    /// thread, inside a tokio runtime or not (it runs the stop on a helper thread).
    pub fn stop_with(mut self, alongside: impl Future<Output = ()> + Send + 'static) -> Result<()> {
        let Some(thread) = self.thread.take() else {
            return Ok(());
        };
        let bound = self.grace + STOP_SLACK;
        let handle = self.handle.clone();
        let both = async move {
            futures_util::future::join(alongside, handle.stop(true)).await;
        };
        match ember_runtime::Runtime::builder("ember-serve-stop").build() {
            // A stop past its bound is reported below, from the server thread's own signal.
            Ok(rt) => drop(rt.block_on("the server's stop", Some(bound), both)),
            // No runtime for the owner's part: still stop the HTTP side.
            Err(_) => drop(self.handle.stop(true)),
        }
        let stopped = match self.stopped.lock() {
            Ok(stopped) => stopped.recv_timeout(STOP_SLACK),
            Err(poisoned) => poisoned.into_inner().recv_timeout(STOP_SLACK),
        };
        match stopped {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = thread.join();
                Ok(())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Timeout {
                waiting_for: format!("{} on {} to stop", self.name, self.addr),
                after: bound + STOP_SLACK,
            }),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if self.thread.is_some() {
            // The command is sent at once; the returned future only reports completion.
            drop(self.handle.stop(false));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn handles_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::Background>();
        shareable::<super::HttpApp>();
    }
}
