//! What runs on each partition: the [`PartitionServer`] trait, the closure-built
//! [`HttpPartitionServer`], and the routes every partition server answers besides the user's.

use std::fmt;
use std::sync::Arc;

use actix_web::http::{ConnectionType, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};
use ember_rdd::Data;
use ember_serve::{get, method_not_allowed, not_found, text};
use tokio::sync::watch;

use crate::token::Token;

/// A server launched on every partition of an RDD.
///
/// For each partition, the cluster computes the partition's items, calls [`init_partition`]
/// to build the partition's state, and serves [`routes`] under `/app` on a listener of its own;
/// handlers reach the state with the `web::Data<Self::State>` extractor and their partition
/// with `web::Data<PartitionInfo>`. When the cluster stops, [`build_result`] turns the state
/// into the partition's share of the result RDD.
///
/// The original's `config` dict is the server value itself: `init_partition` and the routes see
/// `&self`. [`HttpPartitionServer`] builds a server from closures, with an explicit config value.
///
/// `init_partition` and `build_result` may block (they run on a blocking pool, never on an
/// event loop); a panic in either is caught. Handlers may not: every partition's routes are
/// served by a few event-loop threads shared by the cluster, so a handler that blocks stalls
/// the other partitions on its thread (use `web::block` for blocking work). A panic in `init_partition` relaunches the
/// partition, up to the context's task retry limit.
///
/// [`init_partition`]: PartitionServer::init_partition
/// [`routes`]: PartitionServer::routes
/// [`build_result`]: PartitionServer::build_result
pub trait PartitionServer: Send + Sync + 'static {
    /// The RDD's element type.
    type Item: Data;
    /// What `init_partition` builds from a partition's items; shared by all its requests.
    type State: Send + Sync + 'static;
    /// The element type of the result RDD (`()` if the server returns nothing).
    type Output: Data;

    /// Builds the state of partition `partition` from its items, before the server listens.
    fn init_partition(&self, partition: usize, items: Vec<Self::Item>) -> Self::State;

    /// Registers the user's routes; they are mounted under `/app`.
    fn routes(&self, cfg: &mut web::ServiceConfig);

    /// What the partition contributes to the result RDD when the cluster stops (only called
    /// when the cluster was built with `cache_result(true)`). Nothing by default.
    fn build_result(&self, partition: usize, state: &Self::State) -> Vec<Self::Output> {
        let _ = (partition, state);
        Vec::new()
    }
}

/// Which partition a request reached, for handlers (`web::Data<PartitionInfo>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionInfo {
    /// The partition index.
    pub partition: usize,
    /// Which launch of this partition's server this is, from 1 (relaunches count up).
    pub attempt: u32,
}

type RoutesFn = dyn Fn(&mut web::ServiceConfig) + Send + Sync;
type InitFn<T, C, S> = dyn Fn(usize, Vec<T>, &C) -> S + Send + Sync;
type ResultFn<S, R> = dyn Fn(usize, &S) -> Vec<R> + Send + Sync;

/// A [`PartitionServer`] made of closures, for quick prototyping (the original's
/// `FlaskPartitionServer(blueprint=…, init_partition=…, config=…)`).
///
/// Build it in this order: [`new`](Self::new) with the routes, then optionally
/// [`with_config`](Self::with_config), [`with_init`](Self::with_init) and
/// [`with_result`](Self::with_result). Without an init, a partition's state is its items
/// (`web::Data<Vec<T>>` in handlers).
///
/// ```
/// use actix_web::web;
/// use ember_partition_server::HttpPartitionServer;
///
/// // State: the partition's items joined with the configured separator.
/// let server = HttpPartitionServer::<i64>::new(|cfg| {
///     cfg.route("/concat", web::get().to(|s: web::Data<String>| async move { s.to_string() }));
/// })
/// .with_config(",".to_owned())
/// .with_init(|_partition, items, sep: &String| {
///     items.iter().map(i64::to_string).collect::<Vec<_>>().join(sep)
/// })
/// .with_result(|partition, state: &String| vec![(partition, state.len())]);
/// # let _ = server;
/// ```
pub struct HttpPartitionServer<T, S = Vec<T>, C = (), R = ()> {
    routes: Box<RoutesFn>,
    config: C,
    init: Box<InitFn<T, C, S>>,
    result: Option<Box<ResultFn<S, R>>>,
}

impl<T, S, C, R> fmt::Debug for HttpPartitionServer<T, S, C, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpPartitionServer")
            .field("state", &std::any::type_name::<S>())
            .field("config", &std::any::type_name::<C>())
            .field("builds_result", &self.result.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: Data> HttpPartitionServer<T> {
    /// A server with these routes (mounted under `/app`), whose state is the partition's items.
    pub fn new(routes: impl Fn(&mut web::ServiceConfig) + Send + Sync + 'static) -> Self {
        HttpPartitionServer {
            routes: Box::new(routes),
            config: (),
            init: Box::new(|_, items, _| items),
            result: None,
        }
    }

    /// Sets the config value handed to the init closure.
    pub fn with_config<C: Send + Sync + 'static>(
        self,
        config: C,
    ) -> HttpPartitionServer<T, Vec<T>, C> {
        HttpPartitionServer {
            routes: self.routes,
            config,
            init: Box::new(|_, items, _| items),
            result: None,
        }
    }
}

impl<T: Data, C> HttpPartitionServer<T, Vec<T>, C> {
    /// Builds each partition's state with `init(partition, items, &config)`.
    pub fn with_init<S: Send + Sync + 'static>(
        self,
        init: impl Fn(usize, Vec<T>, &C) -> S + Send + Sync + 'static,
    ) -> HttpPartitionServer<T, S, C> {
        HttpPartitionServer {
            routes: self.routes,
            config: self.config,
            init: Box::new(init),
            result: None,
        }
    }
}

impl<T, S, C> HttpPartitionServer<T, S, C> {
    /// Builds each partition's share of the result RDD with `result(partition, &state)` when
    /// the cluster stops.
    pub fn with_result<R: Data>(
        self,
        result: impl Fn(usize, &S) -> Vec<R> + Send + Sync + 'static,
    ) -> HttpPartitionServer<T, S, C, R> {
        HttpPartitionServer {
            routes: self.routes,
            config: self.config,
            init: self.init,
            result: Some(Box::new(result)),
        }
    }
}

impl<T, S, C, R> HttpPartitionServer<T, S, C, R> {
    /// The config value handed to init.
    pub fn config(&self) -> &C {
        &self.config
    }
}

impl<T, S, C, R> PartitionServer for HttpPartitionServer<T, S, C, R>
where
    T: Data,
    S: Send + Sync + 'static,
    C: Send + Sync + 'static,
    R: Data,
{
    type Item = T;
    type State = S;
    type Output = R;

    fn init_partition(&self, partition: usize, items: Vec<T>) -> S {
        (self.init)(partition, items, &self.config)
    }

    fn routes(&self, cfg: &mut web::ServiceConfig) {
        (self.routes)(cfg)
    }

    fn build_result(&self, partition: usize, state: &S) -> Vec<R> {
        match &self.result {
            Some(f) => f(partition, state),
            None => Vec::new(),
        }
    }
}

/// What a partition server's control routes act on.
#[derive(Debug)]
pub(crate) struct Control {
    pub(crate) info: PartitionInfo,
    pub(crate) token: Token,
    /// Set to `true` by `POST /control/shutdown`; the partition's supervisor waits on it.
    pub(crate) shutdown: Arc<watch::Sender<bool>>,
}

/// What a partition server's 404 lists.
const ROUTES: &str =
    "user routes are under /app, control routes are /control/ping and /control/shutdown";

/// Registers everything a partition server answers: the user's routes under `/app` (with the
/// state and [`PartitionInfo`] as app data), the control routes, and 404/405 fallbacks with a
/// one-line reason.
pub(crate) fn configure<S: PartitionServer>(
    cfg: &mut web::ServiceConfig,
    server: &S,
    state: web::Data<S::State>,
    control: web::Data<Control>,
) {
    let info = web::Data::new(control.info);
    cfg.app_data(control)
        .service(
            web::scope("/control")
                .service(
                    web::resource("/ping")
                        .route(get().to(ping))
                        .default_service(method_not_allowed("GET, HEAD")),
                )
                .service(
                    web::resource("/shutdown")
                        .route(web::post().to(shutdown))
                        .default_service(method_not_allowed("POST")),
                )
                .default_service(not_found(ROUTES)),
        )
        .service(
            web::scope("/app")
                .app_data(state)
                .app_data(info)
                .configure(|cfg| server.routes(cfg))
                .default_service(not_found(ROUTES)),
        )
        .default_service(not_found(ROUTES));
}

async fn ping(req: HttpRequest, control: web::Data<Control>) -> HttpResponse {
    if let Some(denied) = control.token.deny(&req) {
        return denied;
    }
    text(
        StatusCode::OK,
        format!("pong from partition {}", control.info.partition),
    )
}

async fn shutdown(req: HttpRequest, control: web::Data<Control>) -> HttpResponse {
    if let Some(denied) = control.token.deny(&req) {
        return denied;
    }
    control.shutdown.send_replace(true);
    let mut reply = text(
        StatusCode::OK,
        format!("partition {} is shutting down", control.info.partition),
    );
    reply.head_mut().set_connection_type(ConnectionType::Close);
    reply
}
