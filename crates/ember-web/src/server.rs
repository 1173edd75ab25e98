//! Running the service as a standalone HTTP server with graceful shutdown.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::{App, HttpServer};

use crate::error::{Error, Result};
use crate::service::SparkPiService;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// HTTP worker threads (each an event loop; pi jobs never run on them).
    pub workers: usize,
    /// After SIGTERM/SIGINT: how long in-flight requests may finish before their jobs are
    /// cancelled and the server exits.
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
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

/// Serves `service` on `listener` until SIGTERM or SIGINT (or `shutdown` resolves): then stops
/// accepting, lets in-flight requests finish within the grace period, cancels the jobs still
/// running, and returns `Ok(())`.
pub async fn serve(
    service: SparkPiService,
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    if options.workers == 0 {
        return Err(Error::Config {
            name: "workers",
            reason: "must be at least 1".into(),
        });
    }
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".to_owned(), |a| a.to_string());
    let app_service = service.clone();
    let server = HttpServer::new(move || App::new().service(app_service.scope("")))
        .on_connect(crate::conn::watch_disconnects)
        .workers(options.workers)
        .shutdown_timeout(options.shutdown_grace.as_secs().max(1))
        .shutdown_signal(async move {
            tokio::select! {
                () = shutdown => tracing::info!("shutdown requested"),
                () = os_signal() => tracing::info!("signal received; shutting down gracefully"),
            }
        })
        .listen(listener)
        .map_err(|source| Error::Bind {
            addr: addr.clone(),
            source,
        })?;
    tracing::info!(%addr, simd = %ember_rdd::Simd::selected(), "SparkPi service listening");
    let result = server.run().await.map_err(Error::Server);
    let cancelled = service.cancel_all_jobs();
    tracing::info!(cancelled, "server stopped");
    result
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn os_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
