//! Running the service as a standalone HTTP server with graceful shutdown, on `ember-serve`.

use std::net::TcpListener;

use ember_serve::HttpApp;
pub use ember_serve::{ServeOptions, bind};

use crate::error::Result;
use crate::service::SparkPiService;

/// Serves `service` on `listener` until SIGTERM or SIGINT (or `shutdown` resolves): then stops
/// accepting, lets in-flight requests finish within the grace period, cancels the jobs still
/// running, and returns `Ok(())`.
pub async fn serve(
    service: SparkPiService,
    listener: TcpListener,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let addr = listener
        .local_addr()
        .map_or_else(|_| "?".to_owned(), |a| a.to_string());
    let app_service = service.clone();
    let app = HttpApp::new("the SparkPi service", move |cfg| {
        cfg.service(app_service.scope(""));
    })
    .on_connect(crate::conn::watch_disconnects);
    // The listener is bound already: connections queue until the server takes them.
    tracing::info!(%addr, simd = %ember_rdd::Simd::selected(), "SparkPi service listening");
    let result = app
        .serve(listener, &options, shutdown, std::future::ready(()))
        .await;
    let cancelled = service.cancel_all_jobs();
    tracing::info!(cancelled, "server stopped");
    Ok(result?)
}
