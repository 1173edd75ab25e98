//! [`start`]: the UI on its own port and thread, for programs that are not actix apps.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use ember_serve::{Background, HttpApp, ServeOptions};

use crate::{Result, Ui, routes};

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
    /// How long [`start`] waits for the server to listen.
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
    http: Background,
}

impl UiServer {
    /// The address it listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.http.addr()
    }

    /// `http://host:port`, the jobs page being at `{url}/jobs/` and the API at `{url}/api/v1`.
    pub fn url(&self) -> String {
        self.http.url()
    }

    /// Stops the server and waits (bounded: a second's grace for open requests, then
    /// [`ember_serve::STOP_SLACK`] for its thread) until it has.
    pub fn stop(self) -> Result<()> {
        Ok(self.http.stop()?)
    }
}

/// Serves `ui` (its [`scope`](crate::scope) at the root) on its own thread and port: the first
/// free one from `options.port` (Spark's 4040) on `options.host` (loopback). Logs
/// `Spark UI available at http://…` as Spark does. Errors (`ember-serve`'s): `Bind` when no port
/// of the range is free, `Timeout` when the server does not listen within `options.timeout`.
pub fn start(ui: Ui, options: &UiOptions) -> Result<UiServer> {
    let listener = ember_serve::bind_first_free(&options.host, options.port, options.port_retries)?;
    let addr = ember_serve::local_addr(&listener, "the UI server")?;
    let ui = ui.served_at(&addr.ip().to_string(), addr.port());
    let app = HttpApp::new("the UI server", move |cfg| {
        cfg.service(routes::scope("", ui.clone()));
    });
    let serve = ServeOptions {
        workers: 1,
        shutdown_grace: Duration::from_secs(1),
        start_timeout: options.timeout,
    };
    let http = app.spawn(listener, &serve)?;
    tracing::info!("Spark UI available at http://{addr}");
    Ok(UiServer { http })
}
