//! Running the API as an HTTP server: in the foreground until a signal ([`serve`]), or in the
//! background for tests, examples and embedding ([`spawn`]). The plumbing is `ember-serve`'s;
//! what is the Livy server's own is refusing to expose code-running kinds, and stopping every
//! session alongside the HTTP side.

use std::future::Future;
use std::net::{SocketAddr, TcpListener};

use ember_serve::{Background, HttpApp};
pub use ember_serve::{ServeOptions, bind};

use crate::error::{Error, Result};
use crate::server::LivyServer;

/// The Livy API as an app, once it is known the listener may serve it.
fn app(server: &LivyServer, listener: &TcpListener) -> Result<HttpApp> {
    let local = ember_serve::local_addr(listener, "the Livy server")?;
    if let Some(reason) = server.exposure_refusal(local) {
        return Err(Error::Config {
            name: "allow_code_execution",
            reason,
        });
    }
    let app_server = server.clone();
    Ok(HttpApp::new("the Livy server", move |cfg| {
        cfg.service(app_server.scope(""));
    }))
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
    let app = app(&server, &listener)?;
    tracing::info!(%addr, kinds = ?server.kinds(), "Livy server listening");
    // Sessions and the HTTP side stop together, so the whole stop fits in the grace period.
    let stopping = async {
        let stopped = server.shutdown(options.shutdown_grace).await;
        tracing::info!(sessions = stopped, "Livy server stopped");
    };
    app.serve(listener, &options, shutdown, stopping).await?;
    Ok(())
}

/// A Livy server running on a background thread: for tests, examples and embedding. Dropping it
/// stops the server (bounded by the grace period) and every session.
#[derive(Debug)]
pub struct RunningServer {
    server: LivyServer,
    http: Option<Background>,
    addr: SocketAddr,
    grace: std::time::Duration,
}

/// Starts `server` on `addr` (`127.0.0.1:0` picks a free port) on a background thread and
/// returns once it accepts connections.
pub fn spawn(server: LivyServer, addr: &str, options: ServeOptions) -> Result<RunningServer> {
    let listener = bind(addr)?;
    let http = app(&server, &listener)?.spawn(listener, &options)?;
    Ok(RunningServer {
        addr: http.addr(),
        server,
        http: Some(http),
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
    /// period (plus `ember_serve`'s slack for the thread to end).
    pub fn stop(mut self) {
        self.stop_inner();
    }

    fn stop_inner(&mut self) {
        let Some(http) = self.http.take() else {
            return;
        };
        let server = self.server.clone();
        let grace = self.grace;
        if let Err(e) = http.stop_with(async move {
            server.shutdown(grace).await;
        }) {
            tracing::warn!("{e}");
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop_inner();
    }
}
