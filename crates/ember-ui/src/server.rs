//! [`start`]: the UI on its own port and thread, for programs that are not actix apps.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::{App, HttpServer};

use crate::{Error, Result, Ui, routes};

/// Spark's `spark.ui.port`.
pub const DEFAULT_UI_PORT: u16 = 4040;

/// Where and how [`start`] serves the UI.
#[derive(Debug, Clone)]
pub struct UiOptions {
    /// The address to bind (default `127.0.0.1`: loopback only).
    pub host: String,
    /// The first port to try (Spark's 4040); 0 picks any free port.
    pub port: u16,
    /// How many ports after `port` to try when it is taken (Spark's `spark.port.maxRetries`,
    /// 16).
    pub port_retries: u16,
    /// How long [`start`] waits for the server to listen, and [`UiServer::stop`] for it to stop.
    pub timeout: Duration,
}

impl Default for UiOptions {
    fn default() -> Self {
        UiOptions {
            host: Ipv4Addr::LOCALHOST.to_string(),
            port: DEFAULT_UI_PORT,
            port_retries: 16,
            timeout: Duration::from_secs(10),
        }
    }
}

/// A running UI server; dropping it stops the server too (without waiting).
#[derive(Debug)]
pub struct UiServer {
    addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    stopped: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
    timeout: Duration,
}

impl UiServer {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`, the jobs page being at `{url}/jobs/` and the API at `{url}/api/v1`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits (at most the options' timeout) until it has.
    pub fn stop(mut self) -> Result<()> {
        // `stop` sends its command at once; the returned future only reports completion.
        drop(self.handle.stop(true));
        match self.stopped.recv_timeout(self.timeout) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                if let Some(thread) = self.thread.take() {
                    let _ = thread.join();
                }
                Ok(())
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Stop(self.timeout)),
        }
    }
}

impl Drop for UiServer {
    fn drop(&mut self) {
        if self.thread.is_some() {
            drop(self.handle.stop(false));
        }
    }
}

/// Binds the first free port of `port..=port + retries` on `host`, as Spark's UI does.
fn bind(options: &UiOptions) -> Result<TcpListener> {
    let last = if options.port == 0 {
        0
    } else {
        options.port.saturating_add(options.port_retries)
    };
    let mut error = None;
    for port in options.port..=last {
        match TcpListener::bind((options.host.as_str(), port)) {
            Ok(listener) => return Ok(listener),
            Err(e) => error = Some(e),
        }
    }
    Err(Error::Bind {
        host: options.host.clone(),
        first: options.port,
        last,
        source: error.unwrap_or_else(|| std::io::Error::other("no port to try")),
    })
}

/// Serves `ui` (its [`scope`](crate::scope) at the root) on its own thread and port: the first
/// free one from `options.port` (Spark's 4040) on `options.host` (loopback). Logs
/// `Spark UI available at http://…` as Spark does. Errors: [`Error::Bind`] when no port of the
/// range is free, [`Error::Start`] when the server does not listen within `options.timeout`.
pub fn start(ui: Ui, options: &UiOptions) -> Result<UiServer> {
    let listener = bind(options)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Start(options.timeout, e.to_string()))?;
    let ui = ui.served_at(&addr.ip().to_string(), addr.port());
    let (ready_tx, ready) = mpsc::channel();
    let (stopped_tx, stopped) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("ember-ui".into())
        .spawn(move || {
            let system = actix_web::rt::System::new();
            let served = system.block_on(async move {
                let server =
                    HttpServer::new(move || App::new().service(routes::scope("", ui.clone())))
                        .workers(1)
                        .disable_signals()
                        .shutdown_timeout(1)
                        .listen(listener)
                        .map(HttpServer::run);
                match server {
                    Ok(server) => {
                        let _ = ready_tx.send(Ok(server.handle()));
                        server.await.map_err(|e| e.to_string())
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e.to_string()));
                        Ok(())
                    }
                }
            });
            if let Err(e) = served {
                tracing::warn!("the UI server stopped with an error: {e}");
            }
            let _ = stopped_tx.send(());
        })
        .map_err(|e| Error::Start(options.timeout, e.to_string()))?;
    let handle = match ready.recv_timeout(options.timeout) {
        Ok(Ok(handle)) => handle,
        Ok(Err(e)) => return Err(Error::Start(options.timeout, e)),
        Err(_) => {
            // Too late for the caller: stop the server if it ever comes up, so nothing is left
            // listening behind an error.
            std::thread::spawn(move || {
                if let Ok(Ok(handle)) = ready.recv() {
                    drop(handle.stop(false));
                }
            });
            return Err(Error::Start(
                options.timeout,
                "the server thread did not report".into(),
            ));
        }
    };
    tracing::info!("Spark UI available at http://{addr}");
    Ok(UiServer {
        addr,
        handle,
        stopped,
        thread: Some(thread),
        timeout: options.timeout,
    })
}
