//! Running the API as an HTTP server: in the foreground until a signal ([`serve`]), or in the
//! background for tests, examples and embedding ([`spawn`]).

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{App, HttpServer};

use crate::error::{Error, Result};
use crate::server::LivyServer;

/// How the HTTP server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// HTTP worker threads (statements never run on them).
    pub workers: usize,
    /// After SIGTERM/SIGINT: how long in-flight requests and running statements get before they
    /// are cancelled and every session is stopped.
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            workers: 2,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Binds `addr` (`host:port`), with a typed error that names the address.
pub fn bind(addr: &str) -> Result<TcpListener> {
    TcpListener::bind(addr).map_err(|source| Error::Bind {
        addr: addr.to_owned(),
        source,
    })
}

fn http_server(
    server: &LivyServer,
    listener: TcpListener,
    options: &ServeOptions,
) -> Result<actix_web::dev::Server> {
    if options.workers == 0 {
        return Err(Error::Config {
            name: "workers",
            reason: "must be at least 1".into(),
        });
    }
    let local = listener.local_addr().map_err(Error::Server)?;
    if let Some(reason) = server.exposure_refusal(local) {
        return Err(Error::Config {
            name: "allow_code_execution",
            reason,
        });
    }
    let addr = local.to_string();
    let app_server = server.clone();
    let http = HttpServer::new(move || App::new().service(app_server.scope("")))
        .workers(options.workers)
        .shutdown_timeout(options.shutdown_grace.as_secs().max(1))
        .disable_signals()
        .listen(listener)
        .map_err(|source| Error::Bind { addr, source })?
        .run();
    Ok(http)
}

/// Serves `server` on `listener` until SIGTERM or SIGINT (or `shutdown` resolves); then stops
/// accepting, cancels running statements and stops every session, all within the grace period,
/// and returns `Ok(())`.
pub async fn serve(
    server: LivyServer,
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".to_owned(), |a| a.to_string());
    if server.config().token.is_none() && listener.local_addr().is_ok_and(|a| !a.ip().is_loopback())
    {
        tracing::warn!(
            %addr,
            "the Livy server listens beyond loopback without a token: anyone who can reach it can run SQL here (set EMBER_LIVY_TOKEN)"
        );
    }
    let http = http_server(&server, listener, &options)?;
    let handle = http.handle();
    tracing::info!(%addr, kinds = ?server.kinds(), "Livy server listening");
    let grace = options.shutdown_grace;
    let running = async { http.await.map_err(Error::Server) };
    tokio::pin!(running);
    tokio::select! {
        // The HTTP server ended on its own (an I/O error).
        r = &mut running => return r,
        () = shutdown => tracing::info!("shutdown requested"),
        () = os_signal() => tracing::info!("signal received; shutting down"),
    }
    // Sessions and the HTTP side stop together, so the whole stop fits in the grace period.
    // The server future must keep being polled: it is what carries out the stop command.
    let stopping = futures_util::future::join(server.shutdown(grace), handle.stop(true));
    let ((stopped, ()), result) = futures_util::future::join(stopping, running).await;
    tracing::info!(sessions = stopped, "Livy server stopped");
    result
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn os_signal() {
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
    if tokio::signal::ctrl_c().await.is_err() {
        // No way to hear signals: wait for the other shutdown trigger.
        std::future::pending::<()>().await;
    }
}

/// A Livy server running on a background thread: for tests, examples and embedding. Dropping it
/// stops the server (bounded by the grace period) and every session.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    server: LivyServer,
    handle: ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    grace: Duration,
}

/// Starts `server` on `addr` (`127.0.0.1:0` picks a free port) on a background thread and
/// returns once it accepts connections.
pub fn spawn(server: LivyServer, addr: &str, options: ServeOptions) -> Result<RunningServer> {
    let listener = bind(addr)?;
    let local = listener.local_addr().map_err(Error::Server)?;
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let thread_server = server.clone();
    let thread_options = options.clone();
    let thread = std::thread::Builder::new()
        .name("ember-livy-http".into())
        .spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                match http_server(&thread_server, listener, &thread_options) {
                    Ok(http) => {
                        let _ = tx.send(Ok(http.handle()));
                        if let Err(e) = http.await {
                            tracing::error!("the Livy server failed: {e}");
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                    }
                }
            });
        })
        .map_err(Error::Server)?;
    let wait = Duration::from_secs(10);
    let handle = match rx.recv_timeout(wait) {
        Ok(Ok(h)) => h,
        Ok(Err(e)) => return Err(e),
        Err(_) => {
            return Err(Error::Timeout {
                waiting_for: "the Livy server's HTTP workers to start",
                after: wait,
            });
        }
    };
    Ok(RunningServer {
        addr: local,
        server,
        handle,
        thread: Some(thread),
        grace: options.shutdown_grace,
    })
}

impl RunningServer {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's state (sessions, kinds).
    pub fn server(&self) -> &LivyServer {
        &self.server
    }

    /// Stops accepting, stops every session and waits for the HTTP thread, all within the grace
    /// period.
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        let server = self.server.clone();
        let handle = self.handle.clone();
        let grace = self.grace;
        // The stop futures need a runtime; a small one of our own works from any thread
        // (including from inside another runtime, on this helper thread).
        let stopper = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async move {
                    let _ = tokio::time::timeout(
                        grace,
                        futures_util::future::join(server.shutdown(grace), handle.stop(true)),
                    )
                    .await;
                });
            }
        });
        let _ = stopper.join();
        let _ = thread.join();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop_inner();
    }
}
