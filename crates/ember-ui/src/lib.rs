//! # ember-ui: see what an Ember context is doing
//!
//! Spark's first window on a running application is its web UI (port 4040) and the monitoring
//! REST API behind it. `ember-ui` gives an [`ember_rdd::Context`] both, from the bounded record
//! the context keeps of its jobs, stages, tasks and cached RDDs ([`Context::status`]):
//!
//! - **The REST API in Spark's shape** under `/api/v1`: `applications`, `.../{app}/jobs[/{id}]`,
//!   `.../stages[/{id}[/{attempt}]]`, `.../executors`, `.../allexecutors`, `.../environment`,
//!   `.../storage/rdd[/{id}]`, `.../sql[/{id}]` and `/version`, with Spark's field names, value
//!   types, status words and date format (`2026-12-06T03:52:43.124GMT`). `?status=` filters jobs
//!   and stages as Spark's does. What Ember does not measure (JVM GC, shuffle bytes) is 0.
//! - **A live page** at `/jobs/` (and `/stages/`, `/storage/`, `/environment/`, `/executors/`,
//!   `/SQL/`): server-rendered HTML with progress bars, readable in a terminal browser, and a
//!   few lines of plain JavaScript (embedded, nothing fetched from elsewhere) that refresh it
//!   every second while jobs run.
//! - **Where it shows**: [`scope`] is an actix [`Scope`](actix_web::Scope) any app can mount;
//!   [`start`] serves it on its own loopback port (Spark's 4040, or the next free one of the 16
//!   after it) for a library program, in one call. `ember serve` and the interactive `ember sql`
//!   shell start it (`--ui-port`, `--no-ui`); `ember livy-server` has a sessions page of its own
//!   at `/ui`, built with this crate's [`html`].
//!
//! SQL queries show when the [`Ui`] is given a [`QuerySource`] (the `ember` facade hands it an
//! `ember_sql::Session`'s query log).
//!
//! ```
//! use ember_rdd::Context;
//!
//! let ctx = Context::new("monitored", "local[2]")?;
//! let ui = ember_ui::start(ember_ui::Ui::new(ctx.clone()), &ember_ui::UiOptions {
//!     port: 0, // any free port; Spark's default is 4040
//!     ..ember_ui::UiOptions::default()
//! })?;
//! ctx.parallelize(1..=100, 4)?.map(|x| x * 2).count()?;
//! // GET {ui.url()}/api/v1/applications/{app}/jobs now lists the job; {ui.url()}/jobs/ shows it.
//! assert!(ui.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(ctx.status().jobs()[0].tasks.completed, 4);
//! ui.stop()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Safety
//! The UI only reads. It answers `GET` and `HEAD` (anything else gets 405); a request whose `Host` is not one of the
//! names the UI serves under gets 403, so a web page on another site cannot read it through DNS
//! rebinding. [`start`] binds loopback unless told otherwise.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]

mod api;
mod error;
pub mod html;
mod lookup;
mod page;
mod routes;
mod server;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ember_rdd::Context;

pub use error::{Error, Result};
pub use routes::scope;
pub use server::{DEFAULT_UI_PORT, UiOptions, UiServer, start};

/// Where a SQL query is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryState {
    /// It runs.
    Running,
    /// It returned its rows.
    Completed,
    /// It failed.
    Failed,
}

/// One SQL query, as the SQL page and `/sql` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// Its id, unique in its source.
    pub id: u64,
    /// The SQL text (or what made the DataFrame).
    pub text: String,
    /// The physical plan, as text.
    pub plan: String,
    /// When it started.
    pub submitted: SystemTime,
    /// How long it ran, once it ended.
    pub duration: Option<Duration>,
    /// Rows it returned, once it ended.
    pub rows: Option<u64>,
    /// Where it is.
    pub state: QueryState,
    /// Why it failed.
    pub error: Option<String>,
}

/// Where the SQL page finds queries: an `ember_sql::Session`'s query log, through the facade.
pub trait QuerySource: Send + Sync {
    /// The queries remembered, newest first.
    fn queries(&self) -> Vec<Query>;
}

impl<F: Fn() -> Vec<Query> + Send + Sync> QuerySource for F {
    fn queries(&self) -> Vec<Query> {
        self()
    }
}

/// What the UI shows: a context, and optionally its SQL queries and extra configuration.
/// Cheap to clone.
#[derive(Clone)]
pub struct Ui {
    inner: Arc<UiInner>,
}

struct UiInner {
    context: Context,
    queries: Option<Arc<dyn QuerySource>>,
    properties: Vec<(String, String)>,
    allowed_hosts: Vec<String>,
    /// `host:port` the UI is served on, for the executor's `hostPort`.
    host_port: String,
    port: u16,
}

impl fmt::Debug for Ui {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ui")
            .field("context", &self.inner.context)
            .field("queries", &self.inner.queries.is_some())
            .field("host_port", &self.inner.host_port)
            .finish_non_exhaustive()
    }
}

impl Ui {
    /// The UI of `context`.
    pub fn new(context: Context) -> Self {
        Ui {
            inner: Arc::new(UiInner {
                context,
                queries: None,
                properties: Vec::new(),
                allowed_hosts: Vec::new(),
                host_port: "localhost".to_owned(),
                port: 0,
            }),
        }
    }

    fn update(mut self, f: impl FnOnce(&mut UiInner)) -> Self {
        match Arc::get_mut(&mut self.inner) {
            Some(inner) => f(inner),
            None => {
                let old = &self.inner;
                let mut inner = UiInner {
                    context: old.context.clone(),
                    queries: old.queries.clone(),
                    properties: old.properties.clone(),
                    allowed_hosts: old.allowed_hosts.clone(),
                    host_port: old.host_port.clone(),
                    port: old.port,
                };
                f(&mut inner);
                self.inner = Arc::new(inner);
            }
        }
        self
    }

    /// Shows the SQL queries `source` remembers on the SQL page and under `/sql`.
    pub fn with_queries(self, source: Arc<dyn QuerySource>) -> Self {
        self.update(|i| i.queries = Some(source))
    }

    /// Adds configuration entries to the environment page (`sparkProperties`).
    pub fn with_properties(self, properties: impl IntoIterator<Item = (String, String)>) -> Self {
        let properties: Vec<_> = properties.into_iter().collect();
        self.update(|i| i.properties.extend(properties))
    }

    /// Also accepts requests whose `Host` is one of `hosts` (names, with or without a port: the
    /// port a request names is not checked), besides the loopback names and addresses and the
    /// address the UI is bound to; `*` accepts any. Needed when the UI is reached under another
    /// name.
    pub fn with_allowed_hosts(self, hosts: impl IntoIterator<Item = String>) -> Self {
        let hosts: Vec<_> = hosts
            .into_iter()
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .collect();
        self.update(|i| i.allowed_hosts.extend(hosts))
    }

    /// Tells the UI the address it is served on (for the executor's `hostPort`).
    pub fn served_at(self, host: &str, port: u16) -> Self {
        let host_port = format!("{host}:{port}");
        self.update(|i| {
            i.host_port = host_port;
            i.port = port;
        })
    }

    /// The context shown.
    pub fn context(&self) -> &Context {
        &self.inner.context
    }

    pub(crate) fn queries(&self) -> Option<Vec<Query>> {
        self.inner.queries.as_ref().map(|q| q.queries())
    }

    pub(crate) fn properties(&self) -> &[(String, String)] {
        &self.inner.properties
    }

    pub(crate) fn host_port(&self) -> &str {
        &self.inner.host_port
    }

    pub(crate) fn port(&self) -> u16 {
        self.inner.port
    }

    /// Whether a request's `Host` header names this UI, which listens on `bound`: a loopback
    /// name or address, the bound address (any address literal when bound to a wildcard), or one
    /// allowed with [`with_allowed_hosts`](Self::with_allowed_hosts) (`ember-serve`'s gate). A
    /// request without one (HTTP/1.0) is accepted, as browsers always send it.
    pub(crate) fn admits_host(&self, host: Option<&str>, bound: std::net::SocketAddr) -> bool {
        host.is_none_or(|h| ember_serve::gate::host_allowed(h, bound, &self.inner.allowed_hosts))
    }
}
