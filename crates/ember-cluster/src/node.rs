//! The cluster's processes: Ballista's scheduler and executor, knowing Ember's functions.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use ballista_core::config::TaskSchedulingPolicy;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_core::serde::BallistaCodec;
use ballista_core::serde::protobuf::ExecutorRegistration;
use ballista_core::serde::protobuf::scheduler_grpc_client::SchedulerGrpcClient;
use ballista_core::serde::scheduler::{
    ExecutorOperatingSystemSpecification, ExecutorSpecification,
};
use ballista_core::utils::{GrpcServerConfig, create_grpc_server, default_config_producer};
use ballista_core::{BALLISTA_PROTOCOL_VERSION, ConfigProducer, RuntimeProducer};
use ballista_executor::execution_engine::DefaultExecutionEngine;
use ballista_executor::executor::Executor;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_executor::flight_service::BallistaFlightService;
use ballista_executor::metrics::LoggingMetricsCollector;
use ballista_executor::shutdown::ShutdownNotifier;
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::SessionConfig;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};

use crate::codec::{Zones, codecs};
use crate::functions::{Functions, zone_of};
use crate::local_data::GRPC_MESSAGE_LIMIT;
use crate::messages::SparkMessages;
use crate::{Error, Result};

/// The scheduler's default port (Ballista's).
pub const DEFAULT_SCHEDULER_PORT: u16 = 50050;
/// An executor's default port (Ballista's).
pub const DEFAULT_EXECUTOR_PORT: u16 = 50051;

/// The shortest executor timeout a scheduler takes: three of an executor's heartbeats.
pub const MIN_EXECUTOR_TIMEOUT: Duration = Duration::from_secs(3);

/// How a scheduler is started (`ember cluster scheduler`).
#[derive(Debug, Clone)]
pub struct SchedulerOptions {
    /// Where it listens. Default: `127.0.0.1` (loopback: say `0.0.0.0` to serve other machines).
    pub host: String,
    /// Its port. Default: 50050; 0 picks a free one.
    pub port: u16,
    /// How long an executor may be silent before its tasks are run elsewhere (and it is told to
    /// stop). Default: 30 s; at least [`MIN_EXECUTOR_TIMEOUT`] (executors send a heartbeat every
    /// second).
    pub executor_timeout: Duration,
    /// How long a query waits for an executor when there is none. Default: 30 s.
    pub no_executor_grace: Duration,
    /// The functions plans may call.
    pub functions: Functions,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            host: "127.0.0.1".to_owned(),
            port: DEFAULT_SCHEDULER_PORT,
            executor_timeout: Duration::from_secs(30),
            no_executor_grace: Duration::from_secs(30),
            functions: Functions::new(),
        }
    }
}

type Serve = Pin<Box<dyn Future<Output = Result<()>> + Send>>;

/// A scheduler listening on its address, to be served with [`serve`](Self::serve).
pub struct Scheduler {
    address: SocketAddr,
    serve: Serve,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// Binds the scheduler's port and prepares it. Clients plan Spark SQL with Ember's semantics
    /// and send the optimized plan here; the scheduler plans its stages in the session's time zone
    /// with Ember's functions and hands them to executors.
    ///
    /// The scheduler pushes each task to an executor as soon as its stage can run (Ballista's
    /// push scheduling: a query pays no polling interval per stage).
    pub async fn bind(options: SchedulerOptions) -> Result<Scheduler> {
        let address = format!("{}:{}", options.host, options.port);
        let listener = tokio::net::TcpListener::bind(&address)
            .await
            .map_err(|source| Error::Bind {
                what: "scheduler",
                address: address.clone(),
                source,
            })?;
        let address = listener.local_addr().map_err(|source| Error::Bind {
            what: "scheduler",
            address,
            source,
        })?;
        let functions = options.functions.clone();
        let (logical, physical) = codecs(options.functions, Zones::default());
        let session_builder = Arc::new(move |config: SessionConfig| {
            // The session the client planned in, with the client's settings: stage planning
            // sees the same functions, rules and zone.
            let catalog = functions
                .catalog(&zone_of(config.options()))
                .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?;
            let rules =
                ballista_core::optimizer::with_ballista_optimizer_rules(catalog.state.optimizers());
            Ok(
                SessionStateBuilder::new_from_existing(catalog.state.clone())
                    .with_config(config)
                    .with_optimizer_rules(rules)
                    .with_runtime_env(Arc::new(RuntimeEnvBuilder::new().build()?))
                    .build(),
            )
        });
        let mut config = SchedulerConfig::default()
            .with_hostname(options.host.clone())
            .with_port(address.port())
            .with_scheduler_policy(TaskSchedulingPolicy::PushStaged)
            .with_remove_executor_wait_secs(0)
            .with_no_executors_grace_period_seconds(options.no_executor_grace.as_secs())
            .with_override_session_builder(session_builder);
        config.bind_host = options.host;
        config.executor_timeout_seconds =
            options.executor_timeout.max(MIN_EXECUTOR_TIMEOUT).as_secs();
        config.expire_dead_executor_interval_seconds =
            (options.executor_timeout.as_secs() / 3).clamp(1, 15);
        config.override_logical_codec = Some(logical);
        config.override_physical_codec = Some(physical);
        // Plans carry local data (`ember.cluster.local_data_limit`): room for the largest.
        let message_limit = message_limit();
        config.grpc_server_max_decoding_message_size = message_limit;
        config.grpc_server_max_encoding_message_size = message_limit;
        config.grpc_client_max_message_size = message_limit;
        let config = Arc::new(config);
        let cluster = BallistaCluster::new_from_config(&config).await?;
        let scheduler =
            create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, config).await?;
        let serve = Box::pin(async move {
            start_grpc_service_with_listener(listener, scheduler)
                .await
                .map_err(Error::from)
        });
        Ok(Scheduler { address, serve })
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until the future is dropped (or the listener fails).
    pub async fn serve(self) -> Result<()> {
        self.serve.await
    }
}

/// How an executor is started (`ember cluster executor`).
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler's `host:port`.
    pub scheduler: String,
    /// Where it serves its shuffle data (Arrow Flight) and how others reach it. Default:
    /// `127.0.0.1`.
    pub host: String,
    /// Its port; each executor on one machine needs its own. Default: 50051; 0 picks a free
    /// one (the executor binds it before it registers, and logs it).
    pub port: u16,
    /// The port the scheduler hands it tasks on. Default (and for 0): one the OS picks at start
    /// (the scheduler learns it when the executor registers).
    pub grpc_port: Option<u16>,
    /// How many tasks it runs at once. Default: the machine's cores.
    pub cores: usize,
    /// Where its shuffle files go. Default: a temporary directory.
    pub work_dir: Option<PathBuf>,
    /// The most memory its tasks may hold together (bytes); past it they spill or fail.
    /// Default: unbounded.
    pub memory_limit: Option<u64>,
    /// How long it tries to reach the scheduler at start. Default: 30 s.
    pub connect_timeout: Duration,
    /// The functions plans may call.
    pub functions: Functions,
}

impl Default for ExecutorOptions {
    fn default() -> Self {
        ExecutorOptions {
            scheduler: format!("127.0.0.1:{DEFAULT_SCHEDULER_PORT}"),
            host: "127.0.0.1".to_owned(),
            port: DEFAULT_EXECUTOR_PORT,
            grpc_port: None,
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            work_dir: None,
            memory_limit: None,
            connect_timeout: Duration::from_secs(30),
            functions: Functions::new(),
        }
    }
}

/// The registry an executor looks functions up in when a plan names one without its zone.
fn registry(functions: &Functions) -> Result<BallistaFunctionRegistry> {
    let catalog = functions.catalog("UTC")?;
    Ok(BallistaFunctionRegistry::from(&catalog.state))
}

/// Runs an executor process: registers with the scheduler (retrying up to the connect timeout),
/// runs the tasks it is given, and on SIGTERM or Ctrl-C tells the scheduler, lets its running
/// tasks finish and returns.
pub async fn run_executor(options: ExecutorOptions) -> Result<()> {
    let (scheduler_host, scheduler_port) = split_host_port(&options.scheduler)?;
    let (logical, physical) = codecs(options.functions.clone(), Zones::default());
    let functions = Arc::new(registry(&options.functions)?);
    // The port executors fetch shuffle data from: bound here (port 0 picks one, so no process
    // can take it between a pick and the bind), served by Ballista's Flight service once the
    // executor has registered, and registered as the port it really is.
    let flight_address = format!("{}:{}", options.host, options.port);
    let flight_listener = tokio::net::TcpListener::bind(&flight_address)
        .await
        .map_err(|source| Error::Bind {
            what: "executor",
            address: flight_address.clone(),
            source,
        })?;
    let flight_port = flight_listener
        .local_addr()
        .map_err(|source| Error::Bind {
            what: "executor",
            address: flight_address,
            source,
        })?
        .port();
    tracing::info!(
        "executor serving shuffle data on {}:{flight_port}",
        options.host
    );
    let flight = serve_flight_on(flight_listener);
    let work_dir = options
        .work_dir
        .as_ref()
        .map(|d| d.to_string_lossy().into_owned());
    let start = |grpc_port: u16| {
        let config = ExecutorProcessConfig {
            bind_host: options.host.clone(),
            external_host: Some(options.host.clone()),
            port: flight_port,
            grpc_port,
            scheduler_host: scheduler_host.clone(),
            scheduler_port,
            scheduler_connect_timeout_seconds: u16::try_from(options.connect_timeout.as_secs())
                .unwrap_or(u16::MAX)
                .max(1),
            vcores: options.cores.max(1),
            task_scheduling_policy: TaskSchedulingPolicy::PushStaged,
            work_dir: work_dir.clone(),
            print_thread_info: false,
            // Its only sign of life while the scheduler pushes it tasks: well inside the
            // scheduler's executor timeout (at least MIN_EXECUTOR_TIMEOUT).
            executor_heartbeat_interval_seconds: 1,
            memory_pool_size: options.memory_limit,
            grpc_max_decoding_message_size: message_limit(),
            grpc_max_encoding_message_size: message_limit(),
            override_function_registry: Some(Arc::clone(&functions)),
            override_logical_codec: Some(logical.clone()),
            override_physical_codec: Some(physical.clone()),
            // Ballista's engine, whose tasks fail with Ember's messages. Ballista's own process
            // would give it a pool of connections to the other executors, whose type Ballista
            // keeps private: each shuffle fetch connects anew (on loopback, well under a
            // millisecond).
            override_execution_engine: Some(Arc::new(SparkMessages(Arc::new(
                DefaultExecutionEngine::new(),
            )))),
            override_arrow_flight_service: Some(Arc::clone(&flight)),
            ..ExecutorProcessConfig::default()
        };
        async move {
            start_executor_process(Arc::new(config)).await?;
            Ok(())
        }
    };
    // 0 would be registered as the port to reach it on: pick one instead, as for none.
    match options.grpc_port.filter(|p| *p != 0) {
        Some(port) => start(port).await,
        None => with_picked_port(|| free_port(&options.host), start).await,
    }
}

/// Starts an executor inside this process on `runtime`'s tasks, serving its shuffle data and
/// taking the tasks the scheduler pushes on ports the OS picks on loopback: what
/// [`LocalCluster`](crate::LocalCluster) runs. It stops when the runtime does.
pub(crate) async fn spawn_local_executor(
    scheduler: SocketAddr,
    cores: usize,
    memory_limit: Option<usize>,
    work_dir: &std::path::Path,
    functions: &Functions,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|source| Error::Bind {
            what: "executor",
            address: "127.0.0.1:0".to_owned(),
            source,
        })?;
    let port = listener
        .local_addr()
        .map_err(|source| Error::Bind {
            what: "executor",
            address: "127.0.0.1:0".to_owned(),
            source,
        })?
        .port();
    let mut runtime = RuntimeEnvBuilder::new();
    if let Some(limit) = memory_limit {
        runtime = runtime.with_memory_pool(ember_sql::memory_pool(limit));
    }
    let runtime = runtime
        .build_arc()
        .map_err(|e| Error::Ballista(e.to_string()))?;
    let runtime_producer: RuntimeProducer = Arc::new(move |_| Ok(Arc::clone(&runtime)));
    let config_producer: ConfigProducer = Arc::new(default_config_producer);
    let registry = Arc::new(registry(functions)?);
    let work_dir = work_dir.to_string_lossy().into_owned();
    let scheduler_url = format!("http://{scheduler}");
    let client = SchedulerGrpcClient::connect(scheduler_url.clone())
        .await
        .map_err(|e| {
            Error::Ballista(format!(
                "cannot reach the scheduler at {scheduler_url}: {e}"
            ))
        })?
        .max_decoding_message_size(GRPC_MESSAGE_LIMIT)
        .max_encoding_message_size(GRPC_MESSAGE_LIMIT);
    let flight = arrow_flight::flight_service_server::FlightServiceServer::new(
        BallistaFlightService::new(work_dir.clone()),
    );
    tokio::spawn(
        create_grpc_server(&GrpcServerConfig::default())
            .add_service(flight)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    // The port the scheduler pushes tasks to: Ballista binds it itself, from a number.
    let start = |grpc_port: u16| {
        let metadata = ExecutorRegistration {
            id: ballista_core::ids::new_instance_id(),
            host: Some("127.0.0.1".to_owned()),
            port: u32::from(port),
            grpc_port: u32::from(grpc_port),
            specification: Some(
                ExecutorSpecification::default()
                    .with_vcores(u32::try_from(cores.max(1)).unwrap_or(u32::MAX))
                    .into(),
            ),
            os_info: Some(ExecutorOperatingSystemSpecification::default().into()),
            ballista_protocol_version: BALLISTA_PROTOCOL_VERSION,
        };
        let (logical, physical) = codecs(functions.clone(), Zones::default());
        let codec: BallistaCodec = BallistaCodec::new(logical, physical);
        let executor = Arc::new(Executor::new(
            metadata,
            &work_dir,
            Arc::clone(&runtime_producer),
            Arc::clone(&config_producer),
            Arc::clone(&registry),
            Arc::new(LoggingMetricsCollector::default()),
            cores.max(1),
            Arc::new(SparkMessages(Arc::new(DefaultExecutionEngine::new()))),
        ));
        let config = Arc::new(ExecutorProcessConfig {
            bind_host: "127.0.0.1".to_owned(),
            external_host: Some("127.0.0.1".to_owned()),
            port,
            grpc_port,
            vcores: cores.max(1),
            executor_heartbeat_interval_seconds: 1,
            grpc_max_decoding_message_size: message_limit(),
            grpc_max_encoding_message_size: message_limit(),
            ..ExecutorProcessConfig::default()
        });
        let client = client.clone();
        async move {
            // Its services run until this notifier is dropped, so it lives as long as the
            // cluster's runtime; a stop the scheduler asks for (an executor it timed out) is
            // taken and let be.
            let shutdown = ShutdownNotifier::new();
            let (stop, mut stops) = tokio::sync::mpsc::channel::<bool>(1);
            ballista_executor::executor_server::startup(
                client,
                config,
                executor,
                codec,
                stop,
                &shutdown,
                ballista_executor::health::ExecutorHealth::new(),
            )
            .await?;
            tokio::spawn(async move {
                let _shutdown = shutdown;
                while stops.recv().await.is_some() {}
            });
            Ok(())
        }
    };
    with_picked_port(|| free_port("127.0.0.1"), start).await
}

/// Ballista's Flight service (shuffle fetches) on `listener`, bound beforehand, as the
/// provider an executor process starts it with. Only the first call serves; Ballista makes one.
fn serve_flight_on(
    listener: tokio::net::TcpListener,
) -> Arc<ballista_executor::ArrowFlightServerProvider> {
    let listener = std::sync::Mutex::new(Some(listener));
    Arc::new(move |work_dir, _address, mut shutdown, grpc| {
        let listener = listener
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        tokio::spawn(async move {
            let Some(listener) = listener else {
                return Err(ballista_core::error::BallistaError::General(
                    "the executor's shuffle port is served already".to_owned(),
                ));
            };
            let service = arrow_flight::flight_service_server::FlightServiceServer::new(
                BallistaFlightService::new(work_dir),
            )
            .max_decoding_message_size(GRPC_MESSAGE_LIMIT)
            .max_encoding_message_size(GRPC_MESSAGE_LIMIT);
            create_grpc_server(&grpc)
                .add_service(service)
                .serve_with_incoming_shutdown(
                    tokio_stream::wrappers::TcpListenerStream::new(listener),
                    shutdown.recv(),
                )
                .await
                .map_err(ballista_core::error::BallistaError::TonicError)
        })
    })
}

/// How many ports an executor tries for the port the scheduler pushes tasks to, when it picks
/// them itself: Ballista binds that port from a number, so another process may take a picked
/// port before it does.
const PORT_ATTEMPTS: u32 = 5;

/// Runs `start` on a port `pick` gives, and again on another while it fails because the port
/// was taken first (at most [`PORT_ATTEMPTS`] ports); any other outcome is `start`'s.
async fn with_picked_port<T, F, Fut>(
    mut pick: impl FnMut() -> Result<u16>,
    mut start: F,
) -> Result<T>
where
    F: FnMut(u16) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut attempt = 1;
    loop {
        let port = pick()?;
        match start(port).await {
            Err(e) if attempt < PORT_ATTEMPTS && address_in_use(&e) => {
                tracing::warn!(
                    port,
                    "another process took the executor's task port first; picking another"
                );
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Whether `e` is a bind that failed because the port is taken (Ballista keeps only the text).
fn address_in_use(e: &Error) -> bool {
    let text = e.to_string();
    text.contains("Address already in use") || text.contains("os error 98")
}

/// [`GRPC_MESSAGE_LIMIT`] as Ballista's node configurations take it.
fn message_limit() -> u32 {
    u32::try_from(GRPC_MESSAGE_LIMIT).unwrap_or(u32::MAX)
}

/// A port on `host` that the OS has free now; the executor binds it a moment later, before it
/// registers (another process taking it in between fails the start with Ballista's bind error).
fn free_port(host: &str) -> Result<u16> {
    let address = format!("{host}:0");
    std::net::TcpListener::bind(&address)
        .and_then(|listener| listener.local_addr())
        .map(|a| a.port())
        .map_err(|source| Error::Bind {
            what: "executor's task port",
            address,
            source,
        })
}

/// `host:port` as two parts.
pub(crate) fn split_host_port(address: &str) -> Result<(String, u16)> {
    let bad = |reason: &str| Error::Master {
        master: address.to_owned(),
        reason: reason.to_owned(),
    };
    let (host, port) = address
        .rsplit_once(':')
        .ok_or_else(|| bad("expected host:port"))?;
    if host.is_empty() {
        return Err(bad("the host is empty"));
    }
    let port = port
        .parse::<u16>()
        .map_err(|_| bad("the port is not a number from 0 to 65535"))?;
    Ok((
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_picked_port_taken_first_is_replaced_by_another() {
        // The first pick is a port another listener holds, as a process taking it between the
        // pick and the bind would; the start binds, as Ballista's does, and fails on it.
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let taken = held.local_addr().unwrap().port();
        let mut picks = vec![taken, taken];
        let mut tried = Vec::new();
        let bound = with_picked_port(
            || Ok(picks.pop().unwrap_or(0)),
            |port| {
                tried.push(port);
                async move {
                    std::net::TcpListener::bind(("127.0.0.1", port))
                        .map(|l| l.local_addr().unwrap().port())
                        .map_err(|e| Error::Ballista(format!("cannot bind: {e}")))
                }
            },
        )
        .await
        .unwrap();
        assert_eq!(tried[..2], [taken, taken]);
        assert_ne!(bound, taken);
        // Another failure is not retried.
        let mut calls = 0;
        let other: Result<()> = with_picked_port(
            || Ok(1),
            |_| {
                calls += 1;
                async { Err(Error::Ballista("the scheduler is gone".into())) }
            },
        )
        .await;
        assert!(other.is_err());
        assert_eq!(calls, 1);
        // Nor is a taken port past the attempts.
        let mut attempts = 0;
        let given_up: Result<()> = with_picked_port(
            || Ok(taken),
            |_| {
                attempts += 1;
                async {
                    Err(Error::Ballista(
                        "Address already in use (os error 98)".into(),
                    ))
                }
            },
        )
        .await;
        assert!(given_up.is_err());
        assert_eq!(attempts, PORT_ATTEMPTS);
    }
}
